"""README.md of the Terraform export: the user's next steps and what the export leaves out."""

from __future__ import annotations

from designer.engines.terraform.context import Context, home_region
from designer.model.design import Design

NEXT_STEPS = """\
# Terraform export

A Terraform root module for the hashicorp/aws provider, written from the design, and Account
Factory for Terraform (AFT) account requests. The files were checked to parse as HCL; they
were not run against Terraform or AWS.

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
- AFT account requests (aft-account-requests/) belong in the AFT account-request repository's
  terraform/ folder, next to modules/aft-account-request. Fill in what the design does not hold
  (marked with comments): the Identity Center user (SSOUserEmail, SSOUserFirstName,
  SSOUserLastName), change_requested_by, and the OU id a nested OU needs ("Name (ou-...)").
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


def readme(design: Design, ctx: Context) -> str:
    text = NEXT_STEPS
    if ctx.variables:
        names = "\n".join(f"- `{v.name}`" for v in ctx.variables.values())
        text += (
            "\n## Values to supply\n\nThe design does not hold these: set them in a "
            f"terraform.tfvars file (see variables.tf for what each is).\n\n{names}\n"
        )
    if home_region(design) is None:
        text += "\nThe design names no Region: set `region` (variables.tf) to the home Region.\n"
    return text + "\n" + LEFT_OUT
