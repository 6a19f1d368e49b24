"""The scene mirrors the design: items are created, updated and removed from document events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneMouseEvent

from designer import analysis
from designer.events import DesignEvent
from designer.gui.canvas import style
from designer.gui.canvas.items import ContainerItem, EdgeItem, NodeItem
from designer.layout import auto_layout, container_boxes
from designer.model import DesignError
from designer.views import edge_label

if TYPE_CHECKING:
    from designer.gui.controller import DesignController
    from designer.gui.selection import SelectionModel
    from designer.rules.engine import Severity

NODE_KINDS = {"account", "identity_provider", "third_party"}
MARGIN = 400.0


class DesignScene(QGraphicsScene):
    """Signals:
    error(str): an edit made on the canvas was refused; the one-line reason.
    """

    error = Signal(str)

    def __init__(self, controller: DesignController, selection: SelectionModel) -> None:
        super().__init__()
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # items move a lot
        self.controller, self.selection = controller, selection
        self.nodes: dict[str, NodeItem] = {}
        self.containers: dict[str, ContainerItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self._lanes: dict[frozenset[str], set[int]] = {}  # lanes taken per pair of items
        self.view_name = "all"
        self.badges: dict[str, Severity] = {}
        self.blast_start: str | None = None
        self.view_before_blast = "all"
        self._drag_start: dict[str, QPointF] = {}
        self._unplaced: set[str] = set()  # nodes whose saved position was forgotten (undo)
        self._syncing_selection = False
        self._view_dirty = False
        self._containers_timer = QTimer(self)
        self._containers_timer.setSingleShot(True)
        self._containers_timer.timeout.connect(self.settle)
        controller.changed.connect(self._on_event)
        controller.reset.connect(self.rebuild)
        self.selectionChanged.connect(self._selection_to_model)
        selection.selection_changed.connect(self._selection_from_model)
        self.rebuild()

    # -- building -------------------------------------------------------------------------------
    def rebuild(self) -> None:
        self.clear()
        self.nodes, self.containers, self.edges = {}, {}, {}
        self._lanes = {}
        design = self.controller.design
        org = design.organization
        self._add_container(org.id, org.name, is_root=True)
        for unit in design.organizational_units:
            self._add_container(unit.id, unit.name, is_root=False)
        for kind, entities in (
            ("account", design.accounts),
            ("identity_provider", design.identity_providers),
            ("third_party", design.third_parties),
        ):
            for entity in entities:
                self._add_node(entity, kind)
        self.place_all()
        for rel in design.relationships:
            self._add_edge(rel)
        self.apply_view()
        self.apply_badges()

    def place_all(self) -> None:
        """Saved positions where there are any; an automatic layout for the rest."""
        design = self.controller.design
        saved = {i: (p.x, p.y) for i, p in design.layout.positions.items() if i in self.nodes}
        positions = saved
        if len(saved) < len(self.nodes):
            positions = {**auto_layout(design, keep=saved).nodes, **saved}
        for node_id, (x, y) in positions.items():
            if node_id in self.nodes:
                self.nodes[node_id].setPos(x, y)
                place = design.layout.positions.get(node_id)
                self.nodes[node_id].pinned = bool(place and place.pinned)
        self.sync_containers()

    def unsaved_positions(self) -> dict[str, tuple[float, float]]:
        """Positions shown but not in the design yet (from the automatic layout)."""
        saved = self.controller.design.layout.positions
        return {i: (n.x(), n.y()) for i, n in self.nodes.items() if i not in saved}

    def sync_containers(self) -> None:
        """Fit every OU box (and the root) around what it holds."""
        design = self.controller.design
        saved = {i: (p.x, p.y) for i, p in design.layout.positions.items() if i in self.containers}
        positions = {**saved, **{i: (n.x(), n.y()) for i, n in self.nodes.items()}}
        boxes = container_boxes(design, positions)
        for container_id, box in boxes.items():
            item = self.containers.get(container_id)
            if item is not None:
                item.set_box(box.x, box.y, box.width, box.height)
        rect = self.itemsBoundingRect()
        self.setSceneRect(rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))

    def _add_container(self, entity_id: str, name: str, is_root: bool) -> ContainerItem:
        item = ContainerItem(entity_id, is_root)
        item.title = name
        self.containers[entity_id] = item
        self.addItem(item)
        return item

    def _add_node(self, entity: Any, kind: str) -> NodeItem:
        item = NodeItem(entity.id, kind)
        item.set_content(entity)
        self.nodes[entity.id] = item
        self.addItem(item)
        return item

    def _endpoint(self, entity_id: str) -> NodeItem | ContainerItem | None:
        return self.nodes.get(entity_id) or self.containers.get(entity_id)

    def _add_edge(self, rel: Any) -> None:
        source, target = self._endpoint(rel.source), self._endpoint(rel.target)
        if source is None or target is None:
            return
        used = self._lanes.setdefault(frozenset((rel.source, rel.target)), set())
        lane = next(i for i in range(len(used) + 1) if i not in used)
        used.add(lane)
        item = EdgeItem(rel.id, rel.kind, source, target, lane)
        item.label = edge_label(rel)
        item.setToolTip(rel.purpose or edge_label(rel))
        self.edges[rel.id] = item
        self.addItem(item)
        self.addItem(item.label_item)

    def _remove_item(self, entity_id: str) -> None:
        for table in (self.nodes, self.containers):
            item = table.pop(entity_id, None)
            if item is not None:
                for edge in list(item.edges):
                    self._remove_edge(edge.entity_id)
                self.removeItem(item)
        self._remove_edge(entity_id)

    def _remove_edge(self, entity_id: str) -> None:
        edge = self.edges.pop(entity_id, None)
        if edge is not None:
            pair = frozenset((edge.source.entity_id, edge.target.entity_id))
            self._lanes.get(pair, set()).discard(edge.lane)
            edge.detach()
            self.removeItem(edge.label_item)
            self.removeItem(edge)

    # -- following the document -----------------------------------------------------------------
    def _on_event(self, event: DesignEvent) -> None:
        prefix, _, verb = event.name.rpartition("_")
        if event.name == "position_updated":
            self._position_updated(event.entity)
        elif prefix == "relationship":
            self._relationship_changed(verb, event.entity)
        elif prefix in ("account", "identity_provider", "third_party", "ou", "organization"):
            self._node_changed(prefix, verb, event.entity)
        else:
            return
        self._containers_timer.start(0)  # many events in one undo: fit the boxes once

    def _position_updated(self, node_id: str) -> None:
        item = self.nodes.get(node_id)
        place = self.controller.design.layout.positions.get(node_id)
        if item is not None:
            item.pinned = bool(place and place.pinned)
            item.update()
        if item is not None and place is not None:
            item.setPos(place.x, place.y)
        elif item is not None:
            self._unplaced.add(node_id)  # back to the automatic layout, once events settle

    def settle(self) -> None:
        """After a burst of events: re-place nodes that lost their position, fit the boxes."""
        if self._view_dirty:
            self._view_dirty = False
            if self.blast_start is None:
                self.apply_view()
        saved = self.controller.design.layout.positions
        unplaced = {i for i in self._unplaced if i in self.nodes and i not in saved}
        self._unplaced = set()
        if unplaced:
            self.place_all()  # also fits the boxes
        else:
            self.sync_containers()

    def _relationship_changed(self, verb: str, rel: Any) -> None:
        edge = self.edges.get(rel.id)
        same_ends = edge is not None and (edge.source.entity_id, edge.target.entity_id) == (
            rel.source,
            rel.target,
        )
        if verb == "updated" and edge is not None and same_ends:
            edge.label = edge_label(rel)  # in place: the selection and the form stay
            edge.setToolTip(rel.purpose or edge.label)
            edge.update()
            edge.refresh_label()
            return
        was_selected = edge is not None and edge.isSelected()
        self._remove_edge(rel.id)
        if verb != "removed":
            self._add_edge(rel)
            if was_selected and rel.id in self.edges:
                self.edges[rel.id].setSelected(True)
        self._view_dirty = True  # applied once when the burst of events settles

    def _node_changed(self, prefix: str, verb: str, entity: Any) -> None:
        if verb == "removed":
            self._remove_item(entity.id)
            return
        if prefix in ("ou", "organization"):
            item = self.containers.get(entity.id)
            if item is None:
                item = self._add_container(entity.id, entity.name, is_root=False)
            item.title = entity.name
            item.update()
            return
        node = self.nodes.get(entity.id)
        if node is None:
            node = self._add_node(entity, prefix)
            self._view_dirty = True
        if entity.id not in self.controller.design.layout.positions:
            self._unplaced.add(entity.id)  # the automatic layout finds it a free place
        node.set_content(entity)

    # -- views, badges, blast radius -------------------------------------------------------------
    def set_view(self, name: str) -> None:
        self.view_name = name if name in style.VIEWS else "all"
        self.blast_start = None
        self.apply_view()

    def apply_view(self) -> None:
        kinds = style.VIEWS[self.view_name]
        touched: set[str] = set()
        for edge in self.edges.values():
            visible = edge.kind in kinds
            edge.set_shown(visible)
            edge.highlight = None
            edge.show_label = self.view_name != "all"  # in All, labels on selection only
            edge.refresh_label()
            if visible:
                touched.update((edge.source.entity_id, edge.target.entity_id))
        for node in self.nodes.values():
            node.dimmed = self.view_name != "all" and node.entity_id not in touched
            node.note = ""
            node.update()

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

    def show_blast_radius(self, start: str) -> int:
        """Highlight what a compromise of `start` reaches; returns how many accounts."""
        radius = analysis.blast_radius(self.controller.design, start)
        before = self.view_before_blast if self.blast_start else self.view_name
        self.set_view("identity")
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
        return len(radius.reached)

    @staticmethod
    def _level_of(edge: EdgeItem, radius: analysis.BlastRadius) -> str | None:
        hop = radius.reached.get(edge.target.entity_id)
        return hop.level if hop else "administrator"

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

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        moved = {
            i: (n.x(), n.y())
            for i, n in self.nodes.items()
            if i in self._drag_start and n.pos() != self._drag_start[i]
        }
        self._drag_start = {}
        if moved:
            self.commit_drag(moved)

    def commit_drag(self, moved: dict[str, tuple[float, float]]) -> None:
        """One undo step: the new positions, and new parents where things were dropped."""
        parents = self._new_parents(moved)
        positions = {**self.unsaved_positions(), **moved}
        try:
            self.controller.move_and_reparent(positions, parents)
        except DesignError as exc:
            self.error.emit(str(exc))
            self.place_all()
        self.sync_containers()

    def _new_parents(self, moved: dict[str, tuple[float, float]]) -> dict[str, str | None]:
        design = self.controller.design
        root = design.organization.id
        parents: dict[str, str | None] = {}
        accounts = {a.id: a for a in design.accounts}
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
