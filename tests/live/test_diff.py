"""The design-versus-live comparison: matched by what is real, not by ids; exactly the changes."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from designer.cli import main
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
    removed = [r for r in design.relationships if sandbox["name"] in _ends(design, r)]
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
