"""How quickly the window opens and repaints on a large organization (offscreen).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [ACCOUNTS ...]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ACCOUNT_DESIGNER_STATE", tempfile.mkdtemp())

from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from benchmarks.synthetic import synthetic_design
from designer.gui.controller import DesignController
from designer.gui.main_window import MainWindow


def repaint(window: MainWindow) -> float:
    """Render the whole viewport once, as a repaint after a pan or zoom does."""
    viewport = window.view.viewport()
    image = QImage(viewport.size(), QImage.Format.Format_ARGB32_Premultiplied)
    start = time.perf_counter()
    painter = QPainter(image)
    window.view.render(painter)
    painter.end()
    return time.perf_counter() - start


def bench(accounts: int, scoped: bool = True) -> None:
    design = synthetic_design(accounts, scoped=scoped)
    print(
        f"-- {'scoped' if scoped else 'one trust per account'}: {len(design.relationships)} "
        "relationships"
    )
    start = time.perf_counter()
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(DesignController(design), settings)
    window.resize(1600, 1000)
    window.show()
    QApplication.processEvents()
    opened = time.perf_counter() - start
    window.view.fit()
    overview = statistics.median(repaint(window) for _ in range(5))
    window.view.resetTransform()
    window.view.centerOn(window.scene.nodes[design.accounts[100].id])
    close_up = statistics.median(repaint(window) for _ in range(5))
    node = window.scene.nodes[design.accounts[200].id]
    node.setPos(node.pos().x() + 30, node.pos().y())
    start = time.perf_counter()
    window.scene.commit_drag({node.entity_id: (node.x(), node.y())})
    QApplication.processEvents()
    drag = time.perf_counter() - start
    window.edits.select_all()
    start = time.perf_counter()
    window.edits.delete_selected()
    QApplication.processEvents()
    deleted = time.perf_counter() - start
    start = time.perf_counter()
    window.controller.undo_stack.undo()
    QApplication.processEvents()
    undone = time.perf_counter() - start
    print(
        f"{accounts} accounts: open {opened * 1000:.0f} ms (scene, layout, panels, validation); "
        f"full-view repaint {overview * 1000:.0f} ms zoomed out, {close_up * 1000:.0f} ms at "
        f"100 %; drag commit {drag * 1000:.0f} ms; select all and delete "
        f"{deleted * 1000:.0f} ms, undo it {undone * 1000:.0f} ms"
    )
    window.controller.undo_stack.clear()
    window.close()


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    for size in [int(a) for a in sys.argv[1:]] or [2000]:
        for scoped in (True, False):
            bench(size, scoped)
