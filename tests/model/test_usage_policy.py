"""The structured usage policy: per-OU requirements that name OUs and SCPs, kept consistent
through edits, removals and undo, and written only when used."""

from __future__ import annotations

import json

import pytest

from designer.core.document import Document
from designer.model import Design, DesignError, DesignFileError, check_design, dumps_design
from designer.model.fileformat import parse_design
from designer.model.templates import load_template
from designer.model.vocabulary import Structure


def _ids(design: object) -> dict[str, str]:
    d = design
    return {
        **{u.name: u.id for u in d.organizational_units},  # type: ignore[attr-defined]
        **{p.name: p.id for p in d.service_control_policies},  # type: ignore[attr-defined]
    }


def _document() -> tuple[Document, dict[str, str]]:
    doc = Document(load_template("reference-landing-zone"))
    ids = _ids(doc.design)
    doc.set_usage_policy(
        ou_requirements=[
            {
                "ou": ids["Prod"],
                "required_scps": [ids["RegionRestriction"], ids["DenyRootUser"]],
                "log_delivery": "required",
                "allowed_environments": ["production"],
                "max_data_sensitivity": "restricted",
            },
            {"ou": ids["Sandbox"], "max_data_sensitivity": "internal"},
        ]
    )
    return doc, ids


def test_a_design_that_never_uses_the_new_fields_is_written_as_before() -> None:
    design = load_template("logging").model_copy(update={"covers": None})
    text = dumps_design(design)
    assert "ou_requirements" not in text
    assert "covers" not in text
    assert "min_log_retention_days" not in text
    assert "logs_encrypted_with_kms" not in text


def test_requirements_round_trip_through_the_file() -> None:
    doc, ids = _document()
    doc.set_usage_policy(min_log_retention_days=365, logs_encrypted_with_kms=True)
    doc.set_design_info(covers=[Structure.ORGANIZATION, Structure.LOGGING])
    again = parse_design(dumps_design(doc.design))
    assert again.usage_policy == doc.design.usage_policy
    assert again.covers == [Structure.ORGANIZATION, Structure.LOGGING]
    assert again.usage_policy.requirement(ids["Prod"]).log_delivery == "required"  # type: ignore[union-attr]


def test_a_requirement_naming_a_missing_ou_or_scp_is_one_line_naming_it() -> None:
    doc, ids = _document()
    data = json.loads(dumps_design(doc.design))
    data["usage_policy"]["ou_requirements"][0]["ou"] = "00000000-0000-4000-8000-000000000000"
    data["usage_policy"]["ou_requirements"][1]["required_scps"] = [ids["Prod"]]
    problems = [str(p) for p in check_design(Design.model_validate(data))]
    assert problems == [
        "$.usage_policy.ou_requirements[0].ou: requirement's OU "
        "00000000-0000-4000-8000-000000000000 does not exist",
        "$.usage_policy.ou_requirements[1].required_scps[0]: required SCP must be a service "
        f"control policy, but {ids['Prod']} is the organizational unit 'Prod'",
    ]
    with pytest.raises(
        DesignFileError, match=r"^hand-edited: \$\.usage_policy\.ou_requirements\[0\]\.ou: "
    ):
        parse_design(json.dumps(data), "hand-edited")
    with pytest.raises(DesignError, match="requirement's OU"):
        doc.set_usage_policy(ou_requirements=[{"ou": ids["RegionRestriction"]}])
    assert len(doc.design.usage_policy.ou_requirements) == 2  # refused edits change nothing


def test_two_requirements_for_one_ou_are_refused() -> None:
    doc, ids = _document()
    with pytest.raises(DesignError, match="duplicate"):
        doc.set_usage_policy(ou_requirements=[{"ou": ids["Prod"]}, {"ou": ids["Prod"]}])


def test_removing_an_ou_or_scp_drops_what_named_it_and_undo_brings_it_back() -> None:
    doc, ids = _document()
    before = doc.design.usage_policy
    record = doc.remove(ids["Sandbox"])
    assert [r.ou for r in doc.design.usage_policy.ou_requirements] == [ids["Prod"]]
    doc.restore(record)
    assert doc.design.usage_policy == before
    record = doc.remove(ids["DenyRootUser"])
    assert doc.design.usage_policy.ou_requirements[0].required_scps == [ids["RegionRestriction"]]
    assert not check_design(doc.design)
    doc.restore(record)
    assert doc.design.usage_policy == before
