"""Diagrams against hostile input: any name draws, huge coordinates stay small, and Graphviz
never runs unbounded, fails unnoticed or outlives the export."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from designer.cli import main
from designer.model import Design, DesignError, save_design
from designer.model.templates import load_template
from exporters import diagram, summary
from exporters.base import export_design
from exporters.diagram import save_view
from exporters.drawing import MAX_SPREAD
from tests.helpers.hostile import HOSTILE

ROOT = Path(__file__).resolve().parents[2]
SVG_TEXT = "{http://www.w3.org/2000/svg}text"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"
# Graphviz record-label syntax, HTML markup, DOT quoting and escapes.
SPECIALS = ("|", "{", "}", "<", ">", "\\", '"', "'", "&", "{a|b}", "}{", "a\\|b", "<B>", "\\N")
EVERY_SPECIAL = " ".join(SPECIALS)


def hostile_names_design() -> Design:
    """Every identity provider, account, OU and outside principal (and the organization)
    named with one special character alone first and then all of them."""
    data = load_template("reference-landing-zone").model_dump()

    def rename(entities: list[dict[str, object]], label: str) -> None:
        for n, entity in enumerate(entities):
            entity["name"] = f"{SPECIALS[n % len(SPECIALS)]} {label} {n} {EVERY_SPECIAL}"

    for key, label in (
        ("identity_providers", "IdP"),
        ("accounts", "Account"),
        ("organizational_units", "OU"),
        ("outside_principals", "Vendor"),
    ):
        rename(data[key], label)
    data["organization"]["name"] = f"Org {HOSTILE}"
    return Design.model_validate(data)


def svg_strings(path: Path) -> list[str]:
    """Every tooltip and text of an SVG (a name shows whole in its tooltip)."""
    root = ET.parse(path).getroot()  # parses: no markup leaked out of a label
    return [e.get(XLINK_TITLE, "") for e in root.iter()] + [
        "".join(e.itertext()) for e in root.iter(SVG_TEXT)
    ]


def fake_dot(folder: Path, script: str) -> str:
    """A PATH holding only a `dot` that runs `script` (sh); its pid goes to folder/pids."""
    folder.mkdir()
    program = folder / "dot"
    program.write_text(f'#!/bin/sh\necho $$ >> "{folder}/pids"\n{script}\n', encoding="utf-8")
    program.chmod(0o755)
    return str(folder)


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return False
    return not re.search(r"^State:\s+Z", status, re.MULTILINE)


def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def pids(folder: Path) -> list[int]:
    path = folder / "pids"
    return [int(p) for p in path.read_text(encoding="utf-8").split()] if path.exists() else []


def test_any_name_in_any_node_kind_is_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diagram, "PICTURES", ("svg",))
    monkeypatch.setattr(summary, "SUMMARY_ABOVE", 0)  # the summaries too
    design = hostile_names_design()
    notices: list[str] = []
    export_design(design, tmp_path, ["diagram"], notice=notices.append)
    assert notices == []
    pictures = sorted((tmp_path / "diagrams").glob("*.svg"))
    assert len(pictures) == 12  # six views, each with its summary
    names = [
        *(i.name for i in design.identity_providers),
        *(a.name for a in design.accounts),
        *(u.name for u in design.organizational_units),
        *(p.name for p in design.outside_principals),
    ]
    shown = svg_strings(tmp_path / "diagrams" / "all.svg")
    assert [n for n in names if not any(n in s for s in shown)] == []
    summary_shown = svg_strings(tmp_path / "diagrams" / "all-summary.svg")
    for name in [*(u.name for u in design.organizational_units), design.organization.name]:
        assert any(" ".join(name.splitlines()) in s for s in summary_shown), name


def test_a_picture_graphviz_cannot_draw_fails_the_export_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.json"
    save_design(load_template("logging"), path)
    monkeypatch.setenv("PATH", fake_dot(tmp_path / "bin", "echo 'Error: syntax error' >&2; exit 1"))
    code = main(["export", str(path), "-o", str(tmp_path / "out"), "--format", "diagram"])
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1
    assert "Graphviz could not draw" in err
    assert "Error: syntax error" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("far", [1e5, 1e6])
def test_far_saved_positions_give_a_picture_of_bounded_size(tmp_path: Path, far: float) -> None:
    data = load_template("reference-landing-zone").model_dump()
    first, last = data["accounts"][0]["id"], data["accounts"][-1]["id"]
    data["layout"]["positions"] = {first: {"x": -far, "y": -far}, last: {"x": far, "y": far}}
    save_view(Design.model_validate(data), "all", tmp_path / "all.dot")
    check_bounded((tmp_path / "all.dot").read_text(encoding="utf-8"), first, last)


def test_positions_past_the_file_format_limit_are_bounded_too(tmp_path: Path) -> None:
    """What the canvas passes (save_view's positions) is not validated: 2**53, -2**31."""
    design = load_template("reference-landing-zone")
    first, last = design.accounts[0].id, design.accounts[-1].id
    at = {first: (-(2.0**31), -(2.0**31)), last: (2.0**53, 2.0**53)}
    save_view(design, "all", tmp_path / "all.dot", positions=at)
    check_bounded((tmp_path / "all.dot").read_text(encoding="utf-8"), first, last)


def check_bounded(source: str, first: str, last: str) -> None:
    """Every coordinate Graphviz gets is within the spread allowed; the order is kept."""
    places = re.findall(r'(?:pos|bb|lp)="([^"]*)"', source)
    numbers = [float(n) for p in places for n in re.findall(r"-?[\d.]+(?:e[-+]?\d+)?", p)]
    assert numbers
    assert max(abs(n) for n in numbers) < 2 * MAX_SPREAD
    pos = {
        m[1]: (float(m[2]), float(m[3]))
        for m in re.finditer(r'"([0-9a-f-]{36})" \[[^\n]*?pos="([-\d.]+),([-\d.]+)!"', source)
    }
    assert pos[first][0] < pos[last][0]
    assert pos[first][1] > pos[last][1]


def test_graphviz_past_its_time_limit_is_stopped_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "bin"
    monkeypatch.setenv("PATH", fake_dot(folder, "exec /bin/sleep 60"))
    monkeypatch.setattr(diagram, "RENDER_SECONDS", 0.5)
    start = time.monotonic()
    with pytest.raises(DesignError) as raised:
        export_design(load_template("logging"), tmp_path / "out", ["diagram"])
    assert time.monotonic() - start < 10
    message = str(raised.value)
    assert "\n" not in message
    assert "time limit of 0.5 s" in message
    assert pids(folder)
    assert not [p for p in pids(folder) if alive(p)]


EXPORT_SCRIPT = """
import sys
from pathlib import Path
from designer.model.templates import load_template
from exporters.base import export_design
export_design(load_template("logging"), Path(sys.argv[1]), ["diagram"])
"""


def start_export(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """An export in a process of its own, once its (sleeping) Graphviz children run."""
    folder = tmp_path / "bin"
    env = {**os.environ, "PATH": fake_dot(folder, "exec /bin/sleep 60"), "PYTHONPATH": str(ROOT)}
    exporter = subprocess.Popen(
        [sys.executable, "-c", EXPORT_SCRIPT, str(tmp_path / "out")], env=env, cwd=ROOT
    )
    assert wait_for(lambda: len(pids(folder)) == len(diagram.PICTURES), 30)
    return exporter, folder


def test_graphviz_dies_with_the_exporting_process(tmp_path: Path) -> None:
    exporter, folder = start_export(tmp_path)
    try:
        exporter.kill()  # SIGKILL: nothing of the exporter runs, the kernel tells the children
        exporter.wait()
        assert wait_for(lambda: not [p for p in pids(folder) if alive(p)], 2)
    finally:
        for pid in (p for p in pids(folder) if alive(p)):
            os.kill(pid, signal.SIGKILL)


def test_an_interrupted_export_stops_graphviz_and_ends_at_once(tmp_path: Path) -> None:
    exporter, folder = start_export(tmp_path)
    try:
        exporter.send_signal(signal.SIGINT)
        exporter.wait(timeout=5)  # not after the children's 60 s
        assert not [p for p in pids(folder) if alive(p)]
    finally:
        exporter.kill()
        for pid in (p for p in pids(folder) if alive(p)):
            os.kill(pid, signal.SIGKILL)
