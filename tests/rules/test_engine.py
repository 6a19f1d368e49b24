"""The engine: waivers, stale waivers, a failing rule, ordering; the catalogue's metadata."""

from __future__ import annotations

import datetime as dt
import re

from designer.model import Waiver
from designer.rules import Category, Severity, all_rules, validate
from designer.rules.engine import Hit, Rule
from tests.rules.builder import Builder


def _rule(rule_id: str, check: object, severity: Severity = Severity.MEDIUM) -> Rule:
    return Rule(rule_id, "t", severity, Category.GRAPH, "r", "fix", ("ref",), check)  # type: ignore[arg-type]


def _waiver(rule_id: str, subject: str) -> Waiver:
    return Waiver(
        rule_id=rule_id,
        subject=subject,
        justification="accepted for the pilot",
        author="lead@example.com",
        date=dt.date(2026, 11, 27),
    )


def test_waived_and_stale_waivers() -> None:
    b = Builder()
    b.account("Prod", owner="")
    b.account("Dev", owner="")
    b.design.waivers += [
        _waiver("SEED-INV", b.id("Prod")),
        _waiver("SEED-INV", b.id("Management")),
        _waiver("SEED-DOC", b.id("Prod")),
    ]
    report = validate(b.build(), rules=[r for r in all_rules() if r.id in ("SEED-INV", "SEED-DOC")])
    assert [f.message for f in report.findings] == ["account 'Dev' has no owner"]
    assert [(w.finding.message, w.waiver.justification) for w in report.waived] == [
        ("account 'Prod' has no owner", "accepted for the pilot")
    ]
    assert [(w.rule_id, w.subject) for w in report.stale_waivers] == [
        ("SEED-INV", b.id("Management")),
        ("SEED-DOC", b.id("Prod")),
    ]


def test_a_failing_rule_becomes_a_finding_not_a_crash() -> None:
    def broken(ctx: object) -> list[Hit]:
        raise KeyError("missing")

    def fine(ctx: object) -> list[Hit]:
        return [Hit("fine", ())]

    report = validate(Builder().build(), rules=[_rule("X-1", broken), _rule("X-2", fine)])
    assert [(f.rule_id, f.severity, f.message) for f in report.findings] == [
        ("ENGINE", Severity.HIGH, "rule X-1 could not run: KeyError: 'missing'"),
        ("X-2", Severity.MEDIUM, "fine"),
    ]


def test_findings_sorted_worst_first_and_severity_override() -> None:
    def hits(ctx: object) -> list[Hit]:
        return [
            Hit("b low", (), Severity.LOW),
            Hit("a critical", (), Severity.CRITICAL),
            Hit("c default", ()),
        ]

    report = validate(Builder().build(), rules=[_rule("X-1", hits)])
    assert [f.message for f in report.findings] == ["a critical", "c default", "b low"]
    assert report.counts()[Severity.CRITICAL] == 1
    assert [f.message for f in report.at_or_above(Severity.MEDIUM)] == ["a critical", "c default"]


def test_catalogue_metadata_is_complete() -> None:
    rules = all_rules()
    assert len(rules) >= 40
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        assert re.fullmatch(r"[A-Z]+-[A-Z0-9]+", r.id), r.id
        assert all((r.title, r.rationale, r.remediation)), r.id
        assert r.references, r.id
        assert all(ref.strip() for ref in r.references), r.id
    categories = {r.category for r in rules}
    assert categories == set(Category)


def test_odd_designs_give_findings_never_exceptions() -> None:
    empty = Builder(management=False).build()
    report = validate(empty)
    assert not [f for f in report.findings if f.rule_id == "ENGINE"]
    lonely = Builder(management=False)
    lonely.account("Orphan")
    lonely.idp("Okta")
    report = validate(lonely.build())
    assert not [f for f in report.findings if f.rule_id == "ENGINE"]
    assert report.findings


def test_a_waiver_for_one_account_does_not_hide_the_others() -> None:
    b = Builder()
    b.account("A", root_mfa=False)
    b.account("B", root_mfa=False)
    b.design.waivers.append(_waiver("IAM-10", b.id("A")))
    rules = [r for r in all_rules() if r.id == "IAM-10"]
    report = validate(b.build(), rules=rules)
    assert [f.rule_id for f in report.findings] == ["IAM-10"]  # B is still without root MFA
    assert report.stale_waivers == []  # A's waiver is in use
    b.design.waivers.append(_waiver("IAM-10", b.id("B")))
    report = validate(b.build(), rules=rules)
    assert report.findings == []
    assert len(report.waived) == 1


def test_hits_of_a_scoped_trust_merge_per_severity_and_complaint() -> None:
    b = Builder()
    b.ou("Workloads")
    b.account("Tools", "security-tooling")
    for name in ("A", "B", "C"):
        b.account(name, parent="Workloads", environment="production" if name == "C" else "test")
    rel = b.trust("Tools", "Workloads")

    def hits(ctx: object) -> list[Hit]:
        found = []
        for name in ("A", "B", "C"):  # what a rule says of each account the role lands in
            target = b.id(name)
            severity = Severity.HIGH if name == "C" else None  # production is worse
            found.append(Hit(f"role in {name!r} is bad", (rel, b.id("Tools"), target), severity))
            found.append(Hit(f"role in {name!r} is also odd", (rel, target)))
        # Per start node: never merged even though both name the scoped trust.
        found.append(Hit("seen from 'A'", (b.id("A"), b.id("C"), rel), merge=False))
        found.append(Hit("seen from 'B'", (b.id("B"), b.id("C"), rel), merge=False))
        return found

    report = validate(b.build(), rules=[_rule("X-1", hits)])
    assert [(f.severity, f.message) for f in report.findings] == [
        (Severity.HIGH, "role in 'C' is bad"),
        (Severity.MEDIUM, "role in 'A' is also odd (and 2 more like it in its scope)"),
        (Severity.MEDIUM, "role in 'A' is bad (and 1 more like it in its scope)"),
        (Severity.MEDIUM, "seen from 'A'"),
        (Severity.MEDIUM, "seen from 'B'"),
    ]
    # A merged finding names what every copy names, not the account that happened to be first,
    # so one waiver for the trust (and its trusted account) holds whatever the order.
    assert report.findings[2].subjects == (rel, b.id("Tools"))
    b.design.waivers += [_waiver("X-1", rel), _waiver("X-1", b.id("Tools"))]
    waived = validate(b.build(), rules=[_rule("X-1", hits)]).waived
    assert [w.finding.message for w in waived] == [
        "role in 'A' is also odd (and 2 more like it in its scope)",
        "role in 'A' is bad (and 1 more like it in its scope)",
    ]  # the production account's own finding names it: it needs its own waiver
