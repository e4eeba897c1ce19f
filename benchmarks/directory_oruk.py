"""The ORUK API at 1k, 10k and 100k services, against the floor of its own SQL.

Works in a scratch test database (never the configured one), filled by copying the demo
directory of Brackenfield town by town with bulk inserts: each copy is a town of its own,
some 25 km from the last, so a 5 km search around a demo postcode finds one town's services
among all of them. Times `GET /oruk/services?search=<word>` and
`GET /oruk/service_at_locations?postcode=<demo postcode>&proximity=5000` through Django's test
client (middleware, throttle and JSON included). The floor is the same SQL the view issued,
captured once and re-run bare on a cursor. Sizes above 10k run on PostgreSQL only. Run with
`linkwork bench directory_oruk`, or `PYTHONPATH=. python benchmarks/directory_oruk.py`.
"""

from __future__ import annotations

import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

NOTES = """
- Directory search by relevance (issue 13): `search <word>` is `directory.search.search`
  (the ranked page of results and its distances, categories, languages and sessions, without
  the HTML); `search UI <word>` is the whole search page with only those words. `walking`
  ranks thousands of matches at 100,000 services, `lonely` goes through its synonyms, `lonley`
  is a typo (few matches, so the search widens and corrects it). Targets: p95 under 100 ms at
  100,000 services and at most 3x the floor, the bare full-text SQL the search issued.
"""
SIZES = (1_000, 10_000, 100_000)
REQUESTS = 40
WARM_UP = 3
SEARCH_WORD = "walking"
# The search page by relevance: a common word (many matches to rank), a word with synonyms,
# and a typo (the fallback: few matches, then the correction).
SEARCH_UI_WORDS = ("walking", "lonely", "lonley")
POSTCODE = "BK1 1AE"
PROXIMITY_M = 5000
# Towns in a grid: rows a quarter of a degree of latitude apart, columns 0.4 degrees of
# longitude (both about 27 km at 54 degrees north).
GRID_COLUMNS = 20


@contextmanager
def scratch_database() -> Iterator[None]:
    """A freshly migrated test database in place of the configured one, dropped afterwards."""
    from django.db import connection

    settings_dict = connection.settings_dict
    old_name, old_test = settings_dict["NAME"], dict(settings_dict.get("TEST") or {})
    if connection.vendor != "sqlite":
        settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        settings_dict["TEST"] = old_test


class Towns:
    """Copies of the seeded demo directory, with fresh ids and moved coordinates."""

    def __init__(self) -> None:
        from linkwork.directory import models as m

        self.models: list[type[Any]] = [
            m.Organization,
            m.Location,
            m.Address,
            m.Accessibility,
            m.Service,
            m.ServiceAtLocation,
            m.Contact,
            m.Phone,
            m.Schedule,
            m.CostOption,
            m.Language,
            m.ServiceArea,
            m.Funding,
            m.Attribute,
        ]
        self.rows = {model: list(model.objects.values()) for model in self.models}
        self.services = [row["id"] for row in self.rows[m.Service]]
        phones = {row["id"]: row["service_id"] for row in self.rows[m.Phone]}
        # Which service each row belongs to (None: the town's shared rows).
        self.owner: dict[type[Any], Callable[[dict[str, Any]], Any]] = {
            m.Service: lambda row: row["id"],
            m.Phone: lambda row: row["service_id"],
            m.Language: lambda row: row["service_id"] or phones.get(row["phone_id"]),
            m.Attribute: lambda row: row["link_id"] if row["link_entity"] == "service" else None,
        }
        for model in (m.ServiceAtLocation, m.Contact, m.Schedule, m.CostOption):
            self.owner[model] = lambda row: row["service_id"]
        for model in (m.ServiceArea, m.Funding):
            self.owner[model] = lambda row: row.get("service_id")
        town = set(self.models)
        self.renamed = {
            model: [
                field.attname
                for field in model._meta.concrete_fields
                if field.primary_key
                or (field.is_relation and field.related_model in town)
                or field.attname == "link_id"
            ]
            for model in self.models
        }
        self.location = m.Location
        self.added = 0

    @property
    def size(self) -> int:
        return len(self.services)

    def add(self, number: int, services: int) -> None:
        """Town `number` (from 1), with only its first `services` services."""
        keep = set(self.services[:services])
        row_number, column = divmod(number, GRID_COLUMNS)
        shift = uuid.UUID(int=random.Random(number).getrandbits(128)).int

        def moved(value: uuid.UUID | None) -> uuid.UUID | None:
            return None if value is None else uuid.UUID(int=value.int ^ shift)

        for model in self.models:
            owner = self.owner.get(model, lambda row: None)
            copies = []
            for row in self.rows[model]:
                belongs = owner(row)
                if belongs is not None and belongs not in keep:
                    continue
                values = dict(row)
                for name in self.renamed[model]:
                    values[name] = moved(values[name])
                if model is self.location and values["latitude"] is not None:
                    values["latitude"] += row_number * 0.25
                    values["longitude"] += column * 0.4
                copies.append(model(**values))
            model.objects.bulk_create(copies, batch_size=2000)


def fill(towns: Towns, have: int, want: int) -> int:
    """Add towns until there are `want` services; return how many there are."""
    from django.db import connection, transaction

    with transaction.atomic():
        while have < want:
            towns.added += 1
            take = min(towns.size, want - have)
            towns.add(towns.added, take)
            have += take
    # What autovacuum would do after a big load: fresh planner statistics, and the trigram
    # indexes' pending entries merged, so the plans are the ones a settled database gets.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return have


def _ms(work: Callable[[], object], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def link_worker_client() -> Any:
    """A test client signed in, two-factor passed, as a link worker of a scheme."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from linkwork.accounts.models import Membership, Organisation, Role, Scheme, User

    host = Organisation.objects.create(name="Bench PCN", kind="pcn")
    scheme = Scheme.objects.create(name="Bench scheme", slug="bench-scheme", host=host)
    user = User.objects.create_user("bench@example.org", "bench-only-password", full_name="Bench")
    Membership.objects.create(user=user, organisation=host, scheme=scheme, role=Role.LINK_WORKER)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def against_floor(
    name: str, size: int, work: Callable[[], object], repeats: int
) -> dict[str, object]:
    """Time `work` against its floor: the SQL it issued, captured once after a warm-up and
    re-run bare on a cursor. One row with the runner's keys."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        work()
    with CaptureQueriesContext(connection) as captured:
        work()
    statements = [q["sql"] for q in captured.captured_queries]

    def bare() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                # Reads return rows; the session update and transaction statements do not.
                if cursor.description is not None:
                    cursor.fetchall()

    for _ in range(WARM_UP):
        bare()
    # Alternate the two, so both see the same machine (other work, caches) at the same time.
    times: list[float] = []
    floor: list[float] = []
    for _ in range(repeats):
        times += _ms(work, 1)
        floor += _ms(bare, 1)
    p50, floor_p50 = float(np.percentile(times, 50)), float(np.percentile(floor, 50))
    return {
        "benchmark": name,
        "size": size,
        "p50_ms": p50,
        "p95_ms": float(np.percentile(times, 95)),
        "floor_p50_ms": floor_p50,
        "ratio": p50 / floor_p50 if floor_p50 else float("nan"),
    }


def measure(name: str, size: int, url: str, repeats: int, client: Any = None) -> dict[str, object]:
    """A GET of `url` through the test client (signed in, when `client` is), against the SQL
    the request issued run bare."""
    from django.test import Client

    client = client or Client()

    def request() -> None:
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.content[:200])

    return against_floor(name, size, request, repeats)


def measure_search(word: str, size: int, repeats: int) -> dict[str, object]:
    """`directory.search.search` for a word (the results page's query and its decoration,
    without the HTML), against the same SQL run bare."""
    from django.db import connection

    from linkwork.directory.search import Criteria, search

    def call() -> None:
        assert search(Criteria(text=word)).results

    return against_floor(f"search {word} ({connection.vendor})", size, call, repeats)


def run(sizes: tuple[int, ...] = SIZES, repeats: int = REQUESTS) -> list[dict[str, object]]:
    """One row per endpoint and size; sizes above 10k only on PostgreSQL."""
    from django.db import connection
    from django.test.utils import override_settings

    from linkwork.directory.demo import seed_directory

    rows: list[dict[str, object]] = []
    with (
        scratch_database(),
        override_settings(ALLOWED_HOSTS=["testserver"], LINKWORK_ORUK_RATE="1000000/m"),
    ):
        seed_directory(rng=random.Random(1), account_organisations=[])
        worker = link_worker_client()
        towns = Towns()
        have = towns.size
        for size in sizes:
            if size > 10_000 and connection.vendor != "postgresql":
                print(f"skipping {size:,} services: PostgreSQL only", file=sys.stderr)
                continue
            print(f"filling to {size:,} services...", file=sys.stderr)
            have = fill(towns, have, size)
            rows.append(
                measure(
                    f"oruk services search={SEARCH_WORD} ({connection.vendor})",
                    have,
                    f"/oruk/services?search={SEARCH_WORD}",
                    repeats,
                )
            )
            rows.append(
                measure(
                    f"oruk service_at_locations {PROXIMITY_M // 1000} km ({connection.vendor})",
                    have,
                    f"/oruk/service_at_locations?postcode={POSTCODE.replace(' ', '+')}"
                    f"&proximity={PROXIMITY_M}",
                    repeats,
                )
            )
            for word in SEARCH_UI_WORDS:
                rows.append(measure_search(word, have, repeats))
            for word in SEARCH_UI_WORDS:
                rows.append(
                    measure(
                        f"search UI {word} ({connection.vendor})",
                        have,
                        f"/directory/?q={word}",
                        repeats,
                        client=worker,
                    )
                )
            rows.append(
                measure(
                    f"search UI {SEARCH_WORD} within 5 km of a postcode ({connection.vendor})",
                    have,
                    f"/directory/?q={SEARCH_WORD}&postcode={POSTCODE.replace(' ', '+')}&within=5",
                    repeats,
                    client=worker,
                )
            )
    return rows


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    django.setup()
    chosen = tuple(int(s) for s in sys.argv[1:]) or SIZES
    for row in run(chosen):
        print(row)
