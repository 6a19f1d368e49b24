"""Every deployable field of every entity and relationship is compared: a change in one field is
exactly one changed entry naming that field; what the live side could not read is not compared."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from designer.live.diff import CHANGED, MISSING, UNEXPECTED, UNREAD, DesignDiff, diff_designs
from designer.live.diff_text import entry_line, format_diff
from designer.model import Design
from tests.helpers.factories import sid

ACCOUNTS = {"mgmt": "111111111111", "logs": "222222222222", "sec": "333333333333"}
ACCOUNTS |= {"prod": "444444444444", "pub": "555555555555"}


def account(key: str, name: str, functions: list[str], parent: str | None, **more: Any) -> Any:
    return {
        "id": key,
        "name": name,
        "aws_account_id": ACCOUNTS[key],
        "email": f"{key}@example.com",
        "functions": functions,
        "parent": parent,
        "state": "active",
        **more,
    }


def trust(key: str, source: str, target: str, role: str, level: str, **more: Any) -> Any:
    return {
        "id": key,
        "kind": "trust",
        "source": source,
        "target": target,
        "role_name": role,
        "access_level": level,
        **more,
    }


DENY = {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
DOCUMENT = {"Version": "2012-10-17", "Statement": [DENY]}


def planned_data() -> dict[str, Any]:
    """A design holding one of everything, each field set away from its default."""
    return {
        "format_version": 2,
        "name": "Planned",
        "organization": {
            "id": "o-org",
            "name": "Example",
            "organization_id": "o-abcdefghij",
            "management_account": "mgmt",
            "root_scps": ["scp-full"],
        },
        "organizational_units": [
            {"id": "ou-sec", "name": "Security", "scps": ["scp-deny"]},
            {"id": "ou-work", "name": "Workloads"},
        ],
        "accounts": [
            account("mgmt", "Management", ["management"], None),
            account("logs", "Log Archive", ["log-archive"], "ou-sec"),
            account("sec", "Security Tooling", ["security-tooling"], "ou-sec"),
            account(
                "prod",
                "Prod",
                ["workload"],
                "ou-work",
                environment="production",
                owner="Payments",
                tags={"CostCenter": "CC-1"},
                scps=["scp-deny"],
            ),
            account("pub", "Publishing", ["publishing"], "ou-work"),
        ],
        "identity_providers": [
            {"id": "idp-saml", "name": "Okta", "kind": "saml", "home_account": "sec"},
            {
                "id": "idp-oidc",
                "name": "GitHub",
                "kind": "oidc",
                "home_account": "prod",
                "metadata_url": "https://token.actions.githubusercontent.com",
            },
            {
                "id": "idp-ad",
                "name": "Corp AD",
                "kind": "directory-service",
                "directory_type": "managed-microsoft-ad",
                "home_account": "sec",
            },
        ],
        "outside_principals": [
            {"id": "x-vendor", "name": "Vendor", "aws_account_id": "999999999999"},
            {
                "id": "x-config",
                "name": "AWS Config",
                "kind": "service",
                "service_principal": "config.amazonaws.com",
            },
        ],
        "log_buckets": [
            {
                "id": "b-logs",
                "name": "org-logs",
                "account": "logs",
                "versioning": True,
                "mfa_delete": True,
                "object_lock": {"mode": "COMPLIANCE", "retention_days": 365},
                "kms_key": "alias/cloudtrail-logs",
                "access_logging": True,
                "organization_restricted_writes": True,
            },
            {"id": "b-spare", "name": "spare-logs", "account": "logs"},
        ],
        "service_control_policies": [
            {"id": "scp-full", "name": "FullAWSAccess", "aws_managed": True},
            {
                "id": "scp-deny",
                "name": "DenyDelete",
                "description": "No bucket deletes",
                "document": DOCUMENT,
            },
            {"id": "scp-other", "name": "Other", "document": DOCUMENT},
        ],
        "relationships": [
            trust(
                "t-audit",
                "sec",
                "prod",
                "Audit",
                "security-audit",
                require_mfa=True,
                organization_scoped=True,
                principal_scope="role",
                principal_role_name="Auditor",
                max_session_duration=7200,
            ),
            trust(
                "t-vendor", "x-vendor", "prod", "VendorRead", "read-only", external_id="vendor-42"
            ),
            trust("t-svc", "sec", "prod", "GuardAdmin", "service-admin", services=["guardduty"]),
            trust(
                "t-custom",
                "x-config",
                "prod",
                "Custom",
                "custom",
                managed_policy_arns=["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                source_account_condition=True,
                principal_type="workload",
            ),
            trust(
                "t-ci",
                "idp-oidc",
                "prod",
                "Deploy",
                "administrator",
                oidc_subjects=["repo:example/app:ref:refs/heads/main"],
            ),
            {
                "id": "f-okta",
                "kind": "federation",
                "source": "idp-saml",
                "target": "sec",
                "protocol": "saml",
                "mapped_roles": ["Admin"],
            },
            {
                "id": "f-ci",
                "kind": "federation",
                "source": "idp-oidc",
                "target": "prod",
                "protocol": "oidc",
                "permission_sets": ["Deployers"],
                "oidc_subjects": ["repo:example/app:*"],
            },
            {
                "id": "d-trail",
                "kind": "log-delivery",
                "source": "prod",
                "target": "logs",
                "log_types": ["cloudtrail"],
                "bucket": "b-logs",
            },
            {
                "id": "s-ram",
                "kind": "resource-share",
                "source": "pub",
                "target": "ou-work",
                "resource_type": "ram-share",
                "ram_resource_type": "ec2:Subnet",
                "resource_names": ["subnet-a", "subnet-b"],
            },
            {
                "id": "s-ami",
                "kind": "resource-share",
                "source": "pub",
                "target": "prod",
                "resource_type": "ami",
                "resource_names": ["golden-ami-2024", "base-linux", "win", "arm", "gpu"],
            },
            {
                "id": "r-da",
                "kind": "delegated-admin",
                "source": "mgmt",
                "target": "sec",
                "service_principals": ["guardduty.amazonaws.com"],
                "administers": "ou-work",
            },
        ],
    }


KEYS = {"o-org", "ou-sec", "ou-work", *ACCOUNTS, "idp-saml", "idp-oidc", "idp-ad", "x-vendor"}
KEYS |= {"x-config"}
KEYS |= {"b-logs", "b-spare", "scp-full", "scp-deny", "scp-other", "r-da"}
KEYS |= {"t-audit", "t-vendor", "t-svc", "t-custom", "t-ci", "f-okta", "f-ci", "d-trail"}
KEYS |= {"s-ram", "s-ami"}


def ID(key: str) -> str:
    """The design id the test calls `key`."""
    return sid(f"diff-fields-{key}")


def with_ids(node: Any) -> Any:
    if isinstance(node, str):
        return ID(node) if node in KEYS else node
    if isinstance(node, list):
        return [with_ids(v) for v in node]
    if isinstance(node, dict):
        return {k: with_ids(v) for k, v in node.items()}
    return node


def planned() -> Design:
    return Design.model_validate(with_ids(planned_data()))


def live(mutate: Callable[[dict[str, Any]], object]) -> Design:
    data = copy.deepcopy(planned_data())
    data["name"] = "Live"
    mutate(data)
    return Design.model_validate(with_ids(data))


def find(data: dict[str, Any], group: str, key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in data[group] if e["id"] == key)
    return found


def setting(group: str, key: str, **values: Any) -> Callable[[dict[str, Any]], object]:
    return lambda data: find(data, group, key).update(values)


def org(**values: Any) -> Callable[[dict[str, Any]], object]:
    return lambda data: data["organization"].update(values)


OTHER = {"Version": "2012-10-17", "Statement": [{**DENY, "Action": "s3:DeleteObject"}]}
ACC, REL = "accounts", "relationships"
# (what is changed, kind of the entry, field it names)
FIELDS: list[tuple[Callable[[dict[str, Any]], object], str, str]] = [
    (org(feature_set="CONSOLIDATED_BILLING"), "organization", "feature set"),
    (org(organization_id="o-zzzzzzzzzz"), "organization", "organization id"),
    (org(management_account="logs"), "organization", "management account"),
    (org(root_scps=["scp-full", "scp-other"]), "organization", "SCPs at the root"),
    (setting("organizational_units", "ou-work", scps=["scp-other"]), "ou", "SCPs"),
    (setting(ACC, "prod", name="Production"), "account", "name"),
    (setting(ACC, "prod", aws_account_id="444444444445"), "account", "account id"),
    (setting(ACC, "prod", email="other@example.com"), "account", "e-mail"),
    (setting(ACC, "prod", parent="ou-sec"), "account", "OU"),
    (setting(ACC, "prod", state="suspended"), "account", "state"),
    (setting(ACC, "prod", scps=[]), "account", "SCPs"),
    (setting(ACC, "prod", environment="development"), "account", "environment"),
    (setting(ACC, "prod", owner="Retail"), "account", "owner"),
    (setting(ACC, "prod", functions=["network"]), "account", "functions"),
    (setting(ACC, "sec", functions=["security-tooling", "backup"]), "account", "functions"),
    (setting(ACC, "prod", tags={"CostCenter": "CC-2"}), "account", "tags"),
    (
        setting("identity_providers", "idp-saml", home_account="prod"),
        "identity-provider",
        "home account",
    ),
    (
        setting("identity_providers", "idp-ad", directory_type="simple-ad"),
        "identity-provider",
        "directory type",
    ),
    (
        setting("identity_providers", "idp-oidc", metadata_url="https://gitlab.example.com"),
        "identity-provider",
        "issuer URL",
    ),
    (
        setting("outside_principals", "x-vendor", aws_account_id="888888888888"),
        "outside-principal",
        "identifier",
    ),
    (setting("log_buckets", "b-logs", account="sec"), "log-bucket", "owner account"),
    (setting("log_buckets", "b-spare", versioning=False), "log-bucket", "versioning"),
    (setting("log_buckets", "b-logs", mfa_delete=False), "log-bucket", "MFA Delete"),
    (setting("log_buckets", "b-logs", object_lock=None), "log-bucket", "Object Lock"),
    (setting("log_buckets", "b-logs", kms_key=None), "log-bucket", "KMS encryption"),
    (setting("log_buckets", "b-logs", kms_key="alias/other"), "log-bucket", "KMS key"),
    (setting("log_buckets", "b-logs", access_logging=False), "log-bucket", "access logging"),
    (
        setting("log_buckets", "b-logs", organization_restricted_writes=False),
        "log-bucket",
        "organization-restricted writes",
    ),
    (setting("service_control_policies", "scp-deny", document=OTHER), "scp", "document"),
    (setting("service_control_policies", "scp-deny", description="Other"), "scp", "description"),
    (setting(REL, "t-audit", access_level="read-only"), "trust", "access level"),
    (setting(REL, "t-audit", require_mfa=False), "trust", "require MFA"),
    (setting(REL, "t-vendor", external_id="vendor-43"), "trust", "external id"),
    (setting(REL, "t-vendor", external_id=None), "trust", "external id"),
    (setting(REL, "t-audit", organization_scoped=False), "trust", "organization condition"),
    (setting(REL, "t-audit", principal_role_name="Other"), "trust", "principal"),
    (setting(REL, "t-svc", services=["securityhub"]), "trust", "services"),
    (
        setting(REL, "t-custom", managed_policy_arns=["arn:aws:iam::aws:policy/PowerUserAccess"]),
        "trust",
        "managed policies",
    ),
    (setting(REL, "t-audit", max_session_duration=3600), "trust", "max session (s)"),
    (setting(REL, "t-custom", source_account_condition=False), "trust", "aws:SourceAccount"),
    (setting(REL, "t-ci", oidc_subjects=["repo:evil/app:*"]), "trust", "OIDC subjects"),
    (setting(REL, "f-okta", mapped_roles=["Admin", "Billing"]), "federation", "mapped roles"),
    (setting(REL, "f-ci", permission_sets=[]), "federation", "permission sets"),
    (setting(REL, "f-ci", oidc_subjects=[]), "federation", "OIDC subjects"),
    (setting(REL, "d-trail", multi_region=False), "log-delivery", "multi-Region"),
    (setting(REL, "d-trail", log_file_validation=False), "log-delivery", "log-file validation"),
    (setting(REL, "d-trail", bucket="b-spare"), "log-delivery", "bucket"),
    (
        setting(REL, "s-ram", ram_resource_type="ec2:TransitGateway"),
        "resource-share",
        "resource type",
    ),
    (setting(REL, "s-ram", resource_names=["subnet-a"]), "resource-share", "resources"),
    (
        setting(REL, "r-da", service_principals=["securityhub.amazonaws.com"]),
        "delegated-admin",
        "services",
    ),
    (setting(REL, "r-da", administers="ou-sec"), "delegated-admin", "administers"),
]


def test_the_planned_design_and_its_copy_do_not_differ() -> None:
    diff = diff_designs(planned(), live(lambda data: None))
    assert (diff.entries, diff.unread) == ([], [])


@pytest.mark.parametrize(
    ("mutate", "kind", "field"), FIELDS, ids=[f"{k}-{f}-{i}" for i, (_, k, f) in enumerate(FIELDS)]
)
def test_a_change_in_one_field_is_one_changed_entry_naming_it(
    mutate: Callable[[dict[str, Any]], object], kind: str, field: str
) -> None:
    diff = diff_designs(planned(), live(mutate))
    assert [(e.status, e.kind) for e in diff.entries] == [(CHANGED, kind)]
    assert [c.field for c in diff.entries[0].changes] == [field]
    assert diff.unread == []


def test_the_external_id_value_is_shown_and_a_placeholder_stands_for_any_value() -> None:
    [entry] = diff_designs(planned(), live(setting(REL, "t-vendor", external_id="x-1"))).entries
    assert [(c.planned, c.live) for c in entry.changes] == [("vendor-42", "x-1")]
    placeholder = planned()
    placeholder.relationships = [  # a value to agree with the vendor, not yet known
        r.model_copy(update={"external_id": "${ExternalId:Vendor}"})
        if r.id == ID("t-vendor")
        else r
        for r in placeholder.relationships
    ]
    assert diff_designs(placeholder, live(lambda data: None)).entries == []
    [entry] = diff_designs(placeholder, live(setting(REL, "t-vendor", external_id=None))).entries
    assert [(c.field, c.planned, c.live) for c in entry.changes] == [("external id", True, False)]


def test_an_account_function_the_import_infers_by_default_is_no_change() -> None:
    # an import names an untagged account "workload" when nothing shows another function
    assert diff_designs(planned(), live(setting(ACC, "pub", functions=["workload"]))).entries == []
    # its function tag is a fact
    tagged = setting(ACC, "pub", functions=["workload"], tags={"Function": "workload"})
    [entry] = diff_designs(planned(), live(tagged)).entries
    assert [(c.planned, c.live) for c in entry.changes] == [(["publishing"], ["workload"])]
    # one function of the several the plan gives it, as an import reads one: agrees
    several = setting(ACC, "sec", functions=["security-tooling", "log-archive"])
    plan = live(several)
    assert diff_designs(plan, live(lambda data: None)).entries == []


def test_kms_keys_named_differently_are_compared_only_when_comparable() -> None:
    arn = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    by_key = live(setting("log_buckets", "b-logs", kms_key=arn))
    assert diff_designs(planned(), by_key).entries == []  # an alias and a key: cannot tell
    alias_arn = "arn:aws:kms:eu-west-1:222222222222:alias/cloudtrail-logs"
    assert (
        diff_designs(planned(), live(setting("log_buckets", "b-logs", kms_key=alias_arn))).entries
        == []
    )
    other = "arn:aws:kms:eu-west-1:222222222222:alias/other-logs"
    [entry] = diff_designs(planned(), live(setting("log_buckets", "b-logs", kms_key=other))).entries
    assert [c.field for c in entry.changes] == ["KMS key"]


# -- a changed RAM resource type -------------------------------------------------------------------
def test_a_changed_ram_resource_type_is_one_change_not_missing_plus_unexpected() -> None:
    diff = diff_designs(
        planned(), live(setting(REL, "s-ram", ram_resource_type="ec2:TransitGateway"))
    )
    [entry] = diff.entries
    assert (
        entry.subject == "resource-share Publishing -> OU Workloads ec2:Subnet (subnet-a, subnet-b)"
    )
    assert (entry.planned_id, entry.live_id) == (ID("s-ram"), ID("s-ram"))
    line = entry_line(entry)
    assert line.endswith("resource type: ec2:Subnet -> ec2:TransitGateway")


def test_a_share_of_another_kind_is_still_missing_and_unexpected() -> None:
    diff = diff_designs(planned(), live(setting(REL, "s-ami", resource_type="ebs-snapshot")))
    assert sorted(e.status for e in diff.entries) == [MISSING, UNEXPECTED]


def test_share_subjects_name_their_resources_shortened() -> None:
    diff = diff_designs(planned(), live(lambda data: data[REL].remove(find(data, REL, "s-ami"))))
    [entry] = diff.entries
    assert entry.subject == (
        "resource-share Publishing -> Prod ami (golden-ami-2024, base-linux, win, +2 more)"
    )


# -- SCP documents as unified diffs ----------------------------------------------------------
def scp_diff() -> DesignDiff:
    return diff_designs(
        planned(), live(setting("service_control_policies", "scp-deny", document=OTHER))
    )


def test_a_changed_scp_prints_a_unified_diff_under_its_entry() -> None:
    text = format_diff(scp_diff(), "text").splitlines()
    assert text[1] == "changed     SCP DenyDelete: document: changed (diff below)"
    body = [line.strip() for line in text[2:]]
    assert body[:2] == ["--- planned", "+++ live"]
    assert body[2].startswith("@@ ")
    assert '-      "Action": "s3:DeleteBucket",' in body
    assert '+      "Action": "s3:DeleteObject",' in body
    assert all(line.startswith("            ") for line in text[2:])  # indented under it
    assert not any("Statement" in line and "Version" in line for line in text)  # no whole document


def test_a_changed_scp_is_a_fenced_diff_in_markdown_and_lines_in_json() -> None:
    markdown = format_diff(scp_diff(), "markdown")
    block = markdown.split("```diff\n", 1)[1].split("\n```", 1)[0].splitlines()
    assert block[:2] == ["--- planned", "+++ live"]
    assert '+      "Action": "s3:DeleteObject",' in block
    [change] = json.loads(format_diff(scp_diff(), "json"))["entries"][0]["changes"]
    assert change["diff"][:2] == ["--- planned", "+++ live"]


def test_backticks_in_a_policy_cannot_close_its_fence() -> None:
    fenced = {"Version": "2012-10-17", "Statement": [{**DENY, "Sid": "x```y"}]}
    diff = diff_designs(
        planned(), live(setting("service_control_policies", "scp-deny", document=fenced))
    )
    markdown = format_diff(diff, "markdown")
    assert "````diff\n" in markdown
    assert '+      "Sid": "x```y"' in markdown.split("````diff\n", 1)[1].split("\n````", 1)[0]


# -- what the live side could not read ------------------------------------------------------
def unread(key: str, *facts: str) -> Callable[[dict[str, Any]], object]:
    return setting(ACC, key, unread=list(facts))


def without(*relationships: str) -> Callable[[dict[str, Any]], object]:
    return lambda data: data.update(
        relationships=[r for r in data[REL] if r["id"] not in relationships]
    )


def both(*steps: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], object]:
    return lambda data: [step(data) for step in steps]


TRUSTS_INTO_PROD = ("t-audit", "t-vendor", "t-svc", "t-custom", "t-ci", "f-ci")
UNREAD_CASES: list[tuple[str, Callable[[dict[str, Any]], object], set[str]]] = [
    ("iam", both(unread("prod", "iam"), without(*TRUSTS_INTO_PROD)), set(TRUSTS_INTO_PROD)),
    (
        "contents",
        both(unread("prod", "contents"), without(*TRUSTS_INTO_PROD, "d-trail")),
        {*TRUSTS_INTO_PROD, "d-trail"},
    ),
    ("cloudtrail", both(unread("prod", "cloudtrail"), without("d-trail")), {"d-trail"}),
    ("shares", both(unread("pub", "shares"), without("s-ram", "s-ami")), {"s-ram", "s-ami"}),
    (
        "delegated administrators",
        both(org(unread=["delegated-administrators"]), without("r-da")),
        {"r-da"},
    ),
    (
        "buckets",
        both(
            unread("logs", "buckets"),
            lambda data: data.update(log_buckets=[]),
            setting(REL, "d-trail", bucket=None),  # in no bucket read
        ),
        {"b-logs", "b-spare"},
    ),
    (
        "iam of an identity provider's account",
        both(
            unread("sec", "iam"),
            lambda data: data["identity_providers"].remove(
                find(data, "identity_providers", "idp-saml")
            ),
            without("f-okta"),
        ),
        {"idp-saml", "f-okta"},
    ),
]


@pytest.mark.parametrize(("label", "mutate", "ids"), UNREAD_CASES, ids=[c[0] for c in UNREAD_CASES])
def test_what_could_not_be_read_is_not_compared_and_not_missing(
    label: str, mutate: Callable[[dict[str, Any]], object], ids: set[str]
) -> None:
    diff = diff_designs(planned(), live(mutate))
    assert diff.entries == []
    assert not diff.differs
    assert {e.planned_id for e in diff.unread} == {ID(i) for i in ids}
    assert {e.status for e in diff.unread} == {UNREAD}
    assert all(e.reason for e in diff.unread)


def test_an_unread_fact_of_another_account_leaves_a_missing_trust_missing() -> None:
    diff = diff_designs(planned(), live(both(unread("sec", "iam"), without("t-audit"))))
    assert [(e.status, e.planned_id) for e in diff.entries] == [(MISSING, ID("t-audit"))]
    assert diff.unread == []


def test_a_missing_log_delivery_of_a_type_that_was_read_is_missing() -> None:
    diff = diff_designs(planned(), live(both(unread("prod", "config"), without("d-trail"))))
    assert [(e.status, e.planned_id) for e in diff.entries] == [(MISSING, ID("d-trail"))]


def test_an_outside_principal_reached_only_through_unread_accounts_is_not_missing() -> None:
    def gone(data: dict[str, Any]) -> None:
        data["outside_principals"] = []

    diff = diff_designs(
        planned(), live(both(unread("prod", "iam"), without(*TRUSTS_INTO_PROD), gone))
    )
    assert diff.entries == []
    assert ID("x-vendor") in {e.planned_id for e in diff.unread}


def test_unread_tags_leave_environment_owner_functions_and_tags_uncompared() -> None:
    tags_unread = both(
        unread("prod", "tags"),
        setting(ACC, "prod", environment="none", owner="", tags={}, functions=["network"]),
    )
    diff = diff_designs(planned(), live(tags_unread))
    assert diff.entries == []
    [entry] = diff.unread
    assert (entry.kind, entry.planned_id) == ("account", ID("prod"))
    assert "tags could not be read" in entry.reason
    renamed = both(tags_unread, setting(ACC, "prod", name="Production"))
    [entry] = diff_designs(planned(), live(renamed)).entries
    assert [c.field for c in entry.changes] == ["name"]  # what was read is still compared


BUCKET_FACTS = [
    ("versioning", {"versioning": True, "mfa_delete": False}, {"MFA Delete"}),
    ("object-lock", {"object_lock": None}, {"Object Lock"}),
    ("encryption", {"kms_key": None}, {"KMS encryption"}),
    ("access-logging", {"access_logging": False}, {"access logging"}),
    (
        "bucket-policy",
        {"organization_restricted_writes": False},
        {"organization-restricted writes"},
    ),
]


@pytest.mark.parametrize(
    ("fact", "values", "fields"), BUCKET_FACTS, ids=[b[0] for b in BUCKET_FACTS]
)
def test_an_unread_bucket_setting_is_skipped(
    fact: str, values: dict[str, Any], fields: set[str]
) -> None:
    changed = setting("log_buckets", "b-logs", **values)
    reported = {c.field for e in diff_designs(planned(), live(changed)).entries for c in e.changes}
    assert reported == fields  # read, the change is seen
    diff = diff_designs(planned(), live(setting("log_buckets", "b-logs", unread=[fact], **values)))
    assert diff.entries == []
    [entry] = diff.unread
    assert (entry.kind, entry.live_id) == ("log-bucket", ID("b-logs"))


def test_unread_entries_are_printed_last_and_do_not_change_the_exit_code() -> None:
    diff = diff_designs(planned(), live(both(unread("pub", "shares"), without("s-ram", "s-ami"))))
    text = format_diff(diff, "text").splitlines()
    assert text[0] == "Planned (planned) vs Live (live): no differences; 2 not compared (not read)"
    assert text[1].startswith("unread      resource-share Publishing -> OU Workloads ec2:Subnet")
    assert "not compared, account Publishing (555555555555) could not be read: shares" in text[1]
    data = json.loads(format_diff(diff, "json"))
    assert data["differs"] is False
    assert [u["planned_id"] for u in data["unread"]] == [ID("s-ram"), ID("s-ami")]
    assert "| unread |" in format_diff(diff, "markdown")


def test_the_command_exits_0_when_only_unread_things_were_not_compared(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from designer.cli import main
    from designer.model import save_design

    plan, found = tmp_path / "planned.json", tmp_path / "live.json"
    save_design(planned(), plan)
    save_design(live(both(unread("pub", "shares"), without("s-ram", "s-ami"))), found)
    assert main(["diff", str(plan), str(found)]) == 0
    assert "2 not compared" in capsys.readouterr().out.splitlines()[0]
    save_design(live(without("s-ram")), found)
    assert main(["diff", str(plan), str(found)]) == 1


def test_change_lines_give_values_on_one_line_then_each_line_of_a_diff() -> None:
    from designer.live.diff_text import change_lines

    [entry] = scp_diff().entries
    lines = change_lines(entry.changes)
    assert lines[0] == "document: changed (diff below)"
    assert lines[1:3] == ["--- planned", "+++ live"]
    assert all("\n" not in line for line in lines)
    [entry] = diff_designs(planned(), live(setting(REL, "t-audit", require_mfa=False))).entries
    assert change_lines(entry.changes) == ["require MFA: yes -> no"]
    assert change_lines(()) == []


def test_aws_words_the_description_of_its_own_policies_its_way() -> None:
    worded = setting("service_control_policies", "scp-full", description="Allows everything")
    plan = live(setting("service_control_policies", "scp-full", description="Allow all; deny"))
    assert diff_designs(plan, live(worded)).entries == []
