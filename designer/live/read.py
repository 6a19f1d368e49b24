"""What the import reads from AWS, as plain records (no design types yet).

The organization comes from the management account; each member account is read through an
assumed role. Every call is a List, Describe or Get (designer.live.guard enforces it). Calls that
do not depend on each other (the OUs of one level, each account's tags, each policy, each
delegated administrator) run on the import's workers; results keep AWS's order, so the design
is the same whatever the number of workers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from designer.live.aws import UNEXPECTED, Sessions, failure, pages, unexpected
from designer.live.limiter import ImportCancelled
from designer.model.vocabulary import Unread

# The one answer of ListDelegatedAdministrators that means "nothing is delegated": the account
# is in no organization. Access denied or any other error leaves the delegations unknown.
NOT_IN_USE = "AWSOrganizationsNotInUseException"


class BadAnswer(Exception):
    """The organization's own answers are unusable (no organization, no root): nothing to read."""


@dataclass
class Gap:
    """Something the import could not read, and why."""

    account: str | None  # AWS account id, None for the organization
    what: str
    reason: str


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
    unread: set[Unread] = field(default_factory=set)  # TAGS when they could not be read


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
    gaps: list[Gap] = field(default_factory=list)
    unread: set[Unread] = field(default_factory=set)


def read_organization(sessions: Sessions) -> Organization:
    """The organization tree, its SCPs and delegated administrators, from the management account."""
    org = sessions.client(None, "organizations")
    described = _required(org.describe_organization(), "DescribeOrganization", "Organization")
    roots = _required(org.list_roots(), "ListRoots", "Roots")
    if not roots:
        raise BadAnswer("ListRoots: the organization has no root")
    result = Organization(
        _required(described, "DescribeOrganization", "Id"),
        _required(described, "DescribeOrganization", "MasterAccountId"),
        described.get("FeatureSet", "ALL"),
        _required(roots, "ListRoots", 0, "Id"),
    )
    _tree(sessions, org, result)
    sessions.each(lambda account: _tags(org, result, account), result.accounts)
    result.policies = _policies(sessions, org, result)
    result.delegated = _delegated(sessions, org, result)
    result.gaps.sort(key=lambda g: (g.account or "", g.what, g.reason))  # workers append
    return result


def _required(answer: Any, operation: str, *path: str | int) -> Any:
    """answer[path[0]][path[1]]...; BadAnswer naming the operation and what is missing."""
    value = answer
    try:
        for step in path:
            value = value[step]
    except (KeyError, IndexError, TypeError):
        missing = ".".join(str(step) for step in path)
        raise BadAnswer(f"{operation}: the answer has no {missing}") from None
    return value


def _tree(sessions: Sessions, org: Any, result: Organization) -> None:
    """Level by level, every parent of a level at once; an OU met twice is read once (a
    tree whose children repeat would otherwise be walked for ever)."""
    seen = {result.root_id}
    level = [result.root_id]
    while level:
        if sessions.stop.is_set():
            raise ImportCancelled
        found = sessions.each(lambda parent: _children(org, parent), level)
        next_level = []
        for parent, (units, accounts) in zip(level, found, strict=True):
            for unit in units:
                unit_id = _listed(result, unit, "organizational unit", parent)
                if unit_id is not None and unit_id not in seen:
                    seen.add(unit_id)
                    result.units.append(OrgUnit(unit_id, str(unit.get("Name", "")), parent))
                    next_level.append(unit_id)
            for account in accounts:
                account_id = _listed(result, account, "account", parent)
                if account_id is not None and account_id not in seen:
                    seen.add(account_id)
                    result.accounts.append(_account(account, parent))
        level = next_level


def _listed(result: Organization, item: Any, kind: str, parent: str) -> str | None:
    """The id of a listed OU or account; None (and a gap) when it has none."""
    if isinstance(item, dict) and isinstance(item.get("Id"), str) and item["Id"]:
        return str(item["Id"])
    result.gaps.append(Gap(None, f"{kind} under {parent}", "listed without an Id: not read"))
    return None


def _account(account: dict[str, Any], parent: str) -> OrgAccount:
    state = account.get("State") or account.get("Status", "ACTIVE")
    name, email = str(account.get("Name", "")), str(account.get("Email", ""))
    return OrgAccount(account["Id"], name, email, str(state), parent)


def _children(org: Any, parent: str) -> tuple[list[Any], list[Any]]:
    units = pages(
        org, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent
    )
    return units, pages(org, "list_accounts_for_parent", "Accounts", ParentId=parent)


def _tags(org: Any, result: Organization, account: OrgAccount) -> None:
    """The account's tags; a failed read is a gap and leaves its tags unknown."""
    try:
        tags = pages(org, "list_tags_for_resource", "Tags", ResourceId=account.id)
        account.tags = {t["Key"]: t["Value"] for t in tags}
    except (ClientError, BotoCoreError) as exc:
        _unread_tags(result, account, failure("organizations", exc))
    except UNEXPECTED as exc:
        _unread_tags(result, account, unexpected("organizations", exc))


def _unread_tags(result: Organization, account: OrgAccount, reason: str) -> None:
    account.tags = {}
    account.unread.add(Unread.TAGS)
    result.gaps.append(Gap(account.id, "tags", reason))


def _policies(sessions: Sessions, org: Any, result: Organization) -> list[OrgPolicy]:
    summaries = pages(org, "list_policies", "Policies", Filter="SERVICE_CONTROL_POLICY")
    found = sessions.each(lambda summary: _policy(org, result, summary), summaries)
    return [policy for policy in found if policy is not None]


def _policy(org: Any, result: Organization, summary: dict[str, Any]) -> OrgPolicy | None:
    """One SCP with its targets; None (and a gap) when its content is not a JSON document."""
    what = f"policy {summary.get('Name', '')} ({summary.get('Id', 'no id')})"
    try:
        content = org.describe_policy(PolicyId=summary["Id"])["Policy"]["Content"]
        targets = [
            t["TargetId"]
            for t in pages(org, "list_targets_for_policy", "Targets", PolicyId=summary["Id"])
        ]
    except UNEXPECTED as exc:
        result.gaps.append(Gap(None, what, unexpected("organizations", exc)))
        return None
    try:
        document = json.loads(content)
    except ValueError as exc:
        result.gaps.append(Gap(None, what, f"its content is not JSON: {exc}"))
        return None
    if not isinstance(document, dict):
        result.gaps.append(Gap(None, what, "its content is not a JSON policy document"))
        return None
    return OrgPolicy(
        summary["Id"],
        summary["Name"],
        summary.get("Description", ""),
        document,
        bool(summary.get("AwsManaged")),
        targets,
    )


def _delegated(sessions: Sessions, org: Any, result: Organization) -> dict[str, list[str]]:
    """Who administers which service; unread (and a gap) unless every list could be read."""
    try:
        admins = pages(org, "list_delegated_administrators", "DelegatedAdministrators")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == NOT_IN_USE:
            return {}
        return _unread_delegations(result, None, failure("organizations", exc))
    except BotoCoreError as exc:
        return _unread_delegations(result, None, failure("organizations", exc))
    except UNEXPECTED as exc:
        return _unread_delegations(result, None, unexpected("organizations", exc))
    ids = [admin["Id"] for admin in admins if isinstance(admin, dict) and "Id" in admin]
    if len(ids) != len(admins) or not all(isinstance(i, str) for i in ids):
        result.unread.add(Unread.DELEGATED_ADMINISTRATORS)
        result.gaps.append(Gap(None, "delegated administrators", "listed without an Id"))
        return {}
    services = sessions.each(lambda admin: _services(org, result, admin), ids)
    return {admin: listed for admin, listed in zip(ids, services, strict=True)}


def _services(org: Any, result: Organization, admin: str) -> list[str]:
    try:
        services = pages(
            org, "list_delegated_services_for_account", "DelegatedServices", AccountId=admin
        )
        return sorted(s["ServicePrincipal"] for s in services)
    except (ClientError, BotoCoreError) as exc:
        _unread_delegations(result, admin, failure("organizations", exc))
    except UNEXPECTED as exc:
        _unread_delegations(result, admin, unexpected("organizations", exc))
    return []


def _unread_delegations(
    result: Organization, admin: str | None, reason: str
) -> dict[str, list[str]]:
    result.unread.add(Unread.DELEGATED_ADMINISTRATORS)
    result.gaps.append(Gap(admin, "delegated administrators", reason))
    return {}
