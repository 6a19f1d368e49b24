"""The README's pictures of large organizations: 2,000 and 10,000 accounts (benchmarks/synthetic)
as they open (collapsed to fit), and after expanding one business unit's Prod OU.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tools/scale_screenshots.py OUT_DIR
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from benchmarks.synthetic import sid, synthetic_design
from designer.gui.controller import DesignController
from designer.gui.main_window import MainWindow

SIZE = (1600, 1000)
OPENED = sid("ou", "bu", 2, "Prod")  # the OU expanded in the second picture


def _settle(window: MainWindow) -> None:
    for _ in range(3):
        QApplication.processEvents()
    window.findings.wait()
    QApplication.processEvents()


def pictures(accounts: int, folder: Path) -> list[Path]:
    with tempfile.TemporaryDirectory() as state:
        settings = QSettings(str(Path(state) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(DesignController(synthetic_design(accounts)), settings)
        window.resize(*SIZE)
        window.show()
        _settle(window)
        window.view.fit()
        _settle(window)
        made = [folder / f"scale-{accounts}.png"]
        window.grab().save(str(made[-1]))
        window.controller.expand([OPENED])
        window.selection.set([OPENED])
        _settle(window)
        window.view.focus([OPENED])
        _settle(window)
        made.append(folder / f"scale-{accounts}-expanded.png")
        window.grab().save(str(made[-1]))
        window.controller.undo_stack.setClean()  # no "save changes?" on close
        window.close()
    return made


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("ACCOUNT_DESIGNER_STATE", tempfile.mkdtemp())
    app = QApplication(sys.argv[:1])
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")
    for size in (2000, 10_000):
        for picture in pictures(size, out):
            sys.stdout.write(f"{picture}\n")
