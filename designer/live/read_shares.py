"""What an account publishes to others: AMIs, EBS snapshots, RAM shares, Service Catalog portfolios.

Each share becomes (resource type, resource name, principal) where the principal is an account
id, an OU ARN or id, an organization ARN, or "all" for a public resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from designer.live.aws import Access, Sessions, pages

PORTFOLIO_SHARE_TYPES = ("ACCOUNT", "ORGANIZATION", "ORGANIZATIONAL_UNIT")


@dataclass(frozen=True)
class Share:
    resource_type: str  # ami, ebs-snapshot, ram-share, service-catalog-portfolio
    resource: str  # its id or name
    principal: str  # account id, OU / organization ARN or id, or "all"
    ram_type: str | None = None  # e.g. ec2:Subnet, for RAM shares


def read_shares(sessions: Sessions, access: Access | None, account_id: str) -> list[Share]:
    ec2 = sessions.client(access, "ec2")
    shares = _images(ec2, account_id) + _snapshots(ec2, account_id)
    shares += _ram(sessions.client(access, "ram"))
    shares += _portfolios(sessions.client(access, "servicecatalog"))
    return shares


def _images(ec2: Any, account_id: str) -> list[Share]:
    shares = []
    for image in pages(ec2, "describe_images", "Images", Owners=["self"]):
        if image.get("OwnerId", account_id) != account_id:
            continue  # "self" should already exclude these; some endpoints do not
        answer = ec2.describe_image_attribute(
            ImageId=image["ImageId"], Attribute="launchPermission"
        )
        name = image.get("Name") or image["ImageId"]
        for permission in answer.get("LaunchPermissions", []):
            principal = (
                permission.get("UserId")
                or permission.get("OrganizationalUnitArn")
                or permission.get("OrganizationArn")
                or permission.get("Group")
            )
            if principal:
                shares.append(Share("ami", name, principal))
    return shares


def _snapshots(ec2: Any, account_id: str) -> list[Share]:
    shares = []
    for snapshot in pages(ec2, "describe_snapshots", "Snapshots", OwnerIds=["self"]):
        if snapshot.get("OwnerId", account_id) != account_id:
            continue
        answer = ec2.describe_snapshot_attribute(
            SnapshotId=snapshot["SnapshotId"], Attribute="createVolumePermission"
        )
        name = snapshot.get("Description") or snapshot["SnapshotId"]
        for permission in answer.get("CreateVolumePermissions", []):
            principal = permission.get("UserId") or permission.get("Group")
            if principal:
                shares.append(Share("ebs-snapshot", name, principal))
    return shares


def _ram(ram: Any) -> list[Share]:
    """One share per (principal, shared resource): the resource by its id in its ARN (a RAM
    share's own name says nothing of what it shares); the share's name only when it holds no
    resource yet."""
    shares = []
    for share in pages(ram, "get_resource_shares", "resourceShares", resourceOwner="SELF"):
        if share.get("status") not in (None, "ACTIVE"):
            continue
        principals = _associated(ram, share["resourceShareArn"], "PRINCIPAL")
        resources = _associated(ram, share["resourceShareArn"], "RESOURCE")
        for principal in principals:
            for arn in resources:
                shares.append(Share("ram-share", resource_id(arn), principal, _ram_type(arn)))
            if not resources:
                shares.append(Share("ram-share", share["name"], principal, "unknown"))
    return shares


def resource_id(arn: str) -> str:
    """The resource's id in its ARN: subnet-1 of arn:aws:ec2:r:1:subnet/subnet-1."""
    resource = arn.split(":", 5)[-1]
    return resource.rsplit("/", 1)[-1] if "/" in resource else resource.rsplit(":", 1)[-1]


def _associated(ram: Any, share: str, kind: str) -> list[str]:
    associations = pages(
        ram,
        "get_resource_share_associations",
        "resourceShareAssociations",
        associationType=kind,
        resourceShareArns=[share],
    )
    return [
        a["associatedEntity"] for a in associations if a.get("status", "ASSOCIATED") == "ASSOCIATED"
    ]


def _ram_type(arn: str) -> str:
    """RAM's resource type from an ARN: arn:aws:ec2:...:subnet/subnet-1 -> ec2:Subnet."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return "unknown"
    kind = parts[5].split("/")[0]
    return f"{parts[2]}:{''.join(word.capitalize() for word in kind.split('-'))}"


def _portfolios(catalog: Any) -> list[Share]:
    shares = []
    for portfolio in pages(catalog, "list_portfolios", "PortfolioDetails"):
        for share_type in PORTFOLIO_SHARE_TYPES:
            for detail in _portfolio_shares(catalog, portfolio["Id"], share_type):
                shares.append(
                    Share(
                        "service-catalog-portfolio", portfolio["DisplayName"], detail["PrincipalId"]
                    )
                )
    return shares


def _portfolio_shares(catalog: Any, portfolio: str, share_type: str) -> list[dict[str, Any]]:
    """DescribePortfolioShares has no paginator: follow its page token."""
    details: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"PortfolioId": portfolio, "Type": share_type}
        if token:
            kwargs["PageToken"] = token
        try:
            answer = catalog.describe_portfolio_shares(**kwargs)
        except ClientError:
            return details  # a share type the account cannot use (no organization access)
        details += answer.get("PortfolioShareDetails", [])
        token = answer.get("NextPageToken")
        if not token:
            return details
