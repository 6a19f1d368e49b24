"""File -> Import from AWS, against moto's server: background import, progress, gaps, open."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from designer.gui.import_dialog import ImportDialog
from designer.model import Design
from tests.live.conftest import LiveOrg

pytestmark = [pytest.mark.live, pytest.mark.gui]


def test_the_dialog_imports_in_the_background_and_opens_the_result(
    live_org: LiveOrg, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    dialog.endpoint.setText(live_org.url)
    opened: list[object] = []
    dialog.imported.connect(opened.append)
    dialog.start_button.click()
    assert dialog.running
    qtbot.waitUntil(lambda: dialog.open_button.isEnabled(), timeout=120000)
    assert dialog.progress.maximum() == len(live_org.accounts)
    assert f"of {len(live_org.accounts)} accounts read" in dialog.status.text()
    gaps = [dialog.gaps.item(i).text() for i in range(dialog.gaps.count())]
    assert any(live_org.accounts["Closed Project"] in g for g in gaps)
    assert dialog.compare_button.isEnabled()
    dialog.open_button.click()
    [design] = opened
    assert isinstance(design, Design)
    assert {a.aws_account_id for a in design.accounts} == set(live_org.accounts.values())


def test_an_unreachable_endpoint_is_one_line_in_the_dialog(qtbot: QtBot) -> None:
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    dialog.endpoint.setText("http://127.0.0.1:9")
    dialog.start_button.click()
    qtbot.waitUntil(lambda: not dialog.running and dialog.start_button.isEnabled(), timeout=60000)
    assert dialog.status.text().startswith("cannot read the organization:")
    assert not dialog.open_button.isEnabled()


def test_an_endpoint_that_never_answers_ends_at_the_import_deadline(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import designer.gui.import_dialog
    from tests.helpers.hostile_http import HostileServer

    monkeypatch.setattr(designer.gui.import_dialog, "DEFAULT_DEADLINE", 1.0)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    with HostileServer("drip") as server:  # every read timeout is reset by the next byte
        dialog.endpoint.setText(server.url)
        dialog.start_button.click()
        qtbot.waitUntil(lambda: not dialog.running, timeout=10000)
    assert "deadline (1 s) passed" in dialog.status.text()
    assert dialog.start_button.isEnabled()
