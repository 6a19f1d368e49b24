#!/usr/bin/env bash
# One-command set-up for a fresh Debian/Ubuntu machine: virtual environment, the project with its
# dev extra, graphviz's `dot`, and the system libraries Qt needs. Safe to run again: it skips what
# is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.installed"
PYTHON=${PYTHON:-python3}

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

# apt-get as root, or through sudo without a password prompt; nothing otherwise.
APT=""
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then APT="apt-get"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then APT="sudo apt-get"
  fi
fi
APT_UPDATED=""
apt_install() {
  [ -n "$APT" ] || return 1
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update"
    $APT update -qq >/dev/null || return 1
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $APT install -y -qq --no-install-recommends "$@" >/dev/null
}

command -v "$PYTHON" >/dev/null 2>&1 || die "python3 is not installed; install Python 3.11 or newer"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "Python 3.11 or newer is needed; $PYTHON is $("$PYTHON" -V 2>&1)"

if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    ver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install "python$ver-venv" || apt_install python3-venv \
      || die "cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)"
    "$PYTHON" -m venv "$VENV"
  fi
fi

if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  say "installing the project and its dev tools into $VENV (a few minutes the first time)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 \
    | grep -v "is ignored: it is neither" || true
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[dev]' 2>&1 \
    | grep -v "is ignored: it is neither" || true
  "$VENV/bin/python" -c 'import designer, pydantic, networkx, PySide6, pytest' \
    || die "installing the project into $VENV failed (see the messages above)"
  touch "$STAMP"
fi

# checkov (CloudFormation security checks, run offline by the tests) pins older boto3 and networkx
# than the app uses, so it lives in a virtual environment of its own.
CHECKOV_VENV=.venv-checkov
CHECKOV_VERSION=3.3.30
if [ ! -x "$CHECKOV_VENV/bin/checkov" ] || [ ! -f "$CHECKOV_VENV/.installed-$CHECKOV_VERSION" ]; then
  say "installing checkov $CHECKOV_VERSION into $CHECKOV_VENV"
  rm -rf "$CHECKOV_VENV"
  "$PYTHON" -m venv "$CHECKOV_VENV"
  "$CHECKOV_VENV/bin/python" -m pip install -q --disable-pip-version-check \
    "checkov==$CHECKOV_VERSION" 2>&1 | grep -v "is ignored: it is neither" || true
  "$CHECKOV_VENV/bin/checkov" --version >/dev/null \
    || die "installing checkov into $CHECKOV_VENV failed (see the messages above)"
  touch "$CHECKOV_VENV/.installed-$CHECKOV_VERSION"
fi

# org-formation's own parser (npm aws-organization-formation) checks the org-formation export
# offline in the tests (tests/engines/test_orgformation_parser.py), in a folder of its own.
ORGFORMATION_DIR=.node-orgformation
ORGFORMATION_VERSION=1.0.17
if [ ! -f "$ORGFORMATION_DIR/.installed-$ORGFORMATION_VERSION" ]; then
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm \
    || say "npm is missing and cannot be installed here: the org-formation parser tests are skipped"
  if command -v npm >/dev/null 2>&1; then
    say "installing aws-organization-formation $ORGFORMATION_VERSION into $ORGFORMATION_DIR"
    rm -rf "$ORGFORMATION_DIR"
    npm install --prefix "$ORGFORMATION_DIR" --no-audit --no-fund --loglevel=error \
      "aws-organization-formation@$ORGFORMATION_VERSION" >/dev/null \
      || die "installing aws-organization-formation into $ORGFORMATION_DIR failed"
    touch "$ORGFORMATION_DIR/.installed-$ORGFORMATION_VERSION"
  fi
fi

if ! command -v dot >/dev/null 2>&1; then
  apt_install graphviz || say "graphviz's 'dot' is missing and cannot be installed here; install it \
with 'sudo apt-get install graphviz' (Debian/Ubuntu), 'sudo dnf install graphviz' (Fedora) or \
'brew install graphviz' (macOS). Diagrams are then written as DOT files only."
fi

# The design document's PDF embeds DejaVu Sans (any Unicode text); graphviz usually brings it.
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && command -v apt-get >/dev/null 2>&1; then
  apt_install fonts-dejavu-core || say "DejaVu fonts are missing; PDF documents need them \
(sudo apt-get install fonts-dejavu-core)"
fi

# The tests read the text of exported PDFs back with pdftotext (poppler-utils).
if ! command -v pdftotext >/dev/null 2>&1; then
  apt_install poppler-utils || say "pdftotext is missing: the tests skip reading PDF text \
(sudo apt-get install poppler-utils)"
fi

# PySide6 wheels need a few system libraries even when drawing offscreen.
if ! QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -c 'import PySide6.QtWidgets' 2>/dev/null; then
  apt_install libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
    || die "Qt cannot load its system libraries; install them with: sudo apt-get install \
libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0"
fi

# On a Linux desktop Qt draws through its X11 (xcb) platform plugin, which needs more libraries
# (without libxcb-cursor0 `make run` aborts); `make test` also runs the GUI tests on it, under
# Xvfb, typing real keys with xdotool. tools/check_display.py lists the libraries' packages: the
# ones Qt 6.5+ needs plus whatever `ldd` of PySide6's libqxcb.so reports missing.
x11_needed=()
{ command -v Xvfb && command -v xvfb-run; } >/dev/null 2>&1 || x11_needed+=(xvfb)
command -v xauth >/dev/null 2>&1 || x11_needed+=(xauth)
command -v xdotool >/dev/null 2>&1 || x11_needed+=(xdotool)
read -r -a xcb_packages <<<"$("$VENV/bin/python" tools/check_display.py --packages)"
x11_needed+=("${xcb_packages[@]}")
if [ ${#x11_needed[@]} -gt 0 ]; then
  apt_install "${x11_needed[@]}" || say "Qt's X11 platform or the X11 test tools are missing \
and cannot be installed here; install them with: sudo apt-get install ${x11_needed[*]}"
fi
