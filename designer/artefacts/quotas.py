"""AWS quotas a deployable design must stay within, in one place for the rules and the builders."""

from __future__ import annotations

MAX_ATTACHED_SCPS = 5  # SCPs per root, OU or account, FullAWSAccess included
MAX_SCP_CHARACTERS = 5120
