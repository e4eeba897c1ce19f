"""The health check as the page and the PDF show it: values in their units, ratings as NHS.UK
tags, and the grid's rows."""

from __future__ import annotations

from linkwork.healthcheck.framework import Archetype
from linkwork.healthcheck.indicators import Indicator, Unit
from linkwork.healthcheck.measures import Measurement

TAG_CLASSES = {
    Archetype.BEST: "nhsuk-tag--green",
    Archetype.GOOD: "nhsuk-tag--aqua-green",
    Archetype.DEVELOPING: "nhsuk-tag--yellow",
    Archetype.POOR: "nhsuk-tag--red",
}
NOT_RATED = "Not yet rated"
NOT_MEASURED = "Not measured"


def rating_label(rating: Archetype | None) -> str:
    return NOT_RATED if rating is None else str(Archetype(rating).label)


def tag_class(rating: Archetype | None) -> str:
    return "nhsuk-tag--grey" if rating is None else TAG_CLASSES[Archetype(rating)]


def number(value: float) -> str:
    """A figure without a needless ".0"."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def value_text(indicator: Indicator, measured: Measurement | None) -> str:
    if measured is None:
        return NOT_MEASURED
    if indicator.unit == Unit.PERCENT:
        return f"{number(measured.value)}%"
    if indicator.unit == Unit.WORKING_DAYS:
        days = number(measured.value)
        return f"{days} working day" if days == "1" else f"{days} working days"
    if indicator.unit == Unit.PER_WORKER_MONTH:
        return f"{number(measured.value)} per link worker per month"
    return f"{number(measured.value)} per 1,000 patients"


def basis_text(indicator: Indicator, measured: Measurement | None) -> str:
    """What the value was worked out from, in words."""
    if measured is None:
        return "Nothing to count in this quarter."
    if indicator.unit == Unit.PER_WORKER_MONTH:
        return (
            f"{measured.numerator:,} sessions over {measured.denominator or 0:,} "
            "link worker months."
        )
    if measured.denominator is None:
        return f"The median of {measured.numerator:,}: {indicator.numerator.lower()}."
    return f"{measured.numerator:,} of {measured.denominator:,}."


def threshold_text(indicator: Indicator) -> list[tuple[str, str]]:
    """Each archetype and the values that earn it."""
    t = indicator.thresholds
    unit = {
        "percent": "%",
        "working_days": " working days",
        "per_1000": " per 1,000",
        "per_worker_month": " per link worker per month",
    }[indicator.unit]
    if indicator.direction == "higher":
        return [
            (Archetype.BEST.label, f"{number(t.best)}{unit} or more"),
            (Archetype.GOOD.label, f"{number(t.good)}{unit} or more"),
            (Archetype.DEVELOPING.label, f"{number(t.developing)}{unit} or more"),
            (Archetype.POOR.label, f"below {number(t.developing)}{unit}"),
        ]
    return [
        (Archetype.BEST.label, f"{number(t.best)}{unit} or less"),
        (Archetype.GOOD.label, f"{number(t.good)}{unit} or less"),
        (Archetype.DEVELOPING.label, f"{number(t.developing)}{unit} or less"),
        (Archetype.POOR.label, f"above {number(t.developing)}{unit}"),
    ]
