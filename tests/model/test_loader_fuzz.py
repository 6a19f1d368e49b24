"""Hostile design files: every input loads or fails with one line naming the file, quickly.

Mutations of a valid design with an SCP: keys dropped or named twice, wrong types, huge and
overflowing numbers, deep nesting, long strings, control characters. `make test` runs a few
hundred examples; `make fuzz` sets FUZZ_EXAMPLES for a long run.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from designer.model import DesignError, dumps_design, parse_design
from tests.helpers.factories import sid, small_data
from tests.helpers.json_tree import containers

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
SECONDS = 5.0  # per input; the largest mutation here is a few MB

SCP = {
    "id": sid("scp"),
    "name": "Guard",
    "document": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["organizations:LeaveOrganization"],
                "Resource": "*",
                "Condition": {"NumericLessThan": {"aws:x": 5}},
            }
        ],
    },
}

HOSTILE_TEXT = st.sampled_from(
    ["", "\x00", "\n\r\t", "\u2028", "\x1b[31m", "\ud800", '"', "\\", "é" * 3, "{}", "[]"]
)
HOSTILE_NUMBERS = st.sampled_from(
    ["1e400", "-1e400", "NaN", "Infinity", "9" * 5000, "1" * 4300, "-0", "1e-400", "0.5"]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    HOSTILE_TEXT,
)


def _base() -> dict[str, Any]:
    data = small_data()
    data["service_control_policies"] = [json.loads(json.dumps(SCP))]
    return data


@st.composite
def hostile_values(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["scalar", "long", "wide", "control"]))
    if kind == "long":
        return "x" * draw(st.sampled_from([1000, 99_999, 100_001, 1_000_000]))
    if kind == "wide":
        return [draw(SCALARS)] * draw(st.sampled_from([10, 100_001]))
    if kind == "control":
        return "".join(draw(st.lists(st.characters(max_codepoint=0x2029), max_size=10)))
    return draw(SCALARS)


@st.composite
def damaged_text(draw: st.DrawFn) -> str:
    data = _base()
    marks: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        container = draw(st.sampled_from(containers(data)))
        action = draw(st.sampled_from(["drop", "replace", "insert", "raw", "raw", "twice"]))
        value: Any = draw(hostile_values())
        if action == "raw":  # JSON text Python would not write: odd numbers, deep nesting
            value = f"@@{len(marks)}@@"
            levels = draw(st.sampled_from([10, 63, 64, 65, 900, 5000]))
            deep = "[" * levels + "0" + "]" * levels
            marks.append(draw(st.one_of(HOSTILE_NUMBERS, st.just(deep))))
        if isinstance(container, dict):
            keys = sorted(container)
            if action == "drop" and keys:
                del container[draw(st.sampled_from(keys))]
            elif action == "twice" and keys:
                key = draw(st.sampled_from(keys))
                container[f"@@twice@@{key}"] = value
            elif keys and action != "insert":
                container[draw(st.sampled_from(keys))] = value
            else:
                container[draw(st.text(max_size=6))] = value
        elif container and action == "drop":
            del container[draw(st.integers(0, len(container) - 1))]
        elif container and action != "insert":
            container[draw(st.integers(0, len(container) - 1))] = value
        else:
            container.append(value)
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    for index, raw in enumerate(marks):
        text = text.replace(f'"@@{index}@@"', raw)
    return text.replace('"@@twice@@', '"')  # the same key twice in one object


def _loads_or_says_why(text: str) -> None:
    started = time.perf_counter()
    try:
        design = parse_design(text, "fuzz.json")
        assert parse_design(dumps_design(design), "again.json") == design  # saved, it loads
    except DesignError as exc:
        message = str(exc)
        assert message.startswith("fuzz.json: "), message[:200]
        assert "\n" not in message
        assert "Traceback" not in message
        assert "int_max_str_digits" not in message
    assert time.perf_counter() - started < SECONDS


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(damaged_text())
@example(json.dumps(_base()).replace('"aws:x": 5', '"aws:x": 1e400'))
@example(json.dumps(_base()).replace('"aws:x": 5', '"aws:x": ' + "9" * 5000))
def test_hostile_design_files_load_or_say_why_in_one_line(text: str) -> None:
    _loads_or_says_why(text)


TEXT = json.dumps(_base(), indent=2)
NUMBER_AT = TEXT.index('"aws:x": 5') + len('"aws:x": ')


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.integers(0, len(TEXT)),
    st.integers(0, 20),
    st.one_of(st.text(max_size=6), HOSTILE_TEXT, HOSTILE_NUMBERS),
)
@example(NUMBER_AT, 1, "-1e400")
def test_damaged_text_loads_or_says_why_in_one_line(start: int, length: int, insert: str) -> None:
    _loads_or_says_why(TEXT[:start] + insert + TEXT[start + length :])
