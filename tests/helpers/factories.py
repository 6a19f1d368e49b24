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
