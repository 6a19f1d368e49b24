"""org-formation round trips: export, then convert, gives back everything CARRIES lists, for every
bundled template and the synthetic 2,000-account organization; the same design gives the same
bytes; hostile user text survives the trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synthetic import synthetic_design
from designer.engines.carried import CONCEPTS, carried
from designer.engines.convert import convert
from designer.engines.files import write_files
from designer.engines.orgformation import CARRIES, ORGANIZATION_FILE, TASKS_FILE
from designer.engines.orgformation.write import write_config
from designer.model.design import Design
from designer.model.governance import ServiceControlPolicy
from designer.model.ids import stable_id
from designer.model.nodes import Account, Organization, OrganizationalUnit, OutsidePrincipal
from designer.model.relationships import BillingRelationship, TrustRelationship
from designer.model.templates import load_template, template_paths
from designer.model.vocabulary import (
    AccessLevel,
    AccountFunction,
    OutsideKind,
    PrincipalScope,
    PrincipalType,
)
from tests.engines.roundtrip import assert_same, round_trip

TEMPLATES = sorted(template_paths())


def test_carries_names_known_concepts() -> None:
    assert set(CARRIES) <= {c.key for c in CONCEPTS}


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_round_trip(name: str, tmp_path: Path) -> None:
    design = load_template(name)
    converted, report = round_trip(design, write_config, CARRIES, tmp_path)
    assert report.engine == "org-formation"
    assert ORGANIZATION_FILE in report.files
    assert TASKS_FILE in report.files
    assert not report.unmodelled  # every file written is read
    assert len(converted.accounts) == len(design.accounts)


def test_synthetic_round_trip(tmp_path: Path) -> None:
    design = synthetic_design(2000)
    converted, _ = round_trip(design, write_config, CARRIES, tmp_path)
    assert len(converted.accounts) == 2000
    assert len(converted.organizational_units) == len(design.organizational_units)


@pytest.mark.parametrize("opened", [ORGANIZATION_FILE, TASKS_FILE])
def test_opening_either_file_reads_both(opened: str, tmp_path: Path) -> None:
    design = load_template("reference-landing-zone")
    _, report = round_trip(design, write_config, CARRIES, tmp_path, opened)
    assert {ORGANIZATION_FILE, TASKS_FILE} <= set(report.files)


@pytest.mark.parametrize("name", ["reference-landing-zone", "information-security"])
def test_same_design_same_bytes(name: str) -> None:
    first = write_config(load_template(name))
    second = write_config(load_template(name))
    assert [(f.path, f.text) for f in first] == [(f.path, f.text) for f in second]


def test_conversion_is_deterministic(tmp_path: Path) -> None:
    write_files(write_config(load_template("reference-landing-zone")), tmp_path)
    first, _ = convert(tmp_path)
    second, _ = convert(tmp_path)
    assert first.model_dump() == second.model_dump()


# -- a design of user text that YAML, !Sub and org-formation's ${...} would misread --------------
HOSTILE = [
    "Prod: 'eu' #1",
    'say "hi" - & *star',
    "${Evil} and ${!x}",
    "- dash\nsecond line",
    "!Ref MasterAccount",
    "0123",
    "yes",
    "ünïcødé 🚀",
]


def _hostile_design() -> Design:
    def sid(*parts: str) -> str:
        return stable_id("test-hostile", *parts)

    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::${bucket}"}],
    }
    scp = ServiceControlPolicy(
        id=sid("scp"), name=HOSTILE[2], description=HOSTILE[1], document=deny
    )
    units = [OrganizationalUnit(id=sid("ou", str(n)), name=n_) for n, n_ in enumerate(HOSTILE[:3])]
    units.append(OrganizationalUnit(id=sid("ou", "child"), name=HOSTILE[3], parent=units[0].id))
    management = Account(
        id=sid("mgmt"),
        name="Management",
        aws_account_id="012345678901",
        email="root@example.com",
        functions=[AccountFunction.MANAGEMENT],
    )
    members = [
        Account(
            id=sid("account", str(n)),
            name=text,
            email=f"a{n}@example.com",
            functions=[AccountFunction.WORKLOAD],
            parent=units[n % len(units)].id,
            tags={text: text, "id": "000000000001", "flag": HOSTILE[6]},
            scps=[scp.id] if n == 1 else [],
        )
        for n, text in enumerate(HOSTILE)
    ]
    vendor = OutsidePrincipal(
        id=sid("vendor"),
        name="vendor",
        kind=OutsideKind.EXTERNAL_ACCOUNT,
        aws_account_id="999999999999",
    )
    trusts = [
        TrustRelationship(
            id=sid("trust", "planned"),
            source=members[2].id,  # a planned account named "${Evil} and ${!x}"
            target=units[3].id,
            role_name="Auditor",
            access_level=AccessLevel.READ_ONLY,
            require_mfa=True,
            excluded_accounts=[members[7].id],  # in the child OU: the scope
        ),
        TrustRelationship(
            id=sid("trust", "vendor"),
            source=vendor.id,
            target=members[5].id,
            role_name="Vendor",
            access_level=AccessLevel.READ_ONLY,
            external_id="ext:vendor/7f=3a",
            principal_scope=PrincipalScope.ROLE,
            principal_role_name="integration",
            principal_type=PrincipalType.WORKLOAD,
        ),
        TrustRelationship(
            id=sid("trust", "org"),
            source=members[0].id,
            target=sid("org"),
            role_name="Admin",
            access_level=AccessLevel.ADMINISTRATOR,
            organization_scoped=True,
            max_session_duration=7200,
        ),
    ]
    billing = [
        BillingRelationship(id=sid("billing", a.id), source=management.id, target=a.id)
        for a in members
    ]
    return Design(
        name=HOSTILE[0],
        organization=Organization(
            id=sid("org"),
            name=HOSTILE[1],
            management_account=management.id,
            root_scps=[scp.id],
        ),
        organizational_units=units,
        accounts=[management, *members],
        outside_principals=[vendor],
        service_control_policies=[scp],
        relationships=[*trusts, *billing],
    )


def test_hostile_text_survives(tmp_path: Path) -> None:
    design = _hostile_design()
    converted, _ = round_trip(design, write_config, CARRIES, tmp_path)
    names = {a.name for a in converted.accounts}
    assert set(HOSTILE) <= names
    tags = next(a.tags for a in converted.accounts if a.name == HOSTILE[4])
    assert tags == {HOSTILE[4]: HOSTILE[4], "id": "000000000001", "flag": "yes"}
    scp = converted.service_control_policies[0]
    assert scp.document is not None
    assert scp.document["Statement"][0]["Resource"] == "arn:aws:s3:::${bucket}"


def test_hostile_text_stays_literal_in_sub(tmp_path: Path) -> None:
    """A planned account named '${Evil}...' is named by its logical id in !Sub, never by its
    name: org-formation would otherwise look up a resource called Evil."""
    files = {f.path: f.text for f in write_config(_hostile_design())}
    role = files["roles/auditor.yml"]
    assert "${Evil}" not in role
    assert "Account}:root'" in role  # the account's logical id in the principal ARN
    vendor = files["roles/vendor.yml"]
    assert "sts:ExternalId: ext:vendor/7f=3a" in vendor
    assert carried(_hostile_design(), CARRIES).accounts  # the design itself is valid


def test_round_trip_of_the_converted_design(tmp_path: Path) -> None:
    """Converting the export of a converted design changes nothing: the reader's output is a
    fixed point of the writer."""
    write_files(write_config(load_template("reference-landing-zone")), tmp_path / "one")
    first, _ = convert(tmp_path / "one")
    write_files(write_config(first), tmp_path / "two")
    second, _ = convert(tmp_path / "two")
    assert_same(carried(first, CARRIES), carried(second, CARRIES))
