"""The log archive as deployed: key policies that let CloudTrail write and the designed readers
read, keys only privileged roles administer, lifecycles that never cut an Object Lock short,
one name per trail, and the AWS Config and flow-log member templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic import synthetic_design
from designer.artefacts.policy_set import build_policies, log_resources, organization_trail_names
from designer.model import LogDeliveryRelationship
from designer.model.templates import load_template
from exporters.base import export_design

Json = Any
SECOND = "00000000-0000-4000-8000-000000000002"


def exported(tmp_path: Path, name: str, formats: list[str]) -> Path:
    export_design(load_template(name), tmp_path, formats)
    return tmp_path


def read(path: Path) -> Json:
    return json.loads(path.read_text(encoding="utf-8"))


def by_sid(document: Json) -> dict[str, Json]:
    return {s["Sid"]: s for s in document["Statement"]}


def test_trail_key_lets_the_designed_readers_decrypt_trail_logs_only() -> None:
    design = load_template("reference-landing-zone")
    policies = build_policies(design)
    trail = next(b for b in policies.buckets if "cloudtrail" in b.bucket.name)
    statements = by_sid(trail.key_policy)
    readers = statements["AllowLogReadersDecryptTrailLogs"]
    assert readers["Action"] == "kms:Decrypt"
    archive = "153715744375"
    assert readers["Condition"] == {
        "StringEquals": {"kms:CallerAccount": archive},
        "ArnLike": {
            "aws:PrincipalArn": [
                f"arn:${{AWS::Partition}}:iam::{archive}:role/SecurityAudit",
                f"arn:${{AWS::Partition}}:iam::{archive}:role/SecurityReadOnly",
            ]
        },
        # only what CloudTrail encrypted (CloudTrail User Guide, granting decrypt permissions)
        "Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"},
    }
    trail_arn = "arn:${AWS::Partition}:cloudtrail:eu-west-1:804959576755:trail/organization-trail"
    owners = statements["AllowTrailOwnersDecryptTheirTrails"]
    assert owners["Condition"] == {
        "StringEquals": {"kms:CallerAccount": "804959576755"},
        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trail_arn},
    }
    encrypt = statements["AllowCloudTrailEncryptLogs"]
    assert encrypt["Condition"]["StringEquals"] == {"aws:SourceArn": trail_arn}
    assert encrypt["Condition"]["StringLike"] == {
        "kms:EncryptionContext:aws:cloudtrail:arn": trail_arn
    }
    assert "AllowCloudTrailDescribeKey" in statements


def test_only_privileged_roles_may_delete_disable_or_repolicy_a_log_key() -> None:
    design = load_template("logging")
    for key in build_policies(design).keys:
        deny = by_sid(key.policy)["DenyKeyAdministrationExceptPrivilegedRoles"]
        assert deny["Effect"] == "Deny"
        assert deny["Principal"] == {"AWS": "*"}
        assert {"kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey"} <= set(
            deny["Action"]
        )
        spared = deny["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
        assert any(a.endswith(":role/OrganizationAccountAccessRole") for a in spared)
        assert all(":593879281666:" in a for a in spared)  # the owner account only


def test_log_resources_name_every_bucket_and_its_key() -> None:
    design = load_template("reference-landing-zone")
    found = log_resources(design)
    assert [r.bucket.name for r in found] == [b.name for b in design.log_buckets]
    assert {r.key_alias for r in found} == {"alias/cloudtrail-logs", "alias/config-logs"}
    for r in found:
        assert r.bucket_arn == f"arn:${{AWS::Partition}}:s3:::{r.bucket.name}"
        assert r.key_arn == "arn:${AWS::Partition}:kms:*:153715744375:key/*"


def rules_of(config: Json) -> list[Json]:
    return config["Rules"]


@pytest.mark.parametrize("mfa_delete", [False, True])
@pytest.mark.parametrize("name", ["reference-landing-zone", "logging"])
def test_lifecycle_never_expires_before_the_object_lock_retention(
    tmp_path: Path, name: str, mfa_delete: bool
) -> None:
    design = load_template(name)
    buckets_in = [b.model_copy(update={"mfa_delete": mfa_delete}) for b in design.log_buckets]
    design = design.model_copy(update={"log_buckets": buckets_in})
    export_design(design, tmp_path, ["policies", "cloudformation", "plan"])
    out = tmp_path
    retention = {
        b.name: b.object_lock.retention_days if b.object_lock else 0 for b in design.log_buckets
    }
    (stack,) = (out / "cloudformation").glob("log-archive-*.json")
    buckets = [
        (r["Properties"]["BucketName"], r["Properties"])
        for r in read(stack)["Resources"].values()
        if r["Type"] == "AWS::S3::Bucket"
    ]
    assert len(buckets) == len(design.log_buckets) + 1  # and the access-log bucket
    longest = max(retention.values())
    steps = read(out / "plan" / "deployment-plan.json")["steps"]
    plan_files = {a for s in steps for a in s["artifacts"]}
    for bucket, props in buckets:
        lifecycle_file = out / "policies" / "lifecycles" / f"{bucket}.json"
        if isinstance(bucket, str) and mfa_delete:
            # S3 refuses MFA Delete on a bucket with a lifecycle: the plan's root step would fail.
            assert "LifecycleConfiguration" not in props
            assert not lifecycle_file.exists()
            assert f"policies/lifecycles/{bucket}.json" not in plan_files
            continue
        kept = retention[bucket] if isinstance(bucket, str) else longest
        (rule,) = props["LifecycleConfiguration"]["Rules"]
        assert rule["Status"] == "Enabled"
        assert rule["ExpirationInDays"] > kept
        assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] > kept
        assert all(t["TransitionInDays"] >= kept for t in rule["Transitions"])
        if isinstance(bucket, str):  # the plain-JSON form: the same rule, the S3 API's spelling
            (plain,) = read(lifecycle_file)["Rules"]
            assert plain["Expiration"]["Days"] == rule["ExpirationInDays"]
            assert plain["Transitions"][0]["Days"] == rule["Transitions"][0]["TransitionInDays"]
            assert plain["NoncurrentVersionExpiration"] == rule["NoncurrentVersionExpiration"]
            assert f"policies/lifecycles/{bucket}.json" in plan_files


def test_a_second_organization_trail_has_one_name_everywhere(tmp_path: Path) -> None:
    design = load_template("logging")
    first = next(
        r for r in design.relationships if r.kind == "log-delivery" and "cloudtrail" in r.log_types
    )
    second = LogDeliveryRelationship(
        **{**first.model_dump(), "id": SECOND, "bucket": design.log_buckets[1].id}
    )
    design = design.model_copy(update={"relationships": [*design.relationships, second]})
    assert organization_trail_names(design) == {
        first.id: "organization-trail",
        SECOND: "organization-trail-2",
    }
    export_design(design, tmp_path, ["policies", "cloudformation"])
    trail = read(tmp_path / "cloudformation" / "organization-trail-2.json")
    (props,) = [
        r["Properties"]
        for r in trail["Resources"].values()
        if r["Type"] == "AWS::CloudTrail::Trail"
    ]
    assert props["TrailName"] == "organization-trail-2"
    policy = read(tmp_path / "policies" / "buckets" / f"{props['S3BucketName']}-policy.json")
    acl = by_sid(policy)["AWSCloudTrailAclCheck20150319"]
    assert acl["Condition"]["StringEquals"]["aws:SourceArn"].endswith(":trail/organization-trail-2")


def test_config_member_template_records_and_delivers(tmp_path: Path) -> None:
    out = exported(tmp_path, "reference-landing-zone", ["cloudformation"])
    (member,) = (out / "cloudformation" / "stacksets").glob("logs-*config*.json")
    resources = read(member)["Resources"]
    types = {r["Type"]: r for r in resources.values()}
    assert {"AWS::Config::ConfigurationRecorder", "AWS::Config::DeliveryChannel",
            "AWS::IAM::ServiceLinkedRole"} <= set(types)  # fmt: skip
    assert types["AWS::IAM::ServiceLinkedRole"]["Properties"] == {
        "AWSServiceName": "config.amazonaws.com"
    }
    recorder = types["AWS::Config::ConfigurationRecorder"]["Properties"]
    assert recorder["RecordingGroup"] == {"AllSupported": True, "IncludeGlobalResourceTypes": True}
    assert "${AWS::Partition}" in json.dumps(recorder["RoleARN"])
    channel = types["AWS::Config::DeliveryChannel"]["Properties"]
    assert channel["S3BucketName"] == "example-org-logs-config-153715744375"


def test_a_network_account_gets_a_flow_log_template_its_bucket_admits(tmp_path: Path) -> None:
    out = exported(tmp_path, "reference-landing-zone", ["policies", "cloudformation"])
    template = read(out / "cloudformation" / "flow-logs-network.json")
    assert template["Parameters"]["VpcId"]["Type"] == "AWS::EC2::VPC::Id"
    (flow_log,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::FlowLog"]
    props = flow_log["Properties"]
    assert props["ResourceId"] == {"Ref": "VpcId"}
    assert props["LogDestinationType"] == "s3"
    assert props["TrafficType"] == "ALL"
    bucket = "example-org-logs-config-153715744375"
    assert props["LogDestination"] == {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{bucket}"}
    # the bucket policy lets the log delivery service write for exactly that account
    policy = by_sid(read(out / "policies" / "buckets" / f"{bucket}-policy.json"))
    write = policy["AWSLogDeliveryWrite325753623369"]
    assert write["Resource"] == f"arn:aws:s3:::{bucket}/AWSLogs/325753623369/*"
    assert write["Condition"]["StringEquals"]["aws:SourceAccount"] == "325753623369"


def test_config_is_admitted_for_the_organization_even_before_accounts_have_ids() -> None:
    """Control Tower's statement set: aws:SourceOrgID, so accounts without an id yet (and those
    that join later) deliver, and the policy does not grow with them."""
    design = synthetic_design(40)  # planned accounts: no ids
    (config,) = [b for b in build_policies(design).buckets if b.bucket.name.endswith("config")]
    delivery = by_sid(config.bucket_policy)["AWSConfigBucketDelivery"]
    assert (
        delivery["Resource"] == "arn:${AWS::Partition}:s3:::synthetic-org-config/AWSLogs/*/Config/*"
    )
    assert delivery["Condition"] == {
        "StringEquals": {
            "s3:x-amz-acl": "bucket-owner-full-control",
            "aws:SourceOrgID": "o-synthetic01",
        }
    }
    for sid in ("AWSConfigBucketPermissionsCheck", "AWSConfigBucketExistenceCheck"):
        condition = by_sid(config.bucket_policy)[sid]["Condition"]
        assert condition == {"StringEquals": {"aws:SourceOrgID": "o-synthetic01"}}
    key = by_sid(config.key_policy)["AllowConfigEncryptDelivery"]
    assert key["Condition"] == {"StringEquals": {"aws:SourceOrgID": "o-synthetic01"}}


def test_a_trail_key_kept_in_security_tooling_is_administered_there() -> None:
    """The Security Reference Architecture's choice: the trail key in another account, named by
    ARN; its policy (to apply by hand) lets that account's privileged roles administer it."""
    design = load_template("logging")
    key_arn = "arn:aws:kms:eu-west-1:222233334444:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    trail_bucket = design.log_buckets[0].model_copy(update={"kms_key": key_arn})
    design = design.model_copy(update={"log_buckets": [trail_bucket, *design.log_buckets[1:]]})
    policies = build_policies(design)
    (key,) = [k for k in policies.keys if k.arn == key_arn]
    admin = by_sid(key.policy)["EnableOwnerAccountAdministration"]
    assert admin["Principal"] == {"AWS": "arn:${AWS::Partition}:iam::222233334444:root"}
    guard = by_sid(key.policy)["DenyKeyAdministrationExceptPrivilegedRoles"]
    assert all(":222233334444:" in a for a in guard["Condition"]["ArnNotLike"]["aws:PrincipalArn"])
    assert any(key_arn in point for point in policies.notes.points)


def test_an_account_drawn_delivering_config_gets_its_recorder_stack(tmp_path: Path) -> None:
    """The logging template draws AWS Config of Log Archive and of Management one by one: each
    gets a recorder, delivery channel and service-linked role to deploy as a stack there."""
    out = exported(tmp_path, "logging", ["cloudformation", "plan"])
    for account in ("log-archive", "management"):
        template = read(out / "cloudformation" / f"config-{account}.json")
        types = sorted(r["Type"] for r in template["Resources"].values())
        assert types == [
            "AWS::Config::ConfigurationRecorder",
            "AWS::Config::DeliveryChannel",
            "AWS::IAM::ServiceLinkedRole",
        ]
    plan = read(out / "plan" / "deployment-plan.json")
    named = {a for step in plan["steps"] for a in step.get("artifacts", [])}
    assert {
        "cloudformation/config-log-archive.json",
        "cloudformation/config-management.json",
    } <= named


def test_the_key_step_names_who_may_create_the_key(tmp_path: Path) -> None:
    """The key policy lets only privileged roles administer the key; KMS refuses a key policy
    its creator could not change later, so the plan must say who creates it."""
    export_design(load_template("reference-landing-zone"), tmp_path, ["plan"])
    steps = read(tmp_path / "plan" / "deployment-plan.json")["steps"]
    keys = [s for s in steps if s["id"].startswith("key:")]
    assert keys
    for step in keys:
        assert "OrganizationAccountAccessRole" in step["action"]
        assert "lockout safety check" in step["action"]
