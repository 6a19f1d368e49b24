"""Blast radius: what an attacker who holds one node reaches through trust and federation.

The attacker uses every access edge out of the nodes they control. In a reached account they
go on only when the access there lets them act as its principals (IAM admin, administrator,
custom policies, a federated sign-in); read-only, security-audit and service-admin roles end
the chain. An account's level is the strongest edge into it from a controlled node.

Searching from every start is quadratic when everyone can reach everyone. Two things keep it
near linear on real shapes: paths are not built during the search but followed back on demand
(only messages need them), and all starts in one strongly connected group of pivoting edges
control the same nodes, so one search serves the whole group.
"""

from __future__ import annotations

import itertools
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import networkx as nx

from designer.core.graph import ACCESS_KINDS
from designer.core.scope import Scopes
from designer.model.vocabulary import AccessLevel

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

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
# Access that lets an attacker act as the account's principals and assume their roles elsewhere.
PIVOT_LEVELS = frozenset(
    {AccessLevel.IAM_ADMIN, AccessLevel.ADMINISTRATOR, AccessLevel.CUSTOM, "federated"}
)

MAX_SHOWN_HOPS = 8  # longer routes are shown with a gap: messages stay short on long chains


class Route(NamedTuple):
    nodes: tuple[str, ...]  # from the start
    relationships: tuple[str, ...]  # the relationships between adjacent nodes, in order
    gaps: tuple[int, ...] = ()  # after nodes[i] for i in gaps, the route skips ahead


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


def stronger(a: str, b: str) -> bool:
    """Whether access `a` gives more than `b`; at equal rank, access that lets one go on wins."""
    return (ACCESS_RANK[a], a in PIVOT_LEVELS) > (ACCESS_RANK[b], b in PIVOT_LEVELS)


class Edge(NamedTuple):
    other: str  # the target of an out-edge, the source of an in-edge
    relationship: str
    level: str


@dataclass(frozen=True)
class AccessIndex:
    """Trust and federation edges as plain adjacency lists, built once for many searches."""

    out: dict[str, list[Edge]]
    into: dict[str, list[Edge]]
    accounts: frozenset[str]


def access_index(design: Design, scopes: Scopes | None = None) -> AccessIndex:
    """A scoped trust is one edge per account its scope covers, each with the trust's own id."""
    out: dict[str, list[Edge]] = defaultdict(list)
    into: dict[str, list[Edge]] = defaultdict(list)
    scopes = scopes or Scopes(design)
    federations = [r for r in design.relationships if r.kind == "federation"]
    for rel in [*scopes.trusts, *federations]:
        if rel.kind in ACCESS_KINDS:
            level = access_level(rel)
            out[rel.source].append(Edge(rel.target, rel.id, level))
            into[rel.target].append(Edge(rel.source, rel.id, level))
    return AccessIndex(dict(out), dict(into), frozenset(a.id for a in design.accounts))


class ReachedAccount:
    """An account in a blast radius; its route is followed back only when asked for."""

    __slots__ = ("_hops", "_route", "account", "level")

    def __init__(
        self, account: str, level: str, hops: int | None, route: Callable[[], Route]
    ) -> None:
        self.account, self.level, self._hops, self._route = account, level, hops, route

    @property
    def hops(self) -> int:
        """Relationships between the start and the account on the route shown."""
        return len(self.relationships) if self._hops is None else self._hops

    @property
    def route(self) -> Route:
        return self._route()

    @property
    def path(self) -> tuple[str, ...]:
        """Node ids from the start to the account (with a gap on very long routes)."""
        return self._route().nodes

    @property
    def relationships(self) -> tuple[str, ...]:
        return self._route().relationships


@dataclass(frozen=True)
class BlastRadius:
    start: str
    reached: dict[str, ReachedAccount]

    @property
    def highest(self) -> str | None:
        levels = [r.level for r in self.reached.values()]
        return max(levels, key=ACCESS_RANK.__getitem__) if levels else None


class _Search:
    """One breadth-first search: levels, the edge behind each level, the tree of control."""

    def __init__(self, index: AccessIndex, start: str) -> None:
        self.start = start
        self.level: dict[str, str] = {}
        self.via: dict[str, tuple[str, str]] = {}  # node -> (controlled source, relationship)
        self.parent: dict[str, tuple[str, str]] = {}  # controlled node -> how it was taken
        self.depth = {start: 0}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for target, rel_id, level in index.out.get(node, ()):
                if target == start:
                    continue
                if target not in self.level or stronger(level, self.level[target]):
                    self.level[target], self.via[target] = level, (node, rel_id)
                if target not in self.depth and self.level[target] in PIVOT_LEVELS:
                    self.parent[target] = self.via[target]
                    self.depth[target] = self.depth[node] + 1
                    queue.append(target)

    def control_route(self, node: str) -> Route:
        nodes, rels = [node], []
        while node != self.start:
            node, rel_id = self.parent[node]
            nodes.append(node)
            rels.append(rel_id)
        return Route(tuple(reversed(nodes)), tuple(reversed(rels)))

    def route(self, account: str) -> Route:
        source, rel_id = self.via[account]
        nodes, rels, _ = self.control_route(source)
        return Route((*nodes, account), (*rels, rel_id))

    def hops(self, account: str) -> int:
        return self.depth[self.via[account][0]] + 1


def _from_search(search: _Search, accounts: frozenset[str]) -> BlastRadius:
    reached = {
        node: ReachedAccount(node, level, search.hops(node), _bind(search.route, node))
        for node, level in search.level.items()
        if node in accounts
    }
    return BlastRadius(search.start, reached)


def _bind(route: Callable[[str], Route], node: str) -> Callable[[], Route]:
    return lambda: route(node)


def blast_radius(design: Design, start: str, index: AccessIndex | None = None) -> BlastRadius:
    """Accounts a compromise of `start` reaches, each with the strongest access gained there."""
    index = index or access_index(design)
    return _from_search(_Search(index, start), index.accounts)


# -- every start at once ---------------------------------------------------------------------
#
# Reporting on every start must not cost a search per start: in a design where everyone can
# reach everyone that is quadratic. Instead the pivoting edges are condensed into groups that
# control each other (strongly connected components), and one pass over the resulting DAG gives
# each group what it reaches (as a bitset), its strongest edge and how to get there.


class RadiusSummary(NamedTuple):
    start: str
    accounts: int  # accounts reached
    example: ReachedAccount  # one account reached at the highest level, with its route


class _Exit(NamedTuple):
    source: str  # the controlled node the edge leaves from
    target: str
    relationship: str
    level: str


class TrustGraph:
    """Groups of nodes that control each other, over the nodes that trust leaves.

    A node that no trust leaves adds nothing beyond itself, so it is left out of the groups:
    on a hub-and-spoke design only the few hubs are condensed.
    """

    def __init__(self, index: AccessIndex) -> None:
        pivots = nx.DiGraph()
        pivots.add_nodes_from(index.out)
        pivots.add_edges_from(
            (s, e.other)
            for s, edges in index.out.items()
            for e in edges
            if e.level in PIVOT_LEVELS and e.other in index.out
        )
        self.dag = nx.condensation(pivots)
        self.group_of: dict[str, int] = self.dag.graph["mapping"]
        self.members: dict[int, set[str]] = {
            g: set(self.dag.nodes[g]["members"]) for g in self.dag.nodes
        }
        self.index = index
        self.order = list(reversed(list(nx.topological_sort(self.dag))))  # sinks first
        self._sorted: dict[int, list[str]] = {}

    def sorted_members(self, group: int) -> list[str]:
        if group not in self._sorted:
            self._sorted[group] = sorted(self.members[group])
        return self._sorted[group]

    def pivot_between(self, group: int, successor: int) -> tuple[str, str, str]:
        """A pivoting edge (source, target, relationship) from one group into the next."""
        for source in self.sorted_members(group):
            for target, rel_id, level in self.index.out.get(source, ()):
                if level in PIVOT_LEVELS and self.group_of.get(target) == successor:
                    return source, target, rel_id
        raise LookupError("no pivoting edge between the groups")


def _rank_key(exit_: _Exit) -> tuple[int, str, str]:
    return (ACCESS_RANK[exit_.level], exit_.target, exit_.relationship)


def _condensed(design: Design) -> TrustGraph:
    return TrustGraph(access_index(design))


def radius_summaries(design: Design, dag: TrustGraph | None = None) -> dict[str, RadiusSummary]:
    """For every node that trust or federation leaves: accounts reached, and the strongest one."""
    dag = dag or _condensed(design)
    index = dag.index
    everyone = sorted({*index.out, *index.into})
    position = {node: i for i, node in enumerate(everyone)}
    account_mask = _mask(len(everyone), (position[n] for n in everyone if n in index.accounts))
    reach: dict[int, int] = {}
    best: dict[int, list[tuple[_Exit, int | None]]] = {}  # top two exits, and via which group
    for group in dag.order:
        options: list[tuple[_Exit, int | None]] = [
            (_Exit(source, target, rel_id, level), None)
            for source in dag.members[group]
            for target, rel_id, level in index.out.get(source, ())
        ]
        bits = _mask(len(everyone), (position[o[0].target] for o in options))
        for successor in dag.dag.successors(group):
            bits |= reach[successor]
            options += [(exit_, successor) for exit_, _ in best[successor]]
        reach[group] = bits
        best[group] = _top_two(options)
    return _summaries(dag, position, account_mask, reach, best)


def _mask(size: int, positions: Iterable[int]) -> int:
    """A bitset as a Python int, built in one go (shifting big ints one by one is quadratic)."""
    raw = bytearray(size // 8 + 1)
    for p in positions:
        raw[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(raw, "little")


def _top_two(options: list[tuple[_Exit, int | None]]) -> list[tuple[_Exit, int | None]]:
    """The strongest option and the strongest one with another target, in one pass."""
    first: tuple[_Exit, int | None] | None = None
    second: tuple[_Exit, int | None] | None = None
    for option in options:
        key = _rank_key(option[0])
        if first is None or key > _rank_key(first[0]):
            if first is not None and first[0].target != option[0].target:
                second = first
            first = option
        elif option[0].target != first[0].target and (second is None or key > _rank_key(second[0])):
            second = option
    return [o for o in (first, second) if o is not None]


def _summaries(
    dag: TrustGraph,
    position: dict[str, int],
    account_mask: int,
    reach: dict[int, int],
    best: dict[int, list[tuple[_Exit, int | None]]],
) -> dict[str, RadiusSummary]:
    router = _Router(dag, best)
    found: dict[str, RadiusSummary] = {}
    for start in sorted(dag.index.out):
        group = dag.group_of[start]
        reached = reach[group] & account_mask & ~(1 << position[start])
        choice = next((o for o in best[group] if o[0].target != start), None)
        if not reached or choice is None:
            continue
        exit_ = choice[0]
        example = ReachedAccount(exit_.target, exit_.level, None, router.bound(start, choice))
        found[start] = RadiusSummary(start, reached.bit_count(), example)
    return found


class _Router:
    """Routes to a group's best exit, built from a few searches inside each group."""

    def __init__(self, dag: TrustGraph, best: dict[int, list[tuple[_Exit, int | None]]]) -> None:
        self.dag, self.best = dag, best
        self._trees: dict[str, dict[str, tuple[str, str]]] = {}

    def bound(self, start: str, choice: tuple[_Exit, int | None]) -> Callable[[], Route]:
        return lambda: self.route(start, choice)

    def route(self, start: str, choice: tuple[_Exit, int | None]) -> Route:
        """Start to the chosen exit; past MAX_SHOWN_HOPS the middle is skipped."""
        nodes: list[str] = [start]
        rels: list[str] = []
        group, (exit_, via) = self.dag.group_of[start], choice
        while via is not None:  # hop group by group towards the group owning the exit
            source, target, rel_id = self.dag.pivot_between(group, via)
            if not self.walk(nodes, rels, source) or len(rels) >= MAX_SHOWN_HOPS:
                return self._cut(nodes, rels, exit_)
            nodes.append(target)
            rels.append(rel_id)
            group = via
            via = next(o[1] for o in self.best[group] if o[0] == exit_)
        if not self.walk(nodes, rels, exit_.source):
            return self._cut(nodes, rels, exit_)
        return Route((*nodes, exit_.target), (*rels, exit_.relationship))

    @staticmethod
    def _cut(nodes: list[str], rels: list[str], exit_: _Exit) -> Route:
        if nodes[-1] == exit_.source:
            return Route((*nodes, exit_.target), (*rels, exit_.relationship))
        gap = len(nodes) - 1
        return Route((*nodes, exit_.source, exit_.target), (*rels, exit_.relationship), (gap,))

    def walk(self, nodes: list[str], rels: list[str], towards: str) -> bool:
        """Extend the route inside the current group towards `towards` along pivoting edges.

        Gives up (False) once the route holds MAX_SHOWN_HOPS relationships, so that routes
        around big loops cost the same as short ones.
        """
        tree = self._tree(towards)
        node = nodes[-1]
        while node != towards:
            if len(rels) >= MAX_SHOWN_HOPS:
                return False
            node, rel_id = tree[node]
            nodes.append(node)
            rels.append(rel_id)
        return True

    def _tree(self, head: str) -> dict[str, tuple[str, str]]:
        if head not in self._trees:
            group = self.dag.members[self.dag.group_of[head]]
            step: dict[str, tuple[str, str]] = {}
            queue, seen = deque([head]), {head}
            while queue:
                node = queue.popleft()
                for source, rel_id, level in self.dag.index.into.get(node, ()):
                    if source in group and source not in seen and level in PIVOT_LEVELS:
                        seen.add(source)
                        step[source] = (node, rel_id)
                        queue.append(source)
            self._trees[head] = step
        return self._trees[head]


# -- chains and controllers -------------------------------------------------------------------


class Chain(NamedTuple):
    """A chain of pivoting hops that ends in a strong access edge."""

    relationship: str  # the final edge
    route: Route
    hops: int


def long_chains(
    design: Design, min_rank: int, min_hops: int = 3, dag: TrustGraph | None = None
) -> list[Chain]:
    """Edges of at least `min_rank` at the end of a chain of `min_hops` or more relationships.

    Depth is counted over the groups of nodes that control each other, so one pass suffices;
    hops inside a loop are not counted (trust cycles are reported on their own).
    """
    dag = dag or _condensed(design)
    index = dag.index
    depth: dict[int, int] = {}
    came: dict[int, int] = {}
    root: dict[int, int] = {}
    for group in reversed(dag.order):  # sources first
        preds = list(dag.dag.predecessors(group))
        depth[group] = max((depth[p] + 1 for p in preds), default=0)
        if preds:
            came[group] = max(preds, key=lambda p: (depth[p], p))
        root[group] = root[came[group]] if preds else group
    router = _Router(dag, {})
    chains = []
    for source, edges in sorted(index.out.items()):
        if depth[dag.group_of[source]] + 1 < min_hops:
            continue
        for target, rel_id, level in edges:
            if ACCESS_RANK[level] >= min_rank:
                nodes, rels, gaps = _chain_to(dag, router, came, root, source)
                hops = depth[dag.group_of[source]] + 1
                route = Route((*nodes, target), (*rels, rel_id), gaps)
                chains.append(Chain(rel_id, route, max(hops, len(route.relationships))))
    return chains


def _chain_to(
    dag: TrustGraph, router: _Router, came: dict[int, int], root: dict[int, int], node: str
) -> Route:
    """The longest chain of groups that ends at `node`; long ones keep their start and end."""
    groups = [dag.group_of[node]]
    while groups[-1] in came and len(groups) <= MAX_SHOWN_HOPS:
        groups.append(came[groups[-1]])
    first = dag.sorted_members(root[groups[0]])[0]
    groups.reverse()
    gaps: list[int] = []
    nodes: list[str] = [first]
    if groups[0] in came:  # cut: from the root, skip to the tail that is shown
        gaps.append(0)
        nodes.append(dag.pivot_between(came[groups[0]], groups[0])[1])
    rels: list[str] = []
    for group, successor in itertools.pairwise(groups):
        source, target, rel_id = dag.pivot_between(group, successor)
        _walk_or_skip(router, nodes, rels, gaps, source)
        nodes.append(target)
        rels.append(rel_id)
    _walk_or_skip(router, nodes, rels, gaps, node)
    return Route(tuple(nodes), tuple(rels), tuple(gaps))


def _walk_or_skip(
    router: _Router, nodes: list[str], rels: list[str], gaps: list[int], towards: str
) -> None:
    if not router.walk(nodes, rels, towards):  # a big loop: skip to where the chain leaves it
        gaps.append(len(nodes) - 1)
        nodes.append(towards)


class Controllers:
    """For any node, the other nodes from which an attacker can take control of it."""

    def __init__(self, dag: TrustGraph) -> None:
        self._dag = dag
        self._names = sorted(dag.group_of)
        position = {node: i for i, node in enumerate(self._names)}
        self._position = position
        self._by: dict[int, int] = {}
        for group in reversed(dag.order):  # sources first
            bits = _mask(len(self._names), (position[m] for m in dag.members[group]))
            for pred in dag.dag.predecessors(group):
                bits |= self._by[pred]
            self._by[group] = bits

    def _bits(self, node: str) -> int:
        dag = self._dag
        if node in dag.group_of:
            return self._by[dag.group_of[node]] & ~(1 << self._position[node])
        bits = 0  # nothing leaves it: controlled by whoever pivots into it
        for source, _rel, level in dag.index.into.get(node, ()):
            if level in PIVOT_LEVELS:
                bits |= self._by[dag.group_of[source]]
        return bits

    def __call__(self, node: str, limit: int | None = None) -> list[str]:
        """The controllers of `node` (the first `limit` of them, in id order)."""
        bits, found = self._bits(node), list[str]()
        while bits and (limit is None or len(found) < limit):
            low = bits & -bits
            found.append(self._names[low.bit_length() - 1])
            bits ^= low
        return found

    def count(self, node: str) -> int:
        return self._bits(node).bit_count()


def controllers(design: Design, dag: TrustGraph | None = None) -> Controllers:
    return Controllers(dag or _condensed(design))
