"""The pseudonymised extract at a region's scale: time to write and peak memory.

Works in a scratch test database (never the configured one), filled with bulk inserts a batch
at a time (on PostgreSQL, 5,000 episodes, then copied in SQL with fresh ids): 1,000,000
referrals (episodes) of 600,000 people in 4 schemes, with about 2 contacts an episode, 1
connection in 2 (attendance on those the person went to), the closing status change of each
closed episode, and 1.5 outcome measures an episode (SWEMWBS and UCLA-3, baseline and
follow-up).

Each case runs `linkwork extract --out FILE --measures FILE` as a process of its own, so its
peak resident memory (`ru_maxrss` of the finished child, Django and the libraries included)
is the extract's alone; the target is under 1 GiB (issue 14). The floor is the same SQL bare
in this process: the referrals query streamed through a server-side cursor and each chunk's
grouped query run once over all referrals, rows read and dropped.

Scale it down for a quick run with `LINKWORK_BENCH_SCALE` (for example 0.1: 100,000
episodes); the default is full scale. Run with `linkwork bench extract`, or
`PYTHONPATH=. python benchmarks/extract.py [scale]`.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.casework import analyze, copy_in_sql, scale
from benchmarks.directory_oruk import scratch_database

EPISODES = 1_000_000
PEOPLE_PER_EPISODE = 0.6
SCHEMES = 4
BATCH = 5_000
# On PostgreSQL this many episodes are built through Django, then copied in SQL.
TEMPLATE = 5_000
LIMIT_MIB = 1024
KEY = "benchmark-pseudonym-key"
TITLE = "Pseudonymised extract"
COLUMNS = [
    "benchmark",
    "size",
    "seconds",
    "floor_seconds",
    "ratio",
    "rows_per_second",
    "peak_rss_mib",
    "limit_mib",
]
NOTES = """
- Extract (issue 14): `linkwork extract --out FILE --measures FILE` run as a process of its
  own; `peak_rss_mib` is that process's peak resident memory (`ru_maxrss`, Django included),
  against the 1 GiB limit. Full scale is 1,000,000 episodes (600,000 people, 2 million
  contacts, 500,000 connections, 1.5 million outcome measures): 5,000 built through Django,
  then copied in SQL with fresh ids. The floor is the extract's SQL bare: the referrals
  streamed through a server-side cursor and each grouped query once over all referrals. The
  figures here are at full scale (1,000,000 episodes, built in 140 s), measured on
  2026-12-06 on PostgreSQL with the 2-core machine otherwise nearly idle (load average about
  1.5). The peak grows slowly with the rows (159 MiB at 20,000, 185 MiB at 200,000, 355 MiB
  at 1,000,000, for CSV); what grows has not been looked into yet.
"""


def _person(n: int, rng: random.Random) -> Any:
    from linkwork.people.models import Person

    return Person(
        given_name=f"Given{n}",
        family_name=f"Family{n}",
        date_of_birth=dt.date(1930 + n % 75, 1 + n % 12, 1 + n % 28),
        sex=("female", "male", "female", "not_known")[n % 4],
        ethnicity=rng.choice("AAAAAABCHJKMNRSZ"),
        imd_decile=1 + n % 10,
        lsoa_code=f"E0100{n % 5000:04d}",
        postcode="BK1 2AB",
    )


def build(episodes: int, rng: random.Random) -> int:
    """Fill the scratch database a batch at a time, so building stays small too; returns the
    number of outcome measures made."""
    from django.db import transaction
    from django.utils import timezone

    from linkwork.accounts.models import Organisation, Scheme, User
    from linkwork.casework.models import Attendance, Connection, Contact
    from linkwork.directory.models import Organization, ReferralRoute, Service
    from linkwork.outcomes.models import OutcomeMeasure
    from linkwork.people.models import Person
    from linkwork.referrals.models import Referral, StatusChange

    now = timezone.now()
    people_count = max(1, round(episodes * PEOPLE_PER_EPISODE))
    hosts = Organisation.objects.bulk_create(
        [Organisation(name=f"Bench PCN {n}", kind="pcn") for n in range(SCHEMES)]
    )
    schemes = Scheme.objects.bulk_create(
        [
            Scheme(name=f"Bench scheme {n}", slug=f"bench-{n}", host=host)
            for n, host in enumerate(hosts)
        ]
    )
    worker = User(email="worker@example.org", full_name="Link Worker")
    worker.set_unusable_password()
    worker.save()
    listing = Organization.objects.create(name="Bench group")
    services = Service.objects.bulk_create(
        [
            Service(
                organization=listing,
                name=f"Bench service {n}",
                referral_route=ReferralRoute.REFERRAL,
                assured_date=now.date(),
            )
            for n in range(50)
        ]
    )
    routes = ["gp_practice"] * 6 + ["self", "voluntary", "housing", "hospital", "local_authority"]
    needs = ["loneliness", "money", "housing", "physical_activity", "mental_wellbeing"]
    measures = 0
    person_ids: list[Any] = []
    for start in range(0, episodes, BATCH):
        size = min(BATCH, episodes - start)
        with transaction.atomic():
            fresh = range(start, min(start + size, people_count)) if start < people_count else ()
            person_ids += [
                p.pk for p in Person.objects.bulk_create([_person(n, rng) for n in fresh])
            ]
            referrals, closes, contacts, connections, scores = [], [], [], [], []
            for k in range(size):
                n = start + k
                received = now - dt.timedelta(days=rng.uniform(1, 1500))
                closed = n % 5 < 2
                referral = Referral(
                    person_id=person_ids[(n * 7919) % len(person_ids)]
                    if n >= people_count
                    else person_ids[n],
                    scheme=schemes[n % SCHEMES],
                    route=rng.choice(routes),
                    needs=rng.sample(needs, 1 + n % 3),
                    reason="Feels isolated since moving here.",
                    status="closed" if closed else ("active", "accepted", "received")[n % 3],
                    closure_reason="goals_met" if closed else "",
                    received_at=received,
                )
                referrals.append(referral)
                if closed:
                    closes.append(
                        StatusChange(
                            referral=referral,
                            from_status="active",
                            to_status="closed",
                            changed_at=received + dt.timedelta(days=120),
                        )
                    )
                for c in range(n % 5):
                    contacts.append(
                        Contact(
                            referral=referral,
                            occurred_at=received + dt.timedelta(days=7 * (c + 1)),
                            mode="phone",
                            duration_minutes=30,
                            outcome=("attended", "attended", "did_not_attend")[c % 3],
                            note="Talked about the walking group.",
                            recorded_by=worker,
                        )
                    )
                if n % 2:
                    connections.append(
                        Connection(
                            referral=referral,
                            service=services[n % len(services)],
                            status=("requested", "accepted", "in_progress", "completed")[n % 4],
                            created_by=worker,
                        )
                    )
                for instrument, time_point, total in (
                    ("swemwbs", "baseline", 14 + n % 10),
                    ("swemwbs", "follow_up", 17 + n % 10),
                    ("ucla3", "baseline", 3 + n % 7),
                )[: (n % 3) + 1 if n % 4 else 0]:
                    scores.append(
                        OutcomeMeasure(
                            referral=referral,
                            instrument=instrument,
                            instrument_version="1.0.0",
                            time_point=time_point,
                            responses={"items": [3] * 7},
                            result={"instrument": instrument, "total": total},
                            recorded_by=worker,
                            recorded_at=received + dt.timedelta(days=30),
                        )
                    )
            Referral.objects.bulk_create(referrals)
            StatusChange.objects.bulk_create(closes)
            Contact.objects.bulk_create(contacts)
            made = Connection.objects.bulk_create(connections)
            Attendance.objects.bulk_create(
                [
                    Attendance(
                        connection=c,
                        session_on=now.date(),
                        attended=True,
                        recorded_by=worker,
                    )
                    for c in made
                    if c.status == "completed"
                ]
            )
            OutcomeMeasure.objects.bulk_create(scores)
            measures += len(scores)
        if (start // BATCH) % 20 == 0:
            print(f"  {start + size:,} episodes", file=sys.stderr)
    return measures


def multiply(copies: int) -> None:
    """On PostgreSQL, copy the episodes built so far `copies` times over in SQL, each copy with
    fresh ids (an md5 of the old id and the copy's number), its own references and received
    dates spread over four years: a million episodes in minutes, not hours, on a busy machine.
    Every column is copied as Django wrote it, so the rows keep the models' constraints."""
    from linkwork.casework.models import Attendance, Connection, Contact
    from linkwork.outcomes.models import OutcomeMeasure
    from linkwork.people.models import Person
    from linkwork.referrals.models import Referral, StatusChange

    copied = {"id", "person_id", "referral_id", "connection_id"}
    special = {
        (Referral, "reference"): "'B' || upper(substr(md5(id::text || k::text), 1, 11))",
        (Referral, "received_at"): "received_at - mod(k, 48) * interval '30 days'",
    }
    copy_in_sql(
        (Person, Referral, StatusChange, Contact, Connection, Attendance, OutcomeMeasure),
        copies,
        copied=copied,
        special=special,
    )


def floor_seconds() -> float:
    """The extract's SQL bare: the referrals streamed, the grouped queries over all."""
    from django.db import connection
    from django.db.models import Count, Max, Min, Q

    from linkwork.casework.models import Connection, Contact
    from linkwork.insights.extract import with_evaluation_consent
    from linkwork.outcomes.models import OutcomeMeasure
    from linkwork.referrals.models import Referral, StatusChange

    fields = [
        "id",
        "person_id",
        "person__date_of_birth",
        "scheme__slug",
        "route",
        "channel",
        "needs",
        "urgency",
        "complexity",
        "received_at",
        "status",
        "decline_reason",
        "closure_reason",
        "person__sex",
        "person__ethnicity",
        "person__imd_decile",
        "person__lsoa_code",
    ]
    queries = [
        with_evaluation_consent(Referral.objects.all()).order_by("pk").values_list(*fields),
        Contact.objects.order_by()
        .values("referral_id")
        .annotate(
            a=Count("id"),
            b=Count("id", filter=Q(outcome="attended")),
            c=Count("id", filter=Q(outcome="did_not_attend")),
            d=Min("occurred_at", filter=Q(outcome="attended")),
        ),
        Connection.objects.exclude(status="draft")
        .order_by()
        .values("referral_id")
        .annotate(
            a=Count("id", distinct=True),
            b=Count(
                "id",
                distinct=True,
                filter=Q(attendance__attended=True) | Q(status__in=["in_progress", "completed"]),
            ),
        ),
        StatusChange.objects.filter(to_status="closed")
        .order_by()
        .values("referral_id")
        .annotate(at=Max("changed_at")),
        OutcomeMeasure.objects.filter(time_point__in=["baseline", "follow_up", "discharge"])
        .order_by("recorded_at", "id")
        .values_list("referral_id", "instrument", "time_point", "result"),
    ]
    start = time.perf_counter()
    for query in queries:
        sql, params = query.query.sql_with_params()
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while cursor.fetchmany(2_000):
                pass
    return time.perf_counter() - start


def database_url() -> str:
    """The scratch database, for the extract's own process."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def run_extract(folder: Path, suffix: str) -> tuple[float, int]:
    """Seconds and peak resident memory (bytes) of one `linkwork extract` process."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "LINKWORK_PSEUDONYM_KEY": KEY,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-not-a-secret"),
    }
    command = [sys.executable, "-m", "linkwork.cli", "extract"]
    command += ["--out", str(folder / f"episodes{suffix}")]
    command += ["--measures", str(folder / f"measures{suffix}")]
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env)  # noqa: S603 - our own command, fixed arguments
    # wait4 gives this child's own resource use, not the largest of all children so far.
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"linkwork extract failed with exit status {child.returncode}")
    return seconds, usage.ru_maxrss * 1024


@contextmanager
def file_backed_sqlite(folder: Path) -> Iterator[None]:
    """On SQLite the test database must be a file the extract's process can open."""
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(folder / "bench.sqlite3")
    yield


def run(factor: float | None = None) -> list[dict[str, object]]:
    from django.db import connection

    factor = scale() if factor is None else factor
    episodes = max(100, round(EPISODES * factor))
    vendor = connection.vendor
    rows: list[dict[str, object]] = []
    with (
        tempfile.TemporaryDirectory() as temporary,
        file_backed_sqlite(Path(temporary)),
        scratch_database(),
    ):
        folder = Path(temporary)
        print(f"building {episodes:,} episodes...", file=sys.stderr)
        start = time.perf_counter()
        template = episodes
        if vendor == "postgresql" and episodes > TEMPLATE:
            template = TEMPLATE
        measures = build(template, random.Random(14))
        if template < episodes:
            copies = episodes // template - 1
            multiply(copies)
            measures *= copies + 1
            episodes = template * (copies + 1)
        print(f"built in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        analyze()
        floor = floor_seconds()
        print(f"floor {floor:.1f} s", file=sys.stderr)
        for suffix, label in ((".csv", "CSV"), (".parquet", "Parquet")):
            seconds, peak = run_extract(folder, suffix)
            print(f"{label}: {seconds:.1f} s, peak {peak / 2**20:.0f} MiB", file=sys.stderr)
            rows.append(
                {
                    "benchmark": f"extract to {label}, with {measures:,} measures ({vendor})",
                    "size": episodes,
                    "seconds": seconds,
                    "floor_seconds": floor,
                    "ratio": seconds / floor if floor else 0.0,
                    "rows_per_second": round(episodes / seconds),
                    "peak_rss_mib": round(peak / 2**20),
                    "limit_mib": LIMIT_MIB,
                }
            )
    return rows


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    django.setup()
    chosen = float(sys.argv[1]) if len(sys.argv) > 1 else None
    for row in run(chosen):
        print(row)
