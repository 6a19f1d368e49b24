"""Evaluate the intrinsic functions of a CloudFormation template the way CloudFormation would,
so a template's policy documents can be compared whole with the plain-JSON ones."""

from __future__ import annotations

import re
from typing import Any

SUB = re.compile(r"\$\{([^}!][^}]*)\}")


def evaluate(node: Any, values: dict[str, str], mappings: dict[str, Any] | None = None) -> Any:
    """`node` with Ref, Fn::Sub, Fn::Join and Fn::GetAtt replaced by `values` (a Ref or GetAtt
    with no value becomes "<name>", so two documents differing only there still compare)."""
    if isinstance(node, list):
        return [evaluate(v, values, mappings) for v in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Ref"}:
        return values.get(node["Ref"], f"<{node['Ref']}>")
    if set(node) == {"Fn::GetAtt"}:
        name = ".".join(node["Fn::GetAtt"])
        return values.get(name, f"<{name}>")
    if set(node) == {"Fn::Sub"}:
        text = node["Fn::Sub"]
        found = SUB.sub(lambda m: values.get(m.group(1), f"<{m.group(1)}>"), text)
        return found.replace("${!", "${")
    if set(node) == {"Fn::FindInMap"}:  # the template's Mappings, keys evaluated first
        name, top, second = (evaluate(k, values, mappings) for k in node["Fn::FindInMap"])
        return (mappings or {})[name][top][second]
    if set(node) == {"Fn::Join"}:
        glue, parts = node["Fn::Join"]
        return glue.join(str(evaluate(p, values, mappings)) for p in parts)
    return {k: evaluate(v, values, mappings) for k, v in node.items()}
