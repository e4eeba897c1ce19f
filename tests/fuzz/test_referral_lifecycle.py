"""A Hypothesis state machine over the referral lifecycle, driving the real actions
(`linkwork.referrals.actions`) in random orders, allowed and forbidden alike.

After every step: the status is what the lifecycle (`TRANSITIONS`) says it must be; a
forbidden change raised `InvalidTransition` (or `AssignmentError`) and changed nothing; each
change wrote one status history row and one audit row; times never run backwards; the referrer
got exactly one message back per event the rules name, and none for any other; no row of the
run belongs to anything but its referral. Hazard log cites
`test_referral_lifecycle_state_machine`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.test import TestCase
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.notifications.models import Message
from linkwork.referrals import actions
from linkwork.referrals.lifecycle import (
    OPEN_STATUSES,
    TRANSITIONS,
    ClosureReason,
    DeclineReason,
    InvalidTransition,
    Status,
)
from linkwork.referrals.message_back import MESSAGE_BACK_EVENTS
from linkwork.referrals.models import Channel, Referral, StatusChange
from tests.factories import MembershipFactory, PersonFactory, SchemeFactory, UserFactory
from tests.fuzz.conftest import (
    BOUNDED,
    LIFECYCLE_RUNS,
    LIFECYCLE_STEPS,
    assert_audited_in_order,
    assert_one_unbroken_chain,
)

# The message event each status change sends, when it sends one.
EVENT_OF = {
    Status.ACCEPTED: "accepted",
    Status.DECLINED: "declined",
    Status.REDIRECTED: "redirected",
    Status.ACTIVE: "first_contact",
    Status.CLOSED: "closed",
}


class ReferralLifecycle(RuleBasedStateMachine):
    """One referral from receipt, moved by a scheme lead; the model is its expected status."""

    def __init__(self) -> None:
        super().__init__()
        # Every run in a savepoint of its own, rolled back in `teardown`.
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        scheme = SchemeFactory()
        self.lead = self._member(Role.SCHEME_LEAD, scheme)
        self.link_workers = [self._member(Role.LINK_WORKER, scheme) for _ in range(2)]
        self.stranger = self._member(Role.LINK_WORKER, SchemeFactory())
        # Message ids are UUIDs: remember which exist, rather than the largest.
        self.messages_before = set(Message.objects.values_list("id", flat=True))
        self.changes_before = StatusChange.objects.aggregate(last=Max("id"))["last"] or 0
        with TestCase.captureOnCommitCallbacks(execute=True):
            self.referral = actions.create_referral(
                by=None,
                person=PersonFactory(),
                scheme=scheme,
                route="gp_practice",
                channel=Channel.API,
                needs=["loneliness"],
                consent_to_refer=True,
                referrer={"name": "Dr Fuzz", "email": "fuzz.referrer@example.org"},
                response_to={"name": "Fuzz Surgery", "email": "surgery@example.org"},
            )
        self.status = Status.RECEIVED
        self.was_active = False
        self.changes = 1  # the receipt itself
        self.audited = 1
        self.events: Counter[str] = Counter()

    @staticmethod
    def _member(role: Role, scheme: Any) -> Any:
        user = UserFactory()
        MembershipFactory(user=user, organisation=scheme.host, scheme=scheme, role=role)
        return user

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    # Steps ---------------------------------------------------------------------------------

    def attempt(self, wanted: Status, action: Callable[[], Any]) -> None:
        """Run `action`; it must succeed exactly when the lifecycle allows `wanted`."""
        allowed = wanted in TRANSITIONS[self.status]
        before = self.snapshot()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                action()
        except InvalidTransition:
            assert not allowed, f"{self.status} -> {wanted} is allowed but was refused"
            assert self.snapshot() == before, "a refused change changed something"
            return
        assert allowed, f"{self.status} -> {wanted} is forbidden but happened"
        # Resuming from hold is no new first contact.
        resumed = wanted == Status.ACTIVE and self.was_active
        event = None if resumed else EVENT_OF.get(wanted)
        self.was_active = self.was_active or wanted == Status.ACTIVE
        self.status = wanted
        self.changes += 1
        self.audited += 1
        if event is not None:
            self.events[event] += 1

    def snapshot(self) -> tuple[Any, ...]:
        row = Referral.objects.values_list("status", "version", "link_worker_id").get(
            pk=self.referral.pk
        )
        return (
            row,
            self.referral.history.count(),
            self.audit_rows().count(),
            self.messages().count(),
        )

    @rule(link_worker=st.sampled_from([0, 1, None]))
    def accept(self, link_worker: int | None) -> None:
        chosen = None if link_worker is None else self.link_workers[link_worker]
        self.attempt(
            Status.ACCEPTED,
            lambda: actions.accept_referral(
                by=self.lead, referral=self.referral, link_worker=chosen
            ),
        )

    @rule(reason=st.sampled_from(sorted(set(DeclineReason) - {DeclineReason.NOT_RECORDED})))
    def decline(self, reason: DeclineReason) -> None:
        self.attempt(
            Status.DECLINED,
            lambda: actions.decline_referral(by=self.lead, referral=self.referral, reason=reason),
        )

    @rule()
    def redirect(self) -> None:
        self.attempt(
            Status.REDIRECTED,
            lambda: actions.redirect_referral(
                by=self.lead, referral=self.referral, to="Debt advice line"
            ),
        )

    @rule()
    def start_or_resume(self) -> None:
        move = actions.resume_support if self.status == Status.ON_HOLD else actions.start_support
        self.attempt(Status.ACTIVE, lambda: move(by=self.lead, referral=self.referral))

    @rule()
    def hold(self) -> None:
        self.attempt(
            Status.ON_HOLD,
            lambda: actions.put_on_hold(by=self.lead, referral=self.referral, reason="In hospital"),
        )

    @rule(reason=st.sampled_from(sorted(ClosureReason)))
    def close(self, reason: ClosureReason) -> None:
        self.attempt(
            Status.CLOSED,
            lambda: actions.close_referral(by=self.lead, referral=self.referral, reason=reason),
        )

    @rule(which=st.sampled_from([0, 1, "stranger"]))
    def assign(self, which: int | str) -> None:
        """Only an open referral, only to a link worker of its scheme; nothing else changes."""
        worker = self.stranger if which == "stranger" else self.link_workers[int(which)]
        allowed = self.status in OPEN_STATUSES and which != "stranger"
        before = self.snapshot()
        try:
            actions.assign_link_worker(by=self.lead, referral=self.referral, link_worker=worker)
        except actions.AssignmentError:
            assert not allowed, "an allowed assignment was refused"
            assert self.snapshot() == before, "a refused assignment changed something"
            return
        assert allowed, "a forbidden assignment happened"
        self.audited += 1

    # Invariants ----------------------------------------------------------------------------

    def audit_rows(self) -> Any:
        """The referral's own changes (its messages are audited against it too)."""
        return AuditEvent.objects.filter(
            object_type="referrals.referral",
            object_id=str(self.referral.pk),
            action__startswith="referral.",
        )

    def messages(self) -> Any:
        return Message.objects.filter(referral=self.referral)

    @invariant()
    def status_is_the_lifecycles(self) -> None:
        assert Referral.objects.get(pk=self.referral.pk).status == self.status

    @invariant()
    def history_is_one_unbroken_chain(self) -> None:
        assert_one_unbroken_chain(self.referral.history, changes=self.changes, status=self.status)

    @invariant()
    def every_change_audited_in_order(self) -> None:
        assert_audited_in_order(self.audit_rows(), audited=self.audited)

    @invariant()
    def message_back_exactly_once_per_event(self) -> None:
        sent = Counter(self.messages().filter(audience="referrer").values_list("event", flat=True))
        expected = Counter({e: n for e, n in self.events.items() if e in MESSAGE_BACK_EVENTS})
        assert sent == expected, f"sent {dict(sent)}, expected {dict(expected)}"

    @invariant()
    def no_orphan_rows(self) -> None:
        """Every message and history row the run made is about its referral."""
        messages = Message.objects.exclude(id__in=self.messages_before)
        changes = StatusChange.objects.filter(id__gt=self.changes_before)
        assert not messages.exclude(referral=self.referral).exists()
        assert not changes.exclude(referral=self.referral).exists()


def test_referral_lifecycle_state_machine(db: None) -> None:
    run_state_machine_as_test(
        ReferralLifecycle,
        settings=settings(
            BOUNDED, max_examples=LIFECYCLE_RUNS, stateful_step_count=LIFECYCLE_STEPS
        ),
    )
