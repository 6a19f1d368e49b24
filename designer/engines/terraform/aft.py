"""aft-account-requests/: Account Factory for Terraform (AFT) account requests, for the AFT
account-request repository (its terraform/ folder, where ./modules/aft-account-request lives).

The rule (README.md of the folder and of the export): a request is an ALTERNATIVE to
organization.tf's aws_organizations_account block for the same planned account, never an
addition. So requests are written only for accounts that do not exist yet (no id in the design:
an existing one is imported by organization.tf) and that AFT may vend: never the management
account, nor the log-archive / security-tooling accounts Control Tower's landing zone creates
itself (Log Archive, Audit), nor an account at the root (Control Tower enrolls into a registered
OU only).

What the design does not hold is a comment or an obvious placeholder, never invented: the
Identity Center user AFT provisions, who requests the account, and the id of a nested OU, which
AFT wants as "<name> (ou-...)".
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from designer.engines.terraform.context import Context
from designer.engines.terraform.hcl import Block, Comment, Item, Value
from designer.model.errors import one_line
from designer.model.nodes import Account
from designer.model.vocabulary import AccountFunction, Environment

AFT_SOURCE = "./modules/aft-account-request"
FOLDER = "aft-account-requests"
SSO_FIELDS = "SSOUserEmail, SSOUserFirstName, SSOUserLastName"
# What the user replaces in a nested OU's "<name> (ou-...)" (visibly not an OU id).
OU_ID_PLACEHOLDER = "ou-REPLACE-ME"
# Control Tower's landing zone creates these accounts; AFT does not vend them.
CONTROL_TOWER_OWN = frozenset({AccountFunction.LOG_ARCHIVE, AccountFunction.SECURITY_TOOLING})


@dataclass(frozen=True)
class Skipped:
    account: Account
    why: str


def _managed_ou(ctx: Context, account: Account) -> tuple[Value, list[Item]]:
    """ManagedOrganizationalUnit: the OU's name for a top-level OU; "<name> (ou-...)" for a
    nested one, with a placeholder id the user replaces."""
    unit = ctx.scopes.units[account.parent or ""]
    if unit.parent is None:
        return unit.name, []
    note = Comment(
        f"ManagedOrganizationalUnit: OU {ctx.scopes.ou_path(unit.id)} is nested: replace "
        f"{OU_ID_PLACEHOLDER} with its id (aws organizations list-organizational-units-for-parent)"
    )
    return f"{unit.name} ({OU_ID_PLACEHOLDER})", [note]


def _control_tower(ctx: Context, account: Account) -> tuple[dict[str, Value], list[Item]]:
    params: dict[str, Value] = {}
    notes: list[Item] = []
    if account.email:
        params["AccountEmail"] = account.email
    else:
        notes.append(Comment("AccountEmail: the design has no root e-mail for this account"))
    params["AccountName"] = account.name
    unit, unit_notes = _managed_ou(ctx, account)
    params["ManagedOrganizationalUnit"] = unit
    notes += unit_notes
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


def _skip_reason(ctx: Context, account: Account) -> str | None:
    if account.id == ctx.management:
        return "the management account: the organization's own, never vended"
    own = CONTROL_TOWER_OWN & set(account.functions)
    if own:
        names = " and ".join(sorted(f.value for f in own))
        return f"{names}: Control Tower's landing zone creates it, not AFT"
    if account.aws_account_id:
        return "exists already: organization.tf imports it"
    if account.parent not in ctx.scopes.units:
        return "sits at the root: Control Tower enrolls accounts into a registered OU only"
    return None


def plan(ctx: Context) -> tuple[list[Account], list[Skipped]]:
    """The accounts that get a request, and the others with the reason."""
    requested: list[Account] = []
    skipped: list[Skipped] = []
    for account in ctx.design.accounts:
        why = _skip_reason(ctx, account)
        if why is None:
            requested.append(account)
        else:
            skipped.append(Skipped(account, why))
    return requested, skipped


def requested_accounts(ctx: Context) -> list[Account]:
    return plan(ctx)[0]


RULE = """\
Use ONE of the two for each planned account, never both: the same account would be created
twice (organization.tf's `aws_organizations_account` and AFT each create one).

- Terraform only: ignore this folder; `terraform apply` in the root module creates the accounts.
- Control Tower and AFT: push these requests to the AFT account-request repository's terraform/
  folder and let AFT vend the accounts. Then record each vended account's id (and those of the
  log-archive and security-tooling accounts Control Tower's landing zone created) in the design
  and export again: organization.tf then imports those accounts instead of creating them. Do not
  apply organization.tf before that.
"""


def _wrapped(text: str, indent: str = "") -> str:
    return textwrap.fill(
        text, 95, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def readme(ctx: Context) -> str:
    """aft-account-requests/README.md: the rule, and which accounts got no request and why."""
    requested, skipped = plan(ctx)
    intro = (
        "Account Factory for Terraform requests for the planned accounts AFT may vend. They "
        "belong in the AFT account-request repository's terraform/ folder, next to "
        "modules/aft-account-request."
    )
    text = f"# AFT account requests\n\n{_wrapped(intro)}\n\n{RULE}"
    if requested:
        fill = (
            "Before pushing, fill in what the design does not hold (marked with comments): "
            f"the Identity Center user ({SSO_FIELDS}), change_requested_by, and for an account "
            f'in a nested OU the OU id in "<name> ({OU_ID_PLACEHOLDER})".'
        )
        text += f"\n{_wrapped(fill)}\n"
    else:
        text += "\nNo account gets a request: none is planned and vendable by AFT.\n"
    if skipped:
        lines = "\n".join(_wrapped(f"- {one_line(s.account.name)}: {s.why}", "  ") for s in skipped)
        text += f"\n## Accounts without a request\n\n{lines}\n"
    return text
