"""Building a design from what was read, without a server: values AWS allows but a design cannot."""

from __future__ import annotations

from designer.live.build import Read, build_design
from designer.live.read import OrgAccount, Organization
from designer.live.read_account import AccountScan, Bucket, Role, Trail
from designer.model.integrity import check_design

MGMT, LOGS = "111111111111", "222222222222"


def organization() -> Organization:
    org = Organization("o-abcdefghij", MGMT, "ALL", "r-ab12")
    org.accounts = [
        OrgAccount(MGMT, "Management", "root@example.com", "ACTIVE", "r-ab12"),
        OrgAccount(LOGS, "Logs", "logs@example.com", "ACTIVE", "r-ab12"),
    ]
    return org


def test_a_legacy_bucket_name_is_a_gap_not_a_failed_import() -> None:
    read = Read(organization())
    read.scans[MGMT] = AccountScan(MGMT, trails=[Trail("org", "Legacy_Logs", True, True, True)])
    read.scans[LOGS] = AccountScan(LOGS, buckets=["Legacy_Logs"])
    read.bucket_owner["Legacy_Logs"] = LOGS
    read.buckets["Legacy_Logs"] = Bucket("Legacy_Logs", True, False, None, None, None, False, False)
    design = build_design(read, "Live")
    assert check_design(design) == []
    assert design.log_buckets == []
    assert [r for r in design.relationships if r.kind == "log-delivery"] == []
    [gap] = read.gaps
    assert (gap.account, gap.what) == (LOGS, "bucket Legacy_Logs")
    assert gap.reason.startswith("not shown: name:")


def test_odd_trust_policies_are_skipped_not_fatal() -> None:
    read = Read(organization())
    odd = [
        {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
        {"Effect": "Deny", "Principal": {"AWS": MGMT}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "NotPrincipal": {"AWS": MGMT}, "Action": "sts:AssumeRole"},
        {
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{MGMT}:root"]},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}},
        },
    ]
    role = Role("Audit", "/", {"Statement": odd}, ["arn:aws:iam::aws:policy/SecurityAudit"], [])
    read.scans[LOGS] = AccountScan(LOGS, roles=[role])
    read.scans[MGMT] = AccountScan(MGMT)
    design = build_design(read, "Live")
    [trust] = [r for r in design.relationships if r.kind == "trust"]
    assert (trust.role_name, str(trust.access_level), trust.require_mfa) == (
        "Audit",
        "security-audit",
        True,
    )
