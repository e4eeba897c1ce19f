"""`linkwork match --services FEED --person person.json --k 10`: rank the services of an Open
Referral UK feed for one person, with no database. Prints one JSON object:
`{"results": [{"service_id", "score", "reasons", ...}], "excluded": [{"service_id", "reason"}],
"warnings": ["812 of 818 services excluded: not checked since 1 November 2023", ...]}`, and
each warning on standard error too. The person may give `area`, an ONS local authority code:
a service with no venue is then offered only if its service areas include it.
A bad person file or feed prints `{"error": ..., "field": ...}` and exits 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any


def _setup() -> None:
    # Django is needed for the reviewed lists (needs, categories), never for the database;
    # nothing here is signed, so a throwaway key is enough when none is set.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    os.environ.setdefault("SECRET_KEY", "linkwork-match-signs-nothing")
    import django
    from django.apps import apps

    # Once only: `django.setup()` configures logging again each time it runs, binding the
    # console handler to whatever `sys.stderr` is at that moment (inside a test, a capture that
    # is closed afterwards, so every later log line in that process fails to print).
    if not apps.ready:
        django.setup()


def _fail(message: str, field: str) -> int:
    print(json.dumps({"error": message, "field": field}))
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="linkwork match", description="Rank the services of an ORUK feed for one person."
    )
    parser.add_argument("--services", required=True, type=Path, help="ORUK JSON file or folder")
    parser.add_argument("--person", required=True, help="person profile JSON file, or - for stdin")
    parser.add_argument("--k", type=int, default=10, help="how many results (1 to 50)")
    parser.add_argument("--today", help="the date to judge freshness on, YYYY-MM-DD")
    args = parser.parse_args(argv)
    _setup()
    import datetime as dt

    from django.utils import timezone

    from linkwork.directory.models import expire_after_days, stale_after_days
    from linkwork.matching.engine import rank
    from linkwork.matching.facts import read_feed
    from linkwork.matching.index import build_index
    from linkwork.matching.profile import ProfileError, parse_profile
    from linkwork.matching.weights import DEFAULT_WEIGHTS

    if not 1 <= args.k <= 50:
        return _fail("k must be between 1 and 50", "k")
    try:
        today = dt.date.fromisoformat(args.today) if args.today else timezone.localdate()
    except ValueError:
        return _fail("today must be a date written YYYY-MM-DD", "today")
    try:
        text = sys.stdin.read() if args.person == "-" else Path(args.person).read_text("utf-8")
        raw: Any = json.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        return _fail(f"Cannot read the person file: {error.__class__.__name__}", "person")
    except json.JSONDecodeError as error:
        return _fail(f"The person file is not JSON: {error.msg} at line {error.lineno}", "person")
    try:
        profile = parse_profile(raw)
    except ProfileError as error:
        return _fail(error.message, error.field)
    if not args.services.exists():
        return _fail("The services feed does not exist", "services")
    try:
        services = read_feed(args.services)
    except (OSError, ValueError, KeyError) as error:
        return _fail(f"Cannot read the services feed: {error}", "services")
    found = rank(
        build_index(services),
        profile,
        k=args.k,
        weights=DEFAULT_WEIGHTS,
        today=today,
        stale_days=stale_after_days(),
        expire_days=expire_after_days(),
    )
    print(json.dumps(found.as_json(), ensure_ascii=False))
    for warning in found.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
