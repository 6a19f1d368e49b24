"""Redaction: the design's account ids, addresses and organization id never survive, anywhere."""

from __future__ import annotations

import json

import pytest

from designer.core.redact import redact_design
from designer.model import Design, DesignError, dumps_design
from designer.model.templates import load_template


def secrets_of(design: Design) -> list[str]:
    found = [a.aws_account_id for a in design.accounts if a.aws_account_id]
    found += [t.aws_account_id for t in design.outside_principals if t.aws_account_id]
    found += [a.email for a in design.accounts if a.email]
    return [*found, design.organization.organization_id or ""]


def tampered() -> Design:
    """Ids and addresses hidden where a shape-only search misses them."""
    design = load_template("reference-landing-zone")
    data = json.loads(dumps_design(design))
    first = design.accounts[0]
    assert first.aws_account_id
    assert first.email
    org = design.organization.organization_id
    dashed = f"{first.aws_account_id[:4]}-{first.aws_account_id[4:8]}-{first.aws_account_id[8:]}"
    data["description"] = f"Payer {dashed}; prefix {org}_trail; owner {first.email.upper()}"
    scp = next(p for p in data["service_control_policies"] if p["document"])
    scp["document"]["Statement"][0]["Sid"] = f"Exempt{first.aws_account_id}BreakGlass"
    data["accounts"][1]["tags"] = {f"owner:{first.email}": f"billing-{first.aws_account_id}"}
    return Design.model_validate(data)


def test_no_declared_value_survives_anywhere_in_the_design() -> None:
    design = tampered()
    text = dumps_design(redact_design(design))
    for secret in secrets_of(design):
        assert secret.lower() not in text.lower()
    first = design.accounts[0].aws_account_id or ""
    assert f"{first[:4]}-{first[4:8]}" not in text


def test_masks_are_consistent_and_references_intact() -> None:
    design = tampered()
    masked = redact_design(design)
    assert [a.id for a in masked.accounts] == [a.id for a in design.accounts]
    assert [r.source for r in masked.relationships] == [r.source for r in design.relationships]
    assert masked.accounts[0].aws_account_id == "000000000001"
    mask = masked.accounts[0].email or ""
    assert mask.endswith("@example.invalid")
    assert mask in masked.description  # the same address in free text gets the same mask
    assert "000000000001" in masked.description  # and so does the dashed account id
    assert masked.layout.positions.keys() == design.layout.positions.keys()


def test_a_mask_that_cannot_fit_is_a_one_line_error() -> None:
    design = load_template("logging")
    data = json.loads(dumps_design(design))
    data["name"] = "x" * 190 + " a@b.io"  # the mask is longer than the address it hides
    with pytest.raises(DesignError, match=r"^cannot mask the design: name would become invalid$"):
        redact_design(Design.model_validate(data))
