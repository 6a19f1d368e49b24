"""What the canvas keeps in full colour when the architect narrows it down: filters by OU,
environment, function and relationship kind, and focus on a node and its neighbours.
No Qt here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from designer.drawing.collapse import Visibility, descendants
from designer.model.design import Design


@dataclass(frozen=True)
class Filter:
    """Empty fields keep everything."""

    unit: str | None = None  # an OU (or the organization): what lies in it or below
    environment: str | None = None
    function: str | None = None
    kind: str | None = None  # relationships of this kind only

    @property
    def narrows_nodes(self) -> bool:
        return any((self.unit, self.environment, self.function))

    @property
    def active(self) -> bool:
        return self.narrows_nodes or self.kind is not None


def matching(design: Design, shown: Visibility, wanted: Filter) -> set[str]:
    """The drawn nodes and cards the filter keeps: accounts that match, and a collapsed OU's
    card when anything in it matches. Identity providers and outside principals are kept only
    while no node filter is set (they are in no OU and have no environment)."""
    unit = wanted.unit if wanted.unit in shown.tree.children else None  # deleted: no filter
    if unit is None and not (wanted.environment or wanted.function):
        return set(_nodes(design)) | set(shown.collapsed)
    inside = set(descendants(shown.tree, unit)) if unit else None
    kept: set[str] = set()
    for account in design.accounts:
        if inside is not None and account.id not in inside:
            continue
        if wanted.environment and str(account.environment) != wanted.environment:
            continue
        if wanted.function and wanted.function not in {str(f) for f in account.functions}:
            continue
        kept.add(shown.shown(account.id))
    return kept


def _nodes(design: Design) -> Iterable[str]:
    yield from (a.id for a in design.accounts)
    yield from (p.id for p in design.identity_providers)
    yield from (p.id for p in design.outside_principals)


def neighbourhood(links: Iterable[tuple[str, str]], start: Collection[str], hops: int) -> set[str]:
    """What lies within `hops` links of `start` (in either direction), `start` included."""
    linked: dict[str, set[str]] = defaultdict(set)
    for source, target in links:
        linked[source].add(target)
        linked[target].add(source)
    reached = set(start)
    frontier = set(start)
    for _ in range(max(0, hops)):
        frontier = {n for f in frontier for n in linked[f]} - reached
        if not frontier:
            break
        reached |= frontier
    return reached
