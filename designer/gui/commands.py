"""Undo commands: each calls only Document methods, so undo works the same from every view.

The controller performs an edit once to validate it, then pushes the command with `done=True`,
so the command's first redo() does not repeat the edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from designer.document import Document, Removal
    from designer.model.governance import NodeLayout, Waiver


def entity_label(entity: Any) -> str:
    """How the Edit menu names an entity: its name, a role name, or its kind."""
    for name in ("name", "role_name"):
        value = getattr(type(entity), "model_fields", {}).get(name) and getattr(entity, name)
        if value:
            return str(value)
    return str(getattr(entity, "kind", type(entity).__name__))


class _DocumentCommand(QUndoCommand):
    def __init__(self, document: Document, text: str, done: bool) -> None:
        super().__init__(text)
        self.document = document
        self._skip_redo = done

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.apply()

    def apply(self) -> None:
        raise NotImplementedError


class AddEntityCommand(_DocumentCommand):
    def __init__(
        self,
        document: Document,
        entity: Any,
        index: int | None,
        position: NodeLayout | None,
        done: bool = False,
    ) -> None:
        super().__init__(document, f"Add {entity_label(entity)}", done)
        self.entity, self.index, self.position = entity, index, position

    def apply(self) -> None:
        self.document.add(self.entity, self.index)
        if self.position is not None:
            self.document.set_position(self.entity.id, self.position)

    def undo(self) -> None:
        self.document.remove(self.entity.id)


class RemoveEntityCommand(_DocumentCommand):
    def __init__(self, document: Document, record: Removal, done: bool = True) -> None:
        super().__init__(document, f"Delete {entity_label(record.entity)}", done)
        self.record = record

    def apply(self) -> None:
        self.record = self.document.remove(self.record.entity.id)

    def undo(self) -> None:
        self.document.restore(self.record)


class UpdateEntityCommand(_DocumentCommand):
    def __init__(
        self,
        document: Document,
        entity_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        text: str,
        done: bool = True,
    ) -> None:
        super().__init__(document, text, done)
        self.entity_id, self.old, self.new = entity_id, old, new

    def apply(self) -> None:
        self.document.update(self.entity_id, **self.new)

    def undo(self) -> None:
        self.document.update(self.entity_id, **self.old)


class MoveNodesCommand(_DocumentCommand):
    """New canvas positions for several nodes: one undo step for a whole drag."""

    def __init__(
        self,
        document: Document,
        moves: dict[str, tuple[NodeLayout | None, NodeLayout | None]],
        text: str = "Move",
        done: bool = False,
    ) -> None:
        super().__init__(document, text, done)
        self.moves = moves

    def apply(self) -> None:
        self.document.set_positions({i: new for i, (_old, new) in self.moves.items()})

    def undo(self) -> None:
        self.document.set_positions({i: old for i, (old, _new) in self.moves.items()})


class SetUsagePolicyCommand(_DocumentCommand):
    def __init__(
        self, document: Document, old: dict[str, Any], new: dict[str, Any], done: bool = True
    ) -> None:
        super().__init__(document, "Edit usage policy", done)
        self.old, self.new = old, new

    def apply(self) -> None:
        self.document.set_usage_policy(**self.new)

    def undo(self) -> None:
        self.document.set_usage_policy(**self.old)


class SetDesignInfoCommand(_DocumentCommand):
    def __init__(
        self, document: Document, old: dict[str, str], new: dict[str, str], done: bool = True
    ) -> None:
        super().__init__(document, "Edit design", done)
        self.old, self.new = old, new

    def apply(self) -> None:
        self.document.set_design_info(**self.new)

    def undo(self) -> None:
        self.document.set_design_info(**self.old)


class AddWaiverCommand(_DocumentCommand):
    def __init__(self, document: Document, waiver: Waiver, done: bool = False) -> None:
        super().__init__(document, f"Waive {waiver.rule_id}", done)
        self.waiver = waiver
        self.index = len(document.design.waivers)

    def apply(self) -> None:
        self.document.add_waiver(self.waiver, self.index)

    def undo(self) -> None:
        self.document.remove_waiver(self.index)
