"""Sharing steps (AMIs, EBS snapshots, Service Catalog portfolios from the design's share; RAM
shares through their templates) and identity-policy steps."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from designer.analysis.inventory import ou_paths
from designer.model.relationships import ResourceShareRelationship
from designer.rehearsal.context import NOT_SIMULATED, Context, Outcome, slug
from designer.rehearsal.errors import StepFailed
from designer.rehearsal.fill import fill_placeholders
from designer.rehearsal.plan import Step
from designer.rehearsal.steps.deploy import templates

ROLE = re.compile(r"[Aa]ttach (?:them|it) to the role ([\w+=,.@-]+?)[.,;\s]")
NOT_EMULATED = {
    "cloudformation-template": "a template shared as a file has no AWS API the import reads",
}


def share(ctx: Context, step: Step, outcome: Outcome) -> None:
    if step.templates():
        templates(ctx, step, outcome)
        return
    if ctx.design is None:
        outcome.status = NOT_SIMULATED
        outcome.detail = "no template: the design (--design) says what is shared"
        return
    relationships = {
        r.id: r for r in ctx.design.relationships if isinstance(r, ResourceShareRelationship)
    }
    found = [relationships[s] for s in step.subjects if s in relationships]
    if not found:
        raise StepFailed("the step's subjects name no share of the design")
    for relationship in found:
        kind = str(relationship.resource_type)
        owner = ctx.account_of(step)
        principal = _principal(ctx, relationship.target)
        names = list(relationship.resource_names) or [kind]
        if kind == "ami":
            _images(ctx, owner, names, principal)
        elif kind == "ebs-snapshot":
            _snapshots(ctx, owner, names, principal)
        elif kind == "service-catalog-portfolio":
            _portfolios(ctx, owner, names, principal)
            if principal[0] == "ou":
                outcome.not_simulated.append(
                    "moto's Service Catalog accepts a portfolio share with an OU but never "
                    "lists it (describe-portfolio-shares), so the import cannot see it"
                )
        else:
            outcome.status = NOT_SIMULATED
            outcome.detail = NOT_EMULATED.get(kind, f"{kind} shares are not emulated")


def _principal(ctx: Context, design_id: str) -> tuple[str, str]:
    """("account" | "ou" | "organization", the emulated id) of a share's target."""
    design = ctx.design
    assert design is not None
    if design_id == design.organization.id:
        return "organization", ctx.world.organization_id
    for account in design.accounts:
        if account.id == design_id and account.name in ctx.world.accounts:
            return "account", ctx.world.accounts[account.name]
    path = ou_paths(design).get(design_id)
    unit = ctx.world.unit_id(path) if path else None
    if unit is None:
        raise StepFailed("the share's target does not exist in the emulated organization")
    return "ou", unit


def _arn(ctx: Context, kind: str, value: str) -> str:
    base = f"arn:aws:organizations::{ctx.world.management_id}"
    if kind == "organization":
        return f"{base}:organization/{value}"
    return f"{base}:ou/{ctx.world.organization_id}/{value}"


def _images(ctx: Context, owner: str, names: list[str], principal: tuple[str, str]) -> None:
    ec2 = ctx.emulator.client("ec2", owner)
    kind, value = principal
    permission = {
        "account": {"UserId": value},
        "ou": {"OrganizationalUnitArn": _arn(ctx, kind, value)},
        "organization": {"OrganizationArn": _arn(ctx, kind, value)},
    }[kind]
    for name in names:
        key = f"ImageId:{name}"
        if key not in ctx.world.resources:
            ctx.world.resources[key] = ec2.register_image(
                Name=name, RootDeviceName="/dev/xvda", Architecture="x86_64"
            )["ImageId"]
        ec2.modify_image_attribute(
            ImageId=ctx.world.resources[key], LaunchPermission={"Add": [permission]}
        )


def _snapshots(ctx: Context, owner: str, names: list[str], principal: tuple[str, str]) -> None:
    kind, value = principal
    if kind != "account":
        raise StepFailed("EBS snapshots are shared with accounts only")
    ec2 = ctx.emulator.client("ec2", owner)
    for name in names:
        key = f"SnapshotId:{name}"
        if key not in ctx.world.resources:
            volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
            ctx.world.resources[key] = ec2.create_snapshot(VolumeId=volume, Description=name)[
                "SnapshotId"
            ]
        ec2.modify_snapshot_attribute(
            SnapshotId=ctx.world.resources[key],
            Attribute="createVolumePermission",
            OperationType="add",
            UserIds=[value],
        )


def _portfolios(ctx: Context, owner: str, names: list[str], principal: tuple[str, str]) -> None:
    catalog = ctx.emulator.client("servicecatalog", owner)
    kind, value = principal
    for name in names:
        key = f"PortfolioId:{name}"
        if key not in ctx.world.resources:
            ctx.world.resources[key] = catalog.create_portfolio(
                DisplayName=name, ProviderName="rehearsal"
            )["PortfolioDetail"]["Id"]
        portfolio = ctx.world.resources[key]
        if kind == "account":
            catalog.create_portfolio_share(PortfolioId=portfolio, AccountId=value)
        else:
            node = {"Type": "ORGANIZATION" if kind == "organization" else "ORGANIZATIONAL_UNIT"}
            catalog.create_portfolio_share(
                PortfolioId=portfolio, OrganizationNode={**node, "Value": value}
            )


def make_resources(ctx: Context, kind: str, names: list[str], account: str) -> list[str]:
    """Stand-ins for the resources a RAM share's template asks for (subnets are created)."""
    arns = []
    for name in names:
        key = f"{kind}:{name}:{account}"
        if key not in ctx.world.resources:
            ctx.world.resources[key] = _resource(ctx, kind, name, account)
        arns.append(ctx.world.resources[key])
    return arns


def _resource(ctx: Context, kind: str, name: str, account: str) -> str:
    service, _, resource = kind.partition(":")
    if kind == "ec2:Vpc":
        ec2 = ctx.emulator.client("ec2", account)
        return str(ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"])
    if kind == "ec2:Subnet":
        ec2 = ctx.emulator.client("ec2", account)
        if account not in ctx.vpcs:
            ctx.vpcs[account] = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        taken = len([k for k in ctx.world.resources if k.startswith("ec2:Subnet:")])
        subnet = ec2.create_subnet(VpcId=ctx.vpcs[account], CidrBlock=f"10.0.{taken}.0/24")
        return f"arn:aws:ec2:us-east-1:{account}:subnet/{subnet['Subnet']['SubnetId']}"
    kebab = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", resource).lower()
    return f"arn:aws:{service}:us-east-1:{account}:{kebab}/{slug(name)}"


def filled(ctx: Context, path: str) -> str:
    """An artefact's text with the emulator's ids and every placeholder filled."""
    text = ctx.world.translate(ctx.artifact(path).read_text(encoding="utf-8"))
    text, unknown = fill_placeholders(ctx.world, text)
    if unknown:
        raise StepFailed(f"{path}: the rehearsal cannot fill {', '.join(sorted(set(unknown)))}")
    json.loads(text)
    return text


def identity_policies(ctx: Context, step: Step, outcome: Outcome) -> None:
    """Identity policies created in the step's account and attached where the step's targets
    say ({"policies": [{"file", "attach_to_role" | "permission_set"}]}); a plan without
    targets: the role its action names."""
    entries = (step.targets or {}).get("policies")
    if not isinstance(entries, list):
        entries = _entries_from_text(step)
    account = ctx.account_of(step)
    iam = ctx.emulator.client("iam", account)
    sets = [str(e["permission_set"]) for e in entries if e.get("permission_set")]
    for entry in entries:
        path = str(entry.get("file") or "")
        if entry.get("permission_set") or not path.endswith(".json"):
            continue
        document = filled(ctx, path)
        name = Path(path).stem[:128]
        arn = iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"]
        role = entry.get("attach_to_role")
        if not role:
            continue  # the users or roles the account chooses
        try:
            iam.get_role(RoleName=role)
        except ClientError:
            raise StepFailed(
                f"role {role} does not exist in {step.account_name}: no earlier step creates it"
            ) from None
        iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    if sets:
        outcome.status = NOT_SIMULATED
        outcome.detail = (
            "IAM Identity Center permission sets are not emulated (the policies of "
            f"{', '.join(sets)} go into their inline policies)"
        )


def _entries_from_text(step: Step) -> list[dict[str, Any]]:
    """What an older plan's step says in words: a permission set, or the role it names."""
    files = [a for a in step.artifacts if a.endswith(".json")]
    if "permission set" in step.action.lower():
        return [{"file": f, "permission_set": "(named in the step)"} for f in files]
    found = ROLE.search(step.action + " ")
    return [{"file": f, "attach_to_role": found.group(1) if found else None} for f in files]


def not_emulated(reason: str) -> Any:
    def handler(ctx: Context, step: Step, outcome: Outcome) -> None:
        if step.templates():
            templates(ctx, step, outcome)
            return
        outcome.status = NOT_SIMULATED
        outcome.detail = reason

    return handler
