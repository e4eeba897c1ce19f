"""Processor time per request for the load test's pages, in one process (issue 16, item 12).

The load test (`benchmarks/load.py`) saturates two cores: every page queues for a processor,
so what matters is the processor time a request costs, not its wall time alone. This calls
the WSGI application directly (the whole middleware stack, the session cookie, the audit
write, the full page) as the accounts the load test signs in as, each page `--repeat` times
after a warm-up, and prints per page the median and lowest processor time of this process
(`time.process_time`: the database server's own time is not in it), the wall time and the
queries. Processor time is steadier than wall time on a shared machine, but not exact:
compare runs made one after the other.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf_perf SECRET_KEY=dev-only \
      python -m benchmarks.request_cpu --repeat 30 [--profile /tmp/profiles] [--only caseload]

The database must hold the demo (`linkwork seed-demo`, or `benchmarks/load.py --keep NAME`).
With `--profile DIR` each page's requests are also run under cProfile, saved as
`DIR/<page>.prof` and summarised (the functions with the most own time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Request = tuple[str, str, str, dict[str, str], bytes]  # name, method, path, headers, body


def _session_cookie(user: Any) -> str:
    """A session for `user` with two-factor passed, as after the real login."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from linkwork.accounts import sessions

    client = Client()
    client.force_login(user)
    session = client.session
    session[sessions.STARTED] = session[sessions.LAST_SEEN] = time.time()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return str(session.session_key)


def _user(email: str) -> Any:
    from linkwork.accounts.models import User

    return User.objects.get(email=email)


def plan() -> list[tuple[str, Request]]:
    """(session key or "", request) for every page the load test opens, and the triage queue."""
    from benchmarks.load import _link_workers, _providers, _referrers, _search_words
    from linkwork.accounts.models import Membership, Role
    from linkwork.referrals.lifecycle import Status
    from linkwork.referrals.models import Referral

    worker = _link_workers(1)[0]
    provider = _providers(1)[0]
    referrer = _referrers(1)[0]
    lead = (
        Membership.objects.filter(
            role=Role.SCHEME_LEAD,
            scheme__referrals__status=Status.RECEIVED,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert lead is not None, "no scheme lead with referrals waiting for triage"
    word = _search_words()[0]
    worker_session = _session_cookie(_user(worker["email"]))
    provider_session = _session_cookie(_user(provider["email"]))
    referrer_session = _session_cookie(_user(referrer["email"]))
    lead_session = _session_cookie(lead.user)
    referral = worker["referrals"][0]
    person = worker["people"][0]
    connection = (provider["requested"] + provider["accepted"])[0]
    sent = referrer["referrals"][0] if referrer["referrals"] else None
    assert Referral.objects.filter(pk=referral).exists()

    def get(name: str, path: str) -> Request:
        return (name, "GET", path, {}, b"")

    requests: list[tuple[str, Request]] = [
        ("", get("healthz", "/healthz")),
        (worker_session, get("caseload", "/casework/caseload/")),
        (worker_session, get("caseload, something due", "/casework/caseload/?due=1")),
        (
            worker_session,
            get("caseload search", f"/casework/caseload/?q={worker['family_names'][0]}"),
        ),
        (worker_session, get("person page", f"/people/{person}/")),
        (worker_session, get("referral page", f"/referrals/{referral}/")),
        (worker_session, get("recommendations", f"/casework/referrals/{referral}/connections/")),
        (worker_session, get("contacts", f"/casework/referrals/{referral}/contacts/")),
        (worker_session, get("directory search", f"/directory/?q={word}")),
        (lead_session, get("triage queue", "/referrals/triage/")),
        (provider_session, get("provider inbox", "/casework/inbox/")),
        (provider_session, get("provider connection", f"/casework/inbox/{connection}/")),
        (referrer_session, get("referrer's referrals", "/referrals/")),
    ]
    if sent:
        requests.append((referrer_session, get("referrer's referral page", f"/referrals/{sent}/")))
    requests.append(("", api_referral(referrer)))
    return requests


def api_referral(referrer: dict[str, Any]) -> Request:
    """The load test's API referral; each call sends a new person (the family name varies)."""
    body = {
        "person": {
            "given_name": "Sam",
            "family_name": "Loadtest",
            "date_of_birth": "1960-05-05",
            "postcode": "BK1 2AB",
            "phone": "07700 900123",
            "preferred_contact_method": "phone",
            "risk_status": "no_known_risks",
        },
        "consents": {"contact": True, "share_with_providers": True},
        "referral": {
            "scheme": referrer["scheme"],
            "route": referrer["route"],
            "needs": ["loneliness"],
            "reason": "request_cpu",
            "consent_to_refer": True,
            "referrer": {"name": "Load test"},
        },
    }
    headers = {
        "Authorization": f"Bearer {referrer['token']}",
        "Content-Type": "application/json",
    }
    return ("API: send a referral", "POST", "/api/v1/referrals", headers, json.dumps(body).encode())


def _environ(session: str, request: Request) -> dict[str, Any]:
    _, method, path, headers, body = request
    route, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if session:
        environ["HTTP_COOKIE"] = f"sessionid={session}"
    for name, value in headers.items():
        if name == "Content-Type":
            environ["CONTENT_TYPE"] = value
        else:
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
        if b"Loadtest" in body:
            fresh = body.replace(b'"Loadtest"', f'"Loadtest{uuid.uuid4().hex[:8]}"'.encode())
            environ["wsgi.input"] = io.BytesIO(fresh)
            environ["CONTENT_LENGTH"] = str(len(fresh))
            environ["HTTP_IDEMPOTENCY_KEY"] = uuid.uuid4().hex
    return environ


def call(app: Callable[..., Any], session: str, request: Request) -> str:
    """Call the WSGI application once; its status line (the body is read and dropped)."""
    status: list[str] = []

    def start_response(line: str, headers: list[Any], exc_info: Any = None) -> None:
        status.append(line)

    answer = app(_environ(session, request), start_response)
    try:
        for _ in answer:
            pass
    finally:
        close = getattr(answer, "close", None)
        if close is not None:
            close()
    return status[0]


def database_cpu_seconds() -> float:
    """Processor time so far of the database server process serving this connection (the
    same machine's PostgreSQL; 0 on SQLite, whose work is in this process already)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def counting_queries() -> Iterator[list[int]]:
    from django.db import connection

    count = [0]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


def callgrind_control(library: Path) -> Any:
    """The client requests of `benchmarks/callgrind/cgctl.c`, built as a shared library."""
    import ctypes

    control = ctypes.CDLL(str(library))
    control.cg_dump.argtypes = [ctypes.c_char_p]
    if not control.cg_running():
        raise SystemExit("--callgrind needs the run under valgrind --tool=callgrind")
    return control


def measure(
    app: Callable[..., Any],
    session: str,
    request: Request,
    repeat: int,
    profile: Path | None,
    callgrind: Any = None,
) -> dict[str, Any]:
    name = request[0]
    # Warm-up: templates compiled, caches filled (once is enough, and slow under callgrind).
    for _ in range(1 if callgrind is not None else 3):
        status = call(app, session, request)
    expected = "201" if request[1] == "POST" else "200"
    if not status.startswith(expected):
        raise SystemExit(f"{name}: {status}")
    if callgrind is not None:
        # Instructions of exactly these requests: collection on around them, then a dump
        # named after the page (callgrind.out.<pid>.<n>, "Trigger: Client Request: <page>").
        callgrind.cg_toggle()
        for _ in range(repeat):
            call(app, session, request)
        callgrind.cg_toggle()
        callgrind.cg_dump(name.encode())
        return {"page": name}
    cpu: list[float] = []
    wall: list[float] = []
    database_started = database_cpu_seconds()
    with counting_queries() as queries:
        for _ in range(repeat):
            started_cpu, started = time.process_time(), time.perf_counter()
            call(app, session, request)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    database_ms = (database_cpu_seconds() - database_started) * 1000 / repeat
    row = {
        "page": name,
        "database_cpu_ms": round(database_ms, 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
        "cpu_min_ms": round(min(cpu), 1),
        "wall_median_ms": round(statistics.median(wall), 1),
        "queries": round(queries[0] / repeat, 1),
    }
    if profile is not None:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(repeat):
            call(app, session, request)
        profiler.disable()
        slug = "".join(c if c.isalnum() else "_" for c in name)
        profiler.dump_stats(profile / f"{slug}.prof")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        (profile / f"{slug}.txt").write_text(out.getvalue(), encoding="utf-8")
    return row


def read_callgrind(directory: Path, repeat: int) -> list[tuple[str, int]]:
    """(page, instructions per request) from the dumps a `--callgrind` run left in `directory`."""
    rows = []
    for dump in sorted(directory.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:] or 0)):
        page, total = "", 0
        for line in dump.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("desc: Trigger: Client Request: "):
                page = line.split(": ", 3)[-1]
            elif line.startswith(("totals:", "summary:")):
                total = int(line.split()[1])
        if page:
            rows.append((page, total // repeat))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", action="append", help="pages whose name contains this")
    parser.add_argument("--profile", type=Path, help="save each page's cProfile here")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument(
        "--callgrind",
        type=Path,
        help="cgctl.so built from benchmarks/callgrind/cgctl.c: count instructions instead",
    )
    parser.add_argument("--read-callgrind", type=Path, help="print a --callgrind run's dumps")
    args = parser.parse_args(argv)
    if args.read_callgrind:
        for page, instructions in read_callgrind(args.read_callgrind, args.repeat):
            print(f"{page:<28} {instructions / 1e6:8.1f} million instructions per request")
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    os.environ.setdefault("LINKWORK_HTTPS", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    # One database connection for the whole run, so its server process can be watched.
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "3600")
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    callgrind = callgrind_control(args.callgrind) if args.callgrind else None
    rows = []
    for session, request in plan():
        if args.only and not any(word in request[0] for word in args.only):
            continue
        row = measure(app, session, request, args.repeat, args.profile, callgrind)
        rows.append(row)
        if callgrind is not None:
            continue
        print(
            f"{row['page']:<28} cpu {row['cpu_median_ms']:7.1f} ms (min {row['cpu_min_ms']:6.1f})"
            f"  database cpu {row['database_cpu_ms']:6.1f} ms"
            f"  wall {row['wall_median_ms']:7.1f} ms  queries {row['queries']:5.1f}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
