"""Findings about the structures a design leaves out, folded into one note per structure.

A template of the identity structure deliberately has no log archive and no SCPs; calling that
critical teaches users to ignore the findings panel. When a design says which structures it
covers (Design.covers), each rule about another structure still runs, and what it finds is
reported once per structure, as info, naming the rules, so nothing is hidden without a trace.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from designer.model.vocabulary import STRUCTURE_LABELS, Structure
from designer.rules.engine import REGISTRY, Finding, Severity

if TYPE_CHECKING:
    from designer.model.design import Design

SCOPE_RULE_ID = "SCOPE"
SCOPE_TITLE = "Outside this design's scope"


def outside(design: Design, rule_id: str) -> Structure | None:
    """The structure a rule is about when the design does not cover it; None otherwise."""
    if design.covers is None:
        return None
    checked = REGISTRY.get(rule_id)
    about = checked.structure if checked is not None else None
    return about if about is not None and about not in design.covers else None


def fold(design: Design, findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """The findings in scope and one info finding per structure outside it; then the findings
    folded into those notes."""
    if design.covers is None:
        return findings, []
    kept: list[Finding] = []
    left_out: dict[Structure, list[Finding]] = defaultdict(list)
    for finding in findings:
        about = outside(design, finding.rule_id)
        if about is None:
            kept.append(finding)
        else:
            left_out[about].append(finding)
    folded: list[Finding] = []
    for about in Structure:
        if about in left_out:
            kept.append(_note(design, about, left_out[about]))
            folded += left_out[about]
    return kept, folded


def _note(design: Design, about: Structure, findings: list[Finding]) -> Finding:
    worst = max(findings, key=lambda f: f.severity.rank).severity
    rules = ", ".join(sorted({f.rule_id for f in findings}))
    covered = ", ".join(str(s) for s in design.covers or ()) or "nothing"
    count = len(findings)
    message = (
        f"{STRUCTURE_LABELS[about]} is outside this design's scope (it covers {covered}): "
        f"{count} finding{'' if count == 1 else 's'} up to {worst.value} not counted ({rules})"
    )
    evidence = tuple(f"{f.rule_id} ({f.severity.value}): {f.message}" for f in findings)
    return Finding(SCOPE_RULE_ID, Severity.INFO, SCOPE_TITLE, message, (), evidence)
