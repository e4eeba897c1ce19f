"""A Hypothesis state machine over the connection lifecycle (a referral's link to a community
service), driving the real actions (`linkwork.casework.actions`) in random orders: send the
draft, the provider's answer, attendance, and each ending.

After every step: the status is what the lifecycle (`TRANSITIONS`) says; a forbidden change
raised `InvalidTransition` (or `CaseworkError`) and changed nothing; each change wrote one
history row and one audit row; times never run backwards; no history row of the run belongs
to any other connection. (Holds through service availability are not driven here.) Hazard log
cites `test_connection_lifecycle_state_machine`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.test import TestCase
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.casework import actions
from linkwork.casework.lifecycle import (
    TRANSITIONS,
    ConnectionStatus,
    Decision,
    FailureReason,
    InvalidTransition,
    RejectionReason,
)
from linkwork.casework.models import Connection, ConnectionStatusChange
from linkwork.referrals.lifecycle import Status
from tests.factories import (
    MembershipFactory,
    PersonFactory,
    ReferralFactory,
    SchemeFactory,
    ServiceFactory,
    UserFactory,
)
from tests.fuzz.conftest import (
    BOUNDED,
    LIFECYCLE_RUNS,
    LIFECYCLE_STEPS,
    assert_audited_in_order,
    assert_one_unbroken_chain,
)

ENDINGS = [ConnectionStatus.COMPLETED, ConnectionStatus.FAILED, ConnectionStatus.CANCELLED]


class ConnectionLifecycle(RuleBasedStateMachine):
    """One draft connection of an active referral; the model is its expected status."""

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        scheme = SchemeFactory()
        self.link_worker = UserFactory()
        MembershipFactory(
            user=self.link_worker, organisation=scheme.host, scheme=scheme, role=Role.LINK_WORKER
        )
        referral = ReferralFactory(
            scheme=scheme,
            link_worker=self.link_worker,
            status=Status.ACTIVE,
            person=PersonFactory(),
        )
        self.history_before = ConnectionStatusChange.objects.aggregate(last=Max("id"))["last"] or 0
        self.connection = actions.create_connection(
            by=self.link_worker, referral=referral, service=ServiceFactory(), send=False
        )
        self.status = ConnectionStatus.DRAFT
        self.changes = 1  # created as a draft
        self.audited = 1

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    def snapshot(self) -> tuple[Any, ...]:
        row = Connection.objects.values_list("status", "version", "updated_at").get(
            pk=self.connection.pk
        )
        return row, self.connection.history.count(), self.audit_rows().count()

    def attempt(self, wanted: ConnectionStatus, action: Callable[[], Any]) -> None:
        """Run `action`; it must succeed exactly when the lifecycle allows `wanted`."""
        allowed = wanted in TRANSITIONS[self.status]
        before = self.snapshot()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                action()
        except (InvalidTransition, actions.CaseworkError):
            assert not allowed, f"{self.status} -> {wanted} is allowed but was refused"
            assert self.snapshot() == before, "a refused change changed something"
            return
        assert allowed, f"{self.status} -> {wanted} is forbidden but happened"
        self.status = wanted
        self.changes += 1
        self.audited += 1

    # Steps ---------------------------------------------------------------------------------

    @rule()
    def send_to_provider(self) -> None:
        self.attempt(
            ConnectionStatus.REQUESTED,
            lambda: actions.request_connection(by=self.link_worker, connection=self.current()),
        )

    @rule(
        decision=st.sampled_from(sorted(Decision)), reason=st.sampled_from(sorted(RejectionReason))
    )
    def provider_answers(self, decision: Decision, reason: RejectionReason) -> None:
        wanted = (
            ConnectionStatus.REJECTED if decision == Decision.DECLINE else ConnectionStatus.ACCEPTED
        )
        self.attempt(
            wanted,
            lambda: actions.respond_to_connection(
                by=self.link_worker, connection=self.current(), decision=decision, reason=reason
            ),
        )

    @rule(attended=st.booleans())
    def session(self, attended: bool) -> None:
        """The first attended session starts an accepted connection; attendance is refused
        before acceptance and after the end, and a missed session changes no status."""
        recordable = self.status in (ConnectionStatus.ACCEPTED, ConnectionStatus.IN_PROGRESS)
        starts = attended and self.status == ConnectionStatus.ACCEPTED
        before = self.snapshot()
        try:
            actions.record_attendance(
                by=self.link_worker,
                connection=self.current(),
                session_on=timezone.localdate(),
                attended=attended,
            )
        except actions.CaseworkError:
            assert not recordable, "attendance was refused on a running connection"
            assert self.snapshot() == before, "refused attendance changed something"
            return
        assert recordable, f"attendance was recorded on a {self.status} connection"
        if starts:
            self.status = ConnectionStatus.IN_PROGRESS
            self.changes += 1
            self.audited += 1

    @rule(ending=st.sampled_from(ENDINGS), reason=st.sampled_from(sorted(FailureReason)))
    def end(self, ending: ConnectionStatus, reason: FailureReason) -> None:
        self.attempt(
            ending,
            lambda: actions.end_connection(
                by=self.link_worker, connection=self.current(), status=ending, reason=reason
            ),
        )

    def current(self) -> Connection:
        """The connection as a page would load it now."""
        return Connection.objects.select_related("referral__scheme", "service").get(
            pk=self.connection.pk
        )

    # Invariants ----------------------------------------------------------------------------

    def audit_rows(self) -> Any:
        """The connection's own status changes (attendance is audited against it too)."""
        return AuditEvent.objects.filter(
            object_type="casework.connection",
            object_id=str(self.connection.pk),
            action__startswith="connection.",
        )

    @invariant()
    def status_is_the_lifecycles(self) -> None:
        assert Connection.objects.get(pk=self.connection.pk).status == self.status

    @invariant()
    def history_is_one_unbroken_chain(self) -> None:
        assert_one_unbroken_chain(self.connection.history, changes=self.changes, status=self.status)

    @invariant()
    def every_change_audited_in_order(self) -> None:
        assert_audited_in_order(self.audit_rows(), audited=self.audited)

    @invariant()
    def no_orphan_rows(self) -> None:
        made = ConnectionStatusChange.objects.filter(id__gt=self.history_before)
        assert not made.exclude(connection=self.connection).exists()


def test_connection_lifecycle_state_machine(db: None) -> None:
    run_state_machine_as_test(
        ConnectionLifecycle,
        settings=settings(
            BOUNDED, max_examples=LIFECYCLE_RUNS, stateful_step_count=LIFECYCLE_STEPS
        ),
    )
