"""The synthetic directory of Brackenfield, read from the reviewed data file
`data/demo_catalogue.toml` (what each part means is written there)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Final


@dataclass(frozen=True)
class OrganizationSpec:
    name: str
    slug: str
    description: str
    legal_status: str
    categories: tuple[str, ...]
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceKind:
    """A kind of service, instantiated `count` times at different venues."""

    category: str
    names: tuple[str, ...]
    descriptions: tuple[str, ...]
    count: int
    also: tuple[str, ...]
    format: str
    modes: tuple[str, ...]
    venues: tuple[str, ...]
    schedule: str
    free: float
    price: tuple[str, ...]
    referral: float
    audiences: tuple[str, ...]
    min_age: int | None
    eligibility: str
    hosts: tuple[str, ...]  # organisation slugs; none: any of the category's
    max_age: int | None = None


def _tuples(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: tuple(value) if isinstance(value, list) else value for key, value in entry.items()}


def _service_kind(defaults: dict[str, Any], entry: dict[str, Any]) -> ServiceKind:
    fields = _tuples({**defaults, **entry})
    # TOML has no null: the file writes "no lower age limit" as 0.
    fields["min_age"] = fields["min_age"] or None
    return ServiceKind(**fields)


_DATA: Final = tomllib.loads(
    files("linkwork.directory").joinpath("data/demo_catalogue.toml").read_text("utf-8")
)

AREAS: Final[dict[str, str]] = _DATA["areas"]
VENUES: Final = {
    kind: (tuple(venue["names"]), float(venue["chance"])) for kind, venue in _DATA["venues"].items()
}
STREETS: Final = tuple(_DATA["streets"])
ACCESSIBILITY: Final = tuple(
    (description, details) for description, details in _DATA["accessibility"]
)
TRANSPORT: Final = tuple(_DATA["transport"])
ORGANIZATIONS: Final = tuple(OrganizationSpec(**_tuples(entry)) for entry in _DATA["organizations"])
CATALOGUE: Final = tuple(
    _service_kind(_DATA["service_defaults"], entry) for entry in _DATA["services"]
)
TIPS: Final = tuple(_DATA["tips"])
ALERTS_CLOSED: Final = tuple(_DATA["alerts_closed"])
FUNDERS: Final = tuple(_DATA["funders"])
LANGUAGES: Final[dict[str, str]] = _DATA["languages"]
