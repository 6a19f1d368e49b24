"""iam-config.yaml into the design: roleSets as trusts, SAML providers, Identity Center with
its permission sets and assignments.

deploymentTargets are read as LZA deploys them (an OU entry: the accounts placed directly in
it; Root: every account, the management account included): a scoped trust only where every
nested OU is listed too, else one per account and a report entry. A role whose policies the
design cannot say exactly is custom with its AWS managed policies or left out, never given an
access level it does not have; every such case is reported."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from designer.artefacts.managed_policies import permission_set_policy
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
    unread_keys,
)
from designer.engines.lza.names import read_name_comments
from designer.engines.lza.replacements import ACCOUNT_LOOKUP
from designer.engines.lza.state import State
from designer.engines.lza.write_iam import MAPPED_ROLE_SUFFIX, rendered_policies
from designer.live.policy import access
from designer.live.read_account import Role
from designer.model.ids import stable_id
from designer.model.nodes import IdentityProvider
from designer.model.relationships import FederationRelationship, TrustRelationship
from designer.model.vocabulary import (
    AccessLevel,
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
    """Where a role set deploys, as LZA means it: `accounts` exactly (an OU entry is the
    accounts placed directly in it; Root every account, the management account included);
    `ends` the same as the design's ends (the organization, an OU standing for everything
    nested in it, an account); `excluded` what LZA leaves out (excludedAccounts, ignored OUs)."""

    ends: list[str]
    excluded: list[str]
    accounts: list[str]
    by_ou: bool = False  # an OU or Root entry: future accounts are covered too


@dataclass(frozen=True)
class Principal:
    source: str  # design id
    role: str | None = None  # principal_scope role
    provider: bool = False


def targets(state: State, value: Any, at: At) -> Targets:
    entry = mapping(value, at)
    ous_at = at / "organizationalUnits"
    listed: dict[str, At] = {}  # OU id -> where it is listed
    root = False
    for j, path in enumerate(texts(entry.get("organizationalUnits"), ous_at)):
        unit = state.unit(path, ous_at / j)
        if unit is None:
            root = True
        else:
            listed.setdefault(unit, ous_at / j)
    named = [
        state.account(name, at / "accounts" / j).id
        for j, name in enumerate(texts(entry.get("accounts"), at / "accounts"))
    ]
    excluded = [
        state.account(name, at / "excludedAccounts" / j).id
        for j, name in enumerate(texts(entry.get("excludedAccounts"), at / "excludedAccounts"))
    ]
    if entry.get("excludedRegions"):
        state.report.gap((at / "excludedRegions").label, "the design deploys roles in every Region")
    skipped = {*excluded, *state.ignored()}
    everyone = [a.id for a in state.accounts.values()]
    covered = everyone if root else [*state.in_units(set(listed)), *named]
    accounts = [a for a in dict.fromkeys(covered) if a not in skipped]
    ends = _ends(state, root, listed, named, accounts)
    exclusions = [a for a in everyone if a in skipped]
    return Targets(list(dict.fromkeys(ends)), exclusions, accounts, root or bool(listed))


def _ends(
    state: State, root: bool, listed: dict[str, At], named: list[str], accounts: list[str]
) -> list[str]:
    """The design's ends covering exactly `accounts`: an OU only when every OU nested in it
    is listed too (LZA would otherwise miss their accounts), else its own accounts one by one;
    the management account on its own (a scope of the design never includes it)."""
    full = {u for u in listed if state.below(u) <= set(listed)}
    parents = {u.id: u.parent for u in state.units.values()}
    ends = [state.organization_id] if root else []
    ends += [u for u in listed if u in full and parents.get(u) not in full]
    for unit, where in listed.items():
        if unit not in full and not root:
            state.report.gap(
                where.label,
                "an OU listed without every OU nested in it: LZA deploys only to the accounts "
                "placed directly in it; the design holds it for each of those accounts (an "
                "account added to the OU later is not covered)",
            )
            ends += [a for a in state.in_units({unit}) if a in accounts]
    if state.management in accounts:
        ends.append(state.management)
    return [*ends, *(a for a in named if a in accounts)]


# -- policies ---------------------------------------------------------------------------------
def _policy_sets(state: State, data: dict[str, Any]) -> None:
    at = At(IAM_FILE) / "policySets"
    for i, item in enumerate(sequence(data.get("policySets"), at)):
        entry = mapping(item, at / i)
        path = optional_text(entry, "path", at / i)
        if path not in (None, "/"):
            state.report.gap(
                (at / i / "path").label,
                f"the path {path} of these policies is not held by the design (their documents "
                "are kept in the roles that name them)",
            )
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
    return Role(name=str(role.get("name")), path="/", trust={}, managed=managed, inline=inline)


def _aws_managed_name(name: str) -> str:
    return re.sub(r"^arn:[a-z-]+:iam::aws:policy/", "", name)


def _service_actions(documents: list[dict[str, Any]]) -> list[str] | None:
    """The actions of plain Allow-everything-on-"*" statements (a service policy as the writer
    makes it), None when a document says anything more."""
    actions: list[str] = []
    for document in documents:
        statements = document.get("Statement")
        for statement in statements if isinstance(statements, list) else [statements]:
            if not isinstance(statement, dict) or set(statement) - {
                "Sid",
                "Effect",
                "Action",
                "Resource",
            }:
                return None
            if statement.get("Effect") != "Allow" or statement.get("Resource") not in ("*", ["*"]):
                return None
            listed = statement.get("Action")
            actions += listed if isinstance(listed, list) else [str(listed)]
    return actions


def _access(
    state: State, role: dict[str, Any], at: At, outside: bool
) -> tuple[AccessLevel, list[str], list[str]] | None:
    """The role's access as the design holds it, only when the design gives back exactly the
    policies read (write_iam.rendered_policies); else custom with its AWS managed policies, or
    (none) left out: a role is never given more than LZA gives it."""
    permissions = _permissions(state, role, at)
    name = permissions.name
    if role.get("boundaryPolicy") is not None:  # without it the role could do more: left out
        state.report.gap(
            (at / "boundaryPolicy").label,
            f"role {name}: permissions boundaries are not held by the design; left out",
        )
        return None
    level, services, arns = access(permissions)
    managed, actions = rendered_policies(level, services, arns, outside)
    read_managed = [_aws_managed_name(a) for a in permissions.managed]
    read_actions = _service_actions(permissions.inline)
    same_actions = read_actions is not None and sorted(read_actions) == sorted(actions)
    if (
        sorted(managed) == sorted(read_managed)
        and same_actions
        and permissions.managed + permissions.inline
    ):
        return level, services, arns
    if not permissions.managed:
        state.report.gap(
            at.label,
            f"role {name}: its policies (or none) are not what the design can say; left out "
            "rather than given an access level LZA does not give it",
        )
        return None
    if permissions.inline:
        state.report.gap(
            at.label,
            f"role {name}: its customer managed policies are not held by the design; kept "
            "with its AWS managed policies only (access level custom)",
        )
    return AccessLevel.CUSTOM, [], list(permissions.managed)


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
    outside = who.source in {p.id for p in state.outside.values()}
    found = _access(state, role, at, outside)
    if found is None:
        return
    level, services, arns = found
    external = [
        text(v, at / "externalIds" / k)
        for k, v in enumerate(sequence(role.get("externalIds"), at / "externalIds"))
    ]
    if len(external) > 1:
        state.report.gap((at / "externalIds").label, "the design keeps one external id per trust")
    scoped = end not in {a.id for a in state.accounts.values()}
    fields: dict[str, Any] = {
        "id": stable_id("lza", "trust", at.label, who.source, end, who.role or ""),
        "source": who.source,
        "target": end,
        "role_name": str(role.get("name")),
        "access_level": level,
        "services": services,
        "managed_policy_arns": arns,
        "external_id": external[0] if external else None,
        "excluded_accounts": _excluded(state, who, where, end) if scoped else [],
        "max_session_duration": number(role, "maxSessionDuration", at) or 3600,
        "principal_type": PrincipalType.WORKLOAD if outside else PrincipalType.HUMAN,
    }
    if who.role is not None:
        fields |= {"principal_scope": PrincipalScope.ROLE, "principal_role_name": who.role}
    try:
        state.relationships.append(TrustRelationship.model_validate(fields))
    except ValidationError as exc:
        raise at.error(f"not a role the design can hold: {exc.errors()[0]['msg']}") from None


def _members(state: State, end: str) -> set[str]:
    """The accounts a scope of the design reaches, the implied exclusions aside."""
    if end == state.organization_id:
        return {a.id for a in state.accounts.values()}
    return set(state.in_units({end, *state.below(end)}))


def _excluded(state: State, who: Principal, where: Targets, end: str) -> list[str]:
    """The excluded accounts of one scope the design does not imply: a role deployed to a
    scope lands neither in the management account nor in the trusted account itself
    (designer.core.scope), so the writer lists those two for LZA, which deploys to every
    account of the OU."""
    implied = {state.management, who.source}
    members = _members(state, end)
    return [a for a in where.excluded if a not in implied and a in members]


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
        who = _narrowed(state, name, value, who, at / "assumedBy" / k)
        if who.provider and not role.get("policies"):
            for account in _landing(state, where):
                _federated(state, who, account, name)
            continue
        for end in where.ends:
            inside = end != who.source and who.source in _members(state, end)
            if inside and who.source not in where.excluded and who.source in where.accounts:
                state.report.gap(
                    at.label,
                    f"role {name}: LZA also deploys it in the trusted account itself; the "
                    "design's scoped role leaves that account out",
                )
            if end == who.source:
                state.report.gap(
                    at.label, f"role {name}: a role trusting its own account is not modelled"
                )
            else:
                _trust(state, role, who, end, where, at)


def _narrowed(state: State, name: str, value: Any, who: Principal, at: At) -> Principal:
    """An account principal the export wrote for an Identity Center role (write_iam.
    sso_principal) gets the design's narrowing back from the comment keeping it."""
    if not isinstance(value, dict) or value.get("type") != "account" or who.role is not None:
        return who
    role = state.principal_roles.get(f"{name}@{value.get('principal')}")
    if role is None:
        return who
    state.report.gap(
        at.label,
        f"role {name}: LZA trusts the whole account; the design keeps its narrowing to the "
        f"Identity Center role {role} (a comment of the file says so)",
    )
    return Principal(who.source, role)


def _landing(state: State, where: Targets) -> list[str]:
    """The accounts of the deployment targets (a federation's end is one account)."""
    return where.accounts


_ROLE_KEYS = {
    "name",
    "assumedBy",
    "policies",
    "boundaryPolicy",
    "instanceProfile",
    "externalIds",
    "maxSessionDuration",
}


def _duplicate(
    state: State, role: dict[str, Any], where: Targets, seen: set[tuple[str, str]], at: At
) -> None:
    """LZA refuses two roles of one name in an account (its iam-config validator): such a
    configuration is read, and the clash reported."""
    name = str(role.get("name"))
    clashing = {a for a in where.accounts if (a, name) in seen}
    seen.update((a, name) for a in where.accounts)
    if clashing:
        twice = sorted(k for k, a in state.accounts.items() if a.id in clashing)
        state.report.gap(
            at.label,
            f"role {name} is deployed a second time in {', '.join(twice)}: LZA refuses two roles "
            "of one name in an account",
        )


def _role_sets(state: State, data: dict[str, Any]) -> None:
    at = At(IAM_FILE) / "roleSets"
    seen: set[tuple[str, str]] = set()  # (account id, role name) deployed so far
    for i, item in enumerate(sequence(data.get("roleSets"), at)):
        entry = mapping(item, at / i)
        where = targets(
            state, required(entry, "deploymentTargets", at / i), at / i / "deploymentTargets"
        )
        roles = sequence(required(entry, "roles", at / i), at / i / "roles")
        path = optional_text(entry, "path", at / i)
        if path not in (None, "/"):
            # The path is part of each role's ARN: the design's role sits at "/".
            for j, role in enumerate(roles):
                name = mapping(role, at / i / "roles" / j).get("name", j)
                state.report.gap(
                    (at / i / "path").label,
                    f"role {name}: its path {path} is not held by the design (it changes the "
                    "role's ARN); left out",
                )
            continue
        for j, role in enumerate(roles):
            fields = mapping(role, at / i / "roles" / j)
            if not where.ends:
                # LZA deploys the role nowhere: the design has nothing to hold it on.
                state.report.gap(
                    (at / i / "roles" / j).label,
                    f"role {fields.get('name', j)}: its deploymentTargets reach no account; "
                    "left out",
                )
                continue
            unread_keys(state.report, fields, at / i / "roles" / j, _ROLE_KEYS)
            _duplicate(state, fields, where, seen, at / i / "roles" / j)
            _role(state, fields, where, at / i / "roles" / j)


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
    known: set[str] = set()
    dropped: set[str] = set()  # sets an export would grant more than was read
    for i, item in enumerate(sequence(entry.get("identityCenterPermissionSets"), sets_at)):
        fields = mapping(item, sets_at / i)
        set_name = text(required(fields, "name", sets_at / i), sets_at / i / "name")
        known.add(set_name)
        if not _permission_set(state, set_name, fields, sets_at / i):
            dropped.add(set_name)
    _assignments(state, center, entry, (known, dropped), at / "identityCenterAssignments")


def _permission_set(state: State, name: str, fields: dict[str, Any], at: At) -> bool:
    """The design keeps a permission set's name only; the export gives it the AWS managed
    policy of that name (managed_policies.permission_set_policy). Anything else is reported.
    Returns whether the set is kept: one named like an AWS managed policy but granting
    something else is left out, since an export would grant what its name says."""
    policies = mapping(fields.get("policies"), at / "policies")
    implied = permission_set_policy(name)
    said = [
        _aws_managed_name(n)
        for n in texts(policies.get("awsManaged"), at / "policies" / "awsManaged")
    ]
    others = {k: v for k, v in policies.items() if k != "awsManaged" and v}
    differs = said != ([implied] if implied else []) or bool(others)
    if differs and implied is not None:
        state.report.gap(
            (at / "policies").label,
            f"permission set {name}: its policies are not the AWS managed policy {implied} its "
            "name stands for in the design; left out with its assignments (if kept, an export "
            f"would grant {implied})",
        )
        return False
    if differs:
        state.report.gap(
            (at / "policies").label,
            f"permission set {name}: its policies are not held by the design (it keeps the "
            "name only; an export grants the AWS managed policy of that name, if any)",
        )
    for key in sorted(set(fields) - {"name", "policies"}):
        state.report.gap(
            (at / key).label, f"permission set {name}: {key} is not held by the design"
        )
    return True


def _assignments(
    state: State,
    center: IdentityProvider,
    entry: dict[str, Any],
    names: tuple[set[str], set[str]],
    at: At,
) -> None:
    known, dropped = names
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
        if permission_set in dropped:
            state.report.gap(
                here.label, f"assignment {label}: permission set {permission_set} is left out"
            )
            continue
        if assignment.get("principals") or assignment.get("principalId"):
            state.report.gap(here.label, "Identity Center users and groups are not modelled")
        where = targets(
            state, required(assignment, "deploymentTargets", here), here / "deploymentTargets"
        )
        if where.by_ou:
            state.report.gap(
                (here / "deploymentTargets").label,
                f"assignment {label} targets OUs or Root: the design holds it for each of the "
                f"{len(where.accounts)} accounts LZA reaches now (not for accounts added later)",
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


_IAM_KEYS = {
    "providers",
    "policySets",
    "roleSets",
    "identityCenter",
    "groupSets",
    "userSets",
    "managedActiveDirectories",
}


def read_iam(state: State, data: dict[str, Any]) -> None:
    unread_keys(state.report, data, At(IAM_FILE), _IAM_KEYS)
    source = state.parsed[IAM_FILE][1] if IAM_FILE in state.parsed else ""
    state.principal_roles = {
        key: role
        for (kind, key), role in read_name_comments(source).items()
        if kind == "principal-role"
    }
    _providers(state, data)
    _policy_sets(state, data)
    _role_sets(state, data)
    _identity_center(state, data)
    for key in ("groupSets", "userSets", "managedActiveDirectories"):
        if data.get(key):
            state.report.gap(At(IAM_FILE, (key,)).label, f"{key} are not modelled")
