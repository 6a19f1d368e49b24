"""Checks that span entities: unique ids, references, endpoint kinds, the OU tree.

pydantic checks each value; these check how values fit together. Every problem names the JSON path
of the offending value so a hand-edited file can be fixed at the right line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from designer.model.catalog import (
    NODE_KINDS,
    EntityKind,
    EntityRef,
    index_entities,
    iter_entities,
)
from designer.model.errors import Problem
from designer.model.kinds import SCOPES, SPECS, KindSpec
from designer.model.paths import json_path
from designer.model.vocabulary import PROTOCOL_FOR_IDP, OutsideKind, PrincipalType

if TYPE_CHECKING:
    from designer.model.design import Design
    from designer.model.nodes import Account, OutsidePrincipal

MAX_OU_DEPTH = 5  # AWS Organizations quota: OUs nest at most five levels below the root.

K = EntityKind


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _kind_names(kinds: frozenset[EntityKind]) -> str:
    return " or ".join(sorted(k.value.replace("_", " ") for k in kinds))


def check_design(design: Design) -> list[Problem]:
    """Every cross-entity problem in the design, in file order."""
    index = index_entities(design)
    problems: list[Problem] = []
    for check in (
        _unique_ids,
        _unique_account_facts,
        _outside_is_outside,
        _references,
        _relationship_endpoints,
        _ou_tree,
        _unique_names,
        _waivers,
        _layout,
    ):
        problems.extend(check(design, index))
    return problems


def _unique_ids(design: Design, index: dict[str, EntityRef]) -> Iterator[Problem]:
    for ref in iter_entities(design):
        first = index[ref.entity.id]
        if first.path != ref.path:
            yield Problem(
                json_path((*ref.path, "id")),
                f"duplicate id {ref.entity.id} (also used at {json_path((*first.path, 'id'))})",
            )


def _outside_is_outside(design: Design, index: dict[str, EntityRef]) -> Iterator[Problem]:
    """An outside principal names no member account and not the organization itself: exported,
    it would admit them as if they were a partner."""
    own = design.organization.organization_id
    for i, party in enumerate(design.outside_principals):
        if own is not None and party.organization_id == own:
            yield Problem(
                json_path(("outside_principals", i, "organization_id")),
                f"{own} is this organization's own id, not a partner's",
            )


def _unique_account_facts(design: Design, index: dict[str, EntityRef]) -> Iterator[Problem]:
    seen_ids: dict[str, str] = {}
    seen_emails: dict[str, str] = {}
    holders: list[tuple[str, int, Account | OutsidePrincipal]]
    holders = [("accounts", i, a) for i, a in enumerate(design.accounts)]
    holders += [("outside_principals", i, t) for i, t in enumerate(design.outside_principals)]
    for field, position, holder in holders:
        if holder.aws_account_id is not None:
            if holder.aws_account_id in seen_ids:
                yield Problem(
                    json_path((field, position, "aws_account_id")),
                    f"AWS account id {holder.aws_account_id} is already used by "
                    f"{seen_ids[holder.aws_account_id]!r}",
                )
            seen_ids.setdefault(holder.aws_account_id, holder.name)
        email = getattr(holder, "email", None)
        if email is not None:
            owner = seen_emails.get(email.lower())
            if owner is not None:
                yield Problem(
                    json_path((field, position, "email")),
                    f"root e-mail {email!r} is already used by account {owner!r}",
                )
            seen_emails.setdefault(email.lower(), holder.name)


def _expect(
    index: dict[str, EntityRef],
    ref_id: str | None,
    kinds: frozenset[EntityKind],
    path: tuple[str | int, ...],
    what: str,
) -> Iterator[Problem]:
    if ref_id is None:
        return
    target = index.get(ref_id)
    if target is None:
        yield Problem(json_path(path), f"{what} {ref_id} does not exist")
    elif target.kind not in kinds:
        yield Problem(
            json_path(path),
            f"{what} must be {_article(_kind_names(kinds))}, but {ref_id} is the {target.label}",
        )


def _references(design: Design, index: dict[str, EntityRef]) -> Iterator[Problem]:
    ou, account, scp = frozenset({K.OU}), frozenset({K.ACCOUNT}), frozenset({K.SCP})
    org = design.organization
    yield from _expect(
        index,
        org.management_account,
        account,
        ("organization", "management_account"),
        "management account",
    )
    for i, scp_id in enumerate(org.root_scps):
        yield from _expect(index, scp_id, scp, ("organization", "root_scps", i), "attached SCP")
    for i, unit in enumerate(design.organizational_units):
        yield from _expect(index, unit.parent, ou, ("organizational_units", i, "parent"), "parent")
        for j, scp_id in enumerate(unit.scps):
            path = ("organizational_units", i, "scps", j)
            yield from _expect(index, scp_id, scp, path, "attached SCP")
    for i, acct in enumerate(design.accounts):
        yield from _expect(index, acct.parent, ou, ("accounts", i, "parent"), "parent")
        for j, scp_id in enumerate(acct.scps):
            yield from _expect(index, scp_id, scp, ("accounts", i, "scps", j), "attached SCP")
    for i, idp in enumerate(design.identity_providers):
        home = ("identity_providers", i, "home_account")
        yield from _expect(index, idp.home_account, account, home, "home account")
    for i, bucket in enumerate(design.log_buckets):
        yield from _expect(index, bucket.account, account, ("log_buckets", i, "account"), "owner")
    for i, need in enumerate(design.usage_policy.ou_requirements):
        base = ("usage_policy", "ou_requirements", i)
        yield from _expect(index, need.ou, ou, (*base, "ou"), "requirement's OU")
        for j, scp_id in enumerate(need.required_scps):
            yield from _expect(index, scp_id, scp, (*base, "required_scps", j), "required SCP")


def _end_problem(spec: KindSpec, end: str, ref: EntityRef | None, ref_id: str) -> str | None:
    if ref is None:
        return f"{spec.kind} {end} {ref_id} does not exist"
    outside = ref.entity.kind if ref.kind == K.OUTSIDE else None
    if spec.allows(end, ref.kind, outside):
        return None
    kinds = spec.sources if end == "source" else spec.targets
    allowed = spec.outside_sources if end == "source" else spec.outside_targets
    what = f"{ref.label} ({outside})" if outside else ref.label
    names = _kind_names(kinds - {K.OUTSIDE})
    if allowed:
        names += " or an outside principal (" + ", ".join(sorted(allowed)) + ")"
    return f"{spec.kind} {end} must be an {names}, not the {what}"


def _relationship_endpoints(design: Design, index: dict[str, EntityRef]) -> Iterator[Problem]:
    management = design.organization.management_account
    for i, rel in enumerate(design.relationships):
        spec = SPECS[rel.kind]
        base = ("relationships", i)
        found = [
            Problem(json_path((*base, end)), message)
            for end, ref_id in (("source", rel.source), ("target", rel.target))
            if (message := _end_problem(spec, end, index.get(ref_id), ref_id))
        ]
        yield from found
        if found:
            continue
        if rel.source == rel.target and not spec.self_allowed:
            yield Problem(json_path((*base, "target")), f"a {rel.kind} relationship needs two ends")
        if spec.from_management and rel.source != management:
            yield Problem(
                json_path((*base, "source")),
                f"{rel.kind} must start at the organization's management account"
                + ("" if management else ", and none is set in $.organization.management_account"),
            )
        yield from _scope(design, index, rel, base)
        yield from _kind_specific(index, rel, base)


def _scope(
    design: Design, index: dict[str, EntityRef], rel: Any, base: tuple[str | int, ...]
) -> Iterator[Problem]:
    """One scoped end at most; excluded accounts exist and lie inside the scope."""
    source, target = index[rel.source], index[rel.target]
    if source.kind in SCOPES and target.kind in SCOPES:
        yield Problem(
            json_path((*base, "target")),
            f"a {rel.kind} relationship may have an OU or the organization at one end only, "
            f"not both ({source.label} -> {target.label})",
        )
        return
    scope_id = None
    if target.kind in SCOPES or source.kind in SCOPES:
        scope_id = rel.target if target.kind in SCOPES else rel.source
    if rel.kind == "delegated-admin":
        where = (*base, "administers")
        problems = list(_expect(index, rel.administers, frozenset({K.OU}), where, "administered"))
        yield from problems
        if problems:
            return
        scope_id = rel.administers or design.organization.id
    if rel.excluded_accounts and not SPECS[rel.kind].excludes:
        yield Problem(
            json_path((*base, "excluded_accounts")),
            f"a {rel.kind} goes to a whole OU or the organization and cannot leave accounts "
            "out; share with the accounts one by one instead",
        )
        return
    if rel.excluded_accounts and scope_id is None:
        yield Problem(
            json_path((*base, "excluded_accounts")),
            "excluded accounts apply only when an end is an OU or the organization",
        )
        return
    for j, account_id in enumerate(rel.excluded_accounts):
        # One outside the scope (its account moved away since) changes nothing: not an error.
        path = (*base, "excluded_accounts", j)
        yield from _expect(index, account_id, frozenset({K.ACCOUNT}), path, "excluded")


def _conditions(source: EntityRef, rel: Any, base: tuple[str | int, ...]) -> Iterator[Problem]:
    """Conditions that only mean something for one kind of trusted principal."""
    fields = type(rel).model_fields  # a dict lookup: getattr on a missing field is costly
    if "source_account_condition" not in fields and "oidc_subjects" not in fields:
        return
    is_service = source.kind == K.OUTSIDE and source.entity.kind == OutsideKind.SERVICE
    if getattr(rel, "source_account_condition", False) and not is_service:
        yield Problem(
            json_path((*base, "source_account_condition")),
            "aws:SourceAccount applies only to a trust from an AWS service",
        )
    is_oidc = source.kind == K.IDENTITY_PROVIDER and source.entity.kind == "oidc"
    if getattr(rel, "oidc_subjects", None) and not is_oidc:
        yield Problem(
            json_path((*base, "oidc_subjects")),
            f"OIDC subjects apply only to an OIDC provider, not to the {source.label}",
        )


def _kind_specific(
    index: dict[str, EntityRef], rel: Any, base: tuple[str | int, ...]
) -> Iterator[Problem]:
    source = index[rel.source]
    yield from _conditions(source, rel, base)
    if (
        rel.kind == "trust"
        and source.kind == K.OUTSIDE
        and (
            source.entity.kind == OutsideKind.SERVICE
            and rel.principal_type != PrincipalType.WORKLOAD
        )
    ):
        yield Problem(
            json_path((*base, "principal_type")),
            f"{source.label} is an AWS service, so the principal type must be workload",
        )
    if rel.kind == "federation":
        idp = source.entity
        expected = PROTOCOL_FOR_IDP[idp.kind]
        if rel.protocol != expected:
            yield Problem(
                json_path((*base, "protocol")),
                f"provider {idp.name!r} is {idp.kind}, so the protocol must be {expected}",
            )
    if rel.kind == "log-delivery" and rel.bucket is not None:
        where = (*base, "bucket")
        problems = list(_expect(index, rel.bucket, frozenset({K.LOG_BUCKET}), where, "bucket"))
        yield from problems
        bucket = index[rel.bucket].entity if not problems else None
        if bucket is not None and bucket.account != rel.target:
            owner = index.get(bucket.account)
            owner_label = owner.label if owner else bucket.account
            yield Problem(
                json_path(where),
                f"bucket {bucket.name!r} belongs to {owner_label}, not to the target account",
            )


def _ou_tree(design: Design, index: dict[str, EntityRef]) -> Iterator[Problem]:
    parents = {unit.id: unit.parent for unit in design.organizational_units}
    for i, unit in enumerate(design.organizational_units):
        chain = [unit.id]
        parent = unit.parent
        while parent is not None and parent in parents and parent not in chain:
            chain.append(parent)
            parent = parents[parent]
        path = json_path(("organizational_units", i, "parent"))
        if parent is not None and parent in chain:
            names = " -> ".join(repr(index[c].entity.name) for c in [*chain, parent] if c in index)
            yield Problem(path, f"OU {unit.name!r} is in a cycle: {names}")
        elif parent is None and len(chain) > MAX_OU_DEPTH:
            yield Problem(
                path,
                f"OU {unit.name!r} is nested {len(chain)} levels deep; "
                f"AWS allows at most {MAX_OU_DEPTH} below the root",
            )


def _unique_names(design: Design, index: dict[str, EntityRef]) -> Iterator[Problem]:
    """AWS refuses two OUs of one name under one parent; S3 bucket names are global."""
    siblings: set[tuple[str | None, str]] = set()
    for i, unit in enumerate(design.organizational_units):
        key = (unit.parent, unit.name)
        if key in siblings:
            yield Problem(
                json_path(("organizational_units", i, "name")),
                f"another OU called {unit.name!r} has the same parent",
            )
        siblings.add(key)
    buckets: set[str] = set()
    for i, bucket in enumerate(design.log_buckets):
        if bucket.name in buckets:
            yield Problem(
                json_path(("log_buckets", i, "name")),
                f"bucket name {bucket.name!r} is used twice; S3 bucket names are unique worldwide",
            )
        buckets.add(bucket.name)


def _waivers(design: Design, index: dict[str, EntityRef]) -> Iterator[Problem]:
    for i, waiver in enumerate(design.waivers):
        if waiver.subject not in index:
            yield Problem(
                json_path(("waivers", i, "subject")),
                f"waiver of {waiver.rule_id!r} names {waiver.subject}, which is not in the design",
            )


def _layout(design: Design, index: dict[str, EntityRef]) -> Iterator[Problem]:
    for node_id in design.layout.positions:
        ref = index.get(node_id)
        if ref is None or ref.kind not in NODE_KINDS:
            yield Problem(
                json_path(("layout", "positions", node_id)),
                f"position for {node_id}, which is not a node of the design",
            )
