"""Policy documents in LZA's spelling, both ways.

LZA fills in only its own variables in a policy file (utils/lib/policy-replacements.ts):
${PARTITION}, ${ACCELERATOR_PREFIX}, ${ACCELERATOR_NAME}, ${MANAGEMENT_ACCOUNT_ACCESS_ROLE} and
${ACCEL_LOOKUP::...}. The design spells the partition as designer.artefacts.tokens.PARTITION, so
the writer turns that token into ${PARTITION} and the reader turns it back.

LZA's pipeline works in every account through its own roles (<prefix>* and the CDK's
cdk-accel*): an SCP that spares only the design's privileged roles would deny LZA the very
changes security-config.yaml asks for. The writer adds LZA's roles to every exemption list that
spares a privileged role (ArnNotLike aws:PrincipalArn) and names none of them yet; the reader
takes those two patterns out again only when both are there (as the writer adds them) and other
exemptions remain, and reports it. A list naming only some of them (a hand-written LZA
configuration) is kept as it is, so the export writes back exactly what was read.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

from designer.artefacts.policy_set import PRIVILEGED_ROLE_ARNS
from designer.artefacts.tokens import PARTITION, TOKEN

LZA_PARTITION = "${PARTITION}"
LZA_PREFIX = "${ACCELERATOR_PREFIX}"
LZA_ACCESS_ROLE = "${MANAGEMENT_ACCOUNT_ACCESS_ROLE}"
DEFAULT_PREFIX = "AWSAccelerator"  # LZA's installer default (acceleratorPrefix)
PRINCIPAL_KEY = "aws:principalarn"
EXEMPTION_OPERATOR = "arnnotlike"
CDK_ROLES = "cdk-accel*"
# LZA's own variables: upper-case names and lookups; IAM's own (${aws:username}) are not.
_LZA_VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*|ACCEL_LOOKUP::[^}]*)\}")


def accelerator_exemptions(partition: str, prefix: str) -> list[str]:
    return [
        f"arn:{partition}:iam::*:role/{prefix}*",
        f"arn:{partition}:iam::*:role/{CDK_ROLES}",
    ]


def _strings(node: Any, change: Callable[[str], str]) -> Any:
    if isinstance(node, str):
        return change(node)
    if isinstance(node, list):
        return [_strings(v, change) for v in node]
    if isinstance(node, dict):
        return {k: _strings(v, change) for k, v in node.items()}
    return node


def exemption_lists(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """(condition block, key) of every ArnNotLike aws:PrincipalArn list."""
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        conditions = statement.get("Condition") if isinstance(statement, dict) else None
        for operator, block in (conditions or {}).items():
            if operator.lower() != EXEMPTION_OPERATOR or not isinstance(block, dict):
                continue
            for key in block:
                if key.lower() == PRINCIPAL_KEY:
                    yield block, key


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _spares_privileged(patterns: list[Any]) -> bool:
    return any(p in PRIVILEGED_ROLE_ARNS for p in patterns)


# -- writing ----------------------------------------------------------------------------------
def to_lza(document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The document as an LZA policy file, and the design placeholders LZA will not fill in."""
    found = copy.deepcopy(document)
    ours = accelerator_exemptions(PARTITION, LZA_PREFIX)
    known = {*ours, *accelerator_exemptions(PARTITION, DEFAULT_PREFIX)}
    for block, key in exemption_lists(found):
        patterns = _listed(block[key])
        if _spares_privileged(patterns) and not known.intersection(patterns):
            block[key] = [*patterns, *(p for p in ours if p not in patterns)]
    found = _strings(found, lambda s: s.replace(PARTITION, LZA_PARTITION))
    left: list[str] = []

    def collect(text: str) -> str:
        left.extend(m.group(0) for m in TOKEN.finditer(text))
        return text

    _strings(found, collect)
    lza_own = {LZA_PARTITION, LZA_PREFIX}
    return found, sorted({t for t in left if t not in lza_own})


def exempts_accelerator(document: dict[str, Any] | None) -> bool:
    """A deny-all policy (LZA-spelt) whose every deny-all statement spares LZA's own roles and
    nothing else narrows: one LZA can attach to new accounts while it configures them."""
    if document is None:
        return False
    statements = _listed(document.get("Statement"))
    deny_all = [
        s
        for s in statements
        if isinstance(s, dict)
        and s.get("Effect") == "Deny"
        and "*" in _listed(s.get("Action"))
        and _listed(s.get("Resource", "*")) == ["*"]
        and {str(op).lower() for op in s.get("Condition") or {}} <= {EXEMPTION_OPERATOR}
    ]
    ours = {
        accelerator_exemptions(LZA_PARTITION, LZA_PREFIX)[0],
        accelerator_exemptions(LZA_PARTITION, DEFAULT_PREFIX)[0],
    }
    return bool(deny_all) and all(
        any(ours & set(_listed(b[k])) for b, k in exemption_lists({"Statement": [s]}))
        for s in deny_all
    )


# -- reading ----------------------------------------------------------------------------------
def from_lza(
    document: dict[str, Any], values: dict[str, str]
) -> tuple[dict[str, Any], list[str], bool]:
    """The document with LZA's variables resolved (`values`: variable -> text; the partition
    becomes the design's token), the variables left unresolved, and whether LZA's own role
    exemptions were taken out."""
    resolved = {LZA_PARTITION: PARTITION, **values}
    left: list[str] = []

    def change(text: str) -> str:
        for variable, value in resolved.items():
            text = text.replace(variable, value)
        left.extend(m.group(0) for m in _LZA_VARIABLE.finditer(text))
        return text

    found = _strings(document, change)
    prefix = values.get(LZA_PREFIX)
    stripped = False
    if prefix is not None:
        ours = accelerator_exemptions(PARTITION, prefix)
        for block, key in exemption_lists(found):
            patterns = _listed(block[key])
            kept = [p for p in patterns if p not in ours]
            if set(ours) <= set(patterns) and _spares_privileged(kept):
                block[key], stripped = kept, True
    return found, sorted(set(left)), stripped
