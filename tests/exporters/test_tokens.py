"""Tokens: the builders spell partition and unknown ids once; each format fills them in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.artefacts.tokens import PARTITION, arn, managed_policy, plain
from designer.cli import main
from designer.model.templates import load_template
from exporters.cloudformation import Index, Template, rendered
from tests.helpers.factories import TEMPLATES


def test_an_arn_carries_the_partition_token() -> None:
    assert arn("iam", "role/Audit", account="111122223333") == (
        f"arn:{PARTITION}:iam::111122223333:role/Audit"
    )
    assert managed_policy("SecurityAudit") == f"arn:{PARTITION}:iam::aws:policy/SecurityAudit"


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_plain_fills_in_the_chosen_partition_everywhere(partition: str) -> None:
    document = {"Statement": [{"Resource": [arn("s3", "bucket"), "*"], "Sid": "A"}]}
    assert plain(document, partition) == {
        "Statement": [{"Resource": [f"arn:{partition}:s3:::bucket", "*"], "Sid": "A"}]
    }


def test_cloudformation_turns_tokens_into_sub_and_parameters() -> None:
    design = load_template("reference-landing-zone")
    planned = design.accounts[-1].model_copy(update={"aws_account_id": None})  # not created yet
    organization = design.organization.model_copy(update={"organization_id": None})
    design = design.model_copy(
        update={"accounts": [*design.accounts[:-1], planned], "organization": organization}
    )
    ix = Index(design)
    t = Template("test")
    document = {
        "Principal": {"AWS": arn("iam", "root", account=f"${{AccountId:{planned.name}}}")},
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "${OrganizationId}"}},
        "Note": "costs ${5} and ${Unknown}",
        "Plain": "no token",
    }
    out = rendered(t, ix, document)
    principal = out["Principal"]["AWS"]["Fn::Sub"]
    assert principal.startswith("arn:${AWS::Partition}:iam::${AccountId")
    parameter = principal.split("${")[2].split("}")[0]
    assert t.parameters[parameter]["AllowedPattern"] == "^[0-9]{12}$"
    assert t.placeholders[parameter] == f"${{AccountId:{planned.name}}}"
    assert out["Condition"]["StringEquals"]["aws:PrincipalOrgID"] == {"Ref": "OrganizationId"}
    assert t.parameters["OrganizationId"]["AllowedPattern"].startswith("^o-")
    # Text that only looks like a token stays text (escaped for Fn::Sub, or left alone).
    assert out["Note"] == "costs ${5} and ${Unknown}"
    assert out["Plain"] == "no token"


def test_export_partition_option(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    design = TEMPLATES / "reference-landing-zone.json"
    code = main(["export", str(design), "-o", str(tmp_path), "--format", "policies",
                 "--partition", "aws-us-gov"])  # fmt: skip
    assert code == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["partition"] == "aws-us-gov"
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "policies").rglob("*.json")]
    assert any("arn:aws-us-gov:" in text for text in texts)
    assert not any(PARTITION in text for text in texts)


def test_export_refuses_an_unknown_partition(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    design = TEMPLATES / "reference-landing-zone.json"
    assert main(["export", str(design), "-o", str(tmp_path), "--partition", "aws-moon"]) == 2
    assert not (tmp_path / "manifest.json").exists()
    assert "aws-moon" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["reference-landing-zone", "publishing", "identity"])
def test_no_export_hard_codes_the_commercial_partition(tmp_path: Path, name: str) -> None:
    """GovCloud: the policies and the plan's commands name aws-us-gov; the templates name no
    partition but ${AWS::Partition} (they deploy in any)."""
    design = load_template(name)
    from exporters.base import export_design

    export_design(design, tmp_path, ["policies", "cloudformation", "plan"], partition="aws-us-gov")
    for path in tmp_path.rglob("*"):
        if path.suffix in (".json", ".md") and path.name != "design.json":
            text = path.read_text(encoding="utf-8")
            assert "arn:aws:" not in text, path.relative_to(tmp_path)
    plan = (tmp_path / "plan" / "deployment-plan.json").read_text(encoding="utf-8")
    assert "arn:aws-us-gov:" in plan or "arn:" not in plan  # publishing's plan names no ARN
