"""The person as matching sees them: needs, words, age, sex, languages, place, digital access,
opted-in preferences and availability. Read from JSON with each bad field named, or built by
the caller (casework builds one from a referral and its plan)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from linkwork.vocabulary.needs import Need

DAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DIGITAL_ACCESS: Final = ("none", "limited", "confident")
FORMATS: Final = ("group", "one_to_one")
DEFAULT_MAX_DISTANCE_KM: Final = 5.0
_TIME_RE: Final = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_LANG_RE: Final = re.compile(r"^[a-z]{2}$")
_AREA_RE: Final = re.compile(r"^[ENSW][0-9]{8}$")


class ProfileError(ValueError):
    """A profile that cannot be used; `field` names the bad part, such as `location.latitude`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Window:
    """When the person is free on one day, in minutes after midnight."""

    day: str
    start: int
    end: int


@dataclass(frozen=True)
class Profile:
    needs: tuple[str, ...] = ()
    what_matters: str = ""
    interests: tuple[str, ...] = ()
    age: int | None = None
    sex: str = ""
    languages: tuple[str, ...] = ("en",)
    latitude: float | None = None
    longitude: float | None = None
    postcode: str = ""
    # ONS code of the person's local authority district, given or from their postcode;
    # "" when unknown (then no service is left out for its area).
    area: str = ""
    max_distance_km: float = DEFAULT_MAX_DISTANCE_KM
    digital_access: str = "confident"
    audiences: tuple[str, ...] = ()
    format: str = ""
    free_only: bool = False
    availability: tuple[Window, ...] = field(default_factory=tuple)

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(name, f"{name} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _number(value: Any, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(name, f"{name} must be a number")
    if not low <= value <= high:
        raise ProfileError(name, f"{name} must be between {low:g} and {high:g}")
    return float(value)


def _minutes(value: Any, name: str) -> int:
    if not isinstance(value, str) or not (match := _TIME_RE.match(value)):
        raise ProfileError(name, f"{name} must be a time written HH:MM, such as 09:30")
    return int(match[1]) * 60 + int(match[2])


KNOWN_KEYS: Final = frozenset(
    {
        "needs",
        "what_matters",
        "interests",
        "age",
        "sex",
        "languages",
        "location",
        "area",
        "max_distance_km",
        "digital_access",
        "preferences",
        "availability",
    }
)


def parse_profile(raw: Any, *, locate: Any = None) -> Profile:
    """A profile from its JSON form. `locate(postcode)` turns a postcode into a point (or
    None when unknown); without it a postcode-only location is an error."""
    if not isinstance(raw, Mapping):
        raise ProfileError("person", "The person must be a JSON object")
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        raise ProfileError(unknown[0], f"{unknown[0]} is not a profile field")
    needs = _strings(raw.get("needs"), "needs")
    for n, need in enumerate(needs):
        if need not in Need.values:
            raise ProfileError(f"needs[{n}]", f"{need!r} is not a need on the needs list")
    what_matters = raw.get("what_matters", "")
    if not isinstance(what_matters, str):
        raise ProfileError("what_matters", "what_matters must be text")
    age = raw.get("age")
    if age is not None:
        if isinstance(age, bool) or not isinstance(age, int):
            raise ProfileError("age", "age must be a whole number of years")
        if not 0 <= age <= 120:
            raise ProfileError("age", "age must be between 0 and 120")
    sex = raw.get("sex", "")
    if not isinstance(sex, str) or sex not in ("", "female", "male", "other", "not_known"):
        raise ProfileError("sex", "sex must be female, male, other or not_known")
    languages = tuple(code.lower() for code in _strings(raw.get("languages"), "languages"))
    for n, code in enumerate(languages):
        if not _LANG_RE.match(code):
            raise ProfileError(f"languages[{n}]", "languages must be ISO 639-1 codes, like en")
    area = raw.get("area") or ""
    if not isinstance(area, str) or (area.strip() and not _AREA_RE.match(area.strip().upper())):
        raise ProfileError("area", "area must be an ONS local authority code, like E08000035")
    area = area.strip().upper()
    latitude = longitude = None
    postcode = ""
    location = raw.get("location")
    if location is not None:
        if not isinstance(location, Mapping):
            raise ProfileError("location", "location must be an object")
        if "latitude" in location or "longitude" in location:
            latitude = _number(location.get("latitude"), "location.latitude", -90, 90)
            longitude = _number(location.get("longitude"), "location.longitude", -180, 180)
        elif "postcode" in location:
            postcode = location["postcode"]
            if not isinstance(postcode, str) or not postcode.strip():
                raise ProfileError("location.postcode", "location.postcode must be a postcode")
            point = locate(postcode) if locate is not None else None
            if point is None:
                raise ProfileError("location.postcode", "The postcode is not known")
            latitude, longitude = point.latitude, point.longitude
            area = area or getattr(point, "local_authority", "")
        else:
            raise ProfileError("location", "location needs latitude and longitude, or postcode")
    max_distance = raw.get("max_distance_km", DEFAULT_MAX_DISTANCE_KM)
    max_distance = _number(max_distance, "max_distance_km", 0.1, 500)
    digital = raw.get("digital_access", "confident")
    if digital not in DIGITAL_ACCESS:
        raise ProfileError("digital_access", "digital_access must be none, limited or confident")
    preferences = raw.get("preferences") or {}
    if not isinstance(preferences, Mapping):
        raise ProfileError("preferences", "preferences must be an object")
    audiences = _strings(preferences.get("audience"), "preferences.audience")
    fmt = preferences.get("format", "") or ""
    if fmt not in ("", *FORMATS):
        raise ProfileError("preferences.format", "preferences.format must be group or one_to_one")
    free_only = preferences.get("free_only", False)
    if not isinstance(free_only, bool):
        raise ProfileError("preferences.free_only", "preferences.free_only must be true or false")
    windows = []
    availability = raw.get("availability") or []
    if not isinstance(availability, list):
        raise ProfileError("availability", "availability must be a list")
    for n, slot in enumerate(availability):
        where = f"availability[{n}]"
        if not isinstance(slot, Mapping):
            raise ProfileError(where, f"{where} must be an object")
        if slot.get("day") not in DAYS:
            raise ProfileError(f"{where}.day", f"{where}.day must be one of MO to SU")
        start = _minutes(slot.get("from"), f"{where}.from")
        end = _minutes(slot.get("to"), f"{where}.to")
        if end <= start:
            raise ProfileError(f"{where}.to", f"{where}.to must be after {where}.from")
        windows.append(Window(slot["day"], start, end))
    return Profile(
        needs=needs,
        what_matters=what_matters.strip(),
        interests=_strings(raw.get("interests"), "interests"),
        age=age,
        sex=sex,
        languages=languages or ("en",),
        latitude=latitude,
        longitude=longitude,
        postcode=postcode,
        area=area,
        max_distance_km=max_distance,
        digital_access=digital,
        audiences=audiences,
        format=fmt,
        free_only=free_only,
        availability=tuple(windows),
    )


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
