"""IAM-* rules: the identity account structure and cross-account trust.

IAM-01 (Principal "*") and IAM-03 (service-principal confused deputy) are not rules here: every
trust in a design names its trusted side, and the exporters write service-principal statements.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from designer.analysis import ADMIN_RANK, access_level
from designer.model.catalog import EntityKind
from designer.model.vocabulary import AccessLevel, PrincipalScope
from designer.model.vocabulary import AccountFunction as F
from designer.rules.context import RuleContext, names_list, plural, route_text
from designer.rules.engine import Category, Hit, Severity, rule

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
IAM_GUIDE = "AWS IAM User Guide"
FEDERATED_PROTOCOLS = frozenset({"saml", "oidc"})  # provider kinds and federation protocols


def _kind(ctx: RuleContext, node_id: str) -> EntityKind | None:
    ref = ctx.index.get(node_id)
    return ref.kind if ref is not None else None


def _role(ctx: RuleContext, rel: Any) -> str:
    """ "role 'Admin' in 'Prod'": how messages name the role a trust creates."""
    return f"role {rel.role_name!r} in {ctx.name(rel.target)}"


@rule(
    "IAM-02",
    "Roles trusted by a third party require an external id",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="A vendor's AWS account assumes roles for many customers. Without an sts:ExternalId "
    "condition, anyone who can make the vendor act for them can make it assume your role (the "
    "confused deputy problem).",
    remediation="Agree a unique external id with the third party and set it on the trust; the "
    "exported trust policy then requires sts:ExternalId.",
    references=[
        f"{IAM_GUIDE}, 'The confused deputy problem'",
        f"{IAM_GUIDE}, 'Access to AWS accounts owned by third parties'",
        "ScoutSuite iam-assume-role-lacks-external-id-and-mfa",
    ],
)
def third_party_external_id(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        if _kind(ctx, rel.source) == EntityKind.OUTSIDE and not rel.external_id:
            yield Hit(
                f"third party {ctx.name(rel.source)} can assume {_role(ctx, rel)} "
                "without an external id",
                (rel.id, rel.source, rel.target),
            )


@rule(
    "IAM-04",
    "Trusts name one role rather than a whole account",
    Severity.MEDIUM,
    Category.IDENTITY,
    rationale="A trust policy whose principal is arn:aws:iam::ACCOUNT:root delegates the decision "
    "to the trusted account: any principal there that an administrator grants sts:AssumeRole may "
    "assume the role. Naming one role ARN keeps the decision in the trusting account. (The named "
    "role must exist before the trusting role is created, so the exporters deploy it first.) "
    "Identity-provider trusts are exempt: their principal is the provider itself.",
    remediation="Set the trust's principal scope to 'role' and name the one role in the trusted "
    "account that may assume it.",
    references=[
        f"{IAM_GUIDE}, 'AWS JSON policy elements: Principal' (AWS account principals)",
        "checkov CKV_AWS_61",
    ],
)
def trust_names_a_role(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        if rel.principal_scope != PrincipalScope.ACCOUNT_ROOT:
            continue
        kind = _kind(ctx, rel.source)
        if kind == EntityKind.IDENTITY_PROVIDER:
            continue
        who = "third party" if kind == EntityKind.OUTSIDE else "account"
        yield Hit(
            f"{_role(ctx, rel)} trusts every principal of {who} {ctx.name(rel.source)} "
            "(account root), not one role",
            (rel.id, rel.source, rel.target),
        )


@rule(
    "IAM-05",
    "People assuming roles across accounts use MFA",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="A cross-account role assumed from another account of the organization is used by "
    "people; the trust policy should require Bool aws:MultiFactorAuthPresent 'true' (not "
    "BoolIfExists, which lets long-term access keys through). Not checked for identity-provider "
    "trusts (MFA is enforced at the provider and the key is absent in federated sessions), for "
    "third parties (machine access guarded by an external id), for trusts whose principals "
    "are federated sign-ins (the role a provider maps users to, or an account without IAM "
    "users that people reach by federation) nor for trusts from deployment accounts "
    "(pipelines cannot present MFA).",
    remediation="Set 'require MFA' on the trust; the exported trust policy then carries "
    "Bool aws:MultiFactorAuthPresent 'true'.",
    references=[
        f"{IAM_GUIDE}, 'AWS global condition context keys': aws:MultiFactorAuthPresent",
        f"{IAM_GUIDE}, 'Configuring MFA-protected API access'",
        "parliament BAD_PATTERN_FOR_MFA",
    ],
)
def cross_account_mfa(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        source = ctx.accounts.get(rel.source)
        if source is None or rel.require_mfa or F.DEPLOYMENT in source.functions:
            continue
        if _federated_principal(ctx, rel):
            continue  # MFA happens at the identity provider; IAM-13 covers the opposite case
        yield Hit(
            f"{_role(ctx, rel)} can be assumed from account {source.name!r} without MFA",
            (rel.id, rel.source, rel.target),
        )


def _federated_principal(ctx: RuleContext, rel: Any) -> bool:
    """The trust's principals arrive by federation, so their sessions carry no MFA key."""
    landing = ctx.landing_roles
    source = ctx.accounts.get(rel.source)
    if source is None or rel.source not in landing:
        return False
    if rel.principal_role_name is not None:
        return rel.principal_role_name in landing[rel.source]
    return source.iam_user_count == 0


@rule(
    "IAM-13",
    "MFA is not required where federated sessions cannot present it",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="Sessions from SAML, OIDC or IAM Identity Center sign-in do not carry "
    "aws:MultiFactorAuthPresent (MFA happens at the identity provider, and STS takes no MFA "
    "code for AssumeRoleWithSAML / AssumeRoleWithWebIdentity), and a role assumed from such a "
    "session has none either. A trust that requires it of federated principals locks them out.",
    remediation="Require MFA in the identity provider and clear 'require MFA' on this trust, or "
    "name a principal that signs in with IAM credentials and an MFA device.",
    references=[
        f"{IAM_GUIDE}, 'Compare AWS STS credentials' (MFA support per API)",
        f"{IAM_GUIDE}, 'AWS global condition context keys': aws:MultiFactorAuthPresent",
    ],
)
def mfa_federated_lockout(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        if rel.require_mfa and _federated_principal(ctx, rel):
            who = (
                f"role {rel.principal_role_name!r}"
                if rel.principal_role_name
                else f"the federated users of {ctx.name(rel.source)}"
            )
            yield Hit(
                f"{_role(ctx, rel)} requires MFA of {who}, whose federated sessions carry no "
                "MFA key: they cannot assume it",
                (rel.id, rel.source, rel.target),
            )


@rule(
    "IAM-06",
    "Trusts inside the organization check aws:PrincipalOrgID",
    Severity.MEDIUM,
    Category.IDENTITY,
    rationale="An aws:PrincipalOrgID condition keeps a trust working only while the trusted "
    "account is a member of the organization: an account that leaves (or an id typed wrong) "
    "loses access.",
    remediation="Mark the trust 'organization scoped'; the exported trust policy then carries "
    "StringEquals aws:PrincipalOrgID.",
    references=[f"{IAM_GUIDE}, 'AWS global condition context keys': aws:PrincipalOrgID"],
)
def organization_scoped_trust(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        if rel.source in ctx.accounts and not rel.organization_scoped:
            yield Hit(
                f"{_role(ctx, rel)} trusts account {ctx.name(rel.source)} without an "
                "aws:PrincipalOrgID condition",
                (rel.id, rel.source, rel.target),
            )


@rule(
    "IAM-07",
    "Session durations fit how the role is reached",
    Severity.MEDIUM,
    Category.IDENTITY,
    rationale="A role assumed from another role's session (role chaining) gets at most one hour, "
    "whatever its MaxSessionDuration says. The design treats an account as reached only by "
    "chaining when trust edges lead into it and it has neither IAM users nor federation: its "
    "people hold role sessions there, so a longer duration on the roles it assumes elsewhere "
    "is never granted and misleads whoever relies on it.",
    remediation="Keep the maximum session duration at 3600 seconds, or give the people who need "
    "longer sessions a direct way in (federation into the trusted account).",
    references=[
        f"{IAM_GUIDE}, 'Roles terms and concepts': role chaining",
        f"{IAM_GUIDE}, 'Update the maximum session duration for a role'",
        "cfn-lint E3034",
    ],
)
def chained_session_duration(ctx: RuleContext) -> Iterator[Hit]:
    trusted = {r.target for r in ctx.relationships("trust")}
    federated = {r.target for r in ctx.relationships("federation")}
    for rel in ctx.relationships("trust"):
        if rel.max_session_duration <= 3600:
            continue
        source = ctx.accounts.get(rel.source)
        if source is None or source.has_iam_users or source.id not in trusted:
            continue
        if source.id in federated:
            continue
        yield Hit(
            f"{_role(ctx, rel)} allows {rel.max_session_duration}-second sessions, but account "
            f"{source.name!r} is reached only through roles, so chained sessions last 1 hour",
            (rel.id, rel.source, rel.target),
        )


@rule(
    "IAM-08",
    "Security-audit roles trust only a security-tooling account",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="Security-audit roles read the configuration of every account; the whitepaper's "
    "Information Security account is the one that holds them. Trusted by anyone else (an "
    "identity provider, a third party, another account), they widen who can map the "
    "organization's weaknesses.",
    remediation="Trust security-audit roles only from the security-tooling (Information "
    "Security) account; give others read-only roles scoped to their need.",
    references=[
        f"{WHITEPAPER}, Information Security Account",
        "Prowler iam_securityaudit_role_created, iam_role_cross_account_readonlyaccess_policy",
    ],
)
def audit_roles_trust_security(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        if rel.access_level != AccessLevel.SECURITY_AUDIT:
            continue
        if ctx.has_function(rel.source, F.SECURITY_TOOLING):
            continue
        yield Hit(
            f"security-audit {_role(ctx, rel)} is trusted by {ctx.label(rel.source)}, "
            "not a security-tooling account",
            (rel.id, rel.source, rel.target),
        )


@rule(
    "IAM-09",
    "SAML and OIDC federation lands in the identity account",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="In the identity account structure, users are managed (or federated) in one "
    "account and reach the others through cross-account roles; SAML / OIDC providers configured "
    "elsewhere scatter the ways in. IAM Identity Center is exempt from the home check: it lives "
    "in the management or a delegated administrator account.",
    remediation="Configure the SAML / OIDC provider in the identity account and federate into it; "
    "reach the other accounts through cross-account roles.",
    references=[
        f"{WHITEPAPER}, Identity Account Structure",
        "Prowler iam_check_saml_providers_sts",
    ],
)
def federation_in_identity(ctx: RuleContext) -> Iterator[Hit]:
    for idp in ctx.design.identity_providers:
        if idp.kind not in FEDERATED_PROTOCOLS or idp.home_account is None:
            continue
        if not ctx.has_function(idp.home_account, F.IDENTITY):
            yield Hit(
                f"{idp.kind} provider {idp.name!r} is configured in {ctx.name(idp.home_account)}, "
                "which is not an identity account",
                (idp.id, idp.home_account),
            )
    for rel in ctx.relationships("federation"):
        if rel.protocol not in FEDERATED_PROTOCOLS or ctx.has_function(rel.target, F.IDENTITY):
            continue
        yield Hit(
            f"{ctx.name(rel.source)} federates users into {ctx.name(rel.target)}, "
            "which is not an identity account",
            (rel.id, rel.source, rel.target),
        )


@rule(
    "IAM-10",
    "Every account's root user has MFA",
    Severity.CRITICAL,
    Category.IDENTITY,
    rationale="The root user can do anything in its account, including closing it; its password "
    "alone must not be enough. One finding lists every account concerned.",
    remediation="Enable (hardware) MFA on the root user of each account, or use centralized root "
    "access management to remove member-account root credentials.",
    references=[
        "Control Tower AWS-GR_ROOT_ACCOUNT_MFA_ENABLED",
        "Prowler iam_root_hardware_mfa_enabled, iam_no_root_access_key",
    ],
)
def root_mfa(ctx: RuleContext) -> Iterator[Hit]:
    missing = [a.id for a in ctx.design.accounts if not a.root_mfa]
    if missing:
        verb = "has" if len(missing) == 1 else "have"
        yield Hit(
            f"{plural(len(missing), 'account')} {verb} no root MFA: {names_list(ctx, missing)}",
            tuple(missing),
        )


@rule(
    "IAM-11",
    "IAM users live only in the identity account",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="The identity account structure keeps users in one account (or in an external "
    "provider) and gives the other accounts cross-account roles; IAM users scattered across "
    "accounts mean long-term credentials to rotate and audit everywhere. The management "
    "account is left to ORG-03.",
    remediation="Move the people to the identity account (or the identity provider) and give "
    "them cross-account roles into this account.",
    references=[f"{WHITEPAPER}, Identity Account Structure"],
)
def users_in_identity(ctx: RuleContext) -> Iterator[Hit]:
    for account in ctx.members:
        if account.has_iam_users and F.IDENTITY not in account.functions:
            yield Hit(
                f"account {account.name!r} has {plural(account.iam_user_count, 'IAM user')} "
                "but is not an identity account",
                (account.id,),
            )


@rule(
    "IAM-12",
    "Admin access is not reached through long trust chains",
    Severity.MEDIUM,
    Category.IDENTITY,
    rationale="Each hop in a chain of trusts is a place where a compromise spreads further than "
    "the account it started in. Admin-level access reached more than two relationships away "
    "from where it starts is hard to see and to review (PMapper-style path analysis).",
    remediation="Trust the admin role directly from the identity account, or cut the "
    "intermediate trust so that admin access needs at most two hops.",
    references=[
        f"{WHITEPAPER}, When to Create Multiple Accounts: 'isolation to minimize blast radius'",
        "PMapper / awspx privilege path analysis",
    ],
)
def long_admin_chains(ctx: RuleContext) -> Iterator[Hit]:
    for chain in ctx.long_chains(ADMIN_RANK):
        rel = ctx.index[chain.relationship].entity
        yield Hit(
            f"{ctx.label(rel.id)} grants {access_level(rel)} at the end of a "
            f"{chain.hops}-hop chain: {route_text(ctx, chain.route)}",
            (chain.relationship, chain.route.nodes[0], *chain.route.nodes[-2:]),
        )
