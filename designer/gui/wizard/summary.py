"""The wizard's last page, as HTML: what Finish will create (a new design) or change (growing)."""

from __future__ import annotations

from html import escape

from designer.model import Design, DesignError, new_id
from designer.model.answers import Answers
from designer.wizard.build import build_design
from designer.wizard.grow import changed_questions, describe_changes, plan_growth
from designer.wizard.questions import question

NOTHING_CHANGED = "No answer changed: Finish leaves the design as it is."


def counts(design: Design) -> str:
    """'12 accounts, 7 OUs, 30 relationships, ...': what a design holds, in one line."""
    parts = [
        (len(design.accounts), "account"),
        (len(design.organizational_units), "OU"),
        (len(design.relationships), "relationship"),
        (len(design.service_control_policies), "SCP"),
        (len(design.log_buckets), "log bucket"),
        (len(design.identity_providers), "identity provider"),
        (len(design.outside_principals), "third party"),
    ]
    words = [f"{n} {w}s" if n != 1 else f"1 {w}" for n, w in parts if n]
    return ", ".join(w.replace("partys", "parties") for w in words)


def new_design_html(answers: Answers) -> str:
    """What a new design from these answers holds, and each decision taken on the way."""
    design = build_design(answers, new_id())
    accounts = ", ".join(a.name for a in design.accounts)
    units = ", ".join(u.name for u in design.organizational_units)
    decisions = [f"<b>{escape(d.topic)}</b>: {escape(d.choice)}" for d in design.decisions]
    return (
        f"<p>Finish creates <b>{escape(design.name)}</b>: {escape(counts(design))}.</p>"
        f"<p><b>Accounts:</b> {escape(accounts)}</p>"
        f"<p><b>OUs:</b> {escape(units)}</p>"
        f"<h4>Decisions ({len(decisions)})</h4>{_items(decisions)}"
        "<p>The new design is not saved until you save it.</p>"
    )


def growth_html(design: Design, answers: Answers) -> str:
    """The changed answers and what they add, remove, change and keep, one line each."""
    if design.answers is None or design.answers == answers:
        return f"<p><b>{NOTHING_CHANGED}</b></p>"
    try:
        growth = plan_growth(design, answers)
    except DesignError as exc:
        return f"<p><b>Cannot grow this design:</b> {escape(str(exc))}</p>"
    changed = changed_lines(design.answers, answers)
    head, *lines = growth.summary(design)
    return (
        f"<h4>Changed answers ({len(changed)})</h4>{_items(changed)}"
        f"<h4>What Finish does: {escape(head)}</h4>{_items([escape(s) for s in lines])}"
        "<p>All of it is one edit: Undo takes it back.</p>"
    )


def changed_lines(old: Answers, new: Answers) -> list[str]:
    """describe_changes, each prompt as the page shows it (without the command line's list of
    values) and the answers in bold."""
    lines = []
    for key, line in zip(changed_questions(old, new), describe_changes(old, new), strict=True):
        was, _, now = line.removeprefix(question(key).prompt).strip().partition(" -> ")
        prompt = question(key).prompt
        lines.append(f"{escape(prompt)} <b>{escape(was)}</b> → <b>{escape(now)}</b>")
    return lines


def _items(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>" if lines else ""
