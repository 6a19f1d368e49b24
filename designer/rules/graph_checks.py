"""GRAPH-* rules: what only the whole graph shows — blast radius, trust cycles, orphans, audit
coverage and separation of duties in hybrid accounts (the catalogue's "Graph-level checks")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise

from designer import analysis
from designer.analysis import ACCESS_RANK, ADMIN_RANK
from designer.model.vocabulary import AccessLevel, OutsideKind, Structure, Unread
from designer.model.vocabulary import AccountFunction as F
from designer.rules.context import RuleContext, names_list, plural, route_text
from designer.rules.engine import Category, Hit, Severity, rule
from designer.rules.unread import known

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
LONGEST_SHOWN_LOOP = 10
SHOWN = 5  # controllers named (and highlighted) per finding; the rest are counted
SERVICE_ADMIN_RANK = ACCESS_RANK[AccessLevel.SERVICE_ADMIN]
# Services a security-tooling account may administer in workload accounts without mixing duties.
SECURITY_SERVICES = frozenset(
    {
        "cloudtrail",
        "config",
        "guardduty",
        "securityhub",
        "access-analyzer",
        "inspector2",
        "macie",
        "macie2",
        "detective",
    }
)  # not ssm (runs commands on instances) nor logs / cloudwatch (can delete workload records)
ADMIN_LEVELS = frozenset({AccessLevel.IAM_ADMIN, AccessLevel.ADMINISTRATOR, AccessLevel.CUSTOM})


def _level_text(level: str) -> str:
    return "federated sign-in" if level == "federated" else level


def _runs_workloads(ctx: RuleContext, account_id: str) -> bool:
    account = ctx.accounts.get(account_id)
    return account is not None and (account.runs_workloads or F.WORKLOAD in account.functions)


@rule(
    "GRAPH-01",
    "Blast radius of each node that trust reaches out of",
    Severity.INFO,
    Category.GRAPH,
    rationale="The whitepaper asks whether the business needs isolation to minimize blast radius. "
    "For each account, identity provider and third party that holds trust or federation into "
    "other accounts, this reports how many accounts its compromise reaches and the strongest "
    "access gained (PMapper / CloudMapper-style path analysis on the design). Medium when a "
    "workload account or a third party (not an AWS service) reaches service-admin or stronger "
    "access elsewhere: "
    "workloads are the most exposed accounts and third parties are outside your control.",
    remediation="Review the path shown; where the reach is not intended, lower the access level "
    "of the trust or remove the intermediate trust.",
    references=[
        f"{WHITEPAPER}, When to Create Multiple Accounts: 'isolation to minimize blast radius'",
        "PMapper / CloudMapper path analysis",
    ],
)
def blast_radius(ctx: RuleContext) -> Iterator[Hit]:
    # AWS services act only for the account that invites them (IAM-03 checks the guard): not
    # third parties outside your control.
    outside_principals = {
        t.id for t in ctx.design.outside_principals if t.kind != OutsideKind.SERVICE
    }
    for start, summary in ctx.radius_summaries.items():
        worst = summary.example
        exposed = _runs_workloads(ctx, start) or start in outside_principals
        route = worst.route
        yield Hit(
            f"compromise of {ctx.name(start)} reaches "
            f"{plural(summary.accounts, 'account')}, up to {_level_text(worst.level)} "
            f"(in {ctx.name(worst.account)} via {route_text(ctx, route)})",
            (start, worst.account, route.relationships[-1]),
            Severity.MEDIUM if exposed and ACCESS_RANK[worst.level] >= SERVICE_ADMIN_RANK else None,
            merge=False,  # one finding per start, even when two routes end on one scoped trust
        )


@rule(
    "GRAPH-02",
    "No trust cycles between accounts",
    Severity.HIGH,
    Category.GRAPH,
    rationale="Accounts that can assume roles in each other in a loop form one security domain: "
    "a compromise of any of them reaches all, and no account in the loop can be isolated. "
    "High when every trust of the loop is admin-level (IAM admin or stronger), medium otherwise.",
    remediation="Break the loop: trust flows from the identity and security accounts towards "
    "the others, not back.",
    references=[
        f"{WHITEPAPER}, When to Create Multiple Accounts: 'isolation to minimize blast radius'",
        "PMapper / CloudMapper path analysis",
    ],
)
def trust_cycles(ctx: RuleContext) -> Iterator[Hit]:
    any_loops = analysis.trust_loops(ctx.design, ctx.graph, scopes=ctx.scopes)
    if not any_loops:
        return  # no loop at any level: none among admin roles either
    edges: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for rel in ctx.relationships("trust"):
        edges[rel.source, rel.target].append((ACCESS_RANK[analysis.access_level(rel)], rel.id))
    admin_loops = analysis.trust_loops(ctx.design, ctx.graph, ADMIN_RANK, ctx.scopes)
    in_admin_loop = {node: i for i, loop in enumerate(admin_loops) for node in loop.accounts}
    for loop in admin_loops:
        yield _loop_hit(ctx, loop, edges, ADMIN_RANK, "admin-level trust cycle", None)
    for loop in any_loops:
        owners = {in_admin_loop.get(node) for node in loop.accounts}
        if len(owners) == 1 and None not in owners:
            continue  # the same accounts are already reported as an admin-level cycle
        yield _loop_hit(ctx, loop, edges, 0, "trust cycle", Severity.MEDIUM)


def _loop_hit(
    ctx: RuleContext,
    loop: analysis.TrustLoop,
    edges: dict[tuple[str, str], list[tuple[int, str]]],
    min_rank: int,
    what: str,
    severity: Severity | None,
) -> Hit:
    first = min(range(len(loop.cycle)), key=lambda i: (ctx.name(loop.cycle[i]), loop.cycle[i]))
    cycle = [*loop.cycle[first:], *loop.cycle[:first]]  # read from the first name
    around = [*cycle, cycle[0]]
    rels = [
        rel_id
        for source, target in pairwise(around)
        for rank, rel_id in edges.get((source, target), [])
        if rank >= min_rank
    ]
    names = [ctx.name(node) for node in around]
    if len(names) > LONGEST_SHOWN_LOOP:  # a loop through thousands of accounts: its ends
        names = [*names[:4], f"... ({len(names) - 6} more) ...", *names[-2:]]
    path = " -> ".join(names)
    extra = len(loop.accounts) - len(cycle)
    more = f" ({plural(extra, 'more account')} in the same loop group)" if extra > 0 else ""
    # Subjects are the whole group, so a waiver must name every account that can loop.
    return Hit(f"{what}: {path}{more}", (*loop.accounts, *rels), severity)


@rule(
    "GRAPH-03",
    "Every account takes part in the security structure",
    Severity.LOW,
    Category.GRAPH,
    rationale="An account joined to the others by nothing but billing has no audit role, no log "
    "delivery, no way in for the identity account and no shared resources: it is outside every "
    "security structure of the whitepaper, and often forgotten. Shares to its OU or the whole "
    "organization and organization-wide log delivery count as relationships. The management "
    "account is exempt.",
    remediation="Connect the account: audit roles from the security-tooling account, log "
    "delivery to the log archive, access through the identity account — or close it.",
    references=[f"{WHITEPAPER}, AWS Security Account Structures"],
)
def orphan_accounts(ctx: RuleContext) -> Iterator[Hit]:
    related: set[str] = set()
    for rel in ctx.design.relationships:
        if rel.kind == "billing" or rel.source == rel.target:
            continue
        if ctx.organization_wide(rel):
            return  # every account takes part
        for end in ("source", "target"):
            related.update(ctx.scopes.accounts_at(rel, end))
    for account in ctx.members:
        if account.id in related:
            continue
        yield Hit(
            f"account {account.name!r} takes part in no relationship (billing aside)",
            (account.id,),
        )


@rule(
    "GRAPH-04",
    "The security-tooling account can audit every account",
    Severity.HIGH,
    Category.GRAPH,
    rationale="The Information Security account assesses security and provides audit across all "
    "accounts; an account it holds no read-only or security-audit role in is a blind spot. "
    "Reported only when a security-tooling account exists and audits some account "
    "(otherwise SEED-SECSTRUCT reports it). A closed account parked in a deny-all OU is "
    "exempt: nothing can happen in it, so there is nothing to audit.",
    remediation="Trust the security-tooling account with a read-only or security-audit role in "
    "each account listed.",
    references=[
        f"{WHITEPAPER}, General Best Practices: 'Create a security account structure'",
        f"{WHITEPAPER}, Information Security Account",
    ],
    structure=Structure.SECURITY,
)
def audit_coverage(ctx: RuleContext) -> Iterator[Hit]:
    tooling = ctx.with_function(F.SECURITY_TOOLING)
    covered, uncovered = ctx.audit_coverage
    if not tooling or not covered - {a.id for a in tooling}:
        return
    missing = [
        a.id
        for a in ctx.design.accounts
        if a.id in uncovered and not ctx.parked(a) and known(a, Unread.IAM)
    ]
    if missing:
        verb = "has" if len(missing) == 1 else "have"
        yield Hit(
            f"{plural(len(missing), 'account')} {verb} no read-only or security-audit role "
            f"trusting a security-tooling account: {names_list(ctx, missing)}",
            tuple(missing),
        )


@rule(
    "GRAPH-05",
    "Hybrid security accounts keep their duties separate",
    Severity.HIGH,
    Category.GRAPH,
    rationale="A hybrid Information Security account may configure security services in other "
    "accounts, but administering workloads as well (IAM admin, administrator, custom policies, "
    "or services outside the security set) merges the auditor with the audited. Likewise an "
    "account that stores the audit logs must not run workloads whose actions they record. "
    "(Workloads run in the security-tooling or identity account are GRAPH-08's.)",
    remediation="Give workload administration to the identity or central IT account and limit "
    "the security-tooling roles to security services; move workloads out of the log archive.",
    references=[
        f"{WHITEPAPER}, Hybrid AWS Security Account Structures",
        f"{WHITEPAPER}, Information Security Account",
        "AWS Security Reference Architecture: Security OU",
    ],
    structure=Structure.SECURITY,
)
def separation_of_duties(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("trust"):
        if not ctx.has_function(rel.source, F.SECURITY_TOOLING):
            continue
        if not _runs_workloads(ctx, rel.target):
            continue
        where = f"in workload account {ctx.name(rel.target)}"
        subjects = (rel.source, rel.target, rel.id)
        if rel.access_level in ADMIN_LEVELS:
            yield Hit(
                f"security-tooling account {ctx.name(rel.source)} holds "
                f"{rel.access_level} role {rel.role_name!r} {where}",
                subjects,
            )
        elif rel.access_level == AccessLevel.SERVICE_ADMIN:
            outside = [s for s in rel.services if s not in SECURITY_SERVICES]
            if outside:
                yield Hit(
                    f"security-tooling account {ctx.name(rel.source)} administers "
                    f"{', '.join(outside)} {where} (role {rel.role_name!r})",
                    subjects,
                )
    for account in ctx.with_function(F.LOG_ARCHIVE):
        if _runs_workloads(ctx, account.id):
            yield Hit(f"log-archive account {account.name!r} also runs workloads", (account.id,))


@rule(
    "GRAPH-06",
    "Nothing holds admin access in the management account",
    Severity.CRITICAL,
    Category.GRAPH,
    rationale="The management account controls the whole organization: it can remove SCPs, "
    "leave accounts unprotected, read and change every member account through "
    "OrganizationAccountAccessRole and stop the organization trail. Service-admin or stronger "
    "access into it from any other account, provider or third party makes that party's "
    "compromise the compromise of everything. Read-only and security-audit roles for the "
    "security account are fine.",
    remediation="Remove the role or lower it to read-only / security-audit; administer the "
    "organization from the management account's own break-glass principals only.",
    references=[
        "AWS Organizations User Guide, 'Best practices for the management account'",
        "AWS Security Reference Architecture: Org Management account",
    ],
)
def admin_into_management(ctx: RuleContext) -> Iterator[Hit]:
    management = ctx.design.organization.management_account
    if management is None:
        return
    for kind in ("trust", "federation"):
        for rel in ctx.relationships(kind):
            level = analysis.access_level(rel)
            if rel.target != management or ACCESS_RANK[level] < SERVICE_ADMIN_RANK:
                continue
            starts = ctx.controllers(rel.source, limit=SHOWN)
            total = ctx.controllers.count(rel.source)
            also = (
                f", and so do {names_list(ctx, starts, total=total)} through it" if starts else ""
            )
            yield Hit(
                f"{ctx.label(rel.source)} holds {_level_text(level)} access in the management "
                f"account ({ctx.label(rel.id)}){also}",
                (rel.id, rel.source, management, *starts),
            )
