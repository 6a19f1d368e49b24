"""The GUI's hold on a design: the Document, the one undo stack, the file, Qt signals.

Every edit goes through `_perform`: its commands are applied as a whole (all or none), then the
layout is settled — arrange() places new items, snaps dropped ones and resolves overlaps — and
the positions that changed are stored in the same undo step. So the design's layout always says
exactly what the canvas shows, after every edit, undo and redo.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from shiboken6 import Shiboken

from designer.analysis.radius import AccessIndex, access_index
from designer.core.document import Document
from designer.core.events import DesignEvent
from designer.core.scope import Scopes
from designer.drawing import collapse
from designer.drawing.collapse import Visibility
from designer.drawing.layout import Arrangement, arrange, auto_layout
from designer.drawing.layout.tree import OuTree
from designer.gui.commands import (
    AddEntityCommand,
    AddWaiverCommand,
    DocumentCommand,
    MoveNodesCommand,
    RemoveEntityCommand,
    SetAnswersCommand,
    SetCollapsedCommand,
    SetDesignInfoCommand,
    SetUsagePolicyCommand,
    UpdateEntityCommand,
    entity_label,
)
from designer.model import Design, DesignError, save_design
from designer.model.fileformat import problems_from_validation
from designer.model.governance import NodeLayout, Waiver
from designer.support.perf import settle_heap
from designer.wizard.grow import Add, Growth, Remove, SetUsagePolicy, Update

Places = dict[str, NodeLayout | None]


# Every controller alive, so the application can dispose of them all when it quits.
LIVE_CONTROLLERS: weakref.WeakSet[DesignController] = weakref.WeakSet()


def dispose_all() -> None:
    for controller in list(LIVE_CONTROLLERS):
        controller.dispose()


class DesignController(QObject):
    """Every edit the GUI makes goes through here, as an undoable command.

    Signals:
        changed(DesignEvent): the document changed (one signal per document event).
        edited(): an edit, undo or redo is complete (layout settled): redraw now.
        reset(): a different design was loaded; views rebuild.
        dirty_changed(bool): unsaved changes appeared or disappeared.
        path_changed(object): the file the design is saved to (Path or None).
    """

    changed = Signal(object)
    edited = Signal()
    reset = Signal()
    dirty_changed = Signal(bool)
    path_changed = Signal(object)

    def __init__(self, design: Design, path: Path | None = None) -> None:
        super().__init__()
        LIVE_CONTROLLERS.add(self)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.undo_stack.indexChanged.connect(self._index_changed)
        self._unsaved = False
        self.document = Document(design)
        self.path = path
        self.document.events.connect(self._forward)
        # Facts derived from the design, each worked out once per version of the document.
        self._memos: dict[str, tuple[Document, int, Any]] = {}
        self._auto_collapsed: tuple[Document, set[str]] | None = None

    def dispose(self) -> None:
        """Empty the undo history while everything it refers to is alive.

        A controller left to the garbage collector with commands on its stack is destroyed in
        the middle of a collection: Qt then deletes commands whose Python halves may already be
        gone, and the process crashes (seen when a later design was opened). So whoever ends a
        controller's life (its window, the application on quit) disposes of it first.
        """
        # A controller parented to a deleted window went with it, its stack included.
        if Shiboken.isValid(self) and Shiboken.isValid(self.undo_stack):
            self.undo_stack.clear()

    # -- loading and saving -------------------------------------------------------------------
    def load(
        self,
        design: Design,
        path: Path | None,
        dirty: bool = False,
        document: Document | None = None,
    ) -> None:
        """Replace the design (already checked by the loader); clears undo history.
        `document`: a Document of `design` built already (in a worker thread), taken as is."""
        self.document.events.disconnect(self._forward)
        built = document is not None and document.design is design
        self.document = document if built and document is not None else Document(design)
        self.document.events.connect(self._forward)
        self.undo_stack.clear()
        self._unsaved = dirty  # a recovered design has not been saved anywhere yet
        self.path = path
        self.path_changed.emit(path)
        self.reset.emit()  # the views rebuild: then what they hold is left out of full GCs
        settle_heap()
        self.dirty_changed.emit(self.is_dirty)

    @property
    def design(self) -> Design:
        return self.document.design

    def geometry(self) -> Arrangement:
        """What the canvas shows: arrange() of the design less what collapsed OUs hide,
        computed once per change."""
        arranged: Arrangement = self._per_version("geometry", self._arrange)
        return arranged

    def _per_version(self, name: str, build: Callable[[], Any]) -> Any:
        """`build()`, remembered until the document changes (or another is opened)."""
        memo = self._memos.get(name)
        if memo is None or memo[0] is not self.document or memo[1] != self.document.version:
            memo = (self.document, self.document.version, build())
            self._memos[name] = memo
        return memo[2]

    # -- collapsed OUs (view state in the layout section, changed as undo steps) -----------------
    def collapsed(self) -> set[str]:
        """The collapsed OUs: as the layout says, or, when it never said, the level that fits
        (chosen once per opened design, so edits do not fold or unfold anything)."""
        chosen = self.design.layout.collapsed
        if chosen is not None:  # less OUs deleted since (an undo may bring them back)
            return set(chosen) & {u.id for u in self.design.organizational_units}
        auto = self._auto_collapsed
        if auto is None or auto[0] is not self.document:
            auto = (self.document, collapse.fit_collapse(self.design))
            self._auto_collapsed = auto
        return set(auto[1])

    def visibility(self) -> Visibility:
        shown: Visibility = self._per_version("visibility", self._visibility)
        return shown

    def scopes(self) -> Scopes:
        """Which accounts each OU covers (the canvas's counts, dimming and grouped edges)."""
        scopes: Scopes = self._per_version("scopes", lambda: Scopes(self.design))
        return scopes

    def access_index(self) -> AccessIndex:
        """Who can reach whom with what access (scoped trusts expanded), built once per version
        of the document: the canvas and the blast-radius panel ask it for every start."""
        index: AccessIndex = self._per_version("access", lambda: access_index(self.design))
        return index

    def _visibility(self) -> Visibility:
        return collapse.visibility(self.design, self.collapsed())

    def shown_design(self) -> Design:
        return collapse.pruned(self.design, self.visibility())

    def _arrange(self, yields: Collection[str] = (), relocate: Collection[str] = ()) -> Arrangement:
        """arrange() of what is drawn: collapsed OUs as cards, what they hold left out."""
        cards = self.visibility().collapsed
        return arrange(self.shown_design(), yields, relocate=relocate, cards=cards)

    def set_collapsed(self, units: Collection[str], text: str) -> None:
        """Collapse exactly `units` (one undo step)."""
        known = {u.id for u in self.design.organizational_units}
        wanted = sorted(set(units) & known)
        if self.design.layout.collapsed is not None and set(wanted) == self.collapsed():
            return
        self._perform(text, [SetCollapsedCommand(self.document, wanted, text)])

    def collapse(self, units: Collection[str]) -> None:
        names = self._unit_names(units)
        self.set_collapsed(self.collapsed() | set(units), f"Collapse {names}")

    def expand(self, units: Collection[str]) -> None:
        """Open collapsed OUs where their cards stand; an OU opened for the first time opens to
        the level of its own tree that fits."""
        now = self.collapsed()
        drawn = self.visibility().collapsed  # one inside another card opens with it
        opening = [u for u in units if u in drawn]
        if not opening:
            return
        text = f"Expand {self._unit_names(opening)}"
        after = collapse.after_expanding(self.design, now, opening)
        commands: list[DocumentCommand] = [SetCollapsedCommand(self.document, sorted(after), text)]
        tree, cards = OuTree.of(self.design), self.geometry().containers
        stored = {i: (p.x, p.y) for i, p in self.design.layout.positions.items()}
        moved: dict[str, tuple[float, float]] = {}
        for unit in opening:
            moved.update(collapse.carried(stored, tree, unit, cards[unit].top_left))
        places = self._places(moved)
        if places:
            commands.append(MoveNodesCommand(self.document, places, text))
        self._perform(text, commands)

    def _unit_names(self, units: Collection[str]) -> str:
        if len(units) != 1:
            return f"{len(units)} OUs"
        return f"OU {self.document.get(next(iter(units))).name}"

    @property
    def is_dirty(self) -> bool:
        return self._unsaved or not self.undo_stack.isClean()

    def save(self, path: Path | None = None, force: bool = False) -> Path:
        """Save (atomically, with .bak); raises DesignError with a one-line reason. A read-only
        file is replaced only with `force` (the user confirmed)."""
        target = path or self.path
        if target is None:
            raise DesignError("choose a file name first")
        shown = self._places_command(self.geometry())
        if shown is not None:  # not an edit: what is shown, written down (overlaps resolved)
            shown.apply()
        save_design(self.design, target, force=force)
        self._unsaved = False
        self.undo_stack.setClean()
        self.dirty_changed.emit(False)
        if target != self.path:
            self.path = target
            self.path_changed.emit(target)
        return target

    def _index_changed(self, _index: int) -> None:
        self.edited.emit()

    def _clean_changed(self, _clean: bool) -> None:
        self.dirty_changed.emit(self.is_dirty)

    def _forward(self, event: DesignEvent) -> None:
        self.changed.emit(event)

    # -- the one way an edit is made ------------------------------------------------------------
    def _perform(
        self,
        text: str,
        commands: Sequence[DocumentCommand],
        yields: Collection[str] = (),
        relocate: Collection[str] = (),
    ) -> None:
        """Apply `commands` all or none (DesignError leaves nothing behind), settle the layout,
        and push it all as one undo step."""
        if not commands:
            return
        # Places the canvas shows but the file does not hold yet (an imported design) are
        # stored first, so the edit starts from exactly what the user saw.
        shown = self._places_command(self.geometry())
        with self.document.batch():
            if shown is not None:
                shown.perform()
            for command in commands:
                command.perform()
        steps = [shown, *commands] if shown is not None else list(commands)
        arranged = self._arrange(yields, relocate)
        layout = self._places_command(arranged)
        if layout is not None:
            layout.perform()
            steps.append(layout)
        # Stored, the arrangement is its own arrange(): no need to compute it again.
        self._memos["geometry"] = (self.document, self.document.version, arranged)
        if len(steps) == 1:
            self.undo_stack.push(steps[0])
            return
        self.undo_stack.beginMacro(text)
        try:
            for step in steps:
                self.undo_stack.push(step)
        finally:
            self.undo_stack.endMacro()

    def _places_command(self, arranged: Arrangement) -> MoveNodesCommand | None:
        """The stored positions that must change so the layout says what `arranged` shows."""
        current = self.design.layout.positions
        places: Places = {}
        for item_id, (x, y) in arranged.anchors().items():
            old = current.get(item_id)
            if old is None or (old.x, old.y) != (x, y):
                places[item_id] = NodeLayout(x=x, y=y, pinned=old.pinned if old else False)
        return MoveNodesCommand(self.document, places, "Arrange") if places else None

    # -- edits ------------------------------------------------------------------------------------
    def add(self, entity: Any, position: tuple[float, float] | None = None) -> None:
        """Add a node or relationship (placed in a free slot unless `position` is given)."""
        self.add_many([entity], {entity.id: position} if position else {}, "")

    def add_many(
        self, entities: list[Any], positions: dict[str, tuple[float, float]], text: str
    ) -> None:
        """Add several things as one undo step, all or none (a paste, a duplicate)."""
        commands = [
            AddEntityCommand(self.document, entity, None, _place(positions.get(entity.id)))
            for entity in entities
        ]
        yields = positions.keys()  # dropped where the user let go: the nearest free spot
        self._perform(text or commands[0].text(), commands, yields=yields)

    def remove(self, ids: list[str]) -> None:
        """Delete several things as one undo step; what a removed OU held goes with it."""
        present = [i for i in dict.fromkeys(ids) if self.document.has(i)]
        commands = [RemoveEntityCommand(self.document, i) for i in present]
        text = f"Delete {len(present)} items" if len(present) > 1 else ""
        self._perform(text or (commands[0].text() if commands else ""), commands)

    def update(self, entity_id: str, text: str | None = None, **changes: Any) -> None:
        """Change fields of one entity; raises DesignError (nothing changed) when refused.

        A new parent chosen outside the canvas puts the item into a free slot of its new OU.
        """
        entity = self.document.get(entity_id)
        if all(getattr(entity, name) == value for name, value in changes.items()):
            return
        label = text or f"Edit {entity_label(entity)}"
        command = UpdateEntityCommand(self.document, entity_id, changes, label)
        relocate = [entity_id] if "parent" in changes else []
        self._perform(label, [command], relocate=relocate)

    def move_nodes(self, positions: dict[str, tuple[float, float]], text: str = "Move") -> None:
        """New canvas positions (top-lefts) for nodes or containers, as one undo step."""
        self.move_and_reparent(positions, {}, text)

    def move_and_reparent(
        self,
        positions: dict[str, tuple[float, float]],
        parents: dict[str, str | None],
        text: str = "Move",
    ) -> None:
        """A drag: new places, and new parents where things were dropped into another OU.
        What was dropped snaps to the nearest free spot there."""
        commands: list[DocumentCommand] = [
            UpdateEntityCommand(self.document, i, {"parent": p}, text)
            for i, p in parents.items()
            if self.document.get(i).parent != p
        ]
        places = self._places(positions)
        shown = self.visibility()
        for item, parent in parents.items():
            if parent in shown.collapsed or parent in shown.hidden:
                places[item] = None  # into a closed OU: a free slot there when it opens
        if places:
            commands.append(MoveNodesCommand(self.document, places, text))
        self._perform(text, commands, yields=positions.keys())

    def tidy(self) -> list[str]:
        """The automatic layout for everything that is not pinned, as one undo step.

        The accounts that share an OU with a pinned one keep their places too: the OUs holding
        pins keep the boxes they had (which were apart), so no pinned OU has to push another.
        Returns the pinned nodes that still had to move to keep OUs apart (rare: reported).
        """
        shown = self.geometry().nodes
        pinned = {i for i, p in self.design.layout.positions.items() if p.pinned and i in shown}
        holders = {a.parent for a in self.design.accounts if a.id in pinned}
        kept = set(pinned)
        kept |= {a.id for a in self.design.accounts if a.id not in pinned and a.parent in holders}
        cards = self.visibility().collapsed
        result = auto_layout(self.shown_design(), {i: shown[i] for i in kept}, cards)
        anchors = {i: b.top_left for i, b in result.containers.items()}
        anchors.update(result.nodes)
        places = self._places({i: p for i, p in anchors.items() if i not in pinned})
        if places:
            self._perform("Tidy layout", [MoveNodesCommand(self.document, places, "Tidy layout")])
        return [i for i in pinned if self.geometry().nodes[i] != shown[i]]

    def set_pinned(self, node_ids: list[str], pinned: bool) -> None:
        """Pin or unpin nodes where they are shown (which the file may not say yet)."""
        text = "Pin" if pinned else "Unpin"
        shown, current = self.geometry().nodes, self.design.layout.positions
        places: Places = {}
        for node_id in node_ids:
            old = current.get(node_id)
            if node_id in shown and (old is None or old.pinned != pinned):
                x, y = shown[node_id]
                places[node_id] = NodeLayout(x=x, y=y, pinned=pinned)
        if places:
            self._perform(text, [MoveNodesCommand(self.document, places, text)])

    def set_usage_policy(self, text: str = "", **changes: Any) -> None:
        """Change parts of the usage policy (an OU's requirements among them) as one undo step;
        raises DesignError (nothing changed) when refused."""
        policy = self.design.usage_policy
        if all(getattr(policy, name) == value for name, value in changes.items()):
            return
        command = SetUsagePolicyCommand(self.document, changes, text or "Edit usage policy")
        self._perform(command.text(), [command])

    def set_design_info(self, **changes: Any) -> None:
        """Change the design's name, description or the structures it covers (None: all)."""
        if all(getattr(self.design, name) == value for name, value in changes.items()):
            return
        command = SetDesignInfoCommand(self.document, changes)
        self._perform(command.text(), [command])

    def waive(
        self, rule_id: str, subjects: tuple[str, ...], justification: str, author: str
    ) -> None:
        """Waive a finding: one waiver per subject it names, as one undo step."""
        if not justification.strip():
            raise DesignError("a waiver needs a justification")
        existing = {(w.rule_id, w.subject) for w in self.design.waivers}
        try:
            waivers = [
                Waiver(
                    rule_id=rule_id,
                    subject=subject,
                    justification=justification.strip(),
                    author=author or "unknown",
                    date=dt.date.today(),
                )
                for subject in subjects
                if (rule_id, subject) not in existing and self.document.has(subject)
            ]
        except ValidationError as exc:
            reason = problems_from_validation(exc)[0].message
            raise DesignError(f"waiver not added: {reason}") from None
        commands = [AddWaiverCommand(self.document, waiver) for waiver in waivers]
        self._perform(f"Waive {rule_id}", commands)  # nothing new: no empty undo step

    def grow(self, growth: Growth) -> None:
        """The wizard's growth as ONE undo step: the very edits of wizard.grow.apply_growth, in
        its order (Growth.steps), as commands. Raises DesignError (nothing changed) when the
        document refuses it."""
        text, doc = "Grow design from answers", self.document
        commands: list[DocumentCommand] = []
        for step in growth.steps():
            if isinstance(step, Add):
                commands.append(AddEntityCommand(doc, step.entity))
            elif isinstance(step, Update):
                if doc.has(step.entity_id):  # the architect may have deleted it since
                    commands.append(UpdateEntityCommand(doc, step.entity_id, step.changes, text))
            elif isinstance(step, SetUsagePolicy):
                commands.append(SetUsagePolicyCommand(doc, step.changes, text))
            elif isinstance(step, Remove):
                if doc.has(step.entity_id):
                    commands.append(RemoveEntityCommand(doc, step.entity_id))
            else:
                commands.append(SetAnswersCommand(doc, step.answers, step.decisions, text))
        self._perform(text, commands)

    def _places(self, positions: dict[str, tuple[float, float]]) -> Places:
        """NodeLayouts for new top-lefts, keeping each item's pin."""
        current = self.design.layout.positions
        places: Places = {}
        for item_id, (x, y) in positions.items():
            old = current.get(item_id)
            new = NodeLayout(x=x, y=y, pinned=old.pinned if old else False)
            if old != new:
                places[item_id] = new
        return places


def _place(position: tuple[float, float] | None) -> NodeLayout | None:
    return NodeLayout(x=position[0], y=position[1]) if position else None
