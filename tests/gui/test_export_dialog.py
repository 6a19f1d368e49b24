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


def test_dialog_offers_diagrams_documents_and_redaction(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ExportDialog(small_design(), tmp_path / "out")
    qtbot.addWidget(dialog)
    assert {"diagram", "drawio", "document"} <= set(dialog.boxes)
    for name, box in dialog.boxes.items():
        box.setChecked(name in ("diagram", "document"))
    dialog.redact_box.setChecked(True)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running and dialog.export_button.isEnabled(), timeout=30000)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["redacted"] is True
    listed = {dialog.files.item(i).text() for i in range(dialog.files.count())}
    assert {"diagrams/all.svg", "document/design-document.pdf"} <= listed
    html = (tmp_path / "out" / "document" / "design-document.html").read_text(encoding="utf-8")
    assert all(a.aws_account_id not in html for a in small_design().accounts if a.aws_account_id)


def test_dialog_shows_what_to_install_without_graphviz(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    dialog = ExportDialog(small_design(), tmp_path / "out")
    qtbot.addWidget(dialog)
    for name, box in dialog.boxes.items():
        box.setChecked(name == "diagram")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running and dialog.export_button.isEnabled(), timeout=30000)
    assert "apt-get install graphviz" in dialog.notices.text()
    assert "files written to" in dialog.status.text()


def test_dialog_exports_policies_for_the_chosen_partition(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ExportDialog(small_design(), tmp_path / "out")
    qtbot.addWidget(dialog)
    for name, box in dialog.boxes.items():
        box.setChecked(name == "policies")
    dialog.partition_box.setCurrentText("aws-cn")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running and dialog.export_button.isEnabled(), timeout=30000)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["partition"] == "aws-cn"
    texts = [p.read_text("utf-8") for p in (tmp_path / "out" / "policies").rglob("*.json")]
    assert any("arn:aws-cn:" in text for text in texts)
    assert not any("arn:aws:" in text for text in texts)
