"""Policy files as LZA reads them: only LZA's own variables (${PARTITION}, ...; utils/lib/
policy-replacements.ts), LZA's own roles spared by the guardrails, a quarantine LZA's pipeline
survives; and on convert LZA's variables resolved, the rest reported."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from designer.artefacts.tokens import PARTITION
from designer.engines.files import write_files
from designer.engines.lza.read import read
from designer.engines.lza.write import write_config
from designer.model.governance import ServiceControlPolicy
from designer.model.ids import stable_id
from designer.model.templates import load_template
from designer.model.vocabulary import AccountState

CONFIGS = Path(__file__).parent / "configs" / "lza"
LZA_VARIABLES = {"${PARTITION}", "${ACCELERATOR_PREFIX}"}
ACCELERATOR = "arn:${PARTITION}:iam::*:role/${ACCELERATOR_PREFIX}*"
CDK = "arn:${PARTITION}:iam::*:role/cdk-accel*"


def _policy_files(design: Any) -> dict[str, dict[str, Any]]:
    return {f.path: json.loads(f.text) for f in write_config(design) if f.path.endswith(".json")}


def _exemptions(document: dict[str, Any]) -> list[list[str]]:
    found = []
    for statement in document["Statement"]:
        for operator, block in statement.get("Condition", {}).items():
            for key, value in block.items():
                if operator == "ArnNotLike" and key.lower() == "aws:principalarn":
                    found.append(value if isinstance(value, list) else [value])
    return found


def test_policy_files_hold_only_variables_lza_fills_in() -> None:
    files = _policy_files(load_template("reference-landing-zone"))
    text = json.dumps(files)
    assert set(re.findall(r"\$\{[^}]*\}", text)) <= LZA_VARIABLES
    assert "arn:${PARTITION}:iam::*:role/OrganizationAccountAccessRole" in text


def test_the_partition_comes_back_as_the_design_token(tmp_path: Path) -> None:
    design = load_template("reference-landing-zone")
    write_files(write_config(design), tmp_path)
    converted, _ = read(tmp_path)
    documents = json.dumps([p.document for p in converted.service_control_policies])
    assert PARTITION in documents
    assert "${PARTITION}" not in documents
    assert "ACCELERATOR_PREFIX" not in documents
    assert "cdk-accel" not in documents


def test_guardrails_spare_lza_roles_wherever_they_spare_the_access_role() -> None:
    files = _policy_files(load_template("reference-landing-zone"))
    sparing = [
        patterns
        for document in files.values()
        for patterns in _exemptions(document)
        if any("OrganizationAccountAccessRole" in p for p in patterns)
    ]
    assert len(sparing) >= 3  # ProtectSecurityServices, ProtectLogArchive, DenyIamUsers...
    assert all(ACCELERATOR in p and CDK in p for p in sparing)
    security = files["service-control-policies/protectsecurityservices.json"]
    assert all(ACCELERATOR in p for p in _exemptions(security))


def _organization(design: Any) -> dict[str, Any]:
    import yaml

    text = next(f.text for f in write_config(design) if f.path == "organization-config.yaml")
    return {"data": yaml.safe_load(text), "text": text}


def test_new_accounts_are_never_quarantined_by_a_deny_all_lza_cannot_pass() -> None:
    written = _organization(load_template("reference-landing-zone"))
    assert "quarantineNewAccounts" not in written["data"]
    assert "quarantineNewAccounts is left out" in written["text"]


def test_a_quarantine_sparing_the_access_role_spares_lza_roles_and_is_used() -> None:
    design = load_template("reference-landing-zone")
    sparing = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {
                    "ArnNotLike": {
                        "aws:PrincipalArn": [
                            f"arn:{PARTITION}:iam::*:role/OrganizationAccountAccessRole"
                        ]
                    }
                },
            }
        ],
    }
    design.service_control_policies = [
        *design.service_control_policies,
        ServiceControlPolicy(id=stable_id("test", "hold"), name="Hold", document=sparing),
    ]
    written = _organization(design)
    assert written["data"]["quarantineNewAccounts"] == {"enable": True, "scpPolicyName": "Hold"}


def test_lza_variables_in_policy_files_are_resolved_on_convert() -> None:
    design, report = read(CONFIGS / "variables")
    scps = {p.name: p.document or {} for p in design.service_control_policies}
    spared = scps["Quarantine"]["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalARN"]
    assert spared == [
        f"arn:{PARTITION}:iam::*:role/CorpAccessRole",  # global-config managementAccountAccessRole
        f"arn:{PARTITION}:iam::*:role/AWSAccelerator*",  # LZA's default prefix
    ]
    guard = scps["Guardrails"]["Statement"][0]
    assert guard["Condition"]["ArnNotLike"]["aws:PrincipalARN"] == [
        f"arn:{PARTITION}:iam::*:role/OrganizationAccountAccessRole"
    ]
    gaps = [f"{g.where}: {g.what}" for g in report.gaps]
    assert any("${ACCEL_LOOKUP::ACCOUNT_ID:ORG}" in g and "guardrails.json" in g for g in gaps)
    assert any("LZA's own roles" in g for g in gaps)


def test_an_account_with_an_account_id_exists() -> None:
    design, _ = read(CONFIGS / "variables")
    states = {a.name: a.state for a in design.accounts}
    assert states["Management"] == AccountState.ACTIVE
    assert states["Web"] == AccountState.PLANNED
