"""Graph analyses shared by the rules, the GUI and the exporters: plain functions, no Qt.

Blast radius per account (with the highest access level reached and the path to it), trust cycles,
log coverage and audit coverage. Each is linear in the size of the design for one starting node;
the all-accounts variants start only from nodes that trust reaches out of, since an account that
is trusted by nobody else cannot spread a compromise.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import networkx as nx

from designer.graph import ACCESS_KINDS, LogCoverage
from designer.model.catalog import EntityKind
from designer.model.vocabulary import AccessLevel, AccountFunction

if TYPE_CHECKING:
    from designer.graph import DesignGraph
    from designer.model.design import Design

# How much a role grants, for comparing access levels: IAM admin can grant itself anything.
ACCESS_RANK: dict[str, int] = {
    AccessLevel.READ_ONLY: 0,
    AccessLevel.SECURITY_AUDIT: 1,
    AccessLevel.SERVICE_ADMIN: 2,
    AccessLevel.CUSTOM: 2,
    AccessLevel.IAM_ADMIN: 3,
    AccessLevel.ADMINISTRATOR: 4,
    "federated": 2,  # sign-in through an identity provider: whatever the mapped roles allow
}
ADMIN_RANK = ACCESS_RANK[AccessLevel.IAM_ADMIN]
# Access that lets an attacker act as the account's principals and assume their roles elsewhere.
PIVOT_LEVELS = frozenset(
    {AccessLevel.IAM_ADMIN, AccessLevel.ADMINISTRATOR, AccessLevel.CUSTOM, "federated"}
)
AUDIT_LEVELS = frozenset({AccessLevel.READ_ONLY, AccessLevel.SECURITY_AUDIT})


def access_level(relationship: Any) -> str:
    """The access a trust or federation edge grants; custom roles with admin policies count so."""
    if relationship.kind == "federation":
        return "federated"
    if relationship.access_level == AccessLevel.CUSTOM:
        arns = " ".join(relationship.managed_policy_arns)
        if "AdministratorAccess" in arns:
            return AccessLevel.ADMINISTRATOR
        if "IAMFullAccess" in arns:
            return AccessLevel.IAM_ADMIN
    return str(relationship.access_level)


class ReachedAccount(NamedTuple):
    account: str
    level: str  # highest access level gained in this account
    path: tuple[str, ...]  # node ids from the start to the account (shortest)
    relationships: tuple[str, ...]


@dataclass(frozen=True)
class BlastRadius:
    start: str
    reached: dict[str, ReachedAccount]

    @property
    def highest(self) -> str | None:
        levels = [r.level for r in self.reached.values()]
        return max(levels, key=ACCESS_RANK.__getitem__) if levels else None


@dataclass(frozen=True)
class AccessIndex:
    """Trust and federation edges as plain adjacency lists, built once for many searches."""

    out: dict[str, list[tuple[str, str, str]]]  # node -> [(target, relationship id, level)]
    accounts: frozenset[str]


def access_index(design: Design) -> AccessIndex:
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for rel in design.relationships:
        if rel.kind in ACCESS_KINDS:
            out[rel.source].append((rel.target, rel.id, access_level(rel)))
    return AccessIndex(dict(out), frozenset(a.id for a in design.accounts))


def blast_radius(design: Design, start: str, index: AccessIndex | None = None) -> BlastRadius:
    """Accounts a compromise of `start` reaches, each with the strongest access gained there.

    An attacker holding `start` can use every access edge out of it. In a reached account they
    can go on only when the access there lets them act as its principals: IAM admin,
    administrator, custom policies or a federated sign-in. Read-only, security-audit and
    service-admin roles end the chain. Each account's level is the strongest edge into it from a
    node the attacker controls; its path is the chain that first gave that level.
    """
    index = index or access_index(design)
    level: dict[str, str] = {}
    # Paths are built as the search goes: a node's path extends its parent's, which is final
    # once the parent is controlled (only controlled nodes are ever parents).
    paths: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {start: ((start,), ())}
    controlled = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        nodes, rels = paths[node]
        for target, rel_id, edge_level in index.out.get(node, ()):
            if target == start:
                continue
            if target not in level or ACCESS_RANK[edge_level] > ACCESS_RANK[level[target]]:
                level[target] = edge_level
                if target not in controlled:
                    paths[target] = ((*nodes, target), (*rels, rel_id))
            if target not in controlled and level[target] in PIVOT_LEVELS:
                controlled.add(target)
                queue.append(target)
    reached = {
        node: ReachedAccount(node, level[node], *paths[node])
        for node in level
        if node in index.accounts
    }
    return BlastRadius(start, reached)


def blast_radii(design: Design, graph: DesignGraph | None = None) -> dict[str, BlastRadius]:
    """Blast radius of every node that trust or federation reaches out of."""
    index = access_index(design)
    return {start: blast_radius(design, start, index) for start in sorted(index.out)}


def trust_cycles(design: Design, graph: DesignGraph, min_rank: int = 0) -> list[list[str]]:
    """Groups of accounts that can assume roles in each other in a loop (edges >= min_rank)."""
    edges = [
        (rel.source, rel.target)
        for rel in design.relationships
        if rel.kind == "trust"
        and graph.kind_of(rel.source) == EntityKind.ACCOUNT
        and ACCESS_RANK[access_level(rel)] >= min_rank
    ]
    # An edge on a cycle enters a node that trust leaves and leaves a node that trust enters;
    # dropping the others first keeps the component search small on hub-and-spoke designs.
    sources, targets = {u for u, _ in edges}, {v for _, v in edges}
    access = nx.DiGraph([(u, v) for u, v in edges if u in targets and v in sources])
    cycles = []
    for component in nx.strongly_connected_components(access):
        if len(component) > 1:
            cycle = nx.find_cycle(access.subgraph(component))
            cycles.append([edge[0] for edge in cycle])
    return sorted(cycles)


def log_coverage(graph: DesignGraph) -> LogCoverage:
    return graph.log_coverage()


def audit_coverage(design: Design) -> tuple[set[str], set[str]]:
    """(covered, uncovered): accounts a security-tooling account can audit directly."""
    auditors = {a.id for a in design.accounts if AccountFunction.SECURITY_TOOLING in a.functions}
    covered = set(auditors)
    for rel in design.relationships:
        if rel.kind == "trust" and rel.source in auditors and rel.access_level in AUDIT_LEVELS:
            covered.add(rel.target)
    everyone = {a.id for a in design.accounts}
    return covered & everyone, everyone - covered
