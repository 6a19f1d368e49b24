"""The corpus kit: realistic designs edited by names, and what each is expected to raise.

A flawed design starts from a clean, realistic organization (the bundled reference landing zone,
which raises nothing above low) and plants exactly one flaw, as an architect's slip would.
Everything is named as the architect sees it (account 'Payments Production', OU 'Sandbox',
role 'WorkloadAdmin'); ids are looked up by name so cases read like review comments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from designer.core.document import Document
from designer.model import (
    Account,
    Design,
    FederationRelationship,
    IdentityProvider,
    LogBucket,
    LogDeliveryRelationship,
    OrganizationalUnit,
    OutsidePrincipal,
    ResourceShareRelationship,
    ServiceControlPolicy,
    TrustRelationship,
    stable_id,
)
from designer.model.templates import load_template
from designer.rules import Severity

ORG = "@organization"  # the name that stands for the organization itself


@dataclass(frozen=True)
class Flaw:
    """One planted flaw: the design, the rule expected to catch it, the entity it must name
    (by name: an account, OU, provider, outside principal, bucket or SCP; for a relationship
    'kind:source->target' or a role name) and the least severity a reviewer would accept."""

    name: str
    source: str  # the whitepaper section or AWS page the flaw is grounded in
    build: Callable[[], Design]
    rule: str
    subject: str
    severity: Severity


@dataclass(frozen=True)
class Legitimate:
    """An unusual but sound design: it must raise no high or critical finding."""

    name: str
    why: str
    build: Callable[[], Design]


@dataclass(frozen=True)
class NearMiss:
    """A design one step short of a rule's flaw: the rule must not fire on `subject` (or at
    all, when subject is None)."""

    rule: str
    name: str
    build: Callable[[], Design]
    subject: str | None = None


class Kit:
    """A design under edit. Kit() is the reference landing zone; Kit("identity") a template;
    Kit(design) any design. Every edit goes through a Document, so it is checked as the GUI
    checks it (a case that builds an impossible design fails loudly)."""

    def __init__(self, start: str | Design = "reference-landing-zone") -> None:
        design = load_template(start) if isinstance(start, str) else start
        self.doc = Document(design.model_copy(deep=True))
        self._n = 0

    # -- lookup by name ----------------------------------------------------------------------
    @property
    def design(self) -> Design:
        return self.doc.design

    def id(self, name: str) -> str:
        """The id of the entity with this name (organization: ORG); KeyError names it."""
        design = self.design
        if name in (ORG, design.organization.name):
            return design.organization.id
        for items in (
            design.accounts,
            design.organizational_units,
            design.identity_providers,
            design.outside_principals,
            design.log_buckets,
            design.service_control_policies,
        ):
            for entity in items:
                if entity.name == name:
                    return entity.id
        rel = self.find_relationship(name)
        if rel is not None:
            return str(rel.id)
        raise KeyError(f"nothing named {name!r} in the design")

    def get(self, name: str) -> Any:
        return self.doc.get(self.id(name))

    def find_relationship(self, spec: str) -> Any | None:
        """'trust:Identity->Workloads', 'federation:IAM Identity Center->Identity', or a role
        name ('WorkloadAdmin'): the first relationship that matches."""
        names = self._names()
        for rel in self.design.relationships:
            if rel.kind == "trust" and rel.role_name == spec:
                return rel
            text = f"{rel.kind}:{names.get(rel.source)}->{names.get(rel.target)}"
            if text == spec:
                return rel
        return None

    def relationships(
        self, kind: str, source: str | None = None, target: str | None = None
    ) -> list[Any]:
        src = None if source is None else self.id(source)
        dst = None if target is None else self.id(target)
        return [
            r
            for r in self.design.relationships
            if r.kind == kind and src in (None, r.source) and dst in (None, r.target)
        ]

    def _names(self) -> dict[str, str]:
        design = self.design
        found = {design.organization.id: ORG}
        for items in (
            design.accounts,
            design.organizational_units,
            design.identity_providers,
            design.outside_principals,
        ):
            found.update((e.id, e.name) for e in items)
        return found

    # -- edits ---------------------------------------------------------------------------------
    def _new_id(self, *parts: str) -> str:
        self._n += 1
        return stable_id("corpus", str(self._n), *parts)

    def update(self, name: str, **changes: Any) -> Kit:
        """Change fields of a named entity (or relationship spec); names in `parent`, `scps`,
        `bucket`, `home_account`, `account` and `excluded_accounts` are turned into ids."""
        self.doc.update(self.id(name), **self._ids_in(changes))
        return self

    def policy(self, **changes: Any) -> Kit:
        """Change the usage policy (ou_requirements given as dicts with names)."""
        if "ou_requirements" in changes:
            changes["ou_requirements"] = [
                {**need, "ou": self.id(need["ou"]), "required_scps": [
                    self.id(s) for s in need.get("required_scps", [])
                ]}
                for need in changes["ou_requirements"]
            ]  # fmt: skip
        self.doc.set_usage_policy(**changes)
        return self

    def covers(self, *structures: str) -> Kit:
        self.doc.set_design_info(covers=list(structures) or None)
        return self

    def remove(self, name: str) -> Kit:
        self.doc.remove(self.id(name))
        return self

    def remove_relationships(
        self, kind: str, source: str | None = None, target: str | None = None
    ) -> Kit:
        for rel in self.relationships(kind, source, target):
            self.doc.remove(rel.id)
        return self

    def ou(self, name: str, parent: str | None = None, **fields: Any) -> str:
        unit = OrganizationalUnit(
            id=self._new_id("ou", name), name=name, **self._ids_in({"parent": parent, **fields})
        )
        self.doc.add(unit)
        return unit.id

    def account(self, name: str, *functions: str, parent: str | None = None, **fields: Any) -> str:
        defaults: dict[str, Any] = {
            "owner": "platform team",
            "purpose": f"{name} (corpus)",
            "email": f"aws+corpus{self._n + 1}@example.com",
            "root_mfa": True,
            "state": "active",
        }
        account = Account(
            id=self._new_id("account", name),
            name=name,
            functions=list(functions or ["workload"]),
            **self._ids_in({**defaults, "parent": parent, **fields}),
        )
        self.doc.add(account)
        if self.design.organization.management_account:
            self.doc.add(
                _billing(self._new_id("bill", name), self.design.organization.management_account,
                         account.id)
            )  # fmt: skip
        return account.id

    def idp(self, name: str, kind: str = "saml", **fields: Any) -> str:
        provider = IdentityProvider(
            id=self._new_id("idp", name), name=name, kind=kind, **self._ids_in(fields)
        )
        self.doc.add(provider)
        return provider.id

    def outside(self, name: str, **fields: Any) -> str:
        party = OutsidePrincipal(id=self._new_id("outside", name), name=name, **fields)
        self.doc.add(party)
        return party.id

    def bucket(self, name: str, owner: str, **fields: Any) -> str:
        bucket = LogBucket(
            id=self._new_id("bucket", name), name=name, account=self.id(owner), **fields
        )
        self.doc.add(bucket)
        return bucket.id

    def scp(self, name: str, document: dict[str, Any] | None = None, **fields: Any) -> str:
        policy = ServiceControlPolicy(
            id=self._new_id("scp", name), name=name, document=document, **fields
        )
        self.doc.add(policy)
        return policy.id

    def attach(self, scp: str, *targets: str) -> Kit:
        """Attach an SCP to OUs, accounts or the organization root (ORG)."""
        scp_id = self.id(scp)
        for target in targets:
            if target == ORG:
                org = self.design.organization
                self.doc.update(org.id, root_scps=[*org.root_scps, scp_id])
            else:
                held = self.get(target).scps
                self.doc.update(self.id(target), scps=[*held, scp_id])
        return self

    def detach(self, scp: str, *targets: str) -> Kit:
        scp_id = self.id(scp)
        for target in targets:
            if target == ORG:
                org = self.design.organization
                self.doc.update(org.id, root_scps=[s for s in org.root_scps if s != scp_id])
            else:
                held = self.get(target).scps
                self.doc.update(self.id(target), scps=[s for s in held if s != scp_id])
        return self

    def trust(self, source: str, target: str, level: str = "read-only", **fields: Any) -> str:
        fields.setdefault("role_name", f"Corpus{self._n + 1}")
        fields.setdefault("purpose", "corpus case")
        return self._relate(TrustRelationship, source, target, access_level=level, **fields)

    def federation(self, source: str, target: str, **fields: Any) -> str:
        provider = self.get(source)
        fields.setdefault("protocol", str(provider.kind))
        fields.setdefault("purpose", "corpus case")
        return self._relate(FederationRelationship, source, target, **fields)

    def logs(self, source: str, target: str, *types: str, **fields: Any) -> str:
        fields.setdefault("purpose", "corpus case")
        return self._relate(
            LogDeliveryRelationship, source, target, log_types=list(types), **fields
        )

    def share(self, source: str, target: str, resource: str = "ami", **fields: Any) -> str:
        fields.setdefault("purpose", "corpus case")
        return self._relate(
            ResourceShareRelationship, source, target, resource_type=resource, **fields
        )

    def relate(self, model: Any, source: str, target: str, **fields: Any) -> str:
        """Any other relationship kind (DelegatedAdminRelationship, ...)."""
        fields.setdefault("purpose", "corpus case")
        return self._relate(model, source, target, **fields)

    def _relate(self, model: Any, source: str, target: str, **fields: Any) -> str:
        rel = model(
            id=self._new_id(model.__name__, source, target),
            source=self.id(source),
            target=self.id(target),
            **self._ids_in(fields),
        )
        self.doc.add(rel)
        return str(rel.id)

    def _ids_in(self, fields: dict[str, Any]) -> dict[str, Any]:
        named = ("parent", "bucket", "home_account", "account", "administers")
        out = dict(fields)
        for key in named:
            if isinstance(out.get(key), str):
                out[key] = self.id(out[key])
        for key in ("scps", "excluded_accounts"):
            if key in out:
                out[key] = [self.id(n) for n in out[key]]
        return out

    def build(self) -> Design:
        return self.doc.design.model_copy(deep=True)


def _billing(rel_id: str, payer: str, member: str) -> Any:
    from designer.model import BillingRelationship

    return BillingRelationship(id=rel_id, source=payer, target=member, purpose="consolidated")


def subject_id(design: Design, subject: str) -> str:
    """The id a case's subject names in `design` (see Flaw.subject)."""
    kit = Kit(design)
    return kit.id(subject)
