"""The import's defaults, light to import: the command line shows them in its help without
loading boto3."""

from __future__ import annotations

from designer.artefacts.protections import ORGANIZATION_ACCESS_ROLE

DEFAULT_ROLE = ORGANIZATION_ACCESS_ROLE  # assumed in member accounts (--role-name)
DEFAULT_DEADLINE = 1800.0  # seconds: the longest an import reads (--timeout, the editor)
