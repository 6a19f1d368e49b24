"""Terraform (hashicorp/aws provider) and Account Factory for Terraform: write only.

write.py writes a design as a Terraform root module and AFT account requests; hcl.py is the
HCL writer. There is no converter: CARRIES says where each design concept lands, for the
README's mapping table (only what the export really writes).
"""

CARRIES: dict[str, str] = {
    "ous": "aws_organizations_organizational_unit (name, parent_id)",
    "accounts": "aws_organizations_account (name, parent_id)",
    "account_email": "aws_organizations_account.email; AFT AccountEmail",
    "account_id": "import block to aws_organizations_account",
    "account_purpose": "AFT change_management_parameters.change_reason (planned accounts only)",
    "account_tags": "aws_organizations_account.tags; AFT account_tags",
    "management": "the default aws provider (not an aws_organizations_account)",
    "organization_id": "import block to aws_organizations_organization",
    "scps": "aws_organizations_policy (content), aws_organizations_policy_attachment",
    "scp_descriptions": "aws_organizations_policy.description",
    "trusts": "aws_iam_role (+ _policy_attachment, aws_iam_role_policy), one per account",
    "trust_conditions": "aws_iam_role.assume_role_policy Condition",
    "trust_session": "aws_iam_role.max_session_duration",
    "outside_principals": "aws_iam_role.assume_role_policy Principal",
    "delegated_admins": "aws_organizations_delegated_administrator",
    "log_delivery": "the organization trail: aws_cloudtrail (is_organization_trail); other "
    "sources only as aws_s3_bucket_policy statements admitting them",
    "log_buckets": "aws_s3_bucket (+ _versioning, _object_lock_configuration, ...), aws_kms_key",
    "billing": "implied by aws_organizations_account membership",
}
