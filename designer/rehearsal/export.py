"""Where an export keeps the design it was made from (if it keeps one)."""

from __future__ import annotations

import json
from pathlib import Path

MANIFEST = "manifest.json"
DESIGN_KEYS = ("design_file", "design_path")  # what the manifest would name it by


def export_design_file(export_dir: Path) -> Path | None:
    """The design file the export carries, or None (today's exports carry only its name)."""
    try:
        manifest = json.loads((export_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if not isinstance(manifest, dict):
        return None
    for key in DESIGN_KEYS:
        value = manifest.get(key)
        if isinstance(value, str) and (export_dir / value).is_file():
            return export_dir / value
    return None
