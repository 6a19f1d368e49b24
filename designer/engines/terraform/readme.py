"""README.md of the Terraform export: the user's next steps and what the export leaves out."""

from __future__ import annotations

import textwrap

from designer.engines.terraform.context import Context, home_region
from designer.engines.terraform.organization import policy_types, service_principals
from designer.model.design import Design
from designer.model.vocabulary import FeatureSet

NEXT_STEPS = """\
# Terraform export

A Terraform root module for the hashicorp/aws provider, written from the design, and Account
Factory for Terraform (AFT) account requests. The files were checked to parse as HCL and to be
left unchanged by `terraform fmt`; they were not validated against the provider or run on AWS.

## Next step: `terraform init && terraform validate`

1. Install Terraform 1.5 or later (the `import` blocks need it).
2. `terraform init` downloads the hashicorp/aws provider (5.0 or later) from the Terraform
   Registry: it needs network access (or a provider mirror).
3. `terraform validate` checks every resource and argument against the provider's schema.
4. Run `terraform plan` with the management account's credentials: Organizations is managed
   from there, and every other account is reached through its provider alias in providers.tf,
   which assumes OrganizationAccountAccessRole in that account.

## Before you apply

- Accounts the design knows the id of (and the organization, when its id is known) are adopted
  with `import` blocks rather than created. OUs and SCPs have no id in the design: import the
  ones that already exist (`terraform import` with their ou-/p- ids) or Terraform creates them
  again.
- A planned account has no id yet: its provider alias names `aws_organizations_account.<name>.id`,
  which is unknown until the account exists. Create the accounts first
  (`terraform apply -target=aws_organizations_account.<name>`), then apply the rest.
- A trust policy that names a role of another account (not its root) needs that role to exist
  when IAM saves the policy: if IAM refuses it, apply again once the trusted role is created.
- Roles drawn to an OU or the organization are written once per account in it now. Terraform
  has no auto-deployment: add the role for each account that joins later (a service-managed
  StackSet, as in the CloudFormation export, does this by itself).
- AFT account requests (aft-account-requests/) are an ALTERNATIVE to organization.tf for the
  planned accounts, never an addition: for each planned account use ONE of the two, or it is
  created twice. Requests are written only for planned accounts AFT may vend (not the management
  account, not the log-archive and security-tooling accounts Control Tower's landing zone
  creates, not an account at the root). With AFT: push the requests first, record the ids of
  the accounts AFT and Control Tower created in the design, export again (organization.tf then
  imports them) and only then apply. aft-account-requests/README.md says which accounts got no
  request and why, and what to fill in (the Identity Center user, change_requested_by, the id
  of a nested OU in "<name> (ou-REPLACE-ME)").
"""

LEFT_OUT = """\
## What the export leaves out

- IAM Identity Center permission sets and assignments, and the SAML / OIDC identity providers
  themselves (roles that trust them are written).
- The identity policies that let trusted principals assume the roles (policies export,
  identity-policies/).
- Resource shares (RAM, AMIs, snapshots, Service Catalog portfolios).
- Account trails, AWS Config recorders and aggregators, VPC flow logs and the server access log
  bucket (the log buckets' policies admit them; only the organization trail is created).
- MFA Delete on log buckets (only the root user with its MFA device can turn it on).
- The OU a delegated administrator is limited to (set it in the service itself).
- FullAWSAccess attachments (AWS attaches it to the root and every new OU and account).
- The management account's own settings: it is the organization's, not an
  aws_organizations_account.
- OU descriptions, the usage policy, waivers and the canvas layout; account environment, owner,
  business unit and data sensitivity appear only in the AFT requests' custom_fields.
"""


def _listed(values: list[str]) -> str:
    return ", ".join(f"`{v}`" for v in values) if values else "none"


def wrapped(text: str, indent: str = "") -> str:
    """A Markdown paragraph (or list item, with `indent`) at the README's line width."""
    return textwrap.fill(
        text, 95, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def trusted_access(ctx: Context, scps: bool) -> str:
    """The section on the organization's authoritative lists, louder for an imported one."""
    org = ctx.design.organization
    if org.feature_set != FeatureSet.ALL:
        return ""
    paragraphs = [
        "`aws_organizations_organization.this` (organization.tf) sets "
        "`aws_service_access_principals` and `enabled_policy_types`. The hashicorp/aws provider "
        "treats both lists as authoritative: `terraform apply` enables what they name and "
        "**disables every trusted service and root policy type they leave out**, including ones "
        "a service's console, IAM Identity Center, Control Tower or AFT enabled after this "
        "export. The design needs:",
        wrapped(f"- trusted access: {_listed(service_principals(ctx))}", "  ")
        + "\n"
        + wrapped(f"- root policy types: {_listed(policy_types(scps))}", "  "),
        "Add to the lists whatever else must stay enabled, or take them out of Terraform's "
        "hands with a `lifecycle { ignore_changes = [...] }` of your own (the provider "
        "documentation does not ask for one; it is your choice).",
    ]
    if org.organization_id:
        paragraphs.append(
            f"**The existing organization `{org.organization_id}` is imported: these lists "
            "replace what is enabled in it today.** Before `terraform apply`, compare them with "
            "`aws organizations list-aws-service-access-for-organization` and with the "
            "`PolicyTypes` of the root in `aws organizations list-roots`, and add every service "
            "and policy type that must stay enabled; `terraform plan` shows the ones it would "
            "remove."
        )
    body = "\n\n".join(p if p.startswith("- ") else wrapped(p) for p in paragraphs)
    return f"\n## Trusted access and policy types\n\n{body}\n"


def readme(design: Design, ctx: Context, scps: bool) -> str:
    text = NEXT_STEPS + trusted_access(ctx, scps)
    if ctx.variables:
        names = "\n".join(f"- `{v.name}`" for v in ctx.variables.values())
        text += (
            "\n## Values to supply\n\nThe design does not hold these: set them in a "
            f"terraform.tfvars file (see variables.tf for what each is).\n\n{names}\n"
        )
    if home_region(design) is None:
        text += "\nThe design names no Region: set `region` (variables.tf) to the home Region.\n"
    return text + "\n" + LEFT_OUT
