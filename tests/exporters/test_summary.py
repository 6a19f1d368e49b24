"""Summaries of large designs: one box per OU with its accounts counted, relationships counted."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.synthetic import synthetic_design
from designer.drawing.views import VIEWS
from exporters import diagram, summary
from exporters.base import export_design
from exporters.summary import SUMMARY_ABOVE, summary_drawing, summary_id

TIMES = " \N{MULTIPLICATION SIGN}"


def test_every_account_is_counted_in_the_box_of_its_ou() -> None:
    design = synthetic_design(SUMMARY_ABOVE + 10)
    drawing = summary_drawing(design, "all")
    holders = Counter(a.parent or design.organization.id for a in design.accounts)
    boxes = {n.id: n for n in drawing.nodes if n.kind == "account"}
    assert set(boxes) == {summary_id(c) for c in holders}
    for container, count in holders.items():
        node = boxes[summary_id(container)]
        assert node.name == f"{count} account{'s' if count != 1 else ''}"
        assert node.container == container
        assert sum(int(n) for n in re.findall(r"(\d+) [a-z-]+", " ".join(node.details))) == count
    assert {c.id for c in drawing.containers} >= set(holders)


def test_relationships_between_two_boxes_are_one_counted_edge() -> None:
    design = synthetic_design(SUMMARY_ABOVE + 10)
    for view, kinds in VIEWS.items():
        drawing = summary_drawing(design, view)
        counted = sum(
            int(e.label.split(TIMES)[0]) if TIMES in e.label else 1 for e in drawing.edges
        )
        assert counted == sum(1 for r in design.relationships if r.kind in kinds), view
        pairs = [(e.kind, e.source, e.target) for e in drawing.edges]
        assert len(pairs) == len(set(pairs)), view


def test_large_designs_get_summary_diagrams_and_summary_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary, "SUMMARY_ABOVE", 20)  # what counts as large: kept quick here
    monkeypatch.setattr(diagram, "PICTURES", ("svg",))
    design = synthetic_design(30)
    export_design(design, tmp_path, ["diagram", "document"])
    diagrams = {p.name for p in (tmp_path / "diagrams").iterdir()}
    for stem in ("all", "identity-view", "logging-view"):
        assert {f"{stem}.svg", f"{stem}-summary.svg", f"{stem}-summary.dot"} <= diagrams
    html = (tmp_path / "document" / "design-document.html").read_text(encoding="utf-8")
    assert "(summary)" in html  # the figure titles
    assert html.count("<svg") >= 5
    assert (tmp_path / "document" / "images" / "all.svg").read_bytes() == (
        tmp_path / "diagrams" / "all-summary.svg"
    ).read_bytes()
