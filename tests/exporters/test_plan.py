"""The deployment plan: each step after what it needs, manual steps called out, read-only checks."""

from __future__ import annotations

import itertools
import json
import shlex
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import synthetic_design
from designer.artefacts.scoping import ExportScopes
from designer.model import Design, DesignError, ServiceControlPolicy
from designer.model.templates import load_template, template_paths
from exporters.base import REGISTRY, export_design, safe_name
from exporters.plan import Planner, Step, build_plan, plan_data, plan_markdown
from exporters.registry import load_all
from tests.helpers.factories import small_design
from tests.rules.builder import Builder

TEMPLATES = sorted(template_paths())
READ_ONLY = ("get-", "list-", "describe-")


# -- what every plan must satisfy ------------------------------------------------------------------
def assert_prerequisites_first(steps: list[Step]) -> None:
    position = {s.id: n for n, s in enumerate(steps)}
    assert len(position) == len(steps), "step ids are unique"
    for n, step in enumerate(steps):
        for prerequisite in step.prerequisites:
            assert position[prerequisite] < n, f"{step.id} comes before {prerequisite}"


class Positions:
    """Where the steps that deploy each design entity sit, found through their subjects."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.of: dict[str, list[int]] = {}
        for n, step in enumerate(steps):
            for subject in step.subjects:
                self.of.setdefault(subject, []).append(n)

    def first(self, entity_id: str) -> int:
        return self.of[entity_id][0]

    def kind(self, entity_id: str, prefix: str | tuple[str, ...]) -> list[int]:
        return [n for n in self.of.get(entity_id, []) if self.steps[n].id.startswith(prefix)]


def assert_design_order(design: Design, steps: list[Step]) -> None:
    """The dependencies the design implies, checked from the design, not from the prerequisites."""
    at = Positions(steps)
    org = design.organization.id
    created = {org: at.first(org)}
    for node in [*design.organizational_units, *design.accounts]:
        created[node.id] = at.first(node.id)
        assert created[node.parent or org] <= created[node.id]
    _assert_roles(design, at, created)
    _assert_logs(design, at, created)
    _assert_scps(design, at, created)
    blocked = {b.relationship for b in ExportScopes(design).blocked}
    for rel in design.relationships:
        if rel.kind == "resource-share" and rel.id not in blocked:
            assert created[rel.source] < at.first(rel.id)
            if rel.target in created:  # not outside the organization
                assert created[rel.target] < at.first(rel.id)


ROLE_STEPS = ("stackset", "management-role:")  # "stacksets" deploys every StackSet


def _assert_roles(design: Design, at: Positions, created: dict[str, int]) -> None:
    scopes = ExportScopes(design)
    blocked = {b.relationship for b in scopes.blocked}
    makers: dict[tuple[str, str], list[int]] = {}
    for rel in design.relationships:
        if rel.kind == "trust" and rel.id not in blocked:
            roles = at.kind(rel.id, ROLE_STEPS)
            lands = scopes.stack_set_accounts(rel) if scopes.is_scope(rel.target) else [rel.target]
            for account in lands:
                makers.setdefault((account, rel.role_name), []).extend(roles)
        if rel.kind == "federation":
            provider, *roles = at.of[rel.id]
            assert rel.source in at.steps[provider].subjects, "the provider comes first"
            for role in rel.mapped_roles:
                made = [n for n in roles if at.steps[n].id.endswith(f"/{safe_name(role)}")]
                makers.setdefault((rel.target, role), []).extend(made)
    for rel in design.relationships:
        if rel.kind != "trust":
            continue
        if rel.id in blocked:  # a trust of anyone: no role, no step
            assert not at.kind(rel.id, ROLE_STEPS)
            continue
        (step,) = at.kind(rel.id, ROLE_STEPS)
        assert created[rel.target] < step
        if rel.source in created:
            assert created[rel.source] < step
        if rel.principal_scope == "role":
            trusted = (
                scopes.members(rel.source, rel.excluded_accounts)
                if scopes.is_scope(rel.source)
                else [rel.source]
            )
            for account in trusted:
                for maker in makers.get((account, rel.principal_role_name or ""), []):
                    if maker == step:
                        continue  # deployed by this same StackSet: noted in must_exist
                    assert maker < step, "a trusted role exists before the role trusting it"
                    for grant in at.kind(rel.id, "assume:"):
                        assert maker < grant, "the policy is attached to a role that exists"


def _assert_logs(design: Design, at: Positions, created: dict[str, int]) -> None:
    root_mfa = at.kind(design.accounts[0].id, "root-mfa") if design.accounts else []
    for bucket in design.log_buckets:
        (made,) = at.kind(bucket.id, "bucket:")
        assert created[bucket.account] < made
        assert all(key < made for key in at.kind(bucket.id, "key:"))
        for manual in at.kind(bucket.id, "mfa-delete:") + at.kind(bucket.id, "vault-lock:"):
            assert made < manual
            assert at.steps[manual].manual
        for manual in at.kind(bucket.id, "mfa-delete:"):
            assert root_mfa[0] < manual, "the root user has its MFA device first"
    buckets = {b.id: at.kind(b.id, "bucket:")[0] for b in design.log_buckets}
    for rel in design.relationships:
        if rel.kind == "log-delivery":
            for step in at.of[rel.id]:
                assert buckets.get(rel.bucket or "", created[rel.target]) < step
                assert created[rel.source] < step


def _assert_scps(design: Design, at: Positions, created: dict[str, int]) -> None:
    ids = [s.id for s in at.steps]
    staging = any(u.name == "Policy Staging" for u in design.organizational_units)
    quarantine = {safe_name(p.name) for p in design.service_control_policies if _denies_all(p)}
    # The SCP checks are manual too, but they belong to the trials (each before its own SCP's
    # attachments, below); the root user's steps and the StackSets come before every attachment.
    trials = ("scp-check:",)
    manual = [
        n
        for n, s in enumerate(at.steps)
        if (s.manual and not s.id.startswith(trials)) or s.id.startswith("stackset")
    ]
    for n, step_id in enumerate(ids):
        if not step_id.startswith("scp:"):
            continue
        name = step_id.removeprefix("scp:")
        on_staging = [
            i
            for i, s in enumerate(at.steps)
            if s.id.startswith((f"scp-staging:{name}", f"scp-attach:{name}:ou-policy-staging"))
        ]
        detached = [i for i, s in enumerate(ids) if s == f"scp-staging-detach:{name}"]
        attached = [
            i
            for i, s in enumerate(ids)
            if s.startswith(f"scp-attach:{name}:") and i not in on_staging
        ]
        assert len(on_staging) == (1 if staging and name not in quarantine else 0)
        assert len(detached) == (1 if on_staging and ids[on_staging[0]].startswith("scp-st") else 0)
        assert all(t < d for t in on_staging for d in detached), "five per target"
        assert all(n < i for i in on_staging + attached)
        assert all(t < a for t in on_staging + detached for a in attached), "tried first"
        checked = [i for i, s in enumerate(ids) if s == f"scp-check:{name}"]
        assert len(checked) == len(on_staging), "every trial is checked by a person"
        assert all(t < c for t in on_staging for c in checked)
        assert all(c < a for c in checked for a in attached + detached), "checked first"
        for a in attached:
            assert all(m < a for m in manual), "the root user and StackSets finish first"
    targets: dict[str, list[str]] = {}
    for scp_id in design.organization.root_scps:
        targets.setdefault(scp_id, []).append(design.organization.id)
    for node in [*design.organizational_units, *design.accounts]:
        for scp_id in node.scps:
            targets.setdefault(scp_id, []).append(node.id)
    for scp in design.service_control_policies:
        if scp.aws_managed or scp.document is None:
            continue
        assert len(at.kind(scp.id, "scp:")) == 1
        for step in at.kind(scp.id, "scp-attach:"):
            assert all(created[t] < step for t in targets.get(scp.id, []))


def _denies_all(scp: ServiceControlPolicy) -> bool:
    found = (scp.document or {}).get("Statement", [])
    return any(
        s.get("Effect") == "Deny" and s.get("Action") in ("*", ["*"]) and "Condition" not in s
        for s in (found if isinstance(found, list) else [found])
    )


def assert_read_only(steps: list[Step]) -> None:
    for step in steps:
        words = shlex.split(step.verify)
        assert words[0] == "aws", step.verify
        assert words[2].startswith(READ_ONLY), step.verify
        assert not {";", "&&", "||", "|", ">"} & set(words), step.verify


# -- bundled templates -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def plans() -> dict[str, tuple[Design, list[Step]]]:
    return {name: (d := load_template(name), build_plan(d)) for name in TEMPLATES}


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_plans_respect_every_dependency(
    plans: dict[str, tuple[Design, list[Step]]], name: str
) -> None:
    design, steps = plans[name]
    assert_prerequisites_first(steps)
    assert_design_order(design, steps)
    assert_read_only(steps)
    assert steps[0].id == "organization"


def test_reference_landing_zone_calls_out_the_manual_steps(
    plans: dict[str, tuple[Design, list[Step]]],
) -> None:
    design, steps = plans["reference-landing-zone"]
    manual = {s.id: s for s in steps if s.manual}
    mfa_buckets = [b for b in design.log_buckets if b.mfa_delete]
    assert len(mfa_buckets) == 2
    for bucket in mfa_buckets:
        step = manual[f"mfa-delete:{bucket.name}"]
        assert step.account == "Log Archive"
        assert "root user" in (step.reason or "")
        assert f"put-bucket-versioning --bucket {bucket.name}" in step.action
        assert "--mfa" in step.action
        assert step.verify == (
            f"aws s3api get-bucket-versioning --bucket {bucket.name} --region eu-west-1"
        )
        assert "root-mfa" in step.prerequisites
    root = manual["root-mfa"]
    assert root.verify == "aws iam get-account-summary"
    assert {f"account:{a}" for a in ("log-archive", "identity", "network")} <= set(
        root.prerequisites
    )
    checks = {s for s in manual if s.startswith("scp-check:")}
    roles = {s for s in manual if s.startswith("create-role:")}
    assert set(manual) - checks - roles == {
        "root-mfa",
        *(f"mfa-delete:{b.name}" for b in mfa_buckets),
    }
    assert {s for s in manual if manual[s].needs_root_user} == set(manual) - checks - roles
    assert len(checks) == 6  # one per SCP tried on Policy Staging
    assert roles == set()  # every principal role is created by the design


def test_reference_landing_zone_order_and_placement(
    plans: dict[str, tuple[Design, list[Step]]],
) -> None:
    _, steps = plans["reference-landing-zone"]
    ids = [s.id for s in steps]
    by_id = {s.id: s for s in steps}
    # Identity Center and its role come before the StackSets, one of whose trusts names it.
    stack_sets = by_id["stacksets"]
    assert ids.index("role:identity/workloadadministrator") < ids.index("stacksets")
    assert "role:identity/workloadadministrator" in stack_sets.prerequisites
    assert stack_sets.targets is not None
    listed = {e["name"]: e for e in stack_sets.targets["stack_sets"]}
    assert listed["role-workloadadmin"] | {"verify": ""} == {
        "name": "role-workloadadmin",
        "template": "cloudformation/stacksets/workloadadmin.json",
        "depends_on": [],
        "also_as_stack_in": [],
        "verify": "",
        "organizational_units": ["Root/Workloads"],
        "account_filter_type": "NONE",
        "excluded_accounts": [],
        "auto_deployment": True,
        "accounts_now": 4,
    }
    # The audit role goes to the whole organization: one StackSet at the root, the trusted
    # account filtered out, the management account named as out of the StackSet's reach.
    audit = listed["role-securityaudit"]
    assert audit["organizational_units"] == ["Root"]
    assert audit["account_filter_type"] == "DIFFERENCE"
    assert [a["name"] for a in audit["excluded_accounts"]] == ["Security Tooling"]
    assert audit["auto_deployment"] is True
    assert "StackSets never deploy there" in stack_sets.action
    # The principal role of the audit trusts is the analysts' Identity Center landing role.
    assert "role:security-tooling/securityanalyst" in stack_sets.prerequisites
    # SCPs: created, tried on Policy Staging, then attached; shares last.
    guard = [i for i in ids if i.endswith(":organizationguardrails")]
    assert guard == [
        "scp:organizationguardrails",
        "scp-staging:organizationguardrails",
        "scp-check:organizationguardrails",
        "scp-staging-detach:organizationguardrails",
    ]
    check = by_id["scp-check:organizationguardrails"]
    assert check.manual
    assert not check.needs_root_user
    assert check.prerequisites == ["scp-staging:organizationguardrails"]
    assert by_id["scp-staging-detach:organizationguardrails"].prerequisites == [check.id]
    assert "check" not in by_id["scp-staging:organizationguardrails"].action.split(";")[0]
    assert ids.index(guard[-1]) < ids.index("scp-attach:organizationguardrails:organization")
    assert ids[-1].startswith("share:")
    trail = by_id["logs:cloudtrail:organization"]
    assert trail.verify == (
        "aws cloudtrail get-trail-status --name organization-trail --region eu-west-1"
    )
    assert "delegated-admin:security-tooling" in trail.prerequisites


# -- a small design, exactly -----------------------------------------------------------------------
def test_small_design_plan_is_exactly_this() -> None:
    steps, data = plan_data(small_design())
    assert [(s.id, s.prerequisites) for s in steps] == [
        ("organization", []),
        ("ou:security", ["organization"]),
        ("ou:workloads", ["organization"]),
        ("account:log-archive", ["ou:security"]),
        ("account:prod", ["ou:workloads"]),
        ("root-mfa", ["organization", "account:log-archive", "account:prod"]),
        ("trusted-access:member.org.stacksets.cloudformation.amazonaws.com", ["organization"]),
        ("bucket:org-logs-bucket", ["account:log-archive"]),
        ("logs:cloudtrail:prod", ["account:prod", "bucket:org-logs-bucket"]),
        ("logs:config:prod", ["account:prod", "bucket:org-logs-bucket"]),
        (
            "stacksets",
            [
                "ou:workloads",
                "account:log-archive",
                "account:prod",
                "trusted-access:member.org.stacksets.cloudformation.amazonaws.com",
            ],
        ),
        ("assume:log-archive", ["account:log-archive"]),
        ("scp-policy-type", ["organization"]),
        ("scp:generatedguardrails", ["scp-policy-type"]),
        (
            "scp-attach:generatedguardrails:organization",
            ["organization", "root-mfa", "stacksets", "scp:generatedguardrails"],
        ),
    ]
    verify = (
        "aws cloudformation list-stack-instances --stack-set-name role-audit --call-as SELF "
        "--region '${HomeRegion}'"
    )
    every = (
        "aws cloudformation list-stack-sets --call-as SELF --status ACTIVE --region '${HomeRegion}'"
    )
    assert data["steps"][10] == {
        "number": 11,
        "id": "stacksets",
        "title": "Deploy the StackSets of stacksets.json from the management account",
        "account": {"name": "Management", "aws_account_id": "111111111111"},
        "action": "In Management, deploy cloudformation/stacksets.json as a stack in the home "
        "Region ${HomeRegion} (aws cloudformation deploy; past 51,200 bytes a template must be "
        "uploaded to S3 first, --s3-bucket), filling in its parameters. It creates 1 "
        "service-managed StackSet (role-audit) with CallAs SELF and auto-deployment, each "
        "deploying its template from cloudformation/stacksets/ to its targets in the home "
        "Region; a StackSet whose trust names a role another one creates waits for it "
        "(DependsOn). Create service-managed StackSets that deploy the role Audit with its trust "
        "policy and permissions, targeting the OU Root/Workloads (1 account).",
        "manual": False,
        "reason": None,
        "warning": None,
        "prerequisites": [
            "ou:workloads",
            "account:log-archive",
            "account:prod",
            "trusted-access:member.org.stacksets.cloudformation.amazonaws.com",
        ],
        "must_exist": [],
        "artifacts": [
            "cloudformation/stacksets.json",
            "cloudformation/stacksets/audit.json",
            "policies/roles/prod/audit.json",
        ],
        "targets": {
            "template": "cloudformation/stacksets.json",
            "region": "${HomeRegion}",
            "stack_sets": [
                {
                    "name": "role-audit",
                    "template": "cloudformation/stacksets/audit.json",
                    "depends_on": [],
                    "also_as_stack_in": [],
                    "verify": verify,
                    "organizational_units": ["Root/Workloads"],
                    "accounts": [],
                }
            ],
        },
        "needs_root_user": False,
        "parameters": {
            "cloudformation/stacksets.json": {
                "HomeRegion": "${HomeRegion}",
                "OuIdWorkloads": "${OuId:Workloads}",
            }
        },
        "verify": every,
        "expect": "the 1 StackSet role-audit ACTIVE; then each one's stack instances CURRENT, "
        "with its own command in targets.stack_sets[].verify (listed below)",
        "subjects": [small_design().relationships[2].id],
    }
    assert steps[11].artifacts == ["policies/identity-policies/log-archive/assume-roles.json"]
    assert steps[11].verify == "aws iam list-policies --scope Local --only-attached"
    assert data["steps"][7]["verify"] == (
        "aws s3api get-bucket-versioning --bucket org-logs-bucket --region '${HomeRegion}'"
    )
    assert data["steps"][14]["targets"] == {
        "policy": "GeneratedGuardrails",
        "target": "${RootId}",
        "target_name": "Root",
        "operation": "attach",
    }
    assert data["placeholders"] == [
        {"placeholder": "${HomeRegion}", "meaning": ANY_TEXT},
        {"placeholder": "${RootId}", "meaning": "the organization root's id (list-roots)"},
    ]


# -- cycles, vault lock, planned accounts ----------------------------------------------------------
def test_roles_trusting_each_other_are_a_one_line_cycle_error(tmp_path: Path) -> None:
    b = Builder()
    b.ou("Apps")
    b.account("Alpha", parent="Apps")
    b.account("Beta", parent="Apps")
    b.trust("Alpha", "Beta", role_name="X", principal_scope="role", principal_role_name="Y")
    b.trust("Beta", "Alpha", role_name="Y", principal_scope="role", principal_role_name="X")
    design = b.build()
    with pytest.raises(DesignError) as caught:
        build_plan(design)
    message = str(caught.value)
    assert "\n" not in message
    assert "dependency cycle" in message
    x = "'Deploy role X to member accounts with a StackSet'"
    y = "'Deploy role Y to member accounts with a StackSet'"
    assert f"{x} -> {y} -> {x}" in message
    with pytest.raises(DesignError, match="dependency cycle"):
        export_design(design, tmp_path, ["plan"])


def test_a_stackset_deploying_its_own_trusted_role_is_noted_not_a_cycle() -> None:
    b = Builder()
    b.ou("Apps")
    b.account("Alpha", parent="Apps")
    b.account("Beta", parent="Apps")
    b.account("Gamma")
    b.trust("Gamma", "Alpha", role_name="X")
    b.trust("Alpha", "Beta", role_name="X", principal_scope="role", principal_role_name="X")
    steps = build_plan(b.build())
    (stackset,) = [s for s in steps if s.id == "stacksets"]
    assert stackset.must_exist == [
        "role X in Alpha, deployed by this same StackSet: deploy to that account first"
    ]


def test_vault_lock_is_manual_and_planned_accounts_use_placeholders() -> None:
    b = Builder()
    b.account("Log Archive", "log-archive")
    b.bucket("vault-logs", "Log Archive", glacier_vault_lock=True, kms_key="alias/logs")
    steps, data = plan_data(b.build())
    by_id = {s.id: s for s in steps}
    lock = by_id["vault-lock:vault-logs"]
    assert lock.manual
    assert "24 hours" in lock.action
    assert "24 hours" in (lock.reason or "")
    assert lock.verify == (
        "aws glacier get-vault-lock --account-id - --vault-name '${VaultName:vault-logs}' "
        "--region '${HomeRegion}'"
    )
    assert by_id["key:log-archive/alias-logs"].artifacts == [
        "policies/keys/vault-logs-key-policy.json",
        "cloudformation/log-archive-log-archive.json",
    ]
    account = by_id["account:log-archive"]
    assert account.verify == "aws organizations list-parents --child-id '${AccountId:Log Archive}'"
    assert {"placeholder": "${AccountId:Log Archive}", "meaning": ANY_TEXT} in data["placeholders"]


class _AnyText:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(other)


ANY_TEXT: Any = _AnyText()


# -- output files ----------------------------------------------------------------------------------
def test_export_writes_json_and_markdown_deterministically(tmp_path: Path) -> None:
    load_all()
    assert REGISTRY["plan"].title == "Ordered deployment plan (Markdown and JSON)"
    design = load_template("reference-landing-zone")
    written = export_design(design, tmp_path / "a", ["plan"])
    export_design(load_template("reference-landing-zone"), tmp_path / "b", ["plan"])
    paths = sorted(f.path for f in written if f.format == "plan")
    assert paths == ["plan/deployment-plan.json", "plan/deployment-plan.md"]
    for path in paths:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()
    data = json.loads((tmp_path / "a" / paths[0]).read_text(encoding="utf-8"))
    markdown = (tmp_path / "a" / paths[1]).read_text(encoding="utf-8")
    assert [s["number"] for s in data["steps"]] == list(range(1, len(data["steps"]) + 1))
    for step in data["steps"]:
        assert f"## {step['number']}. " in markdown
    (mfa,) = [s for s in data["steps"] if s["id"].startswith("mfa-delete:example-org-logs-cl")]
    heading = "Turn on MFA Delete for example-org-logs-cloudtrail-153715744375 (manual)"
    assert f"## {mfa['number']}. {heading}" in markdown


@pytest.mark.parametrize("name", TEMPLATES)
def test_plan_files_are_the_files_the_other_exporters_write(tmp_path: Path, name: str) -> None:
    design = load_template(name)
    written = {f.path for f in export_design(design, tmp_path, ["policies", "cloudformation"])}
    deployed = {f for f in written if f.endswith(".json") and f != "manifest.json"}
    named = {a for s in build_plan(design) for a in s.artifacts}
    assert named == deployed, "every file the plan names exists, every file is in a step"


def test_hostile_names_stay_text(tmp_path: Path) -> None:
    hostile = "../../x ```rm -rf /``` | <script>alert(1)</script>\n# Heading"
    b = Builder()
    b.ou("Apps")
    b.account(hostile, parent="Apps")
    b.account("Prod", parent="Apps", aws_account_id="123456789012")
    b.trust(hostile, "Prod", role_name="Audit", principal_scope="role", principal_role_name="Ops")
    design = b.build()
    written = export_design(design, tmp_path, ["plan"])
    assert all(f.path.startswith("plan/") for f in written if f.format == "plan")
    steps = build_plan(design)
    assert_read_only(steps)
    for step in steps:
        assert all(c.isalnum() or c in "-_.:/" for c in step.id), step.id
    verify = next(s.verify for s in steps if s.subjects == [design.accounts[2].id])
    assert shlex.split(verify)[-1] == "123456789012"
    hostile_verify = next(s.verify for s in steps if s.id.startswith("account:x-rm-rf"))
    assert shlex.split(hostile_verify)[-1] == (
        "${AccountId:../../x ```rm -rf /``` | <script>alert(1)</script>\\n# Heading}"
    )
    markdown = (tmp_path / "plan" / "deployment-plan.md").read_text(encoding="utf-8")
    outside, fence = [], None
    for line in markdown.splitlines():
        stripped = line.strip()
        if fence is None and stripped.startswith("```"):
            fence = stripped.rstrip("sh")
        elif fence is not None and stripped == fence:
            fence = None
        elif fence is None:
            outside.append(line)
    assert fence is None
    assert "````sh" in markdown, "a longer fence: the backticks in the name cannot close it"
    assert not [line for line in outside if "<script>" in line or line.startswith("# Heading")]
    assert not [line for line in outside if "```" in line]


# -- generated designs -----------------------------------------------------------------------------
ROLES = ["A", "B"]


@st.composite
def designs(draw: st.DrawFn) -> Design:
    b = Builder()
    units: list[str] = []
    for n in range(draw(st.integers(0, 4))):
        parent = draw(st.sampled_from([None, *units]))
        name = "Policy Staging" if n == 0 and draw(st.booleans()) else f"OU{n}"
        units.append(f"{parent}/{name}" if parent else name)
        b.ou(units[-1], parent=parent)
    scps = [f"SCP{n}" for n in range(draw(st.integers(0, 2)))]
    for scp in scps:
        b.scp(scp, {"Version": "2012-10-17", "Statement": []})
    accounts = ["Management"]
    for n in range(draw(st.integers(1, 6))):
        parent = draw(st.sampled_from([None, *units]))
        attached = draw(st.lists(st.sampled_from(scps), unique=True)) if scps else []
        accounts.append(f"Acct{n}")
        b.account(accounts[-1], parent=parent, scps=tuple(attached))
    for scp in scps:
        if draw(st.booleans()):
            b.attach_root(scp)
    b.idp("IdP", home_account=draw(st.sampled_from(accounts)))
    b.outside_principal("Vendor", aws_account_id="999999999999")
    b.outside_principal("Partner", kind="partner-organization", organization_id="o-partner0001")
    b.outside_principal("Service", kind="service", service_principal="config.amazonaws.com")
    b.outside_principal("Public", kind="anyone")
    scopes = ["org", *units]
    for _ in range(draw(st.integers(0, 3))):
        roles = draw(st.lists(st.sampled_from(ROLES), unique=True, max_size=2))
        b.federation("IdP", draw(st.sampled_from(accounts)), mapped_roles=roles)
    for _ in range(draw(st.integers(0, 8))):
        outside = ["Vendor", "Partner", "Service", "Public"]
        source = draw(st.sampled_from([*accounts, *scopes, "IdP", *outside]))
        ends = [a for a in accounts if a != source]
        if source not in scopes:
            ends += scopes
        target = draw(st.sampled_from(ends))
        fields: dict[str, Any] = {"role_name": draw(st.sampled_from(ROLES))}
        if source not in ("IdP", "Service") and draw(st.booleans()):
            fields["principal_scope"] = "role"
            fields["principal_role_name"] = draw(st.sampled_from([*ROLES, "Other"]))
        if source == "Service":
            fields["principal_type"] = "workload"
        scope = target if target in scopes else source if source in scopes else None
        if scope is not None and draw(st.booleans()):
            fields["excluded_accounts"] = [b.id(draw(st.sampled_from(accounts)))]
        b.trust(source, target, **fields)
    for n in range(draw(st.integers(0, 2))):
        owner = draw(st.sampled_from(accounts))
        bucket = f"logs-{n}"
        b.bucket(
            bucket,
            owner,
            mfa_delete=draw(st.booleans()),
            glacier_vault_lock=draw(st.booleans()),
            kms_key=draw(st.sampled_from([None, "alias/logs"])),
        )
        kinds = draw(st.lists(st.sampled_from(["cloudtrail", "config", "elb"]), min_size=1))
        b.logs(
            draw(st.sampled_from([*accounts, *scopes])),
            owner,
            *dict.fromkeys(kinds),
            bucket=bucket,
        )
    for _ in range(draw(st.integers(0, 2))):
        source = draw(st.sampled_from(accounts))
        outside = ["Vendor", "Partner", "Public"]
        target = draw(st.sampled_from([*scopes, *outside, *(a for a in accounts if a != source)]))
        kind = draw(st.sampled_from(["ami", "service-catalog-portfolio", "ram-share"]))
        extra = {"ram_resource_type": "ec2:Subnet"} if kind == "ram-share" else {}
        b.share(source, target, kind, **extra)
    return b.build()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_generated_plans_put_every_step_after_what_it_needs(design: Design) -> None:
    planner = Planner(design)
    try:
        steps = planner.build()
    except DesignError as error:
        message = str(error)
        assert "\n" not in message
        assert message.startswith("the deployment plan has a dependency cycle: ")
        titles: dict[str, list[str]] = {}  # two StackSets of one role may share a title
        for step in planner.steps.values():
            titles.setdefault(repr(step.title), []).append(step.id)
        chain = message.split(": ", 1)[1].split(" (a role ARN")[0].split(" -> ")
        assert chain[0] == chain[-1]
        for before, after in itertools.pairwise(chain):
            assert any(b in planner.needs[a] for b in titles[before] for a in titles[after]), (
                "each link of the cycle is a real dependency"
            )
        return
    assert_prerequisites_first(steps)
    assert_design_order(design, steps)
    assert_read_only(steps)
    assert steps == build_plan(design), "the same design gives the same plan"


# -- size ------------------------------------------------------------------------------------------
def test_two_thousand_accounts_plan_quickly_with_ou_targets() -> None:
    """Drawn account by account, the OU targets are inferred from the look-alike roles."""
    design = synthetic_design(2000, scoped=False)
    steps = build_plan(design)
    assert_prerequisites_first(steps)
    (stack_sets,) = [s for s in steps if s.id == "stacksets"]
    assert stack_sets.targets is not None
    (audit,) = [e for e in stack_sets.targets["stack_sets"] if e["name"] == "role-securityaudit"]
    assert {k: audit[k] for k in ("organizational_units", "accounts")} == {
        "organizational_units": ["Root/Infrastructure", "Root/Workloads"],
        "accounts": [{"name": "Log Archive", "aws_account_id": None}],
    }


# -- walking the plan as the deployer does ---------------------------------------------------------
def _denies_root(document: dict[str, Any]) -> bool:
    """A statement that denies the root user: everything, or a match on the root's ARN."""
    found = document.get("Statement", [])
    for s in found if isinstance(found, list) else [found]:
        if s.get("Effect") != "Deny":
            continue
        if s.get("Action") in ("*", ["*"]) and "Condition" not in s:
            return True
        if ":root" in json.dumps(s.get("Condition", {})):
            return True
    return False


class Organization:
    """The SCP attachments in force, changed as the steps say (the deployer's view)."""

    def __init__(self, design: Design, cfn: dict[str, Any]) -> None:
        self.design = design
        self.cfn = cfn
        org = design.organization.id
        self.node: dict[str, str] = {"${RootId}": org, "Ref:RootId": org}
        scopes = ExportScopes(design)
        for unit in design.organizational_units:
            path = scopes.ou_path(unit.id)
            self.node[f"${{OuId:{path}}}"] = unit.id
            template = cfn.get("cloudformation/organization-policies.json", {})
            for name, parameter in template.get("Parameters", {}).items():
                if f"'{path}'" in parameter.get("Description", ""):
                    self.node[f"Ref:{name}"] = unit.id
        for account in design.accounts:
            self.node[account.aws_account_id or f"${{AccountId:{account.name}}}"] = account.id
        self.attached: dict[str, set[str]] = {}
        self.parent = {a.id: a.parent for a in design.accounts}
        self.parent |= {u.id: u.parent for u in design.organizational_units}

    def apply(self, step: Step) -> None:
        if "cloudformation/organization-policies.json" in step.artifacts:
            # Deploying the template does what it says: TargetIds attach at creation.
            template = self.cfn["cloudformation/organization-policies.json"]
            for resource in template["Resources"].values():
                props = resource["Properties"]
                if props["Name"] != step.title.removeprefix("Create SCP "):
                    continue
                for target in props.get("TargetIds", []):
                    node = self.node[f"Ref:{target['Ref']}" if isinstance(target, dict) else target]
                    self.attached.setdefault(node, set()).add(props["Name"])
        targets = step.targets or {}
        if "operation" in targets:
            node = self.node[targets["target"]]
            if targets["operation"] == "attach":
                self.attached.setdefault(node, set()).add(targets["policy"])
            else:
                assert targets["operation"] == "detach", step.id
                self.attached[node].discard(targets["policy"])

    def in_force(self, account_id: str) -> set[str]:
        found = set(self.attached.get(self.design.organization.id, set()))
        node: str | None = account_id
        while node is not None:
            found |= self.attached.get(node, set())
            node = self.parent.get(node)
        return found


def _root_steps(design: Design, steps: list[Step]) -> list[tuple[int, list[str]]]:
    """Where the root user must act, and in which accounts (SCPs never bind management)."""
    members = [a.id for a in design.accounts if a.id != design.organization.management_account]
    owner = {b.name: b.account for b in design.log_buckets}
    found = []
    for n, step in enumerate(steps):
        if step.id == "root-mfa":
            found.append((n, members))
        elif step.id.startswith("mfa-delete:"):
            bucket = next(b for b in owner if safe_name(b) == step.id.removeprefix("mfa-delete:"))
            found.append((n, [owner[bucket]]))
    return found


@pytest.mark.parametrize("name", TEMPLATES)
def test_walking_the_plan_keeps_scps_out_of_the_root_steps_and_trials_them_first(
    tmp_path: Path, name: str
) -> None:
    design = load_template(name)
    steps = build_plan(design)
    export_design(design, tmp_path, ["cloudformation", "policies"])
    cfn = {
        p.relative_to(tmp_path).as_posix(): json.loads(p.read_text())
        for p in (tmp_path / "cloudformation").glob("*.json")
    }
    documents = {
        p.stem: json.loads(p.read_text()) for p in (tmp_path / "policies" / "scps").glob("*.json")
    }
    root_steps = dict(_root_steps(design, steps))
    staging = next((u.id for u in design.organizational_units if u.name == "Policy Staging"), None)
    org = Organization(design, cfn)
    tried: set[str] = set()
    for n, step in enumerate(steps):
        org.apply(step)
        for account in root_steps.get(n, []):
            denying = {p for p in org.in_force(account) if _denies_root(documents[safe_name(p)])}
            assert not denying, f"{step.id}: {denying} deny the root user in {account}"
        for node, policies in org.attached.items():
            if node == staging:
                tried |= policies
            elif staging is not None:
                untried = {p for p in policies if not _denies_root_all(documents[safe_name(p)])}
                assert untried <= tried, f"{step.id}: {untried - tried} not tried on staging"
    # Not by luck of the order: every attachment waits for the root steps it would get in the
    # way of, whichever order a runner picks among the steps that are ready.
    by_id = {s.id: s for s in steps}

    def before(step_id: str) -> set[str]:
        found: set[str] = set()
        todo = list(by_id[step_id].prerequisites)
        while todo:
            need = todo.pop()
            if need not in found:
                found.add(need)
                todo.extend(by_id[need].prerequisites)
        return found

    for step in steps:
        targets = step.targets or {}
        if targets.get("operation") != "attach":
            continue
        node = org.node[targets["target"]]
        below = {a.id for a in design.accounts if node == design.organization.id}
        below |= {a for a in org.parent if _under(org, a, node)}
        for n, accounts in root_steps.items():
            if below & set(accounts) and _denies_root(documents[safe_name(targets["policy"])]):
                assert steps[n].id in before(step.id), f"{step.id} may run before {steps[n].id}"
    # In the end, exactly the design's attachments (FullAWSAccess is attached already).
    attachments = json.loads((tmp_path / "policies/scps/attachments.json").read_text())
    expected = {
        a["DesignId"]: {p for p in a["Policies"] if p != "FullAWSAccess"}
        for a in attachments["Targets"]
    }
    assert {k: v for k, v in org.attached.items() if v} == {k: v for k, v in expected.items() if v}


def _under(org: Organization, node: str, ancestor: str) -> bool:
    current: str | None = node
    while current is not None:
        if current == ancestor:
            return True
        current = org.parent.get(current)
    return False


def _denies_root_all(document: dict[str, Any]) -> bool:
    found = document.get("Statement", [])
    return any(
        s.get("Effect") == "Deny" and s.get("Action") in ("*", ["*"]) and "Condition" not in s
        for s in (found if isinstance(found, list) else [found])
    )


def test_an_scp_the_design_keeps_on_policy_staging_stays_attached(
    plans: dict[str, tuple[Design, list[Step]]],
) -> None:
    _, steps = plans["reference-landing-zone"]
    iam = [
        s
        for s in steps
        if (s.targets or {}).get("policy") == "DenyIamUsers" and "operation" in (s.targets or {})
    ]
    assert [(s.targets or {})["operation"] for s in iam] == ["attach"]
    assert iam[0].targets == {
        "policy": "DenyIamUsers",
        "target": "${OuId:Policy Staging}",
        "target_name": "Root/Policy Staging",
        "operation": "attach",
    }


def test_identity_center_is_enabled_from_the_management_account_before_its_delegation(
    plans: dict[str, tuple[Design, list[Step]]],
) -> None:
    _, steps = plans["reference-landing-zone"]
    ids = [s.id for s in steps]
    by_id = {s.id: s for s in steps}
    enable = by_id["identity-center"]
    assert enable.account == "Management"
    assert enable.verify == "aws sso-admin list-instances --region eu-west-1"
    delegate = by_id["delegated-admin:identity"]
    assert "sso.amazonaws.com" in delegate.title
    assert "identity-center" in delegate.prerequisites
    assert ids.index("identity-center") < ids.index("delegated-admin:identity")
    configure = next(s for s in steps if s.id.startswith("provider:iam-identity-center"))
    assert configure.account == "Identity"
    assert "Enable the organization instance" not in configure.action
    assert ids.index("delegated-admin:identity") < ids.index(configure.id)


@pytest.mark.parametrize("name", TEMPLATES)
def test_organizations_commands_verify_from_the_management_account(
    plans: dict[str, tuple[Design, list[Step]]], name: str
) -> None:
    design, steps = plans[name]
    management = next(a for a in design.accounts if a.id == design.organization.management_account)
    for step in steps:
        if shlex.split(step.verify)[1] == "organizations":
            assert step.account == management.name, step.id


REGIONAL = {"cloudtrail", "configservice", "kms", "ec2", "sso-admin", "ds", "ram", "s3api",
            "servicecatalog", "glacier", "cloudformation", "logs"}  # fmt: skip


def test_regional_verify_commands_name_the_home_region(
    plans: dict[str, tuple[Design, list[Step]]],
) -> None:
    design, steps = plans["reference-landing-zone"]
    assert design.usage_policy.allowed_regions[0] == "eu-west-1"
    regional = [s for s in steps if shlex.split(s.verify)[1] in REGIONAL]
    assert len(regional) > 10
    for step in regional:
        assert shlex.split(step.verify)[-2:] == ["--region", "eu-west-1"], step.verify
    for step in steps:
        if shlex.split(step.verify)[1] in ("iam", "organizations"):
            assert "--region" not in step.verify  # global services
    _, data = plan_data(small_design())  # no Region in the design: a placeholder
    regional_small = [s for s in data["steps"] if shlex.split(s["verify"])[1] in REGIONAL]
    assert regional_small
    assert all(s["verify"].endswith("--region '${HomeRegion}'") for s in regional_small)
    assert {"placeholder": "${HomeRegion}", "meaning": ANY_TEXT} in data["placeholders"]


def test_stack_sets_deploy_as_one_management_account_step(tmp_path: Path) -> None:
    design = load_template("reference-landing-zone")
    steps = build_plan(design)
    export_design(design, tmp_path, ["cloudformation"])
    outer = json.loads((tmp_path / "cloudformation/stacksets.json").read_text())
    names = [r["Properties"]["StackSetName"] for r in outer["Resources"].values()]
    (step,) = [s for s in steps if "cloudformation/stacksets.json" in s.artifacts]
    assert step.id == "stacksets"
    assert step.account == "Management"
    assert step.artifacts[0] == "cloudformation/stacksets.json"
    assert "trusted-access:member.org.stacksets.cloudformation.amazonaws.com" in step.prerequisites
    assert step.verify == (
        "aws cloudformation list-stack-sets --call-as SELF --status ACTIVE --region eu-west-1"
    )
    assert step.targets is not None
    assert [s["name"] for s in step.targets["stack_sets"]] == names
    assert len(names) > 1
    for entry in step.targets["stack_sets"]:  # each StackSet verified, not only the first
        assert entry["verify"] == (
            f"aws cloudformation list-stack-instances --stack-set-name {entry['name']} "
            "--call-as SELF --region eu-west-1"
        )
    markdown = plan_markdown(design, steps, [], [])
    section = markdown.split("Deploy the StackSets of stacksets.json")[2].split("\n## ")[0]
    assert all(e["verify"] in section for e in step.targets["stack_sets"])
    assert not [s for s in steps if s.id.startswith("stackset:")], "no StackSet outside it"
    assert not [a for s in steps for a in s.artifacts if a.endswith("targets.json")]


def test_stack_sets_waiting_for_a_management_role_deploy_after_its_stack(tmp_path: Path) -> None:
    """The management account's roles need one StackSet's role and another StackSet needs
    theirs: two StackSets templates, with the management stack between them, not a cycle."""
    b = Builder(organization_id="o-exampleorg1")
    b.ou("Apps")
    b.account("Tooling", "security-tooling", aws_account_id="222222222222")
    b.account("App", parent="Apps", aws_account_id="333333333333")
    b.trust("App", "Tooling", role_name="Reader")  # a StackSet creates Reader in Tooling
    b.trust("Tooling", "Management", role_name="Ops", principal_scope="role",
            principal_role_name="Reader")  # fmt: skip
    b.trust("Management", "App", role_name="Deploy", principal_scope="role",
            principal_role_name="Ops")  # fmt: skip
    design = b.build()
    ids = [s.id for s in build_plan(design)]
    assert ids.index("stacksets") < ids.index("management-role:ops") < ids.index("stacksets-2")
    written = {f.path for f in export_design(design, tmp_path, ["cloudformation"])}
    assert {"cloudformation/stacksets.json", "cloudformation/stacksets-2.json"} <= written
    later = json.loads((tmp_path / "cloudformation/stacksets-2.json").read_text())
    assert [r["Properties"]["StackSetName"] for r in later["Resources"].values()] == ["role-deploy"]


# -- the management account's AWS Config, step texts -------------------------------------------
def test_the_management_account_gets_the_organizations_config_as_a_step_of_its_own(
    tmp_path: Path,
) -> None:
    design = load_template("reference-landing-zone")
    steps = build_plan(design)
    by_id = {s.id: s for s in steps}
    ids = [s.id for s in steps]
    mgmt = next(a for a in design.accounts if a.id == design.organization.management_account)
    stem = safe_name(mgmt.name)
    (step,) = [s for s in steps if s.id == f"logs:config:{stem}"]
    assert step.account == mgmt.name
    assert step.artifacts == [f"cloudformation/config-{stem}.json"]
    assert step.verify == (
        "aws configservice describe-configuration-recorder-status --region eu-west-1"
    )
    bucket = next(b for b in design.log_buckets if "config" in b.name)
    assert f"bucket:{safe_name(bucket.name)}" in step.prerequisites
    assert ids.index(f"bucket:{safe_name(bucket.name)}") < ids.index(step.id)
    # The StackSet no longer says "deploy the same template there": the step does it.
    stack_sets = by_id["stacksets"]
    assert "same template there as a stack" not in stack_sets.action
    assert stack_sets.targets is not None
    assert all(e["also_as_stack_in"] == [] for e in stack_sets.targets["stack_sets"])
    written = {f.path for f in export_design(design, tmp_path, ["cloudformation"])}
    assert f"cloudformation/config-{stem}.json" in written
    template = json.loads((tmp_path / f"cloudformation/config-{stem}.json").read_text())
    kinds = {r["Type"] for r in template["Resources"].values()}
    assert {"AWS::Config::ConfigurationRecorder", "AWS::Config::DeliveryChannel"} <= kinds


def test_config_steps_say_the_region_they_deploy_to() -> None:
    steps = build_plan(load_template("reference-landing-zone"))
    (config,) = [s for s in steps if s.id.startswith("logs:config:")]  # the management account's
    stack_sets = next(s for s in steps if s.id == "stacksets")
    assert "Turn on the AWS Config recorder" in stack_sets.action  # the organization's, merged
    assert ", in the home Region eu-west-1 with a service-managed StackSet" in stack_sets.action
    for step in (config, stack_sets):
        assert "every Region" not in step.action
        assert "home Region eu-west-1" in step.action


def test_delegating_identity_center_does_not_enable_its_trusted_access_again() -> None:
    design = load_template("reference-landing-zone")
    steps = build_plan(design)
    identity = next(a for a in design.accounts if a.name == "Identity")
    (sso,) = [s for s in steps if s.id == "delegated-admin:identity"]
    assert "identity-center" in sso.prerequisites
    assert "Enable trusted access for sso.amazonaws.com" not in sso.action
    assert "enabling IAM Identity Center has enabled its trusted access" in sso.action
    assert sso.targets == {
        "service_principals": ["sso.amazonaws.com"],
        "delegated_account": {"name": "Identity", "aws_account_id": identity.aws_account_id},
    }


def test_steps_carry_what_a_program_needs_to_run_them() -> None:
    design = load_template("reference-landing-zone")
    _, data = plan_data(design)
    by_id = {s["id"]: s for s in data["steps"]}
    assert by_id["ou:workloads/prod"]["targets"] == {"ou_path": "Root/Workloads/Prod"}
    log = next(a for a in design.accounts if a.name == "Log Archive")
    assert by_id["account:log-archive"]["targets"] == {
        "account": "Log Archive",
        "email": log.email,
        "destination": "Root/Security",
        "aws_account_id": log.aws_account_id,
    }
    assert by_id["scp:denyrootuser"]["targets"] == {"policy": "DenyRootUser"}
    assert by_id["trusted-access:member.org.stacksets.cloudformation.amazonaws.com"]["targets"] == {
        "service_principals": ["member.org.stacksets.cloudformation.amazonaws.com"],
        "delegated_account": None,
    }
    assume = by_id["assume:identity"]["targets"]["policies"]
    assert {"file", "permission_set"} <= set(assume[0])
    shares = [s for s in data["steps"] if s["id"].startswith("share:")]
    for share in shares:
        assert set(share["targets"]) == {"resource_type", "ram_resource_type", "resources",
                                         "principal"}  # fmt: skip
        assert share["targets"]["principal"]["kind"] in ("account", "ou", "organization",
                                                         "external-account")  # fmt: skip
    assert {s["needs_root_user"] for s in data["steps"] if s["id"] == "root-mfa"} == {True}
    assert all(
        s["needs_root_user"] == s["id"].startswith(("root-mfa", "mfa-delete:"))
        for s in data["steps"]
    )


def test_each_template_a_step_deploys_comes_with_its_parameters(tmp_path: Path) -> None:
    design = load_template("reference-landing-zone")
    _, data = plan_data(design)
    export_design(design, tmp_path, ["cloudformation"])
    seen = 0
    for step in data["steps"]:
        for path in step["artifacts"]:
            if not path.startswith("cloudformation/") or "/stacksets/" in path:
                continue
            declared = json.loads((tmp_path / path).read_text()).get("Parameters", {})
            assert step["parameters"].get(path, {}).keys() == declared.keys(), path
            seen += bool(declared)
    assert seen >= 4
    trail = next(s for s in data["steps"] if s["id"] == "stacksets")["parameters"]
    assert trail["cloudformation/stacksets.json"]["OuIdWorkloads"] == "${OuId:Workloads}"
    ram = next(
        s for s in data["steps"] if "cloudformation/ram-shares-network.json" in s["artifacts"]
    )
    assert ram["parameters"]["cloudformation/ram-shares-network.json"]["OuIdWorkloadsProd"] == (
        "${OuId:Workloads/Prod}"
    )


# -- principal roles: created before the trust that names them ---------------------------------
def _analyst_design(created_by_federation: bool) -> Design:
    b = Builder()
    b.ou("Apps")
    b.account("Tooling", "security-tooling", aws_account_id="222222222222")
    b.account("App", parent="Apps", aws_account_id="333333333333")
    if created_by_federation:
        b.idp("Corp", "saml", home_account="Tooling")
        b.federation("Corp", "Tooling", mapped_roles=["Analyst"])
    b.trust("Tooling", "App", role_name="Audit", principal_scope="role",
            principal_role_name="Analyst")  # fmt: skip
    return b.build()


def test_a_principal_role_nothing_creates_is_a_blocking_manual_step_first() -> None:
    steps = build_plan(_analyst_design(created_by_federation=False))
    ids = [s.id for s in steps]
    by_id = {s.id: s for s in steps}
    create = by_id["create-role:tooling/analyst"]
    assert create.manual
    assert create.account == "Tooling"
    assert create.title == "Create role Analyst in Tooling (222222222222)"
    assert create.verify == "aws iam get-role --role-name Analyst"
    assert "create-role:tooling/analyst" in by_id["stacksets"].prerequisites
    assert ids.index(create.id) < ids.index("stacksets")
    assert "create-role:tooling/analyst" in by_id["assume:tooling"].prerequisites


def test_a_principal_role_the_design_creates_is_created_first() -> None:
    steps = build_plan(_analyst_design(created_by_federation=True))
    ids = [s.id for s in steps]
    assert not [i for i in ids if i.startswith("create-role:")]
    stack_sets = next(s for s in steps if s.id == "stacksets")
    assert "role:tooling/analyst" in stack_sets.prerequisites
    assert ids.index("role:tooling/analyst") < ids.index("stacksets")
