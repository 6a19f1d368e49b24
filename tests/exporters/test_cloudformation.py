"""CloudFormation export: lint-clean templates, exact roles, StackSet targets, no invented ids."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cfnlint.config import ConfigMixIn
from cfnlint.decode.decode import decode_str
from cfnlint.runner import Runner, run_template_by_data

from designer.model import Design
from designer.model.templates import load_template, template_paths
from exporters import cloudformation  # registers the format
from exporters.base import export_design
from tests.exporters.cfn_values import evaluate
from tests.exporters.scoped import exporter_design
from tests.exporters.test_policies import assert_no_one_else
from tests.rules.builder import Builder

FORMAT = [cloudformation.FORMAT]
LOGICAL_ID = re.compile(r"^[A-Za-z0-9]{1,255}$")
SAFE_PATH = re.compile(r"^cloudformation/([a-z0-9_.-]+/)*[a-z0-9_.-]+\.(json|md)$")
HOSTILE = ["../../etc/passwd", "<script>alert(1)</script>", "Prod ✓ Ünïcode", "${AWS::Region}"]


def export(design: Design, out: Path) -> dict[str, str]:
    """Every file of a cloudformation export, path -> text (manifest left out)."""
    files = export_design(design, out, FORMAT)
    return {
        f.path: (out / f.path).read_text(encoding="utf-8") for f in files if f.format != "manifest"
    }


def templates_text(files: dict[str, str]) -> dict[str, str]:
    return {path: text for path, text in files.items() if path.endswith(".json")}


def templates(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {path: json.loads(text) for path, text in templates_text(files).items()}


def edge_design() -> Design:
    """Planned accounts, every kind of trusted side, shares, SCPs and buckets in one design."""
    b = Builder()  # no organization id, management planned
    b.ou("Security")
    b.ou("Workloads")
    b.ou("Prod", parent="Workloads")
    b.account("Logs", "log-archive", parent="Security")
    b.account("Tooling", "security-tooling", parent="Security", aws_account_id="444444444444")
    b.account("Publishing", "publishing", parent="Workloads")
    for name in ("App1", "App2"):
        b.account(name, parent="Prod")
    b.outside_principal("Vendor")  # no account id: a parameter
    b.idp("Corp SAML", "saml", home_account="Tooling")
    b.idp("GitHub", "oidc", metadata_url="https://token.actions.githubusercontent.com")
    b.idp("Corp AD", "directory-service", directory_type="managed-microsoft-ad")
    b.idp("Identity Center", "identity-center")
    b.trust("Tooling", "App1", "read-only", role_name="Reader")
    b.trust("Tooling", "App2", "read-only", role_name="Reader")
    b.trust("Tooling", "Management", "security-audit", role_name="Auditor", require_mfa=True)
    b.trust("Vendor", "App1", "custom", role_name="Vendor",
            managed_policy_arns=["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"],
            external_id="ext-123", max_session_duration=7200)  # fmt: skip
    b.trust("Corp SAML", "App1", "administrator", role_name="SamlAdmin")
    b.trust("GitHub", "App2", "service-admin", role_name="Deployer", services=["ec2", "kms"])
    b.trust("Corp AD", "App2", "read-only", role_name="DirectoryReader")
    b.trust("Identity Center", "App2", "read-only", role_name="Nope")
    b.trust("Tooling", "App2", "iam-admin", role_name="IamAdmin", organization_scoped=True,
            principal_scope="role", principal_role_name="Engineer")  # fmt: skip
    b.bucket("edge-trail-bucket", "Logs", object_lock={"mode": "GOVERNANCE", "retention_days": 30})
    b.bucket("edge-config-bucket", "Logs", access_logging=True, kms_key=None)
    b.bucket(
        "edge-byo-key-bucket",
        "Logs",
        kms_key="arn:aws:kms:eu-west-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        organization_restricted_writes=True,
    )
    b.logs("org", "Logs", "cloudtrail", bucket="edge-trail-bucket")  # the organization trail
    b.logs("App1", "Logs", "cloudtrail", "config", "vpc-flow-logs", bucket="edge-config-bucket")
    b.logs("App2", "Logs", "cloudtrail", bucket="edge-byo-key-bucket")
    b.share("Publishing", "App1", "service-catalog-portfolio", resource_names=["Golden"])
    b.share("Publishing", "Workloads", "service-catalog-portfolio", resource_names=["Golden"])
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*",
                                                     "Resource": "*"}]}  # fmt: skip
    b.scp("Quarantine", deny)
    b.scp("Generated", None)
    b.scp("FullAWSAccess", None, aws_managed=True)
    b.attach_root("FullAWSAccess", "Quarantine")
    return b.build()


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """The export of every bundled template and of the edge design, made once."""
    root = tmp_path_factory.mktemp("cfn")
    found = {name: export(load_template(name), root / name) for name in template_paths()}
    found["edge"] = export(edge_design(), root / "edge")
    found["hostile"] = export(hostile_design(), root / "hostile")
    found["scoped"] = export(exporter_design(), root / "scoped")
    return found


@pytest.fixture(scope="module")
def lint_results(exports: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """cfn-lint findings per template, each distinct file linted once.

    What cfnlint.api.lint(text, config=ManualArgs(regions=["us-east-1"])) does, with the rules
    loaded once: loading them takes ~0.3 s per lint() call, checking a template ~0.02 s.
    """
    config = ConfigMixIn(regions=["us-east-1"])
    rules = Runner(config).rules
    cache: dict[str, list[str]] = {}
    results: dict[str, list[str]] = {}
    for name, files in exports.items():
        for path, text in templates_text(files).items():
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest not in cache:
                template, errors = decode_str(text)
                matches = errors or list(run_template_by_data(template, config, rules))
                cache[digest] = [f"{m.rule.id} {m.message}" for m in matches]
            results[f"{name}:{path}"] = cache[digest]
    return results


def test_every_template_passes_cfn_lint_without_errors_or_warnings(
    lint_results: dict[str, list[str]],
) -> None:
    assert len(lint_results) > 20
    problems = {k: [m for m in v if m[0] in "EW"] for k, v in lint_results.items()}
    assert {k: v for k, v in problems.items() if v} == {}


def hostile_design() -> Design:
    """Names that would break paths, logical ids or Fn::Sub strings if used as they are."""
    b = Builder(organization_id="o-hostile0001")
    ous = ['OU <b>&"', "OU ✓ Ünïcode ${AWS::Region}"]  # Builder OU names end at a "/"
    for ou in ous:
        b.ou(ou)
    for n, name in enumerate(HOSTILE):
        b.account(name, "log-archive" if n == 0 else "workload", parent=ous[n % 2],
                  aws_account_id=f"{n + 1}" * 12)  # fmt: skip
    b.account("Also Prod ✓ Ünïcode", parent=ous[1], aws_account_id="999999999999")
    b.bucket("hostile-logs", HOSTILE[0], kms_key="alias/../../${x}", access_logging=True)
    b.bucket("hostile-logs-policy", HOSTILE[0])  # its logical id meets the one of a policy
    b.logs("org", HOSTILE[0], "cloudtrail", bucket="hostile-logs")
    for target in HOSTILE[1:]:
        b.trust(HOSTILE[0], target, role_name="Admin", purpose="🔥 ${AWS::Region} <b>")
        if target != HOSTILE[3]:
            b.trust(HOSTILE[3], target, role_name="Admin")  # same role, other trusted side
    b.trust(HOSTILE[0], "Also Prod ✓ Ünïcode", role_name="admin")
    b.scp("SCP ../../x ✓", {"Version": "2012-10-17",
                            "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]},
          description=HOSTILE[1] * 100)  # fmt: skip
    b.ou("Target", scps=("SCP ../../x ✓",))
    b.share(HOSTILE[3], HOSTILE[2], "service-catalog-portfolio", resource_names=[HOSTILE[0]])
    b.share(HOSTILE[3], ous[1], "service-catalog-portfolio", resource_names=[HOSTILE[0]])
    return b.build()


def role_design() -> Design:
    """The security account audits both workload accounts of one OU through one role."""
    b = Builder(organization_id="o-exampleorg1")
    b.ou("Security")
    b.ou("Workloads")
    b.account("Tooling", "security-tooling", parent="Security", aws_account_id="111111111111")
    b.account("Prod", parent="Workloads", aws_account_id="222222222222")
    b.account("Dev", parent="Workloads", aws_account_id="333333333333")
    for target in ("Prod", "Dev"):
        b.trust("Tooling", target, "security-audit", role_name="Audit", require_mfa=True,
                organization_scoped=True, principal_scope="role", principal_role_name="Analyst",
                max_session_duration=7200, purpose="Security reviews")  # fmt: skip
    return b.build()


EXPECTED_ROLE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Description": "Cross-account role Audit (security-audit) trusted by Tooling; the body of a "
    "service-managed StackSet (cloudformation/stacksets.json)",
    "Resources": {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": "Audit",
                "Description": "Security reviews",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {
                                "AWS": {
                                    "Fn::Sub": (
                                        "arn:${AWS::Partition}:iam::111111111111:role/Analyst"
                                    )
                                }
                            },
                            "Action": "sts:AssumeRole",
                            # No MFA condition: the principal is a role, whose session has none.
                            "Condition": {
                                "StringEquals": {"aws:PrincipalOrgID": "o-exampleorg1"},
                            },
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/SecurityAudit"}
                ],
                "MaxSessionDuration": 7200,
            },
        }
    },
    "Outputs": {
        "RoleArn": {"Description": "ARN of role Audit", "Value": {"Fn::GetAtt": ["Role", "Arn"]}}
    },
}

EXPECTED_STACK_SET = {
    "Type": "AWS::CloudFormation::StackSet",
    "Metadata": {
        "StackSet": {
            "template": "cloudformation/stacksets/audit.json",
            "role_name": "Audit",
            "access_level": "security-audit",
            "trusted": "Tooling",
            "deployment_targets": [
                {
                    "organizational_units": [{"name": "Workloads", "ou_id": "$ {OuId:Workloads}"}],
                    "account_filter_type": "NONE",
                }
            ],
            "accounts": [
                {"name": "Prod", "account_id": "222222222222"},
                {"name": "Dev", "account_id": "333333333333"},
            ],
        }
    },
    "Properties": {
        "StackSetName": "role-audit",
        "Description": EXPECTED_ROLE["Description"],
        "PermissionModel": "SERVICE_MANAGED",
        "CallAs": "SELF",
        "AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
        "Capabilities": ["CAPABILITY_NAMED_IAM"],
        "TemplateBody": json.dumps(EXPECTED_ROLE, separators=(",", ":")),
        "StackInstancesGroup": [
            {
                "DeploymentTargets": {"OrganizationalUnitIds": [{"Ref": "OuIdWorkloads"}]},
                "Regions": [{"Ref": "HomeRegion"}],
            }
        ],
    },
}


def test_role_template_and_its_stack_set_targets_are_exactly_as_expected(tmp_path: Path) -> None:
    files = export(role_design(), tmp_path)
    assert sorted(files) == [
        "cloudformation/notes.md",
        "cloudformation/stacksets.json",
        "cloudformation/stacksets/audit.json",
    ]
    assert (
        files["cloudformation/stacksets/audit.json"] == json.dumps(EXPECTED_ROLE, indent=2) + "\n"
    )
    outer = json.loads(files["cloudformation/stacksets.json"])
    assert outer["Resources"] == {"StackSetRoleAudit": EXPECTED_STACK_SET}
    assert list(outer["Parameters"]) == ["HomeRegion", "OuIdWorkloads"]


def test_same_design_gives_the_same_bytes(tmp_path: Path) -> None:
    for design in (load_template("reference-landing-zone"), edge_design()):
        first = export(design, tmp_path / "one" / design.name)
        assert export(design, tmp_path / "two" / design.name) == first


def policy_statements(node: Any) -> Iterator[dict[str, Any]]:
    """Every statement of every policy document inside a template, however deeply nested."""
    if isinstance(node, dict):
        if "Statement" in node and "Version" in node:
            found = node["Statement"]
            yield from found if isinstance(found, list) else [found]
        for value in node.values():
            yield from policy_statements(value)
    elif isinstance(node, list):
        for value in node:
            yield from policy_statements(value)


def subs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("Fn::Sub"), str):
            yield node["Fn::Sub"]
        for value in node.values():
            yield from subs(value)
    elif isinstance(node, list):
        for value in node:
            yield from subs(value)


def test_no_wildcard_principal_or_action_is_allowed(exports: dict[str, dict[str, str]]) -> None:
    checked = 0
    for files in exports.values():
        for template in templates(files).values():
            for found in policy_statements(template):
                checked += 1
                # The SSL-only deny under its condition, or a trust bound to an organization
                # or OU path (aws:PrincipalOrgID / aws:PrincipalOrgPaths): never anyone.
                assert_no_one_else("template", found)
                if found["Effect"] == "Allow":
                    assert found["Action"] not in ("*", ["*"]), found
    assert checked > 100


def test_hostile_names_are_sanitised(
    exports: dict[str, dict[str, str]], lint_results: dict[str, list[str]]
) -> None:
    files = exports["hostile"]
    assert all(SAFE_PATH.match(path) for path in files), sorted(files)
    assert sorted(p for p in files if "/stacksets/" in p) == [
        "cloudformation/stacksets/admin-from-..-..-etc-passwd-2.json",  # one file name each
        "cloudformation/stacksets/admin-from-..-..-etc-passwd.json",
        "cloudformation/stacksets/admin.json",  # the lower-case role has a file of its own
    ]
    notes = files["cloudformation/notes.md"]
    # Two trusted sides into role Admin of one account are one role with two statements, as in
    # policies/roles/: no conflict to report, and no StackSet overwriting the other's role.
    assert "IAM role names are unique per account" not in notes
    statements = [
        len(r["Properties"]["AssumeRolePolicyDocument"]["Statement"])
        for t in templates(files).values()
        for r in t.get("Resources", {}).values()
        if r["Type"] == "AWS::IAM::Role" and r["Properties"]["RoleName"] == "Admin"
    ]
    assert sorted(statements) == [1, 2]
    names = [r["Properties"]["StackSetName"] for r in stack_set_resources(files).values()]
    assert all(re.fullmatch(r"[A-Za-z][-A-Za-z0-9]{0,127}", n) for n in names), names
    assert len(set(names)) == len(names)
    logs = templates(files)["cloudformation/log-archive-..-..-etc-passwd.json"]["Resources"]
    policies = [v["Properties"]["Bucket"] for v in logs.values() if v["Type"].endswith("Policy")]
    assert len(policies) == 3  # access-log bucket and both log buckets, none overwritten
    for template in templates(files).values():
        for part in ("Parameters", "Resources", "Outputs"):
            assert all(LOGICAL_ID.match(k) for k in template.get(part, {})), template[part]
        assert "${x}" not in json.dumps(template)
        known = {*template.get("Parameters", {}), *template["Resources"]}
        for text in subs(template):  # user text never becomes an Fn::Sub variable
            for var in re.findall(r"\$\{([^!}][^}]*)\}", text):
                assert var.startswith("AWS::") or var.split(".")[0] in known, text
    hostile = {k: v for k, v in lint_results.items() if k.startswith("hostile:")}
    assert len(hostile) == len(templates(files))
    assert not [m for found in hostile.values() for m in found if m[0] in "EW"]  # lints clean


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


BUCKET = "example-org-logs-cloudtrail-593879281666"


def test_log_archive_stack_protects_each_bucket(exports: dict[str, dict[str, str]]) -> None:
    template = templates(exports["logging"])["cloudformation/log-archive-log-archive.json"]
    buckets = resources_of(template, "AWS::S3::Bucket")
    trail = buckets["LogBucketExampleOrgLogsCloudtrail593879281666"]["Properties"]
    assert trail["VersioningConfiguration"] == {"Status": "Enabled"}
    assert trail["ObjectLockEnabled"] is True
    assert trail["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}},
    }
    assert (
        "ObjectLockEnabled"
        not in buckets["LogBucketExampleOrgLogsConfig593879281666"]["Properties"]
    )
    for name, bucket in buckets.items():
        props = bucket["Properties"]
        assert set(props["PublicAccessBlockConfiguration"].values()) == {True}, name
        assert len(props["PublicAccessBlockConfiguration"]) == 4
        assert bucket["DeletionPolicy"] == "Retain"
        rule = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        if name == "AccessLogBucket":  # server access logs cannot be written with SSE-KMS
            assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
            continue
        key = rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]["Fn::GetAtt"][0]
        assert template["Resources"][key]["Properties"]["EnableKeyRotation"] is True
        assert props["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": "AccessLogBucket"}
    policy = template["Resources"]["LogBucketExampleOrgLogsCloudtrail593879281666Policy"]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert [s["Sid"] for s in statements] == [
        "AWSCloudTrailAclCheck20150319",
        "AWSCloudTrailWrite20150319",
        "AWSCloudTrailOrganizationWrite20150319",
        "DenyInsecureTransport",
    ]
    trail_arn = {
        "Fn::Sub": "arn:${AWS::Partition}:cloudtrail:eu-west-1:766791984639:trail/"
        "organization-trail"
    }
    assert statements[2] == {
        "Sid": "AWSCloudTrailOrganizationWrite20150319",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{BUCKET}/AWSLogs/o-examplecorp1/*"},
        "Condition": {
            "StringEquals": {
                "s3:x-amz-acl": "bucket-owner-full-control",
                "aws:SourceArn": trail_arn,
                "aws:SourceOrgID": "o-examplecorp1",  # organization_restricted_writes
            }
        },
    }
    config = template["Resources"]["LogBucketExampleOrgLogsConfig593879281666Policy"]
    sids = [s["Sid"] for s in config["Properties"]["PolicyDocument"]["Statement"]]
    assert sids[:3] == [
        "AWSConfigBucketPermissionsCheck",
        "AWSConfigBucketExistenceCheck",
        "AWSConfigBucketDelivery",
    ]
    # once for the organization (aws:SourceOrgID), not per account: the size stays put
    assert len([s for s in sids if s.startswith("AWSConfigBucketDelivery")]) == 1
    manual = " ".join(template["Metadata"]["ManualSteps"])
    assert manual.count("MFA Delete") == 2
    assert "MFADelete=Enabled" in manual


def test_key_policy_lets_only_the_owner_and_log_services_in(
    exports: dict[str, dict[str, str]],
) -> None:
    template = templates(exports["reference-landing-zone"])[
        "cloudformation/log-archive-log-archive.json"
    ]
    for key in resources_of(template, "AWS::KMS::Key").values():
        statements = key["Properties"]["KeyPolicy"]["Statement"]
        owner = {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::153715744375:root"}}
        assert statements[0]["Principal"] == owner
        for found in statements[1:]:
            if found["Principal"] == {"AWS": "*"}:  # the guard, decrypt bound to one account
                assert found["Effect"] == "Deny" or "kms:CallerAccount" in json.dumps(found)
                continue
            service = found["Principal"]["Service"]
            assert service in {"cloudtrail.amazonaws.com", "config.amazonaws.com",
                               "delivery.logs.amazonaws.com"}  # fmt: skip
            assert found["Condition"], found  # always tied to the source trail or accounts


def test_organization_trail_only_where_the_design_has_one(
    exports: dict[str, dict[str, str]],
) -> None:
    with_trail = {
        name for name, files in exports.items() if any("organization-trail" in p for p in files)
    }
    assert with_trail == {
        "information-security",
        "logging",
        "reference-landing-zone",
        "edge",
        "hostile",
        "scoped",
    }
    trail = templates(exports["logging"])["cloudformation/organization-trail.json"]
    assert trail["Resources"]["OrganizationTrail"]["Properties"] == {
        "TrailName": "organization-trail",
        "IsLogging": True,
        "IsOrganizationTrail": True,
        "IsMultiRegionTrail": True,
        "IncludeGlobalServiceEvents": True,
        "EnableLogFileValidation": True,
        "S3BucketName": "example-org-logs-cloudtrail-593879281666",
        "KMSKeyId": {"Ref": "KMSKeyId"},
    }


def test_management_account_roles_stay_out_of_stack_sets(
    exports: dict[str, dict[str, str]],
) -> None:
    files = exports["information-security"]
    roles = templates(files)["cloudformation/management-account-roles.json"]
    assert list(roles["Resources"]) == ["RoleSecurityAudit"]
    targets = stack_set_resources(files)
    for name, found in exports.items():
        for resource in stack_set_resources(found).values():
            entry = resource["Metadata"]["StackSet"]
            assert "Management" not in [a["name"] for a in entry["accounts"]], name
            assert entry["template"] in found
    audit = next(
        r for r in targets.values() if r["Metadata"]["StackSet"].get("role_name") == "SecurityAudit"
    )
    (group,) = audit["Properties"]["StackInstancesGroup"]
    assert group["DeploymentTargets"] == {"OrganizationalUnitIds": [{"Ref": "OuIdWorkloads"}]}


def test_stack_set_targets_whole_ous_or_filtered_accounts(
    exports: dict[str, dict[str, str]],
) -> None:
    found = stack_set_resources(exports["edge"])
    by_role = {r["Metadata"]["StackSet"].get("role_name"): r["Properties"] for r in found.values()}
    assert by_role["Reader"]["StackInstancesGroup"][0]["DeploymentTargets"] == {
        "OrganizationalUnitIds": [{"Ref": "OuIdWorkloadsProd"}]
    }
    assert by_role["Reader"]["AutoDeployment"]["Enabled"] is True
    assert by_role["Vendor"]["StackInstancesGroup"][0]["DeploymentTargets"] == {
        "OrganizationalUnitIds": [{"Ref": "OuIdWorkloadsProd"}],
        "AccountFilterType": "INTERSECTION",
        "Accounts": [{"Ref": "AccountIdApp1"}],
    }
    assert by_role["Vendor"]["AutoDeployment"]["Enabled"] is False
    assert "Nope" not in by_role  # Identity Center: permission sets, said in the notes
    notes = exports["edge"]["cloudformation/notes.md"]
    assert "IAM Identity Center grants access through permission sets" in notes


PARTITION = {"AWS::Partition": "aws"}


def test_trusted_sides_of_every_kind(exports: dict[str, dict[str, str]]) -> None:
    found = templates(exports["edge"])

    def role(name: str) -> dict[str, Any]:
        props: dict[str, Any] = found[f"cloudformation/stacksets/{name}.json"]["Resources"]["Role"]
        return props["Properties"]

    trust = role("samladmin")["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Action"] == "sts:AssumeRoleWithSAML"
    audience = trust["Condition"]["StringEquals"]["SAML:aud"]  # per partition, from Mappings
    assert audience == {"Fn::FindInMap": ["SamlAudience", {"Ref": "AWS::Partition"}, "Audience"]}
    trust = role("deployer")["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    deployer = evaluate(role("deployer")["ManagedPolicyArns"], PARTITION)
    assert deployer == ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"]
    inline = role("deployer")["Policies"][0]["PolicyDocument"]["Statement"][0]
    assert inline["Action"] == ["kms:*"]  # no AWS managed full-access policy for KMS
    trust = role("directoryreader")["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "ds.amazonaws.com"}
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]
    vendor = role("vendor")
    assert vendor["AssumeRolePolicyDocument"]["Statement"][0]["Condition"] == {
        "StringEquals": {"sts:ExternalId": "ext-123"}
    }
    view_only = ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]
    assert evaluate(vendor["ManagedPolicyArns"], PARTITION) == view_only
    assert vendor["MaxSessionDuration"] == 7200
    mfa = found["cloudformation/management-account-roles.json"]["Resources"]["RoleAuditor"]
    statement = mfa["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_planned_ids_become_parameters_never_invented(exports: dict[str, dict[str, str]]) -> None:
    files = exports["edge"]
    text = "".join(files.values())
    assert set(re.findall(r"(?<![0-9])[0-9]{12}(?![0-9])", text)) == {
        "444444444444",  # the one account with an id
        "555555555555",  # the account of the bring-your-own KMS key
    }
    found = templates(files)
    logs = found["cloudformation/log-archive-logs.json"]
    assert {"AccountIdManagement", "AccountIdApp1", "OrganizationId"} <= set(logs["Parameters"])
    assert logs["Parameters"]["AccountIdApp1"]["AllowedPattern"] == "^[0-9]{12}$"
    assert found["cloudformation/stacksets/iamadmin.json"]["Parameters"]["OrganizationId"]
    assert "`AccountIdApp1` = `${AccountId:App1}`" in files["cloudformation/notes.md"]


def test_scps_become_organization_policies(exports: dict[str, dict[str, str]]) -> None:
    found = templates(exports["reference-landing-zone"])[
        "cloudformation/organization-policies.json"
    ]
    policies = resources_of(found, "AWS::Organizations::Policy")
    names = [p["Properties"]["Name"] for p in policies.values()]
    assert "FullAWSAccess" not in names  # AWS managed: attached already
    assert names == [
        "OrganizationGuardrails",
        "ProtectSecurityServices",
        "DenyRootUser",
        "RegionRestriction",
        "DenyAllSuspended",
        "DenyIamUsers",
        "ProtectLogArchive",
    ]
    for policy in policies.values():
        assert policy["Properties"]["Type"] == "SERVICE_CONTROL_POLICY"
        assert policy["Properties"]["Content"]["Statement"]
    assert "Parameters" not in found  # no target ids: the plan attaches each SCP
    edge = exports["edge"]["cloudformation/notes.md"]
    assert "SCP Generated has no document" in edge


def test_portfolio_shares_to_accounts_and_notes_for_ous(exports: dict[str, dict[str, str]]) -> None:
    files = exports["edge"]
    shares = templates(files)["cloudformation/service-catalog-shares-publishing.json"]
    assert shares["Resources"] == {
        "ShareGoldenApp1": {
            "Type": "AWS::ServiceCatalog::PortfolioShare",
            "Properties": {
                "PortfolioId": {"Ref": "PortfolioIdGolden"},
                "AccountId": {"Ref": "AccountIdApp1"},
                "ShareTagOptions": False,
            },
        }
    }
    assert "OU Workloads" in shares["Metadata"]["OrganizationShares"][1]
    notes = files["cloudformation/notes.md"]
    assert (
        "`aws servicecatalog create-portfolio-share --portfolio-id ${PortfolioId:Golden} "
        "--organization-node Type=ORGANIZATIONAL_UNIT,Value=${OuId:Workloads} --share-principals`"
    ) in notes
    # the bundled templates share portfolios with OUs only: notes, no empty template
    reference = exports["reference-landing-zone"]
    assert not any("service-catalog" in p for p in reference)
    assert "Approved Data Stores" in reference["cloudformation/notes.md"]


# -- parliament on the policies inside the templates ------------------------------------------
SAMPLE_ACCOUNT = "123456789012"


def _resolve(node: Any) -> Any:
    """Intrinsic functions replaced by plausible values, so parliament can read the ARNs."""
    if isinstance(node, dict):
        if set(node) == {"Ref"}:
            return SAMPLE_ACCOUNT if "Account" in str(node["Ref"]) else "example"
        if set(node) == {"Fn::Sub"}:
            text = node["Fn::Sub"] if isinstance(node["Fn::Sub"], str) else node["Fn::Sub"][0]
            return re.sub(
                r"\$\{([^}]+)\}",
                lambda m: (
                    SAMPLE_ACCOUNT
                    if "Account" in m.group(1)
                    else ("aws" if m.group(1) == "AWS::Partition" else "example")
                ),
                text,
            )
        if set(node) == {"Fn::FindInMap"}:  # the SAML audience of the partition
            return "https://signin.aws.amazon.com/saml"
        if set(node) == {"Fn::GetAtt"}:
            return "arn:aws:s3:::example-bucket"
        if set(node) == {"Fn::Join"}:
            separator, parts = node["Fn::Join"]
            return separator.join(str(_resolve(p)) for p in parts)
        return {k: _resolve(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v) for v in node]
    return node


def _documents(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, resource in template.get("Resources", {}).items():
        props = resource.get("Properties", {})
        kind = resource.get("Type", "")
        if kind == "AWS::IAM::Role":
            trust = _resolve(props["AssumeRolePolicyDocument"])
            for statement in trust["Statement"]:  # the documented workaround for trust policies
                statement["Resource"] = f"arn:aws:iam::{SAMPLE_ACCOUNT}:role/example"
            yield f"{name} trust", trust
            for inline in props.get("Policies", []):
                yield f"{name} inline", _resolve(inline["PolicyDocument"])
        elif kind == "AWS::S3::BucketPolicy":
            yield name, _resolve(props["PolicyDocument"])
        elif kind == "AWS::KMS::Key":
            yield name, _resolve(props["KeyPolicy"])
        elif kind == "AWS::Organizations::Policy":
            content = props["Content"]
            yield name, _resolve(json.loads(content) if isinstance(content, str) else content)


def test_every_policy_inside_the_templates_passes_parliament(
    exports: dict[str, dict[str, str]],
) -> None:
    from tests.exporters.test_policies import _parliament

    problems = []
    checked = 0
    for design_name, files in exports.items():
        for path, document_text in templates_text(files).items():
            for label, document in _documents(json.loads(document_text)):
                checked += 1
                ignore = ("CREDENTIALS_EXPOSURE",) if label.endswith("trust") else ()
                problems += [
                    f"{design_name} {path} {label}: {p}" for p in _parliament(document, ignore)
                ]
    assert checked > 20
    assert problems == []


# -- deployable as written: SCPs without targets, StackSets as resources -------------------------
def test_scps_are_created_without_targets_the_plan_attaches_them(
    exports: dict[str, dict[str, str]],
) -> None:
    """An SCP attached at creation is in force before the root-user steps and its trial."""
    for name, files in exports.items():
        found = templates(files).get("cloudformation/organization-policies.json")
        for policy in resources_of(
            found or {"Resources": {}}, "AWS::Organizations::Policy"
        ).values():
            assert "TargetIds" not in policy["Properties"], name
    notes = exports["reference-landing-zone"]["cloudformation/notes.md"]
    assert "SCP DenyRootUser is created without targets: attach it to $\\{RootId\\}" in notes


def stack_set_resources(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every AWS::CloudFormation::StackSet of the management-account StackSet templates."""
    found: dict[str, dict[str, Any]] = {}
    for path, template in templates(files).items():
        if re.fullmatch(r"cloudformation/stacksets(-[0-9]+)?\.json", path):
            found |= resources_of(template, "AWS::CloudFormation::StackSet")
    return found


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("reference-landing-zone", "eu-west-1"),  # the usage policy's first allowed Region
        ("edge", {"Ref": "HomeRegion"}),  # no Region in the design: a parameter
        ("scoped", {"Ref": "HomeRegion"}),
    ],
)
def test_stack_sets_are_resources_deploying_the_member_templates(
    exports: dict[str, dict[str, str]], name: str, region: Any
) -> None:
    files = exports[name]
    assert "cloudformation/stacksets/targets.json" not in files  # nothing to turn into CLI calls
    outer = templates(files)["cloudformation/stacksets.json"]
    stack_sets = stack_set_resources(files)
    members = sorted(p for p in templates(files) if p.startswith("cloudformation/stacksets/"))
    assert len(stack_sets) == len(members) > 0
    bodies = []
    for resource in stack_sets.values():
        props = resource["Properties"]
        assert props["PermissionModel"] == "SERVICE_MANAGED"
        assert props["CallAs"] == "SELF"
        assert props["AutoDeployment"]["RetainStacksOnAccountRemoval"] is False
        body = json.loads(props["TemplateBody"])
        member = resource["Metadata"]["StackSet"]["template"]
        assert body == json.loads(files[member])  # the member file is the body, as written
        bodies.append(member)
        iam = any(r["Type"].startswith("AWS::IAM::") for r in body["Resources"].values())
        assert ("CAPABILITY_NAMED_IAM" in props.get("Capabilities", [])) == iam
        # Every parameter of the member template without a default (an id) is passed through
        # from the outer one; a setting with a default may keep it.
        passed = {p["ParameterKey"]: p["ParameterValue"] for p in props.get("Parameters", [])}
        declared = body.get("Parameters", {})
        ids = {k for k, v in declared.items() if "Default" not in v}
        assert ids <= set(passed) <= set(declared)
        for value in passed.values():
            assert value["Ref"] in outer["Parameters"]
        for group in props["StackInstancesGroup"]:
            assert group["Regions"] == [region]
            targets = group["DeploymentTargets"]
            for unit in targets["OrganizationalUnitIds"]:
                assert outer["Parameters"][unit["Ref"]]["AllowedPattern"].startswith(
                    ("^ou-", "^r-")
                )
    assert sorted(bodies) == members


def test_a_scoped_stack_set_targets_its_ou_less_the_excluded_accounts(
    exports: dict[str, dict[str, str]],
) -> None:
    found = stack_set_resources(exports["scoped"])
    (audit,) = [r for r in found.values() if r["Metadata"]["StackSet"].get("role_name") == "Audit"]
    props = audit["Properties"]
    assert props["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert props["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    (group,) = props["StackInstancesGroup"]
    assert group["DeploymentTargets"] == {
        "OrganizationalUnitIds": [{"Ref": "OuIdWorkloads"}],
        "AccountFilterType": "DIFFERENCE",
        "Accounts": ["600000000000"],
    }
    edge = stack_set_resources(exports["edge"])
    (vendor,) = [r for r in edge.values() if r["Metadata"]["StackSet"].get("role_name") == "Vendor"]
    (group,) = vendor["Properties"]["StackInstancesGroup"]
    assert group["DeploymentTargets"] == {
        "OrganizationalUnitIds": [{"Ref": "OuIdWorkloadsProd"}],
        "AccountFilterType": "INTERSECTION",
        "Accounts": [{"Ref": "AccountIdApp1"}],
    }
    assert vendor["Properties"]["AutoDeployment"]["Enabled"] is False
    assert vendor["Properties"]["Parameters"] == [
        {"ParameterKey": "AccountIdVendor", "ParameterValue": {"Ref": "AccountIdVendor"}}
    ]


def test_a_body_over_the_template_body_limit_goes_by_url() -> None:
    big = cloudformation.Template("big")
    big.resources["Topic"] = {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "x" * 60_000}}
    outer = cloudformation.Template("outer")
    body = cloudformation.stack_set_body(outer, "cloudformation/stacksets/big.json", "Big", big)
    assert "TemplateBody" not in body
    assert body["TemplateURL"] == {"Ref": "TemplateUrlBig"}
    assert (
        outer.placeholders["TemplateUrlBig"] == "${TemplateUrl:cloudformation/stacksets/big.json}"
    )
    small = cloudformation.Template("small")
    small.resources["Topic"] = {"Type": "AWS::SNS::Topic"}
    assert "TemplateBody" in cloudformation.stack_set_body(outer, "s.json", "Small", small)


def test_stack_sets_split_across_templates_within_cloudformation_limits() -> None:
    sizes = [300_000] * 7 + [10] * 900
    files = cloudformation.stack_set_files(sizes)
    assert len(files) == len(sizes)
    per_file: dict[int, list[int]] = {}
    for size, number in zip(sizes, files, strict=True):
        per_file.setdefault(number, []).append(size)
    assert sorted(per_file) == list(range(1, len(per_file) + 1))
    for group in per_file.values():
        assert len(group) <= cloudformation.MAX_RESOURCES
        assert sum(group) <= cloudformation.STACK_SETS_BUDGET


def test_a_stack_set_whose_trust_names_a_role_of_another_waits_for_it(tmp_path: Path) -> None:
    """IAM saves a trusted role ARN as the role's unique id: that role must exist first."""
    b = Builder(organization_id="o-exampleorg1")
    b.ou("Apps")
    b.account("Alpha", parent="Apps", aws_account_id="111111111111")
    b.account("Beta", parent="Apps", aws_account_id="222222222222")
    b.account("Gamma", aws_account_id="333333333333")
    b.trust("Alpha", "Beta", role_name="Y", principal_scope="role", principal_role_name="X")
    b.trust("Gamma", "Alpha", role_name="X")
    found = stack_set_resources(export(b.build(), tmp_path))
    assert found["StackSetRoleY"]["DependsOn"] == ["StackSetRoleX"]
    assert "DependsOn" not in found["StackSetRoleX"]
