"""The scene mirrors the design: items follow document events, geometry follows arrange().

One invariant, kept in one place (settle): every node stands where
designer.drawing.layout.arrange puts it and every OU box is the box arrange computes, after
every edit, undo, redo and load. Items are created and removed from document events; their
places are never patched event by event.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneMouseEvent

from designer import analysis
from designer.core.events import NODE_SUBJECTS, DesignEvent, Subject, Verb
from designer.core.scope import Scopes
from designer.drawing.aggregate import DrawnEdge, count_label, drawn_edges
from designer.drawing.collapse import Visibility, account_counts, descendants, summaries
from designer.drawing.filters import Filter, matching, neighbourhood
from designer.drawing.layout import Arrangement
from designer.drawing.views import label_forms
from designer.gui.canvas import style
from designer.gui.canvas.grouped import GroupEdgeItem
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
    focus_changed(bool): focus mode was left because what it started from is gone (False).
    """

    error = Signal(str)
    settled = Signal()
    focus_changed = Signal(bool)

    def __init__(self, controller: DesignController, selection: SelectionModel) -> None:
        super().__init__()
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # items move a lot
        self.controller, self.selection = controller, selection
        self.nodes: dict[str, NodeItem] = {}  # the drawn ones: none inside a collapsed OU
        self.containers: dict[str, ContainerItem] = {}
        self.edges: dict[str, EdgeItem] = {}  # by drawn edge id (a relationship's id if alone)
        self.drawn: dict[str, DrawnEdge] = {}
        self.edge_of: dict[str, str] = {}  # relationship id -> the drawn edge standing for it
        self.shown: Visibility | None = None
        self.grouping = True  # fans folded onto OUs (View > Group Relationships)
        self.filter = Filter()
        self.focus: tuple[frozenset[str], int] | None = None  # ids and hops kept in colour
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
        self._nodes_dirty = True  # which nodes and OUs are drawn may have changed
        self._edges_dirty = True  # which edges are drawn may have changed
        self._renamed: set[str] = set()  # nodes whose names edge tooltips may show
        self._reselect = False  # what is drawn changed: show the model's selection again
        self.diff_marks: dict[str, str] = {}  # compared with live: kept for items made later
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
        self.nodes, self.containers, self.edges, self.drawn, self.edge_of = {}, {}, {}, {}, {}
        self.shown = None
        self._nodes_dirty = self._edges_dirty = True
        self.blast_start = None
        self._reconcile()
        self.apply_view()
        self.apply_badges()
        self.settle()

    def _reconcile(self) -> None:
        """Make the items what the design and its collapsed OUs say is drawn: items for what
        appeared, none for what went or is now inside a collapsed OU, one edge per drawn edge."""
        shown = self.controller.visibility()
        if self.shown is None or (shown.collapsed, shown.hidden) != (
            self.shown.collapsed,
            self.shown.hidden,
        ):
            self._nodes_dirty = True
            self._reselect = True  # what was hidden is shown by its card, and back
        self.shown = shown
        if self._nodes_dirty:
            self._nodes_dirty = False
            self._edges_dirty = True
            self._reconcile_containers(shown)
            self._reconcile_nodes(shown)
        if self._edges_dirty:
            self._edges_dirty = False
            self._view_dirty = True
            self._reconcile_edges(shown)
            if self.diff_marks:
                self._mark_diff()  # items made since (an expand, an undo) are marked too

    def _reconcile_containers(self, shown: Visibility) -> None:
        design = self.controller.design
        org = design.organization
        wanted = {org.id: org.name}
        wanted.update(
            (u.id, u.name) for u in design.organizational_units if u.id not in shown.hidden
        )
        for gone in [i for i in self.containers if i not in wanted]:
            self._remove_item(gone)
        for entity_id, name in wanted.items():
            if entity_id not in self.containers:
                self._add_container(entity_id, name, is_root=entity_id == org.id)
        cards = summaries(design, shown)
        counts = account_counts(shown.tree)
        for entity_id, item in self.containers.items():
            summary = cards.get(entity_id)
            if item.summary != summary:
                item.prepareGeometryChange()  # a collapsed card is clicked anywhere
                item.summary = summary
                item.update()
            item.account_count = counts.get(entity_id, 0)  # repaints its title when it changed

    def _reconcile_nodes(self, shown: Visibility) -> None:
        design = self.controller.design
        wanted: dict[str, tuple[Any, str]] = {}
        for subject, entities in (
            (Subject.ACCOUNT, design.accounts),
            (Subject.IDENTITY_PROVIDER, design.identity_providers),
            (Subject.OUTSIDE, design.outside_principals),
        ):
            for entity in entities:
                if entity.id not in shown.hidden:
                    wanted[entity.id] = (entity, NODE_KINDS[subject])
        for gone in [i for i in self.nodes if i not in wanted]:
            self._remove_item(gone)
        for entity_id, (entity, kind) in wanted.items():
            if entity_id not in self.nodes:
                self._add_node(entity, kind)

    def _reconcile_edges(self, shown: Visibility) -> None:
        design, scopes = self.controller.design, self.scopes()
        drawn = {d.id: d for d in drawn_edges(design, shown, self.grouping, scopes)}
        reselect: set[str] = set()
        for edge_id, item in list(self.edges.items()):
            new, old = drawn.get(edge_id), self.drawn.get(edge_id)
            if new is None or old is None or (new.source, new.target) != (old.source, old.target):
                if item.isSelected():
                    reselect.add(edge_id)
                self._remove_edge(edge_id)
        for edge_id, new in drawn.items():
            kept = self.edges.get(edge_id)
            if kept is None:
                self._add_edge(new)
                if edge_id in reselect and edge_id in self.edges:
                    self.edges[edge_id].setSelected(True)
            elif self.drawn.get(edge_id) != new:
                self._describe_edge(new, kept)
                kept.update()
            elif self._renamed & {new.source, new.target}:
                self._describe_edge(new, kept)
        self._renamed.clear()
        self.drawn = drawn
        self.edge_of = {m: d.id for d in drawn.values() for m in d.members}

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

    def _add_edge(self, drawn: DrawnEdge) -> None:
        source, target = self.endpoint(drawn.source), self.endpoint(drawn.target)
        if source is None or target is None:
            return
        if drawn.members == (drawn.id,):
            item = EdgeItem(drawn.id, drawn.kind, source, target)
        else:
            item = GroupEdgeItem(drawn, source, target)
        self._describe_edge(drawn, item)
        self.edges[drawn.id] = item
        self.addItem(item)
        self.addItem(item.label_item)

    def _describe_edge(self, drawn: DrawnEdge, item: EdgeItem) -> None:
        """The edge's label and tooltip (on add, and when what it stands for changes)."""
        item.label = drawn.label
        if isinstance(item, GroupEdgeItem):
            item.drawn = drawn
            item.setToolTip(self._group_tooltip(drawn, item))
        else:
            item.setToolTip(self._edge_tooltip(self.controller.document.get(drawn.id), item))

    def scopes(self) -> Scopes:
        """Which accounts each OU covers, worked out once per version of the document."""
        return self.controller.scopes()

    def entity_ids(self, item_id: str) -> list[str]:
        """The design's ids an item stands for: itself, or an edge's relationships."""
        edge = self.edges.get(item_id)
        if isinstance(edge, GroupEdgeItem):
            return list(edge.drawn.members)
        return [item_id] if item_id else []

    def stand_in(self, entity_id: str) -> QGraphicsItem | None:
        """The item drawn for an entity: its own, its collapsed OU's card, or the edge standing
        for a relationship."""
        item: QGraphicsItem | None = (
            self.nodes.get(entity_id)
            or self.containers.get(entity_id)
            or self.edges.get(entity_id)
            or self.edges.get(self.edge_of.get(entity_id, ""))
        )
        if item is None and self.shown is not None:
            item = self.containers.get(self.shown.stand_in.get(entity_id, ""))
        document = self.controller.document
        if item is None and document.has(entity_id) and hasattr(document.get(entity_id), "source"):
            item = self.stand_in(document.get(entity_id).source)  # inside one card: the card
        return item

    def _remove_item(self, entity_id: str) -> None:
        for table in (self.nodes, self.containers):
            item = table.pop(entity_id, None)
            if item is not None:
                for edge in list(item.edges):
                    self._remove_edge(edge.entity_id)
                self._quietly_remove(item)

    def _remove_edge(self, entity_id: str) -> None:
        edge = self.edges.pop(entity_id, None)
        self.drawn.pop(entity_id, None)
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
            self._edges_dirty = True  # drawn again when the burst settles
        elif event.subject in NODE_SUBJECTS:
            self._node_changed(event.subject, event.verb, event.entity)
        elif event.subject != Subject.POSITION:
            return
        # Settled when the undo step completes (controller.edited); this catches changes made
        # to the document directly, once the burst of events is over.
        self._settle_timer.start(0)

    def _node_changed(self, subject: Subject, verb: Verb, entity: Any) -> None:
        self._nodes_dirty = True  # added, removed or moved to another OU: drawn or not
        if verb == Verb.REMOVED:
            self._remove_item(entity.id)
            return
        if subject in (Subject.OU, Subject.ORGANIZATION):
            item = self.containers.get(entity.id)
            if item is not None:
                item.set_title(entity.name)
        elif entity.id in self.nodes:
            self.nodes[entity.id].set_content(entity)
        if verb == Verb.UPDATED:  # its name may be in the tooltips of its edges
            self._renamed.add(entity.id)

    def settle(self) -> None:
        """Put every item where the document says (arrange); the edges follow once the event
        loop is idle, so a burst of settles (an undo of many steps) routes once."""
        self._settle_timer.stop()
        self._reconcile()
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
            self._prune_focus()
            if self.blast_start is None:
                self.apply_view(route=False)
            elif self.blast_start in self.nodes:
                self.show_blast_radius(self.blast_start, route=False)
            else:
                self.set_view(self.view_before_blast, route=False)
        if self._reselect:
            self._reselect = self._selection_stale = False
            self._keep_model_selection()
        if self._selection_stale:
            self._selection_stale = False
            self._selection_to_model()
        self.router.schedule()

    def set_grouping(self, grouping: bool) -> None:
        if grouping != self.grouping:
            self.grouping = grouping
            self._edges_dirty = True
            self.settle()

    # -- views, badges, blast radius -------------------------------------------------------------
    def set_view(self, name: str, route: bool = True) -> None:
        self.view_name = name if name in style.VIEWS else "all"
        self.blast_start = None
        self.apply_view(route)

    def set_filter(self, wanted: Filter) -> None:
        """Keep in full colour only what matches (the view's kinds narrowed to the filter's)."""
        self.filter = wanted
        self.apply_view()

    def set_focus(self, ids: Collection[str], hops: int = 1) -> None:
        """Keep in full colour only `ids` and what lies within `hops` edges of them; no ids
        leaves focus mode."""
        self.focus = (frozenset(ids), hops) if ids else None
        self.apply_view()

    def _prune_focus(self) -> None:
        """What focus starts from may have been deleted: the rest stays, none leaves focus."""
        if self.focus is None:
            return
        document = self.controller.document
        ids = frozenset(i for i in self.focus[0] if document.has(i))
        if ids != self.focus[0]:
            self.focus = (ids, self.focus[1]) if ids else None
            self.focus_changed.emit(self.focus is not None)

    def apply_view(self, route: bool = True) -> None:
        kinds = style.VIEWS[self.view_name]
        if self.filter.kind is not None:
            kinds = kinds & {self.filter.kind}
        touched: set[str] = set()
        shown: list[EdgeItem] = []
        for edge in self.edges.values():
            visible = edge.kind in kinds
            edge.set_shown(visible)
            edge.highlight = None
            if visible:
                touched.update((edge.source.entity_id, edge.target.entity_id))
                shown.append(edge)
        if self.view_name != "all":  # nothing is dimmed in All
            touched |= self._reached_accounts(shown)
            touched |= {
                self.shown.stand_in[i] for i in touched if self.shown and i in self.shown.stand_in
            }
        self._touched_containers = touched & self.containers.keys()
        kept, ends_kept = self.narrowed(shown)  # the filter's and the focus's
        viewed = self.view_name != "all"
        # Only what changes is repainted: 2,000 update() calls would repaint the whole view.
        for node in self.nodes.values():
            dimmed = viewed and node.entity_id not in touched
            dimmed = dimmed or (kept is not None and node.entity_id not in kept)
            if node.dimmed != dimmed or node.note:
                node.dimmed, node.note = dimmed, ""
                node.update()
        for card in self.containers.values():
            dimmed = card.summary is not None and (
                (viewed and card.entity_id not in touched)
                or (kept is not None and card.entity_id not in kept)
            )
            if card.dimmed != dimmed:
                card.dimmed = dimmed
                card.update()
        if kept is not None:  # edges the filter or the focus leaves out
            for edge in shown:
                ends = {edge.source.entity_id, edge.target.entity_id}
                edge.set_shown(ends <= ends_kept or bool(ends & kept and self.focus is None))
        if route:
            self.router.schedule()

    def narrowed(self, shown: list[EdgeItem]) -> tuple[set[str] | None, set[str]]:
        """What the filter and the focus keep (None: everything), and the ends both of which
        an edge must join to stay in focus mode."""
        if self.shown is None or (not self.filter.narrows_nodes and self.focus is None):
            return None, set()
        kept: set[str] | None = None
        if self.filter.narrows_nodes:
            kept = matching(self.controller.design, self.shown, self.filter)
        around: set[str] = set()
        if self.focus is not None:
            around = self._focus_neighbourhood(shown)
            kept = around if kept is None else kept & around
        return kept, around

    def _focus_neighbourhood(self, shown: list[EdgeItem]) -> set[str]:
        """The drawn items within the focus's steps of its start: a relationship starts from
        its ends, an open OU from what it holds; an edge standing for many links what each of
        its relationships joins (as drawn), so an account's billing in a fan still counts."""
        if self.focus is None or self.shown is None:
            return set()
        ids, hops = self.focus
        visibility, document = self.shown, self.controller.document
        start: set[str] = set()
        for entity_id in ids:
            if entity_id in self.edge_of:
                edge = self.drawn[self.edge_of[entity_id]]
                start.update((edge.source, edge.target))
            elif document.has(entity_id):
                start.add(visibility.shown(entity_id))
        for unit in [s for s in start if s in self.containers and s not in visibility.collapsed]:
            start.update(i for i in descendants(visibility.tree, unit) if not self._hidden(i))
        links: list[tuple[str, str]] = []
        for item in shown:
            drawn = self.drawn.get(item.entity_id)
            if drawn is None:
                continue
            links.append((drawn.source, drawn.target))
            for rel_id in drawn.members if drawn.grouped else ():
                rel = document.get(rel_id)
                links.append((visibility.shown(rel.source), visibility.shown(rel.target)))
        return neighbourhood(links, start, hops)

    def _hidden(self, entity_id: str) -> bool:
        return self.shown is not None and entity_id in self.shown.hidden

    def _reached_accounts(self, edges: list[EdgeItem]) -> set[str]:
        """The ends of the relationships the edges stand for, an OU or the organization as the
        accounts it covers (less the ones excluded): a view touches them as it touches an
        account at the end of an edge."""
        scopes = self.scopes()
        document = self.controller.document
        found: set[str] = set()
        seen: set[tuple[str, tuple[str, ...]]] = set()  # many shares to one OU: counted once
        for edge in edges:
            for rel_id in self.entity_ids(edge.entity_id):
                if not document.has(rel_id):
                    continue
                rel = document.get(rel_id)
                for end in (rel.source, rel.target):
                    key = (end, tuple(rel.excluded_accounts))
                    if not scopes.is_scope(end):
                        found.add(end)
                    elif key not in seen:
                        seen.add(key)
                        found.update(scopes.members(*key))
        return found

    def shown_ids(self) -> list[str]:
        """The items the current view is about: nodes it touches and the OUs its edges end on
        (everything in All), narrowed by the filter and the focus."""
        kept, _ = self.narrowed([e for e in self.edges.values() if e.isVisible()])
        if kept is not None:
            return [i for i in kept if i in self.nodes or i in self.containers]
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
        """Each item's worst finding; a collapsed OU's card the worst of everything in it."""
        worst = dict(self.badges)
        stand_in = self.shown.stand_in if self.shown is not None else {}
        for entity_id, severity in self.badges.items():
            card = stand_in.get(entity_id)
            if card is not None and (card not in worst or worst[card].rank < severity.rank):
                worst[card] = severity
        for table in (self.nodes, self.containers):
            for entity_id, item in table.items():
                badge = worst.get(entity_id)
                if item.badge != badge:
                    item.badge = badge
                    item.update()

    def apply_diff(self, marks: dict[str, str]) -> None:
        """Mark what is missing or changed live (unexpected items are not on this canvas); a
        collapsed OU's card takes a mark of what it holds. Kept for items made later."""
        self.diff_marks = {i: m for i, m in marks.items() if m in style.DIFF_COLOURS}
        self._mark_diff()

    def _mark_diff(self) -> None:
        marks = dict(self.diff_marks)
        stand_in = self.shown.stand_in if self.shown is not None else {}
        rank = {mark: i for i, mark in enumerate(style.DIFF_COLOURS)}  # strongest first
        for entity_id, mark in self.diff_marks.items():
            card = stand_in.get(entity_id)
            if card is not None and rank[mark] < rank.get(marks.get(card, ""), len(rank)):
                marks[card] = mark
        for table in (self.nodes, self.edges, self.containers):
            for entity_id, item in table.items():
                found = (marks.get(i) for i in self.entity_ids(entity_id))
                shown_mark = next((m for m in found if m is not None), None)
                if item.diff_mark != shown_mark:
                    item.diff_mark = shown_mark
                    item.update()

    def show_blast_radius(self, start: str, route: bool = True) -> analysis.BlastRadius:
        """Highlight what a compromise of `start` reaches."""
        radius = analysis.blast_radius(
            self.controller.design, start, self.controller.access_index()
        )
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
        stand_in = self.shown.stand_in if self.shown is not None else {}
        cards = {stand_in[i] for i in reached if i in stand_in}
        for card in self.containers.values():
            card.dimmed = card.summary is not None and card.entity_id not in cards
            card.update()
        on_paths = {rel for hop in radius.reached.values() for rel in hop.relationships}
        for edge in self.edges.values():
            path = next((m for m in self.entity_ids(edge.entity_id) if m in on_paths), None)
            edge.highlight = self._level_of(edge, path, radius) if path else None
            edge.set_shown(edge.isVisible() and (path is not None or not reached))
            edge.update()
        if route:
            self.router.schedule()
        return radius

    def _level_of(self, edge: EdgeItem, rel_id: str, radius: analysis.BlastRadius) -> str | None:
        hop = radius.reached.get(edge.target.entity_id)
        if hop is not None:
            return hop.level
        if isinstance(edge.target, ContainerItem):  # a scoped trust: what it grants in each
            return analysis.access_level(self.controller.document.get(rel_id))
        return "administrator"

    def find(self, text: str) -> list[str]:
        """Ids of nodes whose name or account id contains `text` (case-insensitive), those
        inside a collapsed OU too."""
        needle = text.strip().lower()
        if not needle:
            return []
        found = [
            i
            for i, node in self.nodes.items()
            if needle in node.title.lower() or needle in node.subtitle.lower()
        ]
        hidden = self.shown.hidden if self.shown is not None else frozenset()
        found += [
            a.id
            for a in self.controller.design.accounts
            if a.id in hidden
            and (needle in a.name.lower() or needle in (a.aws_account_id or "").lower())
        ]
        return found

    # -- selection ------------------------------------------------------------------------------
    def _selection_to_model(self) -> None:
        self.router.labels_wanted()  # All labels the selected relationships
        if self._syncing_selection:
            return
        ids = [
            entity_id
            for item in self.selectedItems()
            for entity_id in self.entity_ids(getattr(item, "entity_id", ""))
        ]
        self._syncing_selection = True
        self.selection.set(ids)
        self._syncing_selection = False

    def _selection_from_model(self, ids: list[str]) -> None:
        if self._syncing_selection:
            return
        self._syncing_selection = True
        wanted = {self.stand_in(i) for i in ids} - {None}  # inside a collapsed OU: its card
        for table in (self.nodes, self.containers, self.edges):
            for item in table.values():
                item.setSelected(item in wanted)
        self._syncing_selection = False

    def _keep_model_selection(self) -> None:
        """After a collapse or an expand the selection stays what it was (less what is gone),
        each id shown by its item or its card."""
        document = self.controller.document
        ids = [i for i in self.selection.ids if document.has(i)]
        if ids != self.selection.ids:
            self.selection.set(ids)
        syncing, self._syncing_selection = self._syncing_selection, False
        self._selection_from_model(ids)
        self._syncing_selection = syncing

    def items_rect(self, ids: list[str]) -> QRectF:
        """Where the items stand (a collapsed OU's card for what it holds)."""
        rect = QRectF()
        for entity_id in ids:
            item = self.stand_in(entity_id)
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

    def _group_tooltip(self, drawn: DrawnEdge, edge: EdgeItem) -> str:
        """What a grouped edge stands for: how many relationships, and the accounts of the OU
        it ends on that it leaves out."""
        title = style.EDGE_STYLES[drawn.kind].label
        lines = [f"{title}: {_end_title(edge.source)} → {_end_title(edge.target)}", drawn.label]
        lines.append(f"Stands for {len(drawn.members):,} relationships")
        if drawn.excepted:
            document = self.controller.document
            names = [str(document.get(a).name) for a in drawn.excepted[:MAX_NAMED]]
            more = len(drawn.excepted) - len(names)
            lines.append(f"Except {', '.join(names)}" + (f" and {more:,} more" if more else ""))
        if any(
            isinstance(end, ContainerItem) and end.summary for end in (edge.source, edge.target)
        ):
            lines.append("Expand the OU to see them one by one")
        return "\n".join(lines)

    def label_forms(self, edge: EdgeItem) -> tuple[str, ...]:
        """An edge's label, then shorter forms: a grouped edge's or a scoped edge's count of
        accounts comes first, as it is what a large picture is read by."""
        if isinstance(edge, GroupEdgeItem):
            count = count_label("", edge.drawn.accounts)
            return tuple(dict.fromkeys([edge.drawn.label, count, f"{edge.drawn.accounts:,}"]))
        document = self.controller.document
        if not document.has(edge.entity_id):
            return ()
        rel = document.get(edge.entity_id)
        forms = label_forms(rel)
        if edge.scoped_end is None or not forms:
            return forms
        accounts = len(self.scopes().lands_in(rel, edge.scoped_end))
        return (count_label(forms[0], accounts), *forms)

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
