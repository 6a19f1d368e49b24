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
    return {
        path: text
        for path, text in files.items()
        if path.endswith(".json") and not path.endswith("stacksets/targets.json")
    }


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
    "Description": "Cross-account role Audit (security-audit) trusted by Tooling; deploy as a "
    "service-managed StackSet (stacksets/targets.json)",
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
                            "Principal": {"AWS": "arn:aws:iam::111111111111:role/Analyst"},
                            "Action": "sts:AssumeRole",
                            "Condition": {
                                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                                "StringEquals": {"aws:PrincipalOrgID": "o-exampleorg1"},
                            },
                        }
                    ],
                },
                "ManagedPolicyArns": ["arn:aws:iam::aws:policy/SecurityAudit"],
                "MaxSessionDuration": 7200,
            },
        }
    },
    "Outputs": {
        "RoleArn": {"Description": "ARN of role Audit", "Value": {"Fn::GetAtt": ["Role", "Arn"]}}
    },
}

EXPECTED_TARGETS = {
    "design": "Test",
    "stack_sets": [
        {
            "template": "cloudformation/stacksets/audit.json",
            "stack_set_name": "role-audit",
            "role_name": "Audit",
            "access_level": "security-audit",
            "trusted": "Tooling",
            "permission_model": "SERVICE_MANAGED",
            "capabilities": ["CAPABILITY_NAMED_IAM"],
            "auto_deployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
            "regions": ["${HomeRegion}"],
            "parameters": {},
            "deployment_targets": [
                {
                    "organizational_units": [{"name": "Workloads", "ou_id": "${OuId:Workloads}"}],
                    "account_filter_type": "NONE",
                }
            ],
            "accounts": [
                {"name": "Prod", "account_id": "222222222222"},
                {"name": "Dev", "account_id": "333333333333"},
            ],
        }
    ],
}


def test_role_template_and_its_stack_set_targets_are_exactly_as_expected(tmp_path: Path) -> None:
    files = export(role_design(), tmp_path)
    assert sorted(files) == [
        "cloudformation/notes.md",
        "cloudformation/stacksets/audit.json",
        "cloudformation/stacksets/targets.json",
    ]
    assert (
        files["cloudformation/stacksets/audit.json"] == json.dumps(EXPECTED_ROLE, indent=2) + "\n"
    )
    assert json.loads(files["cloudformation/stacksets/targets.json"]) == EXPECTED_TARGETS


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
        "cloudformation/stacksets/admin-from-..-..-etc-passwd.json",  # one file name each
        "cloudformation/stacksets/admin-from-aws-region.json",
        "cloudformation/stacksets/admin.json",  # the lower-case role has a file of its own
        "cloudformation/stacksets/targets.json",
    ]
    notes = files["cloudformation/notes.md"]
    assert notes.count("IAM role names are unique per account") == 2
    targets = json.loads(files["cloudformation/stacksets/targets.json"])["stack_sets"]
    names = [e["stack_set_name"] for e in targets]
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
        "Fn::Sub": "arn:aws:cloudtrail:${AWS::Region}:766791984639:trail/organization-trail"
    }
    assert statements[2] == {
        "Sid": "AWSCloudTrailOrganizationWrite20150319",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/AWSLogs/o-examplecorp1/*",
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
    assert len([s for s in sids if s.startswith("AWSConfigBucketDelivery")]) == 5  # per account
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
        assert statements[0]["Principal"] == {"AWS": "arn:aws:iam::153715744375:root"}
        for found in statements[1:]:
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
    targets = json.loads(files["cloudformation/stacksets/targets.json"])
    for name, files in exports.items():
        if "cloudformation/stacksets/targets.json" not in files:
            continue
        for entry in json.loads(files["cloudformation/stacksets/targets.json"])["stack_sets"]:
            assert "Management" not in [a["name"] for a in entry["accounts"]], name
            assert entry["template"] in files
    audit = next(e for e in targets["stack_sets"] if e["role_name"] == "SecurityAudit")
    assert audit["deployment_targets"] == [
        {"organizational_units": [{"name": "Workloads", "ou_id": "${OuId:Workloads}"}],
         "account_filter_type": "NONE"}
    ]  # fmt: skip


def test_stack_set_targets_whole_ous_or_filtered_accounts(
    exports: dict[str, dict[str, str]],
) -> None:
    targets = json.loads(exports["edge"]["cloudformation/stacksets/targets.json"])
    by_role = {e["role_name"]: e for e in targets["stack_sets"]}
    assert by_role["Reader"]["deployment_targets"] == [
        {"organizational_units": [{"name": "Workloads/Prod", "ou_id": "${OuId:Workloads/Prod}"}],
         "account_filter_type": "NONE"}
    ]  # fmt: skip
    assert by_role["Reader"]["auto_deployment"]["Enabled"] is True
    assert by_role["Vendor"]["deployment_targets"] == [
        {"organizational_units": [{"name": "Workloads/Prod", "ou_id": "${OuId:Workloads/Prod}"}],
         "account_filter_type": "INTERSECTION",
         "accounts": [{"name": "App1", "account_id": "${AccountId:App1}"}]}
    ]  # fmt: skip
    assert by_role["Vendor"]["auto_deployment"]["Enabled"] is False
    assert by_role["Vendor"]["parameters"] == {"AccountIdVendor": "${AccountId:Vendor}"}
    assert "Nope" not in by_role  # Identity Center: permission sets, said in the notes
    notes = exports["edge"]["cloudformation/notes.md"]
    assert "IAM Identity Center grants access through permission sets" in notes


def test_trusted_sides_of_every_kind(exports: dict[str, dict[str, str]]) -> None:
    found = templates(exports["edge"])

    def role(name: str) -> dict[str, Any]:
        props: dict[str, Any] = found[f"cloudformation/stacksets/{name}.json"]["Resources"]["Role"]
        return props["Properties"]

    trust = role("samladmin")["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Action"] == "sts:AssumeRoleWithSAML"
    assert trust["Condition"] == {
        "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}
    }
    trust = role("deployer")["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert role("deployer")["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"]
    inline = role("deployer")["Policies"][0]["PolicyDocument"]["Statement"][0]
    assert inline["Action"] == ["kms:*"]  # no AWS managed full-access policy for KMS
    trust = role("directoryreader")["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "ds.amazonaws.com"}
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]
    vendor = role("vendor")
    assert vendor["AssumeRolePolicyDocument"]["Statement"][0]["Condition"] == {
        "StringEquals": {"sts:ExternalId": "ext-123"}
    }
    assert vendor["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]
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
    ]
    for policy in policies.values():
        assert policy["Properties"]["Type"] == "SERVICE_CONTROL_POLICY"
        assert policy["Properties"]["Content"]["Statement"]
    assert policies["ScpDenyAllSuspended"]["Properties"]["TargetIds"] == [{"Ref": "OuIdSuspended"}]
    assert policies["ScpDenyRootUser"]["Properties"]["TargetIds"] == [{"Ref": "RootId"}]
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
                lambda m: SAMPLE_ACCOUNT if "Account" in m.group(1) else "example",
                text,
            )
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
