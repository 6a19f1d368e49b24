"""aft-account-requests/<account>.tf: one Account Factory for Terraform (AFT) account request
per member account, for the AFT account-request repository (its terraform/ folder, where
./modules/aft-account-request lives).

What the design does not hold is left out with a comment, never invented: the Identity Center
user AFT provisions (SSOUserEmail, SSOUserFirstName, SSOUserLastName), who requests the
account, and the id a nested OU needs ("Name (ou-...)").
"""

from __future__ import annotations

from designer.engines.terraform.context import Context
from designer.engines.terraform.hcl import Block, Comment, Item, Value
from designer.model.nodes import Account
from designer.model.vocabulary import Environment

AFT_SOURCE = "./modules/aft-account-request"
SSO_FIELDS = "SSOUserEmail, SSOUserFirstName, SSOUserLastName"


def _control_tower(ctx: Context, account: Account) -> tuple[dict[str, Value], list[Item]]:
    params: dict[str, Value] = {}
    notes: list[Item] = []
    if account.email:
        params["AccountEmail"] = account.email
    else:
        notes.append(Comment("AccountEmail: the design has no root e-mail for this account"))
    params["AccountName"] = account.name
    unit = ctx.scopes.units.get(account.parent or "")
    if unit is None:
        notes.append(
            Comment(
                "ManagedOrganizationalUnit: the account sits at the root; Control Tower "
                "enrolls accounts into a registered OU only"
            )
        )
    elif unit.parent is None:
        params["ManagedOrganizationalUnit"] = unit.name
    else:
        notes.append(
            Comment(
                f"ManagedOrganizationalUnit: OU {ctx.scopes.ou_path(unit.id)} is nested; AFT "
                f'wants "{unit.name} (ou-...)" with its OU id, which the design does not hold'
            )
        )
    notes.append(
        Comment(
            f"{SSO_FIELDS}: the Identity Center user AFT creates; the design does not hold "
            "them: add them before pushing the request"
        )
    )
    return params, notes


def _custom_fields(account: Account) -> dict[str, Value]:
    fields: dict[str, Value] = {"functions": ",".join(f.value for f in account.functions)}
    if account.environment != Environment.NONE:
        fields["environment"] = account.environment.value
    fields["data_sensitivity"] = account.data_sensitivity.value
    if account.business_unit:
        fields["business_unit"] = account.business_unit
    if account.owner:
        fields["owner"] = account.owner
    return fields


def account_request(ctx: Context, account: Account) -> list[Item]:
    module = Block("module", (ctx.ids.new("module", account.name, "account"),))
    module.set("source", AFT_SOURCE)
    params, notes = _control_tower(ctx, account)
    module.add(*notes).set("control_tower_parameters", params)
    if account.tags:
        module.set("account_tags", dict(sorted(account.tags.items())))
    module.comment("change_requested_by: who asks for the account; the design does not say")
    if account.purpose:
        module.set("change_management_parameters", {"change_reason": account.purpose})
    else:
        module.comment("change_reason: the account has no purpose in the design")
    module.set("custom_fields", _custom_fields(account))
    return [module]


def requested_accounts(ctx: Context) -> list[Account]:
    """Every member account: the management account is the organization's own."""
    return [a for a in ctx.design.accounts if a.id != ctx.management]
