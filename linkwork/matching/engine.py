"""Rank services for a person: hard constraints first (never broken, each exclusion with its
reason), then an interpretable score, then diversification, then reasons in plain English.

Everything up to the final k is computed on NumPy arrays over all services at once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from linkwork.matching.facts import WEEKDAYS, ServiceFacts
from linkwork.matching.index import ServiceIndex, tokens
from linkwork.matching.profile import Profile
from linkwork.matching.weights import Weights
from linkwork.vocabulary.categories import CATEGORIES, NEED_CATEGORY_ORDER
from linkwork.vocabulary.needs import Need

EARTH_RADIUS_KM: Final = 6371.0088
# Candidates scored in full (provider statistics, diversification) after the first pass.
POOL: Final = 200
# How much a need's later categories count, after its first (the usual first place to look).
CATEGORY_STRENGTH: Final = (1.0, 0.8)
OTHER_CATEGORY_STRENGTH: Final = 0.6
DAY_NAMES: Final = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)

# Exclusion reasons, in the order they are checked: a service gets the first that applies.
# EXPIRED is a listing unchecked past the expire limit (a stale one is only ranked lower).
NOT_ACTIVE, EXPIRED, AGE, SEX, ONLINE_ONLY, TOO_FAR, OUT_OF_AREA, FULL, LANGUAGE, NOT_FREE = range(
    1, 11
)
STALE: Final = EXPIRED  # the old name
# Past LINKWORK_LISTING_EXPIRE_DAYS unless the caller says otherwise: three years.
DEFAULT_EXPIRE_DAYS: Final = 1095


@dataclass(frozen=True)
class ProviderStats:
    """How a provider has answered past connections."""

    median_days: float | None
    acceptance_rate: float | None
    answered: int


@dataclass
class Result:
    service_id: str
    name: str
    score: float
    components: dict[str, float]
    reasons: list[str]
    position: int


@dataclass
class Exclusion:
    service_id: str
    reason: str


@dataclass
class Recommendations:
    results: list[Result]
    weights_version: str
    # Excluded services as (index, reason code); made into text only when asked.
    _excluded: tuple[npt.NDArray[np.int64], npt.NDArray[np.int8]] = field(repr=False)
    _explain: Callable[[int, int], str] = field(repr=False)
    _ids: Sequence[str] = field(repr=False)
    # What the person asking should know about the whole answer, in plain English, such as
    # "812 of 818 services excluded: not checked since 1 November 2023".
    warnings: list[str] = field(default_factory=list)

    @property
    def excluded_count(self) -> int:
        return len(self._excluded[0])

    @property
    def excluded(self) -> list[Exclusion]:
        indices, codes = self._excluded
        return [
            Exclusion(self._ids[int(i)], self._explain(int(i), int(c)))
            for i, c in zip(indices, codes, strict=True)
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "results": [
                {
                    "service_id": r.service_id,
                    "name": r.name,
                    "score": round(r.score, 4),
                    "components": {k: round(v, 4) for k, v in r.components.items()},
                    "reasons": r.reasons,
                }
                for r in self.results
            ],
            "excluded": [{"service_id": e.service_id, "reason": e.reason} for e in self.excluded],
            "warnings": list(self.warnings),
        }


def distances_km(index: ServiceIndex, profile: Profile) -> npt.NDArray[np.float64]:
    """Each service's nearest venue from the person (haversine), infinite for no venue."""
    nearest = np.full(len(index), np.inf)
    if not profile.located or len(index.place_service) == 0:
        return nearest
    lat1 = math.radians(profile.latitude or 0.0)
    lon1 = math.radians(profile.longitude or 0.0)
    lat2 = np.radians(index.place_lat)
    lon2 = np.radians(index.place_lon)
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    np.minimum.at(nearest, index.place_service, d)
    return nearest


def expired(index: ServiceIndex, *, today: dt.date, expire_days: int) -> npt.NDArray[np.bool_]:
    """Checked by a person, but not within the expire limit. A listing never checked is
    stale, not expired: nothing says how old it is."""
    cutoff = (today - dt.timedelta(days=expire_days)).toordinal()
    return (index.assured > 0) & (index.assured < cutoff)


def stale(index: ServiceIndex, *, today: dt.date, stale_days: int) -> npt.NDArray[np.bool_]:
    """Never checked by a person, or not within the stale limit: tagged and ranked lower."""
    cutoff = (today - dt.timedelta(days=stale_days)).toordinal()
    return index.assured < cutoff


def outside_area(index: ServiceIndex, profile: Profile) -> npt.NDArray[np.bool_]:
    """Services with no venue whose stated areas leave out the person's area (none when the
    person's area is unknown)."""
    if not profile.area:
        return np.zeros(len(index), dtype=bool)
    return ~index.has_place & index.has_area & ~index.in_area(profile.area)


def constraint_codes(
    index: ServiceIndex,
    profile: Profile,
    *,
    today: dt.date,
    stale_days: int,
    distance: npt.NDArray[np.float64],
    expire_days: int | None = None,
) -> npt.NDArray[np.int8]:
    """0 where a service may be suggested, else the code of the first rule it breaks.
    Facts not stated (delivery, capacity, areas) constrain nothing."""
    codes = np.zeros(len(index), dtype=np.int8)
    expire_days = max(expire_days or DEFAULT_EXPIRE_DAYS, stale_days)

    def rule(code: int, broken: npt.NDArray[np.bool_]) -> None:
        np.putmask(codes, (codes == 0) & broken, code)

    rule(NOT_ACTIVE, ~index.active)
    rule(EXPIRED, expired(index, today=today, expire_days=expire_days))
    if profile.age is not None:
        rule(AGE, (index.min_age > profile.age) | (index.max_age < profile.age))
    if index.women_only_bit and profile.sex != "female":
        rule(SEX, (index.audiences & index.women_only_bit) != 0)
    if index.men_only_bit and profile.sex != "male":
        rule(SEX, (index.audiences & index.men_only_bit) != 0)
    if profile.digital_access == "none":
        rule(ONLINE_ONLY, index.online_only)
    if profile.located:
        rule(TOO_FAR, index.in_person & index.has_place & (distance > profile.max_distance_km))
    rule(OUT_OF_AREA, outside_area(index, profile))
    rule(FULL, index.capacity == 2)
    if "en" not in profile.languages:
        spoken = index.language_vocabulary.query(profile.languages)
        rule(LANGUAGE, (index.languages & spoken) == 0)
    if profile.free_only:
        rule(NOT_FREE, ~index.free)
    return codes


def day_month_year(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def not_checked_since(assured: dt.date | None) -> str:
    return (
        f"not checked since {day_month_year(assured)}" if assured else "never checked by a person"
    )


def explain_exclusion(
    service: ServiceFacts, code: int, profile: Profile, distance: float, expire_days: int
) -> str:
    if code == NOT_ACTIVE:
        return f"status is {service.status}, not active"
    if code == EXPIRED:
        return f"{not_checked_since(service.assured_date)}, over {expire_days} days ago"
    if code == AGE:
        low = service.minimum_age if service.minimum_age is not None else 0
        high = f"{service.maximum_age}" if service.maximum_age is not None else "any age"
        return f"for ages {low} to {high}; the person is {profile.age}"
    if code == SEX:
        return "women only" if "women_only" in service.audiences else "men only"
    if code == ONLINE_ONLY:
        return "online only, and the person has no digital access"
    if code == TOO_FAR:
        return f"{distance:.1f} km away, beyond {profile.max_distance_km:g} km"
    if code == OUT_OF_AREA:
        areas = ", ".join(sorted(service.areas))
        return f"no venue, and serves only {areas}; the person is in {profile.area}"
    if code == FULL:
        return "full"
    if code == LANGUAGE:
        return "no shared language"
    if code == NOT_FREE:
        return "not free"
    return "excluded"


def _need_coverage(
    index: ServiceIndex, needs: Sequence[str]
) -> tuple[npt.NDArray[np.float64], list[tuple[str, npt.NDArray[np.bool_]]]]:
    """Mean over the stated needs of how well each service meets it (0 to 1), and for each
    need the services that meet it."""
    if not needs:
        return np.zeros(len(index)), []
    total = np.zeros(len(index))
    met = []
    for need in needs:
        strength = np.zeros(len(index))
        # In the file's order: a frozenset's order changes with PYTHONHASHSEED.
        for position, category in enumerate(NEED_CATEGORY_ORDER.get(need, ())):
            bit = index.category_vocabulary.query([category])
            if not bit:
                continue
            value = (
                CATEGORY_STRENGTH[position]
                if position < len(CATEGORY_STRENGTH)
                else OTHER_CATEGORY_STRENGTH
            )
            strength = np.maximum(strength, np.where((index.categories & bit) != 0, value, 0.0))
        total += strength
        met.append((need, strength > 0))
    return total / len(needs), met


def _schedule_fit(index: ServiceIndex, profile: Profile) -> npt.NDArray[np.float64]:
    """1 when a session overlaps the person's free time, 0 when none does, 0.5 when unknown."""
    fit = np.full(len(index), 0.5)
    if not profile.availability or len(index.session_service) == 0:
        return fit
    has_sessions = np.zeros(len(index), dtype=bool)
    has_sessions[index.session_service] = True
    overlap = np.zeros(len(index.session_service), dtype=bool)
    for window in profile.availability:
        day = WEEKDAYS.index(window.day)
        overlap |= (
            (index.session_day == day)
            & (index.session_opens < window.end)
            & (index.session_closes > window.start)
        )
    fits = np.zeros(len(index), dtype=bool)
    fits[index.session_service[overlap]] = True
    fit[has_sessions] = 0.0
    fit[fits] = 1.0
    return fit


def _normalised(
    values: npt.NDArray[np.float64], mask: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    top = float(values[mask].max()) if mask.any() else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def rank(
    index: ServiceIndex,
    profile: Profile,
    *,
    k: int = 10,
    weights: Weights,
    today: dt.date,
    stale_days: int,
    expire_days: int | None = None,
    provider_stats: Callable[[Sequence[ServiceFacts]], Mapping[str, ProviderStats]] | None = None,
    skip: Collection[str] = (),
) -> Recommendations:
    """The top k services for `profile`. Services in `skip` (say, those the person is already
    connected to) are left out without being reported as excluded. Past `stale_days` a
    service is ranked lower and says so; past `expire_days` (three years unless given) it is
    excluded."""
    expire_days = max(expire_days or DEFAULT_EXPIRE_DAYS, stale_days)
    distance = distances_km(index, profile)
    codes = constraint_codes(
        index,
        profile,
        today=today,
        stale_days=stale_days,
        expire_days=expire_days,
        distance=distance,
    )
    is_stale = stale(index, today=today, stale_days=stale_days)
    eligible = codes == 0
    skipped = [index.positions[s] for s in skip if s in index.positions]
    eligible[skipped] = False
    coverage, met = _need_coverage(index, profile.needs)
    words = tokens(" ".join([profile.what_matters, *profile.interests]))
    text = _normalised(index.bm25(words), eligible) if words else np.zeros(len(index))
    wanted_audiences = index.audience_vocabulary.query(profile.audiences)
    audience = (
        ((index.audiences & wanted_audiences) != 0).astype(float)
        if wanted_audiences
        else np.zeros(len(index))
    )
    remote = ~(index.in_person & index.has_place)
    near = np.where(
        remote,
        weights.remote_distance_value,
        np.exp(-np.where(np.isfinite(distance), distance, 0.0) / weights.distance_scale_km),
    )
    if not profile.located:
        near = np.full(len(index), weights.remote_distance_value)
    schedule = _schedule_fit(index, profile)
    fmt = np.zeros(len(index))
    if profile.format == "group":
        fmt = index.group.astype(float)
    elif profile.format == "one_to_one":
        fmt = index.one_to_one.astype(float)
    age_days = np.where(index.assured > 0, today.toordinal() - index.assured, stale_days)
    fresh = np.clip(1.0 - age_days / max(stale_days, 1), 0.0, 1.0)
    waiting = (index.capacity == 1).astype(float)
    category_adjustment = np.zeros(len(index))
    for category, adjustment in weights.category_adjustments.items():
        bit = index.category_vocabulary.query([category])
        if bit and adjustment:
            category_adjustment += np.where((index.categories & bit) != 0, adjustment, 0.0)
    parts: dict[str, npt.NDArray[np.float64]] = {
        "need": weights.need * coverage,
        "text": weights.text * text,
        "audience": weights.audience * audience,
        "distance": weights.distance * near,
        "schedule": weights.schedule * schedule,
        "format": weights.format * fmt,
        "free": weights.free * index.free.astype(float),
        "waiting_list": -weights.waiting_list * waiting,
        "freshness": weights.freshness * fresh,
        "stale": -weights.stale * is_stale.astype(float),
        "engagement": category_adjustment,
    }
    score = sum(parts.values(), np.zeros(len(index)))
    score = np.where(eligible, score, -np.inf)
    pool_size = min(POOL, int(eligible.sum()))
    pool = np.argpartition(-score, pool_size - 1)[:pool_size] if pool_size else np.array([], int)
    pool = pool[np.argsort(-score[pool], kind="stable")]
    stats = provider_stats([index.services[i] for i in pool]) if provider_stats else {}
    final: dict[int, float] = {}
    response: dict[int, float] = {}
    for i in pool:
        facts = index.services[int(i)]
        value = _response_value(stats.get(facts.organization_id))
        response[int(i)] = weights.response * value
        final[int(i)] = float(score[i]) + response[int(i)]
    order = sorted(final, key=lambda i: (-final[i], index.ids[i]))
    chosen = diversify(order, index, met=met, k=k)
    results = []
    for position, i in enumerate(chosen, start=1):
        components = {name: float(values[i]) for name, values in parts.items()}
        components["response"] = response[i]
        results.append(
            Result(
                service_id=index.ids[i],
                name=index.services[i].name,
                score=final[i],
                components=components,
                reasons=reasons_for(
                    index.services[i],
                    profile,
                    distance=float(distance[i]),
                    met=[need for need, mask in met if mask[i]],
                    words=words,
                    stats=stats.get(index.services[i].organization_id),
                    fits_schedule=schedule[i] == 1.0,
                    stale=bool(is_stale[i]),
                ),
                position=position,
            )
        )
    excluded_idx = np.flatnonzero(codes)

    def explain(i: int, code: int) -> str:
        return explain_exclusion(index.services[i], code, profile, float(distance[i]), expire_days)

    return Recommendations(
        results=results,
        weights_version=weights.version,
        _excluded=(excluded_idx, codes[excluded_idx]),
        _explain=explain,
        _ids=index.ids,
        warnings=warnings_for(
            index,
            profile,
            codes=codes,
            results=results,
            is_stale=is_stale,
            today=today,
            stale_days=stale_days,
            expire_days=expire_days,
        ),
    )


def warnings_for(
    index: ServiceIndex,
    profile: Profile,
    *,
    codes: npt.NDArray[np.int8],
    results: Sequence[Result],
    is_stale: npt.NDArray[np.bool_],
    today: dt.date,
    stale_days: int,
    expire_days: int,
) -> list[str]:
    """What the person asking should know about the answer as a whole."""
    total = len(index)
    warnings = []
    expired_count = int((codes == EXPIRED).sum())
    if expired_count:
        since = day_month_year(today - dt.timedelta(days=expire_days))
        warnings.append(f"{expired_count} of {total} services excluded: not checked since {since}")
    stale_results = sum(1 for r in results if is_stale[index.positions[r.service_id]])
    if stale_results:
        since = day_month_year(today - dt.timedelta(days=stale_days))
        warnings.append(
            f"{stale_results} of the {len(results)} results not checked since {since}: "
            "ranked lower; check them before suggesting"
        )
    out_of_area = int((codes == OUT_OF_AREA).sum())
    if out_of_area:
        warnings.append(
            f"{out_of_area} of {total} services excluded: no venue, and their service area "
            f"leaves out {profile.area}"
        )
    limited = int((~index.has_place & index.has_area).sum())
    if limited and not profile.area:
        warnings.append(
            f"the person's area is not known, so {limited} services without a venue were not "
            "checked against their service area; give a postcode or an area"
        )
    if total and not results:
        excluded = int((codes != 0).sum())
        warnings.append(f"no service can be suggested: {excluded} of {total} services excluded")
    return warnings


def _response_value(stats: ProviderStats | None) -> float:
    """0 to 1: quick answers and a high acceptance rate score high; unknown is neutral."""
    if stats is None or stats.answered < 3:
        return 0.5
    rate = stats.acceptance_rate if stats.acceptance_rate is not None else 0.5
    days = stats.median_days if stats.median_days is not None else 10.0
    speed = 1.0 / (1.0 + days / 5.0)
    return 0.5 * rate + 0.5 * speed


def _mode(index: ServiceIndex, i: int) -> str:
    """In person, remote (online or by phone), or "" when delivery is not stated."""
    if index.in_person[i]:
        return "in_person"
    return "remote" if index.online[i] or index.phone[i] else ""


def diversify(
    order: Sequence[int],
    index: ServiceIndex,
    *,
    met: Sequence[tuple[str, npt.NDArray[np.bool_]]],
    k: int,
) -> list[int]:
    """The top k, best first, changed only as much as needed so that every stated need and at
    least two delivery modes (in person, remote) appear when the candidates allow."""
    k = min(k, len(order))
    needs_left = {need for need, mask in met if any(mask[i] for i in order)}
    modes_available = {_mode(index, i) for i in order} - {""}
    modes_wanted = min(2, len(modes_available))
    chosen: list[int] = []
    remaining = list(order)
    modes: set[str] = set()
    while len(chosen) < k and remaining:
        requirements = len(needs_left) + max(0, modes_wanted - len(modes))
        slots = k - len(chosen)
        pick = remaining[0]
        if requirements and slots <= requirements:
            for i in remaining:
                helps_need = any(mask[i] for need, mask in met if need in needs_left)
                mode = _mode(index, i)
                helps_mode = len(modes) < modes_wanted and mode != "" and mode not in modes
                if helps_need or helps_mode:
                    pick = i
                    break
        remaining.remove(pick)
        chosen.append(pick)
        modes.add(_mode(index, pick))
        modes.discard("")
        needs_left -= {need for need, mask in met if mask[pick]}
    return chosen


def _part_of_day(minutes: int) -> str:
    return "mornings" if minutes < 12 * 60 else "afternoons" if minutes < 17 * 60 else "evenings"


# Words a person uses that are not stop words but would read as filler in a reason
# ("you mentioned people, help"): they still count for the text score.
READING_FILLER: Final = frozenset(
    {
        "able",
        "back",
        "bit",
        "come",
        "day",
        "feel",
        "feeling",
        "find",
        "get",
        "getting",
        "going",
        "good",
        "help",
        "helping",
        "keep",
        "life",
        "little",
        "lot",
        "need",
        "needs",
        "new",
        "one",
        "people",
        "person",
        "see",
        "someone",
        "start",
        "support",
        "take",
        "thing",
        "things",
        "time",
        "try",
        "week",
    }
)
_WORD_RE: Final = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _forms(word: str) -> set[str]:
    """A word and its stem without "-ing" ("walking": walk; "dancing": dance), so a reason
    can say the person's word when the service says "walks"."""
    if len(word) > 5 and word.endswith("ing"):
        return {word, word[:-3], word[:-3] + "e"}
    return {word}


def word_reasons(service: ServiceFacts, profile: Profile) -> list[str]:
    """The person's own interests and words that the service's text mentions, in their words:
    "walking, as you said you enjoy", "you mentioned gardening and allotments"."""
    from linkwork.matching.index import service_text

    offered: set[str] = set()
    for word in tokens(service_text(service)):
        offered |= _forms(word)
    reasons = []
    covered: set[str] = set()
    enjoyed = []
    for interest in profile.interests:
        words = [w for w in tokens(interest) if w not in READING_FILLER]
        if any(_forms(w) & offered for w in words):
            enjoyed.append(interest.strip().lower())
            covered |= set(words)
    if enjoyed:
        reasons.append(f"{_and(enjoyed[:3])}, as you said you enjoy")
    mentioned: list[str] = []
    for raw in _WORD_RE.findall(profile.what_matters.lower()):
        found = tokens(raw)
        if len(found) != 1 or len(raw) < 3:
            continue
        (word,) = found
        if _forms(word) & offered and word not in covered and word not in READING_FILLER:
            covered.add(word)
            mentioned.append(raw)
    if mentioned:
        reasons.append(f"you mentioned {_and(mentioned[:3])}")
    return reasons


def reasons_for(
    service: ServiceFacts,
    profile: Profile,
    *,
    distance: float,
    met: Sequence[str],
    words: Sequence[str],
    stats: ProviderStats | None,
    fits_schedule: bool,
    stale: bool = False,
) -> list[str]:
    """Why this service, in plain English, most telling first; facts not stated are said to
    be not stated, never guessed."""
    reasons = []
    for need in met:
        label = Need(need).label.lower() if need in Need.values else need
        reasons.append(f"helps with {label}")
    if service.in_person and service.places and math.isfinite(distance):
        reasons.append(f"{distance:.1f} km away")
    elif "online" in service.delivery and "phone" in service.delivery:
        reasons.append("online or by phone, from home")
    elif "online" in service.delivery:
        reasons.append("online, from home")
    elif "phone" in service.delivery:
        reasons.append("by phone")
    if not service.delivery:
        reasons.append("delivery not stated")
    if not service.places and profile.area and profile.area in service.areas:
        reasons.append("serves your area")
    for audience in profile.audiences:
        if audience in service.audiences:
            reasons.append(f"{_audience_words(audience)}, as you asked")
    if words:
        reasons += word_reasons(service, profile)
    if service.sessions:
        session = service.sessions[0]
        if fits_schedule:
            for window in profile.availability:
                match = next(
                    (
                        s
                        for s in service.sessions
                        if s.day == window.day and s.opens < window.end and s.closes > window.start
                    ),
                    None,
                )
                if match:
                    session = match
                    break
        reasons.append(f"meets on {DAY_NAMES[session.day]} {_part_of_day(session.opens)}")
    if profile.format and profile.format in service.formats:
        reasons.append(
            "a group, as you prefer" if profile.format == "group" else "one to one, as you prefer"
        )
    if service.free:
        reasons.append("free")
    if service.capacity == "waiting_list":
        reasons.append("has a waiting list")
    if stats is not None and stats.answered >= 3 and stats.median_days is not None:
        days = max(1, round(stats.median_days))
        reasons.append(f"usually replies in {days} day{'s' if days != 1 else ''}")
    if stale:
        reasons.append(not_checked_since(service.assured_date))
    return reasons


def _audience_words(audience: str) -> str:
    fixed = {
        "women_only": "women-only",
        "men_only": "men-only",
        "lgbtq": "for LGBTQ+ people",
        "carers": "for carers",
        "older_people": "for older people",
        "young_people": "for young people",
    }
    if audience in fixed:
        return fixed[audience]
    kind, _, slug = audience.partition(":")
    return f"for the {slug.replace('_', ' ')} {'community' if kind == 'culture' else 'faith'}"


def category_label(slug: str) -> str:
    term = CATEGORIES.get(slug)
    return term.name if term else slug
