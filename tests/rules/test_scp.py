"""SCP-* rules: each with a design that triggers it and one that does not."""

from __future__ import annotations

from typing import Any

from designer.model import OrganizationalUnit
from designer.rules import Severity, validate
from designer.rules.registry import all_rules
from tests.rules.builder import Builder, messages, run_rule
from tests.rules.corpus import rules_scp_org as cases
from tests.rules.corpus.kit import Kit

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
    # Protected nowhere: the guardrail is missing and belongs at the root, so the organization
    # is named beside the trusts.
    org = b.design.organization.id
    assert found[0].subjects == (org_access, org)
    assert found[1].subjects == (audit_prod, audit_dev, org)


def test_security_role_protected_in_some_accounts_names_only_the_gaps() -> None:
    """Near miss of the missing guardrail: protected in OU Workloads but not in OU Security;
    the finding names the trust, not the organization."""
    b = org_with_workloads(("ProtectRoles",))
    b.account("Audit", "security-tooling", parent="Security")
    b.trust("Audit", "Prod", "security-audit", role_name="SecurityAudit")
    logs = b.trust("Audit", "Logs", "security-audit", role_name="SecurityAudit")
    b.scp("ProtectRoles", doc(protect_roles("SecurityAudit")))
    found = run_rule(b.build(), "SCP-08")
    assert [f.message.rsplit(" in ", 1)[-1] for f in found] == ["member account 'Logs'"]
    assert found[0].subjects == (logs,)


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


def test_a_log_key_named_by_arn_is_judged_in_the_account_that_owns_it() -> None:
    """The trail's key held in Security Tooling (Security Reference Architecture): unprotected,
    the finding names that account; once ProtectLogArchive names the key's ARN, nothing."""
    design = cases.trail_key_elsewhere_unprotected()
    kit = Kit(design)
    found = run_rule(design, "SCP-10")
    assert [f.message for f in found] == [
        f"no SCP in force denies {', '.join(LOG_KEY_CHANGES)} on its KMS key in account "
        "'Security Tooling'"
    ]
    assert found[0].severity == Severity.HIGH
    assert kit.id("Security Tooling") in found[0].subjects
    assert found[0].evidence[1] == (
        f"its KMS key {cases.SECURITY_TOOLING_KEY} in account 'Security Tooling'"
    )
    protected = cases.trail_key_elsewhere_protected()
    assert run_rule(protected, "SCP-10") == []
    high = [f for f in validate(protected).at_or_above(Severity.HIGH)]
    assert [(f.rule_id, f.message) for f in high] == []  # nor ORG-08: nothing to generate


def test_a_log_key_named_by_alias_arn_needs_its_owners_keys_or_alias_guarded() -> None:
    assert run_rule(cases.trail_alias_elsewhere_protected(), "SCP-10") == []
    # ProtectLogArchive guards Log Archive's keys only: not the alias's, in Security Tooling.
    bare = Kit().update(cases.TRAIL_BUCKET, kms_key=cases.SECURITY_TOOLING_ALIAS).build()
    assert [f.message.rsplit(" in ", 1)[-1] for f in run_rule(bare, "SCP-10")] == [
        "account 'Security Tooling'"
    ]


def test_a_kms_resource_aliases_condition_protects_the_key_it_names() -> None:
    def guarded(alias: str, operator: str = "ForAnyValue:StringEquals") -> list[str]:
        k = Kit().update(cases.TRAIL_BUCKET, kms_key=cases.SECURITY_TOOLING_ALIAS)
        spare = {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/LogAdmin"}}
        statement = deny(
            LOG_KEY_CHANGES, Condition={**spare, operator: {"kms:ResourceAliases": alias}}
        )
        k.scp("ProtectTrailKey", doc(statement))
        k.attach("ProtectTrailKey", "Security")
        return messages(k.build(), "SCP-10")

    assert guarded("alias/organization-trail") == []
    assert guarded("alias/organization-*", "ForAnyValue:StringLike") == []
    assert guarded("alias/organization-*") != []  # StringEquals takes the * literally
    assert guarded("alias/another-key") != []


# -- SCP-11..13 ---------------------------------------------------------------------------------
def _kit() -> Kit:
    return Kit()


def test_a_custom_allow_drawn_per_ou_makes_a_bare_ou_a_lockout() -> None:
    """FullAWSAccess replaced at the root and on every OU by a custom AllowAll, except one:
    that OU has no Allow, even with no SCP drawn on it at all."""
    design = cases.non_prod_without_custom_allow()
    found = run_rule(design, "SCP-11")
    assert [(f.severity, f.subjects) for f in found] == [
        (Severity.CRITICAL, (Kit(design).id("Non-prod"),))
    ]
    assert "'Retail Development'" in found[0].message
    assert found[0].evidence[0].startswith("OU 'Non-prod': SCPs attached: none")
    assert run_rule(cases.custom_allow_on_every_ou(), "SCP-11") == []
    # An allow-list on one OU beside FullAWSAccess at the root: the others keep the default.
    assert run_rule(cases.allow_list_beside_default(), "SCP-11") == []


def test_allow_missing_at_the_root_locks_every_member_out() -> None:
    design = cases.root_without_allow()
    found = run_rule(design, "SCP-11")
    assert len(found) == 1
    assert found[0].severity == Severity.CRITICAL
    assert found[0].subjects == (design.organization.id,)
    assert "locks 12 member accounts out of every action" in found[0].message
    assert found[0].evidence[0].startswith("the root: SCPs attached: 'OrganizationGuardrails'")


def test_allow_missing_on_one_ou_is_reported_once_with_its_accounts() -> None:
    design = cases.prod_without_allow()
    found = run_rule(design, "SCP-11")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.CRITICAL,
            "OU 'Prod' has no SCP that allows anything (FullAWSAccess detached, no other Allow): "
            "it locks 2 member accounts out of every action ('Retail Production', "
            "'Payments Production')",
        )
    ]
    assert "'DenyProdDeletes'" in found[0].evidence[0]


def test_an_allow_list_or_the_default_at_every_level_keeps_access() -> None:
    assert run_rule(cases.prod_allow_list(), "SCP-11") == []
    assert run_rule(cases.explicit_full_access(), "SCP-11") == []
    # FullAWSAccess drawn at the root only stands for every OU and account (AWS's default).
    assert run_rule(_kit().build(), "SCP-11") == []


def test_a_deny_all_suspended_ou_without_allow_is_only_info() -> None:
    found = run_rule(cases.suspended_without_allow(), "SCP-11")
    assert [f.severity for f in found] == [Severity.INFO]
    assert "deny-all quarantine" in found[0].message


def test_allow_missing_on_an_account_or_an_empty_ou() -> None:
    k = _kit()
    k.attach("FullAWSAccess", "Retail Production")  # the design draws it per account
    k.attach("DenyAllSuspended", "Payments Production")  # quarantined: info
    k.scp("DenyDeletes", doc(deny("s3:DeleteBucket")))
    k.attach("DenyDeletes", "Retail Development")
    found = {f.message.split(" has")[0]: f.severity for f in run_rule(k.build(), "SCP-11")}
    # Most accounts have no SCP drawn: FullAWSAccess is left out, not proved detached.
    assert found == {
        "account 'Retail Development'": Severity.LOW,
        "account 'Payments Production'": Severity.INFO,
    }
    for account in k.build().accounts:  # drawn on every account, as an import shows it
        if account.name not in (
            "Retail Development",
            "Payments Production",
            "Retail Production",
            "Management",
        ):
            k.attach("FullAWSAccess", account.name)
    found = {f.message.split(" has")[0]: f.severity for f in run_rule(k.build(), "SCP-11")}
    assert found == {
        "account 'Retail Development'": Severity.CRITICAL,
        "account 'Payments Production'": Severity.INFO,
    }
    empty = _kit()
    for unit in ("Workloads", "Security", "Infrastructure", "Prod", "Non-prod", "Sandbox"):
        empty.attach("FullAWSAccess", unit)
    empty.ou("Archive")
    empty.attach("DenyIamUsers", "Archive")  # deny-only, nothing below it yet
    found = {f.message.split(" has")[0]: f.severity for f in run_rule(empty.build(), "SCP-11")}
    assert found["OU 'Archive'"] == Severity.MEDIUM
    assert found["OU 'Policy Staging'"] == Severity.CRITICAL


def test_full_access_drawn_on_one_ou_leaves_deny_only_ous_ambiguous() -> None:
    """Drawing FullAWSAccess on one OU while FullAWSAccess stays at the root detaches it from
    nothing: the export attaches it to every OU the design leaves it out of."""
    design = cases.full_access_drawn_on_sandbox()
    found = {f.message.split(" has")[0]: f for f in run_rule(design, "SCP-11")}
    assert {k: f.severity for k, f in found.items()} == {
        "OU 'Security'": Severity.LOW,
        "OU 'Policy Staging'": Severity.LOW,
        "OU 'Suspended'": Severity.INFO,
    }
    assert "the export attaches FullAWSAccess here" in found["OU 'Security'"].message
    assert found["OU 'Security'"].subjects == (Kit(design).id("Security"),)
    # One step further, FullAWSAccess on every other OU: Prod's deny-only SCP is a lockout.
    prod = run_rule(cases.prod_without_allow(), "SCP-11")
    assert [f.severity for f in prod] == [Severity.CRITICAL]


def test_a_quarantine_is_what_the_context_calls_one() -> None:
    """An OU below the Suspended OU without an Allow, holding only parked accounts: info."""
    k = _explicit_kit()
    k.ou("Closed 2025", parent="Suspended")
    k.account("Retired Shop", "workload", parent="Closed 2025", state="suspended")
    k.attach("DenyIamUsers", "Closed 2025")
    found = {f.message.split(" has")[0]: f.severity for f in run_rule(k.build(), "SCP-11")}
    assert found == {"OU 'Closed 2025'": Severity.INFO}


def _explicit_kit() -> Kit:
    k = _kit()
    for unit in (*cases.OUS, "Suspended"):
        k.attach("FullAWSAccess", unit)
    return k


def test_broad_exception_patterns_are_reported_with_the_statement() -> None:
    design = cases.broad_admin_exception()
    guard = Kit(design).id("ProtectNetwork")
    found = [f for f in run_rule(design, "SCP-12") if guard in f.subjects]
    assert [f.severity for f in found] == [Severity.HIGH]
    assert found[0].evidence == (
        "SCP 'ProtectNetwork', statement 'ProtectCoreNetwork': ArnNotLike aws:PrincipalArn "
        "'arn:aws:iam::*:role/*Admin*' matches roles any account administrator can create with "
        "a matching name",
    )


def _exception_severity(
    *patterns: str, key: str = "aws:PrincipalArn", op: str = "ArnNotLike"
) -> Any:
    k = _kit()
    k.scp("Guard", doc(deny("ec2:DeleteVpc", Sid="G", Condition={op: {key: list(patterns)}})))
    return _severity_on(k.attach("Guard", "@organization"), "Guard")


def _severity_on(k: Kit, name: str) -> Any:
    """SCP-12's severity for one SCP (findings about the other SCPs aside)."""
    design = k.build()
    found = [f for f in run_rule(design, "SCP-12") if Kit(design).id(name) in f.subjects]
    return found[0].severity if found else None


def test_which_exception_patterns_are_specific() -> None:
    specific = (
        "arn:aws:iam::*:role/OrganizationAccountAccessRole",
        "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_NetworkAdmin_*",
        "arn:aws:iam::*:role/aws-service-role/*",
    )
    for pattern in specific:
        assert _exception_severity(pattern) is None, pattern
    assert _exception_severity("arn:aws:iam::*:role/*") == Severity.HIGH
    assert _exception_severity("arn:aws:iam::*:role/aws-reserved/*") == Severity.HIGH
    assert _exception_severity("*") == Severity.HIGH
    assert _exception_severity("arn:aws:iam::111122223333:role/*") == Severity.MEDIUM
    # Set operators read like the plain one: ForAnyValue:/ForAllValues: do not hide a pattern.
    for op in ("ForAnyValue:ArnNotLike", "ForAllValues:StringNotLikeIfExists"):
        assert _exception_severity("arn:aws:iam::*:role/*", op=op) == Severity.HIGH, op
        assert _exception_severity("arn:aws:iam::*:role/NetworkAdmin", op=op) is None, op
    # StringNotEquals takes no wildcards: '*Admin*' spares nobody, so it is no loophole.
    assert _exception_severity("*Admin*", op="StringNotEquals") is None
    assert _exception_severity("yes", key="aws:PrincipalTag/Privileged", op="StringNotEquals") == (
        Severity.MEDIUM
    )
    assert (
        _exception_severity("*", key="aws:PrincipalTag/Team", op="StringNotLike") == Severity.HIGH
    )


def test_a_guarded_principal_tag_is_a_specific_exception() -> None:
    k = _kit()
    tag_key = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["Privileged"]}}
    k.scp("ProtectTag", doc(deny(["iam:TagRole", "iam:CreateRole"], Condition=tag_key)))
    k.scp(
        "Guard",
        doc(
            deny(
                "ec2:DeleteVpc",
                Condition={"StringNotEquals": {"aws:PrincipalTag/Privileged": "yes"}},
            )
        ),
    )
    k.attach("ProtectTag", "@organization").attach("Guard", "@organization")
    assert _severity_on(k, "Guard") is None


def test_a_tag_guard_must_name_the_exact_key_and_be_in_force() -> None:
    guard = doc(
        deny("ec2:DeleteVpc", Condition={"StringNotEquals": {"aws:PrincipalTag/team": "netops"}})
    )

    def severity(condition: dict[str, Any], attach: bool = True) -> Any:
        k = _kit()
        k.scp("Guard", guard)
        k.attach("Guard", "@organization")
        k.scp("ProtectTag", doc(deny("iam:TagRole", Condition=condition)))
        if attach:
            k.attach("ProtectTag", "@organization")
        return _severity_on(k, "Guard")

    exact = {"Null": {"aws:RequestTag/team": "false"}}
    keys = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["Team"]}}
    assert severity(exact) is None
    assert severity(keys) is None
    # 'steam' contains 'team' but is another tag; a guard attached nowhere guards nothing.
    assert severity({"Null": {"aws:RequestTag/steam": "false"}}) == Severity.MEDIUM
    assert severity({"ForAnyValue:StringEquals": {"aws:TagKeys": ["steam"]}}) == Severity.MEDIUM
    assert severity(exact, attach=False) == Severity.MEDIUM


STACKSETS = "arn:aws:iam::*:role/stacksets-exec-*"
STACKSETS_SERVICE = (
    "arn:aws:iam::*:role/aws-service-role/member.org.stacksets.cloudformation.amazonaws.com/"
    "AWSServiceRoleForCloudFormationStackSetsOrgMember"
)


def _stacksets_guard(action: str, *spared: str) -> dict[str, Any]:
    condition = {"ArnNotLike": {"aws:PrincipalArn": list(spared)}} if spared else None
    extra = {"Condition": condition} if condition else {}
    statement = deny(action, Sid="GuardStackSetsRole", Resource=STACKSETS, **extra)
    return doc(statement)


def test_a_stacksets_exception_needs_a_guard_on_creating_the_role() -> None:
    # Unguarded: any account administrator can create role stacksets-exec-anything.
    assert _exception_severity(STACKSETS) is None  # the reference guardrails guard the role
    found = run_rule(cases.stacksets_exception_unguarded(), "SCP-12")
    assert [f.severity for f in found] == [Severity.MEDIUM]
    assert "no SCP in force denies iam:CreateRole" in found[0].evidence[0]
    assert run_rule(cases.stacksets_exception_guarded(), "SCP-12") == []
    for spared, guarded in (
        ((STACKSETS_SERVICE,), True),
        ((), True),
        (("arn:aws:iam::*:role/aws-service-role/*",), True),
        (("arn:aws:iam::*:role/DeployAdmin",), False),  # an admin-made role may create it
    ):
        k = cases.stacksets_kit()
        k.scp("GuardStackSets", _stacksets_guard("iam:CreateRole", *spared))
        k.attach("GuardStackSets", "@organization")
        assert (run_rule(k.build(), "SCP-12") == []) is guarded, spared
    k = cases.stacksets_kit()
    k.scp("GuardStackSets", _stacksets_guard("iam:CreateRole", STACKSETS_SERVICE))
    assert run_rule(k.build(), "SCP-12") != []  # attached nowhere: not in force
    k = cases.stacksets_kit()
    k.scp("GuardStackSets", _stacksets_guard("iam:DeleteRole", STACKSETS_SERVICE))
    assert run_rule(k.attach("GuardStackSets", "@organization").build(), "SCP-12") != []


def test_reference_landing_zone_exceptions_are_specific() -> None:
    # Its guardrails spare stacksets-exec-* and keep everyone else from creating that role.
    assert run_rule(_kit().build(), "SCP-12") == []
    assert run_rule(_kit().build(), "SCP-13") == []


def test_unattached_custom_scp_is_reported_and_staging_counts() -> None:
    found = run_rule(cases.unattached_guardrail(), "SCP-13")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.MEDIUM,
            "custom SCP 'DenyS3PublicAccessChanges' is attached to nothing (not the root, an OU "
            "or an account): its guardrail is in force nowhere",
        )
    ]
    assert found[0].evidence == (
        "statement 'KeepBlockPublicAccess': Deny s3:PutAccountPublicAccessBlock",
    )
    assert run_rule(cases.guardrail_in_staging(), "SCP-13") == []


def test_unattached_placeholders_and_aws_managed_scps() -> None:
    k = _kit()
    k.scp("Generated")  # no document: the export attaches the generated guardrails at the root
    k.scp("AWSManagedExtra", aws_managed=True)
    assert run_rule(k.build(), "SCP-13") == []
    k.scp("Generated2")
    k.attach("Generated", "@organization")  # now the second placeholder is dropped
    assert [f.message.split(" is")[0] for f in run_rule(k.build(), "SCP-13")] == [
        "custom SCP 'Generated2'"
    ]


def test_a_level_with_no_scp_drawn_keeps_the_default() -> None:
    # AWS keeps at least one SCP on every target: none drawn is not a detached FullAWSAccess.
    k = _kit()
    for name in ("FullAWSAccess", "OrganizationGuardrails", "ProtectSecurityServices",
                 "DenyRootUser", "RegionRestriction"):  # fmt: skip
        k.detach(name, "@organization")
    assert run_rule(k.build(), "SCP-11") == []
