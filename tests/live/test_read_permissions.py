"""What the import reads from a role's policies and a RAM share, with the exports' own tables:
an export's access levels, Identity Center trusts and shared resources come back as designed."""

from __future__ import annotations

from typing import Any

import pytest

from designer.artefacts.identity_center import reserved_role_resource
from designer.artefacts.managed_policies import LEVEL_POLICIES, SERVICE_FULL_ACCESS
from designer.live.build import build_design
from designer.live.policy import access
from designer.live.read_account import Role
from designer.live.read_shares import _ram
from designer.model.vocabulary import AccessLevel
from tests.live.test_build import LOGS, MGMT, trust_of


def role(*policies: str, inline: list[str] | None = None, partition: str = "aws") -> Role:
    managed = [f"arn:{partition}:iam::aws:policy/{p}" for p in policies]
    documents = []
    if inline:
        statement = {"Effect": "Allow", "Action": inline, "Resource": "*"}
        documents.append({"Version": "2012-10-17", "Statement": [statement]})
    return Role("R", "/", {}, managed, documents)


@pytest.mark.parametrize("service", sorted(SERVICE_FULL_ACCESS))
def test_every_service_full_access_policy_reads_as_that_service(service: str) -> None:
    level, services, custom = access(role(SERVICE_FULL_ACCESS[service]))
    if service == "iam":  # IAMFullAccess alone is the iam-admin level
        assert (level, services) == (AccessLevel.IAM_ADMIN, [])
    else:
        assert (level, services, custom) == (AccessLevel.SERVICE_ADMIN, [service], [])


def test_service_policies_an_inline_fold_and_other_partitions_read_as_services() -> None:
    found = access(
        role("AmazonEC2FullAccess", "AmazonRDSFullAccess", "IAMFullAccess", partition="aws-cn")
    )
    assert found == (AccessLevel.SERVICE_ADMIN, ["ec2", "iam", "rds"], [])
    # past IAM's 10 managed policies the exporter folds the rest into ServiceAdministration
    folded = access(role("AmazonS3FullAccess", inline=["athena:*", "glue:*"]))
    assert folded == (AccessLevel.SERVICE_ADMIN, ["athena", "glue", "s3"], [])


def test_levels_read_from_the_level_table_and_anything_else_is_custom() -> None:
    for level, name in LEVEL_POLICIES.items():
        assert access(role(name))[0] == level
    assert access(role("job-function/ViewOnlyAccess"))[0] == AccessLevel.READ_ONLY
    mine = "arn:aws:iam::111111111111:policy/Mine"
    custom = Role("R", "/", {}, [mine, "arn:aws:iam::aws:policy/AmazonEC2FullAccess"], [])
    assert access(custom) == (AccessLevel.CUSTOM, [], [mine])
    assert access(role("PowerUserAccess"))[0] == AccessLevel.CUSTOM


def identity_center_trust(*patterns: str) -> Any:
    read = trust_of(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{MGMT}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnLike": {"aws:PrincipalArn": list(patterns)}},
        }
    )
    [trust] = [r for r in build_design(read, "Live").relationships if r.kind == "trust"]
    return trust


def test_an_identity_center_trust_reads_as_its_permission_set_role() -> None:
    arn = f"arn:aws:iam::{MGMT}:{reserved_role_resource('Workload_Admin')}"
    trust = identity_center_trust(arn)  # as the exports write it
    assert (trust.principal_scope, trust.principal_role_name) == ("role", "Workload_Admin")
    # another account's roles, or two permission sets, do not name one role: the account root
    assert identity_center_trust(arn.replace(MGMT, LOGS)).principal_role_name is None
    other = f"arn:aws:iam::{MGMT}:{reserved_role_resource('Auditor')}"
    assert identity_center_trust(arn, other).principal_role_name is None
    assert identity_center_trust(f"arn:aws:iam::{MGMT}:role/Ops*").principal_role_name is None


class FakeRam:
    """get_resource_shares / get_resource_share_associations as RAM answers them."""

    def __init__(self, shares: dict[str, list[str]]) -> None:
        self.shares = shares  # share name -> resource ARNs

    def get_paginator(self, operation: str) -> Any:
        ram = self

        class Pages:
            def paginate(self, **kwargs: Any) -> list[dict[str, Any]]:
                if operation == "get_resource_shares":
                    found = [{"name": n, "resourceShareArn": n} for n in ram.shares]
                    return [{"resourceShares": found}]
                [share] = kwargs["resourceShareArns"]
                principal = kwargs["associationType"] == "PRINCIPAL"
                entities = [LOGS] if principal else ram.shares[share]
                associations = [{"associatedEntity": e} for e in entities]
                return [{"resourceShareAssociations": associations}]

        return Pages()


def test_a_ram_share_is_read_as_the_resources_it_shares_not_its_own_name() -> None:
    rule = f"arn:aws:route53resolver:us-east-1:{MGMT}:resolver-rule/corp-example-com-forwarding"
    subnet = f"arn:aws:ec2:us-east-1:{MGMT}:subnet/subnet-0abc"
    shares = _ram(FakeRam({"route53resolver:ResolverRule of Net for Example": [rule, subnet]}))
    assert sorted((s.resource, s.ram_type) for s in shares) == [
        ("corp-example-com-forwarding", "route53resolver:ResolverRule"),
        ("subnet-0abc", "ec2:Subnet"),
    ]
