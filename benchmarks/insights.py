"""Insights dashboards at a large region's scale, against the floor of their own SQL.

Works in a scratch test database (never the configured one): 1,000,000 referrals over three
years in 4 schemes from 50 GP practices and every route (a GP-route referral comes from the
person's own practice), with their people (about 830,000), triage history, contacts, support
plans, connections to 300 services of 100 provider organisations, and SWEMWBS baselines and
follow-ups. On PostgreSQL a template of 20,000 referrals is built through Django with bulk
inserts, its dashboard facts written by `insights.facts.rebuild` (timed), and then records and
facts are copied in SQL with fresh ids (`INSERT ... SELECT` over `generate_series`), so a
million referrals build in minutes. Times every dashboard page through Django's test client
as a system admin (every scheme, small numbers suppressed): session, two-factor check, the
builders' grouped queries over the facts, the charts and the full NHS.UK page. The floor is
the same SQL the request issued, re-run bare on a cursor: after pre-aggregation, the bare SQL
over the facts the page reads.

Scale down with `LINKWORK_BENCH_SCALE` (0.05: 50,000 referrals). Run with
`linkwork bench insights`, or `PYTHONPATH=. python benchmarks/insights.py [scale]`.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import uuid
from typing import Any

from benchmarks.casework import _insert, _timed, analyze, copy_in_sql, scale, signed_in_client
from benchmarks.directory_oruk import measure, scratch_database

REFERRALS = 1_000_000
SCHEMES = 4
PRACTICES = 50
PROVIDER_ORGANISATIONS = 100
SERVICES_PER_ORGANISATION = 3
REQUESTS = 10
CHUNK = 20_000
# On PostgreSQL: built through Django up to this many referrals, then copied in SQL.
TEMPLATE = 20_000
NOTES = """
- Insights (issue 14): every dashboard page at 1,000,000 referrals (scaled by
  `LINKWORK_BENCH_SCALE`), as a system admin counting every scheme. The dashboards count
  narrow facts (one row per referral, contact, connection and outcome score, kept current by
  the task worker as records change, rebuilt by `linkwork insights refresh`), in a fixed
  number of grouped queries each; the floor is the bare SQL over those facts that the page
  issued, so the ratio is what Django, the Python roll-up and the page add. On PostgreSQL the
  data are a template of 20,000 referrals copied in SQL with fresh ids: the same figures per
  copy, so counts scale and distinct people scale with them.
- Distinct people (per practice, per equity group, per provider) are counted exactly: the
  referral facts of people referred more than once have two partial covering indexes in
  practice-and-person and person-and-band order, read index-only (so they need the table
  vacuumed: the facts table is set to vacuum after 2% changes), and the connection facts'
  people are made distinct before counting. Service, provider and organisation names are
  read after grouping by id; needs are grouped by a sorted text key, not the JSON list; each
  page runs in one transaction with `work_mem` raised (`SET LOCAL`, part of the floor too).
- Every page under 1 s p95 and within 2x its floor at 1,000,000 in the last run (load about
  2 on a 2-core machine shared with other work); equity is the slowest (about 0.9 s p95):
  two scans of the referral facts, the combinations and the people referred more than once.
  With the load about 4, the referrals page was 1.10-1.16 s p95 before its people per
  practice were counted with COUNT(DISTINCT) over the index (a DISTINCT subquery let the
  planner hash a scan of the table in a fresh database: 0.47 s against 0.16 s).
- Next, if the pages must hold under heavier load: daily pre-aggregates for the additive
  counts. The copied template repeats the same dimension combinations 50 times (about
  20,000 distinct (day, scheme, route, organisation, practice, link worker) groups for
  1,000,000 referrals), so a pre-aggregate would look far better here than on real data.
"""


def build(referrals: int, rng: random.Random) -> Any:
    """Fill the scratch database; returns the admin to sign in as."""
    from django.db import transaction
    from django.utils import timezone

    from linkwork.accounts.models import Membership, Organisation, Role, Scheme, User
    from linkwork.casework.models import Connection, Contact, SupportPlan
    from linkwork.directory.models import Organization, ReferralRoute, Service
    from linkwork.outcomes.models import OutcomeMeasure
    from linkwork.people.models import Person
    from linkwork.referrals.models import Referral, StatusChange
    from linkwork.vocabulary.needs import Need
    from linkwork.vocabulary.routes import Route

    now = timezone.now()
    routes = list(Route.values)
    weights = [40 if r == "gp_practice" else 4 for r in routes]
    needs = list(Need.values)
    with transaction.atomic():
        hosts = _insert(
            Organisation, [Organisation(name=f"PCN {n}", kind="pcn") for n in range(SCHEMES)]
        )
        schemes = _insert(
            Scheme,
            [Scheme(name=f"Scheme {n}", slug=f"scheme-{n}", host=h) for n, h in enumerate(hosts)],
        )
        practices = _insert(
            Organisation,
            [
                Organisation(name=f"Practice {n}", kind="gp_practice", ods_code=f"B{n:05d}")
                for n in range(PRACTICES)
            ],
        )
        admin = User(email="admin@example.org", full_name="Admin")
        worker = User(email="worker@example.org", full_name="Link Worker")
        for user in (admin, worker):
            user.set_unusable_password()
        admin, worker = _insert(User, [admin, worker])
        _insert(
            Membership,
            [Membership(user=admin, organisation=hosts[0], role=Role.ADMIN)]
            + [
                Membership(user=worker, organisation=s.host, scheme=s, role=Role.LINK_WORKER)
                for s in schemes
            ],
        )
        listings = _insert(
            Organization, [Organization(name=f"Group {n}") for n in range(PROVIDER_ORGANISATIONS)]
        )
        services = _insert(
            Service,
            [
                Service(
                    organization=listing,
                    name=f"Service {n}-{k}",
                    referral_route=ReferralRoute.REFERRAL,
                    funded_for_social_prescribing=k == 0,
                )
                for n, listing in enumerate(listings)
                for k in range(SERVICES_PER_ORGANISATION)
            ],
        )
    made = 0
    while made < referrals:
        size = min(CHUNK, referrals - made)
        with transaction.atomic():
            people = [
                Person(
                    id=uuid.uuid4(),
                    given_name="Given",
                    family_name="Family",
                    date_of_birth=dt.date(
                        1935 + rng.randrange(70), 1 + rng.randrange(12), 1 + rng.randrange(28)
                    ),
                    sex=rng.choice(["female", "female", "male"]),
                    ethnicity=rng.choice("AAAAACHJKMNS"),
                    imd_decile=rng.randint(1, 10),
                    gp_practice_id=practices[rng.randrange(PRACTICES)].pk,
                )
                for _ in range(int(size / 1.2) + 1)
            ]
            Person.objects.bulk_create(people, batch_size=5000)
            rows, changes, contacts, plans, connections, measures = [], [], [], [], [], []
            for _ in range(size):
                person = rng.choice(people)
                route = rng.choices(routes, weights)[0]
                referrer = (
                    person.gp_practice_id
                    if route == "gp_practice"
                    else practices[rng.randrange(PRACTICES)].pk
                )
                received = now - dt.timedelta(days=rng.uniform(0, 3 * 365))
                status = rng.choices(
                    ["received", "declined", "accepted", "active", "on_hold", "closed"],
                    [2, 8, 5, 25, 3, 57],
                )[0]
                referral = Referral(
                    id=uuid.uuid4(),
                    reference=f"B{made + len(rows):011d}",
                    person_id=person.pk,
                    scheme_id=schemes[rng.randrange(SCHEMES)].pk,
                    route=route,
                    referring_organisation_id=referrer,
                    needs=rng.sample(needs, rng.randint(1, 3)),
                    status=status,
                    decline_reason="person_declined" if status == "declined" else "",
                    closure_reason=rng.choice(["goals_met", "goals_met", "person_ended"])
                    if status == "closed"
                    else "",
                    link_worker_id=worker.pk if status in {"active", "on_hold", "closed"} else None,
                    received_at=received,
                )
                rows.append(referral)
                if status == "received":
                    continue
                triaged = received + dt.timedelta(days=rng.uniform(0, 6))
                changes.append(
                    StatusChange(
                        referral_id=referral.id,
                        from_status="received",
                        to_status="accepted",
                        changed_at=triaged,
                    )
                )
                if status == "declined":
                    continue
                first = triaged + dt.timedelta(days=rng.uniform(1, 15))
                for k in range(rng.randint(0, 3)):
                    contacts.append(
                        Contact(
                            referral_id=referral.id,
                            occurred_at=first + dt.timedelta(days=14 * k),
                            mode=rng.choice(["phone", "in_person", "video"]),
                            duration_minutes=30,
                            outcome=rng.choices(["attended", "did_not_attend"], [9, 1])[0],
                            recorded_by_id=worker.pk,
                        )
                    )
                if rng.random() < 0.7:
                    plans.append(
                        SupportPlan(
                            referral_id=referral.id, agreed_on=first.date(), updated_by_id=worker.pk
                        )
                    )
                if rng.random() < 0.6:
                    connections.append(
                        Connection(
                            referral_id=referral.id,
                            service_id=services[rng.randrange(len(services))].pk,
                            status=rng.choice(
                                ["requested", "accepted", "in_progress", "completed", "rejected"]
                            ),
                            rejection_reason="no_capacity",
                            requested_at=first,
                            responded_at=first + dt.timedelta(days=rng.uniform(0, 9)),
                            supported_linking=rng.random() < 0.2,
                            created_by_id=worker.pk,
                            created_at=first,
                        )
                    )
                if rng.random() < 0.6:
                    base = rng.randint(14, 28)
                    measures.append(
                        OutcomeMeasure(
                            referral_id=referral.id,
                            instrument="swemwbs",
                            instrument_version="1.0.0",
                            time_point="baseline",
                            responses={},
                            result={"metric": base},
                            recorded_by_id=worker.pk,
                            recorded_at=first,
                        )
                    )
                    if rng.random() < 0.6:
                        measures.append(
                            OutcomeMeasure(
                                referral_id=referral.id,
                                instrument="swemwbs",
                                instrument_version="1.0.0",
                                time_point="follow_up",
                                responses={},
                                result={"metric": min(35, base + rng.randint(-2, 5))},
                                recorded_by_id=worker.pk,
                                recorded_at=first + dt.timedelta(weeks=12),
                            )
                        )
            for model, batch in (
                (Referral, rows),
                (StatusChange, changes),
                (Contact, contacts),
                (SupportPlan, plans),
                (Connection, connections),
                (OutcomeMeasure, measures),
            ):
                model.objects.bulk_create(batch, batch_size=5000)
        made += size
        print(f"  {made:,} referrals", file=sys.stderr)
    return admin


def multiply(copies: int) -> None:
    """On PostgreSQL, copy the records and facts built so far `copies` times over in SQL, each
    copy with fresh ids (an md5 of the old id and the copy's number) and its own references.
    The facts are copied with the records they were written from, ids mapped alike, so they
    are what `linkwork insights refresh` would write for the copies."""
    from linkwork.casework.models import Connection, Contact, SupportPlan
    from linkwork.insights.models import ConnectionFact, ContactFact, OutcomeFact, ReferralFact
    from linkwork.outcomes.models import OutcomeMeasure
    from linkwork.people.models import Person
    from linkwork.referrals.models import Referral, StatusChange

    copied = {"id", "person_id", "referral_id", "connection_id", "contact", "connection"}
    special = {
        (Referral, "reference"): "'B' || upper(substr(md5(id::text || k::text), 1, 11))",
    }
    copy_in_sql(
        (
            Person,
            Referral,
            StatusChange,
            Contact,
            SupportPlan,
            Connection,
            OutcomeMeasure,
            ReferralFact,
            ContactFact,
            ConnectionFact,
            OutcomeFact,
        ),
        copies,
        copied=copied,
        special=special,
    )


def run(factor: float | None = None, repeats: int = REQUESTS) -> list[dict[str, object]]:
    from django.db import connection
    from django.test.utils import override_settings

    from linkwork.insights import facts
    from linkwork.insights.dashboards import DASHBOARDS

    factor = scale() if factor is None else factor
    referrals = max(1000, round(REFERRALS * factor))
    vendor = connection.vendor
    rows: list[dict[str, object]] = []
    template = TEMPLATE if vendor == "postgresql" and referrals > TEMPLATE else referrals
    with scratch_database(), override_settings(ALLOWED_HOSTS=["testserver"]):
        print(f"building {template:,} referrals...", file=sys.stderr)
        admin = _timed("built", lambda: build(template, random.Random(14)))
        _timed(f"facts of {template:,} referrals rebuilt", facts.rebuild)
        if template < referrals:
            copies = referrals // template - 1
            print(f"copying them {copies} times in SQL...", file=sys.stderr)
            _timed("copied", lambda: multiply(copies))
            referrals = template * (copies + 1)
        _timed("analysed", analyze)
        client = signed_in_client(admin)
        for slug in DASHBOARDS:
            rows.append(
                measure(
                    f"insights {slug} page ({vendor})",
                    referrals,
                    f"/insights/{slug}/",
                    repeats,
                    client=client,
                )
            )
            print(rows[-1], file=sys.stderr)
            slowest(client, f"/insights/{slug}/")
    return rows


def slowest(client: Any, url: str, shown: int = 3) -> None:
    """Print the page's slowest statements, timed bare, to see where its time goes."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True)
    timed = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            start = time.perf_counter()
            cursor.execute(query["sql"])
            if cursor.description is not None:
                cursor.fetchall()
            timed.append((time.perf_counter() - start, query["sql"]))
    for seconds, sql in sorted(timed, reverse=True)[:shown]:
        print(f"    {seconds * 1000:7.1f} ms  {sql[:160]}", file=sys.stderr)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    django.setup()
    chosen = float(sys.argv[1]) if len(sys.argv) > 1 else None
    for row in run(chosen):
        print(row)
