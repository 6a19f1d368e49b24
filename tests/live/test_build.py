"""Building a design from what was read, without a server: values AWS allows but a design cannot."""

from __future__ import annotations

from designer.live.build import Read, build_design, live_id
from designer.live.read import OrgAccount, Organization, OrgPolicy, OrgUnit
from designer.live.read_account import AccountScan, Bucket, Role, Trail
from designer.model import LogDeliveryRelationship
from designer.model.integrity import check_design

MGMT, LOGS = "111111111111", "222222222222"
READ_ONLY = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]  # a role granting nothing is not a trust


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
    assert check_design(design) == []
    outside = {p.id: str(p.kind) for p in design.outside_principals}
    trusts = {outside.get(r.source, r.source): r for r in design.relationships if r.kind == "trust"}
    assert set(trusts) == {"anyone", live_id(MGMT)}  # EC2's own service role is not drawn
    trust = trusts[live_id(MGMT)]
    assert (trust.role_name, str(trust.access_level), trust.require_mfa) == (
        "Audit",
        "security-audit",
        True,
    )


def trust_of(*statements: dict[str, object], inline: list[dict[str, object]] | None = None) -> Read:
    read = Read(organization())
    managed = [] if inline else READ_ONLY
    role = Role("Ops", "/", {"Statement": list(statements)}, managed, inline or [])
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


# -- scopes and outside principals, from what was read --------------------------------------------
TOOLING = "300000000000"
WORKLOADS, PROD = "ou-ab12-workload", "ou-ab12-prodprod"


def workloads_org(count: int) -> Organization:
    """Management and Security Tooling at the root; Workloads holding W-1..W-(count-2) and
    Workloads/Prod holding two more."""
    org = organization()
    org.accounts = [
        org.accounts[0],
        OrgAccount(TOOLING, "Tooling", "t@example.com", "ACTIVE", "r-ab12"),
    ]
    org.units = [OrgUnit(WORKLOADS, "Workloads", "r-ab12"), OrgUnit(PROD, "Prod", WORKLOADS)]
    for n in range(1, count + 1):
        parent = PROD if n > count - 2 else WORKLOADS
        org.accounts.append(
            OrgAccount(f"4000000000{n:02d}", f"W-{n}", f"w{n}@example.com", "ACTIVE", parent)
        )
    return org


def audit_role(source: str = TOOLING) -> Role:
    statement = {"Effect": "Allow", "Principal": {"AWS": source}, "Action": "sts:AssumeRole"}
    return Role("Audit", "/", {"Statement": [statement]}, READ_ONLY, [])


def with_audit(count: int, lacking: int) -> Read:
    """`count` workload accounts; the Audit role in all but the last `lacking` of them."""
    read = Read(workloads_org(count))
    for n, account in enumerate(read.organization.accounts[2:], start=1):
        roles = [audit_role()] if n <= count - lacking else []
        read.scans[account.id] = AccountScan(account.id, roles=roles)
    read.scans[MGMT] = AccountScan(MGMT)
    read.scans[TOOLING] = AccountScan(TOOLING)
    return read


def test_a_role_in_every_account_of_an_ou_and_below_is_one_trust_to_the_largest() -> None:
    from designer.core.scope import Scopes

    design = build_design(with_audit(5, 0), "Live")
    assert check_design(design) == []
    [audit] = [r for r in design.relationships if r.kind == "trust"]
    assert (audit.target, audit.excluded_accounts) == (live_id(WORKLOADS), [])  # not Prod
    landed = sorted(r.target for r in Scopes(design).expand(audit))
    assert landed == sorted(live_id(f"4000000000{n:02d}") for n in range(1, 6))


def test_a_few_accounts_lacking_the_role_are_excluded_more_keep_one_trust_each() -> None:
    design = build_design(with_audit(11, 1), "Live")  # 1 of 11 lacks it: at most a tenth
    assert check_design(design) == []
    [audit] = [r for r in design.relationships if r.kind == "trust"]
    assert (audit.target, audit.excluded_accounts) == (
        live_id(WORKLOADS),
        [live_id("400000000011")],
    )
    design = build_design(with_audit(11, 2), "Live")  # 2 of 11: more than a tenth
    trusts = [r for r in design.relationships if r.kind == "trust"]
    assert len(trusts) == 9
    assert {len(r.excluded_accounts) for r in trusts} == {0}
    assert live_id(WORKLOADS) not in {r.target for r in trusts}
    design = build_design(with_audit(2, 0), "Live")  # two accounts: not worth a scope
    assert len([r for r in design.relationships if r.kind == "trust"]) == 2


def test_the_organization_trail_and_config_everywhere_come_from_the_organization() -> None:
    third = "333333333333"
    read = Read(organization())
    read.organization.accounts.append(
        OrgAccount(third, "Third", "third@example.com", "ACTIVE", "r-ab12")
    )
    read.scans[MGMT] = AccountScan(MGMT, trails=[Trail("org", "example-logs", True, True, True)])
    read.scans[LOGS] = AccountScan(LOGS, buckets=["example-logs", "cfg-logs"])
    read.scans[third] = AccountScan(third)
    for scan in read.scans.values():
        scan.config_buckets = ["cfg-logs"]
    for bucket in ("example-logs", "cfg-logs"):
        read.bucket_owner[bucket] = LOGS
        read.buckets[bucket] = Bucket(bucket, True, False, None, None, None, False, False)
    design = build_design(read, "Live")
    assert check_design(design) == []
    deliveries = {
        ",".join(r.log_types): r
        for r in design.relationships
        if isinstance(r, LogDeliveryRelationship)
    }
    assert set(deliveries) == {"cloudtrail", "config"}
    assert deliveries["cloudtrail"].source == design.organization.id
    assert deliveries["config"].source == design.organization.id  # every account's channel
    assert deliveries["config"].target == live_id(LOGS)
    del read.scans[third].config_buckets[:]  # one of three lacks it: one delivery each
    design = build_design(read, "Live")
    sources = sorted(
        r.source for r in design.relationships if getattr(r, "log_types", []) == ["config"]
    )
    assert sources == sorted([live_id(MGMT), live_id(LOGS)])


def test_shares_reach_outside_principals_and_a_foreign_ou_is_a_gap() -> None:
    from designer.live.read_shares import Share

    read = Read(organization())
    partner = "arn:aws:organizations::555555555555:organization/o-partner1234"
    foreign_ou = "arn:aws:organizations::555555555555:ou/o-partner1234/ou-zz99-abcdefgh"
    read.scans[LOGS] = AccountScan(
        LOGS,
        shares=[
            Share("ami", "golden", partner),
            Share("ami", "golden", "all"),
            Share("ami", "golden", "666666666666"),
            Share("ram-share", "subnets", "arn:aws:iam::666666666666:role/Ops", "ec2:Subnet"),
            Share("ami", "golden", foreign_ou),
            Share("service-catalog-portfolio", "Approved", "o-abcdefghij"),
        ],
    )
    read.scans[MGMT] = AccountScan(MGMT)
    design = build_design(read, "Live")
    assert check_design(design) == []
    kinds = {
        p.id: (str(p.kind), p.aws_account_id or p.organization_id)
        for p in design.outside_principals
    }
    shares = sorted(
        (kinds.get(r.target, ("organization", None)), str(r.resource_type))
        for r in design.relationships
        if r.kind == "resource-share"
    )
    assert shares == [
        (("anyone", None), "ami"),
        (("external-account", "666666666666"), "ami"),
        (("external-account", "666666666666"), "ram-share"),
        (("organization", None), "service-catalog-portfolio"),
        (("partner-organization", "o-partner1234"), "ami"),
    ]
    [gap] = read.gaps
    assert (gap.account, gap.what) == (LOGS, "ami golden")
    assert foreign_ou in gap.reason


def test_principal_star_narrowed_to_an_account_or_by_conditions_it_cannot_show() -> None:
    read = trust_of(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": MGMT}},
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringLike": {"aws:PrincipalOrgPaths": "o-abcdefghij/r-ab12/ou-nope/*"}},
        },
    )
    design = build_design(read, "Live")
    assert check_design(design) == []
    outside = {p.id: str(p.kind) for p in design.outside_principals}
    sources = sorted(
        outside.get(r.source, r.source) for r in design.relationships if r.kind == "trust"
    )
    assert sources == sorted(["anyone", live_id(MGMT)])
    reasons = sorted(g.reason for g in read.gaps)
    assert reasons == [
        "organization path o-abcdefghij/r-ab12/ou-nope/* names no OU of the organization",
        "trusted by anyone, narrowed by conditions the design cannot show: aws:SourceIp",
    ]


def test_negated_organization_conditions_never_read_as_a_scope() -> None:
    """StringNotEquals aws:PrincipalOrgID admits everyone outside the organization: it is
    anyone (with a gap naming the condition), never the organization itself."""
    read = trust_of(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}},
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": "o-abcdefghij/*"}},
        },
    )
    design = build_design(read, "Live")
    assert check_design(design) == []
    outside = {p.id: str(p.kind) for p in design.outside_principals}
    sources = {outside.get(r.source, r.source) for r in design.relationships if r.kind == "trust"}
    assert sources == {"anyone"}
    assert design.organization.id not in {r.source for r in design.relationships}
    assert sorted(g.reason for g in read.gaps) == [
        "trusted by anyone, narrowed by conditions the design cannot show: aws:PrincipalOrgID",
        "trusted by anyone, narrowed by conditions the design cannot show: aws:PrincipalOrgPaths",
    ]


def test_an_account_left_out_of_an_org_path_is_an_excluded_account() -> None:
    """What the policies export writes for a trust from an OU but one account reads back as
    that trust, with the account excluded."""
    org = organization()
    org.accounts.append(OrgAccount("333333333333", "App", "app@example.com", "ACTIVE", "r-ab12"))
    read = Read(org)
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-abcdefghij/r-ab12/*"]},
            "StringNotEquals": {"aws:PrincipalAccount": "333333333333"},
        },
    }
    role = Role("Ops", "/", {"Statement": [statement]}, READ_ONLY, [])
    read.scans[LOGS] = AccountScan(LOGS, roles=[role])
    read.scans[MGMT] = AccountScan(MGMT)
    read.scans["333333333333"] = AccountScan("333333333333")
    design = build_design(read, "Live")
    assert check_design(design) == []
    (trust,) = [r for r in design.relationships if r.kind == "trust"]
    assert trust.source == design.organization.id
    assert trust.excluded_accounts == [live_id("333333333333")]


def test_a_stack_set_to_the_root_folds_to_the_organization_and_management_keeps_its_own() -> None:
    """Service-managed StackSets skip the management account: a role everywhere else is the
    organization's, with no exclusion; one in management too stays a trust of its own."""
    read = with_audit(4, 0)
    read.organization.accounts.append(
        OrgAccount(LOGS, "Logs", "logs@example.com", "ACTIVE", "r-ab12")
    )
    read.scans[LOGS] = AccountScan(LOGS, roles=[audit_role()])
    read.scans[MGMT] = AccountScan(MGMT, roles=[audit_role()])
    design = build_design(read, "Live")
    assert check_design(design) == []
    trusts = sorted(
        (r.target, tuple(r.excluded_accounts)) for r in design.relationships if r.kind == "trust"
    )
    assert trusts == sorted([(design.organization.id, ()), (live_id(MGMT), ())])


def security_ou(delegated: dict[str, list[str]]) -> Read:
    """Security OU holding Tooling and Backup; Tooling delegated `delegated`'s services."""
    org = organization()
    org.units = [OrgUnit("ou-ab12-security", "Security", "r-ab12")]
    org.accounts += [
        OrgAccount(TOOLING, "Tooling", "t@example.com", "ACTIVE", "ou-ab12-security"),
        OrgAccount("500000000001", "Backup", "b@example.com", "ACTIVE", "ou-ab12-security"),
    ]
    org.delegated = delegated
    read = Read(org)
    for account in org.accounts:
        read.scans[account.id] = AccountScan(account.id)
    return read


def test_the_security_ou_names_security_tooling_only_when_nothing_else_does() -> None:
    alone = security_ou({})
    functions = {a.name: a.functions for a in build_design(alone, "Live").accounts}
    assert functions["Tooling"] == functions["Backup"] == ["security-tooling"]
    evidence = {i.account: i.evidence for i in alone.inferences}
    assert "placement only" in evidence["500000000001"]

    administered = security_ou({TOOLING: ["guardduty.amazonaws.com"]})
    functions = {a.name: a.functions for a in build_design(administered, "Live").accounts}
    assert functions["Tooling"] == ["security-tooling"]
    assert functions["Backup"] == ["workload"]  # backups, forensics: the OU holds more
    evidence = {i.account: i.evidence for i in administered.inferences}
    assert "security tooling is in Tooling" in evidence["500000000001"]


def test_an_scp_the_design_grammar_refuses_is_a_gap_not_a_failed_import() -> None:
    org = organization()
    odd = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Odd": 1}]}
    org.policies = [OrgPolicy("p-odd", "Odd", "", odd, False, ["r-ab12"])]
    read = Read(org)
    design = build_design(read, "Live")
    [scp] = design.service_control_policies
    assert (scp.name, scp.document) == ("Odd", None)
    [gap] = read.gaps
    assert gap.what == "SCP Odd"
    assert gap.reason == "document not shown: $.Statement[0].Odd: unknown statement element"
