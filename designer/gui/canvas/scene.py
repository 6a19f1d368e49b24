"""The scene mirrors the design: items follow document events, geometry follows arrange().

One invariant, kept in one place (settle): every node stands where
designer.drawing.layout.arrange puts it and every OU box is the box arrange computes, after
every edit, undo, redo and load. Items are created and removed from document events; their
places are never patched event by event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneMouseEvent

from designer import analysis
from designer.core.events import NODE_SUBJECTS, DesignEvent, Subject, Verb
from designer.core.scope import Scopes
from designer.drawing.layout import Arrangement
from designer.drawing.views import edge_label
from designer.gui.canvas import style
from designer.gui.canvas.items import ContainerItem, EdgeItem, NodeItem
from designer.gui.canvas.routes import EdgeRouter
from designer.model import DesignError

if TYPE_CHECKING:
    from designer.gui.controller import DesignController
    from designer.gui.selection import SelectionModel
    from designer.rules.engine import Severity

MARGIN = 400.0
MAX_NAMED = 5  # excluded accounts named in an edge's tooltip, then "and n more"
NODE_KINDS = {
    Subject.ACCOUNT: "account",
    Subject.IDENTITY_PROVIDER: "identity_provider",
    Subject.OUTSIDE: "outside_principal",
}


class DesignScene(QGraphicsScene):
    """Signals:
    error(str): an edit made on the canvas was refused; the one-line reason.
    settled(): the edges are routed around the items where they now stand (after each change).
    """

    error = Signal(str)
    settled = Signal()

    def __init__(self, controller: DesignController, selection: SelectionModel) -> None:
        super().__init__()
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # items move a lot
        self.controller, self.selection = controller, selection
        self.nodes: dict[str, NodeItem] = {}
        self.containers: dict[str, ContainerItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self.view_name = "all"
        self.badges: dict[str, Severity] = {}
        self.blast_start: str | None = None
        self.view_before_blast = "all"
        self.geometry: Arrangement | None = None
        self._touched_containers: set[str] = set()  # OUs the current view's edges end on
        self.router = EdgeRouter(self)
        self._drag_start: dict[str, QPointF] = {}
        self._drag_last: dict[str, QPointF] = {}
        self._syncing_selection = False
        self._selection_stale = False  # items left the selection while it was not listening
        self._view_dirty = False
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.timeout.connect(self.settle)
        controller.changed.connect(self._on_event)
        controller.edited.connect(self.settle)
        controller.reset.connect(self.rebuild)
        self.selectionChanged.connect(self._selection_to_model)
        selection.selection_changed.connect(self._selection_from_model)
        self.rebuild()

    # -- building -------------------------------------------------------------------------------
    def rebuild(self) -> None:
        self.clear()
        self.nodes, self.containers, self.edges = {}, {}, {}
        design = self.controller.design
        org = design.organization
        self._add_container(org.id, org.name, is_root=True)
        for unit in design.organizational_units:
            self._add_container(unit.id, unit.name, is_root=False)
        for subject, entities in (
            (Subject.ACCOUNT, design.accounts),
            (Subject.IDENTITY_PROVIDER, design.identity_providers),
            (Subject.OUTSIDE, design.outside_principals),
        ):
            for entity in entities:
                self._add_node(entity, NODE_KINDS[subject])
        for rel in design.relationships:
            self._add_edge(rel)
        self.blast_start = None
        self.apply_view()
        self.apply_badges()
        self.settle()

    def _add_container(self, entity_id: str, name: str, is_root: bool) -> ContainerItem:
        item = ContainerItem(entity_id, is_root)
        item.set_title(name)
        self.containers[entity_id] = item
        self.addItem(item)
        return item

    def _add_node(self, entity: Any, kind: str) -> NodeItem:
        item = NodeItem(entity.id, kind)
        item.set_content(entity)
        self.nodes[entity.id] = item
        self.addItem(item)
        return item

    def endpoint(self, entity_id: str) -> NodeItem | ContainerItem | None:
        return self.nodes.get(entity_id) or self.containers.get(entity_id)

    def _add_edge(self, rel: Any) -> None:
        source, target = self.endpoint(rel.source), self.endpoint(rel.target)
        if source is None or target is None:
            return
        item = EdgeItem(rel.id, rel.kind, source, target)
        item.label = edge_label(rel)
        item.setToolTip(self._edge_tooltip(rel, item))
        self.edges[rel.id] = item
        self.addItem(item)
        self.addItem(item.label_item)

    def _remove_item(self, entity_id: str) -> None:
        for table in (self.nodes, self.containers):
            item = table.pop(entity_id, None)
            if item is not None:
                for edge in list(item.edges):
                    self._remove_edge(edge.entity_id)
                self._quietly_remove(item)

    def _remove_edge(self, entity_id: str) -> None:
        edge = self.edges.pop(entity_id, None)
        if edge is not None:
            edge.detach()
            self.removeItem(edge.label_item)
            self._quietly_remove(edge)

    def _quietly_remove(self, item: QGraphicsItem) -> None:
        """Removing a selected item changes the selection: told once when the burst settles,
        not once per item (deleting 2,000 selected accounts would tell it 2,000 times)."""
        if not item.isSelected():
            self.removeItem(item)
            return
        syncing, self._syncing_selection = self._syncing_selection, True
        self.removeItem(item)
        self._syncing_selection = syncing
        self._selection_stale = True

    # -- following the document -----------------------------------------------------------------
    def _on_event(self, event: DesignEvent) -> None:
        if event.subject == Subject.RELATIONSHIP:
            self._relationship_changed(event.verb, event.entity)
        elif event.subject in NODE_SUBJECTS:
            self._node_changed(event.subject, event.verb, event.entity)
        elif event.subject != Subject.POSITION:
            return
        # Settled when the undo step completes (controller.edited); this catches changes made
        # to the document directly, once the burst of events is over.
        self._settle_timer.start(0)

    def _relationship_changed(self, verb: Verb, rel: Any) -> None:
        edge = self.edges.get(rel.id)
        same_ends = edge is not None and (edge.source.entity_id, edge.target.entity_id) == (
            rel.source,
            rel.target,
        )
        if verb == Verb.UPDATED and edge is not None and same_ends:
            edge.label = edge_label(rel)  # in place: the selection and the form stay
            edge.setToolTip(self._edge_tooltip(rel, edge))
            edge.update()
            self._view_dirty = True
            return
        was_selected = edge is not None and edge.isSelected()
        self._remove_edge(rel.id)
        if verb != Verb.REMOVED:
            self._add_edge(rel)
            if was_selected and rel.id in self.edges:
                self.edges[rel.id].setSelected(True)
        self._view_dirty = True  # applied once when the burst of events settles

    def _node_changed(self, subject: Subject, verb: Verb, entity: Any) -> None:
        if verb == Verb.REMOVED:
            self._remove_item(entity.id)
            self._view_dirty = True
            return
        if (
            not self._view_dirty  # once per burst of events
            and subject in (Subject.ACCOUNT, Subject.OU)
            and self._dims_by_scope()
        ):
            self._view_dirty = True  # an account moved into or out of a scope a view shows
        if subject in (Subject.OU, Subject.ORGANIZATION):
            item = self.containers.get(entity.id)
            if item is None:
                item = self._add_container(entity.id, entity.name, is_root=False)
            item.set_title(entity.name)
            return
        node = self.nodes.get(entity.id)
        if node is None:
            node = self._add_node(entity, NODE_KINDS[subject])
            self._view_dirty = True
        node.set_content(entity)

    def settle(self) -> None:
        """Put every item where the document says (arrange); the edges follow once the event
        loop is idle, so a burst of settles (an undo of many steps) routes once."""
        self._settle_timer.stop()
        design = self.controller.design
        self.geometry = self.controller.geometry()
        positions = design.layout.positions
        for node_id, (x, y) in self.geometry.nodes.items():
            item = self.nodes.get(node_id)
            if item is not None:
                if item.pos() != QPointF(x, y):
                    item.setPos(x, y)
                place = positions.get(node_id)
                pinned = bool(place and place.pinned)
                if item.pinned != pinned:
                    item.pinned = pinned
                    item.update()
        for container_id, box in self.geometry.containers.items():
            container = self.containers.get(container_id)
            if container is not None:
                container.set_box(box)
        rect = self.itemsBoundingRect()
        self.setSceneRect(rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))
        if self._view_dirty:
            self._view_dirty = False
            if self.blast_start is None:
                self.apply_view(route=False)
            elif self.blast_start in self.nodes:
                self.show_blast_radius(self.blast_start, route=False)
            else:
                self.set_view(self.view_before_blast, route=False)
        if self._selection_stale:
            self._selection_stale = False
            self._selection_to_model()
        self.router.schedule()

    # -- views, badges, blast radius -------------------------------------------------------------
    def set_view(self, name: str, route: bool = True) -> None:
        self.view_name = name if name in style.VIEWS else "all"
        self.blast_start = None
        self.apply_view(route)

    def apply_view(self, route: bool = True) -> None:
        kinds = style.VIEWS[self.view_name]
        touched: set[str] = set()
        scoped: list[EdgeItem] = []
        for edge in self.edges.values():
            visible = edge.kind in kinds
            edge.set_shown(visible)
            edge.highlight = None
            if visible:
                touched.update((edge.source.entity_id, edge.target.entity_id))
                if edge.scoped_end is not None:
                    scoped.append(edge)
        touched.update(self._scope_members(scoped))
        self._touched_containers = touched & self.containers.keys()
        for node in self.nodes.values():
            node.dimmed = self.view_name != "all" and node.entity_id not in touched
            node.note = ""
            node.update()
        if route:
            self.router.schedule()

    def _dims_by_scope(self) -> bool:
        """Whether what is dimmed depends on which accounts an OU holds: a view other than All
        or a blast radius, with an edge on an OU or the organization."""
        if self.view_name == "all" and self.blast_start is None:
            return False
        return any(edge.scoped_end is not None for edge in self.edges.values())

    def _scope_members(self, edges: list[EdgeItem]) -> set[str]:
        """The accounts that edges ending on an OU or the organization stand for (less the
        ones they exclude): a view touches them as it touches an account at the end of an
        edge."""
        if not edges:
            return set()
        scopes = Scopes(self.controller.design)
        document = self.controller.document
        found: set[str] = set()
        seen: set[tuple[str, tuple[str, ...]]] = set()  # many shares to one OU: counted once
        for edge in edges:
            if not document.has(edge.entity_id):
                continue
            rel = document.get(edge.entity_id)
            scope = rel.target if edge.scoped_end == "target" else rel.source
            key = (scope, tuple(rel.excluded_accounts))
            if key not in seen:
                seen.add(key)
                found.update(scopes.members(*key))
        return found

    def shown_ids(self) -> list[str]:
        """The items the current view is about: nodes it touches and the OUs its edges end on
        (everything in All)."""
        if self.view_name == "all" and self.blast_start is None:
            return [*self.containers, *self.nodes]
        nodes = [i for i, n in self.nodes.items() if not n.dimmed]
        if self.blast_start is not None:
            return nodes
        return [*self._touched_containers, *nodes]

    def set_badges(self, badges: dict[str, Severity]) -> None:
        self.badges = badges
        self.apply_badges()

    def apply_badges(self) -> None:
        for table in (self.nodes, self.containers):
            for entity_id, item in table.items():
                badge = self.badges.get(entity_id)
                if item.badge != badge:
                    item.badge = badge
                    item.update()

    def apply_diff(self, marks: dict[str, str]) -> None:
        """Mark what is missing or changed live (unexpected items are not on this canvas)."""
        for table in (self.nodes, self.edges):
            for entity_id, item in table.items():
                mark = marks.get(entity_id)
                item.diff_mark = mark if mark in style.DIFF_COLOURS else None
                item.update()

    def show_blast_radius(self, start: str, route: bool = True) -> analysis.BlastRadius:
        """Highlight what a compromise of `start` reaches."""
        radius = analysis.blast_radius(self.controller.design, start)
        before = self.view_before_blast if self.blast_start else self.view_name
        self.set_view("identity", route=False)
        self.view_before_blast = before
        self.blast_start = start
        reached = {start, *radius.reached}
        for node in self.nodes.values():
            hit = radius.reached.get(node.entity_id)
            node.note = hit.level if hit else ""
            node.dimmed = node.entity_id not in reached
            node.update()
        on_paths = {rel for hop in radius.reached.values() for rel in hop.relationships}
        for edge in self.edges.values():
            edge.highlight = self._level_of(edge, radius) if edge.entity_id in on_paths else None
            edge.set_shown(edge.isVisible() and (edge.entity_id in on_paths or not reached))
            edge.update()
        if route:
            self.router.schedule()
        return radius

    def _level_of(self, edge: EdgeItem, radius: analysis.BlastRadius) -> str | None:
        hop = radius.reached.get(edge.target.entity_id)
        if hop is not None:
            return hop.level
        if isinstance(edge.target, ContainerItem):  # a scoped trust: what it grants in each
            return analysis.access_level(self.controller.document.get(edge.entity_id))
        return "administrator"

    def find(self, text: str) -> list[str]:
        """Ids of nodes whose name or account id contains `text` (case-insensitive)."""
        needle = text.strip().lower()
        if not needle:
            return []
        return [
            i
            for i, node in self.nodes.items()
            if needle in node.title.lower() or needle in node.subtitle.lower()
        ]

    # -- selection ------------------------------------------------------------------------------
    def _selection_to_model(self) -> None:
        self.router.labels_wanted()  # All labels the selected relationships
        if self._syncing_selection:
            return
        ids = [
            getattr(item, "entity_id", "")
            for item in self.selectedItems()
            if getattr(item, "entity_id", "")
        ]
        self._syncing_selection = True
        self.selection.set(ids)
        self._syncing_selection = False

    def _selection_from_model(self, ids: list[str]) -> None:
        if self._syncing_selection:
            return
        self._syncing_selection = True
        wanted = set(ids)
        for table in (self.nodes, self.containers, self.edges):
            for entity_id, item in table.items():
                item.setSelected(entity_id in wanted)
        self._syncing_selection = False

    def items_rect(self, ids: list[str]) -> QRectF:
        rect = QRectF()
        for entity_id in ids:
            item: QGraphicsItem | None = (
                self.nodes.get(entity_id)
                or self.containers.get(entity_id)
                or self.edges.get(entity_id)
            )
            if item is not None:
                rect = rect.united(item.sceneBoundingRect())
        return rect

    # -- dragging -------------------------------------------------------------------------------
    def container_moving(self, container: ContainerItem, delta: QPointF) -> None:
        """An OU is dragged: what it holds moves with it."""
        design = self.controller.design
        for account in design.accounts:
            if account.parent == container.entity_id and account.id in self.nodes:
                node = self.nodes[account.id]
                if not node.isSelected():  # a selected node moves by itself
                    node.setPos(node.pos() + delta)
        for unit in design.organizational_units:
            child = self.containers.get(unit.id)
            if unit.parent == container.entity_id and child is not None and not child.isSelected():
                child.setPos(child.pos() + delta)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mousePressEvent(event)
        self._drag_start = {i: n.pos() for i, n in self.nodes.items()}
        self._drag_start.update({i: c.pos() for i, c in self.containers.items()})
        self._drag_last = dict(self._drag_start)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if self._drag_last:
            self._follow_drag()

    def _follow_drag(self) -> None:
        """While dragging, the edges of what moved follow it (re-routed at the drop)."""
        for node_id, item in self.nodes.items():
            last = self._drag_last.get(node_id)
            if last is not None and item.pos() != last:
                self._drag_last[node_id] = item.pos()
                for edge in item.edges:
                    edge.follow_ends()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        items: dict[str, NodeItem | ContainerItem] = {**self.nodes, **self.containers}
        moved = {
            i: (item.x(), item.y())
            for i, item in items.items()
            if i in self._drag_start and item.pos() != self._drag_start[i]
        }
        self._drag_start, self._drag_last = {}, {}
        if moved:
            self.commit_drag(moved)

    def commit_drag(self, moved: dict[str, tuple[float, float]]) -> None:
        """One undo step: the new places, and new parents where things were dropped."""
        parents = self._new_parents(moved)
        try:
            self.controller.move_and_reparent(moved, parents)
        except DesignError as exc:
            self.error.emit(exc.reason())
        self.settle()  # also puts everything back when the drop was refused

    def _new_parents(self, moved: dict[str, tuple[float, float]]) -> dict[str, str | None]:
        design = self.controller.design
        root = design.organization.id
        parents: dict[str, str | None] = {}
        accounts = {a.id for a in design.accounts}
        for node_id in moved:
            if node_id not in accounts or not self.nodes[node_id].isSelected():
                continue  # carried along by its OU: keeps its parent
            under = self._container_at(self.nodes[node_id].center(), exclude=set())
            if under is not None:
                parents[node_id] = None if under == root else under
        for item in self.selectedItems():
            if isinstance(item, ContainerItem) and not item.is_root:
                exclude = {item.entity_id, *self._descendant_ous(item.entity_id)}
                under = self._container_at(item.center(), exclude)
                if under is not None:
                    parents[item.entity_id] = None if under == root else under
        return parents

    def container_at(self, point: QPointF) -> str | None:
        """The innermost OU (or the root) whose box holds `point`; None outside the root."""
        return self._container_at(point, exclude=set())

    def _container_at(self, point: QPointF, exclude: set[str]) -> str | None:
        """The innermost (smallest) container box holding `point`."""
        best: tuple[float, str] | None = None
        for container_id, item in self.containers.items():
            rect = item.scene_rect()
            if container_id in exclude or not rect.contains(point):
                continue
            area = rect.width() * rect.height()
            if best is None or area < best[0]:
                best = (area, container_id)
        return best[1] if best else None

    def _descendant_ous(self, ou_id: str) -> set[str]:
        children: dict[str | None, list[str]] = {}
        for unit in self.controller.design.organizational_units:
            children.setdefault(unit.parent, []).append(unit.id)
        found, stack = set(), [ou_id]
        while stack:
            for child in children.get(stack.pop(), []):
                found.add(child)
                stack.append(child)
        return found

    def _edge_tooltip(self, rel: Any, edge: EdgeItem) -> str:
        """Who to whom, the full label, whom a scoped end stands for, and the purpose: what the
        label may have shortened."""
        title = style.EDGE_STYLES[rel.kind].label
        lines = [f"{title}: {_end_title(edge.source)} → {_end_title(edge.target)}"]
        if edge.label:
            lines.append(edge.label)
        for end in (edge.source, edge.target):
            if isinstance(end, ContainerItem):
                lines.append(self._scope_line(rel, end, "into" if end is edge.target else "from"))
        if rel.kind == "delegated-admin":
            scope = self.containers.get(rel.administers or self.controller.design.organization.id)
            if scope is not None:
                lines.append(self._scope_line(rel, scope, "administers"))
        if getattr(rel, "purpose", ""):
            lines.append(rel.purpose)
        return "\n".join(lines)

    def _scope_line(self, rel: Any, scope: ContainerItem, direction: str) -> str:
        """ "Into every account of OU Workloads, now and in future, except Dev, Test"."""
        where = "the organization" if scope.is_root else f"OU {scope.title}"
        line = f"{direction.capitalize()} every account of {where}, now and in future"
        excluded = rel.excluded_accounts
        if not excluded:
            return line
        document = self.controller.document
        names = [str(document.get(a).name) for a in excluded[:MAX_NAMED] if document.has(a)]
        more = len(excluded) - len(names)
        return f"{line}, except {', '.join(names)}" + (f" and {more} more" if more else "")


def _end_title(end: NodeItem | ContainerItem) -> str:
    if isinstance(end, ContainerItem):
        return end.title if end.is_root else f"OU {end.title}"
    return end.title
