"""A tiny scripted HTTP server for transport tests that need no API state (GIL release,
asyncio, timeouts, retries, redaction): it answers every request with the next scripted
reply, or with a one-record priority listing."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

LISTING = b'{"success":true,"total":"1","list":[{"agentid":"7","qid":"9","level":"100"}]}'
WRITE_OK = b'{"success":true,"total":1,"bad":0,"key":42}'


@dataclass
class Reply:
    status: int = 200
    body: Optional[bytes] = None  # None: a listing for GET, a write result for POST
    delay: float = 0.0
    echo_path: bool = False  # put the request path (with the token) into the body


@dataclass
class FakeServer:
    server: ThreadingHTTPServer
    script: list[Reply] = field(default_factory=list)
    default: Reply = field(default_factory=Reply)
    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def next_reply(self, path: str) -> Reply:
        with self.lock:
            self.paths.append(path)
            return self.script.pop(0) if self.script else self.default


def start() -> FakeServer:
    holder: list[FakeServer] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def answer(self, is_write: bool) -> None:
            reply = holder[0].next_reply(self.path)
            if reply.delay:
                time.sleep(reply.delay)
            body = reply.body if reply.body is not None else (WRITE_OK if is_write else LISTING)
            if reply.echo_path:
                body = b"error in " + self.path.encode() + b" " + body
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self.answer(False)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.answer(True)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake = FakeServer(server)
    holder.append(fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake
