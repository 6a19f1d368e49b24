"""LOG-13 and LOG-14: log bucket and key policies within the S3 and KMS size limits, measured on
the documents the exports write (designer.artefacts.policy_set)."""

from __future__ import annotations

import pytest

from benchmarks.synthetic import sid, synthetic_design
from designer.artefacts.policy_documents import size
from designer.artefacts.policy_set import MAX_BUCKET_POLICY, MAX_KEY_POLICY, log_policies
from designer.model import Design, LogDeliveryRelationship
from designer.model.templates import load_template, template_paths
from designer.rules import validate
from designer.rules.engine import REGISTRY
from designer.rules.registry import all_rules

QUOTA_RULES = ("LOG-13", "LOG-14")


def with_ids(design: Design) -> Design:
    """Every account with an id, so every source is written into the policies."""
    accounts = [
        a.model_copy(update={"aws_account_id": f"{100000000000 + n}"})
        for n, a in enumerate(design.accounts)
    ]
    return design.model_copy(update={"accounts": accounts})


def account_by_account(accounts: int) -> Design:
    """The flaw: account trails and VPC flow logs of every workload account (the Workloads OU)
    into the one trail bucket, instead of the organization trail."""
    design = with_ids(synthetic_design(accounts))
    flawed = LogDeliveryRelationship(
        id=sid("rel", "workload-trails"),
        source=sid("ou", "Workloads"),
        target=design.log_buckets[0].account,
        log_types=["cloudtrail", "vpc-flow-logs"],
        bucket=design.log_buckets[0].id,
        purpose="Account trails and flow logs of every workload",
    )
    return design.model_copy(update={"relationships": [*design.relationships, flawed]})


def findings(design: Design, rule_id: str) -> list[str]:
    all_rules()
    return [f.message for f in validate(design, rules=[REGISTRY[rule_id]]).findings]


def test_many_accounts_delivering_one_by_one_pass_the_bucket_policy_limit() -> None:
    design = account_by_account(60)
    (bucket, *_) = log_policies(design)[0]
    assert size(bucket.bucket_policy) > MAX_BUCKET_POLICY
    (message,) = findings(design, "LOG-13")
    assert "'synthetic-org-trail'" in message
    assert f"{size(bucket.bucket_policy):,} bytes" in message
    assert "20,480" in message


def test_many_account_trails_pass_the_key_policy_limit() -> None:
    design = account_by_account(200)
    (key,) = log_policies(design)[1]
    assert size(key.policy) > MAX_KEY_POLICY
    (message,) = findings(design, "LOG-14")
    assert "alias/logs" in message
    assert f"{size(key.policy):,} bytes" in message
    assert "32,768" in message


@pytest.mark.parametrize("accounts", [33, 200])
def test_config_of_every_account_stays_small(accounts: int) -> None:
    """AWS Config is admitted once for the organization: 33 accounts once made 27,714 bytes."""
    design = with_ids(synthetic_design(accounts))
    config = next(b for b in log_policies(design)[0] if b.bucket.name == "synthetic-org-config")
    assert size(config.bucket_policy) < 2_000
    assert findings(design, "LOG-13") == findings(design, "LOG-14") == []


@pytest.mark.parametrize("name", sorted(template_paths()))
def test_bundled_templates_are_within_the_limits(name: str) -> None:
    design = load_template(name)
    assert findings(design, "LOG-13") == findings(design, "LOG-14") == []


def test_quota_rule_ids_are_unique() -> None:
    ids = [r.id for r in all_rules()]
    assert len(ids) == len(set(ids))
    assert set(QUOTA_RULES) <= set(ids)
