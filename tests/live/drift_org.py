"""A small live organization on moto's HTTP server for check-live, and the changes an
unattended check must notice between two imports.

Root (DenyLeave)
  Security:  Log Archive, Security Tooling
  Workloads (WorkloadGuard): Prod, Dev
  Sandbox
  Retired (empty)
Prod trusts Security Tooling (role SecurityAudit, no MFA); so do Dev (role Legacy) and Log
Archive (role Auditor).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.live.conftest import LiveOrg, _reset, place_accounts, trust

GUARD_BEFORE = {"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*"}
GUARD_AFTER = {"Effect": "Deny", "Action": ["ec2:RunInstances", "ec2:CreateVpc"], "Resource": "*"}


def _policy(statement: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture(scope="module")
def drift_org(moto_url: str) -> LiveOrg:
    """Built once per test module (a module uses this or another org, never both)."""
    _reset(moto_url)
    org = LiveOrg(moto_url)
    client = org.client("organizations")
    client.create_organization(FeatureSet="ALL")
    root = client.list_roots()["Roots"][0]["Id"]
    org.units["Root"] = root
    for name in ("Security", "Workloads", "Sandbox", "Retired"):
        unit = client.create_organizational_unit(ParentId=root, Name=name)
        org.units[f"Root/{name}"] = unit["OrganizationalUnit"]["Id"]
    place_accounts(
        org,
        (
            ("Log Archive", "Security"),
            ("Security Tooling", "Security"),
            ("Prod", "Workloads"),
            ("Dev", "Workloads"),
        ),
    )
    for name, target, statement in (
        ("DenyLeave", root, {"Effect": "Deny", "Action": "organizations:Leave*", "Resource": "*"}),
        ("WorkloadGuard", org.units["Root/Workloads"], GUARD_BEFORE),
    ):
        policy = client.create_policy(
            Name=name, Description=name, Type="SERVICE_CONTROL_POLICY", Content=_policy(statement)
        )["Policy"]["PolicySummary"]["Id"]
        client.attach_policy(PolicyId=policy, TargetId=target)
        org.policies[name] = policy
    role(org, "Prod", "SecurityAudit", "Security Tooling", "SecurityAudit")
    role(org, "Dev", "Legacy", "Security Tooling", "ReadOnlyAccess")
    role(org, "Log Archive", "Auditor", "Security Tooling", "SecurityAudit")
    return org


def role(org: LiveOrg, account: str, name: str, trusted: str, policy: str) -> None:
    """A role in `account` that `trusted` may assume, with an AWS managed policy."""
    iam = org.client("iam", account)
    principal = f"arn:aws:iam::{org.accounts[trusted]}:root"
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(principal))
    iam.attach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")


def plant_changes(org: LiveOrg) -> None:
    """What happens in the organization between two checks: an SCP is edited, a role is added
    and another deleted, an account is moved, an OU is deleted."""
    client = org.client("organizations")
    client.update_policy(PolicyId=org.policies["WorkloadGuard"], Content=_policy(GUARD_AFTER))
    role(org, "Prod", "Breakglass", "Dev", "AdministratorAccess")
    client.move_account(
        AccountId=org.accounts["Dev"],
        SourceParentId=org.units["Root/Workloads"],
        DestinationParentId=org.units["Root/Sandbox"],
    )
    client.delete_organizational_unit(OrganizationalUnitId=org.units.pop("Root/Retired"))
    iam = org.client("iam", "Log Archive")
    iam.detach_role_policy(RoleName="Auditor", PolicyArn="arn:aws:iam::aws:policy/SecurityAudit")
    iam.delete_role(RoleName="Auditor")
