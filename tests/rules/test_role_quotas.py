"""IAM-19 / IAM-20: a role's trust policy length and managed policy count, measured on the
documents the exports write (designer.artefacts.policy_set)."""

from __future__ import annotations

import pytest

from designer.model import Design
from designer.model.templates import load_template, template_paths
from tests.rules.builder import Builder, messages


def _shared_role(trusted_accounts: int) -> Design:
    """Many accounts trusting one role name in Prod: one role, one statement per account."""
    b = Builder(organization_id="o-abc1234567")
    b.account("Prod", "workload", aws_account_id="555555555555")
    for n in range(trusted_accounts):
        b.account(f"Team {n}", "workload", aws_account_id=f"{600000000000 + n}")
        b.trust(
            f"Team {n}",
            "Prod",
            "read-only",
            role_name="Shared",
            organization_scoped=True,
            principal_scope="role",
            principal_role_name=f"TeamDeployer{n}",
        )
    return b.build()


def test_a_trust_policy_past_2048_characters_is_a_finding() -> None:
    found = messages(_shared_role(14), "IAM-19")
    assert len(found) == 1
    assert "'Shared'" in found[0]
    assert "2,048" in found[0]
    assert "Service Quotas" in found[0]
    assert "4,096" in found[0]
    assert "split the role" in messages(_shared_role(40), "IAM-19")[0]
    assert messages(_shared_role(3), "IAM-19") == []


def _custom(count: int) -> Design:
    b = Builder(organization_id="o-abc1234567")
    b.account("Central IT", "central-it", aws_account_id="333333333333")
    b.account("Prod", "workload", aws_account_id="555555555555")
    arns = [f"arn:aws:iam::555555555555:policy/Team{n}" for n in range(count)]
    b.trust("Central IT", "Prod", "custom", role_name="Ops", managed_policy_arns=arns)
    return b.build()


def test_more_managed_policies_than_a_role_takes_is_a_finding() -> None:
    found = messages(_custom(11), "IAM-20")
    assert len(found) == 1
    assert "11 managed policies" in found[0]
    assert "10" in found[0]
    assert "20" in found[0]
    assert messages(_custom(10), "IAM-20") == []


def test_service_policies_are_folded_rather_than_reported() -> None:
    b = Builder(organization_id="o-abc1234567")
    b.account("Central IT", "central-it", aws_account_id="333333333333")
    b.account("Prod", "workload", aws_account_id="555555555555")
    services = ["ec2", "rds", "s3", "lambda", "sns", "sqs", "dynamodb", "ecs", "ecr", "logs", "ssm"]
    b.trust("Central IT", "Prod", "service-admin", role_name="Ops", services=services)
    assert messages(b.build(), "IAM-20") == []


@pytest.mark.parametrize("name", sorted(template_paths()))
def test_bundled_templates_stay_within_the_role_quotas(name: str) -> None:
    design = load_template(name)
    assert messages(design, "IAM-19") == []
    assert messages(design, "IAM-20") == []


def test_a_role_deployed_to_an_ou_is_named_by_the_trust_that_deploys_it() -> None:
    b = Builder(organization_id="o-abc1234567")
    b.ou("Workloads")
    b.account("Identity", "identity", aws_account_id="333333333333")
    b.account("Prod", "workload", parent="Workloads", aws_account_id="555555555555")
    arns = [f"arn:aws:iam::555555555555:policy/Team{n}" for n in range(12)]
    rel = b.trust("Identity", "Workloads", "custom", role_name="PlatformOperator",
                  managed_policy_arns=arns)  # fmt: skip
    from tests.rules.builder import run_rule

    [found] = run_rule(b.build(), "IAM-20")
    assert found.subjects == (rel, b.id("Workloads"))  # the GUI highlights the trust too
