"""deploymentTargets as LZA means them (an OU entry: the accounts placed directly in it; Root:
every account, the management account included), and what a role set, a permission set or an
assignment says that the design cannot hold: reported, never widened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from designer.engines.files import write_files
from designer.engines.lza.read import read
from designer.engines.lza.write import write_config
from designer.model.design import Design
from designer.model.relationships import TrustRelationship
from designer.model.templates import load_template
from designer.model.vocabulary import AccessLevel

CONFIGS = Path(__file__).parent / "configs" / "lza"


def _names(design: Design) -> dict[str, str]:
    found = {a.id: a.name for a in design.accounts}
    found |= {u.id: f"OU {u.name}" for u in design.organizational_units}
    found |= {p.id: p.name for p in design.identity_providers}
    return found | {design.organization.id: "organization"}


def _trusts(design: Design) -> dict[str, list[tuple[str, TrustRelationship]]]:
    """Role name -> (target name, trust) for every trust."""
    names = _names(design)
    found: dict[str, list[tuple[str, TrustRelationship]]] = {}
    for rel in design.relationships:
        if isinstance(rel, TrustRelationship):
            found.setdefault(rel.role_name, []).append((names[rel.target], rel))
    return found


def _gaps(report: Any) -> list[str]:
    return [f"{g.where}: {g.what}" for g in report.gaps]


def test_a_role_scoped_to_an_ou_is_written_with_every_nested_ou() -> None:
    design = load_template("reference-landing-zone")
    files = {f.path: yaml.safe_load(f.text) for f in write_config(design)}
    listed = [s["deploymentTargets"] for s in files["iam-config.yaml"]["roleSets"]]
    to_workloads = [t for t in listed if "Workloads" in t.get("organizationalUnits", [])]
    assert to_workloads
    for targets in to_workloads:
        assert {"Workloads/Prod", "Workloads/Non-prod"} <= set(targets["organizationalUnits"])


def test_an_ou_without_its_nested_ous_covers_only_its_own_accounts() -> None:
    design, report = read(CONFIGS / "targets")
    trusts = _trusts(design)
    assert [t for t, _ in trusts["TeamOps"]] == ["TeamApp"]  # not Deep, in Team/Prod
    assert any("roleSets[0].deploymentTargets.organizationalUnits[0]" in g for g in _gaps(report))
    assert [t for t, _ in trusts["BuOps"]] == ["OU BU1"]  # every nested OU listed


def test_root_covers_the_management_account_and_leaves_out_ignored_ous() -> None:
    design, report = read(CONFIGS / "targets")
    everywhere = dict(_trusts(design)["Everywhere"])
    assert set(everywhere) == {"organization", "Management"}
    parked = next(a.id for a in design.accounts if a.name == "ParkedApp")
    assert everywhere["organization"].excluded_accounts == [parked]
    assert any(
        "role Everywhere: LZA also deploys it in the trusted account" in g for g in _gaps(report)
    )


def test_a_converted_root_role_is_exported_back_where_lza_had_it(tmp_path: Path) -> None:
    design, _ = read(CONFIGS / "targets")
    files = {f.path: yaml.safe_load(f.text) for f in write_config(design)}
    found = {
        (
            tuple(s["deploymentTargets"].get("organizationalUnits", [])),
            tuple(s["deploymentTargets"].get("accounts", [])),
            tuple(s["deploymentTargets"].get("excludedAccounts", [])),
        )
        for s in files["iam-config.yaml"]["roleSets"]
        if any(r["name"] == "Everywhere" for r in s["roles"])
    }
    # Root less Shared (the design has no role trusting its own account) and the ignored
    # account; the management account again through its own role set.
    assert found == {
        (("Root",), (), ("Management", "Shared", "ParkedApp")),
        ((), ("Management",), ()),
    }


def test_roles_are_never_given_more_than_lza_gives_them() -> None:
    design, report = read(CONFIGS / "targets")
    trusts = _trusts(design)
    assert "NoPolicies" not in trusts
    assert "CustomerOnly" not in trusts
    ((_, extra),) = trusts["AdminPlusExtra"]
    assert extra.access_level == AccessLevel.CUSTOM
    assert extra.managed_policy_arns == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    gaps = _gaps(report)
    assert any("roleSets[3].roles[0]: role NoPolicies" in g for g in gaps)
    assert any("roleSets[3].roles[1]: role CustomerOnly" in g for g in gaps)
    assert any("roleSets[3].roles[2]: role AdminPlusExtra" in g for g in gaps)
    assert "Bounded" not in trusts  # administrator without its boundary would be more
    assert any("roleSets[3].roles[3].boundaryPolicy: role Bounded" in g for g in gaps)


def test_permission_set_settings_the_design_cannot_hold_are_reported() -> None:
    _, report = read(CONFIGS / "targets")
    gaps = _gaps(report)
    sets = "identityCenter.identityCenterPermissionSets"
    assert any(f"{sets}[0].sessionDuration: permission set Admin" in g for g in gaps)
    assert any(f"{sets}[1].policies: permission set Viewer" in g for g in gaps)  # inlinePolicy
    # "Admin" names no AWS managed policy: the design cannot say it grants AdministratorAccess
    assert any(f"{sets}[0].policies: permission set Admin" in g for g in gaps)


def test_ou_targeted_assignments_are_reported_and_skip_ignored_ous() -> None:
    design, report = read(CONFIGS / "targets")
    names = _names(design)
    viewers = {
        names[r.target]
        for r in design.relationships
        if r.kind == "federation" and "Viewer" in r.permission_sets
    }
    assert viewers == {"LogArchive", "Audit", "Shared", "BuApp", "TeamApp", "Deep"}
    gaps = _gaps(report)
    assignments = "identityCenter.identityCenterAssignments"
    assert any(f"{assignments}[0].deploymentTargets: assignment AdminsToBU1" in g for g in gaps)
    assert any(
        f"{assignments}[1].deploymentTargets: assignment ViewersEverywhere" in g for g in gaps
    )
    assert not any(f"{assignments}[2]" in g for g in gaps)  # one account: held exactly


def test_tagging_policies_warm_accounts_and_ignored_ous_are_reported() -> None:
    _, report = read(CONFIGS / "targets")
    gaps = _gaps(report)
    assert any(g.startswith("organization-config.yaml: taggingPolicies[0]: ") for g in gaps)
    assert any(g.startswith("accounts-config.yaml: workloadAccounts[2].warm: ") for g in gaps)
    assert any("organizationalUnits[6]: OU Parked is ignored" in g for g in gaps)


def test_the_configuration_round_trips_what_the_design_holds(tmp_path: Path) -> None:
    design, _ = read(CONFIGS / "targets")
    write_files(write_config(design), tmp_path)
    again, _ = read(tmp_path)
    assert sorted(_trusts(again)) == sorted(_trusts(design))


def test_identity_center_roles_are_never_named_in_a_principal_arn(tmp_path: Path) -> None:
    design = load_template("reference-landing-zone")
    files = {f.path: f.text for f in write_config(design)}
    role_sets = yaml.safe_load(files["iam-config.yaml"])["roleSets"]
    principals = [p for s in role_sets for r in s["roles"] for p in r["assumedBy"]]
    arns = [p["principal"] for p in principals if p["type"] == "principalArn"]
    assert not any("WorkloadAdministrator" in a or "SecurityAnalyst" in a for a in arns)
    admin = next(r for s in role_sets for r in s["roles"] if r["name"] == "WorkloadAdmin")
    assert admin["assumedBy"] == [{"type": "account", "principal": "Identity"}]
    assert "narrow the trust once it does" in files["iam-config.yaml"]
    write_files(write_config(design), tmp_path)
    converted, report = read(tmp_path)
    ((_, trust),) = _trusts(converted)["WorkloadAdmin"]
    assert trust.principal_role_name == "WorkloadAdministrator"  # the design's narrowing kept
    assert any("LZA trusts the whole account" in g for g in _gaps(report))
