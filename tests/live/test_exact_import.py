"""An exact import: a failed read is a gap and an unknown fact, never "not configured"; functions
rest on evidence; nothing is invented.

Against moto's HTTP server. moto does not evaluate IAM, so denials are injected at the HTTP
layer: a botocore before-send handler on the import's session answers one operation, for one
account (told by the access key that signed the request) with the 403 AWS sends. The importer's
own error handling, retries and parsing run for real on that answer.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from designer.live.aws import Connection
from designer.live.importer import import_organization
from designer.model import Account, Design
from designer.rules.runner import validate
from tests.live.conftest import KEYS, MANAGEMENT, LiveOrg

pytestmark = pytest.mark.live

CENTRAL, OWN = "exact-central-logs", "exact-own-logs"
SIGNED_BY = re.compile(r"Credential=([^/]+)/")


# -- the organization -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def exact_org(moto_url: str) -> LiveOrg:
    """Management; Log Archive and Guard in Security; Audit in Infrastructure, delegated
    administrator of GuardDuty, Config and Access Analyzer; App, whose trail delivers into Log
    Archive's bucket, and Own Logs, which keeps its trail in its own bucket, in Workloads."""
    boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1", **KEYS)  # warm up
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"))
    org = LiveOrg(moto_url)
    client = org.client("organizations")
    client.create_organization(FeatureSet="ALL")
    root = client.list_roots()["Roots"][0]["Id"]
    org.accounts["Management"] = MANAGEMENT
    placed = {
        "Log Archive": "Security",
        "Guard": "Security",
        "Audit": "Infrastructure",
        "App": "Workloads",
        "Own Logs": "Workloads",
    }
    for unit in dict.fromkeys(placed.values()):
        org.units[unit] = client.create_organizational_unit(ParentId=root, Name=unit)[
            "OrganizationalUnit"
        ]["Id"]
    for name, unit in placed.items():
        email = f"aws+{name.lower().replace(' ', '-')}@example.com"
        status = client.create_account(AccountName=name, Email=email)["CreateAccountStatus"]
        org.accounts[name] = status["AccountId"]
        client.move_account(
            AccountId=status["AccountId"], SourceParentId=root, DestinationParentId=org.units[unit]
        )
        org.client("iam", name).attach_role_policy(  # as Organizations creates it
            RoleName="OrganizationAccountAccessRole",
            PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess",
        )
    for service in ("guardduty", "config-multiaccountsetup", "access-analyzer"):
        client.enable_aws_service_access(ServicePrincipal=f"{service}.amazonaws.com")
        client.register_delegated_administrator(
            AccountId=org.accounts["Audit"], ServicePrincipal=f"{service}.amazonaws.com"
        )
    for bucket, owner in ((CENTRAL, "Log Archive"), (OWN, "Own Logs")):
        org.client("s3", owner).create_bucket(Bucket=bucket)
    org.client("cloudtrail", "App").create_trail(Name="app-trail", S3BucketName=CENTRAL)
    org.client("cloudtrail", "Own Logs").create_trail(Name="own-trail", S3BucketName=OWN)
    iam = org.client("iam", "Own Logs")
    audit = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{org.accounts['Audit']}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    iam.create_role(RoleName="Idle", AssumeRolePolicyDocument=audit)  # no policy at all
    iam.create_role(RoleName="Reader", AssumeRolePolicyDocument=audit)
    iam.attach_role_policy(RoleName="Reader", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    catalog = org.client("servicecatalog", "Audit")
    portfolio = catalog.create_portfolio(DisplayName="Security Tools", ProviderName="Security")
    catalog.create_portfolio_share(
        PortfolioId=portfolio["PortfolioDetail"]["Id"], AccountId=org.accounts["App"]
    )
    org.client("ram", "App").create_resource_share(
        name="nothing-yet", principals=[org.accounts["Own Logs"]]
    )
    return org


# -- fault injection at the HTTP layer ------------------------------------------------------------
class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def _body(request: Any) -> bytes:
    body = request.body or b""
    return body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else b""


def _denied(request: Any) -> AWSResponse:
    """AWS's 403 in the request's protocol: JSON (X-Amz-Target), query XML or S3's XML."""
    if request.headers.get("X-Amz-Target"):
        body = json.dumps({"__type": "AccessDeniedException", "message": "not authorized"})
    elif b"Action=" in _body(request):
        body = (
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
            "<Message>not authorized</Message></Error></ErrorResponse>"
        )
    else:
        body = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
    return AWSResponse(request.url, 403, {}, _Raw(body.encode()))


class Faults:
    """Denies chosen operations to chosen accounts of one session's requests."""

    def __init__(self, session: boto3.Session) -> None:
        self.session = session
        self.account_of_key = {KEYS["aws_access_key_id"]: MANAGEMENT}
        session.events.register("after-call.sts.AssumeRole", self.learn)

    def learn(self, parsed: dict[str, Any], **_: Any) -> None:
        if "Credentials" in parsed:
            account = parsed["AssumedRoleUser"]["Arn"].split(":")[4]
            self.account_of_key[parsed["Credentials"]["AccessKeyId"]] = account

    def deny(self, operation: str, account: str, where: str = "") -> None:
        """Deny `operation` ("s3.GetObjectLockConfiguration") to `account`, for requests whose
        URL or body holds `where`."""

        def send(request: Any, **_: Any) -> AWSResponse | None:
            signed = SIGNED_BY.search(request.headers.get("Authorization", b"").decode())
            key = signed.group(1) if signed else ""
            if self.account_of_key.get(key) != account:
                return None
            if where and where not in request.url and where.encode() not in _body(request):
                return None
            return _denied(request)

        self.session.events.register(f"before-send.{operation}", send)


def run_import(org: LiveOrg, prepare: Callable[[Faults], None] | None = None) -> Any:
    session = org.session()
    if prepare is not None:
        prepare(Faults(session))
    return import_organization(Connection(endpoint_url=org.url, workers=4), session=session)


@pytest.fixture(scope="module")
def clean(exact_org: LiveOrg) -> tuple[Design, Any]:
    return run_import(exact_org)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def denied(exact_org: LiveOrg) -> tuple[Design, Any]:
    """The same organization, with one denied read of each kind."""
    a = exact_org.accounts

    def prepare(faults: Faults) -> None:
        faults.deny("s3.GetObjectLockConfiguration", a["Log Archive"], CENTRAL)
        faults.deny("iam.GetAccountSummary", a["App"])
        faults.deny("cloudtrail.DescribeTrails", a["Own Logs"])
        faults.deny("config-service.DescribeDeliveryChannels", a["Own Logs"])
        faults.deny("organizations.ListDelegatedAdministrators", MANAGEMENT)
        faults.deny("sts.AssumeRole", MANAGEMENT, f"{a['Guard']}")
        faults.deny("service-catalog.DescribePortfolioShares", a["Audit"])

    return run_import(exact_org, prepare)  # type: ignore[no-any-return]


def account(design: Design, org: LiveOrg, name: str) -> Account:
    [found] = [x for x in design.accounts if x.aws_account_id == org.accounts[name]]
    return found


def findings(design: Design, rule_id: str) -> list[Any]:
    found = validate(design).findings
    assert not [f.message for f in found if f.title == "A rule could not run"]
    return [f for f in found if f.rule_id == rule_id]


def subjects(design: Design, rule_id: str) -> set[str]:
    return {s for f in findings(design, rule_id) for s in f.subjects}


# -- denied reads ---------------------------------------------------------------------------------
def test_a_denied_bucket_read_is_a_gap_and_unknown_not_unlocked(
    exact_org: LiveOrg, clean: tuple[Design, Any], denied: tuple[Design, Any]
) -> None:
    design, report = denied
    [bucket] = [b for b in design.log_buckets if b.name == CENTRAL]
    assert [str(u) for u in bucket.unread] == ["object-lock"]
    [gap] = [g for g in report.gaps if g.what == f"bucket {CENTRAL}"]  # the rest was read
    assert gap.account == exact_org.accounts["Log Archive"]
    assert gap.reason.startswith("s3:GetObjectLockConfiguration: AccessDenied:")
    # LOG-09 judges Object Lock: silent when it is unknown, speaks when it was read as none
    assert bucket.id not in subjects(design, "LOG-09")
    [clean_bucket] = [b for b in clean[0].log_buckets if b.name == CENTRAL]
    assert clean_bucket.id in subjects(clean[0], "LOG-09")
    assert clean_bucket.unread == []


def test_not_configured_is_only_the_documented_answer(clean: tuple[Design, Any]) -> None:
    design, report = clean
    # the buckets have no policy, no Object Lock, no KMS key: S3 says so with its "not set"
    # codes, which are no gaps
    assert not [g for g in report.gaps if g.what.startswith("bucket ")], report.gaps
    assert all(b.unread == [] for b in design.log_buckets)


def test_one_denied_fact_group_leaves_the_others_read(
    exact_org: LiveOrg, clean: tuple[Design, Any], denied: tuple[Design, Any]
) -> None:
    design, report = denied
    app = account(design, exact_org, "App")
    assert [str(u) for u in app.unread] == ["root-user"]
    [gap] = [g for g in report.gaps if g.account == app.aws_account_id]
    assert (gap.what, gap.reason.split(": ")[:2]) == (
        "account",
        ["iam:GetAccountSummary", "AccessDenied"],
    )
    trusts = [r for r in design.relationships if r.kind == "trust" and r.target == app.id]
    assert trusts  # IAM (its roles) still read
    assert any(r.kind == "log-delivery" and r.source == app.id for r in design.relationships)
    # IAM-10 judges root MFA: silent for App, whose root user was not read
    assert app.id not in subjects(design, "IAM-10")
    assert account(clean[0], exact_org, "App").id in subjects(clean[0], "IAM-10")


def test_unread_log_delivery_is_not_judged(
    exact_org: LiveOrg, clean: tuple[Design, Any], denied: tuple[Design, Any]
) -> None:
    design, report = denied
    own = account(design, exact_org, "Own Logs")
    assert [str(u) for u in own.unread] == ["cloudtrail", "config"]
    read_gaps = [g for g in report.gaps if g.account == own.aws_account_id and g.what == "account"]
    reasons = sorted(g.reason.split(":")[0:2] for g in read_gaps)
    assert reasons == [["cloudtrail", "DescribeTrails"], ["config", "DescribeDeliveryChannels"]]
    assert own.id not in subjects(design, "LOG-05")
    assert account(clean[0], exact_org, "Own Logs").id in subjects(clean[0], "LOG-05")


def test_unread_delegated_administrators_are_not_judged(
    clean: tuple[Design, Any], denied: tuple[Design, Any]
) -> None:
    design, report = denied
    assert [str(u) for u in design.organization.unread] == ["delegated-administrators"]
    assert any("ListDelegatedAdministrators" in g.reason for g in report.gaps)
    assert not [r for r in design.relationships if r.kind == "delegated-admin"]
    assert findings(design, "ORG-09") == []
    [missing] = [f for f in findings(clean[0], "ORG-09") if "not delegated" in f.message]
    assert "Security Hub" in missing.message


def test_an_account_never_read_is_unknown_not_empty(
    exact_org: LiveOrg, clean: tuple[Design, Any], denied: tuple[Design, Any]
) -> None:
    design, report = denied
    guard = account(design, exact_org, "Guard")
    assert [str(u) for u in guard.unread] == ["contents"]
    assert any(g.account == guard.aws_account_id and "AssumeRole" in g.reason for g in report.gaps)
    assert guard.id not in subjects(design, "IAM-10")  # its root user is unknown
    assert guard.id in subjects(clean[0], "IAM-10")
    assert account(clean[0], exact_org, "Guard").unread == []
    saved = json.loads(design.model_dump_json())
    [written] = [x for x in saved["accounts"] if x["id"] == guard.id]
    assert written["unread"] == ["contents"]


def test_a_denied_portfolio_share_read_is_a_gap_not_no_share(
    exact_org: LiveOrg, clean: tuple[Design, Any], denied: tuple[Design, Any]
) -> None:
    def portfolio_shares(design: Design) -> list[Any]:
        return [r for r in design.relationships if r.kind == "resource-share"]

    audit = account(clean[0], exact_org, "Audit")
    [shared] = portfolio_shares(clean[0])
    assert (shared.source, shared.resource_names) == (audit.id, ["Security Tools"])
    design, report = denied
    assert [str(u) for u in account(design, exact_org, "Audit").unread] == ["shares"]
    assert portfolio_shares(design) == []
    [gap] = [g for g in report.gaps if g.account == exact_org.accounts["Audit"]]
    assert gap.reason.startswith("servicecatalog:DescribePortfolioShares: AccessDeniedException:")


# -- inference ------------------------------------------------------------------------------------
def test_functions_rest_on_evidence_and_the_report_lists_it(
    exact_org: LiveOrg, clean: tuple[Design, Any]
) -> None:
    design, report = clean
    a = exact_org.accounts
    functions = {x.name: [str(f) for f in x.functions] for x in design.accounts}
    assert functions == {
        "master": ["management"],
        "Log Archive": ["log-archive"],
        "Guard": ["workload"],  # in the Security OU, but Audit administers the services
        "Audit": ["security-tooling"],
        "App": ["workload"],
        "Own Logs": ["workload"],
    }
    evidence = {i.account: (i.function, i.evidence) for i in report.inferences}
    assert set(evidence) == set(a.values())
    assert evidence[a["Log Archive"]] == (
        "log-archive",
        f"owns bucket {CENTRAL}, receiving CloudTrail of account {a['App']}",
    )
    function, why = evidence[a["Audit"]]
    assert function == "security-tooling"
    assert why == (
        "delegated administrator of access-analyzer.amazonaws.com, "
        "config-multiaccountsetup.amazonaws.com, guardduty.amazonaws.com"
    )
    assert "security tooling is in Audit" in evidence[a["Guard"]][1]
    as_json = report.as_json()["inferences"]
    assert {"account": a["Audit"], "function": "security-tooling", "evidence": why} in as_json


def test_an_account_keeping_its_own_logs_is_no_log_archive(
    exact_org: LiveOrg, clean: tuple[Design, Any]
) -> None:
    design, _ = clean
    own = account(design, exact_org, "Own Logs")
    assert [str(f) for f in own.functions] == ["workload"]
    [misplaced] = [f for f in findings(design, "LOG-02") if own.id in f.subjects]
    assert f"bucket '{OWN}'" in misplaced.message
    [coverage] = findings(design, "LOG-05")
    assert own.id in coverage.subjects
    assert "CloudTrail and Config of" in coverage.message


def test_the_security_delegated_admin_is_not_a_workload(
    exact_org: LiveOrg, clean: tuple[Design, Any]
) -> None:
    design, _ = clean
    audit = account(design, exact_org, "Audit")
    assert not [f for f in findings(design, "ORG-09") if audit.id in f.subjects]


# -- no invented values ---------------------------------------------------------------------------
def test_a_ram_share_without_resources_shares_nothing(
    exact_org: LiveOrg, clean: tuple[Design, Any]
) -> None:
    design, _ = clean
    app = account(design, exact_org, "App")
    shares = [r for r in design.relationships if r.kind == "resource-share"]
    assert not [r for r in shares if r.source == app.id]
    assert "unknown" not in design.model_dump_json()


def test_a_role_granting_nothing_is_not_read_only(
    exact_org: LiveOrg, clean: tuple[Design, Any]
) -> None:
    design, report = clean
    own = account(design, exact_org, "Own Logs")
    roles = {
        r.role_name: r for r in design.relationships if r.kind == "trust" and r.target == own.id
    }
    assert "Idle" not in roles
    assert str(roles["Reader"].access_level) == "read-only"  # a policy that says so
    [gap] = [g for g in report.gaps if g.what == "role Idle"]
    assert (gap.account, gap.reason) == (
        own.aws_account_id,
        "not shown as a trust: no policy attached or inline, it grants nothing",
    )


# -- every rule family that judges a fact the import may not read ---------------------------------
def _marked(design: Design, entity_id: str, facts: list[str]) -> Design:
    """The imported design as it would be had the import not read `facts` of one entity."""
    data = json.loads(design.model_dump_json())
    for entity in [*data["accounts"], *data["log_buckets"]]:
        if entity["id"] == entity_id:
            entity["unread"] = facts
    return Design.model_validate(data)


@pytest.mark.parametrize(
    ("rule_id", "subject", "facts"),
    [
        ("IAM-10", "App", ["root-user"]),  # identity: root MFA
        ("LOG-05", "Own Logs", ["cloudtrail", "config"]),  # logs: delivery coverage
        ("LOG-01", "Management", ["cloudtrail"]),  # logs: the organization trail
        ("LOG-07", CENTRAL, ["versioning", "access-logging"]),  # logs: bucket protection
        ("LOG-09", CENTRAL, ["object-lock"]),
        ("SEED-LOGPROTECT", CENTRAL, ["object-lock"]),  # seed: protection against deletion
        ("GRAPH-04", "App", ["iam"]),  # graph: audit roles into every account
        ("ORG-11", "App", ["tags"]),  # organization: the environment (a tag)
    ],
)
def test_an_unread_fact_is_not_judged_a_fact_read_as_off_is(
    exact_org: LiveOrg, clean: tuple[Design, Any], rule_id: str, subject: str, facts: list[str]
) -> None:
    design = clean[0]
    if subject in exact_org.accounts:
        entity = account(design, exact_org, subject).id
    else:
        [entity] = [b.id for b in design.log_buckets if b.name == subject]
    # LOG-01 names the organization: its trail is read among the management account's
    judged = design.organization.id if rule_id == "LOG-01" else entity
    assert judged in subjects(design, rule_id)
    assert judged not in subjects(_marked(design, entity, facts), rule_id)


def test_an_owner_is_not_asked_of_an_account_whose_tags_were_not_read(
    exact_org: LiveOrg, clean: tuple[Design, Any]
) -> None:
    design = clean[0]
    app = account(design, exact_org, "App").id

    def inventory(checked: Design) -> str:
        [hit] = [f.message for f in findings(checked, "SEED-INV") if app in f.subjects]
        return hit

    assert inventory(design) == "account 'App' has no owner, no purpose"
    assert inventory(_marked(design, app, ["tags"])) == "account 'App' has no purpose"


def test_logs_into_an_unread_archive_are_unknown_not_missing(
    exact_org: LiveOrg, clean: tuple[Design, Any]
) -> None:
    a = exact_org.accounts
    design, report = run_import(
        exact_org, lambda faults: faults.deny("sts.AssumeRole", MANAGEMENT, a["Log Archive"])
    )
    archive, app = account(design, exact_org, "Log Archive"), account(design, exact_org, "App")
    assert [str(u) for u in archive.unread] == ["contents"]
    assert [str(u) for u in app.unread] == ["cloudtrail"]  # its trail lands in archive's bucket
    # App's CloudTrail lands in a bucket whose owner was not read: not judged; its Config is
    [coverage] = findings(design, "LOG-05")
    assert coverage.message.endswith("; Config of 'App'")
    assert app.id in coverage.subjects
    [inferred] = [i for i in report.inferences if i.account == a["Log Archive"]]
    assert "its buckets were not read (it may be the log archive)" in inferred.evidence
