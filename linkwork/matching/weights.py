"""The ranking weights: a named, versioned set. The default set is written here; fitted sets
are stored (`WeightSet`) and one is switched on by a person, never silently."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Final

DEFAULT_VERSION: Final = "default-1"


@dataclass(frozen=True)
class Weights:
    version: str = DEFAULT_VERSION
    need: float = 3.0
    text: float = 1.2
    audience: float = 1.0
    distance: float = 1.0
    distance_scale_km: float = 3.0
    remote_distance_value: float = 0.5
    schedule: float = 0.8
    format: float = 0.5
    free: float = 0.3
    waiting_list: float = 0.7
    response: float = 0.5
    freshness: float = 0.4
    # Taken off the score of a listing not checked within the stale limit.
    stale: float = 1.0
    # Learned from outcomes: added to the score of services in each category.
    category_adjustments: Mapping[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["category_adjustments"] = dict(self.category_adjustments)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Weights:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"Unknown weight {unknown[0]!r}")
        values = dict(data)
        adjustments = values.pop("category_adjustments", {}) or {}
        for name, value in values.items():
            if name != "version" and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise ValueError(f"Weight {name!r} must be a number")
        return cls(
            **values,
            category_adjustments={str(k): float(v) for k, v in dict(adjustments).items()},
        )


DEFAULT_WEIGHTS: Final = Weights()
