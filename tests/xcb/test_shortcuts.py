"""Keyboard shortcuts as a Linux desktop delivers them: real X key events on Qt's xcb platform.

On X11 the standard keys differ from the offscreen platform's (Redo is Ctrl+Shift+Z there, Quit
Ctrl+Q), and a sequence registered twice in one scope makes Qt report "Ambiguous shortcut
overload" and do nothing. So these tests press the keys with xdotool (the X server's XTEST
extension, like a keyboard) into an active window under Xvfb and watch the effect. The last
test, which needs no X server, checks every platform for clashing shortcuts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pytest
import shiboken6
from PySide6.QtCore import QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QWidget
from pytestqt.qtbot import QtBot

from designer.gui.main_window import MainWindow
from designer.model import dumps_design
from designer.model.templates import load_template
from tests.helpers.factories import sid
from tests.xcb.keyboard import focus, press, type_text, xdotool

LOGS, PROD = sid("logs"), sid("prod")
xcb = pytest.mark.xcb

Context = Qt.ShortcutContext


def saved(window: MainWindow) -> str:
    return dumps_design(window.controller.design)


def names(window: MainWindow) -> dict[str, str]:
    return {a.id: a.name for a in window.controller.design.accounts}


def select(window: MainWindow, *ids: str) -> None:
    """Select as a click does: on the scene items."""
    window.scene.clearSelection()
    for entity_id in ids:
        item = window.scene.nodes.get(entity_id) or window.scene.containers[entity_id]
        item.setSelected(True)


def rename_editor(window: MainWindow) -> QLineEdit | None:
    return window.view.viewport().findChild(QLineEdit, "rename_editor")


@pytest.fixture
def window(xcb_window: Callable[..., MainWindow], qtbot: QtBot) -> MainWindow:
    """An active window whose canvas has the keyboard focus."""
    window = xcb_window()
    focus(qtbot, window.view)
    return window


# -- undo / redo / quit: the standard keys that were ambiguous on X11 ----------------------------


@xcb
def test_ctrl_z_undoes_and_ctrl_y_and_ctrl_shift_z_redo(window: MainWindow, qtbot: QtBot) -> None:
    before = saved(window)
    window.controller.update(PROD, text="Rename", name="Production")
    edited = saved(window)
    stack = window.controller.undo_stack
    press(qtbot, "ctrl+z", lambda: stack.index() == 0)
    assert saved(window) == before
    press(qtbot, "ctrl+y", lambda: stack.index() == 1)
    assert saved(window) == edited
    press(qtbot, "ctrl+z", lambda: stack.index() == 0)
    press(qtbot, "ctrl+shift+z", lambda: stack.index() == 1)
    assert saved(window) == edited


@xcb
def test_undo_and_redo_work_from_outside_the_canvas(window: MainWindow, qtbot: QtBot) -> None:
    """Undo is a window shortcut: it works wherever the focus is, e.g. in the findings tree."""
    window.controller.update(PROD, text="Rename", name="Production")
    focus(qtbot, window.findings.tree)
    stack = window.controller.undo_stack
    press(qtbot, "ctrl+z", lambda: stack.index() == 0)
    press(qtbot, "ctrl+shift+z", lambda: stack.index() == 1)


@xcb
def test_ctrl_q_closes_the_window_without_changes(window: MainWindow, qtbot: QtBot) -> None:
    assert not window.controller.is_dirty
    press(qtbot, "ctrl+q", lambda: not window.isVisible())


# -- canvas keys ---------------------------------------------------------------------------------


@xcb
def test_delete_removes_the_selected_item(window: MainWindow, qtbot: QtBot) -> None:
    select(window, PROD)
    press(qtbot, "Delete", lambda: PROD not in names(window))
    assert PROD not in window.scene.nodes
    press(qtbot, "ctrl+z", lambda: PROD in names(window))


@xcb
def test_ctrl_d_duplicates_the_selected_item(window: MainWindow, qtbot: QtBot) -> None:
    select(window, PROD)
    count = len(names(window))
    press(qtbot, "ctrl+d", lambda: len(names(window)) == count + 1, timeout_ms=1000)
    assert PROD in names(window)


@xcb
def test_delete_in_the_findings_tree_deletes_nothing(window: MainWindow, qtbot: QtBot) -> None:
    """Delete is a canvas key: pressed in another panel it must leave the design alone."""
    select(window, PROD)
    before = saved(window)
    focus(qtbot, window.findings.tree)
    press(qtbot, "Delete", lambda: True)
    qtbot.wait(200)  # time for a wrongly routed shortcut to act
    assert saved(window) == before
    focus(qtbot, window.view)
    press(qtbot, "Delete", lambda: PROD not in names(window))


@xcb
def test_f2_opens_the_rename_editor_and_enter_renames(window: MainWindow, qtbot: QtBot) -> None:
    select(window, PROD)
    press(qtbot, "F2", lambda: rename_editor(window) is not None)
    editor = rename_editor(window)
    assert editor is not None
    assert editor.text() == "Prod"
    qtbot.waitUntil(editor.hasFocus)
    type_text(qtbot, "Production", lambda: editor.text() == "Production")  # replaces the name
    press(qtbot, "Return", lambda: names(window)[PROD] == "Production")
    qtbot.waitUntil(lambda: rename_editor(window) is None)


@xcb
def test_escape_in_the_rename_editor_cancels(window: MainWindow, qtbot: QtBot) -> None:
    before = saved(window)
    select(window, PROD)
    press(qtbot, "F2", lambda: rename_editor(window) is not None)
    press(qtbot, "Escape", lambda: rename_editor(window) is None)
    assert saved(window) == before


@xcb
def test_ctrl_f_focuses_the_find_field(window: MainWindow, qtbot: QtBot) -> None:
    press(qtbot, "ctrl+f", window.find_edit.hasFocus)
    type_text(qtbot, "Log Archive", lambda: window.find_edit.text() == "Log Archive")
    press(qtbot, "Return", lambda: window.selection.ids == [LOGS])


@xcb
def test_escape_clears_the_blast_radius(
    xcb_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = xcb_window(load_template("reference-landing-zone"))
    design = window.controller.design
    start = next(a.id for a in design.accounts if a.name == "Security Tooling")
    focus(qtbot, window.view)
    select(window, start)
    press(qtbot, "ctrl+b", lambda: window.scene.blast_start == start)
    assert any(n.note for n in window.scene.nodes.values())
    press(qtbot, "Escape", lambda: window.scene.blast_start is None)
    assert not any(n.note for n in window.scene.nodes.values())


@xcb
def test_connect_menu_is_deleted_when_dismissed(window: MainWindow, qtbot: QtBot) -> None:
    """The kind menu a Shift-drag opens goes away, and is deleted, on Escape."""
    for _ in range(2):
        window.view.start_link(PROD, QPointF())
        window.view.finish_link(LOGS, QPoint())
        menu = window.findChild(QMenu, "connect_menu")
        assert menu is not None
        qtbot.waitUntil(menu.isVisible)
        qtbot.waitUntil(lambda shown=menu: QApplication.activePopupWidget() is shown)
        press(qtbot, "Escape", lambda: window.findChildren(QMenu, "connect_menu") == [])


# -- no clashing shortcuts (every platform) ------------------------------------------------------


def _anchors(obj: QAction | QShortcut, seen: set[int] | None = None) -> list[QWidget]:
    """The widgets whose focus state makes this shortcut active (as Qt's context matcher does:
    an action in a menu counts where the menu's own action is shown)."""
    if isinstance(obj, QShortcut):
        parent = obj.parent()
        return [parent] if isinstance(parent, QWidget) else []
    seen = set() if seen is None else seen
    found: list[QWidget] = []
    for owner in obj.associatedObjects():
        if isinstance(owner, QMenu) and id(owner) not in seen:
            seen.add(id(owner))
            found += _anchors(owner.menuAction(), seen)
        elif isinstance(owner, QWidget):
            found.append(owner)
    return found


def _scope(widget: QWidget, context: Qt.ShortcutContext) -> tuple[str, QWidget]:
    """Where a shortcut with this context, attached to this widget, is active."""
    if context == Context.ApplicationShortcut:
        return ("application", widget)
    if context == Context.WindowShortcut:
        return ("window", widget.window())
    if context == Context.WidgetWithChildrenShortcut:
        return ("children", widget)
    return ("widget", widget)


def _contains(outer: QWidget, inner: QWidget) -> bool:
    return outer is inner or outer.isAncestorOf(inner)


def _overlap(a: tuple[str, QWidget], b: tuple[str, QWidget]) -> bool:
    """Whether some focus widget makes both scopes active at once."""
    (kind_a, wa), (kind_b, wb) = a, b
    if "application" in (kind_a, kind_b):
        return True
    if kind_a == "widget" and kind_b == "widget":
        return wa is wb
    if kind_a == "widget":
        return _contains(wb, wa) if kind_b == "children" else wa.window() is wb
    if kind_b == "widget":
        return _overlap(b, a)
    if kind_a == "window" or kind_b == "window":
        return wa.window() is wb.window()
    return _contains(wa, wb) or _contains(wb, wa)


def _label(obj: QObject) -> str:
    """An action's object name and text ("undo 'Undo Rename'"), for the failure message."""
    text = obj.text().replace("&", "") if isinstance(obj, QAction) else ""
    return " ".join(p for p in (obj.objectName(), repr(text) if text else "") if p) or repr(obj)


def _keys(obj: QAction | QShortcut) -> list[str]:
    sequences = obj.shortcuts() if isinstance(obj, QAction) else obj.keys()
    return [t for k in sequences if (t := k.toString(QKeySequence.SequenceFormat.PortableText))]


def shortcut_clashes(window: QWidget) -> list[str]:
    """Every key sequence that two enabled shortcuts (or one shortcut twice) share in
    overlapping scopes: Qt calls such a key ambiguous and triggers neither."""
    entries: dict[str, list[tuple[QObject, tuple[str, QWidget]]]] = defaultdict(list)
    clashes: list[str] = []
    for obj in [*window.findChildren(QAction), *window.findChildren(QShortcut)]:
        # Qt deletes internal actions as it lays menus out (the menu bar's overflow menu)
        if not shiboken6.isValid(obj) or not obj.isEnabled():
            continue
        keys = _keys(obj)
        twice = sorted({k for k in keys if keys.count(k) > 1})
        clashes += [f"{k}: listed twice by {_label(obj)}" for k in twice]
        context = obj.shortcutContext()
        scopes = [_scope(w, context) for w in _anchors(obj)]
        for key in dict.fromkeys(keys):
            entries[key] += [(obj, scope) for scope in scopes]
    for key, found in sorted(entries.items()):
        pairs = {
            tuple(sorted((_label(a), _label(b))))
            for i, (a, scope_a) in enumerate(found)
            for b, scope_b in found[i + 1 :]
            if a is not b and _overlap(scope_a, scope_b)
        }
        clashes += [f"{key}: {first} and {second}" for first, second in sorted(pairs)]
    return clashes


@pytest.mark.gui
def test_no_two_enabled_shortcuts_share_a_key(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = make_window()
    window.controller.update(PROD, text="Rename", name="Production")
    window.controller.update(LOGS, text="Rename", name="Logs")
    window.controller.undo_stack.undo()  # Undo and Redo both enabled
    select(window, PROD)  # the canvas actions enabled
    assert window.act_undo.isEnabled()
    assert window.act_redo.isEnabled()
    clashes = shortcut_clashes(window)
    platform = QApplication.platformName()
    assert not clashes, f"ambiguous shortcuts on {platform}:\n" + "\n".join(clashes)


@pytest.mark.gui
def test_the_clash_check_finds_a_clash(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    """The check itself: an action on the canvas reusing the window's Undo key is a clash; one
    in a separate panel next to another panel's action is not."""
    window = make_window()
    window.controller.update(PROD, text="Rename", name="Production")  # Undo enabled
    undo_key = window.act_undo.shortcuts()[0]
    extra = QAction("Canvas undo", window)
    extra.setObjectName("canvas_undo")
    extra.setShortcut(undo_key)
    extra.setShortcutContext(Context.WidgetWithChildrenShortcut)
    window.view.addAction(extra)
    twice = QAction("Twice", window)
    twice.setObjectName("twice")
    twice.setShortcuts([QKeySequence("Ctrl+Alt+T"), QKeySequence("Ctrl+Alt+T")])
    window.addAction(twice)
    for panel, name in ((window.findings, "in_findings"), (window.properties, "in_properties")):
        local = QAction(name, window)
        local.setObjectName(name)
        local.setShortcut(QKeySequence("Ctrl+Alt+K"))
        local.setShortcutContext(Context.WidgetWithChildrenShortcut)
        panel.addAction(local)
    key = undo_key.toString(QKeySequence.SequenceFormat.PortableText)
    clashes = shortcut_clashes(window)
    (on_undo_key,) = [c for c in clashes if c.startswith(f"{key}: ")]
    assert "canvas_undo 'Canvas undo'" in on_undo_key
    assert "'Undo Rename'" in on_undo_key
    assert "Ctrl+Alt+T: listed twice by twice 'Twice'" in clashes
    assert not [c for c in clashes if c.startswith("Ctrl+Alt+K")]


# -- collapse / expand: bracket keys and a real double-click ---------------------------------------


@xcb
def test_ctrl_brackets_collapse_and_expand_an_ou_and_ctrl_z_undoes(
    window: MainWindow, qtbot: QtBot
) -> None:
    workloads = sid("ou-workloads")
    select(window, PROD)  # an account: its OU collapses
    press(qtbot, "ctrl+bracketleft", lambda: workloads in window.controller.collapsed())
    assert PROD not in window.scene.nodes
    assert window.scene.containers[workloads].summary is not None
    press(qtbot, "ctrl+bracketright", lambda: workloads not in window.controller.collapsed())
    assert PROD in window.scene.nodes
    press(qtbot, "ctrl+z", lambda: workloads in window.controller.collapsed())
    assert PROD not in window.scene.nodes


@xcb
def test_a_real_double_click_on_a_card_expands_it(window: MainWindow, qtbot: QtBot) -> None:
    workloads = sid("ou-workloads")
    window.controller.collapse([workloads])
    qtbot.waitUntil(lambda: PROD not in window.scene.nodes)
    card = window.scene.containers[workloads]
    window.view.centerOn(card)
    QApplication.processEvents()
    local = window.view.mapFromScene(card.scene_rect().center())
    spot = window.view.viewport().mapToGlobal(local)
    xdotool("mousemove", str(spot.x()), str(spot.y()))
    xdotool("click", "--repeat", "2", "--delay", "80", "1")
    qtbot.waitUntil(lambda: PROD in window.scene.nodes, timeout=5000)
    assert workloads not in window.controller.collapsed()
