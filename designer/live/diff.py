"""What differs between a planned design and a live one (an import, or another design).

Accounts are matched by account id, then e-mail address, then name; OUs by their path from the
root; identity providers, log buckets and SCPs by name; outside principals by what identifies
them (account id, organization id, service principal, the public), then by name; relationships,
expanded to one per account of a scoped end (designer.core.scope), by kind, their two ends (as
matched) and what tells two of them apart (designer.model.kinds: a trust's role name, a share's
resource type). So a trust scoped to an OU equals the same role found in every account of it,
and an account of the OU that lacks it is named. Each pair is then compared field by field, so
"the design requires MFA on this trust but the live role does not" is one change. A share whose
RAM resource type alone differs is matched on the rest of what tells shares apart: one change.

What the live side could not read (designer.model.vocabulary.Unread: an account's IAM, its
shares, its tags, a bucket's settings, the organization's delegated administrators) is never
called missing or changed: a planned thing that would be found there goes to DesignDiff.unread,
and an unread setting is not compared.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from designer.analysis.inventory import ou_paths
from designer.artefacts.protections import partitionless
from designer.artefacts.tokens import TOKEN
from designer.core.scope import Scopes
from designer.model.catalog import EntityKind, entity_names
from designer.model.design import Design
from designer.model.kinds import SPECS
from designer.model.vocabulary import AccountFunction, IdentityProviderKind, OutsideKind, Unread

MISSING, UNEXPECTED, CHANGED = "missing", "unexpected", "changed"
UNREAD = "unread"  # planned, where the live side could not look: not compared (DesignDiff.unread)


@dataclass(frozen=True)
class Ref:
    """A reference to another entity: equal when it is the same (matched) entity; shown by name."""

    id: str
    name: str = field(compare=False)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Change:
    field: str
    planned: Any
    live: Any
    # A unified diff of the two values (an SCP's documents), one line each; () for a value.
    lines: tuple[str, ...] = dataclasses.field(default=(), compare=False)

    def __hash__(self) -> int:  # values may be lists (managed policies, services)
        return hash((self.field, repr(self.planned), repr(self.live)))


@dataclass(frozen=True)
class DiffEntry:
    status: str  # missing (planned, not live), unexpected (live, not planned), changed
    kind: str  # organization, ou, account, identity-provider, outside-principal, log-bucket, scp,
    # or a relationship kind (trust, federation, log-delivery, ...)
    subject: str  # what it is, in words: "account Log Archive (123456789012)"
    planned_id: str | None
    live_id: str | None
    changes: tuple[Change, ...] = ()
    reason: str = ""  # unread entries: what could not be read


@dataclass
class DesignDiff:
    planned: str
    live: str
    entries: list[DiffEntry] = field(default_factory=list)
    matched: dict[str, str] = field(default_factory=dict)  # planned id -> the live one it matched
    # Not compared: planned things (or settings) where the live side could not read; status
    # UNREAD, never counted as differences.
    unread: list[DiffEntry] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return bool(self.entries)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((MISSING, UNEXPECTED, CHANGED), 0)
        for entry in self.entries:
            counts[entry.status] += 1
        return counts

    def subjects(self) -> dict[str, str]:
        """Design id -> status, for both sides (to colour a canvas)."""
        marks: dict[str, str] = {}
        for entry in self.entries:
            for entity_id in (entry.planned_id, entry.live_id):
                if entity_id:
                    marks[entity_id] = entry.status
        return marks


def diff_designs(planned: Design, live: Design) -> DesignDiff:
    """Every difference between `planned` and `live`, in a stable order."""
    result = DesignDiff(planned.name, live.name)
    pairs = _Pairs(planned, live)
    found: list[DiffEntry] = []
    found += _units(planned, live, pairs)
    found += _accounts(planned, live, pairs)
    found += _named(planned, live, pairs)
    found += _relationships(planned, live, pairs)
    found = _outside_unread(planned, found)
    found = _organization(planned, live, pairs) + found
    result.entries = [e for e in found if e.status != UNREAD]
    result.unread = [e for e in found if e.status == UNREAD]
    result.matched = dict(pairs.live_of)
    return result


# -- matching ------------------------------------------------------------------------------------
class _Pairs:
    """Planned id <-> live id of everything matched so far; unmatched ends stay themselves."""

    def __init__(self, planned: Design, live: Design) -> None:
        self.live_of: dict[str, str] = {}
        self.names_a, self.names_b = entity_names(planned), entity_names(live)
        self.live_accounts = {a.id: a for a in live.accounts}
        self.organization_unread = set(live.organization.unread)

    def unread_in(self, planned_id: str | None, facts: Iterable[Unread]) -> str | None:
        """Why the live account matched to `planned_id` cannot show what lies in `facts`;
        None when it was read (or is no matched account)."""
        account = self.live_accounts.get(self.live_of.get(planned_id or "", ""))
        if account is None:
            return None
        lacking = sorted(set(account.unread) & set(facts))
        if not lacking:
            return None
        what = ", ".join(map(str, lacking))
        return f"account {account.name} ({account.aws_account_id}) could not be read: {what}"

    def planned_ref(self, planned_id: str | None) -> Ref | None:
        if planned_id is None:
            return None
        return Ref(self.end(planned_id), self.names_a.get(planned_id, planned_id))

    def live_ref(self, live_id: str | None) -> Ref | None:
        return Ref(live_id, self.names_b.get(live_id, live_id)) if live_id is not None else None

    def pair(self, planned_id: str, live_id: str) -> None:
        self.live_of[planned_id] = live_id

    def end(self, planned_id: str) -> str:
        return self.live_of.get(planned_id, f"planned:{planned_id}")


Key = Callable[[Any], Any]


def _match(
    planned: list[Any], live: list[Any], keys: Iterable[Key | tuple[Key, Key]]
) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Pairs by the first key, then the next among those left; keys returning None never match.

    A key is one function for both sides, or a (planned, live) pair of functions.
    """
    pairs: list[tuple[Any, Any]] = []
    left_planned, left_live = list(planned), list(live)
    for key in keys:
        key_a, key_b = key if isinstance(key, tuple) else (key, key)
        by_key: dict[Any, list[Any]] = defaultdict(list)
        for item in left_live:
            value = key_b(item)
            if value is not None:
                by_key[value].append(item)
        still: list[Any] = []
        for item in left_planned:
            value = key_a(item)
            candidates = by_key.get(value) if value is not None else None
            if candidates:
                pairs.append((item, candidates.pop(0)))
            else:
                still.append(item)
        taken = {id(b) for _, b in pairs}
        left_planned, left_live = still, [i for i in left_live if id(i) not in taken]
    return pairs, left_planned, left_live


Field = tuple[str, Any, Any] | Change  # a name and both values, or a change made already


def _compare(pairs: Iterable[Field]) -> tuple[Change, ...]:
    found = (p if isinstance(p, Change) else Change(*p) for p in pairs)
    return tuple(c for c in found if c.planned != c.live)


def _entries(
    kind: str,
    matched: list[tuple[Any, Any]],
    missing: list[Any],
    unexpected: list[Any],
    describe: Callable[[Any], str],
    fields: Callable[[Any, Any], Iterable[Field]],
    unread: Callable[[Any], str | None] = lambda item: None,
    skipped: Callable[[Any, Any], str | None] = lambda a, b: None,
) -> Iterator[DiffEntry]:
    """Missing, unexpected and changed things of one kind; `unread` says why a planned thing
    could not have been found (so it is unread, not missing), `skipped` why some settings of a
    matched pair were not compared."""
    for item in missing:
        why = unread(item)
        status = UNREAD if why else MISSING
        yield DiffEntry(status, kind, describe(item), item.id, None, reason=why or "")
    for item in unexpected:
        yield DiffEntry(UNEXPECTED, kind, describe(item), None, item.id)
    for a, b in matched:
        changes = _compare(fields(a, b))
        if changes:
            yield DiffEntry(CHANGED, kind, describe(a), a.id, b.id, changes)
        why = skipped(a, b)
        if why:
            yield DiffEntry(UNREAD, kind, describe(a), a.id, b.id, reason=why)


# -- organization, OUs, accounts -----------------------------------------------------------------
def _organization(planned: Design, live: Design, pairs: _Pairs) -> list[DiffEntry]:
    a, b = planned.organization, live.organization
    changes: list[Field] = [("feature set", str(a.feature_set), str(b.feature_set))]
    if a.organization_id and b.organization_id:
        changes.append(("organization id", a.organization_id, b.organization_id))
    if a.management_account and b.management_account:
        changes.append(
            (
                "management account",
                pairs.planned_ref(a.management_account),
                pairs.live_ref(b.management_account),
            )
        )
    changes.append(
        (
            "SCPs at the root",
            _scp_names(planned, a.root_scps),
            _scp_names(live, b.root_scps),
        )
    )
    found = _compare(changes)
    return (
        [DiffEntry(CHANGED, "organization", f"organization {a.name}", a.id, b.id, found)]
        if found
        else []
    )


def _scp_names(design: Design, ids: Iterable[str]) -> list[str]:
    names = {p.id: p.name for p in design.service_control_policies}
    return sorted(names.get(i, i) for i in ids)


def _units(planned: Design, live: Design, pairs: _Pairs) -> list[DiffEntry]:
    paths_a, paths_b = ou_paths(planned), ou_paths(live)
    pairs.pair(planned.organization.id, live.organization.id)
    matched, missing, unexpected = _match(
        planned.organizational_units,
        live.organizational_units,
        [(lambda u: paths_a[u.id], lambda u: paths_b[u.id])],
    )
    for a, b in matched:
        pairs.pair(a.id, b.id)
    planned_ids = {u.id for u in planned.organizational_units}

    def describe(unit: Any) -> str:  # missing units are planned ones, unexpected ones live
        return f"OU {(paths_a if unit.id in planned_ids else paths_b)[unit.id]}"

    def fields(a: Any, b: Any) -> Iterator[Field]:
        yield "SCPs", _scp_names(planned, a.scps), _scp_names(live, b.scps)

    return list(_entries("ou", matched, missing, unexpected, describe, fields))


def _accounts(planned: Design, live: Design, pairs: _Pairs) -> list[DiffEntry]:
    paths_a, paths_b = ou_paths(planned), ou_paths(live)
    matched, missing, unexpected = _match(
        planned.accounts,
        live.accounts,
        [
            lambda a: a.aws_account_id,
            lambda a: a.email.lower() if a.email else None,
            lambda a: a.name.casefold(),
        ],
    )
    for a, b in matched:
        pairs.pair(a.id, b.id)

    def describe(account: Any) -> str:
        return f"account {account.name} ({account.aws_account_id or 'no id'})"

    def fields(a: Any, b: Any) -> Iterator[Field]:
        yield "name", a.name, b.name
        if a.aws_account_id and b.aws_account_id:
            yield "account id", a.aws_account_id, b.aws_account_id
        yield "e-mail", (a.email or "").lower(), (b.email or "").lower()
        yield "OU", paths_a[a.parent], paths_b[b.parent]
        yield "state", str(a.state), str(b.state)
        yield "SCPs", _scp_names(planned, a.scps), _scp_names(live, b.scps)
        if Unread.TAGS in b.unread:
            return  # environment, owner and the function tag are unknown, not changed
        yield _functions(a, b)
        if str(b.environment) != "none":  # the live side knows it only when tagged
            yield "environment", str(a.environment), str(b.environment)
        if b.owner:
            yield "owner", a.owner, b.owner
        shared = sorted(set(a.tags) & set(b.tags))  # tags an export adds are no difference
        yield "tags", _tags(a.tags, shared), _tags(b.tags, shared)

    def skipped(a: Any, b: Any) -> str | None:
        if Unread.TAGS not in b.unread:
            return None
        return "its tags could not be read: functions, environment, owner and tags not compared"

    found = _entries("account", matched, missing, unexpected, describe, fields, skipped=skipped)
    return list(found)


def _functions(a: Any, b: Any) -> Field:
    """The functions of an account. An import names one: its function tag, or what the evidence
    shows (workload when nothing shows another); a plan that gives the account that function
    among others agrees with it. A live side naming several is a design: compared whole."""
    planned, live = sorted(map(str, a.functions)), sorted(map(str, b.functions))
    if len(live) > 1:
        return "functions", planned, live
    tag = next((v for k, v in b.tags.items() if k.lower() == "function"), "").lower()
    said = {str(f) for f in b.functions}
    if tag != AccountFunction.WORKLOAD:
        said.discard(AccountFunction.WORKLOAD)  # the import's default, not a finding
    return "functions", planned, live if said - set(planned) else planned


def _tags(tags: dict[str, str], keys: list[str]) -> list[str]:
    return [f"{k}={tags[k]}" for k in keys]


# -- identity providers, outside principals, buckets, SCPs ---------------------------------------
def _outside_identifier(principal: Any) -> tuple[str, str] | None:
    """What an outside principal is, whatever it is called: its account id, organization id,
    service principal, or the public; None while it is unknown (a planned vendor account)."""
    identifier = "*" if principal.kind == OutsideKind.ANYONE else principal.identifier
    return (str(principal.kind), identifier) if identifier else None


def _outside_label(principal: Any) -> str:
    found = _outside_identifier(principal)
    if principal.kind == OutsideKind.ANYONE:
        return "anyone"
    return f"{principal.kind} {found[1] if found else 'no id'}"


def _named(planned: Design, live: Design, pairs: _Pairs) -> list[DiffEntry]:
    entries: list[DiffEntry] = []
    idps = _match(
        planned.identity_providers,
        live.identity_providers,
        [lambda i: (str(i.kind), i.name.casefold())],
    )
    outside = _match(
        planned.outside_principals,
        live.outside_principals,
        [_outside_identifier, lambda p: (str(p.kind), p.name.casefold())],
    )
    buckets = _match(planned.log_buckets, live.log_buckets, [lambda b: b.name])
    scps = _match(
        planned.service_control_policies, live.service_control_policies, [lambda p: p.name]
    )
    for matched, *_ in (idps, outside, buckets, scps):
        for a, b in matched:
            pairs.pair(a.id, b.id)
    entries += _entries(
        "identity-provider",
        *idps,
        lambda i: f"identity provider {i.name} ({i.kind})",
        lambda a, b: _provider_fields(a, b, pairs),
        unread=lambda i: pairs.unread_in(i.home_account, (Unread.CONTENTS, Unread.IAM)),
    )
    entries += _entries(
        "outside-principal",
        *outside,
        lambda p: f"outside principal {p.name} ({_outside_label(p)})",
        lambda a, b: (
            [("identifier", _outside_label(a), _outside_label(b))]
            if _outside_identifier(a) and _outside_identifier(b)
            else []
        ),
    )
    entries += _entries(
        "log-bucket",
        *buckets,
        lambda b: f"log bucket {b.name}",
        _bucket_fields(pairs),
        unread=lambda b: pairs.unread_in(b.account, (Unread.CONTENTS, Unread.BUCKETS)),
        skipped=_bucket_skipped,
    )
    entries += _entries("scp", *scps, lambda p: f"SCP {p.name}", _scp_fields)
    return entries


def _provider_fields(a: Any, b: Any, pairs: _Pairs) -> Iterator[Field]:
    yield "home account", pairs.planned_ref(a.home_account), pairs.live_ref(b.home_account)
    yield "directory type", a.directory_type, b.directory_type
    if a.kind == IdentityProviderKind.OIDC and a.metadata_url and b.metadata_url:
        yield "issuer URL", _url(a.metadata_url), _url(b.metadata_url)


def _url(url: str) -> str:
    """An issuer URL as IAM keys it: no scheme, no trailing slash, host in lower case."""
    bare = url.split("://", 1)[-1].rstrip("/")
    host, _, path = bare.partition("/")
    return f"{host.lower()}/{path}" if path else host.lower()


# Bucket settings -> what must have been read to know them.
_BUCKET_FACTS: dict[str, Unread] = {
    "versioning": Unread.VERSIONING,
    "MFA Delete": Unread.VERSIONING,  # S3 keeps it in the versioning configuration
    "Object Lock": Unread.OBJECT_LOCK,
    "KMS encryption": Unread.ENCRYPTION,
    "KMS key": Unread.ENCRYPTION,
    "access logging": Unread.ACCESS_LOGGING,
    "organization-restricted writes": Unread.BUCKET_POLICY,
}


def _bucket_fields(pairs: _Pairs) -> Callable[[Any, Any], Iterator[Field]]:
    def fields(a: Any, b: Any) -> Iterator[Field]:
        yield "owner account", pairs.planned_ref(a.account), pairs.live_ref(b.account)
        settings: list[tuple[str, Any, Any]] = [
            ("versioning", a.versioning, b.versioning),
            ("MFA Delete", a.mfa_delete, b.mfa_delete),
            ("Object Lock", _lock(a), _lock(b)),
            ("KMS encryption", bool(a.kms_key), bool(b.kms_key)),
            ("KMS key", *_keys(a.kms_key, b.kms_key)),
            ("access logging", a.access_logging, b.access_logging),
            (
                "organization-restricted writes",
                a.organization_restricted_writes,
                b.organization_restricted_writes,
            ),
        ]
        unread = set(b.unread)
        yield from (s for s in settings if _BUCKET_FACTS[s[0]] not in unread)

    return fields


def _bucket_skipped(a: Any, b: Any) -> str | None:
    if not b.unread:
        return None
    names = [name for name, fact in _BUCKET_FACTS.items() if fact in b.unread]
    facts = ", ".join(map(str, sorted(b.unread)))
    return f"could not be read ({facts}): {', '.join(names)} not compared"


def _lock(bucket: Any) -> str:
    lock = bucket.object_lock
    return f"{lock.mode} {lock.retention_days} days" if lock else "none"


def _keys(planned: str | None, live: str | None) -> tuple[str | None, str | None]:
    """Both KMS keys when they name a key the same way (two aliases, two key ids); else the
    same value twice: an alias and the key it points to cannot be told apart from here."""
    a, b = _key_name(planned), _key_name(live)
    if a is None or b is None or a.split("/", 1)[0] != b.split("/", 1)[0]:
        return planned, planned
    return (planned, live) if a != b else (planned, planned)


def _key_name(key: str | None) -> str | None:
    """ "alias/x" or "key/<id>" of an alias, alias ARN, key ARN or key id; None unset."""
    if not key:
        return None
    name = key.split(":", 5)[5] if key.startswith("arn:") and key.count(":") >= 5 else key
    if name.startswith(("alias/", "key/")):
        return name
    return f"alias/{name}" if name.startswith("aws/") else f"key/{name}"


def _scp_fields(a: Any, b: Any) -> Iterator[Field]:
    if a.description and b.description and not (a.aws_managed or b.aws_managed):
        yield "description", a.description, b.description  # AWS words its own policies
    if a.document is not None and b.document is not None:
        planned, live = _pretty(a.document), _pretty(b.document)
        if planned != live:
            lines = difflib.unified_diff(
                planned.splitlines(), live.splitlines(), "planned", "live", lineterm=""
            )
            yield Change("document", _canonical(a.document), _canonical(b.document), tuple(lines))


def _canonical(document: Any) -> str:
    # A design's SCP names "arn:${AWS::Partition}:..."; what is read from AWS names the partition.
    return json.dumps(partitionless(document), sort_keys=True)


def _pretty(document: Any) -> str:
    """One key or value a line (ASCII, so no line of it breaks a line of a report)."""
    return json.dumps(partitionless(document), sort_keys=True, indent=2)


# -- relationships -------------------------------------------------------------------------------
def _relationship_fields(a: Any, b: Any, pairs: _Pairs) -> Iterator[Field]:
    if a.kind == "trust":
        yield "access level", str(a.access_level), str(b.access_level)
        yield "require MFA", a.require_mfa, b.require_mfa
        yield _external_id(a.external_id, b.external_id)
        yield "organization condition", a.organization_scoped, b.organization_scoped
        yield "principal", _principal(a), _principal(b)
        yield "services", sorted(a.services), sorted(b.services)
        yield "managed policies", sorted(a.managed_policy_arns), sorted(b.managed_policy_arns)
        yield "max session (s)", a.max_session_duration, b.max_session_duration
        yield "aws:SourceAccount", a.source_account_condition, b.source_account_condition
        yield "OIDC subjects", sorted(a.oidc_subjects), sorted(b.oidc_subjects)
    elif a.kind == "federation":
        yield "mapped roles", sorted(a.mapped_roles), sorted(b.mapped_roles)
        yield "permission sets", sorted(a.permission_sets), sorted(b.permission_sets)
        yield "OIDC subjects", sorted(a.oidc_subjects), sorted(b.oidc_subjects)
    elif a.kind == "log-delivery":
        yield "log types", sorted(map(str, a.log_types)), sorted(map(str, b.log_types))
        yield "multi-Region", a.multi_region, b.multi_region
        yield "log-file validation", a.log_file_validation, b.log_file_validation
        if not pairs.unread_in(a.target, (Unread.CONTENTS, Unread.BUCKETS)):
            yield "bucket", pairs.planned_ref(a.bucket), pairs.live_ref(b.bucket)
    elif a.kind == "resource-share":
        yield "resource type", a.ram_resource_type, b.ram_resource_type
        if a.resource_names:  # a design that names no resource leaves them open
            yield "resources", sorted(a.resource_names), sorted(b.resource_names)
    elif a.kind == "delegated-admin":
        yield "services", sorted(a.service_principals), sorted(b.service_principals)
        if b.administers is not None:  # an import does not read whom it administers
            yield "administers", pairs.planned_ref(a.administers), pairs.live_ref(b.administers)


def _principal(r: Any) -> str:
    return f"role {r.principal_role_name}" if r.principal_role_name else "account root"


def _external_id(planned: str | None, live: str | None) -> Field:
    """The values when both sides have one and the plan's is no placeholder ("${...}", to be
    agreed with the third party: any value will do); else whether each side has one."""
    if planned is None or live is None or TOKEN.search(planned):
        return "external id", planned is not None, live is not None
    return "external id", planned, live


# What a planned relationship's copy needs read in the live account at one of its ends, to be
# found: (end, facts). Log deliveries also need their log type's fact (_LOG_FACTS).
_READ_AT: dict[str, tuple[tuple[str, frozenset[Unread]], ...]] = {
    "trust": (("target", frozenset({Unread.CONTENTS, Unread.IAM})),),
    "federation": (("target", frozenset({Unread.CONTENTS, Unread.IAM})),),
    "resource-share": (("source", frozenset({Unread.CONTENTS, Unread.SHARES})),),
    "log-delivery": (
        ("source", frozenset({Unread.CONTENTS})),
        ("target", frozenset({Unread.CONTENTS, Unread.BUCKETS})),
    ),
}
_LOG_FACTS: dict[str, Unread] = {"cloudtrail": Unread.CLOUDTRAIL, "config": Unread.CONFIG}


def _unread_copy(rel: Any, source: str, target: str, pairs: _Pairs) -> str | None:
    """Why the live side could not show this planned copy; None when it could."""
    if rel.kind == "delegated-admin":
        if Unread.DELEGATED_ADMINISTRATORS in pairs.organization_unread:
            return "the organization's delegated administrators could not be read"
        return None
    ends = {"source": source, "target": target}
    needs = list(_READ_AT.get(rel.kind, ()))
    if rel.kind == "log-delivery":
        facts = frozenset(_LOG_FACTS[str(t)] for t in rel.log_types if str(t) in _LOG_FACTS)
        needs.append(("source", facts))
    for end, facts in needs:
        why = pairs.unread_in(ends[end], facts)
        if why:
            return why
    return None


def _outside_unread(planned: Design, entries: list[DiffEntry]) -> list[DiffEntry]:
    """A missing outside principal that only relationships not compared would have shown (a
    role in an account that could not be read) is itself not compared."""
    status: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e.kind in SPECS and e.planned_id:
            status[e.planned_id].add(e.status)
    outcome: dict[str, set[str]] = defaultdict(set)  # outside principal -> its relationships'
    for rel in planned.relationships:
        for end in (rel.source, rel.target):
            outcome[end] |= status.get(rel.id, {"found"})
    result = []
    for e in entries:
        seen = outcome.get(e.planned_id or "", set())
        if e.kind == "outside-principal" and e.status == MISSING and seen == {UNREAD}:
            reason = "only relationships not compared reach it"
            e = dataclasses.replace(e, status=UNREAD, reason=reason)
        result.append(e)
    return result


class _Ends(NamedTuple):
    """What Scopes.expand reads of a relationship, copied as cheaply as it gets: expanding
    the pydantic relationship itself costs a model copy per account (~20 us; 80,000 of them in
    a 10,000-account organization with a few scoped trusts)."""

    kind: str
    source: str
    target: str
    excluded_accounts: list[str]

    def model_copy(self, update: dict[str, Any]) -> _Ends:
        return self._replace(**update)


class _Copy(NamedTuple):
    """One relationship of a design as it lands in one account: itself when it has no scoped
    end, else one copy per account its OU / organization end covers (designer.core.scope)."""

    original: Any
    source: str
    target: str
    scoped: bool


class _Side:
    """One design's relationships, scope-expanded, and how to name them."""

    def __init__(self, design: Design, names: dict[str, str]) -> None:
        self.design, self.names = design, names
        self.scopes = Scopes(design)
        self.copies: list[_Copy] = []
        self.count: dict[str, int] = defaultdict(int)  # relationship id -> its copies

    def expand(self, skip: set[str]) -> None:
        """Every relationship but those in `skip`, once per account it lands in."""
        for rel in self.design.relationships:
            if rel.id in skip:
                continue
            ends = _Ends(rel.kind, rel.source, rel.target, rel.excluded_accounts)
            copies = list(self.scopes.expand(ends))
            scoped = bool(copies) and not (len(copies) == 1 and copies[0] is ends)
            for copy in copies or [ends]:  # a scope without accounts: compared as it stands
                self.copies.append(_Copy(rel, copy.source, copy.target, scoped))
            self.count[rel.id] += len(copies) or 1

    def landing(self, rel: Any, end: Callable[[str], str]) -> frozenset[str] | None:
        """The accounts (as `end` names them) a scoped relationship covers; None unscoped."""
        scoped = self.scopes.scoped_end(rel)
        if scoped is None:
            return None
        return frozenset(end(a) for a in self.scopes.accounts_at(rel, scoped))

    def end(self, node: str) -> str:
        name = self.names.get(node, node)
        kind = self.scopes.kinds.get(node)
        if kind == EntityKind.OU:
            return f"OU {name}"
        if kind == EntityKind.ORGANIZATION:
            return f"organization {self.design.organization.name}"
        return name

    def subject(self, rel: Any, source: str | None = None, target: str | None = None) -> str:
        """ "trust Identity -> Retail Production role WorkloadAdmin"."""
        detail = f" role {rel.role_name}" if rel.kind == "trust" else ""
        if rel.kind == "resource-share":
            detail = f" {rel.ram_resource_type or rel.resource_type}{_names(rel.resource_names)}"
        elif rel.kind == "log-delivery":
            detail = f" {', '.join(sorted(map(str, rel.log_types)))}"
        ends = f"{self.end(source or rel.source)} -> {self.end(target or rel.target)}"
        return f"{rel.kind} {ends}{detail}"

    def copy_subject(self, copy: _Copy) -> str:
        """One account's copy of a scoped relationship, naming its scope."""
        subject = self.subject(copy.original, copy.source, copy.target)
        if not copy.scoped:
            return subject
        end = self.scopes.scoped_end(copy.original)
        scope = copy.original.target if end == "target" else copy.original.source
        return f"{subject} (of scope {self.end(scope)})"


def _names(names: list[str], shown: int = 3) -> str:
    """ " (a, b, c +2 more)"; "" for none."""
    if not names:
        return ""
    more = [f"+{len(names) - shown} more"] if len(names) > shown else []
    return f" ({', '.join([*names[:shown], *more])})"


def _relationships(planned: Design, live: Design, pairs: _Pairs) -> list[DiffEntry]:
    """Scope-expanded relationships matched by kind, their matched ends and what tells two of
    them apart (designer.model.kinds: identity), so a trust scoped to an OU equals one trust per
    account of it. A scoped relationship that is wholly missing, unexpected or changed the
    same way in every account is one entry; otherwise each account it differs in is one.
    A log delivery of several log types is compared one log type at a time (what each account
    sends where), so an OU's config and flow logs equal an organization's config plus flow logs
    of that OU."""
    planned, back_a = _per_log_type(planned)
    live, back_b = _per_log_type(live)
    entries = _scoped_relationships(planned, live, pairs)
    return [
        dataclasses.replace(
            e,
            planned_id=back_a.get(e.planned_id or "", e.planned_id),
            live_id=back_b.get(e.live_id or "", e.live_id),
        )
        for e in entries
    ]


def _per_log_type(design: Design) -> tuple[Design, dict[str, str]]:
    """`design` with each log delivery of several log types split into one per type, and the
    split ones' ids -> the original's."""
    back: dict[str, str] = {}
    relationships = []
    for rel in design.relationships:
        if rel.kind != "log-delivery" or len(rel.log_types) < 2:
            relationships.append(rel)
            continue
        for log_type in rel.log_types:
            split = f"{rel.id}#{log_type}"
            back[split] = rel.id
            relationships.append(rel.model_copy(update={"id": split, "log_types": [log_type]}))
    if not back:
        return design, back
    return design.model_copy(update={"relationships": relationships}), back


def _scoped_relationships(planned: Design, live: Design, pairs: _Pairs) -> list[DiffEntry]:
    side_a, side_b = _Side(planned, pairs.names_a), _Side(live, pairs.names_b)
    # per side: two versions of one design share ids
    identity_a = {r.id: (r.kind, *SPECS[r.kind].identity(r)) for r in planned.relationships}
    identity_b = {r.id: (r.kind, *SPECS[r.kind].identity(r)) for r in live.relationships}
    # The same scoped relationship on both sides, landing in the same accounts: compared whole
    # (what expanding both would find, without a copy per account).
    whole: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for rel in live.relationships:
        landing = side_b.landing(rel, lambda node: node)
        if landing is not None:
            whole[(rel.source, rel.target, identity_b[rel.id], landing)].append(rel)
    paired: dict[str, Any] = {}
    for rel in planned.relationships:
        landing = side_a.landing(rel, pairs.end)
        if landing is not None:
            ends = (pairs.end(rel.source), pairs.end(rel.target))
            found_whole = whole.get((*ends, identity_a[rel.id], landing))
            if found_whole:
                paired[rel.id] = found_whole.pop(0)
    side_a.expand(set(paired))
    side_b.expand({rel.id for rel in paired.values()})
    by_key: dict[tuple[Any, ...], list[_Copy]] = defaultdict(list)
    for copy in side_b.copies:
        by_key[(copy.source, copy.target, identity_b[copy.original.id])].append(copy)
    missing: dict[str, list[_Copy]] = defaultdict(list)
    unread: dict[str, list[tuple[_Copy, str]]] = defaultdict(list)  # could not have been found
    # planned relationship id -> changes -> the pairs of copies that differ by them
    changed: dict[str, dict[tuple[Change, ...], list[tuple[_Copy, _Copy]]]] = defaultdict(dict)
    compared: dict[tuple[str, str], tuple[Change, ...]] = {}  # the same for every copy

    def pair(copy: _Copy, other: _Copy) -> None:
        both = (copy.original.id, other.original.id)
        if both not in compared:
            fields = _relationship_fields(copy.original, other.original, pairs)
            compared[both] = _compare(fields)
        if compared[both]:
            changed[copy.original.id].setdefault(compared[both], []).append((copy, other))

    left: list[_Copy] = []
    for copy in side_a.copies:
        ends = (pairs.end(copy.source), pairs.end(copy.target))
        found = by_key.get((*ends, identity_a[copy.original.id]))
        if found:
            pair(copy, found.pop(0))
        else:
            left.append(copy)
    # Then what tells them apart but a RAM resource type: a share whose type changed is one
    # change, not a missing share and an unexpected one.
    loose: dict[tuple[Any, ...], list[_Copy]] = defaultdict(list)
    for copies in by_key.values():
        for copy in copies:
            if copy.original.kind == "resource-share":
                loose[(copy.source, copy.target, str(copy.original.resource_type))].append(copy)
    for copy in left:
        ends = (pairs.end(copy.source), pairs.end(copy.target))
        share = copy.original.kind == "resource-share"
        found = loose.get((*ends, str(copy.original.resource_type))) if share else None
        if found:
            other = found.pop(0)
            by_key[(other.source, other.target, identity_b[other.original.id])].remove(other)
            pair(copy, other)
            continue
        why = _unread_copy(copy.original, copy.source, copy.target, pairs)
        if why:
            unread[copy.original.id].append((copy, why))
        else:
            missing[copy.original.id].append(copy)
    unexpected: dict[str, list[_Copy]] = defaultdict(list)
    for copies in by_key.values():
        for copy in copies:
            unexpected[copy.original.id].append(copy)
    entries: list[DiffEntry] = []
    for rel in planned.relationships:  # in the planned design's order
        if rel.id in paired:
            other = paired[rel.id]
            changes = _compare(_relationship_fields(rel, other, pairs))
            if changes:
                subject = side_a.subject(rel)
                entries.append(DiffEntry(CHANGED, rel.kind, subject, rel.id, other.id, changes))
            continue
        entries += _collapsed(MISSING, missing.get(rel.id, []), side_a, planned=True)
        entries += _collapsed_unread(unread.get(rel.id, []), side_a)
        for changes, found_pairs in changed.get(rel.id, {}).items():
            entries += _collapsed_changes(found_pairs, changes, side_a)
    for rel in live.relationships:
        entries += _collapsed(UNEXPECTED, unexpected.get(rel.id, []), side_b, planned=False)
    return entries


def _collapsed_unread(found: list[tuple[_Copy, str]], side: _Side) -> list[DiffEntry]:
    """Copies not compared: one entry for the relationship when none of it could be, naming
    (up to a few of) the reasons; else one per copy."""
    if not found:
        return []
    original = found[0][0].original
    if len(found) == side.count[original.id]:
        reasons = list(dict.fromkeys(why for _, why in found))
        more = [f"+{len(reasons) - 2} more"] if len(reasons) > 2 else []
        reason = "; ".join([*reasons[:2], *more])
        subject = side.subject(original)
        return [DiffEntry(UNREAD, original.kind, subject, original.id, None, reason=reason)]
    return [
        DiffEntry(UNREAD, original.kind, side.copy_subject(c), original.id, None, reason=why)
        for c, why in found
    ]


def _collapsed(status: str, copies: list[_Copy], side: _Side, planned: bool) -> list[DiffEntry]:
    if not copies:
        return []
    original = copies[0].original
    ids = (original.id, None) if planned else (None, original.id)
    if len(copies) == side.count[original.id]:
        return [DiffEntry(status, original.kind, side.subject(original), *ids)]
    return [DiffEntry(status, original.kind, side.copy_subject(c), *ids) for c in copies]


def _collapsed_changes(
    found: list[tuple[_Copy, _Copy]], changes: tuple[Change, ...], side: _Side
) -> list[DiffEntry]:
    original = found[0][0].original
    if len(found) == side.count[original.id]:
        live_id = found[0][1].original.id
        return [
            DiffEntry(CHANGED, original.kind, side.subject(original), original.id, live_id, changes)
        ]
    return [
        DiffEntry(CHANGED, original.kind, side.copy_subject(a), original.id, b.original.id, changes)
        for a, b in found
    ]
