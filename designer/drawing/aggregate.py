"""The edges a picture draws: one per relationship, or one standing for many.

Thousands of lines from one node are a hatch nobody can read. Two rules turn them into a few:

* Fans: when one node relates the same way (same kind, same label) to all or most accounts of an
  OU, one edge goes to the OU, with the count; the accounts of the OU it leaves out are listed.
  The same for many accounts relating the same way to one node (the log archive hub). The
  highest OU that qualifies takes the edge, so billing from the management account to every
  account is one edge to the organization.
* Collapse: an end inside a collapsed OU is drawn on the OU's card; the edges that then join the
  same two cards the same way (kind and direction) become one, with the count of accounts.

The relationships themselves are untouched: an edge lists the ones it stands for (`members`).
No Qt here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from designer.core.scope import Scopes
from designer.drawing.collapse import Visibility
from designer.model.catalog import EntityKind
from designer.model.design import Design
from designer.model.kinds import edge_label

SHARE: Final = 0.9  # "most" accounts of an OU: at least this share of them
LEAST: Final = 5  # and at least this many: three lines stay three lines


@dataclass(frozen=True)
class DrawnEdge:
    """One line of the picture."""

    id: str  # the relationship's id when it stands alone
    kind: str
    source: str  # drawn ends: nodes, OUs, the organization, collapsed OUs
    target: str
    members: tuple[str, ...]  # the relationships it stands for, in design order
    label: str
    accounts: int = 0  # the accounts its grouped end stands for (0: one relationship)
    excepted: tuple[str, ...] = ()  # accounts of the OU it ends on that it leaves out
    grouped_end: str | None = None  # "source" or "target": the end standing for many

    @property
    def grouped(self) -> bool:
        return len(self.members) > 1


@dataclass
class _Fan:
    """Relationships of one kind and label from one node to many accounts or OUs (or the
    reverse)."""

    hub: str
    far: dict[str, Any]  # account, OU or organization at the far end -> its relationship
    end: str  # which end is the far one: "target" (fan out) or "source" (fan in)


def drawn_edges(
    design: Design, shown: Visibility, group: bool = True, scopes: Scopes | None = None
) -> list[DrawnEdge]:
    """The edges to draw for `design` when `shown` says what is collapsed; `group` False draws
    a fan as its separate relationships (collapsed ends are always joined). `scopes`: the
    design's, when the caller keeps them."""
    scopes = scopes or Scopes(design)
    edges: list[DrawnEdge] = []
    if group:
        for key, fan in _fans(design, scopes).items():
            if len(fan.far) >= LEAST:
                edges += _fold_fan(fan, key, shown, scopes)
    folded = {m for e in edges for m in e.members}
    rest = [r for r in design.relationships if r.id not in folded]
    return edges + _join_collapsed(rest, shown, scopes)


def _fans(design: Design, scopes: Scopes) -> dict[tuple[str, str, str, str], _Fan]:
    """Relationships between a node (the hub) and accounts or OUs, by (far end, kind, label,
    hub). One between two accounts joins the larger of its two fans: forty workloads
    delivering logs to one archive are a fan into the archive, not forty fans of one."""
    sizes: Counter[tuple[str, str, str, str]] = Counter()
    candidates: list[tuple[Any, list[tuple[tuple[str, str, str, str], str]]]] = []
    for rel in design.relationships:
        options: list[tuple[tuple[str, str, str, str], str]] = [
            ((end, rel.kind, edge_label(rel), hub), far)
            for end, hub, far in (
                ("target", rel.source, rel.target),
                ("source", rel.target, rel.source),
            )
            if _is_node(hub, scopes) and hub != far and scopes.kinds.get(far) in _FAR_KINDS
        ]
        sizes.update(key for key, _ in options)
        if options:
            candidates.append((rel, options))
    fans: dict[tuple[str, str, str, str], _Fan] = {}
    for rel, options in candidates:
        key, far = max(options, key=lambda option: sizes[option[0]])  # a tie: its source's
        fans.setdefault(key, _Fan(key[3], {}, key[0])).far.setdefault(far, rel)
    return fans


_FAR_KINDS = frozenset({EntityKind.ACCOUNT, EntityKind.OU})


def _is_node(entity_id: str, scopes: Scopes) -> bool:
    return entity_id in scopes.kinds and not scopes.is_scope(entity_id)


def _fold_fan(
    fan: _Fan, key: tuple[str, str, str, str], shown: Visibility, scopes: Scopes
) -> list[DrawnEdge]:
    """One edge to each highest drawn OU whose accounts the fan covers all or most of."""
    tree = shown.tree
    parent_of = tree.container_of()
    hits: dict[str, list[str]] = defaultdict(list)  # container -> far ends in it or below
    covered: dict[str, set[str]] = defaultdict(set)  # container -> accounts those cover
    for far, rel in fan.far.items():
        accounts = _accounts_at(rel, fan.end, scopes)
        node: str | None = far if far in tree.children else parent_of.get(far)
        while node is not None:
            hits[node].append(far)
            covered[node].update(accounts)
            node = parent_of.get(node)
    edges: list[DrawnEdge] = []
    taken: set[str] = set()
    hub = shown.shown(fan.hub)  # a hub inside a collapsed OU is drawn as its card
    for container in tree.order:  # parents first: the highest OU that qualifies
        if container in taken or container in shown.hidden or container == hub:
            continue
        members = set(scopes.members(container)) - {fan.hub}  # a hub does not bill itself
        reached = covered.get(container, set())
        if len(hits.get(container, ())) < LEAST or len(reached) < SHARE * len(members):
            continue
        taken.update(tree.subtree(container))
        container = _tightest(container, len(hits[container]), hits, shown)
        everyone = scopes.members(container)
        excepted = tuple(a for a in everyone if a not in reached and a != fan.hub)
        rels = [fan.far[f] for f in hits[container]]
        edges.append(_fan_edge(key, hub, container, rels, len(reached & set(everyone)), excepted))
    return edges


def _tightest(container: str, count: int, hits: dict[str, list[str]], shown: Visibility) -> str:
    """The lowest drawn OU below `container` that still holds every account of the fan: the
    Workloads OU, not the organization less the four core accounts."""
    children = shown.tree.children
    while True:
        inner = [k for k in children[container] if len(hits.get(k, ())) == count]
        if not inner or inner[0] in shown.hidden:
            return container
        container = inner[0]


def _fan_edge(
    key: tuple[str, str, str, str],
    hub: str,
    container: str,
    rels: Sequence[Any],
    accounts: int,
    excepted: tuple[str, ...],
) -> DrawnEdge:
    end, kind, label, _ = key
    source, target = (hub, container) if end == "target" else (container, hub)
    return DrawnEdge(
        id=f"{kind}|{source}|{target}|{label}",
        kind=kind,
        source=source,
        target=target,
        members=tuple(r.id for r in rels),
        label=count_label(label, accounts),
        accounts=accounts,
        excepted=excepted,
        grouped_end=end,
    )


def _join_collapsed(rels: Iterable[Any], shown: Visibility, scopes: Scopes) -> list[DrawnEdge]:
    """Each relationship as drawn between shown ends; those between the same two shown ends
    the same way (kind, direction) drawn once. An edge inside one collapsed OU is not drawn."""
    groups: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    edges: list[DrawnEdge] = []
    for rel in rels:
        source, target = shown.shown(rel.source), shown.shown(rel.target)
        if (source, target) == (rel.source, rel.target):
            edges.append(DrawnEdge(rel.id, rel.kind, source, target, (rel.id,), edge_label(rel)))
        elif source != target:
            groups[(rel.kind, source, target)].append(rel)
    for (kind, source, target), members in groups.items():
        end = "target" if target != members[0].target or source == members[0].source else "source"
        reached = {a for rel in members for a in _accounts_at(rel, end, scopes)}
        labels = {edge_label(rel) for rel in members}
        label = labels.pop() if len(labels) == 1 else ""
        edges.append(
            DrawnEdge(
                id=f"{kind}|{source}|{target}|*",
                kind=kind,
                source=source,
                target=target,
                members=tuple(r.id for r in members),
                label=count_label(label, len(reached)),
                accounts=len(reached),
                grouped_end=end,
            )
        )
    return edges


def _accounts_at(rel: Any, end: str, scopes: Scopes) -> tuple[str, ...]:
    node = rel.target if end == "target" else rel.source
    if scopes.is_scope(node):
        return scopes.lands_in(rel, end)
    return (node,) if node in scopes.kinds else ()


def count_label(label: str, accounts: int) -> str:
    """ "SecurityAudit · 1,995 accounts" (the count alone when the kind has no label)."""
    count = f"{accounts:,} account" + ("" if accounts == 1 else "s")
    return f"{label} · {count}" if label else count
