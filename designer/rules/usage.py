"""POL-* rules: what the usage policy asks of the accounts of each OU.

A requirement applies to every account at any depth below its OU; a nested OU's requirement adds
to its parent's (both apply). Each rule gives one finding per requirement and gap (a missing SCP,
a missing log type, an environment, a data sensitivity), naming every account with that gap: a
misplaced OU of thousands of accounts is one decision, not thousands of findings. Log
delivery is the exception: the nearest OU that sets it decides (see logs.log_setting). Every
lookup is computed once per OU, so the rules stay linear in the number of accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from designer.model.vocabulary import (
    LOWER_ENVIRONMENTS,
    SENSITIVITY_ORDER,
    DataSensitivity,
    LogRequirement,
    LogType,
)
from designer.model.vocabulary import Environment as E
from designer.rules.context import RuleContext, names_list
from designer.rules.engine import Category, Hit, Severity, rule
from designer.rules.logs import AUDIT_TYPES, log_setting
from designer.rules.unread import unknown_logs

if TYPE_CHECKING:
    from designer.model.governance import OuRequirement
    from designer.model.nodes import Account

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
USAGE_POLICY = f"{WHITEPAPER}, 'Define a company-wide AWS usage policy'"
ORGANIZING = (
    "AWS whitepaper 'Organizing Your AWS Environment Using Multiple Accounts' "
    "(https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/"
    "organizing-your-aws-environment.html)"
)
SCP_EVALUATION = (
    "AWS Organizations User Guide, 'SCP evaluation' "
    "(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html)"
)
DATA_PROTECTION = (
    "AWS Well-Architected Framework, 'SEC07-BP02 Apply data protection controls based on data "
    "sensitivity' (https://docs.aws.amazon.com/wellarchitected/latest/framework/sec07-bp02.html)"
)
RANK = {level: i for i, level in enumerate(SENSITIVITY_ORDER)}
SHOWN = 5  # accounts spelled out in a finding's evidence; the rest are counted
LABEL = {LogType.CLOUDTRAIL: "CloudTrail", LogType.CONFIG: "Config"}


def _memo(ctx: RuleContext, key: str) -> dict[Any, Any]:
    """A per-validation cache kept on the context, one dict per key."""
    store: dict[str, dict[Any, Any]] = ctx.__dict__.setdefault("_usage_rule_memo", {})
    return store.setdefault(key, {})


def _requirements(ctx: RuleContext, parent: str | None) -> list[OuRequirement]:
    """The requirements of every OU from the root down to `parent` (computed once per OU)."""
    found = _memo(ctx, "requirements")
    if parent not in found:
        by_ou = _memo(ctx, "by_ou")
        if not by_ou:
            by_ou.update((r.ou, r) for r in ctx.design.usage_policy.ou_requirements)
        found[parent] = [by_ou[u.id] for u in ctx.ou_chain(parent) if u.id in by_ou]
    needs: list[OuRequirement] = found[parent]
    return needs


def _accounts_with_requirements(ctx: RuleContext) -> Iterator[tuple[Account, list[OuRequirement]]]:
    if not ctx.design.usage_policy.ou_requirements:
        return
    for account in ctx.design.accounts:
        needs = _requirements(ctx, account.parent)
        if needs:
            yield account, needs


def _ou(ctx: RuleContext, need: OuRequirement) -> str:
    return f"OU {ctx.name(need.ou)}"


def _accounts(ctx: RuleContext, ids: list[str]) -> str:
    """ "account 'A'" or "accounts 'A', 'B' and 3 more": one message for any number of them."""
    return f"{'account' if len(ids) == 1 else 'accounts'} {names_list(ctx, ids)}"


def _per_account(ctx: RuleContext, ids: list[str], fact: Callable[[Account], str]) -> list[str]:
    """Evidence lines for the first accounts of a group, and a count of the rest."""
    lines = [fact(ctx.accounts[i]) for i in ids[:SHOWN]]
    if len(ids) > SHOWN:
        lines.append(f"... and {len(ids) - SHOWN} more accounts alike")
    return lines


@rule(
    "POL-01",
    "Accounts have the SCPs their OU's usage policy requires",
    Severity.HIGH,
    Category.USAGE_POLICY,
    rationale="The usage policy records which guardrails each part of the organization must "
    "run under. An SCP is in force for an account when it is attached to the root, to any OU "
    "above the account or to the account itself; an account that misses a required SCP runs "
    "without the guardrail the policy promised for it. One finding per requirement and "
    "missing SCP names every account that misses it: one fix (attaching it to the OU) serves "
    "them all. The management account is left out: SCPs never restrict it.",
    remediation="Attach the required SCP to the OU the requirement names (it then reaches every "
    "account below), or to the root.",
    references=[USAGE_POLICY, SCP_EVALUATION, ORGANIZING],
)
def required_scps(ctx: RuleContext) -> Iterator[Hit]:
    management = ctx.design.organization.management_account
    groups: dict[tuple[str, str], list[str]] = {}  # (requirement OU, SCP) -> accounts missing it
    needs_by_ou: dict[str, OuRequirement] = {}
    for account, needs in _accounts_with_requirements(ctx):
        if account.id == management:
            continue
        in_force = _in_force(ctx, account)
        reported: set[str] = set()  # an SCP an outer OU already requires is reported there
        for need in needs:
            for scp in need.required_scps:
                if scp not in in_force and scp not in reported:
                    reported.add(scp)
                    needs_by_ou[need.ou] = need
                    groups.setdefault((need.ou, scp), []).append(account.id)
    for (ou, scp), ids in groups.items():
        yield _missing_scp(ctx, needs_by_ou[ou], scp, ids)


def _in_force(ctx: RuleContext, account: Account) -> set[str]:
    above = _memo(ctx, "in_force")
    if account.parent not in above:
        ids = set(ctx.design.organization.root_scps)
        for unit in ctx.ou_chain(account.parent):
            ids.update(unit.scps)
        above[account.parent] = frozenset(ids)
    return {*above[account.parent], *account.scps}


def _attached_at(ctx: RuleContext, scp: str) -> str:
    """Where an SCP is attached ('the root', OUs, accounts), read once per SCP."""
    org = ctx.design.organization
    places = ["the root"] if scp in org.root_scps else []
    places += [ctx.describe(u.id) for u in ctx.design.organizational_units if scp in u.scps]
    accounts = [a.id for a in ctx.design.accounts if scp in a.scps]
    if accounts:
        places.append(_accounts(ctx, accounts))
    return ", ".join(places) or "nowhere"


def _missing_scp(ctx: RuleContext, need: OuRequirement, scp: str, ids: list[str]) -> Hit:
    return Hit(
        f"{_accounts(ctx, ids)} {'runs' if len(ids) == 1 else 'run'} without SCP "
        f"{ctx.name(scp)}, which the usage policy requires in {_ou(ctx, need)}",
        (need.ou, scp, *ids),
        evidence=(
            f"usage policy: {_ou(ctx, need)} requires "
            + ", ".join(ctx.name(s) for s in need.required_scps),
            f"SCP {ctx.name(scp)} attached to: {_attached_at(ctx, scp)}",
            *_per_account(
                ctx,
                ids,
                lambda a: (
                    f"in force for {a.name!r} (root, OUs above it, its own): "
                    + (", ".join(sorted(ctx.name(s) for s in _in_force(ctx, a))) or "none")
                ),
            ),
        ),
    )


@rule(
    "POL-02",
    "Accounts in OUs that require log delivery send CloudTrail and Config to the log archive",
    Severity.HIGH,
    Category.USAGE_POLICY,
    rationale="Where the usage policy requires log delivery, each account's CloudTrail and "
    "Config data must reach a log-archive account, the whitepaper's parent logging account; an "
    "account that is not delivered is invisible to investigation. The nearest OU that sets log "
    "delivery decides. One finding per requirement and missing log type names every account "
    "it leaves out; LOG-05 leaves these accounts to this rule (which names the policy), and "
    "also leaves out accounts of an OU the policy exempts (a Suspended OU of closed "
    "accounts). Closed accounts (suspended and parked under a deny-all SCP) log nothing and "
    "are not reported.",
    remediation="Deliver CloudTrail and Config of the OU's accounts to the log-archive account, "
    "preferably with an organization trail and an organization-wide Config delivery.",
    references=[USAGE_POLICY, f"{WHITEPAPER}, Logging Account Structure"],
)
def required_log_delivery(ctx: RuleContext) -> Iterator[Hit]:
    if not ctx.design.usage_policy.ou_requirements:
        return
    missing = ctx.log_coverage.missing
    groups: dict[tuple[str, tuple[LogType, ...]], list[str]] = {}
    needs_by_ou: dict[str, OuRequirement] = {}
    judged: dict[str, frozenset[LogType]] = {}
    for account in ctx.design.accounts:
        gaps = missing.get(account.id, frozenset()) - unknown_logs(account)  # unread: not judged
        judged[account.id] = gaps
        if not gaps or log_setting(ctx, account.parent) != LogRequirement.REQUIRED:
            continue
        if ctx.parked(account):
            continue
        need = _deciding(ctx, account)
        needs_by_ou[need.ou] = need
        key = (need.ou, tuple(t for t in AUDIT_TYPES if t in gaps))
        groups.setdefault(key, []).append(account.id)
    for (ou, types), ids in groups.items():
        need = needs_by_ou[ou]
        what = " and ".join(LABEL[t] for t in types)
        yield Hit(
            f"{what} of {_accounts(ctx, ids)} reach no log-archive account, but the usage "
            f"policy requires log delivery in {_ou(ctx, need)}",
            (ou, *ids),
            evidence=(
                f"usage policy: {_ou(ctx, need)} log delivery required",
                *_per_account(ctx, ids, lambda a: f"{a.name!r}: {_gap_text(judged[a.id])}"),
            ),
        )


def _gap_text(gaps: Any) -> str:
    what = " and ".join(LABEL[t] for t in AUDIT_TYPES if t in gaps)
    return f"no delivery of {what} into a log-archive account"


def _deciding(ctx: RuleContext, account: Account) -> OuRequirement:
    """The nearest requirement that sets log delivery (there is one when log_setting has one)."""
    needs = [n for n in _requirements(ctx, account.parent) if n.log_delivery is not None]
    return needs[-1]


@rule(
    "POL-03",
    "Accounts have an environment their OU allows",
    Severity.MEDIUM,
    Category.USAGE_POLICY,
    rationale="OUs group accounts by environment so that production gets production "
    "guardrails and non-production the freedom it needs. An account whose environment its OU "
    "does not allow runs under the wrong policies (medium); a production account in an OU "
    "meant only for non-production, or the other way round, gets the guardrails of the other "
    "world (high). One finding per requirement and environment names every such account. An "
    "account that states no environment is ORG-11's finding, not this rule's.",
    remediation="Move the account to an OU that allows its environment, or correct the "
    "environment recorded for it.",
    references=[USAGE_POLICY, ORGANIZING],
)
def allowed_environments(ctx: RuleContext) -> Iterator[Hit]:
    groups: dict[tuple[str, E], list[str]] = {}
    needs_by_ou: dict[str, OuRequirement] = {}
    for account, needs in _accounts_with_requirements(ctx):
        if account.environment == E.NONE:
            continue  # nothing stated to weigh: ORG-11 asks for it
        for need in needs:
            allowed = need.allowed_environments
            if allowed and account.environment not in allowed:
                needs_by_ou[need.ou] = need
                groups.setdefault((need.ou, account.environment), []).append(account.id)
    for (ou, environment), ids in groups.items():
        need = needs_by_ou[ou]
        allowed_text = ", ".join(map(str, need.allowed_environments))
        yield Hit(
            f"{_accounts(ctx, ids)} {'is' if len(ids) == 1 else 'are'} {environment}, which "
            f"{_ou(ctx, need)} does not allow ({allowed_text})",
            (ou, *ids),
            _environment_severity(environment, set(need.allowed_environments)),
            evidence=(
                f"usage policy: {_ou(ctx, need)} allows {allowed_text}",
                *_per_account(ctx, ids, lambda a: f"{a.name!r}: environment {a.environment}"),
            ),
        )


def _sensitivity_fact(account: Account) -> str:
    return f"{account.name!r}: data sensitivity {account.data_sensitivity}"


def _environment_severity(environment: E, allowed: set[E]) -> Severity:
    if environment == E.PRODUCTION and allowed <= LOWER_ENVIRONMENTS:
        return Severity.HIGH
    if environment in LOWER_ENVIRONMENTS and allowed == {E.PRODUCTION}:
        return Severity.HIGH
    return Severity.MEDIUM


@rule(
    "POL-04",
    "Accounts hold no data more sensitive than their OU allows",
    Severity.HIGH,
    Category.USAGE_POLICY,
    rationale="A data-sensitivity ceiling says which data an OU's guardrails, access and "
    "monitoring were built for. An account holding more sensitive data than that keeps it "
    "under controls meant for less. One finding per requirement and data sensitivity names "
    "every such account.",
    remediation="Move the account to an OU cleared for its data, or keep the data out of it "
    "(and correct the recorded data sensitivity).",
    references=[USAGE_POLICY, DATA_PROTECTION],
)
def data_ceiling(ctx: RuleContext) -> Iterator[Hit]:
    groups: dict[tuple[str, DataSensitivity], list[str]] = {}
    needs_by_ou: dict[str, OuRequirement] = {}
    for account, needs in _accounts_with_requirements(ctx):
        for need in needs:
            ceiling = need.max_data_sensitivity
            if ceiling is not None and RANK[account.data_sensitivity] > RANK[ceiling]:
                needs_by_ou[need.ou] = need
                groups.setdefault((need.ou, account.data_sensitivity), []).append(account.id)
    for (ou, level), ids in groups.items():
        need = needs_by_ou[ou]
        yield Hit(
            f"{_accounts(ctx, ids)} {'holds' if len(ids) == 1 else 'hold'} {level} data, above "
            f"the {need.max_data_sensitivity} ceiling of {_ou(ctx, need)}",
            (ou, *ids),
            evidence=(
                f"usage policy: {_ou(ctx, need)} allows data up to {need.max_data_sensitivity}",
                *_per_account(ctx, ids, _sensitivity_fact),
            ),
        )
