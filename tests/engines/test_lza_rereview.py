"""Converting then exporting LZA never grants more than was read, and what the design cannot
hold is a report line, never a silent drop (the second review of the LZA engine)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from designer.engines.files import write_files
from designer.engines.lza.read import read
from designer.engines.lza.write import context, write_config
from designer.engines.lza.write_iam import IamWriter
from designer.model.design import Design
from designer.model.templates import load_template
from designer.model.vocabulary import AccessLevel, AccountState, PrincipalScope
from tests.engines.lza_kit import config_copy, edit


def _export(folder: Path, out: Path) -> dict[str, Any]:
    """Converts the folder, exports the design as LZA again; file name -> parsed YAML."""
    design, _ = read(folder)
    files = write_config(design)
    write_files(files, out)
    return {f.path: yaml.safe_load(f.text) for f in files if f.path.endswith(".yaml")}


def test_an_allow_list_scp_is_reported_and_never_widened(tmp_path: Path) -> None:
    folder = config_copy(tmp_path)
    edit(
        folder,
        "organization-config.yaml",
        "    policy: service-control-policies/canary.json\n",
        "    policy: service-control-policies/canary.json\n    strategy: allow-list\n",
    )
    design, report = read(folder)
    assert "CanaryOnly" not in {p.name for p in design.service_control_policies}
    assert any("allow list" in g.what and "CanaryOnly" in g.what for g in report.gaps)
    exported = _export(folder, tmp_path / "out")
    names = [p["name"] for p in exported["organization-config.yaml"]["serviceControlPolicies"]]
    assert "CanaryOnly" not in names  # never a deny-list SCP beside FullAWSAccess


def _identity(tmp_path: Path) -> Path:
    return config_copy(tmp_path, "identity")


def test_a_permission_set_named_like_a_managed_policy_grants_no_more(tmp_path: Path) -> None:
    folder = _identity(tmp_path)
    iam = (folder / "iam-config.yaml").read_text()
    assert "identityCenterPermissionSets" in iam
    data = yaml.safe_load(iam)
    sets = data["identityCenter"]["identityCenterPermissionSets"]
    old = sets[0]["name"]
    sets[0] = {"name": "PowerUserAccess", "policies": {"awsManaged": ["ReadOnlyAccess"]}}
    for assignment in data["identityCenter"]["identityCenterAssignments"]:
        if assignment["permissionSetName"] == old:
            assignment["permissionSetName"] = "PowerUserAccess"
    (folder / "iam-config.yaml").write_text(yaml.safe_dump(data))
    _, report = read(folder)
    assert any("PowerUserAccess" in g.what and "left out" in g.what for g in report.gaps)
    exported = _export(folder, tmp_path / "out")
    center = exported["iam-config.yaml"]["identityCenter"]
    granted = [
        p
        for s in center.get("identityCenterPermissionSets", [])
        for p in s.get("policies", {}).get("awsManaged", [])
    ]
    assert "PowerUserAccess" not in granted


def _suspended_design() -> Design:
    """The reference landing zone with its only sandbox account and one of the two
    non-production accounts suspended."""
    design = load_template("reference-landing-zone")
    design.accounts = [
        a.model_copy(update={"state": AccountState.SUSPENDED})
        if a.name in ("Developer Sandbox", "Retail Development")
        else a
        for a in design.accounts
    ]
    return design


def _named_targets(node: object) -> list[tuple[str, str]]:
    """(key, account name) of every accounts / excludedAccounts entry, at any depth."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("accounts", "excludedAccounts") and isinstance(value, list):
                found += [(key, v) for v in value if isinstance(v, str)]
            found += _named_targets(value)
    elif isinstance(node, list):
        for value in node:
            found += _named_targets(value)
    return found


def test_lza_is_kept_out_of_suspended_accounts() -> None:
    files = {f.path: f.text for f in write_config(_suspended_design())}
    organization = yaml.safe_load(files["organization-config.yaml"])
    ignored = {u["name"] for u in organization["organizationalUnits"] if u.get("ignore")}
    # Sandbox holds only suspended accounts; Suspended is the design's OU for them;
    # Workloads/Non-prod keeps one active account, so LZA manages it.
    assert ignored == {"Sandbox", "Suspended"}
    everywhere = [t for text in files.values() for t in _named_targets(yaml.safe_load(text))]
    assert ("accounts", "DeveloperSandbox") not in everywhere
    assert ("accounts", "RetailDevelopment") not in everywhere
    iam = yaml.safe_load(files["iam-config.yaml"])
    for role_set in iam["roleSets"]:
        units = role_set["deploymentTargets"].get("organizationalUnits", [])
        if "Root" in units or "Workloads/Non-prod" in units:
            assert "RetailDevelopment" in role_set["deploymentTargets"]["excludedAccounts"]


def _gap(report: Any, where: str, *words: str) -> bool:
    return any(g.where.endswith(where) and all(w in g.what for w in words) for g in report.gaps)


def test_keys_the_design_cannot_hold_are_reported(tmp_path: Path) -> None:
    folder = config_copy(tmp_path)
    edit(
        folder,
        "organization-config.yaml",
        "taggingPolicies: []\n",
        "taggingPolicies: []\nresourceControlPolicies: []\ndeclarativePolicies: []\n",
    )
    edit(
        folder,
        "accounts-config.yaml",
        "  - name: Network\n",
        "  - name: Network\n    accountAlias: acme-network\n",
    )
    edit(
        folder,
        "accounts-config.yaml",
        "workloadAccounts:\n",
        "enableGovCloud: true\nworkloadAccounts:\n",
    )
    _, report = read(folder)
    assert _gap(report, "resourceControlPolicies", "not held")
    assert _gap(report, "declarativePolicies", "not held")
    assert _gap(report, "workloadAccounts[0].accountAlias", "not held")
    assert _gap(report, "enableGovCloud", "not held")
    assert not any(".core-ous" in g.where for g in report.gaps)  # LZA's anchor keys


def test_a_role_under_a_path_is_left_out_and_reported(tmp_path: Path) -> None:
    folder = _identity(tmp_path)
    edit(
        folder,
        "iam-config.yaml",
        "roleSets:\n  - deploymentTargets:",
        "roleSets:\n  - path: /ops/\n    deploymentTargets:",
    )
    design, report = read(folder)
    assert _gap(report, "roleSets[0].path", "WorkloadAdmin", "/ops/", "left out")
    assert "WorkloadAdmin" not in {r.role_name for r in design.relationships if r.kind == "trust"}


def test_a_role_set_reaching_no_account_is_reported_per_role(tmp_path: Path) -> None:
    folder = _identity(tmp_path)
    edit(
        folder,
        "iam-config.yaml",
        "roleSets:\n",
        "roleSets:\n"
        "  - deploymentTargets:\n"
        "      accounts: []\n"
        "    roles:\n"
        "      - name: Nowhere\n"
        "        assumedBy:\n"
        "          - type: service\n"
        "            principal: lambda.amazonaws.com\n",
    )
    _, report = read(folder)
    assert _gap(report, "roleSets[0].roles[0]", "Nowhere", "reach no account")


def _workload_admin_twice(policy: str) -> Design:
    """The reference landing zone with a second WorkloadAdmin in Retail Production (the first
    reaches it through Workloads/Prod), trusting Security Tooling with `policy` access."""
    design = load_template("reference-landing-zone")
    first = next(
        r for r in design.relationships if r.kind == "trust" and r.role_name == "WorkloadAdmin"
    )
    by_name = {a.name: a.id for a in design.accounts}
    second = first.model_copy(
        update={
            "id": "second-workload-admin",
            "source": by_name["Security Tooling"],
            "target": by_name["Retail Production"],
            "access_level": policy,
            "principal_scope": PrincipalScope.ACCOUNT_ROOT,
            "principal_role_name": None,
        }
    )
    design.relationships = [*design.relationships, second]
    return design


def test_two_roles_of_one_name_never_reach_one_account() -> None:
    files = {f.path: f.text for f in write_config(_workload_admin_twice(AccessLevel.READ_ONLY))}
    iam = yaml.safe_load(files["iam-config.yaml"])
    writer = IamWriter(context(load_template("reference-landing-zone"), "aws"))
    per_account: dict[str, int] = {}
    for role_set in iam["roleSets"]:
        for account in writer.reach(role_set["deploymentTargets"]):
            for role in role_set["roles"]:
                if role["name"] == "WorkloadAdmin":
                    per_account[account] = per_account.get(account, 0) + 1
    assert per_account["RetailProduction"] == 1
    assert max(per_account.values()) == 1
    head = files["iam-config.yaml"].split("roleSets:")[0]  # the comments say what was left out
    assert '"WorkloadAdmin" is not written a second time for RetailProduction' in head


def test_a_role_deployed_twice_in_one_account_is_reported(tmp_path: Path) -> None:
    folder = _identity(tmp_path)
    edit(
        folder,
        "iam-config.yaml",
        "roleSets:\n",
        "roleSets:\n"
        "  - deploymentTargets:\n"
        "      accounts: [Prod1]\n"
        "    roles:\n"
        "      - name: WorkloadAdmin\n"
        "        assumedBy:\n"
        "          - type: service\n"
        "            principal: lambda.amazonaws.com\n",
    )
    _, report = read(folder)
    assert _gap(report, "roleSets[1].roles[0]", "WorkloadAdmin", "second time", "Prod1")


QUARANTINE = """{"Version": "2012-10-17", "Statement": [{"Sid": "DenyAllExceptLZA",
  "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"ArnNotLike": {
  "aws:PrincipalARN": ["arn:${PARTITION}:iam::*:role/${ACCELERATOR_PREFIX}*",
  "arn:${PARTITION}:iam::*:role/OrganizationAccountAccessRole"]}}}]}"""


def test_convert_then_export_adds_no_exemption_the_source_lacked(tmp_path: Path) -> None:
    folder = config_copy(tmp_path)
    (folder / "service-control-policies" / "quarantine.json").write_text(QUARANTINE)
    _export(folder, tmp_path / "out")
    written = (tmp_path / "out" / "service-control-policies" / "quarantine.json").read_text()
    exempted = json.loads(written)["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalARN"]
    assert len(exempted) == 2
    assert not any("cdk-accel" in p for p in exempted)  # the source never spared LZA's CDK roles
    assert exempted[0] == "arn:${PARTITION}:iam::*:role/AWSAccelerator*"  # LZA's default prefix


def test_an_unknown_role_key_is_reported(tmp_path: Path) -> None:
    folder = _identity(tmp_path)
    edit(
        folder,
        "iam-config.yaml",
        "      - name: WorkloadAdmin\n",
        "      - name: WorkloadAdmin\n        tags: []\n",
    )
    _, report = read(folder)
    assert _gap(report, "roleSets[0].roles[0].tags", "not held")
