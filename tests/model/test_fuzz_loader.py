"""Random damage to valid design files never crashes the loader: a design or a one-line error."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.model import Design, DesignFileError, parse_design
from tests.helpers.factories import small_data
from tests.helpers.json_tree import containers

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def damaged_data(draw: st.DrawFn) -> dict[str, Any]:
    data = small_data()
    for _ in range(draw(st.integers(1, 4))):
        container = draw(st.sampled_from(containers(data)))
        action = draw(st.sampled_from(["replace", "delete", "insert", "duplicate"]))
        if isinstance(container, dict):
            keys = sorted(container)
            key = draw(st.sampled_from(keys)) if keys else draw(st.text(max_size=8))
            if action == "delete" and keys:
                del container[key]
            elif action == "insert":
                container[draw(st.text(max_size=8))] = draw(json_values)
            else:
                container[key] = draw(json_values)
        elif container:
            position = draw(st.integers(0, len(container) - 1))
            if action == "delete":
                del container[position]
            elif action == "duplicate":
                container.append(container[position])
            else:
                container[position] = draw(json_values)
        else:
            container.append(draw(json_values))
    return data


def _load_or_error(text: str) -> Design | None:
    try:
        return parse_design(text, "fuzz.json")
    except DesignFileError as exc:
        message = str(exc)
        assert message.startswith("fuzz.json: ")
        assert "\n" not in message
        assert "Traceback" not in message
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_data())
def test_structural_damage_gives_design_or_clear_error(data: dict[str, Any]) -> None:
    design = _load_or_error(json.dumps(data))
    if design is not None:  # a harmless change: the result must save and load again
        assert parse_design(json.dumps(design.model_dump(mode="json")), "again") == design


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_text_damage_gives_design_or_clear_error(data: st.DataObject) -> None:
    text = json.dumps(small_data(), indent=2)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    insert = data.draw(st.text(max_size=10))
    _load_or_error(text[:start] + insert + text[end:])
