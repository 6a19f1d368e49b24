"""A networkx index of a design: neighbours, OU subtrees and log coverage, kept in step with
the Document edit by edit.

The Design is the source of truth; this MultiDiGraph only holds ids. Relationship edges are keyed
by the relationship id (so re-adding one is idempotent); OU membership is a "contains" edge.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx

from designer.model.catalog import EntityKind, iter_entities
from designer.model.vocabulary import AccountFunction, LogType

if TYPE_CHECKING:
    from designer.model.design import Design

CONTAINS = "contains"
ACCESS_KINDS = frozenset({"trust", "federation"})  # edges along which a compromise spreads
REQUIRED_LOGS = (LogType.CLOUDTRAIL, LogType.CONFIG)
Direction = Literal["out", "in", "both"]
NO_LOGS: dict[str, Any] = {"log_types": frozenset(), "excluded": frozenset()}


@dataclass(frozen=True)
class LogCoverage:
    covered: frozenset[str]
    missing: dict[str, frozenset[LogType]] = field(default_factory=dict)


class DesignGraph:
    """Nodes are organization, OU, account, identity provider and outside principal ids."""

    def __init__(self, design: Design) -> None:
        self.graph = nx.MultiDiGraph()
        self.rebuild(design)

    def rebuild(self, design: Design) -> None:
        self.graph.clear()
        self._root = design.organization.id
        for ref in iter_entities(design):
            if ref.kind in (EntityKind.RELATIONSHIP, EntityKind.LOG_BUCKET, EntityKind.SCP):
                continue
            self.add_node(ref.entity.id, ref.kind, ref.entity)
        for unit in design.organizational_units:
            self.set_parent(unit.id, unit.parent)
        for account in design.accounts:
            self.set_parent(account.id, account.parent)
        for rel in design.relationships:
            self.add_relationship(rel)

    # -- keeping in step with the Document ---------------------------------------------------
    def add_node(self, node_id: str, kind: EntityKind, entity: Any) -> None:
        functions = frozenset(getattr(entity, "functions", ()))
        self.graph.add_node(node_id, kind=kind, functions=functions)

    def remove_node(self, node_id: str) -> None:
        if node_id in self.graph:
            self.graph.remove_node(node_id)

    def set_parent(self, node_id: str, parent: str | None) -> None:
        for container in list(self.graph.predecessors(node_id)):
            if self.graph.has_edge(container, node_id, key=CONTAINS):
                self.graph.remove_edge(container, node_id, key=CONTAINS)
        self.graph.add_edge(parent or self._root, node_id, key=CONTAINS, kind=CONTAINS)

    def add_relationship(self, rel: Any) -> None:
        if rel.kind == "log-delivery":
            attrs = {
                "log_types": frozenset(rel.log_types),
                "excluded": frozenset(rel.excluded_accounts),
            }
        elif rel.excluded_accounts:
            attrs = {**NO_LOGS, "excluded": frozenset(rel.excluded_accounts)}
        else:  # shared: most edges carry no logs and no exclusions
            attrs = NO_LOGS
        self.graph.add_edge(rel.source, rel.target, key=rel.id, kind=rel.kind, **attrs)

    def remove_relationship(self, rel: Any) -> None:
        if self.graph.has_edge(rel.source, rel.target, key=rel.id):
            self.graph.remove_edge(rel.source, rel.target, key=rel.id)

    def update_node(self, node_id: str, kind: EntityKind, entity: Any) -> None:
        self.graph.nodes[node_id]["functions"] = frozenset(getattr(entity, "functions", ()))

    # -- queries ----------------------------------------------------------------------------
    def kind_of(self, node_id: str) -> EntityKind:
        kind: EntityKind = self.graph.nodes[node_id]["kind"]
        return kind

    def accounts(self) -> list[str]:
        return [n for n, k in self.graph.nodes(data="kind") if k == EntityKind.ACCOUNT]

    def accounts_with(self, function: AccountFunction) -> set[str]:
        return {n for n, f in self.graph.nodes(data="functions", default=()) if function in f}

    def edges_of_kind(self, kinds: Iterable[str]) -> list[tuple[str, str, str]]:
        wanted = set(kinds)
        return [(u, v, k) for u, v, k, d in self.graph.edges(keys=True, data="kind") if d in wanted]

    def neighbours(
        self, node_id: str, kind: str | None = None, direction: Direction = "out"
    ) -> list[str]:
        """Nodes joined to node_id by relationships (of `kind`), "out", "in" or "both"."""
        found: dict[str, None] = {}
        if direction in ("out", "both"):
            for _, other, data in self.graph.out_edges(node_id, data=True):
                if _matches(data["kind"], kind):
                    found[other] = None
        if direction in ("in", "both"):
            for other, _, data in self.graph.in_edges(node_id, data=True):
                if _matches(data["kind"], kind):
                    found[other] = None
        return list(found)

    def log_coverage(self) -> LogCoverage:
        """Accounts whose CloudTrail and Config both reach a log-archive account.

        A delivery from the organization or an OU covers every account in it but the excluded.
        """
        archives = self.accounts_with(AccountFunction.LOG_ARCHIVE)
        everyone = set(self.accounts())
        delivered: dict[str, set[LogType]] = {a: set() for a in everyone}
        for source, target, data in self.graph.edges(data=True):
            if data["kind"] != "log-delivery" or target not in archives:
                continue
            for account in self._accounts_of(source, data["excluded"]):
                if account in delivered:
                    delivered[account] |= data["log_types"]
        missing = {
            a: frozenset(t for t in REQUIRED_LOGS if t not in got) for a, got in delivered.items()
        }
        covered = frozenset(a for a, m in missing.items() if not m)
        return LogCoverage(covered, {a: m for a, m in missing.items() if m})

    def _accounts_of(self, node_id: str, excluded: frozenset[str]) -> list[str]:
        """The node itself when it is an account; the accounts in it when it is a container."""
        if self._kind(node_id) == EntityKind.ACCOUNT:
            return [node_id]
        below = self.ou_subtree(node_id)
        return [n for n in below if self._kind(n) == EntityKind.ACCOUNT and n not in excluded]

    def _kind(self, node_id: str) -> EntityKind | None:
        """None for a node an edge created before its own add (inside a batch)."""
        kind: EntityKind | None = self.graph.nodes[node_id].get("kind")
        return kind

    def ou_subtree(self, ou_id: str) -> list[str]:
        """Every OU and account below ou_id, breadth first."""
        result: list[str] = []
        queue = deque([ou_id])
        while queue:
            for _, child, key in self.graph.out_edges(queue.popleft(), keys=True):
                if key == CONTAINS:
                    result.append(child)
                    queue.append(child)
        return result

    def parent_of(self, node_id: str) -> str | None:
        for container, _, key in self.graph.in_edges(node_id, keys=True):
            if key == CONTAINS:
                return str(container)
        return None


def _matches(edge_kind: str, wanted: str | None) -> bool:
    if wanted is None:
        return edge_kind != CONTAINS
    return edge_kind == wanted
