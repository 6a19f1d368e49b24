"""One rehearsal, from an export folder to its report."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from designer.live.guard import WriteRefused
from designer.model.design import Design
from designer.model.errors import DesignError
from designer.rehearsal.compare import compare
from designer.rehearsal.emulator import fatal, reason
from designer.rehearsal.endpoint import loopback_endpoint
from designer.rehearsal.errors import RehearsalError
from designer.rehearsal.expected import export_additions
from designer.rehearsal.report import Rehearsal
from designer.rehearsal.runner import prepare, walk


def rehearse(
    export_dir: Path,
    endpoint_url: str,
    design: Design,
    progress: Callable[[int, int], None] | None = None,
) -> Rehearsal:
    """The export's plan executed on the emulator at `endpoint_url`, imported and diffed with
    `design`; RehearsalError (one line) when it cannot run."""
    url = loopback_endpoint(endpoint_url)
    started = time.perf_counter()
    context = prepare(export_dir, url, design)
    result = Rehearsal(str(export_dir), url)
    steps = walk(context, progress)
    result.outcomes, result.failures, result.steps_seconds = (
        steps.outcomes,
        steps.failures,
        steps.seconds,
    )
    try:
        result.comparison = compare(
            design,
            context.world,
            context.emulator,
            steps.outcomes,
            export_additions(design, export_dir),
        )
    except ResponseParserError:
        raise RehearsalError(
            f"the import failed: the emulator at {url} answered HTTP 500"
        ) from None
    except (ClientError, BotoCoreError) as exc:
        stop = fatal(exc, url)
        raise stop or RehearsalError(f"the import failed: {reason(exc)}") from None
    except (DesignError, WriteRefused) as exc:
        raise RehearsalError(f"the import failed: {exc}") from None
    result.seconds = time.perf_counter() - started
    return result
