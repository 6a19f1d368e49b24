"""Where the bundled resources (templates, icons, styles) are."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "ACCOUNT_DESIGNER_RESOURCES"


def resources_dir() -> Path:
    """resources/ beside the package, or the folder named by $ACCOUNT_DESIGNER_RESOURCES."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "resources"


def templates_dir() -> Path:
    return resources_dir() / "templates"
