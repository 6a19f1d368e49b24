"""A design as a Landing Zone Accelerator configuration folder.

accounts-config.yaml and organization-config.yaml (with the SCP files) are written here; the
IAM roles, Identity Center and providers in write_iam.py; logging and the security services in
write_services.py. Whatever the design cannot say is left out and named in a comment at the top
of the file it would belong to; nothing is invented.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from designer.artefacts.policy_documents import quarantines
from designer.engines.files import ConfigFile
from designer.engines.lza import (
    ACCOUNTS_FILE,
    AUDIT,
    LOG_ARCHIVE,
    MANAGEMENT,
    MAX_OU_DEPTH,
    ORGANIZATION_FILE,
    PLACEHOLDER_EMAIL_DOMAIN,
    ROOT,
    SCP_FOLDER,
)
from designer.engines.lza.names import Naming, unique
from designer.engines.lza.policies import exempts_accelerator, to_lza
from designer.engines.lza.suspended import SetAside, set_aside
from designer.engines.yamlio import dump_yaml
from designer.model.design import Design
from designer.model.governance import ServiceControlPolicy
from designer.model.nodes import Account
from designer.model.vocabulary import AccountFunction
from designer.support.names import safe_name

FULL_AWS_ACCESS = "FullAWSAccess"
FULL_AWS_ACCESS_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
MAX_EMAIL = 64  # LZA's EmailAddress type


@dataclass
class Context:
    """What every file of one export shares: the names, the core accounts, the e-mails."""

    design: Design
    partition: str
    naming: Naming
    core: dict[str, str]  # account id -> Management / LogArchive / Audit
    emails: dict[str, str] = field(default_factory=dict)  # account id -> e-mail written
    aside: SetAside = field(default_factory=lambda: SetAside(frozenset(), frozenset()))

    def account(self, account_id: str) -> str:
        return self.naming.accounts[account_id]

    def core_account(self, name: str) -> str | None:
        """The design id of the account that is LZA's `name` mandatory account."""
        return next((a for a, n in self.core.items() if n == name), None)


def core_accounts(design: Design) -> dict[str, str]:
    """The accounts LZA's mandatory ones stand for: the management account, then the first
    log-archive and the first security-tooling account not already taken."""
    found: dict[str, str] = {}
    management = design.organization.management_account
    if management is None:
        management = next(
            (a.id for a in design.accounts if AccountFunction.MANAGEMENT in a.functions), None
        )
    if management is not None:
        found[management] = MANAGEMENT
    for function, name in (
        (AccountFunction.LOG_ARCHIVE, LOG_ARCHIVE),
        (AccountFunction.SECURITY_TOOLING, AUDIT),
    ):
        chosen = next(
            (a.id for a in design.accounts if function in a.functions and a.id not in found), None
        )
        if chosen is not None:
            found[chosen] = name
    return found


def context(design: Design, partition: str) -> Context:
    core = core_accounts(design)
    ctx = Context(design, partition, Naming(design, core), core, aside=set_aside(design))
    taken: set[str] = set()
    for account in design.accounts:
        if account.email:
            ctx.emails[account.id] = account.email
            continue
        local = re.sub(r"[^a-z0-9.+-]+", "-", ctx.account(account.id).lower()).strip("-.")
        ctx.emails[account.id] = unique(local[:40] or "account", taken) + (
            f"@{PLACEHOLDER_EMAIL_DOMAIN}"
        )
    return ctx


def write_config(design: Design, partition: str = "aws") -> list[ConfigFile]:
    """The LZA configuration folder of `design`: YAML files and the policy files they name."""
    from designer.engines.lza.write_iam import iam_files
    from designer.engines.lza.write_services import global_file, security_file

    ctx = context(design, partition)
    return [
        accounts_file(ctx),
        *organization_files(ctx),
        *iam_files(ctx),
        global_file(ctx),
        security_file(ctx),
    ]


# -- accounts-config.yaml -----------------------------------------------------------------------
def _account_entry(ctx: Context, account: Account) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": ctx.account(account.id)}
    if account.purpose:
        entry["description"] = account.purpose
    entry["email"] = ctx.emails[account.id]
    entry["organizationalUnit"] = ctx.naming.ou(account.parent)
    return entry


def accounts_file(ctx: Context) -> ConfigFile:
    design = ctx.design
    comments = [
        "Landing Zone Accelerator accounts: the mandatory Management, LogArchive and Audit "
        "accounts, then the workload accounts."
    ]
    by_id = {a.id: a for a in design.accounts}
    mandatory = []
    for name in (MANAGEMENT, LOG_ARCHIVE, AUDIT):
        account_id = ctx.core_account(name)
        if account_id is None:
            comments.append(f"No {name} account in the design: LZA requires one; add it.")
        else:
            mandatory.append(_account_entry(ctx, by_id[account_id]))
    workload = [_account_entry(ctx, a) for a in design.accounts if a.id not in ctx.core]
    if any(not a.email for a in design.accounts):
        comments.append(
            f"Accounts without an e-mail in the design have a placeholder on "
            f"{PLACEHOLDER_EMAIL_DOMAIN}: replace it before deploying."
        )
    if any(len(e) > MAX_EMAIL for e in ctx.emails.values()):
        comments.append(f"Some e-mails are longer than the {MAX_EMAIL} characters LZA accepts.")
    if any(a.tags for a in design.accounts):
        comments.append("Account tags are not written: LZA's accounts have no tags.")
    comments += _renamed(ctx.naming.account_comments, "accounts")
    data: dict[str, Any] = {"mandatoryAccounts": mandatory, "workloadAccounts": workload}
    ids = [
        {"email": ctx.emails[a.id], "accountId": a.aws_account_id}
        for a in design.accounts
        if a.aws_account_id
    ]
    if ids:
        data["accountIds"] = ids
    return ConfigFile(ACCOUNTS_FILE, dump_yaml(data, comments), "LZA accounts")


def _renamed(lines: list[str], what: str) -> list[str]:
    if not lines:
        return []
    head = (
        f"Names of {what} LZA does not accept as the design has them (whitespace, '/', "
        "duplicates, reserved names) were changed; the design's names follow."
    )
    return [head, *lines]


# -- organization-config.yaml -------------------------------------------------------------------
def _unit_entry(ctx: Context, unit_id: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": ctx.naming.ou(unit_id)}
    if unit_id in ctx.aside.units:
        entry["ignore"] = True
    return entry


@dataclass(frozen=True)
class ScpFile:
    policy: ServiceControlPolicy
    name: str  # unique in the configuration
    path: str  # service-control-policies/<name>.json
    document: dict[str, Any] | None  # as LZA reads it (policies.to_lza)
    placeholders: tuple[str, ...] = ()  # design placeholders LZA does not fill in


def scp_files(design: Design) -> list[ScpFile]:
    names: set[str] = set()
    paths: set[str] = set()
    generated = _generated_documents(design)
    found = []
    for policy in design.service_control_policies:
        name = unique(policy.name, names)
        stem = unique(safe_name(name, "policy"), paths)
        document = policy.document
        if document is None:
            document = FULL_AWS_ACCESS_DOCUMENT if policy.name == FULL_AWS_ACCESS else None
            document = document or generated.get(policy.name)
        placeholders: list[str] = []
        if document is not None:
            document, placeholders = to_lza(document)
        path = f"{SCP_FOLDER}/{stem}.json"
        found.append(ScpFile(policy, name, path, document, tuple(placeholders)))
    return found


def _generated_documents(design: Design) -> dict[str, dict[str, Any]]:
    """The documents the policies export generates for SCPs the design leaves empty."""
    if all(
        p.document is not None or p.aws_managed or p.name == FULL_AWS_ACCESS
        for p in design.service_control_policies
    ):
        return {}
    from designer.artefacts.policy_set import build_policies

    return {s.name: s.document for s in build_policies(design).scps}


def _targets(ctx: Context, policy_id: str) -> dict[str, list[str]]:
    design = ctx.design
    units = [ROOT] if policy_id in design.organization.root_scps else []
    units += [ctx.naming.ou(u.id) for u in design.organizational_units if policy_id in u.scps]
    accounts = [
        ctx.account(a.id)
        for a in design.accounts
        if policy_id in a.scps and a.id not in ctx.aside.accounts
    ]
    targets: dict[str, list[str]] = {"organizationalUnits": units}
    if accounts:
        targets["accounts"] = accounts
    return targets


def _quarantine(files: list[ScpFile], comments: list[str]) -> dict[str, Any]:
    """LZA attaches quarantineNewAccounts' SCP to each new account until its pipeline has
    configured it: only a policy sparing LZA's own roles lets that pipeline work."""
    chosen = next((s for s in files if exempts_accelerator(s.document)), None)
    if chosen is None:
        if any(quarantines(s.document) for s in files):
            comments.append(
                "quarantineNewAccounts is left out: the design's deny-all SCPs do not spare "
                "LZA's own roles, and LZA's pipeline must work in a quarantined account."
            )
        return {}
    return {"quarantineNewAccounts": {"enable": True, "scpPolicyName": chosen.name}}


def organization_files(ctx: Context) -> list[ConfigFile]:
    design = ctx.design
    comments = ["Landing Zone Accelerator organization: OUs (as paths) and SCPs."]
    files = scp_files(design)
    policies = []
    for scp in files:
        policy = scp.policy
        if not policy.description:
            comments.append(f"SCP {json.dumps(scp.name)} has no description: its name stands in.")
        policies.append(
            {
                "name": scp.name,
                "description": policy.description or scp.name,
                "policy": scp.path,
                "type": "awsManaged" if policy.aws_managed else "customerManaged",
                "deploymentTargets": _targets(ctx, policy.id),
            }
        )
        if scp.document is None:
            comments.append(f"SCP {json.dumps(scp.name)}: the design holds no document for it.")
        if scp.placeholders:
            comments.append(
                f"SCP {json.dumps(scp.name)} holds {', '.join(scp.placeholders)}, which LZA "
                "does not fill in: replace before deploying."
            )
    units = [_unit_entry(ctx, u.id) for u in design.organizational_units]
    if ctx.aside.units:
        comments.append(
            "OUs for suspended accounts have ignore: true: LZA's pipeline cannot deploy into "
            "suspended accounts."
        )
    if any(a.scps and a.id in ctx.aside.accounts for a in design.accounts):
        comments.append("SCPs attached to suspended accounts are not written.")
    if any(p.count("/") >= MAX_OU_DEPTH for p in ctx.naming.ous.values()):
        comments.append(f"Some OUs are nested deeper than the {MAX_OU_DEPTH} levels LZA manages.")
    data: dict[str, Any] = {"enable": True, "organizationalUnits": units}
    data.update(_quarantine(files, comments))
    data["serviceControlPolicies"] = policies
    data["taggingPolicies"] = []
    data["backupPolicies"] = []
    comments += _renamed(ctx.naming.ou_comments, "OUs")
    out = [ConfigFile(ORGANIZATION_FILE, dump_yaml(data, comments), "LZA organization")]
    out += [
        ConfigFile(s.path, json.dumps(s.document, indent=2) + "\n", f"SCP {s.name}")
        for s in files
        if s.document is not None
    ]
    return out
