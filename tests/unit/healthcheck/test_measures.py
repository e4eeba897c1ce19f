"""Each indicator on a dataset built here, with the exact value and rating it must give for
the quarter April to June 2026 (and the quarters before it, where the trend matters); and
the whole health check in a fixed number of queries however many records it counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linkwork.accounts.models import OrganisationKind, PracticeListSize, Role
from linkwork.directory.models import Metadata, ServiceTip
from linkwork.healthcheck import report
from linkwork.healthcheck.framework import Archetype
from linkwork.healthcheck.indicators import INDICATORS
from linkwork.healthcheck.measures import Quarter
from linkwork.notifications.models import Message
from linkwork.outcomes.models import OutcomeMeasure
from linkwork.people.models import Consent
from linkwork.referrals.actions import assign_link_worker
from linkwork.referrals.models import StatusChange
from linkwork.support.models import RequiredCourse, SupervisionSession, TrainingRecord
from tests.conftest import at
from tests.factories import (
    ConnectionFactory,
    ContactFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    SchemeFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Q2 = Quarter.of(2026, 2)
MONDAY = "2026-04-13"


def measured(scheme: Any, key: str) -> tuple[list[float | None], Archetype | None]:
    """The indicator's values over the four quarters to April-June 2026, and its rating."""
    check = report.build(scheme, Q2, {key: INDICATORS[key]}, contributors=[])
    found = next(m for m in check.measured() if m.indicator.key == key)
    return [v.value if v else None for v in found.values], found.rating


def triaged(referral: Any, day: str, to: str = "accepted") -> Any:
    StatusChange.objects.create(
        referral=referral, from_status="received", to_status=to, changed_at=at(day)
    )
    return referral


def message(referral: Any, day: str, audience: str = "referrer", **more: Any) -> None:
    """A message back queued on `day` and, unless said otherwise, sent that day."""
    if more.get("status", "sent") == "sent":
        more.setdefault("sent_at", at(day))
    Message.objects.create(
        referral=referral,
        audience=audience,
        event=more.pop("event", "accepted"),
        channel="email",
        recipient_address="gp@example.org",
        subject="Referral accepted",
        body="Accepted.",
        status=more.pop("status", "sent"),
        created_at=at(day),
        **more,
    )


def test_complete_information():
    scheme = SchemeFactory()
    for _ in range(3):
        ReferralFactory(scheme=scheme, received_at=at(MONDAY))
    ReferralFactory(scheme=scheme, received_at=at(MONDAY), reason="")
    ReferralFactory(scheme=scheme, received_at=at(MONDAY), needs=[])
    ReferralFactory(scheme=scheme, received_at=at(MONDAY), route="self", needs=[], reason="")
    ReferralFactory(scheme=scheme, received_at=at("2026-02-10"))
    ReferralFactory(received_at=at(MONDAY), reason="")  # another scheme
    # 3 of the 5 referrals from a referrer; the quarter before, 1 of 1.
    assert measured(scheme, "complete_information") == ([None, None, 100.0, 60.0], Archetype.POOR)


def test_declined_not_suitable():
    scheme = SchemeFactory()
    triaged(
        ReferralFactory(
            scheme=scheme, received_at=at(MONDAY), status="declined", decline_reason="not_eligible"
        ),
        "2026-04-14",
        "declined",
    )
    triaged(
        ReferralFactory(
            scheme=scheme,
            received_at=at(MONDAY),
            status="declined",
            decline_reason="person_declined",
        ),
        "2026-04-14",
        "declined",
    )
    for _ in range(8):
        triaged(ReferralFactory(scheme=scheme, received_at=at(MONDAY), status="accepted"), MONDAY)
    ReferralFactory(scheme=scheme, received_at=at(MONDAY))  # not triaged yet
    # 1 of 10 triaged: 10% is at the "good" threshold.
    assert measured(scheme, "declined_not_suitable") == ([None, None, None, 10.0], Archetype.GOOD)


def test_message_back_within_five_working_days():
    scheme = SchemeFactory()

    def referral(route: str = "gp_practice") -> Any:
        made = ReferralFactory(
            scheme=scheme, received_at=at(MONDAY), route=route, status="accepted"
        )
        return triaged(made, "2026-04-14")

    message(referral(), "2026-04-20")  # the 5th working day after Monday 13 April
    message(referral(), "2026-04-21", audience="gp")  # the 6th
    referral()  # no message back
    message(referral(), "2026-04-14", audience="person")  # to the person, not the referrer
    answered = referral()
    message(answered, "2026-04-14", status="cancelled")
    message(answered, "2026-04-15", event="first_contact")
    message(referral(), "2026-04-14", sent_at=at("2026-04-22"))  # queued in time, sent late
    message(referral("self"), "2026-04-14")  # self-referrals are left out
    # 2 of 6.
    assert measured(scheme, "message_back_within_5_days") == (
        [None, None, None, 33.3],
        Archetype.POOR,
    )


def test_referral_rate_per_thousand():
    scheme = SchemeFactory()
    beck, dale, elm = (
        OrganisationFactory(kind=OrganisationKind.GP_PRACTICE, name=name)
        for name in ("Beck", "Dale", "Elm")
    )
    for practice, patients in ((beck, 2000), (dale, 3000)):
        PracticeListSize.objects.create(
            practice=practice, extract_date=dt.date(2026, 4, 1), patients=patients
        )
    twice = PersonFactory(gp_practice=beck)
    for person in (twice, twice, PersonFactory(gp_practice=beck), PersonFactory(gp_practice=beck)):
        ReferralFactory(scheme=scheme, person=person, received_at=at(MONDAY))
    ReferralFactory(scheme=scheme, person=PersonFactory(gp_practice=dale), received_at=at(MONDAY))
    ReferralFactory(scheme=scheme, person=PersonFactory(gp_practice=elm), received_at=at(MONDAY))
    ReferralFactory(scheme=scheme, person=twice, received_at=at("2026-01-20"))
    # 4 people of 5,000 patients at Beck and Dale (Elm has no list size); 1 the quarter before.
    assert measured(scheme, "referral_rate_per_1000") == (
        [None, None, 0.2, 0.8],
        Archetype.DEVELOPING,
    )


def test_non_nhs_routes():
    scheme = SchemeFactory()
    for route in ("gp_practice", "gp_practice", "hospital", "self", "police"):
        ReferralFactory(scheme=scheme, route=route, received_at=at(MONDAY))
    ReferralFactory(scheme=scheme, route="gp_practice", received_at=at("2025-08-01"))
    assert measured(scheme, "non_nhs_routes") == ([0.0, None, None, 40.0], Archetype.BEST)


def test_first_contact_wait_median():
    scheme = SchemeFactory()
    user = UserFactory()
    for day in ("2026-04-14", "2026-04-17", "2026-04-24"):  # 1, 4 and 9 working days
        made = ReferralFactory(scheme=scheme, received_at=at(MONDAY), status="active")
        ContactFactory(referral=made, occurred_at=at(day), recorded_by=user)
    missed = ReferralFactory(scheme=scheme, received_at=at(MONDAY), status="active")
    ContactFactory(referral=missed, occurred_at=at("2026-04-14"), outcome="did_not_attend")
    assert measured(scheme, "first_contact_wait") == ([None, None, None, 4.0], Archetype.BEST)


def _measure(referral: Any, when: dt.datetime, metric: float, time_point: str, user: Any) -> None:
    OutcomeMeasure.objects.create(
        referral=referral,
        instrument="swemwbs",
        instrument_version="1.0.0",
        time_point=time_point,
        responses={},
        result={"metric": metric},
        recorded_by=user,
        recorded_at=when,
    )


def test_outcome_completion():
    scheme = SchemeFactory()
    user = UserFactory()
    closed = [
        ReferralFactory(
            scheme=scheme, received_at=at(MONDAY), status="closed", closure_reason="goals_met"
        )
        for _ in range(3)
    ]
    for referral in closed:
        ContactFactory(referral=referral, occurred_at=at("2026-04-15"), recorded_by=user)
    _measure(closed[0], at("2026-04-15"), 20.0, "baseline", user)
    _measure(closed[0], at("2026-09-15"), 24.0, "follow_up", user)
    _measure(closed[1], at("2026-04-15"), 20.0, "baseline", user)
    ReferralFactory(
        scheme=scheme, received_at=at(MONDAY), status="closed", closure_reason="goals_met"
    )  # never seen
    # 1 of the 3 closed episodes with a contact has a baseline and a follow-up.
    assert measured(scheme, "outcome_completion") == (
        [None, None, None, 33.3],
        Archetype.DEVELOPING,
    )


def test_supported_linking():
    scheme = SchemeFactory()
    referral = ReferralFactory(scheme=scheme, received_at=at(MONDAY), status="active")
    created = at("2026-04-20")
    ConnectionFactory(referral=referral, created_at=created, supported_linking=True)
    ConnectionFactory(referral=referral, created_at=created, supported_linking=True, status="draft")
    ConnectionFactory(referral=referral, created_at=created)
    ConnectionFactory(referral=referral, created_at=created, status="accepted")
    # 1 of the 3 sent to a provider.
    assert measured(scheme, "supported_linking") == ([None, None, None, 33.3], Archetype.GOOD)


def _link_workers(scheme: Any, count: int) -> list[Any]:
    """`count` active link workers of `scheme`, and one who has left (never counted)."""
    workers = [UserFactory() for _ in range(count + 1)]
    for worker in workers:
        MembershipFactory(
            user=worker, organisation=scheme.host, scheme=scheme, role=Role.LINK_WORKER
        )
    workers[-1].is_active = False
    workers[-1].save()
    return workers[:count]


def test_supervision_frequency_per_link_worker_per_month():
    scheme = SchemeFactory()
    a, b = _link_workers(scheme, 2)
    other = SchemeFactory()
    lead = UserFactory()

    def held(day: str, worker: Any = a, in_scheme: Any = scheme) -> None:
        SupervisionSession.objects.create(
            scheme=in_scheme,
            supervisee=worker,
            supervisor=lead,
            held_on=dt.date.fromisoformat(day),
            kind="clinical",
            duration_minutes=60,
            recorded_by=lead,
        )

    # July-September 2025: 2 sessions; October-December: none; January-March 2026: 6;
    # April-June: 5. Each over 2 link workers x 3 months.
    for day in ("2025-07-10", "2025-09-30"):
        held(day)
    for n in range(6):
        held(f"2026-0{1 + n // 2}-1{n}", worker=(a, b)[n % 2])
    for day in ("2026-04-01", "2026-04-20", "2026-05-11", "2026-06-02", "2026-06-30"):
        held(day, worker=b)
    held("2026-05-05", in_scheme=other)  # another scheme's
    held("2026-07-01")  # after the quarter
    assert measured(scheme, "supervision_frequency") == (
        [0.33, 0.0, 1.0, 0.83],
        Archetype.GOOD,
    )


def test_supervision_frequency_without_link_workers_is_not_measured():
    assert measured(SchemeFactory(), "supervision_frequency") == ([None] * 4, None)


def test_training_in_date_at_each_quarter_end():
    scheme = SchemeFactory()
    a, b = _link_workers(scheme, 2)
    RequiredCourse.objects.create(scheme=scheme, name="Safeguarding adults", renewal_months=12)
    RequiredCourse.objects.create(scheme=scheme, name="Mental health first aid")

    def done(worker: Any, course: str, day: str) -> None:
        TrainingRecord.objects.create(
            worker=worker,
            course=course,
            provider="Local college",
            completed_on=dt.date.fromisoformat(day),
        )

    done(a, "Safeguarding adults", "2025-06-01")  # expires 1 June 2026
    done(a, "Mental health first aid", "2025-01-10")  # never expires
    done(b, "Safeguarding adults", "2025-11-01")
    done(b, "Mental health first aid", "2026-06-15")
    done(a, "Safeguarding adults", "2026-06-20")  # renewed after it lapsed
    # 30 September 2025: 2 of 4 in date; 31 December and 31 March: 3 of 4; 30 June: 4 of 4.
    assert measured(scheme, "training_in_date") == ([50.0, 75.0, 75.0, 100.0], Archetype.BEST)


def test_training_in_date_after_a_lapse_is_rated_lower():
    scheme = SchemeFactory()
    (a,) = _link_workers(scheme, 1)
    RequiredCourse.objects.create(scheme=scheme, name="Safeguarding adults", renewal_months=12)
    RequiredCourse.objects.create(scheme=scheme, name="Mental health first aid")
    RequiredCourse.objects.create(scheme=scheme, name="Motivational interviewing")
    for course, day in (
        ("Safeguarding adults", "2025-05-01"),  # lapsed on 1 May 2026
        ("Mental health first aid", "2025-02-01"),
        ("Motivational interviewing", "2025-03-01"),
    ):
        TrainingRecord.objects.create(
            worker=a, course=course, provider="Trainer", completed_on=dt.date.fromisoformat(day)
        )
    # In date at the end of the first three quarters; 2 of 3 on 30 June 2026.
    assert measured(scheme, "training_in_date") == ([100.0, 100.0, 100.0, 66.7], Archetype.POOR)


def test_caseload_within_limit_is_a_snapshot():
    scheme = SchemeFactory(active_caseload_limit=2)
    full, light, left = (UserFactory() for _ in range(3))
    for worker in (full, light, left):
        MembershipFactory(
            user=worker, organisation=scheme.host, scheme=scheme, role=Role.LINK_WORKER
        )
    left.is_active = False
    left.save()
    for _ in range(3):
        ReferralFactory(scheme=scheme, link_worker=full, status="active")
    ReferralFactory(scheme=scheme, link_worker=light, status="active")
    # 1 of the 2 active link workers at or under the limit of 2, today.
    assert measured(scheme, "caseload_within_limit") == ([None, None, None, 50.0], Archetype.POOR)


def test_monitoring_completeness():
    scheme = SchemeFactory()
    people = [
        PersonFactory(sex="female", ethnicity="white_british"),
        PersonFactory(sex="male", ethnicity="white_british"),
        PersonFactory(sex="male", ethnicity="prefer_not_to_say"),
        PersonFactory(),  # not known
    ]
    for person in people:
        ReferralFactory(scheme=scheme, person=person, received_at=at(MONDAY))
    assert measured(scheme, "monitoring_completeness") == (
        [None, None, None, 50.0],
        Archetype.POOR,
    )


def test_provider_response_median():
    scheme = SchemeFactory()
    referral = ReferralFactory(scheme=scheme, received_at=at(MONDAY), status="active")
    asked = at(MONDAY)
    for answered in ("2026-04-14", "2026-04-15", "2026-04-21"):  # 1, 2 and 6 working days
        ConnectionFactory(
            referral=referral,
            created_at=asked,
            requested_at=asked,
            responded_at=at(answered),
            status="accepted",
        )
    ConnectionFactory(referral=referral, created_at=asked, requested_at=asked)  # not answered
    assert measured(scheme, "provider_response_days") == ([None, None, None, 2.0], Archetype.BEST)


def test_unfunded_demand():
    scheme = SchemeFactory()
    referral = ReferralFactory(scheme=scheme, received_at=at(MONDAY), status="active")
    funded = ServiceFactory(funded_for_social_prescribing=True)
    created = at("2026-05-05")
    ConnectionFactory(referral=referral, service=funded, created_at=created)
    for _ in range(3):
        ConnectionFactory(referral=referral, created_at=created)
    ConnectionFactory(referral=referral, created_at=created, status="signposted")
    assert measured(scheme, "unfunded_demand") == ([None, None, None, 75.0], Archetype.POOR)


def test_directory_freshness_is_a_snapshot():
    scheme = SchemeFactory()
    referral = ReferralFactory(scheme=scheme, received_at=at(MONDAY), status="active")
    today = timezone.localdate()
    stale = ServiceFactory(assured_date=today - dt.timedelta(days=400))
    created = at("2026-05-05")
    for service in (ServiceFactory(), ServiceFactory(), stale):
        ConnectionFactory(referral=referral, service=service, created_at=created)
    ConnectionFactory(referral=referral, service=stale, created_at=created)  # counted once
    ConnectionFactory(
        referral=referral,
        service=ServiceFactory(assured_date=None),
        created_at=created,
        status="draft",
    )
    # 2 of the 3 services asked in the quarter were checked within the last 365 days.
    assert measured(scheme, "directory_freshness") == ([None, None, None, 66.7], Archetype.POOR)


def _busy_scheme(size: int) -> Any:
    scheme = SchemeFactory()
    worker = UserFactory()
    MembershipFactory(user=worker, organisation=scheme.host, scheme=scheme, role=Role.LINK_WORKER)
    for n in range(size):
        referral = triaged(
            ReferralFactory(
                scheme=scheme, received_at=at(MONDAY), status="active", link_worker=worker
            ),
            "2026-04-14",
        )
        message(referral, "2026-04-14")
        ContactFactory(referral=referral, occurred_at=at("2026-04-15"), recorded_by=worker)
        ConnectionFactory(
            referral=referral, created_at=at("2026-04-16"), supported_linking=n % 2 == 0
        )
    return scheme


def test_the_health_check_takes_a_fixed_number_of_queries():
    counts = []
    for size in (1, 6):
        scheme = _busy_scheme(size)
        with CaptureQueriesContext(connection) as queries:
            report.build(scheme, Q2, contributors=[])
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # The support measures ask once a quarter: supervision two queries, training three;
    # continuity, services closed and tips shared ask twice, consent once.
    assert counts[0] <= 47


def test_a_cell_is_rated_by_its_worst_indicator():
    scheme = SchemeFactory(active_caseload_limit=2)
    check = report.build(scheme, Q2, contributors=[])
    cell = check.cell("organisational", "link_workers")
    assert cell.rating is None  # nothing measured
    section = report.Section("Self-assessment", Archetype.GOOD)
    check = report.build(
        scheme,
        Q2,
        contributors=[lambda s, q: {("organisational", "link_workers"): [section]}],
    )
    assert check.cell("organisational", "link_workers").rating == Archetype.GOOD


def test_continuity_counts_referrals_never_moved_between_link_workers():
    scheme = SchemeFactory()
    a, b = _link_workers(scheme, 2)
    lead = UserFactory()

    def referral(worker: Any = None) -> Any:
        return ReferralFactory(
            scheme=scheme, received_at=at(MONDAY), status="active", link_worker=worker
        )

    for _ in range(3):
        referral(a)  # one link worker throughout
    waited = referral()
    assign_link_worker(by=lead, referral=waited, link_worker=a, over_limit_ok=True)
    for _ in range(2):  # moved from a to b
        moved = referral(a)
        assign_link_worker(by=lead, referral=moved, link_worker=b, over_limit_ok=True)
    same = referral(a)
    assign_link_worker(by=lead, referral=same, link_worker=a, over_limit_ok=True)  # not a move
    referral()  # still on the waiting list: not counted
    # 5 of the 7 with a link worker stayed with one.
    assert measured(scheme, "continuity") == ([None, None, None, 71.4], Archetype.DEVELOPING)


def test_consent_recorded_counts_consent_to_sharing_in_force():
    scheme = SchemeFactory()
    people = [PersonFactory() for _ in range(5)]
    for person in people:
        ReferralFactory(scheme=scheme, person=person, received_at=at(MONDAY))
    ReferralFactory(scheme=scheme, person=people[0], received_at=at("2026-03-02"))

    def decided(
        person: Any, given: bool, kind: str = "share_with_providers", day: str = ""
    ) -> None:
        Consent.objects.create(
            person=person, kind=kind, given=given, method="verbal", recorded_at=at(day or MONDAY)
        )

    decided(people[0], True)
    decided(people[1], False)  # unticked at referral: refused
    decided(people[2], False)
    decided(people[2], True, day="2026-04-15")  # asked again at the first contact
    decided(people[3], True)
    decided(people[3], False, day="2026-04-15")  # changed their mind
    decided(people[4], True, kind="contact")  # another kind of consent
    # April-June: 2 of 5 (people 0 and 2); January-March: 1 of 1.
    assert measured(scheme, "consent_recorded") == ([None, None, 100.0, 40.0], Archetype.POOR)


def test_services_closed_or_paused_in_the_quarter():
    scheme = SchemeFactory()
    referral = ReferralFactory(scheme=scheme, received_at=at("2026-01-12"), status="active")
    services = [ServiceFactory() for _ in range(10)]
    for n, service in enumerate(services):
        created = at("2025-11-10") if n < 5 else at("2026-05-05")
        ConnectionFactory(referral=referral, service=service, created_at=created)
    unused = ServiceFactory()

    def changed(service: Any, day: str, to: str, field: str = "status") -> None:
        Metadata.objects.create(
            resource_id=service.pk,
            resource_type="service",
            last_action_date=at(day),
            last_action_type="update",
            field_name=field,
            previous_value="active",
            replacement_value=to,
        )

    changed(services[0], "2026-04-20", "temporarily closed")
    changed(services[0], "2026-05-20", "active")
    changed(services[0], "2026-06-20", "temporarily closed")  # paused twice: counted once
    changed(services[1], "2026-06-30", "defunct")
    changed(services[2], "2026-04-20", "active")  # reopened
    changed(services[3], "2026-04-20", "inactive", field="name")  # not its status
    changed(services[4], "2026-02-03", "inactive")  # January-March
    changed(unused, "2026-04-20", "defunct")  # the scheme never used it
    # 2 of the 10 services the scheme used over the four quarters; 1 in January-March.
    assert measured(scheme, "services_closed") == ([0.0, 0.0, 10.0, 20.0], Archetype.POOR)


def test_tips_shared_by_link_workers():
    scheme = SchemeFactory()
    a, b, c, d = _link_workers(scheme, 4)
    service = ServiceFactory()

    def tip(author: Any, day: str, status: str = "approved") -> None:
        ServiceTip.objects.create(
            service=service, author=author, text="Ask for Jo.", created_at=at(day), status=status
        )

    tip(a, "2026-04-20")
    tip(a, "2026-05-20", status="pending")  # a second tip by a: one link worker
    tip(b, "2026-06-01", status="pending")  # waiting for a curator: counted
    tip(c, "2026-05-01", status="rejected")
    tip(d, "2026-01-15")
    tip(UserFactory(), "2026-04-20")  # not one of the scheme's link workers
    # April-June: 2 of 4; January-March: 1 of 4.
    assert measured(scheme, "tips_shared") == ([0.0, 0.0, 25.0, 50.0], Archetype.GOOD)


def test_continuity_and_tips_without_anything_to_count_are_not_measured():
    scheme = SchemeFactory()
    assert measured(scheme, "continuity") == ([None] * 4, None)
    assert measured(scheme, "tips_shared") == ([None] * 4, None)
    assert measured(scheme, "services_closed") == ([None] * 4, None)
