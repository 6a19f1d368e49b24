"""What the import reads from AWS, as plain records (no design types yet).

The organization comes from the management account; each member account is read through an
assumed role. Every call is a List, Describe or Get (designer.live.guard enforces it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from designer.live.aws import Sessions, pages


@dataclass
class OrgUnit:
    id: str
    name: str
    parent: str  # the AWS id of the parent OU or root


@dataclass
class OrgAccount:
    id: str
    name: str
    email: str
    state: str  # ACTIVE, SUSPENDED, PENDING_CLOSURE
    parent: str
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class OrgPolicy:
    id: str
    name: str
    description: str
    content: dict[str, Any]
    aws_managed: bool
    targets: list[str]  # AWS ids of the root, OUs and accounts it is attached to


@dataclass
class Organization:
    id: str
    management_id: str
    feature_set: str
    root_id: str
    units: list[OrgUnit] = field(default_factory=list)
    accounts: list[OrgAccount] = field(default_factory=list)
    policies: list[OrgPolicy] = field(default_factory=list)
    delegated: dict[str, list[str]] = field(default_factory=dict)  # account id -> principals


def read_organization(sessions: Sessions) -> Organization:
    """The organization tree, its SCPs and delegated administrators, from the management account."""
    org = sessions.client(None, "organizations")
    described = org.describe_organization()["Organization"]
    root = org.list_roots()["Roots"][0]["Id"]
    result = Organization(
        described["Id"], described["MasterAccountId"], described["FeatureSet"], root
    )
    queue = [root]
    while queue:  # breadth first: parents before children
        parent = queue.pop(0)
        for unit in pages(
            org, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent
        ):
            result.units.append(OrgUnit(unit["Id"], unit["Name"], parent))
            queue.append(unit["Id"])
        for account in pages(org, "list_accounts_for_parent", "Accounts", ParentId=parent):
            state = account.get("State") or account.get("Status", "ACTIVE")
            result.accounts.append(
                OrgAccount(account["Id"], account["Name"], account["Email"], state, parent)
            )
    for account in result.accounts:
        tags = pages(org, "list_tags_for_resource", "Tags", ResourceId=account.id)
        account.tags = {t["Key"]: t["Value"] for t in tags}
    result.policies = _policies(org)
    result.delegated = _delegated(org)
    return result


def _policies(org: Any) -> list[OrgPolicy]:
    found = []
    for summary in pages(org, "list_policies", "Policies", Filter="SERVICE_CONTROL_POLICY"):
        policy = org.describe_policy(PolicyId=summary["Id"])["Policy"]
        targets = pages(org, "list_targets_for_policy", "Targets", PolicyId=summary["Id"])
        found.append(
            OrgPolicy(
                summary["Id"],
                summary["Name"],
                summary.get("Description", ""),
                json.loads(policy["Content"]),
                bool(summary.get("AwsManaged")),
                [t["TargetId"] for t in targets],
            )
        )
    return found


def _delegated(org: Any) -> dict[str, list[str]]:
    delegated: dict[str, list[str]] = {}
    try:
        admins = pages(org, "list_delegated_administrators", "DelegatedAdministrators")
    except ClientError:
        return delegated  # not enabled: nothing delegated
    for admin in admins:
        services = pages(
            org, "list_delegated_services_for_account", "DelegatedServices", AccountId=admin["Id"]
        )
        delegated[admin["Id"]] = sorted(s["ServicePrincipal"] for s in services)
    return delegated
