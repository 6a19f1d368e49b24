"""A role's trust policy read back as the design's trust relationships: who may assume it (an
account, its role, an OU or the organization, a party outside), with which conditions, and the
access its policies give (designer.live.policy.access: the exports' own table of managed
policies). The inverse of designer.artefacts.policy_set's trust statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from designer.engines.orgformation import ENGINE
from designer.engines.orgformation.read_org import OrgModel
from designer.engines.orgformation.values import TOKEN
from designer.engines.report import ConversionReport
from designer.live.policy import (
    access,
    assume_statements,
    condition,
    condition_values,
    conditions_of,
    principals,
    unshown_conditions,
)
from designer.live.read_account import Role as LiveRole
from designer.model.ids import stable_id
from designer.model.nodes import OutsidePrincipal
from designer.model.relationships import TrustRelationship
from designer.model.vocabulary import OutsideKind, PrincipalScope, PrincipalType

_ARN = re.compile(r"^arn:[^:]*:iam::([^:]*):(.+)$")
_SSO_ROLE = re.compile(r"AWSReservedSSO_(.+?)_\*?$")
_ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
OWN_ORGANIZATION = "@{ORG::PrincipalOrgID}"
# Keys a statement carries that the trust fields above stand for.
_READ = frozenset({"aws:sourceaccount"})


@dataclass(frozen=True)
class RoleFound:
    """One AWS::IAM::Role of a template, its values resolved."""

    name: str
    trust: dict[str, Any]
    managed: list[str]
    inline: list[dict[str, Any]]
    max_session: int
    where: str  # "roles/x.yml: Resources.Role" (for the report)


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

    def __post_init__(self) -> None:
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
        level, services, arns = access(
            LiveRole(role.name, "/", role.trust, role.managed, role.inline)
        )
        for n, statement in enumerate(assume_statements(role.trust)):
            for found in self.sources(statement, f"{role.where}.Statement[{n}]"):
                for target in targets:
                    self.add(role, found, target, (level, services, arns), n)

    def add(
        self,
        role: RoleFound,
        found: dict[str, Any],
        target: Target,
        permissions: tuple[Any, list[str], list[str]],
        n: int,
    ) -> None:
        source = found["source"]
        if source == target.node:
            return  # a role does not trust the account it lives in (scope.lands_in)
        implied = {source, self.management}
        excluded = [a for a in target.excluded if a not in implied]
        excluded += [a for a in found.get("source_excluded", []) if a not in excluded]
        level, services, arns = permissions
        identity = stable_id(ENGINE, "trust", role.where, str(n), source, target.node)
        try:
            trust = TrustRelationship(
                id=identity,
                source=source,
                target=target.node,
                role_name=role.name,
                access_level=level,
                services=services,
                managed_policy_arns=arns,
                max_session_duration=role.max_session,
                excluded_accounts=excluded,
                **{k: v for k, v in found.items() if k not in ("source", "source_excluded")},
            )
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            self.report.gap(role.where, f"not a trust the design can hold: {where}: {error['msg']}")
            return
        self.trusts.append(trust)

    def sources(self, statement: dict[str, Any], here: str) -> list[dict[str, Any]]:
        """Who a statement admits, with the trust fields its conditions give."""
        conditions = conditions_of(statement)
        extra = [k for k in unshown_conditions(conditions) if k.lower() not in _READ]
        if extra:
            self.report.gap(here, f"conditions the design does not hold: {', '.join(extra)}")
        found: list[dict[str, Any]] = []
        kinds = principals(statement)
        for kind in kinds:
            if kind not in ("AWS", "Service"):
                self.report.gap(
                    here, f"{kind} principal: identity providers are not read from templates"
                )
        for service in kinds.get("Service", []):
            party = self.outside_party(OutsideKind.SERVICE, service)
            if party is None:
                self.report.gap(here, f"service principal {service}: not one the design holds")
                continue
            source_account = bool(condition_values(conditions, "aws:SourceAccount"))
            found.append(
                {
                    "source": party,
                    "source_account_condition": source_account,
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
        if principal == "*":
            source = self.scope_source(conditions, here)
            if source is None:
                return None
            fields["source"] = source
            skipped = condition_values(conditions, "aws:PrincipalAccount", narrowing=False)
            fields["source_excluded"] = [n for n in map(self.node, skipped) if n is not None]
        else:
            match = _ARN.match(principal)
            account = match.group(1) if match else principal
            resource = match.group(2) if match else "root"
            if resource.startswith("role/"):
                role = resource.rsplit("/", 1)[-1]
            elif resource != "root":
                self.report.gap(here, f"principal {principal}: only roots and roles are read")
                return None
            member = self.node(account)
            if member is None and not re.fullmatch(r"[0-9]{12}", account):
                self.report.gap(here, f"principal {principal}: no account of that name")
                return None
            if member is not None:
                org = condition_values(conditions, "aws:PrincipalOrgID", narrowing=True)
                fields["organization_scoped"] = bool(org)
            else:
                member = self.outside_party(OutsideKind.EXTERNAL_ACCOUNT, account)
                if member is None:
                    return None
            fields["source"] = member
        if role:
            fields["principal_scope"] = PrincipalScope.ROLE
            fields["principal_role_name"] = role
        return fields

    def scope_source(self, conditions: dict[str, Any], here: str) -> str | None:
        """Principal "*": any principal of an OU (aws:PrincipalOrgPaths), of the organization
        or of a partner organization (aws:PrincipalOrgID)."""
        paths = condition_values(conditions, "aws:PrincipalOrgPaths", narrowing=True)
        if paths:
            segments = [s for s in paths[0].split("/") if TOKEN.fullmatch(s)]
            unit = self.node(segments[-1]) if segments else None
            if unit is None:
                self.report.gap(here, f"aws:PrincipalOrgPaths {paths[0]}: names no OU of the file")
            return unit
        org = condition_values(conditions, "aws:PrincipalOrgID", narrowing=True)
        if org and org[0] == OWN_ORGANIZATION:
            return self.org.organization.id
        if org and _ORG_ID.match(org[0]):
            return self.outside_party(OutsideKind.PARTNER_ORGANIZATION, org[0])
        self.report.gap(here, 'Principal "*" without an organization condition: not read')
        return None


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
