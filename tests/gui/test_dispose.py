"""A controller's undo history is emptied when its window closes: left to the garbage collector
with commands on its stack, Qt deleted commands whose Python halves were gone and the process
crashed when a later design was opened (a full collection runs then)."""

from __future__ import annotations

from designer.gui.main_window import MainWindow
from tests.helpers.factories import sid


def test_closing_the_window_empties_its_undo_history(window: MainWindow) -> None:
    window.controller.update(sid("prod"), owner="payments")
    assert window.controller.undo_stack.count() == 1
    window.controller.undo_stack.setClean()  # saved: closing asks nothing
    window.close()
    assert window.controller.undo_stack.count() == 0
