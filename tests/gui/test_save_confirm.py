"""Save asks before it replaces a read-only design file, and keeps it read-only when told to."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from designer.gui.main_window import MainWindow
from designer.model import load_design, save_design
from tests.gui.conftest import Button, Dialogs
from tests.helpers.factories import small_design


def _read_only_design(tmp_path: Path) -> tuple[Path, bytes]:
    file = tmp_path / "design.json"
    design = small_design()
    design.name = "Before"
    save_design(design, file)
    file.chmod(0o444)
    return file, file.read_bytes()


def test_save_over_a_read_only_file_asks_and_no_keeps_it(
    make_window: Callable[..., MainWindow], dialogs: Dialogs, tmp_path: Path
) -> None:
    file, before = _read_only_design(tmp_path)
    design = small_design()
    design.name = "After"
    window = make_window(design, file)
    dialogs.answers = [Button.No]
    assert window.files.save() is False
    [(_, title, text)] = dialogs.take("question")
    assert title == "Replace read-only file"
    assert "design.json is read-only" in text
    assert file.read_bytes() == before
    assert window.controller.path == file


def test_save_over_a_read_only_file_replaces_it_when_confirmed(
    make_window: Callable[..., MainWindow], dialogs: Dialogs, tmp_path: Path
) -> None:
    file, _ = _read_only_design(tmp_path)
    design = small_design()
    design.name = "After"
    window = make_window(design, file)
    dialogs.answers = [Button.Yes]
    assert window.files.save() is True
    assert len(dialogs.take("question")) == 1
    assert load_design(file).name == "After"
    assert stat.S_IMODE(file.stat().st_mode) == 0o444
    assert not window.controller.is_dirty


def test_save_as_onto_a_read_only_file_asks_too(
    make_window: Callable[..., MainWindow], dialogs: Dialogs, tmp_path: Path
) -> None:
    file, before = _read_only_design(tmp_path)
    window = make_window(small_design(), None)
    dialogs.save_name = str(file)
    dialogs.answers = [Button.No]
    assert window.files.save() is False
    assert len(dialogs.take("question")) == 1
    assert file.read_bytes() == before
    assert window.controller.path is None
