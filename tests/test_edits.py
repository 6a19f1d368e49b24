"""New entities, valid relationship kinds per pair, copy and paste."""

from __future__ import annotations

import pytest

from designer.core.document import Document
from designer.core.edits import (
    copy_fragment,
    new_account,
    new_identity_provider,
    new_ou,
    new_relationship,
    paste_fragment,
    valid_kinds,
)
from designer.model import dumps_design
from designer.model.templates import load_template
from designer.model.vocabulary import AccountFunction
from tests.helpers.factories import sid, small_design


def test_valid_kinds_follow_the_endpoint_rules() -> None:
    design = small_design()
    assert valid_kinds(design, sid("mgmt"), sid("prod")) == [
        "trust",
        "log-delivery",
        "resource-share",
        "delegated-admin",
        "billing",
    ]
    assert valid_kinds(design, sid("prod"), sid("logs")) == [
        "trust",
        "log-delivery",
        "resource-share",
    ]
    assert valid_kinds(design, sid("idp"), sid("logs")) == ["trust", "federation"]
    assert valid_kinds(design, sid("prod"), sid("ou-workloads")) == ["trust", "resource-share"]
    assert valid_kinds(design, sid("ou-workloads"), sid("logs")) == ["trust", "log-delivery"]
    assert valid_kinds(design, sid("org"), sid("ou-workloads")) == [], "one end may be a scope"
    assert valid_kinds(design, sid("prod"), sid("prod")) == ["log-delivery"]
    assert valid_kinds(design, sid("prod"), sid("idp")) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [("mgmt", "prod"), ("prod", "logs"), ("idp", "logs"), ("prod", "ou-workloads")],
)
def test_every_offered_kind_can_be_added(source: str, target: str) -> None:
    for kind in valid_kinds(small_design(), sid(source), sid(target)):
        doc = Document(small_design())
        doc.add(new_relationship(doc.design, kind, sid(source), sid(target)))


def test_new_nodes_get_unique_names_and_are_valid() -> None:
    doc = Document(small_design())
    first = new_account(doc.design, AccountFunction.WORKLOAD, sid("ou-workloads"))
    doc.add(first)
    second = new_account(doc.design, AccountFunction.WORKLOAD, None)
    assert (first.name, second.name) == ("Workload", "Workload 2")
    doc.add(new_ou(doc.design, sid("ou-workloads")))
    for kind in ("saml", "oidc", "directory-service", "identity-center"):
        doc.add(new_identity_provider(doc.design, kind))


def test_copy_and_paste_an_ou_with_its_accounts_and_relationships() -> None:
    design = load_template("reference-landing-zone")
    doc = Document(design)
    prod = next(u for u in design.organizational_units if u.name == "Prod")
    inside = [a.id for a in design.accounts if a.parent == prod.id]
    text = copy_fragment(design, [prod.id, *inside])
    created, positions = paste_fragment(design, text)
    before = len(design.accounts)
    with doc.batch():
        for entity in created:
            doc.add(entity)
    assert len(doc.design.accounts) == before + len(inside)
    copies = [e for e in created if getattr(e, "functions", None)]
    assert all(c.aws_account_id is None and c.email is None for c in copies)
    assert all(c.name.endswith(" copy") for c in copies)
    new_ou_id = next(e.id for e in created if type(e).__name__ == "OrganizationalUnit")
    assert all(c.parent == new_ou_id for c in copies)
    assert set(positions) <= {e.id for e in created}


def test_paste_refuses_foreign_text() -> None:
    with pytest.raises(ValueError, match="no account-designer selection"):
        paste_fragment(small_design(), '{"hello": 1}')
    design = small_design()
    assert dumps_design(design) == dumps_design(small_design())
