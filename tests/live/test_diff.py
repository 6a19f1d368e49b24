"""The design-versus-live comparison: matched by what is real, not by ids; exactly the changes."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from designer.cli import main
from designer.core.scope import Scopes
from designer.live.diff import CHANGED, MISSING, UNEXPECTED, DesignDiff, diff_designs
from designer.live.diff_text import format_diff
from designer.model import Design, dumps_design, save_design
from designer.model.templates import load_template, template_paths

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def reissued(design: Design) -> dict[str, Any]:
    """The same design with every entity id replaced, as an import would give it."""
    fresh: dict[str, str] = {}
    text = UUID.sub(lambda m: fresh.setdefault(m.group(), str(uuid.uuid4())), dumps_design(design))
    data: dict[str, Any] = json.loads(text)
    data["layout"] = {"positions": {}}
    return data


def by(data: dict[str, Any], group: str, **match: Any) -> dict[str, Any]:
    return next(e for e in data[group] if all(e.get(k) == v for k, v in match.items()))


def summary(diff: DesignDiff) -> set[tuple[str, str, str]]:
    return {(e.status, e.kind, e.subject) for e in diff.entries}


@pytest.mark.parametrize("template", sorted(template_paths()))
def test_a_design_and_its_reimport_do_not_differ(template: str) -> None:
    design = load_template(template)
    live = Design.model_validate(reissued(design))
    diff = diff_designs(design, live)
    assert diff.entries == []
    assert not diff.differs


def test_exactly_the_modifications_are_reported() -> None:
    design = load_template("reference-landing-zone")
    data = reissued(design)
    ids = {a["name"]: a["id"] for a in data["accounts"]}
    units = {u["name"]: u["id"] for u in data["organizational_units"]}
    sandbox = by(data, "accounts", name="Developer Sandbox")
    data["accounts"].remove(sandbox)
    data["relationships"] = [
        r for r in data["relationships"] if sandbox["id"] not in (r["source"], r["target"])
    ]
    by(data, "accounts", name="Network")["name"] = "Network Hub"  # same account id: changed
    by(data, "accounts", name="Payments Staging")["parent"] = units["Prod"]
    trust = by(data, "relationships", kind="trust", role_name="WorkloadAdmin")
    trust["require_mfa"] = not trust["require_mfa"]
    data["relationships"].append(
        {
            "id": str(uuid.uuid4()),
            "kind": "trust",
            "source": ids["Shared Services"],
            "target": ids["Log Archive"],
            "role_name": "BackdoorAdmin",
            "access_level": "administrator",
        }
    )
    bucket = data["log_buckets"][0]
    bucket["object_lock"] = None
    live = Design.model_validate(data)
    diff = diff_designs(design, live)
    # scoped relationships count once per account they land in: the sandbox's copies are gone
    removed = [r for r in Scopes(design).expanded() if sandbox["name"] in _ends(design, r)]
    assert [e.status for e in diff.entries].count(MISSING) == 1 + len(removed)
    assert (
        MISSING,
        "account",
        f"account Developer Sandbox ({sandbox['aws_account_id']})",
    ) in summary(diff)
    changed = {e.subject: e.changes for e in diff.entries if e.status == CHANGED}
    network = next(a for a in design.accounts if a.name == "Network")
    assert [c.field for c in changed[f"account Network ({network.aws_account_id})"]] == ["name"]
    staging = next(s for s in changed if s.startswith("account Payments Staging"))
    assert [(c.field, c.live) for c in changed[staging]] == [("OU", "Root/Workloads/Prod")]
    trusts = [s for s in changed if s.startswith("trust ") and "WorkloadAdmin" in s]
    assert len(trusts) == 1
    assert [c.field for c in changed[trusts[0]]] == ["require MFA"]
    assert [c.field for c in changed[f"log bucket {bucket['name']}"]] == ["Object Lock"]
    unexpected = [e for e in diff.entries if e.status == UNEXPECTED]
    assert [(e.kind, e.subject) for e in unexpected] == [
        ("trust", "trust Shared Services -> Log Archive role BackdoorAdmin")
    ]
    assert len(diff.entries) == 1 + len(removed) + 4 + 1


def _ends(design: Design, rel: Any) -> set[str]:
    names = {a.id: a.name for a in design.accounts}
    return {names.get(rel.source, ""), names.get(rel.target, "")}


def test_accounts_without_ids_match_by_address_then_name() -> None:
    design = load_template("identity")
    data = reissued(design)
    for account in data["accounts"]:
        account["aws_account_id"] = None
    data["accounts"][0]["name"] = "Renamed"  # still found by its address
    data["accounts"][1]["email"] = None  # still found by its name
    diff = diff_designs(design, Design.model_validate(data))
    assert {e.status for e in diff.entries} == {CHANGED}
    fields = sorted(c.field for e in diff.entries for c in e.changes)
    assert fields == ["e-mail", "name"]


def test_the_command_exits_1_on_differences_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = load_template("publishing")
    planned, live = tmp_path / "planned.json", tmp_path / "live.json"
    save_design(design, planned)
    data = reissued(design)
    gone = data["accounts"].pop()
    data["relationships"] = [
        r for r in data["relationships"] if gone["id"] not in (r["source"], r["target"])
    ]
    data["log_buckets"] = [b for b in data["log_buckets"] if b["account"] != gone["id"]]
    save_design(Design.model_validate(data), live)
    assert main(["diff", str(planned), str(planned)]) == 0
    assert "no differences" in capsys.readouterr().out
    assert main(["diff", str(planned), str(live), "--format", "json"]) == 1
    parsed = json.loads(capsys.readouterr().out)
    assert parsed["differs"] is True
    assert parsed["counts"][MISSING] >= 1
    assert main(["diff", str(planned), str(live), "--format", "markdown"]) == 1
    table = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + len(diff_designs(design, Design.model_validate(data)).entries)
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert main(["diff", str(planned), str(tmp_path / "broken.json")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_text_output_keeps_each_difference_on_one_line() -> None:
    design = load_template("logging")
    data = reissued(design)
    data["accounts"][0]["name"] = "Evil\nname <b>"
    text = format_diff(diff_designs(design, Design.model_validate(data)), "text")
    assert len(text.splitlines()) == 2
    assert "Evil name <b>" in text


def test_a_reference_that_points_elsewhere_is_shown_by_names() -> None:
    design = load_template("reference-landing-zone")
    data = reissued(design)
    idp = data["identity_providers"][0]
    management = by(data, "accounts", name="Management")
    before = next(
        a.name for a in design.accounts if a.id == design.identity_providers[0].home_account
    )
    idp["home_account"] = management["id"]
    diff = diff_designs(design, Design.model_validate(data))
    [entry] = diff.entries
    assert entry.kind == "identity-provider"
    [change] = entry.changes
    assert (change.field, str(change.planned), str(change.live)) == (
        "home account",
        before,
        "Management",
    )
    assert json.loads(format_diff(diff, "json"))["entries"][0]["changes"][0]["live"] == "Management"


# -- scoped relationships, outside principals, the kinds' identity --------------------------------
def per_account(design: Design) -> Design:
    """The design with each scoped relationship drawn once per account, as an import of a
    StackSet's roles reads them before folding (fresh ids: each is its own relationship)."""
    copies = [rel.model_copy(update={"id": str(uuid.uuid4())}) for rel in Scopes(design).expanded()]
    return design.model_copy(update={"relationships": copies})


def audit_trusts(design: Design) -> list[Any]:
    return [r for r in design.relationships if r.kind == "trust"]


def test_a_scoped_trust_equals_the_role_in_every_account_of_its_ou() -> None:
    from tests.helpers.factories import scoped_audit_design

    planned = scoped_audit_design(4)
    live = per_account(planned)
    assert len(audit_trusts(live)) == 4
    assert diff_designs(planned, live).entries == []
    assert diff_designs(live, planned).entries == []


def test_the_accounts_of_a_scope_that_lack_a_trust_are_named() -> None:
    from tests.helpers.factories import scoped_audit_design

    planned = scoped_audit_design(4)
    live = per_account(planned)
    names = {a.id: a.name for a in live.accounts}
    kept = [r for r in live.relationships if names[r.target] != "Prod-3"]
    diff = diff_designs(planned, live.model_copy(update={"relationships": kept}))
    assert summary(diff) == {
        (MISSING, "trust", "trust Security Tooling -> Prod-3 role Audit (of scope OU Workloads)")
    }
    [entry] = diff.entries
    assert entry.planned_id == planned.relationships[0].id  # the one edge drawn, to mark it
    nothing = live.model_copy(update={"relationships": []})
    assert summary(diff_designs(planned, nothing)) == {  # wholly missing: the edge itself
        (MISSING, "trust", "trust Security Tooling -> OU Workloads role Audit")
    }


def test_a_scoped_trust_changed_everywhere_is_one_change_and_in_one_account_names_it() -> None:
    from tests.helpers.factories import scoped_audit_design

    planned = scoped_audit_design(3)
    live = per_account(planned)
    everywhere = [r.model_copy(update={"require_mfa": True}) for r in live.relationships]
    diff = diff_designs(planned, live.model_copy(update={"relationships": everywhere}))
    [entry] = diff.entries
    assert (entry.status, entry.subject) == (
        CHANGED,
        "trust Security Tooling -> OU Workloads role Audit",
    )
    assert [(c.field, c.planned, c.live) for c in entry.changes] == [("require MFA", False, True)]
    one = [everywhere[0], *live.relationships[1:]]
    [entry] = diff_designs(planned, live.model_copy(update={"relationships": one})).entries
    assert entry.subject == "trust Security Tooling -> Prod-1 role Audit (of scope OU Workloads)"
    excluded = planned.relationships[0].model_copy(
        update={"excluded_accounts": [live.relationships[0].target]}
    )
    diff = diff_designs(planned.model_copy(update={"relationships": [excluded]}), live)
    assert summary(diff) == {  # the plan skips Prod-1, the organization has the role there
        (UNEXPECTED, "trust", "trust Security Tooling -> Prod-1 role Audit")
    }


def test_the_same_scoped_trust_on_both_sides_is_compared_whole() -> None:
    from tests.helpers.factories import scoped_audit_design

    planned = scoped_audit_design(3)
    data = reissued(planned)
    data["relationships"][0]["require_mfa"] = True
    [entry] = diff_designs(planned, Design.model_validate(data)).entries
    assert (entry.status, entry.subject) == (
        CHANGED,
        "trust Security Tooling -> OU Workloads role Audit",
    )
    data = reissued(planned)
    extra = {**data["accounts"][-1], "id": str(uuid.uuid4()), "name": "Prod-9"}
    data["accounts"].append({**extra, "aws_account_id": "200000000009"})
    diff = diff_designs(planned, Design.model_validate(data))  # the live OU holds one more
    assert summary(diff) == {
        (UNEXPECTED, "account", "account Prod-9 (200000000009)"),
        (
            UNEXPECTED,
            "trust",
            "trust Security Tooling -> Prod-9 role Audit (of scope OU Workloads)",
        ),
    }


def test_outside_principals_match_by_what_identifies_them() -> None:
    from tests.helpers.factories import scoped_design

    design = scoped_design()
    data = reissued(design)
    for principal in data["outside_principals"]:
        principal["name"] = f"Imported {principal['name']}"  # an import names them its own way
    assert diff_designs(design, Design.model_validate(data)).entries == []
    partner = next(p for p in design.outside_principals if p.kind == "partner-organization")
    by(data, "outside_principals", kind="partner-organization")["organization_id"] = "o-other12345"
    diff = diff_designs(design, Design.model_validate(data))
    subject = f"outside principal {partner.name} (partner-organization {partner.organization_id})"
    assert (MISSING, "outside-principal", subject) in summary(diff)
    assert {(e.status, e.kind) for e in diff.entries} <= {
        (MISSING, "outside-principal"),
        (UNEXPECTED, "outside-principal"),
        *((status, r.kind) for r in design.relationships for status in (MISSING, UNEXPECTED)),
    }
    assert len([e for e in diff.entries if e.kind == "outside-principal"]) == 2


def test_relationships_are_told_apart_by_their_kind_specification(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The diff asks designer.model.kinds what makes two relationships of a pair the same."""
    import dataclasses

    import designer.live.diff as diff_module
    from designer.model.kinds import SPECS

    assert not hasattr(diff_module, "_IDENTITY")  # no table of its own
    design = load_template("reference-landing-zone")
    data = reissued(design)
    trust = by(data, "relationships", kind="trust", role_name="WorkloadAdmin")
    trust["role_name"] = "RenamedAdmin"
    live = Design.model_validate(data)
    renamed = {(e.status, e.kind) for e in diff_designs(design, live).entries}
    assert renamed == {(MISSING, "trust"), (UNEXPECTED, "trust")}
    monkeypatch.setitem(
        SPECS, "trust", dataclasses.replace(SPECS["trust"], identity=lambda r: ("any role",))
    )
    assert diff_designs(design, live).entries == []  # the role name no longer tells them apart


def test_two_versions_of_one_design_sharing_ids_differ_by_the_renamed_role() -> None:
    from tests.helpers.factories import scoped_audit_design

    planned = scoped_audit_design(3)
    renamed = planned.relationships[0].model_copy(update={"role_name": "Audit2"})
    live = planned.model_copy(update={"relationships": [renamed]})  # same ids
    assert summary(diff_designs(planned, live)) == {
        (MISSING, "trust", "trust Security Tooling -> OU Workloads role Audit"),
        (UNEXPECTED, "trust", "trust Security Tooling -> OU Workloads role Audit2"),
    }


def _deliveries(design: Design, *ends: tuple[str, list[str], list[str]]) -> Design:
    """`design` with only these log deliveries into Security Tooling: (source, log types,
    excluded accounts), the source named as the design names its node."""
    from designer.model import LogDeliveryRelationship

    ids = {a.name: a.id for a in design.accounts}
    ids |= {f"OU {u.name}": u.id for u in design.organizational_units}
    ids["organization"] = design.organization.id
    rels = [
        LogDeliveryRelationship(
            id=str(uuid.uuid4()),
            source=ids[source],
            target=ids["Security Tooling"],
            log_types=types,
            excluded_accounts=[ids[x] for x in excluded],
        )
        for source, types, excluded in ends
    ]
    return design.model_copy(update={"relationships": rels})


def test_config_from_an_ou_and_its_other_accounts_equals_config_from_the_organization() -> None:
    from tests.helpers.factories import scoped_audit_design

    base = scoped_audit_design(3)
    planned = _deliveries(  # as the logging template draws it: config and flow logs of the OU
        base,
        ("OU Workloads", ["config", "vpc-flow-logs"], []),
        ("Management", ["config"], []),
        ("Security Tooling", ["config"], []),
    )
    # as the import folds it: Config in every account is one organization-wide delivery
    live = _deliveries(
        base, ("organization", ["config"], []), ("OU Workloads", ["vpc-flow-logs"], [])
    )
    assert diff_designs(planned, live).entries == []
    assert diff_designs(live, planned).entries == []
    gap = _deliveries(
        base, ("organization", ["config"], ["Prod-2"]), ("OU Workloads", ["vpc-flow-logs"], [])
    )
    diff = diff_designs(planned, gap)
    assert summary(diff) == {
        (
            MISSING,
            "log-delivery",
            "log-delivery Prod-2 -> Security Tooling config (of scope OU Workloads)",
        )
    }
    assert [e.planned_id for e in diff.entries] == [planned.relationships[0].id]  # the edge drawn
    no_flow_logs = _deliveries(base, ("organization", ["config"], []))
    assert summary(diff_designs(planned, no_flow_logs)) == {
        (MISSING, "log-delivery", "log-delivery OU Workloads -> Security Tooling vpc-flow-logs")
    }


def test_a_scoped_trust_into_accounts_that_could_not_be_read_is_not_compared() -> None:
    from designer.live.diff import UNREAD
    from tests.helpers.factories import scoped_audit_design

    planned = scoped_audit_design(3)
    names = {a.id: a.name for a in planned.accounts}
    unread = [
        a.model_copy(update={"unread": ["iam"]}) if a.name.startswith("Prod-") else a
        for a in planned.accounts
    ]
    nothing = planned.model_copy(update={"accounts": unread, "relationships": []})
    diff = diff_designs(planned, nothing)
    assert diff.entries == []
    [entry] = diff.unread
    assert (entry.status, entry.subject) == (
        UNREAD,
        "trust Security Tooling -> OU Workloads role Audit",
    )
    assert entry.reason.endswith("+1 more")  # three accounts, two named
    one = [
        a.model_copy(update={"unread": ["iam"]}) if a.name == "Prod-2" else a
        for a in planned.accounts
    ]
    kept = [r for r in per_account(planned).relationships if names[r.target] == "Prod-1"]
    diff = diff_designs(
        planned, planned.model_copy(update={"accounts": one, "relationships": kept})
    )
    assert summary(diff) == {
        (MISSING, "trust", "trust Security Tooling -> Prod-3 role Audit (of scope OU Workloads)")
    }
    assert [(e.subject, e.reason) for e in diff.unread] == [
        (
            "trust Security Tooling -> Prod-2 role Audit (of scope OU Workloads)",
            f"account Prod-2 ({next(a.aws_account_id for a in one if a.name == 'Prod-2')}) "
            "could not be read: iam",
        )
    ]
