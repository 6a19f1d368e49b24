"""iam-config.yaml into the design: roleSets as trusts (scoped by OU deploymentTargets),
SAML providers, Identity Center with its permission sets and assignments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from designer.engines.lza import IAM_FILE
from designer.engines.lza.fields import (
    At,
    flag,
    mapping,
    number,
    optional_text,
    required,
    sequence,
    text,
    texts,
)
from designer.engines.lza.replacements import ACCOUNT_LOOKUP
from designer.engines.lza.state import State
from designer.engines.lza.write_iam import MAPPED_ROLE_SUFFIX
from designer.live.policy import access
from designer.live.read_account import Role
from designer.model.ids import stable_id
from designer.model.nodes import IdentityProvider
from designer.model.relationships import FederationRelationship, TrustRelationship
from designer.model.vocabulary import (
    FederationProtocol,
    IdentityProviderKind,
    OutsideKind,
    PrincipalScope,
    PrincipalType,
)

_ARN = re.compile(r"^arn:[a-z-]+:iam::([^:]*):(.+)$")
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")


@dataclass(frozen=True)
class Targets:
    """Where a role set deploys: accounts, OUs (the organization id for Root), exclusions."""

    ends: list[str]
    excluded: list[str]


@dataclass(frozen=True)
class Principal:
    source: str  # design id
    role: str | None = None  # principal_scope role
    provider: bool = False


def targets(state: State, value: Any, at: At) -> Targets:
    entry = mapping(value, at)
    ends = []
    for j, path in enumerate(texts(entry.get("organizationalUnits"), at / "organizationalUnits")):
        ends.append(state.unit(path, at / "organizationalUnits" / j) or state.organization_id)
    for j, name in enumerate(texts(entry.get("accounts"), at / "accounts")):
        ends.append(state.account(name, at / "accounts" / j).id)
    excluded = [
        state.account(name, at / "excludedAccounts" / j).id
        for j, name in enumerate(texts(entry.get("excludedAccounts"), at / "excludedAccounts"))
    ]
    if entry.get("excludedRegions"):
        state.report.gap((at / "excludedRegions").label, "the design deploys roles in every Region")
    return Targets(list(dict.fromkeys(ends)), excluded)


# -- policies ---------------------------------------------------------------------------------
def _policy_sets(state: State, data: dict[str, Any]) -> None:
    at = At(IAM_FILE) / "policySets"
    for i, item in enumerate(sequence(data.get("policySets"), at)):
        entry = mapping(item, at / i)
        for j, policy in enumerate(
            sequence(required(entry, "policies", at / i), at / i / "policies")
        ):
            here = at / i / "policies" / j
            fields = mapping(policy, here)
            name = text(required(fields, "name", here), here / "name")
            path = text(required(fields, "policy", here), here / "policy")
            state.policies[name] = state.document(path, here / "policy")


def _managed_arn(name: str) -> str:
    return name if name.startswith("arn:") else f"arn:aws:iam::aws:policy/{name}"


def _permissions(state: State, role: dict[str, Any], at: At) -> Role:
    """The role's attached policies as the live importer reads them (designer.live.policy)."""
    policies = mapping(role.get("policies"), at / "policies")
    managed = [
        _managed_arn(n) for n in texts(policies.get("awsManaged"), at / "policies" / "awsManaged")
    ]
    inline = []
    customer = texts(policies.get("customerManaged"), at / "policies" / "customerManaged")
    for j, name in enumerate(customer):
        if name in state.policies:
            inline.append(state.policies[name])
        else:
            where = (at / "policies" / "customerManaged" / j).label
            state.report.gap(where, f"customer managed policy {name} is in no policySet: left out")
    if role.get("boundaryPolicy") is not None:
        state.report.gap((at / "boundaryPolicy").label, "permissions boundaries are not modelled")
    return Role(name=str(role.get("name")), path="/", trust={}, managed=managed, inline=inline)


# -- principals -------------------------------------------------------------------------------
def _account_principal(state: State, value: str, at: At, role: str | None) -> Principal:
    if _ACCOUNT_ID.match(value):
        member = next((a for a in state.accounts.values() if a.aws_account_id == value), None)
        if member is not None:
            return Principal(member.id, role)
        return Principal(state.outside_principal(OutsideKind.EXTERNAL_ACCOUNT, value).id, role)
    return Principal(state.account(value, at).id, role)


def _arn_principal(state: State, value: str, at: At) -> Principal | None:
    match = _ARN.match(value)
    if match is None:
        raise at.error(f"not an IAM principal ARN: {value!r}")
    account, resource = match.groups()
    lookup = ACCOUNT_LOOKUP.fullmatch(account)
    if lookup is not None:
        account = lookup.group(2)
    elif not _ACCOUNT_ID.match(account):
        state.report.gap(at.label, f"principal {value} names no account")
        return None
    if resource == "root":
        return _account_principal(state, account, at, None)
    if resource.startswith("role/"):
        return _account_principal(state, account, at, resource.rsplit("/", 1)[-1])
    state.report.gap(at.label, f"principal {value}: only roles and account roots are modelled")
    return None


def principal(state: State, value: Any, at: At) -> Principal | None:
    entry = mapping(value, at)
    kind = text(required(entry, "type", at), at / "type")
    who = text(required(entry, "principal", at), at / "principal")
    if kind == "account" and who.startswith("arn:"):  # an account's root (or role) ARN
        return _arn_principal(state, who, at / "principal")
    if kind == "account":
        return _account_principal(state, who, at / "principal", None)
    if kind == "service":
        if not re.fullmatch(r"[a-z0-9.-]+\.amazonaws\.com", who):
            state.report.gap(at.label, f"service principal {who} is not an AWS service")
            return None
        return Principal(state.outside_principal(OutsideKind.SERVICE, who).id)
    if kind == "principalArn":
        return _arn_principal(state, who, at / "principal")
    if kind == "provider":
        if who not in state.providers:
            raise (at / "principal").error(f"unknown provider {who!r} (not in providers)")
        return Principal(state.providers[who].id, provider=True)
    raise (at / "type").error(
        f"expected account, service, principalArn or provider, found {kind!r}"
    )


# -- roles ------------------------------------------------------------------------------------
def _trust(
    state: State, role: dict[str, Any], who: Principal, end: str, where: Targets, at: At
) -> None:
    permissions = _permissions(state, role, at)
    level, services, arns = access(permissions)
    external = [
        text(v, at / "externalIds" / k)
        for k, v in enumerate(sequence(role.get("externalIds"), at / "externalIds"))
    ]
    if len(external) > 1:
        state.report.gap((at / "externalIds").label, "the design keeps one external id per trust")
    scoped = end not in {a.id for a in state.accounts.values()}
    outside = who.source in {p.id for p in state.outside.values()}
    fields: dict[str, Any] = {
        "id": stable_id("lza", "trust", at.label, who.source, end, who.role or ""),
        "source": who.source,
        "target": end,
        "role_name": permissions.name,
        "access_level": level,
        "services": services,
        "managed_policy_arns": arns,
        "external_id": external[0] if external else None,
        "excluded_accounts": _excluded(state, who, where) if scoped else [],
        "max_session_duration": number(role, "maxSessionDuration", at) or 3600,
        "principal_type": PrincipalType.WORKLOAD if outside else PrincipalType.HUMAN,
    }
    if who.role is not None:
        fields |= {"principal_scope": PrincipalScope.ROLE, "principal_role_name": who.role}
    try:
        state.relationships.append(TrustRelationship.model_validate(fields))
    except ValidationError as exc:
        raise at.error(f"not a role the design can hold: {exc.errors()[0]['msg']}") from None


def _excluded(state: State, who: Principal, where: Targets) -> list[str]:
    """The excluded accounts the design does not imply: a role deployed to a scope lands
    neither in the management account nor in the trusted account itself (designer.core.scope),
    so the writer lists those two for LZA, which deploys to every account of the OU."""
    implied = {state.management, who.source}
    return [a for a in where.excluded if a not in implied]


def _federated(state: State, who: Principal, end: str, role: str) -> None:
    """A role a SAML provider's users take, with no permissions of its own: a mapped role."""
    for i, rel in enumerate(state.relationships):
        if rel.kind == "federation" and rel.source == who.source and rel.target == end:
            if role not in rel.mapped_roles:
                mapped = [*rel.mapped_roles, role]
                state.relationships[i] = rel.model_copy(update={"mapped_roles": mapped})
            return
    state.relationships.append(
        FederationRelationship(
            id=stable_id("lza", "federation", who.source, end),
            source=who.source,
            target=end,
            protocol=FederationProtocol.SAML,
            mapped_roles=[role],
        )
    )


def _role(state: State, role: dict[str, Any], where: Targets, at: At) -> None:
    name = text(required(role, "name", at), at / "name")
    if flag(role, "instanceProfile", at):
        state.report.gap(
            (at / "instanceProfile").label, f"role {name}: instance profiles are not modelled"
        )
    for k, value in enumerate(sequence(required(role, "assumedBy", at), at / "assumedBy")):
        who = principal(state, value, at / "assumedBy" / k)
        if who is None:
            continue
        if who.provider and not role.get("policies"):
            for account in _landing(state, where):
                _federated(state, who, account, name)
            continue
        for end in where.ends:
            if end == who.source:
                state.report.gap(
                    at.label, f"role {name}: a role trusting its own account is not modelled"
                )
            else:
                _trust(state, role, who, end, where, at)


def _landing(state: State, where: Targets) -> list[str]:
    """The accounts of the deployment targets (a federation's end is one account)."""
    found = [a for end in where.ends for a in state.accounts_in(end, where.excluded)]
    return list(dict.fromkeys(found))


def _role_sets(state: State, data: dict[str, Any]) -> None:
    at = At(IAM_FILE) / "roleSets"
    for i, item in enumerate(sequence(data.get("roleSets"), at)):
        entry = mapping(item, at / i)
        where = targets(
            state, required(entry, "deploymentTargets", at / i), at / i / "deploymentTargets"
        )
        for j, role in enumerate(sequence(required(entry, "roles", at / i), at / i / "roles")):
            _role(state, mapping(role, at / i / "roles" / j), where, at / i / "roles" / j)


# -- providers and Identity Center -------------------------------------------------------------
def _providers(state: State, data: dict[str, Any]) -> None:
    at = At(IAM_FILE) / "providers"
    for i, item in enumerate(sequence(data.get("providers"), at)):
        entry = mapping(item, at / i)
        name = text(required(entry, "name", at / i), at / i / "name")
        required(entry, "metadataDocument", at / i)
        state.providers[name] = IdentityProvider(
            id=stable_id("lza", "provider", name), name=name, kind=IdentityProviderKind.SAML
        )


def _identity_center(state: State, data: dict[str, Any]) -> None:
    at = At(IAM_FILE) / "identityCenter"
    if data.get("identityCenter") is None:
        return
    entry = mapping(data["identityCenter"], at)
    name = text(required(entry, "name", at), at / "name")
    admin = optional_text(entry, "delegatedAdminAccount", at)
    home = state.account(admin, at / "delegatedAdminAccount").id if admin else None
    center = IdentityProvider(
        id=stable_id("lza", "identity-center", name),
        name=name,
        kind=IdentityProviderKind.IDENTITY_CENTER,
        home_account=home,
    )
    state.providers[f"identityCenter:{name}"] = center
    sets_at = at / "identityCenterPermissionSets"
    known = set()
    for i, item in enumerate(sequence(entry.get("identityCenterPermissionSets"), sets_at)):
        known.add(
            text(required(mapping(item, sets_at / i), "name", sets_at / i), sets_at / i / "name")
        )
    _assignments(state, center, entry, known, at / "identityCenterAssignments")


def _assignments(
    state: State, center: IdentityProvider, entry: dict[str, Any], known: set[str], at: At
) -> None:
    found: dict[str, tuple[list[str], list[str]]] = {}  # target -> (permission sets, mapped)
    for i, item in enumerate(sequence(entry.get("identityCenterAssignments"), at)):
        here = at / i
        assignment = mapping(item, here)
        label = text(required(assignment, "name", here), here / "name")
        permission_set = text(
            required(assignment, "permissionSetName", here), here / "permissionSetName"
        )
        if permission_set not in known:
            raise (here / "permissionSetName").error(f"unknown permission set {permission_set!r}")
        if assignment.get("principals") or assignment.get("principalId"):
            state.report.gap(here.label, "Identity Center users and groups are not modelled")
        where = targets(
            state, required(assignment, "deploymentTargets", here), here / "deploymentTargets"
        )
        for end in _landing(state, where):
            sets, mapped = found.setdefault(end, ([], []))
            chosen = mapped if label.endswith(MAPPED_ROLE_SUFFIX) else sets
            if permission_set not in chosen:
                chosen.append(permission_set)
    for end, (sets, mapped) in found.items():
        state.relationships.append(
            FederationRelationship(
                id=stable_id("lza", "identity-center", center.id, end),
                source=center.id,
                target=end,
                protocol=FederationProtocol.IDENTITY_CENTER,
                permission_sets=sets,
                mapped_roles=mapped,
            )
        )


def read_iam(state: State, data: dict[str, Any]) -> None:
    _providers(state, data)
    _policy_sets(state, data)
    _role_sets(state, data)
    _identity_center(state, data)
    for key in ("groupSets", "userSets", "managedActiveDirectories"):
        if data.get(key):
            state.report.gap(At(IAM_FILE, (key,)).label, f"{key} are not modelled")
