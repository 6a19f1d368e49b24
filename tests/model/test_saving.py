"""Saving keeps what the user set up around a design file: a symlink stays a symlink, the mode
stays, a read-only file is not replaced unasked, and temporary files a killed save left behind
are removed by the next save."""

from __future__ import annotations

import fcntl
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from designer.cli import main
from designer.gui import recovery
from designer.model import DesignFileError, load_design, save_design
from designer.model.saving import UMASK
from tests.helpers.factories import ROOT, small_design


def _saved(path: Path, name: str = "Before") -> bytes:
    design = small_design()
    design.name = name
    save_design(design, path)
    return path.read_bytes()


def _temporaries(*folders: Path) -> list[str]:
    return sorted(p.name for f in folders for p in f.iterdir() if p.name.endswith(".tmp"))


def test_saving_through_a_symlink_replaces_its_target_not_the_link(tmp_path: Path) -> None:
    real_folder, link_folder = tmp_path / "real", tmp_path / "links"
    real_folder.mkdir()
    link_folder.mkdir()
    target = real_folder / "org.json"
    before = _saved(target)
    link = link_folder / "design.json"
    link.symlink_to(Path("..") / "real" / "org.json")
    design = small_design()
    design.name = "After"
    save_design(design, link)
    assert link.is_symlink()
    assert os.readlink(link) == str(Path("..") / "real" / "org.json")
    assert load_design(target).name == "After"
    assert (real_folder / "org.json.bak").read_bytes() == before
    assert sorted(p.name for p in link_folder.iterdir()) == ["design.json"]
    assert _temporaries(real_folder) == []


def test_saving_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    file = tmp_path / "design.json"
    _saved(file)
    file.chmod(0o600)
    save_design(small_design(), file)
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    fresh = tmp_path / "new.json"
    save_design(small_design(), fresh)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~UMASK


def test_read_only_file_is_not_replaced_without_force(tmp_path: Path) -> None:
    file = tmp_path / "design.json"
    before = _saved(file)
    file.chmod(0o444)
    design = small_design()
    design.name = "After"
    with pytest.raises(DesignFileError, match=r"design\.json: not saved: the file is read-only$"):
        save_design(design, file)
    assert file.read_bytes() == before
    save_design(design, file, force=True)
    assert load_design(file).name == "After"
    assert stat.S_IMODE(file.stat().st_mode) == 0o444  # replaced, still read-only


def test_cli_new_force_replaces_a_read_only_file_keeping_its_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "design.json"
    before = _saved(file)
    file.chmod(0o400)
    assert main(["new", "--template", "identity", "-o", str(file)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert file.read_bytes() == before
    assert main(["new", "--template", "identity", "-o", str(file), "--force"]) == 0
    assert load_design(file).name != "Before"
    assert stat.S_IMODE(file.stat().st_mode) == 0o400


def test_stale_temporaries_of_the_design_are_removed_by_the_next_save(tmp_path: Path) -> None:
    file = tmp_path / "design.json"
    stale = [".design.json.k3x_0q9a.tmp", ".design.json.bak.a1b2c3d4.tmp", ".design.json.bak.tmp"]
    others = [
        ".other.json.k3x_0q9a.tmp",  # another design's
        ".design.json.notes.tmp",  # not the pattern: not ours to judge
        "design.json.k3x_0q9a.tmp",
    ]
    for name in stale + others:
        (tmp_path / name).write_text("{", encoding="utf-8")
    _saved(file)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == sorted(others)


def test_a_temporary_another_save_is_writing_is_left_alone(tmp_path: Path) -> None:
    file = tmp_path / "design.json"
    busy = tmp_path / ".design.json.abcdefgh.tmp"
    busy.write_text("{", encoding="utf-8")
    with busy.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as a live writer holds its temporary
        _saved(file)
        assert busy.exists()
    _saved(file)
    assert not busy.exists()


def test_autosave_removes_stale_temporaries_of_its_recovery_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(recovery.ENV_VAR, str(tmp_path / "state"))
    target = recovery.write_recovery(small_design(), tmp_path / "d.json")
    stale = target.with_name(f".{target.name}.zz99zz99.tmp")
    stale.write_text("{", encoding="utf-8")
    recovery.write_recovery(small_design(), tmp_path / "d.json")
    assert _temporaries(target.parent) == []


# A process that imports everything once, then per line on stdin forks a child that saves in a
# loop (design file, autosave, `new --force`) until it is killed: a kill costs no start-up.
SAVER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from designer.cli import main
    from designer.gui import recovery
    from designer.model import save_design
    from tests.helpers.factories import small_design

    design_file = Path(sys.argv[1])
    first, second = small_design(), small_design()
    second.name = "Second"
    quiet = open(os.devnull, "w")


    def save(turn):
        if turn % 3 == 0:
            main(["new", "--template", "identity", "-o", str(design_file), "--force"])
        elif turn % 3 == 1:
            save_design(first if turn % 2 else second, design_file)
        else:
            recovery.write_recovery(second, design_file)


    sys.stdout, real_stdout = quiet, sys.stdout  # the pipe is for pids
    for turn in range(3):  # imports done before the first fork: a child saves from the start
        save(turn)
    for line in sys.stdin:
        child = os.fork()
        if child == 0:
            sys.stderr = quiet
            deadline = time.monotonic() + 10  # never outlives a test that died
            turn = 0
            while time.monotonic() < deadline:
                turn += 1
                save(turn)
            os._exit(0)
        print(child, file=real_stdout, flush=True)
        os.waitpid(child, 0)
        print("ended", file=real_stdout, flush=True)
    """
)


def test_killed_saves_leave_a_whole_design_and_the_next_save_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    design_file, state = tmp_path / "design.json", tmp_path / "state"
    monkeypatch.setenv(recovery.ENV_VAR, str(state))
    autosave = recovery.recovery_path(design_file)
    save_design(small_design(), design_file)
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    saver = subprocess.Popen(
        [sys.executable, "-c", SAVER, str(design_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=ROOT,
    )
    assert saver.stdin is not None
    assert saver.stdout is not None
    chance = random.Random(19)
    left_behind: set[str] = set()
    try:
        for _ in range(30):
            saver.stdin.write("go\n")
            saver.stdin.flush()
            child = int(saver.stdout.readline())
            time.sleep(chance.uniform(0.05, 0.15))
            os.kill(child, signal.SIGKILL)
            assert saver.stdout.readline() == "ended\n"
            load_design(design_file)  # whole and valid, old or new
            load_design(design_file.with_name("design.json.bak"))  # so is the backup
            load_design(autosave)  # and the recovery file
            left_behind.update(_temporaries(tmp_path, state / "recovery"))
    finally:
        saver.stdin.close()
        saver.wait(timeout=10)
    recovery.write_recovery(small_design(), design_file)
    save_design(small_design(), design_file)
    print(f"temporaries seen after kills: {len(left_behind)}")
    assert _temporaries(tmp_path, state / "recovery") == []
