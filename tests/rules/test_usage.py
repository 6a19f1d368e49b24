"""POL-* rules: the usage policy's per-OU requirements, each with a design that breaks one and a
near miss; requirements apply at any depth and nested ones add up."""

from __future__ import annotations

from typing import Any

from designer.model import Account
from designer.rules import Finding
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


def _named(k: Kit, finding: Finding) -> set[str]:
    """The names of the accounts a finding lists among its subjects."""
    found = (k.doc.get(i) for i in finding.subjects)
    return {e.name for e in found if isinstance(e, Account)}


def test_required_scp_missing_at_any_depth_is_one_finding() -> None:
    k = _kit({"ou": "Workloads", "required_scps": ["DenyIamUsers"]})
    [found] = run_rule(k.build(), "POL-01")  # one requirement, one missing SCP: one finding
    assert _named(k, found) == {
        "Retail Production",
        "Payments Production",
        "Retail Development",
        "Payments Staging",
    }
    assert found.severity == Severity.HIGH
    assert found.subjects[:2] == (k.id("Workloads"), k.id("DenyIamUsers"))
    assert found.message == (
        "accounts 'Retail Production', 'Payments Production', 'Retail Development', "
        "'Payments Staging' run without SCP 'DenyIamUsers', which the usage policy requires in "
        "OU 'Workloads'"
    )
    assert found.evidence[0] == "usage policy: OU 'Workloads' requires 'DenyIamUsers'"
    assert found.evidence[1] == "SCP 'DenyIamUsers' attached to: OU 'Policy Staging'"
    assert "'RegionRestriction'" in found.evidence[2]


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
    assert _named(k, found) == {"Payments Production"}
    assert found.message.startswith("account 'Payments Production' runs without SCP")


def test_nested_requirements_add_up_and_repeat_nothing() -> None:
    k = _kit(
        {"ou": "Workloads", "required_scps": ["DenyIamUsers"]},
        {"ou": "Prod", "required_scps": ["DenyIamUsers", "DenyAllSuspended"]},
    )
    found = {f.subjects[:2]: _named(k, f) for f in run_rule(k.build(), "POL-01")}
    production = {"Retail Production", "Payments Production"}
    assert found == {
        (k.id("Workloads"), k.id("DenyIamUsers")): {
            *production,
            "Retail Development",
            "Payments Staging",
        },
        (k.id("Prod"), k.id("DenyAllSuspended")): production,
    }


def test_thousands_of_accounts_missing_one_scp_are_one_finding() -> None:
    """A whole OU without its SCP is one decision: one finding that counts the rest."""
    k = _kit({"ou": "Non-prod", "required_scps": ["DenyIamUsers"]})
    for n in range(30):
        k.account(f"Team {n:02d} Dev", parent="Non-prod", environment="development")
    [found] = run_rule(k.build(), "POL-01")
    assert len(found.subjects) == 2 + 32
    assert "and 27 more run without SCP 'DenyIamUsers'" in found.message
    assert found.evidence[-1] == "... and 27 more accounts alike"
    k.attach("DenyIamUsers", "Non-prod")  # near miss: attached to the OU, in force for all
    assert run_rule(k.build(), "POL-01") == []


def test_required_log_delivery() -> None:
    k = _kit({"ou": "Workloads", "log_delivery": "required"})
    assert run_rule(k.build(), "POL-02") == []  # the organization trail and Config cover all
    _exclude_from_config(k, "Retail Development", "Developer Sandbox")
    [found] = run_rule(k.build(), "POL-02")  # the sandbox is under no requirement
    assert found.severity == Severity.HIGH
    assert found.subjects == (k.id("Workloads"), k.id("Retail Development"))
    assert found.message.startswith("Config of account 'Retail Development' reach no log-archive")


def _without_organization_trail(k: Kit) -> None:
    rels = k.relationships("log-delivery", ORG, "Log Archive")
    trail = next(r for r in rels if "cloudtrail" in r.log_types)
    k.doc.remove(trail.id)


def test_one_gap_under_a_required_ou_is_reported_once() -> None:
    """Without the organization trail, POL-02 names the OU's accounts (one finding) and LOG-05
    names only the accounts outside it: the same gap is not reported twice."""
    k = _kit({"ou": "Workloads", "log_delivery": "required"})
    _without_organization_trail(k)
    design = k.build()
    [policy] = run_rule(design, "POL-02")
    workloads = {"Retail Production", "Payments Production", "Retail Development"}
    assert _named(k, policy) == {*workloads, "Payments Staging"}
    assert policy.message.startswith("CloudTrail of accounts 'Retail Production'")
    [coverage] = run_rule(design, "LOG-05")
    named = _named(k, coverage)
    assert "Developer Sandbox" in named
    assert not named & workloads
    # Near miss: without the requirement LOG-05 alone reports the whole gap.
    k.policy(ou_requirements=[])
    assert run_rule(k.build(), "POL-02") == []
    [alone] = run_rule(k.build(), "LOG-05")
    assert workloads <= _named(k, alone)


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
    k.account("Payments Live", parent="Non-prod", environment="production")
    found = {f.severity: f for f in run_rule(k.build(), "POL-03")}
    assert _named(k, found[Severity.MEDIUM]) == {"Retail QA"}
    assert _named(k, found[Severity.HIGH]) == {"Retail Live", "Payments Live"}
    assert found[Severity.HIGH].message == (
        "accounts 'Retail Live', 'Payments Live' are production, which OU 'Non-prod' does not "
        "allow (development, non-production)"
    )
    assert found[Severity.HIGH].evidence == (
        "usage policy: OU 'Non-prod' allows development, non-production",
        "'Retail Live': environment production",
        "'Payments Live': environment production",
    )


def test_non_production_account_in_production_only_ou_is_high() -> None:
    k = _kit({"ou": "Prod", "allowed_environments": ["production"]})
    k.update("Retail Development", parent="Prod")
    [found] = run_rule(k.build(), "POL-03")
    assert found.severity == Severity.HIGH
    assert found.subjects == (k.id("Prod"), k.id("Retail Development"))
    assert found.message.startswith("account 'Retail Development' is development, which")


def test_an_account_without_environment_is_left_to_org_11() -> None:
    """Near miss: 'Retail Analytics' states no environment; ORG-11 asks for one, POL-03 does not
    print "is none"."""
    k = _kit({"ou": "Prod", "allowed_environments": ["production"]})
    k.account("Retail Analytics", parent="Prod", environment="none")
    design = k.build()
    assert run_rule(design, "POL-03") == []
    [missing] = run_rule(design, "ORG-11")
    assert missing.subjects == (k.id("Retail Analytics"),)


def test_data_above_the_ceiling() -> None:
    k = _kit(
        {"ou": "Workloads", "max_data_sensitivity": "restricted"},
        {"ou": "Non-prod", "max_data_sensitivity": "internal"},
    )
    assert run_rule(k.build(), "POL-04") == []
    k.update("Payments Staging", data_sensitivity="confidential")
    k.update("Retail Development", data_sensitivity="confidential")
    [found] = run_rule(k.build(), "POL-04")  # one requirement, one sensitivity: one finding
    assert found.severity == Severity.HIGH
    assert found.subjects == (
        k.id("Non-prod"),
        k.id("Retail Development"),
        k.id("Payments Staging"),
    )
    assert "allows data up to internal" in found.evidence[0]
    assert found.message.endswith(
        "hold confidential data, above the internal ceiling of OU 'Non-prod'"
    )
