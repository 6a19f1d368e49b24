"""A design diff for people (text, Markdown) and machines (JSON)."""

from __future__ import annotations

import json
from typing import Any

from designer.analysis.inventory import markdown_escape
from designer.live.diff import DesignDiff, DiffEntry, Ref

FORMATS = ("text", "json", "markdown")


def format_diff(diff: DesignDiff, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(_data(diff), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(diff)
    return _text(diff)


def _summary(diff: DesignDiff) -> str:
    if not diff.differs:
        return "no differences"
    return ", ".join(f"{n} {status}" for status, n in diff.counts().items() if n)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]" if value else "none"
    return "none" if value in (None, "") else str(value)


def _changes(entry: DiffEntry) -> str:
    return _one_line(
        "; ".join(f"{c.field}: {_value(c.planned)} -> {_value(c.live)}" for c in entry.changes)
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _text(diff: DesignDiff) -> str:
    lines = [
        f"{_one_line(diff.planned)} (planned) vs {_one_line(diff.live)} (live): {_summary(diff)}"
    ]
    for entry in diff.entries:
        detail = f": {_changes(entry)}" if entry.changes else ""
        lines.append(f"{entry.status:<10}  {_one_line(entry.subject)}{detail}")
    return "\n".join(lines) + "\n"


def _markdown(diff: DesignDiff) -> str:
    e = markdown_escape
    lines = [
        f"# {e(diff.planned)} (planned) vs {e(diff.live)} (live)",
        "",
        f"{e(_summary(diff)).capitalize()}.",
    ]
    if diff.entries:
        lines += ["", "| Status | Subject | Planned -> live |", "|---|---|---|"]
        lines += [
            f"| {x.status} | {e(x.subject)} | {e(_changes(x)) or '-'} |" for x in diff.entries
        ]
    return "\n".join(lines) + "\n"


def _data(diff: DesignDiff) -> dict[str, Any]:
    return {
        "planned": diff.planned,
        "live": diff.live,
        "differs": diff.differs,
        "counts": diff.counts(),
        "entries": [
            {
                "status": x.status,
                "kind": x.kind,
                "subject": x.subject,
                "planned_id": x.planned_id,
                "live_id": x.live_id,
                "changes": [
                    {"field": c.field, "planned": _json(c.planned), "live": _json(c.live)}
                    for c in x.changes
                ],
            }
            for x in diff.entries
        ],
    }


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Ref) else value
