"""The import's traffic control: one adaptive rate limiter per service, shared by every worker,
bounded retries, counts of what was sent, and a stop that takes effect at the next request.

botocore's own adaptive mode keeps one limiter per client, so 8 workers reading 200 accounts
knew nothing of each other's throttling; its retry quota is per client too and runs dry on a
client that makes hundreds of calls. Here botocore makes one attempt and `Traffic.needs_retry`
decides on every retry; all waiting is on the stop event, so Cancel interrupts it at once.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from typing import Any

from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.exceptions import HTTPClientError
from botocore.retries.standard import RetryContext, StandardRetryConditions

MAX_ATTEMPTS = 10  # per operation, the first included
# An endpoint that times out or drops the connection is unlikely to recover within seconds:
# fewer attempts, or a hanging endpoint would hold one call for 10 read timeouts.
CONNECTION_ATTEMPTS = 3
RETRY_BASE = 0.1  # seconds: the first retry waits up to this, doubling each time
RETRY_CAP = 2.0  # the longest wait before one retry
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
    }
)


class ImportCancelled(Exception):
    """The user stopped the import (Ctrl+C, the Cancel button)."""


class Limiter:
    """A token bucket that starts open and closes when the service throttles: to 70 % of the
    rate sent, at most one cut every 2 s (one per burst of throttling), doubling each second
    that answers come back until it no longer limits and opens again.

    Backing off only pays when throttling follows the rate. If the share of throttled answers
    after a cut is no lower than before it, the cut did not help (a fixed share is throttled
    whatever the rate): the limiter opens and leaves that throttling to the retries for 30 s
    before it tries cutting again.
    """

    FLOOR = 2.0  # requests per second: never slower
    CUT = 0.7
    COOLDOWN = 2.0  # seconds between two cuts
    GROWTH = 2.0  # per second without a cut
    HELPED = 0.75  # a cut helped when the throttled share fell below this much of before
    CALM = 30.0  # seconds open after a cut that did not help
    WINDOW = 1.0  # seconds of sends that make the measured rate
    SHORTEST = 0.1  # seconds: the shortest span a rate is measured over

    def __init__(self) -> None:
        self.rate: float | None = None  # requests per second; None: not limiting
        self._tokens = 1.0
        self._filled = self._cut = self._grown = self._calm_until = 0.0
        self._answers = self._throttles = 0  # since the last cut (or opening)
        self._before = 1.0  # the throttled share before the last cut
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self, stop: threading.Event) -> None:
        """Wait for this request's turn; ImportCancelled if `stop` is set meanwhile."""
        with self._lock:
            now = time.monotonic()
            self._sent.append(now)
            while self._sent and self._sent[0] < now - self.WINDOW:
                self._sent.popleft()
            if self.rate is None:
                return
            self._tokens = min(1.0, self._tokens + (now - self._filled) * self.rate)
            self._filled = now
            self._tokens -= 1.0  # reserved: later requests queue behind this one
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0 and stop.wait(wait):
            raise ImportCancelled

    def throttled(self) -> None:
        with self._lock:
            now = time.monotonic()
            self._answers += 1
            self._throttles += 1
            if now < self._calm_until:
                return
            if self.rate is not None:
                if now - self._cut < self.COOLDOWN:
                    return  # the same burst of throttling: cut once
                if self._throttles / self._answers >= self._before * self.HELPED:
                    self._open(now + self.CALM)
                    return
            self._before = self._throttles / self._answers
            # From the rate allowed, not the rate measured: that one is held down by the
            # other services' limiters when all of them throttle, and would spiral down.
            base = self._measured(now) if self.rate is None else self.rate
            self.rate = max(self.FLOOR, base * self.CUT)
            self._cut = self._grown = self._filled = now
            self._tokens = 0.0
            self._answers = self._throttles = 0

    def answered(self) -> None:
        with self._lock:
            self._answers += 1
            if self.rate is None:
                return
            now = time.monotonic()
            self.rate *= self.GROWTH ** (now - self._grown)
            self._grown = now
            if self.rate > 4 * max(self._measured(now), self.FLOOR):
                self._open(now)  # far above what is asked for

    def _open(self, calm_until: float) -> None:
        self.rate = None
        self._calm_until = calm_until
        self._answers = self._throttles = 0
        self._before = 1.0

    def _measured(self, now: float) -> float:
        """Requests per second over the sends of the last second, a burst at its own pace
        (a service called in bursts is not judged by its average)."""
        recent = [t for t in self._sent if t >= now - self.WINDOW]
        if not recent:
            return 0.0
        return len(recent) / max(now - recent[0], self.SHORTEST)


class Traffic:
    """Hooks on every client of one import: stop, pace, retry and count."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.requests = self.throttled = self.retries = 0
        self.limiters: dict[str, Limiter] = {}
        self._conditions = StandardRetryConditions(max_attempts=MAX_ATTEMPTS)
        self._lock = threading.Lock()

    def watch(self, events: Any) -> None:
        """Hook a client's event system (its own copy: the caller's session is left as it is)."""
        events.register("before-call", self.before_call)
        events.register("before-send", self.before_send)
        events.register("needs-retry", self.needs_retry)

    def limiter(self, service: str) -> Limiter:
        with self._lock:
            return self.limiters.setdefault(service, Limiter())

    def before_call(self, **_: Any) -> None:
        if self.stop.is_set():
            raise ImportCancelled

    def before_send(self, event_name: str, **_: Any) -> None:
        """Every HTTP request, retries included: counted, paced by its service's limiter."""
        if self.stop.is_set():
            raise ImportCancelled
        with self._lock:
            self.requests += 1
        self.limiter(_service(event_name)).acquire(self.stop)

    def needs_retry(
        self,
        event_name: str,
        attempts: int,
        operation: Any,
        response: tuple[Any, dict[str, Any]] | None = None,
        caught_exception: Exception | None = None,
        **_: Any,
    ) -> float | None:
        """None: no retry. Otherwise waits out the backoff here (Cancel ends it) and returns 0,
        which botocore takes as "retry now"."""
        if isinstance(caught_exception, ImportCancelled):
            return None  # botocore raises it
        if self.stop.is_set():
            raise ImportCancelled
        http, parsed = response if response is not None else (None, None)
        context = RetryContext(
            attempt_number=attempts,
            operation_model=operation,
            parsed_response=parsed,
            http_response=http,
            caught_exception=caught_exception,
        )
        limiter = self.limiter(_service(event_name))
        if _is_throttling(context):
            limiter.throttled()
            with self._lock:
                self.throttled += 1
        elif caught_exception is None:
            limiter.answered()
        if not self._conditions.is_retryable(context):
            return None
        if attempts >= CONNECTION_ATTEMPTS and isinstance(
            caught_exception, (BotoConnectionError, HTTPClientError)
        ):
            return None
        with self._lock:
            self.retries += 1
        if self.stop.wait(random.random() * min(RETRY_CAP, RETRY_BASE * 2 ** (attempts - 1))):
            raise ImportCancelled
        return 0


def _service(event_name: str) -> str:
    return event_name.split(".")[1]  # before-send.<service>.<Operation>


def _is_throttling(context: RetryContext) -> bool:
    if context.get_error_code() in THROTTLING_CODES:
        return True
    http = context.http_response
    return http is not None and http.status_code == 429
