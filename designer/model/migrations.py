"""Upgrades of design files, dict to dict, before validation.

Each entry upgrades a file from one format_version to the next. Plain dicts keep old files
loadable after fields are renamed or removed from the model.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from designer.model.errors import DesignFileError

Migration = Callable[[dict[str, Any]], dict[str, Any]]

# from_version -> function returning the data at from_version + 1. Version 1 is the first format.
MIGRATIONS: dict[int, Migration] = {}


def migrate(
    data: dict[str, Any],
    version: int,
    target: int,
    migrations: dict[int, Migration] | None = None,
) -> dict[str, Any]:
    """Return data upgraded to `target`; the input is never modified, even when a step fails."""
    steps = MIGRATIONS if migrations is None else migrations
    if version >= target:
        return data
    current = copy.deepcopy(data)
    while version < target:
        step = steps.get(version)
        if step is None:
            raise DesignFileError(f"no upgrade from format_version {version} to {version + 1}")
        try:
            current = step(current)
        except (KeyError, TypeError, ValueError) as exc:
            raise DesignFileError(
                f"cannot upgrade from format_version {version}: {exc.__class__.__name__}: {exc}"
            ) from exc
        version += 1
        current["format_version"] = version
    return current
