"""CloudFormation's functions (Ref, Fn::Sub, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split) resolved
for a resource the rehearsal deploys itself because moto's CloudFormation lacks its type."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from designer.rehearsal.errors import StepFailed

SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


@dataclass
class Scope:
    """What a template's functions can refer to in one deployed stack."""

    account_id: str
    region: str
    parameters: dict[str, str]
    physical: dict[str, str]  # logical id -> physical id of a created resource
    attribute: Callable[[str, str], str | None]  # (logical id, attribute) -> value
    conditions: dict[str, Any] = field(default_factory=dict)  # the template's Conditions
    mappings: dict[str, Any] = field(default_factory=dict)  # and Mappings

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise StepFailed(f"the template uses the condition {name!r}, which it does not define")
        return bool(resolve(self.conditions[name], self))

    def ref(self, name: str) -> Any:
        pseudo = {
            "AWS::AccountId": self.account_id,
            "AWS::Region": self.region,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.physical:
            return self.physical[name]
        raise StepFailed(f"the template refers to {name!r}, which it does not define")

    def get_att(self, logical: str, attribute: str) -> str:
        value = self.attribute(logical, attribute)
        if value is None:
            raise StepFailed(f"cannot resolve Fn::GetAtt {logical}.{attribute}")
        return value


def resolve(value: Any, scope: Scope) -> Any:
    """`value` with every function resolved (lists from CommaDelimitedList parameters split)."""
    if isinstance(value, list):
        items = [resolve(v, scope) for v in value]
        return [i for i in items if i is not None]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Ref":
            return scope.ref(argument)
        if name == "Fn::GetAtt":
            logical, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return scope.get_att(logical, attribute)
        if name == "Fn::Sub":
            return _sub(argument, scope)
        if name == "Fn::Join":
            return str(argument[0]).join(str(v) for v in _as_list(resolve(argument[1], scope)))
        if name == "Fn::Select":
            return _as_list(resolve(argument[1], scope))[int(resolve(argument[0], scope))]
        if name == "Fn::Split":
            return str(resolve(argument[1], scope)).split(str(argument[0]))
        if name == "Fn::FindInMap":
            keys = [str(resolve(a, scope)) for a in argument]
            try:
                return scope.mappings[keys[0]][keys[1]][keys[2]]
            except (KeyError, IndexError):
                raise StepFailed(f"Fn::FindInMap {keys} finds nothing") from None
        if name == "Fn::If":
            chosen = argument[1] if scope.condition(argument[0]) else argument[2]
            return resolve(chosen, scope)
        if name == "Fn::Equals":
            return str(resolve(argument[0], scope)) == str(resolve(argument[1], scope))
        if name == "Fn::Not":
            return not resolve(argument[0], scope)
        if name == "Fn::And":
            return all(resolve(a, scope) for a in argument)
        if name == "Fn::Or":
            return any(resolve(a, scope) for a in argument)
        if name == "Condition":
            return scope.condition(argument)
        if name.startswith("Fn::"):
            raise StepFailed(f"the rehearsal cannot resolve {name}")
    resolved = ((k, resolve(v, scope)) for k, v in value.items())
    return {k: v for k, v in resolved if v is not None}  # AWS::NoValue drops the property


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [v for v in str(value).split(",") if v]


def _sub(argument: Any, scope: Scope) -> str:
    text, variables = (argument, {}) if isinstance(argument, str) else argument
    values = {k: resolve(v, scope) for k, v in variables.items()}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return str(values[name])
        if "." in name:
            return scope.get_att(*name.split(".", 1))
        found = scope.ref(name)
        return ",".join(found) if isinstance(found, list) else str(found)

    return SUB_VARIABLE.sub(value, text).replace("${!", "${")
