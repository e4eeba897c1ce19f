"""The load test (issue 16, item 12): 50 staff at once on the 100,000-person demo, on
PostgreSQL behind gunicorn on loopback, for 5 minutes.

Link workers, providers and referrers of the demo sign in through the login form (CSRF,
password, authenticator code) and work with 0.2 to 0.8 s between requests
(`benchmarks/load/locustfile.py`): caseloads, caseload searches, person and referral pages,
the recommendations of a referral, directory searches, contacts recorded, providers answering
requests and recording attendance, referrals sent through the API. Afterwards every write
the server acknowledged is looked up in the database: each must be there exactly once.

Targets: errors below 0.1 % and p95 under 500 ms for every page. The floor is `/healthz`
(the whole stack and `SELECT 1`) requested by the same users in the same run, so the ratio
says how much of a page's time is its own work rather than waiting its turn on a busy machine.

The demo is seeded into a database of its own, dropped afterwards; set
`LINKWORK_LOAD_DATABASE=bench_load_100k` to keep and reuse one (seeding 100,000 people takes
minutes). `LINKWORK_BENCH_SCALE` scales the people (0.02: the 2,000 of the small demo).
`python -m benchmarks.load --smoke` is the CI version (`scripts/load-smoke`): the small demo,
20 users for 30 s, failing on errors or lost writes only.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "benchmarks" / "load" / "locustfile.py"
PEOPLE = 100_000
USERS = 50
SECONDS = 300
# Users start two a second: each signs in with a password hash that is slow on purpose
# (Argon2, about 100 MB and a CPU-tenth each), which a crowd arriving at once would queue on.
SPAWN_RATE = 2
# Signing in is slow by design (the password hash), and happens once a user: shown, not judged.
NOT_JUDGED = {"POST login"}
TARGET_P95_MS = 500.0
ERROR_LIMIT = 0.001
# Two cores shared with the load generator and PostgreSQL: a worker per core and one more,
# threads for the time each request waits on the database.
WORKERS = int(os.environ.get("LINKWORK_LOAD_WORKERS", "3"))
THREADS = int(os.environ.get("LINKWORK_LOAD_THREADS", "4"))
# The user classes' weights in the locustfile: link workers, providers, referrers.
WEIGHTS = {"link_workers": 6, "providers": 2, "referrers": 2}
LOAD_EMAIL_DOMAIN = "load.linkwork.invalid"
TITLE = "Load: 50 staff at once on the 100,000-person demo (issue 16)"
COLUMNS = [
    "benchmark",
    "size",
    "requests",
    "errors",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "floor_p95_ms",
    "ratio",
    "target_met",
]
DIGITS = 0
NOTES = """
- Load (issue 16, item 12): `LINKWORK_LOAD_DATABASE=bench_load_100k linkwork bench load` on
  PostgreSQL. The 100,000-person demo, `linkwork serve` (gunicorn, 3 workers of 4 threads) on
  127.0.0.1, and locust on the same two cores: 50 users (30 link workers, 10 providers, 10
  referrers, each signed in as an account of their own through the login form), 0.2 to 0.8 s
  between requests, 5 minutes. Targets: errors under 0.1 %, p95 under 500 ms for every page,
  every acknowledged write in the database exactly once. The floor is `/healthz` requested by
  the same users in the same run; the ratio is a page's p95 over the floor's. CI runs
  `scripts/load-smoke` (2,000 people, 20 users, 30 s; errors and lost writes only).
"""

_summary: dict[str, Any] = {}


# The database ---------------------------------------------------------------------------------


def _admin_cursor() -> Any:
    """A cursor on the configured database, outside any transaction, for CREATE/DROP DATABASE."""
    from django.db import connection

    connection.ensure_connection()
    connection.set_autocommit(True)
    return connection.cursor()


def _database_exists(name: str) -> bool:
    with _admin_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def database_url(name: str) -> str:
    """The configured server's URL with another database name, for the server process."""
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@contextlib.contextmanager
def load_database(people: int, keep: str | None) -> Iterator[str]:
    """Point Django at the load test's database, seeded with the demo for `people`; yields its
    URL. A database named by `keep` is created when missing, reused and kept; otherwise a
    scratch one is made and dropped afterwards."""
    from django.core.management import call_command
    from django.db import connection

    from linkwork.people.models import Person
    from linkwork.web.management.commands.seed_demo import demo_loaded

    name = keep or f"bench_load_{os.getpid()}"
    if not _database_exists(name):
        with _admin_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    settings_dict = connection.settings_dict
    old_name = settings_dict["NAME"]
    connection.close()
    settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0)
        if demo_loaded():
            print(f"reusing {name}: {Person.objects.count():,} people", file=sys.stderr)
        else:
            started = time.perf_counter()
            call_command("seed_demo", people=people, quiet=True, stdout=io.StringIO())
            took = time.perf_counter() - started
            _summary["seeded"] = f"{people:,} people in {took:.0f} s"
            print(f"seeded {people:,} people in {took:.0f} s", file=sys.stderr)
        yield database_url(name)
    finally:
        connection.close()
        settings_dict["NAME"] = old_name
        if not keep:
            with _admin_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# The plan: who signs in, and what each may touch ---------------------------------------------


def accounts_needed(users: int) -> dict[str, int]:
    """Accounts of each kind for `users` locust users: one each, as locust shares them out by
    weight, and a spare."""
    total = sum(WEIGHTS.values())
    return {kind: math.ceil(users * weight / total) + 1 for kind, weight in WEIGHTS.items()}


def _load_account(email: str, full_name: str, organisation: Any, role: str) -> Any:
    """A staff account the load test adds (or finds again) when the demo has too few of a
    kind, with the demo's password and an authenticator of its own."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from linkwork.accounts.demo import DEMO_PASSWORD
    from linkwork.accounts.models import Membership, User

    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "job_title": "Load test"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        Membership.objects.create(user=user, organisation=organisation, role=role)
        TOTPDevice.objects.create(
            user=user, name="Load test", confirmed=True, key=secrets.token_hex(20)
        )
    return user


def _staff_of(organisation: Any, role: str, label: str) -> Any:
    """The organisation's first member with `role`, or a load-test account added for it."""
    from linkwork.accounts.models import Membership

    member = (
        Membership.objects.filter(organisation=organisation, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if member is not None:
        return member.user
    return _load_account(
        f"load.{label.lower()}.{organisation.pk}@{LOAD_EMAIL_DOMAIN}",
        f"Load Test {label}",
        organisation,
        role,
    )


def _totp_key(user: Any) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    assert device is not None, f"user {user.pk} has no authenticator"
    return str(device.key)


def _link_workers(count: int) -> list[dict[str, Any]]:
    """The link workers with the most open referrals, with what their pages may open."""
    from django.db.models import Count, Q

    from linkwork.accounts.models import Role, User
    from linkwork.referrals.lifecycle import OPEN_STATUSES
    from linkwork.referrals.models import Referral

    workers = list(
        User.objects.filter(memberships__role=Role.LINK_WORKER)
        .annotate(
            open_cases=Count(
                "assigned_referrals", filter=Q(assigned_referrals__status__in=OPEN_STATUSES)
            )
        )
        .filter(open_cases__gt=0)
        .order_by("-open_cases", "pk")[:count]
    )
    if len(workers) < count:
        raise SystemExit(
            f"the demo has {len(workers)} link workers with open cases; {count} needed"
        )
    plan = []
    for worker in workers:
        cases = list(
            Referral.objects.filter(link_worker=worker, status__in=OPEN_STATUSES)
            .order_by("received_at")
            .values_list("pk", "person_id", "person__family_name")[:60]
        )
        plan.append(
            {
                "email": worker.email,
                "totp_key": _totp_key(worker),
                "referrals": [str(pk) for pk, _, _ in cases],
                "people": sorted({str(person) for _, person, _ in cases}),
                # Searches a link worker would type: part of a family name on their caseload.
                "family_names": sorted({name[:4] for _, _, name in cases if len(name) >= 4})[:10],
            }
        )
    return plan


def _providers(count: int) -> list[dict[str, Any]]:
    """A provider per organisation with the most open connections (the demo's own provider
    first), each with the requests waiting for an answer and the accepted ones."""
    from django.db.models import Count, Q

    from linkwork.accounts.models import Organisation, Role
    from linkwork.casework.lifecycle import ConnectionStatus
    from linkwork.casework.models import Connection

    wanted = [ConnectionStatus.REQUESTED, ConnectionStatus.ACCEPTED, ConnectionStatus.IN_PROGRESS]
    organisations = list(
        Organisation.objects.annotate(
            open_connections=Count(
                "directory_organizations__services__connections",
                filter=Q(directory_organizations__services__connections__status__in=wanted),
            )
        )
        .filter(open_connections__gt=0)
        .order_by("-open_connections", "pk")[:count]
    )
    if len(organisations) < count:
        raise SystemExit(
            f"the demo has {len(organisations)} providers with connections; {count} needed"
        )
    plan = []
    for organisation in organisations:
        user = _staff_of(organisation, Role.PROVIDER, "Provider")
        mine = Connection.objects.filter(service__organization__account_organisation=organisation)

        def ids(status: str, qs: Any = mine) -> list[str]:
            return [str(pk) for pk in qs.filter(status=status).values_list("pk", flat=True)[:200]]

        plan.append(
            {
                "email": user.email,
                "totp_key": _totp_key(user),
                "requested": ids(ConnectionStatus.REQUESTED),
                "accepted": ids(ConnectionStatus.ACCEPTED) + ids(ConnectionStatus.IN_PROGRESS),
            }
        )
    return plan


ROUTES = {
    "gp_practice": "gp_practice",
    "hospital": "hospital",
    "local_authority": "local_authority",
    "housing": "housing",
    "police": "police",
    "fire": "fire",
    "jobcentre": "jobcentre",
    "school": "school",
    "faith": "faith",
}


def _referrers(count: int) -> list[dict[str, Any]]:
    """Referrers of the demo's referring organisations (added where one has none), each with
    an API token of its organisation and the referrals it sent."""
    from linkwork.accounts.models import Organisation, Role, Scheme
    from linkwork.api.actions import issue_api_token
    from linkwork.referrals.models import Referral

    schemes = list(Scheme.objects.order_by("pk").values_list("slug", flat=True))
    organisations = list(
        Organisation.objects.filter(kind__in=ROUTES).order_by("kind", "pk")[:count]
    )
    plan = []
    for n, organisation in enumerate(organisations):
        user = _staff_of(organisation, Role.REFERRER, "Referrer")
        _, token = issue_api_token(by=None, organisation=organisation, name="Load test")
        sent = Referral.objects.filter(referring_organisation=organisation).order_by("-received_at")
        plan.append(
            {
                "email": user.email,
                "totp_key": _totp_key(user),
                "token": token,
                "scheme": schemes[n % len(schemes)],
                "route": ROUTES[organisation.kind],
                "referrals": [str(pk) for pk in sent.values_list("pk", flat=True)[:50]],
            }
        )
    return plan


def _search_words() -> list[str]:
    """Words a link worker would search the directory for: the commonest in service names."""
    from linkwork.directory.models import Service

    words = Counter(
        word.lower()
        for name in Service.objects.values_list("name", flat=True)[:2000]
        for word in name.split()
        if len(word) > 4 and word.isalpha()
    )
    return [word for word, _ in words.most_common(12)]


def write_plan(path: Path, users: int, run: str) -> None:
    from linkwork.accounts.demo import DEMO_PASSWORD

    needed = accounts_needed(users)
    plan = {
        "run": run,
        "password": DEMO_PASSWORD,
        "link_workers": _link_workers(needed["link_workers"]),
        "providers": _providers(needed["providers"]),
        "referrers": _referrers(needed["referrers"]),
        "search_words": _search_words(),
    }
    path.write_text(json.dumps(plan), encoding="utf-8")
    path.chmod(0o600)


# The server and the load ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def served(url: str, workers: int = WORKERS, threads: int = THREADS) -> Iterator[str]:
    """`linkwork serve` (gunicorn) on a free loopback port against the database at `url`;
    yields its address, and stops it afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LINKWORK_HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [
            sys.executable,
            "-m",
            "linkwork",
            "serve",
            "--port",
            str(port),
            f"--workers={workers}",
            f"--threads={threads}",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if server.poll() is not None:
                raise SystemExit(f"the server stopped at start ({server.returncode})")
            if _answers(f"{address}/healthz"):
                break
            time.sleep(0.5)
        else:
            raise SystemExit("the server did not answer /healthz within a minute")
        warm_up(address, workers * threads)
        yield address
    finally:
        # The server's own process group: gunicorn's master and the workers it started.
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _answers(url: str) -> bool:
    """True when our loopback server answers `url` with 200."""
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:  # noqa: S310 - our own server
            answer.read()
            return bool(answer.status == 200)
    except OSError:
        return False


def warm_up(address: str, requests: int) -> None:
    """A few unmeasured requests, so each worker has loaded its views and compiled the
    templates before the clock starts (as a server that has been up a while would have)."""
    for path in ["/account/login/", "/accessibility/"] * requests:
        _answers(f"{address}{path}")


def swarm(address: str, plan: Path, acks: Path, users: int, seconds: int, prefix: Path) -> None:
    """locust, headless, against `address`; its statistics land in `<prefix>_stats.csv`."""
    env = {**os.environ, "LINKWORK_LOAD_PLAN": str(plan), "LINKWORK_LOAD_ACKS": str(acks)}
    subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            address,
            "--users",
            str(users),
            "--spawn-rate",
            str(SPAWN_RATE),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            # The exit code says whether anything failed; the checks below decide instead.
            "--exit-code-on-error",
            "0",
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )


def read_stats(prefix: Path) -> list[dict[str, Any]]:
    """locust's per-page rows and its total, as numbers."""
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    return [
        {
            "name": f"{row['Type']} {row['Name']}" if row["Type"] else "all requests",
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50": float(row["50%"] or 0),
            "p95": float(row["95%"] or 0),
            "p99": float(row["99%"] or 0),
            "rps": float(row["Requests/s"] or 0),
        }
        for row in rows
    ]


def read_failures(prefix: Path) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as failures:
        return [
            f"{row['Occurrences']} x {row['Method']} {row['Name']}: {row['Error']}"
            for row in csv.DictReader(failures)
        ]


# The check: every acknowledged write, exactly once --------------------------------------------


def holders(write: dict[str, Any]) -> list[str]:
    """The record each row holding this acknowledged write belongs to (the referral of a
    contact, the connection of an answer or attendance, a referral itself): one row, on the
    record the server acknowledged it for, is right."""
    from linkwork.casework.models import Attendance, ConnectionStatusChange, Contact
    from linkwork.referrals.models import Referral

    kind = write["kind"]
    rows: Any
    if kind == "contact":
        rows = Contact.objects.filter(note=write["note"]).values_list("referral_id", flat=True)
    elif kind == "referral":
        rows = Referral.objects.filter(reason=write["reason"]).values_list("pk", flat=True)
    elif kind == "answer":
        rows = ConnectionStatusChange.objects.filter(reason=write["detail"]).values_list(
            "connection_id", flat=True
        )
    elif kind == "attendance":
        rows = Attendance.objects.filter(
            connection_id=write["connection"], session_on=write["session_on"]
        ).values_list("connection_id", flat=True)
    else:
        raise ValueError(f"unknown kind of write: {kind}")
    return [str(row) for row in rows]


# What each kind of write was acknowledged for.
OWNER = {
    "contact": "referral",
    "referral": "id",
    "answer": "connection",
    "attendance": "connection",
}


def check_writes(acks: Path) -> dict[str, Any]:
    """Each write the server acknowledged, looked up by what it was acknowledged with.
    Returns counts per kind and the writes missing, found more than once or found on
    another record."""
    lines = acks.read_text(encoding="utf-8").splitlines() if acks.exists() else []
    acknowledged = [json.loads(line) for line in lines if line.strip()]
    counts: Counter[str] = Counter()
    wrong: list[str] = []
    for write in acknowledged:
        counts[write["kind"]] += 1
        found = holders(write)
        if found != [write[OWNER[write["kind"]]]]:
            wrong.append(f"{write['kind']}: {len(found)} found for {write}")
    return {"acknowledged": dict(sorted(counts.items())), "wrong": wrong}


# The run ----------------------------------------------------------------------------------------


def load_test(*, people: int, users: int, seconds: int, keep: str | None = None) -> dict[str, Any]:
    """Seed (or reuse), serve, swarm, check. Returns locust's rows, the failures and the
    write check."""
    run = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory(prefix="linkwork-load-") as scratch:
        plan, acks, prefix = (
            Path(scratch, "plan.json"),
            Path(scratch, "acks.jsonl"),
            Path(scratch, "locust"),
        )
        with load_database(people, keep) as url:
            from linkwork.people.models import Person

            size = Person.objects.count()
            write_plan(plan, users, run)
            with served(url) as address:
                started = time.perf_counter()
                swarm(address, plan, acks, users, seconds, prefix)
                took = time.perf_counter() - started
                load = os.getloadavg()
            writes = check_writes(acks)
        return {
            "size": size,
            "users": users,
            "seconds": seconds,
            "took": took,
            "load_average": load,
            "stats": read_stats(prefix),
            "failures": read_failures(prefix),
            "writes": writes,
        }


def error_rate(result: dict[str, Any]) -> float:
    total = next(row for row in result["stats"] if row["name"] == "all requests")
    return total["failures"] / total["requests"] if total["requests"] else 1.0


def rows_of(result: dict[str, Any]) -> list[dict[str, object]]:
    """One row per page for the runner, with its target (p95 and errors) met or not."""
    floor = next((r for r in result["stats"] if r["name"] == "GET healthz (floor)"), None)
    floor_p95 = floor["p95"] if floor else float("nan")
    rows: list[dict[str, object]] = []
    for stat in result["stats"]:
        errors = stat["failures"] / stat["requests"] if stat["requests"] else 0.0
        met = stat["p95"] < TARGET_P95_MS and errors < ERROR_LIMIT
        judged = stat["name"] not in NOT_JUDGED and stat["name"] != "all requests"
        rows.append(
            {
                "benchmark": stat["name"],
                "size": result["size"],
                "requests": stat["requests"],
                "errors": stat["failures"],
                "p50_ms": stat["p50"],
                "p95_ms": stat["p95"],
                "p99_ms": stat["p99"],
                "floor_p95_ms": floor_p95,
                "ratio": round(stat["p95"] / floor_p95, 1) if floor_p95 else float("nan"),
                "target_met": ("yes" if met else "NO") if judged else "-",
            }
        )
    return rows


def summary(result: dict[str, Any]) -> str:
    total = next(row for row in result["stats"] if row["name"] == "all requests")
    writes = result["writes"]
    acknowledged = ", ".join(f"{n:,} {kind}" for kind, n in writes["acknowledged"].items())
    one, five, fifteen = result["load_average"]
    lines = [
        f"{result['users']} users for {result['seconds']} s on {result['size']:,} people: "
        f"{total['requests']:,} requests ({total['rps']:.1f}/s), "
        f"{total['failures']:,} errors ({error_rate(result):.3%}).",
        f"Writes acknowledged: {acknowledged or 'none'}; "
        f"{len(writes['wrong'])} missing or duplicated.",
        f"Load average at the end: {one:.1f}, {five:.1f}, {fifteen:.1f} (1, 5, 15 minutes).",
    ]
    if "seeded" in _summary:
        lines.append(f"Seeded {_summary['seeded']}.")
    lines += [f"Failure: {failure}" for failure in result["failures"][:10]]
    lines += [f"Write not found exactly once: {wrong}" for wrong in writes["wrong"][:10]]
    return "\n\n".join(lines)


def run() -> list[dict[str, object]]:
    """`linkwork bench load`: the full run (PostgreSQL only), scaled by `LINKWORK_BENCH_SCALE`."""
    from django.db import connection

    from benchmarks.casework import scale

    if connection.vendor != "postgresql":
        print("skipping load: PostgreSQL only (set DATABASE_URL)", file=sys.stderr)
        _summary["report"] = "Not run: the load test needs PostgreSQL."
        return []
    people = max(100, round(PEOPLE * scale()))
    result = load_test(
        people=people, users=USERS, seconds=SECONDS, keep=os.environ.get("LINKWORK_LOAD_DATABASE")
    )
    _summary["report"] = summary(result)
    print(_summary["report"], file=sys.stderr)
    return rows_of(result)


def report() -> str:
    return str(_summary.get("report", ""))


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.load [--smoke]`: one run, printed; exits 1 when a write is lost
    or duplicated or errors reach 0.1 % (and, without --smoke, when a page misses its p95)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="CI: 2,000 people, 20 users, 30 s")
    parser.add_argument("--people", type=int)
    parser.add_argument("--users", type=int)
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--keep", help="a database to seed once and reuse")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("LINKWORK_HTTPS", "false")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("The load test needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    smoke = args.smoke
    result = load_test(
        people=args.people or (2_000 if smoke else PEOPLE),
        users=args.users or (20 if smoke else USERS),
        seconds=args.seconds or (30 if smoke else SECONDS),
        keep=args.keep,
    )
    rows = rows_of(result)
    from benchmarks.runner import table

    print(table(rows, COLUMNS, DIGITS))
    print(summary(result))
    failed = error_rate(result) >= ERROR_LIMIT or bool(result["writes"]["wrong"])
    if not any(result["writes"]["acknowledged"].values()):
        print("No write was acknowledged: the run proves nothing about lost writes.")
        failed = True
    if not smoke:
        failed = failed or any(row["target_met"] == "NO" for row in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
