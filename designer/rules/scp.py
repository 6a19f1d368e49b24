"""SCP-* rules: which protections the service control policies in force give member accounts.

A protection is in force for a member account when a statement providing it sits in one of the
SCPs AWS evaluates for that account: those of the root, of every enclosing OU and of the account
itself. What each SCP provides is computed once per policy, and what is in force below each OU
once per OU, so every rule stays linear in the number of accounts. SCPs do not apply to the
management account, so only member accounts are checked; an SCP whose document is still null
(generated later by the exporter) provides nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from designer.artefacts.policy_documents import (
    as_list,
    statements,
)
from designer.artefacts.policy_set import log_resources
from designer.artefacts.protections import (
    CLOUDTRAIL_ACTIONS,
    CONFIG_ACTIONS,
    DETECTIVE_CONTROLS,
    EXTERNAL_SHARES,
    LEAVE_ORGANIZATION,
    LOG_BUCKET_ACTIONS,
    LOG_KEY_ACTIONS,
    ORGANIZATION_ACCESS_ROLE,
    PRIVILEGED_ROLE_KEY,
    REGION_RESTRICTION,
    ROLE_CHANGE_ACTIONS,
    ROOT_RESTRICTION,
    Protection,
    denial,
    has_exception,
    log_guards,
    protecting,
    region_list,
    role_guards,
    sample_arn,
    unguarded,
)
from designer.model.vocabulary import AccessLevel, AccountFunction
from designer.rules.context import RuleContext, names_list
from designer.rules.engine import Category, Hit, Severity, rule

if TYPE_CHECKING:
    from designer.model.governance import ServiceControlPolicy
    from designer.model.nodes import Account

Statement = dict[str, Any]
Document = dict[str, Any] | None
T = TypeVar("T", bound=Hashable)

SCP_EXAMPLES = "aws-samples/service-control-policy-examples"
CONTROL_TOWER = "AWS Control Tower controls reference"
SCP_DOCS = "AWS Organizations User Guide, 'Service control policies (SCPs)'"


# -- what is in force for each member account ---------------------------------------------------
class _InForce(Generic[T]):
    """What the SCPs in force give each member account: computed once per SCP and per OU."""

    def __init__(self, ctx: RuleContext, gives: Callable[[ServiceControlPolicy], Iterable[T]]):
        self._ctx = ctx
        self._gives = gives
        self._by_policy: dict[str, frozenset[T]] = {}
        self._by_ou: dict[str, frozenset[T]] = {}
        self._root = self._attached(ctx.design.organization.root_scps)

    def _attached(self, policy_ids: Iterable[str]) -> frozenset[T]:
        found: frozenset[T] = frozenset()
        for policy_id in policy_ids:
            if policy_id not in self._by_policy:
                policy = self._ctx.scps.get(policy_id)
                self._by_policy[policy_id] = frozenset(self._gives(policy) if policy else ())
            found |= self._by_policy[policy_id]
        return found

    def below(self, ou_id: str | None) -> frozenset[T]:
        """In force for whatever sits directly in `ou_id` (None or an unknown id: the root)."""
        ous = self._ctx.ous
        pending: list[str] = []
        current = ou_id
        while (
            current is not None
            and current in ous
            and current not in self._by_ou
            and current not in pending
        ):
            pending.append(current)
            current = ous[current].parent
        # A cycle in the OU tree (reported by the integrity check) ends the walk at the root.
        given = self._by_ou.get(current, self._root) if current is not None else self._root
        for unit_id in reversed(pending):
            given = given | self._attached(ous[unit_id].scps)
            self._by_ou[unit_id] = given
        return given

    def account(self, account: Account) -> frozenset[T]:
        inherited = self.below(account.parent)
        own = self._attached(account.scps) if account.scps else frozenset()
        return inherited | own if own else inherited


def _policies_in_force(ctx: RuleContext) -> list[ServiceControlPolicy]:
    """SCPs in force for at least one member account, in design order."""
    in_force = _InForce(ctx, lambda policy: (policy.id,))
    ids: set[str] = set()
    for account in ctx.members:
        ids |= in_force.account(account)
    return [p for p in ctx.design.service_control_policies if p.id in ids]


def _member_accounts(ctx: RuleContext, ids: list[str]) -> str:
    noun = "member account" if len(ids) == 1 else "member accounts"
    return f"{noun} {names_list(ctx, ids)}"


def _named_scps(ctx: RuleContext, policies: list[ServiceControlPolicy]) -> str:
    noun = "SCP" if len(policies) == 1 else "SCPs"
    return f"{noun} {names_list(ctx, [p.id for p in policies])}"


def _missing_protections(ctx: RuleContext, protections: Sequence[Protection]) -> Iterator[Hit]:
    """One finding: the member accounts without every protection, or that none exists at all."""
    members = ctx.members
    if not members:
        return
    in_force = _InForce(
        ctx,
        lambda policy: [i for i, p in enumerate(protections) if p.provided_by(policy.document)],
    )
    everything = frozenset(range(len(protections)))
    missing: dict[str, frozenset[int]] = {}
    anywhere = False
    for account in members:
        given = in_force.account(account)
        anywhere = anywhere or bool(given)
        if given != everything:
            missing[account.id] = everything - given
    if not missing:
        return
    if not anywhere:
        labels = ", ".join(p.label for p in protections)
        yield Hit(
            f"no SCP in force denies {labels} for any member account", (ctx.design.organization.id,)
        )
        return
    gaps = set(missing.values())
    union = frozenset[int]().union(*gaps)
    labels = ", ".join(p.label for i, p in enumerate(protections) if i in union)
    where = _member_accounts(ctx, list(missing))
    if len(gaps) == 1:
        message = f"no SCP in force denies {labels} in {where}"
    else:
        message = f"the SCPs in force do not deny all of {labels} in {where}"
    yield Hit(message, tuple(missing))


# -- the rules ----------------------------------------------------------------------------------


@rule(
    "SCP-01",
    "Member accounts cannot leave the organization",
    Severity.HIGH,
    Category.SCP,
    rationale="An account that leaves the organization escapes every SCP, the organization trail "
    "and consolidated billing; only an SCP can stop its own administrators from leaving.",
    remediation="Attach an SCP that denies organizations:LeaveOrganization to the root.",
    references=[
        f"{SCP_DOCS}, examples: 'Prevent member accounts from leaving the organization'",
        "superwerker root SCP (organizations:LeaveOrganization denied at the root)",
    ],
)
def leave_organization_denied(ctx: RuleContext) -> Iterator[Hit]:
    yield from _missing_protections(ctx, LEAVE_ORGANIZATION)


@rule(
    "SCP-02",
    "CloudTrail cannot be stopped or changed from member accounts",
    Severity.HIGH,
    Category.SCP,
    rationale="Whoever can stop or change the trail can act unrecorded. Control Tower denies "
    "these actions to everyone but one privileged role; without that exception the security "
    "team cannot manage the trail either.",
    remediation="Attach to the root an SCP that denies cloudtrail:DeleteTrail, StopLogging, "
    "UpdateTrail and PutEventSelectors, with an ArnNotLike aws:PrincipalARN exception for the "
    "privileged role that manages the trail.",
    references=[
        f"{CONTROL_TOWER}: AWS-GR_CLOUDTRAIL_CHANGE_PROHIBITED",
        f"{SCP_EXAMPLES}: Deny-changes-to-security-services/"
        "Deny-modifications-to-specific-CloudTrail-trails.json",
    ],
)
def cloudtrail_protected(ctx: RuleContext) -> Iterator[Hit]:
    yield from _missing_protections(ctx, [denial(a) for a in CLOUDTRAIL_ACTIONS])
    for policy in _policies_in_force(ctx):
        rigid = [
            s
            for s in protecting(policy.document, *CLOUDTRAIL_ACTIONS)
            if "*" not in as_list(s.get("Action"))  # deny-all quarantine needs no exception
            and not has_exception(s)
        ]
        if rigid:
            yield Hit(
                f"SCP {policy.name!r} denies CloudTrail changes with no exception for a "
                f"privileged role (no {PRIVILEGED_ROLE_KEY} condition)",
                (policy.id,),
                Severity.MEDIUM,
            )


@rule(
    "SCP-03",
    "AWS Config cannot be stopped or deleted from member accounts",
    Severity.HIGH,
    Category.SCP,
    rationale="Stopping or re-pointing the configuration recorder, deleting or re-pointing the "
    "delivery channel, shortening the retention or deleting rules or the aggregator erases "
    "the configuration history auditors and security tooling rely on.",
    remediation="Attach to the root an SCP that denies config:StopConfigurationRecorder, "
    "DeleteConfigurationRecorder, PutConfigurationRecorder, DeleteDeliveryChannel, "
    "PutDeliveryChannel, PutRetentionConfiguration, DeleteRetentionConfiguration, "
    "DeleteConfigRule and DeleteConfigurationAggregator, with an exception for a privileged role.",
    references=[
        f"{CONTROL_TOWER}: AWS-GR_CONFIG_CHANGE_PROHIBITED, AWS-GR_CONFIG_RULE_CHANGE_PROHIBITED",
        f"{SCP_EXAMPLES}: Deny-changes-to-security-services/"
        "Deny-enabling-and-disabling-AWS-Config.json",
    ],
)
def config_protected(ctx: RuleContext) -> Iterator[Hit]:
    yield from _missing_protections(ctx, [denial(a) for a in CONFIG_ACTIONS])


@rule(
    "SCP-04",
    "Flow logs, GuardDuty, Security Hub and Access Analyzer cannot be disabled",
    Severity.MEDIUM,
    Category.SCP,
    rationale="Detective controls run by the security-tooling account are only as good as their "
    "coverage: an account administrator who can delete flow logs, the GuardDuty detector, "
    "Security Hub or the analyzer blinds the security team.",
    remediation="Attach to the root an SCP that denies ec2:DeleteFlowLogs, "
    "guardduty:DeleteDetector, guardduty:UpdateDetector, "
    "guardduty:DisassociateFromAdministratorAccount, securityhub:DisableSecurityHub, "
    "securityhub:DisassociateFromAdministratorAccount and access-analyzer:DeleteAnalyzer.",
    references=[
        f"{SCP_EXAMPLES}: Deny-changes-to-security-services/"
        "Deny-deletion-or-disassociation-or-updation-to-AWS-SecurityHub.json",
        f"{SCP_EXAMPLES}: Deny-changes-to-security-services/"
        "Deny-deletion-of-AWS-Access-Analyzer-and-findings-in-an-account.json",
        f"{SCP_DOCS}, examples: 'Prevent users from disabling Amazon GuardDuty', "
        "'Prevent users from deleting Amazon VPC flow logs'",
    ],
)
def detective_controls_protected(ctx: RuleContext) -> Iterator[Hit]:
    yield from _missing_protections(ctx, DETECTIVE_CONTROLS)


@rule(
    "SCP-05",
    "Member accounts are restricted to the usage policy's Regions",
    Severity.MEDIUM,
    Category.SCP,
    rationale="The usage policy names the allowed Regions; without a region-restriction SCP any "
    "Region can be used, unmonitored, and an SCP listing other Regions enforces a different "
    "policy than the one agreed.",
    remediation="Attach an SCP that denies, with a NotAction list of global services and an "
    "exception for a privileged role, every request whose aws:RequestedRegion is not one of the "
    "usage policy's Regions (StringNotEquals), and keep its Region list equal to the policy's.",
    references=[
        f"{CONTROL_TOWER}: AWS-GR_REGION_DENY",
        f"{SCP_EXAMPLES}: Region-controls/",
        "Prowler organizations_scp_check_deny_regions",
    ],
)
def regions_restricted(ctx: RuleContext) -> Iterator[Hit]:
    allowed = ctx.design.usage_policy.allowed_regions
    if not allowed:
        return
    yield from _missing_protections(ctx, [REGION_RESTRICTION])
    for policy in _policies_in_force(ctx):
        lists = [r for s in statements(policy.document) if (r := region_list(s)) is not None]
        if not lists:
            continue
        listed = {region for regions in lists for region in regions}
        extra = sorted(listed - set(allowed))
        missing = [r for r in allowed if r not in listed]
        problems = []
        if extra:
            problems.append(f"allows {', '.join(extra)}, which the usage policy does not list")
        if missing:
            problems.append(f"denies {', '.join(missing)}, which the usage policy allows")
        if problems:
            yield Hit(
                f"region-restriction SCP {policy.name!r} {' and '.join(problems)}", (policy.id,)
            )


@rule(
    "SCP-06",
    "The root user of member accounts is restricted",
    Severity.HIGH,
    Category.SCP,
    rationale="The root user of a member account cannot be limited by IAM policies; an SCP that "
    "denies its actions (including creating access keys) is the only preventive control.",
    remediation="Attach to the root an SCP that denies actions when aws:PrincipalArn is "
    "ArnLike arn:aws:iam::*:root.",
    references=[
        f"{CONTROL_TOWER}: GRRESTRICTROOTUSER, GRRESTRICTROOTUSERACCESSKEYS",
        f"{SCP_EXAMPLES}: Privileged-access-controls/"
        "Deny-creation-of-access-keys-for-the-root-user.json",
    ],
)
def root_user_restricted(ctx: RuleContext) -> Iterator[Hit]:
    yield from _missing_protections(ctx, [ROOT_RESTRICTION])


@rule(
    "SCP-07",
    "The design does not rely on SCPs to restrict the management account",
    Severity.HIGH,
    Category.SCP,
    rationale="SCPs never affect users or roles in the management account: a custom SCP attached "
    "to it, or to an OU that holds it, gives a protection that does not exist.",
    remediation="Keep the management account directly under the root without custom SCPs, and "
    "protect it with few human principals, MFA and monitoring instead.",
    references=[
        f"{SCP_DOCS}: 'SCPs don't affect users or roles in the management account'",
    ],
)
def management_not_relying_on_scps(ctx: RuleContext) -> Iterator[Hit]:
    mgmt = ctx.management
    if mgmt is None:
        return
    custom = [p for p in ctx.attached_scps(mgmt.id) if not p.aws_managed]
    if custom:
        yield Hit(
            f"management account {mgmt.name!r} has {_named_scps(ctx, custom)} attached, but "
            "SCPs do not restrict the management account",
            (mgmt.id, *(p.id for p in custom)),
        )
    seen: set[str] = set()
    parent = mgmt.parent
    while parent is not None and parent in ctx.ous and parent not in seen:
        seen.add(parent)
        unit = ctx.ous[parent]
        custom = [p for p in ctx.attached_scps(unit.id) if not p.aws_managed]
        if custom:
            yield Hit(
                f"management account {mgmt.name!r} sits in OU {unit.name!r}, which carries "
                f"{_named_scps(ctx, custom)}, but SCPs do not restrict the "
                "management account",
                (mgmt.id, unit.id, *(p.id for p in custom)),
            )
        parent = unit.parent


@rule(
    "SCP-08",
    "Cross-account security roles are protected from modification",
    Severity.MEDIUM,
    Category.SCP,
    rationale="The audit roles of the security-tooling account and OrganizationAccountAccessRole "
    "are how the security team reaches member accounts; an account administrator who can change "
    "their trust policy or delete them cuts that access.",
    remediation="Attach an SCP that denies every role-changing action ("
    + ", ".join(ROLE_CHANGE_ACTIONS)
    + ") on arn:aws:iam::*:role/<role name>, with an exception for a privileged role.",
    references=[
        f"{CONTROL_TOWER}: AWS-GR_IAM_ROLE_CHANGE_PROHIBITED",
        f"{SCP_EXAMPLES}: Privileged-access-controls/Deny-modifications-to-specific-IAM-roles.json",
    ],
)
def security_roles_protected(ctx: RuleContext) -> Iterator[Hit]:
    management = ctx.design.organization.management_account
    audit_levels = (AccessLevel.READ_ONLY, AccessLevel.SECURITY_AUDIT)
    in_force = _InForce(ctx, lambda policy: role_guards(policy.document))
    # role name -> actions left open -> relationships
    unprotected: dict[str, dict[tuple[str, ...], list[Any]]] = defaultdict(dict)
    missing: dict[tuple[frozenset[tuple[str, str]], str], tuple[str, ...]] = {}  # shared per OU
    for rel in ctx.relationships("trust"):
        target = ctx.accounts.get(rel.target)
        if target is None or target.id == management:  # SCPs cannot protect management roles
            continue
        security_role = rel.access_level in audit_levels and ctx.has_function(
            rel.source, AccountFunction.SECURITY_TOOLING
        )
        if not (security_role or rel.role_name == ORGANIZATION_ACCESS_ROLE):
            continue
        arn = f"arn:aws:iam::{target.aws_account_id or '*'}:role/{rel.role_name}"
        key = (in_force.account(target), arn)
        if key not in missing:
            missing[key] = tuple(unguarded(arn, ROLE_CHANGE_ACTIONS, key[0]))
        if missing[key]:
            unprotected[rel.role_name].setdefault(missing[key], []).append(rel)
    for role_name, by_gap in unprotected.items():
        for actions, rels in by_gap.items():
            targets = list(dict.fromkeys(r.target for r in rels))
            what = (
                "any role-changing action (" + ", ".join(actions) + ")"
                if len(actions) == len(ROLE_CHANGE_ACTIONS)
                else ", ".join(actions)
            )
            yield Hit(
                f"no SCP in force denies {what} on role {role_name!r} "
                f"in {_member_accounts(ctx, targets)}",
                tuple(dict.fromkeys(r.id for r in rels)),  # a role deployed to an OU: its id once
            )


@rule(
    "SCP-09",
    "Resources cannot be shared outside the organization through RAM",
    Severity.MEDIUM,
    Category.SCP,
    rationale="A RAM share that allows external principals exposes subnets, resolver rules and "
    "other resources to accounts outside the organization and its controls.",
    remediation="Attach to the root an SCP that denies ram:CreateResourceShare and "
    "ram:UpdateResourceShare when ram:RequestedAllowsExternalPrincipals is true.",
    references=[f"{SCP_EXAMPLES}: Deny-RAM-from-sharing-resources-to-external-accounts.json"],
)
def external_shares_denied(ctx: RuleContext) -> Iterator[Hit]:
    yield from _missing_protections(ctx, EXTERNAL_SHARES)


@rule(
    "SCP-10",
    "Log buckets and their keys cannot be changed from the accounts that hold them",
    Severity.HIGH,
    Category.SCP,
    rationale="Whoever administers the log-archive account can otherwise delete the log bucket, "
    "rewrite its policy, shorten its lifecycle, suspend versioning or Object Lock, change its "
    "encryption, or disable or schedule the deletion of the KMS key that the logs are encrypted "
    "with, which makes every log unreadable. Control Tower protects its audit buckets with SCPs "
    "for this reason.",
    remediation="Attach an SCP that denies "
    + ", ".join(LOG_BUCKET_ACTIONS)
    + " on the log buckets and "
    + ", ".join(LOG_KEY_ACTIONS)
    + " on their KMS keys, with an exception for a privileged role (the generated guardrails "
    "ProtectLogBuckets and ProtectLogKeys do).",
    references=[
        f"{CONTROL_TOWER}: AWS-GR_AUDIT_BUCKET_DELETION_PROHIBITED, "
        "AWS-GR_CT_AUDIT_BUCKET_POLICY_CHANGES_PROHIBITED, "
        "AWS-GR_CT_AUDIT_BUCKET_ENCRYPTION_CHANGES_PROHIBITED, "
        "AWS-GR_CT_AUDIT_BUCKET_LIFECYCLE_CONFIGURATION_CHANGES_PROHIBITED, "
        "AWS-GR_CT_AUDIT_BUCKET_LOGGING_CONFIGURATION_CHANGES_PROHIBITED",
        "AWS Security Reference Architecture: the Log Archive account "
        "(https://docs.aws.amazon.com/prescriptive-guidance/latest/security-reference-architecture/"
        "log-archive.html)",
    ],
)
def log_archive_protected(ctx: RuleContext) -> Iterator[Hit]:
    in_force = _InForce(ctx, lambda policy: log_guards(policy.document))
    management = ctx.design.organization.management_account
    for found in log_resources(ctx.design):
        if found.account.id == management:  # SCPs cannot protect it; ORG-02 moves the bucket
            continue
        given = in_force.account(found.account)
        gaps = [
            (what, actions)
            for what, actions in (
                (
                    f"log bucket {found.bucket.name!r}",
                    unguarded(sample_arn(found.bucket_arn), LOG_BUCKET_ACTIONS, given),
                ),
                ("its KMS key", unguarded(sample_arn(found.key_arn), LOG_KEY_ACTIONS, given)),
            )
            if actions
        ]
        if gaps:
            denied = " and ".join(f"{', '.join(actions)} on {what}" for what, actions in gaps)
            yield Hit(
                f"no SCP in force denies {denied} in account {found.account.name!r}",
                (found.bucket.id, found.account.id),
            )
