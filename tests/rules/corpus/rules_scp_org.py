"""One caught flaw and one near miss for each of SCP-11..13 and ORG-11..14, plus the unusual but
sound designs those rules must leave alone. Written from the rules (see the package docstring)."""

from __future__ import annotations

import copy
from typing import Any

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import ORG, Flaw, Kit, Legitimate, NearMiss

SCP_EVALUATION = (
    "AWS Organizations User Guide, 'SCP evaluation' (https://docs.aws.amazon.com/organizations/"
    "latest/userguide/orgs_manage_policies_scps_evaluation.html)"
)
ORGANIZING = "Whitepaper 'Organizing Your AWS Environment Using Multiple Accounts'"
MGMT = "AWS Organizations User Guide, 'Best practices for the management account'"
OUS = ("Workloads", "Prod", "Non-prod", "Security", "Infrastructure", "Sandbox", "Policy Staging")


def _deny(sid: str, actions: list[str], **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Deny", "Action": actions, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


NETWORK_ACTIONS = [
    "ec2:DeleteVpc",
    "ec2:DeleteTransitGatewayAttachment",
    "ec2:DetachInternetGateway",
]


def _network_guard(pattern: str) -> Kit:
    k = Kit()
    k.scp(
        "ProtectNetwork",
        _deny(
            "ProtectCoreNetwork",
            NETWORK_ACTIONS,
            ArnNotLike={"aws:PrincipalArn": [pattern]},
        ),
    )
    return k.attach("ProtectNetwork", ORG)


def _explicit_full_access(*skip: str) -> Kit:
    """FullAWSAccess drawn on every OU, as an imported organization shows it, except `skip`."""
    k = Kit()
    for unit in (*OUS, "Suspended"):
        if unit not in skip:
            k.attach("FullAWSAccess", unit)
    return k


# -- SCP-11 ----------------------------------------------------------------------------------
def root_without_allow() -> Design:
    return Kit().detach("FullAWSAccess", ORG).build()


def prod_without_allow() -> Design:
    k = _explicit_full_access("Prod")
    k.scp("DenyProdDeletes", _deny("DenyDeletes", ["rds:DeleteDBCluster", "s3:DeleteBucket"]))
    return k.attach("DenyProdDeletes", "Prod").build()


def prod_allow_list() -> Design:
    """Prod replaces FullAWSAccess with an allow-list: restricted, not locked out."""
    k = _explicit_full_access("Prod")
    allow = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowApproved",
                "Effect": "Allow",
                "Action": ["ec2:*", "s3:*"],
                "Resource": "*",
            }
        ],
    }
    k.scp("ProdAllowList", allow)
    return k.attach("ProdAllowList", "Prod").build()


def suspended_without_allow() -> Design:
    """Explicit FullAWSAccess everywhere but the deny-all Suspended OU, with a closed account."""
    k = _explicit_full_access("Suspended")
    k.account(
        "Retired Campaign",
        "workload",
        parent="Suspended",
        state="suspended",
        environment="production",
    )
    return k.build()


def explicit_full_access() -> Design:
    return _explicit_full_access().build()


def full_access_drawn_on_sandbox() -> Design:
    """FullAWSAccess drawn on the Sandbox OU only, still at the root: detached from nothing."""
    return Kit().attach("FullAWSAccess", "Sandbox").build()


# -- SCP-12 ----------------------------------------------------------------------------------
STACKSETS_ROLES = "arn:aws:iam::*:role/stacksets-exec-*"


def stacksets_kit() -> Kit:
    """A network guardrail that spares the StackSets execution roles, in an organization whose
    guardrails no longer keep others from creating a role of that name."""
    k = _network_guard(STACKSETS_ROLES)
    guardrails = k.get("OrganizationGuardrails").document
    kept = [s for s in guardrails["Statement"] if s.get("Sid") != "OnlyStackSetsCreatesItsRole"]
    return k.update("OrganizationGuardrails", document={**guardrails, "Statement": kept})


def stacksets_exception_unguarded() -> Design:
    return stacksets_kit().build()


def stacksets_exception_guarded() -> Design:
    """Only the StackSets service-linked role may create role/stacksets-exec-*."""
    k = stacksets_kit()
    statement = {
        "Sid": "OnlyStackSetsCreatesItsRole",
        "Effect": "Deny",
        "Action": ["iam:CreateRole"],
        "Resource": [STACKSETS_ROLES],
        "Condition": {
            "ArnNotLike": {
                "aws:PrincipalArn": [
                    "arn:aws:iam::*:role/aws-service-role/"
                    "member.org.stacksets.cloudformation.amazonaws.com/*"
                ]
            }
        },
    }
    k.scp("GuardStackSetsRole", {"Version": "2012-10-17", "Statement": [statement]})
    return k.attach("GuardStackSetsRole", ORG).build()


def tag_exception(guard_key: str) -> Design:
    """A network guardrail sparing principals tagged team=netops, and a tag guard on a key."""
    k = Kit()
    k.scp(
        "ProtectNetwork",
        _deny(
            "ProtectCoreNetwork",
            NETWORK_ACTIONS,
            StringNotEquals={"aws:PrincipalTag/team": "netops"},
        ),
    )
    k.scp(
        "ProtectTeamTag",
        _deny("OnlyAdminsTag", ["iam:TagRole"], Null={f"aws:RequestTag/{guard_key}": "false"}),
    )
    return k.attach("ProtectNetwork", ORG).attach("ProtectTeamTag", ORG).build()


def tag_guard_on_other_key() -> Design:
    return tag_exception("steam")


def tag_guard_on_same_key() -> Design:
    return tag_exception("team")


def broad_admin_exception() -> Design:
    return _network_guard("arn:aws:iam::*:role/*Admin*").build()


def permission_set_exception() -> Design:
    return _network_guard(
        "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_NetworkAdmin_*"
    ).build()


# -- SCP-13 ----------------------------------------------------------------------------------
def _s3_guard() -> Kit:
    k = Kit()
    k.scp(
        "DenyS3PublicAccessChanges",
        _deny("KeepBlockPublicAccess", ["s3:PutAccountPublicAccessBlock"]),
    )
    return k


def unattached_guardrail() -> Design:
    return _s3_guard().build()


def guardrail_in_staging() -> Design:
    return _s3_guard().attach("DenyS3PublicAccessChanges", "Policy Staging").build()


# -- ORG-11 ----------------------------------------------------------------------------------
def workload_without_environment() -> Design:
    k = Kit()
    k.account("Loyalty Service", "workload", parent="Prod", runs_workloads=True)
    return k.build()


def workload_with_environment() -> Design:
    k = Kit()
    k.account(
        "Loyalty Service", "workload", parent="Prod", runs_workloads=True, environment="production"
    )
    return k.build()


def closed_workload(parent: str) -> Design:
    """A closed workload account with no environment, sitting in `parent`."""
    k = Kit()
    k.account("Old Loyalty", "workload", parent=parent, state="suspended", runs_workloads=True)
    return k.build()


def closed_workload_in_prod() -> Design:
    return closed_workload("Prod")


def closed_workload_parked() -> Design:
    return closed_workload("Suspended")


# -- ORG-12 ----------------------------------------------------------------------------------
def suspended_in_workloads() -> Design:
    return Kit().update("Payments Staging", state="suspended").build()


def suspended_in_sandbox() -> Design:
    return Kit().update("Developer Sandbox", state="suspended").build()


def suspended_parked() -> Design:
    return Kit().update("Payments Staging", state="suspended", parent="Suspended").build()


# -- ORG-13 ----------------------------------------------------------------------------------
def workload_and_sandbox() -> Design:
    k = Kit()
    k.account(
        "Analytics Lab",
        "workload",
        "sandbox",
        parent="Non-prod",
        environment="development",
        runs_workloads=True,
    )
    return k.build()


def sandbox_ou_accounts() -> Design:
    """More sandboxes, drawn with the default (workload) function but environment sandbox."""
    k = Kit()
    k.account("Team A Sandbox", parent="Sandbox", environment="sandbox")
    k.account("Team B Sandbox", "sandbox", parent="Sandbox", environment="sandbox")
    return k.build()


# -- ORG-14 ----------------------------------------------------------------------------------
def no_break_glass() -> Design:
    return Kit().update("Management", iam_user_count=0).build()


def one_break_glass_user() -> Design:
    return Kit().build()


# -- SCP-08 (the guardrail missing everywhere names the organization) ------------------------
def _roles_statement_moved(*targets: str) -> Kit:
    """The ProtectSecurityRoles statement taken out of ProtectSecurityServices (at the root)
    into its own SCP, attached to `targets` (none: the guardrail is gone)."""
    k = Kit()
    document = copy.deepcopy(k.get("ProtectSecurityServices").document)
    roles = [s for s in document["Statement"] if s["Sid"] == "ProtectSecurityRoles"]
    document["Statement"] = [s for s in document["Statement"] if s["Sid"] != "ProtectSecurityRoles"]
    k.update("ProtectSecurityServices", document=document)
    if targets:
        k.scp("ProtectSecurityRoles", {"Version": "2012-10-17", "Statement": roles})
        k.attach("ProtectSecurityRoles", *targets)
    return k


def security_roles_guardrail_dropped() -> Design:
    return _roles_statement_moved().build()


def security_roles_guarded_per_ou() -> Design:
    """Every OU with member accounts carries the role guardrail instead of the root."""
    return _roles_statement_moved(
        "Workloads", "Security", "Infrastructure", "Sandbox", "Suspended", "Policy Staging"
    ).build()


# -- SCP-10 (a log key held in Security Tooling, named by ARN) --------------------------------
TRAIL_BUCKET = "example-org-logs-cloudtrail-153715744375"
SECURITY_TOOLING_KEY = "arn:aws:kms:eu-west-1:899137005343:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECURITY_TOOLING_ALIAS = "arn:aws:kms:eu-west-1:899137005343:alias/organization-trail"


def _trail_key_in_security_tooling(key: str, protect: str | None) -> Kit:
    """The Security Reference Architecture's choice: the trail's key lives in Security Tooling;
    `protect` is the key resource added to ProtectLogArchive's ProtectLogKeys statement."""
    k = Kit().update(TRAIL_BUCKET, kms_key=key)
    if protect:
        document = copy.deepcopy(k.get("ProtectLogArchive").document)
        for statement in document["Statement"]:
            if statement["Sid"] == "ProtectLogKeys":
                statement["Resource"].append(protect)
        k.update("ProtectLogArchive", document=document)
    return k


def trail_key_elsewhere_unprotected() -> Design:
    return _trail_key_in_security_tooling(SECURITY_TOOLING_KEY, None).build()


def trail_key_elsewhere_protected() -> Design:
    arn = SECURITY_TOOLING_KEY.replace("arn:aws:", "arn:${AWS::Partition}:")
    return _trail_key_in_security_tooling(SECURITY_TOOLING_KEY, arn).build()


def trail_alias_elsewhere_protected() -> Design:
    every = "arn:${AWS::Partition}:kms:*:899137005343:key/*"
    return _trail_key_in_security_tooling(SECURITY_TOOLING_ALIAS, every).build()


# -- SCP-11 (a custom Allow drawn per OU) ----------------------------------------------------
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def _allow_all_per_ou(*skip: str) -> Kit:
    """FullAWSAccess replaced by a custom AllowAll at the root and on every OU but `skip`."""
    k = Kit().detach("FullAWSAccess", ORG)
    k.scp("AllowAll", ALLOW_ALL)
    k.attach("AllowAll", ORG)
    k.attach("AllowAll", *(u for u in (*OUS, "Suspended") if u not in skip))
    return k


def non_prod_without_custom_allow() -> Design:
    return _allow_all_per_ou("Non-prod").build()


def custom_allow_on_every_ou() -> Design:
    return _allow_all_per_ou().build()


def allow_list_beside_default() -> Design:
    """An allow-list on Prod while FullAWSAccess stays at the root: the other OUs keep theirs."""
    k = Kit()
    k.scp(
        "ProdAllowList",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Approved", "Effect": "Allow", "Action": ["ec2:*", "s3:*"], "Resource": "*"}
            ],
        },
    )
    return k.attach("ProdAllowList", "Prod").build()


# -- ORG-05 (sandbox placement) --------------------------------------------------------------
def sandbox_in_prod() -> Design:
    k = Kit()
    k.account("ML Experiments", "sandbox", parent="Prod", environment="sandbox")
    return k.build()


def sandbox_in_sandbox_ou() -> Design:
    k = Kit()
    k.account("ML Experiments", "sandbox", parent="Sandbox", environment="sandbox")
    return k.build()


def no_sandbox_ou_sandbox_in_infrastructure() -> Design:
    k = Kit().update("Developer Sandbox", parent="Infrastructure")
    return k.remove("Sandbox").build()


def no_sandbox_ou_nor_sandbox() -> Design:
    """No Sandbox OU and no sandbox; the Policy Staging test account has its own place."""
    k = Kit().remove("Developer Sandbox")
    return k.remove("Sandbox").build()


FLAWS = [
    Flaw(
        "FullAWSAccess detached from the root",
        SCP_EVALUATION,
        root_without_allow,
        "SCP-11",
        ORG,
        Severity.CRITICAL,
    ),
    Flaw(
        "FullAWSAccess detached from the Prod OU",
        SCP_EVALUATION,
        prod_without_allow,
        "SCP-11",
        "Prod",
        Severity.CRITICAL,
    ),
    Flaw(
        "network guardrail spares every role named *Admin*",
        "AWS Organizations User Guide, 'SCP syntax': conditions",
        broad_admin_exception,
        "SCP-12",
        "ProtectNetwork",
        Severity.HIGH,
    ),
    Flaw(
        "network guardrail spares stacksets-exec-* with no guard on creating that role",
        "AWS CloudFormation User Guide, 'Configure a custom execution role template for "
        "StackSets' (stacksets-exec-*)",
        stacksets_exception_unguarded,
        "SCP-12",
        "ProtectNetwork",
        Severity.MEDIUM,
    ),
    Flaw(
        "tag exception on 'team' whose only tag guard is on 'steam'",
        "AWS Organizations User Guide, SCP examples: 'Prevent tagging modifications except by "
        "authorized principals'",
        tag_guard_on_other_key,
        "SCP-12",
        "ProtectNetwork",
        Severity.MEDIUM,
    ),
    Flaw(
        "custom SCP attached nowhere",
        f"{ORGANIZING}, 'Policy Staging OU'",
        unattached_guardrail,
        "SCP-13",
        "DenyS3PublicAccessChanges",
        Severity.MEDIUM,
    ),
    Flaw(
        "production workload account without an environment",
        "Whitepaper 'AWS Multiple Account Security Strategy', account inventory",
        workload_without_environment,
        "ORG-11",
        "Loyalty Service",
        Severity.MEDIUM,
    ),
    Flaw(
        "closed workload account without an environment, still in the Prod OU",
        "Whitepaper 'AWS Multiple Account Security Strategy', account inventory",
        closed_workload_in_prod,
        "ORG-11",
        "Old Loyalty",
        Severity.MEDIUM,
    ),
    Flaw(
        "closed account left in the Workloads OU",
        f"{ORGANIZING}, 'Suspended OU'",
        suspended_in_workloads,
        "ORG-12",
        "Payments Staging",
        Severity.HIGH,
    ),
    Flaw(
        "closed account left in the Sandbox OU",
        f"{ORGANIZING}, 'Suspended OU'",
        suspended_in_sandbox,
        "ORG-12",
        "Developer Sandbox",
        Severity.MEDIUM,
    ),
    Flaw(
        "one account for workloads and experiments",
        f"{ORGANIZING}, 'Sandbox OU'",
        workload_and_sandbox,
        "ORG-13",
        "Analytics Lab",
        Severity.HIGH,
    ),
    Flaw(
        "no break-glass user in the management account",
        MGMT,
        no_break_glass,
        "ORG-14",
        "Management",
        Severity.MEDIUM,
    ),
    Flaw(
        "security audit roles guarded nowhere once their statement was dropped",
        "AWS Control Tower controls reference: AWS-GR_IAM_ROLE_CHANGE_PROHIBITED",
        security_roles_guardrail_dropped,
        "SCP-08",
        ORG,
        Severity.MEDIUM,
    ),
    Flaw(
        "trail key in Security Tooling that no SCP protects",
        "AWS Security Reference Architecture: the Security Tooling account holds the trail key",
        trail_key_elsewhere_unprotected,
        "SCP-10",
        "Security Tooling",
        Severity.HIGH,
    ),
    Flaw(
        "custom AllowAll on every OU but Non-prod",
        SCP_EVALUATION,
        non_prod_without_custom_allow,
        "SCP-11",
        "Non-prod",
        Severity.CRITICAL,
    ),
    Flaw(
        "sandbox account placed in the Prod OU",
        f"{ORGANIZING}, 'Sandbox OU'",
        sandbox_in_prod,
        "ORG-05",
        "ML Experiments",
        Severity.MEDIUM,
    ),
    Flaw(
        "no Sandbox OU; the sandbox sits in Infrastructure",
        f"{ORGANIZING}, 'Sandbox OU'",
        no_sandbox_ou_sandbox_in_infrastructure,
        "ORG-05",
        "Developer Sandbox",
        Severity.MEDIUM,
    ),
]

NEAR_MISSES = [
    NearMiss(
        "SCP-08",
        "role guardrail attached to every OU instead of the root",
        security_roles_guarded_per_ou,
    ),
    NearMiss(
        "SCP-10",
        "trail key in Security Tooling named in ProtectLogArchive",
        trail_key_elsewhere_protected,
    ),
    NearMiss(
        "SCP-10",
        "trail key alias in Security Tooling, its keys guarded by ProtectLogArchive",
        trail_alias_elsewhere_protected,
    ),
    NearMiss("SCP-11", "custom AllowAll on every OU", custom_allow_on_every_ou),
    NearMiss(
        "SCP-11", "allow-list on Prod beside FullAWSAccess at the root", allow_list_beside_default
    ),
    NearMiss(
        "ORG-05", "sandbox account in the Sandbox OU", sandbox_in_sandbox_ou, "ML Experiments"
    ),
    NearMiss(
        "ORG-05",
        "no Sandbox OU, only the Policy Staging test account",
        no_sandbox_ou_nor_sandbox,
        "Policy Staging Test",
    ),
    NearMiss("SCP-11", "Prod OU with an allow-list instead of FullAWSAccess", prod_allow_list),
    NearMiss("SCP-11", "FullAWSAccess drawn on every OU", explicit_full_access),
    NearMiss(
        "SCP-12", "exception for one permission set", permission_set_exception, "ProtectNetwork"
    ),
    NearMiss(
        "SCP-12",
        "stacksets-exec-* spared, its creation denied to all but StackSets",
        stacksets_exception_guarded,
    ),
    NearMiss(
        "SCP-12",
        "tag exception on 'team' with iam:TagRole denied for aws:RequestTag/team",
        tag_guard_on_same_key,
        "ProtectNetwork",
    ),
    NearMiss(
        "SCP-13",
        "custom SCP attached to the Policy Staging OU only",
        guardrail_in_staging,
        "DenyS3PublicAccessChanges",
    ),
    NearMiss(
        "ORG-11",
        "workload account with its environment",
        workload_with_environment,
        "Loyalty Service",
    ),
    NearMiss(
        "ORG-12", "closed account moved to the Suspended OU", suspended_parked, "Payments Staging"
    ),
    NearMiss(
        "ORG-11",
        "closed workload account without an environment, parked in Suspended",
        closed_workload_parked,
        "Old Loyalty",
    ),
    NearMiss("ORG-13", "Sandbox OU accounts with environment sandbox", sandbox_ou_accounts),
    NearMiss("ORG-14", "one break-glass user beside federation", one_break_glass_user),
]

LEGITIMATE = [
    Legitimate(
        "trail key held in Security Tooling, named in ProtectLogArchive",
        "The Security Reference Architecture keeps the organization trail's key in Security "
        "Tooling; ProtectLogArchive, on the Security OU, denies changing it by its ARN.",
        trail_key_elsewhere_protected,
    ),
    Legitimate(
        "closed account parked in the deny-all Suspended OU, FullAWSAccess drawn per OU",
        "A closed account belongs in the Suspended OU; its deny-all is the point, so the "
        "missing Allow there locks out nothing that should work.",
        suspended_without_allow,
    ),
    Legitimate(
        "Sandbox OU with several sandbox accounts",
        "Sandboxes in their own OU with environment sandbox are the whitepaper's design.",
        sandbox_ou_accounts,
    ),
    Legitimate(
        "FullAWSAccess drawn on the Sandbox OU as well as the root",
        "Drawing the default Allow on one OU detaches it from none: the other OUs keep it (the "
        "export attaches it wherever the design leaves it out), so at most a low note.",
        full_access_drawn_on_sandbox,
    ),
    Legitimate(
        "FullAWSAccess drawn on every OU, as an imported organization shows it",
        "Drawing the default Allow at every level is what AWS does; nothing is locked out.",
        explicit_full_access,
    ),
]
