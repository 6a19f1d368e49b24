"""The export contract: safe names, no collisions, nothing outside the folder, a manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.cli import main
from designer.model import DesignError
from exporters.base import (
    REGISTRY,
    CancelToken,
    ExportCancelled,
    ExportContext,
    export_design,
    safe_name,
)
from tests.helpers.factories import small_design

HOSTILE = ["../../etc/passwd", "<script>alert(1)</script>", "Prod ✓ Ünïcode", "...", "a/b\\c", ""]


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_names_stay_plain(name: str) -> None:
    cleaned = safe_name(name)
    assert cleaned
    assert "/" not in cleaned
    assert "\\" not in cleaned
    assert not cleaned.startswith(".")
    assert all(c.isalnum() or c in "-_." for c in cleaned)


def test_unique_paths_are_stable_and_never_collide(tmp_path: Path) -> None:
    ctx = ExportContext(small_design(), tmp_path)
    first = [ctx.unique_path("roles/Prod", name, ".json") for name in ["Admin", "admin", "ADMIN"]]
    assert first == ["roles/prod/admin.json", "roles/prod/admin-2.json", "roles/prod/admin-3.json"]
    again = ExportContext(small_design(), tmp_path)
    assert [
        again.unique_path("roles/Prod", n, ".json") for n in ["Admin", "admin", "ADMIN"]
    ] == first


def test_nothing_is_written_outside_the_folder(tmp_path: Path) -> None:
    ctx = ExportContext(small_design(), tmp_path / "out")
    with pytest.raises(DesignError, match="outside the export folder"):
        ctx.write_text("../escape.txt", "x", "test", "test")
    assert not (tmp_path / "escape.txt").exists()


def test_cancel_stops_before_the_next_file(tmp_path: Path) -> None:
    token = CancelToken()
    ctx = ExportContext(small_design(), tmp_path, cancel=token)
    ctx.write_text("a.txt", "a", "test", "test")
    token.cancel()
    with pytest.raises(ExportCancelled):
        ctx.write_text("b.txt", "b", "test", "test")
    assert not (tmp_path / "b.txt").exists()


def test_every_format_exports_and_the_manifest_lists_every_file(tmp_path: Path) -> None:
    written = export_design(small_design(), tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert listed | {"manifest.json"} == on_disk
    assert {f.format for f in written} >= set(REGISTRY)
    assert all(f["purpose"] for f in manifest["files"])


def test_export_is_deterministic(tmp_path: Path) -> None:
    export_design(small_design(), tmp_path / "a")
    export_design(small_design(), tmp_path / "b")
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    files_b = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_unknown_format_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = tmp_path / "d.json"
    from designer.model import save_design

    save_design(small_design(), design)
    code = main(["export", str(design), "-o", str(tmp_path / "out"), "--format", "pdf"])
    err = capsys.readouterr().err
    assert code == 2
    assert "unknown export format 'pdf'" in err
    assert err.count("\n") == 1


def test_cli_redact_masks_every_file_and_says_so_in_the_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from designer.model import save_design

    design = small_design()
    path = tmp_path / "d.json"
    save_design(design, path)
    out = tmp_path / "out"
    code = main(["export", str(path), "-o", str(out), "--redact"])
    assert code == 0
    secrets = [a.aws_account_id for a in design.accounts if a.aws_account_id]
    secrets += [a.email for a in design.accounts if a.email]
    for file in out.rglob("*"):
        if file.suffix in (".json", ".md", ".html", ".svg", ".dot", ".drawio", ".yaml"):
            text = file.read_text(encoding="utf-8")
            assert [s for s in secrets if s in text] == [], file.name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["redacted"] is True
    listed = capsys.readouterr().out.splitlines()
    assert f"{out}/manifest.json" in listed


def test_cli_without_graphviz_still_exports_and_says_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from designer.model import save_design

    path = tmp_path / "d.json"
    save_design(small_design(), path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    code = main(["export", str(path), "-o", str(tmp_path / "out"), "--format", "diagram"])
    err = capsys.readouterr().err
    assert code == 0
    assert err.count("\n") == 1
    assert "note: Graphviz is not installed" in err
    assert "apt-get install graphviz" in err
    assert sorted(p.suffix for p in (tmp_path / "out" / "diagrams").iterdir()) == [".dot"] * 6


def test_an_export_with_the_plan_carries_the_design_it_was_made_from(tmp_path: Path) -> None:
    from designer.model.fileformat import load_design
    from designer.rehearsal.export import export_design_file

    design = small_design()
    export_design(design, tmp_path, ["plan"])
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["design_file"] == "design.json"
    assert "design.json" in {f["path"] for f in manifest["files"]}
    assert load_design(tmp_path / manifest["design_file"]) == design
    assert export_design_file(tmp_path) == tmp_path / "design.json"  # what rehearse reads


def test_a_redacted_export_carries_the_redacted_design(tmp_path: Path) -> None:
    from designer.core.redact import redact_design
    from designer.model.fileformat import load_design

    design = small_design()
    export_design(design, tmp_path, ["plan"], redact=True)
    carried = load_design(tmp_path / "design.json")
    assert carried == redact_design(design)
    assert carried != design  # the ids and e-mail addresses are masked there too


def test_an_export_without_the_plan_names_no_design_file(tmp_path: Path) -> None:
    export_design(small_design(), tmp_path, ["policies"])
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["design_file"] is None
    assert not (tmp_path / "design.json").exists()
