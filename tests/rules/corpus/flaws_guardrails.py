"""Blind corpus: service control policies and the usage policy's per-OU requirements.

Written from the whitepaper's general best practice 'Define a company-wide AWS usage policy ...
minimal security baseline', the Organizations SCP guide (inheritance, the management account,
quotas), AWS's SCP examples and Control Tower's preventive controls, before reading the rules.
"""

from __future__ import annotations

import copy
from typing import Any

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import ORG, Flaw, Kit

WP_USAGE = "Whitepaper, General Best Practices: 'Define a company-wide AWS usage policy'"
SCP_EXAMPLES = "AWS Organizations User Guide, 'Example service control policies'"
CT_TRAIL = (
    "Control Tower controls reference: disallow changes to CloudTrail "
    "(AWS-GR_CLOUDTRAIL_CHANGE_PROHIBITED)"
)
CT_CONFIG = (
    "Control Tower controls reference: disallow changes to AWS Config "
    "(AWS-GR_CONFIG_CHANGE_PROHIBITED)"
)
CT_REGION = "Control Tower controls reference: Region deny control (AWS-GR_REGION_DENY)"
CT_ROOT = "Control Tower controls reference: disallow actions as a root user (GRRESTRICTROOTUSER)"
CT_ROLES = (
    "Control Tower controls reference: disallow changes to IAM roles "
    "(AWS-GR_IAM_ROLE_CHANGE_PROHIBITED)"
)
SCP_MGMT = (
    "AWS Organizations User Guide, 'Service control policies': SCPs do not "
    "affect the management account"
)
SCP_EVAL = (
    "AWS Organizations User Guide, 'SCP evaluation': an Allow is needed at every level from the "
    "root through each OU to the account"
)
SCP_EXC = "AWS Organizations User Guide, 'SCP syntax' / example SCPs: exceptions name a role ARN"
QUOTAS = (
    "AWS Organizations User Guide, 'Quotas and service limits' (5 SCPs per target, 5,120 chars)"
)
STAGING = (
    "AWS whitepaper 'Organizing Your AWS Environment Using Multiple Accounts', Policy Staging OU"
)
SUSPENDED = "AWS whitepaper 'Organizing Your AWS Environment Using Multiple Accounts', Suspended OU"


def _without_statement(k: Kit, scp: str, sid: str) -> None:
    document = copy.deepcopy(k.get(scp).document)
    document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != sid]
    k.update(scp, document=document)


def _with_exception(k: Kit, scp: str, pattern: str) -> None:
    """Adds `pattern` to every ArnNotLike aws:PrincipalARN exception of the SCP."""
    document: dict[str, Any] = copy.deepcopy(k.get(scp).document)
    for statement in document["Statement"]:
        arns = statement.get("Condition", {}).get("ArnNotLike", {}).get("aws:PrincipalARN")
        if arns is not None:
            arns.append(pattern)
    k.update(scp, document=document)


def _stop(sid: str, *actions: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": sid, "Effect": "Deny", "Action": list(actions), "Resource": "*"}
    ]}  # fmt: skip


# -- baseline guardrails removed -----------------------------------------------------------------
def _members_can_leave() -> Design:
    k = Kit()
    _without_statement(k, "OrganizationGuardrails", "DenyLeaveOrganization")
    return k.build()


def _ram_external_shares_allowed() -> Design:
    k = Kit()
    _without_statement(k, "OrganizationGuardrails", "DenyExternalRamShares")
    return k.build()


def _cloudtrail_unprotected() -> Design:
    k = Kit()
    _without_statement(k, "ProtectSecurityServices", "ProtectCloudTrail")
    return k.build()


def _config_unprotected() -> Design:
    k = Kit()
    _without_statement(k, "ProtectSecurityServices", "ProtectConfig")
    return k.build()


def _detective_controls_unprotected() -> Design:
    k = Kit()
    _without_statement(k, "ProtectSecurityServices", "ProtectDetectiveControls")
    return k.build()


def _security_roles_unprotected() -> Design:
    k = Kit()
    _without_statement(k, "ProtectSecurityServices", "ProtectSecurityRoles")
    return k.build()


def _region_restriction_detached() -> Design:
    k = Kit()
    k.detach("RegionRestriction", ORG)
    return k.build()


def _root_user_unrestricted() -> Design:
    k = Kit()
    k.detach("DenyRootUser", ORG)
    return k.build()


def _scp_on_management_account() -> Design:
    k = Kit()
    k.scp("ProtectManagement", _stop("DenyOrganizationChanges", "organizations:DeleteOrganization",
                                     "organizations:LeaveOrganization"))  # fmt: skip
    k.attach("ProtectManagement", "Management")
    return k.build()


# -- SCP semantics ------------------------------------------------------------------------------
def _full_access_detached_from_root() -> Design:
    k = Kit()
    k.detach("FullAWSAccess", ORG)
    return k.build()


def _full_access_missing_on_prod_ou() -> Design:
    k = Kit()
    for ou in ("Workloads", "Non-prod", "Security", "Infrastructure", "Sandbox", "Suspended",
               "Policy Staging"):  # fmt: skip
        k.attach("FullAWSAccess", ou)
    k.scp("DenyProdDataDeletion", _stop("DenyDeletes", "rds:DeleteDBInstance", "s3:DeleteBucket"))
    k.attach("DenyProdDataDeletion", "Prod")
    return k.build()


def _allow_list_replaces_full_access_on_sandbox() -> Design:
    k = Kit()
    k.detach("FullAWSAccess", ORG)
    allow = {"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowEverything", "Effect": "Allow", "Action": "*", "Resource": "*"}]}  # fmt: skip
    k.scp("AllowAll", allow)
    k.attach("AllowAll", ORG)
    for ou in ("Workloads", "Prod", "Non-prod", "Security", "Infrastructure", "Suspended",
               "Policy Staging"):  # fmt: skip
        k.attach("AllowAll", ou)
    return k.build()


def _wildcard_role_exception_cloudtrail() -> Design:
    k = Kit()
    _with_exception(k, "ProtectSecurityServices", "arn:${AWS::Partition}:iam::*:role/*")
    return k.build()


def _wildcard_exception_log_archive() -> Design:
    k = Kit()
    _with_exception(k, "ProtectLogArchive", "arn:aws:iam::*:role/*")
    return k.build()


def _wildcard_principal_exception_iam_users() -> Design:
    k = Kit()
    _with_exception(k, "DenyIamUsers", "arn:aws:iam::*:*")
    return k.build()


def _scp_attached_nowhere() -> Design:
    k = Kit()
    k.scp("DenyPublicS3", _stop("DenyPublicAccessBlockChanges", "s3:PutAccountPublicAccessBlock"))
    return k.build()


def _suspended_ou_without_deny_all() -> Design:
    k = Kit()
    k.detach("DenyAllSuspended", "Suspended")
    return k.build()


def _required_scp_attached_to_wrong_ou() -> Design:
    k = Kit()
    k.scp("DenyProdDataDeletion", _stop("DenyDeletes", "rds:DeleteDBInstance", "s3:DeleteBucket"))
    k.attach("DenyProdDataDeletion", "Non-prod")
    k.policy(ou_requirements=[{"ou": "Prod", "required_scps": ["DenyProdDataDeletion"]}])
    return k.build()


def _required_scp_only_on_log_archive() -> Design:
    k = Kit()
    k.detach("ProtectLogArchive", "Security")
    k.attach("ProtectLogArchive", "Log Archive")
    k.policy(ou_requirements=[{"ou": "Security", "required_scps": ["ProtectLogArchive"]}])
    return k.build()


def _sandbox_budget_guard_missing() -> Design:
    k = Kit()
    k.scp("SandboxSpendGuard", _stop("DenyExpensive", "ec2:PurchaseReservedInstancesOffering",
                                     "savingsplans:CreateSavingsPlan"))  # fmt: skip
    k.attach("SandboxSpendGuard", "Policy Staging")
    k.policy(ou_requirements=[{"ou": "Sandbox", "required_scps": ["SandboxSpendGuard"]}])
    return k.build()


def _six_scps_on_root() -> Design:
    k = Kit()
    k.scp("DenyPublicS3", _stop("DenyPublicAccessBlockChanges", "s3:PutAccountPublicAccessBlock"))
    k.attach("DenyPublicS3", ORG)
    return k.build()


def _oversized_scp() -> Design:
    k = Kit()
    actions = [f"ec2:DescribeThing{n}" for n in range(400)]  # about 9,000 characters
    k.scp("DenyManyDescribes", _stop("DenyDescribes", *actions))
    k.attach("DenyManyDescribes", "Sandbox")
    return k.build()


def _no_policy_staging_ou() -> Design:
    k = Kit()
    k.remove("Policy Staging Test")
    k.remove("Policy Staging")
    return k.build()


def _f(name: str, source: str, build: object, rule: str, subject: str, severity: Severity) -> Flaw:
    return Flaw(name, source, build, rule, subject, severity)  # type: ignore[arg-type]


H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW
FLAWS: list[Flaw] = [
    _f("member accounts may leave the organization", SCP_EXAMPLES,
       _members_can_leave, "SCP-01", ORG, H),
    _f("RAM may share outside the organization", SCP_EXAMPLES,
       _ram_external_shares_allowed, "SCP-09", ORG, M),
    _f("CloudTrail can be stopped from member accounts", CT_TRAIL,
       _cloudtrail_unprotected, "SCP-02", ORG, H),
    _f("AWS Config can be stopped from member accounts", CT_CONFIG,
       _config_unprotected, "SCP-03", ORG, H),
    _f("GuardDuty and flow logs can be disabled", SCP_EXAMPLES,
       _detective_controls_unprotected, "SCP-04", ORG, M),
    _f("cross-account security roles can be modified", CT_ROLES,
       _security_roles_unprotected, "SCP-08", ORG, M),
    _f("Region restriction detached from the root", CT_REGION,
       _region_restriction_detached, "SCP-05", ORG, M),
    _f("root user of member accounts unrestricted", CT_ROOT,
       _root_user_unrestricted, "SCP-06", ORG, H),
    _f("an SCP attached to the management account to protect it", SCP_MGMT,
       _scp_on_management_account, "SCP-07", "ProtectManagement", H),
    _f("root left with deny-only SCPs after FullAWSAccess was detached", SCP_EVAL,
       _full_access_detached_from_root, "SCP-11", ORG, H),
    _f("FullAWSAccess on every OU but Prod, which has a deny only", SCP_EVAL,
       _full_access_missing_on_prod_ou, "SCP-11", "Prod", H),
    _f("AllowAll replaces FullAWSAccess on every OU except Sandbox", SCP_EVAL,
       _allow_list_replaces_full_access_on_sandbox, "SCP-11", "Sandbox", H),
    _f("CloudTrail protection excepts every role", SCP_EXC,
       _wildcard_role_exception_cloudtrail, "SCP-12", "ProtectSecurityServices", M),
    _f("log-archive protection excepts every role", SCP_EXC,
       _wildcard_exception_log_archive, "SCP-12", "ProtectLogArchive", M),
    _f("IAM-user deny excepts every principal", SCP_EXC,
       _wildcard_principal_exception_iam_users, "SCP-12", "DenyIamUsers", M),
    _f("DenyPublicS3 written but never attached", WP_USAGE,
       _scp_attached_nowhere, "SCP-13", "DenyPublicS3", L),
    _f("Suspended OU without a deny-all SCP", SUSPENDED,
       _suspended_ou_without_deny_all, "ORG-07", "Suspended", L),
    _f("Prod requires DenyProdDataDeletion, attached to Non-prod instead", WP_USAGE,
       _required_scp_attached_to_wrong_ou, "POL-01", "Retail Production", M),
    _f("Security OU requires ProtectLogArchive, attached to Log Archive only", WP_USAGE,
       _required_scp_only_on_log_archive, "POL-01", "Security Tooling", M),
    _f("Sandbox requires SandboxSpendGuard, attached to Policy Staging", WP_USAGE,
       _sandbox_budget_guard_missing, "POL-01", "Developer Sandbox", M),
    _f("six SCPs attached to the root", QUOTAS, _six_scps_on_root, "ORG-08", ORG, H),
    _f("SCP longer than 5,120 characters", QUOTAS, _oversized_scp, "ORG-08",
       "DenyManyDescribes", H),
    _f("no Policy Staging OU", STAGING, _no_policy_staging_ou, "ORG-06", ORG, M),
]  # fmt: skip
