"""roles-<account>.tf: the IAM roles policy_set builds (trust policy, managed policies, inline
policies, session length), each in the account it lands in through that account's provider.

A role deployed to an OU or the organization is written once per account of the scope now
(the accounts a service-managed StackSet would reach): Terraform has no auto-deployment, so an
account that joins the scope later needs its copy added.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from designer.artefacts.policy_set import EACH_ACCOUNT, Document, PolicySet, Role
from designer.engines.terraform.context import Context
from designer.engines.terraform.hcl import Block, Call, Comment, Item, Ref
from designer.model.nodes import Account

ROLE = "aws_iam_role"
ROLE_ATTACHMENT = "aws_iam_role_policy_attachment"
ROLE_POLICY = "aws_iam_role_policy"


@dataclass
class AccountRoles:
    account: Account
    items: list[Item] = field(default_factory=list)


def landing_accounts(ctx: Context, role: Role) -> Iterator[Account]:
    """The accounts the role is created in: its own, or every account of its scope now."""
    if role.deployed_to is None:
        account = ctx.accounts.get(role.key[0]) if role.key else None
        if account is not None:
            yield account
        return
    scope, name, *excluded = role.key
    for rel in ctx.design.relationships:
        if (
            rel.kind == "trust"
            and rel.target == scope
            and rel.role_name == name
            and sorted(rel.excluded_accounts) == excluded
        ):
            yield from (ctx.accounts[a] for a in ctx.scopes.stack_set_accounts(rel))
            return


def _own_account(document: Document, role: Role) -> Document:
    """The trust policy with the role's own account as "${AccountId}" (a planned account's
    placeholder names it by name, which two accounts may share)."""
    if role.deployed_to is not None or not role.account.startswith("${"):
        return document
    replaced: Document = _replaced(document, role.account, EACH_ACCOUNT)
    return replaced


def _replaced(node: Any, old: str, new: str) -> Any:
    if isinstance(node, str):
        return node.replace(old, new)
    if isinstance(node, list):
        return [_replaced(v, old, new) for v in node]
    if isinstance(node, dict):
        return {k: _replaced(v, old, new) for k, v in node.items()}
    return node


def role_items(ctx: Context, role: Role, account: Account) -> list[Item]:
    here = ctx.account_id(account)
    provider = ctx.provider(account)
    ident = ctx.ids.new(ROLE, f"{ctx.account_ids[account.id]}_{role.name}", "role")
    block = Block("resource", (ROLE, ident))
    if role.deployed_to is not None:
        block.comment(
            f"Deployed to {role.account_name} (each account it holds now): Terraform has no "
            "auto-deployment, so add this role for accounts that join it later"
        )
    if provider is not None:
        block.set("provider", provider)
    trust = {"Version": "2012-10-17", "Statement": role.trust}
    block.set("name", role.name)
    block.set(
        "assume_role_policy", Call("jsonencode", (ctx.value(_own_account(trust, role), here),))
    )
    block.set("max_session_duration", role.max_session)
    items: list[Item] = [block]
    for arn in role.managed:
        tail = arn.rsplit("/", 1)[-1]
        attach = Block(
            "resource", (ROLE_ATTACHMENT, ctx.ids.new(ROLE_ATTACHMENT, f"{ident}_{tail}", "a"))
        )
        if provider is not None:
            attach.set("provider", provider)
        attach.set("role", Ref(f"{ROLE}.{ident}.name"))
        attach.set("policy_arn", ctx.value(arn, here))
        items.append(attach)
    for inline in role.inline:
        name = str(inline["PolicyName"])
        policy = Block("resource", (ROLE_POLICY, ctx.ids.new(ROLE_POLICY, f"{ident}_{name}", "p")))
        if provider is not None:
            policy.set("provider", provider)
        policy.set("name", name).set("role", Ref(f"{ROLE}.{ident}.id"))
        policy.set("policy", Call("jsonencode", (ctx.value(inline["PolicyDocument"], here),)))
        items.append(policy)
    return items


def account_roles(ctx: Context, policy_set: PolicySet) -> list[AccountRoles]:
    """The roles of each account that gets any, in design order of the accounts."""
    found: dict[str, AccountRoles] = {}
    for role in policy_set.roles:
        if not role.trust:
            continue  # a role only Identity Center or a directory manages: nothing to create
        for account in landing_accounts(ctx, role):
            entry = found.setdefault(account.id, AccountRoles(account))
            entry.items += role_items(ctx, role, account)
    order = {a.id: n for n, a in enumerate(ctx.design.accounts)}
    return sorted(found.values(), key=lambda e: order[e.account.id])


def header(ctx: Context, account: Account) -> Comment:
    where = (
        "the management account (default provider)"
        if account.id == ctx.management
        else f"account {account.name}, through its provider alias"
    )
    return Comment(f"IAM roles in {where}")
