"""Logical ids and !Sub strings, shared by the writer and the reader.

org-formation names every organization resource by a logical id (alphanumeric, unique in the
file). A template's !Sub names an account by it (${SharedUsersAccount} is that account's id);
the ids of OUs, the root and the organization are known only to a task's Parameters (!Ref
DevelopmentOU, !Ref OrganizationRoot, !Ref ORG::PrincipalOrgID), which pass them to template
Parameters (checked with org-formation's own parser: tests/engines/test_orgformation_parser.py).
The policy builder (designer.artefacts.policy_set) writes placeholders for what a design does
not know; here they become those references.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from designer.artefacts.policy_set import (
    EACH_ACCOUNT,
    ORGANIZATION_PLACEHOLDER,
    REGION_PLACEHOLDER,
    ROOT_PLACEHOLDER,
)
from designer.artefacts.scoping import ExportScopes
from designer.artefacts.tokens import PARTITION
from designer.engines.yamlio import Tag
from designer.model.design import Design
from designer.model.errors import one_line

MASTER_ID = "MasterAccount"
ROOT_ID = "OrganizationRoot"
ORG_ID_VARIABLE = "ORG::PrincipalOrgID"  # a task parameter's !Ref: the organization id
ORG_PARAMETER = "OrganizationId"  # the template parameters the task fills
ROOT_PARAMETER = "RootId"
MAX_LOGICAL_ID = 200  # CloudFormation allows 255; room for the numeric suffix
_ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


def camel(text: str, fallback: str = "Unnamed") -> str:
    """'retail prod-eu' -> 'RetailProdEu': the ASCII letters and digits of `text`, each word
    capitalised (a logical id is alphanumeric)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+", ascii_text)
    joined = "".join(w[:1].upper() + w[1:] for w in words)[:MAX_LOGICAL_ID]
    if not joined or not joined[0].isalpha():
        joined = fallback + joined  # a logical id starts with a letter by convention
    return joined[:MAX_LOGICAL_ID]


class LogicalIds:
    """Unique logical ids made from names, in the order they are asked for (so the same design
    gives the same ids): 'Prod' + 'OU', then 'Prod2OU' for a second OU whose name reads alike."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken: set[str] = set(taken)

    def make(self, name: str, suffix: str) -> str:
        base = camel(name)
        if base.endswith(suffix):
            base = base[: -len(suffix)] or base
        n = 1
        while True:
            found = f"{base}{n if n > 1 else ''}{suffix}"
            if found not in self.taken:
                self.taken.add(found)
                return found
            n += 1


@dataclass
class OrganizationIds:
    """The logical id of every account, OU and SCP of a design (design id -> logical id)."""

    accounts: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    scps: dict[str, str] = field(default_factory=dict)  # SCP name -> logical id

    @classmethod
    def of(cls, design: Design, scp_names: Iterable[str]) -> OrganizationIds:
        ids = cls()
        names = LogicalIds({MASTER_ID, ROOT_ID})
        scopes = ExportScopes(design)
        for unit in design.organizational_units:
            ids.units[unit.id] = names.make(scopes.ou_path(unit.id), "OU")
        management = design.organization.management_account
        for account in design.accounts:
            if account.id == management:
                ids.accounts[account.id] = MASTER_ID
            else:
                ids.accounts[account.id] = names.make(account.name, "Account")
        for name in scp_names:
            if name not in ids.scps:
                ids.scps[name] = names.make(name, "SCP")
        return ids


class SubWriter:
    """Policy documents from designer.artefacts.policy_set as an org-formation template has
    them: a string naming an account, the partition or the account the stack lands in becomes
    !Sub (org-formation resolves ${<account logical id>} itself); the organization, root and OU
    ids become template Parameters that the task fills (!Ref ORG::PrincipalOrgID, !Ref
    OrganizationRoot, !Ref <OU>: org-formation resolves those in a task's Parameters, not in a
    template). Any other '${' is escaped ('${!'), so user text stays literal; `unknown` collects
    placeholders nothing stands for (the file says so), `parameters` what the task must pass."""

    def __init__(self, design: Design, ids: OrganizationIds) -> None:
        scopes = ExportScopes(design)
        self.variables: dict[str, str] = {
            PARTITION: "${AWS::Partition}",
            EACH_ACCOUNT: "${AWS::AccountId}",
            REGION_PLACEHOLDER: "${AWS::Region}",
        }
        # placeholder -> (template parameter, what the task passes)
        self.passed: dict[str, tuple[str, Tag]] = {
            ORGANIZATION_PLACEHOLDER: (ORG_PARAMETER, Tag("Ref", ORG_ID_VARIABLE)),
            ROOT_PLACEHOLDER: (ROOT_PARAMETER, Tag("Ref", ROOT_ID)),
        }
        for unit in design.organizational_units:
            path = one_line(scopes.ou_path(unit.id))
            logical = ids.units[unit.id]
            self.passed.setdefault(f"${{OuId:{path}}}", (f"{logical}Id", Tag("Ref", logical)))
        self.by_id: dict[str, str] = {}
        for account in design.accounts:
            ref = "${" + ids.accounts[account.id] + "}"
            self.variables.setdefault(f"${{AccountId:{one_line(account.name)}}}", ref)
            if account.aws_account_id:
                self.by_id.setdefault(account.aws_account_id, ref)
        self.organization_id = design.organization.organization_id
        self.unknown: list[str] = []
        self.parameters: dict[str, Tag] = {}  # template parameter -> the task's value

    def convert(self, node: Any) -> Any:
        if isinstance(node, str):
            return self.string(node)
        if isinstance(node, list):
            return [self.convert(v) for v in node]
        if isinstance(node, dict):
            return {k: self.convert(v) for k, v in node.items()}
        return node

    def template_parameters(self) -> dict[str, Any]:
        return {name: {"Type": "String"} for name in self.parameters}

    def _parameter(self, placeholder: str) -> str:
        name, value = self.passed[placeholder]
        self.parameters[name] = value
        return "${" + name + "}"

    def string(self, text: str) -> str | Tag:
        """`text` as a plain string, or !Sub when it names something a reference stands for.
        Known placeholders are swapped out first (an account's name may itself hold '${' or
        '}'), then every other '${' is escaped, then the references go in."""
        swapped: list[str] = []
        if "${" in text:
            for key in sorted(
                (k for k in (*self.variables, *self.passed) if k in text), key=len, reverse=True
            ):
                if key in text:
                    text = text.replace(key, f"\0{len(swapped)}\0")
                    swapped.append(self._variable(key))
            for leftover in re.findall(r"\$\{[^}]*\}", text):
                if leftover not in self.unknown:
                    self.unknown.append(leftover)
        escaped = text.replace("${", "${!")
        if self.organization_id and self.organization_id in escaped:
            variable = self._parameter(ORGANIZATION_PLACEHOLDER)
            escaped = escaped.replace(self.organization_id, variable)

        def account(match: re.Match[str]) -> str:
            return self.by_id.get(match.group(0), match.group(0))

        done = _ACCOUNT_ID.sub(account, escaped)
        for n, value in enumerate(swapped):
            done = done.replace(f"\0{n}\0", value)
        return Tag("Sub", done) if done != text or swapped else text

    def _variable(self, key: str) -> str:
        return self.variables[key] if key in self.variables else self._parameter(key)
