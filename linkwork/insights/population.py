"""Denominators: registered patients per GP practice, and the catchment's population.

List sizes come from `linkwork import-list-sizes` (the record's own model, issue 14 item 1);
`list_sizes` is the one place the dashboards read them, so the rate per 1,000 patients has a
single source. Until they are loaded it is empty, and the rate column says so.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Sum

from linkwork.insights.models import CatchmentPopulation


def list_sizes() -> dict[int, int]:
    """Registered patients of each GP practice (Organisation id) at the latest extract loaded;
    empty when no list sizes are loaded."""
    # Wired at merge to the model `linkwork import-list-sizes` fills (people app); read through
    # the app registry so insights works, with the rate column empty, before it exists.
    try:
        model = apps.get_model("people", "PracticeListSize")
    except LookupError:
        return {}
    latest: dict[int, tuple[object, int]] = {}
    for practice_id, patients, extracted in model.objects.values_list(
        "practice_id", "registered_patients", "extract_date"
    ):
        if practice_id not in latest or extracted > latest[practice_id][0]:
            latest[practice_id] = (extracted, patients)
    return {practice_id: patients for practice_id, (_, patients) in latest.items()}


def catchment_loaded() -> bool:
    return CatchmentPopulation.objects.exists()


def catchment_total() -> int:
    return int(CatchmentPopulation.objects.aggregate(total=Sum("all_ages"))["total"] or 0)
