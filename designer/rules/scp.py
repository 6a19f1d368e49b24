"""SCP-* rules: which protections the service control policies in force give member accounts.

A protection is in force for a member account when a statement providing it sits in one of the
SCPs AWS evaluates for that account: those of the root, of every enclosing OU and of the account
itself. What each SCP provides is computed once per policy, and what is in force below each OU
once per OU, so every rule stays linear in the number of accounts. SCPs do not apply to the
management account, so only member accounts are checked; an SCP whose document is still null
(generated later by the exporter) provides nothing.
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from designer.artefacts.policy_documents import (
    as_list,
    denying_statements,
    kms_arn,
    quarantines,
    resources,
    statements,
)
from designer.artefacts.policy_set import FULL_AWS_ACCESS, LogResource, log_resources
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
    STACKSETS_ROLE,
    Protection,
    any_partition,
    arn_matches,
    block_values,
    condition_blocks,
    denial,
    guards_stacksets_role,
    has_exception,
    is_exception,
    log_guards,
    protecting,
    region_list,
    role_guards,
    sample_arn,
    unguarded,
)
from designer.model.vocabulary import AccessLevel, AccountFunction, AccountState
from designer.rules.context import SUSPENDED_OU_NAMES, RuleContext, names_list, plural
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

    def members(self) -> Iterator[tuple[Account, frozenset[T]]]:
        """(account, what is in force for it) for every member account, in design order: one
        lookup per OU rather than per account (ten thousand accounts sit in a few OUs)."""
        by_parent: dict[str | None, frozenset[T]] = {}
        for account in self._ctx.members:
            inherited = by_parent.get(account.parent)
            if inherited is None:
                inherited = by_parent[account.parent] = self.below(account.parent)
            yield account, (inherited | self._attached(account.scps) if account.scps else inherited)


def _policies_in_force(ctx: RuleContext) -> list[ServiceControlPolicy]:
    """SCPs in force for at least one member account, in design order."""
    in_force = _InForce(ctx, lambda policy: (policy.id,))
    ids: set[str] = set()
    for _account, given in in_force.members():
        ids |= given
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
    for account, given in in_force.members():
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
    guarded: set[str] = set()  # roles some SCP protects (at least in part) somewhere
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
        if len(missing[key]) < len(ROLE_CHANGE_ACTIONS):
            guarded.add(rel.role_name)
        if missing[key]:
            unprotected[rel.role_name].setdefault(missing[key], []).append(rel)
    organization = ctx.design.organization.id
    for role_name, by_gap in unprotected.items():
        # Protected nowhere: the guardrail itself is missing, and it belongs at the root.
        wholly = () if role_name in guarded else (organization,)
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
                # a role deployed to an OU: its id once
                (*dict.fromkeys(r.id for r in rels), *wholly),
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
    by_alias = _InForce(ctx, lambda policy: _alias_guards(policy.document))
    management = ctx.design.organization.management_account
    owners = ctx.by_account_number
    for found in log_resources(ctx.design):
        if found.account.id == management:  # SCPs cannot protect it; ORG-02 moves the bucket
            continue
        key = _log_key(found, owners)
        gaps: list[tuple[str, Account, tuple[str, ...]]] = []
        bucket_open = unguarded(
            sample_arn(found.bucket_arn), LOG_BUCKET_ACTIONS, in_force.account(found.account)
        )
        if bucket_open:
            gaps.append((f"log bucket {found.bucket.name!r}", found.account, tuple(bucket_open)))
        if key.owner.id != management:  # a key there is LOG-16's concern: no SCP reaches it
            key_open = _key_unguarded(key, in_force.account(key.owner), by_alias.account(key.owner))
            if key_open:
                gaps.append(("its KMS key", key.owner, key_open))
        if not gaps:
            continue
        owners_named = dict.fromkeys(owner.id for _, owner, _ in gaps)
        if len(owners_named) == 1:  # one account: name it once
            denied = " and ".join(f"{', '.join(actions)} on {what}" for what, _, actions in gaps)
            denied += f" in account {gaps[0][1].name!r}"
        else:
            denied = " and ".join(
                f"{', '.join(actions)} on {what} in account {owner.name!r}"
                for what, owner, actions in gaps
            )
        yield Hit(
            f"no SCP in force denies {denied}",
            tuple(dict.fromkeys((found.bucket.id, found.account.id, *owners_named))),
            evidence=(
                f"log bucket {found.bucket.name!r} ({found.bucket_arn}) in account "
                f"{found.account.name!r}",
                f"its KMS key {key.label} in account {key.owner.name!r}",
            ),
        )


@dataclass(frozen=True)
class _LogKey:
    """A log bucket's KMS key as an SCP would name it: a sample ARN in its owner's account
    and the alias it goes by, if any (a kms:ResourceAliases condition may name that)."""

    owner: Account
    arn: str  # sample ARN ("aws" partition, a sample key id for an alias or "key/*")
    alias: str | None
    label: str


def _log_key(found: LogResource, owners: dict[str, Account]) -> _LogKey:
    """Where the key of a log bucket lives: the account its ARN names (the Security Reference
    Architecture keeps the trail's key in Security Tooling), else the bucket's account."""
    given = found.bucket.kms_key or ""
    parts = kms_arn(given)
    if parts is None or parts.account not in owners:
        label = repr(found.key_alias) if found.key_alias else found.key_arn
        return _LogKey(found.account, sample_arn(found.key_arn), found.key_alias, label)
    owner = owners[parts.account]
    if parts.kind == "key":
        return _LogKey(owner, sample_arn(given), None, given)
    # An alias ARN: the key behind it has an id the design does not know.
    arn = sample_arn(f"arn:aws:kms:{parts.region}:{parts.account}:key/*")
    return _LogKey(owner, arn, f"alias/{parts.name}", given)


ALIAS_KEY = "kms:ResourceAliases"
ALIAS_OPERATORS = frozenset({"stringequals", "stringlike", "stringequalsignorecase"})


def _alias_guards(document: Document) -> list[tuple[str, str, str]]:
    """(key action, resource pattern, alias pattern) for each Deny of the log-key actions
    narrowed to keys by kms:ResourceAliases, with no other condition than exceptions."""
    found: list[tuple[str, str, str]] = []
    for action in LOG_KEY_ACTIONS:
        for statement in denying_statements(document, action):
            if "NotResource" in statement:
                continue
            aliases: list[str] = []
            narrowed_otherwise = False
            for operator, block in condition_blocks(statement):
                base = operator.split(":")[-1].removesuffix("ifexists")
                values = block_values(block, ALIAS_KEY)
                if values is not None and base in ALIAS_OPERATORS and len(block) == 1:
                    # fnmatch patterns: only StringLike's wildcards stay wildcards
                    aliases += values if base == "stringlike" else [_literal(v) for v in values]
                elif not is_exception(operator, block):
                    narrowed_otherwise = True
            if aliases and not narrowed_otherwise:
                found += [(action, r, a) for r in resources(statement) for a in aliases]
    return found


def _literal(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _key_unguarded(
    key: _LogKey,
    guards: Iterable[tuple[str, str]],
    alias_guards: Iterable[tuple[str, str, str]],
) -> tuple[str, ...]:
    """The key actions no Deny in force covers: by the key's ARN, or by its alias."""
    open_actions = unguarded(key.arn, LOG_KEY_ACTIONS, guards)
    if not key.alias or not open_actions:
        return tuple(open_actions)
    covered = {
        action
        for action, pattern, alias in alias_guards
        if arn_matches(key.arn, pattern) and fnmatch.fnmatchcase(key.alias.lower(), alias.lower())
    }
    return tuple(a for a in open_actions if a not in covered)


# -- SCP-11: an Allow at every level ------------------------------------------------------------
SCP_EVALUATION = (
    "AWS Organizations User Guide, 'SCP evaluation': 'How SCPs work with Allow' "
    "(https://docs.aws.amazon.com/organizations/latest/userguide/"
    "orgs_manage_policies_scps_evaluation.html)"
)


def _is_full_access(policy: ServiceControlPolicy) -> bool:
    return policy.aws_managed and policy.name == FULL_AWS_ACCESS


def _can_allow(policy: ServiceControlPolicy) -> bool:
    """Whether the SCP has an Allow statement. A custom SCP without a document stands for the
    generated guardrails, which only deny; an AWS-managed one the design does not spell out is
    given the benefit of the doubt (FullAWSAccess is the only AWS-managed SCP)."""
    if policy.document is None:
        return policy.aws_managed
    return any(s.get("Effect") == "Allow" for s in statements(policy.document))


class _Level:
    """The root, an OU or an account: where SCPs are attached and evaluated."""

    def __init__(
        self,
        target: str | None,
        label: str,
        node_id: str,
        attached: list[str],
        bare_is_default: bool = True,
        certain: bool = True,
    ):
        self.target = target  # None: the root
        self.label = label
        self.node_id = node_id
        self.attached = attached
        # Whether nothing drawn here stands for FullAWSAccess (AWS keeps an SCP on every
        # target): not once the design has replaced FullAWSAccess with its own Allow.
        self.bare_is_default = bare_is_default
        # Whether a missing Allow here was taken away rather than left out of the drawing:
        # see _drawn_in_full.
        self.certain = certain


def _levels(ctx: RuleContext) -> Iterator[_Level]:
    """Levels whose layer (root, OUs, accounts) the design draws its Allow in, so that a level
    without one means it was taken away. The design records FullAWSAccess at the root only (AWS
    and the export attach it to every OU and account): OUs or accounts lack an Allow only when
    the design draws it on them, as an imported organization does (FullAWSAccess on some OU or
    account), or when it replaced FullAWSAccess at the root with its own Allow SCP and draws
    that on some OU or account (an allow list beside FullAWSAccess at the root proves nothing:
    the other OUs keep the default)."""
    design = ctx.design
    full = {p.id for p in design.service_control_policies if _is_full_access(p)}
    if not full:
        return  # the design does not model the default Allow at all
    org = design.organization
    yield _Level(None, "the root", org.id, org.root_scps)
    default = bool(full.intersection(org.root_scps))
    drawn = full if default else {p.id for p in design.service_control_policies if _can_allow(p)}
    units = design.organizational_units
    if any(drawn.intersection(u.scps) for u in units):
        certain = _drawn_in_full(default, [u.scps for u in units])
        for unit in units:
            yield _Level(unit.id, f"OU {unit.name!r}", unit.id, unit.scps, default, certain)
    members = ctx.members
    if any(drawn.intersection(a.scps) for a in members):
        certain = _drawn_in_full(default, [a.scps for a in members])
        for account in members:
            label = f"account {account.name!r}"
            yield _Level(account.id, label, account.id, account.scps, default, certain)


def _drawn_in_full(default: bool, layer: list[list[str]]) -> bool:
    """Whether a layer (the OUs, or the member accounts) shows its attachments as AWS holds
    them, so that a level there without an Allow had FullAWSAccess taken away. With
    FullAWSAccess at the root, the design may draw it on a few OUs and leave it out elsewhere
    (the export attaches it where the design leaves it out, see policy_set._ScpPlan): only a
    layer with an SCP drawn on every level, as an import shows it (AWS never leaves a target
    without one), says that a deny-only level lost it. A design that replaced FullAWSAccess
    at the root with its own Allow draws that Allow wherever it applies."""
    return not default or all(layer)


def _members_below(ctx: RuleContext) -> dict[str, list[Account]]:
    """Per OU, the member accounts at any depth below it: one pass over the accounts."""
    found: dict[str, list[Account]] = defaultdict(list)
    for account in ctx.members:
        for unit in ctx.ou_chain(account.parent):
            found[unit.id].append(account)
    return found


def _locked_below(
    ctx: RuleContext, level: _Level, below: Callable[[], dict[str, list[Account]]]
) -> list[Account]:
    """Member accounts the level's SCPs apply to."""
    if level.target is None:
        return ctx.members
    if level.target in ctx.accounts:
        return [ctx.accounts[level.target]]
    return below().get(level.target, [])


def _quarantine(ctx: RuleContext, level: _Level, accounts: list[Account]) -> bool:
    """A level meant to deny everything (a missing Allow takes nothing more away): a
    quarantined OU or account as the context defines it (deny-all SCP, Suspended or
    Quarantine OU), or one whose accounts are all closed or quarantined already."""
    target = level.target
    if target is None:  # the root: a deny-all there quarantines every member
        return any(quarantines(p.document) for p in ctx.attached_scps(None))
    if target in ctx.accounts:
        return ctx.quarantined(ctx.accounts[target])
    if target in ctx.quarantined_ous or target in {
        u.id for u in ctx.ous_named(*SUSPENDED_OU_NAMES)
    }:
        return True
    return bool(accounts) and all(
        a.state == AccountState.SUSPENDED or ctx.quarantined(a) for a in accounts
    )


@rule(
    "SCP-11",
    "Every account keeps an Allow at every level of the OU tree",
    Severity.CRITICAL,
    Category.SCP,
    rationale="SCPs filter, they never grant: AWS allows an action in a member account only when "
    "an SCP attached at every level on its path (the root, each OU and the account itself) "
    "allows it. FullAWSAccess provides that Allow; detaching it from one level without attaching "
    "another Allow SCP there denies every action to every account below, whatever the other "
    "levels allow. A Suspended or quarantine OU is the one place where that is the intent.",
    remediation="Attach FullAWSAccess (or an allow-list SCP with the approved services) again to "
    "the level, and keep deny-list guardrails beside it; leave the root, OUs and accounts "
    "without FullAWSAccess only in a Suspended OU meant to deny everything.",
    references=[
        SCP_EVALUATION,
        f"{SCP_DOCS}: SCPs do not grant permissions; 'Strategies for using SCPs' (deny list "
        "with FullAWSAccess, allow list) "
        "(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html)",
        "AWS whitepaper 'Organizing Your AWS Environment Using Multiple Accounts', 'Suspended OU'",
    ],
)
def allow_at_every_level(ctx: RuleContext) -> Iterator[Hit]:
    management = ctx.design.organization.management_account
    below: dict[str, list[Account]] = {}

    def members_below() -> dict[str, list[Account]]:
        if not below:  # computed once, and only when an OU lacks an Allow
            below.update(_members_below(ctx))
        return below

    for level in _levels(ctx):
        if level.target is not None and level.target == management:
            continue  # SCPs do not apply to the management account
        attached = [ctx.scps[i] for i in level.attached if i in ctx.scps]
        if not attached and level.bare_is_default:
            continue  # AWS keeps an SCP on every target: none drawn means the default one
        if any(_can_allow(p) for p in attached):
            continue
        yield _lockout(ctx, level, attached, _locked_below(ctx, level, members_below))


def _lockout(
    ctx: RuleContext,
    level: _Level,
    attached: list[ServiceControlPolicy],
    accounts: list[Account],
) -> Hit:
    held = ", ".join(repr(p.name) for p in attached) or "none"
    evidence = (
        f"{level.label}: SCPs attached: {held}; none has an Allow statement and "
        f"{FULL_AWS_ACCESS} is not among them",
        "an action is allowed only when an SCP at the root, at every OU on the path and on "
        "the account allows it: an Allow elsewhere does not make up for this level",
    )
    count = plural(len(accounts), "member account")
    if _quarantine(ctx, level, accounts):
        return Hit(
            f"{level.label} has no SCP that allows anything, which locks out its {count}; "
            "it is a deny-all quarantine, where that is the intent",
            (level.node_id,),
            Severity.INFO,
            evidence=evidence,
        )
    if not level.certain:
        return _maybe_lockout(level, held, count, evidence)
    if not accounts:
        return Hit(
            f"{level.label} has no SCP that allows anything: any account moved there will be "
            "unable to do anything",
            (level.node_id,),
            Severity.MEDIUM,
            evidence=evidence,
        )
    return Hit(
        f"{level.label} has no SCP that allows anything ({FULL_AWS_ACCESS} detached, no other "
        f"Allow): it locks {count} out of every action "
        f"({names_list(ctx, [a.id for a in accounts], 3)})",
        (level.node_id,),
        evidence=evidence,
    )


def _maybe_lockout(level: _Level, held: str, count: str, evidence: tuple[str, ...]) -> Hit:
    """A deny-only level in a layer the design draws FullAWSAccess on only in places: it may
    have been detached here (a lockout) or merely left out of the drawing (the default)."""
    return Hit(
        f"{level.label} has only deny SCPs drawn ({held}) while {FULL_AWS_ACCESS} is drawn "
        f"on some of its layer: if {FULL_AWS_ACCESS} was detached here, it locks its {count} "
        f"out of every action; if the design leaves it out, the export attaches "
        f"{FULL_AWS_ACCESS} here as AWS does. Draw {FULL_AWS_ACCESS} on every level of the "
        "layer (as an import shows it) or on none",
        (level.node_id,),
        Severity.LOW,
        evidence=(
            *evidence,
            f"not every level of the layer has an SCP drawn: the design does not show "
            f"{FULL_AWS_ACCESS} everywhere AWS holds it, so its absence here proves nothing",
        ),
    )


# -- SCP-12: exceptions that name specific roles ------------------------------------------------
# Role paths customers cannot create roles in: IAM Identity Center and service-linked roles.
RESERVED_SSO_PATH = "role/aws-reserved/sso.amazonaws.com/"
SERVICE_ROLE_PATH = "role/aws-service-role/"
SSO_ROLE_PREFIX = "AWSReservedSSO_"
# Service-managed StackSets name their execution role stacksets-exec-<random> in every target
# account, so an exception cannot name it exactly; but an account administrator can create a
# role of that name too, unless an SCP denies it to all but the StackSets service-linked role.
STACKSETS_ROLE_PREFIX = f"role/{STACKSETS_ROLE.removesuffix('*')}"
WILDCARD_OPERATORS = frozenset({"arnnotlike", "arnnotequals", "stringnotlike"})
TAG_OPERATORS = WILDCARD_OPERATORS | {"stringnotequals", "stringnotequalsignorecase"}
TAG_KEY_PREFIX = "aws:principaltag/"
REQUEST_TAG_PREFIX = "aws:requesttag/"
TAG_KEYS = "aws:tagkeys"
SPECIFIC_ACCOUNT = re.compile(r"^\d{12}$")
EVERY_PERMISSION_SET = "matches every IAM Identity Center permission set: every person who signs in"
ANY_ADMIN_ROLE = "matches roles any account administrator can create with a matching name"
STACKSETS_UNGUARDED = (
    "matches the StackSets execution role, but no SCP in force denies iam:CreateRole on "
    "role/stacksets-exec-* to all but the StackSets service: an account administrator can "
    "create a role of that name"
)
DROPPED_PLACEHOLDER = "no document: the generated guardrails are exported in another SCP's place"


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


def _base_operator(operator: str) -> str:
    """The condition operator without its set prefix (ForAnyValue:, ForAllValues:) and its
    IfExists suffix: 'ForAnyValue:ArnNotLikeIfExists' is read as ArnNotLike."""
    return operator.lower().rsplit(":", 1)[-1].removesuffix("ifexists")


def _broad_arn(ctx: RuleContext, pattern: str) -> tuple[str, Severity] | None:
    """Why an aws:PrincipalArn exception pattern is broad, and how bad, or None when it names
    specific principals (an exact role name, one permission set, a service's own role)."""
    parts = any_partition(pattern).split(":", 5)
    if len(parts) < 6:
        return ("matches every principal", Severity.HIGH) if _wild(pattern) else None
    account, resource = parts[4], parts[5]
    if not _wild(resource):
        return None
    if resource.startswith(SERVICE_ROLE_PATH):
        return None
    if resource.startswith(STACKSETS_ROLE_PREFIX):
        # The reference landing zone and the generated guardrails carry the guard
        # (protections.stacksets_role_guard): without it any admin can create the role.
        return None if _stacksets_guarded(ctx) else (STACKSETS_UNGUARDED, Severity.MEDIUM)
    if resource.startswith(RESERVED_SSO_PATH):
        name = resource.rsplit("/", 1)[-1]
        permission_set = name.removeprefix(SSO_ROLE_PREFIX).rsplit("_", 1)[0]
        if name.startswith(SSO_ROLE_PREFIX) and permission_set and not _wild(permission_set):
            return None  # one permission set: only Identity Center administrators assign it
        return EVERY_PERMISSION_SET, Severity.HIGH
    if SPECIFIC_ACCOUNT.match(account):
        return f"matches any role an administrator of account {account} can create", Severity.MEDIUM
    return ANY_ADMIN_ROLE, Severity.HIGH


def _scp12_cache(ctx: RuleContext) -> dict[str, Any]:
    """What SCP-12 computes once per validation run."""
    cache: dict[str, Any] = ctx.__dict__.setdefault("_scp12", {})
    if "in_force" not in cache:
        cache["in_force"] = _policies_in_force(ctx)
    return cache


def _stacksets_guarded(ctx: RuleContext) -> bool:
    """Some SCP in force denies iam:CreateRole on role/stacksets-exec-* to everyone but
    service-linked roles (the StackSets service creates the role through its own)."""
    cache = _scp12_cache(ctx)
    if "stacksets" not in cache:
        cache["stacksets"] = any(guards_stacksets_role(p.document) for p in cache["in_force"])
    return bool(cache["stacksets"])


def _tag_guarded(ctx: RuleContext, tag: str) -> bool:
    """Some SCP in force denies tagging roles with this key (so only the privileged can set
    it): the statement names aws:RequestTag/<key> or lists the key in aws:TagKeys."""
    cache = _scp12_cache(ctx)
    guarded: dict[str, bool] = cache.setdefault("tags", {})
    if tag not in guarded:
        guarded[tag] = any(
            _names_tag(s, tag.lower())
            for p in cache["in_force"]
            for s in denying_statements(p.document, "iam:TagRole")
        )
    return guarded[tag]


def _names_tag(statement: Statement, tag: str) -> bool:
    """Tag keys compare case-insensitively: IAM does not allow two keys differing in case."""
    for _, block in condition_blocks(statement):
        for key, value in block.items() if isinstance(block, dict) else ():
            name = key.lower()
            if name == REQUEST_TAG_PREFIX + tag:
                return True
            if name == TAG_KEYS and any(
                fnmatch.fnmatchcase(tag, v.lower()) for v in as_list(value)
            ):
                return True
    return False


@dataclass(frozen=True)
class _Loophole:
    """One broad exception of a Deny statement."""

    operator: str
    key: str
    pattern: str
    why: str
    severity: Severity


def _tag_loophole(
    ctx: RuleContext, base: str, key: str, pattern: str
) -> tuple[str, Severity] | None:
    tag = key[len(TAG_KEY_PREFIX) :]
    if base in WILDCARD_OPERATORS and _wild(pattern):
        return "matches any value of the tag", Severity.HIGH
    if _tag_guarded(ctx, tag):
        return None
    why = (
        f"any administrator who can tag a role with {tag!r} satisfies it (no SCP denies setting it)"
    )
    return why, Severity.MEDIUM


def _loopholes(ctx: RuleContext, statement: Statement) -> Iterator[_Loophole]:
    """The broad exceptions (aws:PrincipalArn, aws:PrincipalTag) of a Deny statement."""
    conditions = statement.get("Condition")
    for operator, block in conditions.items() if isinstance(conditions, dict) else ():
        base = _base_operator(operator)
        for key, value in block.items() if isinstance(block, dict) else ():
            name = key.lower()
            for pattern in as_list(value):
                found: tuple[str, Severity] | None = None
                if name == PRIVILEGED_ROLE_KEY.lower() and base in WILDCARD_OPERATORS:
                    found = _broad_arn(ctx, pattern)
                elif name.startswith(TAG_KEY_PREFIX) and base in TAG_OPERATORS:
                    found = _tag_loophole(ctx, base, key, pattern)
                if found:
                    yield _Loophole(operator, key, pattern, *found)


@rule(
    "SCP-12",
    "SCP exceptions name specific roles, not broad patterns",
    Severity.HIGH,
    Category.SCP,
    rationale="A guardrail's exception (ArnNotLike aws:PrincipalArn, a principal tag) is only as "
    "narrow as its pattern. 'arn:aws:iam::*:role/*Admin*' or 'role/*' is satisfied by any role "
    "an account administrator creates with a matching name, and a principal-tag exception by "
    "anyone who may tag a role: the people the guardrail restrains can step around it. Exact "
    "role names (OrganizationAccountAccessRole, AWSControlTowerExecution), one IAM Identity "
    "Center permission set (role/aws-reserved/sso.amazonaws.com/.../AWSReservedSSO_<name>_*: "
    "customers cannot create roles under that path) and service-linked roles are specific. "
    "stacksets-exec-* cannot be named exactly (service-managed StackSets add a random suffix) "
    "but an account administrator can create a role of that name: it is accepted only when an "
    "SCP in force denies iam:CreateRole on role/stacksets-exec-* to everyone but the StackSets "
    "service-linked role (the generated guardrails and the reference landing zone carry that "
    "guard), and is medium otherwise.",
    remediation="Name the privileged roles exactly (or one permission set's "
    "AWSReservedSSO_<name>_* role), and protect those roles from modification (SCP-08); for a "
    "principal-tag exception, also deny iam:TagRole and iam:CreateRole with that tag key to "
    "everyone but the privileged; beside a stacksets-exec-* exception, deny iam:CreateRole and "
    "iam:UpdateAssumeRolePolicy on role/stacksets-exec-* to all but the StackSets "
    "service-linked role.",
    references=[
        f"{SCP_EXAMPLES}: Privileged-access-controls/ (exceptions by aws:PrincipalArn)",
        f"{SCP_DOCS}, examples: 'Prevent tagging modifications except by authorized principals'",
        "AWS CloudFormation User Guide, 'Configure a custom execution role template for StackSets' "
        "(stacksets-exec-*) (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
        "stacksets-custom-execution-role.html)",
        "IAM User Guide, 'IAM JSON policy elements: Condition operators' (ARN and string "
        "operators: which support wildcards) (https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_elements_condition_operators.html)",
    ],
)
def specific_exceptions(ctx: RuleContext) -> Iterator[Hit]:
    sparing_stacksets: list[tuple[ServiceControlPolicy, Statement, _Loophole]] = []
    for policy in ctx.design.service_control_policies:
        if policy.aws_managed:
            continue
        found = [
            (statement, hole)
            for statement in statements(policy.document)
            if statement.get("Effect") == "Deny"
            for hole in _loopholes(ctx, statement)
        ]
        # One note for every SCP that spares an unguarded stacksets-exec-*: one fix for all.
        sparing_stacksets += [(policy, s, h) for s, h in found if h.why == STACKSETS_UNGUARDED]
        found = [(s, h) for s, h in found if h.why != STACKSETS_UNGUARDED]
        if not found:
            continue
        worst = max((h.severity for _, h in found), key=lambda s: s.rank)
        patterns = ", ".join(dict.fromkeys(repr(h.pattern) for _, h in found))
        yield Hit(
            f"SCP {policy.name!r} exempts broad patterns from its Deny ({patterns}): whoever "
            "matches them escapes the guardrail",
            (policy.id,),
            worst,
            evidence=tuple(_loophole_line(policy, s, h) for s, h in found),
        )
    if sparing_stacksets:
        yield _stacksets_note(ctx, sparing_stacksets)


def _loophole_line(policy: ServiceControlPolicy, statement: Statement, hole: _Loophole) -> str:
    return (
        f"SCP {policy.name!r}, statement {statement.get('Sid', '(no Sid)')!r}: {hole.operator} "
        f"{hole.key} {hole.pattern!r} {hole.why}"
    )


def _stacksets_note(
    ctx: RuleContext, found: list[tuple[ServiceControlPolicy, Statement, _Loophole]]
) -> Hit:
    policies = list(dict.fromkeys(p.id for p, _, _ in found))
    verb = "spares" if len(policies) == 1 else "spare"
    return Hit(
        f"{_named_scps(ctx, [ctx.scps[i] for i in policies])} {verb} role/stacksets-exec-*, "
        "which any account administrator can create under that name: add to the root an SCP "
        "that denies iam:CreateRole and iam:UpdateAssumeRolePolicy on "
        "arn:aws:iam::*:role/stacksets-exec-* to every principal but the StackSets "
        "service-linked role (the generated guardrails' OnlyStackSetsCreatesItsRole)",
        tuple(policies),
        Severity.MEDIUM,
        evidence=tuple(_loophole_line(p, s, h) for p, s, h in found),
    )


# -- SCP-13: every custom SCP attached somewhere ------------------------------------------------
def _attached_ids(ctx: RuleContext) -> set[str]:
    design = ctx.design
    found = set(design.organization.root_scps)
    for unit in design.organizational_units:
        found.update(unit.scps)
    for account in design.accounts:
        found.update(account.scps)
    return found


def _denies(policy: ServiceControlPolicy) -> tuple[str, ...]:
    return tuple(
        f"statement {s.get('Sid', '(no Sid)')!r}: {s.get('Effect')} "
        + ", ".join(
            as_list(s.get("Action")) or ["NotAction " + ", ".join(as_list(s.get("NotAction")))]
        )
        for s in statements(policy.document)
    )


@rule(
    "SCP-13",
    "Every custom SCP is attached somewhere",
    Severity.MEDIUM,
    Category.SCP,
    rationale="An SCP attached to nothing (not the root, an OU or an account) protects nothing: "
    "it is a guardrail the design seems to have but AWS never evaluates. An attachment to the "
    "Policy Staging OU counts: that is where new SCPs are tried.",
    remediation="Attach the SCP where its guardrail is meant to apply (the root or the OUs "
    "concerned, after trying it in the Policy Staging OU), or delete it from the design.",
    references=[
        "AWS Organizations User Guide, 'Attaching and detaching SCPs' "
        "(https://docs.aws.amazon.com/organizations/latest/userguide/"
        "orgs_manage_policies_scps_attach.html)",
        "AWS whitepaper 'Organizing Your AWS Environment Using Multiple Accounts', "
        "'Policy Staging OU'",
    ],
)
def custom_scps_attached(ctx: RuleContext) -> Iterator[Hit]:
    attached = _attached_ids(ctx)
    custom = [p for p in ctx.design.service_control_policies if not p.aws_managed]
    # A custom SCP without a document is a placeholder for the generated guardrails: when none
    # is attached the export attaches them at the root; when one is, the others are dropped.
    placeholder_attached = any(p.document is None and p.id in attached for p in custom)
    for policy in custom:
        if policy.id in attached or (policy.document is None and not placeholder_attached):
            continue
        yield Hit(
            f"custom SCP {policy.name!r} is attached to nothing (not the root, an OU or an "
            "account): its guardrail is in force nowhere",
            (policy.id,),
            evidence=_denies(policy) or (DROPPED_PLACEHOLDER,),
        )
