"""One caught flaw and one near miss per existing organization, SCP and seed rule (ORG-01..10,
SCP-01..10, SEED-*), written from the rules (see the package docstring).

Each design is the reference landing zone with one realistic edit. ORG-11..14 and SCP-11..13 are
in rules_scp_org.py.
"""

from __future__ import annotations

import copy
from typing import Any

from designer.model import DelegatedAdminRelationship, Design
from designer.rules import Severity
from tests.rules.corpus.kit import ORG, Flaw, Kit, NearMiss

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
ORGANIZING = "AWS whitepaper 'Organizing Your AWS Environment Using Multiple Accounts'"
MGMT = "AWS Organizations User Guide, 'Best practices for the management account'"
QUOTAS = "AWS Organizations User Guide, 'Quotas for AWS Organizations'"
SCP_EXAMPLES = "aws-samples/service-control-policy-examples"
CONTROL_TOWER = "AWS Control Tower controls reference"
SCP_DOCS = "AWS Organizations User Guide, 'Service control policies (SCPs)'"

LOG_ARCHIVE_ID = "153715744375"
FLOW_LOG_BUCKET = f"example-org-logs-vpcflow-{LOG_ARCHIVE_ID}"
# The top-level OUs that hold member accounts in the reference landing zone.
TOP_OUS = ("Workloads", "Security", "Infrastructure", "Sandbox", "Suspended", "Policy Staging")


# -- helpers -------------------------------------------------------------------------------------
def _document(kit: Kit, scp: str) -> dict[str, Any]:
    return copy.deepcopy(kit.get(scp).document)


def _split(kit: Kit, scp: str, sid: str, new_name: str, *targets: str) -> Kit:
    """Move statement `sid` of `scp` into its own SCP, attached to `targets` only."""
    document = _document(kit, scp)
    moved = [s for s in document["Statement"] if s.get("Sid") == sid]
    document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != sid]
    kit.update(scp, document=document)
    kit.scp(new_name, {"Version": "2012-10-17", "Statement": moved})
    return kit.attach(new_name, *targets)


def _without(scp: str, sid: str) -> Design:
    """The reference landing zone with one statement dropped from one of its SCPs."""
    kit = Kit()
    document = _document(kit, scp)
    document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != sid]
    return kit.update(scp, document=document).build()


def _moved(scp: str, *targets: str) -> Design:
    """An SCP the landing zone attaches at the root, attached to some OUs instead."""
    return Kit().detach(scp, ORG).attach(scp, *targets).build()


# -- ORG-01: all features --------------------------------------------------------------------------
def org01_flaw() -> Design:
    return Kit().update(ORG, feature_set="CONSOLIDATED_BILLING").build()


def org01_near() -> Design:
    """Migrated from consolidated billing: every member approved, all features on."""
    return Kit().update(ORG, feature_set="ALL").build()


# -- ORG-02: management account holds nothing ----------------------------------------------------
def _billing_reports_trail(owner: str) -> Design:
    """A bucket for the management account's own CloudTrail and cost reports."""
    kit = Kit()
    kit.bucket(
        "example-corp-billing-trail",
        owner,
        versioning=True,
        object_lock={"mode": "COMPLIANCE", "retention_days": 365},
        kms_key="alias/billing-trail",
    )
    return kit.build()


# -- ORG-03: break-glass users only --------------------------------------------------------------
def _management_users(count: int) -> Design:
    return Kit().update("Management", iam_user_count=count).build()


# -- ORG-04: foundational OUs ----------------------------------------------------------------------
def org04_flaw() -> Design:
    """Log Archive filed with the shared services."""
    return Kit().update("Log Archive", parent="Infrastructure").build()


def org04_near() -> Design:
    """Network moved to a Networking OU nested below Infrastructure."""
    kit = Kit()
    kit.ou("Networking", parent="Infrastructure")
    return kit.update("Network", parent="Networking").build()


# -- ORG-05: production, sandbox and suspended OUs ------------------------------------------------
def org05_flaw() -> Design:
    """A new analytics account left at the root after it was created."""
    kit = Kit()
    kit.account("Marketing Analytics", "workload", environment="production", runs_workloads=True)
    return kit.build()


def org05_near() -> Design:
    """The same account placed in the Prod OU, beside the other production workloads."""
    kit = Kit()
    kit.account(
        "Marketing Analytics",
        "workload",
        parent="Prod",
        environment="production",
        runs_workloads=True,
    )
    return kit.build()


# -- ORG-06: Policy Staging OU -------------------------------------------------------------------
def org06_flaw() -> Design:
    kit = Kit().remove("Policy Staging Test")
    return kit.remove("Policy Staging").build()


def org06_near() -> Design:
    """The Policy Staging OU is kept, waiting for a new test account."""
    return Kit().remove("Policy Staging Test").build()


# -- ORG-07: Suspended denies everything; Exceptions stays small ----------------------------------
def org07_flaw() -> Design:
    return Kit().detach("DenyAllSuspended", "Suspended").build()


def org07_near() -> Design:
    """An Exceptions OU with five accounts: the most the rule accepts."""
    kit = Kit()
    kit.ou("Exceptions")
    for name in (
        "Legacy Data Warehouse",
        "Mainframe Bridge",
        "Vendor Appliance",
        "Research Cluster",
        "Media Transcoding",
    ):
        kit.account(name, "workload", parent="Exceptions", environment="production")
    return kit.build()


# -- ORG-08: SCP quotas ----------------------------------------------------------------------------
S3_GUARD = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "KeepBlockPublicAccess",
            "Effect": "Deny",
            "Action": ["s3:PutAccountPublicAccessBlock"],
            "Resource": "*",
        }
    ],
}


def _s3_guard(*targets: str) -> Design:
    kit = Kit()
    kit.scp("DenyS3PublicAccessChanges", S3_GUARD)
    return kit.attach("DenyS3PublicAccessChanges", *targets).build()


# -- ORG-09: security services delegated to security tooling -------------------------------------
def _delegate(target: str, *services: str, drop_security: bool = False) -> Design:
    kit = Kit()
    if drop_security:
        kit.remove_relationships("delegated-admin", "Management", "Security Tooling")
    kit.relate(
        DelegatedAdminRelationship,
        "Management",
        target,
        service_principals=list(services),
        purpose=f"{target} administers {', '.join(services)} for the organization.",
    )
    return kit.build()


SECURITY_SERVICES = (
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "config.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "cloudtrail.amazonaws.com",
)


# -- ORG-10: a management account ----------------------------------------------------------------
def org10_flaw() -> Design:
    """The payer account is drawn, but never designated as the management account."""
    kit = Kit()
    # Billing and delegated-admin relationships must start at a designated management account:
    # a design without one cannot draw them, so they go with the designation.
    kit.remove_relationships("billing").remove_relationships("delegated-admin")
    return kit.update(ORG, management_account=None).build()


def org10_near() -> Design:
    """The logging template: a partial design, but it designates the management account."""
    return Kit("logging").build()


# -- SCP-05: Regions -----------------------------------------------------------------------------
def _regions(scp_regions: list[str], policy_regions: list[str]) -> Design:
    kit = Kit()
    document = _document(kit, "RegionRestriction")
    condition = document["Statement"][0]["Condition"]
    condition["StringNotEquals"]["aws:RequestedRegion"] = scp_regions
    kit.update("RegionRestriction", document=document)
    return kit.policy(allowed_regions=policy_regions).build()


EU = ["eu-west-1", "eu-central-1"]
EU_US = ["eu-west-1", "eu-central-1", "us-east-1"]


# -- SCP-08: security roles protected ------------------------------------------------------------
def _investigator(protected: bool) -> Design:
    """A new incident-response audit role, deployed to every account from Security Tooling."""
    kit = Kit()
    kit.trust(
        "Security Tooling",
        ORG,
        "read-only",
        role_name="SecurityInvestigator",
        principal_scope="role",
        principal_role_name="SecurityAnalyst",
        purpose="Incident responders read every account during an investigation.",
    )
    if protected:
        document = _document(kit, "ProtectSecurityServices")
        for statement in document["Statement"]:
            if statement.get("Sid") == "ProtectSecurityRoles":
                statement["Resource"].append(
                    "arn:${AWS::Partition}:iam::*:role/SecurityInvestigator"
                )
        kit.update("ProtectSecurityServices", document=document)
    return kit.build()


# -- SCP-10 and SEED-LOGPROTECT: a flow-log bucket in Log Archive ---------------------------------
def _flow_log_bucket(guarded: bool = True, locked: bool = True) -> Design:
    """Network's flow logs get their own bucket in Log Archive."""
    kit = Kit()
    lock = {"mode": "COMPLIANCE", "retention_days": 365} if locked else None
    kit.bucket(
        FLOW_LOG_BUCKET,
        "Log Archive",
        versioning=True,
        object_lock=lock,
        kms_key="alias/flow-logs",
        access_logging=True,
        organization_restricted_writes=True,
    )
    kit.remove_relationships("log-delivery", "Network", "Log Archive")
    kit.logs(
        "Network",
        "Log Archive",
        "vpc-flow-logs",
        bucket=FLOW_LOG_BUCKET,
        purpose="Flow logs of the transit gateway and shared VPCs, kept for investigations.",
    )
    if guarded:
        document = _document(kit, "ProtectLogArchive")
        for statement in document["Statement"]:
            if statement.get("Sid") == "ProtectLogBuckets":
                statement["Resource"].append(f"arn:${{AWS::Partition}}:s3:::{FLOW_LOG_BUCKET}")
        kit.update("ProtectLogArchive", document=document)
    return kit.build()


# -- SEED-INV ------------------------------------------------------------------------------------
def _new_account(owner: str) -> Design:
    kit = Kit()
    kit.account(
        "Marketing Analytics",
        "workload",
        parent="Prod",
        environment="production",
        runs_workloads=True,
        owner=owner,
    )
    return kit.build()


# -- SEED-USAGE ----------------------------------------------------------------------------------
def _encryption(required: list[str]) -> Design:
    return Kit().policy(required_encryption=required).build()


# -- SEED-SECSTRUCT ------------------------------------------------------------------------------
def seed_secstruct_flaw() -> Design:
    kit = Kit()
    for role in ("SecurityAudit", "SecurityReadOnly"):
        for rel in [r for r in kit.design.relationships if getattr(r, "role_name", "") == role]:
            kit.doc.remove(rel.id)
    return kit.build()


def seed_secstruct_near() -> Design:
    """Security Tooling keeps only its read-only investigation role everywhere."""
    kit = Kit()
    for rel in [
        r for r in kit.design.relationships if getattr(r, "role_name", "") == "SecurityAudit"
    ]:
        kit.doc.remove(rel.id)
    return kit.build()


# -- SEED-BILLING --------------------------------------------------------------------------------
def seed_billing_flaw() -> Design:
    """The payer account is also made the identity account."""
    return Kit().update("Management", functions=["management", "identity"]).build()


def seed_billing_near() -> Design:
    """The finance team reads cost data in Shared Services from the management account."""
    kit = Kit()
    kit.trust(
        "Management",
        "Shared Services",
        "read-only",
        role_name="BillingReportsReader",
        principal_scope="role",
        principal_role_name="FinanceAnalyst",
        purpose="Finance reconciles chargeback reports kept in Shared Services.",
    )
    return kit.build()


# -- SEED-ISOLATION ------------------------------------------------------------------------------
def seed_isolation_flaw() -> Design:
    """Payments Staging filed in the Prod OU beside Payments Production."""
    return Kit().update("Payments Staging", parent="Prod").build()


def seed_isolation_near() -> Design:
    """A Pre-prod OU under Workloads for staging: its name contains 'prod' but is not Prod."""
    kit = Kit()
    kit.ou("Pre-prod", parent="Workloads")
    return kit.update("Payments Staging", parent="Pre-prod").build()


# -- SEED-AUDITDATA ------------------------------------------------------------------------------
def _analytics_lake(*types: str) -> Design:
    """Payments Production ships logs to the data-lake workload account of the analysts."""
    kit = Kit()
    kit.account(
        "Analytics Lake",
        "workload",
        parent="Prod",
        environment="production",
        runs_workloads=True,
    )
    kit.logs(
        "Payments Production",
        "Analytics Lake",
        *types,
        purpose="Analysts query Payments Production logs next to business data.",
    )
    return kit.build()


# -- SEED-DOC ------------------------------------------------------------------------------------
def _artifact_reader(purpose: str) -> Design:
    kit = Kit()
    kit.trust(
        "Retail Production",
        "Shared Services",
        "read-only",
        role_name="RetailArtifactReader",
        principal_scope="role",
        principal_role_name="RetailDeployer",
        purpose=purpose,
    )
    return kit.build()


FLAWS = [
    Flaw(
        "organization left with consolidated billing only",
        "AWS Organizations User Guide, 'Enabling all features in your organization'",
        org01_flaw,
        "ORG-01",
        ORG,
        Severity.CRITICAL,
    ),
    Flaw(
        "management account keeps its own trail bucket",
        MGMT,
        lambda: _billing_reports_trail("Management"),
        "ORG-02",
        "Management",
        Severity.HIGH,
    ),
    Flaw(
        "six IAM users in the management account",
        MGMT,
        lambda: _management_users(6),
        "ORG-03",
        "Management",
        Severity.HIGH,
    ),
    Flaw(
        "log archive filed in the Infrastructure OU",
        f"{ORGANIZING}: 'Security OU'",
        org04_flaw,
        "ORG-04",
        "Log Archive",
        Severity.HIGH,
    ),
    Flaw(
        "new production account left at the root",
        f"{ORGANIZING}: 'Workloads OU'",
        org05_flaw,
        "ORG-05",
        "Marketing Analytics",
        Severity.MEDIUM,
    ),
    Flaw(
        "Policy Staging OU deleted with its test account",
        f"{ORGANIZING}: 'Policy Staging OU'",
        org06_flaw,
        "ORG-06",
        ORG,
        Severity.MEDIUM,
    ),
    Flaw(
        "Suspended OU without its deny-all SCP",
        f"{ORGANIZING}: 'Suspended OU'",
        org07_flaw,
        "ORG-07",
        "Suspended",
        Severity.LOW,
    ),
    Flaw(
        "a sixth SCP attached at the root",
        QUOTAS,
        lambda: _s3_guard(ORG),
        "ORG-08",
        "DenyS3PublicAccessChanges",
        Severity.HIGH,
    ),
    Flaw(
        "security services delegated to Shared Services",
        MGMT,
        lambda: _delegate("Shared Services", *SECURITY_SERVICES, drop_security=True),
        "ORG-09",
        "Shared Services",
        Severity.HIGH,
    ),
    Flaw(
        "payer account drawn but not designated",
        "AWS Organizations User Guide, 'Terminology and concepts'",
        org10_flaw,
        "ORG-10",
        ORG,
        Severity.HIGH,
    ),
    Flaw(
        "LeaveOrganization denied in the Workloads OU only",
        f"{SCP_DOCS}, examples: 'Prevent member accounts from leaving the organization'",
        lambda: _split(
            Kit(), "OrganizationGuardrails", "DenyLeaveOrganization", "DenyLeave", "Workloads"
        ).build(),
        "SCP-01",
        "Security Tooling",
        Severity.HIGH,
    ),
    Flaw(
        "CloudTrail protection attached to the Workloads OU only",
        f"{CONTROL_TOWER}: AWS-GR_CLOUDTRAIL_CHANGE_PROHIBITED",
        lambda: _split(
            Kit(), "ProtectSecurityServices", "ProtectCloudTrail", "ProtectTrail", "Workloads"
        ).build(),
        "SCP-02",
        "Network",
        Severity.HIGH,
    ),
    Flaw(
        "AWS Config protection dropped from the guardrails",
        f"{CONTROL_TOWER}: AWS-GR_CONFIG_CHANGE_PROHIBITED",
        lambda: _without("ProtectSecurityServices", "ProtectConfig"),
        "SCP-03",
        ORG,
        Severity.HIGH,
    ),
    Flaw(
        "detective controls protected in Workloads only",
        f"{SCP_EXAMPLES}: Deny-changes-to-security-services/",
        lambda: _split(
            Kit(),
            "ProtectSecurityServices",
            "ProtectDetectiveControls",
            "ProtectDetectiveControls",
            "Workloads",
        ).build(),
        "SCP-04",
        "Developer Sandbox",
        Severity.MEDIUM,
    ),
    Flaw(
        "region SCP opened to us-east-1 the policy does not allow",
        f"{CONTROL_TOWER}: AWS-GR_REGION_DENY",
        lambda: _regions(EU_US, EU),
        "SCP-05",
        "RegionRestriction",
        Severity.MEDIUM,
    ),
    Flaw(
        "root-user SCP attached to the Workloads OU only",
        f"{CONTROL_TOWER}: GRRESTRICTROOTUSER",
        lambda: _moved("DenyRootUser", "Workloads"),
        "SCP-06",
        "Log Archive",
        Severity.HIGH,
    ),
    Flaw(
        "region restriction attached to the management account",
        f"{SCP_DOCS}: 'SCPs don't affect users or roles in the management account'",
        lambda: Kit().attach("RegionRestriction", "Management").build(),
        "SCP-07",
        "Management",
        Severity.HIGH,
    ),
    Flaw(
        "new audit role left out of the role-protection SCP",
        f"{CONTROL_TOWER}: AWS-GR_IAM_ROLE_CHANGE_PROHIBITED",
        lambda: _investigator(False),
        "SCP-08",
        "SecurityInvestigator",
        Severity.MEDIUM,
    ),
    Flaw(
        "external RAM sharing no longer denied",
        f"{SCP_EXAMPLES}: Deny-RAM-from-sharing-resources-to-external-accounts.json",
        lambda: _without("OrganizationGuardrails", "DenyExternalRamShares"),
        "SCP-09",
        ORG,
        Severity.MEDIUM,
    ),
    Flaw(
        "flow-log bucket left out of the log-archive SCP",
        f"{CONTROL_TOWER}: AWS-GR_AUDIT_BUCKET_DELETION_PROHIBITED",
        lambda: _flow_log_bucket(guarded=False),
        "SCP-10",
        FLOW_LOG_BUCKET,
        Severity.HIGH,
    ),
    Flaw(
        "new account with no owner",
        f"{WHITEPAPER}, General Best Practices: 'Clearly define an AWS account-creation process'",
        lambda: _new_account(""),
        "SEED-INV",
        "Marketing Analytics",
        Severity.MEDIUM,
    ),
    Flaw(
        "usage policy names no required encryption",
        f"{WHITEPAPER}, General Best Practices: 'Define a company-wide AWS usage policy'",
        lambda: _encryption([]),
        "SEED-USAGE",
        ORG,
        Severity.MEDIUM,
    ),
    Flaw(
        "security tooling lost its audit roles",
        f"{WHITEPAPER}, General Best Practices: 'Create a security account structure'",
        seed_secstruct_flaw,
        "SEED-SECSTRUCT",
        "Security Tooling",
        Severity.HIGH,
    ),
    Flaw(
        "management account doubles as the identity account",
        f"{WHITEPAPER}, Hybrid AWS Security Account Structures",
        seed_billing_flaw,
        "SEED-BILLING",
        "Management",
        Severity.HIGH,
    ),
    Flaw(
        "staging account filed in the Prod OU",
        f"{WHITEPAPER}, When to Create Multiple Accounts",
        seed_isolation_flaw,
        "SEED-ISOLATION",
        "Payments Staging",
        Severity.MEDIUM,
    ),
    Flaw(
        "CloudTrail of Payments Production shipped to a data-lake workload account",
        f"{WHITEPAPER}, When to Create Multiple Accounts",
        lambda: _analytics_lake("cloudtrail"),
        "SEED-AUDITDATA",
        "Analytics Lake",
        Severity.HIGH,
    ),
    Flaw(
        "flow-log bucket without Object Lock or MFA Delete",
        f"{WHITEPAPER}, Logging Account Structure",
        lambda: _flow_log_bucket(locked=False),
        "SEED-LOGPROTECT",
        FLOW_LOG_BUCKET,
        Severity.HIGH,
    ),
    Flaw(
        "artifact reader role with no stated purpose",
        f"{WHITEPAPER}, Hybrid AWS Security Account Structures",
        lambda: _artifact_reader(""),
        "SEED-DOC",
        "RetailArtifactReader",
        Severity.LOW,
    ),
]

NEAR_MISSES = [
    NearMiss("ORG-01", "all features enabled after the migration", org01_near),
    NearMiss(
        "ORG-02",
        "management trail bucket kept in Log Archive",
        lambda: _billing_reports_trail("Log Archive"),
        "Management",
    ),
    NearMiss(
        "ORG-03", "two break-glass users in the management account", lambda: _management_users(2)
    ),
    NearMiss("ORG-04", "Networking OU nested below Infrastructure", org04_near, "Network"),
    NearMiss("ORG-05", "new production account placed in Prod", org05_near, "Marketing Analytics"),
    NearMiss("ORG-06", "Policy Staging OU kept without a test account", org06_near),
    NearMiss("ORG-07", "Exceptions OU holds five accounts", org07_near),
    NearMiss(
        "ORG-08",
        "the extra SCP attached to the Workloads OU",
        lambda: _s3_guard("Workloads"),
        "DenyS3PublicAccessChanges",
    ),
    NearMiss(
        "ORG-09",
        "Shared Services administers StackSets, not security services",
        lambda: _delegate("Shared Services", "member.org.stacksets.cloudformation.amazonaws.com"),
        "Shared Services",
    ),
    NearMiss("ORG-10", "partial logging template designates its management account", org10_near),
    NearMiss(
        "SCP-01",
        "LeaveOrganization denied by its own SCP at the root",
        lambda: _split(
            Kit(), "OrganizationGuardrails", "DenyLeaveOrganization", "DenyLeave", ORG
        ).build(),
    ),
    NearMiss(
        "SCP-02",
        "CloudTrail protection in its own SCP on every top-level OU",
        lambda: _split(
            Kit(), "ProtectSecurityServices", "ProtectCloudTrail", "ProtectTrail", *TOP_OUS
        ).build(),
    ),
    NearMiss(
        "SCP-03",
        "AWS Config protection moved to its own SCP at the root",
        lambda: _split(
            Kit(), "ProtectSecurityServices", "ProtectConfig", "ProtectConfig", ORG
        ).build(),
    ),
    NearMiss(
        "SCP-04",
        "detective controls protected on every top-level OU",
        lambda: _split(
            Kit(),
            "ProtectSecurityServices",
            "ProtectDetectiveControls",
            "ProtectDetectiveControls",
            *TOP_OUS,
        ).build(),
    ),
    NearMiss(
        "SCP-05",
        "us-east-1 added to both the usage policy and the SCP",
        lambda: _regions(EU_US, EU_US),
        "RegionRestriction",
    ),
    NearMiss(
        "SCP-06",
        "root-user SCP attached to every top-level OU",
        lambda: _moved("DenyRootUser", *TOP_OUS),
    ),
    NearMiss(
        "SCP-07",
        "FullAWSAccess shown on the management account, as AWS attaches it",
        lambda: Kit().attach("FullAWSAccess", "Management").build(),
    ),
    NearMiss(
        "SCP-08",
        "new audit role added to the role-protection SCP",
        lambda: _investigator(True),
        "SecurityInvestigator",
    ),
    NearMiss(
        "SCP-09",
        "external RAM sharing denied on every top-level OU",
        lambda: _split(
            Kit(),
            "OrganizationGuardrails",
            "DenyExternalRamShares",
            "DenyExternalSharing",
            *TOP_OUS,
        ).build(),
    ),
    NearMiss(
        "SCP-10",
        "flow-log bucket added to the log-archive SCP",
        lambda: _flow_log_bucket(guarded=True),
        FLOW_LOG_BUCKET,
    ),
    NearMiss(
        "SEED-INV",
        "new account with owner, purpose and e-mail",
        lambda: _new_account("marketing data team"),
        "Marketing Analytics",
    ),
    NearMiss(
        "SEED-USAGE",
        "usage policy requires a single encryption setting",
        lambda: _encryption(["S3 default encryption with SSE-KMS"]),
    ),
    NearMiss(
        "SEED-SECSTRUCT",
        "security tooling keeps only its read-only role",
        seed_secstruct_near,
        "Security Tooling",
    ),
    NearMiss(
        "SEED-BILLING",
        "management account reads billing reports in Shared Services",
        seed_billing_near,
        "Management",
    ),
    NearMiss(
        "SEED-ISOLATION",
        "staging account in a Pre-prod OU",
        seed_isolation_near,
        "Payments Staging",
    ),
    NearMiss(
        "SEED-AUDITDATA",
        "Payments Production ships only load-balancer logs to the data lake",
        lambda: _analytics_lake("elb"),
        "Analytics Lake",
    ),
    NearMiss(
        "SEED-LOGPROTECT",
        "flow-log bucket with Object Lock",
        lambda: _flow_log_bucket(locked=True),
        FLOW_LOG_BUCKET,
    ),
    NearMiss(
        "SEED-DOC",
        "artifact reader role states its purpose",
        lambda: _artifact_reader("Retail deploy pipelines read release artifacts."),
        "RetailArtifactReader",
    ),
]
