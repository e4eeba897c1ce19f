"""A webhook receiver on this machine (127.0.0.1), in a thread, for the webhook tests: it
answers each request with the next status of a script and keeps what it was sent."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer(ThreadingHTTPServer):
    """An HTTP server that does not look its own name up (no DNS in the tests)."""

    daemon_threads = True

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the receiver was sent, and the statuses it will answer (the last one repeats)."""

    url: str
    server: ThreadingHTTPServer
    answers: list[int] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)
    _thread: threading.Thread | None = None

    def answer(self) -> int:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def start(self) -> None:
        """Listen and answer (a receiver made `down` refuses connections until this)."""
        self.server.server_activate()
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join()
        self.server.server_close()


@contextmanager
def local_receiver(*, down: bool = False, answers: list[int] | None = None) -> Iterator[Receiver]:
    """A receiver at http://127.0.0.1:<free port>/hook. With `down`, the port is held but not
    listened on, so every connection is refused until `start()`."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            receiver.received.append(Received(dict(self.headers.items()), body))
            status = receiver.answer()
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            return  # Quiet: the tests read `received`.

    server = LocalServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
    server.server_bind()
    host, port = server.server_address[:2]
    receiver = Receiver(url=f"http://{host}:{port}/hook", server=server)
    if answers:
        receiver.answers = list(answers)
    if not down:
        receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()
