"""Tables of the staff pages: a case's links, and feedback results per service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from linkwork.core import tables
from linkwork.core.presenters import date_uk
from linkwork.directory.models import Service
from linkwork.prescription.models import PrescriptionLink
from linkwork.prescription.results import ServiceResult


def links_table(links: Iterable[PrescriptionLink], now: dt.datetime) -> dict[str, Any]:
    rows = []
    for link in links:
        made = date_uk(timezone.localdate(link.created_at))
        state = link.state(now).label
        if link.revoked_at is not None and link.revoked_by is not None:
            state += f" by {link.revoked_by.full_name}"
        rows.append(
            [
                tables.text(made),
                tables.text(link.created_by.full_name),
                tables.text(link.get_channel_display()),
                tables.text(state),
                tables.text(date_uk(timezone.localdate(link.expires_at))),
                tables.link(
                    "Print",
                    reverse("prescription:print", args=[link.pk]),
                    hidden=f"the prescription made on {made}",
                ),
            ]
        )
    return tables.table(
        "Links to the person's prescription, newest first",
        ["Made", "By", "How", "State", "Works until", tables.hidden_heading("Print")],
        rows,
        responsive=True,
    )


def services_table(services: Iterable[tuple[Service, int]], threshold: int) -> dict[str, Any]:
    return tables.table(
        "Services with feedback",
        ["Service", "Answers"],
        (
            [
                tables.link(
                    service.name, reverse("prescription:feedback_service", args=[service.pk])
                ),
                tables.text(count if count >= threshold else f"Fewer than {threshold}"),
            ]
            for service, count in services
        ),
    )


def question_tables(result: ServiceResult) -> list[dict[str, Any]]:
    return [
        tables.table(
            question.question,
            ["Answer", "People"],
            ([tables.text(label), tables.text(count)] for label, count in question.rows),
            caption_size="s",
        )
        for question in result.questions
    ]
