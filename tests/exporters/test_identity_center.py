"""Trusting a role that IAM Identity Center creates from a permission set.

Identity Center names the role AWSReservedSSO_<set>_<suffix> under aws-reserved/sso.amazonaws.com/,
so no trust policy can name it in Principal: every export trusts the account and matches the path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from designer.model import Design
from exporters.base import export_design
from exporters.plan import build_plan
from tests.exporters.cfn_values import evaluate
from tests.rules.builder import Builder

PATTERN = "role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_{}_*"


def design() -> Design:
    b = Builder(organization_id="o-abc1234567")
    b.account("Identity", "identity", aws_account_id="444444444444")
    b.account("Prod", "workload", aws_account_id="555555555555")
    b.idp("Center", "identity-center")
    b.federation("Center", "Identity", "identity-center", mapped_roles=["Hub"],
                 permission_sets=["Operators"])  # fmt: skip
    for source_role, role in (("Hub", "HubAdmin"), ("Operators", "Ops"), ("Plain", "Other")):
        b.trust("Identity", "Prod", "administrator", role_name=role,
                principal_scope="role", principal_role_name=source_role,
                organization_scoped=True)  # fmt: skip
    return b.build()


PARTITION = {"AWS::Partition": "aws"}


def trust_statement(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if "TrustPolicy" in data:
        (statement,) = data["TrustPolicy"]["Statement"]
    else:
        (role,) = [r for r in data["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
        document = evaluate(role["Properties"]["AssumeRolePolicyDocument"], PARTITION)
        (statement,) = document["Statement"]
    return dict(statement)


def test_permission_set_roles_are_trusted_by_path_not_by_name(tmp_path: Path) -> None:
    export_design(design(), tmp_path, ["policies", "cloudformation"])
    for where in ("policies/roles/prod/{}.json", "cloudformation/stacksets/{}.json"):
        for role, permission_set in (("hubadmin", "Hub"), ("ops", "Operators")):
            statement = trust_statement(tmp_path / where.format(role))
            assert statement["Principal"] == {"AWS": "arn:aws:iam::444444444444:root"}
            pattern = "arn:aws:iam::444444444444:" + PATTERN.format(permission_set)
            assert statement["Condition"]["ArnLike"] == {"aws:PrincipalArn": pattern}
            assert statement["Condition"]["StringEquals"] == {"aws:PrincipalOrgID": "o-abc1234567"}
        # A role the design does not get from Identity Center is still named exactly.
        other = trust_statement(tmp_path / where.format("other"))
        assert other["Principal"] == {"AWS": "arn:aws:iam::444444444444:role/Plain"}
        assert "ArnLike" not in other["Condition"]
        assert other["Condition"]["StringEquals"] == {"aws:PrincipalOrgID": "o-abc1234567"}


def test_plan_puts_assume_policies_into_the_permission_sets() -> None:
    (step,) = [s for s in build_plan(design()) if s.id == "assume:identity"]
    assert "Attach them to the role Plain." in step.action
    assert "inline policy of permission sets Hub, Operators" in step.action
    assert "put-inline-policy-to-permission-set" in step.action
    assert step.verify == "aws iam list-policies --scope Local --only-attached"
