"""Scoped relationships and outside principals in every export: one StackSet per role deployed to
an OU or the organization, organization conditions for a scoped trusted side, the organization
trail only for the whole organization, outside principals trusted and shared with least privilege
(and anyone never), drawn outside the organization and described in words."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic import synthetic_design
from designer.artefacts.policy_set import build_policies
from designer.drawing.layout import Box
from designer.model import Design
from exporters.base import export_design, safe_name
from exporters.cloudformation import planned_stack_sets
from exporters.document_content import build_document
from exporters.dot import dot_source
from exporters.drawing import build_drawing
from exporters.plan import Step, build_plan, plan_data
from tests.exporters.cfn_values import evaluate
from tests.exporters.scoped import exporter_design
from tests.rules.builder import Builder

FORMATS = ["policies", "cloudformation", "plan", "document", "drawio"]
ORG = "o-exampleorg1"


@pytest.fixture(scope="module")
def design() -> Design:
    return exporter_design()


@pytest.fixture(scope="module")
def files(design: Design, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """path -> parsed JSON (or text) of the export of the design, made once."""
    out = tmp_path_factory.mktemp("scoped")
    found: dict[str, Any] = {}
    for record in export_design(design, out, FORMATS):
        if record.path.endswith(".pdf"):
            continue
        text = (out / record.path).read_text(encoding="utf-8")
        found[record.path] = json.loads(text) if record.path.endswith(".json") else text
    return found


def role_templates(files: dict[str, Any], role: str) -> dict[str, Any]:
    return {
        path: data
        for path, data in files.items()
        if path.startswith("cloudformation/")
        and isinstance(data, dict)
        and any(
            r["Type"] == "AWS::IAM::Role" and r["Properties"]["RoleName"] == role
            for r in data.get("Resources", {}).values()
        )
    }


def stack_sets(files: dict[str, Any]) -> list[dict[str, Any]]:
    """Each StackSet resource of cloudformation/stacksets.json: what its Metadata says (with the
    placeholders' "$ {" joined again) and its permission model and auto-deployment."""
    entries = []
    for resource in files["cloudformation/stacksets.json"]["Resources"].values():
        entry = json.loads(json.dumps(resource["Metadata"]["StackSet"]).replace("$ {", "${"))
        props = resource["Properties"]
        entry["permission_model"] = props["PermissionModel"]
        entry["auto_deployment"] = props["AutoDeployment"]
        entries.append(entry)
    return entries


def planned(steps: list[Step], name: str) -> tuple[Step, dict[str, Any]]:
    """The plan's StackSets step and its listing of the StackSet called `name`."""
    (step,) = [s for s in steps if s.id == "stacksets"]
    assert step.targets is not None
    (entry,) = [e for e in step.targets["stack_sets"] if e["name"] == name]
    return step, entry


def trust_of(files: dict[str, Any], path: str) -> dict[str, Any]:
    (statement,) = files[path]["TrustPolicy"]["Statement"]
    return dict(statement)


def template_trust(template: dict[str, Any]) -> dict[str, Any]:
    (role,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    return dict(statement)


def rel_id(design: Design, role: str) -> str:
    return next(r.id for r in design.relationships if getattr(r, "role_name", None) == role)


# -- a role deployed to an OU: one StackSet ------------------------------------------------------
@pytest.mark.parametrize("workloads", [3, 40])
def test_a_trust_to_an_ou_is_one_stack_set_targeting_the_ou_with_auto_deployment(
    workloads: int, tmp_path: Path
) -> None:
    design = exporter_design(workloads)
    export_design(design, tmp_path, ["cloudformation", "policies"])
    out = {
        p.relative_to(tmp_path).as_posix(): json.loads(p.read_text())
        for p in tmp_path.rglob("*.json")
    }
    templates = role_templates(out, "Audit")
    assert list(templates) == ["cloudformation/stacksets/audit.json"]  # one, whatever N
    (entry,) = [e for e in stack_sets(out) if e.get("role_name") == "Audit"]
    assert entry["template"] == "cloudformation/stacksets/audit.json"
    assert entry["permission_model"] == "SERVICE_MANAGED"
    assert entry["auto_deployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert entry["deployment_targets"] == [
        {
            "organizational_units": [{"name": "Workloads", "ou_id": "${OuId:Workloads}"}],
            "account_filter_type": "DIFFERENCE",
            "accounts": [{"name": "Sandbox", "account_id": "600000000000"}],
        }
    ]
    assert [a["name"] for a in entry["accounts"]] == [f"App{n}" for n in range(1, workloads + 1)]
    assert "future accounts too" in entry["scope"]
    # The policies export writes the one role, as deployed to the OU.
    role = out["policies/roles/ou-workloads/audit.json"]
    assert role["Account"] == "*"
    assert role["DeployedTo"] == {
        "Scope": "OU Workloads",
        "AccountsNow": workloads,
        "FutureAccounts": True,
        "ExcludedAccounts": ["600000000000"],
    }
    assert not [p for p in out if p.startswith("policies/roles/app") and p.endswith("audit.json")]


def test_a_trust_to_an_ou_is_one_plan_step(design: Design) -> None:
    steps = build_plan(design)
    audit = rel_id(design, "Audit")
    step, entry = planned(steps, "role-audit")
    assert audit in step.subjects
    assert step.account == "Management"
    assert entry["also_as_stack_in"] == []
    skip = ("verify", "depends_on", "also_as_stack_in")
    assert {k: v for k, v in entry.items() if k not in skip} == {
        "name": "role-audit",
        "template": "cloudformation/stacksets/audit.json",
        "organizational_units": ["Root/Workloads"],
        "account_filter_type": "DIFFERENCE",
        "excluded_accounts": [{"name": "Sandbox", "aws_account_id": "600000000000"}],
        "auto_deployment": True,
        "accounts_now": 5,
    }
    assert step.artifacts[0] == "cloudformation/stacksets.json"
    assert "cloudformation/stacksets/audit.json" in step.artifacts
    assert "auto-deployment" in step.action


def test_a_scoped_role_is_not_merged_with_look_alike_roles_drawn_per_account() -> None:
    """The same role drawn to one account outside the OU stays its own (inferred) StackSet."""
    b = Builder(organization_id=ORG)
    b.ou("Workloads")
    b.ou("Other")
    b.account("Tooling", "security-tooling", aws_account_id="111111111111")
    b.account("A", parent="Workloads", aws_account_id="222222222222")
    b.account("B", parent="Other", aws_account_id="333333333333")
    b.account("C", parent="Other", aws_account_id="444444444444")
    scoped = b.trust("Tooling", "Workloads", role_name="Audit")
    single = b.trust("Tooling", "B", role_name="Audit")
    design = b.build()
    stems = planned_stack_sets(design)
    assert stems[scoped] != stems[single]
    (step,) = [s for s in build_plan(design) if s.id == "stacksets"]
    assert step.targets is not None
    by_template = {e["template"]: e for e in step.targets["stack_sets"]}
    ou = by_template[f"cloudformation/stacksets/{safe_name(stems[scoped])}.json"]
    one = by_template[f"cloudformation/stacksets/{safe_name(stems[single])}.json"]
    assert ou["organizational_units"] == ["Root/Workloads"]
    assert {scoped, single} <= set(step.subjects)
    # The per-account role keeps its inferred target: B only, through an account filter.
    assert {k: one[k] for k in ("organizational_units", "accounts")} == {
        "organizational_units": [],
        "accounts": [{"name": "B", "aws_account_id": "333333333333"}],
    }


def test_a_trust_to_the_organization_targets_the_root_never_the_management_account(
    files: dict[str, Any],
) -> None:
    (entry,) = [e for e in stack_sets(files) if e.get("role_name") == "OrgReader"]
    (target,) = entry["deployment_targets"]
    assert target["organizational_units"] == [{"name": "Root", "ou_id": "${RootId}"}]
    # The trusted account itself does not get the role; the management account never can.
    assert target["account_filter_type"] == "DIFFERENCE"
    assert target["accounts"] == [{"name": "Tooling", "account_id": "111111111111"}]
    names = [a["name"] for a in entry["accounts"]]
    assert "Management" not in names
    assert "Tooling" not in names
    assert len(names) == 9
    notes = files["cloudformation/notes.md"]
    assert "role `OrgReader`: the management account Management lies in the organization" in notes


# -- a scoped trusted side -------------------------------------------------------------------------
def test_an_ou_as_trusted_side_is_any_principal_of_its_org_path(files: dict[str, Any]) -> None:
    statement = trust_of(files, "policies/roles/tooling/findingsreader.json")
    assert statement == {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "ForAnyValue:StringLike": {
                "aws:PrincipalOrgPaths": [
                    f"{ORG}/${{RootId}}/${{OuId:Workloads}}/${{OuId:Workloads/Prod}}/*"
                ]
            },
            "StringNotEquals": {"aws:PrincipalAccount": "500000000001"},  # App1 is excluded
            "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Reporter"},
        },
    }
    notes = files["policies/notes.md"]
    for placeholder in ("${RootId}", "${OuId:Workloads}", "${OuId:Workloads/Prod}"):
        assert f"- `{placeholder}`" in notes  # the plan of placeholders lists each OU id
    template = template_trust(files["cloudformation/stacksets/findingsreader.json"])
    assert template["Condition"]["ForAnyValue:StringLike"] == {
        "aws:PrincipalOrgPaths": [
            {"Fn::Sub": f"{ORG}/${{RootId}}/${{OuIdWorkloads}}/${{OuIdWorkloadsProd}}/*"}
        ]
    }
    parameters = files["cloudformation/stacksets/findingsreader.json"]["Parameters"]
    assert set(parameters) == {"RootId", "OuIdWorkloads", "OuIdWorkloadsProd"}


def test_a_workload_never_gets_the_mfa_condition(files: dict[str, Any]) -> None:
    """FindingsReader asks for MFA, but its principal type is workload: it cannot present one."""
    for statement in (
        trust_of(files, "policies/roles/tooling/findingsreader.json"),
        template_trust(files["cloudformation/stacksets/findingsreader.json"]),
    ):
        assert "Bool" not in statement["Condition"]
    notes = files["policies/notes.md"]
    assert "principal type is workload, which cannot present an MFA code" in notes
    # A human behind a role (Analyst) signs in with MFA there: a role session carries none.
    audit = template_trust(files["cloudformation/stacksets/audit.json"])
    assert "Bool" not in audit["Condition"]
    assert "enforce MFA where they sign in" in notes


def test_the_organization_as_trusted_side_is_its_principal_org_id(files: dict[str, Any]) -> None:
    expected = {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG}},
    }
    assert trust_of(files, "policies/roles/logs/logreader.json") == expected
    assert template_trust(files["cloudformation/stacksets/logreader.json"]) == expected


# -- logs of the organization and of an OU -------------------------------------------------------
def test_logs_of_the_organization_are_the_organization_trail_in_the_management_account(
    design: Design, files: dict[str, Any]
) -> None:
    trail = files["cloudformation/organization-trail.json"]
    (resource,) = trail["Resources"].values()
    assert resource["Properties"]["IsOrganizationTrail"] is True
    assert resource["Properties"]["S3BucketName"] == "org-trail-bucket"
    assert "deploy in Management" in trail["Description"]
    policy = files["policies/buckets/org-trail-bucket-policy.json"]
    sids = [s["Sid"] for s in policy["Statement"]]
    assert "AWSCloudTrailOrganizationWrite20150319" in sids
    steps = {s.id: s for s in build_plan(design)}
    step = steps["logs:cloudtrail:organization"]
    assert step.account == "Management"
    assert step.artifacts == ["cloudformation/organization-trail.json"]
    assert "organization trail" in step.action


def test_logs_of_an_ou_are_account_trails_by_a_stack_set_never_an_organization_trail(
    design: Design, files: dict[str, Any]
) -> None:
    trails = [p for p in files if "organization-trail" in p]
    assert trails == ["cloudformation/organization-trail.json"]  # the organization's only
    path = "cloudformation/stacksets/logs-ou-workloads-to-workload-logs-bucket.json"
    template = files[path]
    kinds = {r["Type"]: r["Properties"] for r in template["Resources"].values()}
    assert kinds["AWS::CloudTrail::Trail"]["IsOrganizationTrail"] is False
    assert kinds["AWS::CloudTrail::Trail"]["S3BucketName"] == "workload-logs-bucket"
    assert kinds["AWS::Config::DeliveryChannel"]["S3BucketName"] == "workload-logs-bucket"
    (entry,) = [e for e in stack_sets(files) if e["template"] == path]
    assert entry["auto_deployment"]["Enabled"] is True
    assert entry["deployment_targets"][0]["organizational_units"] == [
        {"name": "Workloads", "ou_id": "${OuId:Workloads}"}
    ]
    assert entry["deployment_targets"][0]["account_filter_type"] == "DIFFERENCE"
    # The bucket admits each account of the OU (the service principal takes no OU condition).
    policy = files["policies/buckets/workload-logs-bucket-policy.json"]
    written = {s["Resource"] for s in policy["Statement"] if s["Action"] == "s3:PutObject"}
    assert "arn:aws:s3:::workload-logs-bucket/AWSLogs/500000000003/*" in written
    assert not [w for w in written if "600000000000" in w]  # Sandbox is excluded
    step, _ = planned(build_plan(design), "logs-ou-workloads-to-workload-logs-bucket")
    assert "not an organization trail" in step.action
    assert path in step.artifacts


# -- outside principals as trusted sides ----------------------------------------------------------
def test_an_external_account_is_trusted_by_its_root_and_the_external_id(
    files: dict[str, Any],
) -> None:
    expected = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "ext-1234"}},
    }
    assert trust_of(files, "policies/roles/app1/vendorread.json") == expected
    # organization_scoped is set, but the vendor is not in the organization: no PrincipalOrgID.
    template = template_trust(files["cloudformation/stacksets/vendorread.json"])
    assert evaluate(template, {"AWS::Partition": "aws"}) == expected


def test_a_partner_organization_is_any_principal_of_its_organization(
    files: dict[str, Any],
) -> None:
    expected = {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"aws:PrincipalOrgID": "o-partner0001"},
            "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Integration"},
        },
    }
    assert trust_of(files, "policies/roles/app1/partnerread.json") == expected
    template = template_trust(files["cloudformation/stacksets/partnerread.json"])
    assert evaluate(template, {"AWS::Partition": "aws"}) == expected


def test_a_service_is_trusted_for_its_own_accounts_resources(files: dict[str, Any]) -> None:
    statement = trust_of(files, "policies/roles/app1/configreader.json")
    assert statement == {
        "Effect": "Allow",
        "Principal": {"Service": "config.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": "500000000001"}},
    }
    template = template_trust(files["cloudformation/stacksets/configreader.json"])
    assert template["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }


def export_of(design: Design, tmp_path: Path, formats: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for record in export_design(design, tmp_path, formats):
        if record.path.endswith(".json"):
            found[record.path] = json.loads((tmp_path / record.path).read_text(encoding="utf-8"))
    return found


def test_an_unguarded_service_trust_is_exported_as_designed(tmp_path: Path) -> None:
    """No aws:SourceAccount unless the design asks for it (IAM-03 reports the missing guard)."""
    b = Builder(organization_id=ORG)
    b.account("App", aws_account_id="500000000001")
    b.outside_principal("Backup", kind="service", service_principal="backup.amazonaws.com")
    b.trust("Backup", "App", role_name="BackupRole", principal_type="workload")
    files = export_of(b.build(), tmp_path, ["policies"])
    assert trust_of(files, "policies/roles/app/backuprole.json") == {
        "Effect": "Allow",
        "Principal": {"Service": "backup.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }


def test_a_ci_trust_admits_only_the_oidc_subjects_named(tmp_path: Path) -> None:
    """Without a sub condition every repository on GitHub could assume the role."""
    b = Builder(organization_id=ORG)
    b.account("Deploy", "deployment", aws_account_id="500000000002")
    b.idp("GitHub", "oidc", metadata_url="https://token.actions.githubusercontent.com")
    subjects = ["repo:example/app:ref:refs/heads/main", "repo:example/app:environment:prod"]
    b.trust("GitHub", "Deploy", role_name="Pipeline", principal_type="workload",
            require_mfa=False, oidc_subjects=subjects)  # fmt: skip
    files = export_of(b.build(), tmp_path, ["policies", "cloudformation"])
    host = "token.actions.githubusercontent.com"
    statement = trust_of(files, "policies/roles/deploy/pipeline.json")
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"]["StringLike"] == {f"{host}:sub": subjects}
    (template,) = role_templates(files, "Pipeline").values()
    assert template_trust(template)["Condition"]["StringLike"] == {f"{host}:sub": subjects}


def test_anyone_is_never_trusted_the_role_is_left_out_and_the_plan_says_so(
    design: Design, files: dict[str, Any]
) -> None:
    public = rel_id(design, "PublicRead")
    assert not [p for p in files if "publicread" in p]
    assert not role_templates(files, "PublicRead")
    assert all(r.name != "PublicRead" for r in build_policies(design).roles)
    steps, data = plan_data(design)
    assert not [s for s in steps if public in s.subjects]
    (blocked,) = [b for b in data["blocked"] if b["relationship"] == public]
    assert blocked["what"] == "trust 'Internet' -> 'App1' (role PublicRead)"
    assert "anyone" in blocked["why"]
    markdown = files["plan/deployment-plan.md"]
    assert "## Blocked: not deployed" in markdown
    assert "role PublicRead" in markdown
    assert "PublicRead" in files["cloudformation/notes.md"].split("## Not exported")[1]
    document = files["document/design-document.md"]
    assert "PublicRead \\(BLOCKED: not deployed\\)" in document


# -- shares outside the organization --------------------------------------------------------------
def test_a_ram_share_with_an_external_account_allows_external_principals(
    files: dict[str, Any],
) -> None:
    shares = files["cloudformation/ram-shares-network.json"]["Resources"]
    by_name = {r["Properties"]["Name"]: r["Properties"] for r in shares.values()}
    vendor = by_name["ec2:Subnet of Network for Vendor"]
    assert vendor["AllowExternalPrincipals"] is True
    assert vendor["Principals"] == ["999999999999"]
    inside = by_name["ec2:Subnet of Network for Workloads"]
    assert inside["AllowExternalPrincipals"] is False
    assert inside["Principals"] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:organizations::"
            f"${{AccountIdManagement}}:ou/{ORG}/${{OuIdWorkloads}}"
        }
    ]
    # The generated guardrail against external shares spares that publisher, and only it.
    (guardrail,) = [
        s
        for s in files["policies/scps/generatedguardrails.json"]["Statement"]
        if s["Sid"] == "DenyExternalRamShares"
    ]
    assert guardrail["Condition"]["StringNotEquals"] == {"aws:PrincipalAccount": "333333333333"}


def test_a_share_with_anyone_is_only_an_explicit_warned_step(design: Design) -> None:
    steps = {s.id: s for s in build_plan(design)}
    public = steps["share:publishing:ami:internet"]
    assert public.warning is not None
    assert public.warning.startswith("PUBLIC:")
    assert "Group=all" in public.action
    partner = steps["share:publishing:ami:partner"]
    assert partner.warning is not None
    assert "OUTSIDE THE ORGANIZATION" in partner.warning
    vendor = steps["share:network:ram-share:vendor"]
    assert "--allow-external-principals" in vendor.action
    assert vendor.warning is not None
    inside = steps["share:network:ram-share:ou-root-workloads"]
    assert inside.warning is None
    _, data = plan_data(design)
    assert [s["warning"] is not None for s in data["steps"]].count(True) == 3


def test_shares_of_what_cannot_be_public_are_blocked() -> None:
    b = Builder(organization_id=ORG)
    b.account("Publishing", "publishing", aws_account_id="111111111111")
    b.outside_principal("Internet", kind="anyone")
    share = b.share("Publishing", "Internet", "service-catalog-portfolio", resource_names=["P"])
    design = b.build()
    steps, data = plan_data(design)
    assert not [s for s in steps if share in s.subjects]
    assert [b["relationship"] for b in data["blocked"]] == [share]


# -- pictures ----------------------------------------------------------------------------------
def _inside(box: Box, outer: Box) -> bool:
    return (
        outer.x <= box.x
        and outer.y <= box.y
        and box.right <= outer.right
        and box.bottom <= outer.bottom
    )


def _overlap(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def test_outside_principals_are_drawn_outside_the_organization_and_anyone_is_alarming(
    design: Design,
) -> None:
    drawing = build_drawing(design, "all")
    (root,) = [c for c in drawing.containers if c.parent is None]
    outside = {n.name: n for n in drawing.nodes if n.kind == "outside_principal"}
    assert set(outside) == {"Vendor", "Partner", "Config", "Internet"}
    for node in outside.values():
        assert node.container is None
        assert not _overlap(node.box, root.box), node.name
    assert outside["Internet"].badge == "PUBLIC"
    assert outside["Internet"].alarm
    assert outside["Internet"].colour == "#d50000"
    assert outside["Vendor"].badge == outside["Partner"].badge == "OUTSIDE"
    assert outside["Vendor"].details == (
        "external AWS account",
        "999999999999 · Example Vendor Ltd",
    )
    for node in drawing.nodes:
        if node.kind == "account":
            assert _inside(node.box, root.box)
    source = dot_source(drawing)
    internet = next(line for line in source.splitlines() if f'"{outside["Internet"].id}" [' in line)
    assert "<B>PUBLIC</B>" in internet
    assert 'color="#d50000"' in internet
    assert "penwidth=3" in internet


def test_scoped_edges_end_at_the_border_of_their_ou(design: Design) -> None:
    drawing = build_drawing(design, "identity")
    boxes = {c.id: c.box for c in drawing.containers}
    audit = rel_id(design, "Audit")
    (edge,) = [e for e in drawing.edges if e.id == audit]
    box = boxes[edge.target]
    x, y = edge.points[-1]
    on_border = (
        (abs(x - box.x) < 1 or abs(x - box.right) < 1) and box.y - 1 <= y <= box.bottom + 1
    ) or ((abs(y - box.y) < 1 or abs(y - box.bottom) < 1) and box.x - 1 <= x <= box.right + 1)
    assert on_border, (edge.points[-1], box)
    assert edge.scope.startswith("the role is deployed to every account of OU Workloads (5 ")
    assert "except Sandbox" in edge.scope


def test_drawio_marks_outside_principals(files: dict[str, Any]) -> None:
    drawio = files["diagrams/test.drawio"]
    assert "PUBLIC" in drawio
    assert "OUTSIDE" in drawio
    assert "fillColor=#ffebee" in drawio  # the public, on red


# -- documents -------------------------------------------------------------------------------
def test_the_document_describes_scopes_in_words_and_lists_outside_principals(
    design: Design, files: dict[str, Any]
) -> None:
    markdown = files["document/design-document.md"]
    assert (
        "every account of OU Workloads \\(5 accounts now, future accounts too\\), except Sandbox"
        in markdown
    )
    assert "### Outside principals" in markdown
    for row in (
        "| Vendor \\[OUTSIDE\\] | external AWS account | 999999999999 | Example Vendor Ltd |",
        "| Partner \\[OUTSIDE\\] | partner organization | o-partner0001 |",
        "| Config \\[AWS SERVICE\\] | AWS service | config.amazonaws.com |",
        "| Internet \\[PUBLIC\\] | anyone \\(the public\\) |",
    ):
        assert row in markdown, row
    assert "PUBLIC: anyone \\(the public\\) Internet" in markdown  # the share's recipient
    html = files["document/design-document.html"]
    assert "every account of OU Workloads (5 accounts now, future accounts too)" in html
    doc = build_document(design)
    texts = json.dumps([getattr(b, "rows", None) or getattr(b, "items", None) for b in doc.blocks])
    assert "the organization (organization trail in the management account)" in texts
    assert "no MFA (a workload cannot present it)" in texts


def test_user_text_in_scopes_and_outside_principals_stays_text(tmp_path: Path) -> None:
    b = Builder(organization_id=ORG)
    b.ou("<b>OU</b> | `x`")
    b.account("Tooling", "security-tooling", aws_account_id="111111111111")
    b.account("A", parent="<b>OU</b> | `x`", aws_account_id="222222222222")
    b.outside_principal("<script>alert(1)</script>", kind="anyone")
    b.trust("Tooling", "<b>OU</b> | `x`", role_name="Audit")
    b.trust("<script>alert(1)</script>", "A", role_name="Nope")
    export_design(b.build(), tmp_path, ["document", "plan", "drawio"])
    html = (tmp_path / "document/design-document.html").read_text()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<b>OU</b>" not in html
    plan = (tmp_path / "plan/deployment-plan.md").read_text()
    assert "<script>" not in plan
    drawio = (tmp_path / "diagrams/test.drawio").read_text()
    assert "<script>" not in drawio


# -- size ---------------------------------------------------------------------------------------
def test_two_thousand_accounts_scoped_is_two_stack_sets() -> None:
    design = synthetic_design(2000)  # the audit role to the organization, admin to Workloads
    steps = build_plan(design)
    (step,) = [s for s in steps if s.id.startswith("stackset")]
    assert step.targets is not None
    role_sets = [e for e in step.targets["stack_sets"] if e["name"].startswith("role-")]
    assert [e["name"] for e in role_sets] == ["role-securityaudit", "role-workloadadmin"]
    assert all(e["auto_deployment"] for e in role_sets)
    assert role_sets[0]["accounts_now"] > 1990
    policies = build_policies(design)
    audit = sorted((r.account, r.account_name) for r in policies.roles if r.name == "SecurityAudit")
    # One template deployed everywhere, and the management account's own (StackSets skip it).
    assert [account for account, _ in audit][1:] == ["*"]
    assert audit[0][1] == "Management"


def test_a_view_shows_the_accounts_a_scoped_edge_covers_and_dims_the_excluded() -> None:
    b = Builder(organization_id=ORG)
    b.ou("Workloads")
    b.account("Tooling", "security-tooling", aws_account_id="111111111111")
    b.account("App", parent="Workloads", aws_account_id="222222222222")
    b.account("Sandbox", parent="Workloads", aws_account_id="333333333333")
    b.trust("Tooling", "Workloads", role_name="Audit", excluded_accounts=[b.id("Sandbox")])
    faded = {n.name: n.faded for n in build_drawing(b.build(), "identity").nodes}
    assert faded == {"Management": True, "Tooling": False, "App": False, "Sandbox": True}


def federated_scopes_design() -> Design:
    """Identity providers trusted into an OU and into the organization (less one account), the
    organization's logs less one account, an administrator of one OU."""
    b = Builder()
    b.ou("Workloads")
    b.account("Identity", "identity")
    b.account("App", parent="Workloads")
    b.account("App2", parent="Workloads")
    b.idp("Okta", "saml")
    b.idp("GitHub", "oidc", metadata_url="https://token.actions.githubusercontent.com")
    b.idp("Center", "identity-center", home_account="Identity")
    b.idp("AD", "directory-service", directory_type="managed-microsoft-ad")
    b.trust("Okta", "Workloads", "administrator", role_name="SamlAdmin")
    b.trust("GitHub", "org", role_name="CiRead", principal_type="workload",
            excluded_accounts=[b.id("App2")])  # fmt: skip
    b.trust("Center", "Workloads", role_name="CenterRead")
    b.trust("AD", "Workloads", role_name="AdRead")
    b.bucket("org-logs-less-one", "Identity")
    b.logs("org", "Identity", "cloudtrail", "config", "vpc-flow-logs", bucket="org-logs-less-one",
           excluded_accounts=[b.id("App2")])  # fmt: skip
    return b.build()


@pytest.mark.parametrize("make", [exporter_design, federated_scopes_design])
def test_plan_files_are_the_files_the_other_exporters_write(make: Any, tmp_path: Path) -> None:
    design = make()
    written = {f.path for f in export_design(design, tmp_path, ["policies", "cloudformation"])}
    deployed = {f for f in written if f.endswith(".json") and f != "manifest.json"}
    named = {a for s in build_plan(design) for a in s.artifacts}
    assert named == deployed, "every file the plan names exists, every file is in a step"


def test_the_organization_less_one_account_gets_account_trails_not_the_organization_trail(
    tmp_path: Path,
) -> None:
    design = federated_scopes_design()
    written = {f.path for f in export_design(design, tmp_path, ["cloudformation"])}
    assert "cloudformation/organization-trail.json" not in written
    template = json.loads(
        (
            tmp_path / "cloudformation/stacksets/logs-organization-to-org-logs-less-one.json"
        ).read_text()
    )
    trails = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudTrail::Trail"]
    assert [t["Properties"]["IsOrganizationTrail"] for t in trails] == [False]
    steps = build_plan(design)
    stack_sets, _ = planned(steps, "logs-organization-to-org-logs-less-one")
    assert "not an organization trail" in stack_sets.action
    (okta,) = [s for s in steps if s.id == "provider:okta:ou-workloads"]
    assert okta.account.startswith("every account of OU Workloads")


def test_the_plan_lists_the_ids_a_trusted_ou_path_needs(design: Design) -> None:
    steps, data = plan_data(design)
    findings = rel_id(design, "FindingsReader")
    (step,) = [s for s in steps if findings in s.subjects and s.id.startswith("stackset")]
    assert "${RootId}, ${OuId:Workloads}, ${OuId:Workloads/Prod}" in step.action
    listed = {p["placeholder"] for p in data["placeholders"]}
    assert {"${RootId}", "${OuId:Workloads}", "${OuId:Workloads/Prod}"} <= listed


def test_look_alike_roles_that_admit_different_subjects_are_not_merged(tmp_path: Path) -> None:
    """Merged into one template, Prod's admin role would admit every branch Dev's does."""
    b = Builder(organization_id=ORG)
    b.account("Dev", aws_account_id="500000000003")
    b.account("Prod", aws_account_id="500000000004")
    b.idp("GitHub", "oidc", metadata_url="https://token.actions.githubusercontent.com")
    for account, subject in (("Dev", "repo:example/*"), ("Prod", "repo:example/app:env:prod")):
        b.trust("GitHub", account, "administrator", role_name="Deploy",
                principal_type="workload", require_mfa=False, oidc_subjects=[subject])  # fmt: skip
    files = export_of(b.build(), tmp_path, ["cloudformation"])
    host = "token.actions.githubusercontent.com"
    admitted = sorted(
        template_trust(t)["Condition"]["StringLike"][f"{host}:sub"]
        for t in role_templates(files, "Deploy").values()
    )
    assert admitted == ["repo:example/*", "repo:example/app:env:prod"]


def test_one_role_name_twice_in_an_account_is_reported_not_widened(tmp_path: Path) -> None:
    """A second scoped 'Ops' that skips Payments must not add its principal to the first
    'Ops' (deployed to Payments too); and a per-account 'Ops' in Prod clashes with both."""
    b = Builder(organization_id=ORG)
    b.ou("Workloads")
    b.account("Tooling", "security-tooling", aws_account_id="500000000010")
    b.account("CI", "deployment", aws_account_id="500000000011")
    b.account("Prod", parent="Workloads", aws_account_id="500000000012")
    b.account("Payments", parent="Workloads", aws_account_id="500000000013")
    b.trust("Tooling", "Workloads", "administrator", role_name="Ops")
    b.trust("CI", "Workloads", "administrator", role_name="Ops", principal_type="workload",
            require_mfa=False, excluded_accounts=[b.id("Payments")])  # fmt: skip
    b.trust("CI", "Prod", "read-only", role_name="Ops", principal_type="workload",
            require_mfa=False)  # fmt: skip
    out = tmp_path / "out"
    records = export_design(b.build(), out, ["policies"])
    roles = {r.path: json.loads((out / r.path).read_text()) for r in records if "/roles/" in r.path}
    (ops,) = roles.values()
    principals = [s["Principal"]["AWS"] for s in ops["TrustPolicy"]["Statement"]]
    assert principals == ["arn:aws:iam::500000000010:root"], "CI never gains admin in Payments"
    notes = (out / "policies" / "notes.md").read_text(encoding="utf-8")
    assert notes.count("already gets another role of that name") == 2


def test_each_scope_gets_its_own_identity_policy_statement(tmp_path: Path) -> None:
    """Roles of one name in two OUs: the trusted side's one identity policy names each by its
    OU (the plan names the file)."""
    b = Builder(organization_id=ORG)
    b.ou("Workloads")
    b.ou("Sandbox")
    b.account("Tooling", "security-tooling", aws_account_id="500000000020")
    b.account("Prod", parent="Workloads", aws_account_id="500000000021")
    b.account("Play", parent="Sandbox", aws_account_id="500000000022")
    b.trust("Tooling", "Workloads", "security-audit", role_name="Audit")
    b.trust("Tooling", "Sandbox", "security-audit", role_name="Audit")
    out = tmp_path / "out"
    written = {r.path for r in export_design(b.build(), out, ["policies", "plan"])}
    identity = sorted(p for p in written if "/identity-policies/" in p)
    assert len(identity) == 1, identity
    statements = json.loads((out / identity[0]).read_text(encoding="utf-8"))["Statement"]
    paths = [s["Condition"]["ForAnyValue:StringLike"]["aws:ResourceOrgPaths"] for s in statements]
    assert paths == [
        [f"{ORG}/${{RootId}}/${{OuId:Workloads}}/*"],
        [f"{ORG}/${{RootId}}/${{OuId:Sandbox}}/*"],
    ]
    plan = (out / "plan" / "deployment-plan.md").read_text(encoding="utf-8")
    for path in identity:
        assert path.rsplit("/", 1)[-1] in plan


@pytest.mark.parametrize("own_trust", [False, True])
def test_the_plan_says_whether_management_gets_a_scoped_role(own_trust: bool) -> None:
    """StackSets skip the management account: the deployer reads whether a stack of its own
    gives it the role, not a flat 'it does not get the role' next to a step that creates it."""
    b = Builder(organization_id=ORG)
    b.account("Tooling", "security-tooling", aws_account_id="500000000030")
    b.account("App", aws_account_id="500000000031")
    b.trust("Tooling", "org", "security-audit", role_name="Audit")  # the organization
    if own_trust:
        b.trust("Tooling", "Management", "security-audit", role_name="Audit")
    (step,) = [s for s in build_plan(b.build()) if s.id == "stacksets"]
    assert ("creates the role there as a stack of its own" in step.action) == own_trust
    assert ("it does not get the role" in step.action) != own_trust


def test_one_ou_is_one_placeholder_in_every_file(tmp_path: Path) -> None:
    """The deployer fills in each OU id once: plan, policies and templates spell it alike."""
    b = Builder(organization_id=ORG)
    b.ou("Workloads")
    b.ou("Prod", parent="Workloads")
    b.account("Tools", "security-tooling", aws_account_id="500000000040")
    b.account("App", parent="Prod", aws_account_id="500000000041")
    b.trust("Prod", "Tools", "read-only", role_name="Reader")
    b.trust("Tools", "Prod", "security-audit", role_name="Audit")
    out = tmp_path / "out"
    records = export_design(b.build(), out, ["policies", "cloudformation", "plan"])
    texts = " ".join((out / r.path).read_text(encoding="utf-8") for r in records)
    found = set(re.findall(r"\$\{OuId:([^}]*)\}", texts))
    assert found == {"Workloads", "Workloads/Prod"}
