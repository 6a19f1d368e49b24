"""tools/check_display.py: `make run` says in one line what Qt's X11 plugin is missing.

The decisions are tested on captured `ldd` and Qt outputs (a missing library cannot be faked on a
shared machine); the script itself runs once, against a display that does not exist.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.helpers.factories import ROOT
from tools.check_display import (
    XCB_LIBRARIES,
    check,
    debian_package,
    missing_libraries,
    needed_packages,
    startup_problem,
)

PLUGIN = Path("/venv/PySide6/Qt/plugins/platforms/libqxcb.so")
LIB = "/venv/PySide6/Qt/plugins/platforms/../../lib"

# `ldd libqxcb.so` on Debian 12 with PySide6 6.11 before libxcb-icccm4 and libxcb-keysyms1 were
# installed (shortened): the plugin and libQt6XcbQpa both need them, so ldd names them twice.
LDD_TWO_MISSING = f"""\
\tlinux-vdso.so.1 (0x00007fdcf04b4000)
\tlibQt6XcbQpa.so.6 => {LIB}/libQt6XcbQpa.so.6 (0x00007fdcf03e6000)
\tlibQt6Gui.so.6 => {LIB}/libQt6Gui.so.6 (0x00007fdcef800000)
\tlibxkbcommon-x11.so.0 => /lib/x86_64-linux-gnu/libxkbcommon-x11.so.0 (0x00007fdcef7f5000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007fdcef7ee000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007fdcef7e6000)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-randr.so.0 => /lib/x86_64-linux-gnu/libxcb-randr.so.0 (0x00007fdcef7cf000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fdcee61e000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007fdcf04b6000)
"""
# A fresh desktop without libxcb-cursor0 (the `make run` SIGABRT), and a broken PySide6 wheel.
LDD_NO_CURSOR = f"""\
\tlibQt6XcbQpa.so.6 => {LIB}/libQt6XcbQpa.so.6 (0x00007f0000000000)
\tlibxcb-cursor.so.0 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f0000100000)
"""
LDD_NO_QT_LIBRARY = "\tlibQt6XcbQpa.so.6 => not found\n\tlibxcb-cursor.so.0 => not found\n"
LDD_COMPLETE = "\n".join(line for line in LDD_TWO_MISSING.splitlines() if "not found" not in line)
# What Qt prints (QT_DEBUG_PLUGINS=1) before it aborts, when ldd could not tell.
QT_CANNOT_LOAD = """\
qt.core.plugin.factoryloader: checking directory path "/venv/PySide6/Qt/plugins/platforms" ...
qt.core.library: "/venv/PySide6/Qt/plugins/platforms/libqxcb.so" cannot load: Cannot load \
library /venv/PySide6/Qt/plugins/platforms/libqxcb.so: (libxcb-cursor.so.0: cannot open shared \
object file: No such file or directory)
qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb platform \
plugin.
qt.qpa.plugin: Could not load the Qt platform plugin "xcb" in "" even though it was found.
This application failed to start because no Qt platform plugin could be initialized.
Aborted (core dumped)
"""
QT_NO_SERVER = """\
qt.qpa.xcb: could not connect to display :7
qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb platform \
plugin.
qt.qpa.plugin: Could not load the Qt platform plugin "xcb" in "" even though it was found.
"""
ABORTED = -6  # SIGABRT, as subprocess reports it


class Fake:
    """Stand-ins for ldd and for starting Qt, recording what was run."""

    def __init__(self, ldd: str | None = LDD_COMPLETE, start: tuple[int, str] = (0, "")) -> None:
        self.ldd_output, self.start_result = ldd, start
        self.calls: list[str] = []

    def ldd(self, path: Path) -> str | None:
        self.calls.append(f"ldd {path}")
        return self.ldd_output

    def start(self, environ: Mapping[str, str]) -> tuple[int, str]:
        self.calls.append(f"start on {environ.get('DISPLAY')}")
        return self.start_result

    def check(self, environ: Mapping[str, str], plugin: Path | None = PLUGIN) -> str | None:
        return check(environ, plugin, self.ldd, self.start, platform="linux")


def test_ldd_output_gives_each_missing_library_once() -> None:
    assert missing_libraries(LDD_TWO_MISSING) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert missing_libraries(LDD_NO_CURSOR) == ["libxcb-cursor.so.0"]
    assert missing_libraries(LDD_COMPLETE) == []
    assert missing_libraries("\tnot a dynamic executable\n") == []


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxcb-render-util.so.0", "libxcb-render-util0"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
        ("libxcb-xinput.so.0", "libxcb-xinput0"),  # not listed: Debian's naming rule
        ("libfoo2.so.3", "libfoo2-3"),  # a name ending in a digit takes a dash
        ("libQt6XcbQpa.so.6", None),  # PySide6's own
    ],
)
def test_debian_package_of_a_library(soname: str, package: str | None) -> None:
    assert debian_package(soname) == package


def test_every_listed_xcb_library_follows_or_names_its_package() -> None:
    assert set(XCB_LIBRARIES.values()) == {
        "libxcb-cursor0",
        "libxkbcommon-x11-0",
        "libxcb-icccm4",
        "libxcb-image0",
        "libxcb-keysyms1",
        "libxcb-render-util0",
        "libxcb-xinerama0",
        "libxcb-randr0",
        "libxcb-shape0",
    }


def test_missing_libraries_are_named_with_the_install_command_in_one_line() -> None:
    fake = Fake(ldd=LDD_TWO_MISSING)
    problem = fake.check({"DISPLAY": ":0"})
    assert problem is not None
    assert "\n" not in problem
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in problem
    assert problem.endswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1")
    assert fake.calls == [f"ldd {PLUGIN}"]  # Qt is not started: it would abort


def test_the_missing_cursor_library_of_a_fresh_desktop() -> None:
    problem = Fake(ldd=LDD_NO_CURSOR).check({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})
    assert problem is not None
    assert "libxcb-cursor.so.0" in problem
    assert "sudo apt-get install libxcb-cursor0" in problem


def test_a_broken_pyside6_is_reinstalled_not_apt_installed() -> None:
    problem = Fake(ldd=LDD_NO_QT_LIBRARY).check({"DISPLAY": ":0"})
    assert problem is not None
    assert "sudo apt-get install libxcb-cursor0" in problem
    assert "pip install --force-reinstall PySide6-Essentials" in problem
    assert "\n" not in problem
    no_plugin = Fake().check({"DISPLAY": ":0"}, plugin=None)
    assert no_plugin is not None
    assert "no xcb platform plugin" in no_plugin


@pytest.mark.parametrize(
    "environ",
    [
        {},  # no desktop: the app says so itself, or --screenshot renders offscreen
        {"DISPLAY": ""},
        {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"},
        {"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "wayland"},
    ],
)
def test_nothing_to_check_without_an_x11_display(environ: dict[str, str]) -> None:
    fake = Fake(ldd=LDD_NO_CURSOR)
    assert fake.check(environ) is None
    assert fake.calls == []


def test_wayland_only_checks_the_libraries_but_starts_nothing() -> None:
    fake = Fake()
    assert fake.check({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert fake.calls == [f"ldd {PLUGIN}"]
    assert Fake(ldd=LDD_NO_CURSOR).check({"WAYLAND_DISPLAY": "wayland-0"}) is not None


def test_a_chosen_platform_list_naming_xcb_is_checked() -> None:
    fake = Fake(ldd=LDD_NO_CURSOR)
    assert fake.check({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}) is not None
    assert fake.check({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}) is not None


def test_complete_libraries_then_qt_starts_on_the_display() -> None:
    fake = Fake()
    assert fake.check({"DISPLAY": ":0"}) is None
    assert fake.calls == [f"ldd {PLUGIN}", "start on :0"]


def test_without_ldd_qt_itself_names_the_missing_library() -> None:
    problem = Fake(ldd=None, start=(ABORTED, QT_CANNOT_LOAD)).check({"DISPLAY": ":0"})
    assert problem == (
        "Qt's X11 (xcb) platform plugin cannot load libxcb-cursor.so.0; "
        "install them with: sudo apt-get install libxcb-cursor0"
    )


def test_an_unreachable_display_is_explained() -> None:
    problem = Fake(start=(ABORTED, QT_NO_SERVER)).check({"DISPLAY": ":7"})
    assert problem is not None
    assert problem.startswith("Qt cannot connect to the X display ':7'")
    assert "--screenshot" in problem


def test_another_startup_failure_quotes_qt_last_line() -> None:
    problem = startup_problem(1, "qt.core.plugin.x: checking\nSomething else broke\n", ":0")
    assert problem == "Qt cannot start on the X display ':0': Something else broke"
    assert startup_problem(0, "warnings only", ":0") is None


def test_packages_for_bootstrap_cover_the_list_and_what_ldd_finds() -> None:
    present = {"libxcb-cursor.so.0", "libxkbcommon-x11.so.0", "libxcb-image.so.0"}
    packages = needed_packages(PLUGIN, Fake(ldd=LDD_TWO_MISSING).ldd, present.__contains__)
    assert packages == [
        "libxcb-icccm4",
        "libxcb-keysyms1",
        "libxcb-render-util0",
        "libxcb-xinerama0",
        "libxcb-randr0",
        "libxcb-shape0",
    ]
    assert needed_packages(None, Fake().ldd, lambda _soname: True) == []


def run_script(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_display.py"), *args],
        capture_output=True,
        text=True,
        env={**env, **environ},
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux desktops only")
def test_the_script_is_quiet_without_a_display_and_explains_a_dead_one() -> None:
    quiet = run_script()
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    dead = run_script(DISPLAY=":4242")  # no X server there: Qt would abort
    assert dead.returncode == 1
    assert dead.stdout == ""
    (line,) = dead.stderr.splitlines()
    assert line.startswith("check_display: ")
    assert "':4242'" in line or "install them with" in line  # or this machine lacks a library
    usage = run_script("--bogus")
    assert usage.returncode == 2
