"""The design document's usage policy: per-OU requirements, log retention and keys, and the
structures a partial design covers; user text shown, never obeyed."""

from __future__ import annotations

from exporters.doc_model import Bullets, DesignDocument, Paragraph, Table
from exporters.document_content import build_document
from exporters.document_text import html_document, markdown_document
from tests.rules.corpus.kit import Kit

HOSTILE = "<script>alert(1)</script> | `x` *y*"
HEADERS = (
    "OU",
    "Required SCPs",
    "Log delivery",
    "Allowed environments",
    "Data ceiling",
    "Note",
)


def policy_document() -> DesignDocument:
    kit = Kit().policy(
        ou_requirements=[
            {
                "ou": "Prod",
                "required_scps": ["DenyRootUser", "RegionRestriction"],
                "log_delivery": "required",
                "allowed_environments": ["production"],
                "max_data_sensitivity": "restricted",
                "note": HOSTILE,
            },
            {"ou": "Suspended", "log_delivery": "exempt"},
        ],
        min_log_retention_days=365,
        logs_encrypted_with_kms=True,
    )
    return build_document(kit.build())


def section(doc: DesignDocument, anchor: str) -> list[object]:
    """The blocks from the heading with `anchor` to the next heading of any level."""
    start = next(i for i, b in enumerate(doc.blocks) if getattr(b, "anchor", "") == anchor)
    blocks: list[object] = []
    for block in doc.blocks[start + 1 :]:
        if hasattr(block, "anchor"):
            break
        blocks.append(block)
    return blocks


def test_per_ou_requirements_are_a_table() -> None:
    blocks = section(policy_document(), "usage-policy")
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.headers == HEADERS
    rows = {row[0]: row for row in table.rows}
    assert rows["Workloads/Prod"] == (
        "Workloads/Prod",
        "DenyRootUser, RegionRestriction",
        "required: CloudTrail and Config to the log archive",
        "production",
        "restricted",
        HOSTILE,
    )
    assert rows["Suspended"] == ("Suspended", "-", "exempt", "any", "any", "-")


def test_retention_and_kms_requirement_are_stated() -> None:
    blocks = section(policy_document(), "usage-policy")
    items = next(b for b in blocks if isinstance(b, Bullets)).items
    assert "Minimum CloudTrail log retention (Object Lock): 365 days" in items
    assert "Log buckets: SSE-KMS with a customer-managed key required" in items


def test_a_policy_without_requirements_says_so() -> None:
    kit = Kit().policy(
        ou_requirements=[], min_log_retention_days=None, logs_encrypted_with_kms=False
    )
    blocks = section(build_document(kit.build()), "usage-policy")
    items = next(b for b in blocks if isinstance(b, Bullets)).items
    assert "Minimum CloudTrail log retention (Object Lock): none" in items
    assert "Log buckets: SSE-KMS not required" in items
    assert not any(isinstance(b, Table) for b in blocks)
    assert Paragraph("The usage policy asks nothing of particular OUs.", note=True) in blocks


def test_covers_names_what_is_in_and_what_is_left_out() -> None:
    doc = build_document(Kit().covers("organization", "identity").build())
    scope = next(b for b in section(doc, "summary") if isinstance(b, Paragraph) and b.note)
    assert scope.text.startswith(
        "Scope: this design covers Organization (OUs, management account, inventory); "
        "Identity account structure."
    )
    assert "It leaves out Guardrails (service control policies);" in scope.text
    assert "Publishing account structure" in scope.text


def test_a_whole_organization_has_no_scope_line() -> None:
    doc = build_document(Kit().build())
    assert not any(
        isinstance(b, Paragraph) and b.text.startswith("Scope:") for b in section(doc, "summary")
    )


def test_user_text_in_a_requirement_is_escaped() -> None:
    doc = policy_document()
    page = html_document(doc, lambda _view: None)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    markdown = markdown_document(doc, lambda _view: None)
    assert "<script>" not in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| Workloads/Prod"))
    assert row.count(" | ") == len(HEADERS) - 1  # the note's pipe does not add a column
