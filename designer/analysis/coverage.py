"""Trust loops, log coverage and audit coverage: plain functions over a design, no Qt.

Each is linear in the size of the design; trust loops start only from nodes that trust reaches
out of, since an account that is trusted by nobody else cannot close a loop.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, NamedTuple

import networkx as nx

from designer.analysis.radius import ACCESS_RANK, access_level
from designer.core.graph import LogCoverage
from designer.core.scope import Scopes
from designer.model.catalog import EntityKind
from designer.model.vocabulary import AccessLevel, AccountFunction

if TYPE_CHECKING:
    from designer.core.graph import DesignGraph
    from designer.model.design import Design

ADMIN_RANK = ACCESS_RANK[AccessLevel.IAM_ADMIN]
AUDIT_LEVELS = frozenset({AccessLevel.READ_ONLY, AccessLevel.SECURITY_AUDIT})


class TrustLoop(NamedTuple):
    accounts: tuple[str, ...]  # every account of the group that can reach each other, sorted
    cycle: tuple[str, ...]  # one shortest loop through the first of them


def trust_loops(
    design: Design, graph: DesignGraph, min_rank: int = 0, scopes: Scopes | None = None
) -> list[TrustLoop]:
    """Groups of accounts that can assume roles in each other in a loop (edges >= min_rank)."""
    edges = [
        (rel.source, rel.target)
        for rel in (scopes or Scopes(design)).trusts
        if graph.kind_of(rel.target) == EntityKind.ACCOUNT
        and graph.kind_of(rel.source) == EntityKind.ACCOUNT
        and ACCESS_RANK[access_level(rel)] >= min_rank
    ]
    # An edge on a cycle enters a node that trust leaves and leaves a node that trust enters;
    # dropping the others first keeps the component search small on hub-and-spoke designs.
    sources, targets = {u for u, _ in edges}, {v for _, v in edges}
    access = nx.DiGraph([(u, v) for u, v in edges if u in targets and v in sources])
    loops = []
    for component in nx.strongly_connected_components(access):
        if len(component) > 1:
            members = tuple(sorted(component))
            loops.append(TrustLoop(members, _shortest_loop(access, members[0], component)))
    return sorted(loops)


def _shortest_loop(access: nx.DiGraph, start: str, component: set[str]) -> tuple[str, ...]:
    """Breadth first, neighbours in id order: the same loop on every run."""
    came: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(access.successors(node)):
            if nxt == start:
                loop = [node]
                while loop[-1] != start:
                    loop.append(came[loop[-1]])
                return tuple(reversed(loop))
            if nxt in component and nxt not in came:
                came[nxt] = node
                queue.append(nxt)
    raise LookupError("a strongly connected group always has a loop")


def trust_cycles(design: Design, graph: DesignGraph, min_rank: int = 0) -> list[list[str]]:
    """One loop per group of accounts that can assume roles in each other."""
    return [list(loop.cycle) for loop in trust_loops(design, graph, min_rank)]


def log_coverage(graph: DesignGraph) -> LogCoverage:
    return graph.log_coverage()


def audit_coverage(design: Design, scopes: Scopes | None = None) -> tuple[set[str], set[str]]:
    """(covered, uncovered): accounts a security-tooling account can audit directly."""
    auditors = {a.id for a in design.accounts if AccountFunction.SECURITY_TOOLING in a.functions}
    covered = set(auditors)
    for rel in (scopes or Scopes(design)).trusts:
        if rel.source in auditors and rel.access_level in AUDIT_LEVELS:
            covered.add(rel.target)
    everyone = {a.id for a in design.accounts}
    return covered & everyone, everyone - covered
