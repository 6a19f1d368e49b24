"""The structured usage policy in the property editor: an OU's requirements, the log retention
and key requirements, and the structures a design covers.

An OU's requirement is edited field by field like an entity, but each commit replaces the whole
`ou_requirements` list (one undo step); a requirement that no longer asks anything is dropped, so
the file keeps only OUs the policy says something about.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from designer.core.document import Document
from designer.gui.panels.fields import (
    BoolField,
    ChoiceField,
    IntField,
    MultiChoiceField,
    Options,
    ReadOnlyField,
    TextField,
)
from designer.gui.panels.specs import FieldSpec, FormItem, Pending, Section, scp_options, vocab
from designer.model import DesignError
from designer.model.governance import OuRequirement, UsagePolicy
from designer.model.vocabulary import (
    SENSITIVITY_ORDER,
    STRUCTURE_LABELS,
    Environment,
    LogRequirement,
    Structure,
)

REQUIREMENT_TITLE = "Usage policy for this OU"
LOG_DELIVERY_OPTIONS: Options = [  # short: the panel is narrow; the tip says more
    ("As the organization", None),
    ("Required", LogRequirement.REQUIRED),
    ("Exempt", LogRequirement.EXEMPT),
]
ENVIRONMENT_OPTIONS: Options = vocab(Environment, {Environment.NONE: "None (no environment)"})
CEILING_OPTIONS: Options = [
    ("Any", None),
    *((s.value.capitalize(), s) for s in SENSITIVITY_ORDER),
]
STRUCTURE_OPTIONS: Options = [(STRUCTURE_LABELS[s], s) for s in Structure]


def requirement_of(policy: UsagePolicy, ou_id: str) -> OuRequirement:
    """The OU's requirement, or an empty one (asking nothing) while the policy has none."""
    return policy.requirement(ou_id) or OuRequirement(ou=ou_id)


def with_requirement(
    policy: UsagePolicy, ou_id: str, changes: dict[str, Any]
) -> list[OuRequirement]:
    """The policy's requirements with `changes` made to the OU's one: kept in its place, added
    at the end when new, left out when it asks nothing any more."""
    current = requirement_of(policy, ou_id)
    try:
        updated = OuRequirement.model_validate({**current.model_dump(), **changes})
    except ValidationError as exc:
        errors = exc.errors()
        raise DesignError(str(errors[0]["msg"]) if errors else "invalid value") from None
    result: list[OuRequirement] = []
    placed = False
    for need in policy.ou_requirements:
        if need.ou == ou_id:
            placed = True
            if not updated.empty:
                result.append(updated)
        else:
            result.append(need)
    if not placed and not updated.empty:
        result.append(updated)
    return result


def requirement_form() -> list[FormItem]:
    """The fields of an OU's requirement (their subject: the OU's OuRequirement)."""
    return [
        Section(REQUIREMENT_TITLE),
        FieldSpec(
            "required_scps",
            "Required SCPs",
            lambda: MultiChoiceField(max_rows=8),
            options=scp_options,
            target="requirement",
            tip="SCPs that must be in force for every account in this OU, at any depth",
        ),
        FieldSpec(
            "log_delivery",
            "Log delivery",
            lambda: ChoiceField(LOG_DELIVERY_OPTIONS),
            target="requirement",
            tip="Required: every account in it sends CloudTrail and Config to the log archive. "
            "Exempt: accepted without central logs (e.g. closed accounts in Suspended).",
        ),
        FieldSpec(
            "allowed_environments",
            "Allowed environments\n(none checked: any)",
            lambda: MultiChoiceField(ENVIRONMENT_OPTIONS),
            target="requirement",
            tip="The environments its accounts may have; none checked: any",
        ),
        FieldSpec(
            "max_data_sensitivity",
            "Data sensitivity ceiling",
            lambda: ChoiceField(CEILING_OPTIONS),
            target="requirement",
            tip="The most sensitive data its accounts may hold",
        ),
        FieldSpec(
            "note",
            "Note",
            lambda: TextField(False, "why, or who agreed"),
            target="requirement",
        ),
    ]


def retention_field() -> IntField:
    field = IntField(0, 36_500, suffix=" days")
    field.spin.setSpecialValueText("no minimum")  # shown for 0
    return field


def read_retention(policy: Any, _document: Document) -> int:
    return int(policy.min_log_retention_days or 0)


def write_retention(value: Any, _policy: Any, _pending: Pending) -> dict[str, Any]:
    return {"min_log_retention_days": int(value) or None}


def requirement_summary(policy: Any, document: Document) -> str:
    """Which OUs have requirements of their own (edited on each OU's form)."""
    names = [
        str(document.get(need.ou).name) for need in policy.ou_requirements if document.has(need.ou)
    ]
    if not names:
        return "none (select an OU to add one)"
    return ", ".join(names) + " (select an OU to edit)"


def log_policy_form() -> list[FormItem]:
    """The policy's log requirements and the list of OUs with requirements of their own."""
    return [
        FieldSpec(
            "min_log_retention_days",
            "Minimum log retention",
            retention_field,
            read=read_retention,
            write=write_retention,
            target="policy",
            tip="Least Object Lock retention of CloudTrail logs; 0: no minimum",
        ),
        FieldSpec(
            "logs_encrypted_with_kms",
            "",
            lambda: BoolField("Log buckets must use SSE-KMS"),
            target="policy",
            tip="With a customer-managed KMS key, not S3-managed keys",
        ),
        FieldSpec(
            "ou_requirements",
            "OU requirements",
            ReadOnlyField,
            read=requirement_summary,
            target="policy",
        ),
    ]


def read_covers(design: Any, _document: Document) -> list[Structure]:
    return list(Structure) if design.covers is None else list(design.covers)


def write_covers(value: Any, _design: Any, _pending: Pending) -> dict[str, Any]:
    """All checked: a whole organization (None); none checked makes no sense and is refused."""
    chosen = [s for s in Structure if s in set(value)]
    if not chosen:
        raise DesignError("a design covers at least one structure")
    return {"covers": None if len(chosen) == len(Structure) else chosen}


def covers_field() -> FieldSpec:
    return FieldSpec(
        "covers",
        "Covers (all checked: a whole organization)",
        lambda: MultiChoiceField(STRUCTURE_OPTIONS),
        read=read_covers,
        write=write_covers,
        target="design",
        wide=True,
        tip="The structures this design is about; findings about the others are reported "
        "once each as outside its scope. All checked: a whole organization.",
    )
