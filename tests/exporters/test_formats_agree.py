"""The policies and CloudFormation exports describe the same log buckets and keys.

An architect may deploy either; a service allowed in one and missing in the other would break log
delivery (or open a path) depending on which file was used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from designer.model.templates import load_template
from exporters.base import export_design

Grant = tuple[str, tuple[str, ...]]


def grants(document: dict[str, Any]) -> set[Grant]:
    """(service principal or '*', actions) of every statement that names a service or everyone."""
    found: set[Grant] = set()
    for statement in document["Statement"]:
        principal = statement["Principal"]
        who = principal if principal == "*" else principal.get("Service")
        if who is None:
            continue  # the owner account: spelled as a literal ARN or as Fn::Sub
        actions = statement["Action"]
        found.add((who, tuple(sorted(actions if isinstance(actions, list) else [actions]))))
    return found


@pytest.mark.parametrize("name", ["reference-landing-zone", "logging"])
def test_bucket_and_key_policies_grant_the_same_services(tmp_path: Path, name: str) -> None:
    design = load_template(name)
    export_design(design, tmp_path, ["policies", "cloudformation"])
    resources: dict[str, Any] = {}
    for path in (tmp_path / "cloudformation").glob("log-archive-*.json"):
        resources |= json.loads(path.read_text(encoding="utf-8"))["Resources"]
    logical = {
        r["Properties"]["BucketName"]: key
        for key, r in resources.items()
        if r["Type"] == "AWS::S3::Bucket" and isinstance(r["Properties"].get("BucketName"), str)
    }
    policies = {
        r["Properties"]["Bucket"]["Ref"]: r["Properties"]["PolicyDocument"]
        for r in resources.values()
        if r["Type"] == "AWS::S3::BucketPolicy"
    }
    keys_cfn: set[Grant] = set()
    for r in resources.values():
        if r["Type"] == "AWS::KMS::Key":
            keys_cfn |= grants(r["Properties"]["KeyPolicy"])
    keys_json: set[Grant] = set()
    checked = 0
    for bucket in design.log_buckets:
        folder = tmp_path / "policies"
        exported = json.loads(next(folder.glob(f"buckets/{bucket.name}*")).read_text("utf-8"))
        assert grants(exported) == grants(policies[logical[bucket.name]]), bucket.name
        for key in folder.glob(f"keys/{bucket.name}*"):
            keys_json |= grants(json.loads(key.read_text(encoding="utf-8")))
        checked += 1
    assert checked == len(design.log_buckets) > 0
    assert keys_json == keys_cfn
    # Both templates send VPC flow logs to the archive: both formats let log delivery in.
    assert any(who == "delivery.logs.amazonaws.com" for who, _ in keys_json)
