"""`linkwork insights export --out DIR [--scheme SLUG] [--from YYYY-MM-DD] [--to YYYY-MM-DD]`:
one CSV per dashboard table (UTF-8, a header row), small numbers suppressed.

`linkwork insights refresh`: rewrite every fact the dashboards count from the records (after a
bulk load, or a change the records do not show: bank holidays, an instrument's scoring)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.accounts.models import Scheme
from linkwork.audit import auditor
from linkwork.insights import facts
from linkwork.insights.dashboards import DASHBOARDS
from linkwork.insights.downloads import csv_text
from linkwork.insights.model import Filters


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Give dates as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = (
        "Insights for commissioners and evaluators. `export` writes every table as CSV; "
        "`refresh` rewrites the facts the dashboards count."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        export = commands.add_parser("export", help="Write one CSV per dashboard table.")
        export.add_argument("--out", required=True, type=Path, help="Directory to write to.")
        export.add_argument("--scheme", default="", help="One scheme's slug (default: all).")
        export.add_argument("--from", dest="date_from", default="", help="YYYY-MM-DD")
        export.add_argument("--to", dest="date_to", default="", help="YYYY-MM-DD")
        commands.add_parser("refresh", help="Rewrite every fact the dashboards count.")

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "refresh":
            self.refresh()
            return
        self.export(**options)

    def refresh(self) -> None:
        started = time.perf_counter()
        written = facts.rebuild()
        self.stdout.write(
            f"Refreshed the facts of {written} referrals in {time.perf_counter() - started:.1f} s."
        )

    def export(self, **options: object) -> None:
        out = options["out"]
        assert isinstance(out, Path)
        slug = str(options["scheme"] or "")
        date_from = _date(str(options["date_from"])) if options["date_from"] else None
        date_to = _date(str(options["date_to"])) if options["date_to"] else None
        if date_from and date_to and date_from > date_to:
            raise CommandError("--to must be the same as or after --from.")
        schemes = Scheme.objects.all()
        if slug:
            schemes = schemes.filter(slug=slug)
            if not schemes.exists():
                raise CommandError(f"No scheme with the slug {slug!r}.")
        filters = Filters(
            schemes=frozenset(schemes.values_list("pk", flat=True)),
            date_from=date_from,
            date_to=date_to,
        )
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out}: exists and is not a directory.")
        # Every table is built before any file is written, so a failure writes nothing.
        files: dict[str, str] = {}
        for entry in DASHBOARDS.values():
            for table in entry.build(filters).tables:
                files[f"{table.slug}.csv"] = csv_text(table)
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8")
        auditor.record(
            action="insights.exported",
            detail={
                "schemes": sorted(filters.schemes),
                "from": date_from.isoformat() if date_from else "",
                "to": date_to.isoformat() if date_to else "",
                "files": sorted(files),
            },
        )
        self.stdout.write(f"Wrote {len(files)} tables to {out}.")
