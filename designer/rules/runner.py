"""Run the catalogue over a design: findings sorted worst first, waivers applied."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from designer.rules.context import RuleContext
from designer.rules.engine import (
    SEVERITY_ORDER,
    Finding,
    Hit,
    Report,
    Rule,
    Severity,
    WaivedFinding,
)
from designer.rules.registry import all_rules
from designer.support.perf import paused_gc

if TYPE_CHECKING:
    from designer.core.graph import DesignGraph
    from designer.model.design import Design

ENGINE_RULE_ID = "ENGINE"


def validate(
    design: Design, graph: DesignGraph | None = None, rules: Iterable[Rule] | None = None
) -> Report:
    findings: list[Finding] = []
    with paused_gc():
        ctx = RuleContext(design, graph)
        for checked in all_rules() if rules is None else rules:
            findings += _run(checked, ctx)
    findings.sort(key=lambda f: (SEVERITY_ORDER.index(f.severity), f.rule_id, f.message))
    return _apply_waivers(design, findings)


def _run(checked: Rule, ctx: RuleContext) -> list[Finding]:
    try:
        hits = _merged(list(checked.check(ctx)), ctx.scoped_ids)
    except Exception as exc:  # one broken rule must not hide every other finding
        message = f"rule {checked.id} could not run: {exc.__class__.__name__}: {exc}"
        return [Finding(ENGINE_RULE_ID, Severity.HIGH, "A rule could not run", message, ())]
    return [
        Finding(checked.id, hit.severity or checked.severity, checked.title, hit.message, subjects)
        for hit, subjects in hits
    ]


def _merged(hits: list[Hit], scoped: frozenset[str]) -> list[tuple[Hit, tuple[str, ...]]]:
    """One finding per scoped relationship and rule, not one per account of its scope.

    A trust deployed to 2,000 accounts that breaks a rule in each is one thing to fix; the
    finding keeps the first account's message and says how many more there are.
    """
    if not scoped:
        return [(hit, hit.subjects) for hit in hits]
    groups: dict[tuple[str, ...], list[Hit]] = {}
    order: list[tuple[str, ...]] = []
    for position, hit in enumerate(hits):
        inside = tuple(s for s in hit.subjects if s in scoped)
        key = inside if inside else (str(position),)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(hit)
    merged = []
    for key in order:
        first, more = groups[key][0], len(groups[key]) - 1
        if more:
            first = Hit(
                f"{first.message} (and {more} more like it in its scope)",
                first.subjects,
                first.severity,
            )
        merged.append((first, first.subjects))
    return merged


def _apply_waivers(design: Design, findings: list[Finding]) -> Report:
    """A finding is waived when every subject it names has a waiver for its rule.

    A finding that lists several accounts stays active while any of them is not waived, so a
    waiver for one account never hides the others (nor an account added to the list later).
    A waiver that matches no subject of any finding of its rule is stale.
    """
    waivers = {(w.rule_id, w.subject): w for w in design.waivers}
    used: set[tuple[str, str]] = set()
    active: list[Finding] = []
    waived: list[WaivedFinding] = []
    for finding in findings:
        keys = [(finding.rule_id, s) for s in finding.subjects]
        matched = [k for k in keys if k in waivers]
        used.update(matched)
        if keys and len(matched) == len(keys):
            waived.append(WaivedFinding(finding, waivers[matched[0]]))
        else:
            active.append(finding)
    stale = [w for w in design.waivers if (w.rule_id, w.subject) not in used]
    return Report(active, waived, stale)
