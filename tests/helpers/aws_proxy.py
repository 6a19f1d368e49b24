"""A forwarding HTTP server in front of moto that behaves like AWS seen from far away: each
request is delayed, one in N is answered with the service's own throttling error, chosen
operations fail with the error AWS would send, and every request is logged.

boto3 points its endpoint_url at the proxy; the proxy forwards the request unchanged to moto.
Only the standard library: the benchmark also runs it as a separate process
(`python tests/helpers/aws_proxy.py TARGET_URL [--delay S] [--throttle-every N]` prints its URL).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, dict[str, str], bytes]
SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
QUERY_SERVICES = {"iam", "sts"}  # awsquery: errors in an ErrorResponse document
JSON_THROTTLE = {"organizations": "TooManyRequestsException"}  # others: ThrottlingException


def service_of(headers: Any) -> str:
    found = SCOPE.search(headers.get("Authorization", ""))
    return found.group(1) if found else "unknown"


def operation_of(service: str, method: str, path: str, headers: Any, body: bytes) -> str:
    """ "organizations:ListRoots"; for REST services the method and path ("s3:GET /bucket")."""
    target = headers.get("X-Amz-Target")
    if target:
        return f"{service}:{target.rsplit('.', 1)[-1]}"
    action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    if action:
        return f"{service}:{action[0]}"
    return f"{service}:{method} {urlsplit(path).path}"


def error(service: str, code: str, message: str, status: int = 400) -> Answer:
    """`code` as the service's protocol carries it (what botocore parses from AWS)."""
    if service in QUERY_SERVICES:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>proxy</RequestId></ErrorResponse>"
        )
        return status, {"Content-Type": "text/xml"}, body.encode()
    if service == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>'
            f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            "<RequestID>proxy</RequestID></Response>"
        )
        return status, {"Content-Type": "text/xml"}, body.encode()
    if service == "s3":
        body = (
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            "<RequestId>proxy</RequestId></Error>"
        )
        return status, {"Content-Type": "application/xml"}, body.encode()
    if service == "ram":  # rest-json: the code in a header
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}
        return status, headers, json.dumps({"message": message}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1"}
    return status, headers, json.dumps({"__type": code, "message": message}).encode()


def throttling(service: str) -> Answer:
    """The answer AWS gives a client that calls too fast, per service."""
    if service == "s3":
        return error(service, "SlowDown", "Please reduce your request rate.", 503)
    if service == "ec2":
        return error(service, "RequestLimitExceeded", "Request limit exceeded.", 503)
    if service in QUERY_SERVICES:
        return error(service, "Throttling", "Rate exceeded")
    if service == "ram":
        return error(service, "ThrottlingException", "Rate exceeded", 429)
    return error(service, JSON_THROTTLE.get(service, "ThrottlingException"), "Rate exceeded")


class AwsProxy:
    """Start with `start()` (or as a context manager); point boto3 at `url`."""

    def __init__(
        self,
        target: str,
        delay: float = 0.0,
        throttle_every: int = 0,
        fail: dict[str, str] | None = None,
        on_request: Callable[[str], None] | None = None,
        edit: Callable[[str, bytes], bytes] | None = None,
    ) -> None:
        self.target = urlsplit(target)
        self.delay, self.throttle_every = delay, throttle_every
        self.fail = fail or {}  # "organizations:ListDelegatedAdministrators" -> error code
        self.on_request = on_request  # called with the operation before it is answered
        self.edit = edit  # (operation, moto's answer body) -> the body sent back
        self.log: list[str] = []  # every request received, in order
        self.throttled = 0
        self._count = itertools.count(1)
        self._lock = threading.Lock()
        self._local = threading.local()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> AwsProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> AwsProxy:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def answer(self, method: str, path: str, headers: Any, body: bytes) -> Answer:
        service = service_of(headers)
        operation = operation_of(service, method, path, headers, body)
        with self._lock:
            self.log.append(operation)
            number = next(self._count)
        if self.on_request is not None:
            self.on_request(operation)
        if self.delay:
            time.sleep(self.delay)
        if operation in self.fail:
            return error(service, self.fail[operation], f"injected by the test proxy: {operation}")
        if self.throttle_every and number % self.throttle_every == 0:
            with self._lock:
                self.throttled += 1
            return throttling(service)
        status, answer_headers, data = self.forward(method, path, headers, body)
        if self.edit is not None:
            data = self.edit(operation, data)
        return status, answer_headers, data

    def forward(self, method: str, path: str, headers: Any, body: bytes) -> Answer:
        """The same request to the target, on this thread's kept-alive connection."""
        for attempt in (1, 2):
            connection = getattr(self._local, "connection", None)
            if connection is None:
                connection = http.client.HTTPConnection(
                    self.target.hostname, self.target.port, timeout=60
                )
                self._local.connection = connection
            try:
                connection.request(method, path, body=body or None, headers=dict(headers))
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                self._local.connection = None
                if attempt == 2:
                    raise
                continue
            skip = {"transfer-encoding", "connection", "content-length"}
            kept = {k: v for k, v in response.getheaders() if k.lower() not in skip}
            return response.status, kept, data
        raise AssertionError("unreachable")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as boto3 expects

            def relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                status, answer_headers, data = proxy.answer(self.command, self.path, headers, body)
                self.send_response(status)
                for key, value in answer_headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = relay

            def log_message(self, *_: Any) -> None:
                pass  # one line per request otherwise

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds added to each request")
    parser.add_argument("--throttle-every", type=int, default=0)
    args = parser.parse_args()
    proxy = AwsProxy(args.target, args.delay, args.throttle_every)
    print(proxy.url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        proxy.server.serve_forever()


if __name__ == "__main__":
    main()
