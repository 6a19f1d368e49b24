"""A CloudFormation template of the export deployed as a stack in one account of the emulator.

Resource types moto's CloudFormation deploys faithfully go into a real stack (create-stack);
the others are deployed by substitutes.py, before the stack when the stack refers to them (their
references inlined), after it otherwise. Types neither handles are listed as not simulated.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from designer.rehearsal.emulator import Emulator
from designer.rehearsal.errors import NotSimulated, StepFailed
from designer.rehearsal.fill import MakeResources, fill_placeholders, parameters
from designer.rehearsal.intrinsics import SUB_VARIABLE, Scope, resolve
from designer.rehearsal.substitutes import (
    COMPLETED,
    HANDLERS,
    MANAGED_POLICIES_MISSING,
    NATIVE,
    SUBSTITUTED,
    Target,
    complete_role,
)
from designer.rehearsal.world import World

ROLE_PRINCIPAL = re.compile(r'"arn:aws[a-z-]*:iam::(\d{12}):role/([\w+=,.@/-]+)"')


@dataclass
class Deployed:
    """What deploying one template did."""

    path: str
    account_id: str
    stack: str | None = None  # the real stack, when some resources went into one
    substituted: list[str] = field(default_factory=list)  # "Type Logical: why"
    not_simulated: list[str] = field(default_factory=list)  # "Type Logical"
    notes: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    again: bool = False  # deployed by an earlier step already


def read_template(export_dir: Path, path: str, world: World) -> dict[str, Any]:
    """The template at `path` with the emulator's ids and known placeholders filled."""
    file = export_dir / path
    if not file.is_file():
        raise StepFailed(f"{path} does not exist in the export")
    text, _ = fill_placeholders(world, world.translate(file.read_text(encoding="utf-8")))
    try:
        template = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StepFailed(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise StepFailed(f"{path} is not a CloudFormation template (no Resources)")
    return template


def stack_name(path: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", Path(path).stem).strip("-") or "template"
    return f"rehearsal-{stem}"[:128]


def references(value: Any) -> set[str]:
    """The logical ids and parameters `value` refers to."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item)
            elif key == "Fn::GetAtt":
                found.add(item[0] if isinstance(item, list) else str(item).split(".")[0])
            elif key == "Fn::Sub":
                text = item if isinstance(item, str) else item[0]
                found |= {m.group(1).split(".")[0] for m in SUB_VARIABLE.finditer(text)}
                if isinstance(item, list):
                    found |= references(item[1])
            else:
                found |= references(item)
    return found


class Deployer:
    """Deploys templates of one export into the emulated organization."""

    def __init__(
        self, emulator: Emulator, world: World, export_dir: Path, make: MakeResources
    ) -> None:
        self.emulator, self.world, self.export_dir, self.make = emulator, world, export_dir, make

    def deploy(
        self,
        path: str,
        account_id: str,
        target: Target,
        name: str | None = None,
        given: dict[str, str] | None = None,
        template: dict[str, Any] | None = None,
    ) -> Deployed:
        key = (account_id, path if name is None else f"{path}#{name}")
        result = Deployed(path, account_id)
        if key in self.world.stacks:
            result.again, result.outputs = True, self.world.stacks[key]
            result.not_simulated = list(self.world.stack_gaps.get(key, ()))
            return result
        if key in self.world.broken:
            raise StepFailed(f"{path} failed at step {self.world.broken[key]}")
        self.world.broken[key] = target.step_number  # until it deploys
        if template is None:
            template = read_template(self.export_dir, path, self.world)
        kinds = sorted({str(r.get("Type")) for r in template["Resources"].values()})
        if not set(kinds) & (set(NATIVE) | set(HANDLERS)):
            del self.world.broken[key]  # nothing was tried: a later step may still deploy it
            raise NotSimulated(
                f"{path}: the emulator has none of its resources ({', '.join(kinds)})"
            )
        values = {**parameters(self.world, template, account_id, self.make), **(given or {})}
        typed: dict[str, Any] = dict(values)
        for pname, spec in (template.get("Parameters") or {}).items():
            if pname not in typed and isinstance(spec, dict) and "Default" in spec:
                typed[pname] = str(spec["Default"])
            if "CommaDelimitedList" in str(spec.get("Type", "")) and pname in typed:
                typed[pname] = [v for v in str(typed[pname]).split(",") if v]
        physical: dict[str, str] = {}
        scope = Scope(
            account_id,
            self.emulator.region,
            typed,
            physical,
            self._attribute(account_id, template["Resources"], physical),
            dict(template.get("Conditions") or {}),
            dict(template.get("Mappings") or {}),
        )
        resources: dict[str, Any] = {
            k: r
            for k, r in template["Resources"].items()
            if "Condition" not in r or scope.condition(r["Condition"])
        }
        native = {k for k, r in resources.items() if r.get("Type") in NATIVE}
        substituted = {k for k, r in resources.items() if r.get("Type") in HANDLERS}
        for logical, resource in resources.items():
            if logical not in native | substituted:
                result.not_simulated.append(f"{resource.get('Type')} {logical}")
        deps = {k: references(r) | set(_depends(r)) for k, r in resources.items()}
        skipped = set(resources) - native - substituted
        for logical in native | substituted:
            missing = deps[logical] & skipped
            if missing:
                raise StepFailed(
                    f"{path}: {logical} needs {', '.join(sorted(missing))}, which the "
                    "emulator cannot deploy"
                )
        self._principals(resources, scope, target)
        before = {k for k in substituted if not (_closure(k, deps) & native)}
        for logical in _ordered(before, deps):
            self._substitute(target, logical, resources[logical], scope, result)
        if native:
            result.stack = name or stack_name(path)
            self._stack(account_id, result.stack, template, native, values, scope, physical)
        for logical in _ordered(substituted - before, deps):
            self._substitute(target, logical, resources[logical], scope, result)
        for logical in native:
            kind = resources[logical]["Type"]
            if kind == "AWS::IAM::Role" and set(resources[logical].get("Properties", {})) & set(
                COMPLETED_PROPERTIES
            ):
                props = resolve(resources[logical]["Properties"], scope)
                if complete_role(target, physical[logical], props):
                    result.not_simulated.append(MANAGED_POLICIES_MISSING)
                result.substituted.append(f"{kind} {COMPLETED[kind]}")
        for output, spec in (template.get("Outputs") or {}).items():
            try:
                result.outputs[output] = str(resolve(spec.get("Value"), scope))
            except StepFailed:
                continue
        self.world.stacks[key] = result.outputs
        self.world.stack_gaps[key] = list(result.not_simulated)
        del self.world.broken[key]
        result.notes += target.notes
        return result

    def _principals(self, resources: dict[str, Any], scope: Scope, target: Target) -> None:
        """Record each role a trust policy names as principal that does not exist yet: IAM
        refuses such a trust policy (Invalid principal), moto accepts it."""
        for logical, resource in resources.items():
            if resource.get("Type") != "AWS::IAM::Role":
                continue
            try:
                document = resolve(
                    resource.get("Properties", {}).get("AssumeRolePolicyDocument"), scope
                )
            except StepFailed:
                continue
            for account, role in ROLE_PRINCIPAL.findall(json.dumps(document)):
                if account in self.world.accounts.values() and not self._role_exists(account, role):
                    self.world.principal_gaps.append(
                        (target.step_number, target.step_title, logical, account, role)
                    )

    def _role_exists(self, account: str, role: str) -> bool:
        key = f"role:{account}:{role}"
        if key not in self.world.resources:
            try:
                self.emulator.client("iam", account).get_role(RoleName=role.rsplit("/", 1)[-1])
            except ClientError:
                return False
            self.world.resources[key] = role
        return True

    def _substitute(
        self, target: Target, logical: str, resource: dict[str, Any], scope: Scope, result: Deployed
    ) -> None:
        kind = resource["Type"]
        props = resolve(resource.get("Properties") or {}, scope)
        try:
            scope.physical[logical] = HANDLERS[kind](target, logical, props)
        except NotSimulated as exc:
            result.not_simulated.append(f"{kind} {logical}: {exc}")
            return
        result.substituted.append(f"{kind}: {SUBSTITUTED[kind]}")

    def _stack(
        self,
        account_id: str,
        name: str,
        template: dict[str, Any],
        native: set[str],
        values: dict[str, str],
        scope: Scope,
        physical: dict[str, str],
    ) -> None:
        body = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": {
                k: v for k, v in (template.get("Parameters") or {}).items() if k in values
            },
            "Resources": {
                k: _without_completed(_inline(template["Resources"][k], set(physical), scope))
                for k in native
            },
        }
        for section in ("Conditions", "Mappings"):
            if template.get(section):
                body[section] = template[section]
        cloudformation = self.emulator.client("cloudformation", account_id)
        cloudformation.create_stack(
            StackName=name,
            TemplateBody=json.dumps(body),
            Parameters=[
                {"ParameterKey": k, "ParameterValue": v}
                for k, v in values.items()
                if k in body["Parameters"]
            ],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        )
        for item in cloudformation.describe_stack_resources(StackName=name)["StackResources"]:
            physical[item["LogicalResourceId"]] = item["PhysicalResourceId"]

    def _attribute(
        self, account_id: str, resources: dict[str, Any], physical: dict[str, str]
    ) -> Any:
        def attribute(logical: str, name: str) -> str | None:
            if logical not in physical:
                return None
            kind, value = resources[logical].get("Type"), physical[logical]
            if kind == "AWS::KMS::Key" and name == "Arn":
                key = self.emulator.client("kms", account_id).describe_key(KeyId=value)
                return str(key["KeyMetadata"]["Arn"])
            if kind == "AWS::KMS::Key" and name == "KeyId":
                return value
            if kind == "AWS::IAM::Role" and name in ("Arn", "RoleId"):
                role = self.emulator.client("iam", account_id).get_role(RoleName=value)["Role"]
                return str(role[name])
            if kind == "AWS::S3::Bucket":
                return {
                    "Arn": f"arn:aws:s3:::{value}",
                    "DomainName": f"{value}.s3.amazonaws.com",
                    "RegionalDomainName": f"{value}.s3.us-east-1.amazonaws.com",
                }.get(name)
            if name == "Arn" and value.startswith("arn:"):
                return value
            return None

        return attribute


COMPLETED_PROPERTIES = ("ManagedPolicyArns", "Policies")  # of a role, set by complete_role


def _without_completed(resource: dict[str, Any]) -> dict[str, Any]:
    if resource.get("Type") != "AWS::IAM::Role":
        return resource
    properties = {
        k: v for k, v in resource.get("Properties", {}).items() if k not in COMPLETED_PROPERTIES
    }
    return {**resource, "Properties": properties}


def _depends(resource: dict[str, Any]) -> list[str]:
    found = resource.get("DependsOn") or []
    return [found] if isinstance(found, str) else list(found)


def _closure(start: str, deps: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for dep in deps.get(todo.pop(), ()):
            if dep in deps and dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def _ordered(names: set[str], deps: dict[str, set[str]]) -> list[str]:
    """`names` with each after what it refers to (template order otherwise)."""
    ordered: list[str] = []
    pending = sorted(names)
    while pending:
        ready = [n for n in pending if not (deps[n] & set(pending) - {n})]
        if not ready:
            raise StepFailed(f"a cycle between {', '.join(pending)}")
        ordered += ready
        pending = [n for n in pending if n not in ready]
    return ordered


def _inline(value: Any, done: set[str], scope: Scope) -> Any:
    """`value` with references to resources deployed outside the stack replaced by values."""
    if isinstance(value, list):
        return [_inline(v, done, scope) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, argument),) = value.items()
        if key == "Ref" and argument in done:
            return scope.physical[argument]
        if key == "Fn::GetAtt":
            logical = argument[0] if isinstance(argument, list) else argument.split(".")[0]
            if logical in done:
                return resolve(value, scope)
        if key == "Fn::Sub":
            text = argument if isinstance(argument, str) else argument[0]

            def value_of(match: Any) -> str:
                name = match.group(1)
                if name.split(".")[0] in done:
                    return str(resolve({"Fn::Sub": match.group(0)}, scope))
                return str(match.group(0))

            text = SUB_VARIABLE.sub(value_of, text)
            rest = [] if isinstance(argument, str) else [_inline(argument[1], done, scope)]
            return {"Fn::Sub": text if not rest else [text, *rest]}
    return {k: _inline(v, done, scope) for k, v in value.items()}
