"""Opening in the background: the window is there at once, the file is read in a worker thread,
errors are one line, the recovery offer comes after the design, the window stays usable."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QMessageBox, QProgressBar
from pytestqt.qtbot import QtBot

from designer.gui import background, file_ops, recovery
from designer.gui.app import open_window
from designer.gui.main_window import MainWindow
from designer.model import Design, DesignFileError, load_design, save_design
from designer.model.templates import load_template
from tests.gui.conftest import Dialogs
from tests.helpers.factories import sid, small_design

pytestmark = pytest.mark.gui

Button = QMessageBox.StandardButton
REAL_LOAD = file_ops.load_design


class SlowLoad:
    """load_design as the open job calls it: records its thread; holds until the test says."""

    def __init__(self) -> None:
        self.threads: list[int] = []
        self.holding = threading.Event()
        self.go_on = threading.Event()
        self.hold = True

    def __call__(self, path: Path) -> Design:
        self.threads.append(threading.get_ident())
        if self.hold:
            self.holding.set()
            assert self.go_on.wait(30)
        return REAL_LOAD(path)


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> SlowLoad:
    load = SlowLoad()
    monkeypatch.setattr(file_ops, "load_design", load)
    return load


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing.json"
    save_design(load_template("reference-landing-zone"), path)
    return path


def show(qtbot: QtBot, dialogs: Dialogs, path: Path | None) -> MainWindow:
    window = open_window(path, settings=dialogs.settings)
    qtbot.addWidget(window, before_close_func=_no_prompt)
    return window


def _no_prompt(window: Any) -> None:
    window.files.confirm_discard = lambda: True


def busy_bar(window: MainWindow) -> QProgressBar:
    bars = [
        b for b in window.findChildren(QProgressBar) if b.accessibleName() == "Opening the design"
    ]
    assert len(bars) == 1
    return bars[0]


def test_the_window_is_shown_before_the_design_is_read(
    qtbot: QtBot, dialogs: Dialogs, slow: SlowLoad, landing: Path
) -> None:
    window = show(qtbot, dialogs, landing)
    assert slow.holding.wait(10)  # reading, in another thread
    assert window.isVisible()
    assert window.controller.design.accounts == []  # the blank design meanwhile
    assert window.controller.path is None
    assert window.files.opening == landing
    assert window.statusBar().currentMessage() == "Opening landing.json…"
    assert busy_bar(window).isVisible()
    qtbot.keyClicks(window.find_edit, "Log")  # the window takes input meanwhile
    assert window.find_edit.text() == "Log"

    with qtbot.waitSignal(window.files.opened) as opened:
        slow.go_on.set()
    assert opened.args == [landing, ""]
    assert slow.threads
    assert threading.get_ident() not in slow.threads
    assert window.controller.path == landing
    assert window.controller.design.model_dump() == load_design(landing).model_dump()
    assert not window.controller.is_dirty
    assert window.files.opening is None
    assert not busy_bar(window).isVisible()
    assert window.statusBar().currentMessage() == "Opened landing.json"
    assert window.windowTitle().startswith("landing.json")
    assert window.files.recent() == [landing.resolve()]
    assert window.findings.wait()  # then validated, in the background too
    assert window.findings.report.findings


def test_a_corrupt_file_is_explained_in_one_line(
    qtbot: QtBot, dialogs: Dialogs, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"name": "x", ', encoding="utf-8")
    with pytest.raises(DesignFileError) as caught:
        load_design(bad)
    window = open_window(bad, settings=dialogs.settings)
    qtbot.addWidget(window, before_close_func=_no_prompt)
    with qtbot.waitSignal(window.files.opened) as opened:
        pass
    [(_kind, title, text)] = dialogs.take("critical")
    assert title == "Cannot open the design"
    assert text == str(caught.value)
    assert "\n" not in text
    assert "Traceback" not in text
    assert opened.args == [bad, text]
    assert window.controller.path is None
    assert window.controller.design.accounts == []
    assert window.isVisible()
    assert not busy_bar(window).isVisible()


def test_a_missing_file_is_explained_in_one_line(
    qtbot: QtBot, dialogs: Dialogs, tmp_path: Path
) -> None:
    window = show(qtbot, dialogs, tmp_path / "nowhere.json")
    with qtbot.waitSignal(window.files.opened):
        pass
    [(_kind, _title, text)] = dialogs.take("critical")
    assert "nowhere.json" in text
    assert "\n" not in text


def test_the_recovery_offer_comes_after_the_design(
    qtbot: QtBot, dialogs: Dialogs, slow: SlowLoad, tmp_path: Path
) -> None:
    path = tmp_path / "design.json"
    save_design(small_design(), path)
    edited = load_design(path)
    edited.accounts = [a.model_copy(update={"owner": "payments"}) for a in edited.accounts]
    recovery.write_recovery(edited, path)
    old = path.stat().st_mtime - 60
    os.utime(path, (old, old))  # the design file is older than the recovery file

    window = show(qtbot, dialogs, path)
    assert slow.holding.wait(10)
    assert dialogs.calls == []  # nothing offered before the design is there
    dialogs.answers = [Button.Yes]
    with qtbot.waitSignal(window.files.opened):
        slow.go_on.set()
    [(_kind, title, _text)] = dialogs.take("question")
    assert title == "Recover unsaved work"
    assert window.controller.path == path
    assert window.controller.is_dirty
    assert {a.owner for a in window.controller.design.accounts} == {"payments"}


def test_file_open_reads_in_the_background_too(
    qtbot: QtBot, dialogs: Dialogs, slow: SlowLoad, landing: Path, make_window: Any
) -> None:
    window = make_window()
    dialogs.open_name = str(landing)
    window.act_open.trigger()
    assert slow.holding.wait(10)
    assert window.controller.design.name == small_design().name  # still the old one
    assert busy_bar(window).isVisible()
    with qtbot.waitSignal(window.files.opened):
        slow.go_on.set()
    assert window.controller.path == landing
    assert threading.get_ident() not in slow.threads


def test_a_design_edited_while_reading_is_kept_unless_discarded(
    qtbot: QtBot, dialogs: Dialogs, slow: SlowLoad, landing: Path, make_window: Any
) -> None:
    window = make_window()
    dialogs.open_name = str(landing)
    window.act_open.trigger()
    assert slow.holding.wait(10)
    window.controller.update(sid("prod"), owner="payments")  # the user goes on working
    dialogs.answers = [Button.Cancel]  # "Save the changes?" when the file has been read
    with qtbot.waitSignal(window.files.opened) as opened:
        slow.go_on.set()
    assert opened.args == [landing, background.CANCELLED]
    assert [c[1] for c in dialogs.take("question")] == ["Unsaved changes"]
    assert window.controller.path is None
    assert window.controller.document.get(sid("prod")).owner == "payments"


def test_a_newer_open_wins_over_one_still_reading(
    qtbot: QtBot, dialogs: Dialogs, slow: SlowLoad, landing: Path, tmp_path: Path
) -> None:
    window = show(qtbot, dialogs, landing)
    assert slow.holding.wait(10)
    first = window.files._opening
    assert first is not None
    slow.hold = False
    other = tmp_path / "small.json"
    save_design(small_design(), other)
    with qtbot.waitSignal(window.files.opened) as opened:
        window.files.open_path(other, confirmed=True)
    assert opened.args == [other, ""]
    with qtbot.waitSignal(first.finished):  # the first one ends now: ignored
        slow.go_on.set()
    assert window.controller.path == other
    assert window.controller.design.name == small_design().name


def test_closing_the_window_while_reading_is_clean(
    qtbot: QtBot, dialogs: Dialogs, slow: SlowLoad, landing: Path
) -> None:
    window = open_window(landing, settings=dialogs.settings)
    assert slow.holding.wait(10)
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    slow.go_on.set()
    qtbot.waitUntil(lambda: not background.live_jobs())
    assert dialogs.calls == []
