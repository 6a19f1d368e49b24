"""Saving: deterministic bytes, atomic replacement, a backup of the previous version."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from designer.model import (
    FORMAT_VERSION,
    Account,
    DesignError,
    NodeLayout,
    dumps_design,
    load_design,
    save_design,
)
from designer.model.templates import template_paths
from tests.helpers.factories import sid, small_data, small_design


def test_same_design_saves_to_identical_bytes(tmp_path: Path) -> None:
    design = small_design()
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    save_design(design, first)
    save_design(load_design(first), second)
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text(encoding="utf-8")
    assert text.startswith(f'{{\n  "format_version": {FORMAT_VERSION},\n')
    assert text.endswith("}\n")


def test_map_keys_are_sorted_whatever_the_insertion_order(tmp_path: Path) -> None:
    design = small_design()
    tagged = design.accounts[2].model_copy(update={"tags": {"b": "2", "a": "1"}})
    design.accounts[2] = tagged
    design.layout = design.layout.model_copy(
        update={"positions": {sid("prod"): NodeLayout(x=1, y=2), sid("mgmt"): NodeLayout(x=0, y=0)}}
    )
    text = dumps_design(design)
    assert text.index('"a": "1"') < text.index('"b": "2"')
    assert text.index(sid("mgmt")) < text.index(sid("prod"), text.index('"positions"'))


@pytest.mark.parametrize("name", sorted(template_paths()))
def test_every_template_round_trips_byte_identically(name: str, tmp_path: Path) -> None:
    original = template_paths()[name]
    copy = tmp_path / f"{name}.json"
    save_design(load_design(original), copy)
    resaved = tmp_path / f"{name}-2.json"
    save_design(load_design(copy), resaved)
    assert copy.read_bytes() == original.read_bytes()
    assert resaved.read_bytes() == original.read_bytes()


def test_there_are_six_templates() -> None:
    assert set(template_paths()) == {
        "identity",
        "logging",
        "publishing",
        "information-security",
        "central-it",
        "reference-landing-zone",
    }


def test_save_keeps_previous_version_as_bak(tmp_path: Path) -> None:
    file = tmp_path / "design.json"
    design = small_design()
    save_design(design, file)
    before = file.read_bytes()
    design.name = "Renamed"
    save_design(design, file)
    assert (tmp_path / "design.json.bak").read_bytes() == before
    assert load_design(file).name == "Renamed"


def test_interrupted_save_leaves_previous_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "design.json"
    save_design(small_design(), file)
    before = file.read_bytes()
    design = small_design()
    design.accounts.append(
        Account(id=sid("new"), name="New", functions=["sandbox"], email="new@example.com")
    )
    real_fdopen = os.fdopen

    class HalfWriter:
        """Writes half of the data, then fails as a full disk would."""

        def __init__(self, stream: Any) -> None:
            self.stream = stream

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()

        def write(self, data: bytes) -> None:
            self.stream.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(DesignError, match="previous file is unchanged: No space left on device"):
        save_design(design, file)
    monkeypatch.undo()
    assert file.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["design.json"]


def test_failed_rename_leaves_previous_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "design.json"
    save_design(small_design(), file)
    before = file.read_bytes()
    real_replace = os.replace

    def failing_replace(src: Any, dst: Any) -> None:
        if Path(dst) == file:
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(DesignError, match=r"not saved.*Input/output error"):
        save_design(small_design(), file)
    monkeypatch.undo()
    assert file.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_inconsistent_design_is_not_saved(tmp_path: Path) -> None:
    design = small_design()
    design.accounts[2] = design.accounts[2].model_copy(update={"parent": sid("ghost")})
    with pytest.raises(DesignError, match=r"not saved: \$\.accounts\[2\]\.parent"):
        save_design(design, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_failed_migration_reports_version_and_leaves_input(monkeypatch: pytest.MonkeyPatch) -> None:
    from designer.model.migrations import migrate

    def broken(old: dict[str, Any]) -> dict[str, Any]:
        old["accounts"] = []
        raise KeyError("members")

    data = small_data()
    with pytest.raises(DesignError, match="cannot upgrade from format_version 1: KeyError"):
        migrate(data, 1, 2, {1: broken})
    assert len(data["accounts"]) == 3


def test_migration_chain_upgrades_step_by_step() -> None:
    from designer.model.migrations import migrate

    steps = {
        1: lambda d: {**d, "seen": [*d.get("seen", []), 1]},
        2: lambda d: {**d, "seen": [*d["seen"], 2]},
    }
    result = migrate({"format_version": 1}, 1, 3, steps)
    assert result == {"format_version": 3, "seen": [1, 2]}
    with pytest.raises(DesignError, match="no upgrade from format_version 3 to 4"):
        migrate({"format_version": 3}, 3, 4, steps)


def test_design_too_deep_for_json_is_refused_not_crashed(tmp_path: Path) -> None:
    from designer.model import ServiceControlPolicy

    deep: dict[str, Any] = {}
    node = deep
    for _ in range(2000):
        node["x"] = {}
        node = node["x"]
    design = small_design()
    # the policy grammar refuses such a document on load; built unchecked, as a bug could
    scp = ServiceControlPolicy.model_construct(id=str(uuid.uuid4()), name="Deep", document=deep)
    design.service_control_policies.append(scp)
    with pytest.raises(DesignError, match="cannot be written as JSON"):
        save_design(design, tmp_path / "deep.json")
    assert not (tmp_path / "deep.json").exists()
