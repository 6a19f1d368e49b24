"""Which TrueType fonts the PDF embeds: found on the system, so any Unicode in names prints.

The order: $ACCOUNT_DESIGNER_PDF_FONT_DIR, then fontconfig, then the usual folders of Linux,
macOS and Windows. Without any, a one-line DesignError says what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from designer.model.errors import DesignError

FONT_DIR_ENV = "ACCOUNT_DESIGNER_PDF_FONT_DIR"
NO_FONT = (
    "PDF needs a TrueType font: install DejaVu (sudo apt-get install fonts-dejavu-core) "
    f"or set {FONT_DIR_ENV}"
)


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path | None = None
    italic: Path | None = None
    mono: Path | None = None
    fallback: Path | None = None  # for characters the regular font lacks (CJK)


_NAMES: dict[str, tuple[str, ...]] = {
    "regular": (
        "DejaVuSans.ttf",
        "NotoSans-Regular.ttf",
        "LiberationSans-Regular.ttf",
        "Arial Unicode.ttf",
        "arial.ttf",
        "Arial.ttf",
    ),
    "bold": (
        "DejaVuSans-Bold.ttf",
        "NotoSans-Bold.ttf",
        "LiberationSans-Bold.ttf",
        "arialbd.ttf",
        "Arial Bold.ttf",
    ),
    "italic": (
        "DejaVuSans-Oblique.ttf",
        "NotoSans-Italic.ttf",
        "LiberationSans-Italic.ttf",
        "ariali.ttf",
        "Arial Italic.ttf",
    ),
    "mono": (
        "DejaVuSansMono.ttf",
        "NotoSansMono-Regular.ttf",
        "LiberationMono-Regular.ttf",
        "consola.ttf",
        "cour.ttf",
        "Courier New.ttf",
    ),
    "fallback": (
        "NotoSansCJK-Regular.ttc",
        "NotoSansCJKjp-Regular.otf",
        "DroidSansFallbackFull.ttf",
        "DroidSansFallback.ttf",
        "wqy-microhei.ttc",
        "Arial Unicode.ttf",
        "msyh.ttc",
        "msgothic.ttc",
    ),
}
_FC_PATTERNS = {
    "regular": "DejaVu Sans",
    "bold": "DejaVu Sans:bold",
    "italic": "DejaVu Sans:italic",
    "mono": "DejaVu Sans Mono",
    "fallback": ":lang=ja",
}
_FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/dejavu-sans-mono-fonts"),
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/google-noto-cjk"),
    Path("/usr/share/fonts/noto-cjk"),
    Path("/usr/share/fonts/truetype/droid"),
    Path("/usr/share/fonts/truetype/wqy"),
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts/Supplemental"),
    Path(os.environ.get("WINDIR", "C:\\Windows")) / "Fonts",
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


def find_fonts() -> FontFiles:
    """The fonts to embed: $ACCOUNT_DESIGNER_PDF_FONT_DIR, then fontconfig, then known places."""
    found = {role: _first_font(role) for role in _NAMES}
    regular = found["regular"]
    if regular is None:
        raise DesignError(NO_FONT)
    fallback = found["fallback"]
    return FontFiles(
        regular=regular,
        bold=found["bold"],
        italic=found["italic"],
        mono=found["mono"],
        fallback=None if fallback == regular else fallback,
    )


def _first_font(role: str) -> Path | None:
    return next((path for path in _font_candidates(role) if path.is_file()), None)


def _font_candidates(role: str) -> Iterator[Path]:
    """Lazily, so fontconfig is not asked when the environment's directory has the font."""
    names = _NAMES[role]
    env_dir = os.environ.get(FONT_DIR_ENV)
    if env_dir:
        yield from (Path(env_dir) / name for name in names)
    matched = _fc_match(_FC_PATTERNS[role])
    if matched is not None:
        yield matched
    for directory in _FONT_DIRS:
        yield from (directory / name for name in names)


def _fc_match(pattern: str) -> Path | None:
    """Fontconfig's closest font file; None without fontconfig or when it is not TrueType."""
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "-f", "%{file}", pattern],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(done.stdout.strip())
    ok = done.returncode == 0 and path.suffix.lower() in _FONT_SUFFIXES
    return path if ok else None
