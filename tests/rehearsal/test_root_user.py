"""Which steps need the root user, and which SCPs stop it (no emulator needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from designer.rehearsal.checks import denies_root, needs_root
from designer.rehearsal.plan import Step, load_plan
from tests.rehearsal.test_checks import DENY_ROOT, GENERATED_DENY_ROOT, QUARANTINE, ROOT_TYPE


def deny(action: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Deny", "Action": action, "Resource": "*"}
    if condition is not None:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


PRIVILEGED = {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Break-Glass"}}


@pytest.mark.parametrize(
    "document",
    [
        GENERATED_DENY_ROOT,
        DENY_ROOT,
        ROOT_TYPE,
        QUARANTINE,
        deny("*", {"ARNLIKE": {"AWS:PRINCIPALARN": ["arn:${AWS::Partition}:iam::*:root"]}}),
        deny("*", {"StringLike": {"aws:PrincipalType": "root"}}),
        deny("*", PRIVILEGED),  # a quarantine sparing a break-glass role, not the root user
        deny("*", {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}),  # every role
        deny("s3:PutBucketVersioning", {"ArnLike": {"aws:PrincipalARN": "arn:aws:iam::*:root"}}),
    ],
    ids=[
        "generated",
        "PrincipalArn",
        "PrincipalType",
        "quarantine",
        "key-upper-case",
        "PrincipalType-lower",
        "quarantine-with-exception",
        "quarantine-sparing-roles",
        "some-actions",
    ],
)
def test_an_scp_that_stops_the_root_user(document: dict[str, Any]) -> None:
    assert denies_root(document)


@pytest.mark.parametrize(
    "document",
    [
        deny("*", {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}),
        deny("*", {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}),
        deny("*", {"StringEquals": {"aws:PrincipalType": "AssumedRole"}}),
        deny("iam:CreateUser"),
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        {},
    ],
    ids=["region", "root-exempt", "other-type", "some-actions", "allow", "empty"],
)
def test_an_scp_that_leaves_the_root_user_alone(document: dict[str, Any]) -> None:
    assert not denies_root(document)


def plan_step(tmp_path: Path, **fields: Any) -> Step:
    (tmp_path / "plan").mkdir()
    data = {"steps": [{"number": 1, "id": "x", **fields}]}
    (tmp_path / "plan/deployment-plan.json").write_text(json.dumps(data))
    return load_plan(tmp_path).steps[0]


def test_the_plan_says_which_steps_need_the_root_user(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    unnamed = plan_step(tmp_path / "a", id="close:x", title="Close the account", manual=True,
                        needs_root_user=True)  # fmt: skip
    assert needs_root(unnamed)
    (tmp_path / "b").mkdir()
    worded = plan_step(tmp_path / "b", id="create-role:x", manual=True, needs_root_user=False,
                       title="Create the role the root user's owner signs in to")  # fmt: skip
    assert not needs_root(worded)


def test_an_older_plan_without_the_field_is_read_by_its_words(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    assert needs_root(plan_step(tmp_path / "a", id="mfa-delete:bucket", title="MFA Delete"))
    (tmp_path / "b").mkdir()
    assert needs_root(plan_step(tmp_path / "b", id="x", manual=True, title="As the root user"))
    (tmp_path / "c").mkdir()
    assert not needs_root(plan_step(tmp_path / "c", id="x", manual=True, title="Sign in"))
