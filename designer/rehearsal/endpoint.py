"""Only an emulator on this machine: the rehearsal writes (OUs, accounts, SCPs, stacks)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from designer.rehearsal.errors import RehearsalError

LOOPBACK_NAMES = frozenset({"localhost"})


def loopback_endpoint(url: str) -> str:
    """`url` when it is http(s) on 127.0.0.0/8, ::1 or localhost; RehearsalError otherwise."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise RehearsalError(f"--endpoint-url {url!r} is not a URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise RehearsalError(f"--endpoint-url {url!r} is not an http(s) URL")
    if host.lower() in LOOPBACK_NAMES:
        return url
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise RehearsalError(
            f"--endpoint-url {url!r} is not on loopback (127.0.0.1, ::1, localhost): the "
            "rehearsal creates OUs, accounts, policies and stacks, so it only talks to an "
            "emulator on this machine"
        )
    return url
