"""Export format 'plan': the ordered, dependency-aware deployment plan, in Markdown and JSON.

Steps follow the order a landing zone is built in: organization and OUs (parents first), accounts,
root-user MFA, trusted access and delegated administrators, log keys and buckets, the organization
trail and Config, identity providers and the roles mapped to them, cross-account roles (StackSets
for member accounts, a stack of its own for the management account, trusted roles first), the
trusted side's assume-role policies, SCPs (created without targets, tried on the Policy Staging
OU, then attached target by target) and publishing shares. Each step says where it runs, what it
does, the exported files it deploys (the paths the 'policies' and 'cloudformation' exporters
write, whose SCP set and StackSet groups it reuses), the steps it needs and a read-only AWS CLI
command (get / list / describe) that verifies it. Manual steps (MFA Delete, Glacier Vault Lock,
root-user MFA) carry the reason.

Every service-managed StackSet (a role or log source deployed to an OU or the organization, its OU
or the root with auto-deployment and the excluded accounts; roles drawn account by account, their
OUs inferred) is a resource of cloudformation/stacksets.json: deploying that template from the
management account is one step (one per template when it is split; StackSets whose trusts name a
role of the management account's own stack are in a later template, deployed after that stack).
A share outside the organization is a step with a warning (PUBLIC for anyone); what no export
may write (a trust of anyone) is listed as blocked.

SCPs stay out of the root user's way: an SCP is created without targets; it is tried on the Policy
Staging OU (and detached again unless the design keeps it there) only after the root-user steps of
the accounts there, and attached to its other targets only after every manual root-user step and
the StackSets. Verify commands run where the step runs (organizations commands only in steps of
the management account) and name the home Region (--region: the usage policy's first allowed
Region, else the management account's first, else the ${HomeRegion} placeholder) for every
regional service.

deployment-plan.json: {"design", "steps", "blocked", "placeholders"}; each step has "number",
"id", "title", "account" {"name", "aws_account_id"} (where it runs), "action", "manual", "reason",
"warning", "prerequisites" (step ids), "must_exist", "artifacts" (exported files it deploys),
"targets", "needs_root_user", "parameters", "verify" (one read-only AWS CLI command), "expect" and
"subjects" (design ids).
- "needs_root_user": true on the steps only the account's root user can do (root MFA, MFA
  Delete); a program must not run them, nor under an SCP denying the root user.
- "parameters": {template path: {Parameter: placeholder or null}} for every CloudFormation
  template the step deploys as a stack (the StackSets' member templates get theirs from the
  management-account template that holds them); a placeholder is one of "placeholders"
  ("${AccountId:Log Archive}", "${OuId:Workloads/Prod}", "${HomeRegion}"...), null where the
  design holds no value (a VPC id: the Parameter's Description says what). Templates without
  Parameters are left out.
- "id" starts with the kind of step: "organization", "ou:", "account:", "root-mfa",
  "identity-center", "delegated-admin:", "trusted-access:", "key:", "bucket:", "mfa-delete:",
  "vault-lock:", "logs:<type>:", "provider:", "role:", "create-role:", "management-role:",
  "stacksets", "assume:", "scp-policy-type", "scp:", "scp-staging:", "scp-check:",
  "scp-staging-detach:", "scp-attach:", "share:".
"targets" is null or, by kind of step:
- an OU ("ou:"): {"ou_path": "Root/<path>"};
- an account ("account:"): {"account": its name, "email": its root e-mail or null,
  "destination": "Root/<OU path>" it is moved into, "aws_account_id": its id or null (planned)};
- trusted access and delegated administration ("trusted-access:", "identity-center",
  "delegated-admin:"): {"service_principals": [...], "delegated_account": null or {"name",
  "aws_account_id" (the id or "${AccountId:<name>}")}};
- a principal role nothing in the design creates ("create-role:", manual and blocking: the steps
  whose trust or identity policy names it wait for it): {"role", "in": the account or scope};
- an SCP's creation ("scp:"): {"policy": SCP name};
- an SCP attach or detach ("scp-staging:", "scp-staging-detach:", "scp-attach:" steps):
  {"policy": SCP name, "target": the root, OU or account id or its placeholder ("${RootId}",
  "${OuId:<path>}", "${AccountId:<name>}"), "target_name": "Root/<OU path>" or the account name,
  "operation": "attach" | "detach"} (only these carry "operation");
- a person's check of the test accounts under a tried SCP ("scp-check:", manual, between the
  trial and the detach or the other attachments): {"policy", "test_accounts": [names]};
- identity policies ("assume:"): {"policies": [{"file": the policy file, and "attach_to_role":
  the role (null: the users or roles the account chooses) or "permission_set": the IAM Identity
  Center permission set whose inline policy takes it}]};
- a share ("share:"): {"resource_type": "ami" | "ebs-snapshot" | "service-catalog-portfolio" |
  "cloudformation-template" | "ram-share", "ram_resource_type" (RAM only, else null),
  "resources": [names], "principal": {"kind": "account" | "ou" | "organization" |
  "external-account" | "partner-organization" | "anyone", "name", "id": the id or its
  placeholder (null for anyone)}};
- the StackSets step ("stacksets", "stacksets-2"...): {"template": the management-account template,
  "region": the home Region, "stack_sets": [{"name": StackSet name, "template": member template,
  "depends_on": [StackSet names deployed first], "also_as_stack_in": [{"name",
  "aws_account_id"}] where the plan also deploys the member template as a plain stack (the
  management account in the scope of an account trail; StackSets never reach it), "verify": its
  list-stack-instances command, and the targets below}]}; the step's own "verify" lists the
  StackSets (list-stack-sets), each entry's verifies that StackSet's instances;
- a StackSet's targets: {"organizational_units": ["Root/<path>"...], "account_filter_type",
  "excluded_accounts", "auto_deployment", "accounts_now"} for a scope, {"organizational_units",
  "accounts"} for roles drawn account by account.

The organization's AWS Config StackSet deploys to the home Region only (so do the steps' words);
the management account, which it never reaches, gets AWS Config from a step of its own
(cloudformation/config-<management>.json as a stack there).

The order is networkx's lexicographic topological sort of the steps' DiGraph, ties broken by the
order in which steps were made (design order), so the same design gives the same bytes. A
dependency cycle is a one-line DesignError naming the steps on it.
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from designer.analysis.inventory import markdown_escape
from designer.artefacts.identity_center import identity_center_roles
from designer.artefacts.policy_documents import quarantines
from designer.artefacts.policy_set import (
    ACCOUNT_TRAIL_NAME,
    KEY_ADMIN_ROLES,
    ORGANIZATION_TRAIL_NAME,
    build_policies,
    identity_policy_stem,
    organization_trail_names,
)
from designer.artefacts.scoping import Blocked, ExportScopes, outside_words
from designer.model.errors import DesignError, one_line
from designer.model.vocabulary import (
    AccountFunction,
    IdentityProviderKind,
    LogType,
    OutsideKind,
    PrincipalScope,
    ResourceType,
)
from designer.rules.context import normalise
from designer.support.names import account_parts, account_stem
from exporters.base import ExportContext, exporter, safe_name
from exporters.cloudformation import (
    PlannedStackSet,
    home_region,
    planned_identity_stacks,
    planned_parameters,
    planned_stack_set_resources,
    planned_stack_sets,
)

if TYPE_CHECKING:
    from designer.model.design import Design
    from designer.model.governance import LogBucket
    from designer.model.nodes import Account, IdentityProvider, OutsidePrincipal
    from designer.model.relationships import (
        DelegatedAdminRelationship,
        FederationRelationship,
        LogDeliveryRelationship,
        ResourceShareRelationship,
        TrustRelationship,
    )

FORMAT = "plan"
STACKSETS = "member.org.stacksets.cloudformation.amazonaws.com"
LIST_LIMIT = 20  # Markdown lists longer than this are cut short (the JSON has them all)

# Where the 'policies' and 'cloudformation' exporters put their files (before collision suffixes).
POLICIES = "policies"
CFN = "cloudformation"
CFN_MANAGEMENT_ROLES = f"{CFN}/management-account-roles.json"
CFN_SCPS = f"{CFN}/organization-policies.json"
IDENTITY_CENTER = "sso.amazonaws.com"
CREATE_ROLE = "create-role:"  # a principal role nothing in the design creates: a manual step
# AWS CLI services whose calls go to one Region: their verify commands name the home Region.
REGIONAL = frozenset(
    ("cloudformation", "cloudtrail", "configservice", "ds", "ec2", "glacier", "kms", "logs",
     "ram", "s3api", "servicecatalog", "sso-admin")
)  # fmt: skip
SCP_ATTACHMENTS = f"{POLICIES}/scps/attachments.json"
# Identity Center manages the roles of its permission sets; a directory's console roles are
# ordinary roles trusting ds.amazonaws.com, written by the policies export.
SERVICE_MANAGED = (IdentityProviderKind.IDENTITY_CENTER,)

LOG_LABELS: dict[LogType, str] = {
    LogType.CLOUDTRAIL: "CloudTrail",
    LogType.CONFIG: "AWS Config",
    LogType.VPC_FLOW_LOGS: "VPC flow logs",
    LogType.S3_ACCESS_LOGS: "S3 server access logs",
    LogType.CLOUDFRONT: "CloudFront logs",
    LogType.ELB: "load balancer access logs",
    LogType.CLOUDWATCH_LOGS: "CloudWatch Logs",
}
VERIFY_LOGS: dict[LogType, tuple[str, ...]] = {
    LogType.VPC_FLOW_LOGS: ("ec2", "describe-flow-logs"),
    LogType.CLOUDFRONT: ("cloudfront", "list-distributions"),
    LogType.CLOUDWATCH_LOGS: ("logs", "describe-destinations"),
}
SHARE_LABELS: dict[ResourceType, str] = {
    ResourceType.AMI: "AMIs",
    ResourceType.EBS_SNAPSHOT: "EBS snapshots",
    ResourceType.SERVICE_CATALOG_PORTFOLIO: "Service Catalog portfolios",
    ResourceType.CLOUDFORMATION_TEMPLATE: "CloudFormation templates",
    ResourceType.RAM_SHARE: "resources (AWS RAM)",
}


@dataclass
class Step:
    """One thing to deploy; `prerequisites` are filled in when the plan is ordered."""

    id: str
    title: str
    account: str
    account_id: str | None
    action: str
    verify: str
    expect: str = ""
    artifacts: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)  # design ids this step deploys
    must_exist: list[str] = field(default_factory=list)
    manual: bool = False
    reason: str | None = None
    warning: str | None = None  # the step takes something outside the organization
    targets: dict[str, Any] | None = None
    prerequisites: list[str] = field(default_factory=list)
    stack_set: bool = False  # deployed by a StackSet of cloudformation/stacksets.json (merged)
    needs_root_user: bool = False  # only the account's root user can do it
    parameters: dict[str, dict[str, str | None]] = field(default_factory=dict)  # per template

    def as_json(self, number: int) -> dict[str, Any]:
        return {
            "number": number,
            "id": self.id,
            "title": self.title,
            "account": {"name": self.account, "aws_account_id": self.account_id},
            "action": self.action,
            "manual": self.manual,
            "reason": self.reason,
            "warning": self.warning,
            "prerequisites": self.prerequisites,
            "must_exist": self.must_exist,
            "artifacts": self.artifacts,
            "targets": self.targets,
            "needs_root_user": self.needs_root_user,
            "parameters": self.parameters,
            "verify": self.verify,
            "expect": self.expect,
            "subjects": self.subjects,
        }


def aws(*args: str) -> str:
    """A shell-safe AWS CLI command line (user text quoted, control characters escaped)."""
    return " ".join(["aws", *(shlex.quote(one_line(a)) for a in args)])


def artifact_path(folders: tuple[str, ...], stem: str, suffix: str) -> str:
    """The path ExportContext.unique_path gives a file (before any collision suffix)."""
    return "/".join([*(safe_name(f) for f in folders), f"{safe_name(stem)}{suffix}"])


def role_path(account: str, role: str) -> str:
    return artifact_path((POLICIES, "roles", account), role, ".json")


def identity_policy_path(source: str, principal: str) -> str:
    """The one identity policy of a principal role ("" for the account's users and roles)."""
    stem = identity_policy_stem(principal)
    return artifact_path((POLICIES, "identity-policies", source), stem, ".json")


def bucket_policy_path(bucket: str) -> str:
    return artifact_path((POLICIES, "buckets"), f"{bucket}-policy", ".json")


def key_policy_path(bucket: str) -> str:
    return artifact_path((POLICIES, "keys"), f"{bucket}-key-policy", ".json")


def scp_path(name: str) -> str:
    return artifact_path((POLICIES, "scps"), name, ".json")


def lifecycle_path(bucket: str) -> str:
    return artifact_path((POLICIES, "lifecycles"), bucket, ".json")


def config_stack_path(account: str) -> str:
    return artifact_path((CFN,), f"config-{account}", ".json")


def flow_log_stack_path(account: str) -> str:
    return artifact_path((CFN,), f"flow-logs-{account}", ".json")


def log_stack_path(owner: str) -> str:
    return artifact_path((CFN,), f"log-archive-{owner}", ".json")


def trail_stack_path(name: str) -> str:
    """The organization trail's template, named after the trail."""
    return artifact_path((CFN,), name, ".json")


def stackset_path(stem: str) -> str:
    return artifact_path((CFN, "stacksets"), stem, ".json")


def shares_stack_path(source: str) -> str:
    return artifact_path((CFN,), f"service-catalog-shares-{source}", ".json")


def ram_stack_path(source: str) -> str:
    return artifact_path((CFN,), f"ram-shares-{source}", ".json")


def _names(items: Iterable[str], limit: int = 10) -> str:
    items = list(items)
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def _kind_named(kind: str, name: str) -> str:
    """'IAM Identity Center Corp', but not 'IAM Identity Center IAM Identity Center'."""
    return name if normalise(kind) in normalise(name) else f"{kind} {name}"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _add_unique(items: list[str], *values: str) -> None:
    for value in values:
        if value not in items:
            items.append(value)


class Planner:
    """Builds the steps of one design, then orders them."""

    def __init__(self, design: Design, partition: str = "aws") -> None:
        self.design = design
        self.partition = partition  # of the ARNs the CLI commands name
        self.parts = account_parts(design.accounts)  # as the policies and CloudFormation exports
        self.steps: dict[str, Step] = {}
        self._suffix: dict[str, int] = {}  # last collision suffix per base id
        self.needs: dict[str, dict[str, None]] = {}
        self.placeholders: dict[str, str] = {}
        self.accounts = {a.id: a for a in design.accounts}
        self.units = {u.id: u for u in design.organizational_units}
        self.idps = {i.id: i for i in design.identity_providers}
        self.parties = {t.id: t for t in design.outside_principals}
        self.buckets = {b.id: b for b in design.log_buckets}
        self.mgmt = self.accounts.get(design.organization.management_account or "")
        self.chains: dict[str, list[str]] = {}
        for unit in design.organizational_units:
            self._chain(unit.id)
        self.node_step: dict[str, str] = {}  # organization / OU / account id -> its step
        self.creators: dict[tuple[str, str], list[str]] = defaultdict(list)  # (account, role)
        self.service_step: dict[str, str] = {}  # service principal -> trusted-access step
        self.bucket_step: dict[str, str] = {}
        self.provider_step: dict[tuple[str, str], str] = {}
        self.role_steps: dict[tuple[str, str], Step] = {}
        self.key_step: dict[tuple[str, str], Step] = {}
        self._members_below: dict[str | None, int] | None = None
        self.scopes = ExportScopes(design)
        self.blocked: list[Blocked] = self.scopes.blocked
        self.stack_sets = planned_stack_sets(design)  # relationship id -> template stem
        self.trails = organization_trail_names(design)  # the one source of trail names
        self.root_mfa: str | None = None
        self.sso_roles = identity_center_roles(design)
        self.identity_center: str | None = None  # the step enabling the organization instance
        self.region = home_region(design) or self._placeholder(
            "${HomeRegion}",
            "the home Region (no allowed Region in the usage policy, none on the management "
            "account)",
        )

    # -- helpers ---------------------------------------------------------------------------
    def _chain(self, unit_id: str) -> list[str]:
        if unit_id not in self.chains:
            unit = self.units[unit_id]
            above = self._chain(unit.parent) if unit.parent else []
            self.chains[unit_id] = [*above, unit.name]
        return self.chains[unit_id]

    def ou_path(self, unit_id: str | None) -> str:
        return "/".join(["Root", *self.chains[unit_id]]) if unit_id else "Root"

    def ou_ref(self, unit_id: str | None) -> str:
        """The placeholder of an OU's id, spelt as the policies and templates spell it (its path
        without 'Root/'), so the deployer fills in one value for one OU."""
        if unit_id is None:
            return self._placeholder("${RootId}", "the organization root's id (list-roots)")
        path = one_line(self.scopes.ou_path(unit_id))
        return self._placeholder(f"${{OuId:{path}}}", f"the id of OU {path}")

    def account_ref(self, account: Account) -> str:
        if account.aws_account_id:
            return account.aws_account_id
        name = one_line(account.name)
        return self._placeholder(
            f"${{AccountId:{name}}}", f"the 12-digit id of planned account {name}"
        )

    def _placeholder(self, text: str, meaning: str) -> str:
        self.placeholders.setdefault(text, meaning)
        return text

    def where(self, account: Account | None) -> tuple[str, str | None]:
        if account is None:
            return ("management account", None)
        return (account.name, account.aws_account_id)

    def label(self, account_id: str) -> str:
        account = self.accounts[account_id]
        return (
            f"{account.name} ({account.aws_account_id})" if account.aws_account_id else account.name
        )

    def add(self, step: Step, *needs: str | None) -> Step:
        """Register a step under a unique id (a '-2' suffix when the base id is taken)."""
        base = step.id
        while step.id in self.steps:
            self._suffix[base] = self._suffix.get(base, 1) + 1
            step.id = f"{base}-{self._suffix[base]}"
        self.steps[step.id] = step
        self.needs[step.id] = {}
        self.need(step.id, *needs)
        return step

    def need(self, step_id: str, *prerequisites: str | None) -> None:
        for prerequisite in prerequisites:
            if prerequisite is not None and prerequisite != step_id:
                self.needs[step_id][prerequisite] = None

    def in_management(self, step_id: str, title: str, action: str, verify: str) -> Step:
        name, number = self.where(self.mgmt)
        return Step(step_id, title, name, number, action, verify)

    def in_account(
        self, account_id: str, step_id: str, title: str, action: str, verify: str
    ) -> Step:
        name, number = self.where(self.accounts.get(account_id))
        return Step(step_id, title, name, number, action, verify)

    # -- the plan --------------------------------------------------------------------------
    def build(self) -> list[Step]:
        self.organization()
        self.organizational_units()
        self.member_accounts()
        self.root_user_mfa()
        self.trusted_access()
        for bucket in self.design.log_buckets:
            self.log_bucket(bucket)
        self.log_deliveries()
        self.federation()
        self.trust_roles()
        self.identity_policies()
        self.service_control_policies()
        for rel in self.relationships("resource-share"):
            self.share(rel)
        steps = self.ordered()
        templates = planned_parameters(self.design)
        for step in steps:
            self.regional(step)
            step.parameters = {
                path: templates[path]
                for path in step.artifacts
                if templates.get(path) and not path.startswith(f"{CFN}/stacksets/")
            }
        return steps

    def regional(self, step: Step) -> None:
        """A command of a regional service names the home Region, where the stacks are."""
        words = shlex.split(step.verify)
        if len(words) > 1 and words[1] in REGIONAL and "--region" not in words:
            step.verify = f"{step.verify} {aws('--region', self.region).removeprefix('aws ')}"

    def relationships(self, kind: str) -> list[Any]:
        return [r for r in self.design.relationships if r.kind == kind]

    def organization(self) -> None:
        org = self.design.organization
        exists = f" It exists as {org.organization_id}: confirm it." if org.organization_id else ""
        step = self.in_management(
            "organization",
            f"Create the organization {org.name}",
            f"From the management account, create the AWS Organization with feature set "
            f"{org.feature_set.value} (all features are needed for SCPs, trusted access and an "
            f"organization trail).{exists}",
            aws("organizations", "describe-organization"),
        )
        step.expect = f"FeatureSet is {org.feature_set.value}"
        step.subjects = [org.id, *([self.mgmt.id] if self.mgmt else [])]
        self.add(step)
        self.node_step[org.id] = step.id
        if self.mgmt:
            self.node_step[self.mgmt.id] = step.id

    def organizational_units(self) -> None:
        by_depth = sorted(self.design.organizational_units, key=lambda u: len(self.chains[u.id]))
        for unit in by_depth:
            parent = self.ou_path(unit.parent)
            step = self.in_management(
                "ou:" + "/".join(safe_name(n) for n in self.chains[unit.id]),
                f"Create OU {self.ou_path(unit.id)}",
                f"Create the organizational unit {unit.name} under {parent} "
                "(organizations create-organizational-unit).",
                aws(
                    "organizations",
                    "list-organizational-units-for-parent",
                    "--parent-id",
                    self.ou_ref(unit.parent),
                ),
            )
            step.expect = f"an OU named {unit.name}"
            step.subjects = [unit.id]
            step.targets = {"ou_path": self.ou_path(unit.id)}
            self.add(step, self.node_step[unit.parent or self.design.organization.id])
            self.node_step[unit.id] = step.id

    def member_accounts(self) -> None:
        for account in self.design.accounts:
            if account is self.mgmt:
                continue
            where = self.ou_path(account.parent)
            if account.aws_account_id:
                how = "Invite the existing account (or confirm it is a member)"
            else:
                email = f" with root e-mail {account.email}" if account.email else ""
                how = f"Create the account{email} (organizations create-account)"
            if account.aws_account_id:
                how += " (it accepts the handshake from inside: organizations accept-handshake)"
            step = self.in_management(
                f"account:{safe_name(account.name)}",
                f"Add account {account.name} to {where}",
                f"From the management account, {how[0].lower()}{how[1:]} and move it into "
                f"{where} (organizations move-account); consolidated billing follows from "
                "membership.",
                aws("organizations", "list-parents", "--child-id", self.account_ref(account)),
            )
            step.expect = f"the parent is {where}"
            step.subjects = [account.id]
            step.targets = {
                "account": account.name,
                "email": account.email or None,
                "destination": where,
                "aws_account_id": account.aws_account_id,
            }
            self.add(step, self.node_step[account.parent or self.design.organization.id])
            self.node_step[account.id] = step.id

    def root_user_mfa(self) -> None:
        if not self.design.accounts:
            return
        missing = [a.name for a in self.design.accounts if not a.root_mfa]
        recorded = (
            f" The design records no root MFA for: {_names(missing)}."
            if missing
            else " The design records root MFA on every account: confirm it."
        )
        with_mfa_delete = {b.account for b in self.design.log_buckets if b.mfa_delete}
        owners = [a.id for a in self.design.accounts if a.id in with_mfa_delete]
        keep = (
            f" Keep the root credentials of {_names(self.label(a) for a in owners)} until MFA "
            "Delete is on: only that root user, signed in with its MFA device (and access keys "
            "for the CLI call, deleted afterwards), can turn it on."
            if owners
            else ""
        )
        step = Step(
            "root-mfa",
            "Turn on MFA for the root user of every account",
            "every account",
            None,
            f"Sign in as the root user of each of the {len(self.design.accounts)} accounts and "
            "register an MFA device (a hardware key for the management account), or remove "
            f"member accounts' root credentials with centralized root access.{keep}{recorded}",
            aws("iam", "get-account-summary"),
            expect="AccountMFAEnabled is 1 (run it in each account)",
            subjects=[a.id for a in self.design.accounts],
            manual=True,
            reason="Only the root user itself can register its MFA device; no role, API call "
            "or template can do it for the account.",
            needs_root_user=True,
        )
        self.add(step, *(self.node_step[a.id] for a in self.design.accounts))
        self.root_mfa = step.id

    # -- trusted access and delegated administrators --------------------------------------
    def needed_services(self) -> dict[str, str]:
        """Service principals the plan relies on, with what needs them."""
        needed: dict[str, str] = {}
        mgmt = self.mgmt.id if self.mgmt else None
        blocked = {b.relationship for b in self.blocked}
        trusts = [r for r in self.relationships("trust") if r.id not in blocked]
        if any(r.target != mgmt for r in trusts):
            needed[STACKSETS] = "CloudFormation StackSets (service-managed permissions)"
        for rel in self.relationships("log-delivery"):
            if self.scopes.organization_wide(rel) and LogType.CLOUDTRAIL in rel.log_types:
                needed.setdefault("cloudtrail.amazonaws.com", "the organization trail")
            if rel.id in self.stack_sets:
                needed.setdefault(STACKSETS, "CloudFormation StackSets (log sources everywhere)")
        for rel in self.relationships("resource-share"):
            if not self.scopes.is_scope(rel.target):
                continue  # an account, or outside the organization: no trusted access
            if rel.resource_type == ResourceType.RAM_SHARE:
                needed.setdefault("ram.amazonaws.com", "AWS RAM sharing within the organization")
            if rel.resource_type == ResourceType.SERVICE_CATALOG_PORTFOLIO:
                needed.setdefault("servicecatalog.amazonaws.com", "Service Catalog OU shares")
        return needed

    def trusted_access(self) -> None:
        org_step = self.node_step[self.design.organization.id]
        self.enable_identity_center(org_step)
        for rel in self.relationships("delegated-admin"):
            self.delegated_admin(rel, org_step)
        for principal, why in self.needed_services().items():
            if principal in self.service_step:
                continue
            step = self.in_management(
                f"trusted-access:{safe_name(principal)}",
                f"Enable trusted access for {principal}",
                f"Enable trusted access for {principal} in the organization, needed by {why} "
                "(organizations enable-aws-service-access, or the service's own console or "
                "API, which does it for you).",
                aws("organizations", "list-aws-service-access-for-organization"),
            )
            step.expect = f"{principal} is listed"
            step.targets = {"service_principals": [principal], "delegated_account": None}
            self.add(step, org_step)
            self.service_step[principal] = step.id

    def enable_identity_center(self, org_step: str) -> None:
        """The organization instance of IAM Identity Center is enabled in the management account,
        which also enables its trusted access; only then can a member account be registered as
        its delegated administrator (a management-account call too)."""
        if not any(i.kind == IdentityProviderKind.IDENTITY_CENTER for i in self.idps.values()):
            return
        where = self.mgmt.name if self.mgmt else "the management account"
        step = self.in_management(
            "identity-center",
            "Enable IAM Identity Center (organization instance)",
            f"Signed in to {where}, enable the organization instance of IAM Identity Center in "
            f"the home Region {self.region} (the console's Enable, which also enables its "
            "trusted access in the organization). Its delegated administrator, if any, is "
            "registered after this, also from the management account.",
            aws("sso-admin", "list-instances"),
        )
        step.expect = "one instance whose OwnerAccountId is the management account"
        step.targets = {"service_principals": [IDENTITY_CENTER], "delegated_account": None}
        step.subjects = [
            i.id for i in self.idps.values() if i.kind == IdentityProviderKind.IDENTITY_CENTER
        ]
        self.add(step, org_step)
        self.identity_center = step.id
        self.service_step[IDENTITY_CENTER] = step.id

    def delegated_admin(self, rel: DelegatedAdminRelationship, org_step: str) -> None:
        target = self.accounts[rel.target]
        services = ", ".join(rel.service_principals)
        # Enabling IAM Identity Center (its own step, first) enables its trusted access.
        enabled_by_sso = self.identity_center is not None
        enable = [
            p for p in rel.service_principals if not (enabled_by_sso and p == IDENTITY_CENTER)
        ]
        trusted = (
            f"Enable trusted access for {', '.join(enable)} (organizations "
            "enable-aws-service-access) and register "
            if enable
            else "Register "
        )
        step = self.in_management(
            f"delegated-admin:{safe_name(target.name)}",
            f"Delegate administration of {services} to {target.name}",
            f"{trusted}{self.label(target.id)} as "
            f"{'their' if len(rel.service_principals) > 1 else 'its'} delegated administrator "
            "(organizations register-delegated-administrator, or the service's own "
            "enable-organization-admin-account call, which does both)"
            + (
                "; enabling IAM Identity Center has enabled its trusted access already"
                if len(enable) < len(rel.service_principals)
                else ""
            )
            + (
                f"; it administers {self.scopes.scope_words(rel.administers)} only (the "
                "service's own scope setting, such as a Firewall Manager administrator scope "
                "or a Security Hub configuration policy)."
                if rel.administers
                else "."
            ),
            aws(
                "organizations",
                "list-delegated-services-for-account",
                "--account-id",
                self.account_ref(target),
            ),
        )
        step.expect = f"the services {services}"
        step.subjects = [rel.id]
        step.targets = {
            "service_principals": list(rel.service_principals),
            "delegated_account": {"name": target.name, "aws_account_id": self.account_ref(target)},
        }
        self.add(step, org_step, self.node_step[target.id])
        if IDENTITY_CENTER in rel.service_principals:
            self.need(step.id, self.identity_center)
            self.service_step[IDENTITY_CENTER] = step.id  # set up from its administrator
        for principal in rel.service_principals:
            self.service_step.setdefault(principal, step.id)

    # -- log storage ------------------------------------------------------------------------
    def log_bucket(self, bucket: LogBucket) -> None:
        owner = self.accounts[bucket.account]
        key_step = self.kms_key(bucket) if bucket.kms_key else None
        features = ["versioning" if bucket.versioning else "no versioning", "Block Public Access"]
        if bucket.object_lock:
            lock = bucket.object_lock
            features.append(
                f"Object Lock {lock.mode.value} for {lock.retention_days} days (only possible "
                "when the bucket is created)"
            )
        features.append(
            f"SSE-KMS with {bucket.kms_key}"
            if bucket.kms_key
            else "SSE-KMS with a new key (alias/log-archive of the log-archive stack, its policy "
            f"in {key_policy_path(bucket.name)})"
        )
        if bucket.access_logging:
            features.append("server access logging")
        writes = (
            ", writes limited to the organization" if bucket.organization_restricted_writes else ""
        )
        policy = bucket_policy_path(bucket.name)
        verify, expect = (
            ("get-object-lock-configuration", "ObjectLockEnabled is Enabled")
            if bucket.object_lock
            else ("get-bucket-versioning", "Status is Enabled")
            if bucket.versioning
            else ("get-public-access-block", "all four settings are true")
        )
        step = self.in_account(
            owner.id,
            f"bucket:{safe_name(bucket.name)}",
            f"Create log bucket {bucket.name} in {owner.name}",
            f"Create the S3 bucket {bucket.name} with {', '.join(features)}, and apply its bucket "
            f"policy ({policy}: TLS-only{writes}).",
            aws("s3api", verify, "--bucket", bucket.name),
        )
        step.expect = expect
        step.artifacts = [policy, log_stack_path(self.stem(owner.name))]
        if not bucket.mfa_delete:  # S3 refuses a lifecycle on a bucket with MFA Delete
            step.artifacts.insert(1, lifecycle_path(bucket.name))
        if not bucket.kms_key:  # the log-archive stack creates its key, with this policy
            step.artifacts.insert(1, key_policy_path(bucket.name))
        step.subjects = [bucket.id]
        self.add(step, self.node_step[owner.id], key_step)
        self.bucket_step[bucket.id] = step.id
        if bucket.mfa_delete:
            self.mfa_delete(bucket, step.id)
        if bucket.glacier_vault_lock:
            self.vault_lock(bucket, step.id)

    def kms_key(self, bucket: LogBucket) -> str:
        """The key's step; buckets of one account that share a key share its step."""
        owner = self.accounts[bucket.account]
        key = bucket.kms_key or ""
        step = self.key_step.get((owner.id, key))
        if step is None:
            step = self.in_account(
                owner.id,
                f"key:{safe_name(owner.name)}/{safe_name(key, 'key')}",
                f"Create KMS key {key} in {owner.name}",
                f"Create the customer-managed KMS key {key} with rotation on, and apply its key "
                "policy (the log services may encrypt, the organization's readers decrypt). "
                f"Sign in to {owner.name} as {' or '.join(KEY_ADMIN_ROLES)} (or its root "
                "user): the key policy lets only those administer the key, so KMS refuses it "
                "(its lockout safety check) when anyone else creates it.",
                aws("kms", "describe-key", "--key-id", key),
            )
            step.expect = "KeyState is Enabled"
            self.add(step, self.node_step[owner.id])
            self.key_step[(owner.id, key)] = step
        stack = log_stack_path(self.stem(owner.name))
        step.artifacts = [a for a in step.artifacts if a != stack]
        _add_unique(step.artifacts, key_policy_path(bucket.name), stack)
        _add_unique(step.subjects, bucket.id)
        return step.id

    def mfa_delete(self, bucket: LogBucket, bucket_step: str) -> None:
        owner = self.accounts[bucket.account]
        serial = f"arn:{self.partition}:iam::{self.account_ref(owner)}:mfa/root-account-mfa-device"
        step = self.in_account(
            owner.id,
            f"mfa-delete:{safe_name(bucket.name)}",
            f"Turn on MFA Delete for {bucket.name}",
            f"Signed in with the root user credentials of {self.label(owner.id)}, run: aws s3api "
            f"put-bucket-versioning --bucket {bucket.name} --versioning-configuration "
            f'Status=Enabled,MFADelete=Enabled --mfa "{serial} <code>".',
            aws("s3api", "get-bucket-versioning", "--bucket", bucket.name),
        )
        step.expect = "MFADelete is Enabled"
        step.manual = True
        step.needs_root_user = True
        step.reason = (
            "Only the bucket owner's root user, with its MFA device, can turn on MFA Delete, and "
            "only through the API or CLI: CloudFormation has no property for it."
        )
        step.subjects = [bucket.id]
        self.add(step, bucket_step, self.root_mfa)

    def vault_lock(self, bucket: LogBucket, bucket_step: str) -> None:
        owner = self.accounts[bucket.account]
        vault = self._placeholder(
            f"${{VaultName:{bucket.name}}}", f"the Glacier vault archiving {bucket.name}"
        )
        step = self.in_account(
            owner.id,
            f"vault-lock:{safe_name(bucket.name)}",
            f"Lock the Glacier vault archiving {bucket.name}",
            "Start the vault lock (glacier initiate-vault-lock with the lock policy), test the "
            "policy, then complete it (glacier complete-vault-lock with the lock id) within 24 "
            "hours. Completing it cannot be undone.",
            aws("glacier", "get-vault-lock", "--account-id", "-", "--vault-name", vault),
        )
        step.expect = "State is Locked"
        step.manual = True
        step.reason = (
            "The lock id expires 24 hours after initiate-vault-lock; someone must test the "
            "policy and decide to complete the irreversible lock in that window."
        )
        step.subjects = [bucket.id]
        self.add(step, bucket_step)

    # -- log delivery -------------------------------------------------------------------------
    def log_deliveries(self) -> None:
        """One step per relationship and log type: an organization-wide one covers everyone."""
        for rel in self.relationships("log-delivery"):
            for log_type in rel.log_types:
                self.log_delivery(rel, log_type)
        self.management_config()

    def management_config_delivery(self) -> LogDeliveryRelationship | None:
        """The scoped AWS Config delivery whose StackSet would cover the management account but
        cannot reach it (cloudformation.config_stacks gives it config-<management>.json), unless
        a delivery drawn from the management account sets up its Config already."""
        if self.mgmt is None:
            return None
        by_bucket: dict[str, list[LogDeliveryRelationship]] = {}
        for rel in self.relationships("log-delivery"):
            if rel.bucket in self.buckets:
                by_bucket.setdefault(rel.bucket, []).append(rel)
        rels = [r for group in by_bucket.values() for r in group]
        if any(r.source == self.mgmt.id and LogType.CONFIG in r.log_types for r in rels):
            return None
        return next(
            (
                r
                for r in rels
                if LogType.CONFIG in r.log_types
                and r.id in self.stack_sets
                and self.scopes.management_in_scope(r)
            ),
            None,
        )

    def management_config(self) -> None:
        """AWS Config of the management account, which the organization's Config StackSet never
        reaches: its own stack there, after the bucket it delivers to."""
        rel = self.management_config_delivery()
        if rel is None or self.mgmt is None:
            return
        bucket = self.buckets[rel.bucket or ""]
        path = config_stack_path(self.stem(self.mgmt.name))
        step = self.in_management(
            f"logs:config:{safe_name(self.mgmt.name)}",
            f"Turn on AWS Config in the management account {self.mgmt.name}",
            f"StackSets never deploy to the management account, though it lies in "
            f"{self.scopes.short(rel.source)}: in {self.mgmt.name}, deploy {path} as a stack in "
            f"the home Region {self.region} (aws cloudformation deploy "
            "--capabilities CAPABILITY_IAM; CreateConfigServiceLinkedRole=false where "
            "AWSServiceRoleForConfig exists already): the AWS Config recorder and a delivery "
            f"channel to bucket {bucket.name}, like every other account.",
            aws("configservice", "describe-configuration-recorder-status"),
        )
        step.expect = "one recorder with recording true and lastStatus SUCCESS"
        step.artifacts = [path]
        step.subjects = [rel.id]
        self.add(step, self.node_step[self.mgmt.id], self.bucket_step.get(bucket.id))
        self.need(step.id, self.service_step.get("config.amazonaws.com"))

    def stem(self, label: str) -> str:
        """An account's name as its files are named (scope labels stay as they are)."""
        return account_stem(self.parts, label)

    def scope_key(self, node_id: str) -> str:
        """A step id part for an account, an OU or the organization."""
        if node_id == self.design.organization.id:
            return "organization"
        if node_id in self.units:
            return "ou-" + "/".join(safe_name(n) for n in self.chains[node_id])
        return safe_name(self.node_name(node_id))

    def log_delivery(self, rel: LogDeliveryRelationship, log_type: LogType) -> Step:
        bucket = self.buckets.get(rel.bucket or "")
        to = f"bucket {bucket.name}" if bucket else f"a bucket of {self.accounts[rel.target].name}"
        title, action, verify, expect = self._delivery_text(rel, log_type, to, bucket)
        step_id = f"logs:{log_type.value}:{self.scope_key(rel.source)}"
        org_trail = log_type == LogType.CLOUDTRAIL and self.scopes.organization_wide(rel)
        by_stack_set = rel.id in self.stack_sets and log_type in (
            LogType.CLOUDTRAIL,
            LogType.CONFIG,
        )
        by_stack_set = by_stack_set and not org_trail
        if org_trail or by_stack_set:  # from the management account
            step = self.in_management(step_id, title, action, verify)
        elif rel.source in self.accounts:
            step = self.in_account(rel.source, step_id, title, action, verify)
        else:  # every account of a scope, set up in each one
            step = Step(step_id, title, "every account of the scope", None, action, verify)
        step.expect = expect
        step.subjects = [rel.id]
        if org_trail and rel.id in self.trails:
            step.artifacts = [trail_stack_path(self.trails[rel.id])]
        source = self.accounts.get(rel.source)
        network = source is not None and AccountFunction.NETWORK in source.functions
        if log_type == LogType.VPC_FLOW_LOGS and bucket and source and network:
            step.artifacts = [
                flow_log_stack_path(self.stem(source.name))
            ]  # cloudformation.flow_log_stacks
        if log_type == LogType.CONFIG and bucket and source and not by_stack_set:
            step.artifacts = [
                config_stack_path(self.stem(source.name))
            ]  # cloudformation.config_stacks
        if by_stack_set:
            step.artifacts = [stackset_path(self.stack_sets[rel.id])]
            step.targets = self.scope_targets(rel)
            step.stack_set = True
        target = self.bucket_step.get(rel.bucket or "") or self.node_step[rel.target]
        self.add(step, self.node_step[rel.source], target)
        if org_trail:
            self.need(step.id, self.service_step.get("cloudtrail.amazonaws.com"))
        if by_stack_set:
            self.need(step.id, self.service_step.get(STACKSETS))
        if log_type == LogType.CONFIG:
            self.need(step.id, self.service_step.get("config.amazonaws.com"))
        return step

    def scope_targets(self, rel: Any) -> dict[str, Any]:
        """A StackSet's targets for a scoped relationship: its OU (or the root), auto-deployment,
        the accounts the DIFFERENCE filter leaves out, the accounts it reaches now."""
        scope = rel.target if self.scopes.scoped_end(rel) == "target" else rel.source
        skipped = self.scopes.stack_set_skipped(rel)
        unit = None if scope == self.design.organization.id else scope
        return {
            "organizational_units": [self.ou_path(unit)],
            "account_filter_type": "DIFFERENCE" if skipped else "NONE",
            "excluded_accounts": [
                {"name": self.accounts[a].name, "aws_account_id": self.accounts[a].aws_account_id}
                for a in skipped
            ],
            "auto_deployment": True,
            "accounts_now": len(self.scopes.stack_set_accounts(rel)),
        }

    def _delivery_text(
        self, rel: LogDeliveryRelationship, log_type: LogType, to: str, bucket: LogBucket | None
    ) -> tuple[str, str, str, str]:
        label = LOG_LABELS[log_type]
        scoped = self.scopes.is_scope(rel.source)
        source = self.node_name(rel.source)
        words = self.scopes.scope_words(rel.source, rel.excluded_accounts) if scoped else source
        org_trail = self.scopes.organization_wide(rel)
        config_there = log_type == LogType.CONFIG and self.management_config_delivery() is rel
        stack_set = (
            " with a service-managed StackSet (auto-deployment: accounts that join later get it "
            "too"
            + (
                "; StackSets never reach the management account: a step of its own deploys its "
                "AWS Config there)"
                if config_there
                else "; StackSets never reach the management account: deploy the same template "
                "there as a stack)"
                if self.scopes.management_in_scope(rel)
                else ")"
            )
        )
        if log_type == LogType.CLOUDTRAIL:
            if org_trail:
                name = self.trails.get(rel.id, ORGANIZATION_TRAIL_NAME)
                where = self.mgmt.name if self.mgmt else "the management account"
                return (
                    f"Create the organization trail {name}",
                    f"In {where}, create the organization trail {name} "
                    f"({self._trail_options(rel)}) for every account of the organization, "
                    f"delivering to {to}, and start logging.",
                    aws("cloudtrail", "get-trail-status", "--name", name),
                    "IsLogging is true",
                )
            if scoped:
                return (
                    f"Deploy the trail {ACCOUNT_TRAIL_NAME} to {self.scopes.short(rel.source)}",
                    f"Deploy a trail {ACCOUNT_TRAIL_NAME} ({self._trail_options(rel)}), not an "
                    f"organization trail, to {words}{stack_set}, delivering to {to}.",
                    aws("cloudtrail", "get-trail-status", "--name", ACCOUNT_TRAIL_NAME),
                    "IsLogging is true (run it in each account)",
                )
            return (
                f"Create the trail {ACCOUNT_TRAIL_NAME}",
                f"In {source}, create the trail {ACCOUNT_TRAIL_NAME} ({self._trail_options(rel)}) "
                f"delivering to {to}, and start logging.",
                aws("cloudtrail", "get-trail-status", "--name", ACCOUNT_TRAIL_NAME),
                "IsLogging is true",
            )
        if log_type == LogType.CONFIG:
            how = stack_set if scoped else ""
            # The StackSet and the stack deploy to the home Region only (one recorder per
            # account and Region; global resource types recorded there).
            where = f"{words if scoped else source}, in the home Region {self.region}"
            return (
                f"Turn on AWS Config in {self.scopes.short(rel.source) if scoped else source}",
                f"Turn on the AWS Config recorder and a delivery channel to {to} in {where}{how}.",
                aws("configservice", "describe-delivery-channels"),
                f"a delivery channel to {bucket.name if bucket else 'the log bucket'}",
            )
        if log_type not in VERIFY_LOGS:  # delivered straight to the bucket: its policy shows it
            verify = (
                aws("s3api", "get-bucket-policy", "--bucket", bucket.name)
                if bucket
                else aws("s3api", "list-buckets")
            )
        else:
            verify = aws(*VERIFY_LOGS[log_type])
        everywhere = f" of {words}"
        return (
            f"Deliver {label} of {self.scopes.short(rel.source) if scoped else source} to {to}",
            f"Configure {label}{everywhere} to deliver to {to}"
            + (" (in each account, per resource)." if scoped else "."),
            verify,
            "the delivery to the log bucket",
        )

    @staticmethod
    def _trail_options(rel: LogDeliveryRelationship) -> str:
        return ", ".join(
            [
                "multi-Region" if rel.multi_region else "single-Region",
                "log-file validation on" if rel.log_file_validation else "no log-file validation",
            ]
        )

    # -- identity providers and the roles mapped to them -----------------------------------
    def federation(self) -> None:
        rels: list[FederationRelationship] = self.relationships("federation")
        for rel in rels:
            self.provider(self.idps[rel.source], rel.target, rel.id)
        for trust in self.relationships("trust"):
            if trust.source in self.idps:
                self.provider(self.idps[trust.source], trust.target, None)
        mapped: dict[tuple[str, str], Step] = {}
        for rel in rels:
            for role in rel.mapped_roles:
                step = mapped.get((rel.target, role)) or self.federated_role(rel, role)
                mapped[(rel.target, role)] = step
                _add_unique(step.subjects, rel.id)
                self.need(step.id, self.provider_step[self._provider_key(rel.source, rel.target)])

    def _provider_key(self, idp_id: str, account_id: str) -> tuple[str, str]:
        idp = self.idps[idp_id]
        if idp.kind in (IdentityProviderKind.SAML, IdentityProviderKind.OIDC):
            return (idp_id, account_id)  # an IAM object in each account whose roles trust it
        return (idp_id, idp.home_account or account_id)  # one directory / instance

    def provider(self, idp: IdentityProvider, account_id: str, rel_id: str | None) -> None:
        key = self._provider_key(idp.id, account_id)
        if key in self.provider_step:
            if rel_id:
                _add_unique(self.steps[self.provider_step[key]].subjects, rel_id)
            return
        where = key[1]
        scoped = where not in self.accounts  # a role deployed to every account of a scope
        account = self.scopes.scope_words(where) if scoped else self.accounts[where].name
        saml = safe_name(idp.name, "saml-provider")  # as the policies export names it
        number = (
            self._placeholder("${AccountId}", "the id of each account of the scope")
            if scoped
            else self.account_ref(self.accounts[where])
        )
        saml_arn = f"arn:{self.partition}:iam::{number}:saml-provider/{saml}"
        title, action, verify = {
            IdentityProviderKind.SAML: (
                f"Create SAML provider {idp.name} in {account}",
                f"Create the IAM SAML identity provider named {saml} (the name the role trust "
                "policies use) from the IdP's metadata document (iam create-saml-provider).",
                aws("iam", "get-saml-provider", "--saml-provider-arn", saml_arn),
            ),
            IdentityProviderKind.OIDC: (
                f"Create OIDC provider {idp.name} in {account}",
                "Create the IAM OIDC identity provider for the issuer, with its audience "
                "(iam create-open-id-connect-provider).",
                aws("iam", "list-open-id-connect-providers"),
            ),
            IdentityProviderKind.DIRECTORY_SERVICE: (
                f"Set up {_kind_named('directory', idp.name)} in {account}",
                f"Create or connect the {(idp.directory_type or '').replace('-', ' ')} directory "
                "and share it with the accounts that use it (ds create-microsoft-ad / "
                "connect-directory, ds share-directory).",
                aws("ds", "describe-directories"),
            ),
            IdentityProviderKind.IDENTITY_CENTER: (
                f"Set up {_kind_named('IAM Identity Center', idp.name)} in {account}",
                "Once the organization instance is enabled (from the management account) and, "
                f"when {account} is not the management account, {account} is its delegated "
                "administrator: connect the identity source and create the permission sets.",
                aws("sso-admin", "list-instances"),
            ),
        }[idp.kind]
        url = f" Metadata / issuer: {idp.metadata_url}." if idp.metadata_url else ""
        step_id = f"provider:{safe_name(idp.name)}:{self.scope_key(where)}"
        if scoped:
            step = Step(step_id, title, account, None, action + url, verify)
        else:
            step = self.in_account(where, step_id, title, action + url, verify)
        step.expect = f"the provider {idp.name}"
        if idp.kind == IdentityProviderKind.IDENTITY_CENTER and any(
            stem == "identity-center" for stem, _ in planned_identity_stacks(self.design)
        ):  # the permission sets and assignments (cloudformation.identity_center_template)
            step.artifacts = [artifact_path((CFN,), "identity-center", ".json")]
        step.subjects = [idp.id, *([rel_id] if rel_id else [])]
        self.add(step, self.node_step[where], self.node_step[account_id])
        if idp.kind == IdentityProviderKind.IDENTITY_CENTER:
            self.need(step.id, self.identity_center, self.service_step.get(IDENTITY_CENTER))
        self.provider_step[key] = step.id

    def federated_role(self, rel: FederationRelationship, role: str) -> Step:
        account = self.accounts[rel.target]
        idp = self.idps[rel.source]
        step = self.in_account(
            account.id,
            f"role:{safe_name(account.name)}/{safe_name(role)}",
            f"Create federated role {role} in {account.name}",
            "",
            aws("iam", "get-role", "--role-name", role),
        )
        if idp.kind == IdentityProviderKind.IDENTITY_CENTER:
            step.action = (
                f"Provision the permission set behind {role} to {account.name}; IAM Identity "
                f"Center creates and manages the role itself (no trust policy file)."
            )
            step.verify = aws(
                "iam", "list-roles", "--path-prefix", "/aws-reserved/sso.amazonaws.com/"
            )
            step.expect = f"a role AWSReservedSSO_{role}_..."
        elif idp.kind == IdentityProviderKind.DIRECTORY_SERVICE:
            path = role_path(self.stem(account.name), role)
            step.action = (
                f"Create the role {role} that {idp.name} users are mapped to, trusting "
                f"ds.amazonaws.com ({path}); then, by hand (no API, CLI or CloudFormation "
                "resource does it), in the AWS Directory Service console open the directory, "
                "Application management, AWS Management Console: Actions, Enable; under "
                f"Delegate console access choose {role}, Add, and pick its users or groups."
            )
            step.expect = f"the role {role} and its trust policy"
            step.artifacts = [path]
        else:
            path = role_path(self.stem(account.name), role)
            step.action = (
                f"Create the role {role} with the {rel.protocol.value} federation trust policy "
                f"({path}) so that users of {idp.name} can use it."
            )
            step.expect = f"the role {role} and its trust policy"
            step.artifacts = [path]
        if step.artifacts and not any(
            t.target == account.id and t.role_name == role for t in self.relationships("trust")
        ):  # cloudformation.federation_template: the roles no trust creates
            stem = f"federated-roles-{account.name}"
            step.artifacts.append(artifact_path((CFN,), stem, ".json"))
        self.add(step, self.node_step[account.id])
        _add_unique(self.creators[(account.id, role)], step.id)
        return step

    # -- cross-account roles -------------------------------------------------------------------
    def trust_roles(self) -> None:
        placed: list[tuple[TrustRelationship, Step]] = []
        members: dict[str, list[str]] = defaultdict(list)  # StackSet step -> target accounts
        blocked = {b.relationship for b in self.blocked}
        for trust in self.relationships("trust"):
            if trust.id in blocked:
                continue  # listed under "Blocked": no role is written
            if self.scopes.is_scope(trust.target):
                step = self.scoped_role_step(trust)
            else:
                step = self.role_step(trust)
                account = self.accounts[trust.target]
                if not self._service_managed(trust.source):
                    _add_unique(step.artifacts, role_path(self.stem(account.name), trust.role_name))
                if step.id.startswith("stackset:"):
                    _add_unique(members[step.id], account.id)
            _add_unique(step.subjects, trust.id)
            for account_id in self.role_accounts(trust):
                _add_unique(self.creators[(account_id, trust.role_name)], step.id)
            placed.append((trust, step))
        for trust, step in placed:
            self.trust_needs(trust, step)
            self.org_path_placeholders(trust, step)
        for step_id, accounts in members.items():
            self.stackset_targets(self.steps[step_id], accounts)
        self.stackset_templates([t for t, s in placed if s.id in members])

    def org_path_placeholders(self, trust: TrustRelationship, step: Step) -> None:
        """A trusted OU is named by its path of ids in the trust policy (aws:PrincipalOrgPaths):
        the placeholders the policy files carry for them, listed with the plan's."""
        if trust.source not in self.units:
            return
        names = [self.ou_ref(None), *(self.ou_ref(u) for u in self.scopes.chain(trust.source))]
        sentence = (
            f" The trust policy of {trust.role_name} admits principals of "
            f"{self.scopes.short(trust.source)} by their organization path (fill in "
            f"{', '.join(names)})."
        )
        if sentence not in step.action:
            step.action += sentence

    def role_accounts(self, trust: TrustRelationship) -> tuple[str, ...]:
        """The accounts a trust creates its role in."""
        if self.scopes.is_scope(trust.target):
            return self.scopes.stack_set_accounts(trust)
        return (trust.target,)

    def _service_managed(self, source: str) -> bool:
        """Identity Center manages its roles: the policies export skips them."""
        return source in self.idps and self.idps[source].kind in SERVICE_MANAGED

    def scoped_role_step(self, trust: TrustRelationship) -> Step:
        """One StackSet for a role deployed to every account of an OU (or the organization):
        the OU (or root) as its target, auto-deployment on, excluded accounts filtered out."""
        role = trust.role_name
        scope = trust.target
        words = self.scopes.scope_words(scope, trust.excluded_accounts)
        label = self.scopes.label(scope)
        skipped = self.scopes.stack_set_skipped(trust)
        leaves = (
            f" The account filter (DIFFERENCE) leaves out {self.scopes.account_words(skipped)}."
            if skipped
            else ""
        )
        said = self.scopes.management_words(trust)
        management = (
            f" {said[0].upper()}{said[1:]}." if self.scopes.management_in_scope(trust) else ""
        )
        step = self.in_management(
            f"stackset:{safe_name(role)}:{self.scope_key(scope)}",
            f"Deploy role {role} to {self.scopes.short(scope)} with one StackSet",
            f"Create one service-managed StackSet that deploys the role {role} with its trust "
            f"policy and permissions to {words}, targeting {self.ou_path(self.unit_of(scope))} "
            f"with auto-deployment on (accounts that join later get the role too).{leaves}"
            f"{management}",
            aws("iam", "get-role", "--role-name", role),
        )
        step.expect = f"the role {role} in each account of {self.scopes.short(scope)}"
        step.targets = self.scope_targets(trust)
        artifacts = (
            [role_path(self.stem(label), role)] if not self._service_managed(trust.source) else []
        )
        if trust.id in self.stack_sets:
            artifacts = [stackset_path(self.stack_sets[trust.id]), *artifacts]
        step.artifacts = artifacts
        step.stack_set = True
        self.add(step, self.service_step.get(STACKSETS))
        return step

    def unit_of(self, scope: str) -> str | None:
        return None if scope == self.design.organization.id else scope

    def role_step(self, trust: TrustRelationship) -> Step:
        role = trust.role_name
        in_management = self.mgmt is not None and trust.target == self.mgmt.id
        key = ("management" if in_management else "stackset", role)
        if key in self.role_steps:
            return self.role_steps[key]
        if in_management:
            step = self.in_management(
                f"management-role:{safe_name(role)}",
                f"Create role {role} in the management account",
                f"Deploy the role {role} with its trust policy and permissions as a stack in "
                f"the management account ({CFN_MANAGEMENT_ROLES}): StackSets never deploy there.",
                aws("iam", "get-role", "--role-name", role),
            )
            step.expect = f"the role {role} and its trust policy"
            step.artifacts = [CFN_MANAGEMENT_ROLES]
            self.add(step, self.node_step[self.mgmt.id] if self.mgmt else None)
        else:
            step = self.in_management(
                f"stackset:{safe_name(role)}",
                f"Deploy role {role} to member accounts with a StackSet",
                f"Create service-managed StackSets that deploy the role {role} with its trust "
                "policy and permissions",
                aws("iam", "get-role", "--role-name", role),
            )
            step.expect = f"the role {role} in each target account"
            step.stack_set = True
            self.add(step, self.service_step.get(STACKSETS))
        self.role_steps[key] = step
        return step

    def stackset_templates(self, trusts: list[TrustRelationship]) -> None:
        """The CloudFormation export's template per group of like trusts, before the role files."""
        templates: dict[str, list[str]] = defaultdict(list)
        for trust in trusts:
            if trust.id in self.stack_sets:
                _add_unique(templates[trust.role_name], stackset_path(self.stack_sets[trust.id]))
        for role, paths in templates.items():
            step = self.role_steps[("stackset", role)]
            step.artifacts = [*paths, *step.artifacts]

    def node_name(self, node_id: str) -> str:
        for table in (self.accounts, self.parties, self.idps, self.units):
            if node_id in table:
                return str(table[node_id].name)
        return self.design.organization.name

    def trust_needs(self, trust: TrustRelationship, step: Step) -> None:
        self.need(step.id, self.node_step[trust.target])
        if trust.source in self.accounts or self.scopes.is_scope(trust.source):
            self.need(step.id, self.node_step[trust.source])
        if trust.source in self.idps:
            key = self._provider_key(trust.source, trust.target)
            self.need(step.id, self.provider_step[key])
        if trust.principal_scope != PrincipalScope.ROLE or trust.principal_role_name is None:
            return
        principal = trust.principal_role_name
        if trust.source in self.parties:
            party = self.parties[trust.source]
            note = f"role {principal} of {outside_words(party)}"
            _add_unique(step.must_exist, note)
            return
        if self.scopes.is_scope(trust.source):
            members = self.scopes.members(trust.source, trust.excluded_accounts)
            creators = [c for a in members for c in self.creators.get((a, principal), [])]
            if all(c.startswith(CREATE_ROLE) for c in creators):
                where = self.scopes.short(trust.source)
                note = f"role {principal} in the accounts of {where} (not created by this design)"
                _add_unique(step.must_exist, note)
                creators = [self.missing_role(trust.source, principal, trust.role_name, trust.id)]
            self.need(step.id, *dict.fromkeys(c for c in creators if c != step.id))
            return
        if trust.source not in self.accounts:
            return
        creators = self.creators.get((trust.source, principal), [])
        if all(c.startswith(CREATE_ROLE) for c in creators):
            note = f"role {principal} in {self.label(trust.source)} (not created by this design)"
            _add_unique(step.must_exist, note)
            creators = [self.missing_role(trust.source, principal, trust.role_name, trust.id)]
        elif creators == [step.id]:
            note = (
                f"role {principal} in {self.label(trust.source)}, deployed by this same "
                "StackSet: deploy to that account first"
            )
            _add_unique(step.must_exist, note)
        self.need(step.id, *creators)

    def missing_role(self, where: str, role: str, trusted_by: str | None, subject: str) -> str:
        """A blocking manual step creating a principal role nothing in the design creates (IAM
        refuses a trust policy naming a role ARN that does not exist); its id."""
        scoped = where not in self.accounts
        words = f"every account of {self.scopes.short(where)}" if scoped else self.label(where)
        step_id = f"{CREATE_ROLE}{self.scope_key(where)}/{safe_name(role)}"
        if step_id in self.steps:
            _add_unique(self.steps[step_id].subjects, subject)
            return step_id
        why = (
            f"the trust policy of {trusted_by} names it as its principal, and IAM refuses a "
            "trust policy naming a role that does not exist"
            if trusted_by
            else "its identity policy is attached to it"
        )
        action = (
            f"Create the role {role} in {words}, for the people or workloads who use it "
            f"(its own trust and permissions, outside this design): {why}. Nothing in this "
            "design creates it: draw it (a federation's mapped role, or a trust that creates "
            "it) to have the plan create it."
        )
        verify = aws("iam", "get-role", "--role-name", role)
        if scoped:
            step = Step(step_id, f"Create role {role} in {words}", words, None, action, verify)
        else:
            step = self.in_account(where, step_id, f"Create role {role} in {words}", action, verify)
        step.expect = f"the role {role}" + (" (run it in each account)" if scoped else "")
        step.manual = True
        step.reason = (
            f"The design does not say who assumes {role} or with which permissions, so no "
            "export can create it; the steps that name it wait for it."
        )
        step.targets = {"role": role, "in": words}
        step.subjects = [subject]
        self.add(step, self.node_step.get(where))
        for account in self.scopes.members(where, []) if scoped else [where]:
            _add_unique(self.creators[(account, role)], step.id)
        return step.id

    def stackset_targets(self, step: Step, accounts: list[str]) -> None:
        """The fewest OUs (the root counts as one) plus accounts that cover exactly `accounts`."""
        total = self.members_below()
        hit: dict[str | None, int] = defaultdict(int)
        for account_id in accounts:
            for unit in self._ancestors(account_id):
                hit[unit] += 1

        def covered(unit: str | None) -> bool:
            return total.get(unit, 0) > 0 and hit[unit] == total[unit]

        units: list[str | None] = [None] if covered(None) else []
        if not units:
            units = [
                u.id
                for u in self.design.organizational_units
                if u.id in hit and covered(u.id) and not covered(u.parent)
            ]
        chosen = set(units)
        singles = [a for a in accounts if chosen.isdisjoint(self._ancestors(a))]
        ou_names = [self.ou_path(u) for u in units]
        step.targets = {
            "organizational_units": ou_names,
            "accounts": [
                {"name": self.accounts[a].name, "aws_account_id": self.accounts[a].aws_account_id}
                for a in singles
            ],
        }
        parts = [f"{_plural(len(ou_names), 'OU')} {_names(ou_names)}"] if ou_names else []
        if singles:
            labels = _names(self.label(a) for a in singles)
            parts.append(f"{_plural(len(singles), 'account')} {labels}")
        count = f"{len(accounts)} {_plural(len(accounts), 'account')}"
        step.action += f", targeting the {' and the '.join(parts)} ({count})."
        self.need(step.id, *(self.node_step[u] for u in units if u is not None))

    def members_below(self) -> dict[str | None, int]:
        """OU id (None for the root) -> member accounts below it (StackSets skip management)."""
        if self._members_below is None:
            below: dict[str | None, int] = defaultdict(int)
            for account in self.design.accounts:
                if account is not self.mgmt:
                    for unit in self._ancestors(account.id):
                        below[unit] += 1
            self._members_below = dict(below)
        return self._members_below

    def _ancestors(self, account_id: str) -> list[str | None]:
        found: list[str | None] = [None]
        unit = self.accounts[account_id].parent
        while unit is not None:
            found.append(unit)
            unit = self.units[unit].parent
        return found

    # -- the trusted side --------------------------------------------------------------------
    def identity_policies(self) -> None:
        """Each trusted account lets its principals assume exactly the roles it is trusted into."""
        files: dict[str, list[str]] = defaultdict(list)
        principals: dict[str, list[str]] = defaultdict(list)  # "" for the account root
        subjects: dict[str, list[str]] = defaultdict(list)
        blocked = {b.relationship for b in self.blocked}
        for trust in self.relationships("trust"):
            scoped_source = self.scopes.is_scope(trust.source)
            if trust.id in blocked or not (trust.source in self.accounts or scoped_source):
                continue
            source = self.scopes.label(trust.source)
            path = identity_policy_path(self.stem(source), trust.principal_role_name or "")
            _add_unique(files[trust.source], path)
            _add_unique(principals[trust.source], trust.principal_role_name or "")
            subjects[trust.source].append(trust.id)
        for source_id, paths in files.items():
            if source_id in self.accounts:
                self.identity_policy(source_id, paths, principals[source_id], subjects[source_id])
            else:
                self.scope_identity_policy(source_id, paths, principals[source_id], subjects)

    def scope_identity_policy(
        self, scope: str, paths: list[str], principals: list[str], subjects: dict[str, list[str]]
    ) -> None:
        """Principals of every account of a scope need the assume-role policies too."""
        words = self.scopes.scope_words(scope)
        roles = [p for p in principals if p]
        who = f"the {_plural(len(roles), 'role')} {_names(roles)}" if roles else ""
        who = who or "the users or roles that should assume them"
        step = Step(
            f"assume:{self.scope_key(scope)}",
            f"Let {self.scopes.short(scope)} assume its roles in other accounts",
            f"every account of {self.scopes.short(scope)}",
            None,
            f"In {words}, create the identity policies ({len(paths)} "
            f"{_plural(len(paths), 'file')}), each allowing sts:AssumeRole on exactly one role, "
            f"and attach them to {who} (a service-managed StackSet to the same scope can deploy "
            "them as managed policies).",
            aws("iam", "list-policies", "--scope", "Local", "--only-attached"),
        )
        step.expect = "the assume-role policies, attached (run it in each account)"
        step.artifacts = paths
        step.targets = self.identity_targets(self.stem(self.scopes.label(scope)), principals, [])
        step.subjects = subjects[scope]
        self.add(step, self.node_step[scope])
        members = self.scopes.members(scope)
        for role in roles:
            creators = [c for a in members for c in self.creators.get((a, role), [])]
            if not creators:
                creators = [self.missing_role(scope, role, None, subjects[scope][0])]
            self.need(step.id, *creators)

    def identity_policy(
        self, source_id: str, paths: list[str], principals: list[str], subjects: list[str]
    ) -> None:
        source = self.accounts[source_id]
        roles = [p for p in principals if p]
        sets = [r for r in roles if (source_id, r) in self.sso_roles]
        plain = [r for r in roles if r not in sets]
        who = [f"the {_plural(len(plain), 'role')} {_names(plain)}"] if plain else []
        if "" in principals:
            who.append("the users or roles that should assume them")
        action = f"attach them to {' and '.join(who)}." if who else ""
        if sets:
            # Identity Center owns its roles: the policy goes into the permission set.
            action += (
                f"{' ' if who else ''}Merge them into the inline policy of permission "
                f"{_plural(len(sets), 'set')} {_names(sets)} (sso-admin "
                "put-inline-policy-to-permission-set, then provision it): Identity Center owns "
                "those roles."
            )
        step = self.in_account(
            source_id,
            f"assume:{safe_name(source.name)}",
            f"Let {source.name} assume its roles in other accounts",
            f"Create the identity policies ({len(paths)} {_plural(len(paths), 'file')}), each "
            f"allowing sts:AssumeRole on exactly one role. {action[0].upper()}{action[1:]}",
            self.identity_policy_verify(principals, plain, sets),
        )
        step.expect = "the assume-role policies, attached"
        if sets and sets == roles and "" not in principals:
            step.expect = "each AWSReservedSSO_ role has the AwsSSOInlinePolicy allowing them"
        step.artifacts = paths
        step.targets = self.identity_targets(self.stem(source.name), principals, sets)
        step.subjects = subjects
        self.add(step, self.node_step[source_id])
        for role in roles:
            creators = self.creators.get((source_id, role), [])
            if all(c.startswith(CREATE_ROLE) for c in creators):
                note = f"role {role} in {self.label(source_id)} (not created by this design)"
                _add_unique(step.must_exist, note)
                creators = [self.missing_role(source_id, role, None, subjects[0])]
            self.need(step.id, *creators)

    @staticmethod
    def identity_targets(source: str, principals: list[str], sets: list[str]) -> dict[str, Any]:
        """Which file goes to which principal: a role, a permission set, or (None) the users or
        roles the account chooses."""
        policies: list[dict[str, Any]] = []
        for principal in principals:
            entry: dict[str, Any] = {"file": identity_policy_path(source, principal)}
            if principal in sets:
                entry["permission_set"] = principal
            else:
                entry["attach_to_role"] = principal or None
            policies.append(entry)
        return {"policies": policies}

    # -- service control policies -----------------------------------------------------------
    @staticmethod
    def identity_policy_verify(principals: list[str], plain: list[str], sets: list[str]) -> str:
        if sets and not plain and "" not in principals:
            return aws("iam", "list-roles", "--path-prefix", "/aws-reserved/sso.amazonaws.com/")
        if principals == plain and len(plain) == 1:
            return aws("iam", "list-attached-role-policies", "--role-name", plain[0])
        return aws("iam", "list-policies", "--scope", "Local", "--only-attached")

    def service_control_policies(self) -> None:
        """The SCPs the policies export writes (the design's and generated guardrails): created
        without targets, tried on the Policy Staging OU, then attached target by target."""
        exported = build_policies(self.design)
        if not exported.scps:
            return
        enable = self.in_management(
            "scp-policy-type",
            "Enable service control policies",
            "Enable the SERVICE_CONTROL_POLICY policy type on the organization root "
            "(organizations enable-policy-type); keep FullAWSAccess attached everywhere.",
            aws("organizations", "list-roots"),
        )
        enable.expect = "SERVICE_CONTROL_POLICY is ENABLED in PolicyTypes"
        self.add(enable, self.node_step[self.design.organization.id])
        staging = next(
            (u for u in self.design.organizational_units if normalise(u.name) == "policystaging"),
            None,
        )
        targets: dict[str, list[str]] = defaultdict(list)
        for attachment in exported.attachments:
            for name in attachment.policies:
                _add_unique(targets[name], attachment.design_id)
        # Guardrails can deny the root user (DenyRootUser, a deny-all) and block role creation:
        # attach them only after the manual root steps and the StackSet deployments.
        before = [s.id for s in self.steps.values() if s.manual or s.stack_set]
        before += [s.id for s in self.steps.values() if s.id.startswith("stackset:")]
        trial_after = self.root_steps_in(staging.id) if staging is not None else []
        previous: str | None = None  # one trial at a time: the five-per-target quota
        for scp in exported.scps:
            subjects = self.scp_subjects(scp.name, scp.generated)
            create = self.scp(scp.name, scp.generated, subjects, enable.id)
            last = create
            wanted = targets.get(scp.name, [])
            # A deny-all SCP tried on the staging OU would only lock the test accounts out.
            if staging is not None and not quarantines(scp.document):
                keep = staging.id in wanted
                after = [create, *trial_after, *([previous] if previous else [])]
                last = self.scp_staging(scp.name, subjects, after, staging.id, keep)
                previous = last
            for target in wanted:
                if staging is not None and target == staging.id and last != create:
                    continue  # attached there by its trial, and kept
                self.scp_attach(scp.name, subjects, [last, *before], target)

    def root_steps_in(self, node_id: str) -> list[str]:
        """The manual root-user steps of the accounts below an OU (root MFA, MFA Delete)."""
        below = {
            a.id
            for a in self.design.accounts
            if node_id in self._ancestors(a.id) or a.id == node_id
        }
        found = [self.root_mfa] if self.root_mfa and below else []
        for bucket in self.design.log_buckets:
            step = f"mfa-delete:{safe_name(bucket.name)}"
            if bucket.mfa_delete and bucket.account in below and step in self.steps:
                found.append(step)
        return [s for s in found if s is not None]

    def scp_subjects(self, name: str, generated: bool) -> list[str]:
        """Design SCPs behind an exported one: its namesake, or the ones left for generation."""
        return [
            p.id
            for p in self.design.service_control_policies
            if not p.aws_managed
            and (p.document is None if generated else p.name == name and p.document is not None)
        ]

    def scp(self, name: str, generated: bool, subjects: list[str], enable: str) -> str:
        path = scp_path(name)
        kind = "generated guardrail SCP" if generated else "service control policy"
        how = (
            "organizations create-policy --type SERVICE_CONTROL_POLICY"
            if generated
            else f"organizations create-policy --type SERVICE_CONTROL_POLICY, or {CFN_SCPS} "
            "as a stack in the management account: it creates the SCPs without targets"
        )
        step = self.in_management(
            f"scp:{safe_name(name)}",
            f"Create SCP {name}",
            f"Create the {kind} {name} from {path} ({how}). Do not attach it yet: the next "
            "steps try it and attach it.",
            aws("organizations", "list-policies", "--filter", "SERVICE_CONTROL_POLICY"),
        )
        step.expect = f"a policy named {name}, attached nowhere yet"
        step.targets = {"policy": name}
        step.artifacts = [path] if generated else [path, CFN_SCPS]
        step.subjects = subjects
        self.add(step, enable)
        return step.id

    def scp_target(self, name: str, node_id: str, operation: str) -> dict[str, Any]:
        """What an attach or detach step does, for a program to run it."""
        if node_id == self.design.organization.id:
            target, shown = self.ou_ref(None), "Root"
        elif node_id in self.units:
            target, shown = self.ou_ref(node_id), self.ou_path(node_id)
        else:
            target, shown = self.account_ref(self.accounts[node_id]), self.accounts[node_id].name
        return {"policy": name, "target": target, "target_name": shown, "operation": operation}

    def _policy_verify(self, targets: dict[str, Any]) -> str:
        return aws(
            "organizations", "list-policies-for-target", "--target-id", targets["target"],
            "--filter", "SERVICE_CONTROL_POLICY",
        )  # fmt: skip

    def scp_staging(
        self, name: str, subjects: list[str], after: list[str], staging: str, keep: bool
    ) -> str:
        """Attach to the Policy Staging OU and check its test accounts; detach again (one step
        more) unless the design keeps the SCP there. Returns the last step's id."""
        path = self.ou_path(staging)
        targets = self.scp_target(name, staging, "attach")
        step_id = f"scp-attach:{safe_name(name)}:{self.scope_key(staging)}" if keep else ""
        step = self.in_management(
            step_id or f"scp-staging:{safe_name(name)}",
            f"Try SCP {name} on the Policy Staging OU",
            f"Attach {name} to {path} (organizations attach-policy); the next step checks the "
            "test accounts there"
            + (
                f" (the design keeps it attached there, {SCP_ATTACHMENTS})."
                if keep
                else ", the one after detaches it again."
            ),
            self._policy_verify(targets),
        )
        step.expect = f"{name} is listed"
        step.subjects = subjects
        step.targets = targets
        step.artifacts = [SCP_ATTACHMENTS] if keep else []
        tests = [self.node_step[a.id] for a in self.design.accounts if a.parent == staging]
        self.add(step, *after, self.node_step[staging], *tests)
        check = self.scp_check(name, subjects, staging, step.id)
        if keep:
            return check
        targets = self.scp_target(name, staging, "detach")
        detach = self.in_management(
            f"scp-staging-detach:{safe_name(name)}",
            f"Detach SCP {name} from the Policy Staging OU",
            f"Once tried, detach {name} from {path} (organizations detach-policy), so the next "
            "SCP tried there fits within the five-per-target quota.",
            self._policy_verify(targets),
        )
        detach.expect = f"{name} is not listed"
        detach.subjects = subjects
        detach.targets = targets
        self.add(detach, check)
        return detach.id

    def scp_check(self, name: str, subjects: list[str], staging: str, trial: str) -> str:
        """A person judges whether the test accounts still work under the SCP: a manual step."""
        path = self.ou_path(staging)
        tests = [a for a in self.design.accounts if a.parent == staging]
        who = f"the accounts of {path}" if tests else f"an account moved into {path} for the trial"
        policy_id = self._placeholder(
            f"${{PolicyId:{one_line(name)}}}", f"the id of SCP {one_line(name)} (list-policies)"
        )
        step = self.in_management(
            f"scp-check:{safe_name(name)}",
            f"Check the test accounts under SCP {name}",
            f"In {who}, with {name} attached to {path}, run the everyday tasks those accounts "
            "must still do (deployments, the pipelines' roles, the security tooling) and look "
            f"for AccessDenied errors caused by {name} (CloudTrail errorCode AccessDenied). Go "
            "on only when nothing needed is denied; otherwise fix the SCP and try it again.",
            aws("organizations", "describe-policy", "--policy-id", policy_id),
        )
        step.expect = f"the SCP {name} the test accounts were checked under"
        step.manual = True
        step.reason = (
            "Whether the test accounts can still do their work under the SCP is a person's "
            "judgement: no read-only command can tell it."
        )
        step.subjects = subjects
        step.targets = {"policy": name, "test_accounts": [a.name for a in tests]}
        self.add(step, trial)
        return step.id

    def node_label(self, node_id: str) -> str:
        if node_id == self.design.organization.id:
            return "the root"
        return f"OU {self.ou_path(node_id)}" if node_id in self.units else self.label(node_id)

    def scp_attach(self, name: str, subjects: list[str], after: list[str], target: str) -> None:
        targets = self.scp_target(name, target, "attach")
        step = self.in_management(
            f"scp-attach:{safe_name(name)}:{self.scope_key(target)}",
            f"Attach SCP {name} to {self.node_label(target)}",
            f"Attach {name} to {self.node_label(target)} (organizations attach-policy), as "
            f"listed in {SCP_ATTACHMENTS}.",
            self._policy_verify(targets),
        )
        step.expect = f"{name} is listed"
        step.artifacts = [SCP_ATTACHMENTS]
        step.subjects = subjects
        step.targets = targets
        self.add(step, *after, self.node_step[target])

    # -- publishing ---------------------------------------------------------------------------
    def share(self, rel: ResourceShareRelationship) -> None:
        if any(b.relationship == rel.id for b in self.blocked):
            return  # listed under "Blocked": nothing can be written for it
        source = self.accounts[rel.source]
        org = self.design.organization
        party = self.parties.get(rel.target)
        if rel.target == org.id:
            whom, target_ref = "the whole organization", "organization"
        elif rel.target in self.units:
            whom, target_ref = f"OU {self.ou_path(rel.target)}", "ou"
        elif party is not None:
            whom, target_ref = outside_words(party), "outside"
        else:
            whom, target_ref = self.label(rel.target), "account"
        what = SHARE_LABELS[rel.resource_type]
        if rel.ram_resource_type:
            what = f"{rel.ram_resource_type} {what}"
        named = f" ({', '.join(rel.resource_names)})" if rel.resource_names else ""
        verify, expect = self._share_verify(rel, target_ref)
        target_name = self.node_name(rel.target) if target_ref in ("account", "outside") else whom
        step = self.in_account(
            source.id,
            f"share:{safe_name(source.name)}:{rel.resource_type.value}:{safe_name(target_name)}",
            f"{source.name} shares {what} with {whom}",
            f"From {source.name}, share {what}{named} with {whom}.{self._share_how(rel, party)}",
            verify,
        )
        step.expect = expect
        step.subjects = [rel.id]
        step.targets = {
            "resource_type": rel.resource_type.value,
            "ram_resource_type": rel.ram_resource_type or None,
            "resources": list(rel.resource_names),
            "principal": self.share_principal(rel, target_ref, party),
        }
        if party is not None:
            step.warning = self._share_warning(rel, party, what)
        if rel.resource_type == ResourceType.SERVICE_CATALOG_PORTFOLIO and target_ref in (
            "account",
            "outside",
        ):
            step.artifacts = [shares_stack_path(self.stem(source.name))]  # OU shares are CLI only
        if rel.resource_type == ResourceType.RAM_SHARE and (
            party is None or party.kind != OutsideKind.ANYONE
        ):
            step.artifacts = [ram_stack_path(self.stem(source.name))]
        self.add(step, self.node_step[source.id], self.node_step.get(rel.target))
        if target_ref in ("organization", "ou"):
            service = {
                ResourceType.RAM_SHARE: "ram.amazonaws.com",
                ResourceType.SERVICE_CATALOG_PORTFOLIO: "servicecatalog.amazonaws.com",
            }.get(rel.resource_type)
            self.need(step.id, self.service_step.get(service or ""))

    def share_principal(
        self, rel: ResourceShareRelationship, kind: str, party: OutsidePrincipal | None
    ) -> dict[str, Any]:
        """Whom a share is with: {"kind", "name", "id"} (an id or its placeholder)."""
        if kind == "organization":
            org = self.design.organization
            found = org.organization_id or self._placeholder(
                "${OrganizationId}", "the organization's id (organizations describe-organization)"
            )
            return {"kind": "organization", "name": org.name, "id": found}
        if kind == "ou":
            return {"kind": "ou", "name": self.ou_path(rel.target), "id": self.ou_ref(rel.target)}
        if party is not None:
            if party.kind == OutsideKind.ANYONE:
                return {"kind": "anyone", "name": party.name, "id": None}
            if party.kind == OutsideKind.PARTNER_ORGANIZATION:
                return {
                    "kind": "partner-organization",
                    "name": party.name,
                    "id": party.organization_id,
                }
            if party.kind != OutsideKind.EXTERNAL_ACCOUNT:
                return {"kind": party.kind.value, "name": party.name, "id": None}
            account = party.aws_account_id or self._placeholder(
                f"${{AccountId:{one_line(party.name)}}}",
                f"the 12-digit id of external account {one_line(party.name)}",
            )
            return {"kind": "external-account", "name": party.name, "id": account}
        target = self.accounts[rel.target]
        return {"kind": "account", "name": target.name, "id": self.account_ref(target)}

    def _share_how(self, rel: ResourceShareRelationship, party: OutsidePrincipal | None) -> str:
        """How the share is made where that differs: outside the organization, or public."""
        parts: list[str] = []
        if self.scopes.is_scope(rel.target) and rel.excluded_accounts:
            skipped = self.scopes.excluded_in_scope(rel, rel.target)
            if skipped:
                parts.append(
                    f"A share with an OU or the organization cannot leave out "
                    f"{self.scopes.account_words(skipped)}: share with accounts one by one to "
                    "skip them."
                )
        if party is None:
            return "".join(f" {p}" for p in parts)
        public = party.kind == OutsideKind.ANYONE
        if rel.resource_type == ResourceType.RAM_SHARE:
            parts.append(
                "Create the AWS RAM resource share with --allow-external-principals (true: the "
                "share leaves the organization); the recipient accepts the invitation."
            )
        elif rel.resource_type == ResourceType.AMI:
            grant = "Group=all" if public else self._outside_grant(party, "UserId")
            parts.append(
                "aws ec2 modify-image-attribute --image-id <the AMI> --launch-permission "
                f'"Add=[{{{grant}}}]".'
            )
        elif rel.resource_type == ResourceType.EBS_SNAPSHOT:
            grant = "Group=all" if public else self._outside_grant(party, "UserId")
            parts.append(
                "aws ec2 modify-snapshot-attribute --snapshot-id <the snapshot> --attribute "
                f'createVolumePermission --create-volume-permission "Add=[{{{grant}}}]".'
            )
        return "".join(f" {p}" for p in parts)

    def _outside_grant(self, party: OutsidePrincipal, key: str) -> str:
        if party.kind == OutsideKind.PARTNER_ORGANIZATION:
            org = party.organization_id or "o-..."
            owner = "<its management account>"
            return f"OrganizationArn=arn:{self.partition}:organizations::{owner}:organization/{org}"
        account = party.aws_account_id or self._placeholder(
            f"${{AccountId:{one_line(party.name)}}}",
            f"the 12-digit id of external account {one_line(party.name)}",
        )
        return f"{key}={account}"

    @staticmethod
    def _share_warning(rel: ResourceShareRelationship, party: OutsidePrincipal, what: str) -> str:
        if party.kind == OutsideKind.ANYONE:
            return (
                f"PUBLIC: this makes the {what} public. Anyone in the world can find, copy and "
                "launch it and read everything stored in it; make sure it holds no secret, key "
                "or customer data, and that the design's owner has approved it."
            )
        return (
            f"OUTSIDE THE ORGANIZATION: the {what} go to {outside_words(party)}, beyond your "
            "SCPs, logs and guardrails; share only what the agreement with them covers."
        )

    def _share_verify(self, rel: ResourceShareRelationship, target_ref: str) -> tuple[str, str]:
        first = one_line(rel.resource_names[0]) if rel.resource_names else ""
        suffix = f":{first}" if first else ""

        def ref(kind: str) -> str:
            return self._placeholder(f"${{{kind}{suffix}}}", f"the {kind} of {first or 'it'}")

        if rel.resource_type == ResourceType.AMI:
            command = aws(
                "ec2", "describe-image-attribute", "--image-id", ref("ImageId"),
                "--attribute", "launchPermission",
            )  # fmt: skip
            return command, "launch permissions for the target"
        if rel.resource_type == ResourceType.EBS_SNAPSHOT:
            command = aws(
                "ec2", "describe-snapshot-attribute", "--snapshot-id", ref("SnapshotId"),
                "--attribute", "createVolumePermission",
            )  # fmt: skip
            return command, "create-volume permissions for the target"
        if rel.resource_type == ResourceType.SERVICE_CATALOG_PORTFOLIO:
            kind = {"organization": "ORGANIZATION", "ou": "ORGANIZATIONAL_UNIT"}.get(
                target_ref, "ACCOUNT"
            )
            command = aws(
                "servicecatalog", "describe-portfolio-shares", "--portfolio-id",
                ref("PortfolioId"), "--type", kind,
            )  # fmt: skip
            return command, "a share with the target"
        if rel.resource_type == ResourceType.RAM_SHARE:
            command = aws("ram", "get-resource-shares", "--resource-owner", "SELF")
            return command, "an ACTIVE share whose principals include the target"
        return aws("servicecatalog", "list-portfolios"), "the portfolio holding the templates"

    # -- the StackSets: one deployment of cloudformation/stacksets.json ------------------------
    def merge_stack_sets(self) -> None:
        """The StackSet steps become one step per management-account template holding their
        StackSet resources (in the order and with the DependsOn the export gives them)."""
        planned = planned_stack_set_resources(self.design)
        by_rel = {rel_id: ps for ps in planned for rel_id in ps.relationships}
        files: dict[str, list[PlannedStackSet]] = {}
        for ps in planned:
            files.setdefault(ps.template, []).append(ps)
        members: dict[str, list[str]] = {path: [] for path in files}
        for step in self.steps.values():
            if step.stack_set:
                for path in dict.fromkeys(by_rel[r].template for r in step.subjects if r in by_rel):
                    members[path].append(step.id)
        merged: dict[str, list[str]] = defaultdict(list)  # member step -> its merged steps
        made: list[Step] = []
        ordered = sorted(files.items(), key=lambda item: (len(item[0]), item[0]))  # -2 after
        for number, (path, stack_sets) in enumerate(ordered, start=1):
            if members[path]:
                step = self.stack_sets_step(path, number, stack_sets, members[path])
                # A step of several StackSets in two templates: each lists its own trusts.
                step.subjects = list(
                    dict.fromkeys(
                        s
                        for m in members[path]
                        for s in self.steps[m].subjects
                        if (by_rel[s].template == path if s in by_rel else m not in merged)
                    )
                )
                for member in members[path]:
                    merged[member].append(step.id)
                made.append(step)
        if not made:
            return
        needs = {s.id: dict[str, None]() for s in made}
        for step in made:
            for member in members[step.targets["template"] if step.targets else ""]:
                for need in self.needs[member]:
                    needs[step.id].update(dict.fromkeys(merged.get(need, [need])))
            needs[step.id].pop(step.id, None)
            self.need_into(needs[step.id], self.service_step.get(STACKSETS))
        for earlier, later in itertools.pairwise(made):
            needs[later.id][earlier.id] = None
        steps: dict[str, Step] = {}
        for step_id, step in self.steps.items():
            if step_id not in merged:
                steps[step_id] = step
                continue
            for merged_id in merged[step_id]:
                if merged_id not in steps:
                    steps[merged_id] = next(s for s in made if s.id == merged_id)
        self.steps = steps
        self.needs = {
            step_id: needs[step_id]
            if step_id in needs
            else dict.fromkeys(m for need in self.needs[step_id] for m in merged.get(need, [need]))
            for step_id in steps
        }

    def also_as_stack_in(self, ps: PlannedStackSet) -> list[dict[str, Any]]:
        """The accounts where the plan also deploys a StackSet's member template as a plain
        stack: the management account in the scope of a log delivery whose account trail
        StackSets cannot take there (its AWS Config has a template and step of its own)."""
        if self.mgmt is None:
            return []
        rels = {r.id: r for r in self.relationships("log-delivery")}
        config_there = self.management_config_delivery()
        for rel_id in ps.relationships:
            rel = rels.get(rel_id)
            if rel is None or not self.scopes.management_in_scope(rel):
                continue
            trail = LogType.CLOUDTRAIL in rel.log_types and not self.scopes.organization_wide(rel)
            config = LogType.CONFIG in rel.log_types and config_there is not rel
            if trail or config:
                return [{"name": self.mgmt.name, "aws_account_id": self.account_ref(self.mgmt)}]
        return []

    @staticmethod
    def need_into(needs: dict[str, None], *prerequisites: str | None) -> None:
        needs.update(dict.fromkeys(p for p in prerequisites if p is not None))

    def stack_sets_step(
        self, path: str, number: int, stack_sets: list[PlannedStackSet], member_ids: list[str]
    ) -> Step:
        members = [self.steps[m] for m in member_ids]
        listed = []
        for ps in stack_sets:
            member = next((m for m in members if set(ps.relationships) & set(m.subjects)), None)
            verify = aws(
                "cloudformation", "list-stack-instances", "--stack-set-name", ps.name,
                "--call-as", "SELF", "--region", self.region,
            )  # fmt: skip
            entry: dict[str, Any] = {
                "name": ps.name,
                "template": ps.member,
                "depends_on": ps.depends_on,
            }
            entry["also_as_stack_in"] = self.also_as_stack_in(ps)
            listed.append(entry | {"verify": verify} | ((member.targets or {}) if member else {}))
        where = self.mgmt.name if self.mgmt else "the management account"
        names = _names([ps.name for ps in stack_sets])
        step = self.in_management(
            "stacksets" if number == 1 else f"stacksets-{number}",
            f"Deploy the StackSets of {path.rsplit('/', 1)[-1]} from the management account",
            f"In {where}, deploy {path} as a stack in the home Region {self.region} (aws "
            "cloudformation deploy; past 51,200 bytes a template must be uploaded to S3 first, "
            f"--s3-bucket), filling in its parameters. It creates {len(stack_sets)} "
            f"service-managed {_plural(len(stack_sets), 'StackSet')} ({names}) with CallAs SELF "
            "and auto-deployment, each deploying its template from cloudformation/stacksets/ "
            "to its targets in the home Region; a StackSet whose trust names a role another one "
            "creates waits for it (DependsOn). " + " ".join(m.action for m in members),
            aws("cloudformation", "list-stack-sets", "--call-as", "SELF", "--status", "ACTIVE"),
        )
        step.expect = (
            f"the {len(stack_sets)} {_plural(len(stack_sets), 'StackSet')} {names} ACTIVE; "
            "then each one's stack instances CURRENT, with its own command in "
            "targets.stack_sets[].verify (listed below)"
        )
        step.artifacts = [path]
        for member in members:
            _add_unique(step.artifacts, *member.artifacts)
            _add_unique(step.subjects, *member.subjects)
            _add_unique(step.must_exist, *member.must_exist)
        step.targets = {"template": path, "region": self.region, "stack_sets": listed}
        return step

    # -- ordering ----------------------------------------------------------------------------
    def graph(self) -> tuple[Any, dict[str, int]]:
        graph = nx.DiGraph()
        position = {step_id: n for n, step_id in enumerate(self.steps)}
        graph.add_nodes_from(self.steps)
        for step_id, needs in self.needs.items():
            graph.add_edges_from((need, step_id) for need in needs)
        return graph, position

    def ordered(self) -> list[Step]:
        graph, position = self.graph()
        if not nx.is_directed_acyclic_graph(graph):  # named by the StackSets, before merging
            raise self.cycle_error(graph, position)
        self.merge_stack_sets()
        graph, position = self.graph()
        try:
            order = list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))
        except nx.NetworkXUnfeasible:
            raise self.cycle_error(graph, position) from None
        number = {step_id: n for n, step_id in enumerate(order, start=1)}
        for step_id in order:
            self.steps[step_id].prerequisites = sorted(self.needs[step_id], key=number.__getitem__)
        return [self.steps[s] for s in order]

    def cycle_error(self, graph: Any, position: dict[str, int]) -> DesignError:
        cycle = [u for u, _ in nx.find_cycle(graph)]
        start = min(range(len(cycle)), key=lambda i: position[cycle[i]])
        cycle = cycle[start:] + cycle[:start]
        chain = " -> ".join(f"{self.steps[s].title!r}" for s in [*cycle, cycle[0]])
        return DesignError(
            f"the deployment plan has a dependency cycle: {chain} (a role ARN in a trust policy "
            "must exist before the policy is saved; trust an account root or a role the design "
            "does not create to break it)"
        )


def build_plan(design: Design) -> list[Step]:
    """The design's deployment steps in order; DesignError if their dependencies form a cycle."""
    return Planner(design).build()


def plan_data(design: Design, partition: str = "aws") -> tuple[list[Step], dict[str, Any]]:
    planner = Planner(design, partition)
    steps = planner.build()
    data = {
        "design": design.name,
        "steps": [s.as_json(n) for n, s in enumerate(steps, start=1)],
        "blocked": [
            {"relationship": b.relationship, "what": b.what, "why": b.why} for b in planner.blocked
        ],
        "placeholders": [
            {"placeholder": p, "meaning": m} for p, m in sorted(planner.placeholders.items())
        ],
    }
    return steps, data


# -- Markdown --------------------------------------------------------------------------------
def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in the text, so the text cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _capped(items: list[str], limit: int = LIST_LIMIT) -> str:
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += f" and {len(items) - limit} more (see deployment-plan.json)"
    return shown


def _where(step: Step) -> str:
    where = markdown_escape(step.account)
    return f"{where} ({step.account_id})" if step.account_id else where


def _step_markdown(number: int, step: Step, numbers: dict[str, int]) -> list[str]:
    manual = " (manual)" if step.manual else ""
    warned = " (WARNING)" if step.warning else ""
    lines = [f"## {number}. {markdown_escape(step.title)}{manual}{warned}", ""]
    if step.warning:
        lines += [f"> **WARNING:** {markdown_escape(step.warning)}", ""]
    lines.append(f"- **Step id:** `{step.id}`")
    lines.append(f"- **Runs in:** {_where(step)}")
    lines.append(f"- **Does:** {markdown_escape(step.action)}")
    if step.manual:
        lines.append(f"- **Manual, because:** {markdown_escape(step.reason or '')}")
    needs = [f"{numbers[p]} (`{p}`)" for p in step.prerequisites]
    lines.append(f"- **After steps:** {_capped(needs) if needs else 'none'}")
    if step.must_exist:
        exist = [markdown_escape(m) for m in step.must_exist]
        lines.append(f"- **Must already exist:** {_capped(exist)}")
    if step.artifacts:
        lines.append(f"- **Files:** {_capped([f'`{a}`' for a in step.artifacts])}")
    fence = _fence(step.verify)
    lines += ["- **Verify** (read-only):", "", f"  {fence}sh", f"  {step.verify}", f"  {fence}"]
    if step.expect:
        lines += ["", f"  Expect: {markdown_escape(step.expect)}."]
    each = [s["verify"] for s in (step.targets or {}).get("stack_sets", [])]
    if each:
        shown = each[:LIST_LIMIT]
        fence = _fence("\n".join(shown))
        more = (
            [f"  (and {len(each) - LIST_LIMIT} more: see deployment-plan.json)"]
            if len(each) > LIST_LIMIT
            else []
        )
        lines += ["", "  Then each StackSet's instances:", "", f"  {fence}sh"]
        lines += [f"  {command}" for command in shown] + [f"  {fence}", *more]
    return [*lines, ""]


def plan_markdown(
    design: Design,
    steps: list[Step],
    placeholders: list[dict[str, str]],
    blocked: list[dict[str, str]] | None = None,
) -> str:
    numbers = {s.id: n for n, s in enumerate(steps, start=1)}
    manual = sum(s.manual for s in steps)
    warned = sum(bool(s.warning) for s in steps)
    lines = [
        f"# Deployment plan: {markdown_escape(design.name)}",
        "",
        f"{len(steps)} steps in order; a step starts when the steps it follows are done. "
        f"{manual} step{'' if manual == 1 else 's'} must be done by hand (marked manual). "
        "Every verification command only reads (get, list, describe).",
        "",
    ]
    if warned:
        lines += [
            f"**{warned} step{'' if warned == 1 else 's'} take{'s' if warned == 1 else ''} "
            "something outside the organization (marked WARNING): read the warning first.**",
            "",
        ]
    if blocked:
        count = _plural(len(blocked), "relationship")
        verb = "is" if len(blocked) == 1 else "are"
        lines += [
            f"**{len(blocked)} {count} of the design cannot be deployed and {verb} left out: "
            "see Blocked at the end.**",
            "",
        ]
    lines += [
        "| # | Step | Runs in | After steps | Manual |",
        "|---|---|---|---|---|",
    ]
    for n, step in enumerate(steps, start=1):
        after = [str(numbers[p]) for p in step.prerequisites]
        cell = ", ".join(after[:LIST_LIMIT]) + (" …" if len(after) > LIST_LIMIT else "")
        lines.append(
            f"| {n} | {markdown_escape(step.title)} | {_where(step)} | {cell or '-'} | "
            f"{'yes' if step.manual else ''} |"
        )
    lines.append("")
    for n, step in enumerate(steps, start=1):
        lines += _step_markdown(n, step, numbers)
    if blocked:
        lines += ["## Blocked: not deployed", ""]
        lines += [
            f"- **{markdown_escape(b['what'])}**: {markdown_escape(b['why'])}" for b in blocked
        ]
        lines.append("")
    if placeholders:
        lines += ["## Placeholders", "", "Replace these before running a command:", ""]
        lines += [
            f"- {markdown_escape(p['placeholder'])}: {markdown_escape(p['meaning'])}"
            for p in placeholders
        ]
        lines.append("")
    return "\n".join(lines)


@exporter(FORMAT, "Ordered deployment plan (Markdown and JSON)")
def run(ctx: ExportContext) -> None:
    steps, data = plan_data(ctx.design, ctx.partition)
    ctx.write_json(
        ctx.unique_path("plan", "deployment-plan", ".json"),
        data,
        FORMAT,
        "Deployment steps in order, with prerequisites and verification commands",
    )
    ctx.write_text(
        ctx.unique_path("plan", "deployment-plan", ".md"),
        plan_markdown(ctx.design, steps, data["placeholders"], data["blocked"]),
        FORMAT,
        "The deployment plan for people: numbered steps, manual steps marked",
    )
