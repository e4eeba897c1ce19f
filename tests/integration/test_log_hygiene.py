"""No personal data in the server log, and an intended refusal logs one line (issue 16, item 7).

Real journeys run with a person's details planted in them (an NHS number from the synthetic
999 range with a valid check digit, an email address, a phone number and an unusual name):
a self-referral, an API referral and a bad one, failed staff logins, the person's page,
searches by their name and NHS number, a 403 and a 404, and the messages that follow. Every
record from every logger is captured at DEBUG (the loggers that do not pass records up, such
as `django.server`, included), with what the configured console handler writes; none may hold
a planted detail in any form. A 403 or 404 the gate meant to give logs one line and no
traceback.
"""

from __future__ import annotations

import copy
import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from linkwork.referrals.actions import accept_referral
from linkwork.referrals.models import Referral
from tests.conftest import SELF_REFERRAL, World, signed_in
from tests.factories import PersonFactory, ReferralFactory
from tests.integration.api.conftest import caller_for, post, request_into

pytestmark = pytest.mark.django_db

NHS_NUMBER = "9990000018"  # synthetic test range, valid check digit
GIVEN, FAMILY = "Zebedee", "Quillfeather"
EMAIL = "zebedee.quillfeather@example.org"
PHONE = "07700 900982"
# Each planted detail in every form it could be written.
PLANTED = (
    NHS_NUMBER,
    "999 000 0018",
    "999-000-0018",
    GIVEN,
    FAMILY,
    EMAIL,
    EMAIL.split("@")[0],
    PHONE,
    PHONE.replace(" ", ""),
)


FORMAT = logging.Formatter("%(name)s %(levelname)s %(message)s")


@dataclass
class Captured:
    """Each record as it was logged (formatted when it arrived, before any handler's filter
    could change it), and what the configured console handler wrote."""

    records: list[logging.LogRecord]
    raw: list[str]
    console: io.StringIO

    def text(self) -> str:
        return "\n".join(self.raw) + "\n" + self.console.getvalue()

    def of(self, name: str) -> list[logging.LogRecord]:
        return [record for record in self.records if record.name == name]

    def clear(self) -> None:
        self.records.clear()
        self.raw.clear()


class _Keep(logging.Handler):
    """Keeps each record and its text as logged: the source's own hygiene, not the filter's."""

    def __init__(self, captured: Captured) -> None:
        super().__init__(logging.DEBUG)
        self.captured = captured

    def emit(self, record: logging.LogRecord) -> None:
        self.captured.records.append(record)
        text = FORMAT.format(record)
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "get_full_path"):
            # Not written by any handler configured, but a handler added later might.
            text += f" [request path {request.path}]"
        self.captured.raw.append(text)
        record.exc_text = None  # formatted here without the console's filters


@pytest.fixture
def every_log() -> Iterator[Captured]:
    """Every logger at DEBUG, each record kept; the console handler's output captured."""
    console = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and h.filters
    )
    captured = Captured([], [], io.StringIO())
    keep = _Keep(captured)
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for name in ("django.request", "django.server", "django.security"):
        loggers.append(logging.getLogger(name))
    levels = {logger: logger.level for logger in loggers}
    # Records reach the root's handlers by propagating; a logger that does not propagate is
    # listened to itself. Ours goes first, so it sees each record before any filter.
    listened = [
        logger for logger in loggers if logger is logging.getLogger() or not logger.propagate
    ]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    for logger in listened:
        logger.handlers.insert(0, keep)
    # Swapped directly: setStream would flush the old stream, which pytest may have closed.
    previous, console.stream = console.stream, captured.console
    try:
        yield captured
    finally:
        console.stream = previous
        for logger in listened:
            logger.removeHandler(keep)
        for logger, level in levels.items():
            logger.setLevel(level)


def _self_refer(client: Client) -> None:
    form = dict(SELF_REFERRAL)
    form.update(
        given_name=GIVEN,
        family_name=FAMILY,
        phone=PHONE,
        email=EMAIL,
        preferred_contact_method="email",
        what_matters=f"Call me on {PHONE} or write to {EMAIL}",
    )
    assert client.post(reverse("refer"), form).status_code == 302


def _api_referral(client: Client, world: World) -> Referral:
    practice = caller_for(world.practice)
    body = request_into(world.scheme_a)
    body["person"].update(
        given_name=GIVEN,
        family_name=FAMILY,
        nhs_number="999 000 0018",
        email=EMAIL,
        phone=PHONE,
    )
    created = post(client, practice, body)
    assert created.status_code == 201, created.content
    # Bad input carrying the same details: a wrong check digit, a NUL, a malformed email.
    bad = copy.deepcopy(body)
    bad["person"].update(nhs_number="999 000 0019", given_name=f"{GIVEN}\x00", email=f"{EMAIL}@@")
    refused = post(client, practice, bad)
    assert refused.status_code in (400, 422)
    assert post(client, practice, json.dumps(bad)[:-5]).status_code == 400  # broken JSON
    return Referral.objects.get(pk=created.json()["id"])


def _failed_logins(client: Client, world: World) -> None:
    login = reverse("accounts:login")
    world.link_worker_a.email = EMAIL
    world.link_worker_a.save()
    assert client.post(login, {"email": EMAIL, "password": f"{FAMILY}-guess"}).status_code == 200
    unknown = {"email": f"not.{EMAIL}", "password": PHONE}
    assert client.post(login, unknown).status_code == 200


def test_journeys_with_planted_personal_data_log_none_of_it(
    world: World, every_log: Captured, django_capture_on_commit_callbacks
):
    known = PersonFactory(
        given_name=GIVEN, family_name=FAMILY, nhs_number=NHS_NUMBER, email=EMAIL, phone=PHONE
    )
    referral = ReferralFactory(person=known, scheme=world.scheme_a)
    every_log.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _self_refer(Client())
        api_referral = _api_referral(Client(), world)
        _failed_logins(Client(), world)
        staff = signed_in(Client(), world.scheme_lead_a)
        assert staff.get(reverse("people:detail", args=[known.pk])).status_code == 200
        for query in (f"{GIVEN} {FAMILY}", "999 000 0018", FAMILY):
            assert staff.get(reverse("referrals:list"), {"q": query}).status_code == 200
            assert staff.get(reverse("casework:caseload"), {"q": query}).status_code in (200, 403)
        accept_referral(by=world.scheme_lead_a, referral=api_referral, link_worker=None)
        accept_referral(by=world.scheme_lead_a, referral=referral, link_worker=None)
        other_scheme = signed_in(Client(), world.link_worker_b)
        assert other_scheme.get(reverse("people:detail", args=[known.pk])).status_code == 404
        no_role = signed_in(Client(), world.referrer)
        assert no_role.get(reverse("casework:caseload"), {"q": FAMILY}).status_code == 403

    text = every_log.text()
    assert every_log.records, "nothing was captured: the capture is broken"
    assert "caseload" in every_log.console.getvalue(), "the console handler was not captured"
    assert "deliver_message" in text, "no message was sent"
    leaks = {planted for planted in PLANTED if planted.lower() in text.lower()}
    assert not leaks, f"personal data in the log: {sorted(leaks)}\n{text}"


def test_intended_refusals_log_one_line_without_a_traceback(world: World, every_log: Captured):
    person = PersonFactory(given_name=GIVEN, family_name=FAMILY, nhs_number=NHS_NUMBER)
    ReferralFactory(person=person, scheme=world.scheme_a)
    every_log.clear()

    not_found = signed_in(Client(), world.link_worker_b).get(
        reverse("people:detail", args=[person.pk])
    )
    forbidden = signed_in(Client(), world.referrer).get(reverse("casework:caseload"))

    assert (not_found.status_code, forbidden.status_code) == (404, 403)
    refusals = every_log.of("django.request")
    assert [record.status_code for record in refusals] == [404, 403]  # type: ignore[attr-defined]
    for record in refusals:
        assert "\n" not in record.getMessage()
    console = every_log.console.getvalue()
    assert "Traceback" not in console
    request_lines = [line for line in console.splitlines() if " django.request " in line]
    assert len(request_lines) == 2
    assert GIVEN not in console
    assert NHS_NUMBER not in console


def test_the_console_handler_removes_what_a_careless_message_would_leak(every_log: Captured):
    """The safety net under the rule: a message that breaks it still writes no email
    address, NHS number, phone number or query string, in the message or its traceback."""
    careless = logging.getLogger("linkwork.careless")
    careless.warning("Sent to %s about %s, phone %s", EMAIL, "999 000 0018", PHONE)
    try:
        raise ValueError(f"Person {NHS_NUMBER} at {EMAIL}")
    except ValueError:
        careless.exception("Could not match")
    # The development server's request line, as Django's request handler logs it.
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /referrals/?q={GIVEN}+{FAMILY} HTTP/1.1", "200", "5120"
    )

    written = every_log.console.getvalue()
    assert "ValueError" in written
    assert "Could not match" in written
    assert "GET /referrals/?[query removed] HTTP/1.1" in written
    for planted in PLANTED:
        assert planted not in written
