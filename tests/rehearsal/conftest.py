"""A fresh moto server organization for each rehearsal (the server is tests/live's, on loopback).

The rehearsal creates every account: moto then loads no AWS managed policies (~2 s an account)
and no default AMIs (they make the import of each account slow); the rehearsal reports the
managed policies it could not attach.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from designer.model.design import Design
from exporters.base import export_design
from tests.live.conftest import _reset, moto_url  # noqa: F401 - the server fixture, reused

EXPORT_FORMATS = ("policies", "cloudformation", "plan")
QUICK_EMULATOR = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "false", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}


@pytest.fixture
def emulator(moto_url: str) -> Iterator[str]:  # noqa: F811
    """The server's URL, reset: no organization yet."""
    with quick_emulator(moto_url) as url:
        yield url


class quick_emulator:
    """Reset the server with the quick settings; restore the environment afterwards."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> str:
        for key, value in QUICK_EMULATOR.items():
            self.saved[key] = os.environ.get(key)
            os.environ[key] = value
        _reset(self.url)
        return self.url

    def __exit__(self, *_: object) -> None:
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def export(design: Design, out: Path) -> Path:
    """The formats a rehearsal reads (diagrams and documents are not needed)."""
    export_design(design, out, EXPORT_FORMATS)
    return out
