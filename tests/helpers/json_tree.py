"""Walking parsed JSON: the fuzz tests damage a design at a container drawn from these."""

from __future__ import annotations

from typing import Any


def containers(node: Any, found: list[Any] | None = None) -> list[Any]:
    """Every object and list in `node`, itself first, depth first."""
    found = [] if found is None else found
    if isinstance(node, dict | list):
        found.append(node)
        for child in node.values() if isinstance(node, dict) else node:
            containers(child, found)
    return found
