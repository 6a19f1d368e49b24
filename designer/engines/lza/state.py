"""What a conversion has built so far: the design's parts, looked up by their LZA names."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.engines.lza import ROOT
from designer.engines.lza.fields import At
from designer.engines.lza.policies import from_lza
from designer.engines.lza.replacements import Replacements, parse
from designer.engines.report import ConversionReport
from designer.model.governance import ServiceControlPolicy
from designer.model.ids import stable_id
from designer.model.nodes import Account, IdentityProvider, OrganizationalUnit, OutsidePrincipal
from designer.model.relationships import Relationship
from designer.model.vocabulary import OutsideKind


@dataclass
class State:
    root: Path
    report: ConversionReport
    replacements: Replacements = field(default_factory=Replacements)
    organization_id: str = field(default_factory=lambda: stable_id("lza", "organization"))
    units: dict[str, OrganizationalUnit] = field(default_factory=dict)  # LZA path -> OU
    accounts: dict[str, Account] = field(default_factory=dict)  # LZA name -> account
    management: str | None = None  # design id of the management account
    scps: dict[str, ServiceControlPolicy] = field(default_factory=dict)  # LZA name -> SCP
    providers: dict[str, IdentityProvider] = field(default_factory=dict)  # LZA name -> provider
    outside: dict[tuple[str, str], OutsidePrincipal] = field(default_factory=dict)
    relationships: list[Relationship] = field(default_factory=list)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)  # policySets name -> doc
    regions: list[str] = field(default_factory=list)
    logging_account: str | None = None  # design id
    read_files: set[str] = field(default_factory=set)
    # LZA's policy-file variables (policies.py): ${ACCELERATOR_PREFIX} -> AWSAccelerator, ...
    policy_values: dict[str, str] = field(default_factory=dict)
    ignored_units: set[str] = field(default_factory=set)  # design ids of OUs LZA ignores
    principal_roles: dict[str, str] = field(default_factory=dict)  # "role@account" -> role
    parsed: dict[str, tuple[Any, str]] = field(default_factory=dict)  # file -> (data, text)

    # -- files ---------------------------------------------------------------------------------
    def text_of(self, relative: str, at: At) -> str:
        """A file the configuration names, relative to its folder (never outside it)."""
        path = (self.root / relative).resolve()
        if self.root.resolve() not in path.parents or not path.is_file():
            raise at.error(f"file {relative} not found in the configuration folder")
        try:
            content = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise at.error(f"file {relative} cannot be read ({exc.__class__.__name__})") from None
        self.read_files.add(path.relative_to(self.root.resolve()).as_posix())
        return content

    def yaml_of(self, name: str) -> tuple[Any, str] | None:
        """A configuration file's data and raw text; None when the folder has no such file."""
        if not (self.root / name).is_file():
            return None
        if name not in self.parsed:  # read once: a placeholder is one gap, however often used
            source = self.text_of(name, At(name))
            self.report.files.append(name)
            self.parsed[name] = (parse(source, name, self.replacements, self.report), source)
        return self.parsed[name]

    def document(self, relative: str, at: At) -> dict[str, Any]:
        """A JSON policy file, placeholders resolved as in the YAML files."""
        resolved, _kept = self.replacements.substitute(self.text_of(relative, at), relative)
        try:
            found = json.loads(resolved)
        except ValueError as exc:
            raise at.error(f"policy file {relative} is not valid JSON ({exc})") from None
        if not isinstance(found, dict):
            raise at.error(f"policy file {relative} is not a JSON object")
        found, left, stripped = from_lza(found, self.policy_values)
        for variable in left:
            self.report.gap(f"{relative}", f"{variable} is not resolved here: kept as written")
        if stripped:
            self.report.gap(
                f"{relative}",
                "the exemption of LZA's own roles (<prefix>*, cdk-accel*) is left out of the "
                "design: no other deployment has those roles; the LZA export adds it back",
            )
        return found

    # -- lookups -------------------------------------------------------------------------------
    def unit(self, path: str, at: At) -> str | None:
        """The design id an OU path stands for (None: the root)."""
        if path == ROOT:
            return None
        unit = self.units.get(path.strip("/"))
        if unit is None:
            raise at.error(f"unknown OU {path!r} (not in organization-config.yaml)")
        return unit.id

    def account(self, name: str, at: At) -> Account:
        found = self.accounts.get(name)
        if found is None:
            found = next((a for a in self.accounts.values() if a.aws_account_id == name), None)
        if found is None:
            raise at.error(f"unknown account {name!r} (not in accounts-config.yaml)")
        return found

    def outside_principal(self, kind: OutsideKind, identifier: str) -> OutsidePrincipal:
        key = (str(kind), identifier)
        if key not in self.outside:
            field_name = (
                "aws_account_id" if kind == OutsideKind.EXTERNAL_ACCOUNT else "service_principal"
            )
            self.outside[key] = OutsidePrincipal.model_validate(
                {
                    "id": stable_id("lza", "outside", *key),
                    "name": identifier,
                    "kind": kind,
                    field_name: identifier,
                }
            )
        return self.outside[key]

    def children(self) -> dict[str | None, list[str]]:
        """OU id (None: the root) -> the ids of the OUs directly in it."""
        found: dict[str | None, list[str]] = {}
        for unit in self.units.values():
            found.setdefault(unit.parent, []).append(unit.id)
        return found

    def below(self, unit_id: str) -> set[str]:
        """Every OU nested in an OU, at any depth (not the OU itself)."""
        children, found, todo = self.children(), set(), [unit_id]
        while todo:
            for child in children.get(todo.pop(), []):
                found.add(child)
                todo.append(child)
        return found

    def ignored(self) -> set[str]:
        """Account ids LZA leaves alone: those in an OU marked ignore (or nested in one)."""
        units = set(self.ignored_units)
        for unit in list(units):
            units |= self.below(unit)
        return {a.id for a in self.accounts.values() if a.parent in units}

    def in_units(self, units: set[str | None]) -> list[str]:
        """Accounts placed directly in one of the OUs (None: at the root)."""
        return [a.id for a in self.accounts.values() if a.parent in units]
