"""Landing Zone Accelerator (LZA): a design written as an LZA configuration folder and read back.

write.py / write_iam.py / write_services.py write accounts-config.yaml, organization-config.yaml,
iam-config.yaml, global-config.yaml and security-config.yaml with the policy files they name;
read.py (with read_iam.py, read_services.py) converts such a folder, replacements and
placeholders resolved first (replacements.py). names.py gives every account and OU the name LZA
accepts and keeps the design's own name where the two differ.

CARRIES lists what export -> convert gives back exactly (tests/engines/test_lza_roundtrip.py).
"""

from __future__ import annotations

CARRIES: dict[str, str] = {
    "ous": "organization-config.yaml: organizationalUnits[].name (paths)",
    "accounts": "accounts-config.yaml: mandatoryAccounts, workloadAccounts (organizationalUnit)",
    "account_email": "accounts-config.yaml: *Accounts[].email",
    "account_id": "accounts-config.yaml: accountIds[] (email -> accountId)",
    "account_purpose": "accounts-config.yaml: *Accounts[].description",
    "management": "accounts-config.yaml: mandatoryAccounts Management",
    "core_functions": "accounts-config.yaml: mandatoryAccounts LogArchive, Audit",
    "scps": "organization-config.yaml: serviceControlPolicies[] (policy file, deploymentTargets)",
    "scp_descriptions": "organization-config.yaml: serviceControlPolicies[].description",
    "trusts": "iam-config.yaml: roleSets[] (roles, assumedBy, policies, deploymentTargets)",
    "trust_session": "iam-config.yaml: roleSets[].roles[].maxSessionDuration",
    "outside_principals": "iam-config.yaml: roles[].assumedBy (account id, service)",
    "billing": "implied by membership (accounts-config.yaml)",
}

ACCOUNTS_FILE = "accounts-config.yaml"
ORGANIZATION_FILE = "organization-config.yaml"
IAM_FILE = "iam-config.yaml"
GLOBAL_FILE = "global-config.yaml"
SECURITY_FILE = "security-config.yaml"
REPLACEMENTS_FILE = "replacements-config.yaml"
SCP_FOLDER = "service-control-policies"
IAM_POLICY_FOLDER = "iam-policies"

# LZA's mandatory accounts go by these names (AccountsConfig.MANAGEMENT_ACCOUNT, ...).
MANAGEMENT = "Management"
LOG_ARCHIVE = "LogArchive"
AUDIT = "Audit"
ROOT = "Root"  # the organization root in deploymentTargets.organizationalUnits
MAX_OU_DEPTH = 5  # LZA manages OU paths up to five levels
# An account the design gives no e-mail: LZA needs one, so a placeholder on the reserved
# .invalid domain (RFC 2606) stands in; reading one back gives no e-mail.
PLACEHOLDER_EMAIL_DOMAIN = "replace-me.invalid"
