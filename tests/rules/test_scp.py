"""SCP-* rules: each with a design that triggers it and one that does not."""

from __future__ import annotations

from typing import Any

from designer.model import OrganizationalUnit
from designer.rules import Severity
from designer.rules.registry import all_rules
from tests.rules.builder import Builder, messages, run_rule

SCP_RULES = [r.id for r in all_rules() if r.id.startswith("SCP-")]
EXCEPTION = {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/Admin"}}
CLOUDTRAIL = [
    "cloudtrail:DeleteTrail",
    "cloudtrail:StopLogging",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
]


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny(actions: str | list[str], **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": actions, "Resource": "*", **extra}


def org_with_workloads(workloads_scps: tuple[str, ...] = ()) -> Builder:
    """Management at the root; 'Prod' and 'Dev' in OU Workloads; 'Logs' in OU Security."""
    b = Builder()
    b.ou("Workloads", scps=workloads_scps)
    b.ou("Security")
    b.account("Prod", parent="Workloads")
    b.account("Dev", parent="Workloads")
    b.account("Logs", "log-archive", parent="Security")
    return b


def test_every_scp_rule_copes_with_odd_designs() -> None:
    empty = Builder(management=False).build()
    lonely = Builder().build()  # only the management account: nothing for an SCP to protect
    for rule_id in SCP_RULES:
        assert messages(empty, rule_id) == []
        assert messages(lonely, rule_id) == []
    cyclic = Builder()
    cyclic.account("Prod", parent="A")
    cyclic.design.organizational_units += [
        OrganizationalUnit(id=cyclic.id("A"), name="A", parent=cyclic.id("B")),
        OrganizationalUnit(id=cyclic.id("B"), name="B", parent=cyclic.id("A")),
    ]
    cyclic.design.accounts[0] = cyclic.design.accounts[0].model_copy(
        update={"parent": cyclic.id("B")}  # the management account
    )
    for rule_id in SCP_RULES:
        run_rule(cyclic.design, rule_id)  # no exception, no ENGINE finding


def test_leave_organization_missing_everywhere() -> None:
    b = org_with_workloads()
    b.scp("Baseline")  # document generated later: protects nothing yet
    b.attach_root("Baseline")
    found = run_rule(b.build(), "SCP-01")
    assert [f.message for f in found] == [
        "no SCP in force denies organizations:LeaveOrganization for any member account"
    ]
    assert found[0].subjects == (b.id("org"),)


def test_leave_organization_missing_in_some_accounts() -> None:
    b = org_with_workloads()
    b.scp("DenyLeave", doc(deny("organizations:LeaveOrganization")))
    b.ou("Workloads/Prod", parent="Workloads", scps=("DenyLeave",))
    b.account("Live", parent="Workloads/Prod")
    found = run_rule(b.build(), "SCP-01")
    assert [f.message for f in found] == [
        "no SCP in force denies organizations:LeaveOrganization in member accounts "
        "'Prod', 'Dev', 'Logs'"
    ]
    assert found[0].subjects == (b.id("Prod"), b.id("Dev"), b.id("Logs"))


def test_leave_organization_denied_at_root() -> None:
    b = org_with_workloads()
    b.scp("FullAWSAccess", aws_managed=True)
    b.scp("DenyLeave", doc(deny(["organizations:Leave*"])))
    b.attach_root("FullAWSAccess", "DenyLeave")
    assert messages(b.build(), "SCP-01") == []
    # Attached to the account itself also counts.
    one = Builder()
    one.scp("DenyLeave", doc(deny("organizations:*")))
    one.account("Prod", scps=["DenyLeave"])
    assert messages(one.build(), "SCP-01") == []


def test_scoped_denies_are_not_protections() -> None:
    """A region restriction's NotAction list and a root-only Deny protect nothing else."""
    b = org_with_workloads()
    region = {
        "Effect": "Deny",
        "NotAction": ["iam:*", "sts:*"],
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
    }
    root = deny("*", Condition={"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}})
    b.scp("Guardrails", doc(region, root))
    b.attach_root("Guardrails")
    assert messages(b.build(), "SCP-01") == [
        "no SCP in force denies organizations:LeaveOrganization for any member account"
    ]


def test_cloudtrail_protection_missing_or_partial() -> None:
    b = org_with_workloads()
    b.scp("StopOnly", doc(deny("cloudtrail:StopLogging", Condition=EXCEPTION)))
    b.scp("Rest", doc(deny(CLOUDTRAIL[:1] + CLOUDTRAIL[2:], Condition=EXCEPTION)))
    b.ou("Workloads/Prod", parent="Workloads", scps=("StopOnly", "Rest"))
    b.account("Live", parent="Workloads/Prod")
    b.account("Web", parent="Workloads", scps=["StopOnly"])
    assert messages(b.build(), "SCP-02") == [
        "the SCPs in force do not deny all of cloudtrail:DeleteTrail, cloudtrail:StopLogging, "
        "cloudtrail:UpdateTrail, cloudtrail:PutEventSelectors in member accounts "
        "'Prod', 'Dev', 'Logs', 'Web'"
    ]


def test_cloudtrail_protection_needs_privileged_role_exception() -> None:
    b = org_with_workloads()
    b.scp("ProtectTrail", doc(deny("cloudtrail:*")))
    b.scp("Quarantine", doc(deny("*")))
    b.ou("Suspended", scps=("Quarantine",))
    b.account("Gone", parent="Suspended")
    b.attach_root("ProtectTrail")
    found = run_rule(b.build(), "SCP-02")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.MEDIUM,
            "SCP 'ProtectTrail' denies CloudTrail changes with no exception for a privileged "
            "role (no aws:PrincipalArn condition)",
        )
    ]
    assert found[0].subjects == (b.id("ProtectTrail"),)
    good = org_with_workloads()
    good.scp("ProtectTrail", doc(deny(CLOUDTRAIL, Condition=EXCEPTION)))
    good.attach_root("ProtectTrail")
    assert messages(good.build(), "SCP-02") == []


OLD_CONFIG_SUBSET = [
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "config:DeleteConfigurationAggregator",
]


def test_config_protection() -> None:
    b = org_with_workloads()
    b.scp("Partial", doc(deny(["config:StopConfigurationRecorder"])))
    b.attach_root("Partial")
    assert messages(b.build(), "SCP-03") == [
        "no SCP in force denies config:DeleteConfigurationRecorder, "
        "config:DeleteDeliveryChannel, config:DeleteConfigurationAggregator, "
        "config:PutConfigurationRecorder, config:PutDeliveryChannel, "
        "config:PutRetentionConfiguration, config:DeleteRetentionConfiguration, "
        "config:DeleteConfigRule in member accounts 'Prod', 'Dev', 'Logs'"
    ]
    good = org_with_workloads()
    wildcards = ["config:Stop*", "config:Delete*", "config:Put*"]
    good.scp("Config", doc(deny(wildcards, Condition=EXCEPTION)))
    good.attach_root("Config")
    assert messages(good.build(), "SCP-03") == []
    everything = org_with_workloads()
    everything.scp("Config", doc(deny("config:*", Condition=EXCEPTION)))
    everything.attach_root("Config")
    assert messages(everything.build(), "SCP-03") == []


def test_config_protection_of_the_old_subset_misses_the_recorder_and_channel_changes() -> None:
    """Stop and Delete alone leave PutConfigurationRecorder (record nothing), PutDeliveryChannel
    (deliver elsewhere), the retention and the rules open."""
    b = org_with_workloads()
    b.scp("ProtectConfig", doc(deny(OLD_CONFIG_SUBSET, Condition=EXCEPTION)))
    b.attach_root("ProtectConfig")
    assert messages(b.build(), "SCP-03") == [
        "no SCP in force denies config:PutConfigurationRecorder, config:PutDeliveryChannel, "
        "config:PutRetentionConfiguration, config:DeleteRetentionConfiguration, "
        "config:DeleteConfigRule in member accounts 'Prod', 'Dev', 'Logs'"
    ]


def test_detective_controls_protection() -> None:
    b = org_with_workloads()
    b.scp("Detect", doc(deny(["ec2:DeleteFlowLogs", "guardduty:DeleteDetector"])))
    b.attach_root("Detect")
    assert messages(b.build(), "SCP-04") == [
        "no SCP in force denies access-analyzer:DeleteAnalyzer, "
        "guardduty:DisassociateFromAdministratorAccount, guardduty:UpdateDetector, "
        "securityhub:DisableSecurityHub, securityhub:DisassociateFromAdministratorAccount "
        "in member accounts 'Prod', 'Dev', 'Logs'"
    ]
    good = org_with_workloads()
    old_names = [
        "ec2:DeleteFlowLogs",
        "guardduty:DeleteDetector",
        "guardduty:UpdateDetector",
        "guardduty:DisassociateFromMasterAccount",  # the older name counts as well
        "securityhub:DisableSecurityHub",
        "securityhub:DisassociateFromMasterAccount",
        "access-analyzer:DeleteAnalyzer",
    ]
    good.scp("Detect", doc(deny(old_names)))
    good.attach_root("Detect")
    assert messages(good.build(), "SCP-04") == []


def region_deny(*regions: str) -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "NotAction": ["iam:*", "organizations:*", "sts:*"],
        "Resource": "*",
        "Condition": {
            "StringNotEquals": {"aws:RequestedRegion": list(regions)},
            **EXCEPTION,
        },
    }


def with_regions(b: Builder, *regions: str) -> Builder:
    b.design.usage_policy = b.design.usage_policy.model_copy(
        update={"allowed_regions": list(regions)}
    )
    return b


def test_region_restriction_missing_and_different() -> None:
    b = with_regions(org_with_workloads(("Regions",)), "eu-west-1", "eu-central-1")
    b.scp("Regions", doc(region_deny("eu-west-1", "us-east-1")))
    b.scp("Unused", doc(region_deny("ap-south-1")))  # attached nowhere: not compared
    found = run_rule(b.build(), "SCP-05")
    assert [f.message for f in found] == [
        "no SCP in force denies requests outside the allowed Regions (aws:RequestedRegion) in "
        "member account 'Logs'",
        "region-restriction SCP 'Regions' allows us-east-1, which the usage policy does not list "
        "and denies eu-central-1, which the usage policy allows",
    ]
    assert found[0].subjects == (b.id("Logs"),)


def test_region_restriction_in_force() -> None:
    b = with_regions(org_with_workloads(), "eu-west-1", "eu-central-1")
    b.scp("Regions", doc(region_deny("eu-central-1", "eu-west-1")))
    b.attach_root("Regions")
    assert messages(b.build(), "SCP-05") == []
    # A quarantined account cannot use any Region; no usage policy Regions: nothing to enforce.
    q = with_regions(Builder(), "eu-west-1")
    q.scp("Quarantine", doc(deny("*")))
    q.account("Gone", scps=["Quarantine"])
    assert messages(q.build(), "SCP-05") == []
    assert messages(org_with_workloads().build(), "SCP-05") == []


def test_root_user_restriction() -> None:
    root = deny("*", Condition={"ArnLike": {"aws:PrincipalARN": ["arn:aws:iam::*:root"]}})
    b = org_with_workloads(("DenyRoot",))
    b.scp("DenyRoot", doc(root))
    assert messages(b.build(), "SCP-06") == [
        "no SCP in force denies actions of the root user (aws:PrincipalArn "
        "arn:aws:iam::*:root) in member account 'Logs'"
    ]
    good = org_with_workloads()
    good.scp("DenyRoot", doc(root))
    good.attach_root("DenyRoot")
    assert messages(good.build(), "SCP-06") == []


def test_management_account_not_restricted_by_scps() -> None:
    b = Builder()
    b.scp("FullAWSAccess", aws_managed=True)
    b.scp("DenyLeave", doc(deny("organizations:LeaveOrganization")))
    b.scp("Regions", doc(region_deny("eu-west-1")))
    b.ou("Core", scps=("Regions",))
    b.design.accounts[0] = b.design.accounts[0].model_copy(
        update={"scps": [b.id("FullAWSAccess"), b.id("DenyLeave")], "parent": b.id("Core")}
    )
    found = run_rule(b.build(), "SCP-07")
    assert [f.message for f in found] == [
        "management account 'Management' has SCP 'DenyLeave' attached, but SCPs do not restrict "
        "the management account",
        "management account 'Management' sits in OU 'Core', which carries SCP 'Regions', but "
        "SCPs do not restrict the management account",
    ]
    assert found[1].subjects == (b.id("Management"), b.id("Core"), b.id("Regions"))
    good = Builder()
    good.scp("FullAWSAccess", aws_managed=True)
    good.scp("DenyLeave", doc(deny("organizations:LeaveOrganization")))
    good.attach_root("FullAWSAccess", "DenyLeave")  # root SCPs bind the members only
    good.design.accounts[0] = good.design.accounts[0].model_copy(
        update={"scps": [good.id("FullAWSAccess")]}
    )
    assert messages(good.build(), "SCP-07") == []


OLD_ROLE_CHANGES = [
    "iam:AttachRolePolicy",
    "iam:DeleteRole",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
]
ROLE_CHANGES = [
    *OLD_ROLE_CHANGES,
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:UpdateRoleDescription",
    "iam:TagRole",
    "iam:UntagRole",
]


def protect_roles(*names: str, actions: list[str] = ROLE_CHANGES) -> dict[str, Any]:
    return deny(
        actions,
        Resource=[f"arn:aws:iam::*:role/{n}" for n in names],
        Condition=EXCEPTION,
    )


def test_security_roles_unprotected() -> None:
    b = org_with_workloads()
    b.account("Audit", "security-tooling", parent="Security")
    b.account("Tools", "central-it", parent="Workloads")
    audit_prod = b.trust("Audit", "Prod", "security-audit", role_name="SecurityAudit")
    audit_dev = b.trust("Audit", "Dev", "security-audit", role_name="SecurityAudit")
    b.trust("Audit", "Management", "security-audit", role_name="SecurityAudit")
    b.trust("Audit", "Logs", "read-only", role_name="ReadOnly")
    b.trust("Tools", "Prod", "read-only", role_name="ToolsReadOnly")  # not a security role
    b.trust("Audit", "Dev", "administrator", role_name="Admin")  # not an audit role
    org_access = b.trust(
        "Management", "Dev", "administrator", role_name="OrganizationAccountAccessRole"
    )
    b.scp("ProtectRoles", doc(protect_roles("ReadOnly")))
    b.attach_root("ProtectRoles")
    found = run_rule(b.build(), "SCP-08")
    every = ", ".join(sorted(ROLE_CHANGES))
    assert [f.message for f in found] == [
        f"no SCP in force denies any role-changing action ({every}) on role "
        "'OrganizationAccountAccessRole' in member account 'Dev'",
        f"no SCP in force denies any role-changing action ({every}) on role "
        "'SecurityAudit' in member accounts 'Prod', 'Dev'",
    ]
    assert found[0].subjects == (org_access,)
    assert found[1].subjects == (audit_prod, audit_dev)


def test_security_roles_protected() -> None:
    b = org_with_workloads(("ProtectAccess",))
    b.account("Audit", "security-tooling", parent="Security")
    b.trust("Audit", "Prod", "security-audit", role_name="SecurityAudit")
    b.trust("Audit", "Logs", "read-only", role_name="SecurityReadOnly")
    b.trust("Management", "Dev", "administrator", role_name="OrganizationAccountAccessRole")
    b.scp("ProtectRoles", doc(protect_roles("Security*")))
    b.scp("ProtectAccess", doc(deny("iam:*", Resource="arn:aws:iam::*:role/Organization*")))
    b.attach_root("ProtectRoles")
    assert messages(b.build(), "SCP-08") == []


def test_security_roles_protected_without_the_boundary_actions_are_reported() -> None:
    """The role-changing set of before (trust, policies, UpdateRole) left the permissions
    boundary, the description and the tags open."""
    b = org_with_workloads()
    b.account("Audit", "security-tooling", parent="Security")
    rel = b.trust("Audit", "Prod", "security-audit", role_name="SecurityAudit")
    b.scp("ProtectRoles", doc(protect_roles("SecurityAudit", actions=OLD_ROLE_CHANGES)))
    b.attach_root("ProtectRoles")
    found = run_rule(b.build(), "SCP-08")
    assert [f.message for f in found] == [
        "no SCP in force denies iam:DeleteRolePermissionsBoundary, "
        "iam:PutRolePermissionsBoundary, iam:TagRole, iam:UntagRole, iam:UpdateRoleDescription "
        "on role 'SecurityAudit' in member account 'Prod'"
    ]
    assert found[0].subjects == (rel,)


def test_scps_written_for_another_partition_still_protect() -> None:
    """ARN patterns name the partition the design is deployed to: aws-us-gov, aws-cn or the
    CloudFormation token; the rules read them all."""
    for partition in ("aws-us-gov", "aws-cn", "${AWS::Partition}"):
        b = org_with_workloads()
        b.account("Audit", "security-tooling", parent="Security")
        b.trust("Audit", "Prod", "security-audit", role_name="SecurityAudit")
        spare = {"ArnNotLike": {"aws:PrincipalARN": f"arn:{partition}:iam::*:role/Admin"}}
        roles = deny(ROLE_CHANGES, Resource=f"arn:{partition}:iam::*:role/SecurityAudit")
        root = {"ArnLike": {"aws:PrincipalARN": f"arn:{partition}:iam::*:root"}}
        b.scp(
            "Guardrails",
            doc(
                {**roles, "Condition": spare},
                deny(CLOUDTRAIL, Condition=spare),
                deny("*", Condition=root),
            ),
        )
        b.attach_root("Guardrails")
        design = b.build()
        assert messages(design, "SCP-08") == [], partition
        assert messages(design, "SCP-06") == [], partition
        assert messages(design, "SCP-02") == [], partition  # the exception is an exception
        # A pattern sparing every role is no exception, whatever the partition.
        everyone = {"ArnNotLike": {"aws:PrincipalARN": f"arn:{partition}:iam::*:role/*"}}
        b.design.service_control_policies[0] = b.design.service_control_policies[0].model_copy(
            update={"document": doc(deny(CLOUDTRAIL, Condition=everyone))}
        )
        assert messages(b.build(), "SCP-02") != [], partition


def test_external_ram_shares() -> None:
    b = org_with_workloads()
    inverted = {"Bool": {"ram:RequestedAllowsExternalPrincipals": "false"}}
    b.scp("Inverted", doc(deny("ram:CreateResourceShare", Condition=inverted)))
    b.attach_root("Inverted")
    assert messages(b.build(), "SCP-09") == [
        "no SCP in force denies ram:CreateResourceShare with a "
        "ram:RequestedAllowsExternalPrincipals condition for any member account"
    ]
    good = org_with_workloads()
    external = {"Bool": {"ram:RequestedAllowsExternalPrincipals": "true"}}
    good.scp("NoExternal", doc(deny(["ram:CreateResourceShare"], Condition=external)))
    good.attach_root("NoExternal")
    assert messages(good.build(), "SCP-09") == []
    no_sharing = org_with_workloads()
    no_sharing.scp("NoSharing", doc(deny("ram:*")))
    no_sharing.attach_root("NoSharing")
    assert messages(no_sharing.build(), "SCP-09") == []


NARROWING_CONDITIONS = {
    "outside-org principals only": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc1234567"}},
    "sessions without MFA only": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    "spares every role": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
    "one Region only": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
}


def test_a_narrowed_deny_is_not_a_protection() -> None:
    for label, condition in NARROWING_CONDITIONS.items():
        b = org_with_workloads()
        b.scp("Narrow", doc(deny("organizations:LeaveOrganization", Condition=condition)))
        b.attach_root("Narrow")
        assert messages(b.build(), "SCP-01"), label
    b = org_with_workloads()
    b.scp("Elsewhere", doc({"Effect": "Deny", "Action": CLOUDTRAIL, "NotResource": "arn:x"}))
    b.attach_root("Elsewhere")
    assert messages(b.build(), "SCP-02")
    tag_exception = {"StringNotEquals": {"aws:PrincipalTag/team": "platform"}}
    good = org_with_workloads()
    good.scp("Trail", doc(deny(CLOUDTRAIL, Condition=tag_exception)))
    good.attach_root("Trail")
    assert messages(good.build(), "SCP-02") == []  # a tag exception is a privileged exception


def test_root_restriction_needs_all_actions_and_accepts_arn_equals() -> None:
    root = "arn:aws:iam::*:root"
    b = org_with_workloads()
    b.scp("Partial", doc(deny("s3:GetObject", Condition={"ArnLike": {"aws:PrincipalArn": root}})))
    b.attach_root("Partial")
    assert messages(b.build(), "SCP-06")
    good = org_with_workloads()
    good.scp("Root", doc(deny("*", Condition={"ArnEquals": {"aws:PrincipalArn": root}})))
    good.attach_root("Root")
    assert messages(good.build(), "SCP-06") == []


def test_statements_that_look_like_protections_but_are_not() -> None:
    root = {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}
    fakes = {
        "SCP-06": [
            {"Effect": "Deny", "NotAction": "*", "Resource": "*", "Condition": root},
            {"Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::one", "Condition": root},
            deny("*", Condition={**root, "StringEquals": {"aws:RequestedRegion": "us-east-1"}}),
        ],
        "SCP-09": [
            deny(
                "ram:UpdateResourceShare",
                Condition={"Bool": {"ram:RequestedAllowsExternalPrincipals": "true"}},
            ),
            deny(
                "ram:CreateResourceShare",
                Condition={
                    "Bool": {
                        "ram:RequestedAllowsExternalPrincipals": "true",
                        "aws:RequestTag/env": "dev",
                    }
                },
            ),
        ],
        "SCP-01": [
            deny("organizations:LeaveOrganization", Condition=["not", "a", "dict"]),
            deny(
                "organizations:LeaveOrganization",
                Condition={"StringNotLike": {"aws:PrincipalTag/team": "*"}},
            ),
            deny(
                "organizations:LeaveOrganization",
                Condition={
                    "ArnNotLike": {
                        "aws:PrincipalArn": "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*"
                    }
                },
            ),
        ],
        "SCP-05": [
            deny(
                "ec2:RunInstances",
                Condition={"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
            )
        ],
    }
    for rule_id, statements in fakes.items():
        for n, statement in enumerate(statements):
            b = org_with_workloads()
            b.design.usage_policy = b.design.usage_policy.model_copy(
                update={"allowed_regions": ["eu-west-1"]}
            )
            b.scp("Fake", doc(statement))
            b.attach_root("Fake")
            assert messages(b.build(), rule_id), (rule_id, n)


LOG_BUCKET_CHANGES = [
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
]
LOG_KEY_CHANGES = [
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
]


def with_log_bucket(b: Builder, **fields: Any) -> str:
    b.design.accounts = [
        a.model_copy(update={"aws_account_id": "111122223333"}) if a.name == "Logs" else a
        for a in b.design.accounts
    ]
    return b.bucket("org-logs", "Logs", kms_key="alias/logs", **fields)


def test_log_archive_without_protection() -> None:
    """Nothing stops an administrator of Log Archive from deleting the key or the bucket."""
    b = org_with_workloads()
    bucket = with_log_bucket(b)
    found = run_rule(b.build(), "SCP-10")
    assert [f.message for f in found] == [
        f"no SCP in force denies {', '.join(LOG_BUCKET_CHANGES)} on log bucket 'org-logs' and "
        f"{', '.join(LOG_KEY_CHANGES)} on its KMS key in account 'Logs'"
    ]
    assert found[0].subjects == (bucket, b.id("Logs"))
    assert found[0].severity == Severity.HIGH


def test_log_archive_partly_protected() -> None:
    b = org_with_workloads()
    with_log_bucket(b)
    bucket_only = deny(["s3:DeleteBucket", "s3:PutBucketPolicy"], Resource="arn:aws:s3:::org-logs")
    keys = deny(LOG_KEY_CHANGES, Resource="arn:aws:kms:*:111122223333:key/*", Condition=EXCEPTION)
    other_bucket = deny(LOG_BUCKET_CHANGES, Resource="arn:aws:s3:::someone-elses-logs")
    b.scp("Partial", doc(bucket_only, keys, other_bucket))
    b.design.organizational_units = [  # on the Security OU, where Log Archive sits
        u.model_copy(update={"scps": [b.id("Partial")]}) if u.name == "Security" else u
        for u in b.design.organizational_units
    ]
    others = [c for c in LOG_BUCKET_CHANGES if c not in ("s3:DeleteBucket", "s3:PutBucketPolicy")]
    assert messages(b.build(), "SCP-10") == [
        f"no SCP in force denies {', '.join(others)} on log bucket 'org-logs' in account 'Logs'"
    ]


def test_log_archive_protected() -> None:
    for partition in ("aws", "aws-us-gov", "${AWS::Partition}"):
        b = org_with_workloads()
        with_log_bucket(b)
        buckets = deny(
            LOG_BUCKET_CHANGES, Resource=f"arn:{partition}:s3:::org-*", Condition=EXCEPTION
        )
        keys = deny(LOG_KEY_CHANGES, Resource=f"arn:{partition}:kms:*:*:key/*", Condition=EXCEPTION)
        b.scp("ProtectLogs", doc(buckets, keys))
        b.attach_root("ProtectLogs")
        assert messages(b.build(), "SCP-10") == [], partition
    broad = org_with_workloads()
    with_log_bucket(broad)
    broad.scp("NoS3NoKms", doc(deny(["s3:*", "kms:*"], Condition=EXCEPTION)))
    broad.attach_root("NoS3NoKms")
    assert messages(broad.build(), "SCP-10") == []


def test_log_buckets_scps_cannot_reach_are_not_reported() -> None:
    b = org_with_workloads()
    b.bucket("mgmt-logs", "Management")  # ORG-02 asks to move it; an SCP could not guard it
    assert messages(b.build(), "SCP-10") == []
