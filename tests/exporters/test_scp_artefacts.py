"""The SCP documents policy_set builds: the log archive guarded, partition-aware ARNs, one table per
protection shared with the SCP rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from designer.artefacts.policy_set import GLOBAL_SERVICES, build_policies
from designer.artefacts.tokens import PARTITION, plain
from designer.live.diff import diff_designs
from designer.model import Design, ServiceControlPolicy, stable_id
from designer.model.templates import load_template
from designer.rules import validate
from designer.rules.engine import REGISTRY
from designer.rules.registry import all_rules
from exporters.base import export_design
from tests.rules.builder import Builder

LOG_ACCOUNT = "222222222222"


def log_archive_design() -> Builder:
    """A log archive in the Security OU with one bucket and its key, and no SCP at all."""
    b = Builder()
    b.ou("Security")
    b.ou("Workloads")
    b.account("Log Archive", "log-archive", parent="Security", aws_account_id=LOG_ACCOUNT)
    b.account("Prod", parent="Workloads", aws_account_id="333333333333")
    b.bucket("org-trail-logs", "Log Archive", kms_key="alias/trail-logs")
    b.logs("Prod", "Log Archive", "cloudtrail", bucket="org-trail-logs")
    return b


def scp10(design: Design) -> list[str]:
    all_rules()
    return [f.message for f in validate(design, rules=[REGISTRY["SCP-10"]]).findings]


def with_generated(design: Design) -> Design:
    """The design with the SCPs the export generates attached at the root, as the plan does."""
    generated = [s for s in build_policies(design).scps if s.generated]
    design = design.model_copy(deep=True)
    ids = [stable_id("scp-artefacts", s.name) for s in generated]
    design.service_control_policies += [
        ServiceControlPolicy(id=i, name=s.name, document=s.document)
        for i, s in zip(ids, generated, strict=True)
    ]
    org = design.organization
    design.organization = org.model_copy(update={"root_scps": [*org.root_scps, *ids]})
    return design


def statement(document: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in document["Statement"] if s["Sid"] == sid)


def test_a_log_archive_without_an_scp_is_found_and_the_generated_guardrails_fix_it() -> None:
    design = log_archive_design().build()
    (message,) = scp10(design)
    assert "log bucket 'org-trail-logs'" in message
    assert "s3:PutBucketPolicy" in message
    assert "kms:ScheduleKeyDeletion" in message
    generated = next(s for s in build_policies(design).scps if s.generated)
    buckets = statement(generated.document, "ProtectLogBuckets")
    keys = statement(generated.document, "ProtectLogKeys")
    assert buckets["Resource"] == [f"arn:{PARTITION}:s3:::org-trail-logs"]
    assert keys["Resource"] == [f"arn:{PARTITION}:kms:*:{LOG_ACCOUNT}:key/*"]
    for guard in (buckets, keys):
        assert guard["Effect"] == "Deny"
        assert set(guard["Condition"]) == {"ArnNotLike"}  # the privileged roles only
    assert {
        "s3:DeleteBucket",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketPolicy",
        "s3:PutLifecycleConfiguration",
        "s3:PutEncryptionConfiguration",
        "s3:PutBucketVersioning",
        "s3:PutBucketObjectLockConfiguration",
    } <= set(buckets["Action"])
    assert {"kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"} <= set(keys["Action"])
    assert scp10(with_generated(design)) == []


def test_a_log_archive_guarded_where_it_sits_gets_no_second_guardrail() -> None:
    b = log_archive_design()
    protected = with_generated(b.build())
    guard = next(p for p in protected.service_control_policies if p.name == "GeneratedGuardrails")
    own = {
        "Version": "2012-10-17",
        "Statement": [
            statement(guard.document or {}, "ProtectLogBuckets"),
            statement(guard.document or {}, "ProtectLogKeys"),
        ],
    }
    b.scp("ProtectLogArchive", own)
    b.design.organizational_units = [
        u.model_copy(update={"scps": [b.id("ProtectLogArchive")]}) if u.name == "Security" else u
        for u in b.design.organizational_units
    ]
    design = b.build()
    assert scp10(design) == []
    generated = [s for s in build_policies(design).scps if s.generated]
    sids = {s["Sid"] for scp in generated for s in scp.document["Statement"]}
    assert not sids & {"ProtectLogBuckets", "ProtectLogKeys"}


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_exported_scps_name_the_chosen_partition(tmp_path: Path, partition: str) -> None:
    design = log_archive_design().build()
    export_design(design, tmp_path, ["policies"], partition=partition)
    folder = tmp_path / "policies" / "scps"
    text = (folder / "generatedguardrails.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert "${" not in text
    assert f"arn:{partition}:s3:::org-trail-logs" in text
    exception = statement(document, "ProtectCloudTrail")["Condition"]["ArnNotLike"]
    assert exception["aws:PrincipalARN"] == [
        f"arn:{partition}:iam::*:role/OrganizationAccountAccessRole",
        f"arn:{partition}:iam::*:role/stacksets-exec-*",
    ]
    root = statement(document, "DenyRootUser")["Condition"]["ArnLike"]
    assert root == {"aws:PrincipalARN": f"arn:{partition}:iam::*:root"}
    others = [p for p in ("aws", "aws-us-gov", "aws-cn") if p != partition]
    assert not any(f"arn:{p}:" in text for p in others)


def test_the_bundled_landing_zone_guards_its_log_archive_where_it_sits() -> None:
    design = load_template("reference-landing-zone")
    policy = next(p for p in design.service_control_policies if p.name == "ProtectLogArchive")
    archive = next(a for a in design.accounts if a.name == "Log Archive")
    security = next(u for u in design.organizational_units if u.id == archive.parent)
    assert policy.id in security.scps
    assert policy.id not in design.organization.root_scps  # the root is full (5 SCPs)
    names = {s["Resource"][0] for s in (policy.document or {})["Statement"]}
    assert f"arn:{PARTITION}:s3:::{design.log_buckets[0].name}" in names
    assert scp10(design) == []


def test_region_restriction_spares_the_documented_global_services() -> None:
    """The NotAction of AWS Organizations' example "Deny access to AWS based on the requested
    AWS Region" (orgs_manage_policies_scps_examples_general.html), all spared."""
    documented = {
        "a4b:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*", "aws-portal:*",
        "budgets:*", "ce:*", "chime:*", "cloudfront:*", "config:*", "cur:*", "directconnect:*",
        "ec2:DescribeRegions", "ec2:DescribeTransitGateways", "ec2:DescribeVpnGateways",
        "fms:*", "globalaccelerator:*", "health:*", "iam:*", "importexport:*", "kms:*",
        "mobileanalytics:*", "networkmanager:*", "organizations:*", "pricing:*", "route53:*",
        "route53domains:*", "route53-recovery-cluster:*", "route53-recovery-control-config:*",
        "route53-recovery-readiness:*", "s3:GetAccountPublic*", "s3:ListAllMyBuckets",
        "s3:ListMultiRegionAccessPoints", "s3:PutAccountPublic*", "shield:*", "sts:*",
        "support:*", "trustedadvisor:*", "waf-regional:*", "waf:*", "wafv2:*",
        "wellarchitected:*",
    }  # fmt: skip
    assert documented <= set(GLOBAL_SERVICES)
    assert len(GLOBAL_SERVICES) == len(set(GLOBAL_SERVICES))


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov"])
def test_an_scp_read_from_aws_matches_the_designed_one_in_any_partition(partition: str) -> None:
    """The design writes ARNs with the partition token; an organization read back from AWS
    (import, rehearsal) names the partition: the diff sees the same document."""
    planned = load_template("reference-landing-zone")
    live = planned.model_copy(deep=True)
    live.service_control_policies = [
        p.model_copy(update={"document": plain(p.document, partition)})
        for p in live.service_control_policies
    ]
    assert any("${" in json.dumps(p.document) for p in planned.service_control_policies)
    assert not diff_designs(planned, live).entries
    changed = live.model_copy(deep=True)  # a real change is still seen
    region = next(p for p in changed.service_control_policies if p.name == "RegionRestriction")
    document = json.loads(json.dumps(region.document).replace("eu-west-1", "us-east-1"))
    changed.service_control_policies = [
        p.model_copy(update={"document": document}) if p.id == region.id else p
        for p in changed.service_control_policies
    ]
    assert [e.changes[0].field for e in diff_designs(planned, changed).entries] == ["document"]


def test_a_log_key_named_by_an_alias_arn_is_guarded_in_the_account_the_arn_names() -> None:
    from designer.artefacts.policy_set import log_resources

    design = load_template("reference-landing-zone")
    tooling = next(a for a in design.accounts if a.name == "Security Tooling")
    alias = f"arn:aws:kms:eu-west-1:{tooling.aws_account_id}:alias/cloudtrail-logs"
    design.log_buckets = [
        b.model_copy(update={"kms_key": alias}) if "cloudtrail" in b.name else b
        for b in design.log_buckets
    ]
    trail = next(r for r in log_resources(design) if "cloudtrail" in r.bucket.name)
    assert plain(trail.key_arn) == f"arn:aws:kms:eu-west-1:{tooling.aws_account_id}:key/*"
