"""Attack paths at role level: which roles an attacker can chain from a start to admin elsewhere.

The blast radius (radius.py) follows only hops that hand over a whole account. Real paths often
run through a weaker role: a sandbox may assume a development pipeline role (service admin),
and production trusts exactly that pipeline role with administrator. This analysis keeps, per
account, *what* the attacker holds there:

- control of the account (admin, IAM admin or an admin custom policy there, or the start
  itself): every principal of the account is theirs, so every trust from it can be used;
- one role R there: only trusts from that account whose principal is the role R
  (principal scope "role", principal role name R). A trust to the account root needs someone
  who can grant sts:AssumeRole in the account, i.e. control of it.

States are (account, None) for control and (account, role name) for one role. One search from
all starts together finds what they reach; only if that includes a target does a reverse pass
keep the states that lead there and each start get its own search (for its shortest path), so
the cost follows what the starts reach, not the size of the design.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from designer.analysis.radius import ACCESS_RANK, AccessIndex, access_level
from designer.model.vocabulary import AccessLevel, PrincipalScope

# Access that hands over every principal of the account (as coverage.ADMIN_RANK).
CONTROL_RANK = ACCESS_RANK[AccessLevel.IAM_ADMIN]

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


class RoleGraph:
    """Role-level steps over the trust edges of an AccessIndex (built once for the blast radius
    and shared), looking each edge's trust up by id for its role and principal.

    Nothing is built per trust up front: the steps out of a (node, role) state are gathered the
    first time a search stands there, so the cost follows the part of the graph that the starts
    reach, not the size of the design.
    """

    def __init__(self, index: AccessIndex, relationship: Callable[[str], Any]) -> None:
        self._index = index
        self._relationship = relationship
        self._by_role: dict[str, dict[str | None, list[tuple[Any, State]]]] = {}
        self._into: dict[str, dict[str | None, list[State]]] = {}

    def _out(self, node: str) -> dict[str | None, list[tuple[Any, State]]]:
        """Steps out of `node`: under None every trust (for whoever controls it), under a role
        name the trusts whose principal is that role."""
        if node not in self._by_role:
            grouped: dict[str | None, list[tuple[Any, State]]] = defaultdict(list)
            for target, rel_id, level in self._index.out.get(node, ()):
                rel = self._relationship(rel_id)
                if rel.kind != "trust":
                    continue
                control = ACCESS_RANK[level] >= CONTROL_RANK
                step = (rel, (target, None if control else rel.role_name))
                grouped[None].append(step)
                name = rel.principal_role_name
                if rel.principal_scope == PrincipalScope.ROLE and name:
                    grouped[name].append(step)
            self._by_role[node] = dict(grouped)
        return self._by_role[node]

    def _steps(self, state: State) -> list[tuple[Any, State]]:
        return self._out(state[0]).get(state[1], [])

    def _before(self, state: State) -> list[State]:
        """States one step before `state`."""
        node, held = state
        if node not in self._into:
            grouped: dict[str | None, list[State]] = defaultdict(list)
            for source, rel_id, level in self._index.into.get(node, ()):
                rel = self._relationship(rel_id)
                if rel.kind != "trust":
                    continue
                key = None if ACCESS_RANK[level] >= CONTROL_RANK else rel.role_name
                grouped[key].append((source, None))
                name = rel.principal_role_name
                if rel.principal_scope == PrincipalScope.ROLE and name:
                    grouped[key].append((source, name))
            self._into[node] = dict(grouped)
        return self._into[node].get(held, [])

    def reached(self, starts: Iterable[str]) -> set[State]:
        """Every state some start reaches (one search from all of them at once)."""
        seen: set[State] = {(s, None) for s in starts}
        queue = deque(seen)
        while queue:
            for _rel, after in self._steps(queue.popleft()):
                if after not in seen:
                    seen.add(after)
                    queue.append(after)
        return seen

    def leading_to(self, ends: Iterable[State], within: set[State]) -> set[State]:
        """The states of `within` from which one of `ends` can be reached."""
        seen = set(ends)
        queue = deque(seen)
        while queue:
            for before in self._before(queue.popleft()):
                if before in within and before not in seen:
                    seen.add(before)
                    queue.append(before)
        return seen

    def paths(
        self, starts: Iterable[str], is_target: Callable[[str], bool]
    ) -> Iterator[AttackPath]:
        """The shortest path from each start to control of each target it can take.

        All starts are searched together first; only when that reaches a target are the
        states that lead there kept and each start searched on its own, within them."""
        starts = list(starts)
        reached = self.reached(starts)
        ends = [s for s in reached if s[1] is None and is_target(s[0])]
        if not ends:
            return
        useful = self.leading_to(ends, reached)
        wanted = frozenset(s[0] for s in ends)
        for start in starts:
            if (start, None) in useful:
                yield from self._search(start, wanted, useful)

    def _search(
        self, start: str, wanted: frozenset[str], useful: set[State]
    ) -> Iterator[AttackPath]:
        first: State = (start, None)
        came: dict[State, tuple[State, Any]] = {}
        seen = {first}
        queue = deque([first])
        while queue:
            state = queue.popleft()
            for rel, after in self._steps(state):
                if after in seen or after not in useful:
                    continue
                seen.add(after)
                came[after] = (state, rel)
                queue.append(after)
                if after[1] is None and after[0] in wanted:
                    yield AttackPath(start, after[0], _hops(came, after))


def _hops(came: dict[State, tuple[State, Any]], end: State) -> tuple[Hop, ...]:
    hops: list[Hop] = []
    state = end
    while state in came:
        before, rel = came[state]
        hops.append(Hop(before[0], state[0], rel.id, rel.role_name, access_level(rel), before[1]))
        state = before
    return tuple(reversed(hops))
