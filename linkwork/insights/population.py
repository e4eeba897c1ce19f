"""Denominators: registered patients per GP practice, and the catchment's population.

List sizes come from `linkwork import-list-sizes` (the record's own model, issue 14 item 1);
`list_sizes` is the one place the dashboards read them, so the rate per 1,000 patients has a
single source. Until they are loaded it is empty, and the rate column says so.
"""

from __future__ import annotations

from django.db.models import Sum

from linkwork.accounts.models import latest_list_sizes
from linkwork.insights.models import CatchmentPopulation


def list_sizes() -> dict[int, int]:
    """Registered patients of each GP practice (Organisation id) at its latest extract loaded;
    empty when no list sizes are loaded."""
    return {practice_id: row.patients for practice_id, row in latest_list_sizes().items()}


def catchment_loaded() -> bool:
    return CatchmentPopulation.objects.exists()


def catchment_total() -> int:
    return int(CatchmentPopulation.objects.aggregate(total=Sum("all_ages"))["total"] or 0)
