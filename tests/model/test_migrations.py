"""Version 1 files open as version 2: tested dict to dict, on a saved v1 file and on templates."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from designer.core.scope import Scopes
from designer.model import FORMAT_VERSION, DesignFileError, load_design, parse_design
from designer.model.migrations import MIGRATIONS, migrate
from tests.helpers.factories import ROOT, TEMPLATES

V1_FILE = ROOT / "tests" / "fixtures" / "reference-landing-zone-v1.json"
ORG = "0f8fad5b-d9cb-469f-a165-70867728950e"
MGMT = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
ARCHIVE = "16fd2706-8baf-433b-82eb-8c7fada847da"
GITHUB = "6fa459ea-ee8a-3ca4-894e-db77e160355e"


def v1_data() -> dict[str, Any]:
    return {
        "format_version": 1,
        "name": "Old",
        "organization": {"id": ORG, "name": "Org", "management_account": MGMT},
        "third_parties": [
            {"id": "886313e1-3b8a-5372-9b90-0c9aee199e5d", "name": "Vendor", "vendor": "V Inc."}
        ],
        "identity_providers": [{"id": GITHUB, "name": "GitHub", "kind": "oidc"}],
        "relationships": [
            {"kind": "log-delivery", "source": MGMT, "target": ARCHIVE,
             "log_types": ["cloudtrail"], "organization_wide": True},
            {"kind": "trust", "source": "886313e1-3b8a-5372-9b90-0c9aee199e5d", "target": ARCHIVE,
             "role_name": "Vendor", "access_level": "read-only"},
            {"kind": "federation", "source": GITHUB, "target": ARCHIVE, "protocol": "oidc"},
            {"kind": "trust", "source": MGMT, "target": ARCHIVE, "role_name": "Ops",
             "access_level": "read-only"},
            {"kind": "trust", "source": "886313e1-3b8a-5372-9b90-0c9aee199e5d", "target": ARCHIVE,
             "role_name": "AuditorConsole", "access_level": "read-only", "require_mfa": True},
            {"kind": "log-delivery", "source": ARCHIVE, "target": ARCHIVE,
             "log_types": ["config"], "organization_wide": False},
        ],
    }  # fmt: skip


def test_v1_to_v2_dict_to_dict() -> None:
    data = v1_data()
    before = copy.deepcopy(data)
    upgraded = migrate(data, 1, 2)
    assert data == before, "the input is never modified"
    assert upgraded["format_version"] == 2
    assert "third_parties" not in upgraded
    assert upgraded["outside_principals"] == [
        {
            "id": "886313e1-3b8a-5372-9b90-0c9aee199e5d",
            "name": "Vendor",
            "owner": "V Inc.",
            "kind": "external-account",
        }
    ]
    trail, vendor, ci, person, auditor, config = upgraded["relationships"]
    assert "principal_type" not in auditor, "MFA required: people use it, MFA stays exported"
    assert trail["source"] == ORG, "an organization-wide delivery comes from the organization"
    assert vendor["principal_type"] == "workload", "a vendor's system cannot present MFA"
    assert ci["principal_type"] == "workload", "an OIDC provider federates CI jobs"
    assert "principal_type" not in person, "an account's trust stays human (the default)"
    assert config["source"] == ARCHIVE
    assert "organization_wide" not in trail
    assert "organization_wide" not in config


@pytest.mark.parametrize("spoiled", [{"third_parties": {}}, {"third_parties": ["x"]}])
def test_a_broken_v1_file_gets_one_line(spoiled: dict[str, Any]) -> None:
    data = {**v1_data(), **spoiled}
    with pytest.raises(DesignFileError) as caught:
        parse_design(json.dumps(data), "old.json")
    assert "cannot upgrade from format_version 1" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_every_version_has_an_upgrade() -> None:
    assert sorted(MIGRATIONS) == list(range(1, FORMAT_VERSION))


def test_saved_v1_file_opens_with_the_same_meaning() -> None:
    raw = json.loads(V1_FILE.read_text(encoding="utf-8"))
    assert raw["format_version"] == 1
    design = load_design(V1_FILE)
    assert design.format_version == FORMAT_VERSION
    assert [p.name for p in design.outside_principals] == [p["name"] for p in raw["third_parties"]]
    org_wide = [r for r in raw["relationships"] if r.get("organization_wide")]
    assert org_wide, "the fixture has organization-wide deliveries"
    migrated = {r.id: r for r in design.relationships}
    for old in org_wide:
        assert migrated[old["id"]].source == design.organization.id
        assert Scopes(design).covers_organization(migrated[old["id"]])
    assert len(design.relationships) == len(raw["relationships"])


def test_bundled_templates_are_version_2_and_use_scope() -> None:
    scoped = 0
    for path in sorted(TEMPLATES.glob("*.json")):
        assert json.loads(path.read_text(encoding="utf-8"))["format_version"] == FORMAT_VERSION
        design = load_design(path)
        scoped += len(Scopes(design).scoped_ids())
    assert scoped >= 10
