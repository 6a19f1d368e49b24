"""File-name parts made from user text."""

from __future__ import annotations

import re
import unicodedata


def safe_name(text: str, fallback: str = "item") -> str:
    """A file-name part from user text: ASCII letters, digits, '-', '_' and '.', no leading dot."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_text).strip("-._")
    cleaned = re.sub(r"-{2,}", "-", cleaned)[:64].strip("-._")
    return cleaned.lower() or fallback
