"""Learning from outcomes: what happened after matching showed a service, per-category
engagement adjustments fitted with a position-bias correction, and a held-out check of
whether they would have ranked better. Nothing here changes the weights in use: the fit is
stored as a new, inactive weight set, and a person switches it on (ADR 0010).

The steps, each a plain function on plain data so they can be tested without a database:

1. The caller gathers an `Outcome` for each `Shown` row: what happened for that case and
   service. Matching knows no cases; casework does (`casework.matching.outcomes_of_shown()`).
2. `first_exposures()` keeps one row per (case, service): the best position it was shown
   at before any connection to it existed.
3. `estimate_propensity()` fits how likely a link worker is to look at each position.
4. `fit_adjustments()` turns inverse-propensity-weighted engagement per category into score
   adjustments, shrunk towards 0 and capped.
5. `evaluate()` re-ranks the held-out lists with and without the adjustments.
6. `learn()` does all of it on a time split and returns the adjustments and the report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from linkwork.matching.models import WeightSet
from linkwork.matching.weights import DEFAULT_VERSION, Weights

# What counts as engagement: attending is what social prescribing is for; a connection
# made that was never attended shows the link worker and person chose the service, a weaker
# sign that it suited them. Still attending at 8 weeks is reported but not fitted: it is
# unknown for every connection younger than 8 weeks, so it would penalise recent services.
GAIN_ATTENDED: Final = 1.0
GAIN_CONNECTED: Final = 0.25
SIGNAL: Final = (
    f"attended = {GAIN_ATTENDED:g}; connection made but not attended = {GAIN_CONNECTED:g}"
)
# Propensity: examination probability position ** -eta, never below the floor (so no
# inverse weight exceeds 10). Eta is fitted to the connection curve by position when there
# are enough connections, else assumed to be 1.
ASSUMED_ETA: Final = 1.0
MAX_ETA: Final = 2.0
PROPENSITY_FLOOR: Final = 0.1
MIN_CONNECTIONS_FOR_ETA: Final = 30
MIN_POSITIONS_FOR_ETA: Final = 3
# Adjustment = SCALE * log(category rate / typical category's rate), the rate being
# engagement per expected look, shrunk by empirical Bayes and capped at CAP. SCALE 0.5
# makes a category twice as engaging as the typical one worth up to +0.35: about a format
# match (0.5), well under a met need (3.0).
SCALE: Final = 0.5
CAP: Final = 0.5
# Data needed: to fit at all, and for the held-out verdict to mean anything.
MIN_SHOWN: Final = 500
MIN_ENGAGED: Final = 20
MIN_HELD_OUT_REFERRALS: Final = 30
HELD_OUT_SHARE: Final = 0.2
TOP: Final = 3
# The fitted adjustments "would have improved" ranking only if better by this many
# standard errors of the paired difference (one-sided, 95%); a smaller gain is noise.
NOISE_STANDARD_ERRORS: Final = 1.645

IMPROVED: Final = "would have improved"
NOT_IMPROVED: Final = "would not have improved"
NOT_ENOUGH_DATA: Final = "not enough data"


@dataclass(frozen=True)
class Outcome:
    """One `Shown` row and what happened after it for that case (a referral) and service, as
    the gatherer in casework (`casework.matching.outcomes_of_shown`) decides:

    - connected: a connection to the service was made for the case after it was shown
      (within its ATTRIBUTION_DAYS): any status but draft, and cancelled only if it had been
      requested from the provider first (requested_at set, or a later status in its
      history). A signposted record counts. Several connections: the best outcome counts.
    - accepted: that connection was accepted (or went on to attending, completed, or failed,
      which the lifecycle reaches only after acceptance), now or at any time in its history.
    - attended: an attended session was recorded, or it was ever attending or completed.
    - still_attending: an attended session on or after 8 weeks from the day the connection
      was made, or it completed.
    - already_connected: a connection had been made before this showing, so the showing
      cannot have caused it; such rows are left out of the fit.
    """

    shown_id: int
    case_ref: str
    service_id: str
    position: int
    score: float
    weights_version: str
    shown_at: dt.datetime
    categories: frozenset[str] = frozenset()
    connected: bool = False
    accepted: bool = False
    attended: bool = False
    still_attending: bool = False
    already_connected: bool = False

    @property
    def engagement(self) -> float:
        if self.attended:
            return GAIN_ATTENDED
        return GAIN_CONNECTED if self.connected else 0.0


def first_exposures(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """One row per (case, service): the best position it was shown at before it was
    connected (the earliest such showing on a tie). A list seen again and again would
    otherwise count its services again and again."""
    best: dict[tuple[str, str], Outcome] = {}
    for outcome in outcomes:
        if outcome.already_connected:
            continue
        key = (outcome.case_ref, outcome.service_id)
        held = best.get(key)
        if held is None or (outcome.position, outcome.shown_at) < (held.position, held.shown_at):
            best[key] = outcome
    return sorted(best.values(), key=lambda o: (o.shown_at, o.case_ref, o.position))


@dataclass(frozen=True)
class Propensity:
    """How likely a link worker is to look at a result at each position: position ** -eta,
    1 at the top, never below the floor."""

    eta: float = ASSUMED_ETA
    floor: float = PROPENSITY_FLOOR
    estimated: bool = False
    note: str = "assumed eta = 1 (too few connections to fit it)"

    def __call__(self, position: int) -> float:
        return max(float(max(position, 1)) ** -self.eta, self.floor)

    def as_json(self) -> dict[str, Any]:
        return {
            "eta": round(self.eta, 4),
            "floor": self.floor,
            "estimated": self.estimated,
            "note": self.note,
        }


def estimate_propensity(
    exposures: Sequence[Outcome], *, min_connections: int = MIN_CONNECTIONS_FOR_ETA
) -> Propensity:
    """Fit eta to the connection curve by position: connections at position k are taken as
    Poisson with mean shown_k * exp(a) * k ** -eta (a power law, fitted by maximum likelihood
    with Newton's method, so positions with no connection still count). Eta is kept within
    0 to 2. The fall in connections down the list is partly that better matches are ranked
    first, so the fitted eta is an upper bound on the position bias: the correction errs
    towards too much, which the floor limits. Too few connections, or fewer than three
    positions with one: eta = 1 is assumed."""
    shown: dict[int, int] = defaultdict(int)
    connected: dict[int, int] = defaultdict(int)
    for outcome in exposures:
        shown[outcome.position] += 1
        connected[outcome.position] += int(outcome.connected)
    total = sum(connected.values())
    with_connection = sum(1 for count in connected.values() if count)
    if total < min_connections or with_connection < MIN_POSITIONS_FOR_ETA:
        return Propensity(
            note=(
                f"assumed eta = {ASSUMED_ETA:g}: {total} connections at {with_connection} "
                f"positions, fewer than {min_connections} at {MIN_POSITIONS_FOR_ETA}"
            )
        )
    positions = sorted(shown)
    x = np.log(np.array(positions, dtype=float))
    n = np.array([shown[k] for k in positions], dtype=float)
    c = np.array([connected[k] for k in positions], dtype=float)
    beta = np.array([math.log(total / n.sum()), 0.0])
    design = np.column_stack([np.ones_like(x), x])
    for _ in range(50):
        mu = n * np.exp(np.clip(design @ beta, -30.0, 30.0))
        gradient = design.T @ (c - mu)
        hessian = design.T @ (design * mu[:, None])
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            break
        beta = beta + np.clip(step, -2.0, 2.0)
        if float(np.abs(step).max()) < 1e-9:
            break
    eta = float(np.clip(-beta[1], 0.0, MAX_ETA))
    return Propensity(
        eta=eta,
        estimated=True,
        note=(
            f"eta fitted to {total} connections over positions {positions[0]} to "
            f"{positions[-1]} (power law, kept within 0 to {MAX_ETA:g})"
        ),
    )


@dataclass(frozen=True)
class CategoryFit:
    shown: int
    engagement: float
    # Expected looks: the propensities of its showings added up.
    looks: float
    # Engagement per look (the position-corrected rate).
    rate: float
    # How much of the measured log-ratio is kept (0 to 1) after shrinking.
    kept: float
    adjustment: float

    def as_json(self) -> dict[str, Any]:
        return {
            "shown": self.shown,
            "engagement": round(self.engagement, 4),
            "looks": round(self.looks, 4),
            "rate": round(self.rate, 4),
            "kept": round(self.kept, 4),
            "adjustment": self.adjustment,
        }


@dataclass(frozen=True)
class CategoryFits:
    categories: dict[str, CategoryFit]
    # Engagement per look of the typical category, which gets 0.
    reference: float = 0.0
    # How far categories truly differ (variance of the log-ratios), estimated from them.
    spread: float = 0.0

    def adjustments(self) -> dict[str, float]:
        return {name: fit.adjustment for name, fit in self.categories.items() if fit.adjustment}

    def without_adjustments(self) -> CategoryFits:
        return CategoryFits(
            {
                name: dataclasses.replace(fit, adjustment=0.0)
                for name, fit in self.categories.items()
            },
            self.reference,
            self.spread,
        )


def fit_adjustments(
    exposures: Sequence[Outcome],
    propensity: Propensity,
    *,
    scale: float = SCALE,
    cap: float = CAP,
) -> CategoryFits:
    """Each category's adjustment: `scale` times the log of its position-corrected
    engagement rate over that of the typical category, shrunk by empirical Bayes, capped
    at +-`cap`.

    Inverse propensity weighting: a result shown at position k with engagement y tells us
    y / p(k) about how engaging it is wherever shown (unbiased if people engage only with
    what they look at). Those corrected values are averaged with their precision, p(k), as
    weights (the variance of y / p(k) grows as 1 / p(k)), which gives the rate sum(y) /
    sum(p(k)): engagement per expected look. Averaging them unweighted (sum(y / p(k)) / n)
    is also unbiased but lets a few engagements low in the list swing a category.

    The typical category is the median rate weighted by looks: unlike the overall rate, one
    exceptional category does not push every other below 0. Each category's log-ratio has
    a sampling variance (from its engagements, as for a count); the true log-ratios are
    taken to vary around 0 with a spread estimated from all categories (method of moments,
    as DerSimonian and Laird). Each log-ratio keeps spread / (spread + its variance) of its
    value: a category with few engagements barely moves, and when categories differ no more
    than chance would make them, none does."""
    if not exposures:
        return CategoryFits({})
    shown: dict[str, int] = defaultdict(int)
    engagement: dict[str, float] = defaultdict(float)
    squares: dict[str, float] = defaultdict(float)
    looks: dict[str, float] = defaultdict(float)
    for outcome in exposures:
        look = propensity(outcome.position)
        for category in outcome.categories:
            shown[category] += 1
            engagement[category] += outcome.engagement
            squares[category] += outcome.engagement**2
            looks[category] += look
    if not shown or not any(engagement.values()):
        return CategoryFits(
            {
                name: CategoryFit(shown[name], 0.0, looks[name], 0.0, 0.0, 0.0)
                for name in sorted(shown)
            }
        )
    # Half an engagement added to each, so a category with none has a finite log-ratio.
    rate = {name: (engagement[name] + 0.5) / looks[name] for name in shown}
    variance = {name: (squares[name] + 0.25) / (engagement[name] + 0.5) ** 2 for name in shown}
    reference = _weighted_median(rate, looks)
    ratio = {name: math.log(rate[name] / reference) for name in shown}
    precision = sum(1 / variance[name] for name in shown)
    excess = sum(ratio[name] ** 2 / variance[name] for name in shown) - len(shown)
    spread = max(0.0, excess / precision)
    fits = {}
    for name in sorted(shown):
        kept = spread / (spread + variance[name])
        adjustment = round(min(cap, max(-cap, scale * kept * ratio[name])), 3) + 0.0
        fits[name] = CategoryFit(
            shown=shown[name],
            engagement=engagement[name],
            looks=looks[name],
            rate=engagement[name] / looks[name],
            kept=kept,
            adjustment=adjustment,
        )
    return CategoryFits(fits, reference=reference, spread=spread)


def _weighted_median(values: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The value at which half the weight lies on either side."""
    order = sorted(values, key=lambda key: (values[key], key))
    half = sum(weights[key] for key in order) / 2
    running = 0.0
    for key in order:
        running += weights[key]
        if running >= half:
            return values[key]
    return values[order[-1]]


def shown_lists(outcomes: Iterable[Outcome]) -> list[list[Outcome]]:
    """The first list each referral was shown, best position first. Rows of one list were
    written together; a list starts again where the position does not go up."""
    lists: dict[str, list[Outcome]] = {}
    finished: set[str] = set()
    for outcome in sorted(outcomes, key=lambda o: (o.case_ref, o.shown_at, o.shown_id)):
        key = outcome.case_ref
        if key in finished:
            continue
        current = lists.setdefault(key, [])
        if current and outcome.position <= current[-1].position:
            finished.add(key)
            continue
        current.append(outcome)
    return list(lists.values())


def _adjustment(categories: Iterable[str], adjustments: Mapping[str, float]) -> float:
    # The engine adds the adjustment of every category a service is in.
    return sum(adjustments.get(category, 0.0) for category in categories)


def _value_at_top(
    items: Sequence[Outcome], scores: Sequence[float], propensity: Propensity, top: int
) -> float:
    """Inverse propensity estimate of the engagement a list would get from its first `top`
    places if ordered by `scores`: each result's engagement, observed at the position it was
    shown, moved to its new place by the ratio of the propensities."""
    order = sorted(range(len(items)), key=lambda i: (-scores[i], items[i].position))
    value = 0.0
    for place, i in enumerate(order[:top], start=1):
        item = items[i]
        value += item.engagement * propensity(place) / propensity(item.position)
    return value


@dataclass(frozen=True)
class Evaluation:
    referrals: int
    engagement: float
    original: float
    fitted: float
    standard_error: float
    top: int = TOP

    @property
    def difference(self) -> float:
        return self.fitted - self.original

    def as_json(self) -> dict[str, Any]:
        return {
            "referrals": self.referrals,
            "engagement": round(self.engagement, 4),
            "top": self.top,
            "original": round(self.original, 4),
            "fitted": round(self.fitted, 4),
            "difference": round(self.difference, 4),
            "standard_error": round(self.standard_error, 4),
        }


def evaluate(
    lists: Sequence[Sequence[Outcome]],
    propensity: Propensity,
    adjustments: Mapping[str, float],
    *,
    shown_with: Mapping[str, Mapping[str, float]] | None = None,
    top: int = TOP,
) -> Evaluation:
    """Mean engagement per referral from the first `top` places of each list actually shown,
    re-ranked by the scores shown (original) and by those scores with the fitted adjustments
    in place of the adjustments of the weights they were shown with (`shown_with`: version
    to category adjustments), both estimated by inverse propensity from what happened."""
    shown_with = shown_with or {}
    original: list[float] = []
    fitted: list[float] = []
    for items in lists:
        scores = [o.score for o in items]
        refitted = [
            o.score
            - _adjustment(o.categories, shown_with.get(o.weights_version, {}))
            + _adjustment(o.categories, adjustments)
            for o in items
        ]
        original.append(_value_at_top(items, scores, propensity, top))
        fitted.append(_value_at_top(items, refitted, propensity, top))
    if not lists:
        return Evaluation(0, 0.0, 0.0, 0.0, 0.0, top)
    differences = np.array(fitted) - np.array(original)
    error = float(differences.std(ddof=1) / math.sqrt(len(lists))) if len(differences) > 1 else 0.0
    return Evaluation(
        referrals=len(lists),
        engagement=sum(o.engagement for items in lists for o in items),
        original=float(np.mean(original)),
        fitted=float(np.mean(fitted)),
        standard_error=error,
        top=top,
    )


def split_by_time(
    outcomes: Sequence[Outcome], held_out_share: float = HELD_OUT_SHARE
) -> tuple[list[Outcome], list[Outcome]]:
    """The referrals first shown earliest to fit on, the latest `held_out_share` of
    referrals (by first showing) to check on."""
    first: dict[str, dt.datetime] = {}
    for outcome in outcomes:
        held = first.get(outcome.case_ref)
        if held is None or outcome.shown_at < held:
            first[outcome.case_ref] = outcome.shown_at
    order = sorted(first, key=lambda r: (first[r], r))
    held_out = set(order[len(order) - math.floor(len(order) * held_out_share) :])
    return (
        [o for o in outcomes if o.case_ref not in held_out],
        [o for o in outcomes if o.case_ref in held_out],
    )


@dataclass
class Fit:
    """Fitted adjustments and the report stored with them."""

    adjustments: dict[str, float]
    verdict: str
    reason: str
    report: dict[str, Any] = field(default_factory=dict)


def _outcome_counts(outcomes: Sequence[Outcome]) -> dict[str, int]:
    return {
        "shown": len(outcomes),
        "connected": sum(o.connected for o in outcomes),
        "accepted": sum(o.accepted for o in outcomes),
        "attended": sum(o.attended for o in outcomes),
        "still_attending_at_8_weeks": sum(o.still_attending for o in outcomes),
    }


def learn(
    outcomes: Sequence[Outcome],
    *,
    min_shown: int = MIN_SHOWN,
    min_engaged: int = MIN_ENGAGED,
    min_held_out: int = MIN_HELD_OUT_REFERRALS,
    shown_with: Mapping[str, Mapping[str, float]] | None = None,
) -> Fit:
    """Fit on the earlier 80% of referrals, check on the latest 20%. The adjustments
    returned are the ones checked, so the verdict describes exactly what would be stored."""
    train, held_out = split_by_time(outcomes)
    exposures = first_exposures(train)
    engaged = sum(1 for o in exposures if o.engagement > 0)
    propensity = estimate_propensity(exposures)
    enough = len(exposures) >= min_shown and engaged >= min_engaged
    fits = fit_adjustments(exposures, propensity)
    if not enough:
        fits = fits.without_adjustments()
    adjustments = fits.adjustments()
    lists = shown_lists(held_out)
    evaluation = evaluate(lists, propensity, adjustments, shown_with=shown_with)
    if not enough:
        verdict = NOT_ENOUGH_DATA
        reason = (
            f"{len(exposures)} services shown with {engaged} engaged to fit on; at least "
            f"{min_shown} shown and {min_engaged} engaged are needed, so every adjustment is 0"
        )
    elif evaluation.referrals < min_held_out or evaluation.engagement == 0:
        verdict = NOT_ENOUGH_DATA
        reason = (
            f"{evaluation.referrals} held-out referrals with engagement "
            f"{evaluation.engagement:g}; at least {min_held_out} referrals with some "
            "engagement are needed to check the adjustments"
        )
    elif evaluation.difference > NOISE_STANDARD_ERRORS * evaluation.standard_error and (
        evaluation.difference > 0
    ):
        verdict = IMPROVED
        reason = (
            f"ranking with the adjustments would have raised engagement in the top "
            f"{evaluation.top} from {evaluation.original:.3f} to {evaluation.fitted:.3f} per "
            f"referral, more than {NOISE_STANDARD_ERRORS:g} standard errors "
            f"({evaluation.standard_error:.3f})"
        )
    else:
        verdict = NOT_IMPROVED
        reason = (
            f"engagement in the top {evaluation.top} would have gone from "
            f"{evaluation.original:.3f} to {evaluation.fitted:.3f} per referral, not more "
            f"than {NOISE_STANDARD_ERRORS:g} standard errors ({evaluation.standard_error:.3f})"
        )
    report: dict[str, Any] = {
        "verdict": verdict,
        "reason": reason,
        "signal": SIGNAL,
        "outcomes": _outcome_counts(outcomes),
        "training": {
            "referrals": len({o.case_ref for o in train}),
            "shown": len(exposures),
            "engaged": engaged,
            "min_shown": min_shown,
            "min_engaged": min_engaged,
        },
        "propensity": propensity.as_json(),
        "shrinkage": {
            "method": "empirical Bayes",
            "spread": round(fits.spread, 6),
            "reference_rate": round(fits.reference, 6),
            "scale": SCALE,
            "cap": CAP,
        },
        "categories": {name: fit.as_json() for name, fit in fits.categories.items()},
        "held_out": {**evaluation.as_json(), "share": HELD_OUT_SHARE, "minimum": min_held_out},
    }
    return Fit(adjustments=adjustments, verdict=verdict, reason=reason, report=report)


def adjustments_by_version() -> dict[str, dict[str, float]]:
    """The category adjustments of every stored weight set, by version (one query), so
    evaluation can take out what a list was shown with."""
    found: dict[str, dict[str, float]] = {DEFAULT_VERSION: {}}
    for version, data in WeightSet.objects.values_list("version", "weights"):
        try:
            found[version] = dict(Weights.from_json(data).category_adjustments)
        except (TypeError, ValueError):
            found[version] = {}
    return found


def report_lines(report: Mapping[str, Any]) -> list[str]:
    """The stored report, for people."""
    if not report:
        return ["No evaluation stored."]
    training = report.get("training", {})
    held = report.get("held_out", {})
    propensity = report.get("propensity", {})
    counts = report.get("outcomes", {})
    lines = [
        f"Verdict: {report.get('verdict', 'unknown')}",
        f"  {report.get('reason', '')}",
        f"Engagement signal: {report.get('signal', '')}",
        "Outcomes of every showing: "
        + ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in counts.items()),
        f"Fitted on {training.get('referrals', 0)} referrals, {training.get('shown', 0)} "
        f"services shown, {training.get('engaged', 0)} engaged",
        f"Position bias: {propensity.get('note', '')}; eta {propensity.get('eta')}, "
        f"floor {propensity.get('floor')}",
        f"Held out: {held.get('referrals', 0)} referrals (latest "
        f"{float(held.get('share', HELD_OUT_SHARE)):.0%}); engagement in the top "
        f"{held.get('top', TOP)} per referral: original {held.get('original', 0)}, "
        f"fitted {held.get('fitted', 0)}, difference {held.get('difference', 0)} "
        f"(standard error {held.get('standard_error', 0)})",
    ]
    categories = report.get("categories", {})
    if categories:
        lines.append(
            "Categories (shown, engagement, expected looks, engagement per look, share kept "
            "after shrinking, adjustment):"
        )
        for name, fit in categories.items():
            lines.append(
                f"  {name}: {fit.get('shown', 0)}, {fit.get('engagement', 0):g}, "
                f"{fit.get('looks', 0):g}, {fit.get('rate', 0):.3f}, {fit.get('kept', 0):.2f}, "
                f"{fit.get('adjustment', 0):+.3f}"
            )
    return lines
