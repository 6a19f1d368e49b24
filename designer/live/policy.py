"""Reading IAM policy documents as AWS returns them: statements, principals, conditions, access.

Policies come in every shape IAM accepts (one value or a list, JSON booleans, any letter case
in condition keys); these helpers read them without assuming one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from designer.artefacts.managed_policies import (
    LEVEL_POLICIES,
    OUTSIDE_LEVEL_POLICIES,
    SERVICE_FULL_ACCESS,
)
from designer.live.read_account import Role
from designer.model.vocabulary import AccessLevel

# AWS managed full-access policy name -> the service it administers (the exports' one table)
SERVICE_OF_POLICY = {name: service for service, name in SERVICE_FULL_ACCESS.items()}
READ_ACTIONS = ("Get", "List", "Describe")
# Condition keys a trust relationship of the design states: the others narrow a trust in ways the
# design cannot show (aws:SourceIp, aws:PrincipalTag...).
SHOWN_CONDITIONS = frozenset(
    k.lower()
    for k in (
        "aws:MultiFactorAuthPresent",
        "sts:ExternalId",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
    )
)


def listed(value: Any) -> list[str]:
    """A policy value as a list of strings: one value, a list, or none (JSON true, numbers...)."""
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def assume_statements(trust: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The Allow statements of a trust policy that let a principal assume the role."""
    statements = trust.get("Statement", [])
    for statement in [statements] if isinstance(statements, dict) else statements:
        if not isinstance(statement, dict):
            continue
        actions = listed(statement.get("Action"))
        assumes = any(a in ("*", "sts:*") or a.startswith("sts:AssumeRole") for a in actions)
        if statement.get("Effect") == "Allow" and assumes:
            yield statement


def principals(statement: dict[str, Any]) -> dict[str, list[str]]:
    """Principal type (AWS, Service, Federated...) -> its values; "*" is {"AWS": ["*"]}."""
    principal = statement.get("Principal", {})
    if not isinstance(principal, dict):
        return {"AWS": listed(principal)}
    return {str(kind): listed(values) for kind, values in principal.items()}


def conditions_of(statement: dict[str, Any]) -> dict[str, Any]:
    conditions = statement.get("Condition")
    return conditions if isinstance(conditions, dict) else {}


def account_of_arn(arn: str) -> str | None:
    """The 12-digit account of an ARN (or of a bare account id), None for anything else."""
    if arn.isdigit() and len(arn) == 12:
        return arn
    parts = arn.split(":")
    if len(parts) >= 6 and parts[4].isdigit() and len(parts[4]) == 12:
        return parts[4]
    return None


def principal(entry: str) -> tuple[str | None, str | None]:
    """(account id, role name or None) of an AWS principal: an id, a root ARN or a role ARN."""
    account = account_of_arn(entry)
    if account is None or entry == account:
        return account, None
    resource = entry.split(":", 5)[5]
    if resource.startswith("role/"):
        return account, resource.split("/")[-1]
    return account, None


def _narrows(operator: str) -> bool:
    """Whether a condition operator admits only the values it names: StringEquals, ArnLike,
    ForAnyValue:StringLike... but not StringNotEquals (everyone else) nor ForAllValues (which
    also holds when the key is absent, e.g. for a principal outside every organization)."""
    lowered = operator.lower()
    return "not" not in lowered and not lowered.startswith("forallvalues")


def condition_values(
    conditions: dict[str, Any], key: str, narrowing: bool | None = None
) -> list[str]:
    """The values a condition key is tested against: by every operator (narrowing=None), by
    those that admit only what they name (True), or by the others (False)."""
    found: list[str] = []
    for operator, values in conditions.items():
        if not isinstance(values, dict):
            continue
        if narrowing is not None and _narrows(str(operator)) != narrowing:
            continue
        for name, value in values.items():
            if str(name).lower() == key.lower():
                found += listed(value)
    return found


def condition(conditions: dict[str, Any], key: str) -> str | None:
    """The first value of a condition key (lower case for aws:MultiFactorAuthPresent)."""
    values = condition_values(conditions, key)
    if not values:
        return None
    return values[0].lower() if key.startswith("aws:Multi") else values[0]


def unshown_conditions(conditions: dict[str, Any]) -> list[str]:
    """Condition keys of a statement that a trust relationship of the design cannot hold."""
    keys = {
        str(name)
        for values in conditions.values()
        if isinstance(values, dict)
        for name in values
        if str(name).lower() not in SHOWN_CONDITIONS
    }
    return sorted(keys)


def access(role: Role) -> tuple[AccessLevel, list[str], list[str]]:
    """Access level, services (service-admin) and policy ARNs (custom) from what is attached,
    read with the exports' own table (designer.artefacts.managed_policies): a level's policy
    (AdministratorAccess, IAMFullAccess, SecurityAudit, ReadOnlyAccess or ViewOnlyAccess), a
    service's full-access policy (AmazonEC2FullAccess -> ec2), "<service>:*" in an inline policy
    (the exporter folds service policies past IAM's quota into ServiceAdministration)."""
    names = {arn: _aws_managed_name(arn) for arn in role.managed}
    held = {n for n in names.values() if n is not None}
    if LEVEL_POLICIES[AccessLevel.ADMINISTRATOR] in held or _inline_actions(role) & {"*"}:
        return AccessLevel.ADMINISTRATOR, [], []
    iam_full = LEVEL_POLICIES[AccessLevel.IAM_ADMIN]
    services = {SERVICE_OF_POLICY[n] for n in held - {iam_full} if n in SERVICE_OF_POLICY}
    level_names = {*LEVEL_POLICIES.values(), *OUTSIDE_LEVEL_POLICIES.values()}
    others = sorted(
        arn
        for arn, name in names.items()
        if name is None or (name not in level_names and name not in SERVICE_OF_POLICY)
    )
    if others:
        return AccessLevel.CUSTOM, [], others
    writes = {a for a in _inline_actions(role) if not a.split(":")[-1].startswith(READ_ACTIONS)}
    inline = {a.split(":")[0].lower() for a in writes if ":" in a}
    services |= {x for x in inline if re.fullmatch(r"[a-z0-9-]{2,64}", x)}
    if iam_full in held and not services:
        return AccessLevel.IAM_ADMIN, [], []
    if iam_full in held:
        services.add(SERVICE_OF_POLICY[iam_full])
    if services or writes:
        return AccessLevel.SERVICE_ADMIN, sorted(services) or ["iam"], []
    if LEVEL_POLICIES[AccessLevel.SECURITY_AUDIT] in held:
        return AccessLevel.SECURITY_AUDIT, [], []
    return AccessLevel.READ_ONLY, [], []


def grants_nothing(role: Role) -> bool:
    """No managed policy attached and no inline statement allowing anything: assuming the role
    gives no access at all, which no access level of the design says (read-only would be a
    value invented for it)."""
    return not role.managed and not _inline_actions(role)


def _aws_managed_name(arn: str) -> str | None:
    """ "AmazonEC2FullAccess" of arn:<partition>:iam::aws:policy/AmazonEC2FullAccess (and
    "job-function/ViewOnlyAccess"), None for a customer managed policy."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[4] != "aws" or not parts[5].startswith("policy/"):
        return None
    return parts[5][len("policy/") :]


def _inline_actions(role: Role) -> set[str]:
    actions: set[str] = set()
    for document in role.inline:
        statements = document.get("Statement", [])
        for statement in [statements] if isinstance(statements, dict) else statements:
            if isinstance(statement, dict) and statement.get("Effect") == "Allow":
                actions |= set(listed(statement.get("Action")))
    return actions
