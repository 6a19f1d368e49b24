"""Write a design as a Terraform root module (hashicorp/aws) and AFT account requests.

    versions.tf            the aws provider requirement (import blocks need Terraform 1.5)
    variables.tf           the home Region and the values the design does not hold
    providers.tf           the management account's provider and one alias per member account
                           that gets resources, assuming OrganizationAccountAccessRole in it
    organization.tf        organization, OUs, accounts (import blocks for known ids), SCPs,
                           their attachments, delegated administrators
    roles-<account>.tf     the IAM roles of policy_set, per account they land in
    logging.tf             log buckets, their keys and the organization trails
    aft-account-requests/  AFT account requests for the planned accounts AFT may vend: an
                           alternative to organization.tf's blocks for them (its README.md)
    README.md              what to run next and what the export leaves out

Every policy comes from designer.artefacts.policy_set.build_policies: this module only spells
them as HCL (jsonencode of the document, placeholders as references).
"""

from __future__ import annotations

from designer.artefacts.policy_set import build_policies
from designer.artefacts.protections import ORGANIZATION_ACCESS_ROLE
from designer.artefacts.tokens import check_partition
from designer.engines.files import ConfigFile
from designer.engines.terraform import aft, organization, roles
from designer.engines.terraform.context import REGION, Context, home_region
from designer.engines.terraform.hcl import Block, Comment, Item, Ref, Template, render_file
from designer.engines.terraform.log_archive import LogWriter
from designer.engines.terraform.readme import readme
from designer.model.design import Design
from designer.model.errors import one_line

PROVIDER_VERSION = ">= 5.0"
TERRAFORM_VERSION = ">= 1.5.0"  # import blocks
STRING = Ref("string")  # a type constraint is an expression, not a quoted string


def versions() -> list[Item]:
    aws = {"source": "hashicorp/aws", "version": PROVIDER_VERSION}
    terraform = Block("terraform").set("required_version", TERRAFORM_VERSION)
    return [terraform.add(Block("required_providers").set("aws", aws))]


def variables(ctx: Context) -> list[Item]:
    region = Block("variable", ("region",)).set("type", STRING)
    region.set("description", "The home Region: providers, the trail and the log buckets")
    default = home_region(ctx.design)
    if default is not None:
        region.set("default", default)
    items: list[Item] = [region]
    for variable in ctx.variables.values():
        block = Block("variable", (variable.name,)).set("type", STRING)
        items.append(block.set("description", variable.description))
    return items


def providers(ctx: Context) -> list[Item]:
    items: list[Item] = [
        Comment("Terraform runs with the management account's credentials (Organizations API)"),
        Block("provider", ("aws",)).set("region", REGION),
    ]
    for account in ctx.design.accounts:
        if account.id not in ctx.providers:
            continue
        role_arn = Template(
            (
                f"arn:{ctx.partition}:iam::",
                ctx.account_id(account),
                f":role/{ORGANIZATION_ACCESS_ROLE}",
            )
        )
        block = Block("provider", ("aws",)).set("alias", ctx.account_ids[account.id])
        block.set("region", REGION)
        block.add(Block("assume_role").set("role_arn", role_arn))
        items += [Comment(f"Account {account.name}"), block]
    return items


def write_config(design: Design, partition: str = "aws") -> list[ConfigFile]:
    """The Terraform files of `design` (deterministic: the same design gives the same bytes)."""
    ctx = Context(design, check_partition(partition))
    policy_set = build_policies(design)
    scps, by_name = organization.policies(ctx, policy_set)
    org_items = [
        *organization.organization(ctx, bool(scps)),
        *organization.units(ctx),
        *organization.accounts(ctx),
        *scps,
        *organization.attachments(ctx, policy_set, by_name),
        *organization.delegated_admins(ctx),
    ]
    files = [ConfigFile("versions.tf", render_file(versions()), "Terraform and provider versions")]
    files.append(
        ConfigFile("organization.tf", render_file(org_items), "Organization, OUs, accounts, SCPs")
    )
    for entry in roles.account_roles(ctx, policy_set):
        name = ctx.files.new("", f"roles-{entry.account.name}", "roles")
        text = render_file([roles.header(ctx, entry.account), *entry.items])
        files.append(ConfigFile(name, text, f"IAM roles in account {one_line(entry.account.name)}"))
    log_items = LogWriter(ctx, policy_set).write()
    if log_items:
        files.append(ConfigFile("logging.tf", render_file(log_items), "Log buckets, keys, trails"))
    for account in aft.requested_accounts(ctx):
        name = ctx.files.new(aft.FOLDER, account.name, "account")
        text = render_file(aft.account_request(ctx, account))
        files.append(ConfigFile(name, text, f"AFT account request for {one_line(account.name)}"))
    files.append(
        ConfigFile(f"{aft.FOLDER}/README.md", aft.readme(ctx), "AFT requests: use one or the other")
    )
    files.append(ConfigFile("providers.tf", render_file(providers(ctx)), "Provider per account"))
    files.append(ConfigFile("variables.tf", render_file(variables(ctx)), "Input variables"))
    files.append(ConfigFile("README.md", readme(design, ctx, bool(scps)), "What to run next"))
    return files
