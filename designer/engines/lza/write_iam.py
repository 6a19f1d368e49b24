"""iam-config.yaml: the design's trusts as roleSets, SAML providers, Identity Center.

A trust is a role deployed where its target says (an account, or every account of an OU or of
the organization), assumed by its trusted side (assumedBy). LZA deploys an OU entry of
deploymentTargets to the accounts placed directly in that OU only, so a scope is written as the
OU and every OU nested in it; Root is every account. A role deployed to a scope lands, in the
design, neither in the management account nor in the trusted account itself (service-managed
StackSets), so those two are written as excludedAccounts. An Identity Center role cannot be
named in a principalArn before it exists: such a trust is written as one of its account.
Permissions come from the access level (designer.artefacts.managed_policies); services without
an AWS managed policy get a customer managed policy file under iam-policies/ deployed by a
policySet with the role.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from designer.artefacts.identity_center import identity_center_roles
from designer.artefacts.managed_policies import (
    SERVICE_FULL_ACCESS,
    level_policy,
    permission_set_policy,
)
from designer.core.scope import Scopes
from designer.engines.files import ConfigFile
from designer.engines.lza import IAM_FILE, IAM_POLICY_FOLDER, ROOT
from designer.engines.lza.names import name_comment, unique
from designer.engines.lza.write import Context
from designer.engines.yamlio import dump_yaml
from designer.model.nodes import IdentityProvider
from designer.model.relationships import FederationRelationship, TrustRelationship
from designer.model.vocabulary import AccessLevel, IdentityProviderKind, OutsideKind, PrincipalScope
from designer.support.names import safe_name

# An Identity Center assignment whose permission set is a role the federation maps users to
# (FederationRelationship.mapped_roles) rather than one of its permission sets.
MAPPED_ROLE_SUFFIX = "-mapped-role"
SAML_FOLDER = "saml-metadata"


@dataclass
class RoleSet:
    targets: dict[str, list[str]]
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)  # role name -> role


@dataclass
class IamWriter:
    ctx: Context
    comments: list[str] = field(default_factory=list)
    sets: list[RoleSet] = field(default_factory=list)
    policy_sets: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # targets -> files
    policy_files: list[ConfigFile] = field(default_factory=list)
    policy_names: set[str] = field(default_factory=set)
    markers: list[str] = field(default_factory=list)  # design-name principal-role comments
    reached: dict[str, frozenset[str]] = field(default_factory=dict)  # targets -> accounts

    def __post_init__(self) -> None:
        design = self.ctx.design
        self.scopes = Scopes(design)
        self.outside = {p.id: p for p in design.outside_principals}
        self.idps = {i.id: i for i in design.identity_providers}
        self.sso_roles = identity_center_roles(design)
        self.providers = {
            i.id: unique(safe_name(i.name, "provider"), set())
            for i in design.identity_providers
            if i.kind == IdentityProviderKind.SAML
        }

    def note(self, text: str) -> None:
        if text not in self.comments:
            self.comments.append(text)

    # -- where a role goes -------------------------------------------------------------------
    def nested(self, unit_id: str) -> set[str]:
        """The OU and every OU nested in it, at any depth."""
        parents = {u.id: u.parent for u in self.ctx.design.organizational_units}
        found = {unit_id}
        for unit in parents:
            node: str | None = unit
            seen: set[str] = set()
            while node is not None and node not in found and node not in seen:
                seen.add(node)
                node = parents.get(node)
            if node in found:
                found |= seen
        return found

    def targets(
        self, rel: TrustRelationship | FederationRelationship
    ) -> dict[str, list[str]] | None:
        """deploymentTargets of the relationship's target; None when it reaches only suspended
        accounts (suspended.py: LZA cannot deploy there)."""
        naming, aside = self.ctx.naming, self.ctx.aside
        if rel.target in aside.accounts or rel.target in aside.units:
            self.note(
                "Roles and assignments for suspended accounts or their OUs are not written: "
                "LZA's pipeline cannot deploy into suspended accounts."
            )
            return None
        if rel.target in naming.accounts:
            return {"accounts": [naming.accounts[rel.target]]}
        members = set(self.scopes.members(rel.target))
        # Suspended accounts of managed OUs: those of ignored OUs LZA skips by itself.
        parked = {
            a.id
            for a in self.ctx.design.accounts
            if a.id in aside.accounts and a.parent not in aside.units
        }
        skipped = {self.scopes.management, rel.source, *rel.excluded_accounts, *parked}
        excluded = [
            naming.accounts[a.id] for a in self.ctx.design.accounts if a.id in skipped & members
        ]
        if rel.target == self.ctx.design.organization.id:
            units = [ROOT]  # LZA's Root: every account, the management account included
        else:  # LZA's OU entry: only the accounts placed directly in it, so every nested OU
            nested = self.nested(rel.target)
            units = [
                naming.ou(u.id)
                for u in self.ctx.design.organizational_units
                if u.id in nested and u.id not in aside.units
            ]
        targets: dict[str, list[str]] = {"organizationalUnits": units}
        if excluded:
            targets["excludedAccounts"] = excluded
        return targets

    # -- who assumes it ----------------------------------------------------------------------
    def _arn(self, account: str, role: str) -> str:
        return f"arn:{self.ctx.partition}:iam::{account}:role/{role}"

    def assumed_by(self, rel: TrustRelationship) -> dict[str, str] | None:
        naming, source = self.ctx.naming, rel.source
        role = rel.principal_role_name if rel.principal_scope == PrincipalScope.ROLE else None
        if source in naming.accounts:
            if role is None:
                return {"type": "account", "principal": naming.accounts[source]}
            account = next(a for a in self.ctx.design.accounts if a.id == source)
            if (source, role) in self.sso_roles:
                return self.sso_principal(rel, naming.accounts[source], role)
            number = account.aws_account_id or f"{{{{account {naming.accounts[source]}}}}}"
            return {"type": "principalArn", "principal": self._arn(number, role)}
        party = self.outside.get(source)
        if party is not None and party.kind == OutsideKind.SERVICE and party.service_principal:
            return {"type": "service", "principal": party.service_principal}
        if party is not None and party.kind == OutsideKind.EXTERNAL_ACCOUNT:
            if party.aws_account_id is None:
                return None
            if role is None:
                return {"type": "account", "principal": party.aws_account_id}
            return {"type": "principalArn", "principal": self._arn(party.aws_account_id, role)}
        if source in self.providers:
            return {"type": "provider", "principal": self.providers[source]}
        return None

    def sso_principal(self, rel: TrustRelationship, account: str, role: str) -> dict[str, str]:
        """Identity Center names its roles AWSReservedSSO_<set>_<random> under a reserved path:
        no principalArn can name one before it exists (IAM refuses the trust), so the role
        trusts the account, and a comment keeps the design's narrowing for the converter."""
        self.note(
            f"Role {json.dumps(rel.role_name)} trusts account {account}: the design narrows it "
            f"to Identity Center's role for {json.dumps(role)} (AWSReservedSSO_{role}_<suffix>), "
            "which no principalArn can name before it exists; narrow the trust once it does."
        )
        self.markers.append(name_comment("principal-role", f"{rel.role_name}@{account}", role))
        return {"type": "account", "principal": account}

    # -- what it may do ----------------------------------------------------------------------
    def policies(self, rel: TrustRelationship, targets: dict[str, list[str]]) -> dict[str, Any]:
        managed, actions = rendered_policies(
            rel.access_level, rel.services, rel.managed_policy_arns, rel.source in self.outside
        )
        for arn in rel.managed_policy_arns:
            if arn.split(":", 5)[4:5] != ["aws"]:
                self.note(
                    f"Role {json.dumps(rel.role_name)}: customer managed policy {arn} is not "
                    "written (LZA creates its own from policySets): add it there."
                )
        out: dict[str, Any] = {"awsManaged": managed} if managed else {}
        if actions:
            out["customerManaged"] = [self.service_policy(rel.role_name, actions, targets)]
        return out

    def service_policy(self, role: str, actions: list[str], targets: dict[str, list[str]]) -> str:
        name = unique(f"{role}-ServiceAdministration", self.policy_names)
        path = f"{IAM_POLICY_FOLDER}/{safe_name(name, 'policy')}.json"
        document = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ServiceAdministration",
                    "Effect": "Allow",
                    "Action": actions,
                    "Resource": "*",
                }
            ],
        }
        self.policy_files.append(
            ConfigFile(path, json.dumps(document, indent=2) + "\n", f"IAM policy {name}")
        )
        key = json.dumps(targets)
        self.policy_sets.setdefault(key, []).append({"name": name, "policy": path})
        return name

    # -- role sets ---------------------------------------------------------------------------
    def reach(self, targets: dict[str, list[str]]) -> frozenset[str]:
        """The LZA names of the accounts LZA deploys these targets to (an OU: the accounts
        placed directly in it)."""
        key = json.dumps(targets, sort_keys=True)
        if key not in self.reached:
            naming = self.ctx.naming
            units = set(targets.get("organizationalUnits", []))
            found = set(targets.get("accounts", []))
            found |= {
                naming.accounts[a.id]
                for a in self.ctx.design.accounts
                if ROOT in units or naming.ou(a.parent) in units
            }
            self.reached[key] = frozenset(found - set(targets.get("excludedAccounts", [])))
        return self.reached[key]

    def clashes(self, targets: dict[str, list[str]], role: dict[str, Any]) -> bool:
        """Whether a role of that name already reaches one of these accounts through other
        targets: LZA refuses two roles of one name in an account, and merging the two would
        give each principal the other's accounts too."""
        reach = self.reach(targets)
        for candidate in self.sets:
            held = candidate.roles.get(role["name"])
            if held is None or (candidate.targets == targets and _same_but_trust(held, role)):
                continue  # none there, or one add_role merges with
            both = sorted(reach & self.reach(candidate.targets))
            if both:
                self.note(
                    f"Role {json.dumps(role['name'])} is not written a second time for "
                    f"{', '.join(both)}: LZA refuses two roles of one name in an account; the "
                    "design's other role of that name there is written, this one is left out."
                )
                return True
        return False

    def add_role(self, targets: dict[str, list[str]], role: dict[str, Any]) -> None:
        """Into the first role set of these targets holding no other role of that name; a role
        of the same name and permissions gains the new assumedBy instead."""
        if self.clashes(targets, role):
            return
        for candidate in self.sets:
            if candidate.targets != targets:
                continue
            held = candidate.roles.get(role["name"])
            if held is None:
                candidate.roles[role["name"]] = role
                return
            if _same_but_trust(held, role):
                held["assumedBy"] += [p for p in role["assumedBy"] if p not in held["assumedBy"]]
                return
        self.sets.append(RoleSet(targets, {role["name"]: role}))

    def trust(self, rel: TrustRelationship) -> None:
        principal = self.assumed_by(rel)
        if principal is None:
            self.note(
                f"Role {json.dumps(rel.role_name)}: its trusted side (an OU, the organization, a "
                "partner organization, anyone, an external account without an id, or an "
                "identity provider other than SAML) cannot be an LZA assumedBy; not written."
            )
            return
        targets = self.targets(rel)
        if targets is None:
            return
        role: dict[str, Any] = {"name": rel.role_name, "assumedBy": [principal]}
        if rel.external_id:
            role["externalIds"] = [rel.external_id]
        policies = self.policies(rel, targets)
        if policies:
            role["policies"] = policies
        if rel.max_session_duration != 3600:
            role["maxSessionDuration"] = rel.max_session_duration
        if rel.require_mfa or rel.organization_scoped or rel.source_account_condition:
            self.note(
                "Trust conditions (MFA, aws:PrincipalOrgID, aws:SourceAccount) are not written: "
                "LZA's assumedBy has no conditions."
            )
        self.add_role(targets, role)

    def federation(self, rel: FederationRelationship, idp: IdentityProvider) -> None:
        """SAML: the mapped roles in the target account, assumed through the provider."""
        targets = self.targets(rel)
        for name in rel.mapped_roles:
            principal = {"type": "provider", "principal": self.providers[idp.id]}
            if targets is not None:
                self.add_role(targets, {"name": name, "assumedBy": [principal]})
        if rel.permission_sets:
            self.note("Permission sets of a SAML federation are not written.")

    def role_sets(self) -> list[dict[str, Any]]:
        return [
            {"deploymentTargets": s.targets, "roles": list(s.roles.values())} for s in self.sets
        ]

    def policy_set_list(self) -> list[dict[str, Any]]:
        return [
            {"deploymentTargets": json.loads(key), "policies": files}
            for key, files in self.policy_sets.items()
        ]


def _same_but_trust(one: dict[str, Any], other: dict[str, Any]) -> bool:
    """Two roles that differ at most in who assumes them: one role with both principals."""
    return {k: v for k, v in one.items() if k != "assumedBy"} == {
        k: v for k, v in other.items() if k != "assumedBy"
    }


def rendered_policies(
    level: AccessLevel, services: list[str], arns: list[str], outside: bool
) -> tuple[list[str], list[str]]:
    """What a role of the design is given in LZA: the AWS managed policy names (awsManaged) and
    the actions of its one customer managed service policy (none: no such policy). The reader
    compares what it reads with this, so only a role the design says exactly is converted."""
    managed: list[str] = []
    level_name = level_policy(level, outside)
    if level_name is not None:
        managed.append(level_name)
    actions: list[str] = []
    if level == AccessLevel.SERVICE_ADMIN:
        managed += [SERVICE_FULL_ACCESS[s] for s in services if s in SERVICE_FULL_ACCESS]
        actions = [f"{s}:*" for s in services if s not in SERVICE_FULL_ACCESS]
    for arn in arns:
        _, _, _, _, account, resource = arn.split(":", 5)
        if account == "aws":  # AWS managed: LZA takes its name (job-function/... included)
            managed.append(resource.removeprefix("policy/"))
    return managed, actions


# -- providers and Identity Center -----------------------------------------------------------------
def _providers(writer: IamWriter) -> list[dict[str, str]]:
    found = []
    for idp_id, name in writer.providers.items():
        idp = writer.idps[idp_id]
        path = f"{SAML_FOLDER}/{name}.xml"
        found.append({"name": name, "metadataDocument": path})
        where = f" (published at {idp.metadata_url})" if idp.metadata_url else ""
        writer.note(f"SAML provider {json.dumps(name)}: put its metadata at {path}{where}.")
    return found


def _identity_center(writer: IamWriter) -> dict[str, Any] | None:
    design = writer.ctx.design
    centers = [
        i for i in design.identity_providers if i.kind == IdentityProviderKind.IDENTITY_CENTER
    ]
    if not centers:
        return None
    if len(centers) > 1:
        writer.note("LZA configures one Identity Center: only the first one is written.")
    center = centers[0]
    rels = [r for r in design.relationships if r.kind == "federation" and r.source == center.id]
    sets = list(dict.fromkeys(n for r in rels for n in [*r.permission_sets, *r.mapped_roles]))
    permission_sets = []
    for name in sets:
        policy = permission_set_policy(name)
        entry: dict[str, Any] = {"name": name}
        if policy is not None:
            entry["policies"] = {"awsManaged": [policy]}
        else:
            writer.note(f"Permission set {json.dumps(name)}: the design does not say its policies.")
        permission_sets.append(entry)
    taken: set[str] = set()
    assignments = []
    for rel in rels:
        targets = writer.targets(rel)
        if targets is None:
            continue
        where = next(iter(targets.values()))[0]
        for name, suffix in [(n, "") for n in rel.permission_sets] + [
            (n, MAPPED_ROLE_SUFFIX) for n in rel.mapped_roles
        ]:
            label = unique(f"{where}-{name}{suffix}".replace("/", "-"), taken)
            assignments.append(
                {"name": label, "permissionSetName": name, "deploymentTargets": targets}
            )
    if assignments:
        writer.note(
            "Identity Center assignments name no users or groups (the design does not): add "
            f"their principals. An assignment whose name ends in {MAPPED_ROLE_SUFFIX} is a role "
            "the design's federation maps users to."
        )
    data: dict[str, Any] = {"name": center.name}
    if center.home_account is not None:
        data["delegatedAdminAccount"] = writer.ctx.account(center.home_account)
    if permission_sets:
        data["identityCenterPermissionSets"] = permission_sets
    if assignments:
        data["identityCenterAssignments"] = assignments
    return data


def iam_files(ctx: Context) -> list[ConfigFile]:
    writer = IamWriter(ctx)
    for rel in ctx.design.relationships:
        if rel.kind == "trust":
            writer.trust(rel)
        elif rel.kind == "federation":
            idp = writer.idps.get(rel.source)
            if idp is not None and idp.kind == IdentityProviderKind.SAML:
                writer.federation(rel, idp)
            elif idp is not None and idp.kind in (
                IdentityProviderKind.OIDC,
                IdentityProviderKind.DIRECTORY_SERVICE,
            ):
                writer.note(
                    f"Identity provider {json.dumps(idp.name)} ({idp.kind}): LZA's iam-config "
                    "has SAML providers and Identity Center only; not written."
                )
    data: dict[str, Any] = {}
    providers = _providers(writer)
    if providers:
        data["providers"] = providers
    if writer.policy_sets:
        data["policySets"] = writer.policy_set_list()
    data["roleSets"] = writer.role_sets()
    center = _identity_center(writer)
    if center is not None:
        data["identityCenter"] = center
    head = ["Landing Zone Accelerator IAM: the design's cross-account roles and federation."]
    text = dump_yaml(data, head + writer.comments + sorted(set(writer.markers)))
    return [ConfigFile(IAM_FILE, text, "LZA IAM roles"), *writer.policy_files]
