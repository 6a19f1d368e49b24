"""Only an emulator on this machine: the rehearsal writes (OUs, accounts, SCPs, stacks)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from designer.rehearsal.errors import RehearsalError


def loopback_endpoint(url: str) -> str:
    """`url` when it is http(s) on an IP literal in 127.0.0.0/8 or ::1; RehearsalError otherwise.

    No host name, "localhost" included: what it resolves to is up to the resolver (a hosts file,
    a DNS search domain), not to the URL.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise RehearsalError(f"--endpoint-url {url!r} is not a URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise RehearsalError(f"--endpoint-url {url!r} is not an http(s) URL")
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise RehearsalError(
            f"--endpoint-url {url!r} is not on loopback: give an IP literal in 127.0.0.0/8 or "
            "::1 (no host name, not even localhost: the resolver decides where it goes); the "
            "rehearsal creates OUs, accounts, policies and stacks, so it only talks to an "
            "emulator on this machine"
        )
    return url
