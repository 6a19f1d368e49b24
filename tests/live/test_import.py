"""The import against moto's HTTP server: the organization, rebuilt from read-only calls."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from designer.core.scope import Scopes
from designer.live.aws import Connection
from designer.live.importer import import_organization
from designer.model import Design, ResourceShareRelationship
from designer.model.integrity import check_design
from tests.live.conftest import EXTERNAL, MANAGEMENT, LiveOrg

pytestmark = pytest.mark.live


def run_import(org: LiveOrg, session: boto3.Session | None = None, **kwargs: Any) -> Any:
    return import_organization(
        Connection(endpoint_url=org.url, workers=4), session=session or org.session(), **kwargs
    )


def deny_assume_role(session: boto3.Session, account: str) -> None:
    """moto does not evaluate trust policies: refuse this account's AssumeRole ourselves."""

    def refuse(params: dict[str, Any], **_: Any) -> None:
        if f"::{account}:" in params.get("RoleArn", ""):
            error = {"Error": {"Code": "AccessDenied", "Message": "not authorized"}}
            raise ClientError(error, "AssumeRole")

    session.events.register("before-parameter-build.sts.AssumeRole", refuse)


@pytest.fixture(scope="module")
def imported(live_org: LiveOrg) -> tuple[Design, Any]:
    """One import for the checks that only read its result (moto's EC2 makes each take ~10 s)."""
    session = live_org.session()
    deny_assume_role(session, live_org.accounts["Locked Workload"])
    return run_import(live_org, session)  # type: ignore[no-any-return]


def test_the_organization_is_rebuilt(live_org: LiveOrg, imported: tuple[Design, Any]) -> None:
    design, report = imported
    assert check_design(design) == []
    by_id = {a.aws_account_id: a for a in design.accounts}
    assert set(by_id) == set(live_org.accounts.values())
    units = {u.id: u for u in design.organizational_units}

    def path(parent: str | None) -> str:
        names = []
        while parent:
            names.append(units[parent].name)
            parent = units[parent].parent
        return "/".join(["Root", *reversed(names)])

    for name, account_id in live_org.accounts.items():
        assert by_id[account_id].name == ("master" if account_id == MANAGEMENT else name)
    retail = by_id[live_org.accounts["Retail Production"]]
    assert path(retail.parent) == "Root/Workloads/Prod"
    assert (str(retail.environment), retail.owner) == ("production", "Retail")
    assert str(by_id[live_org.accounts["Closed Project"]].state) == "suspended"
    assert str(by_id[MANAGEMENT].functions[0]) == "management"
    assert str(by_id[live_org.accounts["Log Archive"]].functions[0]) == "log-archive"
    assert str(by_id[live_org.accounts["Identity"]].functions[0]) == "identity"
    gaps = {(g.account, g.what) for g in report.gaps}
    assert gaps == {  # a share outside the organization is not a gap: an outside principal
        (live_org.accounts["Locked Workload"], "assume role OrganizationAccountAccessRole"),
        (live_org.accounts["Closed Project"], "account"),
    }
    assert report.scanned == len(live_org.accounts) - 2
    assert report.api_calls > 0


def test_scps_are_attached_at_every_level(live_org: LiveOrg, imported: tuple[Design, Any]) -> None:
    design, _ = imported
    names = {p.id: p.name for p in design.service_control_policies}
    assert "DenyLeaveOrganization" in [names[i] for i in design.organization.root_scps]
    units = {u.name: u for u in design.organizational_units}
    assert sorted(names[i] for i in units["Workloads"].scps) == [
        "DenyOutsideRegions",
        "FullAWSAccess",
    ]
    assert "DenyAllSuspended" in [names[i] for i in units["Suspended"].scps]
    assert "DenyAllSuspended" not in [names[i] for i in units["Workloads"].scps]
    sandbox = next(a for a in design.accounts if a.name == "Developer Sandbox")
    assert "SandboxLimits" in [names[i] for i in sandbox.scps]
    policy = next(p for p in design.service_control_policies if p.name == "DenyAllSuspended")
    assert policy.document is not None
    assert policy.document["Statement"][0]["Action"] == "*"


def test_trust_federation_and_third_parties(
    live_org: LiveOrg, imported: tuple[Design, Any]
) -> None:
    design, _ = imported
    ids = {a.id: a.aws_account_id for a in design.accounts}
    ids |= {t.id: t.aws_account_id for t in design.outside_principals}
    trusts = {  # a role found in every account of an OU is one trust to it: expand it again
        (ids[r.source], ids[r.target], r.role_name): r
        for r in Scopes(design).expanded()
        if r.kind == "trust"
    }
    a = live_org.accounts
    units = {u.id: u.name for u in design.organizational_units}
    [access] = [
        r
        for r in design.relationships
        if r.kind == "trust" and r.role_name == "OrganizationAccountAccessRole"
        and units.get(r.target) == "Infrastructure"
    ]  # fmt: skip
    assert (ids[access.source], access.excluded_accounts) == (MANAGEMENT, [])
    audit = trusts[(a["Security Tooling"], a["Retail Production"], "SecurityAudit")]
    assert (str(audit.access_level), audit.require_mfa) == ("security-audit", True)
    admin = trusts[(a["Identity"], a["Retail Production"], "WorkloadAdmin")]
    assert (str(admin.access_level), admin.require_mfa) == ("administrator", False)
    assert admin.principal_role_name == "WorkloadAdministrator"
    vendor = trusts[(EXTERNAL, a["Retail Production"], "VendorMonitoring")]
    assert (vendor.external_id, str(vendor.access_level)) == ("vendor-7f3a", "read-only")
    [idp] = design.identity_providers
    assert (idp.name, str(idp.kind)) == ("Corporate", "saml")
    [federation] = [r for r in design.relationships if r.kind == "federation"]
    assert ids[federation.target] == a["Identity"]
    assert federation.mapped_roles == ["WorkloadAdministrator"]
    delegated = [r for r in design.relationships if r.kind == "delegated-admin"]
    assert [(ids[r.target], r.service_principals) for r in delegated] == [
        (a["Security Tooling"], ["guardduty.amazonaws.com"])
    ]


def test_logs_reach_the_log_archive_bucket_with_its_protections(
    live_org: LiveOrg, imported: tuple[Design, Any]
) -> None:
    design, _ = imported
    ids = {a.id: a.aws_account_id for a in design.accounts}
    buckets = {b.id: b for b in design.log_buckets}
    deliveries = [r for r in design.relationships if r.kind == "log-delivery"]
    trail = next(r for r in deliveries if "cloudtrail" in r.log_types)
    assert trail.source == design.organization.id  # the organization trail
    assert ids[trail.target] == live_org.accounts["Log Archive"]
    assert (trail.multi_region, trail.log_file_validation) == (True, True)
    assert trail.bucket is not None
    bucket = buckets[trail.bucket]
    assert bucket.name == live_org.trail_bucket
    assert bucket.versioning
    assert bucket.object_lock is not None
    assert (str(bucket.object_lock.mode), bucket.object_lock.retention_days) == ("COMPLIANCE", 365)
    config = sorted(ids[r.source] for r in deliveries if "config" in r.log_types)
    assert config == sorted([live_org.accounts["Security Tooling"], live_org.accounts["Network"]])


def test_the_design_file_can_be_saved_and_validated(
    imported: tuple[Design, Any], tmp_path: Any
) -> None:
    from designer.model import load_design, save_design

    design, _ = imported
    save_design(design, tmp_path / "live.json")
    assert isinstance(load_design(tmp_path / "live.json"), Design)


def test_the_command_writes_the_design_and_a_report_without_credentials(
    live_org: LiveOrg, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import json
    import re

    from designer.cli import main

    secret = "wJalrXUtnFEMI-not-a-real-secret"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFIXTUREKEY000001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    out = tmp_path / "live.json"
    code = main(["import", "-o", str(out), "--endpoint-url", live_org.url, "--workers", "3"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads((tmp_path / "live.import-report.json").read_text(encoding="utf-8"))
    assert report["accounts"] == len(live_org.accounts)
    assert report["api_calls"] > report["accounts"]
    assert [g["account"] for g in report["gaps"]] == [live_org.accounts["Closed Project"]]
    assert "gap: " in captured.err
    for path in (out, tmp_path / "live.import-report.json"):
        text = path.read_text(encoding="utf-8")
        assert secret not in text
        assert "AKIAFIXTUREKEY" not in text
        assert not re.search(r"ASIA[A-Z0-9]{12,}|SessionToken", text)
    assert main(["validate", str(out), "--fail-on", "critical"]) in (0, 1)


def test_no_reachable_organization_is_one_line(tmp_path: Any, capsys: Any) -> None:
    from designer.cli import main

    code = main(["import", "-o", str(tmp_path / "x.json"), "--endpoint-url", "http://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("account-designer: cannot read the organization:")
    assert err.count("\n") == 1
    assert not (tmp_path / "x.json").exists()


def test_published_images_snapshots_portfolios_and_ram_shares(
    live_org: LiveOrg, imported: tuple[Design, Any]
) -> None:
    design, report = imported
    ids = {a.id: a.aws_account_id for a in design.accounts}
    shares = {
        (ids[r.source], ids.get(r.target, r.target), str(r.resource_type)): r
        for r in design.relationships
        if r.kind == "resource-share"
    }
    a = live_org.accounts
    assert shares[(a["Publishing"], a["Retail Production"], "ami")].resource_names == [
        "golden-linux"
    ]
    assert (a["Publishing"], a["Retail Development"], "ami") in shares
    assert (a["Publishing"], a["Payments Production"], "ebs-snapshot") in shares
    catalog = shares[(a["Publishing"], a["Retail Development"], "service-catalog-portfolio")]
    assert catalog.resource_names == ["Approved Infrastructure"]
    ram = shares[(a["Network"], a["Retail Production"], "ram-share")]
    assert ram.ram_resource_type == "ec2:Subnet"
    assert ram.resource_names == [live_org.resources["prod-subnets"]]  # the subnet, not the share
    assert not [g for g in report.gaps if g.what == "ebs-snapshot restore-point"]
    vendor = {p.id: p for p in design.outside_principals if p.aws_account_id == EXTERNAL}
    [outside] = [
        r
        for r in design.relationships
        if isinstance(r, ResourceShareRelationship) and r.target in vendor
    ]
    assert (str(outside.resource_type), outside.resource_names) == (
        "ebs-snapshot",
        ["restore-point"],
    )
    assert str(vendor[outside.target].kind) == "external-account"


def test_the_planned_design_and_the_import_do_not_differ(
    live_org: LiveOrg, imported: tuple[Design, Any]
) -> None:
    from designer.live.diff import diff_designs
    from designer.live.diff_text import format_diff
    from tests.live.expected import expected_design

    planned = expected_design(
        live_org.accounts, live_org.trail_bucket, live_org.config_bucket, live_org.resources
    )
    diff = diff_designs(planned, imported[0])
    assert diff.entries == [], format_diff(diff)


def test_a_modified_plan_differs_by_exactly_its_modifications(
    live_org: LiveOrg, imported: tuple[Design, Any]
) -> None:
    from designer.live.diff import CHANGED, UNEXPECTED, diff_designs
    from tests.live.expected import expected_design

    planned = expected_design(
        live_org.accounts, live_org.trail_bucket, live_org.config_bucket, live_org.resources
    )
    audit = next(
        r for r in planned.relationships if r.kind == "trust" and r.role_name == "SecurityAudit"
    )
    ram = next(
        r for r in planned.relationships if r.kind == "resource-share" and r.ram_resource_type
    )
    trail_bucket = planned.log_buckets[0]
    assert trail_bucket.object_lock is not None
    planned = planned.model_copy(
        update={
            "relationships": [
                r.model_copy(update={"require_mfa": False}) if r.id == audit.id else r
                for r in planned.relationships
                if r.id != ram.id
            ],
            "log_buckets": [
                trail_bucket.model_copy(
                    update={
                        "object_lock": trail_bucket.object_lock.model_copy(
                            update={"retention_days": 3650}
                        )
                    }
                ),
                *planned.log_buckets[1:],
            ],
        }
    )
    diff = diff_designs(planned, imported[0])
    found = sorted((e.status, e.kind, tuple(c.field for c in e.changes)) for e in diff.entries)
    assert found == [
        (CHANGED, "log-bucket", ("Object Lock",)),
        (CHANGED, "trust", ("require MFA",)),
        (UNEXPECTED, "resource-share", ()),
    ]


def test_ctrl_c_stops_the_command_cleanly_without_a_file(
    live_org: LiveOrg, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from designer import cli

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")

    def interrupting() -> Any:
        def show(done: int, total: int) -> None:
            if done >= 3:
                raise KeyboardInterrupt  # what Ctrl+C raises in the main thread

        return show

    monkeypatch.setattr(cli, "_progress_bar", interrupting)
    out = tmp_path / "live.json"
    code = cli.main(["import", "-o", str(out), "--endpoint-url", live_org.url, "--workers", "1"])
    assert code == 130
    assert capsys.readouterr().err.strip().endswith("interrupted")
    assert not out.exists()
    assert not (tmp_path / "live.import-report.json").exists()
