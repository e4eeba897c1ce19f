"""Synthetic link worker support for the demo: each scheme's required courses, training
records (some overdue), supervision sessions (one link worker per scheme overdue for one),
wellbeing check-ins (five or more answers in the larger scheme last month, fewer in the
other) and a few link workers opted in to the peer network. Made up; no one real."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from linkwork.accounts.demo import DemoAccounts, add_link_workers
from linkwork.accounts.models import Membership, Role, Scheme, User
from linkwork.casework.models import Connection
from linkwork.support.models import (
    PeerProfile,
    RequiredCourse,
    SupervisionKind,
    SupervisionSession,
    TrainingRecord,
    WellbeingCheckIn,
    month_of,
)
from linkwork.support.staff import link_workers
from linkwork.support.wellbeing import MINIMUM_RESPONDENTS
from linkwork.vocabulary.needs import Need

# (course, renewal in months or None, provider)
COURSES: Sequence[tuple[str, int | None, str]] = (
    ("Safeguarding adults level 2", 36, "Brackenfield Safeguarding Partnership"),
    ("Safeguarding children level 2", 36, "Brackenfield Safeguarding Partnership"),
    ("Mental health first aid", 36, "MHFA England"),
    ("Motivational interviewing", None, "NHS England Personalised Care Institute"),
)
NOTES = (
    "Talked through a case that has been hard to close; agreed a plan to review it with the "
    "person next week.",
    "Workload feels heavy since the new practice joined. Agreed to pause new referrals for a "
    "fortnight.",
    "Reflected on a difficult phone call. Feeling better about boundaries; will use the team's "
    "script next time.",
    "Went through the safeguarding concerns raised this month; both were handled well.",
    "Wants to shadow the benefits adviser; lead to arrange.",
)
KINDS = (
    SupervisionKind.CLINICAL,
    SupervisionKind.CASE,
    SupervisionKind.WELLBEING,
    SupervisionKind.CASE,
)


def _lead(scheme: Scheme) -> User | None:
    membership = (
        Membership.objects.filter(scheme=scheme, role=Role.SCHEME_LEAD)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _months_ago(today: dt.date, months: int) -> dt.date:
    month = month_of(today)
    for _ in range(months):
        month = month_of(month - dt.timedelta(days=1))
    return month


def seed_support(*, seed: int, today: dt.date) -> dict[str, int]:
    """Load the demo's support records from a random stream of their own (so the rest of the
    demo stays as it was for a given seed); returns how many of each were written."""
    rng = random.Random(f"support-{seed}")
    schemes = list(Scheme.objects.order_by("pk"))
    # The larger scheme needs at least five link workers for its wellbeing aggregate.
    if schemes and link_workers(schemes[0]).count() < MINIMUM_RESPONDENTS:
        missing = MINIMUM_RESPONDENTS - link_workers(schemes[0]).count()
        add_link_workers(rng=rng, accounts=DemoAccounts(), scheme=schemes[0], count=missing)
    counts = {"courses": 0, "training": 0, "sessions": 0, "check_ins": 0, "peers": 0}
    for index, scheme in enumerate(schemes):
        courses = [
            RequiredCourse(scheme=scheme, name=name, renewal_months=renewal)
            for name, renewal, _ in COURSES[: 4 if index == 0 else 3]
        ]
        RequiredCourse.objects.bulk_create(courses)
        counts["courses"] += len(courses)
        workers = list(link_workers(scheme))
        lead = _lead(scheme)
        counts["training"] += _training(rng, workers, today, index)
        if lead is not None:
            counts["sessions"] += _sessions(rng, scheme, lead, workers, today)
        counts["check_ins"] += _check_ins(rng, workers, today, everyone=index == 0)
        counts["peers"] += _peers(rng, workers[:2])
    return counts


def _training(rng: random.Random, workers: list[User], today: dt.date, index: int) -> int:
    records = []
    for number, worker in enumerate(workers):
        for course, _, provider in COURSES:
            # The second worker of each scheme has never done motivational interviewing.
            if number == 1 and course == "Motivational interviewing":
                continue
            # The first worker's mental health first aid lapsed last month.
            if number == 0 and course == "Mental health first aid":
                completed = today - dt.timedelta(days=3 * 365 + 30)
            else:
                completed = today - dt.timedelta(days=rng.randint(30, 900 + 200 * index))
            records.append(
                TrainingRecord(
                    worker=worker, course=course, provider=provider, completed_on=completed
                )
            )
    TrainingRecord.objects.bulk_create(records)
    return len(records)


def _sessions(
    rng: random.Random, scheme: Scheme, lead: User, workers: list[User], today: dt.date
) -> int:
    sessions = []
    for number, worker in enumerate(workers):
        # The last link worker of each scheme has had none for ten weeks: the lead is prompted.
        latest = 70 if number == len(workers) - 1 else rng.randint(3, 20)
        for step in range(5):
            held_on = today - dt.timedelta(days=latest + 28 * step)
            sessions.append(
                SupervisionSession(
                    scheme=scheme,
                    supervisee=worker,
                    supervisor=lead,
                    held_on=held_on,
                    kind=KINDS[step % len(KINDS)],
                    duration_minutes=rng.choice([45, 60, 60, 90]),
                    notes=rng.choice(NOTES),
                    recorded_by=lead,
                )
            )
    # Peer supervision between two link workers: the lead sees it happened, not its notes.
    if len(workers) >= 2:
        sessions.append(
            SupervisionSession(
                scheme=scheme,
                supervisee=workers[0],
                supervisor=workers[1],
                held_on=today - dt.timedelta(days=10),
                kind=SupervisionKind.PEER,
                duration_minutes=45,
                notes="Swapped ideas on reaching people who do not answer the phone.",
                recorded_by=workers[1],
            )
        )
    SupervisionSession.objects.bulk_create(sessions)
    return len(sessions)


def _check_ins(rng: random.Random, workers: list[User], today: dt.date, *, everyone: bool) -> int:
    """Last month and the month before: every link worker of the first scheme answered, and
    three of the other's (too few to show)."""
    answering = workers if everyone else workers[: MINIMUM_RESPONDENTS - 2]
    check_ins = [
        WellbeingCheckIn(
            worker=worker,
            month=_months_ago(today, months),
            workload=rng.randint(2, 4),
            supported=rng.randint(3, 5),
            switch_off=rng.randint(1, 4),
            confident=rng.randint(3, 5),
        )
        for months in (1, 2)
        for worker in answering
    ]
    WellbeingCheckIn.objects.bulk_create(check_ins)
    return len(check_ins)


def _peers(rng: random.Random, workers: list[User]) -> int:
    needs = [need.value for need in Need]
    for worker in workers:
        profile = PeerProfile.objects.create(
            worker=worker, opted_in=True, needs=sorted(rng.sample(needs, 3))
        )
        services = (
            Connection._default_manager.filter(created_by=worker)
            .order_by("service_id")
            .values_list("service_id", flat=True)
            .distinct()[:3]
        )
        profile.services.set(list(services))
    return len(workers)
