"""LZA export -> convert gives back everything CARRIES lists, exactly: every bundled template, the
synthetic 2,000-account design, user text LZA's YAML must not misread, and names LZA refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.synthetic import synthetic_design
from designer.engines.carried import CONCEPTS, carried
from designer.engines.files import write_files
from designer.engines.lza import CARRIES
from designer.engines.lza.read import read
from designer.engines.lza.write import write_config
from designer.model.design import Design
from designer.model.templates import load_template, template_paths
from designer.model.vocabulary import AccountFunction
from tests.engines.roundtrip import assert_same, round_trip

TEMPLATES = sorted(template_paths())
HOSTILE = "a: b # c {d} [e] & *f !g | h > i 'j' \"k\" 50% @l\nsecond  line\tü 日本 —"


def test_carries_names_only_known_concepts() -> None:
    assert set(CARRIES) <= {c.key for c in CONCEPTS}
    assert {"ous", "accounts", "scps", "trusts"} <= set(CARRIES)


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_round_trips(name: str, tmp_path: Path) -> None:
    design = load_template(name)
    converted, report = round_trip(design, write_config, CARRIES, tmp_path)
    assert report.engine == "lza"
    assert len(converted.accounts) == len(design.accounts)


def test_the_synthetic_organization_round_trips(tmp_path: Path) -> None:
    design = synthetic_design(2000)
    converted, _ = round_trip(design, write_config, CARRIES, tmp_path)
    assert len(converted.accounts) == 2000


def test_two_writes_give_the_same_bytes() -> None:
    design = load_template("reference-landing-zone")
    first = [(f.path, f.text) for f in write_config(design)]
    second = [(f.path, f.text) for f in write_config(design.model_copy(deep=True))]
    assert first == second


def _hostile(design: Design) -> Design:
    """Names, purposes and SCP descriptions full of what YAML and comments take specially."""
    copy = design.model_copy(deep=True)
    copy.accounts = [
        a.model_copy(update={"name": f"{a.name} {HOSTILE}", "purpose": f"{HOSTILE}\n{a.purpose}"})
        for a in copy.accounts
    ]
    copy.organizational_units = [
        u.model_copy(update={"name": f"{u.name}/{HOSTILE}"}) for u in copy.organizational_units
    ]
    copy.service_control_policies = [
        p.model_copy(update={"name": f"{p.name} {HOSTILE}", "description": HOSTILE})
        for p in copy.service_control_policies
    ]
    return copy


def test_user_text_with_yaml_hostile_characters_survives(tmp_path: Path) -> None:
    design = _hostile(load_template("reference-landing-zone"))
    converted, _ = round_trip(design, write_config, CARRIES, tmp_path)
    assert sorted(a.name for a in converted.accounts) == sorted(a.name for a in design.accounts)
    assert any("日本" in u.name and "/" in u.name for u in converted.organizational_units)


def test_names_lza_refuses_are_changed_and_the_design_names_kept(tmp_path: Path) -> None:
    design = load_template("reference-landing-zone")
    twins = [
        a.model_copy(update={"name": "Retail Production"}) if a.name == "Payments Production" else a
        for a in design.accounts
    ]
    design.accounts = twins  # two accounts of one name, with a space LZA does not accept
    files = {f.path: f.text for f in write_config(design)}
    accounts = files["accounts-config.yaml"]
    assert "name: RetailProduction\n" in accounts
    assert "name: RetailProduction-2\n" in accounts
    assert '# design-name account "RetailProduction-2": "Retail Production"' in accounts
    write_files(write_config(design), tmp_path)
    converted, _ = read(tmp_path)
    assert sorted(a.name for a in converted.accounts) == sorted(a.name for a in design.accounts)


def test_accounts_without_email_get_a_placeholder_and_come_back_without(tmp_path: Path) -> None:
    design = load_template("reference-landing-zone")
    design.accounts = [a.model_copy(update={"email": None}) for a in design.accounts]
    text = next(f.text for f in write_config(design) if f.path == "accounts-config.yaml")
    assert "@replace-me.invalid" in text
    assert "replace it before deploying" in text
    write_files(write_config(design), tmp_path)
    converted, _ = read(tmp_path)
    assert all(a.email is None for a in converted.accounts)
    ids = {a.name: a.aws_account_id for a in converted.accounts}
    assert ids == {a.name: a.aws_account_id for a in design.accounts}


def test_a_log_archive_that_is_also_the_security_account_keeps_both(tmp_path: Path) -> None:
    design = load_template("information-security")
    both = [a for a in design.accounts if AccountFunction.SECURITY_TOOLING in a.functions]
    assert AccountFunction.LOG_ARCHIVE in both[0].functions  # the template's shape
    write_files(write_config(design), tmp_path)
    converted, _ = read(tmp_path)
    assert_same(carried(design, CARRIES), carried(converted, CARRIES))
    security = (tmp_path / "security-config.yaml").read_text()
    assert "delegatedAdminAccount: LogArchive" in security


def _written(design: Design) -> dict[str, Any]:
    return {
        f.path: yaml.safe_load(f.text) for f in write_config(design) if f.path.endswith(".yaml")
    }


def test_the_reference_landing_zone_is_written_as_lza_reads_it() -> None:
    """Facts of LZA's configuration reference: the mandatory account names, the management
    account at Root, account ids as quoted 12-digit strings, FullAWSAccess AWS managed, and a
    role deployed to Root excluding where the design's scoped role does not land."""
    files = _written(load_template("reference-landing-zone"))
    accounts = files["accounts-config.yaml"]
    mandatory = accounts["mandatoryAccounts"]
    assert [a["name"] for a in mandatory] == ["Management", "LogArchive", "Audit"]
    assert mandatory[0]["organizationalUnit"] == "Root"
    assert all(isinstance(i["accountId"], str) for i in accounts["accountIds"])
    organization = files["organization-config.yaml"]
    full = next(p for p in organization["serviceControlPolicies"] if p["name"] == "FullAWSAccess")
    assert full["type"] == "awsManaged"
    assert full["deploymentTargets"] == {"organizationalUnits": ["Root"]}
    assert "quarantineNewAccounts" not in organization  # DenyAllSuspended spares no LZA role
    assert {"name": "Workloads/Prod"} in organization["organizationalUnits"]
    role_sets = files["iam-config.yaml"]["roleSets"]
    to_root = next(
        s for s in role_sets if s["deploymentTargets"].get("organizationalUnits") == ["Root"]
    )
    assert to_root["deploymentTargets"]["excludedAccounts"] == ["Management", "Audit"]
    assert files["global-config.yaml"]["logging"]["cloudtrail"]["organizationTrail"] is True
    assert (
        files["security-config.yaml"]["centralSecurityServices"]["delegatedAdminAccount"] == "Audit"
    )


def test_the_exporter_writes_the_folder_under_lza(tmp_path: Path) -> None:
    from exporters.base import export_design

    written = export_design(load_template("logging"), tmp_path, ["lza"])
    paths = {f.path for f in written}
    assert {"lza/accounts-config.yaml", "lza/organization-config.yaml"} <= paths
    converted, _ = read(tmp_path / "lza")
    assert len(converted.accounts) == len(load_template("logging").accounts)
