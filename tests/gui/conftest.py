"""Fixtures for the GUI tests: a main window whose modal dialogs, settings, recovery and recent
files are all the test's own (no dialog ever blocks, nothing leaks between tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from designer.gui import recovery
from designer.gui.controller import DesignController
from designer.gui.main_window import MainWindow
from designer.model import Design
from tests.helpers.factories import small_design

Button = QMessageBox.StandardButton


@dataclass
class Dialogs:
    """Stand-ins for the modal dialogs: answers queued by the test, every call recorded."""

    answers: list[Button] = field(default_factory=list)
    calls: list[tuple[str, str, str]] = field(default_factory=list)
    open_name: str = ""
    save_name: str = ""
    settings: QSettings | None = None  # this test's own: recent files, window layout

    def take(self, kind: str) -> list[tuple[str, str, str]]:
        """The calls of this kind so far (a test takes the messages it expects)."""
        taken = [c for c in self.calls if c[0] == kind]
        self.calls = [c for c in self.calls if c[0] != kind]
        return taken

    def question(self, _parent: Any, title: str, text: str, *_args: Any) -> Button:
        self.calls.append(("question", title, text))
        assert self.answers, f"unexpected question: {title}: {text}"
        return self.answers.pop(0)

    def message(self, kind: str) -> Callable[..., Button]:
        def show(_parent: Any, title: str, text: str, *_args: Any) -> Button:
            self.calls.append((kind, title, text))
            return Button.Ok

        return show

    def get_open(self, *_args: Any) -> tuple[str, str]:
        assert self.open_name, "unexpected Open dialog"
        return self.open_name, ""

    def get_save(self, *_args: Any) -> tuple[str, str]:
        assert self.save_name, "unexpected Save dialog"
        return self.save_name, ""


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Dialogs]:
    fake = Dialogs()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(fake.question))
    for kind in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(fake.message(kind)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake.get_open))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake.get_save))
    # Recovery files and recent files stay inside this test's folder.
    monkeypatch.setenv(recovery.ENV_VAR, str(tmp_path / "state"))
    fake.settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    yield fake
    unexpected = [c for c in fake.calls if c[0] != "question"]
    assert not unexpected, f"message boxes no test expected: {unexpected}"


@pytest.fixture
def make_window(qtbot: QtBot, dialogs: Dialogs) -> Callable[..., MainWindow]:
    def make(design: Design | None = None, path: Path | None = None) -> MainWindow:
        window = MainWindow(DesignController(design or small_design(), path), dialogs.settings)
        # pytest-qt closes the window after the test: no "save changes?" prompt then.
        qtbot.addWidget(window, before_close_func=_no_prompt)
        window.show()
        # As a window manager would: the shown window is the active one (Xvfb has none).
        with qtbot.waitActive(window):
            window.activateWindow()
        return window

    return make


def _no_prompt(window: Any) -> None:
    window.files.confirm_discard = lambda: True


@pytest.fixture
def window(make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window()


@pytest.fixture(autouse=True)
def _disposed_controllers() -> Iterator[None]:
    """Each test's controllers end as a window's do (DesignController.dispose), so none is left
    to a later test's garbage collection with commands on its undo stack."""
    yield
    from designer.gui.controller import dispose_all

    dispose_all()
