"""A design diff for people (text, Markdown) and machines (JSON).

Each difference is one line of text (a Markdown table row); a change that carries a unified diff
(an SCP's document) prints it under its entry, one line of the diff a line, never two whole
documents on one line. What was not compared because the live side could not read it comes
last, marked "unread", and counts as no difference.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from designer.analysis.inventory import markdown_escape
from designer.live.diff import UNREAD, Change, DesignDiff, DiffEntry, Ref
from designer.support.text import neutralise

FORMATS = ("text", "json", "markdown")


def format_diff(diff: DesignDiff, fmt: str = "text") -> str:
    if fmt == "json":
        return neutralise(json.dumps(_data(diff), indent=2, ensure_ascii=False) + "\n", json=True)
    return neutralise(_markdown(diff) if fmt == "markdown" else _text(diff), keep="\n")


def _summary(diff: DesignDiff) -> str:
    found = ", ".join(f"{n} {status}" for status, n in diff.counts().items() if n)
    unread = f"; {len(diff.unread)} not compared (not read)" if diff.unread else ""
    return (found or "no differences") + unread


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]" if value else "none"
    return "none" if value in (None, "") else str(value)


def _change(change: Change) -> str:
    if change.lines:
        return f"{change.field}: changed (diff below)"
    return f"{change.field}: {_value(change.planned)} -> {_value(change.live)}"


def change_lines(changes: Iterable[Change]) -> list[str]:
    """Changes as lines to show: one for every value ("field: planned -> live; ..."), then
    each line of every unified diff (an SCP's document); [] for none."""
    changes = list(changes)
    if not changes:
        return []
    diffs = [diff_line(line) for c in changes for line in c.lines]
    return [one_line("; ".join(_change(c) for c in changes)), *diffs]


def _changes(entry: DiffEntry) -> str:
    if entry.status == UNREAD:
        return one_line(f"not compared, {entry.reason}")
    return one_line("; ".join(_change(c) for c in entry.changes))


def entry_line(entry: DiffEntry) -> str:
    """The one line the text format gives an entry (without the diff lines under it)."""
    detail = f": {_changes(entry)}" if entry.changes or entry.reason else ""
    return f"{entry.status:<10}  {one_line(entry.subject)}{detail}"


def _diff_lines(entry: DiffEntry) -> list[str]:
    return [line for c in entry.changes for line in c.lines]


def one_line(text: str) -> str:
    """`text` on one line, its control and bidi characters shown as escapes (\\x1b)."""
    return " ".join(neutralise(text, keep="\t\n\r\x0b\x0c").split())


def _text(diff: DesignDiff) -> str:
    lines = [
        f"{one_line(diff.planned)} (planned) vs {one_line(diff.live)} (live): {_summary(diff)}"
    ]
    for entry in [*diff.entries, *diff.unread]:
        lines.append(entry_line(entry))
        lines += [f"            {diff_line(line)}" for line in _diff_lines(entry)]
    return "\n".join(lines) + "\n"


def diff_line(text: str) -> str:
    """A line of a diff, its leading spaces kept, no line break or control character in it."""
    return neutralise(text.replace("\t", " "))


def _markdown(diff: DesignDiff) -> str:
    e = markdown_escape
    lines = [
        f"# {e(diff.planned)} (planned) vs {e(diff.live)} (live)",
        "",
        f"{e(_summary(diff)).capitalize()}.",
    ]
    listed = [*diff.entries, *diff.unread]
    if listed:
        lines += ["", "| Status | Subject | Planned -> live |", "|---|---|---|"]
        lines += [f"| {x.status} | {e(x.subject)} | {e(_changes(x)) or '-'} |" for x in listed]
    lines += diff_blocks((x.subject, _diff_lines(x)) for x in diff.entries)
    return "\n".join(lines) + "\n"


def diff_blocks(entries: Iterable[tuple[str, list[str]]]) -> list[str]:
    """Markdown: each subject with unified-diff lines (an SCP's document), in a diff block."""
    lines: list[str] = []
    for subject, found in entries:
        if found:
            marks = code_fence(found)
            lines += ["", f"{markdown_escape(subject)}:", "", f"{marks}diff", *found, marks]
    return lines


def code_fence(lines: list[str]) -> str:
    """A code fence longer than any run of backticks in `lines`, so none of them closes it."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _data(diff: DesignDiff) -> dict[str, Any]:
    return {
        "planned": diff.planned,
        "live": diff.live,
        "differs": diff.differs,
        "counts": diff.counts(),
        "entries": [_entry(x) for x in diff.entries],
        "unread": [{**_entry(x), "reason": x.reason} for x in diff.unread],
    }


def _entry(x: DiffEntry) -> dict[str, Any]:
    return {
        "status": x.status,
        "kind": x.kind,
        "subject": x.subject,
        "planned_id": x.planned_id,
        "live_id": x.live_id,
        "changes": [_change_data(c) for c in x.changes],
    }


def _change_data(c: Change) -> dict[str, Any]:
    data = {"field": c.field, "planned": json_value(c.planned), "live": json_value(c.live)}
    return {**data, "diff": list(c.lines)} if c.lines else data


def json_value(value: Any) -> Any:
    return str(value) if isinstance(value, Ref) else value
