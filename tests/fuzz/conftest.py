"""What the fuzz tests share: the site as a WSGI application inside the test's transaction,
the settings that keep every run bounded and repeatable, and the ORUK OpenAPI document with
its schemas resolved from the local standards folder (never from the network)."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from werkzeug.test import Client

# Examples per API operation. Each one is a real request through the whole middleware stack,
# so the number is kept small enough for the whole fuzz set to finish well under a minute.
API_EXAMPLES = 25
# State machine runs, and steps in each, for the lifecycle tests.
LIFECYCLE_RUNS = 15
LIFECYCLE_STEPS = 12

# One Hypothesis profile for every fuzz test: the same inputs on every run (a failure found
# in CI is found again locally), no deadline (a slow CI machine is not a bug), and no shrink
# database written into the working tree.
BOUNDED = settings(
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)

# Schemathesis itself: a fixed seed, the same settings, and only the phases whose size the
# settings bound (the coverage phase adds hundreds of boundary cases per operation).
CONFIG: dict[str, Any] = {
    "seed": 16,
    "generation": {"mode": "all", "deterministic": True, "database": "none"},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
}


def fuzz_config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(copy.deepcopy(CONFIG))


StartResponse = Callable[..., Any]


class InProcessSite:
    """Django's WSGI handler, run as Django's own test client runs it.

    The handler closes the database connection after each request (`close_old_connections`
    on `request_finished`); inside a test's transaction that would end the transaction and
    lose the fixtures. Like `django.test.Client`, this leaves the connection open, so each
    request sees the test's rows and the test rolls everything back afterwards.
    """

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                response.close()
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


# The ORUK OpenAPI document ------------------------------------------------------------------

ORUK_SCHEMA_URL = "https://openreferraluk.org/specifications/3.0/schema/"
# Not schemas of any answer: the standard's own OpenAPI file, and a bundled copy of service.
NOT_ANSWERS = {"open_api.json", "service_with_definitions.json"}


def served_document(site: InProcessSite, path: str) -> dict[str, Any]:
    """The OpenAPI document the site serves at `path`, as any client would fetch it."""
    answer = Client(site).get(path)
    assert answer.status_code == 200, f"{path} answered {answer.status_code}"
    document: dict[str, Any] = json.loads(answer.get_data())
    return document


def with_local_schemas(document: dict[str, Any], schemas: Path) -> dict[str, Any]:
    """`document` with every ORUK schema it names by URL copied in under
    `components/schemas`, and each `$ref` pointing there: the same schemas, read from the
    standards folder, so validating an answer never reaches the network."""
    bundled = copy.deepcopy(document)
    components = bundled.setdefault("components", {}).setdefault("schemas", {})
    for path in sorted(schemas.glob("*.json")):
        if path.name not in NOT_ANSWERS:
            own = f"#/components/schemas/{path.stem}"
            components[path.stem] = _local_refs(json.loads(path.read_text("utf-8")), own)
    return _local_refs(bundled, own="#")


def _local_refs(node: Any, own: str) -> Any:
    """`node` with `$ref`s to ORUK schema URLs made local; `""` (the schema itself) is `own`."""
    if isinstance(node, dict):
        changed = {key: _local_refs(value, own) for key, value in node.items()}
        ref = changed.get("$ref")
        if isinstance(ref, str) and ref.startswith(ORUK_SCHEMA_URL):
            name = ref.removeprefix(ORUK_SCHEMA_URL).removesuffix(".json")
            changed["$ref"] = f"#/components/schemas/{name}"
        elif ref == "":
            changed["$ref"] = own
        return changed
    if isinstance(node, list):
        return [_local_refs(item, own) for item in node]
    return node


# --- Invariants both lifecycle state machines check ------------------------------------------


def assert_one_unbroken_chain(history: Any, *, changes: int, status: str) -> None:
    """A record's status history: one row per change, each starting where the last ended, in
    time order, ending at the status the record has."""
    rows = list(history.order_by("changed_at", "id"))
    assert len(rows) == changes
    assert rows[-1].to_status == status
    for before, after in itertools.pairwise(rows):
        assert after.from_status == before.to_status
        assert after.changed_at >= before.changed_at


def assert_audited_in_order(audit_rows: Any, *, audited: int) -> None:
    """One audit row per change, written in time order."""
    times = list(audit_rows.order_by("id").values_list("occurred_at", flat=True))
    assert len(times) == audited
    assert times == sorted(times)
