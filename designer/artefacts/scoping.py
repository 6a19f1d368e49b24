"""What every exporter needs to know about scoped relationships and outside principals.

A relationship end that is an OU or the organization stands for every account in it, now and in
future, less its excluded accounts (designer.core.scope decides membership; this module only puts
it in the exporters' terms): which accounts a role deployed to a scope reaches (service-managed
StackSets never reach the management account, and a role is not deployed where its trusted
principal lives), how a scope is named in files and in words, and which trusts cannot be written
at all (a trust of anyone: Principal "*" without a condition).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final

from designer.core.scope import Scopes
from designer.model.vocabulary import OutsideKind, PrincipalType

if TYPE_CHECKING:
    from designer.model.design import Design
    from designer.model.nodes import OutsidePrincipal

# How each relationship kind reaches AWS: what the exports make of it. Every kind of
# designer.model.kinds.SPECS has a row (tests/exporters/test_kinds_covered.py).
DEPLOYED_AS: Final[dict[str, str]] = {
    "trust": "an IAM role with its trust policy (policies/roles; cloudformation/stacksets, one "
    "service-managed StackSet per role deployed to an OU or the organization)",
    "federation": "an identity provider and the roles its users sign in to (policies/roles)",
    "log-delivery": "a trail, AWS Config or another log source writing into a log bucket "
    "(the organization trail for the whole organization, a StackSet for an OU)",
    "resource-share": "a share by the publisher: AWS RAM, Service Catalog, AMI or snapshot "
    "permissions (outside the organization only with an explicit, warned step)",
    "delegated-admin": "a delegated administrator registered from the management account",
    "billing": "consolidated billing, which follows from membership (no file)",
}
# What an OU or the organization at each end of a relationship means, per kind ("" where that
# end cannot be a scope). Every kind of SPECS has a row.
SCOPED_MEANING: Final[dict[str, dict[str, str]]] = {
    "trust": {
        "source": "any principal of",
        "target": "the role is deployed to",
    },
    "federation": {"source": "", "target": ""},
    "log-delivery": {"source": "logs of", "target": ""},
    "resource-share": {"source": "", "target": "shared with"},
    "delegated-admin": {"source": "", "target": ""},
    "billing": {"source": "", "target": ""},
}
OUTSIDE_KIND_LABELS: Final[dict[OutsideKind, str]] = {
    OutsideKind.EXTERNAL_ACCOUNT: "external AWS account",
    OutsideKind.PARTNER_ORGANIZATION: "partner organization",
    OutsideKind.SERVICE: "AWS service",
    OutsideKind.ANYONE: "anyone (the public)",
}
LISTED = 5  # excluded accounts named in a sentence before "and N more"


@dataclass(frozen=True)
class Blocked:
    """A relationship no exporter writes, and why (the plan and the document list it)."""

    relationship: str  # its id
    what: str  # "trust 'Public' -> Prod (role PublicRead)"
    why: str


class ExportScopes:
    """designer.core.scope.Scopes for the exporters: names, words and deployment targets."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.scopes = Scopes(design)
        self.root = design.organization.id
        self.accounts = {a.id: a for a in design.accounts}
        self.units = {u.id: u for u in design.organizational_units}
        self.outside = {p.id: p for p in design.outside_principals}
        self.idps = {i.id: i for i in design.identity_providers}
        self.management = design.organization.management_account

    # -- what a node is ------------------------------------------------------------------------
    def is_scope(self, node_id: str) -> bool:
        return self.scopes.is_scope(node_id)

    def scoped_end(self, rel: Any) -> str | None:
        return self.scopes.scoped_end(rel)

    def outside_of(self, node_id: str) -> OutsidePrincipal | None:
        return self.outside.get(node_id)

    def organization_wide(self, rel: Any) -> bool:
        """The source is the organization itself, no account left out: the organization trail."""
        return rel.source == self.root and not rel.excluded_accounts

    # -- OUs ---------------------------------------------------------------------------------
    def chain(self, unit_id: str) -> list[str]:
        """The OU's ids from the one under the root down to itself."""
        found: list[str] = []
        node: str | None = unit_id
        while node in self.units and node not in found:
            found.append(node)
            node = self.units[node].parent
        return found[::-1]

    def ou_path(self, unit_id: str) -> str:
        """'Workloads/Prod': the OU's names from the root down."""
        return "/".join(self.units[u].name for u in self.chain(unit_id))

    def label(self, node_id: str) -> str:
        """A scope as a short name for files and tables: 'OU Workloads/Prod', 'Organization'."""
        if node_id == self.root:
            return "Organization"
        if node_id in self.units:
            return f"OU {self.ou_path(node_id)}"
        return self.name(node_id)

    def short(self, node_id: str) -> str:
        """A scope in a sentence: 'the organization', 'OU Workloads/Prod'; else the name."""
        return "the organization" if node_id == self.root else self.label(node_id)

    def name(self, node_id: str) -> str:
        for table in (self.accounts, self.outside, self.idps, self.units):
            if node_id in table:
                return str(table[node_id].name)
        if node_id == self.root:
            return self.design.organization.name
        return node_id

    # -- members -------------------------------------------------------------------------------
    def members(self, scope_id: str, excluded: list[str] | tuple[str, ...] = ()) -> tuple[str, ...]:
        return self.scopes.members(scope_id, excluded)

    def excluded_in_scope(self, rel: Any, scope_id: str) -> list[str]:
        """The excluded accounts that really lie in the scope (one moved away changes nothing)."""
        inside = set(self.members(scope_id))
        return [a for a in rel.excluded_accounts if a in inside]

    def stack_set_accounts(self, rel: Any) -> tuple[str, ...]:
        """Accounts a service-managed StackSet deploying `rel`'s scoped end reaches now: the
        members less the excluded accounts, the management account and the trusted account."""
        end = self.scoped_end(rel)
        if end is None:
            return ()
        scope_id = rel.target if end == "target" else rel.source
        other = rel.source if end == "target" else None
        return tuple(
            a
            for a in self.members(scope_id, rel.excluded_accounts)
            if a != self.management and a != other
        )

    def stack_set_skipped(self, rel: Any) -> list[str]:
        """Accounts of the scope a StackSet filter must leave out (DIFFERENCE): the excluded
        ones and, for a trust, the trusted account itself when it lies in the scope."""
        end = self.scoped_end(rel)
        if end is None:
            return []
        scope_id = rel.target if end == "target" else rel.source
        skipped = self.excluded_in_scope(rel, scope_id)
        if rel.kind == "trust" and end == "target" and rel.source in self.members(scope_id):
            skipped = [*skipped, rel.source] if rel.source not in skipped else skipped
        return [a for a in skipped if a != self.management]

    def management_in_scope(self, rel: Any) -> bool:
        """The management account lies in the scoped end (and is not excluded)."""
        end = self.scoped_end(rel)
        if end is None or self.management is None:
            return False
        scope_id = rel.target if end == "target" else rel.source
        return self.management in self.members(scope_id, rel.excluded_accounts)

    def management_words(self, rel: Any) -> str:
        """What happens to the management account when it lies in a scoped trust's scope:
        StackSets skip it, so it has the role only if a trust of that name is drawn to it."""
        own = any(
            r.kind == "trust" and r.target == self.management and r.role_name == rel.role_name
            for r in self.design.relationships
        )
        if own:
            return (
                "the management account lies in the scope, but StackSets never deploy there: "
                "the trust drawn to it creates the role there as a stack of its own"
            )
        return (
            "the management account lies in the scope, but StackSets never deploy there: it "
            "does not get the role (draw a trust to it if it needs one)"
        )

    # -- words ---------------------------------------------------------------------------------
    def account_words(self, ids: list[str] | tuple[str, ...]) -> str:
        names = [self.name(a) for a in ids]
        shown = ", ".join(names[:LISTED])
        return f"{shown} and {len(names) - LISTED} more" if len(names) > LISTED else shown

    def scope_words(self, scope_id: str, excluded: list[str] | tuple[str, ...] = ()) -> str:
        """'every account of OU Workloads (2,000 accounts now, future accounts too), except
        Sandbox 1'."""
        where = (
            f"the organization {self.design.organization.name}"
            if scope_id == self.root
            else f"OU {self.ou_path(scope_id)}"
        )
        count = len(self.members(scope_id, excluded))
        now = f"{count:,} account{'s' if count != 1 else ''} now"
        inside = set(self.members(scope_id))
        skipped = [a for a in excluded if a in inside]
        tail = f", except {self.account_words(skipped)}" if skipped else ""
        return f"every account of {where} ({now}, future accounts too){tail}"

    def end_words(self, rel: Any, end: str) -> str:
        """One end of a relationship in words: a name, a scope, or an outside principal."""
        node = rel.source if end == "source" else rel.target
        if self.is_scope(node):
            return self.scope_words(node, rel.excluded_accounts)
        party = self.outside_of(node)
        if party is not None:
            return outside_words(party)
        return self.name(node)

    def relationship_words(self, rel: Any) -> str:
        what = f"{rel.kind} {self.name(rel.source)!r} -> {self.name(rel.target)!r}"
        return f"{what} (role {rel.role_name})" if rel.kind == "trust" else what

    # -- what cannot be written ----------------------------------------------------------------
    def blocked_trust(self, rel: Any) -> Blocked | None:
        """A trust of anyone: a role anybody on the internet could assume is never written."""
        party = self.outside_of(rel.source)
        if rel.kind != "trust" or party is None or party.kind != OutsideKind.ANYONE:
            return None
        return Blocked(
            rel.id,
            self.relationship_words(rel),
            f'its trusted side {party.name!r} is anyone: a trust policy with Principal "*" '
            "and no condition lets everybody on the internet assume the role, so the role is "
            "left out. Name the account, organization or service that really needs it.",
        )

    @cached_property
    def blocked(self) -> list[Blocked]:
        """Every relationship the exports leave out, in design order."""
        found = [self.blocked_trust(r) or self.blocked_share(r) for r in self.design.relationships]
        return [b for b in found if b is not None]

    def blocked_share(self, rel: Any) -> Blocked | None:
        """A share with anyone that AWS has no public form for (only AMIs and EBS snapshots can
        be made public, and the plan writes that as a warned step)."""
        party = self.outside_of(rel.target)
        if rel.kind != "resource-share" or party is None or party.kind != OutsideKind.ANYONE:
            return None
        if str(rel.resource_type) in ("ami", "ebs-snapshot"):
            return None
        return Blocked(
            rel.id,
            f"resource-share {self.name(rel.source)!r} -> {party.name!r} ({rel.resource_type})",
            f"{rel.resource_type} cannot be shared with anyone: AWS offers no public form of it "
            "(only AMIs and EBS snapshots can be made public). Share with named accounts.",
        )

    def mfa(self, rel: Any) -> bool:
        """MFA is asked of people only: a workload cannot present a code."""
        return bool(rel.require_mfa) and rel.principal_type == PrincipalType.HUMAN


def outside_words(party: OutsidePrincipal) -> str:
    """'external AWS account Vendor (999999999999)', 'anyone (the public) Internet'."""
    label = OUTSIDE_KIND_LABELS[party.kind]
    ident = party.identifier
    return f"{label} {party.name}" + (f" ({ident})" if ident else "")


def outside_identifier(party: OutsidePrincipal) -> str:
    """What identifies the principal to AWS, or what is still unknown."""
    if party.kind == OutsideKind.ANYONE:
        return 'everyone: Principal "*"'
    return party.identifier or "account id not known yet"
