"""A terse way to build the minimal design each rule test needs."""

from __future__ import annotations

from typing import Any

from designer.core.scope import EXPANDED_KINDS, Scopes
from designer.model import (
    Account,
    BillingRelationship,
    DelegatedAdminRelationship,
    Design,
    FederationRelationship,
    IdentityProvider,
    LogBucket,
    LogDeliveryRelationship,
    Organization,
    OrganizationalUnit,
    OutsidePrincipal,
    ResourceShareRelationship,
    ServiceControlPolicy,
    TrustRelationship,
    check_design,
    stable_id,
)
from designer.rules import Finding, validate
from designer.rules.engine import REGISTRY
from designer.rules.registry import all_rules


class Builder:
    """Names stand for ids: b.account("Prod") returns the id; later calls refer to "Prod"."""

    def __init__(self, management: bool = True, **org: Any) -> None:
        self.design = Design(
            id=self.id("design"),
            name="Test",
            organization=Organization(id=self.id("org"), name="Org", **org),
        )
        self._n = 0
        if management:
            self.account("Management", "management", email="mgmt@example.com", root_mfa=True)
            self.design.organization = self.design.organization.model_copy(
                update={"management_account": self.id("Management")}
            )

    @staticmethod
    def id(name: str) -> str:
        return stable_id("rule-tests", name)

    def _ref(self, name: str | None) -> str | None:
        return None if name is None else self.id(name)

    def ou(self, name: str, parent: str | None = None, scps: tuple[str, ...] = ()) -> str:
        self.design.organizational_units.append(
            OrganizationalUnit(
                id=self.id(name),
                name=name.split("/")[-1],
                parent=self._ref(parent),
                scps=[self.id(s) for s in scps],
            )
        )
        return self.id(name)

    def account(self, name: str, *functions: str, parent: str | None = None, **fields: Any) -> str:
        self._n += 1
        defaults: dict[str, Any] = {
            "owner": "team",
            "purpose": "test",
            "email": f"a{self._n}@example.com",
            "root_mfa": True,
        }
        if "scps" in fields:
            fields["scps"] = [self.id(s) for s in fields["scps"]]
        self.design.accounts.append(
            Account(
                id=self.id(name),
                name=name,
                functions=list(functions or ["workload"]),
                parent=self._ref(parent),
                **{**defaults, **fields},
            )
        )
        return self.id(name)

    def idp(self, name: str, kind: str = "saml", **fields: Any) -> str:
        if "home_account" in fields:
            fields["home_account"] = self._ref(fields["home_account"])
        self.design.identity_providers.append(
            IdentityProvider(id=self.id(name), name=name, kind=kind, **fields)
        )
        return self.id(name)

    def outside_principal(self, name: str, **fields: Any) -> str:
        self.design.outside_principals.append(
            OutsidePrincipal(id=self.id(name), name=name, **fields)
        )
        return self.id(name)

    def bucket(self, name: str, owner: str, **fields: Any) -> str:
        self.design.log_buckets.append(
            LogBucket(id=self.id(name), name=name, account=self.id(owner), **fields)
        )
        return self.id(name)

    def scp(self, name: str, document: dict[str, Any] | None = None, **fields: Any) -> str:
        self.design.service_control_policies.append(
            ServiceControlPolicy(id=self.id(name), name=name, document=document, **fields)
        )
        return self.id(name)

    def attach_root(self, *names: str) -> None:
        org = self.design.organization
        ids = [*org.root_scps, *(self.id(n) for n in names)]
        self.design.organization = org.model_copy(update={"root_scps": ids})

    def _rel(self, cls: Any, source: str, target: str, **fields: Any) -> str:
        rel_id = self.id(f"rel{len(self.design.relationships)}:{source}->{target}")
        fields.setdefault("purpose", "because")
        self.design.relationships.append(
            cls(id=rel_id, source=self.id(source), target=self.id(target), **fields)
        )
        return rel_id

    def trust(self, source: str, target: str, level: str = "read-only", **fields: Any) -> str:
        fields.setdefault("role_name", "Role")
        return self._rel(TrustRelationship, source, target, access_level=level, **fields)

    def federation(self, source: str, target: str, protocol: str = "saml", **fields: Any) -> str:
        return self._rel(FederationRelationship, source, target, protocol=protocol, **fields)

    def logs(
        self, source: str, target: str, *types: str, bucket: str | None = None, **fields: Any
    ) -> str:
        return self._rel(
            LogDeliveryRelationship,
            source,
            target,
            log_types=list(types),
            bucket=self._ref(bucket),
            **fields,
        )

    def share(self, source: str, target: str, resource: str = "ami", **fields: Any) -> str:
        return self._rel(
            ResourceShareRelationship, source, target, resource_type=resource, **fields
        )

    def delegate(self, target: str, *principals: str) -> str:
        return self._rel(
            DelegatedAdminRelationship, "Management", target, service_principals=list(principals)
        )

    def bill(self, target: str) -> str:
        return self._rel(BillingRelationship, "Management", target)

    def build(self) -> Design:
        problems = check_design(self.design)
        assert not problems, problems
        return self.design


def run_rule(design: Design, rule_id: str) -> list[Finding]:
    """Findings of one rule (the design must be valid: the builder checks)."""
    all_rules()
    report = validate(design, rules=[REGISTRY[rule_id]])
    assert all(f.rule_id == rule_id for f in report.findings), report.findings
    return report.findings


def messages(design: Design, rule_id: str) -> list[str]:
    return [f.message for f in run_rule(design, rule_id)]


# The name that stands for the organization itself in Builder calls (its id is Builder.id("org")):
# b.logs(ORG, "Logs", "cloudtrail") is the organization trail, b.trust("Tools", ORG) a role in
# every account.
ORG = "org"


def expanded(design: Design, *rel_ids: str) -> Design:
    """The same design drawn account by account: each scoped relationship named (all scoped trusts
    and log deliveries when none is named) becomes one relationship per account its scope covers,
    each with an id of its own, as an architect would draw it without scopes."""
    scopes = Scopes(design)
    wanted = set(rel_ids) or scopes.scoped_ids()
    relationships: list[Any] = []
    for rel in design.relationships:
        if rel.id not in wanted or rel.kind not in EXPANDED_KINDS:
            relationships.append(rel)
            continue
        for copy in scopes.expand(rel):
            end = copy.source if scopes.scoped_end(rel) == "source" else copy.target
            relationships.append(copy.model_copy(update={"id": stable_id(rel.id, end)}))
    return design.model_copy(update={"relationships": relationships})
