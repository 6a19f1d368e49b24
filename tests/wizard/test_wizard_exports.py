"""A design from the wizard explains itself in the design document, and its exports carry the
structure to the deployment engines (the answers and decisions stay in the design file)."""

from __future__ import annotations

from pathlib import Path

from designer.engines.lza import CARRIES as LZA_CARRIES
from designer.engines.lza.write import write_config
from designer.engines.orgformation import CARRIES as OF_CARRIES
from designer.engines.orgformation.write import write_config as write_organization
from designer.model import new_id
from designer.model.answers import Answers
from designer.wizard.build import build_design
from exporters.base import export_design
from exporters.doc_model import Bullets, Heading, Paragraph, Table
from exporters.document_content import build_document
from tests.engines.roundtrip import round_trip

HOSTILE = "Acme <script>alert(1)</script>"
ANSWERS = Answers(
    organization_name=HOSTILE,
    business_units=["Retail", "Payments"],
    central_publishing=True,
    published=["amis"],
    third_parties=[
        {"name": "Acme Audit", "aws_account_id": "111122223333", "reason": f"Audits {HOSTILE}"}
    ],
)


def test_the_document_explains_every_decision_and_lists_the_answers() -> None:
    design = build_design(ANSWERS, new_id())
    blocks = build_document(design).blocks
    headings = [b.text for b in blocks if isinstance(b, Heading)]
    assert "Design decisions" in headings
    assert [d.topic for d in design.decisions] == [
        h for h in headings if h in {d.topic for d in design.decisions}
    ]
    text = " ".join(
        " ".join(b.items) if isinstance(b, Bullets) else getattr(b, "text", "") for b in blocks
    )
    for decision in design.decisions:
        assert decision.choice in text
        assert all(source in text for source in decision.sources)
    answers = next(
        b for b in blocks if isinstance(b, Table) and b.headers == ("Question", "Answer")
    )
    assert ("Which business units or teams run workloads?", "Retail, Payments") in answers.rows
    assert any(isinstance(b, Paragraph) and "Whitepaper" not in b.text for b in blocks)


def test_user_text_in_decisions_is_escaped_in_html_and_markdown(tmp_path: Path) -> None:
    design = build_design(ANSWERS, new_id())
    export_design(design, tmp_path, ["document"])
    html = (tmp_path / "document" / "design-document.html").read_text(encoding="utf-8")
    markdown = (tmp_path / "document" / "design-document.md").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f"Audits {HOSTILE}" not in markdown  # the third party's reason, escaped
    assert "Audits Acme &lt;script&gt;" in markdown


def test_the_wizard_design_round_trips_through_both_engines(tmp_path: Path) -> None:
    design = build_design(ANSWERS, new_id())
    round_trip(design, write_config, LZA_CARRIES, tmp_path / "lza")
    round_trip(design, write_organization, OF_CARRIES, tmp_path / "of")
