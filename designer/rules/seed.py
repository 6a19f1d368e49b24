"""Rules from the whitepaper "AWS Multiple Account Security Strategy" itself."""

from __future__ import annotations

from collections.abc import Iterator

from designer.model.vocabulary import AccountFunction as F
from designer.model.vocabulary import LogType, PrincipalType, Structure, Unread
from designer.rules.context import RuleContext, names_list
from designer.rules.engine import Category, Hit, Severity, rule
from designer.rules.unread import known

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
AUDIT_TYPES = frozenset({LogType.CLOUDTRAIL, LogType.CONFIG})
SHARED_FUNCTIONS = frozenset(F) - {F.WORKLOAD, F.SANDBOX, F.DEPLOYMENT}


@rule(
    "SEED-INV",
    "Every account is in the inventory with owner, purpose and root e-mail",
    Severity.MEDIUM,
    Category.SEED,
    rationale="The whitepaper asks for a defined account-creation process that maintains an "
    "account inventory: who owns each account and what it is for.",
    remediation="Fill in owner, purpose and root e-mail for the account (e-mails must be unique).",
    references=[
        f"{WHITEPAPER}, General Best Practices: 'Clearly define an AWS account-creation process'"
    ],
    structure=Structure.ORGANIZATION,
)
def account_inventory(ctx: RuleContext) -> Iterator[Hit]:
    by_name: dict[str, list[str]] = {}
    for account in ctx.design.accounts:
        by_name.setdefault(account.name.strip().lower(), []).append(account.id)
    for ids in by_name.values():
        if len(ids) > 1:  # AWS allows it; an inventory where two rows read the same does not
            name = ctx.accounts[ids[0]].name
            yield Hit(f"{len(ids)} accounts are called {name!r}", tuple(ids))
    for account in ctx.design.accounts:
        missing = [
            label
            for label, value in (
                ("owner", account.owner),
                ("purpose", account.purpose),
                ("root e-mail", account.email),
            )
            if not (value or "").strip()
            and (label != "owner" or known(account, Unread.TAGS))  # owner: from its tags
        ]
        if missing:
            yield Hit(f"account {account.name!r} has no {', no '.join(missing)}", (account.id,))


@rule(
    "SEED-USAGE",
    "A company-wide AWS usage policy is defined",
    Severity.MEDIUM,
    Category.SEED,
    rationale="A usage policy states the minimal security baseline: approved services, allowed "
    "Regions and required encryption. The exported SCPs enforce it.",
    remediation="Fill in the design's usage policy: approved services, allowed Regions and "
    "required encryption settings.",
    references=[f"{WHITEPAPER}, General Best Practices: 'Define a company-wide AWS usage policy'"],
    structure=Structure.ORGANIZATION,
)
def usage_policy(ctx: RuleContext) -> Iterator[Hit]:
    policy = ctx.design.usage_policy
    missing = [
        label
        for label, value in (
            ("approved services", policy.approved_services),
            ("allowed Regions", policy.allowed_regions),
            ("required encryption", policy.required_encryption),
        )
        if not value
    ]
    if missing:
        yield Hit(
            f"the usage policy lists no {', no '.join(missing)}", (ctx.design.organization.id,)
        )


@rule(
    "SEED-SECSTRUCT",
    "A security account structure gives one account audit access to the others",
    Severity.HIGH,
    Category.SEED,
    rationale="A security relationship between accounts makes it possible to assess security, "
    "centralise monitoring and provide audit across all accounts.",
    remediation="Add a security-tooling (Information Security) account and trust it with "
    "read-only or security-audit roles in the other accounts.",
    references=[f"{WHITEPAPER}, General Best Practices: 'Create a security account structure'"],
    structure=Structure.SECURITY,
)
def security_structure(ctx: RuleContext) -> Iterator[Hit]:
    org = ctx.design.organization.id
    tooling = ctx.with_function(F.SECURITY_TOOLING)
    if not tooling:
        yield Hit("no account has the security-tooling (Information Security) function", (org,))
        return
    audited = ctx.audit_coverage[0] - {a.id for a in tooling}
    others = [a for a in ctx.design.accounts if a not in tooling and known(a, Unread.IAM)]
    if not audited and others:
        names = names_list(ctx, [a.id for a in tooling])
        noun, has = ("account", "has") if len(tooling) == 1 else ("accounts", "have")
        yield Hit(
            f"security-tooling {noun} {names} {has} no read-only or security-audit role in any "
            "other account",
            tuple(a.id for a in tooling),
        )


@rule(
    "SEED-BILLING",
    "The consolidated-billing account is not used for security activities",
    Severity.HIGH,
    Category.SEED,
    rationale="It is tempting to use the consolidated-billing account for IAM administration or "
    "log storage; most customers end up separating security hierarchies from billing.",
    remediation="Move identity, log storage and security tooling out of the management account "
    "into dedicated accounts.",
    references=[f"{WHITEPAPER}, Hybrid AWS Security Account Structures"],
    structure=Structure.ORGANIZATION,
)
def billing_not_security(ctx: RuleContext) -> Iterator[Hit]:
    mgmt = ctx.management
    if mgmt is None:
        return
    roles = [
        f.value for f in mgmt.functions if f in (F.IDENTITY, F.LOG_ARCHIVE, F.SECURITY_TOOLING)
    ]
    if roles:
        yield Hit(
            f"management account {mgmt.name!r} also has the {', '.join(roles)} function", (mgmt.id,)
        )
    for rel in ctx.relationships("log-delivery"):
        if rel.target == mgmt.id:
            yield Hit(
                f"logs of {ctx.name(rel.source)} are stored in the management account",
                (mgmt.id, rel.id),
            )
    for rel in ctx.relationships("federation"):
        if rel.target == mgmt.id and rel.principal_type == PrincipalType.HUMAN:  # CI: IAM-17
            yield Hit(
                f"{ctx.name(rel.source)} federates users into the management account",
                (mgmt.id, rel.id),
            )
    admin_out = [
        r
        for r in ctx.relationships("trust")
        if r.source == mgmt.id and r.access_level not in ("read-only", "security-audit")
    ]
    if admin_out:
        targets = names_list(ctx, [r.target for r in admin_out])
        yield Hit(
            f"management account {mgmt.name!r} is an identity hub: it holds admin roles "
            f"in {targets}",
            (mgmt.id, *(r.id for r in admin_out)),
        )


@rule(
    "SEED-ISOLATION",
    "Workloads of different lifecycle or purpose do not share an account",
    Severity.MEDIUM,
    Category.SEED,
    rationale="Accounts isolate administration by workload, lifecycle, business unit and data "
    "sensitivity; mixing them in one account defeats that isolation.",
    remediation="Give each workload environment its own account, separate from shared and "
    "security accounts, and place it in the OU of its environment.",
    references=[f"{WHITEPAPER}, When to Create Multiple Accounts"],
    structure=Structure.ORGANIZATION,
)
def workload_isolation(ctx: RuleContext) -> Iterator[Hit]:
    for account in ctx.design.accounts:
        shared = [f.value for f in account.functions if f in SHARED_FUNCTIONS]
        if F.WORKLOAD in account.functions and shared:
            yield Hit(
                f"account {account.name!r} runs workloads and is also {', '.join(shared)}",
                (account.id,),
            )
        if F.WORKLOAD not in account.functions:
            continue
        production = account.environment == "production"
        if production and ctx.in_ou_named(
            account, "non-prod", "nonproduction", "dev", "development", "test", "sandbox"
        ):
            yield Hit(
                f"production account {account.name!r} sits in a non-production OU", (account.id,)
            )
        elif (
            not production
            and account.environment != "none"
            and ctx.in_ou_named(account, "prod", "production")
        ):
            yield Hit(
                f"{account.environment} account {account.name!r} sits in a production OU",
                (account.id,),
            )


@rule(
    "SEED-AUDITDATA",
    "Audit data is stored apart from the workloads it records",
    Severity.HIGH,
    Category.SEED,
    rationale="Regulated businesses isolate audit and recovery data in an account separate from "
    "where workloads run, e.g. CloudTrail logs written to a different account.",
    remediation="Deliver CloudTrail and Config data to a log-archive account that runs no "
    "workloads.",
    references=[
        f"{WHITEPAPER}, When to Create Multiple Accounts: 'strong isolation of recovery "
        "and/or auditing data'"
    ],
    structure=Structure.LOGGING,
)
def audit_data_apart(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.relationships("log-delivery"):
        if not AUDIT_TYPES & set(rel.log_types):
            continue
        target = ctx.accounts.get(rel.target)
        if target is not None and (target.runs_workloads or F.WORKLOAD in target.functions):
            yield Hit(
                f"audit logs of {ctx.name(rel.source)} go to {target.name!r}, which runs workloads",
                (rel.target, rel.id),
            )


@rule(
    "SEED-LOGPROTECT",
    "Central log buckets are protected against deletion",
    Severity.HIGH,
    Category.SEED,
    rationale="The parent logging account protects log files, for example with S3 MFA Delete or "
    "a WORM lock, so that nobody in a member account can erase their tracks.",
    remediation="Enable S3 Object Lock (COMPLIANCE mode) or MFA Delete on the bucket.",
    references=[f"{WHITEPAPER}, Logging Account Structure"],
    structure=Structure.LOGGING,
)
def log_buckets_protected(ctx: RuleContext) -> Iterator[Hit]:
    for bucket in ctx.design.log_buckets:
        if not ctx.deliveries_into_bucket.get(bucket.id):
            continue
        protected = bucket.mfa_delete or bucket.object_lock or bucket.glacier_vault_lock
        if not protected and known(bucket, Unread.VERSIONING, Unread.OBJECT_LOCK):
            yield Hit(
                f"log bucket {bucket.name!r} has neither Object Lock nor MFA Delete",
                (bucket.id, bucket.account),
            )


@rule(
    "SEED-DOC",
    "Every relationship states its purpose",
    Severity.LOW,
    Category.SEED,
    rationale="Whatever the structure, account relationships must be well documented and well "
    "understood.",
    remediation="Write one sentence in the relationship's purpose: why it exists and who uses it.",
    references=[f"{WHITEPAPER}, Hybrid AWS Security Account Structures"],
)
def relationships_documented(ctx: RuleContext) -> Iterator[Hit]:
    for rel in ctx.design.relationships:
        if not rel.purpose.strip():
            yield Hit(f"{ctx.label(rel.id)} has no stated purpose", (rel.id,))
