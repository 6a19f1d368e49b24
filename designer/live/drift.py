"""Three ways to compare a planned design with the live organization: what of the plan is not
deployed, what is deployed that the plan never had, what differs from the plan, and what changed
in the live organization since an earlier import (the baseline).

Two diffs make it: plan vs new import (designer.live.diff) and baseline vs new import. Imports
derive their ids from AWS ids, so the same AWS thing has the same id in both imports and a
difference of the first diff is linked to a change of the second by that id. Every difference is
reported once: a change since the baseline is CHANGED_SINCE_BASELINE (its `standing` says where
it leaves the plan), the rest is classed by the plan diff.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from designer.core.scope import Scopes
from designer.live.diff import (
    CHANGED,
    MISSING,
    UNEXPECTED,
    Change,
    DesignDiff,
    DiffEntry,
    diff_designs,
)
from designer.model.design import Design
from designer.model.kinds import SPECS

PLANNED_NOT_DEPLOYED, DEPLOYED_NOT_PLANNED, DIFFERS_FROM_PLAN, CHANGED_SINCE_BASELINE = (
    "planned-not-deployed",
    "deployed-not-planned",
    "differs-from-plan",
    "changed-since-baseline",
)
CLASSES = (CHANGED_SINCE_BASELINE, PLANNED_NOT_DEPLOYED, DEPLOYED_NOT_PLANNED, DIFFERS_FROM_PLAN)
AGREES = "agrees"
CLASS_TITLES = {
    CHANGED_SINCE_BASELINE: "Changed since the baseline",
    PLANNED_NOT_DEPLOYED: "Planned, not deployed",
    DEPLOYED_NOT_PLANNED: "Deployed, not planned",
    DIFFERS_FROM_PLAN: "Differs from the plan",
}
CLASS_HELP = {
    CHANGED_SINCE_BASELINE: "Changed in the live organization between the baseline import and "
    "this one: appeared, disappeared or changed; each says where it leaves the plan",
    PLANNED_NOT_DEPLOYED: "In the plan but not in the live organization (already so at the "
    "baseline, when there is one)",
    DEPLOYED_NOT_PLANNED: "In the live organization but not in the plan (already so at the "
    "baseline, when there is one)",
    DIFFERS_FROM_PLAN: "In both, set differently in the live organization (already so at the "
    "baseline, when there is one)",
}
# Planned things the import could not read (ThreeWay.not_compared): neither agreed nor differing.
NOT_COMPARED = "not-compared"
NOT_COMPARED_TITLE = "Not compared"
NOT_COMPARED_HELP = (
    "Planned, where the import could not read the live side (denied, failed or an account not "
    "read): unknown, so neither agreed nor different"
)
APPEARED, DISAPPEARED, CHANGED_SINCE = "appeared", "disappeared", "changed"
# a plan-diff status -> the class it is when nothing changed since the baseline
CLASS_OF = {
    MISSING: PLANNED_NOT_DEPLOYED,
    UNEXPECTED: DEPLOYED_NOT_PLANNED,
    CHANGED: DIFFERS_FROM_PLAN,
}
SINCE_OF = {MISSING: DISAPPEARED, UNEXPECTED: APPEARED, CHANGED: CHANGED_SINCE}


@dataclass(frozen=True)
class DriftEntry:
    cls: str  # one of CLASSES
    kind: str  # account, ou, scp, trust, ... (DiffEntry.kind)
    subject: str  # in words, as DiffEntry.subject
    planned_id: str | None  # id in the planned design when the planned side exists
    live_id: str | None  # id in the new import (or in the baseline when it disappeared)
    changes: tuple[Change, ...]  # plan -> live; baseline -> live for a change since the baseline
    since_baseline: str | None  # "appeared" | "disappeared" | "changed" | None
    standing: str  # vs the plan now: "agrees" or the class it would have without the baseline
    plan_changes: tuple[Change, ...] = ()  # plan -> live, of a change since the baseline


@dataclass
class ThreeWay:
    planned: str
    live: str
    baseline: str | None
    entries: list[DriftEntry] = field(default_factory=list)
    agreed: int = 0  # matched things with no difference
    not_compared: list[DiffEntry] = field(default_factory=list)  # the plan diff's unread
    matched: dict[str, str] = field(default_factory=dict)  # planned id -> live id (entities)

    @property
    def differs(self) -> bool:
        return bool(self.entries)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(CLASSES, 0)
        for entry in self.entries:
            counts[entry.cls] += 1
        return {**counts, "agreed": self.agreed}

    def marks(self) -> dict[str, str]:
        """Planned design id -> class (to colour the canvas); the first class in CLASSES wins."""
        marks: dict[str, str] = {}
        rank = {c: i for i, c in enumerate(CLASSES)}
        for entry in self.entries:
            pid = entry.planned_id
            if pid and (pid not in marks or rank[entry.cls] < rank[marks[pid]]):
                marks[pid] = entry.cls
        return marks


def three_way(planned: Design, live: Design, baseline: Design | None = None) -> ThreeWay:
    """Every difference between the plan and the live organization, once, classed."""
    plan = diff_designs(planned, live)
    result = ThreeWay(
        planned.name,
        live.name,
        baseline.name if baseline is not None else None,
        agreed=_agreed(planned, plan),
        not_compared=list(plan.unread),
        matched=dict(plan.matched),
    )
    pending = list(plan.entries)
    if baseline is not None:
        since = diff_designs(baseline, live)
        links = _Links(planned, baseline, pending)
        planned_of = {live_id: planned_id for planned_id, live_id in plan.matched.items()}
        for change in since.entries:
            result.entries.append(_since(change, links.linked(change), planned_of))
        pending = links.left()
    result.entries += [_plain(e) for e in pending]
    order = {c: i for i, c in enumerate(CLASSES)}
    result.entries.sort(key=lambda e: order[e.cls])  # stable: each class in diff order
    return result


def _plain(entry: DiffEntry) -> DriftEntry:
    cls = CLASS_OF[entry.status]
    return DriftEntry(
        cls,
        entry.kind,
        entry.subject,
        entry.planned_id,
        entry.live_id,
        entry.changes,
        None,
        cls,
    )


def _since(change: DiffEntry, linked: list[DiffEntry], planned_of: dict[str, str]) -> DriftEntry:
    """A change since the baseline, with the plan differences it accounts for."""
    first = linked[0] if linked else None
    standing = CLASS_OF[first.status] if first is not None else AGREES
    planned_id = first.planned_id if first is not None else None
    if planned_id is None and change.live_id is not None and change.status != MISSING:
        planned_id = planned_of.get(change.live_id)
    subject = first.subject if first is not None and first.status != UNEXPECTED else change.subject
    live_id = change.live_id if change.status != MISSING else change.planned_id
    return DriftEntry(
        CHANGED_SINCE_BASELINE,
        change.kind,
        subject,
        planned_id,
        live_id,
        change.changes,
        SINCE_OF[change.status],
        standing,
        tuple(c for e in linked for c in e.changes),
    )


def _agreed(planned: Design, plan: DesignDiff) -> int:
    """Matched entities and planned relationships that no difference (nor anything not
    compared) names."""
    named = {e.planned_id for e in [*plan.entries, *plan.unread] if e.planned_id}
    entities = sum(1 for p in plan.matched if p not in named)
    relationships = sum(1 for r in planned.relationships if r.id not in named)
    return entities + relationships


class _Links:
    """Which plan differences a change since the baseline accounts for; each is taken once.

    Appeared and changed things have an id in the new import, as do the plan differences about
    them. A thing that disappeared has only its baseline id: the plan difference it leaves is
    "missing" of the planned thing that matched it in the baseline (an entity as the diff of the
    plan with the baseline matched it; a relationship by kind, ends and identity, once per
    account it covers)."""

    def __init__(self, planned: Design, baseline: Design, pending: list[DiffEntry]) -> None:
        self.planned, self.baseline = planned, baseline
        self.pending = {id(e): e for e in pending}  # in the plan diff's order
        self.by_live: dict[tuple[str, str | None], list[DiffEntry]] = defaultdict(list)
        self.missing: dict[str | None, list[DiffEntry]] = defaultdict(list)  # by planned id
        for entry in pending:
            if entry.status == MISSING:
                self.missing[entry.planned_id].append(entry)
            else:
                self.by_live[(entry.kind, entry.live_id)].append(entry)

    def left(self) -> list[DiffEntry]:
        return list(self.pending.values())

    def _take(self, entries: list[DiffEntry]) -> list[DiffEntry]:
        return [e for e in entries if self.pending.pop(id(e), None) is not None]

    def linked(self, change: DiffEntry) -> list[DiffEntry]:
        if change.status != MISSING:
            return self._take(self.by_live.get((change.kind, change.live_id), []))
        gone = change.planned_id or ""  # the baseline's id of what disappeared
        if change.kind not in SPECS:  # an entity
            planned_id = self._planned_of_baseline.get(gone)
            return self._take(
                [e for e in self.missing.get(planned_id, []) if e.kind == change.kind]
            )
        for key in self._baseline_keys(gone):
            for planned_id in self._planned_by_key.get(key, []):
                found = [
                    e
                    for e in self.missing.get(planned_id, [])
                    if id(e) in self.pending and e.kind == change.kind
                ]
                if found:
                    return self._take([_closest(found, change.subject)])
        return []

    @cached_property
    def _at_baseline(self) -> DesignDiff:
        """The plan against the baseline: needed only when something disappeared."""
        return diff_designs(self.planned, self.baseline)

    @cached_property
    def _planned_of_baseline(self) -> dict[str, str]:
        return {b: p for p, b in self._at_baseline.matched.items()}

    @cached_property
    def _baseline_rels(self) -> dict[str, Any]:
        return {r.id: r for r in self.baseline.relationships}

    @cached_property
    def _planned_by_key(self) -> dict[tuple[Any, ...], list[str]]:
        """Each planned relationship some plan difference calls missing, by its keys as the
        baseline would name them: once per account it covers."""
        scopes, matched = Scopes(self.planned), self._at_baseline.matched
        found: dict[tuple[Any, ...], list[str]] = defaultdict(list)
        for rel in self.planned.relationships:
            if rel.id not in self.missing:
                continue
            identity = SPECS[rel.kind].identity(rel)
            for c in scopes.expand(rel):
                key = (rel.kind, matched.get(c.source, c.source), matched.get(c.target, c.target))
                found[(*key, *identity)].append(rel.id)
        return found

    @cached_property
    def _baseline_scopes(self) -> Scopes:
        return Scopes(self.baseline)

    def _baseline_keys(self, rel_id: str) -> list[tuple[Any, ...]]:
        """The baseline's relationship once per account it covers (an import folds a role
        found in every account of an OU into one scoped to it)."""
        rel = self._baseline_rels.get(rel_id)
        if rel is None:
            return []
        identity = SPECS[rel.kind].identity(rel)
        return [
            (rel.kind, c.source, c.target, *identity) for c in self._baseline_scopes.expand(rel)
        ]


def _closest(entries: list[DiffEntry], subject: str) -> DiffEntry:
    """Of one scoped relationship's per-account entries, the one named like `subject`."""
    words = set(subject.split())
    return max(entries, key=lambda e: len(words & set(e.subject.split())))
