"""Rules on the shape of the organization: feature set, management account, OUs and quotas."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from designer.artefacts import policy_documents
from designer.artefacts.policy_set import over_quota, planned_scps, scp_size
from designer.artefacts.quotas import MAX_SCP_CHARACTERS
from designer.model.errors import DesignError
from designer.model.vocabulary import (
    LOWER_ENVIRONMENTS,
    AccountState,
    Environment,
    FeatureSet,
    PrincipalType,
    Structure,
    Unread,
)
from designer.model.vocabulary import AccountFunction as F
from designer.rules.context import RuleContext, names_list, plural
from designer.rules.engine import Category, Hit, Severity, rule
from designer.rules.unread import known as read_known

if TYPE_CHECKING:
    from designer.model.nodes import Account

ORGS_GUIDE = "https://docs.aws.amazon.com/organizations/latest/userguide"
MGMT_BEST_PRACTICES = (
    "AWS Organizations User Guide, 'Best practices for the management account' "
    f"({ORGS_GUIDE}/orgs_best-practices_mgmt-acct.html)"
)
QUOTAS = (
    "AWS Organizations User Guide, 'Quotas for AWS Organizations' "
    f"({ORGS_GUIDE}/orgs_reference_limits.html)"
)
ORGANIZING = (
    "AWS whitepaper 'Organizing Your AWS Environment Using Multiple Accounts', "
    "Recommended OUs and accounts (https://docs.aws.amazon.com/whitepapers/latest/"
    "organizing-your-aws-environment/recommended-ous-and-accounts.html)"
)
SRA = (
    "AWS Security Reference Architecture (https://docs.aws.amazon.com/prescriptive-guidance/"
    "latest/security-reference-architecture/welcome.html)"
)

# ORG-04: where each foundational function belongs; security placement wins for hybrids.
SECURITY_FUNCTIONS = (F.LOG_ARCHIVE, F.SECURITY_TOOLING)
INFRASTRUCTURE_FUNCTIONS = (F.CENTRAL_IT, F.PUBLISHING, F.NETWORK)

RESOURCE_LABELS = {
    "ami": "AMIs",
    "ebs-snapshot": "EBS snapshots",
    "service-catalog-portfolio": "a Service Catalog portfolio",
    "cloudformation-template": "CloudFormation templates",
    "ram-share": "RAM resources",
}


MAX_BREAK_GLASS_USERS = 2
MAX_EXCEPTIONS = 5

# ORG-09: services whose administration belongs in the security-tooling account.
SECURITY_SERVICES = {
    "guardduty.amazonaws.com": "GuardDuty",
    "securityhub.amazonaws.com": "Security Hub",
    "config.amazonaws.com": "AWS Config",
    "access-analyzer.amazonaws.com": "IAM Access Analyzer",
    "cloudtrail.amazonaws.com": "CloudTrail",
}
OPTIONAL_SECURITY_SERVICES = {
    "inspector2.amazonaws.com": "Inspector",
    "macie.amazonaws.com": "Macie",
    "detective.amazonaws.com": "Detective",
}


def _ou_path(ctx: RuleContext, account: Account) -> str:
    chain = ctx.ou_chain(account.parent)
    return f"in OU {'/'.join(u.name for u in chain)!r}" if chain else "at the root"


def _joined(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _is_workload(account: Account) -> bool:
    return account.runs_workloads or F.WORKLOAD in account.functions


@rule(
    "ORG-01",
    "The organization has all features enabled",
    Severity.CRITICAL,
    Category.ORGANIZATION,
    rationale="An organization with only consolidated-billing features cannot attach service "
    "control policies, create an organization trail or register delegated administrators, so "
    "none of the design's guardrails or central security services can be deployed.",
    remediation="Enable all features in AWS Organizations (every member account must approve "
    "the change when the organization was created with consolidated billing only).",
    references=[
        "AWS CloudTrail User Guide, 'Prepare for creating a trail for your organization' "
        "(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
        "creating-an-organizational-trail-prepare.html)",
        "AWS Organizations User Guide, 'Enabling all features in your organization' "
        f"({ORGS_GUIDE}/orgs_manage_org_support-all-features.html)",
    ],
)
def all_features(ctx: RuleContext) -> Iterator[Hit]:
    org = ctx.design.organization
    if org.feature_set != FeatureSet.ALL:
        yield Hit(
            f"organization {org.name!r} has only consolidated-billing features enabled", (org.id,)
        )


@rule(
    "ORG-02",
    "The management account runs no workloads and holds no shared resources",
    Severity.HIGH,
    Category.ORGANIZATION,
    rationale="The management account cannot be restricted by SCPs and can act on every account "
    "of the organization; workloads, log buckets or published AMIs, snapshots and portfolios "
    "in it widen who needs access to the most powerful account.",
    remediation="Move workloads to workload accounts, log buckets to the log-archive account and "
    "shared AMIs, snapshots and portfolios to a publishing account.",
    references=[MGMT_BEST_PRACTICES],
)
def management_holds_nothing(ctx: RuleContext) -> Iterator[Hit]:
    mgmt = ctx.management
    if mgmt is None:
        return
    if _is_workload(mgmt):
        yield Hit(f"management account {mgmt.name!r} runs workloads", (mgmt.id,))
    for bucket in ctx.design.log_buckets:
        if bucket.account == mgmt.id:
            yield Hit(
                f"management account {mgmt.name!r} owns log bucket {bucket.name!r}",
                (mgmt.id, bucket.id),
            )
    for rel in ctx.relationships("resource-share"):
        if rel.source == mgmt.id:
            what = RESOURCE_LABELS.get(rel.resource_type, str(rel.resource_type))
            yield Hit(
                f"management account {mgmt.name!r} shares {what} with {ctx.name(rel.target)}",
                (mgmt.id, rel.id),
            )


@rule(
    "ORG-03",
    "The management account has IAM users only for break-glass access",
    Severity.HIGH,
    Category.ORGANIZATION,
    rationale="Access to the management account should be limited to a few people through "
    "federated roles; long-lived IAM users there are credentials to the whole organization. "
    f"Up to {MAX_BREAK_GLASS_USERS} break-glass users are accepted.",
    remediation="Give administrators federated access through the identity account and keep at "
    f"most {MAX_BREAK_GLASS_USERS} IAM users, with MFA, for emergency (break-glass) access.",
    references=[MGMT_BEST_PRACTICES],
)
def management_users(ctx: RuleContext) -> Iterator[Hit]:
    mgmt = ctx.management
    if mgmt is not None and mgmt.iam_user_count > MAX_BREAK_GLASS_USERS:
        yield Hit(
            f"management account {mgmt.name!r} has {mgmt.iam_user_count} IAM users "
            f"(up to {MAX_BREAK_GLASS_USERS} break-glass users expected)",
            (mgmt.id,),
        )


@rule(
    "ORG-04",
    "Security accounts sit in a Security OU, shared services in an Infrastructure OU",
    Severity.HIGH,
    Category.ORGANIZATION,
    rationale="The Security OU holds the log-archive and security-tooling accounts so that the "
    "strictest guardrails apply to them alone; the Infrastructure OU holds shared services "
    "such as networking, central IT and publishing. Accounts outside them miss those "
    "guardrails or receive ones meant for workloads.",
    remediation="Move log-archive and security-tooling accounts below an OU named Security and "
    "central-IT, publishing and network accounts below an OU named Infrastructure.",
    references=[f"{ORGANIZING}: 'Security OU', 'Infrastructure OU'", SRA],
)
def foundational_ous(ctx: RuleContext) -> Iterator[Hit]:
    for account in ctx.members:
        security = [f.value for f in account.functions if f in SECURITY_FUNCTIONS]
        shared = [f.value for f in account.functions if f in INFRASTRUCTURE_FUNCTIONS]
        if security and not ctx.in_ou_named(account, "Security"):
            yield Hit(
                f"{_joined(security)} account {account.name!r} sits "
                f"{_ou_path(ctx, account)}, not below a Security OU",
                (account.id,),
            )
        elif not security and shared and not ctx.in_ou_named(account, "Infrastructure"):
            yield Hit(
                f"{_joined(shared)} account {account.name!r} sits "
                f"{_ou_path(ctx, account)}, not below an Infrastructure OU",
                (account.id,),
            )


@rule(
    "ORG-05",
    "Accounts sit in OUs that separate production, sandbox and suspended accounts",
    Severity.MEDIUM,
    Category.ORGANIZATION,
    rationale="Policies are applied to OUs, not the root: an account at the root gets only the "
    "organization-wide guardrails. Production and non-production workloads need different "
    "controls, so they belong in separate OUs; a Sandbox OU gives experiments looser, "
    "isolated controls and a Suspended OU holds accounts being closed. A sandbox account left "
    "among the workload OUs gets their trusts and shares while its owners experiment freely.",
    remediation="Place every member account in an OU, split workload OUs into production and "
    "non-production children, create Sandbox and Suspended OUs, and move sandbox accounts out of "
    "workload OUs into the Sandbox OU.",
    references=[
        f"{ORGANIZING}: 'Workloads OU', 'Sandbox OU', 'Suspended OU'",
    ],
)
def ou_structure(ctx: RuleContext) -> Iterator[Hit]:
    at_root = [a.id for a in ctx.members if a.parent is None]
    if at_root:
        yield Hit(
            f"member {'account' if len(at_root) == 1 else 'accounts'} attached directly to the "
            f"root: {names_list(ctx, at_root)}",
            tuple(at_root),
        )
    for ou_id, accounts in ctx.accounts_in_ou.items():
        if ou_id is None or ou_id not in ctx.ous:
            continue
        workloads = [a for a in accounts if _is_workload(a)]
        prod = [a.id for a in workloads if a.environment == Environment.PRODUCTION]
        non_prod = [a.id for a in workloads if a.environment in LOWER_ENVIRONMENTS]
        if prod and non_prod:
            yield Hit(
                f"OU {ctx.ous[ou_id].name!r} mixes production workload accounts "
                f"({names_list(ctx, prod, 3)}) with non-production ones "
                f"({names_list(ctx, non_prod, 3)})",
                (ou_id, *prod, *non_prod),
            )
    if not ctx.design.accounts:
        return
    has_sandbox_ou = bool(ctx.ous_named("Sandbox"))
    if has_sandbox_ou:
        for account in ctx.members:
            if _misplaced_sandbox(ctx, account):
                yield _sandbox_in_workloads(ctx, account)
    missing = [f"no {name} OU" for name in ("Sandbox", "Suspended") if not ctx.ous_named(name)]
    if missing:  # one finding, so that one waiver cannot silence two different gaps
        homeless = [] if has_sandbox_ou else [a.id for a in ctx.members if _homeless(ctx, a)]
        where = ""
        if homeless:
            noun = "account" if len(homeless) == 1 else "accounts"
            verb = "has" if len(homeless) == 1 else "have"
            where = f": sandbox {noun} {names_list(ctx, homeless, 3)} {verb} nowhere to go"
        yield Hit(
            f"the organization has {' and '.join(missing)}{where}",
            (ctx.design.organization.id, *homeless),
        )


def _is_sandbox(account: Account) -> bool:
    """An active account for experiments only (one that also runs workloads is ORG-13's)."""
    return (
        (F.SANDBOX in account.functions or account.environment == Environment.SANDBOX)
        and not _is_workload(account)
        and account.state != AccountState.SUSPENDED
    )


def _misplaced_sandbox(ctx: RuleContext, account: Account) -> bool:
    """A sandbox under a production or non-production workload OU, not under a Sandbox OU: it
    gets the workloads' guardrails and network instead of a sandbox's isolation."""
    return (
        _is_sandbox(account)
        and not ctx.in_ou_named(account, "Sandbox")
        and ctx.in_ou_named(account, *WORKLOAD_OU_NAMES, *NON_PRODUCTION_OU_NAMES)
    )


def _homeless(ctx: RuleContext, account: Account) -> bool:
    """A sandbox with no Sandbox OU to sit in (a Policy Staging test account has its place)."""
    return _is_sandbox(account) and not ctx.in_ou_named(account, *PARKING_OU_NAMES)


def _sandbox_in_workloads(ctx: RuleContext, account: Account) -> Hit:
    unit = ctx.ous.get(account.parent or "")
    where = f"OU {unit.name!r}" if unit else "a workload OU"
    return Hit(
        f"sandbox account {account.name!r} sits in {where}, among production or non-production "
        "workloads, instead of the Sandbox OU",
        (account.id,),
        evidence=(_facts(ctx, account),),
    )


@rule(
    "ORG-06",
    "Custom SCPs can be tested in a Policy Staging OU",
    Severity.MEDIUM,
    Category.ORGANIZATION,
    rationale="A new or changed SCP can block production work the moment it is attached; the "
    "Policy Staging OU lets it be tried on test accounts before production OUs.",
    remediation="Create an OU named Policy Staging with a test account and attach new SCPs "
    "there before attaching them to production OUs.",
    references=[f"{ORGANIZING}: 'Policy Staging OU'"],
)
def policy_staging(ctx: RuleContext) -> Iterator[Hit]:
    custom = [p.id for p in ctx.design.service_control_policies if not p.aws_managed]
    if custom and not ctx.ous_named("Policy Staging"):
        count = f"{len(custom)} custom SCP{'s' if len(custom) > 1 else ''}"
        yield Hit(
            f"the design has {count} ({names_list(ctx, custom, 3)}) but no Policy Staging OU",
            (ctx.design.organization.id, *custom),
        )


@rule(
    "ORG-07",
    "The Suspended OU denies everything; the Exceptions OU stays small",
    Severity.LOW,
    Category.ORGANIZATION,
    rationale="Accounts waiting to be closed should be unable to do anything, so the Suspended "
    "OU carries a deny-all SCP. The Exceptions OU holds accounts that need unusual policies; "
    f"when it grows beyond {MAX_EXCEPTIONS} accounts the exceptions have become the rule.",
    remediation="Attach an SCP with a Deny statement on Action '*' and Resource '*' to the "
    "Suspended OU; review the accounts of the Exceptions OU and move those that no longer "
    "need an exception back to their regular OU.",
    references=[f"{ORGANIZING}: 'Suspended OU', 'Exceptions OU'"],
)
def procedural_ous(ctx: RuleContext) -> Iterator[Hit]:
    for unit in ctx.ous_named("Suspended"):
        if not any(policy_documents.quarantines(p.document) for p in ctx.attached_scps(unit.id)):
            yield Hit(f"Suspended OU {unit.name!r} has no SCP that denies all actions", (unit.id,))
    exceptions = {u.id for u in ctx.ous_named("Exceptions")}
    if not exceptions:
        return
    held: dict[str, list[str]] = defaultdict(list)
    for account in ctx.design.accounts:
        for unit in ctx.ou_chain(account.parent):
            if unit.id in exceptions:
                held[unit.id].append(account.id)
    for ou_id, accounts in held.items():
        if len(accounts) > MAX_EXCEPTIONS:
            yield Hit(
                f"Exceptions OU {ctx.ous[ou_id].name!r} holds {len(accounts)} accounts "
                f"(more than {MAX_EXCEPTIONS})",
                (ou_id, *accounts),
            )


@rule(
    "ORG-08",
    "SCPs fit the AWS Organizations quotas",
    Severity.HIGH,
    Category.ORGANIZATION,
    rationale="AWS rejects an SCP document longer than 5,120 characters and more than 5 SCPs "
    "attached directly to the root, an OU or an account, FullAWSAccess included (a deny-list "
    "design keeps it attached everywhere) and the generated guardrails the export adds at the "
    "root: such a design cannot be deployed as drawn. These quotas cannot be raised. (The OU "
    "nesting depth of 5 is enforced when the design is loaded.)",
    remediation="Merge or shorten statements (the size counts characters without whitespace), "
    "or move some SCPs to a parent or child OU so that no target has more than 5 attached, "
    "FullAWSAccess and the generated guardrails counted.",
    references=[QUOTAS],
)
def scp_quotas(ctx: RuleContext) -> Iterator[Hit]:
    for policy in ctx.design.service_control_policies:
        length = scp_size(policy.document)
        if length > MAX_SCP_CHARACTERS:
            yield Hit(
                f"SCP {policy.name!r} is {length:,} characters long (quota {MAX_SCP_CHARACTERS:,})",
                (policy.id,),
            )
    # What the export would attach, measured on its documents: FullAWSAccess where the design
    # leaves it out, and the generated guardrails at the root or in place of an SCP without a
    # document.
    try:
        scps, attachments = planned_scps(ctx.design)
    except DesignError as error:  # a generated statement that cannot fit one SCP at all
        yield Hit(str(error), (ctx.design.organization.id,))
        return
    generated = any(s.generated for s in scps)
    attached_ids = {ctx.design.organization.id: ctx.design.organization.root_scps}
    attached_ids |= {u.id: u.scps for u in ctx.design.organizational_units}
    attached_ids |= {a.id: a.scps for a in ctx.design.accounts}
    for target in attachments:
        problem = over_quota(target, generated)
        if problem:
            yield Hit(problem, (target.design_id, *attached_ids.get(target.design_id, [])))


@rule(
    "ORG-09",
    "Security services are delegated to the security-tooling account",
    Severity.HIGH,
    Category.ORGANIZATION,
    rationale="Delegating GuardDuty, Security Hub, AWS Config, IAM Access Analyzer and "
    "CloudTrail to the security-tooling account lets the security team run them for the "
    "whole organization without access to the management account. Delegated to another "
    "account, they hand security administration to a team outside security.",
    remediation="Register the security-tooling account as delegated administrator of each "
    "service from the management account (a delegated-admin relationship).",
    references=[
        MGMT_BEST_PRACTICES,
        SRA,
        "Prowler checks config_delegated_admin_and_org_aggregator_all_regions, "
        "securityhub_delegated_admin_enabled_all_regions, guardduty_centrally_managed",
    ],
    structure=Structure.SECURITY,
)
def security_delegation(ctx: RuleContext) -> Iterator[Hit]:
    if not read_known(ctx.design.organization, Unread.DELEGATED_ADMINISTRATORS):
        return  # who administers what is unknown: nothing to judge
    known = SECURITY_SERVICES | OPTIONAL_SECURITY_SERVICES
    delegated: set[str] = set()
    for rel in ctx.relationships("delegated-admin"):
        services = [s for s in rel.service_principals if s in known]
        delegated.update(services)
        if services and not ctx.has_function(rel.target, F.SECURITY_TOOLING):
            yield Hit(
                f"{_joined([known[s] for s in services])} delegated to {ctx.name(rel.target)}, "
                "which is not a security-tooling account",
                (rel.id, rel.target),
            )
    missing = [label for service, label in SECURITY_SERVICES.items() if service not in delegated]
    if missing and ctx.design.accounts:
        subject = ctx.management.id if ctx.management else ctx.design.organization.id
        yield Hit(f"security services not delegated to any account: {_joined(missing)}", (subject,))


@rule(
    "ORG-10",
    "The organization has a management account",
    Severity.HIGH,
    Category.ORGANIZATION,
    rationale="The management account creates the organization, pays for it and is the only "
    "place SCPs, delegated administrators and organization trails are set up from; without "
    "it the design cannot say where these live, and rules about it cannot be checked.",
    remediation="Add the management (payer) account and designate it as the organization's "
    "management account.",
    references=[
        "AWS Organizations User Guide, 'Terminology and concepts': management account "
        f"({ORGS_GUIDE}/orgs_getting-started_concepts.html)"
    ],
)
def has_management(ctx: RuleContext) -> Iterator[Hit]:
    if ctx.management is None:
        org = ctx.design.organization
        yield Hit(f"organization {org.name!r} designates no management account", (org.id,))


# -- inventory and isolation (ORG-11..14) -------------------------------------------------------
# Shared infrastructure: its environment is the whole organization's, so "none" is right.
SHARED_INFRASTRUCTURE = frozenset(
    {
        F.MANAGEMENT,
        F.LOG_ARCHIVE,
        F.SECURITY_TOOLING,
        F.IDENTITY,
        F.NETWORK,
        F.PUBLISHING,
        F.CENTRAL_IT,
    }
)
WORKLOAD_OU_NAMES = ("Workloads", "Workload", "Prod", "Production", "Non-prod", "Nonproduction")
NON_PRODUCTION_OU_NAMES = ("Dev", "Development", "Test", "Staging")
# OUs where a sandbox-function account has its own place: policy tests, closed accounts.
PARKING_OU_NAMES = ("Policy Staging", "Suspended", "Quarantine", "Exceptions")
# What an OU name suggests an account's environment is, for the ORG-11 hint.
OU_ENVIRONMENTS = (
    (("Sandbox",), Environment.SANDBOX),
    (
        ("Non-prod", "Nonproduction", "Dev", "Development", "Test", "Staging"),
        Environment.NON_PRODUCTION,
    ),
    (("Prod", "Production"), Environment.PRODUCTION),
)


def _duties(account: Account) -> list[str]:
    duties = [f.value for f in account.functions if f in (F.WORKLOAD, F.SANDBOX)]
    if account.runs_workloads and F.WORKLOAD not in account.functions:
        duties.append("runs workloads")
    return duties


def _facts(ctx: RuleContext, account: Account) -> str:
    """One evidence line: what the design says the account is and where it sits."""
    functions = ", ".join(f.value for f in account.functions)
    runs = "yes" if account.runs_workloads else "no"
    return (
        f"account {account.name!r}: functions {functions}, runs workloads: {runs}, "
        f"environment {account.environment.value}, state {account.state.value}; "
        f"{_ou_path(ctx, account)}"
    )


def _suggested_environment(ctx: RuleContext, account: Account) -> str:
    for names, environment in OU_ENVIRONMENTS:
        if ctx.in_ou_named(account, *names):
            return f"; its OU suggests {environment.value}"
    return ""


@rule(
    "ORG-11",
    "Workload and sandbox accounts state their environment",
    Severity.MEDIUM,
    Category.ORGANIZATION,
    rationale="Environment (production, non-production, development, test, sandbox) is what "
    "decides which OU, guardrails and data an account may have; a workload or sandbox account "
    "without one cannot be checked for them, and an inventory that does not say which accounts "
    "are production cannot be reviewed. Shared infrastructure accounts (management, log "
    "archive, security tooling, identity, network, publishing, central IT) serve every "
    "environment and are exempt.",
    remediation="Set the account's environment (and tag it so in AWS), then check that its OU "
    "matches.",
    references=[
        f"{ORGANIZING}: 'Workloads OU' (production and non-production separated)",
        "AWS whitepaper 'AWS Multiple Account Security Strategy', General Best Practices: "
        "'Clearly define an AWS account-creation process' (account inventory)",
    ],
)
def environment_stated(ctx: RuleContext) -> Iterator[Hit]:
    for account in ctx.members:
        # Parked, not merely suspended: a closed account left outside a quarantine can be
        # reopened within 90 days and still gets its OU's roles and shares (ORG-12), so its
        # environment still decides what it may hold; a parked one has no inventory to review.
        if account.environment != Environment.NONE or ctx.parked(account):
            continue
        if not read_known(account, Unread.TAGS):
            continue  # the environment comes from its tags, which were not read
        duties = _duties(account)
        if not duties or SHARED_INFRASTRUCTURE.intersection(account.functions):
            continue
        yield Hit(
            f"{_joined(duties)} account {account.name!r} states no environment",
            (account.id,),
            evidence=(f"{_facts(ctx, account)}{_suggested_environment(ctx, account)}",),
        )


def _landing(ctx: RuleContext) -> dict[str, list[int]]:
    """Per account, the trusts and resource shares that land in it (one pass, cached on the
    context); a share to an OU lands in every account below it."""
    cache: dict[str, dict[str, list[int]]] = ctx.__dict__.setdefault("_org_landing", {})
    if "counts" not in cache:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for rel in ctx.relationships("trust"):
            counts[rel.target][0] += 1
        shares: dict[str, int] = defaultdict(int)
        for rel in ctx.relationships("resource-share"):
            shares[rel.target] += 1
        for account in ctx.members:
            reached = shares.get(account.id, 0)
            reached += sum(shares.get(s, 0) for s in ctx.holding_scopes(account.id))
            if reached:
                counts[account.id][1] += reached
        cache["counts"] = counts
    return cache["counts"]


def _still_reached(ctx: RuleContext, account_id: str) -> tuple[int, int]:
    """Trusts and shares that still land in the account."""
    trusts, shares = _landing(ctx).get(account_id, [0, 0])
    return trusts, shares


@rule(
    "ORG-12",
    "Closed (suspended) accounts are moved to the Suspended OU",
    Severity.MEDIUM,
    Category.ORGANIZATION,
    rationale="A closed account stays in the organization, suspended, for 90 days and can be "
    "reopened; until then it keeps the policies, roles and shares of its OU. The Suspended OU "
    "with a deny-all SCP makes sure nothing in it can act if it is reopened, and keeps it out "
    "of the role and share deployments that target workload OUs. Left in a production or "
    "workload OU it still receives them.",
    remediation="Move the account to the Suspended OU (with its deny-all SCP) before or when "
    "closing it, and remove the trusts and shares that still name it.",
    references=[
        f"{ORGANIZING}: 'Suspended OU'",
        "AWS Organizations User Guide, 'Closing a member account in your organization' "
        f"({ORGS_GUIDE}/orgs_manage_accounts_close.html)",
    ],
)
def suspended_parked(ctx: RuleContext) -> Iterator[Hit]:
    for account in ctx.members:
        if account.state != AccountState.SUSPENDED or ctx.quarantined(account):
            continue
        in_workloads = ctx.in_ou_named(account, *WORKLOAD_OU_NAMES)
        trusts, shares = _still_reached(ctx, account.id)
        where = "a workload OU" if in_workloads else "an OU without a deny-all SCP"
        yield Hit(
            f"suspended account {account.name!r} is not in the Suspended OU: it sits "
            f"{_ou_path(ctx, account)}, {where}",
            (account.id,),
            Severity.HIGH if in_workloads else None,
            evidence=(
                f"{_facts(ctx, account)}; no deny-all SCP on its path",
                f"still the target of {plural(trusts, 'trust')} and "
                f"{plural(shares, 'resource share')}",
            ),
        )


@rule(
    "ORG-13",
    "No account mixes workload and sandbox duties",
    Severity.HIGH,
    Category.ORGANIZATION,
    rationale="Sandbox accounts are for experiments, with loose controls and wide developer "
    "access, and are disconnected from internal networks; workload accounts run business "
    "services and data. One account with both gives the experiments the workload's data, "
    "network reach and roles, and forces either the workload's guardrails on the sandbox or "
    "the sandbox's looseness on the workload.",
    remediation="Split the account: keep the workload in an account in its environment's OU and "
    "give the experiments a separate account in the Sandbox OU.",
    references=[
        f"{ORGANIZING}: 'Sandbox OU'",
        "AWS whitepaper 'AWS Multiple Account Security Strategy', When to Create Multiple Accounts",
    ],
)
def workload_sandbox_apart(ctx: RuleContext) -> Iterator[Hit]:
    for account in ctx.members:
        # Parked, not merely suspended: a closed account outside a quarantine can be reopened
        # with its workload and sandbox duties and access intact; a parked one can do nothing.
        if F.SANDBOX not in account.functions or ctx.parked(account):
            continue
        workload = [
            why
            for why, present in (
                ("workload function", F.WORKLOAD in account.functions),
                ("runs workloads", account.runs_workloads),
                ("production environment", account.environment == Environment.PRODUCTION),
            )
            if present
        ]
        if workload:
            yield Hit(
                f"account {account.name!r} is a sandbox and also has workload duties "
                f"({_joined(workload)})",
                (account.id,),
                evidence=(_facts(ctx, account),),
            )


def _human_federation(ctx: RuleContext) -> list[str]:
    """Identity providers people sign in through (not CI or other workload federation)."""
    # Federation is never expanded per account: the design's own list is enough, and cheaper
    # than the expanded lookup the trust rules share.
    human = {
        r.source
        for r in ctx.design.relationships
        if r.kind == "federation" and r.principal_type == PrincipalType.HUMAN
    }
    return [p.id for p in ctx.design.identity_providers if p.id in human]


@rule(
    "ORG-14",
    "Break-glass access to the management account exists",
    Severity.MEDIUM,
    Category.ORGANIZATION,
    rationale="When every person reaches AWS through an identity provider, an outage or "
    "misconfiguration of that provider (or of IAM Identity Center) locks everyone out of the "
    "management account, which is where federation, SCPs and the organization itself are "
    "repaired. AWS recommends a documented emergency-access process: one or two IAM users "
    "in the management account with strong passwords and MFA, kept sealed, monitored and "
    "tested (ORG-03 accepts up to two), besides the root user whose credentials are "
    "held apart.",
    remediation="Create one or two break-glass IAM users in the management account with MFA "
    "(hardware keys kept apart), alarm on their sign-in, and test the procedure regularly.",
    references=[
        MGMT_BEST_PRACTICES,
        "AWS Well-Architected Framework, Security Pillar, SEC03-BP03 'Establish emergency access "
        "process' (https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/"
        "sec_permissions_emergency_process.html)",
        "aws-samples/aws-cross-account-break-glass-example (break-glass IAM user in the "
        "management account)",
    ],
    structure=Structure.IDENTITY,
)
def break_glass(ctx: RuleContext) -> Iterator[Hit]:
    mgmt = ctx.management
    if mgmt is None or mgmt.iam_user_count > 0 or not read_known(mgmt, Unread.ROOT_USER):
        return
    providers = _human_federation(ctx)
    if not providers:
        return  # nothing to fall back from: how people sign in is not drawn
    yield Hit(
        f"management account {mgmt.name!r} has no IAM user for emergency (break-glass) access, "
        f"while people sign in only through {names_list(ctx, providers, 3)}",
        (mgmt.id,),
        evidence=(
            f"management account {mgmt.name!r}: {mgmt.iam_user_count} IAM users",
            f"human federation through {names_list(ctx, providers, 3)}: if it fails, only the "
            "root user is left",
        ),
    )
