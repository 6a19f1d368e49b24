"""What the editor creates: new nodes with sensible defaults, relationships valid for a pair,
and copies of a selection with fresh ids. Plain Python, shared by the GUI and scripts."""

from __future__ import annotations

import itertools
import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from designer.model.catalog import COLLECTIONS, EntityKind, index_entities
from designer.model.governance import LogBucket, ServiceControlPolicy
from designer.model.ids import new_id
from designer.model.kinds import SCOPES, SPECS, End, spec_of
from designer.model.nodes import Account, IdentityProvider, OrganizationalUnit, OutsidePrincipal
from designer.model.vocabulary import (
    FUNCTION_LABELS,
    OUTSIDE_IDENTIFIERS,
    OUTSIDE_LABELS,
    AccountFunction,
    OutsideKind,
)

if TYPE_CHECKING:
    from designer.model.design import Design

KIND_TITLES = {kind: spec.title for kind, spec in SPECS.items()}
CLIPBOARD_FORMAT = "application/x-account-designer-fragment"


def unique_name(design: Design, base: str, taken: set[str] | None = None) -> str:
    """`base`, or `base 2`, `base 3`...: the first no entity is called. Pass `taken` (the names
    in use, kept up to date by the caller) to name many things without re-reading the design."""
    if taken is None:
        taken = names_in_use(design)
    if base not in taken:
        return base
    return next(f"{base} {n}" for n in itertools.count(2) if f"{base} {n}" not in taken)


def names_in_use(design: Design) -> set[str]:
    """Every entity's name (relationships have none: not read, there are thousands)."""
    names = {design.organization.name}
    for kind, field in COLLECTIONS.items():
        if kind != EntityKind.RELATIONSHIP:
            names.update(str(e.name) for e in getattr(design, field))
    return names


def new_account(design: Design, function: AccountFunction, parent: str | None) -> Account:
    name = unique_name(design, FUNCTION_LABELS[function].split(" (")[0].split(" /")[0])
    return Account(name=name, functions=[function], parent=parent)


def new_ou(design: Design, parent: str | None) -> OrganizationalUnit:
    return OrganizationalUnit(name=unique_name(design, "New OU"), parent=parent)


def new_identity_provider(design: Design, kind: str) -> IdentityProvider:
    titles = {
        "saml": "SAML IdP",
        "oidc": "OIDC IdP",
        "directory-service": "Directory",
        "identity-center": "IAM Identity Center",
    }
    directory = "managed-microsoft-ad" if kind == "directory-service" else None
    return IdentityProvider(
        name=unique_name(design, titles[kind]), kind=kind, directory_type=directory
    )


# A partner organization and a service need an identifier to be valid at all: a new one starts
# with a plainly made-up one, which its form marks until the architect enters the real one.
OUTSIDE_PLACEHOLDERS: dict[OutsideKind, str] = {
    OutsideKind.PARTNER_ORGANIZATION: "o-example0000",
    OutsideKind.SERVICE: "example.amazonaws.com",
}


def outside_identifier(kind: OutsideKind, value: str | None) -> dict[str, Any]:
    """The identifier fields of a principal of `kind`: its own one (`value`, else the
    placeholder where the model needs one), the others empty."""
    own = OUTSIDE_IDENTIFIERS[kind]
    fields: dict[str, Any] = {f: None for f in OUTSIDE_IDENTIFIERS.values() if f is not None}
    if own is not None:
        fields[own] = value or OUTSIDE_PLACEHOLDERS.get(kind)
    return fields


def new_outside_principal(
    design: Design, kind: OutsideKind = OutsideKind.EXTERNAL_ACCOUNT
) -> OutsidePrincipal:
    """An outside principal of `kind`, valid as it is, named after its kind."""
    return OutsidePrincipal(
        name=unique_name(design, OUTSIDE_LABELS[kind]), kind=kind, **outside_identifier(kind, None)
    )


def new_log_bucket(design: Design, owner: str) -> LogBucket:
    """A protected bucket for the owner's logs: versioned, encrypted, org-only writes."""
    taken = {b.name for b in design.log_buckets}
    base = "org-logs"
    name = (
        base
        if base not in taken
        else next(f"{base}-{n}" for n in itertools.count(2) if f"{base}-{n}" not in taken)
    )
    return LogBucket(
        name=name,
        account=owner,
        versioning=True,
        kms_key="alias/logs",
        access_logging=True,
        organization_restricted_writes=True,
    )


def new_scp(design: Design) -> ServiceControlPolicy:
    return ServiceControlPolicy(name=unique_name(design, "New SCP"))


def valid_kinds(design: Design, source: str, target: str) -> list[str]:
    """Relationship kinds that may join `source` to `target` in this design."""
    index = index_entities(design)
    if source not in index or target not in index:
        return []
    ends = [(end, index[node]) for end, node in (("source", source), ("target", target))]
    if all(ref.kind in SCOPES for _, ref in ends):
        return []  # one end at most may stand for many accounts
    kinds = []
    for kind, spec in SPECS.items():
        if not all(spec.allows(end, ref.kind, _outside_kind(ref)) for end, ref in ends):
            continue
        if source == target and not spec.self_allowed:
            continue
        if spec.from_management and source != design.organization.management_account:
            continue
        kinds.append(kind)
    return kinds


def _outside_kind(ref: Any) -> Any:
    return ref.entity.kind if ref.kind == EntityKind.OUTSIDE else None


def new_relationship(design: Design, kind: str, source: str, target: str) -> Any:
    """A relationship of `kind` with the least-privilege defaults a reviewer expects.

    Raises KeyError naming the known kinds for a kind that does not exist."""
    spec = spec_of(kind)
    index = index_entities(design)
    ends = [End(index[node].kind, index[node].entity) for node in (source, target)]
    return spec.model.model_validate({"source": source, "target": target, **spec.defaults(*ends)})


# -- copy and paste --------------------------------------------------------------------------


def copy_fragment(
    design: Design, ids: list[str], shown: dict[str, tuple[float, float]] | None = None
) -> str:
    """The selected nodes, and the relationships among them, as JSON for the clipboard.

    `shown` gives the canvas positions of nodes the design has not stored a position for yet.
    """
    index = index_entities(design)
    # In the order given (a set would order the copies by their random ids).
    chosen = [i for i in dict.fromkeys(ids) if i in index]
    chosen = [i for i in chosen if index[i].kind != EntityKind.ORGANIZATION]
    nodes = [index[i] for i in chosen if index[i].kind != EntityKind.RELATIONSHIP]
    node_ids = {ref.entity.id for ref in nodes}
    rels = [r for r in design.relationships if r.source in node_ids and r.target in node_ids]
    positions = {i: {"x": x, "y": y} for i, (x, y) in (shown or {}).items() if i in node_ids}
    positions.update(
        {i: p.model_dump() for i, p in design.layout.positions.items() if i in node_ids}
    )
    fragment = {
        "format": CLIPBOARD_FORMAT,
        "nodes": [
            {"kind": ref.kind.value, "data": ref.entity.model_dump(mode="json")} for ref in nodes
        ],
        "relationships": [r.model_dump(mode="json") for r in rels],
        "positions": positions,
    }
    return json.dumps(fragment)


def paste_fragment(
    design: Design, text: str, offset: float = 40.0
) -> tuple[list[Any], dict[str, tuple[float, float]]]:
    """Copies of a copied fragment with fresh ids, new names and no AWS ids or e-mails.

    Returns the entities in an order that can be added one by one (parents first) and
    their canvas positions. Raises ValueError for text that is not a fragment.
    """
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != CLIPBOARD_FORMAT:
        raise ValueError("the clipboard holds no account-designer selection")
    fresh = {node["data"]["id"]: new_id() for node in data["nodes"]}
    existing = set(index_entities(design))
    names = names_in_use(design)
    created: list[Any] = [
        _copy_node(design, node, fresh, existing, names) for node in _parents_first(data["nodes"])
    ]
    for rel in data["relationships"]:
        if SPECS[rel["kind"]].from_management:
            continue  # only the organization's own management account may be their source
        fields = {
            **rel,
            "id": new_id(),
            "source": fresh[rel["source"]],
            "target": fresh[rel["target"]],
        }
        if rel["kind"] == "log-delivery":
            fields["bucket"] = None  # the bucket stays with its owner
        if rel.get("excluded_accounts"):
            fields["excluded_accounts"] = [fresh[a] for a in rel["excluded_accounts"] if a in fresh]
        if rel.get("administers") is not None:
            fields["administers"] = fresh.get(rel["administers"])
        created.append(RELATIONSHIP_CLASSES[rel["kind"]].model_validate(fields))
    positions = {
        fresh[i]: (p["x"] + offset, p["y"] + offset)
        for i, p in data["positions"].items()
        if i in fresh
    }
    return created, positions


NODE_CLASSES: dict[str, type[BaseModel]] = {
    "organizational_unit": OrganizationalUnit,
    "account": Account,
    "identity_provider": IdentityProvider,
    "outside_principal": OutsidePrincipal,
}
RELATIONSHIP_CLASSES: dict[str, type[BaseModel]] = {k: spec.model for k, spec in SPECS.items()}


def _copy_node(
    design: Design,
    node: dict[str, Any],
    fresh: dict[str, str],
    existing: set[str],
    names: set[str],
) -> Any:
    fields = dict(node["data"])
    fields["id"] = fresh[fields["id"]]
    fields["name"] = unique_name(design, f"{fields['name']} copy", names)
    names.add(fields["name"])
    for key in ("aws_account_id", "email"):
        if key in fields:
            fields[key] = None  # unique per account: the copy gets its own later
    for key in ("parent", "home_account"):
        value = fields.get(key)
        if value in fresh:
            fields[key] = fresh[value]
        elif value is not None and value not in existing:
            fields[key] = None
    return NODE_CLASSES[node["kind"]].model_validate(fields)


def _parents_first(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OUs before what they contain (a parent must exist when its child is added)."""
    ous = {n["data"]["id"]: n for n in nodes if n["kind"] == "organizational_unit"}
    placed: list[dict[str, Any]] = []
    done: set[str] = set()

    def visit(ou_id: str) -> None:
        if ou_id in done:
            return
        done.add(ou_id)
        parent = ous[ou_id]["data"].get("parent")
        if parent in ous:
            visit(parent)
        placed.append(ous[ou_id])

    for ou_id in ous:
        visit(ou_id)
    return placed + [n for n in nodes if n["kind"] != "organizational_unit"]
