"""A malformed LZA configuration is one line naming the file and the YAML path; never a
traceback, never a half-read design."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.engines.lza.read import read
from designer.engines.report import ConfigError
from tests.engines.lza_kit import config_copy, edit


def _error(folder: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        read(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert "Traceback" not in message
    return message


ACCOUNTS_CASES = [
    (
        "accountIds:\n",
        "accountIds: none\nlater:\n",
        "accounts-config.yaml: accountIds: expected a list, found text",
    ),
    (
        "    email: network@example.com\n",
        "",
        "accounts-config.yaml: workloadAccounts[0].email: required and missing",
    ),
    (
        "organizationalUnit: Workloads/Retail/Web\n",
        "organizationalUnit: Workloads/Nowhere\n",
        "accounts-config.yaml: workloadAccounts[2].organizationalUnit: "
        "unknown OU 'Workloads/Nowhere'",
    ),
    (
        "accountId: '111111111111'",
        "accountId: '1111'",
        "accounts-config.yaml: accountIds[0].accountId: not a 12-digit account id",
    ),
    (
        "email: parked@example.com",
        "email: not-an-address",
        "accounts-config.yaml: workloadAccounts[3].email: not an e-mail address",
    ),
    (
        "  - name: RetailWeb\n",
        "  - name: Network\n",
        "accounts-config.yaml: workloadAccounts[2].name: account 'Network' listed twice",
    ),
    (
        "  - name: Network\n",
        "  - name: [Network]\n",
        "accounts-config.yaml: workloadAccounts[0].name: expected text, found a list",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), ACCOUNTS_CASES)
def test_malformed_accounts(tmp_path: Path, old: str, new: str, expected: str) -> None:
    folder = config_copy(tmp_path)
    edit(folder, "accounts-config.yaml", old, new)
    assert _error(folder).startswith(expected)


ORGANIZATION_CASES = [
    (
        "type: awsManaged",
        "type: managed",
        "organization-config.yaml: serviceControlPolicies[0].type: "
        "expected awsManaged or customerManaged",
    ),
    (
        "        - CanaryWeb\n",
        "        - Nobody\n",
        "organization-config.yaml: "
        "serviceControlPolicies[3].deploymentTargets.accounts[0]: unknown account 'Nobody'",
    ),
    (
        "        - Suspended\n",
        "        - Parked/OU\n",
        "organization-config.yaml: serviceControlPolicies[4].deploymentTargets."
        "organizationalUnits[0]: unknown OU 'Parked/OU'",
    ),
    (
        "policy: service-control-policies/canary.json",
        "policy: service-control-policies/missing.json",
        "organization-config.yaml: serviceControlPolicies[3].policy: "
        "file service-control-policies/missing.json not found",
    ),
    (
        "policy: service-control-policies/canary.json",
        "policy: ../outside.json",
        "organization-config.yaml: serviceControlPolicies[3].policy: "
        "file ../outside.json not found",
    ),
    (
        "scpPolicyName: Quarantine",
        "scpPolicyName: Nothing",
        "organization-config.yaml: quarantineNewAccounts.scpPolicyName: unknown SCP 'Nothing'",
    ),
    (
        "  - name: Workloads/Retail\n",
        "  - name: Workloads//Retail\n",
        "organization-config.yaml: organizationalUnits[3].name: bad OU path",
    ),
    (
        "enable: true\n",
        "enable: true\nenable: false\n",
        "organization-config.yaml: line 6: duplicate key 'enable'",
    ),
    ("  - name: Legacy\n", "  - name: Legacy: [\n", "organization-config.yaml: line"),
    (
        "    description: Deny everything\n",
        "    description: Deny everything\n    description: twice\n",
        "organization-config.yaml: line",
    ),
    (
        "enable: true\n",
        "enable: true\n.loop: &loop\n  - *loop\n",
        "organization-config.yaml: line 6: found unconstructable recursive node",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), ORGANIZATION_CASES)
def test_malformed_organization(tmp_path: Path, old: str, new: str, expected: str) -> None:
    folder = config_copy(tmp_path)
    edit(folder, "organization-config.yaml", old, new)
    assert _error(folder).startswith(expected)


def test_a_policy_file_that_is_not_json(tmp_path: Path) -> None:
    folder = config_copy(tmp_path)
    (folder / "service-control-policies" / "canary.json").write_text("{not json")
    message = _error(folder)
    assert message.startswith("organization-config.yaml: serviceControlPolicies[3].policy: ")
    assert "canary.json is not valid JSON" in message


def test_a_policy_file_that_is_not_an_scp_is_one_line_naming_it(tmp_path: Path) -> None:
    folder = config_copy(tmp_path)
    odd = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Odd": 1}]}'
    (folder / "service-control-policies" / "canary.json").write_text(odd)
    message = _error(folder)
    assert message.startswith("organization-config.yaml: serviceControlPolicies[3].policy: ")
    assert message.endswith("canary.json: $.Statement[0].Odd: unknown statement element")
    assert "\n" not in message


IAM_CASES = [
    (
        "principal: CorporateIdP",
        "principal: OtherIdP",
        "iam-config.yaml: roleSets[3].roles[0].assumedBy[0].principal: unknown provider 'OtherIdP'",
    ),
    (
        "principal: Identity\n",
        "principal: Stranger\n",
        "iam-config.yaml: roleSets[0].roles[1].assumedBy[0].principal: unknown account 'Stranger'",
    ),
    (
        "maxSessionDuration: 7200",
        "maxSessionDuration: long",
        "iam-config.yaml: roleSets[0].roles[0].maxSessionDuration: expected a whole number",
    ),
    (
        "maxSessionDuration: 7200",
        "maxSessionDuration: 99999",
        "iam-config.yaml: roleSets[0].roles[0]: not a role the design can hold",
    ),
    (
        "- type: service",
        "- type: group",
        "iam-config.yaml: roleSets[2].roles[2].assumedBy[0].type: "
        "expected account, service, principalArn or provider",
    ),
    (
        "principal: arn:aws:iam::333333333333:role/SecurityAnalyst",
        "principal: not-an-arn",
        "iam-config.yaml: roleSets[1].roles[0].assumedBy[0].principal: not an IAM principal ARN",
    ),
    (
        "permissionSetName: ReadOnlyAccess",
        "permissionSetName: Unknown",
        "iam-config.yaml: identityCenter.identityCenterAssignments[1].permissionSetName: "
        "unknown permission set 'Unknown'",
    ),
    (
        "        policy: iam-policies/data-pipeline-admin.json",
        "        policy: iam-policies/none.json",
        "iam-config.yaml: policySets[0].policies[0].policy: file iam-policies/none.json not found",
    ),
    (
        "  delegatedAdminAccount: Identity",
        "  delegatedAdminAccount: Nobody",
        "iam-config.yaml: identityCenter.delegatedAdminAccount: unknown account 'Nobody'",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), IAM_CASES)
def test_malformed_iam(tmp_path: Path, old: str, new: str, expected: str) -> None:
    folder = config_copy(tmp_path, "identity")
    edit(folder, "iam-config.yaml", old, new)
    assert _error(folder).startswith(expected)


def test_malformed_logging_and_security(tmp_path: Path) -> None:
    folder = config_copy(tmp_path, "identity")
    edit(folder, "global-config.yaml", "  account: LogArchive", "  account: Missing")
    assert _error(folder).startswith("global-config.yaml: logging.account: unknown account")
    folder = config_copy(tmp_path / "2", "identity")
    edit(
        folder,
        "security-config.yaml",
        "  guardduty:\n    enable: true",
        "  guardduty:\n    enable: yes please",
    )
    assert _error(folder).startswith(
        "security-config.yaml: centralSecurityServices.guardduty.enable: expected true or false"
    )


def test_unresolved_placeholders_are_gaps_not_failures(tmp_path: Path) -> None:
    folder = config_copy(tmp_path)
    edit(folder, "accounts-config.yaml", "accountId: '012345678901'", "accountId: '{{ CanaryId }}'")
    design, report = read(folder)
    canary = next(a for a in design.accounts if a.name == "CanaryWeb")
    assert canary.aws_account_id is None
    assert any(g.where == "accounts-config.yaml: accountIds[3].accountId" for g in report.gaps)
