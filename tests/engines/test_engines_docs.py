"""The README says what the code does: the mapping table is the engines' own tables, the
command line names every export format."""

from __future__ import annotations

from pathlib import Path

from designer.engines.carried import CONCEPTS, ENGINES
from designer.engines.table import BEGIN, END, carries, replaced
from exporters.base import REGISTRY
from exporters.registry import FORMAT_NAMES, load_all

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_mapping_table_is_the_engines_own() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1
    assert text.count(END) == 1
    assert replaced(text) == text, "run: python -m designer.engines.table README.md"


def test_every_engine_names_only_known_concepts() -> None:
    known = {c.key for c in CONCEPTS}
    for engine, table in carries().items():
        assert engine in ENGINES
        assert set(table) <= known, engine
        assert {"ous", "accounts"} <= set(table), engine  # the least a format must carry


def test_the_help_names_every_registered_format() -> None:
    load_all()
    assert sorted(FORMAT_NAMES) == sorted(REGISTRY)
