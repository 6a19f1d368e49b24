"""Small designs built in code, so each test states exactly the structure it needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from designer.model import (
    Account,
    BillingRelationship,
    Design,
    IdentityProvider,
    LogBucket,
    LogDeliveryRelationship,
    Organization,
    OrganizationalUnit,
    TrustRelationship,
    dumps_design,
    stable_id,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "resources" / "templates"


def sid(name: str) -> str:
    return stable_id("tests", name)


def small_design() -> Design:
    """Management at the root; Security OU (log archive); Workloads OU (prod); a SAML IdP."""
    mgmt = Account(
        id=sid("mgmt"),
        name="Management",
        functions=["management"],
        aws_account_id="111111111111",
        email="mgmt@example.com",
    )
    security = OrganizationalUnit(id=sid("ou-security"), name="Security")
    workloads = OrganizationalUnit(id=sid("ou-workloads"), name="Workloads")
    logs = Account(
        id=sid("logs"),
        name="Log Archive",
        functions=["log-archive"],
        parent=security.id,
        aws_account_id="222222222222",
        email="logs@example.com",
    )
    prod = Account(
        id=sid("prod"),
        name="Prod",
        functions=["workload"],
        parent=workloads.id,
        environment="production",
        aws_account_id="333333333333",
        email="prod@example.com",
        runs_workloads=True,
    )
    idp = IdentityProvider(id=sid("idp"), name="Okta", kind="saml")
    bucket = LogBucket(id=sid("bucket"), name="org-logs-bucket", account=logs.id)
    relationships = [
        BillingRelationship(id=sid("bill-logs"), source=mgmt.id, target=logs.id),
        BillingRelationship(id=sid("bill-prod"), source=mgmt.id, target=prod.id),
        TrustRelationship(
            id=sid("trust-logs-prod"),
            source=logs.id,
            target=prod.id,
            role_name="Audit",
            access_level="security-audit",
        ),
        LogDeliveryRelationship(
            id=sid("logs-prod"),
            source=prod.id,
            target=logs.id,
            log_types=["cloudtrail", "config"],
            bucket=bucket.id,
        ),
    ]
    return Design(
        id=sid("design"),
        name="Small",
        organization=Organization(id=sid("org"), name="Example", management_account=mgmt.id),
        organizational_units=[security, workloads],
        accounts=[mgmt, logs, prod],
        identity_providers=[idp],
        relationships=relationships,
        log_buckets=[bucket],
    )


def small_data() -> dict[str, Any]:
    """The small design as the plain JSON data of a file, ready to be spoiled by a test."""
    data: dict[str, Any] = json.loads(dumps_design(small_design()))
    return data


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def scoped_design() -> Design:
    """The small design and what lies beyond single accounts: three more workload accounts, a
    Security Tooling account whose AuditRole is deployed to the Workloads OU (except Dev and
    Test), the organization's logs delivered to Log Archive, and principals of every outside
    kind: a vendor's account trusted by Prod, a partner organization and the public that
    Publishing shares with, and an AWS service trusted by Log Archive."""
    from designer.model import OutsidePrincipal, ResourceShareRelationship

    design = small_design()
    workloads, security = sid("ou-workloads"), sid("ou-security")
    org = design.organization.id
    more = [
        Account(id=sid(key), name=name, functions=["workload"], parent=workloads)
        for key, name in (("dev", "Dev"), ("test", "Test"), ("staging", "Staging"))
    ]
    tooling = Account(
        id=sid("tooling"), name="Security Tooling", functions=["security-tooling"], parent=security
    )
    publishing = Account(id=sid("publishing"), name="Publishing", functions=["publishing"])
    outside = [
        OutsidePrincipal(
            id=sid("vendor"),
            name="Example Monitoring",
            kind="external-account",
            aws_account_id="578389389050",
            owner="Example Monitoring Inc.",
        ),
        OutsidePrincipal(
            id=sid("partner"),
            name="Partner Org",
            kind="partner-organization",
            organization_id="o-partner1234",
        ),
        OutsidePrincipal(
            id=sid("service"),
            name="CloudTrail",
            kind="service",
            service_principal="cloudtrail.amazonaws.com",
        ),
        OutsidePrincipal(id=sid("public"), name="The public", kind="anyone"),
    ]
    relationships = [
        TrustRelationship(
            id=sid("trust-ou"),
            source=tooling.id,
            target=workloads,
            role_name="AuditRole",
            access_level="security-audit",
            excluded_accounts=[sid("dev"), sid("test")],
        ),
        LogDeliveryRelationship(
            id=sid("logs-org"),
            source=org,
            target=sid("logs"),
            log_types=["cloudtrail", "config"],
            bucket=sid("bucket"),
        ),
        TrustRelationship(
            id=sid("trust-vendor"),
            source=sid("vendor"),
            target=sid("prod"),
            role_name="VendorReadOnly",
            access_level="read-only",
            external_id="example-external-id",
            principal_type="workload",
        ),
        TrustRelationship(
            id=sid("trust-service"),
            source=sid("service"),
            target=sid("logs"),
            role_name="TrailDelivery",
            access_level="read-only",
            principal_type="workload",
        ),
        ResourceShareRelationship(
            id=sid("share-partner"),
            source=publishing.id,
            target=sid("partner"),
            resource_type="ami",
        ),
        ResourceShareRelationship(
            id=sid("share-public"),
            source=publishing.id,
            target=sid("public"),
            resource_type="ebs-snapshot",
        ),
    ]
    return design.model_copy(
        update={
            "accounts": [*design.accounts, *more, tooling, publishing],
            "outside_principals": outside,
            "relationships": [*design.relationships, *relationships],
        }
    )


def scoped_audit_design(workloads: int = 3) -> Design:
    """Management at the root, Security Tooling in Security, Prod-1..Prod-N in Workloads, and
    one Audit trust from Security Tooling scoped to Workloads (the role in each of its accounts)."""
    mgmt = Account(
        id=sid("scoped-mgmt"),
        name="Management",
        functions=["management"],
        aws_account_id="100000000000",
    )
    security = OrganizationalUnit(id=sid("scoped-ou-security"), name="Security")
    workload_ou = OrganizationalUnit(id=sid("scoped-ou-workloads"), name="Workloads")
    tooling = Account(
        id=sid("scoped-tooling"),
        name="Security Tooling",
        functions=["security-tooling"],
        parent=security.id,
        aws_account_id="100000000001",
    )
    prods = [
        Account(
            id=sid(f"scoped-prod-{n}"),
            name=f"Prod-{n}",
            functions=["workload"],
            parent=workload_ou.id,
            aws_account_id=f"2000000000{n:02d}",
        )
        for n in range(1, workloads + 1)
    ]
    audit = TrustRelationship(
        id=sid("scoped-audit"),
        source=tooling.id,
        target=workload_ou.id,
        role_name="Audit",
        access_level="security-audit",
    )
    return Design(
        id=sid("scoped-design"),
        name="Scoped",
        organization=Organization(id=sid("scoped-org"), name="Example", management_account=mgmt.id),
        organizational_units=[security, workload_ou],
        accounts=[mgmt, tooling, *prods],
        relationships=[audit],
    )


def landing_zone_without_requirements() -> Design:
    """The reference landing zone with a usage policy that asks nothing of particular OUs, no
    minimum retention and no KMS requirement: where editing tests start from scratch."""
    from designer.model.templates import load_template

    design = load_template("reference-landing-zone")
    design.usage_policy = design.usage_policy.model_copy(
        update={
            "ou_requirements": [],
            "min_log_retention_days": None,
            "logs_encrypted_with_kms": False,
        }
    )
    return design
