"""Who gets in: IAM Identity Center (with or without an identity account), the hub roles, and
third parties."""

from __future__ import annotations

from designer.model import (
    Account,
    IdentityProvider,
    OrganizationalUnit,
    OutsidePrincipal,
)
from designer.model.answers import PERMISSION_SET_ROOM, IdentitySource
from designer.model.building import Role
from designer.model.vocabulary import (
    AccessLevel,
    IdentityProviderKind,
    PrincipalType,
)
from designer.wizard import whitepaper as wp
from designer.wizard.builder import Builder, pascal, slug
from designer.wizard.structure import (
    PLATFORM,
    F,
    Landing,
)

# -- identity ------------------------------------------------------------------------------------
IDENTITY_SOURCES: dict[IdentitySource, str] = {
    IdentitySource.SAML: "the corporate SAML 2.0 identity provider as identity source (users "
    "and groups provisioned with SCIM)",
    IdentitySource.ACTIVE_DIRECTORY: "the on-premises Active Directory as identity source, "
    "through an AD Connector",
    IdentitySource.IDENTITY_CENTER: "its own directory, already in use",
    IdentitySource.NONE: "its own directory (no identity source exists yet)",
}


def _identity_center(b: Builder, home: Account) -> IdentityProvider:
    """IAM Identity Center, where people sign in whatever the source of their identities: one
    place that enforces MFA and hands out roles, instead of one SAML provider per account."""
    source = b.answers.identity_source
    return b.add_provider(
        IdentityProvider(
            id=b.sid("idp", "identity-center"),
            name="IAM Identity Center",
            kind=IdentityProviderKind.IDENTITY_CENTER,
            home_account=home.id,
            description=f"Organization instance with {IDENTITY_SOURCES[source]}.",
        )
    )


def _admin_targets(land: Landing) -> list[tuple[str, OrganizationalUnit]]:
    """(role prefix, OU) pairs, each OU once: per business unit OU when visibility is limited,
    else the Workloads OU and a top-level Sandbox OU."""
    if land.unit_ous:
        pairs = [(unit, ou) for (_env, unit), ou in land.unit_ous.items()]
    else:
        tops = [ou for ou in land.environment_ous.values() if ou.parent is None]
        pairs = [("Workload", land.workloads)] + [("Workload", ou) for ou in tops]
    return list({ou.id: (prefix, ou) for prefix, ou in pairs}.values())


def add_identity(b: Builder, land: Landing) -> None:
    a = b.answers
    if a.central_identities:
        _central_identity(b, land)
    else:
        _direct_identity(b, land)


def _central_identity(b: Builder, land: Landing) -> None:
    land.identity = b.add_account(
        "Identity",
        F.IDENTITY,
        "Identity account: people sign in here and assume roles in the other accounts. No "
        "IAM users.",
        parent=land.infrastructure_ou(),
        owner=land.infrastructure_owner(),
        business_unit=PLATFORM,
    )
    idp = _identity_center(b, land.identity)
    seen: dict[str, Role] = {}
    for prefix, ou in _admin_targets(land):
        role = Role(
            f"{pascal(prefix)}Admin",
            AccessLevel.ADMINISTRATOR,
            f"{pascal(prefix)}Administrator",
            f"{prefix} administrators signed in to the Identity account operate {{target}}.",
            require_mfa=False,  # people sign in with MFA; a role session cannot
        )
        seen.setdefault(role.name, role)
        b.trust(land.identity, ou, role, f"every account of {ou.name}")
    hub_roles = sorted({r.principal_role for r in seen.values() if r.principal_role})
    b.federate(
        idp, land.identity, "Workforce users sign in once and land in the hub roles.", hub_roles
    )
    b.federate(
        idp,
        land.tooling,
        "Security analysts sign in and land in the role from which they assume the audit "
        "roles of every account.",
        ["SecurityAnalyst"],
    )
    b.delegate(
        land.management,
        land.identity,
        ["sso.amazonaws.com"],
        "IAM Identity Center is administered from the Identity account.",
    )
    b.decide(
        "Identity account",
        f"People sign in through {idp.name} to an Identity account and reach every other "
        "account through roles; no account but this one is a sign-in point.",
        "You want to manage identities in one account and federate access to the others.",
        [
            wp.cite(wp.S_SECURITY, wp.Q_CENTRAL_IDENTITIES),
            wp.cite(wp.S_IDENTITY, wp.Q_IDENTITY),
            wp.cite(wp.S_IDENTITY, wp.Q_IDENTITY_FEDERATION),
            wp.AWS_IDENTITY_CENTER,
        ],
        [land.infrastructure_ou(), land.identity, idp],
    )


def _direct_identity(b: Builder, land: Landing) -> None:
    center = _identity_center(b, land.management)
    b.federate(
        center,
        land.tooling,
        "Security analysts sign in and land in the role from which they assume the audit roles.",
        ["SecurityAnalyst"],
    )
    for account in land.workload_accounts:
        b.federate(
            center,
            account,
            f"Administrators of {account.business_unit} receive a permission set in "
            f"{account.name}.",
            permission_sets=[f"{pascal(account.owner)[:PERMISSION_SET_ROOM]}Admin"],
        )
    b.decide(
        "No identity account",
        "IAM Identity Center, in the management account, assigns permission sets in each "
        "account directly.",
        "Managing identities in one account was not asked for, so no identity account is "
        "created; answering yes later adds one without changing the other accounts.",
        [wp.cite(wp.S_GENERAL, wp.Q_OVER_ENGINEER), wp.AWS_IDENTITY_CENTER],
        [center],
    )


def add_third_parties(b: Builder, land: Landing) -> None:
    a = b.answers
    for party in a.third_parties:
        outsider = OutsidePrincipal(
            id=b.sid("outside", party.name.casefold()),
            name=party.name,
            aws_account_id=party.aws_account_id,
            owner=party.name,
            description=party.reason,
        )
        b.outside_principals.append(outsider)
        role = Role(
            f"{pascal(party.name)[:40]}ReadOnly",
            AccessLevel.READ_ONLY,
            party.role_name or f"{pascal(party.name)[:40]}Integration",
            f"{party.name} reads {{target}} (read-only) from one role of its account; the "
            "external id prevents a confused deputy.",
            external_id=party.external_id
            or f"{slug(party.name)[:40]}-{b.sid('external-id', party.name)[:8]}",
            principal_type=PrincipalType.WORKLOAD,
            organization_scoped=False,
            require_mfa=False,  # people sign in with MFA; a role session cannot
        )
        b.trust(outsider, land.workloads, role, "every workload account")
        b.decide(
            f"Third party: {party.name}",
            f"{party.name} gets read-only access to the workload accounts through a role that "
            "only one role of its account may assume, with an external id.",
            party.reason or "A third party needs access; it gets the least level asked for.",
            [wp.AWS_EXTERNAL_ID],
            [outsider],
        )
