"""The round trip's yardstick: write a design as an engine's configuration, convert it back, and
compare what the engine can carry (designer.engines.carried), without ids and order."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping
from pathlib import Path

from designer.engines.carried import canonical, carried
from designer.engines.convert import convert
from designer.engines.files import ConfigFile, write_files
from designer.engines.report import ConversionReport
from designer.model import Design

Writer = Callable[[Design], list[ConfigFile]]


def round_trip(
    design: Design, write: Writer, carries: Mapping[str, str], folder: Path, opened: str = ""
) -> tuple[Design, ConversionReport]:
    """Write `design` into `folder`, convert `folder / opened` back; asserts that everything
    the engine carries came back exactly. Returns the converted design and the report."""
    write_files(write(design), folder)
    converted, report = convert(folder / opened)
    assert_same(carried(design, carries), carried(converted, carries))
    return converted, report


def assert_same(expected: Design, got: Design) -> None:
    """Equal up to ids and order; the message is a diff of the two, entity by entity."""
    want, have = canonical(expected), canonical(got)
    if want != have:
        lines = difflib.unified_diff(
            json.dumps(want, indent=1, sort_keys=True).splitlines(),
            json.dumps(have, indent=1, sort_keys=True).splitlines(),
            "exported (what the engine carries)",
            "converted back",
            n=12,  # enough to show which entity a changed field belongs to
            lineterm="",
        )
        raise AssertionError("the round trip changed the design:\n" + "\n".join(lines))
