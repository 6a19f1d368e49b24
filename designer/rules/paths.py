"""GRAPH-07 and GRAPH-08: role-level attack paths into production and privileged accounts, and
who holds the security-tooling and identity accounts.

GRAPH-07 follows role hops the blast radius (GRAPH-01) stops at: a hop that grants less than
admin still hands over one role, and a trust naming that role as its principal goes on from
there (designer/analysis/paths.py). GRAPH-08 weighs trusts and federated permission sets alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from designer.analysis import ACCESS_RANK, ADMIN_RANK
from designer.analysis.paths import Attack, Hop, RoleGraph
from designer.artefacts.managed_policies import LEVEL_POLICIES, permission_set_policy
from designer.model.vocabulary import (
    AccessLevel,
    IdentityProviderKind,
    PrincipalType,
)
from designer.model.vocabulary import AccountFunction as F
from designer.rules.context import PRIVILEGED_FUNCTIONS, RuleContext
from designer.rules.engine import Category, Hit, Severity, rule

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
IAM_DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide"
BLAST_RADIUS = (
    f"{WHITEPAPER}, When to Create Multiple Accounts: 'isolation to minimize blast radius'"
)
CROSS_ACCOUNT = (
    "AWS IAM User Guide, 'Cross account resource access in IAM' "
    f"({IAM_DOCS}/access_policies-cross-account-resource-access.html)"
)
PRINCIPAL_ELEMENT = (
    "AWS IAM User Guide, 'AWS JSON policy elements: Principal' "
    f"({IAM_DOCS}/reference_policies_elements_principal.html)"
)
SRA_SECURITY_OU = (
    "AWS Prescriptive Guidance, 'AWS Security Reference Architecture': Security OU - Security "
    "Tooling account (https://docs.aws.amazon.com/prescriptive-guidance/latest/"
    "security-reference-architecture/security-tooling.html)"
)
PERMISSION_SETS = (
    "AWS IAM Identity Center User Guide, 'Permission sets' "
    "(https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html)"
)

HELD_FUNCTIONS = (F.SECURITY_TOOLING, F.IDENTITY)  # GRAPH-08's accounts
# Duties that do not belong in a security-tooling or identity account.
FOREIGN_DUTIES = (F.WORKLOAD, F.SANDBOX, F.DEPLOYMENT)
# Permission sets named after a managed policy that hands over the account.
ADMIN_POLICIES = {
    LEVEL_POLICIES[AccessLevel.ADMINISTRATOR]: AccessLevel.ADMINISTRATOR,
    LEVEL_POLICIES[AccessLevel.IAM_ADMIN]: AccessLevel.IAM_ADMIN,
}


# -- GRAPH-07 ---------------------------------------------------------------------------------
def _hop_text(ctx: RuleContext, hop: Hop) -> str:
    how = "any principal there" if hop.held is None else f"role {hop.held!r}"
    return (
        f"{ctx.name(hop.source)} -> {ctx.name(hop.target)}: role {hop.role_name!r} "
        f"({hop.level}), assumed as {how}, trust {ctx.label(hop.relationship)}"
    )


def _route(ctx: RuleContext, attack: Attack) -> str:
    path = attack.path
    parts = [ctx.name(path.start)]
    parts += [f"{ctx.name(h.target)} (role {h.role_name!r}, {h.level})" for h in path.hops]
    return " -> ".join(parts)


def _path_hit(ctx: RuleContext, attack: Attack, kind: str) -> Hit:
    """One finding per start: its worst target, the path there, and how many more it takes."""
    path = attack.path
    critical = path.start in ctx.outside or kind != "production account"
    level = path.hops[-1].level
    message = (
        f"{ctx.describe(path.start)} can take {level} control of {kind} "
        f"{ctx.name(path.target)} in {len(path.hops)} role hop(s): {_route(ctx, attack)}"
    )
    if attack.others:
        message += f"; and {attack.others} other production or privileged account(s)"
    # A hop through a scoped trust also names its OU (or organization): what the GUI shows.
    scoped = [h.relationship for h in path.hops if h.relationship in ctx.scoped_ids]
    drawn = [ctx.index[rel_id].entity for rel_id in scoped]
    scopes = [end for rel in drawn for end in (rel.source, rel.target)]
    subjects = tuple(dict.fromkeys((*path.nodes, *path.relationships, *scopes)))
    evidence = tuple(_hop_text(ctx, h) for h in path.hops)
    return Hit(message, subjects, Severity.CRITICAL if critical else None, evidence=evidence)


def _dead(ctx: RuleContext) -> Callable[[str], bool]:
    """Accounts that can assume nothing: under a deny-all SCP (ctx.quarantined; parked ones
    too). The management account is not: SCPs do not apply to it."""
    management = ctx.design.organization.management_account
    known: dict[str, bool] = {}

    def dead(node: str) -> bool:
        if node not in known:
            account = ctx.accounts.get(node)
            known[node] = account is not None and node != management and ctx.quarantined(account)
        return known[node]

    return dead


@rule(
    "GRAPH-07",
    "No path lets a sandbox, non-production account or outsider reach admin in a production or "
    "privileged account (role-level hops)",
    Severity.HIGH,
    Category.GRAPH,
    rationale="Sandbox and non-production accounts run untested code with broad rights, and a "
    "party outside the organization is administered by someone else; the whitepaper isolates "
    "them so that their compromise stays inside. Isolation fails when a chain of role hops leads "
    "from them to admin (IAM admin, administrator, a custom role with admin policies) in "
    "production or in an account that guards the organization (management, log archive, "
    "security tooling, identity). Hops are followed role by role: holding admin in an account "
    "controls every principal there; holding one role R lets you assume only the trusts whose "
    "principal is R (a trust to the account root needs someone who can grant sts:AssumeRole "
    "there). So sandbox -> a development pipeline role (service admin) -> production "
    "administrator is a path when the production trust names that pipeline role. Critical for "
    "management, log archive, security tooling and identity, and for any outsider's path; high "
    "for production. AWS services are not starts (they act for the account's own resources; "
    "IAM-03 guards them), nor are CI identity providers: federating CI jobs into a deployment "
    "account that deploys production is the intended route (IAM-17 and IAM-18 check it).",
    remediation="Break the path at its weakest hop (shown in the evidence): make the production "
    "or privileged trust name a role that only its own pipeline or the identity account holds, "
    "stop the sandbox or non-production account from assuming that role, or lower the access "
    "of a hop. Production deployment roles should trust the deployment account's pipeline "
    "role, never a role that development or sandbox accounts can assume.",
    references=[
        BLAST_RADIUS,
        f"{WHITEPAPER}, Identity Account Structure",
        CROSS_ACCOUNT,
        PRINCIPAL_ELEMENT,
        f"AWS IAM User Guide, 'Roles terms and concepts': role chaining ({IAM_DOCS}/id_roles.html)",
        "PMapper / awspx privilege path analysis",
    ],
)
def role_paths(ctx: RuleContext) -> Iterator[Hit]:
    index = ctx.trust_graph.index
    dead = _dead(ctx)
    # Only where trust leaves; a quarantined account assumes nothing.
    starts = [node for node in index.out if ctx.less_trusted(node) and not dead(node)]
    if not starts:
        return
    kinds: dict[str, str | None] = {}

    def kind(node: str) -> str | None:  # asked only of accounts the starts take admin in
        if node not in kinds:  # admin under a deny-all SCP can do nothing: no target
            kinds[node] = None if dead(node) else ctx.guarded_kind(node)
        return kinds[node]

    def worst_first(node: str) -> tuple[bool, str]:  # privileged before production, by name
        return (kind(node) == "production account", ctx.name(node))

    graph = RoleGraph(index, lambda rel_id: ctx.index[rel_id].entity, dead)
    for attack in graph.attacks(starts, lambda node: kind(node) is not None, worst_first):
        if attack.path.target != attack.path.start:
            yield _path_hit(ctx, attack, kinds[attack.path.target] or "")


# -- GRAPH-08 ---------------------------------------------------------------------------------
def _federated_level(rel: Any) -> str | None:
    """The admin level a federation's permission sets hand over, if any."""
    levels = [ADMIN_POLICIES.get(permission_set_policy(p) or "") for p in rel.permission_sets]
    found = [level for level in levels if level is not None]
    return max(found, key=ACCESS_RANK.__getitem__) if found else None


def _workforce_sign_in(ctx: RuleContext, provider_id: str) -> bool:
    """The organization's own sign-in for people: IAM Identity Center, or a provider kept in
    the identity account (the whitepaper's identity account structure)."""
    provider = ctx.providers[provider_id]
    if provider.kind == IdentityProviderKind.IDENTITY_CENTER:
        return True
    return provider.home_account is not None and ctx.has_function(provider.home_account, F.IDENTITY)


def _intended(ctx: RuleContext, source: str, principal_type: str) -> bool:
    """Whether the holder is one of the account's intended administrators: people signing in
    through the workforce sign-in, the identity account, or the management account (which
    holds OrganizationAccountAccessRole in every member account anyway)."""
    if source in ctx.providers:
        return principal_type == PrincipalType.HUMAN and _workforce_sign_in(ctx, source)
    return source == ctx.design.organization.management_account or ctx.has_function(
        source, F.IDENTITY
    )


def _holder(ctx: RuleContext, rel: Any, source: str) -> str:
    scope = ctx.scoped_source(rel)
    if scope is None:
        return ctx.describe(source)
    name = rel.principal_role_name
    who = f"role {name!r} of" if name else "every principal of"
    return f"{who} any account in {ctx.describe(scope)}"


def _admin_holders(ctx: RuleContext, held: dict[str, str]) -> Iterator[Hit]:
    """Admin into the held accounts, read off the edges into them (no pass over every trust)."""
    into = ctx.trust_graph.index.into
    for target, what in held.items():
        for source, rel_id, level in into.get(target, ()):
            rel = ctx.index[rel_id].entity
            if rel.kind == "trust":
                hit = _trust_holder(ctx, rel, source, target, level, what)
            else:
                hit = _federated_holder(ctx, rel, target, what)
            if hit is not None:
                yield hit


def _trust_holder(
    ctx: RuleContext, rel: Any, source: str, target: str, level: str, what: str
) -> Hit | None:
    if ACCESS_RANK[level] < ADMIN_RANK:
        return None
    scope = ctx.scoped_source(rel)
    if scope is None and _intended(ctx, source, rel.principal_type):
        return None
    return Hit(
        f"{_holder(ctx, rel, source)} holds {level} in {what} {ctx.name(target)} "
        f"(role {rel.role_name!r})",
        (rel.id, scope or source, target),
        evidence=(f"trust {ctx.label(rel.id)}: {level}, principal type {rel.principal_type}",),
    )


def _federated_holder(ctx: RuleContext, rel: Any, target: str, what: str) -> Hit | None:
    level = _federated_level(rel)
    if level is None or _intended(ctx, rel.source, rel.principal_type):
        return None
    who = (
        f"CI jobs of {ctx.describe(rel.source)}"
        if rel.principal_type == PrincipalType.WORKLOAD
        else f"people signing in through {ctx.describe(rel.source)} (not IAM Identity "
        "Center nor a provider of the identity account)"
    )
    return Hit(
        f"{who} get {level} in {what} {ctx.name(target)} "
        f"(permission sets {', '.join(rel.permission_sets)})",
        (rel.id, rel.source, target),
        evidence=(f"federation {ctx.label(rel.id)}: permission sets weighed as {level}",),
    )


@rule(
    "GRAPH-08",
    "Security-tooling and identity accounts are held as closely as the management account",
    Severity.HIGH,
    Category.GRAPH,
    rationale="The security-tooling account reads and configures the security services of every "
    "account, and the identity account holds the roles people use to reach every account: "
    "whoever administers either can blind detection or hand themselves access everywhere, as "
    "with the management account and the log archive. Admin there (IAM admin, administrator, a "
    "custom admin policy, or an Identity Center permission set named AdministratorAccess or "
    "IAMFullAccess: trusts and federated permission sets weigh alike) belongs to the account's "
    "own administrators: people signing in through the workforce sign-in (IAM Identity Center "
    "or an identity provider kept in the identity account), roles of the identity account, and "
    "the management account (which holds OrganizationAccountAccessRole anyway). Anyone else "
    "holding admin there is reported: a workload, sandbox, infrastructure or deployment "
    "account, an outsider, an OU- or organization-wide trust, CI jobs, or a second identity "
    "provider configured elsewhere (whoever runs it can sign in as admin). Workloads, "
    "sandboxes or pipelines run in either account are reported too: their code and their "
    "operators then share the account with the organization's guards.",
    remediation="Administer the security-tooling and identity accounts only through their own "
    "federated administrators (a permission set assigned to a small security or identity team) "
    "or roles trusted by the identity account; remove admin trusts from workload, "
    "infrastructure and outside accounts; move workloads, sandboxes and pipelines to their own "
    "accounts.",
    references=[
        f"{WHITEPAPER}, Information Security Account",
        f"{WHITEPAPER}, Identity Account Structure",
        SRA_SECURITY_OU,
        PERMISSION_SETS,
        "AWS Organizations User Guide, 'Best practices for the management account' "
        "(https://docs.aws.amazon.com/organizations/latest/userguide/"
        "orgs_best-practices_mgmt-acct.html)",
    ],
)
def privileged_accounts_held(ctx: RuleContext) -> Iterator[Hit]:
    held = {a.id: PRIVILEGED_FUNCTIONS[f] for f in HELD_FUNCTIONS for a in ctx.with_function(f)}
    if not held:
        return
    yield from _admin_holders(ctx, held)
    for account_id, what in held.items():
        account = ctx.accounts[account_id]
        duties = [str(f) for f in FOREIGN_DUTIES if f in account.functions]
        if account.runs_workloads:
            duties.insert(0, "runs workloads")
        if duties:
            yield Hit(
                f"{what} {account.name!r} also has other duties: {', '.join(duties)}",
                (account_id,),
                evidence=(f"functions {', '.join(map(str, account.functions))}",),
            )
