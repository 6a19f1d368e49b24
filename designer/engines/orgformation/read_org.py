"""organization.yml read into a design's organization: OUs (nested through OrganizationalUnits),
accounts, the MasterAccount as the management account, SCPs and where they are attached.

What org-formation refuses is refused here too, in one line naming the file and the YAML path
(a missing Type, an unknown !Ref, an account in two OUs, an OU cycle); what it accepts and the
design does not hold (password policies, aliases, support levels...) is a gap in the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from designer.artefacts.tokens import PARTITION as PARTITION_TOKEN
from designer.engines.carried import NEUTRAL_NAME
from designer.engines.orgformation import ENGINE
from designer.engines.orgformation.markers import PLACEHOLDER, ScpMark, read_marks
from designer.engines.orgformation.values import Resolver, Unresolved
from designer.engines.report import ConfigError, ConversionReport
from designer.engines.yamlio import Tag, where
from designer.model.errors import one_line
from designer.model.governance import ServiceControlPolicy
from designer.model.ids import stable_id
from designer.model.nodes import Account, Organization, OrganizationalUnit
from designer.model.relationships import BillingRelationship
from designer.model.vocabulary import AccountFunction, AccountState

MASTER = "OC::ORG::MasterAccount"
ACCOUNT = "OC::ORG::Account"
UNIT = "OC::ORG::OrganizationalUnit"
ROOT = "OC::ORG::OrganizationRoot"
SCP = "OC::ORG::ServiceControlPolicy"
PASSWORD = "OC::ORG::PasswordPolicy"
KNOWN_TYPES = (MASTER, ACCOUNT, UNIT, ROOT, SCP, PASSWORD)
VERSIONS = ("2010-09-09-OC", "2010-09-09")
FULL_AWS_ACCESS_ID = "p-FullAWSAccess"
FULL_AWS_ACCESS = "FullAWSAccess"
# Account properties org-formation accepts that the design does not hold.
ACCOUNT_EXTRAS = (
    "Alias",
    "PasswordPolicy",
    "SupportLevel",
    "PartitionAccountId",
    "PartitionAlias",
    "OrganizationAccessRoleName",
    "BuildAccessRoleName",
)


# The properties org-formation's parser accepts on each resource; it refuses any other (there is
# no ParentOrganizationalUnit: nesting is the parent's OrganizationalUnits list).
_ACCOUNT_PROPERTIES = {"RootEmail", "AccountName", "AccountId", "ServiceControlPolicies", "Tags"}
PROPERTIES: dict[str, set[str]] = {
    MASTER: _ACCOUNT_PROPERTIES | set(ACCOUNT_EXTRAS) - {"SupportLevel"},
    ACCOUNT: _ACCOUNT_PROPERTIES | set(ACCOUNT_EXTRAS),
    UNIT: {"OrganizationalUnitName", "Accounts", "OrganizationalUnits", "ServiceControlPolicies"},
    ROOT: {
        "ServiceControlPolicies",
        "DefaultOrganizationAccessRoleName",
        "DefaultBuildAccessRoleName",
        "DefaultDevelopmentBuildAccessRoleName",
        "MirrorInPartition",
        "CloseAccountsOnRemoval",
    },
    SCP: {"PolicyName", "Description", "PolicyDocument", "Tags"},
}


def is_organization(data: Any) -> bool:
    """An org-formation organization: its version and an Organization section."""
    if not isinstance(data, dict) or "Organization" not in data:
        return False
    return str(data.get("AWSTemplateFormatVersion", "")) in VERSIONS


@dataclass
class OrgModel:
    """What the organization file says, by logical id (the tasks' templates name these)."""

    organization: Organization
    accounts: dict[str, Account] = field(default_factory=dict)  # logical id -> account
    units: dict[str, OrganizationalUnit] = field(default_factory=dict)
    scps: list[ServiceControlPolicy] = field(default_factory=list)
    relationships: list[BillingRelationship] = field(default_factory=list)
    root_logical: str | None = None
    master_logical: str | None = None

    def reference(self, name: str, path: str | None) -> str | None:
        """A template's !Ref / !GetAtt / ${...} of an organization resource, as a token (what
        the trust reader recognises) or the account attribute it names."""
        account = self.accounts.get(name)
        if account is not None and path not in (None, "AccountId"):
            return _account_attribute(account, path or "")
        if account is not None or name in self.units or name == self.root_logical:
            return "@{" + name + "}"
        return None


def _account_attribute(account: Account, path: str) -> str | None:
    if path == "AccountName":
        return account.name
    if path == "RootEmail":
        return account.email or ""
    if path.startswith("Tags."):
        return account.tags.get(path[5:])
    return None


class _OrgReader:
    def __init__(
        self, data: Any, label: str, report: ConversionReport, marks: dict[str, ScpMark]
    ) -> None:
        self.label = label
        self.report = report
        self.marks = marks
        if not isinstance(data, dict):
            raise ConfigError(label, "", "not a YAML mapping")
        version = str(data.get("AWSTemplateFormatVersion", VERSIONS[0]))
        if version not in VERSIONS:
            raise ConfigError(
                label, "AWSTemplateFormatVersion", f"{version!r} is not 2010-09-09-OC"
            )
        section = data.get("Organization")
        if not isinstance(section, dict):
            raise ConfigError(label, "Organization", "missing, or not a mapping of resources")
        self.section: dict[str, Any] = section
        self.resolver = Resolver(_parameter_defaults(data.get("Parameters")))
        self.resolver.reference = self._reference
        self.types: dict[str, str] = {}
        self.scp_ids: dict[str, str] = {}  # logical id -> design id
        self.generated_seen = False
        self.dropped: set[str] = set()  # generated SCPs left out: their attachments too
        self.identities: set[tuple[str, str]] = set()  # ("id", AccountId), ("email", RootEmail)
        org_id = stable_id(ENGINE, "organization")
        self.model = OrgModel(Organization(id=org_id, name=NEUTRAL_NAME))

    # -- values ---------------------------------------------------------------------------------
    def _reference(self, name: str, path: str | None) -> str | None:
        resource = self.section.get(name)
        if not isinstance(resource, dict) or self.types.get(name) not in (MASTER, ACCOUNT):
            return name if name in self.types else None
        properties = resource.get("Properties") or {}
        key = "AccountId" if path is None else path
        value = properties.get(key.split(".")[0]) if not key.startswith("Tags.") else None
        if key.startswith("Tags."):
            value = (properties.get("Tags") or {}).get(key[5:])
        return None if value is None or isinstance(value, Tag) else str(value)

    def text(self, value: Any, *path: str | int) -> str:
        try:
            return self.resolver.text(value)
        except Unresolved as exc:
            raise ConfigError(self.label, where(*path), f"cannot be resolved: {exc}") from None

    # -- resources --------------------------------------------------------------------------
    def read(self) -> OrgModel:
        for name, resource in self.section.items():
            self.types[str(name)] = self._type(str(name), resource)
        for name, kind in self.types.items():
            if kind == SCP:
                self._scp(name)
        for name, kind in self.types.items():
            if kind in (MASTER, ACCOUNT):
                self._account(name, kind)
        for name, kind in self.types.items():
            if kind == UNIT:
                self._unit(name)
            elif kind == PASSWORD:
                self.report.gap(
                    f"{self.label}: {where('Organization', name)}",
                    "password policy: the design does not model IAM password policies",
                )
        self._nest()
        for name, kind in self.types.items():
            if kind == ROOT:
                self._root(name)
        self._billing()
        return self.model

    def _type(self, name: str, resource: Any) -> str:
        path = ("Organization", name)
        if not isinstance(resource, dict):
            raise ConfigError(self.label, where(*path), "not a mapping with Type and Properties")
        kind = resource.get("Type")
        if kind is None:
            raise ConfigError(self.label, where(*path, "Type"), "missing Type")
        if kind not in KNOWN_TYPES:
            raise ConfigError(
                self.label, where(*path, "Type"), f"unknown resource type {one_line(str(kind))!r}"
            )
        if kind in (MASTER, ROOT) and any(
            self.types.get(other) == kind for other in self.types if other != name
        ):
            raise ConfigError(self.label, where(*path), f"a second {kind}")
        properties = resource.get("Properties")
        if properties is not None and not isinstance(properties, dict):
            raise ConfigError(self.label, where(*path, "Properties"), "not a mapping")
        unknown = sorted(set(properties or {}) - PROPERTIES.get(str(kind), set(properties or {})))
        if unknown:
            raise ConfigError(
                self.label,
                where(*path, "Properties", str(unknown[0])),
                f"{kind} has no property {one_line(str(unknown[0]))!r}",
            )
        return str(kind)

    def properties(self, name: str) -> dict[str, Any]:
        found = self.section[name].get("Properties")
        return found if isinstance(found, dict) else {}

    def _scp(self, name: str) -> None:
        props = self.properties(name)
        path = ("Organization", name, "Properties")
        if "PolicyName" not in props:
            raise ConfigError(self.label, where(*path, "PolicyName"), "missing PolicyName")
        policy_name = self.text(props["PolicyName"], *path, "PolicyName")
        document = self.resolver_value(props.get("PolicyDocument"), *path, "PolicyDocument")
        if isinstance(document, str):
            try:
                document = json.loads(document)
            except ValueError:
                document = None
        if not isinstance(document, dict):
            raise ConfigError(
                self.label, where(*path, "PolicyDocument"), "missing, or not a policy document"
            )
        if any(p.name == policy_name for p in self.model.scps):
            raise ConfigError(self.label, where(*path, "PolicyName"), "PolicyName used twice")
        description = self.text(props.get("Description", ""), *path, "Description")
        self.model.scps.append(
            self._valid(
                ServiceControlPolicy,
                path,
                id=stable_id(ENGINE, "scp", name),
                name=policy_name,
                description=description,
                document=document,
            )
        )
        self.scp_ids[name] = self.model.scps[-1].id
        if props.get("Tags"):
            self.report.gap(f"{self.label}: {where(*path, 'Tags')}", "SCP tags are not modelled")
        self._marked(name, policy_name, document, path)

    def _marked(self, name: str, policy_name: str, document: Any, path: tuple[str, ...]) -> None:
        """What the export's comment (markers.py) says of the SCP, if it still fits."""
        mark = self.marks.get(policy_name)
        if mark is None:
            return
        if not mark.matches(document):
            if mark.generated:
                self.report.gap(
                    f"{self.label}: {where(*path, 'PolicyDocument')}",
                    f"SCP {one_line(policy_name)}: generated at export, edited since; kept as "
                    "an SCP of the design, as written",
                )
            return
        if mark.partition:
            policy = self.model.scps[-1]
            self.model.scps[-1] = policy.model_copy(
                update={"document": _partition_token(policy.document, mark.partition)}
            )
        if mark.generated:
            self._generated(name, mark.generated, path)

    def _generated(self, name: str, kind: str, path: tuple[str, ...]) -> None:
        """An SCP this tool generated: the first for a placeholder is the design's SCP without
        a document; the others (further parts, usage-policy guardrails) are not the design's."""
        policy = self.model.scps[-1]
        here = f"{self.label}: {where(*path)}"
        if kind == PLACEHOLDER and not self.generated_seen:
            self.model.scps[-1] = policy.model_copy(update={"document": None})
            self.generated_seen = True
            return
        self.model.scps.pop()
        del self.scp_ids[name]
        self.dropped.add(name)
        self.report.gap(
            here, f"SCP {policy.name}: generated from the design's usage policy, left out"
        )

    def resolver_value(self, value: Any, *path: str | int) -> Any:
        try:
            return self.resolver.value(value)
        except Unresolved as exc:
            raise ConfigError(self.label, where(*path), f"cannot be resolved: {exc}") from None

    def _valid(self, model: Any, path: tuple[str | int, ...], **values: Any) -> Any:
        """A design entity, or one line naming what the design cannot hold."""
        try:
            return model(**values)
        except ValidationError as exc:
            error = exc.errors()[0]
            field_name = ".".join(str(p) for p in error["loc"])
            raise ConfigError(
                self.label, where(*path), f"{field_name}: {one_line(error['msg'])}"
            ) from None

    def _attachments(self, value: Any, *path: str | int) -> list[str]:
        """ServiceControlPolicies: !Ref of SCPs of the file, p-FullAWSAccess by its id."""
        if value is None:
            return []
        found: list[str] = []
        for n, item in enumerate(value if isinstance(value, list) else [value]):
            here = (*path, n) if isinstance(value, list) else path
            if isinstance(item, Tag) and item.name == "Ref":
                target = str(item.value)
                if target in self.dropped:
                    continue
                if self.types.get(target) != SCP:
                    raise ConfigError(
                        self.label, where(*here), f"unknown !Ref target {one_line(target)!r}"
                    )
                found.append(self.scp_ids[target])
            elif str(item) == FULL_AWS_ACCESS_ID:
                found.append(self._full_access())
            else:
                self.report.gap(
                    f"{self.label}: {where(*here)}",
                    f"SCP {one_line(str(item))!r} named by id: not defined in the file",
                )
        return list(dict.fromkeys(found))

    def _full_access(self) -> str:
        existing = next((p for p in self.model.scps if p.name == FULL_AWS_ACCESS), None)
        if existing is not None:
            return existing.id
        policy = ServiceControlPolicy(
            id=stable_id(ENGINE, "scp", FULL_AWS_ACCESS_ID), name=FULL_AWS_ACCESS, aws_managed=True
        )
        self.model.scps.append(policy)
        return policy.id

    def _account(self, name: str, kind: str) -> None:
        props = self.properties(name)
        path = ("Organization", name, "Properties")
        if "AccountName" not in props:
            raise ConfigError(self.label, where(*path, "AccountName"), "missing AccountName")
        values: dict[str, Any] = {"name": self.text(props["AccountName"], *path, "AccountName")}
        if "AccountId" in props:
            values["aws_account_id"] = self.text(props["AccountId"], *path, "AccountId")
            values["state"] = AccountState.ACTIVE
        if "RootEmail" in props:
            values["email"] = self.text(props["RootEmail"], *path, "RootEmail")
        if "AccountId" not in props and "RootEmail" not in props and kind == ACCOUNT:
            self.report.gap(
                f"{self.label}: {where(*path)}",
                "neither AccountId nor RootEmail: org-formation needs one before it runs",
            )
        if kind == MASTER and "AccountId" not in props:
            self.report.gap(
                f"{self.label}: {where(*path)}",
                "MasterAccount without AccountId: org-formation needs it before it runs",
            )
        tags = props.get("Tags") or {}
        if not isinstance(tags, dict):
            raise ConfigError(self.label, where(*path, "Tags"), "not a mapping of tags")
        values["tags"] = {str(k): self.text(v, *path, "Tags", str(k)) for k, v in tags.items()}
        values["scps"] = self._attachments(
            props.get("ServiceControlPolicies"), *path, "ServiceControlPolicies"
        )
        function = AccountFunction.MANAGEMENT if kind == MASTER else AccountFunction.WORKLOAD
        account = self._valid(
            Account, path, id=stable_id(ENGINE, "account", name), functions=[function], **values
        )
        self._unique(account, path)
        self.model.accounts[name] = account
        if kind == MASTER:
            self.model.master_logical = name
            self.model.organization = self.model.organization.model_copy(
                update={"management_account": account.id}
            )
        for extra in ACCOUNT_EXTRAS:
            if extra in props:
                self.report.gap(
                    f"{self.label}: {where(*path, extra)}", f"{extra} is not held by the design"
                )

    def _unique(self, account: Account, path: tuple[str, ...]) -> None:
        """AccountId and RootEmail name one account each (looked up, not scanned: 10,000
        accounts would otherwise cost 50 million comparisons)."""
        seen = self.identities
        if account.aws_account_id:
            if ("id", account.aws_account_id) in seen:
                raise ConfigError(self.label, where(*path, "AccountId"), "AccountId used twice")
            seen.add(("id", account.aws_account_id))
        if account.email:
            if ("email", account.email.lower()) in seen:
                raise ConfigError(self.label, where(*path, "RootEmail"), "RootEmail used twice")
            seen.add(("email", account.email.lower()))

    def _unit(self, name: str) -> None:
        props = self.properties(name)
        path = ("Organization", name, "Properties")
        if "OrganizationalUnitName" not in props:
            raise ConfigError(
                self.label, where(*path, "OrganizationalUnitName"), "missing OrganizationalUnitName"
            )
        unit = self._valid(
            OrganizationalUnit,
            path,
            id=stable_id(ENGINE, "ou", name),
            name=self.text(props["OrganizationalUnitName"], *path, "OrganizationalUnitName"),
            scps=self._attachments(
                props.get("ServiceControlPolicies"), *path, "ServiceControlPolicies"
            ),
        )
        self.model.units[name] = unit

    def _refs(self, value: Any, kinds: tuple[str, ...], *path: str | int) -> list[str]:
        """The logical ids a list of !Ref names ('*': every resource of those kinds)."""
        if value is None:
            return []
        if value == "*":
            return [n for n, k in self.types.items() if k in kinds and k != MASTER]
        found: list[str] = []
        for n, item in enumerate(value if isinstance(value, list) else [value]):
            here = (*path, n) if isinstance(value, list) else path
            if not isinstance(item, Tag) or item.name != "Ref":
                raise ConfigError(self.label, where(*here), "expected a !Ref to a resource")
            target = str(item.value)
            if self.types.get(target) not in kinds:
                raise ConfigError(
                    self.label, where(*here), f"unknown !Ref target {one_line(target)!r}"
                )
            found.append(target)
        return found

    def _nest(self) -> None:
        """Accounts and child OUs into their OU: one parent each, no cycle."""
        account_parent: dict[str, str] = {}
        unit_parent: dict[str, str] = {}
        for name in self.model.units:
            path = ("Organization", name, "Properties")
            props = self.properties(name)
            for account in self._refs(props.get("Accounts"), (ACCOUNT, MASTER), *path, "Accounts"):
                if account in account_parent and account_parent[account] != name:
                    raise ConfigError(
                        self.label,
                        where(*path, "Accounts"),
                        f"account {account} is also in OU {account_parent[account]}",
                    )
                account_parent[account] = name
            for child in self._refs(
                props.get("OrganizationalUnits"), (UNIT,), *path, "OrganizationalUnits"
            ):
                if child == name:
                    raise ConfigError(
                        self.label, where(*path, "OrganizationalUnits"), "an OU inside itself"
                    )
                if child in unit_parent and unit_parent[child] != name:
                    raise ConfigError(
                        self.label,
                        where(*path, "OrganizationalUnits"),
                        f"OU {child} is also inside OU {unit_parent[child]}",
                    )
                unit_parent[child] = name
        self._no_cycle(unit_parent)
        units = self.model.units
        for child, parent in unit_parent.items():
            units[child] = units[child].model_copy(update={"parent": units[parent].id})
        for account, parent in account_parent.items():
            found = self.model.accounts[account]
            self.model.accounts[account] = found.model_copy(update={"parent": units[parent].id})

    def _no_cycle(self, parents: dict[str, str]) -> None:
        for start in parents:
            seen = [start]
            node = parents.get(start)
            while node is not None:
                if node in seen:
                    path = ("Organization", node, "Properties", "OrganizationalUnits")
                    chain = " -> ".join([*seen[seen.index(node) :], node])
                    raise ConfigError(self.label, where(*path), f"OU cycle: {chain}")
                seen.append(node)
                node = parents.get(node)

    def _root(self, name: str) -> None:
        self.model.root_logical = name
        path = ("Organization", name, "Properties")
        for extra in self.properties(name):
            if extra != "ServiceControlPolicies":
                self.report.gap(
                    f"{self.label}: {where(*path, extra)}", f"{extra} is not held by the design"
                )
        scps = self._attachments(
            self.properties(name).get("ServiceControlPolicies"), *path, "ServiceControlPolicies"
        )
        self.model.organization = self.model.organization.model_copy(update={"root_scps": scps})

    def _billing(self) -> None:
        """Consolidated billing: the MasterAccount pays for every other account."""
        payer = self.model.organization.management_account
        if payer is None:
            return
        for account in self.model.accounts.values():
            if account.id != payer:
                self.model.relationships.append(
                    BillingRelationship(
                        id=stable_id(ENGINE, "billing", account.id), source=payer, target=account.id
                    )
                )


def _partition_token(node: Any, partition: str) -> Any:
    """ARNs with the partition token, as the design's document had them (the export filled in
    `partition`: an SCP of organization.yml is not CloudFormation)."""
    if isinstance(node, str):
        prefix = f"arn:{partition}:"
        return node.replace(prefix, f"arn:{PARTITION_TOKEN}:") if prefix in node else node
    if isinstance(node, list):
        return [_partition_token(v, partition) for v in node]
    if isinstance(node, dict):
        return {k: _partition_token(v, partition) for k, v in node.items()}
    return node


def _parameter_defaults(section: Any) -> dict[str, Any]:
    if not isinstance(section, dict):
        return {}
    return {
        str(k): v["Default"]
        for k, v in section.items()
        if isinstance(v, dict) and "Default" in v and not isinstance(v["Default"], Tag)
    }


def read_organization(data: Any, label: str, report: ConversionReport, text: str = "") -> OrgModel:
    """The organization of `data`; `text` is the file's text, whose comments say what the
    export generated (markers.py)."""
    return _OrgReader(data, label, report, read_marks(text)).read()
