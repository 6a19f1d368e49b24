"""The GUI's hold on a design: the Document, the one undo stack, the file, Qt signals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from designer.document import Document
from designer.events import DesignEvent
from designer.gui.commands import (
    AddEntityCommand,
    AddWaiverCommand,
    MoveNodesCommand,
    RemoveEntityCommand,
    SetDesignInfoCommand,
    SetUsagePolicyCommand,
    UpdateEntityCommand,
    entity_label,
)
from designer.model import Design, DesignError, save_design
from designer.model.fileformat import problems_from_validation
from designer.model.governance import NodeLayout, Waiver


class DesignController(QObject):
    """Every edit the GUI makes goes through here, as an undoable command.

    Signals:
        changed(DesignEvent): the document changed (one signal per document event).
        reset(): a different design was loaded; views rebuild.
        dirty_changed(bool): unsaved changes appeared or disappeared.
        path_changed(object): the file the design is saved to (Path or None).
    """

    changed = Signal(object)
    reset = Signal()
    dirty_changed = Signal(bool)
    path_changed = Signal(object)

    def __init__(self, design: Design, path: Path | None = None) -> None:
        super().__init__()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._unsaved = False
        self.document = Document(design)
        self.path = path
        self.document.events.connect(self._forward)

    # -- loading and saving -------------------------------------------------------------------
    def load(self, design: Design, path: Path | None, dirty: bool = False) -> None:
        """Replace the design (already checked by the loader); clears undo history."""
        self.document.events.disconnect(self._forward)
        self.document = Document(design)
        self.document.events.connect(self._forward)
        self.undo_stack.clear()
        self._unsaved = dirty  # a recovered design has not been saved anywhere yet
        self.path = path
        self.path_changed.emit(path)
        self.reset.emit()
        self.dirty_changed.emit(self.is_dirty)

    @property
    def design(self) -> Design:
        return self.document.design

    @property
    def is_dirty(self) -> bool:
        return self._unsaved or not self.undo_stack.isClean()

    def save(self, path: Path | None = None) -> Path:
        """Save (atomically, with .bak); raises DesignError with a one-line reason."""
        target = path or self.path
        if target is None:
            raise DesignError("choose a file name first")
        save_design(self.design, target)
        self._unsaved = False
        self.undo_stack.setClean()
        self.dirty_changed.emit(False)
        if target != self.path:
            self.path = target
            self.path_changed.emit(target)
        return target

    def _clean_changed(self, _clean: bool) -> None:
        self.dirty_changed.emit(self.is_dirty)

    def _forward(self, event: DesignEvent) -> None:
        self.changed.emit(event)

    # -- edits ------------------------------------------------------------------------------------
    def add(self, entity: Any, position: tuple[float, float] | None = None) -> None:
        """Add a node or relationship (validated first; DesignError leaves nothing behind)."""
        place = NodeLayout(x=position[0], y=position[1]) if position else None
        self.document.add(entity)
        if place is not None:
            self.document.set_position(entity.id, place)
        self.undo_stack.push(AddEntityCommand(self.document, entity, None, place, done=True))

    def add_many(
        self, entities: list[Any], positions: dict[str, tuple[float, float]], text: str
    ) -> None:
        """Add several things as one undo step, all or none (a paste, a duplicate)."""
        places = {i: NodeLayout(x=x, y=y) for i, (x, y) in positions.items()}
        with self.document.batch():  # refused as a whole: nothing is pushed
            for entity in entities:
                self.document.add(entity)
                if entity.id in places:
                    self.document.set_position(entity.id, places[entity.id])
        self.undo_stack.beginMacro(text)
        try:
            for entity in entities:
                place = places.get(entity.id)
                command = AddEntityCommand(self.document, entity, None, place, done=True)
                self.undo_stack.push(command)
        finally:
            self.undo_stack.endMacro()

    def remove(self, ids: list[str]) -> None:
        """Delete several things as one undo step; what a removed OU held goes with it."""
        present = [i for i in ids if self._exists(i)]
        if not present:
            return
        self.undo_stack.beginMacro(f"Delete {len(present)} item{'s' if len(present) > 1 else ''}")
        try:
            for entity_id in present:
                if self._exists(entity_id):  # may have gone with an OU removed before it
                    record = self.document.remove(entity_id)
                    self.undo_stack.push(RemoveEntityCommand(self.document, record))
        finally:
            self.undo_stack.endMacro()

    def update(self, entity_id: str, text: str | None = None, **changes: Any) -> None:
        """Change fields of one entity; raises DesignError (nothing changed) when refused."""
        entity = self.document.get(entity_id)
        old = {name: getattr(entity, name) for name in changes}
        if all(old[name] == value for name, value in changes.items()):
            return
        self.document.update(entity_id, **changes)
        label = text or f"Edit {entity_label(entity)}"
        command = UpdateEntityCommand(self.document, entity_id, old, changes, label)
        saved = self.design.layout.positions.get(entity_id)
        if "parent" not in changes or saved is None:
            self.undo_stack.push(command)
            return
        # A new parent elsewhere on the canvas: the automatic layout places the node there
        # (a drag sets the dropped position right after, in the same step).
        self.undo_stack.beginMacro(label)
        try:
            self.undo_stack.push(command)
            self.undo_stack.push(MoveNodesCommand(self.document, {entity_id: (saved, None)}))
        finally:
            self.undo_stack.endMacro()

    def move_nodes(self, positions: dict[str, tuple[float, float]], text: str = "Move") -> None:
        """New canvas positions for nodes, as one undo step."""
        current = self.design.layout.positions
        moves: dict[str, tuple[NodeLayout | None, NodeLayout | None]] = {}
        for node_id, (x, y) in positions.items():
            old = current.get(node_id)
            new = NodeLayout(x=x, y=y, pinned=old.pinned if old else False)
            if old != new:
                moves[node_id] = (old, new)
        if moves:
            self.undo_stack.push(MoveNodesCommand(self.document, moves, text))

    def move_and_reparent(
        self, positions: dict[str, tuple[float, float]], parents: dict[str, str | None]
    ) -> None:
        """A drag that drops accounts or OUs into another OU: one undo step for all of it."""
        changed = {i: p for i, p in parents.items() if self.document.get(i).parent != p}
        if not changed:
            self.move_nodes(positions)
            return
        self.undo_stack.beginMacro("Move")
        try:
            for node_id, parent in changed.items():
                self.update(node_id, text="Move", parent=parent)
            self.move_nodes(positions)
        finally:
            self.undo_stack.endMacro()

    def set_pinned(self, node_ids: list[str], pinned: bool) -> None:
        current = self.design.layout.positions
        moves: dict[str, tuple[NodeLayout | None, NodeLayout | None]] = {
            i: (current[i], current[i].model_copy(update={"pinned": pinned}))
            for i in node_ids
            if i in current and current[i].pinned != pinned
        }
        if moves:
            text = "Pin" if pinned else "Unpin"
            self.undo_stack.push(MoveNodesCommand(self.document, moves, text))

    def set_usage_policy(self, **changes: Any) -> None:
        policy = self.design.usage_policy
        old = {name: getattr(policy, name) for name in changes}
        if old == changes:
            return
        self.document.set_usage_policy(**changes)
        self.undo_stack.push(SetUsagePolicyCommand(self.document, old, changes))

    def set_design_info(self, **changes: str) -> None:
        old = {name: getattr(self.design, name) for name in changes}
        if old == changes:
            return
        self.document.set_design_info(**changes)
        self.undo_stack.push(SetDesignInfoCommand(self.document, old, changes))

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
                if (rule_id, subject) not in existing and self._exists(subject)
            ]
        except ValidationError as exc:
            reason = problems_from_validation(exc)[0].message
            raise DesignError(f"waiver not added: {reason}") from None
        if not waivers:
            return  # nothing new: no empty step on the undo stack
        self.undo_stack.beginMacro(f"Waive {rule_id}")
        try:
            for waiver in waivers:
                self.undo_stack.push(AddWaiverCommand(self.document, waiver))
        finally:
            self.undo_stack.endMacro()

    def _exists(self, entity_id: str) -> bool:
        try:
            self.document.kind(entity_id)
        except DesignError:
            return False
        return True
