"""The demo's everyday pages for every role, at `linkwork seed-demo --people 100000`.

Issue 12's target: with the demo seeded for 100,000 people, the caseload, triage and home
pages of every demo role answer in under 500 ms (p95). The benchmark seeds the demo exactly as
`linkwork seed-demo --people N` does, in a scratch database, refreshes the planner's
statistics, signs in as each demo login (two-factor passed) and times each page through
Django's test client: the session, middleware, audit event and the full NHS.UK page are in
the figure. The floor is the SQL the request issued, re-run bare on a cursor.

The pages: every role's home; the link worker's caseload; the scheme lead's triage queue, one
referral's triage decision page and the capacity page; the provider's inbox; the referrer's
list of their organisation's referrals. Scale the people down for a quick run with
`LINKWORK_BENCH_SCALE` (0.02: 2,000 people, the default demo). Run with
`linkwork bench demo_pages`.
"""

from __future__ import annotations

import io
import sys
import time
from typing import Any

from benchmarks.casework import analyze, scale, signed_in_client
from benchmarks.directory_oruk import measure, scratch_database

PEOPLE = 100_000
REQUESTS = 20
TARGET_P95_MS = 500.0
TITLE = "Demo pages for every role (issue 12)"
COLUMNS = ["benchmark", "size", "p50_ms", "p95_ms", "floor_p50_ms", "ratio", "target_met"]
NOTES = """
- Demo pages (issue 12): `seed-demo --people 100000` in a scratch database (about 110,000
  referrals and 650 link workers, so every caseload stays under its limits), then each demo
  role's pages, 20 requests each after a warm-up. Target: p95 under 500 ms for the caseload,
  triage and home pages of every role. Scale down with `LINKWORK_BENCH_SCALE`.
"""


def _pages(people: int) -> list[tuple[str, str, str]]:
    """(demo login's email, what the page is, its address) for every page measured."""
    from django.urls import reverse

    from linkwork.accounts.models import Role
    from linkwork.referrals.lifecycle import Status
    from linkwork.referrals.models import Referral
    from linkwork.web.management.commands.seed_demo import demo_logins

    email = {role: address for role, address, _ in demo_logins()}
    lead = email[Role.SCHEME_LEAD.label]
    waiting = (
        Referral.objects.filter(status=Status.RECEIVED, scheme__memberships__user__email=lead)
        .order_by("-urgency", "received_at")
        .first()
    )
    pages = [(address, f"{role} home", "/") for role, address in email.items()]
    pages += [
        (email[Role.LINK_WORKER.label], "link worker caseload", reverse("casework:caseload")),
        (
            email[Role.LINK_WORKER.label],
            "link worker caseload, something due",
            reverse("casework:caseload") + "?due=1",
        ),
        (lead, "scheme lead triage queue", reverse("referrals:triage_queue")),
        (lead, "scheme lead capacity", reverse("casework:capacity")),
        (email[Role.PROVIDER.label], "provider inbox", reverse("casework:inbox")),
        (email[Role.REFERRER.label], "referrer's referrals", reverse("referrals:list")),
    ]
    if waiting is not None:
        pages.append(
            (
                lead,
                "scheme lead triage, one referral",
                reverse("referrals:triage", args=[waiting.pk]),
            )
        )
    return pages


def run(factor: float | None = None, repeats: int = REQUESTS) -> list[dict[str, object]]:
    """One row per page, at `factor` of 100,000 people (`LINKWORK_BENCH_SCALE` when None)."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from linkwork.accounts.models import User

    factor = scale() if factor is None else factor
    people = max(100, round(PEOPLE * factor))
    vendor = connection.vendor
    rows: list[dict[str, object]] = []
    with scratch_database(), override_settings(ALLOWED_HOSTS=["testserver"]):
        started = time.perf_counter()
        call_command("seed_demo", people=people, quiet=True, stdout=io.StringIO())
        print(f"seeded {people:,} people in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        analyze()
        clients: dict[str, Any] = {}
        for email, what, url in _pages(people):
            if email not in clients:
                clients[email] = signed_in_client(User.objects.get(email=email))
            row = measure(f"{what} ({vendor})", people, url, repeats, client=clients[email])
            row["target_met"] = "yes" if float(row["p95_ms"]) < TARGET_P95_MS else "NO"
            print(f"{what}: p95 {row['p95_ms']:.0f} ms", file=sys.stderr)
            rows.append(row)
    return rows


if __name__ == "__main__":  # pragma: no cover - `PYTHONPATH=. python benchmarks/demo_pages.py`
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("LINKWORK_HTTPS", "false")
    django.setup()
    for result in run(float(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(result)
