"""A real HTTP receiver on 127.0.0.1 for webhook tests: it records every request
(headers and raw body) and answers with the statuses it is told to."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cocreate.communities.models import Role
from tests.challenges.conftest import (  # noqa: F401
    author,
    challenge,
    clock,
    idea,
    make_members,
)
from tests.factories import UserFactory, add_member


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    method: str = "POST"

    def header(self, name: str) -> str | None:
        """A request header, looked up case-insensitively (as HTTP defines them)."""
        found = [v for k, v in self.headers.items() if k.lower() == name.lower()]
        return found[0] if found else None


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # Statuses to answer with, in order; when used up, `default`.
    answers: list[int] = field(default_factory=list)
    default: int = 200
    # Seconds to wait before answering (for timeouts and overlapping senders).
    delay: float = 0.0
    # The response body; None: "answered <status>".
    reply: bytes | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.answers.pop(0) if self.answers else self.default


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: Receiver | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.answer()

        def do_GET(self) -> None:
            self.answer()

        def answer(self) -> None:
            assert state is not None
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with state.lock:
                state.requests.append(
                    Received(self.path, dict(self.headers.items()), body, self.command)
                )
            status = state.next_status()
            if state.delay:
                time.sleep(state.delay)
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            if 300 <= status < 400:  # somewhere a sender that follows redirects would go
                self.send_header("Location", f"{state.url}/moved")
            self.end_headers()
            reply = state.reply if state.reply is not None else f"answered {status}".encode()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Receiver(url=f"http://127.0.0.1:{server.server_port}/hook")
    # A short poll interval: shutdown() waits up to one interval.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def dead_url() -> str:
    """A loopback port nobody listens on (connection refused)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


@pytest.fixture
def webmaster(community):
    user = UserFactory(display_name="Wendy Webmaster")
    add_member(community, user, Role.STAFF)
    return user
