"""`linkwork suggest-categories`: suggest categories, ages and sex limits for listings whose
feed did not state them (`directory.suggestions`), for curators to confirm or reject.

Exit status 0; 2 when a named service does not exist.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.directory.models import Service, Suggestion, SuggestionKind, SuggestionStatus
from linkwork.directory.suggestions import suggest_for_services


class Command(BaseCommand):
    help = (
        "Suggest Linkwork categories (and ages and sex limits) for listings whose feed gives "
        "none, from the feed's own taxonomy terms and the words of each listing. Suggested "
        "categories count in search and matching until a curator decides; ages and sex limits "
        "only once confirmed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--service",
            action="append",
            default=[],
            metavar="ID",
            help="Only this service (a UUID); may be given more than once.",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the report as JSON on standard output."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        services = None
        if options["service"]:
            ids = []
            for text in options["service"]:
                try:
                    ids.append(uuid.UUID(text))
                except ValueError:
                    raise CommandError(f"--service: {text!r} is not a UUID", returncode=2) from None
            found = set(Service.objects.filter(pk__in=ids).values_list("pk", flat=True))
            missing = [str(i) for i in ids if i not in found]
            if missing:
                raise CommandError(f"--service: no service {missing[0]}", returncode=2)
            services = ids
        report = suggest_for_services(services)
        open_rows = Suggestion.objects.filter(status=SuggestionStatus.SUGGESTED)
        if services is not None:
            open_rows = open_rows.filter(service_id__in=services)
        totals = {
            "open_categories": open_rows.filter(kind=SuggestionKind.CATEGORY).count(),
            "open_limits": open_rows.exclude(kind=SuggestionKind.CATEGORY).count(),
        }
        if options["json"]:
            self.stdout.write(json.dumps({**report.as_dict(), **totals}, indent=2))
            return
        self.stdout.write(
            f"Read {report.services} services: {report.added} suggestions added, "
            f"{report.updated} updated, {report.removed} removed.\n"
            f"{report.with_category} services have a category (stated or suggested).\n"
            f"Waiting for a curator: {totals['open_categories']} categories, "
            f"{totals['open_limits']} ages or sex limits."
        )
