"""The scripted user session (tools/user_session.py): after every step the window shows a sound
canvas, the step did what the user asked, and its picture is written (the README's come from it)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from designer.model import load_design
from tests.gui.canvas_checks import scene_geometry, scene_problems
from tests.gui.conftest import Dialogs
from tools.user_session import open_window, session, settle_events

pytestmark = pytest.mark.gui


def test_the_scripted_session_shows_a_sound_canvas_at_every_step(
    qtbot: QtBot, dialogs: Dialogs, tmp_path: Path
) -> None:
    window = open_window(tmp_path / "settings.ini")
    qtbot.addWidget(window)
    saved = tmp_path / "session.json"
    opened = scene_geometry(window.scene)
    before_delete = opened
    pictures: list[QImage] = []
    for step, action in session(window, saved):
        if step.name == "04-delete":
            before_delete = scene_geometry(window.scene)
        action()
        settle_events(window)
        assert scene_problems(window.scene) == [], step.name
        if step.name == "05-undo":
            assert scene_geometry(window.scene) == before_delete, "undo puts it back exactly"
        if step.name.startswith("08-view-"):
            assert window.scene.view_name == step.name.removeprefix("08-view-")
        image = window.grab().toImage()
        assert not image.isNull()
        pictures.append(image)
        target = tmp_path / f"{step.name}.png"
        assert image.save(str(target))
    changed = sum(before != after for before, after in itertools.pairwise(pictures))
    assert changed >= len(pictures) - 2, "almost every step changes what the window shows"
    design = load_design(saved)
    assert any(a.name == "Retail Production" for a in design.accounts)
    assert not window.isWindowModified()
    window.files.confirm_discard = lambda: True
