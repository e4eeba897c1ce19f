"""`UrlFetcher` against a real HTTP server on 127.0.0.1, so the refusals come from `urllib`
and real sockets rather than from a fake: a 404, an answer too large, text that is not
JSON, a UTF-8 byte order mark, and a server that does not answer in time. Then a whole
import over HTTP."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.management import call_command

from linkwork.directory import models as m
from linkwork.directory.oruk.importer import FetchError, UrlFetcher
from tests.integration.directory.test_import_feed import BASE, feed  # noqa: F401 (fixture)

# The server listens on 127.0.0.1 only; pytest-socket still refuses any other host.
pytestmark = pytest.mark.enable_socket


@dataclass
class Answer:
    body: bytes
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0


@dataclass
class LocalServer:
    url: str
    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    # Set at the end of a test so that a handler still sleeping stops at once.
    done: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            local.requests.append((self.path, dict(self.headers)))
            answer = local.answers.get(self.path, Answer(b"Not here", 404, "text/plain"))
            if answer.delay and local.done.wait(answer.delay):
                return
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output quiet

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    local.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield local
    finally:
        local.done.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_url_fetcher_reads_json_and_asks_for_it(server):
    server.answers["/services?page=1"] = Answer(b'{"total_items": 0, "contents": []}')
    assert UrlFetcher().get_json(f"{server.url}/services?page=1") == {
        "total_items": 0,
        "contents": [],
    }
    path, headers = server.requests[0]
    assert path == "/services?page=1"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"] == "Linkwork import-oruk"


def test_url_fetcher_reads_json_after_a_utf8_byte_order_mark(server):
    server.answers["/bom"] = Answer('\ufeff{"name": "Café"}'.encode())
    assert UrlFetcher().get_json(f"{server.url}/bom") == {"name": "Café"}


def test_url_fetcher_says_which_http_error(server):
    with pytest.raises(FetchError, match=r"^HTTP 404 Not Found$"):
        UrlFetcher().get_json(f"{server.url}/missing")
    server.answers["/broken"] = Answer(b"{}", 500, "application/json")
    with pytest.raises(FetchError, match=r"^HTTP 500 Internal Server Error$"):
        UrlFetcher().get_json(f"{server.url}/broken")


def test_url_fetcher_refuses_an_answer_too_large(server, monkeypatch):
    monkeypatch.setattr(UrlFetcher, "MAX_BYTES", 1024 * 1024)
    listed = json.dumps({"contents": ["x" * 100] * 20_000}).encode()
    assert len(listed) > 1024 * 1024
    server.answers["/big"] = Answer(listed)
    with pytest.raises(FetchError, match="the answer is bigger than 1 MB"):
        UrlFetcher().get_json(f"{server.url}/big")
    server.answers["/just-fits"] = Answer(b"[" + b" " * (1024 * 1024 - 2) + b"]")
    assert UrlFetcher().get_json(f"{server.url}/just-fits") == []


def test_url_fetcher_refuses_text_that_is_not_json(server):
    server.answers["/page"] = Answer(b"<!doctype html><p>Hello</p>", content_type="text/html")
    with pytest.raises(FetchError, match=r"^not JSON"):
        UrlFetcher().get_json(f"{server.url}/page")
    server.answers["/latin1"] = Answer('{"name": "Café"}'.encode("latin-1"))
    with pytest.raises(FetchError, match=r"^not JSON"):
        UrlFetcher().get_json(f"{server.url}/latin1")


def test_url_fetcher_gives_up_when_the_server_does_not_answer_in_time(server):
    server.answers["/slow"] = Answer(b"{}", delay=30)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        UrlFetcher(timeout=0.5).get_json(f"{server.url}/slow")
    # It gave up on its own timeout, not after the server's 30 seconds.
    assert time.monotonic() - started < 15


def test_url_fetcher_says_when_nothing_listens():
    # A port held by a socket that never listens: connecting to it is refused at once.
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        with pytest.raises(FetchError, match="refused"):
            UrlFetcher(timeout=2).get_json(f"http://127.0.0.1:{port}/services")


@pytest.mark.django_db
def test_import_oruk_reads_a_whole_feed_over_http(server, feed):  # noqa: F811
    for url, document in feed.documents.items():
        server.answers[url.removeprefix(BASE)] = Answer(json.dumps(document).encode())
    out = io.StringIO()
    call_command("import_oruk", server.url + "/", "--no-progress", stdout=out)
    assert m.Service.objects.count() == 5
    asked = [path for path, _ in server.requests]
    assert asked[:2] == ["/", "/services?page=1"]
    assert {"/services?page=2", "/services?page=3"} <= set(asked)
