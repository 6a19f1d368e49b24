"""Ids into an export's placeholders ("${OuId:Workloads}") and templates' Parameters.

The plan's placeholders name what they stand for; a template's Parameters say it in their
Description ("Id of the OU 'Workloads/Prod'", "ARN of the KMS key that encrypts B (output O of
F)", "ARNs of the ec2:Subnet resources to share (N)"). A value the rehearsal does not know fails
the step, naming the parameter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from designer.rehearsal.errors import StepFailed
from designer.rehearsal.world import World

PLACEHOLDER = re.compile(r"\$\{(\w+)(?::([^}]+))?\}")
OU_PARAMETER = re.compile(r"Id of the OU '([^']+)'")
ACCOUNT_PARAMETER = re.compile(r"(?:Id of the account|account id of) '([^']+)'", re.IGNORECASE)
KEY_PARAMETER = re.compile(r"KMS key that encrypts (\S+) \(output (\w+) of ([^)\s]+)\)")
SHARED_PARAMETER = re.compile(r"ARNs? of the (\S+) resources? to share \(([^)]+)\)")

# (resource type such as "ec2:Subnet", resource names, owner account id) -> ARNs
MakeResources = Callable[[str, list[str], str], list[str]]


def placeholder_value(world: World, kind: str, name: str | None) -> str | None:
    """What "${kind:name}" stands for in the emulated organization, or None when unknown."""
    if kind == "RootId":
        return world.root_id or None
    if kind == "OrganizationId":
        return world.organization_id or None
    if kind == "HomeRegion":
        return "us-east-1"
    if name is None:
        return None
    if kind == "AccountId":
        return world.account_id(name)
    if kind == "OuId":
        return world.unit_id(name)
    if kind == "PolicyId":
        return world.policies.get(name)
    return world.resources.get(f"{kind}:{name}")


def fill_placeholders(world: World, text: str) -> tuple[str, list[str]]:
    """`text` with every known placeholder filled, and the placeholders left unknown."""
    unknown: list[str] = []

    def value(match: re.Match[str]) -> str:
        found = placeholder_value(world, match.group(1), match.group(2))
        if found is None:
            unknown.append(match.group(0))
            return match.group(0)
        return found

    return PLACEHOLDER.sub(value, text), unknown


def parameters(
    world: World, template: dict[str, Any], account_id: str, make: MakeResources
) -> dict[str, str]:
    """A value for every Parameter without a Default; StepFailed naming one it cannot fill."""
    values: dict[str, str] = {}
    for name, spec in (template.get("Parameters") or {}).items():
        if not isinstance(spec, dict) or "Default" in spec:
            continue
        if spec.get("Type") == "AWS::EC2::VPC::Id":  # a stand-in VPC in the account
            values[name] = make("ec2:Vpc", [name], account_id)[0]
            continue
        found = _parameter(world, name, str(spec.get("Description", "")), account_id, make)
        if found is None:
            raise StepFailed(
                f"cannot fill Parameter {name} ({spec.get('Description', 'no description')})"
            )
        values[name] = found
    return values


def _parameter(
    world: World, name: str, description: str, account_id: str, make: MakeResources
) -> str | None:
    if name == "RootId":
        return world.root_id or None
    if name == "OrganizationId":
        return world.organization_id or None
    if match := OU_PARAMETER.search(description):
        return world.unit_id(match.group(1))
    if match := ACCOUNT_PARAMETER.search(description):
        return world.account_id(match.group(1))
    if match := KEY_PARAMETER.search(description):
        return _key(world, match.group(2), match.group(3))
    if match := SHARED_PARAMETER.search(description):
        names = [n.strip() for n in match.group(2).split(",") if n.strip()]
        return ",".join(make(match.group(1), names, account_id))
    if PLACEHOLDER.fullmatch(description.strip()):
        found, unknown = fill_placeholders(world, description.strip())
        return None if unknown else found
    return None


def _key(world: World, output: str, template: str) -> str | None:
    for (_, path), outputs in world.stacks.items():
        if path == template and output in outputs:
            return outputs[output]
    return None
