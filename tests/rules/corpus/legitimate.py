"""Blind corpus: unusual but sound designs that must raise no high or critical finding.

Each is one deliberate choice a reviewer would accept once its reason is read; written from
the whitepaper and AWS guidance before reading the rules.
"""

from __future__ import annotations

import copy

from designer.model import DelegatedAdminRelationship, Design
from tests.rules.corpus.kit import ORG, Kit, Legitimate

TRAIL_BUCKET = "example-org-logs-cloudtrail-153715744375"
GITHUB = "https://token.actions.githubusercontent.com"


def _deployment_account(k: Kit) -> None:
    k.account("Deployment", "deployment", parent="Infrastructure", environment="production",
              data_sensitivity="internal")  # fmt: skip


def _ci_oidc_in_deployment_account() -> Design:
    k = Kit()
    _deployment_account(k)
    k.idp("GitHub Actions", kind="oidc", home_account="Deployment", metadata_url=GITHUB)
    k.federation("GitHub Actions", "Deployment", mapped_roles=["GitHubDeploy"],
                 principal_type="workload",
                 oidc_subjects=["repo:example/retail:environment:production"])  # fmt: skip
    k.trust("Deployment", "Retail Production", "service-admin", role_name="RetailDeploy",
            services=["cloudformation"], principal_scope="role",
            principal_role_name="GitHubDeploy", organization_scoped=True,
            principal_type="workload")  # fmt: skip
    return k.build()


def _pipeline_role_without_mfa() -> Design:
    k = Kit()
    k.trust("Shared Services", "Retail Development", "service-admin", role_name="DevDeploy",
            services=["cloudformation", "lambda"], principal_scope="role",
            principal_role_name="CodeBuildRunner", organization_scoped=True,
            principal_type="workload")  # fmt: skip
    return k.build()


def _closed_account_in_suspended_ou() -> Design:
    k = Kit()
    k.account("Legacy Retail", parent="Suspended", environment="production", state="suspended",
              data_sensitivity="confidential", purpose="Closed 2024-06; kept 90 days")  # fmt: skip
    return k.build()


def _identity_template() -> Design:
    return Kit("identity").build()


def _logging_template() -> Design:
    return Kit("logging").build()


def _information_security_template() -> Design:
    return Kit("information-security").build()


def _publishing_template() -> Design:
    return Kit("publishing").build()


def _second_log_archive_for_a_region() -> Design:
    k = Kit()
    k.account("Log Archive US", "log-archive", parent="Security", data_sensitivity="restricted",
              aws_account_id="246813579024",
              purpose="Holds logs that must stay in the US for the US subsidiary")  # fmt: skip
    k.bucket("example-us-flow-logs", "Log Archive US", mfa_delete=True, access_logging=True,
             organization_restricted_writes=True, kms_key="alias/us-flow-logs")  # fmt: skip
    k.logs("Network", "Log Archive US", "vpc-flow-logs", bucket="example-us-flow-logs")
    _protect_second_archive(k, "example-us-flow-logs", "246813579024")
    return k.build()


def _protect_second_archive(k: Kit, bucket: str, account_id: str) -> None:
    """The Security OU's ProtectLogArchive SCP names the new bucket and the new account's keys."""
    document = copy.deepcopy(k.get("ProtectLogArchive").document)
    buckets, keys = document["Statement"]
    buckets["Resource"].append(f"arn:${{AWS::Partition}}:s3:::{bucket}")
    keys["Resource"].append(f"arn:${{AWS::Partition}}:kms:*:{account_id}:key/*")
    k.update("ProtectLogArchive", document=document)


def _vendor_read_only_on_staging() -> Design:
    k = Kit()
    k.outside("Load Test Vendor", aws_account_id="123456789012", owner="LoadCo")
    k.trust("Load Test Vendor", "Payments Staging", "read-only", role_name="LoadCoReader",
            principal_scope="role", principal_role_name="LoadCoRunner",
            external_id="loadco-5521", principal_type="workload")  # fmt: skip
    return k.build()


def _two_break_glass_users() -> Design:
    k = Kit()
    k.update(
        "Management",
        iam_user_count=2,
        purpose="Payer; two break-glass IAM users with hardware MFA, sealed credentials",
    )
    return k.build()


def _sandbox_ou_of_sandboxes() -> Design:
    k = Kit()
    for team in ("Retail", "Payments", "Data"):
        k.account(f"{team} Sandbox", "sandbox", parent="Sandbox", environment="sandbox",
                  data_sensitivity="public")  # fmt: skip
    k.policy(ou_requirements=[{"ou": "Sandbox", "allowed_environments": ["sandbox"],
                               "max_data_sensitivity": "internal"}])  # fmt: skip
    return k.build()


def _data_lake_restricted_in_production() -> Design:
    k = Kit()
    k.account("Data Lake", parent="Prod", environment="production", runs_workloads=True,
              data_sensitivity="restricted", purpose="Analytics over payments data")  # fmt: skip
    return k.build()


def _network_shares_transit_gateway() -> Design:
    k = Kit()
    k.share("Network", "Workloads", "ram-share", ram_resource_type="ec2:TransitGateway",
            resource_names=["tgw-core"])  # fmt: skip
    k.share("Network", "Sandbox", "ram-share", ram_resource_type="ec2:Subnet",
            resource_names=["sandbox-egress-subnets"])  # fmt: skip
    return k.build()


def _firewall_manager_delegated() -> Design:
    k = Kit()
    k.relate(DelegatedAdminRelationship, "Management", "Security Tooling",
             service_principals=["fms.amazonaws.com", "inspector2.amazonaws.com"],
             administers="Workloads")  # fmt: skip
    return k.build()


def _identity_center_permission_sets() -> Design:
    k = Kit()
    k.federation(
        "IAM Identity Center",
        "Identity",
        permission_sets=["DataAnalyst", "BillingReadOnly", "NetworkOperator"],
    )
    return k.build()


def _suspended_ou_exempt_from_logging() -> Design:
    k = Kit()
    k.account("Closed Payments", parent="Suspended", environment="production", state="suspended",
              data_sensitivity="restricted")  # fmt: skip
    k.policy(
        ou_requirements=[
            {
                "ou": "Suspended",
                "log_delivery": "exempt",
                "note": "Closed accounts log nothing; the deny-all SCP stops use",
            }
        ]
    )
    # An organization trail cannot skip accounts; the Config StackSet can.
    config = next(
        r for r in k.relationships("log-delivery", ORG, "Log Archive") if "config" in r.log_types
    )
    k.doc.update(config.id, excluded_accounts=[k.id("Closed Payments")])
    return k.build()


def _anonymised_data_flows_up() -> Design:
    k = Kit()
    k.share("Retail Development", "Retail Production", "ebs-snapshot",
            resource_names=["synthetic-catalogue-seed"])  # fmt: skip
    k.update("Retail Development", purpose="Development; produces synthetic seed data")
    return k.build()


def _golden_images_to_sandbox() -> Design:
    k = Kit()
    k.share("Publishing", "Sandbox", "ami", resource_names=["golden-amazon-linux-2023"])
    return k.build()


def _sandbox_admins_own_sandbox() -> Design:
    k = Kit()
    k.trust("Identity", "Developer Sandbox", "administrator", role_name="SandboxAdmin",
            principal_scope="role", principal_role_name="WorkloadAdministrator",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _dev_reads_production_metrics() -> Design:
    k = Kit()
    k.trust(
        "Retail Development",
        "Retail Production",
        "read-only",
        role_name="ProdMetricsReader",
        principal_scope="role",
        principal_role_name="WorkloadAdmin",
        organization_scoped=True,
    )
    return k.build()


def _service_role_with_source_account() -> Design:
    k = Kit()
    k.outside("AWS Backup service", kind="service", service_principal="backup.amazonaws.com")
    k.trust("AWS Backup service", "Payments Production", "service-admin",
            role_name="BackupServiceRole", services=["backup"],
            source_account_condition=True, principal_type="workload")  # fmt: skip
    return k.build()


def _strict_policy_met() -> Design:
    k = Kit()
    k.policy(logs_encrypted_with_kms=True, min_log_retention_days=365,
             ou_requirements=[{"ou": "Workloads", "required_scps": ["DenyRootUser"],
                               "log_delivery": "required"}])  # fmt: skip
    return k.build()


def _backup_account_copies_production() -> Design:
    k = Kit()
    k.account("Backup Vault", "backup", parent="Infrastructure", environment="production",
              data_sensitivity="restricted", purpose="Cross-account AWS Backup vault")  # fmt: skip
    k.share("Payments Production", "Backup Vault", "ebs-snapshot",
            resource_names=["payments-db-nightly"])  # fmt: skip
    return k.build()


def _read_only_incident_viewer() -> Design:
    k = Kit()
    k.trust("Identity", "Payments Production", "read-only", role_name="IncidentViewer",
            principal_scope="role", principal_role_name="WorkloadAdministrator",
            organization_scoped=True, max_session_duration=3600)  # fmt: skip
    return k.build()


def _l(name: str, why: str, build: object) -> Legitimate:
    return Legitimate(name, why, build)  # type: ignore[arg-type]


LEGITIMATE: list[Legitimate] = [
    _l("CI OIDC provider in a deployment account",
       "Pipelines are workloads, not people: AWS documents an OIDC provider in the account that "
       "runs deployments, with the token subject pinned to one repository and environment; the "
       "deploy role it reaches is service-admin for CloudFormation only.",
       _ci_oidc_in_deployment_account),
    _l("pipeline role without MFA",
       "A CodeBuild runner cannot present an MFA code; aws:MultiFactorAuthPresent is never set on "
       "its session, so requiring it would only break the pipeline.", _pipeline_role_without_mfa),
    _l("closed account parked in the Suspended OU",
       "The deny-all SCP on Suspended stops every action; the account waits out the 90-day "
       "post-closure period where AWS recommends it.", _closed_account_in_suspended_ou),
    _l("identity template as drawn",
       "A single-structure template covers organization and identity only; what it leaves out "
       "is out of its scope.", _identity_template),
    _l("logging template as drawn",
       "A single-structure template covers organization and logging only.", _logging_template),
    _l("information-security template as drawn",
       "A template of the Information Security account structure alone.",
       _information_security_template),
    _l("publishing template as drawn", "A template of the publishing structure alone.",
       _publishing_template),
    _l("second log archive for US data residency",
       "A regional log archive in the Security OU with a protected bucket; the organization trail "
       "still lands in the main archive.", _second_log_archive_for_a_region),
    _l("vendor reads staging with an external id",
       "Read-only, non-production, external id set: the confused-deputy guidance is followed and "
       "the vendor can change nothing.", _vendor_read_only_on_staging),
    _l("two break-glass users in management",
       "Organizations guidance keeps emergency access to the management account for when the "
       "identity provider is down; two users with MFA is that.", _two_break_glass_users),
    _l("Sandbox OU of sandbox accounts",
       "Sandboxes in their own OU, environment sandbox, public data only; the usage policy "
       "allows exactly that.", _sandbox_ou_of_sandboxes),
    _l("data lake with restricted data in production",
       "Restricted data in a production account in the Prod OU is where it belongs.",
       _data_lake_restricted_in_production),
    _l("network shares a transit gateway and subnets with OUs",
       "The network account is the documented place to share VPC resources with RAM, by OU.",
       _network_shares_transit_gateway),
    _l("Firewall Manager and Inspector delegated to security tooling",
       "Security services administered from the security-tooling account, as the SRA shows.",
       _firewall_manager_delegated),
    _l("Identity Center with more permission sets",
       "Permission sets assigned through IAM Identity Center in the identity account are the "
       "recommended way to give people access.", _identity_center_permission_sets),
    _l("Suspended OU exempt from log delivery",
       "The usage policy exempts the Suspended OU with a stated reason; closed accounts under a "
       "deny-all SCP produce no activity to record.", _suspended_ou_exempt_from_logging),
    _l("synthetic data shared from development to production",
       "Data flowing to an account cleared for more is not a leak.", _anonymised_data_flows_up),
    _l("golden AMIs shared with the Sandbox OU",
       "Hardened images carry no business data; the publishing structure exists to share them.",
       _golden_images_to_sandbox),
    _l("administrators reach the developer sandbox",
       "Admin in a sandbox is the sandbox's purpose; nothing privileged is reached.",
       _sandbox_admins_own_sandbox),
    _l("development reads production metrics",
       "Read-only from non-production grants no way to change production; the principal is "
       "the WorkloadAdmin role the identity hub deploys there.",
       _dev_reads_production_metrics),
    _l("AWS Backup role guarded by aws:SourceAccount",
       "The service trust carries the confused-deputy condition AWS documents.",
       _service_role_with_source_account),
    _l("strict usage policy that the design meets",
       "SSE-KMS keys in the log archive, 365-day Object Lock equal to the policy's minimum, "
       "required SCP inherited from the root, log delivery from the organization trail.",
       _strict_policy_met),
    _l("production snapshots copied to a backup account",
       "A backup account cleared for restricted data receives production snapshots; that is "
       "the recovery isolation the whitepaper describes.", _backup_account_copies_production),
    _l("read-only incident viewer in payments",
       "One-hour read-only access for people from the identity hub.",
       _read_only_incident_viewer),
]  # fmt: skip
