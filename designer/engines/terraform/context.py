"""What every part of the Terraform export shares: the identifiers given to the design's nodes,
the provider of each account, the variables the design cannot fill in, and the reading of
policy_set's placeholders ("${AccountId:<name>}", "${OuId:<path>}", ...) as references.

Identifiers come from user names made valid ([A-Za-z_][A-Za-z0-9_-]*), unique per namespace
(the resource type, modules, providers, variables) and allocated in design order, so the same
design gives the same names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from designer.artefacts.scoping import ExportScopes
from designer.artefacts.tokens import PARTITION, SAML_AUDIENCE, SAML_AUDIENCE_TOKEN
from designer.engines.terraform.hcl import Ref, Template, Value
from designer.model.design import Design
from designer.model.errors import one_line
from designer.model.nodes import Account
from designer.support.names import safe_name

ORGANIZATION = "aws_organizations_organization.this"
ROOT_ID = Ref(f"{ORGANIZATION}.roots[0].id")
ORGANIZATION_ID = Ref(f"{ORGANIZATION}.id")
MANAGEMENT_ID = Ref(f"{ORGANIZATION}.master_account_id")
REGION = Ref("var.region")
ACCOUNT = "aws_organizations_account"
# What "this account" is in a document: a role deployed to a scope, the access-log bucket name.
THIS_ACCOUNT = ("${AccountId}", "${AWS::AccountId}")
OU = "aws_organizations_organizational_unit"


def home_region(design: Design) -> str | None:
    """The trails' home Region as policy_set picks it: the first allowed Region, else the
    management account's first."""
    mgmt = next(
        (a for a in design.accounts if a.id == design.organization.management_account), None
    )
    regions = design.usage_policy.allowed_regions or (mgmt.regions if mgmt else [])
    return regions[0] if regions else None


def base_identifier(text: str, fallback: str) -> str:
    """Lower-case ASCII letters, digits and '_' from user text; never starting with a digit."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_").lower()[:48].strip("_")
    if not cleaned:
        return fallback
    return f"{fallback}_{cleaned}" if cleaned[0].isdigit() else cleaned


class Identifiers:
    """Unique identifiers per namespace ("aws_iam_role", "module", "variable", ...)."""

    def __init__(self) -> None:
        self.taken: dict[str, set[str]] = {}

    def new(self, namespace: str, text: str, fallback: str) -> str:
        taken = self.taken.setdefault(namespace, set())
        base = base_identifier(text, fallback)
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        taken.add(candidate)
        return candidate


class FileNames:
    """File names from user text: safe (safe_name) and unique, case-insensitively."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def new(self, folder: str, stem: str, fallback: str) -> str:
        base = safe_name(stem, fallback)
        candidate, n = base, 2
        while f"{folder}/{candidate}".lower() in self.taken:
            candidate, n = f"{base}-{n}", n + 1
        self.taken.add(f"{folder}/{candidate}".lower())
        return f"{folder}/{candidate}.tf" if folder else f"{candidate}.tf"


@dataclass(frozen=True)
class Variable:
    name: str
    description: str
    default: str | None = None


class Context:
    def __init__(self, design: Design, partition: str) -> None:
        self.design = design
        self.partition = partition
        self.scopes = ExportScopes(design)
        self.ids = Identifiers()
        self.files = FileNames()
        self.management = design.organization.management_account
        self.accounts = {a.id: a for a in design.accounts}
        self.account_ids = {a.id: self.ids.new(ACCOUNT, a.name, "account") for a in design.accounts}
        self.ou_ids = {u.id: self.ids.new(OU, u.name, "ou") for u in design.organizational_units}
        self.ou_by_path = {self.scopes.ou_path(u): u for u in self.ou_ids}
        self.variables: dict[str, Variable] = {}
        self.ids.taken["variable"] = {"region"}  # declared by write.variables
        self.providers: set[str] = set()  # accounts that need a provider alias
        self._placeholders: dict[str, Callable[[], str | Ref]] | None = None
        self._longest = 0

    # -- accounts, OUs and providers -------------------------------------------------------
    def account_id(self, account: Account) -> str | Ref:
        """The account's id as the configuration names it: the 12 digits when the design
        knows them, else the attribute of the resource that creates (or holds) it."""
        if account.aws_account_id:
            return account.aws_account_id
        if account.id == self.management:
            return MANAGEMENT_ID
        return Ref(f"{ACCOUNT}.{self.account_ids[account.id]}.id")

    def account_ref(self, account: Account) -> Ref | str:
        """A reference to the account for Organizations (dependency order included)."""
        if account.id == self.management:
            return account.aws_account_id or MANAGEMENT_ID
        return Ref(f"{ACCOUNT}.{self.account_ids[account.id]}.id")

    def parent_ref(self, parent: str | None) -> Ref:
        if parent is None or parent not in self.ou_ids:
            return ROOT_ID
        return Ref(f"{OU}.{self.ou_ids[parent]}.id")

    def provider(self, account: Account) -> Ref | None:
        """The provider that acts in the account: the default one (Terraform runs with the
        management account's credentials) or the account's alias."""
        if account.id == self.management:
            return None
        self.providers.add(account.id)
        return Ref(f"aws.{self.account_ids[account.id]}")

    def variable(self, text: str, description: str, default: str | None = None) -> Ref:
        """A value the user supplies (declared in variables.tf), one per distinct `text`."""
        for found in self.variables.values():
            if found.description == description:
                return Ref(f"var.{found.name}")
        name = self.ids.new("variable", text, "value")
        self.variables[name] = Variable(name, description, default)
        return Ref(f"var.{name}")

    # -- placeholders ----------------------------------------------------------------------
    def value(self, node: Any, here: str | Ref | None = None) -> Value:
        """A policy_set document as HCL: placeholders become references, the rest literal.
        `here` is the account a document lands in (its "${AccountId}")."""
        if isinstance(node, list):
            return [self.value(v, here) for v in node]
        if isinstance(node, dict):
            return {str(k): self.value(v, here) for k, v in node.items()}
        if isinstance(node, str):
            return self._text(node, here)
        return node

    def _text(self, text: str, here: str | Ref | None) -> Value:
        if text == SAML_AUDIENCE_TOKEN:
            return SAML_AUDIENCE[self.partition]
        text = text.replace(PARTITION, self.partition)
        if "${" not in text:
            return text
        parts: list[str | Ref] = []
        i = 0
        while i < len(text):
            found = self._placeholder_at(text, i, here) if text.startswith("${", i) else None
            if found is None:
                parts.append(text[i])
                i += 1
            else:
                length, value = found
                parts.append(value)
                i += length
        return _joined(parts)

    def _placeholder_at(
        self, text: str, start: int, here: str | Ref | None
    ) -> tuple[int, str | Ref] | None:
        """The longest placeholder of policy_set's starting at `start` and what it stands for.
        Matched exactly, so a name holding "}" is read whole; any other "${...}" (an IAM
        policy variable such as ${aws:username}) stays text."""
        known = self.placeholders()
        best = ""
        end = text.find("}", start)
        while end != -1 and end - start < self._longest:
            candidate = text[start : end + 1]
            if candidate in known or candidate in THIS_ACCOUNT:
                best = candidate
            end = text.find("}", end + 1)
        if not best or (best in THIS_ACCOUNT and here is None):
            return None
        if best in THIS_ACCOUNT:
            return len(best), here  # type: ignore[return-value]
        return len(best), known[best]()

    def placeholders(self) -> dict[str, Callable[[], str | Ref]]:
        """Placeholder text -> its value (a thunk: a variable is declared only when used)."""
        if self._placeholders is None:
            self._placeholders = self._known_placeholders()
            self._longest = max(map(len, [*self._placeholders, *THIS_ACCOUNT]))
        return self._placeholders

    def _known_placeholders(self) -> dict[str, Callable[[], str | Ref]]:
        org_id = self.design.organization.organization_id
        found: dict[str, Callable[[], str | Ref]] = {
            "${HomeRegion}": partial(_same, REGION),
            "${AWS::Region}": partial(_same, REGION),
            "${OrganizationId}": partial(_same, org_id or ORGANIZATION_ID),
            "${RootId}": partial(_same, ROOT_ID),
        }
        for unit, ident in self.ou_ids.items():
            path = one_line(self.scopes.ou_path(unit))
            found.setdefault(f"${{OuId:{path}}}", partial(_same, Ref(f"{OU}.{ident}.id")))
        # a planned account is "${AccountId:<one_line(name)>}"; the first of a name in design
        # order, as the CloudFormation export reads it
        for account in self.design.accounts:
            name = one_line(account.name)
            found.setdefault(f"${{AccountId:{name}}}", partial(_same, self.account_id(account)))
        for party in self.design.outside_principals:
            name = one_line(party.name)
            what = f"The 12-digit id of external account {name} (not in the design)"
            found.setdefault(
                f"${{AccountId:{name}}}", partial(self.variable, f"account_id_{name}", what)
            )
        for idp in self.design.identity_providers:
            name = one_line(idp.name)
            for kind, what in (("Issuer", "issuer host"), ("Audience", "client id (audience)")):
                found.setdefault(
                    f"${{Oidc{kind}:{name}}}",
                    partial(
                        self.variable, f"oidc_{kind}_{name}", f"The {what} of OIDC provider {name}"
                    ),
                )
        return found


def _same(value: str | Ref) -> str | Ref:
    return value


def _joined(parts: list[str | Ref]) -> Value:
    """Adjacent literal parts merged; a plain string when nothing is a reference."""
    merged: list[str | Ref] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    if all(isinstance(p, str) for p in merged):
        return "".join(p for p in merged if isinstance(p, str))
    if len(merged) == 1 and isinstance(merged[0], Ref):
        return merged[0]
    return Template(tuple(merged))
