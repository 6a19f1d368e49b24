"""One caught flaw and one near miss per existing deployment rule (DEP-01, DEP-02), written from
the rules. Each design is the reference landing zone with one realistic edit. DEP-01 always
reports the management account's own stack (info), so its case is about one resource: a bucket
placed in the management account is named, the same bucket in the log archive is not."""

from __future__ import annotations

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import Flaw, Kit, NearMiss
from tests.rules.corpus.rules_existing_logging import protected_bucket

ACCESS_LOGS = "example-org-s3-access-logs-804959576755"


def _access_log_bucket(owner: str) -> Design:
    kit = Kit()
    protected_bucket(kit, ACCESS_LOGS, owner, kms_key=None, mfa_delete=True)
    return kit.build()


def _payments_operator(principal_role: str) -> Design:
    """An operator role in Payments Production for a role people hold in the identity account."""
    kit = Kit()
    kit.trust(
        "Identity",
        "Payments Production",
        "service-admin",
        role_name="PaymentsOperator",
        services=["ecs", "rds"],
        principal_scope="role",
        principal_role_name=principal_role,
        organization_scoped=True,
    )
    return kit.build()


FLAWS = [
    Flaw(
        "DEP-01 access-log bucket placed in the management account",
        "AWS CloudFormation API Reference, 'DeploymentTargets' (no management account)",
        lambda: _access_log_bucket("Management"),
        "DEP-01",
        ACCESS_LOGS,
        Severity.INFO,
    ),
    Flaw(
        "DEP-02 payments operator role trusts a role nothing creates",
        "AWS Knowledge Center, 'Invalid principal in policy' trust policy error",
        lambda: _payments_operator("PaymentsOnCall"),
        "DEP-02",
        "PaymentsOperator",
        Severity.HIGH,
    ),
]

LEGITIMATE: list[object] = []

NEAR_MISSES = [
    NearMiss(
        "DEP-01",
        "access-log bucket placed in the log archive",
        lambda: _access_log_bucket("Log Archive"),
        ACCESS_LOGS,
    ),
    NearMiss(
        "DEP-02",
        "payments operator role trusts the role Identity Center lands people in",
        lambda: _payments_operator("WorkloadAdministrator"),
    ),
]
