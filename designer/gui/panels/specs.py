"""Field specs: how one field of the property editor reads, shows and writes its value.

A FieldSpec names the model field, makes its editor, reads the value from the subject and turns a
committed value into the changes to send. Most fields change only themselves; a few change a
dependent field with them, because the model refuses one without the other (a service-admin role
needs services; a directory-service provider needs a directory type; a ram-share needs its RAM
resource type).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from designer.analysis.inventory import ou_paths
from designer.core.document import Document
from designer.core.edits import outside_identifier
from designer.core.scope import Scopes
from designer.gui.panels.fields import (
    BoolField,
    ChoiceField,
    FieldEditor,
    MultiChoiceField,
    Options,
    ReadOnlyField,
    StringListField,
    TextBlockField,
    TextField,
)
from designer.model import EntityKind, ObjectLock
from designer.model.kinds import SCOPES, SPECS
from designer.model.vocabulary import (
    OUTSIDE_IDENTIFIERS,
    AccessLevel,
    DirectoryType,
    IdentityProviderKind,
    OutsideKind,
    PrincipalScope,
    ResourceType,
)

Target = Literal["entity", "design", "policy", "requirement"]  # requirement: the OU's
Pending = Callable[[str], Any]  # the value another editor of the form holds right now
Reader = Callable[[Any, Document], Any]
Writer = Callable[[Any, Any, Pending], dict[str, Any]]
Condition = Callable[[Any, Document], bool]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    make: Callable[[], FieldEditor]
    read: Reader | None = None  # default: getattr(subject, name)
    write: Writer | None = None  # default: {name: value}
    options: Callable[[Document, Any], Options] | None = None
    enabled: Condition | None = None
    target: Target = "entity"
    tip: str = ""
    note: Callable[[Any], str] | None = None  # a caution under the field (not an error)
    wide: bool = False  # label above, the editor as wide as the form (long option labels)


@dataclass(frozen=True)
class Section:
    title: str


FormItem = FieldSpec | Section


# -- option lists -------------------------------------------------------------------------------
def vocab(enum: type[StrEnum], labels: dict[Any, str] | None = None) -> Options:
    return [((labels or {}).get(m) or m.value.replace("-", " ").capitalize(), m) for m in enum]


def none_option(label: str = "(none)") -> Options:
    return [(label, None)]


def parent_options(document: Document, subject: Any) -> Options:
    """Root and every OU by path; an OU cannot go into itself or anything below it."""
    banned = {subject.id}
    if document.kind(subject.id) == EntityKind.OU:
        banned.update(document.graph.ou_subtree(subject.id))
    paths = ou_paths(document.design)
    units = sorted((path, ou) for ou, path in paths.items() if ou is not None and ou not in banned)
    return [("Root", None), *((path.removeprefix("Root/"), ou) for path, ou in units)]


def account_options(document: Document, _subject: Any) -> Options:
    accounts = document.design.accounts
    return [(f"{a.name} ({a.aws_account_id or 'planned'})", a.id) for a in accounts]


def optional_account_options(document: Document, subject: Any) -> Options:
    return [*none_option(), *account_options(document, subject)]


def bucket_options(document: Document, _subject: Any) -> Options:
    return [*none_option(), *((b.name, b.id) for b in document.design.log_buckets)]


def scp_options(document: Document, _subject: Any) -> Options:
    return [(p.name, p.id) for p in document.design.service_control_policies]


def ou_options(document: Document, _subject: Any) -> Options:
    """The whole organization, then every OU by path (what delegated administration covers)."""
    paths = ou_paths(document.design)
    units = sorted((path, ou) for ou, path in paths.items() if ou is not None)
    return [
        ("(whole organization)", None),
        *((path.removeprefix("Root/"), ou) for path, ou in units),
    ]


def scope_of(rel: Any, document: Document) -> str | None:
    """The OU or organization whose accounts a relationship covers: its scoped end, or what a
    delegated administrator administers (the organization when unset); None for account ends."""
    if rel.kind == "delegated-admin":
        return rel.administers or document.design.organization.id
    scoped = (str(end) for end in (rel.target, rel.source) if document.kind(end) in SCOPES)
    return next(scoped, None)


def is_scoped(rel: Any, document: Document) -> bool:
    """Whether the relationship has a scope it may leave accounts out of."""
    return SPECS[rel.kind].excludes and scope_of(rel, document) is not None


def excluded_options(document: Document, rel: Any) -> Options:
    """The accounts inside the relationship's scope, and any it excludes that have left it
    since (so that unticking them is possible)."""
    scope = scope_of(rel, document)
    inside = Scopes(document.design).members(scope) if scope is not None else ()
    wanted = set(inside) | set(rel.excluded_accounts)
    return [
        (f"{a.name} ({a.aws_account_id or 'planned'})", a.id)
        for a in document.design.accounts
        if a.id in wanted
    ]


def name_of(entity_id: str, document: Document) -> str:
    """A relationship's end as the form names it; an OU or the organization says that it
    stands for every account in it."""
    entity = document.get(entity_id)
    kind = document.kind(entity_id)
    if kind == EntityKind.OU:
        return f"OU {entity.name}: every account in it, now and in future"
    if kind == EntityKind.ORGANIZATION:
        return f"{entity.name}: every account of the organization, now and in future"
    return f"{entity.name} ({kind.value.replace('_', ' ')})"


# -- building blocks ------------------------------------------------------------------------------
def text(name: str, label: str, optional: bool = False, hint: str = "") -> FieldSpec:
    return FieldSpec(name, label, lambda: TextField(optional, hint))


def block(name: str, label: str, target: Target = "entity") -> FieldSpec:
    return FieldSpec(name, label, TextBlockField, target=target)


def strings(
    name: str,
    label: str,
    hint: str,
    target: Target = "entity",
    lines: int = 4,
    write: Writer | None = None,
) -> FieldSpec:
    return FieldSpec(name, label, lambda: StringListField(hint, lines), target=target, write=write)


def choice(name: str, label: str, options: Options, write: Writer | None = None) -> FieldSpec:
    return FieldSpec(name, label, lambda: ChoiceField(options), write=write)


def flag(name: str, text_: str, tip: str = "") -> FieldSpec:
    return FieldSpec(name, "", lambda: BoolField(text_), tip=tip)


def chooser(name: str, label: str, options: Callable[[Document, Any], Options]) -> FieldSpec:
    return FieldSpec(name, label, ChoiceField, options=options)


def scps() -> FieldSpec:
    return FieldSpec("scps", "SCPs", MultiChoiceField, options=scp_options)


def ends() -> list[FormItem]:
    """A relationship's source and target, shown by name and not editable here."""
    return [
        FieldSpec("source", "From", ReadOnlyField, read=lambda r, d: name_of(r.source, d)),
        FieldSpec("target", "To", ReadOnlyField, read=lambda r, d: name_of(r.target, d)),
    ]


# -- dependent fields ------------------------------------------------------------------------------
def write_access_level(value: Any, trust: Any, pending: Pending) -> dict[str, Any]:
    services = pending("services") if value == AccessLevel.SERVICE_ADMIN else []
    arns = pending("managed_policy_arns") if value == AccessLevel.CUSTOM else None
    change = {"access_level": value, "services": services}
    return change if arns is None else {**change, "managed_policy_arns": arns}


def write_services(value: Any, trust: Any, _pending: Pending) -> dict[str, Any]:
    """Naming services makes the role a service-admin role (they mean nothing otherwise)."""
    if value and trust.access_level != AccessLevel.SERVICE_ADMIN:
        return {"services": value, "access_level": AccessLevel.SERVICE_ADMIN}
    return {"services": value}


def write_policy_arns(value: Any, trust: Any, _pending: Pending) -> dict[str, Any]:
    """Listing managed policies makes the role a custom role."""
    if value and trust.access_level != AccessLevel.CUSTOM:
        return {"managed_policy_arns": value, "access_level": AccessLevel.CUSTOM}
    return {"managed_policy_arns": value}


def write_principal_scope(value: Any, _trust: Any, pending: Pending) -> dict[str, Any]:
    role = pending("principal_role_name") if value == PrincipalScope.ROLE else None
    return {"principal_scope": value, "principal_role_name": role}


def write_principal_role(value: Any, _trust: Any, _pending: Pending) -> dict[str, Any]:
    scope = PrincipalScope.ROLE if value else PrincipalScope.ACCOUNT_ROOT
    return {"principal_role_name": value, "principal_scope": scope}


def write_idp_kind(value: Any, _idp: Any, pending: Pending) -> dict[str, Any]:
    directory = None
    if value == IdentityProviderKind.DIRECTORY_SERVICE:
        directory = pending("directory_type") or DirectoryType.MANAGED_MICROSOFT_AD
    return {"kind": value, "directory_type": directory}


def write_outside_kind(value: Any, principal: Any, pending: Pending) -> dict[str, Any]:
    """Switching kind moves to that kind's identifier: what its field holds, else a made-up one
    where the model needs one; the other kinds' identifiers are cleared."""
    own = OUTSIDE_IDENTIFIERS[OutsideKind(value)]
    return {"kind": value, **outside_identifier(value, pending(own) if own else None)}


def write_resource_type(value: Any, _share: Any, pending: Pending) -> dict[str, Any]:
    ram_type = pending("ram_resource_type") if value == ResourceType.RAM_SHARE else None
    return {"resource_type": value, "ram_resource_type": ram_type}


def write_ram_type(value: Any, share: Any, _pending: Pending) -> dict[str, Any]:
    if value and share.resource_type != ResourceType.RAM_SHARE:
        return {"ram_resource_type": value, "resource_type": ResourceType.RAM_SHARE}
    return {"ram_resource_type": value}


def write_lock_mode(value: Any, _bucket: Any, pending: Pending) -> dict[str, Any]:
    if value is None:
        return {"object_lock": None}
    days = pending("object_lock_retention_days") or 365
    return {"object_lock": ObjectLock(mode=value, retention_days=days)}


def write_lock_days(value: Any, bucket: Any, _pending: Pending) -> dict[str, Any]:
    if bucket.object_lock is None:
        return {}
    return {"object_lock": ObjectLock(mode=bucket.object_lock.mode, retention_days=value)}


def lock_days(bucket: Any, _document: Document) -> int:
    return int(bucket.object_lock.retention_days) if bucket.object_lock else 365
