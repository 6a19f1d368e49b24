"""The Document owns a Design and is the only way to change it.

Every edit is validated (values by pydantic, cross-references by the integrity check) before it is
kept; a refused edit leaves the design untouched and raises DesignError with a one-line reason.
Each kept edit updates the graph index and emits a past-tense event. Removals return a record that
`restore` replays in reverse, so an undo puts back every cascaded relationship at its old position.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from designer.core.events import DesignEvent, EventEmitter, Subject, Verb
from designer.core.graph import DesignGraph
from designer.model.answers import Answers
from designer.model.catalog import COLLECTIONS, EntityKind, EntityRef
from designer.model.decisions import Decision
from designer.model.design import Design
from designer.model.errors import DesignError
from designer.model.fileformat import problems_from_validation
from designer.model.governance import (
    LogBucket,
    NodeLayout,
    ServiceControlPolicy,
    UsagePolicy,
    Waiver,
)
from designer.model.integrity import check_design
from designer.model.nodes import (
    Account,
    IdentityProvider,
    Organization,
    OrganizationalUnit,
    OutsidePrincipal,
)
from designer.model.relationships import RelationshipBase

# The event subject of each entity kind: account_added, ou_moved, relationship_removed, ...
EVENT_SUBJECT: dict[EntityKind, Subject] = {
    EntityKind.ORGANIZATION: Subject.ORGANIZATION,
    EntityKind.OU: Subject.OU,
    EntityKind.ACCOUNT: Subject.ACCOUNT,
    EntityKind.IDENTITY_PROVIDER: Subject.IDENTITY_PROVIDER,
    EntityKind.OUTSIDE: Subject.OUTSIDE,
    EntityKind.RELATIONSHIP: Subject.RELATIONSHIP,
    EntityKind.LOG_BUCKET: Subject.LOG_BUCKET,
    EntityKind.SCP: Subject.SCP,
}
GRAPH_NODES = frozenset(
    {EntityKind.OU, EntityKind.ACCOUNT, EntityKind.IDENTITY_PROVIDER, EntityKind.OUTSIDE}
)


def kind_of_entity(entity: Any) -> EntityKind:
    for cls, kind in (
        (Account, EntityKind.ACCOUNT),
        (OrganizationalUnit, EntityKind.OU),
        (IdentityProvider, EntityKind.IDENTITY_PROVIDER),
        (OutsidePrincipal, EntityKind.OUTSIDE),
        (RelationshipBase, EntityKind.RELATIONSHIP),
        (LogBucket, EntityKind.LOG_BUCKET),
        (ServiceControlPolicy, EntityKind.SCP),
        (Organization, EntityKind.ORGANIZATION),
    ):
        if isinstance(entity, cls):
            return kind
    raise DesignError(f"a {type(entity).__name__} is not part of a design")


@dataclass
class Removal:
    """Everything one remove() did, in order, so that restore() can undo it exactly."""

    kind: EntityKind
    entity: Any
    index: int
    cascaded: list[Removal] = field(default_factory=list)
    replaced: list[tuple[Any, Any]] = field(default_factory=list)  # (old, new) reference rewrites
    position: NodeLayout | None = None
    waivers: list[tuple[int, Waiver]] = field(default_factory=list)  # (position, waiver)
    usage_policy: UsagePolicy | None = None  # before an OU's or SCP's requirements were dropped

    def removed_relationships(self) -> list[Any]:
        """All relationships this removal took away, its own cascade included."""
        found = [self.entity] if self.kind == EntityKind.RELATIONSHIP else []
        for child in self.cascaded:
            found += child.removed_relationships()
        return found


class Document:
    def __init__(self, design: Design) -> None:
        problems = check_design(design)
        if problems:
            raise DesignError.from_problems(problems)
        self._design = design
        self.graph = DesignGraph(design)
        self.events = EventEmitter()
        self._kinds: dict[str, EntityKind] = {}
        self._pending: list[DesignEvent] | None = None  # events held back inside batch()
        self.version = 0  # counts changes: what is computed from the design can be kept per version
        self._reindex()

    @property
    def design(self) -> Design:
        """The design; read it freely, change it only through this Document."""
        return self._design

    def _reindex(self) -> None:
        self._kinds = {self._design.organization.id: EntityKind.ORGANIZATION}
        # Ids in list order, kept in step with the design's lists: finding an entity's
        # position is a C-speed search of strings, not a Python loop over models.
        self._ids: dict[EntityKind, list[str]] = {}
        for kind, name in COLLECTIONS.items():
            self._ids[kind] = [e.id for e in getattr(self._design, name)]
            self._kinds.update((i, kind) for i in self._ids[kind])

    # -- lookup ------------------------------------------------------------------------------
    def has(self, entity_id: str) -> bool:
        return entity_id in self._kinds

    def kind(self, entity_id: str) -> EntityKind:
        try:
            return self._kinds[entity_id]
        except KeyError:
            raise DesignError(f"nothing with id {entity_id} in the design") from None

    def get(self, entity_id: str) -> Any:
        kind = self.kind(entity_id)
        if kind == EntityKind.ORGANIZATION:
            return self._design.organization
        return self._items(kind)[self._position(kind, entity_id)]

    def _items(self, kind: EntityKind) -> list[Any]:
        items: list[Any] = getattr(self._design, COLLECTIONS[kind])
        return items

    def _position(self, kind: EntityKind, entity_id: str) -> int:
        try:
            return self._ids[kind].index(entity_id)
        except ValueError:
            raise DesignError(f"nothing with id {entity_id} in the design") from None

    def _insert_at(self, kind: EntityKind, position: int, entity: Any) -> None:
        self._items(kind).insert(position, entity)
        self._ids[kind].insert(position, entity.id)
        self._kinds[entity.id] = kind

    def _delete_at(self, kind: EntityKind, position: int) -> None:
        del self._items(kind)[position]
        del self._kinds[self._ids[kind].pop(position)]

    # -- edits -------------------------------------------------------------------------------
    def add(self, entity: Any, index: int | None = None) -> None:
        """Insert a node, relationship, bucket or SCP (at `index`, default the end)."""
        kind = kind_of_entity(entity)
        if kind == EntityKind.ORGANIZATION:
            raise DesignError("a design has exactly one organization; update it instead")
        if entity.id in self._kinds:
            holder = EntityRef(self._kinds[entity.id], (), self.get(entity.id))
            raise DesignError(f"id {entity.id} is already used by the {holder.label}")
        items = self._items(kind)
        position = len(items) if index is None else max(0, min(index, len(items)))
        self._insert_at(kind, position, entity)
        self._verify(lambda: self._undo_insert(kind, position, entity.id))
        self._index_added(kind, entity)
        self._emit(Verb.ADDED, kind, entity, position)

    def update(self, entity_id: str, **changes: Any) -> Any:
        """Replace fields of an entity; returns the previous (immutable) entity."""
        kind = self.kind(entity_id)
        old = self.get(entity_id)
        if changes.get("id", entity_id) != entity_id:
            raise DesignError("an id never changes; remove and add instead")
        if all(getattr(old, name, object()) == value for name, value in changes.items()):
            return old  # unchanged: no event, which keeps panel <-> model loops quiet
        path = self._path(kind, entity_id)
        try:
            new = type(old).model_validate({**old.model_dump(), **changes})
        except ValidationError as exc:
            raise DesignError.from_problems(problems_from_validation(exc, path)) from None
        self._replace(kind, old, new)
        self._verify(lambda: self._replace(kind, new, old, notify=False))
        self._index_updated(kind, old, new)
        moved = set(changes) == {"parent"}
        self._emit(Verb.MOVED if moved else Verb.UPDATED, kind, new, old=old)
        return old

    def move(self, entity_id: str, parent: str | None) -> Any:
        """Put an account or OU under another OU (None = the root)."""
        if self.kind(entity_id) not in (EntityKind.ACCOUNT, EntityKind.OU):
            raise DesignError("only accounts and OUs have a place in the OU tree")
        return self.update(entity_id, parent=parent)

    def remove(self, entity_id: str) -> Removal:
        """Remove an entity and everything that depends on it; returns the undo record."""
        kind = self.kind(entity_id)
        if kind == EntityKind.ORGANIZATION:
            raise DesignError("the organization cannot be removed")
        record = Removal(kind, self.get(entity_id), -1)
        for dependent in self._dependents(kind, entity_id):
            if dependent in self._kinds:  # an earlier dependent may have taken it along
                record.cascaded.append(self.remove(dependent))
        record.waivers = self._drop_waivers(entity_id)
        record.usage_policy = self._drop_requirements(kind, entity_id)
        record.replaced = self._drop_references(kind, entity_id)
        record.index = self._position(kind, entity_id)
        self._delete_at(kind, record.index)
        record.position = self._drop_position(entity_id)
        self._index_removed(kind, record.entity)
        self._emit(Verb.REMOVED, kind, record.entity, record.index)
        return record

    def restore(self, record: Removal) -> None:
        """Undo a remove(): the entity, its cascade and rewritten references come back in place."""
        self._insert_at(record.kind, record.index, record.entity)
        if record.position is not None:
            self.set_position(record.entity.id, record.position)
        self._index_added(record.kind, record.entity)
        self._emit(Verb.ADDED, record.kind, record.entity, record.index)
        for old, new in reversed(record.replaced):
            self._replace(kind_of_entity(old), new, old, notify=True)
        for position, waiver in record.waivers:
            self.add_waiver(waiver, position)
        if record.usage_policy is not None:
            self._put_usage_policy(record.usage_policy)
        for child in reversed(record.cascaded):
            self.restore(child)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several edits checked once, at the end, and kept all or none.

        A multi-selection move of hundreds of accounts costs one integrity check instead of one
        per account. Events are held back and sent only when the whole batch is kept; a refused
        batch restores the design as it was and sends nothing.
        """
        if self._pending is not None:  # nested: all or none inside the enclosing batch
            snapshot, held = self._snapshot(), len(self._pending)
            try:
                yield
            except BaseException:
                self._restore_snapshot(snapshot)
                del self._pending[held:]
                raise
            return
        snapshot = self._snapshot()
        self._pending = []
        try:
            yield
            problems = check_design(self._design)
            if problems:
                raise DesignError.from_problems(problems)
        except BaseException:
            self._pending = None
            self._restore_snapshot(snapshot)
            raise
        pending, self._pending = self._pending, None
        for event in pending:
            self.events.emit(event)

    def _snapshot(self) -> dict[str, Any]:
        # Entities are immutable, so shallow copies of the lists are a complete snapshot.
        design = self._design
        lists = [*COLLECTIONS.values(), "waivers", "decisions"]
        state: dict[str, Any] = {name: list(getattr(design, name)) for name in lists}
        for name in ("name", "description", "organization", "usage_policy", "layout", "answers"):
            state[name] = getattr(design, name)
        return state

    def _restore_snapshot(self, state: dict[str, Any]) -> None:
        self.version += 1
        for name, value in state.items():
            setattr(self._design, name, value)
        self._reindex()
        self.graph.rebuild(self._design)

    def _send(self, event: DesignEvent) -> None:
        self.version += 1
        if self._pending is None:
            self.events.emit(event)
        else:
            self._pending.append(event)

    # -- parts of the design that are not entities ------------------------------------------
    def set_design_info(
        self,
        name: str | None = None,
        description: str | None = None,
        covers: list[str] | Literal["unchanged"] | None = "unchanged",
    ) -> None:
        """Change the design's name, description or the structures it covers (None: all)."""
        changes: dict[str, Any] = {
            k: v for k, v in (("name", name), ("description", description)) if v is not None
        }
        if covers != "unchanged":
            changes["covers"] = covers
        try:
            checked = Design.model_validate({**self._design.model_dump(), **changes})
        except ValidationError as exc:
            raise DesignError.from_problems(problems_from_validation(exc)) from None
        self._design.name, self._design.description = checked.name, checked.description
        self._design.covers = checked.covers
        self._send(DesignEvent(Subject.DESIGN, Verb.UPDATED, self._design))

    def set_answers(
        self, answers: Answers | None, decisions: list[Decision]
    ) -> tuple[Answers | None, list[Decision]]:
        """The wizard's answers and decisions (what the design was grown from, and why);
        returns the previous pair for undo."""
        old = self._design.answers, list(self._design.decisions)
        self._design.answers, self._design.decisions = answers, list(decisions)
        self._send(DesignEvent(Subject.DESIGN, Verb.UPDATED, self._design))
        return old

    def set_usage_policy(self, **changes: Any) -> UsagePolicy:
        old = self._design.usage_policy
        try:
            new = UsagePolicy.model_validate({**old.model_dump(), **changes})
        except ValidationError as exc:
            problems = problems_from_validation(exc, ("usage_policy",))
            raise DesignError.from_problems(problems) from None
        if "ou_requirements" in changes:  # the only part that names other entities
            self._design.usage_policy = new
            problems = [p for p in check_design(self._design) if "ou_requirements" in p.path]
            if problems:
                self._design.usage_policy = old
                raise DesignError.from_problems(problems)
        self._put_usage_policy(new)
        return old

    def _put_usage_policy(self, new: UsagePolicy) -> None:
        old = self._design.usage_policy
        self._design.usage_policy = new
        self._send(DesignEvent(Subject.USAGE_POLICY, Verb.UPDATED, new, old=old))

    def _drop_requirements(self, kind: EntityKind, entity_id: str) -> UsagePolicy | None:
        """A removed OU takes its usage-policy requirement along; a removed SCP leaves the
        requirements that named it. Returns the policy before, for restore()."""
        old = self._design.usage_policy
        if kind not in (EntityKind.OU, EntityKind.SCP) or not old.ou_requirements:
            return None
        kept = []
        for need in old.ou_requirements:
            if need.ou == entity_id:
                continue
            if entity_id in need.required_scps:
                scps = [s for s in need.required_scps if s != entity_id]
                need = need.model_copy(update={"required_scps": scps})
            kept.append(need)
        if kept == old.ou_requirements:
            return None
        self._put_usage_policy(old.model_copy(update={"ou_requirements": kept}))
        return old

    def add_waiver(self, waiver: Waiver, index: int | None = None) -> None:
        """Record an accepted exception to a rule for one subject of the design."""
        if waiver.subject not in self._kinds:
            raise DesignError(f"a waiver must name a part of the design; {waiver.subject} is not")
        waivers = self._design.waivers
        position = len(waivers) if index is None else max(0, min(index, len(waivers)))
        waivers.insert(position, waiver)
        self._send(DesignEvent(Subject.WAIVER, Verb.ADDED, waiver, position))

    def remove_waiver(self, index: int) -> Waiver:
        if not 0 <= index < len(self._design.waivers):
            raise DesignError(f"there is no waiver number {index}")
        waiver = self._design.waivers.pop(index)
        self._send(DesignEvent(Subject.WAIVER, Verb.REMOVED, waiver, index))
        return waiver

    def set_position(self, node_id: str, position: NodeLayout | None) -> NodeLayout | None:
        """Place a node on the canvas (None forgets its place); returns the previous place."""
        if position is not None and self.kind(node_id) not in (
            *GRAPH_NODES,
            EntityKind.ORGANIZATION,
        ):
            raise DesignError(f"{node_id} is not a node, so it has no position")
        positions = dict(self._design.layout.positions)
        old = positions.pop(node_id, None)
        if position is not None:
            positions[node_id] = position
        # The places are NodeLayouts, checked when made: no need to validate them all again.
        self._design.layout = self._design.layout.model_copy(update={"positions": positions})
        self._send(DesignEvent(Subject.POSITION, Verb.UPDATED, node_id, old=old))
        return old

    def set_positions(self, positions: dict[str, NodeLayout | None]) -> None:
        """Place many nodes at once (a drag of a selection, a tidy layout): one layout copy."""
        for node_id in positions:
            if positions[node_id] is not None:
                allowed = (*GRAPH_NODES, EntityKind.ORGANIZATION)
                if self.kind(node_id) not in allowed:
                    raise DesignError(f"{node_id} is not a node, so it has no position")
        current = dict(self._design.layout.positions)
        old = {node_id: current.get(node_id) for node_id in positions}
        for node_id, position in positions.items():
            if position is None:
                current.pop(node_id, None)
            else:
                current[node_id] = position
        self._design.layout = self._design.layout.model_copy(update={"positions": current})
        for node_id in positions:
            self._send(DesignEvent(Subject.POSITION, Verb.UPDATED, node_id, old=old[node_id]))

    def set_collapsed(self, collapsed: list[str] | None) -> list[str] | None:
        """Which OUs the canvas draws collapsed (None: never chosen); returns the previous
        choice. Ids that name no OU are dropped."""
        known = (
            None
            if collapsed is None
            else [i for i in collapsed if self._kinds.get(i) == EntityKind.OU]
        )
        old = self._design.layout.collapsed
        self._design.layout = self._design.layout.model_copy(update={"collapsed": known})
        for unit in sorted(set(old or ()) ^ set(known or ())) or [self._design.organization.id]:
            self._send(DesignEvent(Subject.POSITION, Verb.UPDATED, unit, old=None))
        return old

    # -- internals ---------------------------------------------------------------------------
    def _path(self, kind: EntityKind, entity_id: str) -> tuple[str | int, ...]:
        if kind == EntityKind.ORGANIZATION:
            return ("organization",)
        return (COLLECTIONS[kind], self._position(kind, entity_id))

    def _verify(self, rollback: Any) -> None:
        if self._pending is not None:
            return  # batch() checks once at the end
        problems = check_design(self._design)
        if problems:
            rollback()
            raise DesignError.from_problems(problems)

    def _undo_insert(self, kind: EntityKind, position: int, entity_id: str) -> None:
        self._delete_at(kind, position)

    def _replace(self, kind: EntityKind, old: Any, new: Any, notify: bool = False) -> None:
        if kind == EntityKind.ORGANIZATION:
            self._design.organization = new
        else:
            self._items(kind)[self._position(kind, old.id)] = new
        if notify:
            self._index_updated(kind, old, new)
            self._emit(Verb.UPDATED, kind, new, old=old)

    def _dependents(self, kind: EntityKind, entity_id: str) -> list[str]:
        """Ids removed along with entity_id: contents of an OU, relationships, owned buckets."""
        design = self._design
        found: list[str] = []
        if kind == EntityKind.OU:
            found += [u.id for u in design.organizational_units if u.parent == entity_id]
            found += [a.id for a in design.accounts if a.parent == entity_id]
        if kind in GRAPH_NODES:  # the graph index knows a node's relationships: no scan
            edges = self.graph.graph
            touching = [
                *edges.out_edges(entity_id, keys=True),
                *edges.in_edges(entity_id, keys=True),
            ]
            found += [key for _u, _v, key in touching if key in self._kinds]
        if kind == EntityKind.ACCOUNT:
            found += [b.id for b in design.log_buckets if b.account == entity_id]
        if kind == EntityKind.OU:  # without its OU it would administer the whole organization
            found += [
                r.id for r in design.relationships
                if r.kind == "delegated-admin" and r.administers == entity_id
            ]  # fmt: skip
        return list(dict.fromkeys(found))

    def _drop_references(self, kind: EntityKind, entity_id: str) -> list[tuple[Any, Any]]:
        """Rewrite entities that merely point at entity_id; returns (old, new) pairs."""
        rewrites: list[tuple[Any, Any]] = []
        design = self._design
        candidates: list[tuple[Any, str]] = []
        if kind == EntityKind.ACCOUNT:
            candidates.append((design.organization, "management_account"))
            candidates += [(i, "home_account") for i in design.identity_providers]
        if kind == EntityKind.LOG_BUCKET:
            candidates += [(r, "bucket") for r in design.relationships if r.kind == "log-delivery"]
        for holder, name in candidates:
            if getattr(holder, name) == entity_id:
                rewrites.append((holder, holder.model_copy(update={name: None})))
        if kind == EntityKind.ACCOUNT:  # a removed account is no longer excluded from a scope
            for rel in design.relationships:
                if entity_id in rel.excluded_accounts:
                    kept = [a for a in rel.excluded_accounts if a != entity_id]
                    rewrites.append((rel, rel.model_copy(update={"excluded_accounts": kept})))
        if kind == EntityKind.SCP:
            holders = [design.organization, *design.organizational_units, *design.accounts]
            for holder in holders:
                name = "root_scps" if isinstance(holder, Organization) else "scps"
                if entity_id in getattr(holder, name):
                    kept = [s for s in getattr(holder, name) if s != entity_id]
                    rewrites.append((holder, holder.model_copy(update={name: kept})))
        for old, new in rewrites:
            self._replace(kind_of_entity(old), old, new, notify=True)
        return rewrites

    def _drop_waivers(self, entity_id: str) -> list[tuple[int, Waiver]]:
        """Waivers of a removed subject go with it (last first, so positions stay valid)."""
        waivers = self._design.waivers
        found = [(i, w) for i, w in enumerate(waivers) if w.subject == entity_id]
        for position, _ in reversed(found):
            self.remove_waiver(position)
        return found

    def _drop_position(self, entity_id: str) -> NodeLayout | None:
        if entity_id not in self._design.layout.positions:
            return None
        return self.set_position(entity_id, None)

    def _index_added(self, kind: EntityKind, entity: Any) -> None:
        if kind == EntityKind.RELATIONSHIP:
            self.graph.add_relationship(entity)
        elif kind in GRAPH_NODES:
            self.graph.add_node(entity.id, kind, entity)
            if kind in (EntityKind.ACCOUNT, EntityKind.OU):
                self.graph.set_parent(entity.id, entity.parent)

    def _index_removed(self, kind: EntityKind, entity: Any) -> None:
        if kind == EntityKind.RELATIONSHIP:
            self.graph.remove_relationship(entity)
        elif kind in GRAPH_NODES:
            self.graph.remove_node(entity.id)

    def _index_updated(self, kind: EntityKind, old: Any, new: Any) -> None:
        if kind == EntityKind.RELATIONSHIP:
            self.graph.remove_relationship(old)
            self.graph.add_relationship(new)
        elif kind in GRAPH_NODES:
            self.graph.update_node(new.id, kind, new)
            if kind in (EntityKind.ACCOUNT, EntityKind.OU) and old.parent != new.parent:
                self.graph.set_parent(new.id, new.parent)

    def _emit(
        self, verb: Verb, kind: EntityKind, entity: Any, index: int | None = None, old: Any = None
    ) -> None:
        self._send(DesignEvent(EVENT_SUBJECT[kind], verb, entity, index, old))
