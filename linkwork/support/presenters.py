"""Tables and rows of the support pages, in the NHS.UK macros' shapes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from linkwork.accounts.models import Role, Scheme, User
from linkwork.core import tables
from linkwork.core.presenters import date_uk
from linkwork.referrals.capacity import WorkerLoad
from linkwork.support.measures import wellbeing_summary
from linkwork.support.models import (
    PeerProfile,
    SchemeSupport,
    SupervisionSession,
    TrainingRecord,
)
from linkwork.support.prompts import prompts_for
from linkwork.support.training import CourseState, CourseStatus
from linkwork.support.training import scheme_overview as training
from linkwork.support.wellbeing import MINIMUM_RESPONDENTS, QUESTIONS
from linkwork.vocabulary.needs import Need

STATE_COLOURS = {
    CourseState.IN_DATE: "green",
    CourseState.EXPIRING: "yellow",
    CourseState.EXPIRED: "red",
    CourseState.MISSING: "red",
}
# How many months of wellbeing aggregates the overview shows, the latest first.
WELLBEING_MONTHS = 6
SHORT_QUESTIONS = {
    "workload": "Workload manageable",
    "supported": "Felt supported",
    "switch_off": "Able to switch off",
    "confident": "Confident in role",
}


def _session_link(session: SupervisionSession) -> tables.Cell:
    return tables.link(date_uk(session.held_on), reverse("support:session", args=[session.pk]))


def sessions_table(
    caption: str, sessions: Sequence[SupervisionSession], *, show: str
) -> dict[str, Any]:
    heading = "Supervisor" if show == "supervisor" else "Link worker"
    return tables.records_table(
        caption,
        [
            ("Date", _session_link),
            ("Kind", lambda s: tables.text(s.get_kind_display())),
            (heading, lambda s: tables.text(getattr(s, show).full_name)),
            ("Minutes", lambda s: tables.text(s.duration_minutes)),
        ],
        sessions,
        caption_size="m",
    )


def loads_table(loads: Sequence[WorkerLoad]) -> dict[str, Any]:
    return tables.records_table(
        "Your caseload, weighted by complexity",
        [
            ("Scheme", lambda load: tables.text(load.scheme.name)),
            ("Open cases", lambda load: tables.text(load.active_people)),
            ("Weighted load", lambda load: tables.text(f"{load.active_weighted:g}")),
            ("Safe limit", lambda load: tables.text(load.active_limit)),
            ("Status", lambda load: tables.text(load.status.label)),
        ],
        loads,
        caption_size="m",
    )


def state_tag(status: CourseStatus) -> tables.Cell:
    return tables.html(
        tables.tag(
            {"text": status.state.label, "classes": f"nhsuk-tag--{STATE_COLOURS[status.state]}"}
        )
    )


def required_table(courses: Sequence[CourseStatus]) -> dict[str, Any]:
    return tables.records_table(
        "Required courses",
        [
            ("Course", lambda s: tables.text(s.course.name)),
            ("State", state_tag),
            (
                "Completed",
                lambda s: tables.text(date_uk(s.record.completed_on) if s.record else ""),
            ),
            ("Expires", lambda s: tables.text(date_uk(s.expires_on) if s.expires_on else "")),
        ],
        courses,
        caption_size="m",
    )


def records_table(records: Sequence[TrainingRecord]) -> dict[str, Any]:
    return tables.records_table(
        "Courses completed",
        [
            ("Course", lambda r: tables.text(r.course)),
            ("Provider", lambda r: tables.text(r.provider)),
            ("Completed", lambda r: tables.text(date_uk(r.completed_on))),
            ("Expires", lambda r: tables.text(date_uk(r.expires_on) if r.expires_on else "")),
        ],
        records,
        caption_size="m",
    )


def check_ins_table(check_ins: Sequence[Any]) -> dict[str, Any]:
    return tables.records_table(
        "Your past answers",
        [
            ("Month", lambda c: tables.text(f"{c.month:%B %Y}")),
            *[
                (SHORT_QUESTIONS[key], lambda c, key=key: tables.text(getattr(c, key)))
                for key, _ in QUESTIONS
            ],
        ],
        check_ins,
        caption_size="m",
        responsive=True,
    )


def _schemes_of(worker: User) -> str:
    return ", ".join(
        sorted(
            m.scheme.name
            for m in worker.memberships.all()
            if m.role == Role.LINK_WORKER and m.scheme is not None
        )
    )


def _needs(profile: PeerProfile) -> str:
    labels = dict(Need.choices)
    return ", ".join(str(labels[need]) for need in profile.needs if need in labels)


def peers_table(profiles: Sequence[PeerProfile]) -> dict[str, Any]:
    return tables.records_table(
        "Link workers in the peer network",
        [
            ("Name", lambda p: tables.text(p.worker.full_name)),
            ("Scheme", lambda p: tables.text(_schemes_of(p.worker))),
            ("Needs they know best", lambda p: tables.text(_needs(p))),
            (
                "Services they know best",
                lambda p: tables.text(", ".join(sorted(s.name for s in p.services.all()))),
            ),
        ],
        profiles,
        responsive=True,
    )


def session_rows(session: SupervisionSession) -> list[dict[str, Any]]:
    """The summary list rows of a session: what anyone who may see it may know."""
    return [
        {"key": {"text": key}, "value": {"text": value}}
        for key, value in (
            ("Scheme", session.scheme.name),
            ("Link worker", session.supervisee.full_name),
            ("Supervisor", session.supervisor.full_name),
            ("Date", date_uk(session.held_on)),
            ("Kind", session.get_kind_display()),
            ("Duration", f"{session.duration_minutes} minutes"),
        )
    ]


@dataclass(frozen=True)
class SchemeOverview:
    scheme: Scheme
    prompts: dict[str, Any]
    has_prompts: bool
    sessions: dict[str, Any]
    has_sessions: bool
    training: dict[str, Any]
    has_training: bool
    wellbeing: dict[str, Any]


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    months, month = [], today.replace(day=1)
    for _ in range(count):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months


def wellbeing_table(scheme: Scheme, today: dt.date) -> dict[str, Any]:
    """Each of the last months' aggregates, or "not shown" below the minimum of answers."""
    rows = []
    for month in _months_back(today, WELLBEING_MONTHS):
        summary = wellbeing_summary(scheme, month)
        if summary is None:
            rows.append(
                [
                    tables.text(f"{month:%B %Y}"),
                    tables.text(f"Not shown: fewer than {MINIMUM_RESPONDENTS} answers"),
                    *[tables.text("") for _ in QUESTIONS],
                ]
            )
            continue
        rows.append(
            [
                tables.text(f"{month:%B %Y}"),
                tables.text(summary.respondents),
                *[tables.text(f"{summary.means[key]:.1f}") for key, _ in QUESTIONS],
            ]
        )
    return tables.table(
        f"Wellbeing check-ins, {scheme.name} (average answer, 1 to 5)",
        ["Month", "Answers", *[SHORT_QUESTIONS[key] for key, _ in QUESTIONS]],
        rows,
        caption_size="s",
        responsive=True,
    )


def scheme_overview(scheme: Scheme, today: dt.date, user: User) -> SchemeOverview:
    prompts = prompts_for(scheme, today)
    sessions = list(
        SupervisionSession.objects.visible_to(user)
        .filter(scheme=scheme)
        .select_related("supervisor", "supervisee")[:25]
    )
    workers = training(scheme, today)

    def overdue(statuses: list[CourseStatus]) -> str:
        return ", ".join(s.course.name for s in statuses if s.overdue) or "None"

    def expiring(statuses: list[CourseStatus]) -> str:
        return ", ".join(s.course.name for s in statuses if s.state == CourseState.EXPIRING)

    return SchemeOverview(
        scheme=scheme,
        prompts=tables.records_table(
            f"Prompts, {scheme.name}",
            [
                ("Link worker", lambda p: tables.text(p.worker.full_name)),
                ("Prompt", lambda p: tables.text(p.kind.label)),
                ("Why", lambda p: tables.text(p.detail)),
            ],
            prompts,
            caption_size="s",
            responsive=True,
        ),
        has_prompts=bool(prompts),
        sessions=tables.records_table(
            f"Supervision sessions, {scheme.name}",
            [
                ("Date", _session_link),
                ("Kind", lambda s: tables.text(s.get_kind_display())),
                ("Link worker", lambda s: tables.text(s.supervisee.full_name)),
                ("Supervisor", lambda s: tables.text(s.supervisor.full_name)),
            ],
            sessions,
            caption_size="s",
            responsive=True,
        ),
        has_sessions=bool(sessions),
        training=tables.records_table(
            f"Training, {scheme.name}",
            [
                ("Link worker", lambda row: tables.text(row[0].full_name)),
                ("Overdue", lambda row: tables.text(overdue(row[1]))),
                ("Expiring soon", lambda row: tables.text(expiring(row[1]))),
            ],
            workers,
            caption_size="s",
            responsive=True,
        ),
        has_training=bool(workers),
        wellbeing=wellbeing_table(scheme, today),
    )


def settings_table(found: Sequence[SchemeSupport]) -> dict[str, Any]:
    return tables.records_table(
        "Current settings",
        [
            ("Scheme", lambda s: tables.text(s.scheme.name)),
            ("Weeks without supervision", lambda s: tables.text(s.supervision_gap_weeks)),
            ("Complex share", lambda s: tables.text(f"{s.complex_share_percent}%")),
            ("Complex cases", lambda s: tables.text(s.complex_count)),
        ],
        found,
        caption_size="s",
    )
