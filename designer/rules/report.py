"""Validation reports: text for people, JSON for scripts, SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import hashlib
import json
import textwrap
from typing import TYPE_CHECKING, Any

from designer.analysis.inventory import markdown_escape
from designer.rules.engine import SEVERITY_ORDER, Finding, Report, Rule, Severity
from designer.rules.out_of_scope import SCOPE_TITLE
from designer.rules.runner import ENGINE_RULE_ID
from designer.support.text import neutralise

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
    return neutralise("\n".join(lines) + "\n", keep="\n")


def _finding_json(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "severity": finding.severity.value,
        "title": finding.title,
        "message": finding.message,
        "subjects": list(finding.subjects),
    }
    if finding.evidence:  # how the rule concluded: a path's hops, the setting read
        data["evidence"] = list(finding.evidence)
    return data


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
    return neutralise(json.dumps(data, indent=2, ensure_ascii=False) + "\n", json=True)


def _help_uri(rule: Rule) -> str | None:
    return next((r for r in rule.references if r.startswith("https://")), None)


def sarif_rule(rule: Rule) -> dict[str, Any]:
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


def sarif_result(
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
        "message": _sarif_message(finding),
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
    if finding.evidence:
        result["properties"] = {"evidence": list(finding.evidence)}
    if finding.rule_id in rule_index:
        result["ruleIndex"] = rule_index[finding.rule_id]
    if suppression:
        result["suppressions"] = [suppression]
    return result


def _sarif_message(finding: Finding) -> dict[str, str]:
    """The message, and with evidence a Markdown version listing it (viewers show that one)."""
    message = {"text": finding.message}
    if finding.evidence:
        items = "\n".join(f"- {markdown_escape(line)}" for line in finding.evidence)
        message["markdown"] = f"{markdown_escape(finding.message)}\n\nEvidence:\n\n{items}"
    return message


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
    results = [sarif_result(f, rule_index, ctx, source, lines) for f in report.findings]
    for item in report.waived:
        w = item.waiver
        suppression = {
            "kind": "inSource",
            "status": "accepted",
            "justification": f"{w.justification} ({w.author}, {w.date})",
        }
        results.append(sarif_result(item.finding, rule_index, ctx, source, lines, suppression))
    return sarif_log(version, [sarif_rule(r) for r in rules], results, [source])


def sarif_log(
    version: str,
    rules: list[dict[str, Any]],
    results: list[dict[str, Any]],
    artifacts: list[str],
    notes: list[dict[str, Any]] | None = None,
) -> str:
    """One SARIF 2.1.0 run of account-designer (`notes`: tool notifications, such as what could
    not be read)."""
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "account-designer", "semanticVersion": version, "rules": rules}}
    }
    if notes is not None:
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": notes}]
    run["artifacts"] = [{"location": {"uri": a}} for a in artifacts]
    run["results"] = results
    sarif = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return neutralise(json.dumps(sarif, indent=2, ensure_ascii=False) + "\n", json=True)


# -- one rule explained (`validate FILE --explain RULE`) ------------------------------------------
WRAP = 100
SCOPE_EXPLAINED = (
    "The design says which structures it covers; each finding of a rule about another "
    "structure is counted once per structure, as info, listed in its evidence."
)


def _wrapped(label: str, text: str) -> list[str]:
    return textwrap.wrap(f"{label}{text}", WRAP, subsequent_indent=" " * len(label)) or [label]


def _rule_head(rule: Rule | None, rule_id: str) -> list[str]:
    if rule is None:  # the out-of-scope notes: not a registered rule
        return [f"{rule_id}  {SCOPE_TITLE}", "Severity: info", "", *_wrapped("", SCOPE_EXPLAINED)]
    about = rule.structure.value if rule.structure else "any design"
    return [
        f"{rule.id}  {rule.title}",
        f"Severity: {rule.severity.value}; category: {rule.category.value}; structure: {about}",
        "",
        *_wrapped("Why: ", rule.rationale),
        *_wrapped("Fix: ", rule.remediation),
        "References:",
        *(f"  - {ref}" for ref in rule.references),
    ]


def _finding_lines(finding: Finding, ctx: RuleContext, note: str = "") -> list[str]:
    # One line each, as `validate` prints them, so they can be searched for.
    lines = [f"  {finding.severity.value.upper():<9}{finding.message}{note}"]
    if finding.subjects:
        lines.append("    Involves: " + ", ".join(ctx.label(s) for s in finding.subjects))
    if finding.evidence:
        lines.append("    Evidence:")
        lines += [f"      {line}" for line in finding.evidence]
    return lines


def explained(report: Report, rule_id: str) -> dict[str, list[Any]]:
    """The rule's findings in the report: active (with the engine's finding when the rule could
    not run), waived, and folded as outside the scope."""
    broken = f"rule {rule_id} could not run:"
    return {
        "findings": [
            f
            for f in report.findings
            if f.rule_id == rule_id
            or (f.rule_id == ENGINE_RULE_ID and f.message.startswith(broken))
        ],
        "waived": [w for w in report.waived if w.finding.rule_id == rule_id],
        "outside_scope": [f for f in report.folded if f.rule_id == rule_id],
    }


def format_explain(rule: Rule | None, rule_id: str, report: Report, ctx: RuleContext) -> str:
    """What the rule checks and why, then each of its findings in this design with the
    subjects named and the evidence (a path's hops, the policy read) indented below."""
    lines = _rule_head(rule, rule_id)
    found = explained(report, rule_id)
    lines.append("")
    if not any(found.values()):
        lines.append(f"no findings of {rule_id} in this design")
        return neutralise("\n".join(lines) + "\n", keep="\n")
    groups = (
        ("findings", f"of {rule_id} in this design"),
        ("waived", "waived"),
        ("outside_scope", "outside this design's scope, not counted"),
    )
    for key, what in groups:
        if found[key]:
            count = len(found[key])
            lines.append(f"{count} finding{'' if count == 1 else 's'} {what}:")
        for item in found[key]:
            if key == "waived":
                w = item.waiver
                note = f" [waived by {w.author} on {w.date}: {w.justification}]"
                lines += _finding_lines(item.finding, ctx, note)
            else:
                lines += _finding_lines(item, ctx)
    return neutralise("\n".join(lines) + "\n", keep="\n")


def format_explain_json(rule: Rule | None, rule_id: str, report: Report) -> str:
    found = explained(report, rule_id)
    head: dict[str, Any] = {"id": rule_id, "title": SCOPE_TITLE, "severity": "info"}
    if rule is not None:
        head = {
            "id": rule.id,
            "title": rule.title,
            "severity": rule.severity.value,
            "category": rule.category.value,
            "structure": rule.structure.value if rule.structure else None,
            "rationale": rule.rationale,
            "remediation": rule.remediation,
            "references": list(rule.references),
        }
    data = {
        "rule": head,
        "findings": [_finding_json(f) for f in found["findings"]],
        "waived": [
            {**_finding_json(w.finding), "waiver": _waiver_json(w.waiver)} for w in found["waived"]
        ],
        "outside_scope": [_finding_json(f) for f in found["outside_scope"]],
    }
    return neutralise(json.dumps(data, indent=2, ensure_ascii=False) + "\n", json=True)
