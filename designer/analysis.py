"""Graph analyses shared by the rules, the GUI and the exporters: plain functions, no Qt.

Blast radius per account (with the highest access level reached and the path to it), trust cycles,
log coverage and audit coverage. Each is linear in the size of the design for one starting node;
the all-accounts variants start only from nodes that trust reaches out of, since an account that
is trusted by nobody else cannot spread a compromise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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


@dataclass(frozen=True)
class ReachedAccount:
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


def blast_radius(design: Design, graph: DesignGraph, start: str) -> BlastRadius:
    """Accounts a compromise of `start` reaches, each with the strongest access gained there."""
    relationships = {r.id: r for r in design.relationships if r.kind in ACCESS_KINDS}
    reached: dict[str, ReachedAccount] = {}
    for account, hop in graph.blast_radius(start).items():
        level = _strongest_way_in(graph, relationships, account, hop.path)
        reached[account] = ReachedAccount(account, level, hop.path, hop.relationships)
    return BlastRadius(start, reached)


def _strongest_way_in(
    graph: DesignGraph, rels: dict[str, Any], account: str, path: tuple[str, ...]
) -> str:
    # Any access edge into the account from a node the attacker holds on this path counts.
    held = set(path)
    best = access_level(rels[_last_edge(graph, path)])
    for source, _target, key in graph.graph.in_edges(account, keys=True):
        if key in rels and source in held:
            candidate = access_level(rels[key])
            if ACCESS_RANK[candidate] > ACCESS_RANK[best]:
                best = candidate
    return best


def _last_edge(graph: DesignGraph, path: tuple[str, ...]) -> str:
    source, target = path[-2], path[-1]
    for key, data in graph.graph.get_edge_data(source, target).items():
        if data["kind"] in ACCESS_KINDS:
            return str(key)
    raise LookupError(f"no access edge {source} -> {target}")


def blast_radii(design: Design, graph: DesignGraph) -> dict[str, BlastRadius]:
    """Blast radius of every node that trust or federation reaches out of."""
    starts = {
        source for source, _target, kind in graph.graph.edges(data="kind") if kind in ACCESS_KINDS
    }
    return {start: blast_radius(design, graph, start) for start in sorted(starts)}


def trust_cycles(design: Design, graph: DesignGraph, min_rank: int = 0) -> list[list[str]]:
    """Groups of accounts that can assume roles in each other in a loop (edges >= min_rank)."""
    access = nx.DiGraph()
    for rel in design.relationships:
        if rel.kind != "trust" or graph.kind_of(rel.source) != EntityKind.ACCOUNT:
            continue
        if ACCESS_RANK[access_level(rel)] >= min_rank:
            access.add_edge(rel.source, rel.target)
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
