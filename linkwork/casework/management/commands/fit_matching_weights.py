"""Fit per-category engagement adjustments from what happened after matching showed services,
check them on the latest referrals, and store them as a new, inactive weight set.

    linkwork fit-matching-weights [--version NAME] [--min-shown N] [--since YYYY-MM-DD]

The other weights are copied from the set in use (or the default). Nothing changes what
link workers see until someone runs `linkwork matching-weights activate NAME` (ADR 0010).
It lives in casework because the outcomes come from connections; the fitting is matching's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from linkwork.audit import auditor
from linkwork.casework.matching import outcomes_of_shown
from linkwork.matching.learning import MIN_SHOWN, adjustments_by_version, learn, report_lines
from linkwork.matching.models import WeightSet
from linkwork.matching.service import active_weights
from linkwork.matching.weights import DEFAULT_VERSION

VERSION_LENGTH = WeightSet._meta.get_field("version").max_length or 40


def check_version(name: str) -> str:
    name = name.strip()
    if not name:
        raise CommandError("Give the weight set a --version name, such as fitted-spring.")
    if len(name) > VERSION_LENGTH:
        raise CommandError(
            f"The version {name!r} is longer than {VERSION_LENGTH} characters; "
            "choose a shorter one."
        )
    if name == DEFAULT_VERSION or WeightSet.objects.filter(version=name).exists():
        raise CommandError(
            f"A weight set called {name!r} already exists; choose another --version."
        )
    return name


class Command(BaseCommand):
    help = (
        "Fit category adjustments from outcomes, check them on held-out referrals, and store "
        "them as a new inactive weight set. Never activates it."
    )

    def add_base_argument(self, parser: CommandParser, *args: Any, **kwargs: Any) -> None:
        # Here --version names the weight set, in place of Django's "show the version".
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--version", help="Name for the new weight set (default fitted-YYYYMMDD-HHMM)."
        )
        parser.add_argument(
            "--min-shown",
            type=int,
            default=MIN_SHOWN,
            help=f"Services shown needed to fit anything (default {MIN_SHOWN}).",
        )
        parser.add_argument(
            "--since", help="Learn only from what was shown on or after this date, YYYY-MM-DD."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.localtime()
        name = check_version(options["version"] or f"fitted-{now:%Y%m%d-%H%M}")
        if options["min_shown"] < 1:
            raise CommandError("--min-shown must be 1 or more.")
        since = None
        if options["since"]:
            try:
                day = dt.date.fromisoformat(options["since"])
            except ValueError:
                raise CommandError(
                    f"--since {options['since']!r} is not a date written YYYY-MM-DD."
                ) from None
            since = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        base = active_weights()
        fit = learn(
            outcomes_of_shown(since),
            min_shown=options["min_shown"],
            shown_with=adjustments_by_version(),
        )
        weights = dataclasses.replace(base, version=name, category_adjustments=fit.adjustments)
        evaluation = {
            **fit.report,
            "fitted_at": now.isoformat(),
            "since": since.isoformat() if since else None,
            "base_version": base.version,
        }
        with transaction.atomic():
            weight_set = WeightSet.objects.create(
                version=name,
                weights=weights.as_json(),
                active=False,
                note=f"Fitted from outcomes on {now:%Y-%m-%d}, based on {base.version}: "
                f"{fit.verdict}.",
                evaluation=evaluation,
            )
            auditor.record(
                action="matching.weights_fitted",
                target=weight_set,
                detail={"version": name, "base_version": base.version, "verdict": fit.verdict},
            )
        for line in report_lines(evaluation):
            self.stdout.write(line)
        self.stdout.write(
            f"Stored weight set {name} (not active; {base.version} is still in use). "
            f"To use it: linkwork matching-weights activate {name}"
        )
