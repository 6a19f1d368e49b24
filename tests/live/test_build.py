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


def trust_of(*statements: dict[str, object], inline: list[dict[str, object]] | None = None) -> Read:
    read = Read(organization())
    role = Role("Ops", "/", {"Statement": list(statements)}, [], inline or [])
    read.scans[LOGS] = AccountScan(LOGS, roles=[role])
    read.scans[MGMT] = AccountScan(MGMT)
    return read


def test_json_booleans_empty_lists_and_wildcards_in_conditions() -> None:
    read = trust_of(
        {
            "Effect": "Allow",
            "Principal": {"AWS": MGMT},
            "Action": "sts:AssumeRole",
            "Condition": {
                "Bool": {"aws:MultiFactorAuthPresent": True},
                "StringEquals": {"sts:ExternalId": []},
            },
        }
    )
    [trust] = [r for r in build_design(read, "Live").relationships if r.kind == "trust"]
    assert trust.require_mfa
    assert trust.external_id is None
    wildcard = trust_of(
        {
            "Effect": "Allow",
            "Principal": {"AWS": MGMT},
            "Action": "sts:AssumeRole",
            "Condition": {"StringLike": {"sts:ExternalId": "acme-*"}},
        }
    )
    design = build_design(wildcard, "Live")
    assert [r for r in design.relationships if r.kind == "trust"] == []
    [gap] = wildcard.gaps
    assert (gap.account, gap.what) == (LOGS, "role Ops")
    assert "external_id" in gap.reason


def test_capitalised_services_and_several_principals_of_one_account() -> None:
    read = trust_of(
        {
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{MGMT}:role/Deploy", f"arn:aws:iam::{MGMT}:root"]},
            "Action": "sts:AssumeRole",
        },
        inline=[{"Statement": {"Effect": "Allow", "Action": "EC2:RunInstances", "Resource": "*"}}],
    )
    design = build_design(read, "Live")
    assert check_design(design) == []
    [trust] = [r for r in design.relationships if r.kind == "trust"]
    assert trust.principal_role_name is None  # the account root: the broader grant wins
    assert (str(trust.access_level), trust.services) == ("service-admin", ["ec2"])


def test_a_trail_and_config_into_one_account_match_whatever_their_order() -> None:
    from designer.live.diff import diff_designs
    from designer.model import Design

    read = Read(organization())
    read.scans[MGMT] = AccountScan(
        MGMT,
        trails=[Trail("org", "example-logs", True, True, True)],
        config_buckets=["example-logs"],
    )
    read.scans[LOGS] = AccountScan(LOGS, buckets=["example-logs"])
    read.bucket_owner["example-logs"] = LOGS
    read.buckets["example-logs"] = Bucket(
        "example-logs", True, False, None, None, None, False, False
    )
    design = build_design(read, "Live")
    reordered = Design.model_validate(
        {
            **design.model_dump(),
            "relationships": list(reversed(design.model_dump()["relationships"])),
        }
    )
    assert diff_designs(design, reordered).entries == []
