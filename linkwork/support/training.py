"""Training: each link worker's state on each of a scheme's required courses.

A record counts for a required course when its course name is the same, spacing and case
aside. It expires on its own expiry date when one was given, otherwise the course's renewal
period after completion; a course with no renewal period never expires. The latest record
of a course is the one that counts.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models

from linkwork.accounts.models import Scheme, User
from linkwork.support.models import RequiredCourse, TrainingRecord
from linkwork.support.staff import link_workers

# Within this many days of its expiry, a course "expires soon".
EXPIRING_DAYS = 60


class CourseState(models.TextChoices):
    IN_DATE = "in_date", "In date"
    EXPIRING = "expiring", "Expires soon"
    EXPIRED = "expired", "Expired"
    MISSING = "missing", "Not done"


OVERDUE = frozenset({CourseState.EXPIRED, CourseState.MISSING})


@dataclass(frozen=True)
class CourseStatus:
    course: RequiredCourse
    record: TrainingRecord | None
    expires_on: dt.date | None
    state: CourseState

    @property
    def overdue(self) -> bool:
        return self.state in OVERDUE

    @property
    def in_date(self) -> bool:
        return not self.overdue


def course_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months, on the last day of a shorter month."""
    years, index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def expiry_of(record: TrainingRecord, course: RequiredCourse) -> dt.date | None:
    if record.expires_on is not None:
        return record.expires_on
    if course.renewal_months:
        return add_months(record.completed_on, course.renewal_months)
    return None


def state_on(expires_on: dt.date | None, on: dt.date) -> CourseState:
    if expires_on is None:
        return CourseState.IN_DATE
    if expires_on <= on:
        return CourseState.EXPIRED
    if expires_on <= on + dt.timedelta(days=EXPIRING_DAYS):
        return CourseState.EXPIRING
    return CourseState.IN_DATE


def statuses(
    courses: Sequence[RequiredCourse], records: Iterable[TrainingRecord], on: dt.date
) -> list[CourseStatus]:
    """One worker's state on each of `courses`, from their `records`, on the day `on`."""
    latest: dict[str, TrainingRecord] = {}
    for record in records:
        if record.completed_on > on:
            continue
        key = course_key(record.course)
        if key not in latest or record.completed_on > latest[key].completed_on:
            latest[key] = record
    found = []
    for course in courses:
        done = latest.get(course_key(course.name))
        if done is None:
            found.append(CourseStatus(course, None, None, CourseState.MISSING))
            continue
        expires_on = expiry_of(done, course)
        found.append(CourseStatus(course, done, expires_on, state_on(expires_on, on)))
    return found


def courses_for(schemes: Iterable[Scheme]) -> list[RequiredCourse]:
    """The required courses of `schemes`, each name once."""
    seen: dict[str, RequiredCourse] = {}
    for course in RequiredCourse.objects.filter(scheme__in=list(schemes)).order_by("name", "pk"):
        seen.setdefault(course_key(course.name), course)
    return list(seen.values())


def worker_statuses(worker: User, schemes: Iterable[Scheme], on: dt.date) -> list[CourseStatus]:
    """A link worker's state on every course their schemes require."""
    courses = courses_for(schemes)
    return statuses(courses, TrainingRecord.objects.filter(worker=worker), on)


def scheme_overview(scheme: Scheme, on: dt.date) -> list[tuple[User, list[CourseStatus]]]:
    """Each active link worker of the scheme with their state on its required courses: three
    queries however many link workers."""
    workers = list(link_workers(scheme))
    courses = list(RequiredCourse.objects.filter(scheme=scheme))
    records: dict[int, list[TrainingRecord]] = {worker.pk: [] for worker in workers}
    for record in TrainingRecord.objects.filter(worker__in=workers):
        records[record.worker_id].append(record)
    return [(worker, statuses(courses, records[worker.pk], on)) for worker in workers]
