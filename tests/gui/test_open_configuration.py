"""File -> Open on a deployment engine's configuration: it converts in the background, opens as a
new unsaved design drawn on the canvas, and shows the whole conversion report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from designer.engines.files import write_files
from designer.engines.lza.write import write_config
from designer.gui.app import open_window
from designer.gui.main_window import MainWindow
from designer.model.templates import load_template
from tests.gui.canvas_checks import scene_problems
from tests.gui.conftest import Dialogs

pytestmark = pytest.mark.gui


def _no_prompt(window: Any) -> None:
    window.files.confirm_discard = lambda: True


def _opened(qtbot: QtBot, dialogs: Dialogs, path: Path) -> MainWindow:
    window = open_window(None, settings=dialogs.settings)
    qtbot.addWidget(window, before_close_func=_no_prompt)
    with qtbot.waitSignal(window.files.opened, timeout=20_000) as opened:
        window.files.open_path(path, confirmed=True)
    assert opened.args == [path, ""]
    return window


def test_an_lza_configuration_opens_as_an_unsaved_design_with_its_report(
    qtbot: QtBot, dialogs: Dialogs, tmp_path: Path
) -> None:
    design = load_template("reference-landing-zone")
    folder = tmp_path / "lza"
    write_files(write_config(design), folder)
    (folder / "network-config.yaml").write_text("transitGateways: []\n", encoding="utf-8")
    window = _opened(qtbot, dialogs, folder / "accounts-config.yaml")

    shown = window.controller.design
    assert {a.name for a in shown.accounts} == {a.name for a in design.accounts}
    assert window.controller.path is None  # Save asks where: the YAML is never overwritten
    assert window.controller.is_dirty
    scene = window.scene
    assert {a.id for a in shown.accounts} <= set(scene.nodes)  # every account drawn
    assert not scene_problems(scene)  # drawn as the design says, nothing overlapping
    [box] = [b for b in window.findChildren(QMessageBox) if b.objectName() == "conversion_report"]
    assert box.isVisible()
    assert f"{len(shown.accounts)} accounts" in box.text()
    assert "network-config.yaml" in box.detailedText()  # not modelled: listed, not refused
    assert window.statusBar().currentMessage().startswith("Converted lza")
    assert window.findings.wait()  # and validated like any design
    box.close()


def test_a_malformed_configuration_is_one_line_and_changes_nothing(
    qtbot: QtBot, dialogs: Dialogs, tmp_path: Path
) -> None:
    folder = tmp_path / "lza"
    write_files(write_config(load_template("logging")), folder)
    (folder / "accounts-config.yaml").write_text("mandatoryAccounts: {\n", encoding="utf-8")
    window = open_window(None, settings=dialogs.settings)
    qtbot.addWidget(window, before_close_func=_no_prompt)
    with qtbot.waitSignal(window.files.opened, timeout=20_000):
        window.files.open_path(folder, confirmed=True)
    [(_kind, title, text)] = dialogs.take("critical")
    assert title == "Cannot open the design"
    assert text.startswith("accounts-config.yaml: line")
    assert "\n" not in text
    assert window.controller.design.accounts == []
