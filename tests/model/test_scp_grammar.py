"""An SCP document in a design is a policy AWS Organizations accepts, or the load names the
JSON path of the first place it breaks the grammar."""

from __future__ import annotations

import json
from typing import Any

import pytest

from designer.model import DesignFileError, dumps_design, parse_design
from tests.helpers.factories import TEMPLATES, sid, small_data

SCP_PATH = "$.service_control_policies[0].document"
DENY_LEAVING = {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}


def _with_scp(document: Any) -> str:
    data = small_data()
    data["service_control_policies"] = [{"id": sid("scp"), "name": "Guard", "document": document}]
    return json.dumps(data)


def _refused(document: Any) -> str:
    with pytest.raises(DesignFileError) as caught:
        parse_design(_with_scp(document), "scp.json")
    message = str(caught.value)
    assert message.startswith("scp.json: ")
    assert "\n" not in message
    return message.removeprefix("scp.json: ")


BAD: dict[str, tuple[Any, str]] = {
    "the issue's example": (
        {"Statement": "everything", "Version": 7},
        f'{SCP_PATH}.Version: must be "2012-10-17" (got 7)',
    ),
    "version as a date": (
        {"Version": "2024-01-01", "Statement": [DENY_LEAVING]},
        f"{SCP_PATH}.Version: must be \"2012-10-17\" (got '2024-01-01')",
    ),
    "statement text": (
        {"Version": "2012-10-17", "Statement": "everything"},
        f"{SCP_PATH}.Statement: must be a statement object or a list of them (got 'everything')",
    ),
    "no statement": ({"Version": "2012-10-17"}, ".Statement: must be a statement object or a"),
    "unknown element": (
        {"Version": "2012-10-17", "Statement": [DENY_LEAVING], "Extra": 1},
        f"{SCP_PATH}.Extra: unknown policy element",
    ),
    "bad effect": (
        {"Version": "2012-10-17", "Statement": [DENY_LEAVING, {**DENY_LEAVING, "Effect": "deny"}]},
        f"{SCP_PATH}.Statement[1].Effect: must be Allow or Deny (got 'deny')",
    ),
    "no action": (
        {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Resource": "*"}},
        f"{SCP_PATH}.Statement: needs exactly one of Action and NotAction",
    ),
    "action and not action": (
        {"Version": "2012-10-17", "Statement": [{**DENY_LEAVING, "NotAction": "s3:*"}]},
        f"{SCP_PATH}.Statement[0]: needs exactly one of Action and NotAction",
    ),
    "action number": (
        {"Version": "2012-10-17", "Statement": [{**DENY_LEAVING, "Action": ["s3:*", 5]}]},
        f"{SCP_PATH}.Statement[0].Action[1]: must be text (got 5)",
    ),
    "empty action list": (
        {"Version": "2012-10-17", "Statement": [{**DENY_LEAVING, "Action": []}]},
        f"{SCP_PATH}.Statement[0].Action: must be text or a list of text",
    ),
    "resource and not resource": (
        {"Version": "2012-10-17", "Statement": [{**DENY_LEAVING, "NotResource": "*"}]},
        "Statement[0]: has both Resource and NotResource",
    ),
    "principal": (
        {"Version": "2012-10-17", "Statement": [{**DENY_LEAVING, "Principal": "*"}]},
        f"{SCP_PATH}.Statement[0].Principal: an SCP has no Principal",
    ),
    "unknown statement key": (
        {"Version": "2012-10-17", "Statement": [{**DENY_LEAVING, "Efect": "Deny"}]},
        f"{SCP_PATH}.Statement[0].Efect: unknown statement element",
    ),
    "sid number": (
        {"Version": "2012-10-17", "Statement": [{**DENY_LEAVING, "Sid": 1}]},
        f"{SCP_PATH}.Statement[0].Sid: must be text (got 1)",
    ),
    "condition list": (
        {"Version": "2012-10-17", "Statement": [{**DENY_LEAVING, "Condition": ["x"]}]},
        "Statement[0].Condition: must be an object of condition operators",
    ),
    "condition operator text": (
        {"Version": "2012-10-17", "Statement": [{**DENY_LEAVING, "Condition": {"Bool": "x"}}]},
        "Statement[0].Condition.Bool: must be an object of condition keys (got 'x')",
    ),
    "condition value object": (
        {
            "Version": "2012-10-17",
            "Statement": [{**DENY_LEAVING, "Condition": {"StringEquals": {"aws:x": [{"a": 1}]}}}],
        },
        "Statement[0].Condition.StringEquals['aws:x'][0]: must be text, a number or true/false",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_scp_document_names_its_path(case: str) -> None:
    document, words = BAD[case]
    assert words in _refused(document)


def test_an_overflowing_number_in_an_scp_is_refused_not_written_as_infinity() -> None:
    text = _with_scp(
        {
            "Version": "2012-10-17",
            "Statement": [{**DENY_LEAVING, "Condition": {"NumericLessThan": {"aws:x": 1}}}],
        }
    ).replace('"aws:x": 1', '"aws:x": 1e400')
    with pytest.raises(DesignFileError) as caught:
        parse_design(text, "scp.json")
    assert (
        f"{SCP_PATH}.Statement[0].Condition.NumericLessThan['aws:x']: number too large for JSON"
        in str(caught.value)
    )


GOOD: dict[str, Any] = {
    "one statement object": {"Version": "2012-10-17", "Statement": DENY_LEAVING},
    "old version": {"Version": "2008-10-17", "Statement": [DENY_LEAVING]},
    "no version, no statements": {"Statement": []},
    "full access": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    },
    "not action, not resource, every kind of condition value": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Regions",
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*"],
                "NotResource": ["arn:aws:s3:::logs/*"],
                "Condition": {
                    "StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]},
                    "Bool": {"aws:SecureTransport": False},
                    "NumericGreaterThan": {"s3:max-keys": 10, "aws:y": 1.5},
                },
            }
        ],
    },
    "no resource": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization"}],
    },
}


@pytest.mark.parametrize("case", list(GOOD))
def test_a_good_scp_document_loads_and_saves_as_it_was(case: str) -> None:
    design = parse_design(_with_scp(GOOD[case]), "scp.json")
    assert design.service_control_policies[0].document == GOOD[case]
    assert parse_design(dumps_design(design), "again.json") == design


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.json")), ids=lambda p: p.stem)
def test_every_template_scp_follows_the_grammar(template: Any) -> None:
    design = parse_design(template.read_text(encoding="utf-8"), template.name)
    for scp in design.service_control_policies:
        assert scp.document is None or scp.document["Version"] == "2012-10-17"
