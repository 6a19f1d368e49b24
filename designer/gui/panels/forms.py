"""What the property editor shows for each kind of entity, and the design's own form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from designer.core.document import Document
from designer.drawing.views import OUTSIDE_STYLES
from designer.gui.outside import placeholder_note
from designer.gui.panels.fields import (
    BoolField,
    ChoiceField,
    IntField,
    MultiChoiceField,
    Options,
    StringListField,
    TagsField,
    TextField,
)
from designer.gui.panels.policy_fields import covers_field, log_policy_form, requirement_form
from designer.gui.panels.specs import (
    Condition,
    FieldSpec,
    FormItem,
    Section,
    account_options,
    block,
    bucket_options,
    choice,
    chooser,
    ends,
    excluded_options,
    flag,
    is_scoped,
    lock_days,
    none_option,
    optional_account_options,
    ou_options,
    parent_options,
    scps,
    strings,
    text,
    vocab,
    write_access_level,
    write_idp_kind,
    write_lock_days,
    write_lock_mode,
    write_outside_kind,
    write_policy_arns,
    write_principal_role,
    write_principal_scope,
    write_ram_type,
    write_resource_type,
    write_services,
)
from designer.model import EntityKind
from designer.model.vocabulary import (
    FUNCTION_LABELS,
    OUTSIDE_IDENTIFIERS,
    AccessLevel,
    AccountFunction,
    AccountState,
    DataSensitivity,
    DirectoryType,
    Environment,
    FeatureSet,
    FederationProtocol,
    IdentityProviderKind,
    LogType,
    ObjectLockMode,
    OutsideKind,
    PrincipalScope,
    PrincipalType,
    ResourceType,
    unread_text,
)


def is_directory(idp: Any, _document: Document | None = None) -> bool:
    return bool(idp.kind == IdentityProviderKind.DIRECTORY_SERVICE)


def is_locked(bucket: Any, _document: Document | None = None) -> bool:
    return bucket.object_lock is not None


def identifies(field: str) -> Condition:
    """Enabled for the outside principals whose kind that field names."""
    return lambda principal, _document: OUTSIDE_IDENTIFIERS[principal.kind] == field


def identifier(name: str, label: str, hint: str) -> FieldSpec:
    """An outside principal's identifier: enabled for the kind it names, marked while it is
    the made-up one a new principal starts with."""
    return FieldSpec(
        name,
        label,
        lambda: TextField(True, hint),
        enabled=identifies(name),
        note=lambda principal: placeholder_note(principal, name),
    )


def principal_type() -> FieldSpec:
    return choice(
        "principal_type",
        "Used by",
        [
            ("People (MFA applies)", PrincipalType.HUMAN),
            ("A workload: pipeline, service, vendor system", PrincipalType.WORKLOAD),
        ],
    )


def from_service(rel: Any, document: Document) -> bool:
    source = document.get(rel.source) if document.has(rel.source) else None
    return getattr(source, "kind", None) == OutsideKind.SERVICE


def from_oidc(rel: Any, document: Document) -> bool:
    source = document.get(rel.source) if document.has(rel.source) else None
    return getattr(source, "kind", None) == IdentityProviderKind.OIDC


def source_account() -> FieldSpec:
    return FieldSpec(
        "source_account_condition",
        "",
        lambda: BoolField("aws:SourceAccount is the role's own account"),
        enabled=from_service,
        tip="Trusts from an AWS service: the confused-deputy guard",
    )


def oidc_subjects() -> FieldSpec:
    return FieldSpec(
        "oidc_subjects",
        "OIDC subjects",
        lambda: StringListField("one per line, e.g. repo:example/app:ref:refs/heads/main", 3),
        enabled=from_oidc,
        tip="Trusts and federation from an OIDC provider: the token subjects admitted "
        "(empty: every subject of the provider)",
    )


def excluded() -> FieldSpec:
    return FieldSpec(
        "excluded_accounts",
        "Except",
        lambda: MultiChoiceField(max_rows=8),
        options=excluded_options,
        enabled=is_scoped,
        tip="Accounts of the OU or organization at one end that this relationship skips",
    )


def read_name() -> FieldSpec:
    """The name, with what the import could not read of the entity under it (an import)."""
    return FieldSpec(
        "name",
        "Name",
        lambda: TextField(False, ""),
        note=lambda entity: unread_text(list(getattr(entity, "unread", []))),
    )


def account_form() -> list[FormItem]:
    return [
        read_name(),
        text("aws_account_id", "Account id", True, "12 digits; empty while planned"),
        text("email", "Root e-mail", True, "root@example.com"),
        FieldSpec("functions", "Functions", lambda: MultiChoiceField(vocab_functions())),
        choice("environment", "Environment", vocab(Environment)),
        choice("data_sensitivity", "Data sensitivity", vocab(DataSensitivity)),
        choice("state", "State", vocab(AccountState)),
        chooser("parent", "Parent OU", parent_options),
        text("owner", "Owner"),
        text("business_unit", "Business unit"),
        text("purpose", "Purpose"),
        strings("regions", "Regions", "one Region per line, e.g. eu-west-1"),
        FieldSpec("tags", "Tags", TagsField),
        FieldSpec("iam_user_count", "IAM users", lambda: IntField(0, 100_000)),
        flag("root_mfa", "Root user has MFA"),
        flag("runs_workloads", "Runs workloads"),
        scps(),
    ]


def vocab_functions() -> Options:
    return vocab(AccountFunction, dict(FUNCTION_LABELS))


def ou_form() -> list[FormItem]:
    return [
        text("name", "Name"),
        chooser("parent", "Parent OU", parent_options),
        block("description", "Description"),
        scps(),
        *requirement_form(),
    ]


def identity_provider_form() -> list[FormItem]:
    directory: Options = [*none_option("(not a directory)"), *vocab(DirectoryType)]
    return [
        text("name", "Name"),
        choice("kind", "Kind", vocab(IdentityProviderKind), write_idp_kind),
        FieldSpec(
            "directory_type", "Directory type", lambda: ChoiceField(directory), enabled=is_directory
        ),
        chooser("home_account", "Home account", optional_account_options),
        text("metadata_url", "Metadata URL", hint="SAML metadata or OIDC issuer URL"),
        block("description", "Description"),
    ]


def outside_principal_form() -> list[FormItem]:
    return [
        text("name", "Name"),
        choice("kind", "Kind", vocab(OutsideKind, OUTSIDE_LABELS), write_outside_kind),
        identifier("aws_account_id", "Account id", "12 digits; empty if unknown"),
        identifier("organization_id", "Organization id", "o-xxxxxxxxxx"),
        identifier("service_principal", "Service principal", "e.g. cloudtrail.amazonaws.com"),
        text("owner", "Owner"),
        block("description", "Description"),
    ]


def organization_form() -> list[FormItem]:
    return [
        text("name", "Name"),
        text("organization_id", "Organization id", True, "o-xxxxxxxxxx"),
        choice(
            "feature_set",
            "Feature set",
            [
                ("All features", FeatureSet.ALL),
                ("Consolidated billing only", FeatureSet.CONSOLIDATED_BILLING),
            ],
        ),
        chooser("management_account", "Management account", optional_account_options),
    ]


def scp_form() -> list[FormItem]:
    return [
        text("name", "Name"),
        block("description", "Description"),
        flag("aws_managed", "AWS managed"),
    ]


def log_bucket_form() -> list[FormItem]:
    modes: Options = [*none_option("Off"), *((m.value.capitalize(), m) for m in ObjectLockMode)]
    return [
        FieldSpec(
            "name",
            "Bucket name",
            lambda: TextField(False, ""),
            note=lambda bucket: unread_text(list(bucket.unread)),
        ),
        chooser("account", "Owner account", account_options),
        flag("versioning", "Versioning"),
        flag("mfa_delete", "MFA Delete"),
        FieldSpec(
            "object_lock_mode",
            "Object Lock",
            lambda: ChoiceField(modes),
            read=lambda b, _d: b.object_lock.mode if b.object_lock else None,
            write=write_lock_mode,
        ),
        FieldSpec(
            "object_lock_retention_days",
            "Retention",
            lambda: IntField(1, 36_500, suffix=" days"),
            read=lock_days,
            write=write_lock_days,
            enabled=is_locked,
        ),
        flag("glacier_vault_lock", "Glacier Vault Lock"),
        text("kms_key", "KMS key", True, "alias/... or key ARN; empty = S3-managed"),
        flag("access_logging", "Server access logging"),
        flag("organization_restricted_writes", "Writes limited to the organization"),
    ]


def trust_form() -> list[FormItem]:
    return [
        *ends(),
        text("role_name", "Role name"),
        choice("access_level", "Access level", vocab(AccessLevel), write_access_level),
        strings(
            "services",
            "Services",
            "service-admin only: one service per line, e.g. ec2",
            write=write_services,
        ),
        strings(
            "managed_policy_arns",
            "Managed policies",
            "custom only: one policy ARN per line",
            write=write_policy_arns,
        ),
        principal_type(),
        flag("require_mfa", "Require MFA"),
        text("external_id", "External id", True, "for principals outside the organization"),
        choice(
            "principal_scope",
            "Trusted principal",
            [("The whole account", PrincipalScope.ACCOUNT_ROOT), ("One role", PrincipalScope.ROLE)],
            write_principal_scope,
        ),
        FieldSpec(
            "principal_role_name",
            "Trusted role",
            lambda: TextField(True, "role in the trusted account"),
            write=write_principal_role,
        ),
        flag("organization_scoped", "Only principals of the organization"),
        source_account(),
        oidc_subjects(),
        FieldSpec(
            "max_session_duration",
            "Max session",
            lambda: IntField(3600, 43_200, 900, " s"),
            tip="1 to 12 hours, in steps of 15 minutes",
        ),
        excluded(),
        text("purpose", "Purpose"),
    ]


def federation_form() -> list[FormItem]:
    return [
        *ends(),
        choice("protocol", "Protocol", vocab(FederationProtocol)),
        principal_type(),
        oidc_subjects(),
        strings("mapped_roles", "Mapped roles", "one IAM role name per line"),
        strings("permission_sets", "Permission sets", "one permission set per line"),
        text("purpose", "Purpose"),
    ]


def log_delivery_form() -> list[FormItem]:
    return [
        *ends(),
        FieldSpec("log_types", "Log types", lambda: MultiChoiceField(vocab(LogType, LOG_LABELS))),
        chooser("bucket", "Bucket", bucket_options),
        flag("multi_region", "CloudTrail: all Regions"),
        flag("log_file_validation", "CloudTrail: log file validation"),
        excluded(),
        text("purpose", "Purpose"),
    ]


def resource_share_form() -> list[FormItem]:
    return [
        *ends(),
        choice(
            "resource_type",
            "Resource type",
            vocab(ResourceType, RESOURCE_LABELS),
            write_resource_type,
        ),
        FieldSpec(
            "ram_resource_type",
            "RAM type",
            lambda: TextField(True, "ram-share only, e.g. ec2:Subnet"),
            write=write_ram_type,
        ),
        strings("resource_names", "Resources", "one resource name per line"),
        excluded(),
        text("purpose", "Purpose"),
    ]


def delegated_admin_form() -> list[FormItem]:
    return [
        *ends(),
        strings("service_principals", "Services", "one per line, e.g. guardduty.amazonaws.com"),
        FieldSpec(
            "administers",
            "Administers",
            ChoiceField,
            options=ou_options,
            tip="The OU whose accounts it administers, or the whole organization",
        ),
        excluded(),
        text("purpose", "Purpose"),
    ]


def billing_form() -> list[FormItem]:
    return [*ends(), text("purpose", "Purpose")]


def design_form() -> list[FormItem]:
    return [
        FieldSpec("name", "Name", TextField, target="design"),
        block("description", "Description", target="design"),
        covers_field(),
        Section("Usage policy"),
        strings(
            "approved_services", "Approved services", "one service per line, e.g. s3", "policy", 6
        ),
        strings(
            "allowed_regions", "Allowed Regions", "one Region per line, e.g. eu-west-1", "policy"
        ),
        strings(
            "required_encryption", "Required encryption", "one requirement per line", "policy", 6
        ),
        strings("baseline", "Baseline", "one baseline control per line", "policy", 6),
        *log_policy_form(),
    ]


LOG_LABELS: dict[Any, str] = {
    LogType.CLOUDTRAIL: "CloudTrail",
    LogType.CONFIG: "AWS Config",
    LogType.VPC_FLOW_LOGS: "VPC Flow Logs",
    LogType.S3_ACCESS_LOGS: "S3 access logs",
    LogType.CLOUDFRONT: "CloudFront",
    LogType.ELB: "ELB access logs",
    LogType.CLOUDWATCH_LOGS: "CloudWatch Logs",
}
OUTSIDE_LABELS: dict[Any, str] = {kind: style.title for kind, style in OUTSIDE_STYLES.items()}
RESOURCE_LABELS: dict[Any, str] = {
    ResourceType.AMI: "AMI",
    ResourceType.EBS_SNAPSHOT: "EBS snapshot",
    ResourceType.SERVICE_CATALOG_PORTFOLIO: "Service Catalog portfolio",
    ResourceType.CLOUDFORMATION_TEMPLATE: "CloudFormation template",
    ResourceType.RAM_SHARE: "RAM share",
}
RELATIONSHIP_FORMS: dict[str, Callable[[], list[FormItem]]] = {
    "trust": trust_form,
    "federation": federation_form,
    "log-delivery": log_delivery_form,
    "resource-share": resource_share_form,
    "delegated-admin": delegated_admin_form,
    "billing": billing_form,
}
NODE_FORMS: dict[EntityKind, Callable[[], list[FormItem]]] = {
    EntityKind.ACCOUNT: account_form,
    EntityKind.OU: ou_form,
    EntityKind.IDENTITY_PROVIDER: identity_provider_form,
    EntityKind.OUTSIDE: outside_principal_form,
    EntityKind.LOG_BUCKET: log_bucket_form,
    EntityKind.ORGANIZATION: organization_form,
    EntityKind.SCP: scp_form,
}


def form_key(kind: EntityKind, entity: Any) -> str:
    """Entities with the same key share a form, so switching between them keeps the place."""
    return f"relationship:{entity.kind}" if kind == EntityKind.RELATIONSHIP else kind.value


def form_items(key: str) -> list[FormItem]:
    if key == "design":
        return design_form()
    if key.startswith("relationship:"):
        return RELATIONSHIP_FORMS[key.removeprefix("relationship:")]()
    return NODE_FORMS[EntityKind(key)]()
