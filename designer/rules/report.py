"""Validation reports: text for people, JSON for scripts, SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from designer.rules.engine import SEVERITY_ORDER, Finding, Report, Rule, Severity

if TYPE_CHECKING:
    from designer.rules.context import RuleContext

FORMATS = ("text", "json", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub code scanning ranks security results by this 0-10 score.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}


def summary(report: Report) -> dict[str, int]:
    counts = {s.value: n for s, n in report.counts().items()}
    return {**counts, "waived": len(report.waived), "stale_waivers": len(report.stale_waivers)}


def format_text(report: Report, ctx: RuleContext, source: str) -> str:
    counts = report.counts()
    head = ", ".join(f"{counts[s]} {s.value}" for s in SEVERITY_ORDER)
    extra = f"; {len(report.waived)} waived, {len(report.stale_waivers)} stale waivers"
    lines = [f"{source}: {head}{extra}"]
    for severity in SEVERITY_ORDER:
        group = [f for f in report.findings if f.severity == severity]
        if group:
            lines += ["", f"{severity.value.upper()} ({len(group)})"]
            lines += [f"  {f.rule_id:<15} {f.message}" for f in group]
    if report.waived:
        lines += ["", f"WAIVED ({len(report.waived)})"]
        for item in report.waived:
            w = item.waiver
            lines.append(
                f"  {item.finding.rule_id:<15} {item.finding.message} "
                f"[waived by {w.author} on {w.date}: {w.justification}]"
            )
    if report.stale_waivers:
        lines += ["", f"STALE WAIVERS ({len(report.stale_waivers)}): they match no finding"]
        for w in report.stale_waivers:
            lines.append(f"  {w.rule_id:<15} for {ctx.label(w.subject)} ({w.author}, {w.date})")
    return "\n".join(lines) + "\n"


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "severity": finding.severity.value,
        "title": finding.title,
        "message": finding.message,
        "subjects": list(finding.subjects),
    }


def _waiver_json(waiver: Any) -> dict[str, Any]:
    data: dict[str, Any] = waiver.model_dump(mode="json")
    return data


def format_json(report: Report, source: str) -> str:
    data = {
        "file": source,
        "summary": summary(report),
        "findings": [_finding_json(f) for f in report.findings],
        "waived": [
            {**_finding_json(w.finding), "waiver": _waiver_json(w.waiver)} for w in report.waived
        ],
        "stale_waivers": [_waiver_json(w) for w in report.stale_waivers],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _help_uri(rule: Rule) -> str | None:
    return next((r for r in rule.references if r.startswith("https://")), None)


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(w.capitalize() for w in rule.id.replace("-", " ").split()),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": f"{rule.remediation}\nReferences: {'; '.join(rule.references)}"},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {
            "category": rule.category.value,
            "severity": rule.severity.value,
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "tags": ["security", rule.category.value],
        },
    }
    uri = _help_uri(rule)
    if uri:
        entry["helpUri"] = uri
    return entry


def _fingerprint(finding: Finding) -> str:
    text = "\x1f".join((finding.rule_id, *sorted(finding.subjects)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _sarif_result(
    finding: Finding,
    rule_index: dict[str, int],
    ctx: RuleContext,
    source: str,
    lines: dict[str, int],
    suppression: dict[str, Any] | None = None,
) -> dict[str, Any]:
    region_line = next((lines[s] for s in finding.subjects if s in lines), 1)
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": SARIF_LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": source},
                    "region": {"startLine": region_line},
                },
                "logicalLocations": [
                    {"name": ctx.label(s), "fullyQualifiedName": s, "kind": "object"}
                    for s in finding.subjects
                ],
            }
        ],
        "partialFingerprints": {"designFinding/v1": _fingerprint(finding)},
    }
    if finding.rule_id in rule_index:
        result["ruleIndex"] = rule_index[finding.rule_id]
    if suppression:
        result["suppressions"] = [suppression]
    return result


def id_lines(text: str) -> dict[str, int]:
    """Line number of each `"id": "..."` in a design file, so results point at the entity."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith('"id": "'):
            found.setdefault(stripped[7:].split('"', 1)[0], number)
    return found


def format_sarif(
    report: Report, rules: list[Rule], ctx: RuleContext, source: str, text: str, version: str
) -> str:
    rule_index = {r.id: i for i, r in enumerate(rules)}
    lines = id_lines(text)
    results = [_sarif_result(f, rule_index, ctx, source, lines) for f in report.findings]
    for item in report.waived:
        w = item.waiver
        suppression = {
            "kind": "inSource",
            "status": "accepted",
            "justification": f"{w.justification} ({w.author}, {w.date})",
        }
        results.append(_sarif_result(item.finding, rule_index, ctx, source, lines, suppression))
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "account-designer",
                        "semanticVersion": version,
                        "rules": [_sarif_rule(r) for r in rules],
                    }
                },
                "artifacts": [{"location": {"uri": source}}],
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
