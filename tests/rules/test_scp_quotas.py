"""ORG-08 measures the SCPs the export would attach (FullAWSAccess and the generated guardrails
included) and the documents it would write, so a design over a quota is a validation finding
before it is an export error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from designer.artefacts.policy_set import build_policies
from designer.model.errors import DesignError
from tests.rules.builder import Builder, messages, run_rule


def _deny(action: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}],
    }


def _four_at_the_root(full_access_listed: bool) -> Builder:
    """Four custom SCPs at the root, and no document that gives the usage policy's guardrails:
    the export adds GeneratedGuardrails there."""
    b = Builder()
    b.ou("Workloads")
    b.account("Prod", parent="Workloads")
    names = [f"Custom{n}" for n in range(4)]
    for n, name in enumerate(names):
        b.scp(name, _deny(f"s3:DeleteBucket{n}"))
    if full_access_listed:
        b.scp("FullAWSAccess", aws_managed=True)
        names.insert(0, "FullAWSAccess")
    b.attach_root(*names)
    return b


@pytest.mark.parametrize("full_access_listed", [True, False])
def test_generated_guardrails_and_full_access_count_towards_the_root(
    full_access_listed: bool,
) -> None:
    b = _four_at_the_root(full_access_listed)
    design = b.build()
    found = run_rule(design, "ORG-08")
    expected = (
        "the root would have 6 SCPs attached with the generated guardrails (FullAWSAccess, "
        "Custom0, Custom1, Custom2, Custom3, GeneratedGuardrails), over the quota of 5 per target"
    )
    assert [f.message for f in found] == [expected]
    assert found[0].subjects[0] == b.id("org")
    # The export refuses the same design with the same words: one measure for both.
    with pytest.raises(DesignError) as caught:
        build_policies(design)
    assert str(caught.value).startswith(expected)


def test_full_access_counts_on_an_ou_that_does_not_list_it() -> None:
    b = Builder()
    names = [f"Custom{n}" for n in range(5)]
    for n, name in enumerate(names):
        b.scp(name, _deny(f"s3:DeleteBucket{n}"))
    b.ou("Workloads", scps=tuple(names))  # five attached directly: AWS adds no sixth itself...
    b.account("Prod", parent="Workloads")
    found = run_rule(b.build(), "ORG-08")
    # ...but FullAWSAccess must stay attached to every OU of a deny-list design.
    assert [f.message for f in found] == [
        "OU 'Workloads' would have 6 SCPs attached (FullAWSAccess, Custom0, Custom1, Custom2, "
        "Custom3, Custom4), over the quota of 5 per target"
    ]
    assert found[0].subjects == (b.id("Workloads"), *(b.id(n) for n in names))


def test_an_scp_over_the_size_quota_is_named_with_its_size() -> None:
    b = Builder()
    b.account("Prod")
    actions = [f"s3:DeleteBucketNumber{n:04d}" for n in range(300)]
    huge = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": actions}]}
    b.scp("Huge", huge)
    b.attach_root("Huge")
    found = run_rule(b.build(), "ORG-08")
    length = len(json.dumps(huge, separators=(",", ":")))  # AWS counts without whitespace
    assert length > 5120
    assert [f.message for f in found] == [f"SCP 'Huge' is {length:,} characters long (quota 5,120)"]
    assert found[0].subjects == (b.id("Huge"),)


def test_moving_scps_below_the_root_fits_and_exports() -> None:
    b = _four_at_the_root(full_access_listed=True)
    b.design.organization = b.design.organization.model_copy(
        update={"root_scps": [b.id("FullAWSAccess"), b.id("Custom0"), b.id("Custom1")]}
    )
    b.design.organizational_units[0] = b.design.organizational_units[0].model_copy(
        update={"scps": [b.id("Custom2"), b.id("Custom3")]}
    )
    design = b.build()
    assert messages(design, "ORG-08") == []
    attachments = build_policies(design).attachments
    assert attachments[0].policies == [
        "FullAWSAccess",
        "Custom0",
        "Custom1",
        "GeneratedGuardrails",
    ]
    assert all(len(a.policies) <= 5 for a in attachments)
