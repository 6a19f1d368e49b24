"""IAM-* rules: the identity account structure and cross-account trust.

Rules about people (MFA, signing in through the identity account) look only at trusts and
federations whose principal type is human; workload trusts (pipelines, services, vendor
systems) get their own checks (IAM-14, IAM-17). Trusts from outside the organization are in
outside.py (IAM-01, IAM-02, IAM-03, IAM-15).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from designer.analysis import ACCESS_RANK, ADMIN_RANK, access_level
from designer.artefacts.policy_documents import size
from designer.artefacts.policy_set import Role, build_policies
from designer.artefacts.quotas import (
    MAX_ROLE_MANAGED_POLICIES,
    MAX_ROLE_MANAGED_POLICIES_RAISED,
    MAX_TRUST_POLICY_CHARACTERS,
    MAX_TRUST_POLICY_CHARACTERS_RAISED,
)
from designer.artefacts.tokens import plain
from designer.model.errors import DesignError
from designer.model.vocabulary import (
    AccessLevel,
    OutsideKind,
    PrincipalScope,
    PrincipalType,
    Unread,
)
from designer.model.vocabulary import AccountFunction as F
from designer.rules.context import RuleContext, names_list, plural, route_text
from designer.rules.engine import Category, Hit, Severity, rule
from designer.rules.unread import known

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
IAM_GUIDE = "AWS IAM User Guide"
IAM_DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide"
CONDITION_KEYS = (
    f"{IAM_GUIDE}, 'AWS global condition context keys' ({IAM_DOCS}/"
    "reference_policies_condition-keys.html)"
)
FEDERATED_PROTOCOLS = frozenset({"saml", "oidc"})  # provider kinds and federation protocols
HUMAN = PrincipalType.HUMAN
WORKLOAD = PrincipalType.WORKLOAD
# Outside principals whose principal is the service or the public: no account root to narrow.
NO_ACCOUNT_PRINCIPAL = frozenset({OutsideKind.SERVICE, OutsideKind.ANYONE})


def _role(ctx: RuleContext, rel: Any) -> str:
    """ "role 'Admin' in 'Prod'": how messages name the role a trust creates."""
    return f"role {rel.role_name!r} in {ctx.name(rel.target)}"


@rule(
    "IAM-04",
    "Trusts name one role rather than a whole account",
    Severity.MEDIUM,
    Category.IDENTITY,
    rationale="A trust policy whose principal is arn:aws:iam::ACCOUNT:root delegates the decision "
    "to the trusted account: any principal there that an administrator grants sts:AssumeRole may "
    "assume the role. Naming one role ARN keeps the decision in the trusting account. (The named "
    "role must exist before the trusting role is created, so the exporters deploy it first.) "
    "A trust from an OU or the organization without a named role admits every principal of "
    "every account in it. High for workload trusts: a pipeline presents no MFA, so the named "
    "role is the only thing that tells the pipeline from anyone else in its account. "
    "Identity-provider, AWS-service and public trusts are exempt: their principal is the "
    "provider or service itself (IAM-01 reports public ones).",
    remediation="Set the trust's principal scope to 'role' and name the one role in the trusted "
    "account that may assume it (for a pipeline: the role its runners or build project use).",
    references=[
        f"{IAM_GUIDE}, 'AWS JSON policy elements: Principal' (AWS account principals) "
        f"({IAM_DOCS}/reference_policies_elements_principal.html)",
        "checkov CKV_AWS_61",
    ],
)
def trust_names_a_role(ctx: RuleContext) -> Iterator[Hit]:
    seen: set[str] = set()
    for rel in ctx.relationships("trust"):
        if rel.principal_scope != PrincipalScope.ACCOUNT_ROOT or rel.source in ctx.providers:
            continue
        party = ctx.outside.get(rel.source)
        if party is not None and party.kind in NO_ACCOUNT_PRINCIPAL:
            continue
        scope = ctx.scoped_source(rel)
        if scope is not None:  # one finding for the scope, not one per account in it
            if rel.id in seen:
                continue
            seen.add(rel.id)
            who = f"every principal of {ctx.describe(scope)} (aws:PrincipalOrgPaths)"
            subjects = (rel.id, scope, rel.target)
        else:
            partner = party is not None and party.kind == OutsideKind.PARTNER_ORGANIZATION
            how = "aws:PrincipalOrgID" if partner else "account root"
            who = f"every principal of {ctx.describe(rel.source)} ({how})"
            subjects = (rel.id, rel.source, rel.target)
        if rel.principal_type == WORKLOAD:
            yield Hit(
                f"workload {_role(ctx, rel)} trusts {who}: name the one role the workload runs as",
                subjects,
                Severity.HIGH,
            )
        else:
            yield Hit(f"{_role(ctx, rel)} trusts {who}, not one role", subjects)


@rule(
    "IAM-05",
    "People assuming roles across accounts use MFA",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="A cross-account role that the IAM users of another account of the organization "
    "assume should require Bool aws:MultiFactorAuthPresent 'true' in its trust policy (not "
    "BoolIfExists, which lets long-term access keys through). Checked for human trusts whose "
    "principal is the trusted account (its IAM users) only. A trust whose principal is a role is "
    "not asked for it: a role session carries no MFA key, so the export writes no MFA condition "
    "there (IAM-13), and the check belongs to the way people reach that role, the trust into it "
    "(checked here) or the identity provider that lands them in it. Not checked either for "
    "workload trusts (a pipeline, a service cannot present MFA: IAM-04 and IAM-14), "
    "identity-provider trusts (MFA is enforced at the provider), principals outside the "
    "organization (IAM-02) nor accounts without IAM users that people reach by federation.",
    remediation="Set 'require MFA' on the trust; the exported trust policy then carries "
    "Bool aws:MultiFactorAuthPresent 'true'. If a pipeline, not a person, assumes the role, "
    "set the trust's principal type to workload and name the pipeline's role.",
    references=[
        f"{CONDITION_KEYS}: aws:MultiFactorAuthPresent",
        f"{IAM_GUIDE}, 'Configuring MFA-protected API access' "
        f"({IAM_DOCS}/id_credentials_mfa_configure-api-require.html)",
        "parliament BAD_PATTERN_FOR_MFA",
    ],
)
def cross_account_mfa(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        if rel.require_mfa or rel.principal_type != HUMAN:
            continue
        if rel.principal_scope == PrincipalScope.ROLE:
            continue  # a role session has no MFA key: asked of the trust into that role
        source = ctx.accounts.get(rel.source)
        if source is None or _federated_principal(ctx, rel) or _users_unknown(ctx, rel):
            continue  # MFA happens at the identity provider; IAM-13 covers the opposite case
        hint = ""
        if F.DEPLOYMENT in source.functions:
            hint = " (if a pipeline assumes it, make it a workload trust)"
        yield Hit(
            f"{_role(ctx, rel)} can be assumed from account {source.name!r} without MFA{hint}",
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
    return known(source, Unread.ROOT_USER) and source.iam_user_count == 0


def _users_unknown(ctx: RuleContext, rel: Any) -> bool:
    """Whether the trust's principals are federated depends on IAM users an import could not
    count: IAM-05 and IAM-13 stay silent about it."""
    source = ctx.accounts.get(rel.source)
    return (
        source is not None
        and rel.principal_role_name is None
        and rel.source in ctx.landing_roles
        and not known(source, Unread.ROOT_USER)
    )


def _sign_in_to(ctx: RuleContext, account: str, role: str) -> str:
    """Where people get the role session a trust names: the trusts that create the role."""
    sources = sorted(
        {
            ctx.name(rel.source)
            for rel in ctx.relationships("trust")
            if rel.target == account and rel.role_name == role
        }
    )
    if not sources:
        return "the identity provider, IAM Identity Center or the trust that lands them in it"
    return f"the trust from {', '.join(sources)}"


@rule(
    "IAM-13",
    "MFA is not required of role sessions, which cannot present it",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="STS sets aws:MultiFactorAuthPresent only for sessions obtained with an MFA "
    "device: GetSessionToken (an IAM user or the root user) or AssumeRole called by an IAM user "
    "with its MFA code. A role session carries no "
    "MFA key: sessions from SAML, OIDC or IAM Identity Center sign-in (MFA happens at the "
    "identity provider) and a role assumed from another role alike. A trust whose principal is "
    "a role therefore gets no MFA condition in the export, whatever the design asks, and a trust "
    "that requires MFA of federated users locks them out. Require MFA where people sign in: "
    "at the identity provider or on the trust from IAM users into the principal role. "
    "(Workload trusts that require MFA are IAM-14's.)",
    remediation="Clear 'require MFA' on this trust and require MFA where people sign in to the "
    "principal role: the identity provider or IAM Identity Center that lands them in it, or the "
    "trust from the identity account's IAM users that creates it (principal: that account, "
    "'require MFA' set). Or name, instead of a role, an account whose IAM users sign in with "
    "an MFA device.",
    references=[
        f"{IAM_GUIDE}, 'Compare AWS STS credentials' (MFA support per API)",
        f"{CONDITION_KEYS}: aws:MultiFactorAuthPresent",
        f"{IAM_GUIDE}, 'Configuring MFA-protected API access' "
        f"({IAM_DOCS}/id_credentials_mfa_configure-api-require.html)",
    ],
)
def mfa_role_session(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        if not rel.require_mfa or rel.principal_type != HUMAN:
            continue
        subjects = (rel.id, rel.source, rel.target)
        if _users_unknown(ctx, rel):
            continue
        if _federated_principal(ctx, rel):
            who = (
                f"role {rel.principal_role_name!r}"
                if rel.principal_role_name
                else f"the federated users of {ctx.name(rel.source)}"
            )
            yield Hit(
                f"{_role(ctx, rel)} requires MFA of {who}, whose federated sessions carry no "
                "MFA key: they cannot assume it",
                subjects,
            )
        elif rel.principal_scope == PrincipalScope.ROLE and rel.principal_role_name:
            name = rel.principal_role_name
            where = (
                _sign_in_to(ctx, rel.source, name)
                if rel.source in ctx.accounts
                else "the identity provider or the trust that lands them in it"
            )
            yield Hit(
                f"{_role(ctx, rel)} requires MFA of role {name!r} of {ctx.name(rel.source)}, a "
                "role session that carries no MFA key (the export writes no MFA condition): "
                f"clear 'require MFA' and require MFA where people sign in to {name!r} ({where})",
                subjects,
            )


@rule(
    "IAM-06",
    "Trusts inside the organization check aws:PrincipalOrgID",
    Severity.MEDIUM,
    Category.IDENTITY,
    rationale="An aws:PrincipalOrgID condition keeps a trust working only while the trusted "
    "account is a member of the organization: an account that leaves (or an id typed wrong) "
    "loses access. A trust from an OU or the organization carries aws:PrincipalOrgPaths / "
    "aws:PrincipalOrgID by construction.",
    remediation="Mark the trust 'organization scoped'; the exported trust policy then carries "
    "StringEquals aws:PrincipalOrgID.",
    references=[f"{CONDITION_KEYS}: aws:PrincipalOrgID, aws:PrincipalOrgPaths"],
)
def organization_scoped_trust(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        if rel.source not in ctx.accounts or rel.organization_scoped:
            continue
        if ctx.scoped_source(rel) is not None:
            continue  # its policy names the OU or organization: the condition is built in
        yield Hit(
            f"{_role(ctx, rel)} trusts account {ctx.name(rel.source)} without an "
            "aws:PrincipalOrgID condition",
            (rel.id, rel.source, rel.target),
        )


ONE_HOUR = 3600  # seconds: the AWS default, and the cap on a chained role session
SESSION_DURATION_PAGE = (
    f"{IAM_GUIDE}, 'Update the maximum session duration for a role' "
    f"({IAM_DOCS}/roles-managingrole-editing-console.html#roles-modify_max-session-duration)"
)
ROLE_CHAINING_PAGE = (
    f"{IAM_GUIDE}, 'Roles terms and concepts': role chaining ({IAM_DOCS}/id_roles.html)"
)


@rule(
    "IAM-07",
    "Session durations fit how the role is reached and what it can do",
    Severity.MEDIUM,
    Category.IDENTITY,
    rationale="A role session's credentials cannot be revoked one by one before they expire "
    "(only by revoking every session of the role), so a stolen admin session is usable for as "
    "long as the role's MaxSessionDuration allows, up to 12 hours. Admin-level roles (IAM "
    "admin, administrator, an admin custom policy) should keep the one-hour default: medium "
    "when one allows more, even when it is reached only by chaining today (a direct way in "
    "added later would get the long session). Otherwise, a role assumed from another role's "
    "session (role chaining) gets at most one hour whatever its MaxSessionDuration says, "
    "and a session from SAML, OIDC or IAM Identity Center sign-in is a role session too, so "
    "the next role assumed from it is chained. A longer duration on such a role is never "
    "granted and misleads "
    "whoever relies on it (low). A trust is chained when its principal is a role that people "
    "land in by federation or that another trust creates, or when its principal is an "
    "account whose only principals are role sessions (no IAM users).",
    remediation="Keep admin roles at 3600 seconds and let people sign in again (or re-assume "
    "the role) when they need more; for a chained role set 3600, or give the people who need "
    "longer sessions a direct way in (a permission set or federation into the account itself, "
    "whose session length the identity provider sets).",
    references=[
        ROLE_CHAINING_PAGE,
        SESSION_DURATION_PAGE,
        f"{IAM_GUIDE}, 'Revoke IAM role temporary security credentials' "
        f"({IAM_DOCS}/id_roles_use_revoke-sessions.html)",
        "AWS Security Token Service API Reference, 'AssumeRole': DurationSeconds (role "
        "chaining limits the session to one hour)",
        "cfn-lint E3034",
    ],
)
def chained_session_duration(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        seconds = rel.max_session_duration
        if seconds <= ONE_HOUR:
            continue
        subjects = (rel.id, rel.source, rel.target)
        chained_by = _chained_by(ctx, rel, _roles_created(ctx))
        if ACCESS_RANK[access_level(rel)] >= ADMIN_RANK:
            capped = (
                f" (today it is chained from {chained_by}, capped at 1 hour)" if chained_by else ""
            )
            yield Hit(
                f"{_role(ctx, rel)} grants {access_level(rel)} in sessions of up to "
                f"{seconds / 3600:g} hours ({seconds} seconds): keep admin sessions to 1 hour"
                + capped,
                subjects,
                evidence=(f"MaxSessionDuration {seconds} on a {access_level(rel)} role",),
            )
        elif chained_by is not None:
            yield Hit(
                f"{_role(ctx, rel)} allows {seconds}-second sessions, but it is assumed from "
                f"{chained_by}, so the chained session lasts at most 1 hour",
                subjects,
                Severity.LOW,
                evidence=(f"principal: {chained_by}; MaxSessionDuration {seconds}",),
            )


def _roles_created(ctx: RuleContext) -> dict[str, set[str]]:
    """Per account, the roles people or roles reach it as: trusts' roles and federated roles."""
    memo: dict[str, Any] = ctx.__dict__
    if "_iam07_roles" not in memo:
        found: dict[str, set[str]] = {}
        for rel in ctx.relationships("trust"):
            found.setdefault(rel.target, set()).add(rel.role_name)
        memo["_iam07_roles"] = found
    roles: dict[str, set[str]] = memo["_iam07_roles"]
    return roles


def _chained_by(ctx: RuleContext, rel: Any, created: dict[str, set[str]]) -> str | None:
    """What session the trust's principal holds when it is a role session (else None)."""
    source = ctx.accounts.get(rel.source)
    if source is None:
        return None  # a provider's sign-in or an outsider: the first hop we can see
    name = rel.principal_role_name
    if rel.principal_scope == PrincipalScope.ROLE and name:
        if name in ctx.landing_roles.get(source.id, ()):
            return f"role {name!r}, a federated session in {source.name!r}"
        if name in created.get(source.id, ()):
            return f"role {name!r}, itself assumed through a trust into {source.name!r}"
        return None
    if source.has_iam_users or not known(source, Unread.ROOT_USER):
        return None
    if source.id in ctx.landing_roles or source.id in created:
        return f"account {source.name!r}, whose people hold only role sessions (no IAM users)"
    return None


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
    "elsewhere scatter the ways in. This is about people: a workload federation (an OIDC "
    "provider for CI jobs, such as GitHub Actions into a deployment account) belongs in the "
    "account whose roles the jobs use, and a provider that only workloads use is not checked "
    "(IAM-17 checks where CI jobs get in), and neither is an OIDC provider kept in a "
    "deployment account that no person signs in with (a CI provider drawn before its roles). "
    "IAM Identity Center is exempt from the home check: it lives in the management or a "
    "delegated administrator account.",
    remediation="Configure the SAML / OIDC provider people sign in with in the identity account "
    "and federate into it; reach the other accounts through cross-account roles. If the "
    "federation is for CI jobs, set its principal type to workload.",
    references=[
        f"{WHITEPAPER}, Identity Account Structure",
        f"{IAM_GUIDE}, 'Create a role for OpenID Connect federation' "
        f"({IAM_DOCS}/id_roles_create_for-idp_oidc.html)",
        "Prowler iam_check_saml_providers_sts",
    ],
)
def federation_in_identity(ctx: RuleContext) -> Iterator[Hit]:
    people: dict[str, bool] = {}  # provider -> whether any of its edges is used by people
    for kind in ("federation", "trust"):
        for rel in ctx.relationships(kind):
            if rel.source in ctx.providers:
                people[rel.source] = people.get(rel.source, False) or rel.principal_type == HUMAN
    for idp in ctx.design.identity_providers:
        if idp.kind not in FEDERATED_PROTOCOLS or idp.home_account is None:
            continue
        if not people.get(idp.id, _maybe_people(ctx, idp)):
            continue  # only workloads use it: it lives where their roles are
        if not ctx.has_function(idp.home_account, F.IDENTITY):
            yield Hit(
                f"{idp.kind} provider {idp.name!r} is configured in {ctx.name(idp.home_account)}, "
                "which is not an identity account",
                (idp.id, idp.home_account),
            )
    for rel in ctx.relationships("federation"):
        if rel.protocol not in FEDERATED_PROTOCOLS or rel.principal_type != HUMAN:
            continue
        if ctx.has_function(rel.target, F.IDENTITY):
            continue
        yield Hit(
            f"{ctx.name(rel.source)} federates users into {ctx.name(rel.target)}, "
            "which is not an identity account",
            (rel.id, rel.source, rel.target),
        )


def _maybe_people(ctx: RuleContext, idp: Any) -> bool:
    """Whether a provider nothing uses yet is taken to be for people: an OIDC provider kept in a
    deployment account is a CI provider (GitHub Actions, GitLab), not a workforce sign-in."""
    ci = idp.kind == "oidc" and ctx.has_function(idp.home_account, F.DEPLOYMENT)
    return not ci


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
    missing = [a.id for a in ctx.design.accounts if not a.root_mfa and known(a, Unread.ROOT_USER)]
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


@rule(
    "IAM-14",
    "Workload trusts do not require MFA",
    Severity.MEDIUM,
    Category.IDENTITY,
    rationale="A pipeline, a service or a vendor's system cannot present an MFA code, so a "
    "workload trust that requires aws:MultiFactorAuthPresent either can never be used (the "
    "deployment fails) or is really used by people, in which case the design misstates who "
    "holds the role and the MFA requirement only looks like protection for the workload.",
    remediation="If a workload assumes the role, clear 'require MFA' and protect the trust the "
    "way workloads are protected: name the one role it runs as (principal scope 'role'), an "
    "external id for a party outside the organization. If people assume it, set the principal "
    "type to human.",
    references=[
        f"{CONDITION_KEYS}: aws:MultiFactorAuthPresent",
        f"{IAM_GUIDE}, 'Configuring MFA-protected API access' "
        f"({IAM_DOCS}/id_credentials_mfa_configure-api-require.html)",
    ],
)
def workload_mfa(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        if rel.require_mfa and rel.principal_type == WORKLOAD:
            yield Hit(
                f"workload {_role(ctx, rel)} requires MFA of {ctx.describe(rel.source)}, "
                "which a pipeline or service cannot present",
                (rel.id, rel.source, rel.target),
            )


@rule(
    "IAM-16",
    "A trust from an OU or the organization grants no admin access",
    Severity.HIGH,
    Category.IDENTITY,
    rationale='A trust from an OU or the organization is written as Principal "*" with an '
    "aws:PrincipalOrgPaths / aws:PrincipalOrgID condition: every user and role of every "
    "account in it, including accounts added later and any sandbox, may assume the role. With "
    "IAM-admin, administrator or an admin custom policy, the least-trusted account of the scope "
    "becomes administrator of the target. When the trust names one role, whoever can create "
    "that role in any account of the scope (its administrators) gets in: still high when the "
    "scope holds a sandbox or non-production account (whose owners administer it) or the role "
    "is in a production or privileged account, medium otherwise.",
    remediation="Trust the admin role from the one account (and role) that administers the "
    "target, usually the identity account; keep OU- and organization-wide trusts to read-only "
    "or security-audit roles.",
    references=[
        f"{CONDITION_KEYS}: aws:PrincipalOrgID, aws:PrincipalOrgPaths",
        f"{IAM_GUIDE}, 'Security best practices in IAM': apply least-privilege permissions "
        f"({IAM_DOCS}/best-practices.html)",
        f"{WHITEPAPER}, When to Create Multiple Accounts: 'isolation to minimize blast radius'",
    ],
)
def scoped_admin_trust(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.design.relationships:
        if rel.kind != "trust" or not ctx.scopes.is_scope(rel.source):
            continue
        level = access_level(rel)
        if ACCESS_RANK[level] < ADMIN_RANK:
            continue
        count = plural(len(ctx.scopes.members(rel.source, rel.excluded_accounts)), "account")
        scope = f"{ctx.describe(rel.source)} ({count})"
        if rel.principal_scope == PrincipalScope.ROLE:
            yield Hit(
                f"{_role(ctx, rel)} grants {level} to role {rel.principal_role_name!r} of any "
                f"account in {scope}: the administrators of each can create that role",
                (rel.id, rel.source, rel.target),
                None if _exposed(ctx, rel) else Severity.MEDIUM,
                evidence=_scope_evidence(ctx, rel),
            )
        else:
            yield Hit(
                f"{_role(ctx, rel)} grants {level} to every principal of {scope}",
                (rel.id, rel.source, rel.target),
                evidence=_scope_evidence(ctx, rel),
            )


def _less_trusted_in_scope(ctx: RuleContext, rel: Any) -> list[str]:
    """Sandbox and non-production accounts of a trust's source scope (their owners are admins
    there, so they can create any role name the trust admits)."""
    members = ctx.scopes.members(rel.source, rel.excluded_accounts)
    return [a for a in members if ctx.less_trusted(a)]


def _exposed(ctx: RuleContext, rel: Any) -> bool:
    """A named-role scoped trust is as bad as an open one when a sandbox or non-production
    account of the scope can create that role, or the role guards production or a
    privileged account."""
    return bool(_less_trusted_in_scope(ctx, rel)) or ctx.guarded_kind(rel.target) is not None


def _scope_evidence(ctx: RuleContext, rel: Any) -> tuple[str, ...]:
    weaker = _less_trusted_in_scope(ctx, rel)
    lines = [f"trust {ctx.label(rel.id)}: principal {ctx.describe(rel.source)}"]
    if weaker:
        lines.append(f"less-trusted accounts in it: {names_list(ctx, weaker)}")
    kind = ctx.guarded_kind(rel.target)
    if kind is not None:
        lines.append(f"the role is in a {kind}")
    return tuple(lines)


@rule(
    "IAM-17",
    "CI jobs federated from a provider (OIDC) get no admin access and no management account",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="A workload federation (an OIDC provider such as GitHub Actions trusted by a role; "
    "any identity-provider trust or federation whose principal type is workload) "
    "lets every job that can get a token from the provider assume the role: a workflow on any "
    "branch, a pull request, a compromised action. The token's subject (repository, branch, "
    "environment) narrows it (IAM-18), but a mistake in it or in the workflow still reaches "
    "whatever the role grants. CI jobs therefore deploy through a deployment account with roles "
    "scoped to "
    "what they deploy; admin access or any access into the management account turns a "
    "repository compromise into an organization compromise.",
    remediation="Federate CI jobs into a deployment account (or a workload account) with a role "
    "limited to what the pipeline deploys, restrict the trust to the repository and branch "
    "(token.actions.githubusercontent.com:sub, e.g. repo:ORG/REPO:ref:refs/heads/main) and "
    "keep the management account out of CI: deploy its few resources by hand or from a "
    "separate, reviewed stack.",
    references=[
        f"{IAM_GUIDE}, 'Create a role for OpenID Connect federation' "
        f"({IAM_DOCS}/id_roles_create_for-idp_oidc.html)",
        "GitHub Docs, 'Configuring OpenID Connect in Amazon Web Services' "
        "(https://docs.github.com/en/actions/security-for-github-actions/"
        "security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services)",
        "AWS Organizations User Guide, 'Best practices for the management account' "
        "(https://docs.aws.amazon.com/organizations/latest/userguide/"
        "orgs_best-practices_mgmt-acct.html)",
    ],
)
def ci_federation(ctx: RuleContext) -> Iterator[Hit]:
    management = ctx.design.organization.management_account
    for kind in ("trust", "federation"):
        for rel in ctx.relationships(kind):
            if rel.principal_type != WORKLOAD or rel.source not in ctx.providers:
                continue
            level = access_level(rel)
            jobs = f"CI jobs of {ctx.describe(rel.source)}"
            if rel.target == management:
                yield Hit(
                    f"{jobs} get {level} access in the management account ({ctx.label(rel.id)})",
                    (rel.id, rel.source, rel.target),
                )
            elif ACCESS_RANK[level] >= ADMIN_RANK:
                yield Hit(
                    f"{jobs} get {level} access in {ctx.name(rel.target)} ({ctx.label(rel.id)})",
                    (rel.id, rel.source, rel.target),
                )


@rule(
    "IAM-18",
    "Roles trusted by an OIDC provider name the token subjects they admit",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="An OIDC provider such as token.actions.githubusercontent.com issues tokens to "
    "every repository and workflow that uses it, not only yours. A role that trusts the provider "
    "with an audience condition only can be assumed by any of them; the sub claim (repository, "
    "branch or environment) is what ties it to your pipeline. Critical when the role grants "
    "admin access.",
    remediation="List the subjects the trust admits (oidc_subjects), e.g. "
    "repo:ORG/REPO:ref:refs/heads/main or repo:ORG/REPO:environment:prod; the exported trust "
    "policy then requires them with StringLike on <issuer>:sub.",
    references=[
        f"{IAM_GUIDE}, 'Create a role for OpenID Connect federation' "
        f"({IAM_DOCS}/id_roles_create_for-idp_oidc.html)",
        "GitHub Docs, 'About security hardening with OpenID Connect': configuring the subject "
        "in your cloud provider (https://docs.github.com/en/actions/security-for-github-actions/"
        "security-hardening-your-deployments/about-security-hardening-with-openid-connect)",
    ],
)
def oidc_subjects(ctx: RuleContext) -> Iterator[Hit]:
    for kind in ("trust", "federation"):
        for rel in ctx.relationships(kind):
            provider = ctx.providers.get(rel.source)
            if provider is None or provider.kind != "oidc" or rel.oidc_subjects:
                continue
            level = access_level(rel)
            admin = ACCESS_RANK[level] >= ADMIN_RANK
            yield Hit(
                f"every subject of {ctx.describe(rel.source)} can assume {ctx.label(rel.id)} "
                f"({level} access): no token subject is named",
                (rel.id, rel.source, rel.target),
                Severity.CRITICAL if admin else None,
            )


QUOTAS_PAGE = (
    f"{IAM_GUIDE}, 'IAM and AWS STS quotas' ({IAM_DOCS}/reference_iam-quotas.html): "
    "role trust policy length, managed policies attached to an IAM role"
)


def _built_roles(ctx: RuleContext) -> list[Role]:
    """The roles the exports write (designer.artefacts.policy_set), measured as deployed; none
    when the design cannot be exported (other rules say why). Built once per validation."""
    memo: dict[str, Any] = ctx.__dict__
    if "_built_roles" not in memo:
        try:
            memo["_built_roles"] = build_policies(ctx.design).roles
        except DesignError:
            memo["_built_roles"] = []
    roles: list[Role] = memo["_built_roles"]
    return roles


def _role_subjects(ctx: RuleContext, role: Role) -> tuple[str, ...]:
    """The relationships that create the role, and its account (or scope)."""
    place, name = role.key[0], role.key[1]
    found = [  # the trusts as drawn: a role deployed to an OU is keyed by the OU
        rel.id
        for rel in ctx.design.relationships
        if rel.kind == "trust" and rel.target == place and rel.role_name == name
    ]
    found += [
        rel.id
        for rel in ctx.relationships("federation")
        if rel.target == place and name in rel.mapped_roles
    ]
    return (*found, place)


@rule(
    "IAM-19",
    "A role's trust policy fits IAM's length quota",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="IAM refuses a role whose trust policy is longer than 2,048 characters (white "
    "space not counted) by default; the quota can be raised through Service Quotas (to 4,096 "
    "characters). A role gathering many trusted principals, token subjects or excluded "
    "accounts passes it, and the role or StackSet then fails to deploy. Measured on the trust "
    "policy the exports write.",
    remediation="Trust fewer principals per role (a scope with aws:PrincipalOrgPaths instead of "
    "many accounts, one role per trusted side), or request the raised quota before deploying.",
    references=[QUOTAS_PAGE],
)
def trust_policy_length(ctx: RuleContext) -> Iterator[Hit]:
    for role in _built_roles(ctx):
        length = size(plain({"Version": "2012-10-17", "Statement": role.trust}))
        if length > MAX_TRUST_POLICY_CHARACTERS:
            raised = length <= MAX_TRUST_POLICY_CHARACTERS_RAISED
            fix = (
                f"raise the quota to {MAX_TRUST_POLICY_CHARACTERS_RAISED:,} through Service "
                "Quotas, or split the role"
                if raised
                else f"even the raised quota ({MAX_TRUST_POLICY_CHARACTERS_RAISED:,}) is too "
                "small: split the role"
            )
            yield Hit(
                f"role {role.name!r} in {role.account_name!r} has a {length:,}-character trust "
                f"policy, over IAM's default quota of {MAX_TRUST_POLICY_CHARACTERS:,}: {fix}",
                _role_subjects(ctx, role),
            )


@rule(
    "IAM-20",
    "A role has no more managed policies than IAM attaches",
    Severity.HIGH,
    Category.IDENTITY,
    rationale="IAM attaches at most 10 managed policies to a role by default; the quota can be "
    "raised through Service Quotas (to 20). The exports fold service full-access policies "
    "into an inline policy when a role would need more, but custom managed policies (and "
    "several custom trusts into one role) are attached as designed, and the deployment fails "
    "at the eleventh.",
    remediation="Merge custom policies into fewer customer managed policies (or an inline "
    "policy), split the role, or request the raised quota before deploying.",
    references=[QUOTAS_PAGE],
)
def managed_policies_per_role(ctx: RuleContext) -> Iterator[Hit]:
    for role in _built_roles(ctx):
        count = len(role.managed)
        if count > MAX_ROLE_MANAGED_POLICIES:
            fix = (
                f"raise the quota to {MAX_ROLE_MANAGED_POLICIES_RAISED} through Service Quotas, "
                "or merge policies"
                if count <= MAX_ROLE_MANAGED_POLICIES_RAISED
                else f"even the raised quota ({MAX_ROLE_MANAGED_POLICIES_RAISED}) is too small: "
                "merge policies or split the role"
            )
            yield Hit(
                f"role {role.name!r} in {role.account_name!r} gets {count} managed policies, "
                f"over IAM's default quota of {MAX_ROLE_MANAGED_POLICIES} per role: {fix}",
                _role_subjects(ctx, role),
            )
