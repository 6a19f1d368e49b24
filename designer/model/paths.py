"""JSON paths ($.accounts[3].parent) for error messages."""

from __future__ import annotations

from collections.abc import Iterable


def json_path(parts: Iterable[str | int]) -> str:
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{part!r}]"
    return out
