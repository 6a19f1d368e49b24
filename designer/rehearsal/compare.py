"""The emulated organization imported (read-only, designer.live) and diffed with the design.

The design is compared with the emulator's ids put in place of its own (accounts created by the
emulator get new ids; so does the organization) and the emulator's own management account (its
name and e-mail address are the emulator's). A difference that a step the rehearsal could not
perform accounts for, or that AWS itself makes, is listed as explained, with its reason; the
others are what the plan, deployed as written, does not give.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from designer.live.aws import Connection
from designer.live.build_trust import GRANTS_NOTHING
from designer.live.diff import CHANGED, MISSING, UNEXPECTED, DesignDiff, DiffEntry, diff_designs
from designer.live.diff_text import entry_line
from designer.live.importer import import_organization
from designer.live.read_shares import resource_id
from designer.model.design import Design
from designer.model.fileformat import dumps_design, parse_design
from designer.model.vocabulary import AccountState
from designer.rehearsal.context import FAILED, MANUAL, NOT_SIMULATED, Outcome
from designer.rehearsal.emulator import Emulator, loopback_session
from designer.rehearsal.expected import Additions, with_additions
from designer.rehearsal.fill import fill_placeholders
from designer.rehearsal.steps.organization import DELEGABLE
from designer.rehearsal.substitutes import MANAGED_POLICIES_MISSING
from designer.rehearsal.world import World

DEFAULT_SCP = "FullAWSAccess"
UNREAD = " vpc-flow-logs"  # log deliveries the import does not read
# what the import infers from a role's AWS managed policies (on trust entries only: a delegated
# administrator's "services" are no policy's)
MANAGED_POLICY_FIELDS = frozenset({"managed policies", "access level", "services"})
MANUAL_FIELDS = frozenset({"MFA Delete", "root MFA"})  # what only a root user can turn on
ACCESS_ROLE_TRUST = "role OrganizationAccountAccessRole"


@dataclass
class Comparison:
    diff: DesignDiff
    unexplained: list[DiffEntry] = field(default_factory=list)
    explained: list[tuple[DiffEntry, str]] = field(default_factory=list)  # entry, why
    gaps: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # what the export adds to the design
    accounts_read: int = 0
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "differences": [describe(e) for e in self.unexplained],
            "explained": [{"difference": describe(e), "why": why} for e, why in self.explained],
            "import_gaps": self.gaps,
            "added_by_the_export": self.added,
            "accounts_read": self.accounts_read,
            "seconds": round(self.seconds, 2),
        }


def describe(entry: DiffEntry) -> str:
    """One line, as 'account-designer diff' prints it."""
    return " ".join(entry_line(entry).split())


def translated(design: Design, world: World, management: dict[str, str]) -> Design:
    """`design` with the emulator's ids, the placeholders it holds itself (a planned account's
    ${AccountId:Name} in an SCP it wrote) filled as the steps filled them, and its management
    account's name and e-mail."""
    text, _unknown = fill_placeholders(world, world.translate(dumps_design(design)))
    result = parse_design(text, "the design")
    manager = result.organization.management_account
    result.accounts = [
        a.model_copy(update=management) if a.id == manager else a for a in result.accounts
    ]
    owners = {a.id: a.aws_account_id for a in result.accounts}
    result.relationships = [
        rel.model_copy(
            update={
                "resource_names": [
                    _stand_in(world, str(rel.ram_resource_type), name, owners.get(rel.source))
                    for name in rel.resource_names
                ]
            }
        )
        if rel.kind == "resource-share" and rel.ram_resource_type and rel.resource_names
        else rel
        for rel in result.relationships
    ]
    return result


def _stand_in(world: World, kind: str, name: str, owner: str | None) -> str:
    """The id the import reads for the stand-in the rehearsal made for a shared resource the
    design names (a subnet gets an id of the emulator's; other stand-ins keep the name)."""
    arn = world.resources.get(f"{kind}:{name}:{owner}")
    return resource_id(arn) if arn else name


def expected(
    design: Design, world: World, management: dict[str, str], additions: Additions
) -> Design:
    """The design in the emulator's ids, plus what the export adds by design (its documents'
    placeholders filled as the steps filled them)."""
    documents: dict[str, Any] = {}
    for name, text in additions.scps.items():
        filled, _ = fill_placeholders(world, world.translate(text))
        documents[name] = json.loads(filled)
    deployed = as_deployed(translated(design, world, management), world)
    return with_additions(deployed, additions, documents)


def as_deployed(result: Design, world: World) -> Design:
    """What deploying a planned design gives: each planned account the plan created is active,
    with the id the emulator gave it (`result`, a copy of the design, is changed in place)."""
    manager = result.organization.management_account
    created = {**world.accounts}
    accounts = []
    for account in result.accounts:
        made = world.management_id if account.id == manager else created.get(account.name)
        if account.state == AccountState.PLANNED and account.aws_account_id is None and made:
            account = account.model_copy(
                update={"aws_account_id": made, "state": AccountState.ACTIVE}
            )
        accounts.append(account)
    result.accounts = accounts
    return result


def compare(
    design: Design,
    world: World,
    emulator: Emulator,
    outcomes: list[Outcome],
    additions: Additions | None = None,
    workers: int = 8,
) -> Comparison:
    started = time.perf_counter()
    described = emulator.client("organizations").describe_account(AccountId=world.management_id)
    management = {"name": described["Account"]["Name"], "email": described["Account"]["Email"]}
    connection = Connection(None, emulator.region, emulator.url, workers)
    # the import's clients merge their config over this session's: no proxy for them either
    live, report = import_organization(connection, session=loopback_session(emulator.region))
    additions = additions or Additions()
    planned = expected(design, world, management, additions)
    result = Comparison(diff_designs(planned, live))
    result.added = additions.describe()
    result.gaps = [f"{g.account or 'organization'}: {g.what}: {g.reason}" for g in report.gaps]
    result.accounts_read = report.scanned
    # roles whose only policies are AWS managed ones, which the emulator lacks: they grant nothing
    bare = {g.what.removeprefix("role ") for g in report.gaps if g.reason == GRANTS_NOTHING}
    roles = {r.id: r.role_name for r in planned.relationships if r.kind == "trust"}
    explain = _explainer(outcomes, frozenset(r for r, name in roles.items() if name in bare))
    for entry in result.diff.entries:
        entry, why = explain(entry)
        if why is None:
            result.unexplained.append(entry)
        else:
            result.explained.append((entry, why))
    result.seconds = time.perf_counter() - started
    return result


def _explainer(
    outcomes: list[Outcome], bare_trusts: frozenset[str] = frozenset()
) -> Callable[[DiffEntry], tuple[DiffEntry, str | None]]:
    by_subject: dict[str, Outcome] = {}
    for outcome in outcomes:
        gaps = [g for g in outcome.not_simulated if g != MANAGED_POLICIES_MISSING]
        if outcome.status in (MANUAL, NOT_SIMULATED) or gaps:
            for subject in outcome.step.subjects:
                by_subject.setdefault(subject, outcome)
    no_managed = any(MANAGED_POLICIES_MISSING in o.not_simulated for o in outcomes)
    failed = {s for o in outcomes if o.status == FAILED for s in o.step.subjects}

    def explain(entry: DiffEntry) -> tuple[DiffEntry, str | None]:
        if entry.status == CHANGED:
            managed = no_managed and entry.kind == "trust"  # what a role's policies give
            rest = tuple(
                c
                for c in entry.changes
                if not _default_scp(c) and not (managed and c.field in MANAGED_POLICY_FIELDS)
            )
            if not rest:
                return entry, (
                    f"AWS attaches {DEFAULT_SCP} to every OU and account (the design records it "
                    f"at the root only){'; ' + MANAGED_POLICIES_MISSING if no_managed else ''}"
                )
            entry = dataclasses.replace(entry, changes=rest)
            if entry.kind == "delegated-admin" and all(_not_delegable(c) for c in rest):
                return entry, "moto registers delegated administrators for a few services only"
        if no_managed and entry.status == MISSING and entry.planned_id in bare_trusts:
            return entry, MANAGED_POLICIES_MISSING
        manual = by_subject.get(entry.planned_id or "")
        if (
            entry.status == CHANGED
            and manual is not None
            and manual.status == MANUAL
            and all(c.field in MANUAL_FIELDS for c in entry.changes)
        ):
            return entry, f"{manual.step.label} is manual"
        if entry.status == MISSING and entry.subject.endswith(UNREAD) and "," not in entry.subject:
            return entry, "the import does not read VPC flow logs"
        if entry.status == UNEXPECTED and entry.subject == f"SCP {DEFAULT_SCP}":
            return entry, f"AWS creates {DEFAULT_SCP} with the organization"
        if entry.status == UNEXPECTED and ACCESS_ROLE_TRUST in entry.subject:
            return entry, (
                "the role AWS Organizations creates in every account it creates (the rehearsal "
                "acts through it); designs do not draw it"
            )
        step = by_subject.get(entry.planned_id or "")
        if (
            entry.status == MISSING
            and step is not None
            and step.status != MANUAL
            and entry.planned_id not in failed
        ):
            reason = step.detail or "; ".join(step.not_simulated) or step.status
            return entry, f"{step.step.label} is {step.status}: {reason}"
        return entry, None

    return explain


def _default_scp(change: Any) -> bool:
    if change.field not in ("SCPs", "SCPs at the root"):
        return False
    planned, live = set(map(str, change.planned)), set(map(str, change.live))
    return planned ^ live <= {DEFAULT_SCP}


def _not_delegable(change: Any) -> bool:
    if change.field != "services":
        return False
    lacking = set(change.planned) - set(change.live)
    return set(change.live) <= set(change.planned) and not (lacking & DELEGABLE)
