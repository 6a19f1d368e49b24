"""Collapsing and expanding OUs from the window: the selection, a double-click, the menus."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Signal

from designer.drawing.collapse import fit_collapse
from designer.gui.canvas.scene import DesignScene
from designer.gui.controller import DesignController
from designer.gui.selection import SelectionModel
from designer.model import DesignError
from designer.model.catalog import EntityKind

GROUPING_KEY = "canvas/group_relationships"


class CollapseOps(QObject):
    """Signals:
    status(str, int): a message for the status bar and how long to show it (ms).
    """

    status = Signal(str, int)

    def __init__(
        self,
        controller: DesignController,
        selection: SelectionModel,
        scene: DesignScene,
        settings: QSettings,
    ) -> None:
        super().__init__()
        self.controller, self.selection, self.scene = controller, selection, scene
        self.settings = settings
        scene.grouping = bool(settings.value(GROUPING_KEY, True, type=bool))

    def selected_units(self) -> list[str]:
        """The selected OUs, or the OU holding a selected account (an account inside a
        collapsed OU stands for its card)."""
        document = self.controller.document
        shown = self.controller.visibility()
        found: list[str] = []
        for entity_id in self.selection.ids:
            if not document.has(entity_id):
                continue
            kind = document.kind(entity_id)
            if entity_id in shown.stand_in:
                found.append(shown.stand_in[entity_id])
            elif kind == EntityKind.OU:
                found.append(entity_id)
            elif kind == EntityKind.ACCOUNT and document.get(entity_id).parent:
                found.append(document.get(entity_id).parent)
        return list(dict.fromkeys(found))

    def collapse_selected(self) -> None:
        units = [u for u in self.selected_units() if u not in self.controller.collapsed()]
        if not units:
            self.status.emit("Select an OU, or an account in one, to collapse", 4000)
            return
        self._run(lambda: self.controller.collapse(units))
        self.selection.set(units)

    def expand_selected(self) -> None:
        units = [u for u in self.selected_units() if u in self.controller.visibility().collapsed]
        if not units:
            self.status.emit("Select a collapsed OU to expand", 4000)
            return
        self.expand(units)

    def expand(self, units: list[str]) -> None:
        self._run(lambda: self.controller.expand(units))

    def toggle(self, unit: str) -> None:
        """Expand a collapsed OU's card, collapse an open OU."""
        if unit in self.controller.visibility().collapsed:
            self.expand([unit])
        elif self.controller.document.kind(unit) == EntityKind.OU:
            self._run(lambda: self.controller.collapse([unit]))

    def collapse_to_fit(self) -> None:
        units = fit_collapse(self.controller.design)
        self._run(lambda: self.controller.set_collapsed(units, "Collapse to fit"))
        self.status.emit(f"{len(units)} OUs collapsed", 3000)

    def expand_all(self) -> None:
        self._run(lambda: self.controller.set_collapsed((), "Expand all OUs"))

    def set_grouping(self, grouping: bool) -> None:
        """Fans drawn as one edge to an OU, or as their separate relationships (view state of
        this window, not of the design)."""
        self.settings.setValue(GROUPING_KEY, grouping)
        self.scene.set_grouping(grouping)

    def _run(self, edit: Callable[[], None]) -> None:
        try:
            edit()
        except DesignError as exc:
            self.status.emit(exc.reason(), 6000)
