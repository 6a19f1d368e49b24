"""What stops a rehearsal (one line for the user) and what fails one step."""

from __future__ import annotations


class RehearsalError(Exception):
    """The rehearsal cannot run or go on: bad input, the emulator unreachable or refusing."""


class StepFailed(Exception):
    """One step could not be performed as the plan says; the rehearsal goes on."""


class NotSimulated(Exception):
    """The emulator cannot do what a step asks (a limit of moto, not of the plan)."""
