"""The load test's users: link workers, providers and referrers of the seeded demo, each
signed in through the real login form (CSRF, password, then the authenticator code), doing a
day's mix of pages and writes with 0.2 to 0.8 s between requests.

It needs no database and no Django: `benchmarks/load.py` writes the plan (accounts, their
authenticator keys and the records each may use) to the JSON file named by
`LINKWORK_LOAD_PLAN`, and this file appends every write the server acknowledged to the
JSON-lines file named by `LINKWORK_LOAD_ACKS`, so the checker can find each in the database
exactly once afterwards. Each locust user takes an account of its own: one authenticator code
signs in only once, so two users sharing an account would refuse each other.

    locust -f benchmarks/load/locustfile.py --headless -u 50 -r 10 -t 5m --host http://...
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import threading
import uuid
from typing import Any

from django_otp.oath import totp
from locust import FastHttpUser, between, events, task

PLAN: dict[str, Any] = {}
ACKS_PATH = os.environ.get("LINKWORK_LOAD_ACKS", "")
_acks_lock = threading.Lock()
_pools: dict[str, itertools.cycle[Any]] = {}
# Nothing in the run refuses a request on purpose: any other answer is an error.
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_INPUT = re.compile(r'name="version" value="([^"]*)"')


@events.init.add_listener
def _load_plan(**_: Any) -> None:
    path = os.environ.get("LINKWORK_LOAD_PLAN")
    if not path:
        raise SystemExit("Set LINKWORK_LOAD_PLAN to the plan benchmarks/load.py wrote")
    with open(path, encoding="utf-8") as plan_file:
        PLAN.update(json.load(plan_file))
    for kind in ("link_workers", "providers", "referrers"):
        _pools[kind] = itertools.cycle(PLAN[kind])


def acknowledge(kind: str, **what: Any) -> None:
    """Note a write the server acknowledged, for the checker."""
    line = json.dumps({"kind": kind, **what}, sort_keys=True)
    with _acks_lock, open(ACKS_PATH, "a", encoding="utf-8") as acks:
        acks.write(line + "\n")


def marker(kind: str) -> str:
    """A text no one else writes: the run, the kind of write and a fresh id."""
    return f"load {PLAN['run']} {kind} {uuid.uuid4().hex}"


def code_for(key_hex: str) -> str:
    """The authenticator's current 6-digit code for a TOTP key stored as hex."""
    return f"{totp(bytes.fromhex(key_hex)):06d}"


class Staff(FastHttpUser):
    """Signs in once as its own account, then works; failures are answers it did not expect.

    locust's `FastHttpUser` (geventhttpclient, keeping cookies like a browser) rather than its
    `requests`-based `HttpUser`: the load generator shares the two cores with the server it
    measures, so the less processor time it takes per request, the less it slows the server."""

    abstract = True
    wait_time = between(0.2, 0.8)
    pool = ""
    account: dict[str, Any]

    def on_start(self) -> None:
        self.account = next(_pools[self.pool])
        self.rng = random.Random()
        self.sign_in()

    def csrf(self, html: str) -> str:
        found = CSRF_INPUT.search(html)
        return found.group(1) if found else ""

    def sign_in(self) -> None:
        page = self.client.get("/account/login/", name="login")
        answer = self.client.post(
            "/account/login/",
            data={
                "csrfmiddlewaretoken": self.csrf(page.text),
                "email": self.account["email"],
                "password": PLAN["password"],
            },
            name="login",
            allow_redirects=False,
        )
        code_page = self.client.get("/account/two-factor/", name="two-factor")
        with self.client.post(
            "/account/two-factor/",
            data={
                "csrfmiddlewaretoken": self.csrf(code_page.text),
                "code": code_for(self.account["totp_key"]),
            },
            name="two-factor",
            allow_redirects=False,
            catch_response=True,
        ) as signed_in:
            if answer.status_code != 302 or signed_in.status_code != 302:
                signed_in.failure(
                    f"sign-in refused ({answer.status_code}, {signed_in.status_code})"
                )

    def page(self, url: str, name: str) -> Any:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {name}")
            return response

    def post_form(self, url: str, name: str, data: dict[str, Any], then: str) -> bool:
        """Post a form opened just before (its CSRF token and version taken from the page);
        True when the server acknowledged it with its redirect to `then`."""
        form = self.page(url, name)
        data = {"csrfmiddlewaretoken": self.csrf(form.text), **data}
        version = VERSION_INPUT.search(form.text)
        if version:
            data.setdefault("version", version.group(1))
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302 and response.headers.get("Location", "").endswith(then):
                return True
            response.failure(f"{response.status_code} posting {name}")
            return False

    @task(1)
    def health(self) -> None:
        """The floor: the whole stack and one trivial query, under the same load."""
        self.page("/healthz", "healthz (floor)")


class LinkWorker(Staff):
    weight = 6
    pool = "link_workers"

    def referral(self) -> str:
        return self.rng.choice(self.account["referrals"])

    @task(5)
    def caseload(self) -> None:
        self.page("/casework/caseload/", "caseload")

    @task(1)
    def caseload_due(self) -> None:
        self.page("/casework/caseload/?due=1", "caseload, something due")

    @task(2)
    def caseload_search(self) -> None:
        word = self.rng.choice(self.account["family_names"])
        self.page(f"/casework/caseload/?q={word}", "caseload search")

    @task(4)
    def person(self) -> None:
        self.page(f"/people/{self.rng.choice(self.account['people'])}/", "person page")

    @task(3)
    def referral_page(self) -> None:
        self.page(f"/referrals/{self.referral()}/", "referral page")

    @task(2)
    def recommendations(self) -> None:
        self.page(f"/casework/referrals/{self.referral()}/connections/", "recommendations")

    @task(2)
    def directory_search(self) -> None:
        word = self.rng.choice(PLAN["search_words"])
        self.page(f"/directory/?q={word}", "directory search")

    @task(2)
    def contact(self) -> None:
        referral = self.referral()
        url = f"/casework/referrals/{referral}/contacts/"
        note = marker("contact")
        now = dt.datetime.now()
        posted = self.post_form(
            url,
            "contacts",
            {
                "date[day]": now.day,
                "date[month]": now.month,
                "date[year]": now.year,
                "time": "00:00",
                "mode": "phone",
                "duration_minutes": self.rng.randrange(5, 60),
                "outcome": "attended",
                "note": note,
            },
            then=url,
        )
        if posted:
            acknowledge("contact", referral=referral, note=note)


class Provider(Staff):
    weight = 2
    pool = "providers"

    @task(4)
    def inbox(self) -> None:
        self.page("/casework/inbox/", "provider inbox")

    @task(2)
    def connection(self) -> None:
        connections = self.account["requested"] + self.account["accepted"]
        if connections:
            chosen = self.rng.choice(connections)
            self.page(f"/casework/inbox/{chosen}/", "provider connection")

    @task(2)
    def update(self) -> None:
        """Answer a request still waiting (accept, with a note the checker looks for); when
        none is left, record attendance at an accepted one on a day not recorded yet."""
        if self.account["requested"]:
            chosen = self.account["requested"].pop()
            url = f"/casework/inbox/{chosen}/"
            detail = marker("answer")
            if self.post_form(
                url,
                "provider connection",
                {"form": "answer", "decision": "accept", "detail": detail},
                then=url,
            ):
                acknowledge("answer", connection=chosen, detail=detail)
                self.account["accepted"].append(chosen)
            return
        if not self.account["accepted"]:
            return
        chosen = self.rng.choice(self.account["accepted"])
        # Days counted back from a year ago, one per update: each (connection, day) is new.
        self.days_back = getattr(self, "days_back", 365) + 1
        day = dt.date.today() - dt.timedelta(days=self.days_back)
        url = f"/casework/inbox/{chosen}/"
        if self.post_form(
            url,
            "provider connection",
            {
                "form": "attendance",
                "session_on[day]": day.day,
                "session_on[month]": day.month,
                "session_on[year]": day.year,
                "attended": "yes",
            },
            then=url,
        ):
            acknowledge("attendance", connection=chosen, session_on=day.isoformat())


class Referrer(Staff):
    weight = 2
    pool = "referrers"

    @task(3)
    def referrals(self) -> None:
        self.page("/referrals/", "referrer's referrals")

    @task(2)
    def referral(self) -> None:
        if self.account["referrals"]:
            chosen = self.rng.choice(self.account["referrals"])
            self.page(f"/referrals/{chosen}/", "referrer's referral page")

    @task(2)
    def refer(self) -> None:
        """A new referral through the API, as the organisation's clinical system would."""
        reason = marker("referral")
        born = dt.date(1940, 1, 1) + dt.timedelta(days=self.rng.randrange(25_000))
        body = {
            "person": {
                "given_name": self.rng.choice(["Alex", "Sam", "Jo", "Chris", "Robin"]),
                "family_name": f"Loadtest{uuid.uuid4().hex[:8]}",
                "date_of_birth": born.isoformat(),
                "postcode": "BK1 2AB",
                "phone": "07700 900123",
                "preferred_contact_method": "phone",
                "risk_status": "no_known_risks",
            },
            "consents": {"contact": True, "share_with_providers": True},
            "referral": {
                "scheme": self.account["scheme"],
                "route": self.account["route"],
                "needs": ["loneliness"],
                "reason": reason,
                "consent_to_refer": True,
                "referrer": {"name": "Load test"},
            },
        }
        key = uuid.uuid4().hex
        with self.client.post(
            "/api/v1/referrals",
            json=body,
            headers={
                "Authorization": f"Bearer {self.account['token']}",
                "Idempotency-Key": key,
            },
            name="API: send a referral",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code} sending a referral")
                return
            acknowledge("referral", id=response.json()["id"], reason=reason)
            self.account["referrals"].append(response.json()["id"])
