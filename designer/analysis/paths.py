"""Attack paths at role level: which roles an attacker can chain from a start to admin elsewhere.

The blast radius (radius.py) follows only hops that hand over a whole account. Real paths often
run through a weaker role: a sandbox may assume a development pipeline role (service admin),
and production trusts exactly that pipeline role with administrator. This analysis keeps, per
account, *what* the attacker holds there:

- control of the account (access in radius.PIVOT_LEVELS, the one definition of "holding this
  lets you act as the account's principals", or the start itself): every principal of the
  account is theirs, so every trust from it can be used;
- one role R there: only trusts from that account whose principal is the role R
  (principal scope "role", principal role name R). A trust to the account root needs someone
  who can grant sts:AssumeRole in the account, i.e. control of it.

A node that can assume nothing (a "dead" node: an account under a deny-all SCP) has no steps
out. A target is taken by a hop of admin rank (coverage.ADMIN_RANK) into it.

States are (account, None) for control and (account, role name) for one role. The cost stays
near linear in the states the starts reach, however many starts reach however many targets:

1. one forward search from all starts together finds the states and targets they reach;
2. targets are taken worst first, and a backward search from each labels every state not yet
   labelled with that target and its next step towards it: each state is labelled once, with
   the worst target it reaches, and following the next steps gives its path there;
3. one pass over the strongly connected groups of the labelled states (successors first)
   counts, as bit sets, how many targets each state reaches.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from designer.analysis.coverage import ADMIN_RANK
from designer.analysis.radius import ACCESS_RANK, PIVOT_LEVELS, AccessIndex, access_level
from designer.model.vocabulary import PrincipalScope

State = tuple[str, str | None]  # (account or outside node, role held; None: control)


class Hop(NamedTuple):
    source: str
    target: str
    relationship: str
    role_name: str
    level: str  # access_level() of the trust: custom roles with admin policies count as admin
    held: str | None  # what was used at the source: None (control of it) or the role name


@dataclass(frozen=True)
class AttackPath:
    start: str
    target: str
    hops: tuple[Hop, ...]

    @property
    def nodes(self) -> tuple[str, ...]:
        return (self.start, *(hop.target for hop in self.hops))

    @property
    def relationships(self) -> tuple[str, ...]:
        return tuple(hop.relationship for hop in self.hops)


@dataclass(frozen=True)
class Attack:
    """What one start takes: its worst target (with the path there) and how many more."""

    path: AttackPath
    others: int  # targets taken besides path.target


class _Step(NamedTuple):
    rel: Any
    level: str
    after: State


def _never(_node: str) -> bool:
    return False


class RoleGraph:
    """Role-level steps over the trust edges of an AccessIndex (built once for the blast radius
    and shared), looking each edge's trust up by id for its role and principal.

    Nothing is built per trust up front: the steps out of (and into) a node are gathered the
    first time a search stands there, so the cost follows the part of the graph the starts
    reach, not the size of the design.
    """

    def __init__(
        self,
        index: AccessIndex,
        relationship: Callable[[str], Any],
        dead: Callable[[str], bool] = _never,
    ) -> None:
        self._index = index
        self._relationship = relationship
        self._dead = dead
        self._out_of: dict[str, dict[str | None, list[_Step]]] = {}
        self._into: dict[str, dict[str | None, list[tuple[State, Any]]]] = {}

    def _trusts(self, edges: Iterable[Any]) -> Iterable[tuple[str, Any, str]]:
        for other, rel_id, level in edges:
            rel = self._relationship(rel_id)
            if rel.kind == "trust":
                yield other, rel, level

    @staticmethod
    def _holders(node: str, rel: Any) -> list[State]:
        """The states at `node` that can use trust `rel`: control, and its principal role."""
        name = rel.principal_role_name
        if rel.principal_scope == PrincipalScope.ROLE and name:
            return [(node, None), (node, name)]
        return [(node, None)]

    def _out(self, node: str) -> dict[str | None, list[_Step]]:
        """Steps out of `node`: under None every trust (for whoever controls it), under a role
        name the trusts whose principal is that role. None for a dead node."""
        if node not in self._out_of:
            grouped: dict[str | None, list[_Step]] = defaultdict(list)
            if not self._dead(node):
                for target, rel, level in self._trusts(self._index.out.get(node, ())):
                    step = _Step(rel, level, (target, _held_after(rel, level)))
                    for _node, held in self._holders(node, rel):
                        grouped[held].append(step)
            self._out_of[node] = dict(grouped)
        return self._out_of[node]

    def steps(self, state: State) -> list[_Step]:
        return self._out(state[0]).get(state[1], [])

    def _before(self, state: State) -> list[tuple[State, Any]]:
        """(state, trust) one step before `state`."""
        node, held = state
        if node not in self._into:
            grouped: dict[str | None, list[tuple[State, Any]]] = defaultdict(list)
            for source, rel, level in self._trusts(self._index.into.get(node, ())):
                if not self._dead(source):
                    key = _held_after(rel, level)
                    grouped[key] += [(before, rel) for before in self._holders(source, rel)]
            self._into[node] = dict(grouped)
        return self._into[node].get(held, [])

    def _taking(self, target: str) -> Iterable[tuple[State, Any]]:
        """(state, trust) for every admin hop into `target`."""
        for source, rel, level in self._trusts(self._index.into.get(target, ())):
            if ACCESS_RANK[level] >= ADMIN_RANK and not self._dead(source):
                for before in self._holders(source, rel):
                    yield before, rel

    def reached(
        self, starts: Iterable[str], is_target: Callable[[str], bool]
    ) -> tuple[set[State], set[str]]:
        """Every state some start reaches, and the targets taken from them (one search)."""
        seen: set[State] = {(s, None) for s in starts}
        targets: set[str] = set()
        queue = deque(seen)
        while queue:
            for step in self.steps(queue.popleft()):
                if ACCESS_RANK[step.level] >= ADMIN_RANK and is_target(step.after[0]):
                    targets.add(step.after[0])
                if step.after not in seen:
                    seen.add(step.after)
                    queue.append(step.after)
        return seen, targets

    def attacks(
        self,
        starts: Iterable[str],
        is_target: Callable[[str], bool],
        worst_first: Callable[[str], Any],
    ) -> list[Attack]:
        """Per start that takes a target: its worst one (`worst_first` sorts targets, worst
        first), the shortest path there, and how many other targets it takes."""
        starts = list(dict.fromkeys(starts))
        reached, targets = self.reached(starts, is_target)
        if not targets:
            return []
        ordered = sorted(targets, key=worst_first)
        towards = self._label(ordered, reached)
        counts = _Counter(self, towards, {t: i for i, t in enumerate(ordered)}).counts
        found = []
        for start in starts:
            first: State = (start, None)
            if first in towards:
                path = AttackPath(start, towards[first][0], self._hops(first, towards))
                found.append(Attack(path, counts[first].bit_count() - 1))
        return found

    def _label(
        self, ordered: list[str], reached: set[State]
    ) -> dict[State, tuple[str, State | None, Any]]:
        """For every reached state that takes a target: (worst target, next state, trust);
        next state None: the trust takes the target."""
        towards: dict[State, tuple[str, State | None, Any]] = {}
        for target in ordered:
            queue: deque[State] = deque()
            for before, rel in self._taking(target):
                if before in reached and before not in towards:
                    towards[before] = (target, None, rel)
                    queue.append(before)
            while queue:
                state = queue.popleft()
                for before, rel in self._before(state):
                    if before in reached and before not in towards:
                        towards[before] = (target, state, rel)
                        queue.append(before)
        return towards

    @staticmethod
    def _hops(first: State, towards: dict[State, tuple[str, State | None, Any]]) -> tuple[Hop, ...]:
        hops: list[Hop] = []
        state: State | None = first
        while state is not None:
            target, after, rel = towards[state]
            node = target if after is None else after[0]
            hops.append(Hop(state[0], node, rel.id, rel.role_name, access_level(rel), state[1]))
            state = after
        return tuple(hops)


def _held_after(rel: Any, level: str) -> str | None:
    """What a hop hands over: control (None) when the access pivots, else its one role."""
    return None if level in PIVOT_LEVELS else rel.role_name


class _Counter:
    """Targets taken from each labelled state, as bit sets, over its strongly connected groups
    (iterative Tarjan: a group is complete only after every group it reaches)."""

    def __init__(self, graph: RoleGraph, towards: dict[State, Any], bits: dict[str, int]) -> None:
        self.graph, self.towards, self.bits = graph, towards, bits
        self.counts: dict[State, int] = {}
        self._order: dict[State, int] = {}
        self._low: dict[State, int] = {}
        self._stack: list[State] = []
        self._on_stack: set[State] = set()
        for state in towards:
            if state not in self._order:
                self._visit(state)

    def _own(self, state: State) -> tuple[int, list[State]]:
        """Targets this state takes in one hop, and its labelled successors."""
        mask, successors = 0, []
        for step in self.graph.steps(state):
            bit = self.bits.get(step.after[0])
            if bit is not None and ACCESS_RANK[step.level] >= ADMIN_RANK:
                mask |= 1 << bit
            if step.after in self.towards:
                successors.append(step.after)
        return mask, successors

    def _visit(self, root: State) -> None:
        masks: dict[State, int] = {}
        work: list[tuple[State, Iterable[State]]] = []
        self._enter(root, masks, work)
        while work:
            state, pending = work[-1]
            for after in pending:
                if after not in self._order:
                    self._enter(after, masks, work)
                    break
                if after in self._on_stack:
                    self._low[state] = min(self._low[state], self._order[after])
                else:  # a finished group: all it reaches is counted
                    masks[state] |= self.counts[after]
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    self._low[parent] = min(self._low[parent], self._low[state])
                if self._low[state] == self._order[state]:
                    self._close(state, masks)
                if work:  # the parent's mask takes what the child reaches, when known
                    parent = work[-1][0]
                    masks[parent] |= self.counts.get(state, masks.get(state, 0))

    def _enter(
        self, state: State, masks: dict[State, int], work: list[tuple[State, Iterable[State]]]
    ) -> None:
        self._order[state] = self._low[state] = len(self._order)
        self._stack.append(state)
        self._on_stack.add(state)
        mask, successors = self._own(state)
        masks[state] = mask
        work.append((state, iter(successors)))

    def _close(self, root: State, masks: dict[State, int]) -> None:
        """Pop the group of `root`: every member reaches what any member does."""
        group = []
        while True:
            state = self._stack.pop()
            self._on_stack.discard(state)
            group.append(state)
            if state == root:
                break
        mask = 0
        for state in group:
            mask |= masks.pop(state, 0)
        for state in group:
            self.counts[state] = mask
