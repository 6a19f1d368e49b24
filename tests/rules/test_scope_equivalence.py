"""A scoped relationship validates like the same design drawn account by account.

Each variant draws one relationship with an OU or the organization at an end, and compares the
design with its expansion (tests.rules.builder.expanded: one relationship per account of the
scope, each with its own id): the same (rule, severity) pairs, the same accounts covered by
audit roles and by log delivery; only the number of findings differs, one per scoped edge
where the expansion has one per account.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from benchmarks.synthetic import synthetic_design
from designer.model import Design, ObjectLock
from designer.model.templates import load_template
from designer.rules import Finding, Severity, validate
from designer.rules.context import RuleContext
from tests.rules.builder import ORG, Builder, expanded

WORKLOADS = ("Shop", "Payments", "Search", "ShopDev", "PaymentsTest")
GOOD_TRUST = {
    "require_mfa": True,
    "organization_scoped": True,
    "principal_scope": "role",
    "principal_role_name": "Analyst",
}
# From the identity account, where people arrive federated as Operator (no MFA key to test).
FROM_IDENTITY = {
    "organization_scoped": True,
    "principal_scope": "role",
    "principal_role_name": "Operator",
}


def landing_zone() -> Builder:
    """A small landing zone with five workload accounts below Workloads (Prod and Non-prod)."""
    b = Builder()
    for ou, parent in (
        ("Security", None),
        ("Infrastructure", None),
        ("Workloads", None),
        ("Prod", "Workloads"),
        ("Non-prod", "Workloads"),
        ("Sandbox", None),
        ("Suspended", None),
    ):
        b.ou(ou, parent)
    b.account("Log Archive", "log-archive", parent="Security")
    b.account("Security Tooling", "security-tooling", parent="Security")
    b.account("Identity", "identity", parent="Infrastructure")
    b.account("Network", "network", parent="Infrastructure")
    for name, env, ou in (
        ("Shop", "production", "Prod"),
        ("Payments", "production", "Prod"),
        ("Search", "production", "Prod"),
        ("ShopDev", "development", "Non-prod"),
        ("PaymentsTest", "test", "Non-prod"),
    ):
        b.account(name, environment=env, parent=ou, runs_workloads=True)
    b.idp("Okta", "saml", home_account="Identity")
    b.federation("Okta", "Identity", mapped_roles=["Operator"])
    for name in WORKLOADS:
        b.trust("Identity", name, "administrator", role_name="WorkloadAdmin", **FROM_IDENTITY)
    worm = ObjectLock(mode="COMPLIANCE", retention_days=365)
    b.bucket("trail", "Log Archive", object_lock=worm, access_logging=True)
    b.bucket("config", "Log Archive", access_logging=True)  # writes not restricted: LOG-11
    b.account("Edge", "network", parent="Infrastructure")
    return b


def scoped_audit(b: Builder) -> str:
    """Flawed: the audit role deployed to Workloads trusts the whole tooling account, without
    MFA or an organization condition (IAM-04, IAM-05, IAM-06 in each account)."""
    b.logs(ORG, "Log Archive", "cloudtrail", bucket="trail")
    b.logs(ORG, "Log Archive", "config", bucket="config")
    return b.trust("Security Tooling", "Workloads", "security-audit", role_name="Audit")


def audit_excluding_a_dev_account(b: Builder) -> str:
    b.logs(ORG, "Log Archive", "cloudtrail", bucket="trail")
    b.logs(ORG, "Log Archive", "config", bucket="config")
    return b.trust(
        "Security Tooling",
        "Workloads",
        "read-only",
        role_name="Audit",
        excluded_accounts=[b.id("ShopDev")],
        **GOOD_TRUST,
    )


def ou_config_delivery(b: Builder) -> str:
    """Config of the workload OU only (a StackSet to Workloads): LOG-05 for the rest."""
    b.logs(ORG, "Log Archive", "cloudtrail", bucket="trail")
    return b.logs("Workloads", "Log Archive", "config", bucket="config")


def ou_flow_logs(b: Builder) -> str:
    b.logs(ORG, "Log Archive", "cloudtrail", bucket="trail")
    b.logs(ORG, "Log Archive", "config", bucket="config")
    return b.logs("Infrastructure", "Log Archive", "vpc-flow-logs", bucket="config")


def ou_flow_logs_with_exclusion(b: Builder) -> str:
    """Flawed: the edge network account is left out of the OU's flow logs (LOG-06)."""
    b.logs(ORG, "Log Archive", "cloudtrail", bucket="trail")
    b.logs(ORG, "Log Archive", "config", bucket="config")
    return b.logs(
        "Infrastructure",
        "Log Archive",
        "vpc-flow-logs",
        excluded_accounts=[b.id("Edge")],
        bucket="config",
    )


def organization_config(b: Builder) -> str:
    b.logs(ORG, "Log Archive", "cloudtrail", bucket="trail")
    return b.logs(ORG, "Log Archive", "config", bucket="config")


def ou_source_trust(b: Builder) -> str:
    """Flawed: every principal of the Prod OU may read the network account, without MFA."""
    b.logs(ORG, "Log Archive", "cloudtrail", bucket="trail")
    b.logs(ORG, "Log Archive", "config", bucket="config")
    return b.trust("Prod", "Network", "read-only", role_name="NetRead", organization_scoped=True)


def organization_audit(b: Builder) -> str:
    """The audit role in every account, management included (a separate stack there)."""
    b.logs(ORG, "Log Archive", "cloudtrail", bucket="trail")
    b.logs(ORG, "Log Archive", "config", bucket="config")
    return b.trust("Security Tooling", ORG, "security-audit", role_name="Audit", **GOOD_TRUST)


VARIANTS: dict[str, Callable[[Builder], str]] = {
    "audit role to an OU": scoped_audit,
    "audit role to an OU with an account excluded": audit_excluding_a_dev_account,
    "Config delivery from an OU": ou_config_delivery,
    "flow logs from an OU": ou_flow_logs,
    "flow logs from an OU with an account excluded": ou_flow_logs_with_exclusion,
    "organization-wide Config delivery": organization_config,
    "trust from an OU": ou_source_trust,
    "audit role to the organization": organization_audit,
}


def pairs(findings: list[Finding]) -> set[tuple[str, Severity]]:
    return {(f.rule_id, f.severity) for f in findings}


def coverage(design: Design) -> tuple[set[str], dict[str, frozenset[str]]]:
    ctx = RuleContext(design)
    missing = {a: frozenset(map(str, types)) for a, types in ctx.log_coverage.missing.items()}
    return ctx.audit_coverage[0], missing


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_scoped_design_validates_like_its_expansion(variant: str) -> None:
    b = landing_zone()
    scoped_rel = VARIANTS[variant](b)
    design = b.build()
    flat = expanded(design, scoped_rel)
    assert len(flat.relationships) > len(design.relationships)  # really expanded
    scoped_report, flat_report = validate(design), validate(flat)
    assert pairs(scoped_report.findings) == pairs(flat_report.findings)
    assert coverage(design) == coverage(flat)
    # One finding per rule and severity names the scoped edge (GRAPH-01 reports per start node,
    # and a trust from an OU starts in each of its accounts); the expansion has at least as many
    # findings of every rule.
    naming = Counter(
        (f.rule_id, f.severity)
        for f in scoped_report.findings
        if scoped_rel in f.subjects and f.rule_id != "GRAPH-01"
    )
    assert set(naming.values()) <= {1}, naming
    scoped_counts = Counter(f.rule_id for f in scoped_report.findings)
    flat_counts = Counter(f.rule_id for f in flat_report.findings)
    assert all(scoped_counts[r] <= flat_counts[r] for r in scoped_counts), (
        scoped_counts,
        flat_counts,
    )


def test_a_scoped_audit_role_is_one_finding_per_rule_where_the_expansion_has_five() -> None:
    b = landing_zone()
    rel = scoped_audit(b)
    design = b.build()
    flat = validate(expanded(design, rel)).findings
    scoped = validate(design).findings
    for rule_id in ("IAM-04", "IAM-05", "IAM-06"):
        assert len([f for f in flat if f.rule_id == rule_id]) == len(WORKLOADS)
        [finding] = [f for f in scoped if f.rule_id == rule_id]
        assert rel in finding.subjects
        assert finding.message.endswith(f"(and {len(WORKLOADS) - 1} more like it in its scope)")


def test_an_excluded_account_is_not_audited() -> None:
    b = landing_zone()
    audit_excluding_a_dev_account(b)
    design = b.build()
    [gap] = [f for f in validate(design).findings if f.rule_id == "GRAPH-04"]
    assert b.id("ShopDev") in gap.subjects
    assert "'ShopDev'" in gap.message
    assert b.id("Shop") not in gap.subjects


def test_the_organization_trail_is_more_than_a_trail_per_account() -> None:
    """The one difference: per-account trails are not an organization trail (LOG-01), which
    also records accounts created later."""
    b = landing_zone()
    trail = b.logs(ORG, "Log Archive", "cloudtrail", bucket="trail")
    b.logs(ORG, "Log Archive", "config", bucket="config")
    design = b.build()
    flat = expanded(design, trail)
    scoped_pairs, flat_pairs = pairs(validate(design).findings), pairs(validate(flat).findings)
    assert flat_pairs - scoped_pairs == {("LOG-01", Severity.CRITICAL)}
    assert scoped_pairs <= flat_pairs
    assert coverage(design) == coverage(flat)


def test_reference_landing_zone_validates_like_its_expansion() -> None:
    design = load_template("reference-landing-zone")
    trails = {
        r.id
        for r in design.relationships
        if r.kind == "log-delivery" and "cloudtrail" in r.log_types
    }
    scoped = [r.id for r in design.relationships if r.kind == "trust" and r.id not in trails]
    others = [r.id for r in design.relationships if r.kind == "log-delivery" and r.id not in trails]
    flat = expanded(design, *scoped, *others)
    assert pairs(validate(design).findings) == pairs(validate(flat).findings)
    assert coverage(design) == coverage(flat)


def test_synthetic_organization_validates_like_its_unscoped_twin() -> None:
    scoped, flat = synthetic_design(60), synthetic_design(60, scoped=False)
    assert pairs(validate(scoped).findings) == pairs(validate(flat).findings)
    assert coverage(scoped) == coverage(flat)
