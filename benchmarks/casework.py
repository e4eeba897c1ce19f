"""Casework pages at a region's scale, against the floor of their own SQL.

Works in a scratch test database (never the configured one), filled with bulk inserts: 10,000
open cases across 40 link workers in 2 schemes (250 each), with follow-ups and connections to
300 services of 100 provider organisations, and 1,000,000 contacts, most of them on 90,000
closed historical referrals. Times, through Django's test client (session, two-factor check,
middleware and the full NHS.UK page included):

- the caseload page of one link worker with 250 people (`casework:caseload`), and its
  "something due" filter;
- the capacity page of a scheme lead with 20 link workers and a waiting list;
- a provider's inbox (`casework:inbox`).

The floor is the same SQL the request issued, captured once and re-run bare on a cursor.
Scale it down for a quick run with `LINKWORK_BENCH_SCALE` (for example 0.05: 500 cases and
50,000 contacts); the default is full scale. Run with `linkwork bench casework`, or
`PYTHONPATH=. python benchmarks/casework.py [scale]`.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from benchmarks.directory_oruk import measure, scratch_database

CASES = 10_000
CONTACTS = 1_000_000
SCHEMES = 2
LINK_WORKERS = 40
PROVIDER_ORGANISATIONS = 100
SERVICES_PER_ORGANISATION = 3
# Closed referrals per open one: the history most contacts belong to.
HISTORY_PER_CASE = 9
WAITING_PER_SCHEME = 30
REQUESTS = 40
BATCH = 5_000
NOTES = """
- Casework (issue 5): 10,000 open cases across 40 link workers in 2 schemes and 1,000,000
  contacts (most on 90,000 closed referrals), built with bulk inserts in a scratch database.
  The caseload page shows one link worker's 250 people with their last contact, next
  follow-up, open connections and what is due, in a fixed number of queries (correlated
  subqueries, one grouped query for connections). Scale down with `LINKWORK_BENCH_SCALE`.
"""


def scale() -> float:
    """`LINKWORK_BENCH_SCALE`, a positive number; 1 (full scale) when unset."""
    raw = os.environ.get("LINKWORK_BENCH_SCALE", "1")
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"LINKWORK_BENCH_SCALE must be a number, not {raw!r}") from None
    if value <= 0:
        raise SystemExit("LINKWORK_BENCH_SCALE must be more than 0")
    return value


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(model: type[Any], rows: Sequence[Any]) -> list[Any]:
    created: list[Any] = []
    for chunk in _chunks(rows):
        created += model.objects.bulk_create(chunk, batch_size=BATCH)
    return created


def signed_in_client(user: Any) -> Any:
    """A test client signed in as `user`, two-factor passed."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


class Region:
    """The generated data, and the people the benchmark signs in as."""

    link_worker: Any
    scheme_lead: Any
    provider: Any
    worker_cases: int
    provider_connections: int


def build(cases: int, contacts: int, rng: random.Random) -> Region:
    """Fill the scratch database; returns who to sign in as."""
    from django.db import transaction
    from django.utils import timezone

    from linkwork.accounts.models import Membership, Organisation, Role, Scheme, User
    from linkwork.casework.models import Connection, Contact, FollowUp
    from linkwork.directory.models import Organization, ReferralRoute, Service
    from linkwork.people.models import Person
    from linkwork.referrals.models import Referral

    now = timezone.now()
    today = timezone.localdate()
    region = Region()

    def ago(days: float) -> dt.datetime:
        return now - dt.timedelta(days=days)

    with transaction.atomic():
        hosts = _insert(
            Organisation,
            [Organisation(name=f"Bench PCN {n}", kind="pcn") for n in range(SCHEMES)],
        )
        schemes = _insert(
            Scheme,
            [
                Scheme(name=f"Bench scheme {n}", slug=f"bench-{n}", host=host)
                for n, host in enumerate(hosts)
            ],
        )
        staff = [
            User(email=f"worker{n}@example.org", full_name=f"Link Worker {n}")
            for n in range(LINK_WORKERS)
        ]
        staff += [
            User(email="lead@example.org", full_name="Scheme Lead"),
            User(email="provider@example.org", full_name="Provider"),
        ]
        for user in staff:
            user.set_unusable_password()
        users = _insert(User, staff)
        workers, (lead, provider) = users[:LINK_WORKERS], users[LINK_WORKERS:]
        per_scheme = LINK_WORKERS // SCHEMES
        scheme_of = {w.pk: schemes[n // per_scheme] for n, w in enumerate(workers)}
        providers = _insert(
            Organisation,
            [
                Organisation(name=f"Bench group {n}", kind="vcse")
                for n in range(PROVIDER_ORGANISATIONS)
            ],
        )
        memberships = [
            Membership(
                user=w,
                organisation=scheme_of[w.pk].host,
                scheme=scheme_of[w.pk],
                role="link_worker",
            )
            for w in workers
        ]
        memberships.append(
            Membership(user=lead, organisation=hosts[0], scheme=schemes[0], role=Role.SCHEME_LEAD)
        )
        memberships.append(Membership(user=provider, organisation=providers[0], role=Role.PROVIDER))
        _insert(Membership, memberships)
        listings = _insert(
            Organization,
            [
                Organization(name=f"Bench group {n}", account_organisation=org)
                for n, org in enumerate(providers)
            ],
        )
        services = _insert(
            Service,
            [
                Service(
                    organization=listing,
                    name=f"Bench service {n}-{k}",
                    referral_route=ReferralRoute.REFERRAL,
                    assured_date=today,
                )
                for n, listing in enumerate(listings)
                for k in range(SERVICES_PER_ORGANISATION)
            ],
        )

        history = cases * HISTORY_PER_CASE
        people = _insert(
            Person,
            [
                Person(
                    given_name=f"Given{n}",
                    family_name=f"Family{n}",
                    date_of_birth=dt.date(1940 + n % 60, 1 + n % 12, 1 + n % 28),
                )
                for n in range(cases + history // 3)
            ],
        )
        print(f"  {len(people):,} people", file=sys.stderr)

        def open_case(n: int) -> Referral:
            worker = workers[n % LINK_WORKERS]
            return Referral(
                person=people[n],
                scheme=scheme_of[worker.pk],
                route="gp_practice",
                link_worker=worker,
                status=("active", "active", "active", "accepted", "on_hold")[n % 5],
                complexity=("standard", "standard", "complex", "very_complex")[n % 4],
                received_at=ago(rng.uniform(1, 300)),
            )

        def closed_case(n: int) -> Referral:
            worker = workers[n % LINK_WORKERS]
            return Referral(
                person=people[cases + n % (history // 3 or 1)],
                scheme=scheme_of[worker.pk],
                route="gp_practice",
                link_worker=worker,
                status="closed",
                closure_reason="goals_met",
                received_at=ago(rng.uniform(200, 1500)),
            )

        open_cases = _insert(Referral, [open_case(n) for n in range(cases)])
        closed = _insert(Referral, [closed_case(n) for n in range(history)])
        waiting = [
            Referral(
                person=people[n],
                scheme=scheme,
                route="gp_practice",
                status="accepted",
                waiting_since=ago(rng.uniform(0, 60)),
            )
            for scheme in schemes
            for n in range(WAITING_PER_SCHEME)
        ]
        _insert(Referral, waiting)
        print(f"  {len(open_cases) + len(closed) + len(waiting):,} referrals", file=sys.stderr)

        # About ten contacts an open case; the rest of the million on the history.
        outcomes = ("attended", "attended", "attended", "did_not_attend", "cancelled")
        on_open = min(contacts, cases * 10)
        owners: list[Any] = [open_cases[n % cases] for n in range(on_open)]
        owners += [closed[n % len(closed)] for n in range(contacts - on_open)] if closed else []
        made = 0
        for chunk in _chunks(owners, 50_000):
            _insert(
                Contact,
                [
                    Contact(
                        referral=referral,
                        occurred_at=ago(
                            rng.uniform(0, 60)
                            if referral.status != "closed"
                            else rng.uniform(200, 1500)
                        ),
                        mode="phone",
                        duration_minutes=30,
                        outcome=rng.choice(outcomes),
                        recorded_by_id=referral.link_worker_id,
                    )
                    for referral in chunk
                ],
            )
            made += len(chunk)
        print(f"  {made:,} contacts", file=sys.stderr)

        connections = []
        for n, referral in enumerate(open_cases):
            for k in range(2):
                status = ("requested", "accepted", "in_progress", "on_hold", "completed")[
                    (n + k) % 5
                ]
                connections.append(
                    Connection(
                        referral=referral,
                        service=services[rng.randrange(len(services))],
                        status=status,
                        requested_at=ago(rng.uniform(1, 30)),
                        respond_by=today + dt.timedelta(days=rng.randint(-5, 10)),
                        held_from="accepted" if status == "on_hold" else "",
                        created_by_id=referral.link_worker_id,
                    )
                )
        _insert(Connection, connections)
        follow_ups = [
            FollowUp(
                referral=referral,
                due_on=today + dt.timedelta(days=rng.randint(-10, 30)),
                reason="Check in",
                done_at=now if rng.random() < 0.3 else None,
            )
            for referral in open_cases
            for _ in range(2)
        ]
        _insert(FollowUp, follow_ups)
        print(
            f"  {len(connections):,} connections, {len(follow_ups):,} follow-ups", file=sys.stderr
        )

    region.link_worker = workers[0]
    region.scheme_lead = lead
    region.provider = provider
    region.worker_cases = sum(1 for r in open_cases if r.link_worker_id == workers[0].pk)
    own = {s.pk for s in services if s.organization_id == listings[0].pk}
    region.provider_connections = sum(
        1 for c in connections if c.service_id in own and c.status != "draft"
    )
    return region


def analyze() -> None:
    """What autovacuum would do after a big load: fresh planner statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def copy_in_sql(
    models: Sequence[type[Any]], copies: int, *, copied: set[str], special: dict[Any, str]
) -> None:
    """On PostgreSQL, copy every row of `models` `copies` times over in one `INSERT ... SELECT`
    a table over `generate_series`: each column in `copied` (ids and the ids that point at
    them) becomes an md5 of the old value and the copy's number, so copies point at copies;
    `special[(model, column)]` is the SQL of a column of its own; the rest is copied as it is,
    so the rows keep the models' constraints. Auto-numbered ids come from the sequence."""
    from django.db import connection
    from django.db import models as fields

    for model in models:
        columns, values = [], []
        for model_field in model._meta.concrete_fields:
            column = model_field.column
            if isinstance(model_field, fields.AutoField | fields.BigAutoField):
                continue  # a fresh number from the table's sequence
            columns.append(f'"{column}"')
            if (model, column) in special:
                values.append(special[(model, column)])
            elif column in copied:
                values.append(f'md5("{column}"::text || k::text)::uuid')
            else:
                values.append(f'"{column}"')
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {model._meta.db_table}, "
                "generate_series(1, %s) AS k",
                [copies],
            )
            print(f"  {model.__name__}: {cursor.rowcount:,} copied", file=sys.stderr)


def _timed(label: str, work: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = work()
    print(f"{label} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return result


def run(factor: float | None = None, repeats: int = REQUESTS) -> list[dict[str, object]]:
    """One row per page, at `factor` of full scale (`LINKWORK_BENCH_SCALE` when None)."""
    from django.db import connection
    from django.test.utils import override_settings

    factor = scale() if factor is None else factor
    cases = max(LINK_WORKERS, round(CASES * factor))
    contacts = round(CONTACTS * factor)
    vendor = connection.vendor
    rows: list[dict[str, object]] = []
    with scratch_database(), override_settings(ALLOWED_HOSTS=["testserver"]):
        print(f"building {cases:,} cases and {contacts:,} contacts...", file=sys.stderr)
        region = _timed("built", lambda: build(cases, contacts, random.Random(5)))
        _timed("analysed", analyze)
        worker = signed_in_client(region.link_worker)
        rows.append(
            measure(
                f"caseload page, one link worker ({vendor})",
                region.worker_cases,
                "/casework/caseload/",
                repeats,
                client=worker,
            )
        )
        rows.append(
            measure(
                f"caseload page, something due ({vendor})",
                region.worker_cases,
                "/casework/caseload/?due=1",
                repeats,
                client=worker,
            )
        )
        rows.append(
            measure(
                f"capacity page, {LINK_WORKERS // SCHEMES} link workers ({vendor})",
                cases // SCHEMES,
                "/casework/capacity/",
                repeats,
                client=signed_in_client(region.scheme_lead),
            )
        )
        rows.append(
            measure(
                f"provider inbox ({vendor})",
                region.provider_connections,
                "/casework/inbox/",
                repeats,
                client=signed_in_client(region.provider),
            )
        )
    return rows


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    django.setup()
    chosen = float(sys.argv[1]) if len(sys.argv) > 1 else None
    for row in run(chosen):
        print(row)
