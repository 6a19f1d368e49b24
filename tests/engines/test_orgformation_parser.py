"""The export checked offline by org-formation's own parser (npm aws-organization-formation
1.0.17).

Its CLI cannot validate offline: every command first asks AWS who it is (AwsUtil.Initialize,
STS), and validate-tasks also reads the state object from S3 and calls CloudFormation
ValidateTemplate. Its library can: TemplateRoot parses and checks organization.yml (resource
types, properties, !Ref targets, an account in two OUs, OU cycles, duplicate names),
BuildConfiguration parses the tasks file, and CloudFormationBinder resolves each update-stacks
template's OrganizationBindings and references into the template every account gets, given a
state that maps logical ids to made-up physical ids. The organization id, the one value it would
fetch from AWS, is stubbed.

Install (make setup): npm install --prefix .node-orgformation aws-organization-formation@1.0.17
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from designer.analysis.inventory import ou_paths
from designer.core.scope import Scopes
from designer.engines.files import write_files
from designer.engines.orgformation.write import write_config
from designer.engines.yamlio import read_yaml
from designer.model.design import Design
from designer.model.templates import load_template, template_paths

MODULES = Path(__file__).resolve().parents[2] / ".node-orgformation" / "node_modules"
PACKAGE = MODULES / "aws-organization-formation" / "dist" / "src" / "parser" / "parser.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None or not PACKAGE.is_file(),
    reason="org-formation's parser is not installed: "
    "npm install --prefix .node-orgformation aws-organization-formation@1.0.17 (make setup)",
)
PSEUDO = {"AWS::Partition", "AWS::AccountId", "AWS::Region", "AWS::URLSuffix", "AWS::StackName"}

HARNESS = r"""
const path = require('path');
const lib = path.join(process.argv[2], 'aws-organization-formation', 'dist', 'src');
const tasksFile = path.resolve(process.argv[3]);
const { TemplateRoot } = require(path.join(lib, 'parser', 'parser'));
const { BuildConfiguration } = require(path.join(lib, 'build-tasks', 'build-configuration'));
const { PersistedState } = require(path.join(lib, 'state', 'persisted-state'));
const { CloudFormationBinder } = require(path.join(lib, 'cfn-binder', 'cfn-binder'));
const { CfnExpressionResolver } = require(path.join(lib, 'core', 'cfn-expression-resolver'));
const { AwsUtil } = require(path.join(lib, 'util', 'aws-util'));
AwsUtil.GetPrincipalOrgId = async () => 'o-offlinecheck1';

async function main() {
  const config = new BuildConfiguration(tasksFile);
  const orgTask = config.tasks.find(t => t.Type === 'update-organization');
  const orgFile = path.resolve(path.dirname(tasksFile), orgTask.Template);
  const section = (await TemplateRoot.create(orgFile)).organizationSection;
  const state = PersistedState.CreateEmpty(section.masterAccount.accountId);
  let n = 100000000000;
  const bind = (r, id) => state.setBinding(
    { type: r.type, logicalId: r.logicalId, physicalId: id, lastCommittedHash: '' });
  for (const a of [section.masterAccount, ...section.accounts]) bind(a, a.accountId || String(n++));
  for (const u of section.organizationalUnits) bind(u, 'ou-test-' + (n++));
  if (section.organizationRoot) bind(section.organizationRoot, 'r-test');
  const names = {};
  for (const a of [section.masterAccount, ...section.accounts]) names[a.logicalId] = a.accountName;
  const stacks = {};
  for (const task of config.tasks.filter(t => t.Type === 'update-stacks')) {
    const template = await TemplateRoot.create(
      path.resolve(path.dirname(tasksFile), task.Template), {
        OrganizationFile: orgFile,
        DefaultOrganizationBindingRegion: task.DefaultOrganizationBindingRegion,
        OrganizationBindings: task.OrganizationBindings,
      });
    const binder = new CloudFormationBinder(task.StackName, template, state, task.Parameters);
    stacks[task.Template] = [];
    for (const b of await binder.enumBindings()) {
      const resolver = CfnExpressionResolver.CreateDefaultResolver(b.accountLogicalId,
        b.accountId, b.region, undefined, undefined, template.organizationSection, state, false);
      const body = JSON.parse(await b.template.createTemplateBodyAndResolve(resolver));
      stacks[task.Template].push(
        { account: names[b.accountLogicalId], parameters: b.resolvedParameters, body });
    }
  }
  process.stdout.write(JSON.stringify({ names, stacks }));
}
main().catch(err => {
  process.stderr.write('org-formation: ' + ((err && err.message) || err) + '\n');
  process.exit(1);
});
"""


def _run(folder: Path) -> subprocess.CompletedProcess[str]:
    harness = folder.parent / "harness.js"
    harness.write_text(HARNESS, encoding="utf-8")
    return subprocess.run(
        [str(NODE), str(harness), str(MODULES), str(folder / "organization-tasks.yml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true", "NO_COLOR": "1"},
    )


def _parsed(design: Design, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    folder = tmp_path / "org-formation"
    write_files(write_config(design), folder)
    done = _run(folder)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout), folder


def _unresolved(node: Any, declared: set[str]) -> list[str]:
    """${...} of a !Sub that neither org-formation nor CloudFormation would resolve."""
    found: list[str] = []
    if isinstance(node, dict):
        if "Fn::Sub" in node and isinstance(node["Fn::Sub"], str):
            for name in re.findall(r"\$\{([^}!][^}]*)\}", node["Fn::Sub"]):
                if name not in PSEUDO and name not in declared:
                    found.append(name)
        for value in node.values():
            found += _unresolved(value, declared)
    elif isinstance(node, list):
        for value in node:
            found += _unresolved(value, declared)
    return found


def _expected_roles(design: Design) -> dict[str, set[str]]:
    """Role name -> the accounts the design deploys it to (designer.core.scope); roles only an
    identity provider signs in to are not written."""
    scopes = Scopes(design)
    names = {a.id: a.name for a in design.accounts}
    providers = {p.id for p in design.identity_providers}
    found: dict[str, set[str]] = {}
    for rel in design.relationships:
        if rel.kind != "trust" or rel.source in providers:
            continue
        landing = scopes.lands_in(rel, "target") if scopes.is_scope(rel.target) else (rel.target,)
        found.setdefault(rel.role_name, set()).update(names[a] for a in landing if a in names)
    return found


@pytest.mark.parametrize("name", sorted(template_paths()))
def test_org_formation_parses_the_export(name: str, tmp_path: Path) -> None:
    design = load_template(name)
    parsed, folder = _parsed(design, tmp_path)
    assert set(parsed["names"].values()) == {a.name for a in design.accounts}
    tasks = read_yaml(folder / "organization-tasks.yml")
    stacks = [t["Template"] for t in tasks.values() if t["Type"] == "update-stacks"]
    assert sorted(parsed["stacks"]) == sorted(stacks)
    for template, bindings in parsed["stacks"].items():
        written = read_yaml(folder / template)
        assert bindings, f"{template} is deployed nowhere"
        deployed = {r for b in bindings for r in b["body"]["Resources"]}
        assert deployed == set(written["Resources"]), template
        for binding in bindings:
            declared = set(binding["body"].get("Parameters", {})) | set(
                binding["body"]["Resources"]
            )
            assert not _unresolved(binding["body"], declared), (template, binding["account"])
            assert set(binding["parameters"]) == set(written.get("Parameters", {}))


@pytest.mark.parametrize("name", sorted(template_paths()))
def test_roles_land_where_the_design_deploys_them(name: str, tmp_path: Path) -> None:
    """org-formation's reading of the bindings (OU with nested OUs, Account '*', ExcludeAccount,
    IncludeMasterAccount) gives the accounts designer.core.scope says each role lands in."""
    design = load_template(name)
    parsed, _ = _parsed(design, tmp_path)
    landed: dict[str, set[str]] = {}
    for bindings in parsed["stacks"].values():
        for binding in bindings:
            for resource in binding["body"]["Resources"].values():
                if resource["Type"] == "AWS::IAM::Role":
                    role = resource["Properties"]["RoleName"]
                    landed.setdefault(role, set()).add(binding["account"])
    assert landed == _expected_roles(design)


def test_org_ids_reach_the_templates_as_parameters(tmp_path: Path) -> None:
    parsed, _ = _parsed(load_template("reference-landing-zone"), tmp_path)
    values = {
        v
        for bindings in parsed["stacks"].values()
        for b in bindings
        for v in b["parameters"].values()
    }
    assert values == {"o-offlinecheck1"}


def test_org_formation_refuses_a_master_account_without_id(tmp_path: Path) -> None:
    """What the export's comment warns about: org-formation needs the MasterAccount's AccountId."""
    design = load_template("logging")
    management = design.organization.management_account
    design.accounts = [
        a.model_copy(update={"aws_account_id": None}) if a.id == management else a
        for a in design.accounts
    ]
    folder = tmp_path / "org-formation"
    write_files(write_config(design), folder)
    assert "needs AccountId on the MasterAccount" in (folder / "organization.yml").read_text()
    done = _run(folder)
    assert done.returncode != 0
    assert "AccountId is missing on MasterAccount" in done.stderr
    assert ou_paths(design)  # the design itself is fine
