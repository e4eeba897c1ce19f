"""The live database's pseudonymised extract, written to a temporary folder for one report and
read back as the files would be: the report never sees more than the extract holds."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from linkwork.accounts.models import Scheme
from linkwork.evaluation_reports import frames
from linkwork.evaluation_reports.spec import Spec, SpecError
from linkwork.insights.extract import ExtractError, Written, write_extract
from linkwork.referrals.models import Referral


def referrals_for(scheme_slugs: Sequence[str]) -> QuerySet[Referral]:
    """The referrals of the named schemes (every scheme when none is named)."""
    referrals = Referral._default_manager.all()
    if not scheme_slugs:
        return referrals
    found = dict(Scheme.objects.filter(slug__in=scheme_slugs).values_list("slug", "pk"))
    missing = [slug for slug in scheme_slugs if slug not in found]
    if missing:
        known = ", ".join(Scheme.objects.order_by("slug").values_list("slug", flat=True))
        raise SpecError("data.schemes", f"no scheme {missing[0]!r} (schemes: {known})")
    return referrals.filter(scheme_id__in=found.values())


def extract_from_database(
    spec: Spec, referrals: QuerySet[Referral] | None = None
) -> tuple[frames.Extract, Written]:
    """Write the extract of `referrals` (or the spec's schemes) to a temporary folder and
    read it; the folder is removed before this returns."""
    chosen = referrals if referrals is not None else referrals_for(spec.data.schemes)
    with tempfile.TemporaryDirectory(prefix="linkwork-evaluate-") as folder:
        base = Path(folder)
        paths: dict[str, Any] = {
            name: base / f"{name}.parquet"
            for name in ("episodes", "measures", "clinical", "care_use")
        }
        try:
            written = write_extract(
                chosen,
                out=paths["episodes"],
                measures_out=paths["measures"],
                clinical_out=paths["clinical"],
                care_use_out=paths["care_use"],
            )
        except ExtractError as error:
            raise SpecError("data.source", str(error)) from None
        extract = frames.load_extract(
            **paths, period_from=spec.period_from, period_to=spec.period_to
        )
    return extract, written
