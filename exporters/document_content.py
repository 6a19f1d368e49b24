"""What the design document says, section by section, as doc_model blocks.

Every fact comes from the design or from the other exporters (the plan, the generated policies,
the validation report), so the document never disagrees with the files handed out beside it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from designer.analysis.inventory import HEADERS, inventory_rows, ou_paths
from designer.artefacts.policy_set import PolicySet, build_policies
from designer.artefacts.scoping import (
    DEPLOYED_AS,
    OUTSIDE_KIND_LABELS,
    ExportScopes,
    outside_identifier,
)
from designer.artefacts.tokens import plain
from designer.drawing.views import KIND_STYLES, OUTSIDE_STYLES
from designer.model.catalog import entity_names
from designer.model.design import Design
from designer.model.errors import DesignError
from designer.model.governance import OuRequirement
from designer.model.relationships import (
    DelegatedAdminRelationship,
    FederationRelationship,
    LogDeliveryRelationship,
    ResourceShareRelationship,
    TrustRelationship,
)
from designer.model.vocabulary import FUNCTION_LABELS, STRUCTURE_LABELS, Structure
from designer.rules.engine import REGISTRY, SEVERITY_ORDER, Report
from designer.rules.runner import validate
from designer.wizard.questions import QUESTIONS, answer_text
from exporters.doc_model import (
    Block,
    Bullets,
    Code,
    DesignDocument,
    Figure,
    Heading,
    Paragraph,
    Table,
    TreeList,
)
from exporters.plan import Step, plan_data
from exporters.summary import is_large

TREE_ACCOUNTS = 25  # accounts listed under one OU in the tree (the inventory lists them all)


def build_document(design: Design, partition: str = "aws") -> DesignDocument:
    """The whole design document of `design` (policies with ARNs in `partition`)."""
    writer = _Writer(design, partition)
    doc = DesignDocument(design.name, f"AWS multi-account design of {design.organization.name}")
    for section in (
        writer.summary,
        writer.decisions,
        writer.structure,
        writer.inventory,
        writer.identity,
        writer.logging,
        writer.publishing,
        writer.administration,
        writer.governance,
        writer.findings,
        writer.plan,
        writer.appendix,
    ):
        doc.blocks.extend(section())
    return doc


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _count(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


class _Writer:
    def __init__(self, design: Design, partition: str = "aws") -> None:
        self.design = design
        self.partition = partition
        self.names = entity_names(design)
        for rel in design.relationships:
            title = KIND_STYLES[rel.kind].title.lower()
            ends = f"{self.names.get(rel.source, '?')} → {self.names.get(rel.target, '?')}"
            self.names[rel.id] = f"{title} {ends}"
        self.report: Report = validate(design)
        self.scopes = ExportScopes(design)

    def end(self, rel: Any, end: str) -> str:
        """A relationship end in words: a scope says which accounts, now and later."""
        return self.scopes.end_words(rel, end)

    def name(self, entity_id: str | None) -> str:
        return self.names.get(entity_id or "", entity_id or "-")

    def figure(self, view: str, caption: str) -> Figure:
        if is_large(self.design):
            caption += " (summary: one box per OU with its accounts counted; the diagrams folder "
            caption += "has every account)"
        return Figure(view, caption)

    def kind(self, kind: str) -> list[Any]:
        return [r for r in self.design.relationships if r.kind == kind]

    # -- sections ---------------------------------------------------------------------------
    def summary(self) -> Iterator[Block]:
        d = self.design
        yield Heading(1, "Summary", "summary")
        if d.description:
            yield Paragraph(d.description)
        if d.covers is not None:
            yield Paragraph(_scope_text(d.covers), note=True)
        kinds: Counter[str] = Counter(r.kind for r in d.relationships)
        counts = self.report.counts()
        yield Bullets(
            (
                f"Organization: {d.organization.name}"
                + (f" ({d.organization.organization_id})" if d.organization.organization_id else "")
                + f", feature set {d.organization.feature_set}",
                f"{_count(len(d.accounts), 'account')} in "
                f"{_count(len(d.organizational_units), 'organizational unit')}",
                f"{_count(len(d.identity_providers), 'identity provider')}, "
                f"{_count(len(d.outside_principals), 'outside principal')}" + _outside_summary(d),
                "Relationships: "
                + (
                    ", ".join(
                        f"{kinds[k]} {s.title.lower()}" for k, s in KIND_STYLES.items() if kinds[k]
                    )
                    or "none"
                ),
                f"{_count(len(d.log_buckets), 'log bucket')}, "
                f"{_count(len(d.service_control_policies), 'SCP')}",
                "Findings: "
                + ", ".join(f"{counts[s]} {s}" for s in SEVERITY_ORDER)
                + f"; {len(self.report.waived)} waived",
            )
        )
        if kinds:
            yield Table(
                ("Relationships", "Count", "What the exports make of them"),
                tuple(
                    (KIND_STYLES[k].title, str(kinds[k]), DEPLOYED_AS[k])
                    for k in KIND_STYLES
                    if kinds[k]
                ),
            )
        functions = Counter(a.functions[0] for a in d.accounts)
        if functions:
            yield Table(
                ("Primary function", "Accounts"),
                tuple((FUNCTION_LABELS[f], str(n)) for f, n in functions.most_common()),
            )
        yield self.figure("all", f"{d.name}: every account and relationship")

    def decisions(self) -> Iterator[Block]:
        """Why the structure is what it is: the wizard's decisions and the answers behind them."""
        d = self.design
        if not d.decisions and d.answers is None:
            return
        yield Heading(1, "Design decisions", "decisions")
        yield Paragraph(
            "Each structural choice below follows from the answers to the questions of the AWS "
            'whitepaper "AWS Multiple Account Security Strategy", with the passage and the AWS '
            "guidance it rests on."
        )
        for number, decision in enumerate(d.decisions, 1):
            yield Heading(2, decision.topic, f"decision-{number}")
            yield Paragraph(decision.choice)
            if decision.rationale:
                yield Paragraph(decision.rationale, note=True)
            made = [self.name(i) for i in decision.entities]
            if made:
                yield Bullets((f"Makes: {', '.join(made)}",))
            if decision.sources:
                yield Bullets(tuple(decision.sources))
        if d.answers is not None:
            yield Heading(2, "Answers given", "answers")
            yield Table(
                ("Question", "Answer"),
                tuple((q.prompt, answer_text(getattr(d.answers, q.key))) for q in QUESTIONS),
            )

    def structure(self) -> Iterator[Block]:
        d = self.design
        yield Heading(1, "Organization structure", "structure")
        yield Paragraph(
            "Organizational units group accounts by function and policy; service control "
            "policies attached to the root or an OU apply to every account below it."
        )
        scp_names = {p.id: p.name for p in d.service_control_policies}
        children: dict[str | None, list[Any]] = {}
        for unit in d.organizational_units:
            children.setdefault(unit.parent, []).append(unit)
        accounts: dict[str | None, list[Any]] = {}
        for account in d.accounts:
            accounts.setdefault(account.parent, []).append(account)

        def scps(ids: Iterable[str]) -> str:
            names = [scp_names.get(i, i) for i in ids]
            return f" — SCPs: {', '.join(names)}" if names else ""

        items: list[tuple[int, str]] = [
            (0, f"{d.organization.name} (root){scps(d.organization.root_scps)}")
        ]

        def below(unit: str) -> int:
            return len(accounts.get(unit, [])) + sum(below(c.id) for c in children.get(unit, []))

        def grow(parent: str | None, depth: int) -> None:
            for unit in children.get(parent, []):
                count = _count(below(unit.id), "account")
                items.append((depth, f"{unit.name} ({count}){scps(unit.scps)}"))
                grow(unit.id, depth + 1)
                items.extend(_account_items(accounts.get(unit.id, []), depth + 1))

        grow(None, 1)
        items[1:1] = _account_items(accounts.get(None, []), 1)
        yield TreeList(tuple(items))

    def inventory(self) -> Iterator[Block]:
        yield Heading(1, "Account inventory", "inventory")
        rows = inventory_rows(self.design)
        yield Paragraph(f"{_count(len(rows), 'account')}, by OU path and name.")
        yield Table(HEADERS, tuple(tuple(r.__dict__.values()) for r in rows))

    def identity(self) -> Iterator[Block]:
        yield Heading(1, "Identity", "identity")
        yield Paragraph(
            "Who can sign in where, and which roles in other accounts they can assume, with the "
            "conditions the trust policies enforce."
        )
        idps = self.design.identity_providers
        yield Heading(2, "Identity providers", "identity-providers")
        if idps:
            yield Table(
                ("Provider", "Kind", "Home account", "Metadata / issuer"),
                tuple(
                    (
                        i.name,
                        str(i.kind) + (f" ({i.directory_type})" if i.directory_type else ""),
                        self.name(i.home_account),
                        i.metadata_url or "-",
                    )
                    for i in idps
                ),
            )
        else:
            yield Paragraph("No identity provider: people sign in as IAM users.", note=True)
        federations: list[FederationRelationship] = self.kind("federation")
        yield Heading(2, "Federation", "federation")
        yield self._table_or(
            ("Provider", "Signs in to", "Protocol", "Roles / permission sets", "Purpose"),
            [
                (
                    self.name(r.source),
                    self.name(r.target),
                    str(r.protocol),
                    ", ".join([*r.mapped_roles, *r.permission_sets]) or "-",
                    r.purpose or "-",
                )
                for r in federations
            ],
            "No federation relationship.",
        )
        yield from self.outside_principals()
        trusts: list[TrustRelationship] = self.kind("trust")
        blocked = {b.relationship for b in self.scopes.blocked}
        yield Heading(2, "Cross-account access", "cross-account-access")
        yield self._table_or(
            ("Who", "Can assume role", "In account", "Access", "Conditions", "Purpose"),
            [
                (
                    self.end(r, "source"),
                    r.role_name + (" (BLOCKED: not deployed)" if r.id in blocked else ""),
                    self.end(r, "target"),
                    str(r.access_level) + (f" ({', '.join(r.services)})" if r.services else ""),
                    self._conditions(r),
                    r.purpose or "-",
                )
                for r in trusts
            ],
            "No cross-account role.",
        )
        if self.scopes.blocked:
            yield Heading(2, "Blocked: not deployed", "blocked")
            yield Paragraph(
                "The exports leave these relationships out: no policy, template or plan step "
                "is written for them.",
                note=True,
            )
            yield Bullets(tuple(f"{b.what}: {b.why}" for b in self.scopes.blocked))
        yield self.figure("identity", "Identity: federation and cross-account trust")

    def outside_principals(self) -> Iterator[Block]:
        """Everyone outside the organization, with what reaches them."""
        parties = self.design.outside_principals
        yield Heading(2, "Outside principals", "outside-principals")
        if not parties:
            yield Paragraph("Nobody outside the organization is trusted or shared with.", note=True)
            return
        yield Paragraph(
            "Principals outside the organization: the organization's SCPs, logs and guardrails "
            "do not reach them, so every trust from them and every share with them leaves your "
            "control."
        )
        reach: dict[str, list[str]] = {}
        for rel in self.design.relationships:
            if rel.source in self.scopes.outside:
                what = f"assumes {rel.role_name} in " if rel.kind == "trust" else f"{rel.kind} to "
                reach.setdefault(rel.source, []).append(what + self.end(rel, "target"))
            if rel.target in self.scopes.outside:
                what = str(getattr(rel, "resource_type", rel.kind))
                reach.setdefault(rel.target, []).append(
                    f"receives {what} from {self.end(rel, 'source')}"
                )
        yield Table(
            ("Principal", "Kind", "Identifier", "Owner", "Reaches"),
            tuple(
                (
                    f"{p.name} [{OUTSIDE_STYLES[p.kind].marking}]",
                    OUTSIDE_KIND_LABELS[p.kind],
                    outside_identifier(p),
                    p.owner or "-",
                    "; ".join(reach.get(p.id, [])) or "nothing yet",
                )
                for p in parties
            ),
        )

    def logging(self) -> Iterator[Block]:
        yield Heading(1, "Logging", "logging")
        yield Paragraph(
            "Every log source and where its logs go, then how each destination bucket is protected."
        )
        buckets = {b.id: b for b in self.design.log_buckets}
        deliveries: list[LogDeliveryRelationship] = self.kind("log-delivery")
        yield Heading(2, "Log deliveries", "log-deliveries")
        yield self._table_or(
            (
                "Source",
                "Logs",
                "Destination account",
                "Bucket",
                "Scope",
                "Multi-Region",
                "Validation",
            ),
            [
                (
                    self.name(r.source),
                    ", ".join(map(str, r.log_types)),
                    self.name(r.target),
                    buckets[r.bucket].name if r.bucket in buckets else "-",
                    self._delivery_scope(r),
                    _yes(r.multi_region),
                    _yes(r.log_file_validation),
                )
                for r in deliveries
            ],
            "No log delivery: CloudTrail and Config logs stay in each account.",
        )
        yield Heading(2, "Bucket protections", "bucket-protections")
        yield self._table_or(
            (
                "Bucket",
                "Account",
                "Versioning",
                "MFA Delete",
                "Object Lock",
                "Vault Lock",
                "KMS key",
                "Access logs",
                "Org-only writes",
            ),
            [
                (
                    b.name,
                    self.name(b.account),
                    _yes(b.versioning),
                    _yes(b.mfa_delete),
                    f"{b.object_lock.mode}, {b.object_lock.retention_days} days"
                    if b.object_lock
                    else "no",
                    _yes(b.glacier_vault_lock),
                    b.kms_key or "S3-managed",
                    _yes(b.access_logging),
                    _yes(b.organization_restricted_writes),
                )
                for b in self.design.log_buckets
            ],
            "No log bucket in the design.",
        )
        yield self.figure("logging", "Logging: sources and destinations")

    def publishing(self) -> Iterator[Block]:
        yield Heading(1, "Publishing", "publishing")
        shares: list[ResourceShareRelationship] = self.kind("resource-share")
        yield self._table_or(
            ("Publisher", "Shares", "Resources", "With", "Purpose"),
            [
                (
                    self.name(r.source),
                    str(r.resource_type)
                    + (f" ({r.ram_resource_type})" if r.ram_resource_type else ""),
                    ", ".join(r.resource_names) or "-",
                    self._share_target(r),
                    r.purpose or "-",
                )
                for r in shares
            ],
            "Nothing is shared between accounts.",
        )
        yield self.figure("publishing", "Publishing: resource shares")

    def administration(self) -> Iterator[Block]:
        yield Heading(1, "Delegated administration and billing", "administration")
        delegated: list[DelegatedAdminRelationship] = self.kind("delegated-admin")
        yield Heading(2, "Delegated administrators", "delegated-administrators")
        yield self._table_or(
            ("Service", "Administered from", "Administers", "Purpose"),
            [
                (
                    p,
                    self.name(r.target),
                    self.scopes.scope_words(r.administers or self.scopes.root),
                    r.purpose or "-",
                )
                for r in delegated
                for p in r.service_principals
            ],
            "No service is delegated: the management account administers every service.",
        )
        yield self.figure("delegated-admin", "Delegated administration")
        yield Heading(2, "Billing", "billing")
        yield self._table_or(
            ("Payer", "Pays for", "Purpose"),
            [
                (self.name(r.source), self.name(r.target), r.purpose or "-")
                for r in self.kind("billing")
            ],
            "Consolidated billing is not modelled.",
        )

    def governance(self) -> Iterator[Block]:
        d = self.design
        u = d.usage_policy
        yield Heading(1, "Usage policy and service control policies", "governance")
        yield Heading(2, "Usage policy", "usage-policy")
        yield Bullets(
            (
                "Approved services: " + (", ".join(u.approved_services) or "not restricted"),
                "Allowed Regions: " + (", ".join(u.allowed_regions) or "not restricted"),
                "Required encryption: " + ("; ".join(u.required_encryption) or "none stated"),
                "Baseline: " + ("; ".join(u.baseline) or "none stated"),
                "Minimum CloudTrail log retention (Object Lock): "
                + (_count(u.min_log_retention_days, "day") if u.min_log_retention_days else "none"),
                "Log buckets: "
                + (
                    "SSE-KMS with a customer-managed key required"
                    if u.logs_encrypted_with_kms
                    else "SSE-KMS not required"
                ),
            )
        )
        yield from self._ou_requirements()
        yield Heading(2, "Service control policies", "scps")
        targets = self._scp_targets()
        if not d.service_control_policies:
            yield Paragraph(
                "The design attaches no SCP of its own; the appendix lists the generated "
                "guardrails.",
                note=True,
            )
        for scp in d.service_control_policies:
            yield Heading(3, scp.name, f"scp-{scp.id}")
            where = ", ".join(targets.get(scp.id, [])) or "not attached"
            kind = (
                "AWS managed"
                if scp.aws_managed
                else ("written in the design" if scp.document else "generated at export")
            )
            yield Paragraph(
                f"{scp.description or 'No description.'} Attached to: {where}. Content: {kind}."
            )
            if scp.document:
                yield _code(scp.document, scp.name, self.partition)

    def _ou_requirements(self) -> Iterator[Block]:
        """What the policy asks of each OU (and of every account below it, at any depth)."""
        needs = self.design.usage_policy.ou_requirements
        if not needs:
            yield Paragraph("The usage policy asks nothing of particular OUs.", note=True)
            return
        yield Paragraph(
            "Per-OU requirements apply to every account in the OU and in the OUs below it; "
            "validation checks them (rules POL-01 to POL-04)."
        )
        paths = ou_paths(self.design)
        rows = [self._requirement_row(need, paths) for need in needs]
        yield Table(
            (
                "OU",
                "Required SCPs",
                "Log delivery",
                "Allowed environments",
                "Data ceiling",
                "Note",
            ),
            tuple(sorted(rows)),
        )

    def _requirement_row(
        self, need: OuRequirement, paths: dict[str | None, str]
    ) -> tuple[str, ...]:
        path = paths.get(need.ou, self.name(need.ou)).removeprefix("Root/")
        delivery = {
            None: "as the organization",
            "required": "required: CloudTrail and Config to the log archive",
            "exempt": "exempt",
        }
        return (
            path,
            ", ".join(self.name(scp) for scp in need.required_scps) or "-",
            delivery[need.log_delivery],
            ", ".join(str(env) for env in need.allowed_environments) or "any",
            str(need.max_data_sensitivity or "any"),
            need.note or "-",
        )

    def _scp_targets(self) -> dict[str, list[str]]:
        d = self.design
        result: dict[str, list[str]] = {}
        attached = [(d.organization.id, d.organization.root_scps)]
        attached += [(u.id, u.scps) for u in d.organizational_units]
        attached += [(a.id, a.scps) for a in d.accounts]
        for target, ids in attached:
            for scp in ids:
                result.setdefault(scp, []).append(self.name(target))
        return result

    def findings(self) -> Iterator[Block]:
        report = self.report
        yield Heading(1, "Findings and waivers", "findings")
        yield Paragraph(
            f"Validation against the whitepaper's and AWS's practices: "
            f"{_count(len(report.findings), 'open finding')}, {len(report.waived)} waived, "
            f"{_count(len(report.stale_waivers), 'stale waiver')}."
        )
        subjects = lambda ids: ", ".join(self.name(i) for i in ids) or "-"  # noqa: E731
        yield Heading(2, "Open findings", "open-findings")
        yield self._table_or(
            ("Severity", "Rule", "Finding", "Subjects"),
            [
                (str(f.severity), f.rule_id, f.message, subjects(f.subjects))
                for f in report.findings
            ],
            "No open finding.",
        )
        fired = sorted({f.rule_id for f in report.findings if f.rule_id in REGISTRY})
        if fired:
            yield Heading(2, "How to resolve them", "remediation")
            yield Table(
                ("Rule", "Title", "Remediation"),
                tuple((r, REGISTRY[r].title, REGISTRY[r].remediation) for r in fired),
            )
        yield Heading(2, "Waivers", "waivers")
        yield self._table_or(
            ("Rule", "Subject", "Justification", "By", "On"),
            [
                (w.rule_id, self.name(w.subject), w.justification, w.author, w.date.isoformat())
                for w in self.design.waivers
            ],
            "No waiver.",
        )

    def plan(self) -> Iterator[Block]:
        yield Heading(1, "Deployment plan", "plan")
        try:
            steps, data = plan_data(self.design)
        except DesignError as exc:
            yield Paragraph(f"The plan could not be ordered: {exc}", note=True)
            return
        yield Paragraph(
            f"{_count(len(steps), 'step')} in order; a step starts when the steps it follows are "
            f"done. {sum(s.manual for s in steps)} must be done by hand. The files each step "
            "deploys are in the policies, cloudformation and plan exports."
        )
        yield Table(("#", "Step", "Runs in", "After steps", "Manual"), _plan_rows(steps))
        warned = [(n, s) for n, s in enumerate(steps, start=1) if s.warning]
        if warned:
            yield Heading(2, "Warnings", "plan-warnings")
            yield Bullets(tuple(f"Step {n}, {s.title}: {s.warning}" for n, s in warned))
        if data["blocked"]:
            yield Heading(2, "Blocked: not deployed", "plan-blocked")
            yield Bullets(tuple(f"{b['what']}: {b['why']}" for b in data["blocked"]))
        placeholders = data["placeholders"]
        if placeholders:
            yield Heading(2, "Placeholders to replace", "placeholders")
            yield Table(
                ("Placeholder", "Meaning"),
                tuple((p["placeholder"], p["meaning"]) for p in placeholders),
            )

    def appendix(self) -> Iterator[Block]:
        yield Heading(1, "Appendix: generated policies", "appendix")
        try:
            policies = build_policies(self.design)
        except DesignError as exc:
            yield Paragraph(f"The policies could not be generated: {exc}", note=True)
            return
        yield from _policy_blocks(policies, self.partition)

    def _conditions(self, r: TrustRelationship) -> str:
        parts = []
        if r.require_mfa and r.principal_type == "workload":
            parts.append("no MFA (a workload cannot present it)")
        else:
            parts.append("MFA" if r.require_mfa else "no MFA")
        if r.external_id:
            parts.append("ExternalId")
        party = self.scopes.outside_of(r.source)
        if r.source == self.scopes.root:
            parts.append("any principal of the organization (aws:PrincipalOrgID)")
        elif self.scopes.is_scope(r.source):
            parts.append(f"any principal of {self.scopes.label(r.source)} (aws:PrincipalOrgPaths)")
        elif party is not None and party.kind == "partner-organization":
            parts.append(f"any principal of organization {party.organization_id}")
        elif party is not None and party.kind == "service":
            parts.append("for this account's resources (aws:SourceAccount)")
        elif r.organization_scoped and party is None:
            parts.append("same organization")
        if r.principal_role_name:
            parts.append(f"only role {r.principal_role_name}")
        parts.append(f"sessions up to {r.max_session_duration // 3600} h")
        return ", ".join(parts)

    def _delivery_scope(self, r: LogDeliveryRelationship) -> str:
        if self.scopes.organization_wide(r):
            return "the organization (organization trail in the management account)"
        if self.scopes.is_scope(r.source):
            return self.scopes.scope_words(r.source, r.excluded_accounts) + ", by a StackSet"
        return "this account"

    def _share_target(self, r: ResourceShareRelationship) -> str:
        party = self.scopes.outside_of(r.target)
        if party is not None:
            return f"{OUTSIDE_STYLES[party.kind].marking}: {self.end(r, 'target')}"
        return self.end(r, "target")

    def _table_or(self, headers: tuple[str, ...], rows: list[tuple[str, ...]], empty: str) -> Block:
        return Table(headers, tuple(rows)) if rows else Paragraph(empty, note=True)


def _scope_text(covers: list[Structure]) -> str:
    """Which structures a partial design covers and which it leaves out."""
    inside = "; ".join(STRUCTURE_LABELS[s] for s in covers) or "nothing"
    left = [STRUCTURE_LABELS[s] for s in Structure if s not in covers]
    text = f"Scope: this design covers {inside}."
    if left:
        text += (
            f" It leaves out {'; '.join(left)}: findings about those are counted once per "
            "structure, as outside its scope."
        )
    return text


def _outside_summary(design: Design) -> str:
    kinds = Counter(p.kind for p in design.outside_principals)
    if not kinds:
        return ""
    return " (" + ", ".join(f"{n} {OUTSIDE_KIND_LABELS[k]}" for k, n in kinds.items()) + ")"


def _account_items(accounts: list[Any], depth: int) -> list[tuple[int, str]]:
    items = [
        (depth, f"{a.name} ({a.aws_account_id or 'planned'}, {', '.join(map(str, a.functions))})")
        for a in accounts[:TREE_ACCOUNTS]
    ]
    if len(accounts) > TREE_ACCOUNTS:
        items.append((depth, f"… and {len(accounts) - TREE_ACCOUNTS} more (see the inventory)"))
    return items


def _plan_rows(steps: list[Step]) -> tuple[tuple[str, ...], ...]:
    numbers = {s.id: n for n, s in enumerate(steps, start=1)}
    return tuple(
        (
            str(n),
            s.title,
            s.account,
            ", ".join(str(numbers[p]) for p in s.prerequisites if p in numbers) or "-",
            "manual" if s.manual else "",
        )
        for n, s in enumerate(steps, start=1)
    )


def _code(document: Any, title: str, partition: str) -> Code:
    """A policy as the plain-JSON export writes it: the partition filled in."""
    return Code(json.dumps(plain(document, partition), indent=2, ensure_ascii=False), title)


def _policy_blocks(policies: PolicySet, partition: str) -> Iterator[Block]:
    def code(document: Any, title: str) -> Code:
        return _code(document, title, partition)

    yield Heading(2, "IAM roles", "appendix-roles")
    for role in policies.roles:
        yield code(role.document(), f"Role {role.name} in {role.account_name}")
    if policies.identity_policies:
        yield Heading(2, "Identity policies of the trusted principals", "appendix-identity")
        for p in policies.identity_policies:
            who = f"role {p.principal}" if p.principal else "users and roles"
            yield code(p.document, f"{p.account_name} ({who}): assume {', '.join(p.roles)}")
    if policies.buckets:
        yield Heading(2, "Log bucket and key policies", "appendix-buckets")
        for b in policies.buckets:
            yield code(b.bucket_policy, f"Bucket policy of {b.bucket.name}")
            yield code(b.key_policy, f"KMS key policy of {b.bucket.name}")
    yield Heading(2, "Service control policies", "appendix-scps")
    for scp in policies.scps:
        kind = "Generated guardrail" if scp.generated else "SCP"
        yield code(scp.document, f"{kind} {scp.name}")
    yield code({"Targets": [a.document() for a in policies.attachments]}, "SCP attachments")
    if policies.notes.placeholders or policies.notes.points:
        yield Heading(2, "Notes on the policies", "appendix-notes")
        yield Bullets(
            tuple(f"{k}: {v}" for k, v in policies.notes.placeholders.items())
            + tuple(policies.notes.points)
        )
