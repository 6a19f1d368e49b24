"""Undo commands: each edit is written once, in its command's apply(), and calls only Document
methods, so undo works the same from every view.

The controller applies a command (to learn whether the Document accepts it) and then pushes it;
`perform()` marks it applied so that the push's first redo() does not repeat the edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from designer.core.document import Document, Removal
    from designer.model.answers import Answers
    from designer.model.decisions import Decision
    from designer.model.governance import NodeLayout, Waiver

Moves = dict[str, tuple["NodeLayout | None", "NodeLayout | None"]]


def entity_label(entity: Any) -> str:
    """How the Edit menu names an entity: its name, a role name, or its kind."""
    for name in ("name", "role_name"):
        value = getattr(type(entity), "model_fields", {}).get(name) and getattr(entity, name)
        if value:
            return str(value)
    return str(getattr(entity, "kind", type(entity).__name__))


class DocumentCommand(QUndoCommand):
    """One edit of the Document: apply() makes it (first time and redo), undo() takes it back."""

    def __init__(self, document: Document, text: str) -> None:
        super().__init__(text)
        self.document = document
        self._applied = False

    def perform(self) -> None:
        """Make the edit now, before the command is pushed (raises DesignError when refused)."""
        self.apply()
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False  # pushed right after perform(): already done
            return
        self.apply()

    def apply(self) -> None:
        raise NotImplementedError


class AddEntityCommand(DocumentCommand):
    def __init__(
        self,
        document: Document,
        entity: Any,
        index: int | None = None,
        position: NodeLayout | None = None,
    ) -> None:
        super().__init__(document, f"Add {entity_label(entity)}")
        self.entity, self.index, self.position = entity, index, position

    def apply(self) -> None:
        self.document.add(self.entity, self.index)
        if self.position is not None:
            self.document.set_position(self.entity.id, self.position)

    def undo(self) -> None:
        self.document.remove(self.entity.id)


class RemoveEntityCommand(DocumentCommand):
    """Remove an entity and what depends on it; nothing when an earlier removal took it along."""

    def __init__(self, document: Document, entity_id: str) -> None:
        super().__init__(document, f"Delete {entity_label(document.get(entity_id))}")
        self.entity_id = entity_id
        self.record: Removal | None = None

    def apply(self) -> None:
        self.record = None
        if self.document.has(self.entity_id):
            self.record = self.document.remove(self.entity_id)

    def undo(self) -> None:
        if self.record is not None:
            self.document.restore(self.record)


class UpdateEntityCommand(DocumentCommand):
    def __init__(self, document: Document, entity_id: str, changes: dict[str, Any], text: str):
        super().__init__(document, text)
        entity = document.get(entity_id)
        self.entity_id, self.new = entity_id, changes
        self.old = {name: getattr(entity, name) for name in changes}

    def apply(self) -> None:
        self.document.update(self.entity_id, **self.new)

    def undo(self) -> None:
        self.document.update(self.entity_id, **self.old)


class MoveNodesCommand(DocumentCommand):
    """New canvas places for several nodes and containers: one step for a drag or a tidy."""

    def __init__(self, document: Document, places: dict[str, NodeLayout | None], text: str):
        super().__init__(document, text)
        current = document.design.layout.positions
        self.moves: Moves = {i: (current.get(i), new) for i, new in places.items()}

    def apply(self) -> None:
        self.document.set_positions({i: new for i, (_old, new) in self.moves.items()})

    def undo(self) -> None:
        self.document.set_positions({i: old for i, (old, _new) in self.moves.items()})


class SetCollapsedCommand(DocumentCommand):
    """Which OUs the canvas draws collapsed (view state kept in the layout section)."""

    def __init__(self, document: Document, collapsed: list[str], text: str) -> None:
        super().__init__(document, text)
        self.collapsed = collapsed
        self.before = document.design.layout.collapsed

    def apply(self) -> None:
        self.document.set_collapsed(self.collapsed)

    def undo(self) -> None:
        self.document.set_collapsed(self.before)


class SetUsagePolicyCommand(DocumentCommand):
    def __init__(
        self, document: Document, changes: dict[str, Any], text: str = "Edit usage policy"
    ) -> None:
        super().__init__(document, text)
        policy = document.design.usage_policy
        self.new, self.old = changes, {name: getattr(policy, name) for name in changes}

    def apply(self) -> None:
        self.document.set_usage_policy(**self.new)

    def undo(self) -> None:
        self.document.set_usage_policy(**self.old)


class SetDesignInfoCommand(DocumentCommand):
    """Name, description or covered structures (covers None: a whole organization)."""

    def __init__(self, document: Document, changes: dict[str, Any]) -> None:
        super().__init__(document, "Edit design")
        design = document.design
        self.new, self.old = changes, {name: getattr(design, name) for name in changes}

    def apply(self) -> None:
        self.document.set_design_info(**self.new)

    def undo(self) -> None:
        self.document.set_design_info(**self.old)


class AddWaiverCommand(DocumentCommand):
    def __init__(self, document: Document, waiver: Waiver) -> None:
        super().__init__(document, f"Waive {waiver.rule_id}")
        self.waiver = waiver
        self.index: int | None = None  # at the end of the list, where it first went

    def apply(self) -> None:
        if self.index is None:
            self.index = len(self.document.design.waivers)
        self.document.add_waiver(self.waiver, self.index)

    def undo(self) -> None:
        if self.index is not None:
            self.document.remove_waiver(self.index)


class SetAnswersCommand(DocumentCommand):
    """The wizard's answers and decisions stored in the design; undo restores the previous pair."""

    def __init__(
        self,
        document: Document,
        answers: Answers,
        decisions: list[Decision],
        text: str = "Set the wizard's answers",
    ) -> None:
        super().__init__(document, text)
        self.answers, self.decisions = answers, list(decisions)
        self.old: tuple[Answers | None, list[Decision]] = (
            document.design.answers,
            list(document.design.decisions),
        )

    def apply(self) -> None:
        self.old = self.document.set_answers(self.answers, self.decisions)

    def undo(self) -> None:
        self.document.set_answers(*self.old)
