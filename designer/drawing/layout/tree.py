"""The OU tree as the layout sees it: containers in breadth-first order, and what each holds.

Unknown parents count as the root and an OU caught in a parent cycle hangs from the root, so a
hand-edited file still gets a picture (the loader reports the problem separately).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from designer.drawing.layout.geometry import CARD_HEIGHT, CARD_WIDTH, MIN_HEIGHT, MIN_WIDTH, Point
from designer.model.design import Design


@dataclass
class OuTree:
    root: str
    order: list[str]  # containers, every parent before its children (root first)
    children: dict[str, list[str]]  # child OUs by container, in design order
    accounts: dict[str, list[str]]  # accounts by container, in design order
    cards: frozenset[str] = frozenset()  # collapsed OUs: drawn as cards, their content left out

    @classmethod
    def of(cls, design: Design, cards: Collection[str] = ()) -> OuTree:
        """Unknown parents count as the root; an OU in a parent cycle hangs from the root."""
        root = design.organization.id
        declared = declared_children(design, root)
        tree = cls(root, [root], {root: []}, {}, frozenset(cards))
        tree._grow(0, declared)
        for unit in design.organizational_units:
            if unit.id not in tree.children:
                tree._adopt(root, unit.id)
                tree._grow(len(tree.order) - 1, declared)
        tree.accounts = {c: [] for c in tree.order}
        for account in design.accounts:
            parent = account.parent if account.parent in tree.children else root
            tree.accounts[parent or root].append(account.id)
        return tree

    def _adopt(self, parent: str, child: str) -> None:
        self.children[parent].append(child)
        self.children[child] = []
        self.order.append(child)

    def _grow(self, start: int, declared: Mapping[str, list[str]]) -> None:
        """Breadth-first from order[start], taking each OU once."""
        for container in self._from(start):
            for child in declared.get(container, ()):
                if child not in self.children:
                    self._adopt(container, child)

    def _from(self, start: int) -> Iterable[str]:
        index = start
        while index < len(self.order):
            yield self.order[index]
            index += 1

    def empty_size(self, container: str) -> Point:
        """The size of a container with nothing in it: a collapsed OU's card, or an empty box."""
        return (CARD_WIDTH, CARD_HEIGHT) if container in self.cards else (MIN_WIDTH, MIN_HEIGHT)

    def subtree(self, top: str) -> Iterable[str]:
        stack = [top]
        while stack:
            container = stack.pop()
            yield container
            stack.extend(self.children[container])

    def container_of(self) -> dict[str, str]:
        """The container of every OU and account (the root has none)."""
        found = {kid: c for c, kids in self.children.items() for kid in kids}
        found.update((a, c) for c, accounts in self.accounts.items() for a in accounts)
        return found


def declared_children(design: Design, root: str) -> dict[str, list[str]]:
    known = {unit.id for unit in design.organizational_units}
    declared: dict[str, list[str]] = defaultdict(list)
    for unit in design.organizational_units:
        declared[unit.parent if unit.parent in known else root].append(unit.id)
    return declared


def node_ids(design: Design) -> Iterable[str]:
    yield from (account.id for account in design.accounts)
    yield from (idp.id for idp in design.identity_providers)
    yield from (party.id for party in design.outside_principals)
