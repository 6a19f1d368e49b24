"""A misbehaving HTTP endpoint on 127.0.0.1 for the import's fault tests: it hangs, drips,
answers garbage, an HTML page, `{}` or a huge body, or answers chosen operations itself and
forwards the rest to moto (through tests.helpers.aws_proxy).

Only the standard library; one thread per connection, daemon threads, so a test that leaves a
hung connection behind does not keep the process alive.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.helpers.aws_proxy import AwsProxy

HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Portal</body></html>"
GARBAGE = bytes(range(256)) * 8
HUGE = 64 * 1024 * 1024  # bytes: a body no organization answer comes near
DRIP = 2.0  # seconds between two bytes

Behaviour = str  # hang, drip, garbage, html, empty, huge


class HostileServer:
    """Every request gets `behaviour`; start with `with HostileServer("hang") as server:`."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.closing = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.closing.set()  # hung and dripping handlers end
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                behaviour = hostile.behaviour
                if behaviour == "hang":
                    hostile.closing.wait()
                    return
                if behaviour == "drip":
                    self._drip()
                    return
                body = {
                    "garbage": GARBAGE,
                    "html": HTML,
                    "empty": b"{}",
                    "huge": b"[" + b" " * HUGE + b"]",
                }[behaviour]
                kind = "text/html" if behaviour == "html" else "application/x-amz-json-1.1"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _drip(self) -> None:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                self.wfile.flush()
                while not hostile.closing.wait(DRIP):
                    self.wfile.write(b" ")
                    self.wfile.flush()

            do_GET = do_POST = do_PUT = answer

            def log_message(self, *_: Any) -> None:
                pass

        return Handler


def rewriting_proxy(target: str, edits: Mapping[str, Callable[[Any], Any]]) -> AwsProxy:
    """A proxy to moto whose answers to the operations in `edits` ("organizations:ListRoots")
    are moto's JSON answer passed through the edit."""

    def edit(operation: str, body: bytes) -> bytes:
        change = edits.get(operation)
        return json.dumps(change(json.loads(body))).encode() if change else body

    return AwsProxy(target, edit=edit)


__all__ = ["HostileServer", "rewriting_proxy"]
