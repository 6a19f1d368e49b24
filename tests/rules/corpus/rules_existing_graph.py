"""One caught flaw and one near miss per existing graph rule (GRAPH-01 to GRAPH-06), written from
the rules. Each design is the reference landing zone with one realistic edit, except GRAPH-03:
the reference landing zone holds organization-wide relationships (the organization trail, the
security team's audit roles), which make every account take part, so its orphan is planted in
the identity template, which has none."""

from __future__ import annotations

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import Flaw, Kit, NearMiss

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
BLAST_RADIUS = f"{WHITEPAPER}, When to Create Multiple Accounts: isolation to minimize blast radius"
INFOSEC = f"{WHITEPAPER}, Information Security Account"


def _trust(source: str, target: str, level: str, role: str, **fields: object) -> Design:
    """The reference landing zone plus one role-to-role trust inside the organization."""
    kit = Kit()
    fields.setdefault("principal_scope", "role")
    fields.setdefault("principal_role_name", "WorkloadAdmin")
    kit.trust(source, target, level, role_name=role, organization_scoped=True, **fields)
    return kit.build()


def _release_pipeline(level: str) -> Design:
    """Retail Development's release pipeline deploys into Retail Production."""
    return _trust(
        "Retail Development",
        "Retail Production",
        level,
        "RetailReleaseDeployer",
        services=["cloudformation", "ecs"] if level == "service-admin" else [],
        principal_type="workload",
    )


def _staging_flow_logs() -> Design:
    """Payments Staging sends its flow logs to the log archive: a relationship, not a trust."""
    kit = Kit()
    kit.logs(
        "Payments Staging",
        "Log Archive",
        "vpc-flow-logs",
        bucket="example-org-logs-config-153715744375",
    )
    return kit.build()


def _marketing_account(parent: str | None) -> Design:
    kit = Kit("identity")
    kit.account(
        "Marketing Analytics",
        parent=parent,
        environment="production",
        data_sensitivity="internal",
    )
    return kit.build()


def _audit_exclusions(*roles: str) -> Design:
    """Payments Production left out of the security team's organization-wide roles."""
    kit = Kit()
    for role in roles:
        kit.update(role, excluded_accounts=["Payments Production"])
    return kit.build()


FLAWS = [
    Flaw(
        "GRAPH-01 development pipeline administers production services",
        BLAST_RADIUS,
        lambda: _release_pipeline("service-admin"),
        "GRAPH-01",
        "Retail Development",
        Severity.MEDIUM,
    ),
    Flaw(
        "GRAPH-02 production administers the identity account back",
        BLAST_RADIUS,
        lambda: _trust("Retail Production", "Identity", "administrator", "IdentityBreakGlass"),
        "GRAPH-02",
        "IdentityBreakGlass",
        Severity.HIGH,
    ),
    Flaw(
        "GRAPH-03 analytics account joined by billing only",
        f"{WHITEPAPER}, AWS Security Account Structures",
        lambda: _marketing_account(None),
        "GRAPH-03",
        "Marketing Analytics",
        Severity.LOW,
    ),
    Flaw(
        "GRAPH-04 payments production left out of the audit roles",
        f"{WHITEPAPER}, General Best Practices: create a security account structure",
        lambda: _audit_exclusions("SecurityAudit", "SecurityReadOnly"),
        "GRAPH-04",
        "Payments Production",
        Severity.HIGH,
    ),
    Flaw(
        "GRAPH-05 security tooling holds administrator in production for incident response",
        f"{WHITEPAPER}, Hybrid AWS Security Account Structures",
        lambda: _trust(
            "Security Tooling",
            "Retail Production",
            "administrator",
            "IncidentResponder",
            principal_role_name="SecurityAnalyst",
        ),
        "GRAPH-05",
        "IncidentResponder",
        Severity.HIGH,
    ),
    Flaw(
        "GRAPH-06 identity account administers the management account",
        "AWS Organizations User Guide, 'Best practices for the management account'",
        lambda: _trust(
            "Identity",
            "Management",
            "administrator",
            "OrganizationAdmin",
            principal_role_name="WorkloadAdministrator",
        ),
        "GRAPH-06",
        "OrganizationAdmin",
        Severity.CRITICAL,
    ),
]

LEGITIMATE: list[object] = []

NEAR_MISSES = [
    NearMiss(
        "GRAPH-01",
        "staging account sends flow logs but holds no trust",
        _staging_flow_logs,
        "Payments Staging",
    ),
    NearMiss(
        "GRAPH-02",
        "production reads the shared-services account, which does not trust it back",
        lambda: _trust("Retail Production", "Shared Services", "read-only", "ArtifactReader"),
    ),
    NearMiss(
        "GRAPH-03",
        "analytics account placed in the Workloads OU the identity account administers",
        lambda: _marketing_account("Workloads"),
        "Marketing Analytics",
    ),
    NearMiss(
        "GRAPH-04",
        "payments production left out of the read-only role only",
        lambda: _audit_exclusions("SecurityReadOnly"),
    ),
    NearMiss(
        "GRAPH-05",
        "security tooling administers GuardDuty and Security Hub in production",
        lambda: _trust(
            "Security Tooling",
            "Retail Production",
            "service-admin",
            "SecurityServicesAdmin",
            services=["guardduty", "securityhub"],
            principal_role_name="SecurityAnalyst",
        ),
    ),
    NearMiss(
        "GRAPH-06",
        "identity account reads billing in the management account",
        lambda: _trust(
            "Identity",
            "Management",
            "read-only",
            "BillingViewer",
            principal_role_name="WorkloadAdministrator",
        ),
    ),
]
