"""Collapsed OUs: which OUs a large design opens collapsed, and what a collapsed OU summarises.

A collapsed OU is one card on the canvas: what lies below it (accounts and OUs, at any depth) is
not drawn, and relationships into and out of it end on the card. Which OUs are collapsed is view
state, kept in the layout section; a design that never said (`collapsed` is None) opens collapsed
to the deepest level of the OU tree whose expansion still fits a budget of cards.
No Qt here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from designer.drawing.layout.geometry import HEADER, PADDING, Point
from designer.drawing.layout.tree import OuTree
from designer.model.design import Design

# Cards (accounts, identity providers, outside principals and collapsed OUs) a design opens with
# at most: a fitted view of this many stays readable and every edit on it stays quick.
CARD_BUDGET: Final = 300


@dataclass(frozen=True)
class OuSummary:
    """What a collapsed OU's card says about everything below it."""

    accounts: int  # accounts at any depth below the OU
    units: int  # OUs at any depth below it
    functions: tuple[tuple[str, int], ...]  # (function, accounts), most common first
    environments: tuple[tuple[str, int], ...]  # (environment, accounts), most common first


@dataclass(frozen=True)
class Visibility:
    """Which OUs are collapsed, and so which entities are drawn and which stand in for the rest."""

    tree: OuTree
    collapsed: frozenset[str]  # collapsed OUs that are themselves drawn (not inside another)
    hidden: frozenset[str]  # accounts and OUs below a collapsed OU
    stand_in: dict[str, str]  # every hidden entity -> the collapsed OU drawn in its place

    def shown(self, entity_id: str) -> str:
        """The entity drawn for `entity_id`: itself, or the collapsed OU it lies in."""
        return self.stand_in.get(entity_id, entity_id)


def visibility(
    design: Design, collapsed: Collection[str], tree: OuTree | None = None
) -> Visibility:
    """What is drawn when `collapsed` OUs are collapsed (unknown ids and the root are ignored;
    an OU inside another collapsed OU is hidden with it)."""
    tree = tree or OuTree.of(design)
    wanted = set(collapsed) - {tree.root}
    drawn: set[str] = set()
    stand_in: dict[str, str] = {}
    for container in tree.order:  # parents first: the outermost collapsed OU stands in
        if container in stand_in or container not in wanted:
            continue
        drawn.add(container)
        for below in tree.subtree(container):
            if below != container:
                stand_in[below] = container
            for account in tree.accounts[below]:
                stand_in[account] = container
    return Visibility(tree, frozenset(drawn), frozenset(stand_in), stand_in)


def summaries(design: Design, shown: Visibility) -> dict[str, OuSummary]:
    """The summary of every drawn collapsed OU."""
    accounts = {a.id: a for a in design.accounts}
    found: dict[str, OuSummary] = {}
    for unit in shown.collapsed:
        below = [c for c in shown.tree.subtree(unit)]
        members = [accounts[a] for c in below for a in shown.tree.accounts[c]]
        functions = Counter(str(f) for a in members for f in a.functions[:1])
        environments = Counter(str(a.environment) for a in members if a.environment)
        found[unit] = OuSummary(
            accounts=len(members),
            units=len(below) - 1,
            functions=tuple(functions.most_common()),
            environments=tuple(environments.most_common()),
        )
    return found


def fit_collapse(design: Design, budget: int = CARD_BUDGET, under: str | None = None) -> set[str]:
    """The OUs to collapse so that at most `budget` cards are drawn: the tree below `under`
    (the root by default, always open) is opened one whole level at a time while the next level
    still fits. Nothing is collapsed when everything fits."""
    tree = OuTree.of(design)
    top = under if under in tree.children else tree.root
    cards = len(tree.accounts[top]) + (_side_cards(design) if top == tree.root else 0)
    level = list(tree.children[top])
    while level:
        below = [kid for c in level for kid in tree.children[c]]
        opened = cards + sum(len(tree.accounts[c]) for c in level)
        if opened + len(below) > budget:
            return set(level)
        cards, level = opened, below
    return set()


def _side_cards(design: Design) -> int:
    return len(design.identity_providers) + len(design.outside_principals)


def account_counts(tree: OuTree) -> dict[str, int]:
    """Accounts at any depth below every container."""
    counts = {c: len(tree.accounts[c]) for c in tree.order}
    for container in reversed(tree.order):
        for kid in tree.children[container]:
            counts[container] += counts[kid]
    return counts


def descendants(tree: OuTree, unit: str) -> Iterable[str]:
    """Every OU and account below `unit` (not the OU itself)."""
    for container in tree.subtree(unit):
        if container != unit:
            yield container
        yield from tree.accounts[container]


def pruned(design: Design, shown: Visibility) -> Design:
    """The design as the layout sees it: what a collapsed OU holds left out, so the OU is an
    empty box (its card) and its content keeps its stored places for when it opens again."""
    if not shown.hidden:
        return design
    hidden = shown.hidden
    return design.model_copy(
        update={
            "accounts": [a for a in design.accounts if a.id not in hidden],
            "organizational_units": [u for u in design.organizational_units if u.id not in hidden],
        }
    )


def after_expanding(design: Design, collapsed: Collection[str], units: Iterable[str]) -> set[str]:
    """The collapsed OUs once `units` open. An OU opened for the first time (nothing below it
    was ever collapsed) opens to the level of its own tree that fits the card budget."""
    tree = OuTree.of(design)
    now = set(collapsed)
    opening = [u for u in units if u in now]
    now -= set(opening)
    for unit in opening:
        if not now & set(tree.subtree(unit)):
            now |= fit_collapse(design, under=unit)
    return now


def carried(
    positions: Mapping[str, Point], tree: OuTree, unit: str, card: Point
) -> dict[str, Point]:
    """New places for what lies below `unit`, moved with it: the content's top-left goes to the
    card's first grid cell, wherever the card was moved or pushed while collapsed."""
    below = [i for i in descendants(tree, unit) if i in positions]
    if not below:
        return {}
    left = min(positions[i][0] for i in below)
    top = min(positions[i][1] for i in below)
    dx, dy = card[0] + PADDING - left, card[1] + HEADER + PADDING - top
    if (dx, dy) == (0.0, 0.0):
        return {}
    return {i: (positions[i][0] + dx, positions[i][1] + dy) for i in below}
