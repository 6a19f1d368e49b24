"""Export format 'policies': exact documents for a small design, linters, quotas, safe names."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import parliament
import pytest

from designer.artefacts.policy_set import GLOBAL_SERVICES, build_policies
from designer.artefacts.tokens import plain
from designer.model import DesignError, ServiceControlPolicy, UsagePolicy, stable_id
from designer.model.templates import load_template, template_paths
from designer.rules import validate
from designer.rules.engine import REGISTRY
from designer.rules.registry import all_rules
from exporters.base import export_design
from tests.exporters.scoped import exporter_design
from tests.rules.builder import Builder

V = "2012-10-17"
# Administrators and service-managed StackSets (which deploy the audit roles) stay able to work.
PRIVILEGED = {
    "ArnNotLike": {
        "aws:PrincipalARN": [
            "arn:aws:iam::*:role/OrganizationAccountAccessRole",
            "arn:aws:iam::*:role/stacksets-exec-*",
        ]
    }
}
TRAIL = "arn:aws:cloudtrail:eu-west-1:111111111111:trail/organization-trail"
BUCKET = "arn:aws:s3:::org-trail-logs"
SCP_RULES = [
    "SCP-01",
    "SCP-02",
    "SCP-03",
    "SCP-04",
    "SCP-05",
    "SCP-06",
    "SCP-08",
    "SCP-09",
    "SCP-10",
]
BLOCKING = {"CRITICAL", "HIGH"}  # parliament's severities: CRITICAL, HIGH, MEDIUM, LOW
COMMUNITY_CONFIG = Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml"


# -- designs ------------------------------------------------------------------------------------
def _with_management(b: Builder, **fields: Any) -> None:
    b.account("Management", "management", aws_account_id="111111111111", **fields)
    org = b.design.organization
    b.design.organization = org.model_copy(update={"management_account": b.id("Management")})


def small_builder() -> Builder:
    """One trust (MFA, organization, role principal), a third party, SAML, an org-trail bucket."""
    b = Builder(management=False, organization_id="o-abc1234567")
    _with_management(b, regions=["eu-west-1"])
    b.ou("Security")
    b.account("Log Archive", "log-archive", parent="Security", aws_account_id="222222222222")
    b.account("Security Tooling", "security-tooling", aws_account_id="333333333333")
    b.account("Identity", "identity", aws_account_id="444444444444")
    b.account("Prod", "workload", aws_account_id="555555555555")
    b.outside_principal("Vendor", aws_account_id="999999999999")
    b.idp("Okta", "saml", home_account="Identity")
    b.trust(
        "Security Tooling",
        "Prod",
        "security-audit",
        role_name="SecurityAudit",
        require_mfa=True,
        organization_scoped=True,
        principal_scope="role",
        principal_role_name="SecurityAnalyst",
        max_session_duration=7200,
    )
    b.trust("Vendor", "Prod", "read-only", role_name="VendorReadOnly", external_id="vendor-1234")
    b.federation("Okta", "Identity", "saml", mapped_roles=["Admin"])
    b.bucket(
        "org-trail-logs",
        "Log Archive",
        kms_key="alias/trail",
        organization_restricted_writes=True,
    )
    b.logs("org", "Log Archive", "cloudtrail", bucket="org-trail-logs")  # organization trail
    return b


def export(design: Any, out: Path) -> dict[str, Any]:
    """path -> parsed JSON (or text) of every file the policies format wrote."""
    files = export_design(design, out, ["policies"])
    found: dict[str, Any] = {}
    for record in files:
        text = (out / record.path).read_text(encoding="utf-8")
        found[record.path] = json.loads(text) if record.path.endswith(".json") else text
    return found


def documents(files: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, kind, policy document) for every policy in an export, trust policies included."""
    for path, data in files.items():
        if not isinstance(data, dict) or path.endswith(("manifest.json", "attachments.json")):
            continue
        if "/lifecycles/" in path:  # S3 lifecycle configurations, not policies
            continue
        if "TrustPolicy" in data:
            yield path, "trust", data["TrustPolicy"]
            for inline in data["InlinePolicies"]:
                yield path, "inline", inline["PolicyDocument"]
        else:
            yield path, "policy", data


# -- the small design, by hand ------------------------------------------------------------------
EXPECTED: dict[str, Any] = {
    "policies/roles/prod/securityaudit.json": {
        "RoleName": "SecurityAudit",
        "Account": "555555555555",
        "TrustPolicy": {
            "Version": V,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::333333333333:role/SecurityAnalyst"},
                    "Action": "sts:AssumeRole",
                    # MFA is asked where SecurityAnalyst's people sign in: a role session
                    # carries no aws:MultiFactorAuthPresent.
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc1234567"}},
                }
            ],
        },
        "ManagedPolicyArns": ["arn:aws:iam::aws:policy/SecurityAudit"],
        "InlinePolicies": [],
        "MaxSessionDuration": 7200,
    },
    "policies/roles/prod/vendorreadonly.json": {
        "RoleName": "VendorReadOnly",
        "Account": "555555555555",
        "TrustPolicy": {
            "Version": V,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "vendor-1234"}},
                }
            ],
        },
        "ManagedPolicyArns": ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"],
        "InlinePolicies": [],
        "MaxSessionDuration": 3600,
    },
    "policies/roles/identity/admin.json": {
        "RoleName": "Admin",
        "Account": "444444444444",
        "TrustPolicy": {
            "Version": V,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "arn:aws:iam::444444444444:saml-provider/okta"},
                    "Action": "sts:AssumeRoleWithSAML",
                    "Condition": {
                        "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}
                    },
                }
            ],
        },
        "ManagedPolicyArns": [],
        "InlinePolicies": [],
        "MaxSessionDuration": 3600,
    },
    "policies/identity-policies/security-tooling/securityanalyst-assume-roles.json": {
        "Version": V,
        "Statement": [
            {
                "Sid": "AssumeRoles",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": "arn:aws:iam::555555555555:role/SecurityAudit",
            }
        ],
    },
    "policies/buckets/org-trail-logs-policy.json": {
        "Version": V,
        "Statement": [
            {
                "Sid": "AWSCloudTrailAclCheck20150319",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": BUCKET,
                "Condition": {"StringEquals": {"aws:SourceArn": TRAIL}},
            },
            {
                "Sid": "AWSCloudTrailWrite20150319",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{BUCKET}/AWSLogs/111111111111/*",
                "Condition": {
                    "StringEquals": {
                        "s3:x-amz-acl": "bucket-owner-full-control",
                        "aws:SourceArn": TRAIL,
                        "aws:SourceOrgID": "o-abc1234567",
                    }
                },
            },
            {
                "Sid": "AWSCloudTrailOrganizationWrite20150319",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{BUCKET}/AWSLogs/o-abc1234567/*",
                "Condition": {
                    "StringEquals": {
                        "s3:x-amz-acl": "bucket-owner-full-control",
                        "aws:SourceArn": TRAIL,
                        "aws:SourceOrgID": "o-abc1234567",
                    }
                },
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [BUCKET, f"{BUCKET}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    },
    "policies/keys/org-trail-logs-key-policy.json": {
        "Version": V,
        "Statement": [
            {
                "Sid": "EnableOwnerAccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                # only the owner's privileged roles and root may delete, disable or re-policy it
                "Sid": "DenyKeyAdministrationExceptPrivilegedRoles",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": [
                    "kms:DisableKey",
                    "kms:DisableKeyRotation",
                    "kms:PutKeyPolicy",
                    "kms:ScheduleKeyDeletion",
                ],
                "Resource": "*",
                "Condition": {
                    "ArnNotLike": {
                        "aws:PrincipalArn": [
                            "arn:aws:iam::222222222222:root",
                            "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole",
                            "arn:aws:iam::222222222222:role/stacksets-exec-*",
                        ]
                    }
                },
            },
            {
                "Sid": "AllowCloudTrailEncryptLogs",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceArn": TRAIL},
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": TRAIL},
                },
            },
            {
                "Sid": "AllowCloudTrailDescribeKey",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:DescribeKey",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceArn": TRAIL}},
            },
            {
                # the trail's owner (management) may decrypt its trail's logs: CloudTrail needs
                # it to create the trail on a bucket with an S3 Bucket Key
                "Sid": "AllowTrailOwnersDecryptTheirTrails",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:CallerAccount": "111111111111"},
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": TRAIL},
                },
            },
        ],
    },
    # no Object Lock: Glacier after the default year, expiry two years later
    "policies/lifecycles/org-trail-logs.json": {
        "Rules": [
            {
                "ID": "ArchiveThenExpire",
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "Transitions": [{"Days": 365, "StorageClass": "GLACIER"}],
                "Expiration": {"Days": 1095},
                "NoncurrentVersionTransitions": [
                    {"NoncurrentDays": 365, "StorageClass": "GLACIER"}
                ],
                "NoncurrentVersionExpiration": {"NoncurrentDays": 1095},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
            }
        ]
    },
    "policies/scps/generatedguardrails.json": {
        "Version": V,
        "Statement": [
            {
                "Sid": "DenyLeaveOrganization",
                "Effect": "Deny",
                "Action": "organizations:LeaveOrganization",
                "Resource": "*",
            },
            {
                "Sid": "ProtectCloudTrail",
                "Effect": "Deny",
                "Action": [
                    "cloudtrail:DeleteTrail",
                    "cloudtrail:PutEventSelectors",
                    "cloudtrail:StopLogging",
                    "cloudtrail:UpdateTrail",
                ],
                "Resource": "*",
                "Condition": PRIVILEGED,
            },
            {
                "Sid": "ProtectConfig",
                "Effect": "Deny",
                "Action": [
                    "config:DeleteConfigRule",
                    "config:DeleteConfigurationAggregator",
                    "config:DeleteConfigurationRecorder",
                    "config:DeleteDeliveryChannel",
                    "config:DeleteRetentionConfiguration",
                    "config:PutConfigurationRecorder",
                    "config:PutDeliveryChannel",
                    "config:PutRetentionConfiguration",
                    "config:StopConfigurationRecorder",
                ],
                "Resource": "*",
                "Condition": PRIVILEGED,
            },
            {
                "Sid": "ProtectDetectiveControls",
                "Effect": "Deny",
                "Action": [
                    "access-analyzer:DeleteAnalyzer",
                    "ec2:DeleteFlowLogs",
                    "guardduty:DeleteDetector",
                    "guardduty:DisassociateFromAdministratorAccount",
                    "guardduty:UpdateDetector",
                    "securityhub:DisableSecurityHub",
                    "securityhub:DisassociateFromAdministratorAccount",
                ],
                "Resource": "*",
                "Condition": PRIVILEGED,
            },
            {
                "Sid": "ProtectAuditRoles",
                "Effect": "Deny",
                "Action": [
                    "iam:AttachRolePolicy",
                    "iam:DeleteRole",
                    "iam:DeleteRolePermissionsBoundary",
                    "iam:DeleteRolePolicy",
                    "iam:DetachRolePolicy",
                    "iam:PutRolePermissionsBoundary",
                    "iam:PutRolePolicy",
                    "iam:TagRole",
                    "iam:UntagRole",
                    "iam:UpdateAssumeRolePolicy",
                    "iam:UpdateRole",
                    "iam:UpdateRoleDescription",
                ],
                "Resource": ["arn:aws:iam::*:role/SecurityAudit"],
                "Condition": PRIVILEGED,
            },
            {
                "Sid": "ProtectLogBuckets",
                "Effect": "Deny",
                "Action": [
                    "s3:DeleteBucket",
                    "s3:DeleteBucketPolicy",
                    "s3:PutBucketAcl",
                    "s3:PutBucketLogging",
                    "s3:PutBucketObjectLockConfiguration",
                    "s3:PutBucketPolicy",
                    "s3:PutBucketPublicAccessBlock",
                    "s3:PutBucketVersioning",
                    "s3:PutEncryptionConfiguration",
                    "s3:PutLifecycleConfiguration",
                ],
                "Resource": [BUCKET],
                "Condition": PRIVILEGED,
            },
            {
                "Sid": "ProtectLogKeys",
                "Effect": "Deny",
                "Action": [
                    "kms:DisableKey",
                    "kms:DisableKeyRotation",
                    "kms:PutKeyPolicy",
                    "kms:ScheduleKeyDeletion",
                ],
                "Resource": ["arn:aws:kms:*:222222222222:key/*"],  # the keys of Log Archive
                "Condition": PRIVILEGED,
            },
            {
                # The exceptions above spare stacksets-exec-*: nobody else may create it.
                "Sid": "OnlyStackSetsCreatesItsRole",
                "Effect": "Deny",
                "Action": ["iam:CreateRole", "iam:UpdateAssumeRolePolicy"],
                "Resource": "arn:aws:iam::*:role/stacksets-exec-*",
                "Condition": {
                    "ArnNotLike": {
                        "aws:PrincipalArn": "arn:aws:iam::*:role/aws-service-role/"
                        "member.org.stacksets.cloudformation.amazonaws.com/*"
                    }
                },
            },
            {
                "Sid": "DenyRootUser",
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"ArnLike": {"aws:PrincipalARN": "arn:aws:iam::*:root"}},
            },
            {
                "Sid": "DenyExternalRamShares",
                "Effect": "Deny",
                "Action": ["ram:CreateResourceShare", "ram:UpdateResourceShare"],
                "Resource": "*",
                "Condition": {"Bool": {"ram:RequestedAllowsExternalPrincipals": "true"}},
            },
        ],
    },
    "policies/scps/attachments.json": {
        "Targets": [
            {
                "Type": "ROOT",
                "Name": "Root",
                "DesignId": Builder.id("org"),
                "Policies": ["FullAWSAccess", "GeneratedGuardrails"],
            },
            {
                "Type": "ORGANIZATIONAL_UNIT",
                "Name": "Security",
                "DesignId": Builder.id("Security"),
                "Policies": ["FullAWSAccess"],
            },
        ]
    },
}


def test_small_design_exports_the_hand_checked_documents(tmp_path: Path) -> None:
    files = export(small_builder().build(), tmp_path)
    assert set(files) == {*EXPECTED, "policies/notes.md", "manifest.json"}
    for path, expected in EXPECTED.items():
        assert files[path] == expected, path
    notes = files["policies/notes.md"]
    assert "None: every account, organization and Region is known." in notes
    assert "Role `Admin` in `Identity` (federated sign-in) has no permissions" in notes
    assert "`organization-trail`" in notes


def test_the_same_design_gives_the_same_bytes(tmp_path: Path) -> None:
    for name, design in [
        ("small", small_builder().build()),
        ("reference", load_template("reference-landing-zone")),
    ]:
        first = export_design(design, tmp_path / name / "1", ["policies"])
        second = export_design(design, tmp_path / name / "2", ["policies"])
        assert [f.path for f in first] == [f.path for f in second]
        for record in first:
            one = (tmp_path / name / "1" / record.path).read_bytes()
            assert one == (tmp_path / name / "2" / record.path).read_bytes(), record.path


# -- linters and invariants on every bundled template -------------------------------------------
@pytest.fixture(scope="module")
def template_exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every bundled template, and the design with scopes and outside principals."""
    out = tmp_path_factory.mktemp("templates")
    found = {name: export(load_template(name), out / name) for name in template_paths()}
    found["scoped"] = export(exporter_design(), out / "scoped")
    return found


def _parliament(document: dict[str, Any], ignore: tuple[str, ...] = ()) -> list[str]:
    """Findings of severity CRITICAL or HIGH. The community auditors judge only what a policy
    allows, so they run on documents with an Allow statement: on a Deny-only SCP they find
    nothing, yet expand every action of a "*" (seconds per document)."""
    parliament.override_config(COMMUNITY_CONFIG)
    allows = any(s.get("Effect") == "Allow" for s in document.get("Statement", []))
    policy = parliament.analyze_policy_string(
        json.dumps(document), include_community_auditors=allows
    )
    found = []
    for finding in policy.findings:
        parliament.enhance_finding(finding)
        if finding.issue not in ignore and finding.severity in BLOCKING:
            found.append(f"{finding.severity} {finding.issue} {finding.detail}")
    return found


def _lintable(path: str, kind: str, document: dict[str, Any], data: Any) -> dict[str, Any]:
    """Trust policies get the role ARN as Resource (parliament needs one; documented workaround)."""
    if kind != "trust":
        return document
    linted = copy.deepcopy(document)
    for statement in linted["Statement"]:
        statement["Resource"] = f"arn:aws:iam::{data['Account']}:role/{data['RoleName']}"
    return linted


def test_parliament_finds_no_error_or_high_issue_in_any_template(
    template_exports: dict[str, dict[str, Any]],
) -> None:
    seen: set[str] = set()
    problems: list[str] = []
    kinds: set[str] = set()
    for name, files in template_exports.items():
        for path, kind, document in documents(files):
            linted = _lintable(path, kind, document, files[path])
            text = json.dumps(linted, sort_keys=True)
            if text in seen:
                continue
            seen.add(text)
            kinds.add(kind)
            ignore = ("CREDENTIALS_EXPOSURE",) if kind == "trust" else ()
            problems += [f"{name}/{path}: {p}" for p in _parliament(linted, ignore)]
    assert not problems, problems
    assert kinds == {"trust", "inline", "policy"}  # every kind of document was linted


def test_parliament_does_report_a_broken_policy() -> None:
    broken = {"Version": V, "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}
    assert any("MALFORMED" in p for p in _parliament(broken))


def _wildcard(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and any(
        v == "*" or (isinstance(v, list) and "*" in v) for v in principal.values()
    )


# kms:CallerAccount: a key policy's Principal "*" bound to one account (the CloudTrail User
# Guide's decrypt statements), narrower than an organization.
ORGANIZATION_KEYS = ("aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "kms:CallerAccount")


def organization_bound(statement: dict[str, Any]) -> bool:
    """The statement admits principals of one organization (or OU path) only."""
    return any(
        key in ORGANIZATION_KEYS and value not in ("", "*", ["*"])
        for operator in statement.get("Condition", {}).values()
        for key, value in operator.items()
    )


def assert_no_one_else(path: str, statement: dict[str, Any]) -> None:
    """Principal "*" only in the SSL-only Deny (under its condition), or in an Allow bound to
    an organization or OU path (a trust of an OU, the organization or a partner)."""
    if not _wildcard(statement.get("Principal")):
        return
    if statement["Effect"] == "Deny":
        assert statement["Condition"], path
    else:
        assert organization_bound(statement), f"{path}: {statement}"


def test_no_policy_lets_everyone_in(
    template_exports: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    every = {
        **template_exports,
        "small": export(small_builder().build(), tmp_path / "small"),
        "scoped": export(exporter_design(), tmp_path / "scoped"),
    }
    checked = wildcards = 0
    for files in every.values():
        for path, _, document in documents(files):
            for statement in document["Statement"]:
                checked += 1
                wildcards += _wildcard(statement.get("Principal"))
                assert_no_one_else(path, statement)
                if statement["Effect"] == "Allow" and "*" in _as_list(statement.get("Action")):
                    raise AssertionError(f"{path}: Allow of every action")
    assert checked > 100
    assert wildcards > 10  # the SSL-only denies, and the scoped and partner trusts


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_every_scp_fits_the_quotas(template_exports: dict[str, dict[str, Any]]) -> None:
    for files in template_exports.values():
        for path, data in files.items():
            if "/scps/" in path and not path.endswith("attachments.json"):
                assert len(json.dumps(data, separators=(",", ":"))) <= 5120, path
        targets = files["policies/scps/attachments.json"]["Targets"]
        assert all(len(t["Policies"]) <= 5 for t in targets)
        assert all(t["Policies"].count("FullAWSAccess") == 1 for t in targets)


def test_root_scps_that_already_give_the_guardrails_are_not_repeated(
    template_exports: dict[str, dict[str, Any]],
) -> None:
    files = template_exports["reference-landing-zone"]
    assert not [p for p in files if "generated" in p]
    root = files["policies/scps/attachments.json"]["Targets"][0]
    assert root["Policies"] == [
        "FullAWSAccess",
        "OrganizationGuardrails",
        "ProtectSecurityServices",
        "DenyRootUser",
        "RegionRestriction",
    ]


def _with_generated_scps(design: Any) -> Any:
    """The design with the exported SCPs it lacked attached at the root."""
    generated = [s for s in build_policies(design).scps if s.generated]
    design = design.model_copy(deep=True)
    ids = [stable_id("tests", f"generated-{n}") for n in range(len(generated))]
    for policy_id, scp in zip(ids, generated, strict=True):
        policy = ServiceControlPolicy(id=policy_id, name=scp.name, document=scp.document)
        design.service_control_policies.append(policy)
    org = design.organization
    root = [*org.root_scps, *ids]
    design.organization = org.model_copy(update={"root_scps": root})
    return design


@pytest.mark.parametrize("name", ["logging", "information-security", "identity", "central-it"])
def test_generated_guardrails_satisfy_the_scp_rules(name: str) -> None:
    all_rules()
    design = load_template(name)
    before = validate(design, rules=[REGISTRY[r] for r in SCP_RULES]).findings
    assert before  # the template has no SCPs: the rules have something to say
    after = validate(_with_generated_scps(design), rules=[REGISTRY[r] for r in SCP_RULES])
    assert not after.findings, [f.message for f in after.findings]


def test_region_restriction_follows_the_usage_policy() -> None:
    design = small_builder().build()
    design.usage_policy = UsagePolicy(allowed_regions=["eu-west-1", "eu-central-1"])
    statements = build_policies(design).scps[0].document["Statement"]
    region = next(s for s in statements if s["Sid"] == "DenyOutsideAllowedRegions")
    assert plain(region) == {
        "Sid": "DenyOutsideAllowedRegions",
        "Effect": "Deny",
        "NotAction": GLOBAL_SERVICES,
        "Resource": "*",
        "Condition": {
            "StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]},
            **PRIVILEGED,
        },
    }
    all_rules()
    found = validate(_with_generated_scps(design), rules=[REGISTRY["SCP-05"]]).findings
    assert not found


# -- quotas -------------------------------------------------------------------------------------
def test_many_audit_roles_are_split_over_several_scps() -> None:
    b = small_builder()
    for n in range(300):
        b.trust("Security Tooling", "Prod", "read-only", role_name=f"AuditRoleNumber{n:03d}")
    design = b.build()
    generated = [s for s in build_policies(design).scps if s.generated]
    assert len(generated) > 1
    assert [s.name for s in generated][:2] == ["GeneratedGuardrails", "GeneratedGuardrails-2"]
    # As deployed, in the partition with the longest name (the export fills the token in).
    deployed = [plain(s.document, "aws-us-gov") for s in generated]
    assert all(len(json.dumps(d, separators=(",", ":"))) <= 5120 for d in deployed)
    assert len(build_policies(design).attachments[0].policies) <= 5  # FullAWSAccess included
    protected = {
        r
        for s in generated
        for st in s.document["Statement"]
        if st["Sid"].startswith("ProtectAuditRoles")
        for r in st["Resource"]
    }
    assert len(protected) == 301  # SecurityAudit and the 300 others, each once
    all_rules()
    found = validate(_with_generated_scps(design), rules=[REGISTRY["SCP-08"]]).findings
    assert not found


def _deny_doc(action: str) -> dict[str, Any]:
    return {"Version": V, "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}]}


def test_guardrails_that_cannot_fit_at_the_root_are_a_clear_error() -> None:
    b = small_builder()
    for n in range(4):
        b.scp(f"Custom{n}", _deny_doc(f"s3:DeleteBucket{n}"))
    b.attach_root(*(f"Custom{n}" for n in range(4)))
    with pytest.raises(DesignError) as caught:
        build_policies(b.build())
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("the root would have 6 SCPs attached with the generated guardrails")
    assert "FullAWSAccess" in message


def test_an_ou_over_the_quota_is_named() -> None:
    b = small_builder()
    names = [f"Custom{n}" for n in range(5)]
    for name in names:
        b.scp(name, _deny_doc("s3:DeleteBucket"))
    b.ou("Workloads", scps=tuple(names))
    with pytest.raises(DesignError, match=r"^OU 'Workloads' would have 6 SCPs attached"):
        build_policies(b.build())


def test_an_scp_of_the_design_over_the_size_quota_is_named() -> None:
    b = small_builder()
    actions = [f"s3:DeleteBucketNumber{n:04d}" for n in range(300)]
    b.scp("Huge", {"Version": V, "Statement": [{"Effect": "Deny", "Action": actions}]})
    with pytest.raises(DesignError, match=r"^SCP 'Huge' is [0-9,]+ characters long, over"):
        build_policies(b.build())


def test_a_placeholder_scp_receives_the_generated_guardrails() -> None:
    b = small_builder()
    b.scp("FullAWSAccess", aws_managed=True)
    b.scp("Baseline")  # no document: the exporter generates it
    b.attach_root("FullAWSAccess", "Baseline")
    policies = build_policies(b.build())
    assert [s.name for s in policies.scps] == ["Baseline"]
    assert policies.scps[0].generated
    assert policies.attachments[0].policies == ["FullAWSAccess", "Baseline"]


# -- other shapes -------------------------------------------------------------------------------
def test_service_admin_uses_managed_policies_where_they_exist_and_inline_otherwise() -> None:
    b = small_builder()
    b.trust("Identity", "Prod", "service-admin", role_name="Ops", services=["ec2", "config"])
    b.trust("Identity", "Prod", "service-admin", role_name="Ops", services=["route53", "logs"])
    role = next(r for r in build_policies(b.build()).roles if r.name == "Ops")
    assert plain(role.managed) == [
        "arn:aws:iam::aws:policy/AmazonEC2FullAccess",
        "arn:aws:iam::aws:policy/AmazonRoute53FullAccess",
        "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
    ]
    document = role.inline[0]["PolicyDocument"]
    assert document["Statement"][0]["Action"] == ["config:*"]
    assert len(role.trust) == 1  # the same principal twice is one statement


def test_planned_accounts_oidc_and_identity_center(tmp_path: Path) -> None:
    b = small_builder()
    b.account("Planned", "workload")
    b.idp("GitHub", "oidc", metadata_url="https://token.actions.githubusercontent.com/")
    b.idp("Center", "identity-center")
    b.federation("GitHub", "Planned", "oidc", mapped_roles=["Deploy"])
    b.federation("Center", "Identity", "identity-center", permission_sets=["Admin"])
    b.trust("Identity", "Planned", "administrator", role_name="Admin", require_mfa=True)
    files = export(b.build(), tmp_path)
    deploy = files["policies/roles/planned/deploy.json"]
    issuer = "token.actions.githubusercontent.com"
    assert deploy["Account"] == "${AccountId:Planned}"
    assert deploy["TrustPolicy"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {
                "Federated": f"arn:aws:iam::${{AccountId:Planned}}:oidc-provider/{issuer}"
            },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{issuer}:aud": "${OidcAudience:GitHub}"}},
        }
    ]
    admin = files["policies/roles/planned/admin.json"]
    assert admin["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    notes = files["policies/notes.md"]
    assert "- `${AccountId:Planned}`: the 12-digit AWS account id of planned account" in notes
    assert "- `${OidcAudience:GitHub}`" in notes
    assert "IAM Identity Center `Center` signs users in to account `Identity`" in notes


# -- hostile names ------------------------------------------------------------------------------
HOSTILE = ["../../etc/passwd", "<script>alert(1)</script>", "Prod ✓ Ünïcødé 账户", "a\nb"]
SAFE_SEGMENT = re.compile(r"^[a-z0-9_][a-z0-9_.-]*$")


def test_hostile_names_give_safe_paths_inside_the_folder(tmp_path: Path) -> None:
    b = small_builder()
    for n, name in enumerate(HOSTILE):
        b.account(name, "workload", aws_account_id=f"77777777777{n}")
        b.trust("Security Tooling", name, "security-audit", role_name="SecurityAudit")
        b.scp(f"{name} SCP", _deny_doc("s3:DeleteBucket"))
    b.idp("../../saml <evil>", "saml")
    b.federation("../../saml <evil>", "Identity", "saml", mapped_roles=["Evil"])
    out = tmp_path / "out"
    files = export(b.build(), out)
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert written == set(files)
    for path in files:
        assert (out / path).resolve().is_relative_to(out.resolve())
        assert all(SAFE_SEGMENT.match(part) for part in path.split("/")), path
    evil = files["policies/roles/identity/evil.json"]["TrustPolicy"]["Statement"][0]
    assert evil["Principal"]["Federated"] == "arn:aws:iam::444444444444:saml-provider/saml-evil"
    notes = files["policies/notes.md"]
    assert not any(line.startswith("b") for line in notes.splitlines())  # "a\nb" stays one line
