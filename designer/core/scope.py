"""Scoped relationships: an end that is an OU or the organization stands for every account in it.

A trust whose target is the Workloads OU is one role deployed to every account of Workloads (now
and in future, less its excluded accounts). The analyses ask this module which accounts an end
covers, so a scoped design validates and spreads a compromise exactly like the same design with
one relationship per account, while the design, the canvas and the exports keep one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

from designer.model.catalog import EntityKind
from designer.model.kinds import SCOPES

if TYPE_CHECKING:
    from designer.model.design import Design

# Kinds whose scoped relationships the analyses expand to one per account. Shares keep their
# OU / organization target (RAM shares to it natively), delegated administration names its scope
# in `administers`, so neither needs expanding.
EXPANDED_KINDS = frozenset({"trust", "log-delivery"})


class Scopes:
    """Which accounts each end of the design's relationships covers; built once per design."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.root = design.organization.id
        self.management = design.organization.management_account

    @cached_property
    def kinds(self) -> dict[str, EntityKind]:
        found = {self.root: EntityKind.ORGANIZATION}
        found.update((u.id, EntityKind.OU) for u in self.design.organizational_units)
        found.update((a.id, EntityKind.ACCOUNT) for a in self.design.accounts)
        found.update((p.id, EntityKind.IDENTITY_PROVIDER) for p in self.design.identity_providers)
        found.update((p.id, EntityKind.OUTSIDE) for p in self.design.outside_principals)
        return found

    @cached_property
    def _below(self) -> dict[str, tuple[str, ...]]:
        """OU id (and the root) -> every account in it or below, in design order."""
        parents = {u.id: u.parent or self.root for u in self.design.organizational_units}
        found: dict[str, list[str]] = defaultdict(list)
        for account in self.design.accounts:
            node: str | None = account.parent or self.root
            seen: set[str] = set()
            while node is not None and node not in seen:
                seen.add(node)
                found[node].append(account.id)
                node = parents.get(node) if node != self.root else None
        return {k: tuple(v) for k, v in found.items()}

    def is_scope(self, node_id: str) -> bool:
        return self.kinds.get(node_id) in SCOPES

    def members(self, scope_id: str, excluded: list[str] | tuple[str, ...] = ()) -> tuple[str, ...]:
        """Accounts in the OU (or organization) and below, less the excluded ones."""
        accounts = self._below.get(scope_id, ())
        if not excluded:
            return accounts
        skipped = set(excluded)
        return tuple(a for a in accounts if a not in skipped)

    def scoped_end(self, rel: Any) -> str | None:
        """ "source" or "target" when that end is an OU or the organization."""
        if self.is_scope(rel.target):
            return "target"
        if self.is_scope(rel.source):
            return "source"
        return None

    def accounts_at(self, rel: Any, end: str) -> tuple[str, ...]:
        """The accounts an end covers: itself, its scope's members, or none (a provider...)."""
        node = rel.source if end == "source" else rel.target
        kind = self.kinds.get(node)
        if kind == EntityKind.ACCOUNT:
            return (node,)
        if kind in SCOPES:
            return self.members(node, rel.excluded_accounts)
        return ()

    def covers_organization(self, rel: Any) -> bool:
        """An end is the organization itself, with no account left out."""
        return self.root in (rel.source, rel.target) and not rel.excluded_accounts

    def expand(self, rel: Any) -> Iterator[Any]:
        """The relationship once per account its scoped end covers (itself when unscoped).

        Copies keep the relationship's id, so a finding or a blast-radius route about any of them
        points at the one edge the architect drew. A copy that would join an account to itself
        is left out (the role is not deployed where its trusted principal lives), and so is a
        role deployed to the management account: service-managed StackSets never deploy there,
        so a role it needs is a trust drawn to it.
        """
        end = self.scoped_end(rel) if rel.kind in EXPANDED_KINDS else None
        if end is None:
            yield rel
            return
        for account in self.lands_in(rel, end):
            update = {end: account, "excluded_accounts": []}
            yield rel.model_copy(update=update)

    def lands_in(self, rel: Any, end: str) -> tuple[str, ...]:
        """The accounts an end stands for, as deployed: a scoped trust's role is not deployed
        where its trusted principal lives, nor in the management account (service-managed
        StackSets never deploy there)."""
        covered = self.accounts_at(rel, end)
        if (
            rel.kind != "trust"
            or self.kinds.get(rel.target if end == "target" else rel.source) not in SCOPES
        ):
            return covered
        other = rel.target if end == "source" else rel.source
        skipped = {other, self.management} if end == "target" else {other}
        return tuple(a for a in covered if a not in skipped)

    def expanded(self, relationships: list[Any] | None = None) -> list[Any]:
        """Every relationship of the design (or of `relationships`), expanded."""
        rels = self.design.relationships if relationships is None else relationships
        return [copy for rel in rels for copy in self.expand(rel)]

    @cached_property
    def trusts(self) -> list[Any]:
        """Every trust of the design, expanded (computed once; the analyses share it)."""
        return self.expanded([r for r in self.design.relationships if r.kind == "trust"])

    def scoped_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.design.relationships if self.scoped_end(r))
