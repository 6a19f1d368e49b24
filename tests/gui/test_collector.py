"""Garbage is collected on the GUI thread only (designer/gui/collector.py): a collection on a
background job's thread can free a Qt wrapper there and deadlock the window."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from designer.gui import app as gui_app
from designer.gui.collector import MainThreadCollector


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The thread id of every collection that starts while the test runs."""
    seen: list[int] = []

    def record(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(threading.get_ident())

    gc.callbacks.append(record)
    yield seen
    gc.callbacks.remove(record)


def test_a_worker_allocation_burst_is_collected_later_on_the_gui_thread(
    qtbot: QtBot, collections: list[int]
) -> None:
    first: list[weakref.ref[Node]] = []

    def burst() -> None:  # far past the youngest generation's threshold (700 by default)
        first.append(weakref.ref(Node()))
        for _ in range(20 * gc.get_threshold()[0]):
            Node()

    worker = threading.Thread(target=burst)
    worker.start()
    worker.join()
    assert worker.ident not in collections
    assert first[0]() is not None  # nobody has collected the cycle yet
    qtbot.waitUntil(lambda: first[0]() is None, timeout=5000)
    assert set(collections) == {threading.get_ident()}


def test_the_app_installs_the_collector(qtbot: QtBot, tmp_path: Path) -> None:
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    installed = qapp.findChild(MainThreadCollector)
    assert isinstance(installed, MainThreadCollector)
    installed.uninstall()  # as before the app starts: nothing collects on the GUI thread
    assert qapp.findChild(MainThreadCollector) is None
    assert gui_app.run(None, screenshot=tmp_path / "shot.png", size=(400, 300)) == 0
    assert isinstance(qapp.findChild(MainThreadCollector), MainThreadCollector)
    assert not gc.isenabled()
