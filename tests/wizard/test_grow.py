"""Growing a design by answering again: only what the changed answers change is touched, and
nothing the architect drew or edited by hand is lost."""

from __future__ import annotations

from typing import Any

import pytest

from designer.core.document import Document
from designer.core.edits import new_account
from designer.model import Design, DesignError, new_id
from designer.model.answers import Answers
from designer.model.catalog import COLLECTIONS
from designer.model.templates import load_template
from designer.model.vocabulary import AccountFunction
from designer.wizard.build import build_design
from designer.wizard.grow import apply_growth, describe_changes, plan_growth
from tests.helpers.pairwise import pairwise
from tests.wizard.answer_space import SPACE, answers_from
from tests.wizard.test_answer_space import serious_findings

BASE = Answers(business_units=["Retail"])


def answered(base: Answers = BASE, **changes: Any) -> Answers:
    return Answers.model_validate({**base.model_dump(mode="json"), **changes})


def entities(design: Design) -> dict[str, Any]:
    return {e.id: e for name in COLLECTIONS.values() for e in getattr(design, name)}


def grow(document: Document, answers: Answers) -> list[str]:
    growth = plan_growth(document.design, answers)
    apply_growth(document, growth)
    return growth.kept


def names(design: Design) -> set[str]:
    return {a.name for a in design.accounts}


ROWS = [answers_from(row) for row in pairwise(SPACE)]


@pytest.mark.parametrize("step", range(len(ROWS) - 1))
def test_an_untouched_design_grows_into_exactly_what_the_new_answers_build(step: int) -> None:
    seed = new_id()
    document = Document(build_design(ROWS[step], seed))
    kept = grow(document, ROWS[step + 1])
    wanted = build_design(ROWS[step + 1], seed)
    assert kept == []
    assert entities(document.design) == entities(wanted)
    assert document.design.organization == wanted.organization
    assert document.design.usage_policy == wanted.usage_policy
    assert document.design.decisions == wanted.decisions
    assert document.design.answers == ROWS[step + 1]


def test_adding_a_business_unit_adds_its_accounts_and_nothing_else_changes() -> None:
    document = Document(build_design(BASE, new_id()))
    before = entities(document.design)
    grow(document, answered(business_units=["Retail", "Payments"]))
    after = entities(document.design)
    assert {i: e for i, e in after.items() if i in before} == before  # nothing else changed
    added = [after[i] for i in after.keys() - before.keys()]
    assert sorted(a.name for a in added if hasattr(a, "functions")) == [
        "Payments Development",
        "Payments Production",
        "Payments Sandbox",
    ]
    assert serious_findings(document.design) == []


def test_a_hand_drawn_account_and_a_hand_edit_survive_a_growth() -> None:
    document = Document(build_design(BASE, new_id()))
    prod = next(u for u in document.design.organizational_units if u.name == "Prod")
    hand = new_account(document.design, AccountFunction.WORKLOAD, prod.id)
    document.add(hand)
    dev = next(a for a in document.design.accounts if a.name == "Retail Development")
    document.update(dev.id, purpose="Our own words")
    kept = grow(document, answered(blast_radius_isolation=False, environments=["production"],
                                   data_sensitivity={"production": "confidential"}))  # fmt: skip
    design = document.design
    assert document.get(hand.id) == hand  # untouched, still in Prod, which stays for it
    assert document.has(prod.id)
    assert document.get(dev.id).purpose == "Our own words"
    assert any("Retail Development" in line and "edited" in line for line in kept)
    assert any("Prod" in line and "which you added" in line for line in kept)
    assert not any(u.name == "Suspended" for u in design.organizational_units)  # not called for


def test_a_field_the_architect_edited_is_kept_while_the_others_follow_the_answers() -> None:
    document = Document(build_design(BASE, new_id()))
    management = document.design.organization.management_account
    assert management is not None
    document.update(management, owner="Finance")
    grow(document, answered(regions=["eu-west-1"]))
    account = document.get(management)
    assert (account.owner, account.regions) == ("Finance", ["eu-west-1"])


def test_what_the_architect_deleted_stays_deleted() -> None:
    document = Document(build_design(BASE, new_id()))
    backup = next(a for a in document.design.accounts if a.name == "Backup")
    document.remove(backup.id)
    grow(document, answered(business_units=["Retail", "Payments"]))
    assert "Backup" not in names(document.design)
    assert "Payments Production" in names(document.design)


def test_the_same_answers_change_nothing() -> None:
    design = build_design(BASE, new_id())
    growth = plan_growth(design, BASE)
    assert growth.empty
    assert growth.kept == []


def test_a_design_the_wizard_did_not_make_cannot_be_grown() -> None:
    with pytest.raises(DesignError, match="not made by the new-design wizard"):
        plan_growth(load_template("reference-landing-zone"), BASE)


def test_growth_is_all_or_nothing() -> None:
    document = Document(build_design(BASE, new_id()))
    growth = plan_growth(document.design, answered(central_publishing=True))
    growth.adds.append(growth.adds[0])  # the same id twice: the document refuses it
    before = document.design.model_copy(deep=True)
    with pytest.raises(DesignError):
        apply_growth(document, growth)
    assert document.design == before


def test_changed_answers_are_described_question_by_question() -> None:
    lines = describe_changes(BASE, answered(central_publishing=True, regions=["eu-west-1"]))
    assert lines == [
        "Do you want to centrally manage approved Amazon Elastic Compute Cloud (Amazon EC2), "
        "Amazon Machine Images (AMIs), or AWS Service Catalog portfolios and products? no -> yes",
        "Which AWS Regions may be used? us-east-1 -> eu-west-1",
    ]


def test_the_summary_names_what_is_added_and_removed() -> None:
    document = Document(build_design(BASE, new_id()))
    growth = plan_growth(
        document.design, answered(central_publishing=True, security_baselines=False)
    )
    lines = growth.summary(document.design)
    assert "add account Publishing" in lines
    assert any(line.startswith("add resource-share: Publishing -> Workloads") for line in lines)
    assert (
        "change delegated-admin: Management -> Security Tooling: purpose, delegated services"
        in lines
    )


def test_nothing_is_added_onto_what_the_architect_deleted() -> None:
    answers = answered(central_publishing=True, published=["snapshots"])
    document = Document(build_design(BASE, new_id()))
    sandbox = next(a for a in document.design.accounts if a.name == "Retail Sandbox")
    development = next(a for a in document.design.accounts if a.name == "Retail Development")
    document.remove(development.id)
    growth = plan_growth(document.design, answers)
    assert any(
        "not added: resource-share" in line and "Retail Development" in line for line in growth.kept
    )
    apply_growth(document, growth)  # the deleted account is not brought back by its share
    assert not document.has(development.id)
    assert document.has(sandbox.id)
    assert "Publishing" in names(document.design)


def test_a_kept_account_keeps_its_billing_but_not_what_the_answers_no_longer_call_for() -> None:
    document = Document(build_design(BASE, new_id()))
    identity = next(a for a in document.design.accounts if a.name == "Identity")
    hub = next(u for u in document.design.organizational_units if u.name == "Infrastructure")
    hand = new_account(document.design, AccountFunction.NETWORK, hub.id)
    document.add(hand.model_copy(update={"root_mfa": True}))
    document.update(identity.id, purpose="Our identity hub, kept for the directory sync")
    kept = grow(document, answered(central_identities=False))
    design = document.design
    assert document.has(hub.id)  # it holds the architect's account
    assert any("Infrastructure" in line and "which you added" in line for line in kept)
    assert any("Identity" in line and "edited" in line for line in kept)
    joined = {r.kind for r in design.relationships if identity.id in (r.source, r.target)}
    assert joined == {"billing"}  # still paid for; its hub roles and sign-in are gone
    admin = [
        r for r in design.relationships if r.kind == "trust" and r.access_level == "administrator"
    ]
    assert admin == []  # no second path to administrator beside the permission sets
    assert serious_findings(design) == []


def test_the_summary_tells_ous_of_the_same_name_apart() -> None:
    document = Document(build_design(answered(limited_visibility=True), new_id()))
    growth = plan_growth(
        document.design, answered(limited_visibility=True, business_units=["Retail", "Cards"])
    )
    lines = growth.summary(document.design)
    assert {
        "add OU Workloads/Prod/Cards",
        "add OU Workloads/Non-prod/Cards",
        "add OU Sandbox/Cards",
    } <= set(lines)


def test_an_account_whose_name_or_email_is_taken_is_not_added() -> None:
    document = Document(build_design(BASE, new_id()))
    production = next(a for a in document.design.accounts if a.name == "Retail Production")
    document.update(production.id, name="Cards Production")  # renamed by hand
    growth = plan_growth(document.design, answered(business_units=["Retail", "Cards"]))
    assert growth.kept == [
        "not added: account Cards Production (account 'Cards Production' already has its name "
        "or e-mail address)",
        "not added: billing (it joins account Cards Production, which is not added)",
    ]
    apply_growth(document, growth)  # no refusal: the clash was left out, and said
    assert sorted(a.name for a in document.design.accounts if a.name.startswith("Cards")) == [
        "Cards Development",
        "Cards Production",
        "Cards Sandbox",
    ]
    assert document.get(production.id).name == "Cards Production"


def test_a_moved_account_says_where_it_moves() -> None:
    document = Document(build_design(BASE, new_id()))
    lines = plan_growth(document.design, answered(blast_radius_isolation=False)).summary(
        document.design
    )
    assert "change account Retail Production: moves to OU Workloads" in lines
    assert "change the usage policy: what it asks of each OU" in lines
