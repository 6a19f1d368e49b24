"""One check-live report: the three-way comparison, the live organization's findings and what the
import could not read; as text, JSON, Markdown or SARIF 2.1.0 (results located in the planned
design where the planned side exists, else in the import)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from designer.analysis.inventory import markdown_escape
from designer.live.diff import Change, DiffEntry
from designer.live.diff_text import change_lines, diff_blocks, diff_line, json_value, one_line
from designer.live.drift import (
    AGREES,
    CHANGED_SINCE_BASELINE,
    CLASSES,
    DEPLOYED_NOT_PLANNED,
    DIFFERS_FROM_PLAN,
    PLANNED_NOT_DEPLOYED,
    DriftEntry,
    ThreeWay,
)
from designer.live.records import Gap
from designer.rules.context import RuleContext
from designer.rules.engine import Finding, Report, Rule, Severity
from designer.rules.report import (
    format_json,
    id_lines,
    sarif_log,
    sarif_result,
    sarif_rule,
    summary,
)
from designer.support.text import neutralise

FORMATS = ("text", "json", "markdown", "sarif")
RULE_OF = {c: "DRIFT-" + c.upper() for c in CLASSES}
SARIF_LEVEL = {  # something moved since the last look needs a person; the rest is known drift
    CHANGED_SINCE_BASELINE: "error",
    PLANNED_NOT_DEPLOYED: "warning",
    DEPLOYED_NOT_PLANNED: "warning",
    DIFFERS_FROM_PLAN: "warning",
}
DRIFT_TITLE = {
    CHANGED_SINCE_BASELINE: "Changed in the live organization since the baseline import",
    PLANNED_NOT_DEPLOYED: "Planned but not deployed",
    DEPLOYED_NOT_PLANNED: "Deployed but not in the plan",
    DIFFERS_FROM_PLAN: "Deployed differently from the plan",
}


@dataclass
class LiveCheck:
    """What check-live found, with what the formats need to name and locate it."""

    three: ThreeWay
    findings: Report  # of the live design
    ctx: RuleContext  # of the live design (names its ids)
    gaps: list[Gap]
    planned_path: str
    import_path: str
    baseline_path: str | None = None
    fail_on: Severity | None = None
    texts: dict[str, str] = field(default_factory=dict)  # path -> file text (for SARIF lines)
    traffic: dict[str, int] = field(default_factory=dict)  # requests, throttled, retries

    def failing(self) -> list[Finding]:
        return [] if self.fail_on is None else self.findings.at_or_above(self.fail_on)


def format_check(check: LiveCheck, fmt: str, rules: list[Rule], version: str) -> str:
    if fmt == "json":
        return neutralise(json.dumps(_data(check), indent=2, ensure_ascii=False) + "\n", json=True)
    if fmt == "sarif":
        return _sarif(check, rules, version)  # sarif_log neutralises its JSON
    return neutralise(_markdown(check) if fmt == "markdown" else _text(check), keep="\n")


# -- words ---------------------------------------------------------------------------------------
def _changes(changes: tuple[Change, ...]) -> str:
    """The changes on one line (an SCP's unified diff follows in _diff_lines)."""
    found = change_lines(changes)
    return found[0] if found else ""


def _detail(entry: DriftEntry) -> str:
    """What differs; for a change since the baseline, what changed and where it leaves the plan."""
    text = _changes(entry.changes)
    if entry.since_baseline is None:
        return text
    head = entry.since_baseline + (f": {text}" if text else "")
    if entry.standing == AGREES:
        return f"{head}; now agrees with the plan"
    if entry.plan_changes and entry.plan_changes == entry.changes:
        return f"{head}; now {entry.standing} by the same"
    plan = f": {_changes(entry.plan_changes)}" if entry.plan_changes else ""
    return f"{head}; now {entry.standing}{plan}"


def _diff_lines(entry: DriftEntry) -> list[str]:
    """The unified-diff lines of the entry's changes (an SCP's document), and of the plan's
    when they differ from those."""
    lines = [diff_line(x) for c in entry.changes for x in c.lines]
    if entry.since_baseline is not None:  # a diff between two imports: the first is the baseline
        lines = ["--- baseline" if x == "--- planned" else x for x in lines]
    if entry.plan_changes != entry.changes:
        lines += [diff_line(x) for c in entry.plan_changes for x in c.lines]
    return lines


def _heading(check: LiveCheck) -> str:
    t = check.three
    versus = f"; baseline {check.baseline_path}" if check.baseline_path else "; no baseline"
    counts = ", ".join(f"{n} {c}" for c, n in t.counts().items())
    return f"{check.planned_path} (planned) vs {check.import_path} (live{versus}): {counts}"


def _gap_text(gap: Gap) -> str:
    return f"{gap.account or 'organization'}: {gap.what}: {gap.reason}"


def _unread_text(entry: DiffEntry) -> str:
    """A planned thing or setting not compared: the live side could not read it."""
    return f"{entry.subject}: {entry.reason}" if entry.reason else entry.subject


def _findings_line(check: LiveCheck) -> str:
    counts = summary(check.findings)
    head = ", ".join(f"{counts[s.value]} {s.value}" for s in Severity)
    gate = f" ({len(check.failing())} at or above {check.fail_on})" if check.fail_on else ""
    return f"live findings: {head}{gate}"


def _traffic_line(check: LiveCheck) -> str | None:
    t = check.traffic
    if not t:
        return None
    return (
        f"import: {t.get('requests', 0)} requests sent, {t.get('throttled', 0)} throttled, "
        f"{t.get('retries', 0)} retries"
    )


def _text(check: LiveCheck) -> str:
    lines = [one_line(_heading(check))]
    for entry in check.three.entries:
        detail = _detail(entry)
        subject = one_line(entry.subject)
        lines.append(f"{entry.cls:<22}  {subject}" + (f": {detail}" if detail else ""))
        lines += [f"{'':<24}{line}" for line in _diff_lines(entry)]
    lines += [
        f"{'not compared':<22}  {one_line(_unread_text(u))}" for u in check.three.not_compared
    ]
    lines.append(_findings_line(check))
    for finding in check.failing():
        lines.append(
            f"  {finding.severity.value.upper():<8} {finding.rule_id:<15} {finding.message}"
        )
    lines += [f"gap: {one_line(_gap_text(g))}" for g in check.gaps]
    traffic = _traffic_line(check)
    return "\n".join(lines + ([traffic] if traffic else [])) + "\n"


def _markdown(check: LiveCheck) -> str:
    e = markdown_escape
    t = check.three
    lines = [
        f"# {e(check.planned_path)} (planned) vs {e(check.import_path)} (live)",
        "",
        f"Baseline: {e(check.baseline_path) if check.baseline_path else 'none (two-way)'}.",
        "",
        "| " + " | ".join(t.counts()) + " |",
        "|" + "---|" * len(t.counts()),
        "| " + " | ".join(str(n) for n in t.counts().values()) + " |",
    ]
    if t.entries:
        lines += [
            "",
            "## Differences",
            "",
            "| Class | Kind | Subject | Detail |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {x.cls} | {x.kind} | {e(x.subject)} | {e(_detail(x)) or '-'} |" for x in t.entries
        ]
    if t.not_compared:
        lines += ["", "## Not compared", ""] + [f"- {e(_unread_text(u))}" for u in t.not_compared]
    lines += diff_blocks((x.subject, _diff_lines(x)) for x in t.entries)
    lines += ["", "## Findings of the live organization", "", e(_findings_line(check)) + "."]
    if check.failing():
        lines += ["", "| Severity | Rule | Message |", "|---|---|---|"]
        lines += [f"| {f.severity.value} | {f.rule_id} | {e(f.message)} |" for f in check.failing()]
    if check.gaps:
        lines += ["", "## Not read by the import", ""] + [
            f"- {e(_gap_text(g))}" for g in check.gaps
        ]
    traffic = _traffic_line(check)
    return "\n".join(lines + (["", e(traffic) + "."] if traffic else [])) + "\n"


# -- JSON ----------------------------------------------------------------------------------------
def _change_json(changes: tuple[Change, ...]) -> list[dict[str, Any]]:
    """Each change: from (the plan, or the baseline for a change since it) to the live value."""
    found = []
    for c in changes:
        data = {"field": c.field, "from": json_value(c.planned), "to": json_value(c.live)}
        found.append({**data, "diff": list(c.lines)} if c.lines else data)
    return found


def _entry_json(entry: DriftEntry) -> dict[str, Any]:
    return {
        "class": entry.cls,
        "kind": entry.kind,
        "subject": entry.subject,
        "planned_id": entry.planned_id,
        "live_id": entry.live_id,
        "since_baseline": entry.since_baseline,
        "standing": entry.standing,
        "changes": _change_json(entry.changes),
        "plan_changes": _change_json(entry.plan_changes),
    }


def _data(check: LiveCheck) -> dict[str, Any]:
    findings = json.loads(format_json(check.findings, check.import_path))
    return {
        "planned": check.planned_path,
        "import": check.import_path,
        "baseline": check.baseline_path,
        "counts": check.three.counts(),
        "entries": [_entry_json(x) for x in check.three.entries],
        "not_compared": [
            {"kind": u.kind, "subject": u.subject, "planned_id": u.planned_id, "reason": u.reason}
            for u in check.three.not_compared
        ],
        "findings": {
            "fail_on": check.fail_on.value if check.fail_on else None,
            "failing": len(check.failing()),
            "summary": findings["summary"],
            "findings": findings["findings"],
        },
        "gaps": [{"account": g.account, "what": g.what, "reason": g.reason} for g in check.gaps],
        "import_traffic": check.traffic,
    }


# -- SARIF ---------------------------------------------------------------------------------------
def _drift_rules() -> list[dict[str, Any]]:
    return [
        {
            "id": RULE_OF[c],
            "name": "Drift" + "".join(w.capitalize() for w in c.split("-")),
            "shortDescription": {"text": DRIFT_TITLE[c]},
            "defaultConfiguration": {"level": SARIF_LEVEL[c]},
            "properties": {"tags": ["drift"]},
        }
        for c in CLASSES
    ]


def _location(source: str, lines: dict[str, int], ids: list[tuple[str, str]]) -> dict[str, Any]:
    """A location in `source` at the first of `ids` ((id, name) pairs) found on an "id" line."""
    line = next((lines[i] for i, _ in ids if i in lines), 1)
    return {
        "physicalLocation": {"artifactLocation": {"uri": source}, "region": {"startLine": line}},
        "logicalLocations": [
            {"name": name, "fullyQualifiedName": i, "kind": "object"} for i, name in ids
        ],
    }


def _drift_result(
    entry: DriftEntry, check: LiveCheck, lines: dict[str, dict[str, int]]
) -> dict[str, Any]:
    if entry.planned_id:
        where, entity = check.planned_path, entry.planned_id
    elif entry.since_baseline == "disappeared" and check.baseline_path:
        where, entity = check.baseline_path, entry.live_id or ""
    else:
        where, entity = check.import_path, entry.live_id or ""
    detail = _detail(entry)
    diff = "".join(f"\n{line}" for line in _diff_lines(entry))
    key = "\x1f".join((entry.cls, entry.kind, entry.subject))
    return {
        "ruleId": RULE_OF[entry.cls],
        "ruleIndex": CLASSES.index(entry.cls),
        "level": SARIF_LEVEL[entry.cls],
        "message": {
            "text": f"{entry.cls}: {entry.subject}" + (f": {detail}" if detail else "") + diff
        },
        "locations": [_location(where, lines.get(where, {}), [(entity, entry.subject)])],
        "partialFingerprints": {
            "designDrift/v1": hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        },
        "properties": {"kind": entry.kind, "standing": entry.standing},
    }


def _finding_result(
    finding: Finding,
    check: LiveCheck,
    rule_index: dict[str, int],
    lines: dict[str, dict[str, int]],
) -> dict[str, Any]:
    """validate's SARIF result, located in the plan when a subject was matched there."""
    result = sarif_result(
        finding, rule_index, check.ctx, check.import_path, lines.get(check.import_path, {})
    )
    planned_of = {live: planned for planned, live in check.three.matched.items()}
    mapped = [(planned_of[s], check.ctx.label(s)) for s in finding.subjects if s in planned_of]
    if mapped:
        planned = check.planned_path
        result["locations"] = [_location(planned, lines.get(planned, {}), mapped)]
    return result


def _sarif(check: LiveCheck, rules: list[Rule], version: str) -> str:
    drift_rules = _drift_rules()
    rule_index = {r.id: len(drift_rules) + i for i, r in enumerate(rules)}
    lines = {path: id_lines(text) for path, text in check.texts.items()}
    results = [_drift_result(x, check, lines) for x in check.three.entries]
    results += [_finding_result(f, check, rule_index, lines) for f in check.findings.findings]
    notes = [
        {"level": "warning", "message": {"text": f"not read: {_gap_text(g)}"}} for g in check.gaps
    ]
    notes += [
        {"level": "note", "message": {"text": f"not compared: {_unread_text(u)}"}}
        for u in check.three.not_compared
    ]
    artifacts = [check.planned_path, check.import_path]
    if check.baseline_path:
        artifacts.append(check.baseline_path)
    rules_json = drift_rules + [sarif_rule(r) for r in rules]
    return sarif_log(version, rules_json, results, artifacts, notes)
