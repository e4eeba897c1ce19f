"""Webhooks end to end, against a real receiver on 127.0.0.1: the outbox is written in the
transaction of the change, each delivery is signed so the receiver can check it, carries ids
only, is retried after a failure, gives up after the limit, and nothing is lost while the
receiver is down (the sweep and the replay deliver every event once it is back)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import signal
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from linkwork.casework.actions import create_connection, respond_to_connection
from linkwork.casework.lifecycle import Decision
from linkwork.interop.webhooks import actions, signing, tasks
from linkwork.interop.webhooks.models import (
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookEvent,
)
from linkwork.referrals.actions import put_on_hold, resume_support
from tests.conftest import World, build_world
from tests.factories import DirectoryOrganizationFactory, ReferralFactory, ServiceFactory
from tests.integration.interop.webhook_receiver import Receiver, local_receiver

START = dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def hooks(settings) -> None:
    settings.LINKWORK_WEBHOOK_ALLOW_LOOPBACK = True
    settings.LINKWORK_WEBHOOK_MAX_ATTEMPTS = 3
    settings.LINKWORK_WEBHOOK_RETRY_SECONDS = 60
    settings.LINKWORK_WEBHOOK_TIMEOUT_SECONDS = 5


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with local_receiver() as running:
        yield running


@pytest.fixture
def at_start(time_machine) -> None:
    time_machine.move_to(START, tick=False)


def subscribe(organisation, url: str):  # type: ignore[no-untyped-def]
    return actions.create_endpoint(
        by=None, organisation=organisation, name="Case system", url=url, events=EventType.values
    )


def hold(world: World, referral) -> None:  # type: ignore[no-untyped-def]
    put_on_hold(by=world.link_worker_a, referral=referral, reason="Away for a month")


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    """What a receiver computes, written out here without Linkwork's code."""
    signed = timestamp.encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


# --- The outbox and the transaction ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_writes_no_event_and_a_committed_one_always_does(hooks, receiver):
    world = build_world()
    referral = ReferralFactory(
        scheme=world.scheme_a, referring_organisation=world.practice, status="active"
    )
    subscribe(world.practice, receiver.url)

    seen_inside: list[int] = []

    def change_then_fail() -> None:
        with transaction.atomic():
            hold(world, referral)
            seen_inside.append(WebhookEvent.objects.count())
            raise RuntimeError("the request fails after the change")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert seen_inside == [1]  # written inside the change's transaction
    referral.refresh_from_db()
    assert referral.status == "active"
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []

    hold(world, referral)
    event = WebhookEvent.objects.get()
    assert (event.type, event.resource_type, event.resource_id, event.organisation_id) == (
        EventType.REFERRAL_STATUS_CHANGED,
        "Task",
        str(referral.pk),
        world.practice.pk,
    )
    # On commit the delivery went to the task worker (the immediate backend here) and arrived.
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    assert [json.loads(got.body)["id"] for got in receiver.received] == [str(event.pk)]


@pytest.mark.django_db
def test_connection_changes_go_to_the_referrer_and_once_requested_to_the_provider(
    hooks, receiver, world: World, referral_a, django_capture_on_commit_callbacks
):
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    service = ServiceFactory(organization=listing)
    subscribe(world.practice, receiver.url)
    subscribe(world.provider_org, receiver.url)
    WebhookEvent.objects.all().delete()  # none yet: nothing changed

    with django_capture_on_commit_callbacks(execute=False):
        connection = create_connection(by=world.link_worker_a, referral=referral_a, service=service)
        respond_to_connection(by=world.provider, connection=connection, decision=Decision.ACCEPT)

    told = [
        (event.organisation_id, event.resource_type, event.resource_id)
        for event in WebhookEvent.objects.filter(type=EventType.CONNECTION_STATUS_CHANGED)
    ]
    task = ("Task", str(connection.pk))
    # Drafted (the referrer only), requested and accepted (both).
    assert sorted(told) == sorted(
        [(world.practice.pk, *task)] * 3 + [(world.provider_org.pk, *task)] * 2
    )
    assert WebhookDelivery.objects.count() == 5


@pytest.mark.django_db
def test_no_endpoint_no_rows(hooks, world: World, referral_a):
    hold(world, referral_a)
    assert not WebhookEvent.objects.exists()


# --- Signature and payload ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_receiver_can_verify_the_signature_and_refuse_a_replay(
    hooks, receiver, at_start, world: World, referral_a, django_capture_on_commit_callbacks
):
    _, secret = subscribe(world.practice, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        hold(world, referral_a)

    (got,) = receiver.received
    timestamp = got.headers["Linkwork-Webhook-Timestamp"]
    assert int(timestamp) == int(START.timestamp())
    assert got.headers["Linkwork-Webhook-Signature"] == expected_signature(
        secret, timestamp, got.body
    )
    assert got.headers["Linkwork-Webhook-Id"] == str(WebhookDelivery.objects.get().pk)
    assert got.headers["Linkwork-Webhook-Event"] == "referral.status_changed"

    # Linkwork's own receiver check (the one the guide shows) agrees, and refuses what it must.
    signing.verify(secret=secret, headers=got.headers, body=got.body, now=START.timestamp() + 299)
    refusals = [
        dict(secret=secret, headers=got.headers, body=got.body, now=START.timestamp() + 301),
        dict(secret=secret, headers=got.headers, body=got.body, now=START.timestamp() - 301),
        dict(secret="whsec_another", headers=got.headers, body=got.body),
        dict(secret=secret, headers=got.headers, body=got.body.replace(b"Task", b"Tasj")),
        dict(secret=secret, headers={}, body=got.body),
    ]
    for refused in refusals:
        refused.setdefault("now", START.timestamp())
        with pytest.raises(signing.BadSignature):
            signing.verify(**refused)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_after_a_rotation_the_old_secret_also_signs_for_a_day(
    hooks, receiver, time_machine, at_start, world: World, referral_a,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    endpoint, old = subscribe(world.practice, receiver.url)
    new = actions.rotate_secret(by=None, endpoint=endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        hold(world, referral_a)
    a_day_later = START + dt.timedelta(days=1, seconds=1)
    time_machine.move_to(a_day_later, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        resume_support(by=world.link_worker_a, referral=referral_a)

    during, after = receiver.received
    stamp = during.headers["Linkwork-Webhook-Timestamp"]
    assert during.headers["Linkwork-Webhook-Signature"] == ",".join(
        [expected_signature(new, stamp, during.body), expected_signature(old, stamp, during.body)]
    )
    for secret in (new, old):
        signing.verify(
            secret=secret, headers=during.headers, body=during.body, now=START.timestamp()
        )
    signing.verify(secret=new, headers=after.headers, body=after.body, now=a_day_later.timestamp())
    with pytest.raises(signing.BadSignature):
        signing.verify(
            secret=old, headers=after.headers, body=after.body, now=a_day_later.timestamp()
        )


@pytest.mark.django_db
def test_the_payload_has_ids_only_and_no_personal_data(
    hooks, receiver, at_start, world: World, referral_a, django_capture_on_commit_callbacks
):
    referral_a.person.nhs_number = "9434765919"
    referral_a.person.save()
    subscribe(world.practice, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        hold(world, referral_a)

    (got,) = receiver.received
    event = WebhookEvent.objects.get()
    assert json.loads(got.body) == {
        "id": str(event.pk),
        "type": "referral.status_changed",
        "resource": {"type": "Task", "id": str(referral_a.pk)},
        "occurred_at": "2027-03-03T09:00:00Z",
    }
    sent = got.body.decode() + json.dumps(got.headers)
    person = referral_a.person
    for personal in (person.given_name, person.family_name, person.nhs_number, "Away for a month"):
        assert personal not in sent
    assert referral_a.reference not in sent


# --- Retries, giving up, and nothing lost ------------------------------------------------------


@pytest.mark.django_db
def test_retried_with_backoff_after_a_receiver_failure(
    hooks, receiver, time_machine, at_start, world: World, referral_a,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    receiver.answers = [500, 200]
    _, secret = subscribe(world.practice, receiver.url)
    with django_capture_on_commit_callbacks(execute=False):
        hold(world, referral_a)
    delivery = WebhookDelivery.objects.get()

    assert tasks.deliver(delivery.pk) == "retrying"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("pending", 1, 500)
    assert delivery.last_error == "Receiver answered 500"
    wait = delivery.next_attempt_at - START
    assert dt.timedelta(seconds=60) <= wait <= dt.timedelta(seconds=66)

    # A task that arrives before the retry is due does nothing.
    assert tasks.deliver(delivery.pk) == "skipped"
    time_machine.move_to(delivery.next_attempt_at, tick=False)
    assert tasks.deliver(delivery.pk) == "delivered"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 2, "")

    # Both attempts carry the same delivery id (to de-duplicate on) and each its own signature.
    first, second = receiver.received
    assert first.headers["Linkwork-Webhook-Id"] == second.headers["Linkwork-Webhook-Id"]
    assert first.body == second.body
    for got in (first, second):
        stamp = got.headers["Linkwork-Webhook-Timestamp"]
        assert got.headers["Linkwork-Webhook-Signature"] == expected_signature(
            secret, stamp, got.body
        )


def test_the_delay_doubles_with_a_little_jitter_that_is_the_same_every_time(settings):
    settings.LINKWORK_WEBHOOK_RETRY_SECONDS = 60
    delivery = WebhookDelivery(id="7a0cbd8e-0a4c-4b8d-9d3c-0c7f1d2b5e61")
    waits = []
    for attempts in range(1, 12):
        delivery.attempts = attempts
        waits.append(tasks.retry_delay(delivery))
        base = min(dt.timedelta(minutes=2 ** (attempts - 1)), tasks.MAX_DELAY)
        assert base <= waits[-1] <= base * 1.1
        assert tasks.retry_delay(delivery) == waits[-1]
    assert waits[-1] <= tasks.MAX_DELAY * 1.1
    other = WebhookDelivery(id="0b4e3f6d-5c2a-4e1b-8f9d-1a2b3c4d5e6f", attempts=3)
    assert tasks.retry_delay(other) != waits[2]


@pytest.mark.django_db
def test_dead_after_the_attempt_limit(
    hooks, receiver, time_machine, at_start, world: World, referral_a,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    receiver.answers = [503]
    subscribe(world.practice, receiver.url)
    with django_capture_on_commit_callbacks(execute=False):
        hold(world, referral_a)
    delivery = WebhookDelivery.objects.get()

    outcomes = []
    for _ in range(3):
        outcomes.append(tasks.deliver(delivery.pk))
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            time_machine.move_to(delivery.next_attempt_at, tick=False)
    assert outcomes == ["retrying", "retrying", "dead"]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("dead", 3, None)
    assert (delivery.last_response_code, delivery.last_error) == (503, "Receiver answered 503")
    assert len(receiver.received) == 3
    # Dead stays dead until someone replays it; neither a task nor the sweep sends it.
    time_machine.move_to(START + dt.timedelta(days=1), tick=False)
    assert tasks.deliver(delivery.pk) == "skipped"
    assert tasks.sweep(grace=dt.timedelta(0)) == 0
    assert len(receiver.received) == 3


@pytest.mark.django_db
def test_no_event_is_lost_while_the_receiver_is_down_for_the_whole_test(
    hooks, time_machine, at_start, world: World, referral_a, django_capture_on_commit_callbacks
):
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    service = ServiceFactory(organization=listing)
    with local_receiver(down=True) as receiver:
        subscribe(world.practice, receiver.url)
        subscribe(world.provider_org, receiver.url)
        # The hand-over to the worker is lost for every change (the callbacks never run).
        with django_capture_on_commit_callbacks(execute=False):
            hold(world, referral_a)
            resume_support(by=world.link_worker_a, referral=referral_a)
            connection = create_connection(
                by=world.link_worker_a, referral=referral_a, service=service
            )
            respond_to_connection(
                by=world.provider, connection=connection, decision=Decision.ACCEPT
            )
        deliveries = set(WebhookDelivery.objects.values_list("pk", flat=True))
        assert len(deliveries) == 7

        # The sweep finds them all; each attempt is refused, until each gives up.
        for round in range(3):
            time_machine.move_to(START + dt.timedelta(hours=round + 1), tick=False)
            assert tasks.sweep(grace=dt.timedelta(minutes=5)) == 7
        assert set(WebhookDelivery.objects.values_list("status", "attempts", "last_error")) == {
            ("dead", 3, "Could not connect (ConnectionRefusedError)")
        }
        assert receiver.received == []

        # The receiver comes back; the admins replay, and every event arrives once.
        receiver.start()
        with django_capture_on_commit_callbacks(execute=True):
            replayed = actions.replay_all(by=None, deliveries=WebhookDelivery.objects.all())
        assert replayed == 7
        assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
        ids = [got.headers["Linkwork-Webhook-Id"] for got in receiver.received]
        assert sorted(ids) == sorted(str(pk) for pk in deliveries)
        events = {json.loads(got.body)["id"] for got in receiver.received}
        assert events == {str(pk) for pk in WebhookEvent.objects.values_list("pk", flat=True)}


@pytest.mark.django_db
def test_the_sweep_hands_over_only_what_is_overdue_and_unclaimed(
    hooks, receiver, time_machine, at_start, world: World, referral_a,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    subscribe(world.practice, receiver.url)
    with django_capture_on_commit_callbacks(execute=False):
        hold(world, referral_a)
    assert tasks.sweep(grace=dt.timedelta(minutes=5)) == 0  # not overdue yet
    time_machine.move_to(START + dt.timedelta(minutes=6), tick=False)
    out = io.StringIO()
    call_command("retry_webhooks", stdout=out)
    assert out.getvalue().strip() == "Queued 1 overdue deliveries; replayed 0 dead ones."
    assert WebhookDelivery.objects.get().status == "delivered"
    assert len(receiver.received) == 1


# --- Through the real task queue -------------------------------------------------------------

WORKER_LOGGERS = ("django_tasks", "django_tasks_db.management.commands.db_worker")


@pytest.fixture
def database_queue(settings) -> Iterator[None]:
    """The production task backend, and the worker's global changes put back afterwards."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    loggers = [logging.getLogger(name) for name in WORKER_LOGGERS]
    levels = [(lg, lg.level, list(lg.handlers)) for lg in loggers]
    try:
        yield
    finally:
        for number, handler in signals.items():
            signal.signal(number, handler)
        for lg, level, handlers in levels:
            lg.setLevel(level)
            lg.handlers[:] = handlers


def run_worker() -> None:
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_retries_after_its_delay_and_delivers(
    hooks, database_queue, receiver, time_machine, at_start
):
    world = build_world()
    referral = ReferralFactory(
        scheme=world.scheme_a, referring_organisation=world.practice, status="active"
    )
    subscribe(world.practice, receiver.url)
    receiver.answers = [500, 200]
    hold(world, referral)
    ours = DBTaskResult.objects.filter(task_path=tasks.deliver_webhook.module_path)
    first = ours.get()
    assert first.status == "READY"
    assert receiver.received == []

    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    retry = ours.exclude(pk=first.pk).get()
    assert (retry.status, retry.run_after) == ("READY", delivery.next_attempt_at)

    time_machine.move_to(delivery.next_attempt_at - dt.timedelta(seconds=1), tick=False)
    run_worker()
    retry.refresh_from_db()
    assert retry.status == "READY"

    time_machine.move_to(delivery.next_attempt_at + dt.timedelta(seconds=1), tick=False)
    run_worker()
    delivery.refresh_from_db()
    retry.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert (retry.status, retry.return_value) == ("SUCCESSFUL", "delivered")
    assert len(receiver.received) == 2
