"""Scoped relationships from what the import found account by account.

A service-managed StackSet deploys the same role to every account of an OU. Read account by
account, that is one trust per account; the design says it with one trust whose target is the
OU. Relationships that are the same in everything but one end, and reach every account of an OU
(or of the whole organization) from that end, become one relationship scoped to the largest such
OU. A few accounts of it may lack the relationship: they become its excluded accounts, as long as
they are at most a tenth of the OU; otherwise the relationships stay one per account.

A role found in the management account stays a trust of its own (service-managed StackSets never
deploy there, so the scope does not cover it). Accounts the import could not read count as
lacking the relationship, which is what the
per-account form says too (no relationship drawn into them): expanded again (designer.core.scope),
a folded relationship stands for exactly the per-account ones it replaced.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from designer.live.read import Organization

MIN_ACCOUNTS = 3  # fewer than this may be a coincidence, and one edge saves little
EXCLUDED_SHARE = 0.10  # at most this share of a scope's accounts may lack it

R = TypeVar("R", bound=Any)


@dataclass(frozen=True)
class Tree:
    """The AWS ids of the accounts in the organization (its root id) and each OU, and below."""

    below: dict[str, frozenset[str]]
    depth: dict[str, int]
    management: str = ""  # StackSets never deploy a role there

    @classmethod
    def of(cls, org: Organization) -> Tree:
        parent = {u.id: u.parent for u in org.units}
        depth = {org.root_id: 0}
        for unit in org.units:  # read breadth first: parents come first
            depth[unit.id] = depth.get(unit.parent, 0) + 1
        found: dict[str, set[str]] = {org.root_id: set(), **{u.id: set() for u in org.units}}
        for account in org.accounts:
            node: str | None = account.parent
            seen: set[str] = set()
            while node is not None and node not in seen:
                seen.add(node)
                found.setdefault(node, set()).add(account.id)
                node = parent.get(node) if node != org.root_id else None
            found[org.root_id].add(account.id)
        return cls({k: frozenset(v) for k, v in found.items()}, depth, org.management_id)

    @cached_property
    def scopes(self) -> list[str]:
        """Largest first; among equals, the one nearer the root (sorted once per tree)."""
        return sorted(self.below, key=lambda s: (-len(self.below[s]), self.depth.get(s, 0), s))


def fold(
    relationships: list[R],
    end: str,
    tree: Tree,
    aws_of: dict[str, str],
    design_id: Callable[[str], str],
    new_id: Callable[[R, str], str],
) -> list[R]:
    """`relationships` with those that differ only in their `end` ("source" or "target")
    account folded into scoped ones.

    `aws_of` maps an account's design id to its AWS id, `design_id` an AWS id (account, OU,
    root) to its design id, and `new_id(rel, scope)` gives the folded relationship's id.
    """
    other_end = "source" if end == "target" else "target"
    scopes = {design_id(scope) for scope in tree.below}
    kept: list[R] = []
    groups: dict[str, list[R]] = {}
    for rel in relationships:
        if getattr(rel, end) not in aws_of or getattr(rel, other_end) in scopes:
            kept.append(rel)  # already scoped at its other end: one end at most
            continue
        signature = json.dumps(
            rel.model_dump(mode="json", exclude={"id", end, "excluded_accounts"}), sort_keys=True
        )
        groups.setdefault(signature, []).append(rel)
    for group in groups.values():
        kept += _fold_group(group, end, tree, aws_of, design_id, new_id)
    return kept


def _fold_group(
    group: list[R],
    end: str,
    tree: Tree,
    aws_of: dict[str, str],
    design_id: Callable[[str], str],
    new_id: Callable[[R, str], str],
) -> list[R]:
    by_account = {aws_of[getattr(rel, end)]: rel for rel in group}
    if len(by_account) < MIN_ACCOUNTS:
        return group
    first = group[0]
    other = getattr(first, "source" if end == "target" else "target")
    # A role is not deployed where its trusted principal lives, nor by a StackSet into the
    # management account (as designer.core.scope expands): its own trust stays drawn to it.
    skip: set[str] = set()
    if first.kind == "trust":
        skip = {aws_of[other]} if other in aws_of else set()
        if end == "target":
            skip.add(tree.management)
    remaining = set(by_account)
    folded: list[R] = []
    while True:
        best = _best_scope(tree, skip, by_account.keys(), remaining)
        if best is None:
            break
        scope, have, lacking = best
        model = by_account[min(have)]
        update = {
            "id": new_id(model, scope),
            end: design_id(scope),
            "excluded_accounts": [design_id(a) for a in sorted(lacking)],
        }
        folded.append(model.model_copy(update=update))
        remaining -= have
    return folded + [rel for rel in group if aws_of[getattr(rel, end)] in remaining]


def _best_scope(
    tree: Tree, skip: set[str], found: Any, remaining: set[str]
) -> tuple[str, frozenset[str], frozenset[str]] | None:
    """The scope that replaces the most remaining relationships, lacking at most a tenth of its
    accounts; among those that cover the same, the one lacking fewest, then the narrowest (an
    OU rather than the organization when they hold the same accounts today)."""
    candidates = []
    for scope in tree.scopes:
        covered = tree.below[scope] - skip
        have = covered & found
        if len(have) < MIN_ACCOUNTS or have - remaining:
            continue
        lacking = covered - have
        if len(lacking) > int(len(covered) * EXCLUDED_SHARE):
            continue
        candidates.append((-len(have), len(lacking), len(tree.below[scope]), scope, have, lacking))
    if not candidates:
        return None
    *_, scope, have, lacking = min(candidates)
    return scope, frozenset(have), frozenset(lacking)
