"""Synthetic organizations of any size, shaped like the reference landing zone.

Used by the benchmarks (and by tests that need a large, valid design). Ids come from stable_id, so
the same size always gives the same design.

Scoped (the default), the audit role is one trust to the organization (plus one to the
management account, where StackSets never deploy) and the workload administrator role one trust
to the Workloads OU, as service-managed StackSets deploy them;
`scoped=False` draws the same organization with one trust per account, for comparison.
"""

from __future__ import annotations

from typing import Any

from designer.model import (
    Account,
    BillingRelationship,
    DelegatedAdminRelationship,
    Design,
    FederationRelationship,
    IdentityProvider,
    LogBucket,
    LogDeliveryRelationship,
    ObjectLock,
    Organization,
    OrganizationalUnit,
    ResourceShareRelationship,
    TrustRelationship,
    UsagePolicy,
    stable_id,
)

BUSINESS_UNITS = 20
ENVIRONMENTS = (("Prod", "production"), ("Non-prod", "non-production"))
SECURITY_SERVICES = [
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "config.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "cloudtrail.amazonaws.com",
]


def sid(*parts: object) -> str:
    return stable_id("synthetic", *map(str, parts))


def _account(key: str, name: str, function: str, parent: str | None, **extra: Any) -> Account:
    return Account(
        id=sid("account", key),
        name=name,
        functions=[function],
        parent=parent,
        email=f"aws+{key}@example.com",
        owner="Cloud Platform",
        purpose=name,
        root_mfa=True,
        state="active",
        **extra,
    )


def _ous() -> list[OrganizationalUnit]:
    units = [
        OrganizationalUnit(id=sid("ou", name), name=name)
        for name in (
            "Security",
            "Infrastructure",
            "Workloads",
            "Sandbox",
            "Suspended",
            "Policy Staging",
        )
    ]
    for bu in range(BUSINESS_UNITS):
        units.append(
            OrganizationalUnit(
                id=sid("ou", "bu", bu), name=f"BU {bu:02d}", parent=sid("ou", "Workloads")
            )
        )
        units += [
            OrganizationalUnit(id=sid("ou", "bu", bu, env), name=env, parent=sid("ou", "bu", bu))
            for env, _ in ENVIRONMENTS
        ]
    return units


def _core_accounts() -> list[Account]:
    return [
        _account("management", "Management", "management", None),
        _account("log-archive", "Log Archive", "log-archive", sid("ou", "Security")),
        _account("audit", "Security Tooling", "security-tooling", sid("ou", "Security")),
        _account("identity", "Identity", "identity", sid("ou", "Infrastructure")),
        _account("network", "Network", "network", sid("ou", "Infrastructure")),
    ]


def _workload(n: int) -> Account:
    bu = n % BUSINESS_UNITS
    env, environment = ENVIRONMENTS[(n // BUSINESS_UNITS) % len(ENVIRONMENTS)]
    return _account(
        f"workload-{n}",
        f"BU {bu:02d} workload {n}",
        "workload",
        sid("ou", "bu", bu, env),
        environment=environment,
        runs_workloads=True,
        business_unit=f"BU {bu:02d}",
    )


def _relationships(workloads: list[Account], core: list[Account], org: str) -> list[Any]:
    mgmt, logs, audit, identity, network = (a.id for a in core)
    bucket = sid("bucket", "trail")
    rels: list[Any] = [
        LogDeliveryRelationship(
            id=sid("rel", "trail"),
            source=org,
            target=logs,
            log_types=["cloudtrail"],
            bucket=bucket,
            purpose="Organization trail",
        ),
        LogDeliveryRelationship(
            id=sid("rel", "config"),
            source=org,
            target=logs,
            log_types=["config"],
            bucket=sid("bucket", "config"),
            purpose="Config delivery",
        ),
        DelegatedAdminRelationship(
            id=sid("rel", "delegated"),
            source=mgmt,
            target=audit,
            service_principals=SECURITY_SERVICES,
            purpose="Security",
        ),
        FederationRelationship(
            id=sid("rel", "federation"),
            source=sid("idp"),
            target=identity,
            protocol="saml",
            mapped_roles=["WorkloadAdministrator"],
            purpose="Workforce",
        ),
        FederationRelationship(  # analysts sign in to the role the audit trusts name
            id=sid("rel", "federation", "audit"),
            source=sid("idp"),
            target=audit,
            protocol="saml",
            mapped_roles=["SecurityAnalyst"],
            purpose="Security analysts",
        ),
    ]
    rels += [
        ResourceShareRelationship(
            id=sid("rel", "subnets", bu),
            source=network,
            target=sid("ou", "bu", bu),
            resource_type="ram-share",
            ram_resource_type="ec2:Subnet",
            purpose="Shared VPC",
        )
        for bu in range(BUSINESS_UNITS)
    ]
    for account in [*core[1:], *workloads]:
        rels.append(
            BillingRelationship(
                id=sid("rel", "bill", account.id),
                source=mgmt,
                target=account.id,
                purpose="Consolidated billing",
            )
        )
    return rels


AUDIT = {
    "role_name": "SecurityAudit",
    "access_level": "security-audit",
    "require_mfa": False,  # a role session carries no MFA: the IdP asks for it (IAM-13)
    "organization_scoped": True,
    "principal_scope": "role",
    "principal_role_name": "SecurityAnalyst",
    "purpose": "Security audit",
}
ADMIN = {
    "role_name": "WorkloadAdmin",
    "access_level": "administrator",
    "require_mfa": False,  # a role session carries no MFA: the IdP asks for it (IAM-13)
    "organization_scoped": True,
    "principal_scope": "role",
    "principal_role_name": "WorkloadAdministrator",
    "purpose": "Workload administration",
}


def _scoped_trusts(core: list[Account], org: str) -> list[Any]:
    audit, identity = core[2].id, core[3].id
    workloads = sid("ou", "Workloads")
    management = core[0].id  # StackSets never deploy there: its audit role is drawn to it
    return [
        TrustRelationship(id=sid("rel", "audit", org), source=audit, target=org, **AUDIT),
        TrustRelationship(
            id=sid("rel", "audit", management), source=audit, target=management, **AUDIT
        ),
        TrustRelationship(
            id=sid("rel", "admin", workloads), source=identity, target=workloads, **ADMIN
        ),
    ]


def _trusts_per_account(workloads: list[Account], core: list[Account]) -> list[Any]:
    audit, identity = core[2].id, core[3].id
    rels = [
        TrustRelationship(id=sid("rel", "audit", a.id), source=audit, target=a.id, **AUDIT)
        for a in [core[0], *core[1:], *workloads]
        if a.id != audit
    ]
    rels += [
        TrustRelationship(id=sid("rel", "admin", a.id), source=identity, target=a.id, **ADMIN)
        for a in workloads
    ]
    return rels


def synthetic_design(accounts: int, scoped: bool = True) -> Design:
    """A valid design with `accounts` accounts (at least 5): core accounts plus workloads."""
    core = _core_accounts()
    workloads = [_workload(n) for n in range(max(0, accounts - len(core)))]
    logs = core[1].id
    lock = ObjectLock(mode="COMPLIANCE", retention_days=365)
    return Design(
        id=sid("design", accounts),
        name=f"Synthetic organization of {accounts} accounts",
        organization=Organization(
            id=sid("org"),
            name="Synthetic",
            management_account=core[0].id,
            organization_id="o-synthetic01",
        ),
        organizational_units=_ous(),
        accounts=[*core, *workloads],
        identity_providers=[
            IdentityProvider(
                id=sid("idp"), name="Corporate IdP", kind="saml", home_account=core[3].id
            )
        ],
        relationships=[
            *_relationships(workloads, core, sid("org")),
            *(_scoped_trusts(core, sid("org")) if scoped else _trusts_per_account(workloads, core)),
        ],
        log_buckets=[
            LogBucket(
                id=sid("bucket", "trail"),
                name="synthetic-org-trail",
                account=logs,
                mfa_delete=True,
                object_lock=lock,
                access_logging=True,
                organization_restricted_writes=True,
                kms_key="alias/logs",
            ),
            LogBucket(
                id=sid("bucket", "config"),
                name="synthetic-org-config",
                account=logs,
                mfa_delete=True,
                access_logging=True,
                organization_restricted_writes=True,
                kms_key="alias/logs",
            ),
        ],
        usage_policy=UsagePolicy(
            approved_services=["ec2", "s3"],
            allowed_regions=["eu-west-1"],
            required_encryption=["S3 SSE-KMS"],
        ),
    )
