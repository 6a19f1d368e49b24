"""Trust and federation from the roles' trust policies.

Who a statement admits becomes the trust's source:

- an AWS principal of a member account: that account (a role ARN narrows it to that role, and
  so does ArnLike aws:PrincipalArn on the Identity Center roles of one permission set,
  *AWSReservedSSO_<set>_*: the role named as the permission set);
- an AWS principal of any other account: an external-account outside principal (one per account
  id), its external id kept;
- Principal "*" narrowed by a condition: aws:PrincipalAccount / aws:PrincipalArn -> that account;
  aws:PrincipalOrgPaths -> the OU it names (the organization for the root), or the partner
  organization whose path it is; aws:PrincipalOrgID -> the organization itself, or a
  partner-organization outside principal;
- Principal "*" without such a condition: anyone (other conditions are reported as gaps);
- a Service principal acting on behalf of another account or organization (aws:SourceAccount,
  aws:SourceArn, aws:SourceOrgID, aws:SourceOrgPaths): a service outside principal. A plain
  service role (EC2, Lambda... for its own account) is not cross-account and not drawn;
- a Federated SAML provider of the account: a federation from that identity provider into it;
- a Federated OIDC provider of the account (AssumeRoleWithWebIdentity: GitHub Actions, EKS...):
  a trust from that identity provider, principal type workload, with the token subjects
  (<issuer>:sub) it admits, so the role's access level is known to the rules.

A role that grants nothing (no managed policy, no inline Allow) gives no access, which no access
level of the design says: it is not shown as a trust (calling it read-only would invent access),
and a gap names it, so a trust waiting for its policy is not lost from view.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from designer.artefacts.identity_center import reserved_role_resource
from designer.live.policy import (
    access,
    account_of_arn,
    assume_statements,
    condition,
    condition_values,
    conditions_of,
    grants_nothing,
    principal,
    principals,
    unshown_conditions,
)
from designer.live.read_account import Role
from designer.live.records import ANYONE, Gap, Outsiders, Read, live_id
from designer.model import FederationRelationship, IdentityProvider, TrustRelationship
from designer.model.vocabulary import IdentityProviderKind, OutsideKind, PrincipalType

GRANTS_NOTHING = "not shown as a trust: no policy attached or inline, it grants nothing"

Source = tuple[str, dict[str, Any]]  # design id of the trusted end, fields it implies
# An Identity Center role in an ArnLike aws:PrincipalArn, after "arn:<partition>:iam::<account>:",
# spelt as the exports spell it: the permission set's name is the group.
_BEFORE, _, _AFTER = reserved_role_resource("\0").partition("\0")
RESERVED_ROLE = re.compile(re.escape(_BEFORE) + r"([\w+=,.@-]+)" + re.escape(_AFTER))


class TrustReader:
    def __init__(self, read: Read, outsiders: Outsiders) -> None:
        self.read, self.org, self.outsiders = read, read.organization, outsiders
        self.account_ids = {a.id for a in self.org.accounts}
        self.names = {a.id: a.name for a in self.org.accounts}
        self.unit_ids = {u.id for u in self.org.units}
        self.provider_homes: dict[tuple[str, str], set[str]] = {}
        self.federations: dict[tuple[str, str, str], FederationRelationship] = {}
        self.empty_roles: set[tuple[str, str]] = set()  # (account, role) granting nothing

    def trusts(self) -> list[TrustRelationship]:
        """One trust per (source, trusted account, role): several principals of one account
        merge, the broadest (the account root) winning."""
        kept: dict[str, TrustRelationship] = {}
        for account_id, scan in sorted(self.read.scans.items()):
            for role in scan.roles:
                if role.path.startswith("/aws-service-role/"):
                    continue  # made and used by AWS services
                for statement in assume_statements(role.trust):
                    for trust in self.trust(account_id, role, statement):
                        current = kept.get(trust.id)
                        if current is None or trust.principal_role_name is None:
                            kept[trust.id] = trust
        return list(kept.values())

    def trust(
        self, account_id: str, role: Role, statement: dict[str, Any]
    ) -> Iterator[TrustRelationship]:
        kinds = principals(statement)
        conditions = conditions_of(statement)
        found: list[Source] = []
        for provider_arn in kinds.get("Federated", []):
            found += self.federated(account_id, role, provider_arn, conditions)
        for entry in kinds.get("AWS", []):
            found += self.aws_sources(account_id, role, entry, conditions)
        for service in kinds.get("Service", []):
            found += self.service_sources(account_id, role, service, conditions)
        if not found:
            return
        if grants_nothing(role):
            self.nothing_granted(account_id, role)
            return
        level, services, managed = access(role)
        for source, implied in found:
            fields: dict[str, Any] = {
                "require_mfa": condition(conditions, "aws:MultiFactorAuthPresent") == "true",
                "external_id": condition(conditions, "sts:ExternalId"),
                "organization_scoped": self.org.id
                in condition_values(conditions, "aws:PrincipalOrgID"),
                **implied,
            }
            trust = self.read.make(
                TrustRelationship,
                account_id,
                f"role {role.name}",
                id=live_id("trust", source, account_id, role.name),
                source=source,
                target=live_id(account_id),
                role_name=role.name,
                access_level=level,
                services=services,
                managed_policy_arns=managed,
                **fields,
            )
            if trust is not None:
                yield trust

    def nothing_granted(self, account_id: str, role: Role) -> None:
        if (account_id, role.name) not in self.empty_roles:
            self.empty_roles.add((account_id, role.name))
            self.read.gaps.append(
                Gap(
                    account_id,
                    f"role {role.name}",
                    GRANTS_NOTHING,
                )
            )

    # -- who is trusted ---------------------------------------------------------------------------
    def aws_sources(
        self, account_id: str, role: Role, entry: str, conditions: dict[str, Any]
    ) -> list[Source]:
        if entry == "*":
            return self.any_principal(account_id, role, conditions)
        source_account, role_name = principal(entry)
        if source_account is None or source_account == account_id:
            return []
        if role_name is None:
            role_name = permission_set_role(source_account, conditions)
        implied: dict[str, Any] = {
            "principal_scope": "role" if role_name else "account-root",
            "principal_role_name": role_name,
        }
        if source_account not in self.account_ids and condition(conditions, "sts:ExternalId"):
            implied["principal_type"] = PrincipalType.WORKLOAD  # a vendor's system
        source = self.account(source_account, account_id, role)
        return [(source, implied)] if source else []

    def account(self, source_account: str, account_id: str, role: Role) -> str | None:
        """A member account, or an external-account outside principal."""
        if source_account in self.account_ids:
            return live_id(source_account)
        return self.outsiders.get(
            OutsideKind.EXTERNAL_ACCOUNT, source_account, account_id, f"role {role.name}"
        )

    def any_principal(
        self, account_id: str, role: Role, conditions: dict[str, Any]
    ) -> list[Source]:
        """Principal "*": whom its conditions narrow it to, the narrowest condition winning."""
        what = f"role {role.name}"
        # Only conditions that admit what they name narrow "*"; a negated one (StringNotEquals
        # aws:PrincipalOrgID) admits everyone else, so it must never read as a scope.
        negated = [
            key
            for key in ("aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalArn")
            if condition_values(conditions, key, narrowing=False)
        ]
        if negated:
            return self.anyone(account_id, what, negated)
        accounts = condition_values(conditions, "aws:PrincipalAccount", narrowing=True)
        accounts += [
            a
            for arn in condition_values(conditions, "aws:PrincipalArn", narrowing=True)
            if (a := account_of_arn(arn)) is not None
        ]
        if accounts:
            sources = [self.account(a, account_id, role) for a in dict.fromkeys(accounts)]
            return [(s, {}) for s in sources if s and s != live_id(account_id)]
        # StringNotEquals aws:PrincipalAccount leaves accounts out of the scope it narrows.
        skipped = condition_values(conditions, "aws:PrincipalAccount", narrowing=False)
        excluded = {"excluded_accounts": [live_id(a) for a in skipped if a in self.account_ids]}
        if len(excluded["excluded_accounts"]) != len(skipped):
            return self.anyone(account_id, what, ["aws:PrincipalAccount"])
        paths = condition_values(conditions, "aws:PrincipalOrgPaths", narrowing=True)
        if paths:
            found = [self.org_path(path, account_id, what) for path in dict.fromkeys(paths)]
            return [(f[0], {**f[1], **excluded}) for f in found if f is not None]
        organizations = condition_values(conditions, "aws:PrincipalOrgID", narrowing=True)
        if organizations:
            ends = [self.organization(o, account_id, what) for o in dict.fromkeys(organizations)]
            return [(end, excluded) for end in ends if end is not None]
        if skipped:
            return self.anyone(account_id, what, ["aws:PrincipalAccount"])
        unshown = [k for k in unshown_conditions(conditions) if k.lower() != "sts:externalid"]
        return self.anyone(account_id, what, unshown)

    def anyone(self, account_id: str, what: str, unshown: list[str]) -> list[Source]:
        """Trusted by anyone; a gap names the conditions the design cannot show (a negated
        organization condition, an IP range...), which may narrow it in AWS."""
        if unshown:
            self.read.gaps.append(
                Gap(
                    account_id,
                    what,
                    "trusted by anyone, narrowed by conditions the design cannot show: "
                    + ", ".join(unshown),
                )
            )
        anyone = self.outsiders.get(OutsideKind.ANYONE, ANYONE, account_id, what)
        return [(anyone, {})] if anyone else []

    def organization(self, organization_id: str, account_id: str, what: str) -> str | None:
        if organization_id == self.org.id:
            return live_id(self.org.root_id)
        return self.outsiders.get(
            OutsideKind.PARTNER_ORGANIZATION, organization_id, account_id, what
        )

    def org_path(self, path: str, account_id: str, what: str) -> Source | None:
        """The scope of an aws:PrincipalOrgPaths value such as o-a1b2c3d4e5/r-ab12/ou-ab12-1/*."""
        parts = [p for p in path.rstrip("*").strip("/").split("/") if p]
        if not parts or any("*" in p or "?" in p for p in parts):
            self.read.gaps.append(Gap(account_id, what, f"organization path {path} not shown"))
            return None
        if parts[0] != self.org.id:  # a path in another organization: at most all of it
            partner = self.organization(parts[0], account_id, what)
            return (partner, {"purpose": f"Principals under {path}"}) if partner else None
        last = parts[-1]
        if len(parts) == 1 or last == self.org.root_id:
            return live_id(self.org.root_id), {}
        if last in self.unit_ids:
            return live_id(last), {}
        self.read.gaps.append(
            Gap(account_id, what, f"organization path {path} names no OU of the organization")
        )
        return None

    def service_sources(
        self, account_id: str, role: Role, service: str, conditions: dict[str, Any]
    ) -> list[Source]:
        """A service acting for another account or organization; nothing for a service role of
        this account alone."""
        behalf: list[str] = []
        for arn in [
            *condition_values(conditions, "aws:SourceAccount"),
            *condition_values(conditions, "aws:SourceArn"),
        ]:
            other = account_of_arn(arn)
            if other is not None and other != account_id:
                name = self.names.get(other)
                behalf.append(f"{name} ({other})" if name else f"account {other}")
        for organization_id in condition_values(conditions, "aws:SourceOrgID"):
            mine = organization_id == self.org.id
            behalf.append("every account of the organization" if mine else organization_id)
        behalf += condition_values(conditions, "aws:SourceOrgPaths")
        if not behalf:
            return []
        source = self.outsiders.get(OutsideKind.SERVICE, service, account_id, f"role {role.name}")
        if source is None:
            return []
        purpose = f"{service} assumes it on behalf of {', '.join(dict.fromkeys(behalf))}"
        implied = {
            "principal_type": PrincipalType.WORKLOAD,
            "purpose": purpose,
            # guarded against the confused deputy: the policy names whom the service acts for
            "source_account_condition": True,
        }
        return [(source, implied)]

    # -- identity providers ------------------------------------------------------------------------
    def federated(
        self, account_id: str, role: Role, provider_arn: str, conditions: dict[str, Any]
    ) -> list[Source]:
        """A provider of the account that the role trusts. People sign in through SAML: a
        federation into the account, its roles mapped. CI jobs and clusters come through OIDC
        (AssumeRoleWithWebIdentity): a trust from the provider, workload, with the role's access
        and the token subjects it admits. Providers of one kind and name (the same issuer
        configured in several accounts) are one identity provider."""
        scan = self.read.scans[account_id]
        provider = next((p for p in scan.providers if p.arn == provider_arn), None)
        if provider is None:
            return []  # not an IAM provider of this account (Cognito, a deleted one...)
        key = (provider.kind, provider.name)
        self.provider_homes.setdefault(key, set()).add(account_id)
        source = live_id("idp", provider.kind, provider.name)
        if provider.kind == IdentityProviderKind.OIDC:
            subjects = condition_values(conditions, f"{provider.name}:sub")
            implied = {"principal_type": PrincipalType.WORKLOAD}
            return [(source, {**implied, "oidc_subjects": sorted(set(subjects))})]
        current = self.federations.get((*key, account_id))
        roles = sorted({*(current.mapped_roles if current else []), role.name})
        federation = self.read.make(
            FederationRelationship,
            account_id,
            f"role {role.name}",
            id=live_id("federation", provider.kind, provider.name, account_id),
            source=source,
            target=live_id(account_id),
            protocol=provider.kind,
            mapped_roles=roles,
            principal_type=PrincipalType.HUMAN,
        )
        if federation is not None:
            self.federations[(*key, account_id)] = federation
        return []

    def provider_ids(self) -> set[str]:
        return {live_id("idp", kind, name) for kind, name in self.provider_homes}

    def providers(self) -> list[IdentityProvider]:
        """The providers some role trusts; configured in one account, that is its home."""
        found = []
        for (kind, name), homes in sorted(self.provider_homes.items()):
            provider = self.read.make(
                IdentityProvider,
                min(homes),
                f"identity provider {name}",
                id=live_id("idp", kind, name),
                name=name[:200],
                kind=kind,
                home_account=live_id(next(iter(homes))) if len(homes) == 1 else None,
                metadata_url=f"https://{name}" if kind == IdentityProviderKind.OIDC else "",
            )
            if provider is not None:
                found.append(provider)
        return found


def permission_set_role(account: str, conditions: dict[str, Any]) -> str | None:
    """The permission set whose Identity Center roles an account-root trust is narrowed to by
    ArnLike aws:PrincipalArn on arn:...:<account>:role/aws-reserved/sso.amazonaws.com/
    *AWSReservedSSO_<set>_* (the role's real name has a random suffix); None for any other
    narrowing, or for several permission sets."""
    sets = set()
    for arn in condition_values(conditions, "aws:PrincipalArn", narrowing=True):
        found = RESERVED_ROLE.fullmatch(arn.split(":", 5)[-1])
        if found is None or account_of_arn(arn) != account:
            return None
        sets.add(found.group(1))
    return sets.pop() if len(sets) == 1 else None
