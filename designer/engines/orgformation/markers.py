"""What organization.yml cannot say about an SCP, kept in a comment line the reader reads back
(org-formation ignores comments, so the deployable file holds nothing but org-formation's own
properties):

    # design-scp {"name":"DenyLeaving","partition":"aws","generated":"placeholder","sha256":"..."}

- partition: the design's document named "the partition" (the export wrote the one chosen);
  reading it back turns "arn:<that partition>:" into the design's partition token again.
- generated: the SCP is one the export generated (placeholder: for an SCP the design names
  without a document; usage-policy: a guardrail of the usage policy).
- sha256: of the document as written. A document edited since export no longer matches, so the
  comment no longer applies (the reader keeps the SCP as written and says so).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

MARKER = "design-scp"
PLACEHOLDER, USAGE_POLICY = "placeholder", "usage-policy"
_COMMENT = re.compile(r"^#\s*design-scp (\{.*\})\s*$")


@dataclass(frozen=True)
class ScpMark:
    name: str
    partition: str | None  # the partition that stands for the design's token, if any
    generated: str | None  # PLACEHOLDER, USAGE_POLICY or None
    digest: str

    def matches(self, document: Any) -> bool:
        return digest(document) == self.digest


def digest(document: Any) -> str:
    """The document's fingerprint: its JSON with sorted keys (YAML layout does not count)."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def mark_comment(mark: ScpMark) -> str:
    """One comment line: compact ASCII JSON with spaces escaped (dump_yaml folds whitespace
    runs of a comment, and a policy name may hold several)."""
    data: dict[str, str] = {"name": mark.name}
    if mark.partition:
        data["partition"] = mark.partition
    if mark.generated:
        data["generated"] = mark.generated
    data["sha256"] = mark.digest
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
    return f"{MARKER} " + text.replace(" ", "\\u0020")


def read_marks(text: str) -> dict[str, ScpMark]:
    """PolicyName -> its mark, from the comment lines of organization.yml (malformed ones are
    not marks: a comment never makes the reader refuse a file)."""
    found: dict[str, ScpMark] = {}
    for line in text.splitlines():
        match = _COMMENT.match(line.strip())
        if match is None:
            continue
        try:
            data = json.loads(match.group(1))
        except ValueError:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            continue
        partition, generated = data.get("partition"), data.get("generated")
        found[data["name"]] = ScpMark(
            data["name"],
            partition if isinstance(partition, str) else None,
            generated if generated in (PLACEHOLDER, USAGE_POLICY) else None,
            str(data.get("sha256", "")),
        )
    return found
