"""AWS quotas a deployable design must stay within, in one place for the rules and the builders."""

from __future__ import annotations

MAX_ATTACHED_SCPS = 5  # SCPs per root, OU or account, FullAWSAccess included
MAX_SCP_CHARACTERS = 5120
# IAM quotas of a role (IAM User Guide, "IAM and AWS STS quotas"): both are defaults that Service
# Quotas can raise, to 20 managed policies and to 4,096 characters of trust policy.
MAX_ROLE_MANAGED_POLICIES = 10
MAX_ROLE_MANAGED_POLICIES_RAISED = 20
MAX_TRUST_POLICY_CHARACTERS = 2048
MAX_TRUST_POLICY_CHARACTERS_RAISED = 4096
MAX_MANAGED_POLICY_CHARACTERS = 6144  # a customer managed policy document, whitespace excluded
