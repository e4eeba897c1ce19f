"""Export a GP practice's new coded events, or download an earlier batch again.

    linkwork export-gp-events --practice B82005 --format csv
    linkwork export-gp-events --practice B82005 --scheme leeds-north --format fhir \
        --output gp-events.json
    linkwork export-gp-events --batch 6f1c... --format csv

Without `--scheme`, every scheme with people registered at the practice exports its own batch,
and the output holds them all. Events already exported are never exported again, so running
it twice gives nothing the second time. The file goes to `--output` or standard output;
notices go to standard error. Audited, with no user (the command's operator).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from linkwork.accounts.models import Organisation, OrganisationKind, Scheme
from linkwork.interop.gp_events import actions, render
from linkwork.interop.gp_events.models import ExportBatch
from linkwork.referrals.models import Referral


def find_practice(reference: str) -> Organisation:
    """A GP practice by ODS code in any case, or by id."""
    reference = reference.strip()
    practices = Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE)
    found = practices.filter(ods_code__iexact=reference).first() if reference else None
    if found is None and reference.isdigit():
        found = practices.filter(pk=int(reference)).first()
    if found is None:
        raise CommandError(f"--practice: no GP practice has the ODS code or id {reference!r}.")
    return found


class Command(BaseCommand):
    help = "Export a GP practice's new coded events (CSV or FHIR), or an earlier batch again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", help="The practice's ODS code (or id).")
        parser.add_argument("--scheme", help="Only this scheme (its slug).")
        parser.add_argument("--batch", help="Download this earlier batch again, as it was.")
        parser.add_argument("--format", required=True, choices=sorted(actions.FORMATS))
        parser.add_argument("--output", help="Write here instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        file_format = options["format"]
        if options["batch"]:
            batches = [self._batch(options["batch"])]
            for batch in batches:
                actions.downloaded(by=None, batch=batch, file_format=file_format)
        elif options["practice"]:
            batches = self._export(find_practice(options["practice"]), options["scheme"])
        else:
            raise CommandError("Give --practice to export, or --batch to download again.")
        text = self._render(batches, file_format)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
        count = sum(len(batch.events) for batch in batches)
        self.stderr.write(f"{count} event(s) in {len(batches)} batch(es).")

    def _batch(self, reference: str) -> ExportBatch:
        try:
            return ExportBatch.objects.select_related("practice").get(pk=uuid.UUID(reference))
        except (ValueError, ExportBatch.DoesNotExist):
            raise CommandError(f"--batch: no batch has the id {reference!r}.") from None

    def _export(self, practice: Organisation, slug: str | None) -> list[ExportBatch]:
        schemes = Scheme.objects.filter(
            pk__in=Referral.objects.filter(person__gp_practice=practice).values("scheme_id")
        )
        if slug:
            schemes = Scheme.objects.filter(slug=slug)
            if not schemes:
                raise CommandError(f"--scheme: no scheme has the slug {slug!r}.")
        batches = []
        for scheme in schemes.order_by("slug"):
            batch = actions.export(by=None, scheme=scheme, practice=practice)
            if batch is not None:
                batches.append(batch)
        return batches

    def _render(self, batches: list[ExportBatch], file_format: str) -> str:
        if len(batches) == 1:
            return actions.content(batches[0], file_format)
        events = [event for batch in batches for event in actions.batch_events(batch)]
        if file_format == "csv":
            return render.csv_text(events)
        bundle = render.fhir_bundle(events, batch_id=uuid.uuid4(), exported_at=timezone.now())
        return json.dumps(bundle, indent=2) + "\n"
