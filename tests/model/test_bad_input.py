"""Every way a design file can be wrong gives one clear line naming the JSON path."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from designer.model import DesignFileError, load_design, parse_design
from tests.helpers.factories import sid, small_data, write_json

Data = dict[str, Any]


def _set(path: list[str | int], value: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


def _append(field: str, item: Callable[[Data], Any]) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        data[field].append(item(data))

    return mutate


def _rel(kind: str, source: str, target: str, **extra: Any) -> Callable[[Data], Data]:
    return lambda data: {
        "id": sid(f"rel-{kind}-{source}-{target}"),
        "kind": kind,
        "source": sid(source),
        "target": sid(target),
        **extra,
    }


def _ou(name: str, parent: str | None) -> Callable[[Data], Data]:
    return lambda data: {"id": sid(name), "name": name, "parent": parent and sid(parent)}


def _nest_six(data: Data) -> None:
    parent = None
    for level in range(6):
        data["organizational_units"].append(_ou(f"level{level}", parent)(data))
        parent = f"level{level}"


CASES: dict[str, tuple[Callable[[Data], None], str, str]] = {
    # schema violations, reported at the value's own path
    "account id too short": (
        _set(["accounts", 1, "aws_account_id"], "12345"),
        "$.accounts[1].aws_account_id",
        "exactly 12 digits",
    ),
    "account id as number": (
        _set(["accounts", 1, "aws_account_id"], 222222222222),
        "$.accounts[1].aws_account_id",
        "must be text in double quotes",
    ),
    "bad e-mail": (_set(["accounts", 2, "email"], "not-an-email"), "$.accounts[2].email", "e-mail"),
    "unknown function": (
        _set(["accounts", 0, "functions"], ["payer"]),
        "$.accounts[0].functions[0]",
        "'management'",
    ),
    "no function": (
        _set(["accounts", 0, "functions"], []),
        "$.accounts[0].functions",
        "at least 1",
    ),
    "unknown field": (
        _set(["accounts", 0, "colour"], "red"),
        "$.accounts[0].colour",
        "unknown field",
    ),
    "missing name": (
        lambda d: d["accounts"][0].pop("name"),
        "$.accounts[0].name",
        "required field is missing",
    ),
    "id not a uuid": (_set(["accounts", 0, "id"], "acct-1"), "$.accounts[0].id", "not an id"),
    "relationship unknown kind": (
        _set(["relationships", 0, "kind"], "peering"),
        "$.relationships[0]",
        "trust",
    ),
    "trust session too long": (
        _set(["relationships", 2, "max_session_duration"], 50000),
        "$.relationships[2].max_session_duration",
        "43200",
    ),
    "service-admin without services": (
        _set(["relationships", 2, "access_level"], "service-admin"),
        "$.relationships[2]",
        "names at least one service",
    ),
    "bad organization id": (
        _set(["organization", "organization_id"], "org-1"),
        "$.organization.organization_id",
        "o-",
    ),
    "bad region": (
        _set(["accounts", 0, "regions"], ["europe"]),
        "$.accounts[0].regions[0]",
        "Region",
    ),
    # cross-entity problems
    "duplicate id": (_set(["accounts", 2, "id"], sid("logs")), "$.accounts[2].id", "duplicate id"),
    "duplicate account id": (
        _set(["accounts", 2, "aws_account_id"], "222222222222"),
        "$.accounts[2].aws_account_id",
        "already used by 'Log Archive'",
    ),
    "duplicate e-mail, other case": (
        _set(["accounts", 2, "email"], "LOGS@example.com"),
        "$.accounts[2].email",
        "already used by account 'Log Archive'",
    ),
    "unknown parent": (
        _set(["accounts", 2, "parent"], sid("nowhere")),
        "$.accounts[2].parent",
        "does not exist",
    ),
    "parent is an account": (
        _set(["accounts", 2, "parent"], sid("logs")),
        "$.accounts[2].parent",
        "must be an organizational unit",
    ),
    "unknown management account": (
        _set(["organization", "management_account"], sid("ghost")),
        "$.organization.management_account",
        "does not exist",
    ),
    "relationship to nowhere": (
        _set(["relationships", 2, "target"], sid("ghost")),
        "$.relationships[2].target",
        "does not exist",
    ),
    "log delivery into an IdP": (
        _set(["relationships", 3, "target"], sid("idp")),
        "$.relationships[3].target",
        "must be an account",
    ),
    "federation from an account": (
        _append("relationships", _rel("federation", "prod", "logs", protocol="saml")),
        "$.relationships[4].source",
        "must be an identity provider",
    ),
    "federation protocol mismatch": (
        _append("relationships", _rel("federation", "idp", "logs", protocol="oidc")),
        "$.relationships[4].protocol",
        "must be saml",
    ),
    "trust to itself": (
        _set(["relationships", 2, "target"], sid("logs")),
        "$.relationships[2].target",
        "needs two ends",
    ),
    "delegated admin not from management": (
        _append(
            "relationships",
            _rel("delegated-admin", "prod", "logs", service_principals=["guardduty.amazonaws.com"]),
        ),
        "$.relationships[4].source",
        "management account",
    ),
    "bucket of another account": (
        _set(["log_buckets", 0, "account"], sid("prod")),
        "$.relationships[3].bucket",
        "belongs to account 'Prod'",
    ),
    "OU cycle": (
        lambda d: (
            d["organizational_units"][0].update(parent=sid("ou-workloads")),
            d["organizational_units"][1].update(parent=sid("ou-security")),
        ),
        "$.organizational_units[0].parent",
        "cycle",
    ),
    "OU nested six deep": (_nest_six, "$.organizational_units[7].parent", "at most 5"),
    "waiver of an unknown subject": (
        _append(
            "waivers",
            lambda d: {
                "rule_id": "SEED-INV",
                "subject": sid("ghost"),
                "justification": "j",
                "author": "a",
                "date": "2026-01-01",
            },
        ),
        "$.waivers[0].subject",
        "not in the design",
    ),
    "two OUs of one name under one parent": (
        _set(["organizational_units", 1, "name"], "Security"),
        "$.organizational_units[1].name",
        "same parent",
    ),
    "bucket name twice": (
        _append("log_buckets", lambda d: {**d["log_buckets"][0], "id": sid("bucket2")}),
        "$.log_buckets[1].name",
        "unique worldwide",
    ),
    "count given as a boolean": (
        _set(["accounts", 0, "iam_user_count"], True),
        "$.accounts[0].iam_user_count",
        "valid integer",
    ),
    "yes for a boolean": (
        _set(["accounts", 0, "root_mfa"], "yes"),
        "$.accounts[0].root_mfa",
        "valid boolean",
    ),
    "line break in a name is shown escaped": (
        lambda d: (
            d["accounts"][1].update(name="Log\nArchive"),
            d["accounts"][2].update(aws_account_id="222222222222"),
        ),
        "$.accounts[2].aws_account_id",
        "already used by 'Log\\nArchive'",
    ),
    "MFA Delete without versioning": (
        lambda d: d["log_buckets"][0].update(versioning=False, mfa_delete=True),
        "$.log_buckets[0]",
        "need versioning",
    ),
    "layout of a non-node": (
        _set(["layout", "positions"], {sid("bucket"): {"x": 0, "y": 0}}),
        "$.layout.positions",
        "not a node",
    ),
    "a place far off the canvas": (
        _set(["layout", "positions"], {sid("prod"): {"x": 1e9, "y": 0}}),
        f"$.layout.positions['{sid('prod')}'].x",
        "less than or equal to 1000000",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_design_gives_one_line_naming_the_path(case: str, tmp_path: Path) -> None:
    mutate, path, words = CASES[case]
    data = small_data()
    mutate(data)
    file = write_json(tmp_path / "bad.json", data)
    with pytest.raises(DesignFileError) as caught:
        load_design(file)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{file}: ")
    assert path in message
    assert words in message


def test_unmodified_base_design_is_valid(tmp_path: Path) -> None:
    # Guards the table above: each case fails because of its own change, not the base.
    design = load_design(write_json(tmp_path / "ok.json", small_data()))
    assert [a.name for a in design.accounts] == ["Management", "Log Archive", "Prod"]


def test_several_problems_are_counted(tmp_path: Path) -> None:
    data = small_data()
    data["accounts"][1]["aws_account_id"] = "1"
    data["accounts"][2]["email"] = "x"
    with pytest.raises(DesignFileError, match=r"\(and 1 more problem\)$"):
        load_design(write_json(tmp_path / "bad.json", data))


FILE_CASES: dict[str, tuple[bytes | None, str]] = {
    "not JSON": (b'{"format_version": 1,', "not valid JSON"),
    "empty file": (b"", "not valid JSON: Expecting value at line 1 column 1"),
    "not UTF-8": ('{"name": "Caf\u00e9"}'.encode("latin-1"), "not UTF-8"),
    "top-level array": (b"[1, 2]", "JSON object at the top level"),
    "no format_version": (b'{"name": "x"}', "$.format_version is missing"),
    "newer format": (b'{"format_version": 99}', "newer account-designer (format_version 99"),
    "format_version text": (b'{"format_version": "1"}', "positive whole number"),
    "duplicate key": (b'{"format_version": 1, "format_version": 1}', "duplicate key"),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "moderate nesting": (
        b'{"format_version": 1, "description": ' + b"[" * 600 + b"]" * 600 + b"}",
        "$.description[0][0][0][0][0][0][0]...: nested more than 64 levels deep",
    ),
    "NaN": (b'{"format_version": 1, "x": NaN}', "NaN is not a number JSON allows"),
    "huge version": (b'{"format_version": ' + b"9" * 4000 + b"}", "format_version 999999..."),
    "multi-line tag": (
        b'{"format_version": 1, "name": "d", "organization": {"name": "o"}, '
        b'"relationships": [{"kind": "x\\ny", "source": "s", "target": "t"}]}',
        "'x\\ny'",
    ),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_unreadable_content_gives_one_line(case: str, tmp_path: Path) -> None:
    content, words = FILE_CASES[case]
    file = tmp_path / "design.json"
    file.write_bytes(content or b"")
    with pytest.raises(DesignFileError) as caught:
        load_design(file)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DesignFileError, match="cannot read: No such file"):
        load_design(tmp_path / "absent.json")
    with pytest.raises(DesignFileError, match="is a folder"):
        load_design(tmp_path)


def test_parse_reports_source_name() -> None:
    data = copy.deepcopy(small_data())
    data["accounts"][0]["aws_account_id"] = "abc"
    import json

    with pytest.raises(DesignFileError, match=r"^pasted: \$\.accounts\[0\]\.aws_account_id"):
        parse_design(json.dumps(data), "pasted")
