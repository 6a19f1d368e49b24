"""Data sensitivity (DATA-01, DATA-02), where CloudTrail lands (LOG-02), its Object Lock mode
(LOG-09), log keys and retention (LOG-15..17), the per-OU usage policy (POL-01..04) and LOG-05's
exemptions: one caught flaw and one near miss per rule, written
from the rules.

Every design starts from the reference landing zone (Kit()) and changes one thing."""

from __future__ import annotations

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import ORG, Flaw, Kit, NearMiss

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
USAGE_POLICY = f"{WHITEPAPER}, 'Define a company-wide AWS usage policy'"
LOGGING = f"{WHITEPAPER}, Logging Account Structure"
RETENTION_MODES = "Amazon S3 User Guide, 'How S3 Object Lock works', Retention modes"
DATA_PROTECTION = (
    "AWS Well-Architected, SEC07-BP02 Apply data protection controls based on data sensitivity"
)
RETAIL_PROD_KEY = "arn:aws:kms:eu-west-1:838015252859:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOOLING_KEY = "arn:aws:kms:eu-west-1:899137005343:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VENDOR_KEY = "arn:aws:kms:eu-west-1:111122223333:alias/vendor-logs"
TRAIL_BUCKET = "example-org-logs-cloudtrail-153715744375"
CONFIG_BUCKET = "example-org-logs-config-153715744375"


# -- DATA-01 -----------------------------------------------------------------------------------
def staging_holds_production_data() -> Design:
    """Payments Staging is loaded with a copy of production card data."""
    return Kit().update("Payments Staging", data_sensitivity="restricted").build()


def closed_staging_with_restricted_data() -> Design:
    """A former staging account, closed and parked in the deny-all Suspended OU."""
    k = Kit()
    k.account(
        "Old Payments Staging",
        parent="Suspended",
        environment="non-production",
        data_sensitivity="restricted",
        state="suspended",
    )
    return k.build()


def closed_staging_left_in_non_prod() -> Design:
    """A staging account closed but left in Non-prod: its data stays 90 days and, reopened, it
    is back under non-production controls."""
    k = Kit()
    k.account(
        "Old Payments Staging",
        parent="Non-prod",
        environment="non-production",
        data_sensitivity="restricted",
        state="suspended",
    )
    return k.build()


# -- DATA-02 -----------------------------------------------------------------------------------
def production_snapshot_to_development() -> Design:
    """Payments Production shares a database volume snapshot with Retail Development."""
    k = Kit()
    k.share("Payments Production", "Retail Development", "ebs-snapshot")
    return k.build()


def production_database_to_non_prod_ou() -> Design:
    """Payments Production shares its Aurora cluster with the whole Non-prod OU through RAM."""
    k = Kit()
    k.share("Payments Production", "Non-prod", "ram-share", ram_resource_type="rds:Cluster")
    return k.build()


def publishing_ami_to_sandbox() -> Design:
    """The publishing account (restricted) shares its golden AMI with the sandbox (public)."""
    k = Kit()
    k.share("Publishing", "Developer Sandbox", "ami")
    return k.build()


def development_snapshot_to_production() -> Design:
    """A development volume snapshot goes up to a production account: no data flows down."""
    k = Kit()
    k.share("Retail Development", "Payments Production", "ebs-snapshot")
    return k.build()


def ledger_database_to_partner_organization() -> Design:
    """Payments Production shares its ledger database with a partner's organization via RAM."""
    k = Kit()
    k.outside("Card Processor", kind="partner-organization", organization_id="o-exampleproc1")
    k.share("Payments Production", "Card Processor", "ram-share", ram_resource_type="rds:Cluster")
    return k.build()


def golden_ami_to_an_outside_account() -> Design:
    """Publishing shares its golden AMI (no business data) with the monitoring vendor."""
    k = Kit()
    k.share("Publishing", "Example Monitoring", "ami")
    return k.build()


# -- LOG-02 ------------------------------------------------------------------------------------
def _move_organization_trail(k: Kit, owner: str, bucket: str) -> Kit:
    k.bucket(bucket, owner, access_logging=True, organization_restricted_writes=True,
             object_lock={"mode": "COMPLIANCE", "retention_days": 365})  # fmt: skip
    rels = k.relationships("log-delivery", ORG, "Log Archive")
    trail = next(r for r in rels if "cloudtrail" in r.log_types)
    k.doc.update(trail.id, target=k.id(owner), bucket=k.id(bucket))
    return k


def organization_trail_in_security_tooling() -> Design:
    """The organization trail is sent to the security-tooling account, where the SIEM reads it."""
    return _move_organization_trail(Kit(), "Security Tooling", "example-org-trail-tooling").build()


def organization_trail_in_a_second_log_archive() -> Design:
    """A second log-archive account (for an EU data-residency rule) takes the trail."""
    k = Kit()
    k.account("Log Archive EU", "log-archive", parent="Security")
    return _move_organization_trail(k, "Log Archive EU", "example-org-trail-eu").build()


# -- LOG-09 ------------------------------------------------------------------------------------
def trail_locked_ten_years_in_governance_mode() -> Design:
    """A long retention, but in GOVERNANCE mode: an administrator can still lift it."""
    mode = {"mode": "GOVERNANCE", "retention_days": 3650}
    return Kit().update(TRAIL_BUCKET, object_lock=mode).build()


def flow_log_bucket_in_governance_mode() -> Design:
    """GOVERNANCE mode on a bucket that takes VPC flow logs only, not CloudTrail."""
    k = Kit()
    k.bucket("example-org-flow-logs", "Log Archive", versioning=True, access_logging=True,
             organization_restricted_writes=True,
             object_lock={"mode": "GOVERNANCE", "retention_days": 90})  # fmt: skip
    k.logs("Network", "Log Archive", "vpc-flow-logs", bucket="example-org-flow-logs")
    return k.build()


# -- LOG-15 ------------------------------------------------------------------------------------
def config_bucket_without_kms() -> Design:
    k = Kit().policy(logs_encrypted_with_kms=True)
    k.update(CONFIG_BUCKET, kms_key=None)
    return k.build()


def every_log_bucket_has_a_key() -> Design:
    return Kit().policy(logs_encrypted_with_kms=True).build()


# -- LOG-16 ------------------------------------------------------------------------------------
def trail_key_in_a_workload_account() -> Design:
    """The CloudTrail bucket is encrypted with a key of Retail Production."""
    return Kit().update(TRAIL_BUCKET, kms_key=RETAIL_PROD_KEY).build()


def trail_key_of_a_vendor() -> Design:
    """The CloudTrail bucket is encrypted under a monitoring vendor's key alias."""
    return Kit().update(TRAIL_BUCKET, kms_key=VENDOR_KEY).build()


def trail_key_of_an_unknown_account() -> Design:
    """A new member's id is not recorded yet; the trail key names an account nobody knows."""
    k = Kit().update(TRAIL_BUCKET, kms_key=VENDOR_KEY)
    k.account("Retail Analytics", parent="Prod", environment="production")
    return k.build()


def trail_key_in_security_tooling() -> Design:
    return Kit().update(TRAIL_BUCKET, kms_key=TOOLING_KEY).build()


# -- LOG-17 ------------------------------------------------------------------------------------
def retention_below_policy() -> Design:
    """The policy asks two years of CloudTrail; the bucket locks one."""
    return Kit().policy(min_log_retention_days=730).build()


def retention_meets_policy() -> Design:
    return Kit().policy(min_log_retention_days=365).build()


# -- POL-01 ------------------------------------------------------------------------------------
def workloads_require_deny_iam_users() -> Design:
    """The policy requires DenyIamUsers for Workloads; it is attached to Policy Staging only."""
    return (
        Kit()
        .policy(ou_requirements=[{"ou": "Workloads", "required_scps": ["DenyIamUsers"]}])
        .build()
    )


def workloads_require_a_root_scp() -> Design:
    """RegionRestriction is required for Workloads and attached at the root: in force."""
    return (
        Kit()
        .policy(ou_requirements=[{"ou": "Workloads", "required_scps": ["RegionRestriction"]}])
        .build()
    )


# -- POL-02 and LOG-05 -----------------------------------------------------------------------
def _config_leaves_out(k: Kit, *accounts: str) -> None:
    """The organization's Config delivery (a StackSet) skips these accounts."""
    rels = k.relationships("log-delivery", ORG, "Log Archive")
    config = next(r for r in rels if "config" in r.log_types)
    k.doc.update(config.id, excluded_accounts=[k.id(a) for a in accounts])


def workloads_require_logs_one_missing() -> Design:
    """Workloads require log delivery; the Config delivery leaves Retail Development out."""
    k = Kit()
    _config_leaves_out(k, "Retail Development")
    k.policy(ou_requirements=[{"ou": "Workloads", "log_delivery": "required"}])
    return k.build()


def workloads_require_logs_without_organization_trail() -> Design:
    """Workloads require log delivery, but the organization trail was removed: POL-02 names the
    Workloads accounts once; LOG-05 reports only the accounts outside Workloads."""
    k = Kit()
    rels = k.relationships("log-delivery", ORG, "Log Archive")
    k.doc.remove(next(r for r in rels if "cloudtrail" in r.log_types).id)
    k.policy(ou_requirements=[{"ou": "Workloads", "log_delivery": "required"}])
    return k.build()


def sandbox_left_out_of_config() -> Design:
    """The Config StackSet skips Developer Sandbox, whose OU the usage policy sets no log
    delivery for: LOG-05's finding (POL-02 has no requirement to name)."""
    k = Kit()
    _config_leaves_out(k, "Developer Sandbox")
    return k.build()


def closed_account_left_out_of_config() -> Design:
    """A closed account in the Suspended OU is left out of Config: it can do nothing."""
    k = Kit()
    k.account("Old Retail", parent="Suspended", environment="production", state="suspended")
    _config_leaves_out(k, "Old Retail")
    k.policy(ou_requirements=[{"ou": "Workloads", "log_delivery": "required"}])
    return k.build()


def exempt_ou_left_out_of_config() -> Design:
    """The usage policy exempts Policy Staging from log delivery; Config leaves it out."""
    k = Kit()
    _config_leaves_out(k, "Policy Staging Test")
    k.policy(ou_requirements=[{"ou": "Policy Staging", "log_delivery": "exempt"}])
    return k.build()


# -- POL-03 ------------------------------------------------------------------------------------
def production_account_in_non_prod() -> Design:
    k = Kit()
    k.account("Retail Production EU", parent="Non-prod", environment="production")
    k.policy(
        ou_requirements=[
            {"ou": "Non-prod", "allowed_environments": ["non-production", "development", "test"]}
        ]
    )
    return k.build()


def account_without_environment_in_prod() -> Design:
    """Retail Analytics states no environment: ORG-11's finding, not a POL-03 'is none'."""
    k = Kit()
    k.account("Retail Analytics", parent="Prod", environment="none")
    k.policy(ou_requirements=[{"ou": "Prod", "allowed_environments": ["production"]}])
    return k.build()


def sandbox_ou_allows_sandboxes() -> Design:
    return (
        Kit()
        .policy(ou_requirements=[{"ou": "Sandbox", "allowed_environments": ["sandbox"]}])
        .build()
    )


# -- POL-04 ------------------------------------------------------------------------------------
def confidential_data_in_internal_ou() -> Design:
    k = Kit().update("Payments Staging", data_sensitivity="confidential")
    k.policy(ou_requirements=[{"ou": "Non-prod", "max_data_sensitivity": "internal"}])
    return k.build()


def non_prod_ceiling_respected() -> Design:
    return (
        Kit()
        .policy(ou_requirements=[{"ou": "Non-prod", "max_data_sensitivity": "confidential"}])
        .build()
    )


FLAWS = [
    Flaw("restricted data in staging", DATA_PROTECTION, staging_holds_production_data, "DATA-01",
         "Payments Staging", Severity.HIGH),
    Flaw("closed staging account left in Non-prod with restricted data", DATA_PROTECTION,
         closed_staging_left_in_non_prod, "DATA-01", "Old Payments Staging", Severity.HIGH),
    Flaw("production snapshot shared to development", DATA_PROTECTION,
         production_snapshot_to_development, "DATA-02", "Retail Development", Severity.HIGH),
    Flaw("production database shared to the non-prod OU", DATA_PROTECTION,
         production_database_to_non_prod_ou, "DATA-02", "Payments Production", Severity.HIGH),
    Flaw("ledger database shared with a partner organization", DATA_PROTECTION,
         ledger_database_to_partner_organization, "DATA-02", "Card Processor", Severity.HIGH),
    Flaw("organization trail in the security-tooling account", LOGGING,
         organization_trail_in_security_tooling, "LOG-02", "example-org-trail-tooling",
         Severity.CRITICAL),
    Flaw("trail locked ten years in governance mode", RETENTION_MODES,
         trail_locked_ten_years_in_governance_mode, "LOG-09", TRAIL_BUCKET, Severity.MEDIUM),
    Flaw("log bucket without KMS under a KMS policy", USAGE_POLICY, config_bucket_without_kms,
         "LOG-15", CONFIG_BUCKET, Severity.HIGH),
    Flaw("CloudTrail key owned by a workload account", LOGGING, trail_key_in_a_workload_account,
         "LOG-16", "Retail Production", Severity.HIGH),
    Flaw("CloudTrail key owned outside the organization", LOGGING, trail_key_of_a_vendor,
         "LOG-16", TRAIL_BUCKET, Severity.HIGH),
    Flaw("CloudTrail key of an account the design does not know", LOGGING,
         trail_key_of_an_unknown_account, "LOG-16", TRAIL_BUCKET, Severity.HIGH),
    Flaw("CloudTrail retention below the policy", USAGE_POLICY, retention_below_policy, "LOG-17",
         TRAIL_BUCKET, Severity.HIGH),
    Flaw("required SCP not in force for workloads", USAGE_POLICY,
         workloads_require_deny_iam_users, "POL-01", "Retail Production", Severity.HIGH),
    Flaw("required log delivery missing for one account", USAGE_POLICY,
         workloads_require_logs_one_missing, "POL-02", "Retail Development", Severity.HIGH),
    Flaw("required log delivery without the organization trail", USAGE_POLICY,
         workloads_require_logs_without_organization_trail, "POL-02", "Payments Staging",
         Severity.HIGH),
    Flaw("sandbox left out of Config", LOGGING, sandbox_left_out_of_config, "LOG-05",
         "Developer Sandbox", Severity.HIGH),
    Flaw("production account in the non-prod OU", USAGE_POLICY, production_account_in_non_prod,
         "POL-03", "Retail Production EU", Severity.HIGH),
    Flaw("confidential data above the OU ceiling", USAGE_POLICY,
         confidential_data_in_internal_ou, "POL-04", "Payments Staging", Severity.HIGH),
]  # fmt: skip

NEAR_MISSES = [
    NearMiss("DATA-01", "closed staging account parked in Suspended",
             closed_staging_with_restricted_data, "Old Payments Staging"),
    NearMiss("DATA-02", "publishing AMI to the sandbox", publishing_ami_to_sandbox),
    NearMiss("DATA-02", "development snapshot up to production",
             development_snapshot_to_production),
    NearMiss("DATA-02", "golden AMI shared with an outside account",
             golden_ami_to_an_outside_account),
    NearMiss("LOG-02", "organization trail in a second log-archive account",
             organization_trail_in_a_second_log_archive),
    NearMiss("LOG-09", "flow-log bucket in governance mode", flow_log_bucket_in_governance_mode),
    NearMiss("LOG-15", "every log bucket has a key", every_log_bucket_has_a_key),
    NearMiss("LOG-16", "CloudTrail key in security tooling", trail_key_in_security_tooling),
    NearMiss("LOG-17", "retention meets the policy", retention_meets_policy),
    NearMiss("POL-01", "required SCP attached at the root", workloads_require_a_root_scp),
    NearMiss("POL-02", "closed account left out of Config", closed_account_left_out_of_config),
    NearMiss("POL-02", "sandbox OU without a log requirement left out of Config",
             sandbox_left_out_of_config),
    NearMiss("LOG-05", "closed account left out of Config", closed_account_left_out_of_config,
             "Old Retail"),
    NearMiss("LOG-05", "exempt OU left out of Config", exempt_ou_left_out_of_config,
             "Policy Staging Test"),
    NearMiss("LOG-05", "required OU's accounts left to POL-02",
             workloads_require_logs_without_organization_trail, "Payments Staging"),
    NearMiss("POL-03", "sandbox OU allows sandboxes", sandbox_ou_allows_sandboxes),
    NearMiss("POL-03", "account without environment left to ORG-11",
             account_without_environment_in_prod, "Retail Analytics"),
    NearMiss("POL-04", "non-prod ceiling respected", non_prod_ceiling_respected),
]  # fmt: skip
