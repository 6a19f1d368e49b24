"""The organization of conftest.py written down as a design, the way an architect would plan it.

Account ids are not known in advance (moto draws them), so accounts carry their e-mail addresses
and the diff matches them by address. AWS itself adds what a plan would also expect: the
FullAWSAccess SCP everywhere and an OrganizationAccountAccessRole (administrator, trusting the
management account) in every account the organization created.
"""

from __future__ import annotations

import json
from typing import Any

from designer.model import Design, stable_id

AUDIT_ARN = "arn:aws:iam::aws:policy/SecurityAudit"


# What the import infers from strong evidence: others deliver their logs there, it administers
# the security services, its identity provider federates the rest; everything else is a workload.
FUNCTIONS = {
    "Log Archive": ["log-archive"],
    "Security Tooling": ["security-tooling"],
    "Identity": ["identity"],
}


def _id(*parts: str) -> str:
    return stable_id("expected", *parts)


def email(name: str) -> str:
    return f"aws+{name.lower().replace(' ', '-')}@example.com"


def expected_design(
    accounts: dict[str, str],
    trail_bucket: str,
    config_bucket: str,
    resources: dict[str, str] | None = None,
) -> Design:
    """`resources`: a shared resource's name -> the id AWS gave it (RAM lists ARNs)."""
    from tests.live.conftest import EXTERNAL

    units = [
        ("Security", None),
        ("Infrastructure", None),
        ("Workloads", None),
        ("Prod", "Workloads"),
        ("Non-prod", "Workloads"),
        ("Sandbox", None),
        ("Suspended", None),
    ]
    placed = {
        "Log Archive": ("Security", {}),
        "Security Tooling": ("Security", {"owner": "Security"}),
        "Identity": ("Infrastructure", {}),
        "Network": ("Infrastructure", {}),
        "Shared Services": ("Infrastructure", {}),
        "Publishing": ("Infrastructure", {}),
        "Retail Production": ("Prod", {"environment": "prod", "owner": "Retail"}),
        "Payments Production": ("Prod", {"environment": "production"}),
        "Retail Development": ("Non-prod", {"environment": "dev"}),
        "Developer Sandbox": ("Sandbox", {"environment": "sandbox"}),
        "Closed Project": ("Suspended", {}),
        "Locked Workload": ("Workloads", {}),
    }
    environments = {"prod": "production", "production": "production", "dev": "development"}
    full = _id("scp", "FullAWSAccess")
    scp = {
        n: _id("scp", n)
        for n in (
            "DenyLeaveOrganization",
            "DenyOutsideRegions",
            "DenyAllSuspended",
            "SandboxLimits",
        )
    }
    unit_scps = {"Workloads": [scp["DenyOutsideRegions"]], "Suspended": [scp["DenyAllSuspended"]]}
    mgmt = _id("account", "Management")
    data: dict[str, Any] = {
        "name": "Planned organization",
        "organization": {
            "id": _id("root"),
            "name": "Example",
            "management_account": mgmt,
            "root_scps": [full, scp["DenyLeaveOrganization"]],
        },
        "organizational_units": [
            {
                "id": _id("ou", name),
                "name": name,
                "parent": _id("ou", parent) if parent else None,
                "scps": [full, *unit_scps.get(name, [])],
            }
            for name, parent in units
        ],
        "accounts": [
            {
                "id": mgmt,
                "name": "master",
                "email": "master@example.com",
                "functions": ["management"],
                "state": "active",
                "scps": [full],
            }
        ]
        + [
            {
                "id": _id("account", name),
                "name": name,
                "email": email(name),
                "functions": FUNCTIONS.get(name, ["workload"]),
                "parent": _id("ou", unit),
                "environment": environments.get(
                    tags.get("environment", ""), tags.get("environment", "none")
                ),
                "owner": tags.get("owner", ""),
                "tags": tags,
                "state": "suspended" if name == "Closed Project" else "active",
                "scps": [full, *([scp["SandboxLimits"]] if name == "Developer Sandbox" else [])],
            }
            for name, (unit, tags) in placed.items()
        ],
        "service_control_policies": [
            {"id": full, "name": "FullAWSAccess", "aws_managed": True},
            *(
                {"id": scp[name], "name": name, "document": _deny(action)}
                for name, action in (
                    ("DenyLeaveOrganization", "organizations:LeaveOrganization"),
                    ("DenyOutsideRegions", "ec2:RunInstances"),
                    ("DenyAllSuspended", "*"),
                    ("SandboxLimits", "iam:CreateUser"),
                )
            ),
        ],
        "outside_principals": [{"id": _id("vendor"), "name": "Vendor", "aws_account_id": EXTERNAL}],
        "identity_providers": [
            {
                "id": _id("idp"),
                "name": "Corporate",
                "kind": "saml",
                "home_account": _id("account", "Identity"),
            }
        ],
        "log_buckets": [
            {
                "id": _id("bucket", "trail"),
                "name": trail_bucket,
                "account": _id("account", "Log Archive"),
                "object_lock": {"mode": "COMPLIANCE", "retention_days": 365},
            },
            {
                "id": _id("bucket", "config"),
                "name": config_bucket,
                "account": _id("account", "Log Archive"),
            },
        ],
        "relationships": _relationships(placed, mgmt, resources or {}),
    }
    return Design.model_validate(data)


def _deny(action: str) -> dict[str, Any]:
    statement = {"Effect": "Deny", "Action": action, "Resource": "*"}
    return json.loads(json.dumps({"Version": "2012-10-17", "Statement": [statement]}))


def _relationships(
    placed: dict[str, Any], mgmt: str, resources: dict[str, str]
) -> list[dict[str, Any]]:
    a = {name: _id("account", name) for name in placed}
    rels: list[dict[str, Any]] = []

    def add(kind: str, source: str, target: str, **extra: Any) -> None:
        rels.append(
            {
                "id": _id(kind, source, target, str(len(rels))),
                "kind": kind,
                "source": source,
                "target": target,
                **extra,
            }
        )

    for name in placed:  # made by AWS Organizations when it created the account
        if name not in ("Locked Workload", "Closed Project"):  # not read: gaps in the report
            add(
                "trust",
                mgmt,
                a[name],
                role_name="OrganizationAccountAccessRole",
                access_level="administrator",
            )
        add("billing", mgmt, a[name])
    for name in ("Retail Production", "Payments Production", "Log Archive"):
        add(
            "trust",
            a["Security Tooling"],
            a[name],
            role_name="SecurityAudit",
            access_level="security-audit",
            require_mfa=True,
        )
    add(
        "trust",
        a["Identity"],
        a["Retail Production"],
        role_name="WorkloadAdmin",
        access_level="administrator",
        principal_scope="role",
        principal_role_name="WorkloadAdministrator",
    )
    add(
        "trust",
        _id("vendor"),
        a["Retail Production"],
        role_name="VendorMonitoring",
        access_level="read-only",
        external_id="vendor-7f3a",
    )
    add(
        "federation",
        _id("idp"),
        a["Identity"],
        protocol="saml",
        mapped_roles=["WorkloadAdministrator"],
    )
    add(  # the organization trail: every account's events
        "log-delivery",
        _id("root"),
        a["Log Archive"],
        log_types=["cloudtrail"],
        bucket=_id("bucket", "trail"),
    )
    for name in ("Security Tooling", "Network"):
        add(
            "log-delivery",
            a[name],
            a["Log Archive"],
            log_types=["config"],
            bucket=_id("bucket", "config"),
        )
    add(
        "delegated-admin",
        mgmt,
        a["Security Tooling"],
        service_principals=["guardduty.amazonaws.com"],
    )
    add(
        "resource-share",
        a["Publishing"],
        a["Retail Production"],
        resource_type="ami",
        resource_names=["golden-linux"],
    )
    add(
        "resource-share",
        a["Publishing"],
        a["Retail Development"],
        resource_type="ami",
        resource_names=["golden-linux"],
    )
    add(
        "resource-share",
        a["Publishing"],
        a["Payments Production"],
        resource_type="ebs-snapshot",
        resource_names=["restore-point"],
    )
    add(  # a vendor restores the snapshot in its own account
        "resource-share",
        a["Publishing"],
        _id("vendor"),
        resource_type="ebs-snapshot",
        resource_names=["restore-point"],
    )
    add(
        "resource-share",
        a["Publishing"],
        a["Retail Development"],
        resource_type="service-catalog-portfolio",
        resource_names=["Approved Infrastructure"],
    )
    add(
        "resource-share",
        a["Network"],
        a["Retail Production"],
        resource_type="ram-share",
        ram_resource_type="ec2:Subnet",
        resource_names=[resources.get("prod-subnets", "prod-subnets")],
    )
    return rels


def expected_scope_design(resources: dict[str, str] | None = None) -> Design:
    """conftest.scope_org as an architect plans it: the Audit role deployed to Workloads as one
    scoped trust, the organization's access role to every account, and who outside the
    organization is trusted or shared with, named as the architect likes (matched by id)."""
    from tests.live.conftest import EXTERNAL, GITHUB, PARTNER_ORG

    def i(*parts: str) -> str:
        return _id("scope", *parts)

    placed = {
        "Security Tooling": "Security",
        "Shared Services": "Infrastructure",
        "Dev-1": "Workloads",
        "Prod-1": "Prod",
        "Prod-2": "Prod",
    }
    full = i("scp", "FullAWSAccess")
    a = {name: i("account", name) for name in placed}
    mgmt, root, shared = i("account", "Management"), i("root"), a["Shared Services"]
    outside = {
        "vendor": {"name": "Monitoring vendor", "aws_account_id": EXTERNAL},
        "partner": {
            "name": "Partner",
            "kind": "partner-organization",
            "organization_id": PARTNER_ORG,
        },
        "config": {
            "name": "AWS Config",
            "kind": "service",
            "service_principal": "config.amazonaws.com",
        },
        "public": {"name": "The internet", "kind": "anyone"},
    }

    def trust(name: str, source: str, target: str = shared, **extra: Any) -> dict[str, Any]:
        fields = {"role_name": name, "access_level": "read-only", **extra}
        return {
            "id": i("trust", name),
            "kind": "trust",
            "source": source,
            "target": target,
            **fields,
        }

    relationships: list[dict[str, Any]] = [
        trust(
            "OrganizationAccountAccessRole", mgmt, root, access_level="administrator"
        ),  # every member account, as Organizations creates it
        trust("Audit", a["Security Tooling"], i("ou", "Workloads"), access_level="security-audit"),
        trust("VendorRead", i("vendor"), external_id="v-7f3a", principal_type="workload"),
        trust("PartnerAccess", i("partner")),
        trust("OrgReader", root, organization_scoped=True),
        trust("WorkloadsReader", i("ou", "Workloads")),
        trust("PublicRole", i("public")),
        trust(
            "ConfigForDev", i("config"), principal_type="workload", source_account_condition=True
        ),
        trust(
            "GitHubDeploy",
            i("github"),
            principal_type="workload",
            oidc_subjects=["repo:example/app:*"],
        ),
        {
            "id": i("share", "ram"),
            "kind": "resource-share",
            "source": shared,
            "target": i("vendor"),
            "resource_type": "ram-share",
            "ram_resource_type": "ec2:Subnet",
            "resource_names": [(resources or {}).get("partner-subnets", "partner-subnets")],
        },
        {
            "id": i("share", "snapshot"),
            "kind": "resource-share",
            "source": shared,
            "target": i("public"),
            "resource_type": "ebs-snapshot",
            "resource_names": ["public-restore"],
        },
        *(
            {"id": i("billing", name), "kind": "billing", "source": mgmt, "target": a[name]}
            for name in placed
        ),
    ]
    units = [
        ("Security", None),
        ("Infrastructure", None),
        ("Workloads", None),
        ("Prod", "Workloads"),
    ]
    data: dict[str, Any] = {
        "name": "Planned scopes",
        "organization": {
            "id": root,
            "name": "Example",
            "management_account": mgmt,
            "root_scps": [full],
        },
        "organizational_units": [
            {
                "id": i("ou", name),
                "name": name,
                "parent": i("ou", parent) if parent else None,
                "scps": [full],
            }
            for name, parent in units
        ],
        "accounts": [
            {
                "id": mgmt,
                "name": "master",
                "email": "master@example.com",
                "functions": ["management"],
                "state": "active",
                "scps": [full],
            },
            *(
                {
                    "id": a[name],
                    "name": name,
                    "email": email(name),
                    "functions": FUNCTIONS.get(name, ["workload"]),
                    "parent": i("ou", unit),
                    "state": "active",
                    "scps": [full],
                }
                for name, unit in placed.items()
            ),
        ],
        "outside_principals": [{"id": i(key), **fields} for key, fields in outside.items()],
        "identity_providers": [
            {"id": i("github"), "name": GITHUB, "kind": "oidc", "home_account": shared}
        ],
        "service_control_policies": [{"id": full, "name": "FullAWSAccess", "aws_managed": True}],
        "relationships": relationships,
    }
    return Design.model_validate(data)
