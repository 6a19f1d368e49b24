"""A role's trust policy read back as the design's trust relationships: who may assume it (an
account, its role, an OU or the organization, a party outside), with which conditions, and the
access its policies give (permissions.py: only what the design gives back exactly). The inverse
of designer.artefacts.policy_set's trust statements; every statement, principal or condition it
cannot hold (a Deny, a trust of the account in itself...) is a report entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from designer.engines.orgformation import ENGINE
from designer.engines.orgformation.permissions import Permissions, permissions
from designer.engines.orgformation.read_org import OrgModel
from designer.engines.orgformation.values import SELF, TOKEN, shown, token
from designer.engines.report import ConversionReport
from designer.engines.yamlio import where
from designer.live.policy import (
    assume_statements,
    condition,
    condition_values,
    conditions_of,
    principals,
)
from designer.model.errors import one_line
from designer.model.ids import stable_id
from designer.model.nodes import OutsidePrincipal
from designer.model.relationships import TrustRelationship
from designer.model.vocabulary import OutsideKind, PrincipalScope, PrincipalType

# The account of an IAM ARN: an id, or a reference the resolver left as a token (which may
# hold "::", as @{AWS::AccountId} does).
_ARN = re.compile(r"^arn:[^:]*:iam::(@\{[^}]*\}|[^:]*):(.+)$")
SELF_TOKEN = token(SELF)
_SSO_ROLE = re.compile(r"AWSReservedSSO_(.+?)_\*?$")
_ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
OWN_ORGANIZATION = "@{ORG::PrincipalOrgID}"
# The conditions a trust of the design holds exactly, by operator, as the export writes them
# (designer.artefacts.policy_set): any other operator or key narrows the trust in a way the design
# cannot hold. Keys are case-insensitive in IAM; operators are compared lower-cased too.
_HELD = {
    "bool": frozenset({"aws:multifactorauthpresent"}),
    "stringequals": frozenset(
        {"sts:externalid", "aws:principalorgid", "aws:sourceaccount", "aws:principalaccount"}
    ),
    "foranyvalue:stringlike": frozenset({"aws:principalorgpaths"}),
    "stringnotequals": frozenset({"aws:principalaccount"}),
    "arnlike": frozenset({"aws:principalarn"}),
}
_MANY = frozenset({"aws:principalaccount"})  # the only key the export gives several values
_NOT_FIELDS = ("source", "source_excluded", "source_accounts")  # read here, not trust fields


@dataclass(frozen=True)
class RoleFound:
    """One AWS::IAM::Role of a template, its values resolved."""

    name: str
    trust: dict[str, Any]
    managed: list[str]
    inline: list[Any]  # the Policies entries as written (PolicyName, PolicyDocument)
    max_session: int
    where: str  # "roles/x.yml: Resources.Role.Properties" (for the report)
    local: frozenset[str] = frozenset()  # the template's own resources (a !Ref is a token)


@dataclass(frozen=True)
class Target:
    """Where a role resource is deployed: an account, or an OU / the organization less some."""

    node: str  # design id
    excluded: tuple[str, ...] = ()


@dataclass
class TrustReader:
    org: OrgModel
    report: ConversionReport
    outside: dict[tuple[str, str], OutsidePrincipal] = field(default_factory=dict)
    trusts: list[TrustRelationship] = field(default_factory=list)
    reported: set[str] = field(default_factory=set)  # statements already reported once

    def __post_init__(self) -> None:
        self.inside = {a.id for a in self.org.accounts.values()}
        self.scopes = {u.id for u in self.org.units.values()} | {self.org.organization.id}
        self.inside |= self.scopes
        self.by_account_id = {
            a.aws_account_id: a.id for a in self.org.accounts.values() if a.aws_account_id
        }
        self.management = self.org.organization.management_account

    # -- ends -----------------------------------------------------------------------------------
    def node(self, text: str) -> str | None:
        """The design id a token or account id names (an account, an OU, the root)."""
        match = TOKEN.fullmatch(text)
        if match:
            name = match.group(1)
            if name in self.org.accounts:
                return self.org.accounts[name].id
            if name in self.org.units:
                return self.org.units[name].id
            if name == self.org.root_logical:
                return self.org.organization.id
            return None
        return self.by_account_id.get(text)

    def account_id(self, match: re.Match[str]) -> str:
        """An account reference in an ARN as its 12-digit id, when organization.yml gives it."""
        account = self.org.accounts.get(match.group(1))
        return account.aws_account_id if account and account.aws_account_id else match.group(0)

    def outside_party(self, kind: OutsideKind, identifier: str) -> str | None:
        key = (kind.value, identifier)
        if key not in self.outside:
            field_name = {
                OutsideKind.EXTERNAL_ACCOUNT: "aws_account_id",
                OutsideKind.PARTNER_ORGANIZATION: "organization_id",
                OutsideKind.SERVICE: "service_principal",
            }[kind]
            try:
                self.outside[key] = OutsidePrincipal(
                    id=stable_id(ENGINE, "outside", *key),
                    name=identifier,
                    kind=kind,
                    **{field_name: identifier},
                )
            except ValidationError:
                return None
        return self.outside[key].id

    # -- roles ----------------------------------------------------------------------------------
    def read(self, role: RoleFound, targets: list[Target]) -> None:
        if not self.unread_statements(role):
            return
        found: dict[bool, Permissions | None] = {}
        admitted = {id(s) for s in assume_statements(role.trust)}
        for n, statement in enumerate(_statements(role.trust)):
            if id(statement) not in admitted:
                continue
            here = statement_where(role, n)
            if not self.held_conditions(conditions_of(statement), here):
                continue
            for source in self.sources(statement, here):
                outside = source["source"] not in self.inside
                if outside not in found:
                    found[outside] = self.permissions(role, outside)
                held = found[outside]
                if held is None:
                    continue
                for target in targets:
                    self.add(role, source, target, held, n)

    def permissions(self, role: RoleFound, outside: bool) -> Permissions | None:
        managed = [TOKEN.sub(self.account_id, a) for a in role.managed]
        held = permissions(role.name, managed, role.inline, outside, role.local)
        if isinstance(held, str):
            self.report.gap(role.where, f"role {one_line(role.name)}: {held}")
            return None
        if held.note:
            self.report.gap(role.where, f"role {one_line(role.name)}: {held.note}")
        return held

    def unread_statements(self, role: RoleFound) -> bool:
        """Report the statements the design's trusts do not hold; False when the role's trusts
        must be left out. A Deny narrows what the Allows admit, and the design holds no denial:
        reading the Allows alone would trust more than the template, so the role's trusts are
        left out. An Allow of NotPrincipal / NotAction or of no sts:AssumeRole* is left out
        alone (reading less never trusts more)."""
        admitted = [id(s) for s in assume_statements(role.trust)]
        kept = True
        for n, statement in enumerate(_statements(role.trust)):
            here = statement_where(role, n)
            if not isinstance(statement, dict):
                self.report.gap(here, "not a policy statement: not read")
                continue
            odd = [k for k in ("NotPrincipal", "NotAction") if k in statement]
            effect = statement.get("Effect")
            if effect != "Allow":
                kept = False
                self.report.gap(
                    here,
                    f"{'Deny' if effect == 'Deny' else 'Effect ' + shown(str(effect))} "
                    "statement: the design holds no denials in a trust policy; the "
                    f"trusts of role {one_line(role.name)} are left out rather than read broader",
                )
            elif odd:
                self.report.gap(here, f"{', '.join(odd)}: not read; the statement is left out")
            elif id(statement) not in admitted:
                self.report.gap(here, "an Allow of no sts:AssumeRole action: not read")
        return kept

    def held_conditions(self, conditions: dict[str, Any], here: str) -> bool:
        """Whether the design holds every condition of the statement exactly (as the export
        writes it); else the statement is left out: without the condition its trust would
        admit more than the template does."""
        unheld = unheld_conditions(conditions)
        if unheld:
            self.report.gap(
                here,
                f"conditions the design does not hold exactly: {', '.join(unheld)}; the "
                "statement is left out rather than read as a broader trust",
            )
        return not unheld

    def add(
        self,
        role: RoleFound,
        found: dict[str, Any],
        target: Target,
        permissions: Permissions,
        n: int,
    ) -> None:
        source = found["source"]
        here = statement_where(role, n)
        if not self.source_accounts_held(found.get("source_accounts", []), target, here):
            return
        if source == target.node:
            self.self_trust(here)
            return  # a role does not trust the account it lives in (scope.lands_in)
        if source in self.scopes and target.node in self.scopes:
            if here not in self.reported:
                self.reported.add(here)
                self.report.gap(
                    here,
                    "trusted by an OU or the organization in a role bound to an OU or the "
                    "organization: the design holds a trust with a scope at one end only",
                )
            return
        implied = {source, self.management}
        excluded = [a for a in target.excluded if a not in implied]
        excluded += [a for a in found.get("source_excluded", []) if a not in excluded]
        identity = stable_id(ENGINE, "trust", role.where, str(n), source, target.node)
        try:
            trust = TrustRelationship(
                id=identity,
                source=source,
                target=target.node,
                role_name=role.name,
                access_level=permissions.level,
                services=permissions.services,
                managed_policy_arns=permissions.arns,
                max_session_duration=role.max_session,
                excluded_accounts=excluded,
                **{k: v for k, v in found.items() if k not in _NOT_FIELDS},
            )
        except ValidationError as exc:
            error = exc.errors()[0]
            field_name = ".".join(str(p) for p in error["loc"])
            self.report.gap(
                role.where, f"not a trust the design can hold: {field_name}: {error['msg']}"
            )
            return
        self.trusts.append(trust)

    def source_accounts_held(self, values: list[str], target: Target, here: str) -> bool:
        """The design holds aws:SourceAccount as "the account the role is deployed in" (the
        export writes that account): a trust naming another account is left out."""
        other = [v for v in values if v != SELF_TOKEN and self.node(v) != target.node]
        if other and here not in self.reported:
            self.reported.add(here)
            self.report.gap(
                here,
                f"aws:SourceAccount {shown(other[0])}: not the account the role is deployed "
                "in, the only one the design holds; the trust is left out",
            )
        return not other

    def self_trust(self, here: str) -> None:
        if here not in self.reported:
            self.reported.add(here)
            self.report.gap(
                here,
                "trusts the account the role is deployed in: the design holds no trust of an "
                "account in itself",
            )

    def sources(self, statement: dict[str, Any], here: str) -> list[dict[str, Any]]:
        """Who a statement admits, with the trust fields its conditions give."""
        conditions = conditions_of(statement)
        found: list[dict[str, Any]] = []
        kinds = principals(statement)
        for kind in kinds:
            if kind not in ("AWS", "Service"):
                self.report.gap(
                    here,
                    "Federated principal: identity providers are not read from templates"
                    if kind == "Federated"
                    else f"{one_line(kind)} principal: not read",
                )
        for service in kinds.get("Service", []):
            party = self.outside_party(OutsideKind.SERVICE, service)
            if party is None:
                self.report.gap(
                    here, f"service principal {shown(service)}: not one the design holds"
                )
                continue
            source_accounts = condition_values(conditions, "aws:SourceAccount")
            found.append(
                {
                    "source": party,
                    "source_account_condition": bool(source_accounts),
                    "source_accounts": source_accounts,
                    "principal_type": PrincipalType.WORKLOAD,  # a service presents no MFA
                }
            )
        for principal in kinds.get("AWS", []):
            fields = self.aws_source(principal, conditions, here)
            if fields is not None:
                found.append(fields)
        return found

    def aws_source(
        self, principal: str, conditions: dict[str, Any], here: str
    ) -> dict[str, Any] | None:
        fields: dict[str, Any] = {
            "require_mfa": condition(conditions, "aws:MultiFactorAuthPresent") == "true",
            "external_id": condition(conditions, "sts:ExternalId"),
        }
        role = _principal_role(conditions)
        arns = condition_values(conditions, "aws:PrincipalArn")
        if arns and role is None:
            self.report.gap(
                here,
                f"aws:PrincipalArn {shown(arns[0])}: names no role the design holds; the "
                "statement is left out",
            )
            return None
        if principal == "*":
            source = self.scope_source(conditions, here)
            if source is None:
                return None
            fields["source"] = source
            skipped = condition_values(conditions, "aws:PrincipalAccount", narrowing=False)
            fields["source_excluded"] = [n for n in map(self.node, skipped) if n is not None]
            unknown = [shown(a) for a in skipped if self.node(a) is None]
            unknown += [
                f"only {shown(a)}"
                for a in condition_values(conditions, "aws:PrincipalAccount", narrowing=True)
            ]
            if unknown:
                self.report.gap(
                    here,
                    f"aws:PrincipalAccount {', '.join(unknown)}: no account of the file "
                    "to leave out, or a narrowing the design does not hold; the statement is "
                    "left out",
                )
                return None
        else:
            match = _ARN.match(principal)
            account = match.group(1) if match else principal
            resource = match.group(2) if match else "root"
            if resource.startswith("role/"):
                role = resource.rsplit("/", 1)[-1]
            elif resource != "root":
                self.report.gap(
                    here, f"principal {shown(principal)}: only account roots and roles are read"
                )
                return None
            if account == SELF_TOKEN:
                self.self_trust(here)
                return None
            member = self.node(account)
            if member is None and not re.fullmatch(r"[0-9]{12}", account):
                self.report.gap(here, f"principal {shown(principal)}: names no account")
                return None
            if not self.account_conditions(conditions, here):
                return None
            if member is not None:
                org = condition_values(conditions, "aws:PrincipalOrgID", narrowing=True)
                fields["organization_scoped"] = bool(org)
            else:
                member = self.outside_party(OutsideKind.EXTERNAL_ACCOUNT, account)
                if member is None:
                    return None
            fields["source"] = member
        if role and fields["require_mfa"]:
            # The export asks for MFA only of IAM users (a role session never carries it):
            # the design cannot hold MFA on a role principal, and without it would trust more.
            self.report.gap(
                here,
                f"aws:MultiFactorAuthPresent on role {one_line(role)}: the design holds MFA "
                "only for an account's root or a scope; the statement is left out",
            )
            return None
        if role:
            fields["principal_scope"] = PrincipalScope.ROLE
            fields["principal_role_name"] = role
        return fields

    def account_conditions(self, conditions: dict[str, Any], here: str) -> bool:
        """Conditions on an account's principal the design's trust does not hold: which
        accounts or OUs (the principal names its account), another organization's id."""
        keys = [
            k
            for k in ("aws:PrincipalAccount", "aws:PrincipalOrgPaths")
            if condition_values(conditions, k)
        ]
        orgs = condition_values(conditions, "aws:PrincipalOrgID")
        keys += [f"aws:PrincipalOrgID {shown(v)}" for v in orgs if v != OWN_ORGANIZATION]
        if keys:
            self.report.gap(
                here,
                f"{', '.join(keys)} on an account's principal: not held by the design's trust "
                "(an export writes the organization's own id, if any); the statement is left out",
            )
        return not keys

    def scope_source(self, conditions: dict[str, Any], here: str) -> str | None:
        """Principal "*": any principal of an OU (aws:PrincipalOrgPaths), of the organization
        or of a partner organization (aws:PrincipalOrgID)."""
        paths = condition_values(conditions, "aws:PrincipalOrgPaths", narrowing=True)
        if paths:
            segments = [s for s in paths[0].split("/") if TOKEN.fullmatch(s)]
            unit = self.node(segments[-1]) if segments else None
            if unit is None:
                self.report.gap(
                    here, f"aws:PrincipalOrgPaths {shown(paths[0])}: names no OU of the file"
                )
            return unit
        org = condition_values(conditions, "aws:PrincipalOrgID", narrowing=True)
        if org and org[0] == OWN_ORGANIZATION:
            return self.org.organization.id
        if org and _ORG_ID.match(org[0]):
            return self.outside_party(OutsideKind.PARTNER_ORGANIZATION, org[0])
        self.report.gap(here, 'Principal "*" without an organization condition: not read')
        return None


def statement_where(role: RoleFound, n: int) -> str:
    """The report path of a trust policy statement, as the template spells it."""
    return f"{role.where}.{where('AssumeRolePolicyDocument', 'Statement', n)}"


def _statements(trust: dict[str, Any]) -> list[Any]:
    statements = trust.get("Statement", [])
    if isinstance(statements, dict):
        return [statements]
    return list(statements) if isinstance(statements, list) else [statements]


def unheld_conditions(conditions: dict[str, Any]) -> list[str]:
    """The conditions of a statement the design cannot hold exactly (shown for the report)."""
    unheld: list[str] = []
    for operator, values in conditions.items():
        held = _HELD.get(str(operator).lower(), frozenset())
        if not isinstance(values, dict):
            unheld.append(one_line(str(operator)))
            continue
        for key, value in values.items():
            name = str(key).lower()
            several = isinstance(value, list) and len(value) != 1 and name not in _MANY
            mfa_off = name == "aws:multifactorauthpresent" and str(value).lower() != "true"
            if name not in held or several or mfa_off:
                unheld.append(f"{one_line(str(operator))} {one_line(str(key))}")
    return unheld


def _principal_role(conditions: dict[str, Any]) -> str | None:
    """The one role of the trusted side named by aws:PrincipalArn (an Identity Center
    permission set's role by its reserved path)."""
    for value in condition_values(conditions, "aws:PrincipalArn", narrowing=True):
        match = _ARN.match(value)
        resource = match.group(2) if match else value
        sso = _SSO_ROLE.search(resource)
        if sso:
            return sso.group(1)
        if resource.startswith("role/"):
            return resource.rsplit("/", 1)[-1]
    return None
