"""POL-* rules: what the usage policy asks of the accounts of each OU.

A requirement applies to every account at any depth below its OU; a nested OU's requirement adds
to its parent's (both apply), so an account gets one finding per requirement it fails. Log
delivery is the exception: the nearest OU that sets it decides (see logs.log_setting). Every
lookup is computed once per OU, so the rules stay linear in the number of accounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from designer.model.vocabulary import SENSITIVITY_ORDER, LogRequirement, LogType
from designer.model.vocabulary import Environment as E
from designer.rules.context import RuleContext
from designer.rules.engine import Category, Hit, Severity, rule
from designer.rules.logs import log_setting

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
NOT_PRODUCTION = frozenset({E.NON_PRODUCTION, E.DEVELOPMENT, E.TEST, E.SANDBOX})
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


@rule(
    "POL-01",
    "Accounts have the SCPs their OU's usage policy requires",
    Severity.HIGH,
    Category.USAGE_POLICY,
    rationale="The usage policy records which guardrails each part of the organization must "
    "run under. An SCP is in force for an account when it is attached to the root, to any OU "
    "above the account or to the account itself; an account that misses a required SCP runs "
    "without the guardrail the policy promised for it. The management account is left out: "
    "SCPs never restrict it.",
    remediation="Attach the required SCP to the OU the requirement names (it then reaches every "
    "account below), or to the root.",
    references=[USAGE_POLICY, SCP_EVALUATION, ORGANIZING],
)
def required_scps(ctx: RuleContext) -> Iterator[Hit]:
    management = ctx.design.organization.management_account
    for account, needs in _accounts_with_requirements(ctx):
        if account.id == management:
            continue
        in_force = _in_force(ctx, account)
        reported: set[str] = set()
        for need in needs:
            missing = [s for s in need.required_scps if s not in in_force and s not in reported]
            if missing:
                reported.update(missing)
                yield _missing_scps(ctx, account, need, missing, in_force)


def _in_force(ctx: RuleContext, account: Account) -> set[str]:
    above = _memo(ctx, "in_force")
    if account.parent not in above:
        ids = set(ctx.design.organization.root_scps)
        for unit in ctx.ou_chain(account.parent):
            ids.update(unit.scps)
        above[account.parent] = frozenset(ids)
    return {*above[account.parent], *account.scps}


def _names_in_force(ctx: RuleContext, held: set[str]) -> str:
    """The names of a set of SCPs, written once per distinct set (most accounts share one)."""
    texts = _memo(ctx, "in_force_text")
    key = frozenset(held)
    if key not in texts:
        texts[key] = ", ".join(sorted(ctx.name(s) for s in held)) or "none"
    text: str = texts[key]
    return text


def _missing_scps(
    ctx: RuleContext, account: Account, need: OuRequirement, missing: list[str], held: set[str]
) -> Hit:
    names = ", ".join(ctx.name(s) for s in missing)
    in_force = _names_in_force(ctx, held)
    return Hit(
        f"account {account.name!r} runs without SCP {names}, which the usage policy requires "
        f"in {_ou(ctx, need)}",
        (account.id, need.ou, *missing),
        evidence=(
            f"usage policy: {_ou(ctx, need)} requires "
            + ", ".join(ctx.name(s) for s in need.required_scps),
            f"in force for {account.name!r} (root, OUs above it, its own): {in_force}",
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
    "delivery decides: an OU the policy exempts (a Suspended OU of closed accounts) is left "
    "out, and LOG-05 does not report its accounts either. Closed accounts (suspended and "
    "parked under a deny-all SCP) log nothing and are not reported.",
    remediation="Deliver CloudTrail and Config of the OU's accounts to the log-archive account, "
    "preferably with an organization trail and an organization-wide Config delivery.",
    references=[USAGE_POLICY, f"{WHITEPAPER}, Logging Account Structure"],
)
def required_log_delivery(ctx: RuleContext) -> Iterator[Hit]:
    if not ctx.design.usage_policy.ou_requirements:
        return
    missing = ctx.log_coverage.missing
    for account in ctx.design.accounts:
        gaps = missing.get(account.id)
        if not gaps or log_setting(ctx, account.parent) != LogRequirement.REQUIRED:
            continue
        if ctx.parked(account):
            continue
        need = _deciding(ctx, account)
        what = " and ".join(LABEL.get(t, str(t)) for t in sorted(gaps))
        yield Hit(
            f"{what} of account {account.name!r} reach no log-archive account, but the usage "
            f"policy requires log delivery in {_ou(ctx, need)}",
            (account.id, need.ou),
            evidence=(
                f"usage policy: {_ou(ctx, need)} log delivery required",
                f"{account.name!r}: no delivery of {what} into a log-archive account",
            ),
        )


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
    "world (high).",
    remediation="Move the account to an OU that allows its environment, or correct the "
    "environment recorded for it.",
    references=[USAGE_POLICY, ORGANIZING],
)
def allowed_environments(ctx: RuleContext) -> Iterator[Hit]:
    for account, needs in _accounts_with_requirements(ctx):
        for need in needs:
            allowed = need.allowed_environments
            if not allowed or account.environment in allowed:
                continue
            yield Hit(
                f"account {account.name!r} is {account.environment}, which {_ou(ctx, need)} does "
                f"not allow ({', '.join(map(str, allowed))})",
                (account.id, need.ou),
                _environment_severity(account.environment, set(allowed)),
                evidence=(
                    f"usage policy: {_ou(ctx, need)} allows {', '.join(map(str, allowed))}",
                    f"{account.name!r}: environment {account.environment}",
                ),
            )


def _environment_severity(environment: E, allowed: set[E]) -> Severity:
    if environment == E.PRODUCTION and allowed <= NOT_PRODUCTION:
        return Severity.HIGH
    if environment in NOT_PRODUCTION and allowed == {E.PRODUCTION}:
        return Severity.HIGH
    return Severity.MEDIUM


@rule(
    "POL-04",
    "Accounts hold no data more sensitive than their OU allows",
    Severity.HIGH,
    Category.USAGE_POLICY,
    rationale="A data-sensitivity ceiling says which data an OU's guardrails, access and "
    "monitoring were built for. An account holding more sensitive data than that keeps it "
    "under controls meant for less.",
    remediation="Move the account to an OU cleared for its data, or keep the data out of it "
    "(and correct the recorded data sensitivity).",
    references=[USAGE_POLICY, DATA_PROTECTION],
)
def data_ceiling(ctx: RuleContext) -> Iterator[Hit]:
    for account, needs in _accounts_with_requirements(ctx):
        for need in needs:
            ceiling = need.max_data_sensitivity
            if ceiling is None or RANK[account.data_sensitivity] <= RANK[ceiling]:
                continue
            yield Hit(
                f"account {account.name!r} holds {account.data_sensitivity} data, above the "
                f"{ceiling} ceiling of {_ou(ctx, need)}",
                (account.id, need.ou),
                evidence=(
                    f"usage policy: {_ou(ctx, need)} allows data up to {ceiling}",
                    f"{account.name!r}: data sensitivity {account.data_sensitivity}",
                ),
            )
