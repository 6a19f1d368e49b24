"""What the user has selected, shared by the canvas, the panels and the menus."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class SelectionModel(QObject):
    """Ids of the selected nodes and relationships.

    Signals:
        selection_changed(list): the new selection (ids, in selection order).
        focus_requested(list): show these ids (select, and centre the canvas on them).
    """

    selection_changed = Signal(list)
    focus_requested = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self._ids: list[str] = []

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def set(self, ids: list[str]) -> None:
        if ids != self._ids:
            self._ids = list(ids)
            self.selection_changed.emit(self.ids)

    def focus(self, ids: list[str]) -> None:
        self.set(ids)
        self.focus_requested.emit(list(ids))
