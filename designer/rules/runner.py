"""Run the catalogue over a design: findings sorted worst first, waivers applied."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from designer.rules.context import RuleContext
from designer.rules.engine import (
    SEVERITY_ORDER,
    Category,
    Finding,
    Hit,
    Report,
    Rule,
    Severity,
    WaivedFinding,
)
from designer.rules.out_of_scope import SCOPE_RULE_ID, fold
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
    findings.sort(key=_finding_order)
    return _apply_waivers(design, findings)


@dataclass(frozen=True)
class Step:
    """Where validate_in_steps() has got to: the rules run so far and what they found.

    `report` holds the findings of the rules in `ran` only, waivers applied; its stale waivers
    are those of these rules that match none of their findings. The last step (done == total)
    is the whole validation: its report equals validate()'s.
    """

    ran: frozenset[str]
    done: int
    total: int
    report: Report

    @property
    def last(self) -> bool:
        return self.done == self.total

    def over(self, previous: Report) -> Report:
        """This step's findings, with `previous`'s for the rules not run yet (a display that
        changes only where the new run already knows better); the last step: its own report."""
        if self.last:
            return self.report
        ran = self.ran
        # The scope note is recomputed at each step from the rules run so far.
        findings = [
            *self.report.findings,
            *(f for f in previous.findings if f.rule_id not in ran and f.rule_id != SCOPE_RULE_ID),
        ]
        findings.sort(key=_finding_order)
        waived = [*self.report.waived]
        waived += [w for w in previous.waived if w.finding.rule_id not in ran]
        waived.sort(key=lambda w: _finding_order(w.finding))
        stale = [*self.report.stale_waivers]
        stale += [w for w in previous.stale_waivers if w.rule_id not in ran]
        folded = [*self.report.folded, *(f for f in previous.folded if f.rule_id not in ran)]
        return Report(findings, waived, stale, folded)


def rule_groups(rules: Iterable[Rule] | None = None) -> list[list[Rule]]:
    """The rules by category (seed, organization, ... graph), each group in id order."""
    chosen = all_rules() if rules is None else list(rules)
    order = list(Category)
    groups: dict[Category, list[Rule]] = {}
    for checked in sorted(chosen, key=lambda r: (order.index(r.category), r.id)):
        groups.setdefault(checked.category, []).append(checked)
    return list(groups.values())


def validate_in_steps(
    design: Design, graph: DesignGraph | None = None, rules: Iterable[Rule] | None = None
) -> Iterator[Step]:
    """validate(), one rule group at a time: a Step after each group, so that findings can be
    shown while the rest runs. Stop iterating to cancel (between groups)."""
    groups = rule_groups(rules)
    findings: list[Finding] = []
    ran: set[str] = set()
    with paused_gc():
        ctx = RuleContext(design, graph)
    for done, group in enumerate(groups, start=1):
        with paused_gc():  # per group: never left paused while the caller holds a step
            for checked in group:
                findings += _run(checked, ctx)
                ran.add(checked.id)
        findings.sort(key=_finding_order)
        if done == len(groups):
            report = _apply_waivers(design, findings)
        else:
            report = _apply_waivers(design, findings, ran)
        yield Step(frozenset(ran), done, len(groups), report)
    if not groups:
        yield Step(frozenset(), 0, 0, _apply_waivers(design, []))


def apply_waivers(design: Design, report: Report) -> Report:
    """The report's findings (active and waived) with the design's waivers applied again.

    Rules never read waivers, so after adding or removing a waiver this is what validate()
    would answer, provided `report` was validate()'s answer for the design before.
    """
    findings = [f for f in report.findings if f.rule_id != SCOPE_RULE_ID]
    findings += [*report.folded, *(w.finding for w in report.waived)]
    findings.sort(key=_finding_order)
    return _apply_waivers(design, findings)


def _finding_order(finding: Finding) -> tuple[int, str, str]:
    return (SEVERITY_ORDER.index(finding.severity), finding.rule_id, finding.message)


def _run(checked: Rule, ctx: RuleContext) -> list[Finding]:
    try:
        hits = _merged(list(checked.check(ctx)), ctx)
    except Exception as exc:  # one broken rule must not hide every other finding
        message = f"rule {checked.id} could not run: {exc.__class__.__name__}: {exc}"
        return [Finding(ENGINE_RULE_ID, Severity.HIGH, "A rule could not run", message, ())]
    return [
        Finding(
            checked.id,
            hit.severity or checked.severity,
            checked.title,
            hit.message,
            subjects,
            hit.evidence,
        )
        for hit, subjects in hits
    ]


def _merged(hits: list[Hit], ctx: RuleContext) -> list[tuple[Hit, tuple[str, ...]]]:
    """One finding per scoped trust, not one per account of its scope.

    A trust deployed to 2,000 accounts that breaks a rule in each is one thing to fix; the
    finding keeps the first account's message, says how many more there are, and names what
    all of them name (the trust and its other end, not the accounts it landed in, so a waiver
    for it stays valid whichever account comes first). Hits merge when they name the same
    scoped trust, have the same severity and say the same but for the accounts its scope
    covers: two different complaints about one trust, or a production account's more severe
    one, stay apart. A hit marked `merge=False` is never merged.
    """
    scoped = ctx.scoped_ids
    if not scoped:
        return [(hit, hit.subjects) for hit in hits]
    groups: dict[tuple[str, ...], list[Hit]] = {}
    for position, hit in enumerate(hits):
        copied = [s for s in hit.subjects if s in scoped and s in ctx.copied] if hit.merge else []
        key = _copy_key(hit, copied, ctx) if copied else (str(position),)
        groups.setdefault(key, []).append(hit)
    merged = []
    for group in groups.values():  # dicts keep the order of first appearance
        first = group[0]
        if len(group) == 1:
            merged.append((first, first.subjects))
            continue
        common = set(first.subjects).intersection(*(h.subjects for h in group[1:]))
        message = f"{first.message} (and {len(group) - 1} more like it in its scope)"
        subjects = tuple(s for s in first.subjects if s in common)
        merged.append((Hit(message, subjects, first.severity, evidence=first.evidence), subjects))
    return merged


def _copy_key(hit: Hit, copied: list[str], ctx: RuleContext) -> tuple[str, ...]:
    """What a hit says with the accounts of its scoped trusts' copies taken out (their names
    in the message too): equal for the copies of one complaint."""
    ends = []
    for rel_id in copied:
        rel = ctx.index[rel_id].entity
        end = ctx.scopes.scoped_end(rel)
        if end is not None:
            ends.append((rel, end, rel.target if end == "source" else rel.source))
    kept: list[str] = []
    message = hit.message
    for subject in hit.subjects:
        if subject in ctx.accounts and any(
            subject != other and ctx.covers(rel, end, subject) for rel, end, other in ends
        ):
            message = message.replace(ctx.name(subject), "\0")
        else:
            kept.append(subject)
    return (*kept, str(hit.severity), message)


def _apply_waivers(design: Design, findings: list[Finding], ran: set[str] | None = None) -> Report:
    """A finding is waived when every subject it names has a waiver for its rule.

    A finding that lists several accounts stays active while any of them is not waived, so a
    waiver for one account never hides the others (nor an account added to the list later).
    A waiver that matches no subject of any finding of its rule is stale (with `ran`: only the
    waivers of those rules can be called stale yet).
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
    stale = [
        w
        for w in design.waivers
        if (w.rule_id, w.subject) not in used and (ran is None or w.rule_id in ran)
    ]
    active, folded = fold(design, active)
    active.sort(key=_finding_order)
    return Report(active, waived, stale, folded)
