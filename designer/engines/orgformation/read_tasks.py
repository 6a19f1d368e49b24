"""organization-tasks.yml read: the organization file its update-organization task names, and the
update-stacks tasks whose templates deploy IAM roles, read back as scoped trusts through their
OrganizationBindings (the task's bindings override the template's, as org-formation has it).
Included task files are followed; every other task, template resource and file is listed in the
report, never refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from designer.engines.orgformation.buckets import read_bucket
from designer.engines.orgformation.read_org import OrgModel
from designer.engines.orgformation.trusts import RoleFound, Target, TrustReader
from designer.engines.orgformation.values import PerAccount, Resolver, Unresolved, shown, token
from designer.engines.report import ConfigError, ConversionReport
from designer.engines.yamlio import Tag, read_yaml, where
from designer.model.errors import one_line
from designer.model.governance import LogBucket

ROLE = "AWS::IAM::Role"
BUCKET = "AWS::S3::Bucket"
# Template resources that travel with the roles and log buckets this tool writes: read as part
# of them, not listed one by one.
QUIET_TYPES = ("AWS::S3::BucketPolicy", "AWS::KMS::Alias", "AWS::KMS::Key")
MAX_INCLUDES = 50  # included task files followed, at most
ENUM_ACCOUNTS = "Fn::EnumTargetAccounts"
# The role properties read into the design; any other is a gap (Description, Path, Tags...).
ROLE_READ = frozenset(
    {"RoleName", "AssumeRolePolicyDocument", "ManagedPolicyArns", "Policies", "MaxSessionDuration"}
)
# Role properties that narrow what the role may do: a role read without them would grant more.
ROLE_NARROWING = frozenset({"PermissionsBoundary"})
# Resource keys that change whether or how org-formation deploys it, beyond its binding.
RESOURCE_EXTRAS = ("Condition", "DependsOn")


def relative_label(folder: Path, path: Path) -> str:
    """A file as the report names it: relative to the folder converted."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.name


def task_entries(data: Any, label: str) -> dict[str, dict[str, Any]]:
    """The tasks of a tasks file (Parameters aside); ConfigError for a task without Type."""
    if not isinstance(data, dict):
        raise ConfigError(label, "", "not a YAML mapping of tasks")
    tasks: dict[str, dict[str, Any]] = {}
    for name, task in data.items():
        if name == "Parameters":
            continue
        if not isinstance(task, dict):
            raise ConfigError(label, where(str(name)), "not a mapping with Type")
        if "Type" not in task:
            raise ConfigError(label, where(str(name), "Type"), "missing Type")
        tasks[str(name)] = task
    return tasks


def organization_template(data: Any, label: str) -> str | None:
    """The Template of the update-organization task, if the file has one."""
    for name, task in task_entries(data, label).items():
        if task.get("Type") == "update-organization":
            template = task.get("Template")
            if not isinstance(template, str):
                raise ConfigError(label, where(name, "Template"), "missing Template")
            return template
    return None


@dataclass
class TasksReader:
    root: Path  # the folder paths in the report are relative to
    org: OrgModel
    report: ConversionReport
    trusts: TrustReader = field(init=False)
    read_files: set[Path] = field(default_factory=set)
    buckets: list[LogBucket] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.trusts = TrustReader(self.org, self.report)

    def label(self, path: Path) -> str:
        return relative_label(self.root, path)

    def read_file(self, path: Path, depth: int = 0) -> None:
        if path.resolve() in self.read_files or depth > MAX_INCLUDES:
            return
        self.read_files.add(path.resolve())
        label = self.label(path)
        self.report.files.append(label)
        data = read_yaml(path, label)
        parameters = _defaults(data.get("Parameters") if isinstance(data, dict) else None)
        resolver = Resolver(parameters, self.org.reference)
        for name, task in task_entries(data, label).items():
            kind = str(task["Type"])
            here = f"{label}: {name}"
            if kind == "update-stacks":
                self.update_stacks(path, label, name, task, resolver)
            elif kind == "include":
                included = task.get("Path")
                target = path.parent / str(included) if isinstance(included, str) else None
                if target is None or not target.is_file():
                    self.report.gap(here, f"include of {one_line(str(included))}: no such file")
                else:
                    self.read_file(target, depth + 1)
            elif kind != "update-organization":
                self.report.gap(here, f"task of type {one_line(kind)}: not modelled")

    def update_stacks(
        self, path: Path, label: str, name: str, task: dict[str, Any], resolver: Resolver
    ) -> None:
        here = f"{label}: {name}"
        template = task.get("Template")
        if not isinstance(template, str):
            raise ConfigError(label, where(name, "Template"), "missing Template")
        if "://" in template:
            self.report.gap(here, f"template {one_line(template)}: not a local file")
            return
        file = path.parent / template
        if not file.is_file():
            self.report.gap(here, f"template {one_line(template)}: no such file")
            return
        file_label = self.label(file)
        if file_label not in self.report.files:
            self.report.files.append(file_label)
        data = read_yaml(file, file_label)
        if not isinstance(data, dict):
            raise ConfigError(file_label, "", "not a YAML mapping")
        try:
            values = _TaskValues.of(task, data, resolver)
        except PerAccount as exc:
            self.report.gap(here, f"task parameter {exc}: differs per target account, not read")
            return
        except Unresolved as exc:
            self.report.gap(here, f"cannot be resolved without AWS: {exc}")
            return
        _Template(self, file_label, data, values).read()


@dataclass
class _TaskValues:
    """What a task gives its template: parameters, bindings, the default binding."""

    parameters: dict[str, Any]
    bindings: dict[str, Any]
    default: Any

    @classmethod
    def of(cls, task: dict[str, Any], data: dict[str, Any], resolver: Resolver) -> _TaskValues:
        parameters = _defaults(data.get("Parameters"))
        given = task.get("Parameters") or {}
        if isinstance(given, dict):
            parameters.update({str(k): resolver.value(v) for k, v in given.items()})
        bindings = dict(data.get("OrganizationBindings") or {})
        bindings.update(task.get("OrganizationBindings") or {})
        default = task.get("DefaultOrganizationBinding", data.get("DefaultOrganizationBinding"))
        return cls(parameters, bindings, default)


class _Template:
    def __init__(self, tasks: TasksReader, label: str, data: dict[str, Any], values: _TaskValues):
        self.tasks, self.label, self.data, self.values = tasks, label, data, values
        resources = data.get("Resources") or {}
        if not isinstance(resources, dict):
            raise ConfigError(label, "Resources", "not a mapping of resources")
        self.resources: dict[str, Any] = resources
        self.resolver = Resolver(values.parameters, tasks.org.reference, frozenset(resources))

    def read(self) -> None:
        for name, resource in self.resources.items():
            path = where("Resources", str(name))
            here = f"{self.label}: {path}"
            if not isinstance(resource, dict) or "Type" not in resource:
                raise ConfigError(self.label, where("Resources", str(name), "Type"), "missing Type")
            kind = str(resource["Type"])
            if kind == BUCKET:
                self.bucket(str(name), resource, here, path)
                continue
            if kind != ROLE:
                if kind not in QUIET_TYPES:
                    self.tasks.report.gap(here, f"{one_line(kind)}: not modelled")
                continue
            self.role_resource(str(name), resource, here, path)

    def role_resource(self, name: str, resource: dict[str, Any], here: str, path: str) -> None:
        """A role, read once for its binding, or once per bound account when it names an
        attribute of the account it lands in (AWSAccount.Tags.x, AWSAccount.AccountName)."""
        if "Foreach" in resource:
            self.tasks.report.gap(
                here, "Foreach: one copy per account of another binding (CurrentAccount), not read"
            )
            return
        for extra in RESOURCE_EXTRAS:
            if extra in resource:
                self.tasks.report.gap(here, f"{extra}: not held by the design")
        try:
            targets = self.targets(resource, here, path)
            try:
                found = [(self.role(name, resource, here, self.resolver), targets)]
            except PerAccount:
                found = self.per_account(name, resource, here, targets)
        except Unresolved as exc:
            self.tasks.report.gap(here, f"cannot be resolved without AWS: {shown(str(exc))}")
            return
        for role, where_to in found:
            if role is not None:
                self.tasks.trusts.read(role, where_to)

    def per_account(
        self, name: str, resource: dict[str, Any], here: str, targets: list[Target]
    ) -> list[tuple[RoleFound | None, list[Target]]]:
        logical = {a.id: n for n, a in self.tasks.org.accounts.items()}
        found: list[tuple[RoleFound | None, list[Target]]] = []
        for account in _landing(self.tasks.org, targets):
            resolver = replace(self.resolver, account=logical[account])
            found.append((self.role(name, resource, here, resolver), [Target(account)]))
        return found

    def bucket(self, name: str, resource: dict[str, Any], here: str, path: str) -> None:
        """A log bucket, when it is one and lands in one account."""
        try:
            landing = _landing(self.tasks.org, self.targets(resource, here, path))
        except Unresolved as exc:
            self.tasks.report.gap(here, f"cannot be resolved without AWS: {exc}")
            return
        if len(landing) != 1:
            self.tasks.report.gap(here, "AWS::S3::Bucket in several accounts: not a log bucket")
            return
        found = read_bucket(self.resources, name, landing[0], self.tasks.report, here)
        if found is not None and all(b.name != found.name for b in self.tasks.buckets):
            self.tasks.buckets.append(found)

    def role(
        self, name: str, resource: dict[str, Any], here: str, resolver: Resolver
    ) -> RoleFound | None:
        props = resource.get("Properties") or {}
        if "RoleName" not in props:
            self.tasks.report.gap(here, "role without RoleName: its name is known only once made")
            return None
        trust = resolver.value(self.enumerated(props.get("AssumeRolePolicyDocument") or {}))
        managed = resolver.value(props.get("ManagedPolicyArns") or [])
        inline = resolver.value(props.get("Policies") or [])
        session = resolver.value(props.get("MaxSessionDuration", 3600))
        for extra in props:
            if extra in ROLE_NARROWING:
                self.tasks.report.gap(
                    here,
                    f"{extra}: narrows the role's permissions and is not held by the design; "
                    "the role is left out rather than read broader",
                )
                return None
            if extra not in ROLE_READ:
                self.tasks.report.gap(here, f"{one_line(str(extra))}: not held by the design")
        if not str(session).isdigit():
            raise Unresolved(f"MaxSessionDuration {session!r}")
        return RoleFound(
            name=resolver.text(props["RoleName"]),
            trust=trust if isinstance(trust, dict) else {},
            managed=[str(a) for a in (managed if isinstance(managed, list) else [managed])],
            inline=[p for p in (inline if isinstance(inline, list) else [inline])],
            max_session=int(session),
            where=f"{self.label}: {where('Resources', name, 'Properties')}",
            local=resolver.local,
        )

    def enumerated(self, node: Any) -> Any:
        """Fn::EnumTargetAccounts <binding> '<expression>' expanded: the expression once per
        account of the binding, ${account} (or ${AccountId}) naming it."""
        if isinstance(node, dict):
            return {k: self.enumerated(v) for k, v in node.items()}
        if isinstance(node, list):
            found: list[Any] = []
            for item in node:
                value = self.enumerated(item)
                found += value if isinstance(item, str) and isinstance(value, list) else [value]
            return found
        if not isinstance(node, str) or not node.startswith(ENUM_ACCOUNTS):
            return node
        parts = node[len(ENUM_ACCOUNTS) :].strip().split(None, 1)
        if len(parts) != 2 or parts[0] not in self.values.bindings:
            raise Unresolved(f"{ENUM_ACCOUNTS} of an unknown binding: {node}")
        expression = parts[1].strip().strip("'")
        binding = self.values.bindings[parts[0]]
        names = {a.id: n for n, a in self.tasks.org.accounts.items()}
        accounts = _landing(self.tasks.org, self.targets({"OrganizationBinding": binding}, "", ""))
        values = []
        for account in accounts:
            text = expression.replace("${account}", token(names[account]))
            values.append(self.resolver.sub(text.replace("${AccountId}", token(names[account]))))
        return values

    def binding(self, resource: dict[str, Any], path: str) -> dict[str, Any] | None:
        found = resource.get("OrganizationBinding")
        if isinstance(found, Tag) and found.name == "Ref":
            key = str(found.value)
            if key not in self.values.bindings:
                raise ConfigError(
                    self.label, f"{path}.OrganizationBinding", f"unknown binding {one_line(key)!r}"
                )
            found = self.values.bindings[key]
        if found is None:
            found = self.values.default
        return found if isinstance(found, dict) else None

    def targets(self, resource: dict[str, Any], here: str, path: str) -> list[Target]:
        """Where org-formation deploys the resource, as the design's ends: the accounts named,
        Account '*' as the organization, each OU as itself, less the excluded accounts."""
        binding = self.binding(resource, path)
        if not binding:
            self.tasks.report.gap(here, "no OrganizationBinding: deployed nowhere")
            return []
        org = self.tasks.org
        excluded = self.accounts(binding.get("ExcludeAccount"), path)
        for unit in self.logical(binding.get("ExcludeOrganizationalUnit")):
            excluded += _members(org, unit)
        targets: list[Target] = []
        account_value = binding.get("Account")
        if account_value == "*":
            targets.append(Target(org.organization.id, tuple(excluded)))
        else:
            targets += [Target(a) for a in self.accounts(account_value, path) if a not in excluded]
        for unit in self.logical(binding.get("OrganizationalUnit")):
            if unit not in org.units:
                raise ConfigError(self.label, path, f"unknown !Ref target {one_line(unit)!r}")
            members = _members(org, unit)
            targets.append(Target(org.units[unit].id, tuple(a for a in excluded if a in members)))
            management = org.organization.management_account
            if management in members and management not in excluded:
                targets.append(Target(management))  # org-formation deploys there too
        if binding.get("IncludeMasterAccount") is True and org.organization.management_account:
            targets.append(Target(org.organization.management_account))
        tag = binding.get("AccountsWithTag")
        if isinstance(tag, str):
            targets += [
                Target(a.id)
                for a in org.accounts.values()
                if tag in a.tags and a.id not in excluded
            ]
        return list(dict.fromkeys(targets))

    def logical(self, value: Any) -> list[str]:
        items = value if isinstance(value, list) else ([] if value is None else [value])
        return [str(i.value) for i in items if isinstance(i, Tag) and i.name == "Ref"]

    def accounts(self, value: Any, path: str) -> list[str]:
        org = self.tasks.org
        found: list[str] = []
        for name in self.logical(value):
            if name not in org.accounts:
                raise ConfigError(self.label, path, f"unknown !Ref target {one_line(name)!r}")
            found.append(org.accounts[name].id)
        return found


def _landing(org: OrgModel, targets: list[Target]) -> list[str]:
    """The accounts a binding's targets stand for (an OU's or the organization's members, less
    the excluded ones), in the order of the file."""
    found: dict[str, None] = {}
    management = org.organization.management_account
    by_id = {u.id: n for n, u in org.units.items()}
    for target in targets:
        if target.node == org.organization.id:
            members = [a.id for a in org.accounts.values() if a.id != management]
        elif target.node in by_id:
            members = _members(org, by_id[target.node])
        else:
            members = [target.node]
        found.update(dict.fromkeys(a for a in members if a not in target.excluded))
    return list(found)


def _members(org: OrgModel, unit_logical: str) -> list[str]:
    """The accounts in an OU and the OUs below it."""
    unit_id = org.units[unit_logical].id
    below = {unit_id}
    changed = True
    while changed:
        changed = False
        for unit in org.units.values():
            if unit.parent in below and unit.id not in below:
                below.add(unit.id)
                changed = True
    return [a.id for a in org.accounts.values() if a.parent in below]


def _defaults(section: Any) -> dict[str, Any]:
    if not isinstance(section, dict):
        return {}
    found: dict[str, Any] = {}
    for name, spec in section.items():
        if isinstance(spec, dict) and "Default" in spec and not isinstance(spec["Default"], Tag):
            default = spec["Default"]
            if spec.get("Type") == "CommaDelimitedList" and isinstance(default, str):
                default = [d.strip() for d in default.split(",")]
            found[str(name)] = default
    return found
