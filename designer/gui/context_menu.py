"""Right-click menus on the canvas: the window's own actions that apply where one clicked."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from designer.gui.palette import palette_groups

_ITEM = ("rename", "duplicate", "cut", "copy", "delete")
_CANVAS = ("add", "-", "paste", "select_all", "-", "fit", "tidy", "collapse_fit")
# Per place clicked: action names, "-" for a separator, "add" for the Add Here submenu.
MENUS: dict[str, tuple[str, ...]] = {
    "canvas": _CANVAS,
    "root": _CANVAS,
    "container": ("add", "-", *_ITEM, "paste", "-", "collapse", "-", "properties"),
    "card": ("expand", "-", *_ITEM, "-", "properties"),
    "account": (*_ITEM, "-", "pin", "blast", "add_log_bucket", "-", "properties"),
    "node": (*_ITEM, "-", "pin", "blast", "-", "properties"),
    "edge": ("delete", "-", "properties"),
}


def context_menu(
    parent: QWidget,
    place: str,
    actions: Mapping[str, QAction],
    add_here: Callable[[str], None],
) -> QMenu:
    """The menu for a place (see MENUS); `add_here(key)` adds a palette entry where one clicked."""
    menu = QMenu(parent)
    menu.setObjectName(f"context_menu_{place}")
    menu.aboutToHide.connect(menu.deleteLater)  # one menu per click, none left behind
    for name in MENUS[place]:
        if name == "-":
            menu.addSeparator()
        elif name == "add":
            _add_submenu(menu, add_here)
        else:
            menu.addAction(actions[name])
    return menu


def _add_submenu(menu: QMenu, add_here: Callable[[str], None]) -> None:
    submenu = menu.addMenu("Add Here")
    submenu.setObjectName("add_here")
    submenu.menuAction().setStatusTip("Add an item where you clicked")
    for title, entries in palette_groups():
        submenu.addSection(title)
        for entry in entries:
            if entry.draggable:
                action = submenu.addAction(entry.text)
                action.setStatusTip(entry.tip)
                action.setObjectName(f"here_{entry.name}")
                action.triggered.connect(lambda _c=False, key=entry.key: add_here(key))
