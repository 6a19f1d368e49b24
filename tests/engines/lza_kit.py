"""The LZA tests' hand-written configurations: copied into a test's folder, then edited there."""

from __future__ import annotations

import shutil
from pathlib import Path

CONFIGS = Path(__file__).parent / "configs" / "lza"


def config_copy(tmp_path: Path, name: str = "nested") -> Path:
    folder = tmp_path / name
    shutil.copytree(CONFIGS / name, folder)
    return folder


def edit(folder: Path, file: str, old: str, new: str) -> None:
    """Replace the first `old` in one file of the copy (it must be there)."""
    path = folder / file
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
