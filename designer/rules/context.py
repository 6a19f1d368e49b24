"""What rules read: the design, its graph, and lookups computed once per validation run.

Every lookup is a dict or a cached pass over the design, so a rule that asks about each account
stays linear in the number of accounts.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from designer import analysis
from designer.analysis.radius import (
    Chain,
    Controllers,
    RadiusSummary,
    Route,
    TrustGraph,
    access_index,
    controllers,
    long_chains,
    radius_summaries,
)
from designer.artefacts import policy_documents
from designer.core.graph import DesignGraph, LogCoverage
from designer.core.scope import Scopes
from designer.model.catalog import EntityKind, EntityRef, index_entities
from designer.model.vocabulary import (
    LOWER_ENVIRONMENTS,
    AccountFunction,
    AccountState,
    Environment,
    OutsideKind,
)

F = AccountFunction

if TYPE_CHECKING:
    from designer.model.design import Design
    from designer.model.governance import LogBucket, ServiceControlPolicy
    from designer.model.nodes import (
        Account,
        IdentityProvider,
        OrganizationalUnit,
        OutsidePrincipal,
    )


# Kinds that relationships() expands to one copy per account of a scoped end. Log deliveries
# stay whole: their rules ask about buckets and use coverage (which expands them itself).
COPIED_KINDS = frozenset({"trust"})
OUTSIDE_NOUNS = {
    OutsideKind.EXTERNAL_ACCOUNT: "external account",
    OutsideKind.PARTNER_ORGANIZATION: "partner organization",
    OutsideKind.SERVICE: "AWS service",
    OutsideKind.ANYONE: "anyone",
}


# Accounts whose admin hands over the organization, its records or its guards.
PRIVILEGED_FUNCTIONS = {
    F.MANAGEMENT: "management account",
    F.LOG_ARCHIVE: "log-archive account",
    F.SECURITY_TOOLING: "security-tooling account",
    F.IDENTITY: "identity account",
}
# OU names AWS's recommended OUs give to the place of closed and quarantined accounts.
SUSPENDED_OU_NAMES = ("Suspended", "Quarantine")


@lru_cache(maxsize=4096)
def normalise(name: str) -> str:
    """OU names compared loosely: 'Non-prod', 'nonprod' and 'Non prod' are one name."""
    return "".join(c for c in name.lower() if c.isalnum())


class RuleContext:
    def __init__(self, design: Design, graph: DesignGraph | None = None) -> None:
        self.design = design
        self.graph = graph if graph is not None else DesignGraph(design)

    # -- entities ------------------------------------------------------------------------
    @cached_property
    def index(self) -> dict[str, EntityRef]:
        return index_entities(self.design)

    def label(self, entity_id: str | None) -> str:
        """How messages name a node or relationship: "account 'Prod'"."""
        if entity_id is None:
            return "(nothing)"
        ref = self.index.get(entity_id)
        if ref is None:
            return entity_id
        if ref.entity.__class__.__name__.endswith("Relationship"):
            rel = ref.entity
            what = f"role {rel.role_name!r}" if rel.kind == "trust" else rel.kind
            return f"{what} ({self.name(rel.source)} -> {self.name(rel.target)})"
        return ref.label

    def describe(self, node_id: str) -> str:
        """A node with what it is: "OU 'Workloads'", "external account 'Vendor'"..."""
        party = self.outside.get(node_id)
        if party is not None:
            return f"{OUTSIDE_NOUNS[party.kind]} {party.name!r}"
        if node_id == self.design.organization.id:
            return f"the organization {self.design.organization.name!r}"
        if node_id in self.ous:
            return f"OU {self.ous[node_id].name!r}"
        return self.label(node_id)

    def name(self, entity_id: str) -> str:
        ref = self.index.get(entity_id)
        return repr(getattr(ref.entity, "name", entity_id)) if ref else entity_id

    @cached_property
    def accounts(self) -> dict[str, Account]:
        return {a.id: a for a in self.design.accounts}

    @cached_property
    def management(self) -> Account | None:
        return self.accounts.get(self.design.organization.management_account or "")

    @cached_property
    def members(self) -> list[Account]:
        """Every account but the management account."""
        management = self.design.organization.management_account
        return [a for a in self.design.accounts if a.id != management]

    @cached_property
    def _by_function(self) -> dict[AccountFunction, list[Account]]:
        found: dict[AccountFunction, list[Account]] = defaultdict(list)
        for account in self.design.accounts:
            for function in account.functions:
                found[function].append(account)
        return found

    def with_function(self, function: AccountFunction) -> list[Account]:
        return self._by_function.get(function, [])

    def has_function(self, account_id: str, function: AccountFunction) -> bool:
        account = self.accounts.get(account_id)
        return account is not None and function in account.functions

    @cached_property
    def outside(self) -> dict[str, OutsidePrincipal]:
        return {p.id: p for p in self.design.outside_principals}

    @cached_property
    def providers(self) -> dict[str, IdentityProvider]:
        return {p.id: p for p in self.design.identity_providers}

    @cached_property
    def scopes(self) -> Scopes:
        return Scopes(self.design)

    @cached_property
    def _by_kind(self) -> dict[str, list[Any]]:
        """Trusts expanded to one per account (each keeping its id): a role deployed to an OU is
        judged in every account it lands in, as the same design drawn account by account."""
        found: dict[str, list[Any]] = defaultdict(list)
        for rel in self.design.relationships:
            found[rel.kind].append(rel)
        for kind in COPIED_KINDS:
            found[kind] = (
                self.scopes.trusts if kind == "trust" else self.scopes.expanded(found[kind])
            )
        return found

    def relationships(self, kind: str) -> list[Any]:
        return self._by_kind.get(kind, [])

    @cached_property
    def copied(self) -> frozenset[str]:
        """Scoped relationships that relationships() gives once per account of their scope."""
        scoped = self.scoped_ids
        return frozenset(
            r.id for r in self.design.relationships if r.kind in COPIED_KINDS and r.id in scoped
        )

    @cached_property
    def scoped_ids(self) -> frozenset[str]:
        """Relationships with an OU or the organization at one end."""
        return self.scopes.scoped_ids()

    def organization_wide(self, rel: Any) -> bool:
        """The relationship covers every account of the organization (the organization trail)."""
        return self.scopes.covers_organization(rel)

    def drawn(self, rel: Any) -> Any:
        """The relationship as the architect drew it: a copy of a scoped trust (which keeps its
        id) gives back the scoped trust."""
        if rel.id not in self.scoped_ids:
            return rel
        ref = self.index.get(rel.id)
        return ref.entity if ref is not None and ref.kind == EntityKind.RELATIONSHIP else rel

    def scoped_source(self, rel: Any) -> str | None:
        """The OU or organization whose every principal a trust admits (its policy names them
        with aws:PrincipalOrgPaths / aws:PrincipalOrgID), for the trust or any copy of it."""
        drawn = self.drawn(rel)
        return drawn.source if self.scopes.is_scope(drawn.source) else None

    def holding_scopes(self, account_id: str) -> frozenset[str]:
        """The OUs an account sits in, at any depth, and the organization (cached per OU)."""
        account = self.accounts.get(account_id)
        if account is None:
            return frozenset()
        parent = account.parent
        if parent not in self._holding:
            chain = (u.id for u in self.ou_chain(parent))
            self._holding[parent] = frozenset({self.design.organization.id, *chain})
        return self._holding[parent]

    @cached_property
    def _holding(self) -> dict[str | None, frozenset[str]]:
        return {}

    def covers(self, rel: Any, end: str, account_id: str) -> bool:
        """Whether an end ("source" / "target") of a relationship is the account or a scope
        that holds it and does not exclude it: O(OU depth), no scan of the scope."""
        node = rel.source if end == "source" else rel.target
        if node == account_id:
            return True
        return node in self.holding_scopes(account_id) and account_id not in rel.excluded_accounts

    @cached_property
    def landing_roles(self) -> dict[str, set[str]]:
        """Per account that identity providers federate into, the roles people land in."""
        found: dict[str, set[str]] = defaultdict(set)
        for rel in self.relationships("federation"):
            found[rel.target].update(rel.mapped_roles)
        return dict(found)

    # -- the OU tree -----------------------------------------------------------------------
    @cached_property
    def ous(self) -> dict[str, OrganizationalUnit]:
        return {u.id: u for u in self.design.organizational_units}

    @cached_property
    def _chains(self) -> dict[str | None, list[OrganizationalUnit]]:
        return {None: []}

    def ou_chain(self, parent: str | None) -> list[OrganizationalUnit]:
        """The OUs from the root down to `parent` (empty for the root); computed once per OU."""
        if parent not in self._chains:
            unit = self.ous.get(parent)  # type: ignore[arg-type]
            self._chains[parent] = [] if unit is None else [*self.ou_chain(unit.parent), unit]
        return self._chains[parent]

    @cached_property
    def _chain_names(self) -> dict[str | None, frozenset[str]]:
        return {}

    def in_ou_named(self, account: Account, *names: str) -> bool:
        """Whether the account sits anywhere below an OU of one of these names."""
        parent = account.parent
        if parent not in self._chain_names:
            chain = self.ou_chain(parent)
            self._chain_names[parent] = frozenset(normalise(u.name) for u in chain)
        return any(normalise(n) in self._chain_names[parent] for n in names)

    def ous_named(self, *names: str) -> list[OrganizationalUnit]:
        wanted = {normalise(n) for n in names}
        return [u for u in self.design.organizational_units if normalise(u.name) in wanted]

    @cached_property
    def accounts_in_ou(self) -> dict[str | None, list[Account]]:
        found: dict[str | None, list[Account]] = defaultdict(list)
        for account in self.design.accounts:
            found[account.parent].append(account)
        return found

    # -- policies and buckets -------------------------------------------------------------
    @cached_property
    def scps(self) -> dict[str, ServiceControlPolicy]:
        return {p.id: p for p in self.design.service_control_policies}

    def attached_scps(self, target_id: str | None) -> list[ServiceControlPolicy]:
        """SCPs attached directly to an OU or account (None: the root)."""
        if target_id is None:
            ids = self.design.organization.root_scps
        elif target_id in self.ous:
            ids = self.ous[target_id].scps
        else:
            ids = self.accounts[target_id].scps
        return [self.scps[i] for i in ids if i in self.scps]

    def effective_scps(self, account: Account) -> list[ServiceControlPolicy]:
        """Root, every enclosing OU and the account itself (what AWS evaluates for it)."""
        policies = self.attached_scps(None)
        for unit in self.ou_chain(account.parent):
            policies += self.attached_scps(unit.id)
        return policies + self.attached_scps(account.id)

    @cached_property
    def buckets(self) -> dict[str, LogBucket]:
        return {b.id: b for b in self.design.log_buckets}

    @cached_property
    def deliveries_into_bucket(self) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = defaultdict(list)
        for rel in self.relationships("log-delivery"):
            if rel.bucket is not None:
                found[rel.bucket].append(rel)
        return found

    @cached_property
    def quarantined_ous(self) -> frozenset[str]:
        """OUs with a deny-all SCP attached (the Suspended OU of AWS's recommended OUs)."""
        return frozenset(
            u.id
            for u in self.design.organizational_units
            if any(policy_documents.quarantines(p.document) for p in self.attached_scps(u.id))
        )

    def quarantined(self, account: Account) -> bool:
        """The account sits where it can do nothing: below an OU named Suspended or
        Quarantine, or below (or itself under) a deny-all SCP."""
        if self.in_ou_named(account, *SUSPENDED_OU_NAMES):
            return True
        if account.scps and any(
            policy_documents.quarantines(p.document) for p in self.attached_scps(account.id)
        ):
            return True
        quarantined = self.quarantined_ous
        return bool(quarantined) and any(u.id in quarantined for u in self.ou_chain(account.parent))

    @cached_property
    def by_account_number(self) -> dict[str, Account]:
        """Accounts by their 12-digit AWS account id (those that have one)."""
        return {a.aws_account_id: a for a in self.design.accounts if a.aws_account_id}

    def less_trusted(self, node: str) -> bool:
        """Where an attacker starts: sandbox and lower-environment accounts (not parked: a
        closed account under a deny-all SCP can assume nothing), and outsiders other than AWS
        services (which act only for the account that invites them)."""
        party = self.outside.get(node)
        if party is not None:
            return party.kind != OutsideKind.SERVICE
        account = self.accounts.get(node)
        return (
            account is not None
            and (F.SANDBOX in account.functions or account.environment in LOWER_ENVIRONMENTS)
            and not self.parked(account)
        )

    def guarded_kind(self, account_id: str) -> str | None:
        """What makes an account worth guarding from less trusted ones: its privileged
        function, else production; None for other accounts."""
        account = self.accounts.get(account_id)
        if account is None:
            return None
        if account_id == self.design.organization.management_account:
            return PRIVILEGED_FUNCTIONS[F.MANAGEMENT]
        for function, text in PRIVILEGED_FUNCTIONS.items():
            if function in account.functions:
                return text
        return "production account" if account.environment == Environment.PRODUCTION else None

    def parked(self, account: Account) -> bool:
        """A closed (suspended) account parked where it can do nothing: it has no activity to
        log or audit, so rules about what an active account needs skip it (one definition)."""
        return account.state == AccountState.SUSPENDED and self.quarantined(account)

    # -- analyses --------------------------------------------------------------------------
    @cached_property
    def trust_graph(self) -> TrustGraph:
        """Trust and federation condensed once for the blast-radius analyses below."""
        return TrustGraph(access_index(self.design, self.scopes))

    @cached_property
    def radius_summaries(self) -> dict[str, RadiusSummary]:
        """Per node that trust leaves: accounts reached and the strongest access (one pass)."""
        return radius_summaries(self.design, self.trust_graph)

    @cached_property
    def controllers(self) -> Controllers:
        """Nodes from which an attacker can take control of a given node."""
        return controllers(self.design, self.trust_graph)

    def long_chains(self, min_rank: int) -> list[Chain]:
        return long_chains(self.design, min_rank, dag=self.trust_graph)

    @cached_property
    def log_coverage(self) -> LogCoverage:
        return analysis.log_coverage(self.graph)

    @cached_property
    def audit_coverage(self) -> tuple[set[str], set[str]]:
        return analysis.audit_coverage(self.design, self.scopes)


def route_text(ctx: RuleContext, route: Route) -> str:
    """'A' -> 'B' -> ... -> 'Y' -> 'Z': the names along a route, with its gaps."""
    names = [ctx.name(node) for node in route.nodes]
    for gap in sorted(route.gaps, reverse=True):
        names.insert(gap + 1, "...")
    return " -> ".join(names)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 account', '3 accounts' ('1 policy', '2 policies' with nouns given)."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def names_list(ctx: RuleContext, ids: list[str], limit: int = 5, total: int | None = None) -> str:
    """'A', 'B' and 3 more — short enough for one message even with thousands of accounts."""
    shown = [ctx.name(i) for i in ids[:limit]]
    more = (len(ids) if total is None else total) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
