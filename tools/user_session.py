"""A scripted user session on the reference landing zone, grabbing the window after every step.

The GUI tests run it and check what each step shows; `make screenshots` runs it to regenerate the
README's pictures (docs/images), so the pictures are the session a user would have.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tools/user_session.py OUT_DIR
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton

from designer.core import edits
from designer.gui.controller import DesignController
from designer.gui.main_window import MainWindow
from designer.model.templates import load_template

SIZE = (1600, 1000)


@dataclass(frozen=True)
class Step:
    name: str  # the picture's file name, without .png
    does: str  # what the user did, in words


def _id(window: MainWindow, name: str) -> str:
    design = window.controller.design
    every: list[Any] = [*design.accounts, *design.organizational_units]
    every += design.identity_providers
    return str(next(e.id for e in every if e.name == name))


def settle_events(window: MainWindow) -> None:
    for _ in range(3):  # edges are routed once the event loop is idle
        QApplication.processEvents()
    window.findings.wait()  # validation runs in the background: its badges in the picture
    QApplication.processEvents()


def _key(window: MainWindow, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), key, modifiers)


def _click(window: MainWindow, button: str) -> None:
    found = window.findChild(QToolButton, button)
    assert found is not None, button
    found.click()


def session(window: MainWindow, save_to: Path) -> Iterator[tuple[Step, Callable[[], None]]]:
    """The steps, each with the action that performs it (run in order)."""
    none = Qt.KeyboardModifier.NoModifier
    ctrl = Qt.KeyboardModifier.ControlModifier

    def add_to_prod() -> None:
        window.selection.set([_id(window, "Prod")])
        _click(window, "add_workload")

    def connect() -> None:
        new = window.selection.ids[0]
        design = window.controller.design
        trust = edits.new_relationship(design, "trust", _id(window, "Identity"), new)
        window.controller.add(trust)
        window.selection.set([trust.id])

    def delete() -> None:
        window.selection.set([_id(window, "Retail Production")])
        _key(window, Qt.Key.Key_Delete, none)

    def new_ou() -> None:
        window.selection.set([_id(window, "Workloads")])
        _click(window, "add_ou")
        _click(window, "add_sandbox")

    def blast() -> None:
        window.selection.set([_id(window, "Identity")])
        window.show_blast_radius()

    def save() -> None:
        window.clear_highlight()
        window.set_view("all")
        window.controller.save(save_to)

    yield Step("01-open", "Open the reference landing zone"), lambda: None
    yield Step("02-add-account", "Select OU Prod, click Workload in the Add palette"), add_to_prod
    yield Step("03-connect", "Trust from Identity to the new account"), connect
    yield Step("04-delete", "Select Retail Production, press Delete"), delete
    yield (
        Step("05-undo", "Press Ctrl+Z: Retail Production is back where it was"),
        lambda: _key(window, Qt.Key.Key_Z, ctrl),
    )
    yield Step("06-new-ou", "Add an OU to Workloads and a sandbox account in it"), new_ou
    yield Step("07-tidy", "Tidy Layout (Ctrl+L)"), window.edits.tidy_layout
    for view in ("identity", "logging", "publishing"):
        yield (
            Step(f"08-view-{view}", f"Switch to the {view} view"),
            lambda view=view: window.set_view(view),  # type: ignore[misc]
        )
    yield Step("09-blast-radius", "Show the blast radius of Identity (Ctrl+B)"), blast
    yield Step("10-saved", "Back to All and save"), save


def open_window(settings_file: Path) -> MainWindow:
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    window = MainWindow(DesignController(load_template("reference-landing-zone")), settings)
    window.resize(*SIZE)
    window.show()
    window.activateWindow()
    settle_events(window)
    window.view.fit()
    return window


def run(out: Path) -> list[Path]:
    """Run the whole session, one PNG per step in `out`; returns the files in order."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        window = open_window(Path(folder) / "settings.ini")
        pictures = []
        for step, action in session(window, Path(folder) / "session.json"):
            action()
            settle_events(window)
            target = out / f"{step.name}.png"
            window.grab().save(str(target))
            pictures.append(target)
        window.close()
    return pictures


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("ACCOUNT_DESIGNER_STATE", tempfile.mkdtemp())
    app = QApplication(sys.argv[:1])
    for picture in run(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")):
        sys.stdout.write(f"{picture}\n")
