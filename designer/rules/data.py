"""DATA-* rules: where data of each sensitivity may live, and where shares carry it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from designer.model.nodes import Account
from designer.model.vocabulary import LOWER_ENVIRONMENTS, SENSITIVITY_ORDER, ResourceType
from designer.model.vocabulary import AccountFunction as F
from designer.model.vocabulary import DataSensitivity as D
from designer.rules.context import RuleContext
from designer.rules.engine import Category, Hit, Severity, rule

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
DATA_PROTECTION = (
    "AWS Well-Architected Framework, 'SEC07-BP02 Apply data protection controls based on data "
    "sensitivity' (https://docs.aws.amazon.com/wellarchitected/latest/framework/sec07-bp02.html)"
)
CAF_DATA = (
    "AWS Prescriptive Guidance, 'Security control recommendations for protecting data' "
    "(https://docs.aws.amazon.com/prescriptive-guidance/latest/"
    "security-controls-by-caf-capability/data-controls.html)"
)
RANK = {level: i for i, level in enumerate(SENSITIVITY_ORDER)}  # public 0 .. restricted 3
SENSITIVE = frozenset({D.CONFIDENTIAL, D.RESTRICTED})
# Accounts whose shares carry images and network, not business data.
INFRASTRUCTURE = frozenset({F.PUBLISHING, F.NETWORK, F.CENTRAL_IT})
# Accounts whose disks and databases hold business data.
DATA_HOLDERS = frozenset({F.WORKLOAD, F.BACKUP, F.SANDBOX})
# RAM resource types that are network or licence plumbing rather than data stores.
PLUMBING_PREFIXES = (
    "ec2:Subnet",
    "ec2:TransitGateway",
    "ec2:PrefixList",
    "ec2:IpamPool",
    "ec2:LocalGatewayRouteTable",
    "ec2:CapacityReservation",
    "ec2:DedicatedHost",
    "ec2:TrafficMirrorTarget",
    "route53resolver:",
    "network-firewall:",
    "license-manager:",
    "resource-groups:",
    "vpc-lattice:",
)


def _stage(account: Account) -> str | None:
    """The non-production stage an account is in ('sandbox', 'test'...), None for production
    or an account that states no environment and is no sandbox."""
    if account.environment in LOWER_ENVIRONMENTS:
        return str(account.environment)  # the environment's value reads as its label
    if F.SANDBOX in account.functions:
        return "sandbox"
    return None


@rule(
    "DATA-01",
    "Restricted data stays out of non-production and sandbox accounts",
    Severity.HIGH,
    Category.DATA,
    rationale="The whitepaper separates accounts by development lifecycle and data sensitivity "
    "so that each gets the controls its data needs. Non-production, test and sandbox accounts "
    "are built for change: broad developer access, experiments, fewer guardrails. Restricted "
    "data there (production copies, card or health data) sits behind the weakest controls of "
    "the organization (high). Confidential data in a sandbox, where anyone experiments with "
    "little review, is a lesser but real exposure (medium); confidential data in development "
    "or test is worth a look (low): masked or synthetic data serves there. A closed account "
    "parked under a deny-all SCP is left out: AWS keeps its data for 90 days after closure, "
    "but nobody can use the account, and reopened it is still behind deny-all. A closed "
    "account left in its old OU is reported: reopened, its data is back under that OU's "
    "controls.",
    remediation="Keep restricted data in production accounts; give development, test and "
    "sandbox accounts masked, tokenised or synthetic data, and correct the account's data "
    "sensitivity if it was overstated.",
    references=[
        f"{WHITEPAPER}, 'Does the business require administrative isolation between "
        "workloads?' (development lifecycle, data sensitivity)",
        DATA_PROTECTION,
        CAF_DATA,
    ],
)
def restricted_data_in_non_production(ctx: RuleContext) -> Iterator[Hit]:
    for account in ctx.design.accounts:
        # Parked, not merely suspended: a closed account keeps its data for 90 days and, if
        # reopened outside a deny-all OU, is back under the weak controls this rule is about.
        if account.data_sensitivity not in SENSITIVE or ctx.parked(account):
            continue
        stage = _stage(account)
        if stage is None:
            continue
        severity = _data_in_stage_severity(account.data_sensitivity, stage)
        if severity is None:
            continue
        yield Hit(
            f"{stage} account {account.name!r} holds {account.data_sensitivity} data",
            (account.id,),
            severity,
            evidence=(
                f"{account.name!r}: environment {account.environment}, functions "
                f"{', '.join(map(str, account.functions))}",
                f"{account.name!r}: data sensitivity {account.data_sensitivity}",
            ),
        )


def _data_in_stage_severity(level: D, stage: str) -> Severity | None:
    if level == D.RESTRICTED:
        return Severity.HIGH
    return Severity.MEDIUM if stage == "sandbox" else Severity.LOW


@rule(
    "DATA-02",
    "Shares and snapshots do not carry data to accounts cleared for less",
    Severity.HIGH,
    Category.DATA,
    rationale="An EBS snapshot is a copy of a disk, and an AMI of a workload's server holds its "
    "disks too: shared from a production account into a development account, the data leaves "
    "the controls it was classified for. RAM shares from workload or backup accounts may share "
    "data stores (Aurora clusters, Glue catalogs, backup vaults). Shares from publishing, "
    "network and central-IT accounts carry golden images, templates and network plumbing, not "
    "business data, and are not reported. A share to an OU or the organization reaches its "
    "least-cleared account (closed accounts parked under a deny-all SCP aside). A share to "
    "an outside principal (an external account, a partner "
    "organization, anyone) takes the data out of the organization, beyond every control it "
    "was classified for: the outsider counts as cleared for public data only. High when "
    "confidential or restricted data reaches an account or outsider cleared for less; medium "
    "for internal data. (PUB-01 also reports shares with anyone, for being public.)",
    remediation="Share only images built without data (from the publishing account), or "
    "raise the target account's data sensitivity and its controls; copy data to lower "
    "environments only masked or synthetic. Give outsiders an extract made for them (masked, "
    "minimised, under a data-sharing agreement) rather than a copy of a disk or data store.",
    references=[
        f"{WHITEPAPER}, Publishing Account Structure",
        DATA_PROTECTION,
        "Amazon EBS User Guide, 'Share an Amazon EBS snapshot' "
        "(https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html)",
        CAF_DATA,
    ],
)
def shares_carry_data_down(ctx: RuleContext) -> Iterator[Hit]:
    # Shares are never expanded per account: read them as drawn (no need for the trust copies).
    for rel in ctx.design.relationships:
        if rel.kind != "resource-share":
            continue
        source = ctx.accounts.get(rel.source)
        if source is None or not _carries_data(source, rel):
            continue
        party = ctx.outside.get(rel.target)
        if party is not None:  # an external account, a partner organization or anyone
            if source.data_sensitivity != D.PUBLIC:
                yield _outward(ctx, rel, source, party)
            continue
        target = _least_cleared(ctx, rel, source)
        if target is None or RANK[target.data_sensitivity] >= RANK[source.data_sensitivity]:
            continue
        yield _downward(ctx, rel, source, target)


def _carries_data(source: Account, rel: Any) -> bool:
    """Whether what the share hands over may contain the source account's data."""
    functions = set(source.functions)
    if functions <= INFRASTRUCTURE:
        return False
    if rel.resource_type == ResourceType.EBS_SNAPSHOT:
        return True
    if not functions & DATA_HOLDERS:
        return False
    if rel.resource_type == ResourceType.AMI:
        return True
    if rel.resource_type == ResourceType.RAM_SHARE:
        return not str(rel.ram_resource_type or "").startswith(PLUMBING_PREFIXES)
    return False  # portfolios and templates hold no data


def _least_cleared(ctx: RuleContext, rel: Any, source: Account) -> Account | None:
    """The target account, or the least-cleared open account of a scoped target."""
    if rel.target in ctx.accounts:
        return ctx.accounts[rel.target]
    if not ctx.scopes.is_scope(rel.target):
        return None  # not an account, OU or the organization
    found: Account | None = None
    for account_id in ctx.scopes.members(rel.target, rel.excluded_accounts):
        account = ctx.accounts[account_id]
        if account_id == source.id or ctx.parked(account):
            continue  # a parked closed account can use no share (see DATA-01 on closed data)
        if found is None or RANK[account.data_sensitivity] < RANK[found.data_sensitivity]:
            found = account
    return found


def _downward(ctx: RuleContext, rel: Any, source: Account, target: Account) -> Hit:
    scoped = rel.target != target.id
    where = f"{ctx.describe(rel.target)}, down to {target.name!r}" if scoped else repr(target.name)
    what = _what(rel)
    severity = Severity.HIGH if source.data_sensitivity in SENSITIVE else Severity.MEDIUM
    target_line = f"target {target.name!r}: cleared for {target.data_sensitivity} data"
    if scoped:
        target_line += f" (least cleared account of {ctx.describe(rel.target)})"
    return Hit(
        f"{what} share from {source.name!r} carries {source.data_sensitivity} data to {where}, "
        f"cleared only for {target.data_sensitivity} data",
        (rel.id, source.id, target.id, *((rel.target,) if scoped else ())),
        severity,
        evidence=(
            f"source {source.name!r}: {source.data_sensitivity} data "
            f"({', '.join(map(str, source.functions))})",
            target_line,
            f"resource type {what}: {_why_data(rel)}",
        ),
    )


def _outward(ctx: RuleContext, rel: Any, source: Account, party: Any) -> Hit:
    what = _what(rel)
    severity = Severity.HIGH if source.data_sensitivity in SENSITIVE else Severity.MEDIUM
    who = ctx.describe(party.id)
    return Hit(
        f"{what} share from {source.name!r} carries {source.data_sensitivity} data out of the "
        f"organization to {who}, which counts as cleared only for public data",
        (rel.id, source.id, party.id),
        severity,
        evidence=(
            f"source {source.name!r}: {source.data_sensitivity} data "
            f"({', '.join(map(str, source.functions))})",
            f"target {who}: outside the organization, cleared for public data"
            + (f" (owner {party.owner})" if party.owner else ""),
            f"resource type {what}: {_why_data(rel)}",
        ),
    )


def _what(rel: Any) -> str:
    return str(rel.resource_type) + (f" ({rel.ram_resource_type})" if rel.ram_resource_type else "")


def _why_data(rel: Any) -> str:
    if rel.resource_type == ResourceType.EBS_SNAPSHOT:
        return "a copy of a disk"
    if rel.resource_type == ResourceType.AMI:
        return "the disks of the server it was made from"
    return "may share a data store"
