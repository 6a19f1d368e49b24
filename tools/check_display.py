"""Can Qt open a window on this X11 desktop? If not, say in one line what to install.

Qt chooses its xcb platform plugin on a Linux desktop; when a library that plugin links to is
missing (libxcb-cursor0 on a fresh Debian or Ubuntu desktop, Qt 6.5 and newer), Qt prints a long
message that does not name it and aborts the process (SIGABRT, exit code 134). `make run` calls
this first:

    .venv/bin/python tools/check_display.py              # exit 0, or one line and exit 1
    .venv/bin/python tools/check_display.py --packages   # Debian packages xcb still needs

The second form is what tools/bootstrap.sh installs with apt-get. Only the standard library is
used: the check reads `ldd` of PySide6's plugins/platforms/libqxcb.so (which lists the libraries
of libQt6XcbQpa.so.6 too), then, with an X display set, starts Qt on it in a child process, so
a failure there cannot abort the caller.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

# The libraries Qt 6.5+ needs for xcb beyond a basic X11 client, with their Debian packages.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
}
# Other libraries the plugin links to, whose Debian package is not named by the usual rule.
OTHER_PACKAGES = {
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libfreetype.so.6": "libfreetype6",
    "libpng16.so.16": "libpng16-16",
    "libz.so.1": "zlib1g",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    "libzstd.so.1": "libzstd1",
    "libpcre2-8.so.0": "libpcre2-8-0",
}
PROGRAM = "check_display"
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$")
_CANNOT_OPEN = re.compile(r"(lib[^\s:()]+\.so[.\d]*): cannot open shared object file")
_SONAME = re.compile(r"^(lib[^/\s]+?)\.so((?:\.\d+)*)$")


def missing_libraries(ldd_output: str) -> list[str]:
    """The sonames `ldd` reports as "not found", each once, in its order."""
    found: dict[str, None] = {}
    for line in ldd_output.splitlines():
        match = _NOT_FOUND.match(line)
        if match:
            found.setdefault(match.group(1), None)
    return list(found)


def debian_package(soname: str) -> str | None:
    """The Debian package that ships `soname`, or None when it is Qt's own (PySide6's)."""
    if soname.startswith(("libQt6", "libicu", "libpyside6", "libshiboken6")):
        return None
    known = XCB_LIBRARIES.get(soname) or OTHER_PACKAGES.get(soname)
    if known:
        return known
    # Debian policy: libfoo.so.1 is in libfoo1, libfoo2.so.0 (name ends in a digit) in libfoo2-0.
    match = _SONAME.match(soname)
    if not match:
        return None
    name, version = match.group(1).lower(), match.group(2).lstrip(".").split(".")[0]
    if not version:
        return None
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def packages_for(sonames: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(p for p in map(debian_package, sonames) if p))


def install_hint(sonames: Sequence[str]) -> str:
    """How to get these libraries, in a few words."""
    packages = packages_for(sonames)
    parts = []
    if packages:
        parts.append(f"install them with: sudo apt-get install {' '.join(packages)}")
    if any(debian_package(s) is None for s in sonames):
        parts.append(
            "reinstall PySide6: .venv/bin/pip install --force-reinstall PySide6-Essentials"
        )
    return "; ".join(parts)


def display_present(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def wants_xcb(environ: Mapping[str, str]) -> bool:
    """Whether Qt may use xcb: QT_QPA_PLATFORM unset, or a list ("wayland;xcb") that names it."""
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    return not chosen or any(p.strip().startswith("xcb") for p in chosen.split(";"))


def plugin_path() -> Path | None:
    """PySide6's xcb platform plugin, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    for location in (spec.submodule_search_locations or []) if spec else []:
        plugin = Path(location) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def run_ldd(path: Path) -> str | None:
    """`ldd PATH`, or None when there is no ldd (not glibc) or it fails."""
    try:
        done = subprocess.run(
            ["ldd", str(path)], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


# Started in a child process: creating the application is where Qt aborts.
_START_QT = "from PySide6.QtGui import QGuiApplication; QGuiApplication(['check_display'])"


def try_xcb(environ: Mapping[str, str]) -> tuple[int, str]:
    """Start Qt on the xcb platform in a child process: its exit code and stderr."""
    env = {**environ, "QT_QPA_PLATFORM": "xcb", "QT_DEBUG_PLUGINS": "1"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", _START_QT],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return 1, "Qt did not start on the X display within 60 s"
    return done.returncode, done.stderr


def startup_problem(returncode: int, stderr: str, display: str) -> str | None:
    """One line explaining why Qt could not start on xcb, or None when it did."""
    if returncode == 0:
        return None
    missing = list(dict.fromkeys(_CANNOT_OPEN.findall(stderr)))
    if missing:
        return (
            f"Qt's X11 (xcb) platform plugin cannot load {', '.join(missing)}; "
            f"{install_hint(missing)}"
        )
    if "could not connect to display" in stderr:
        return (
            f"Qt cannot connect to the X display {display!r}: check DISPLAY (and XAUTHORITY), "
            "or render without a window: account-designer FILE --screenshot OUT.png"
        )
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith(("qt.core.plugin", "QFactoryLoader"))]
    last = (useful or lines or [f"exit code {returncode}"])[-1]
    return f"Qt cannot start on the X display {display!r}: {last}"


def check(
    environ: Mapping[str, str],
    plugin: Path | None,
    ldd: Callable[[Path], str | None] = run_ldd,
    start: Callable[[Mapping[str, str]], tuple[int, str]] = try_xcb,
    platform: str = sys.platform,
) -> str | None:
    """The one-line problem that would stop the window from opening here, or None."""
    if not platform.startswith("linux") or not display_present(environ):
        return None  # no desktop: the app itself says so (or --screenshot renders offscreen)
    if not wants_xcb(environ):
        return None
    if plugin is None:
        return (
            "PySide6 has no xcb platform plugin (Qt/plugins/platforms/libqxcb.so); "
            "reinstall it: .venv/bin/pip install --force-reinstall PySide6-Essentials"
        )
    report = ldd(plugin)
    missing = missing_libraries(report or "")
    if missing:
        return (
            f"Qt's X11 (xcb) platform plugin needs {', '.join(missing)}, missing here; "
            f"{install_hint(missing)}"
        )
    if not environ.get("DISPLAY"):
        return None  # Wayland only: nothing to connect xcb to; Qt uses its wayland plugin
    returncode, stderr = start(environ)
    return startup_problem(returncode, stderr, environ.get("DISPLAY", ""))


def library_loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def needed_packages(
    plugin: Path | None,
    ldd: Callable[[Path], str | None] = run_ldd,
    loads: Callable[[str], bool] = library_loads,
) -> list[str]:
    """Debian packages still missing for xcb: the known list, plus whatever ldd says."""
    missing = [s for s in XCB_LIBRARIES if not loads(s)]
    if plugin is not None:
        missing += missing_libraries(ldd(plugin) or "")
    return packages_for(missing)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--packages"]:
        sys.stdout.write(" ".join(needed_packages(plugin_path())) + "\n")
        return 0
    if args:
        sys.stderr.write(f"usage: {PROGRAM}.py [--packages]\n")
        return 2
    problem = check(os.environ, plugin_path())
    if problem is None:
        return 0
    sys.stderr.write(f"{PROGRAM}: {problem}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
