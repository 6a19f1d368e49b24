"""File -> Export: formats, folder, a worker thread, progress, cancel, the files written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from designer.gui.export_dialog import ExportDialog, ExportWorker
from exporters.base import REGISTRY
from tests.helpers.factories import small_design

pytestmark = pytest.mark.gui


def test_export_runs_in_the_background_and_lists_files(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ExportDialog(small_design(), tmp_path / "out")
    qtbot.addWidget(dialog)
    assert set(dialog.boxes) == set(REGISTRY)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running and dialog.export_button.isEnabled(), timeout=20000)
    assert "files written to" in dialog.status.text(), dialog.status.text()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    listed = [dialog.files.item(i).text() for i in range(dialog.files.count())]
    assert "manifest.json" in listed
    assert {f["path"] for f in manifest["files"]} <= set(listed)
    assert "files written to" in dialog.status.text()
    assert dialog.open_button.isEnabled()


def test_no_format_chosen_is_explained(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ExportDialog(small_design(), tmp_path)
    qtbot.addWidget(dialog)
    for box in dialog.boxes.values():
        box.setChecked(False)
    dialog.start()
    assert dialog.status.text() == "Choose at least one format."
    assert not dialog.running


def test_cancelled_worker_reports_it(qtbot: QtBot, tmp_path: Path) -> None:
    worker = ExportWorker(small_design(), tmp_path, sorted(REGISTRY))
    worker.cancel.cancel()
    results: list[str] = []
    worker.finished.connect(results.append)
    worker.run()
    assert results == ["cancelled"]
    assert not (tmp_path / "manifest.json").exists()


def test_closing_while_exporting_cancels_and_returns(qtbot: QtBot, tmp_path: Path) -> None:
    from benchmarks.synthetic import synthetic_design

    dialog = ExportDialog(synthetic_design(300), tmp_path / "big")
    qtbot.addWidget(dialog)
    dialog.export_button.click()
    dialog.reject()  # must not hang, must stop the worker
    assert not dialog.running
