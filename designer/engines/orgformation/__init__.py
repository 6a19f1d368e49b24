"""org-formation (org-formation/org-formation-cli, npm aws-organization-formation): a design
written as organization.yml (OC::ORG:: resources), an organization-tasks.yml and the
CloudFormation templates its update-stacks tasks deploy, and read back from them.

write.py writes the organization, write_tasks.py the tasks and templates (roles and log buckets
from designer.artefacts.policy_set, bound with OrganizationBindings), refs.py the logical ids and
!Sub strings both sides share, markers.py the comment lines that give SCPs back as designed;
read.py registers the reader (read_org.py, read_tasks.py, trusts.py, permissions.py).
"""

from __future__ import annotations

ENGINE = "org-formation"
ORGANIZATION_FILE = "organization.yml"
TASKS_FILE = "organization-tasks.yml"
TEMPLATE_VERSION = "2010-09-09-OC"

# Concept key (designer.engines.carried) -> where org-formation keeps it: only what export then
# convert gives back exactly (tests/engines/test_orgformation_roundtrip.py).
CARRIES: dict[str, str] = {
    "ous": "organization.yml: OC::ORG::OrganizationalUnit OrganizationalUnitName, "
    "OrganizationalUnits: [!Ref]",
    "accounts": "organization.yml: OC::ORG::Account AccountName, OU Accounts: [!Ref]",
    "account_email": "organization.yml: OC::ORG::Account RootEmail",
    "account_id": "organization.yml: OC::ORG::Account AccountId",
    "account_tags": "organization.yml: OC::ORG::Account Tags",
    "management": "organization.yml: OC::ORG::MasterAccount",
    "scps": "organization.yml: OC::ORG::ServiceControlPolicy PolicyDocument; "
    "ServiceControlPolicies of OrganizationRoot, OUs and accounts (p-FullAWSAccess by id)",
    "trusts": "roles/<role>.yml (update-stacks): AWS::IAM::Role AssumeRolePolicyDocument, "
    "ManagedPolicyArns, Policies; OrganizationBindings (Account, OrganizationalUnit, "
    "IncludeMasterAccount, ExcludeAccount)",
    "trust_session": "roles/<role>.yml: AWS::IAM::Role MaxSessionDuration",
    "outside_principals": "roles/<role>.yml: trust policy Principal (account id, service, "
    "aws:PrincipalOrgID of a partner)",
    "billing": "implied: every OC::ORG::Account is paid for by the MasterAccount",
}
