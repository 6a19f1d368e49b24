"""POL-* rules: the usage policy's per-OU requirements, each with a design that breaks one and a
near miss; requirements apply at any depth and nested ones add up."""

from __future__ import annotations

from typing import Any

from designer.rules.engine import Severity
from tests.rules.builder import run_rule
from tests.rules.corpus.kit import ORG, Kit


def _kit(*needs: dict[str, Any]) -> Kit:
    return Kit().policy(ou_requirements=list(needs))


def _exclude_from_config(k: Kit, *names: str) -> None:
    rels = k.relationships("log-delivery", ORG, "Log Archive")
    config = next(r for r in rels if "config" in r.log_types)
    k.doc.update(config.id, excluded_accounts=[k.id(n) for n in names])


def test_no_requirements_no_findings() -> None:
    design = Kit().build()
    for rule_id in ("POL-01", "POL-02", "POL-03", "POL-04"):
        assert run_rule(design, rule_id) == []


def test_required_scp_missing_at_any_depth() -> None:
    k = _kit({"ou": "Workloads", "required_scps": ["DenyIamUsers"]})
    found = run_rule(k.build(), "POL-01")
    names = {k.doc.get(f.subjects[0]).name for f in found}
    assert names == {
        "Retail Production",
        "Payments Production",
        "Retail Development",
        "Payments Staging",
    }
    first = found[0]
    assert first.severity == Severity.HIGH
    assert first.subjects[1:] == (k.id("Workloads"), k.id("DenyIamUsers"))
    assert first.evidence[0] == "usage policy: OU 'Workloads' requires 'DenyIamUsers'"
    assert "'RegionRestriction'" in first.evidence[1]


def test_required_scp_in_force_through_root_ou_or_account() -> None:
    k = _kit(
        {"ou": "Workloads", "required_scps": ["RegionRestriction"]},
        {"ou": "Security", "required_scps": ["ProtectLogArchive"]},
        {"ou": "Policy Staging", "required_scps": ["DenyIamUsers"]},
    )
    assert run_rule(k.build(), "POL-01") == []
    k.attach("DenyIamUsers", "Retail Production")
    k.policy(ou_requirements=[{"ou": "Prod", "required_scps": ["DenyIamUsers"]}])
    [found] = run_rule(k.build(), "POL-01")  # attached to one account of the two
    assert found.subjects[0] == k.id("Payments Production")


def test_nested_requirements_add_up_and_repeat_nothing() -> None:
    k = _kit(
        {"ou": "Workloads", "required_scps": ["DenyIamUsers"]},
        {"ou": "Prod", "required_scps": ["DenyIamUsers", "DenyAllSuspended"]},
    )
    found = [f for f in run_rule(k.build(), "POL-01") if f.subjects[0] == k.id("Retail Production")]
    assert {(f.subjects[1], f.subjects[2:]) for f in found} == {
        (k.id("Workloads"), (k.id("DenyIamUsers"),)),
        (k.id("Prod"), (k.id("DenyAllSuspended"),)),
    }


def test_required_log_delivery() -> None:
    k = _kit({"ou": "Workloads", "log_delivery": "required"})
    assert run_rule(k.build(), "POL-02") == []  # the organization trail and Config cover all
    _exclude_from_config(k, "Retail Development", "Developer Sandbox")
    [found] = run_rule(k.build(), "POL-02")  # the sandbox is under no requirement
    assert found.severity == Severity.HIGH
    assert found.subjects == (k.id("Retail Development"), k.id("Workloads"))
    assert found.message.startswith("Config of account 'Retail Development' reach no log-archive")


def test_exempt_ou_and_closed_accounts_are_left_out_of_log_coverage() -> None:
    k = _kit(
        {"ou": "Workloads", "log_delivery": "required"},
        {"ou": "Non-prod", "log_delivery": "exempt"},
    )
    k.account("Old Retail", parent="Prod", environment="production", state="suspended")
    k.attach("DenyAllSuspended", "Old Retail")
    _exclude_from_config(k, "Retail Development", "Old Retail")
    design = k.build()
    assert run_rule(design, "POL-02") == []  # nearest OU exempts; the closed account logs nothing
    assert run_rule(design, "LOG-05") == []


def test_environment_not_allowed() -> None:
    k = _kit({"ou": "Non-prod", "allowed_environments": ["development", "non-production"]})
    assert run_rule(k.build(), "POL-03") == []
    k.account("Retail QA", parent="Non-prod", environment="test")
    k.account("Retail Live", parent="Non-prod", environment="production")
    found = {k.doc.get(f.subjects[0]).name: f for f in run_rule(k.build(), "POL-03")}
    assert found["Retail QA"].severity == Severity.MEDIUM
    assert found["Retail Live"].severity == Severity.HIGH
    assert found["Retail Live"].evidence == (
        "usage policy: OU 'Non-prod' allows development, non-production",
        "'Retail Live': environment production",
    )


def test_non_production_account_in_production_only_ou_is_high() -> None:
    k = _kit({"ou": "Prod", "allowed_environments": ["production"]})
    k.update("Retail Development", parent="Prod")
    [found] = run_rule(k.build(), "POL-03")
    assert found.severity == Severity.HIGH
    assert found.subjects == (k.id("Retail Development"), k.id("Prod"))


def test_data_above_the_ceiling() -> None:
    k = _kit(
        {"ou": "Workloads", "max_data_sensitivity": "restricted"},
        {"ou": "Non-prod", "max_data_sensitivity": "internal"},
    )
    assert run_rule(k.build(), "POL-04") == []
    k.update("Payments Staging", data_sensitivity="confidential")
    [found] = run_rule(k.build(), "POL-04")
    assert found.severity == Severity.HIGH
    assert found.subjects == (k.id("Payments Staging"), k.id("Non-prod"))
    assert "allows data up to internal" in found.evidence[0]
