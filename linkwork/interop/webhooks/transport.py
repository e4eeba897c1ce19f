"""HTTP(S) to an address already checked (`addresses.address_to_connect`): the connection goes
to that IP address, while the request, TLS's server name and the certificate check use the
endpoint's own name, as if it had been looked up. No proxy is used: through one, the proxy
would look the name up again, past the check.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.request
from typing import Any

# Opens the TCP connection to (address, port); tests put their own in its place.
open_socket = socket.create_connection


def _pinned(connection_class: type[http.client.HTTPConnection], address: str) -> Any:
    def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        connection = connection_class(host, **kwargs)

        def connect(where: tuple[str, int], *args: Any, **more: Any) -> socket.socket:
            return open_socket((address, where[1]), *args, **more)

        connection._create_connection = connect  # type: ignore[attr-defined]
        return connection

    return make


class _PinnedHTTP(urllib.request.HTTPHandler):
    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_pinned(http.client.HTTPConnection, self.address), req)


class _PinnedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, address: str) -> None:
        super().__init__(context=ssl.create_default_context())
        self.address = address

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            _pinned(http.client.HTTPSConnection, self.address),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address to call: it could lead anywhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def opener(address: str) -> urllib.request.OpenerDirector:
    """An opener that connects only to `address`, follows no redirect and uses no proxy."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), NoRedirects, _PinnedHTTP(address), _PinnedHTTPS(address)
    )
