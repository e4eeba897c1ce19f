"""`linkwork import-oruk SOURCE`: import Open Referral UK 3.0 or 1.0 records into the directory.

The version is told from the data (a 1.0 page envelope, a bare array of 1.0 services, 1.0 full
records). Exit status 0 when everything was read, 1 when some records or fields were rejected
(or part of the source could not be read), 2 when nothing was imported or the source cannot
be read at all, so a cron job sees a failure.
"""

from __future__ import annotations

import json
import sys
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from linkwork.directory.oruk.importer import (
    ImportReport,
    SourceError,
    Status,
    check_area,
    import_oruk,
)
from linkwork.directory.suggestions import suggest_for_services

# Enough to find the pattern in a broken feed without flooding the terminal; --json has all.
SHOWN_RECORDS = 50


class Command(BaseCommand):
    help = (
        "Import Open Referral UK 3.0 / HSDS 3.0 or ORUK 1.0 records from an ORUK API base "
        "URL, a JSON file or folder of JSON files, or an HSDS tabular package folder."
    )
    # Tests read feeds through a fetcher of their own (no network): `fetcher=` to call_command.
    stealth_options = ("fetcher",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source",
            help="An ORUK API base URL (https://...), a JSON file, a folder of JSON files, or "
            "a folder with datapackage.json and CSV files.",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the report as JSON on standard output."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show the progress bar."
        )
        parser.add_argument(
            "--area",
            default="",
            metavar="CODE",
            help="The ONS code of the local authority the feed serves (such as E06000001), "
            "kept as a service area of every service read whole.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["source"]
        show_progress = not options["no_progress"]

        def progress(total: int | None) -> Any:
            return tqdm(
                total=total,
                unit="record",
                desc="Importing",
                file=sys.stderr,
                disable=None if show_progress else True,
            )

        try:
            area = check_area(options["area"]) if options["area"] else ""
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        try:
            report = import_oruk(
                source, progress=progress, area=area, fetcher=options.get("fetcher")
            )
        except SourceError as exc:
            raise CommandError(str(exc), returncode=2) from None
        # Services the feed gave no Linkwork category get suggestions for curators to check.
        suggest_for_services(imported_service_ids(report))
        text = (
            json.dumps(report.as_dict(), indent=2, ensure_ascii=False)
            if options["json"]
            else render(report)
        )
        # A feed may hold lone surrogates (valid JSON, not UTF-8): print them escaped.
        self.stdout.write(text.encode("utf-8", "backslashreplace").decode("utf-8"))
        if not report.imported:
            raise CommandError(
                f"nothing was imported from {source}"
                + (f" ({len(report.rejected)} record(s) rejected)" if report.rejected else ""),
                returncode=2,
            )
        if not report.complete:
            rejected = report.count(Status.REJECTED)
            dropped = len(report.dropped)
            raise CommandError(
                f"{rejected} record(s) rejected"
                if rejected
                else f"{dropped} record(s) imported with fields left out"
                if dropped
                else "part of the source was not read",
                returncode=1,
            )


def imported_service_ids(report: ImportReport) -> list[uuid.UUID]:
    """The ids of the services this import wrote or found unchanged."""
    found = []
    for outcome in report.outcomes:
        if outcome.record_type != "service" or outcome.status is Status.REJECTED:
            continue
        try:
            found.append(uuid.UUID(str(outcome.id)))
        except ValueError:
            continue  # not stored under this id: nothing to suggest for
    return found


def render(report: ImportReport) -> str:
    """The report as text for a person at a terminal."""
    counts = report.counts
    lines = [
        f"Imported from {report.source}",
        *(f"  {status:<10} {counts[status]}" for status in counts),
    ]
    if report.rejected:
        lines += ["", "Rejected records (each is left out whole):"]
        for outcome in report.rejected[:SHOWN_RECORDS]:
            lines.append(f"  {outcome.where}")
            lines += [f"    {outcome.label()}: {problem}" for problem in outcome.problems]
        hidden = len(report.rejected) - SHOWN_RECORDS
        if hidden > 0:
            lines.append(f"  ... and {hidden} more (use --json to see them all)")
    if report.dropped:
        lines += ["", "Imported with fields left out:"]
        for outcome in report.dropped[:SHOWN_RECORDS]:
            lines.append(f"  {outcome.where}")
            lines += [f"    {outcome.label()}: {text}" for text in outcome.dropped]
        hidden = len(report.dropped) - SHOWN_RECORDS
        if hidden > 0:
            lines.append(f"  ... and {hidden} more (use --json to see them all)")
    warned = [o for o in report.outcomes if o.warnings and o.status is not Status.REJECTED]
    if warned:
        lines += ["", "Imported with warnings:"]
        for outcome in warned[:SHOWN_RECORDS]:
            lines.append(f"  {outcome.where}")
            lines += [f"    {outcome.label()}: {warning}" for warning in outcome.warnings]
        hidden = len(warned) - SHOWN_RECORDS
        if hidden > 0:
            lines.append(f"  ... and {hidden} more (use --json to see them all)")
    if report.skipped:
        lines += ["", "Skipped:"]
        lines += [f"  {s.where}: {s.reason}" for s in report.skipped]
    if report.notes:
        lines += ["", "Notes:"]
        lines += [f"  {note}" for note in report.notes]
    if report.unread:
        lines += ["", "Lists in list pages, not read (import the full records for them):"]
        lines += [f"  {name} ({count})" for name, count in sorted(report.unread.items())]
    if report.not_stored:
        lines += ["", "Fields Linkwork does not keep, read past:"]
        lines += [f"  {name} ({count})" for name, count in sorted(report.not_stored.items())]
    return "\n".join(lines)
