"""Synthetic referrals over the last 18 months, from every route, in every state, with a
status history that follows the lifecycle, shared out among link workers as a careful scheme
lead would: everyone below the scheme's safe caseload limits, the demo link worker close to
the active limit so the warning has something to say.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from linkwork.accounts.models import Organisation, OrganisationKind, Scheme, User
from linkwork.people.models import Person
from linkwork.referrals.capacity import NEAR_SHARE, YEAR, weight_of
from linkwork.referrals.lifecycle import (
    COMPLEXITY_WEIGHTS,
    OPEN_STATUSES,
    TRANSITIONS,
    ClosureReason,
    Complexity,
    DeclineReason,
    Status,
)
from linkwork.referrals.models import (
    REFERENCE_ALPHABET,
    Channel,
    CodedEvent,
    Referral,
    StatusChange,
    Urgency,
)
from linkwork.referrals.working_days import working_days_after
from linkwork.vocabulary.needs import Need
from linkwork.vocabulary.routes import Route

ROUTE_WEIGHTS = {
    Route.GP_PRACTICE: 45,
    Route.OTHER_PRIMARY_CARE: 4,
    Route.HOSPITAL: 4,
    Route.COMMUNITY_OR_MENTAL_HEALTH: 5,
    Route.NHS_111: 1,
    Route.LOCAL_AUTHORITY: 8,
    Route.HOUSING: 5,
    Route.POLICE: 2,
    Route.FIRE: 1,
    Route.JOBCENTRE: 3,
    Route.SCHOOL: 1,
    Route.FAITH: 2,
    Route.VOLUNTARY: 6,
    Route.EMPLOYER: 0.5,
    Route.FAMILY_OR_FRIEND: 2.5,
    Route.SELF: 9,
    Route.OTHER: 1,
}
ROUTE_ORGANISATION_KIND = {
    Route.GP_PRACTICE: OrganisationKind.GP_PRACTICE,
    Route.HOSPITAL: OrganisationKind.HOSPITAL,
    Route.COMMUNITY_OR_MENTAL_HEALTH: OrganisationKind.HOSPITAL,
    Route.LOCAL_AUTHORITY: OrganisationKind.LOCAL_AUTHORITY,
    Route.HOUSING: OrganisationKind.HOUSING,
    Route.POLICE: OrganisationKind.POLICE,
    Route.FIRE: OrganisationKind.FIRE,
    Route.JOBCENTRE: OrganisationKind.JOBCENTRE,
    Route.SCHOOL: OrganisationKind.SCHOOL,
    Route.FAITH: OrganisationKind.FAITH,
    Route.VOLUNTARY: OrganisationKind.VCSE,
}
NEED_WEIGHTS = {
    Need.LONELINESS: 20,
    Need.LOW_MOOD: 15,
    Need.ANXIETY_STRESS: 12,
    Need.PHYSICAL_ACTIVITY: 8,
    Need.WEIGHT: 4,
    Need.LONG_TERM_CONDITION: 8,
    Need.MONEY_DEBT: 9,
    Need.BENEFITS: 7,
    Need.HOUSING: 6,
    Need.EMPLOYMENT: 4,
    Need.EDUCATION_SKILLS: 2,
    Need.CARER_SUPPORT: 4,
    Need.BEREAVEMENT: 4,
    Need.SUBSTANCE_USE: 2,
    Need.FOOD: 4,
    Need.DIGITAL_SKILLS: 2,
    Need.RELATIONSHIPS: 2,
    Need.PARENTING: 1.5,
    Need.LEGAL_ADVICE: 1,
    Need.TRANSPORT: 2,
    Need.PURPOSE_VOLUNTEERING: 3,
}
REASONS = {
    Need.LONELINESS: "Lives alone since partner died and rarely goes out.",
    Need.LOW_MOOD: "Low mood for several months; would like something to look forward to.",
    Need.ANXIETY_STRESS: "Feels anxious leaving the house; wants help building confidence.",
    Need.PHYSICAL_ACTIVITY: "Wants to get more active after a fall, at a gentle pace.",
    Need.WEIGHT: "Would like support to lose weight alongside friendly company.",
    Need.LONG_TERM_CONDITION: "Managing a long-term condition and wants to learn more.",
    Need.MONEY_DEBT: "Worried about rent arrears and energy bills.",
    Need.BENEFITS: "Unsure what benefits they are entitled to.",
    Need.HOUSING: "Damp flat and worried about the tenancy.",
    Need.EMPLOYMENT: "Out of work for a year and would like to get back into work.",
    Need.EDUCATION_SKILLS: "Would like to improve English and maths.",
    Need.CARER_SUPPORT: "Caring full-time for a parent and has no break.",
    Need.BEREAVEMENT: "Struggling since a recent bereavement.",
    Need.SUBSTANCE_USE: "Drinking more than they would like; open to support.",
    Need.FOOD: "Running out of food before the end of the month.",
    Need.DIGITAL_SKILLS: "Cannot use online services and wants to learn.",
    Need.RELATIONSHIPS: "Relationship difficulties at home affecting wellbeing.",
    Need.PARENTING: "Finding parenting hard and would like support.",
    Need.LEGAL_ADVICE: "Needs advice about a dispute with a landlord.",
    Need.TRANSPORT: "Cannot get to appointments without transport.",
    Need.PURPOSE_VOLUNTEERING: "Recently retired and would like to volunteer.",
}
# Made-up shares of how complex accepted referrals are, so caseloads are weighted as a real
# scheme's would be.
COMPLEXITY_SHARES = {Complexity.STANDARD: 75, Complexity.COMPLEX: 18, Complexity.VERY_COMPLEX: 7}
# A referral in one of these states has been taken on, so it has a link worker.
WITH_LINK_WORKER = frozenset({*OPEN_STATUSES, Status.CLOSED})
# Link workers other than the demo one stay at or below this share of each limit: the
# capacity pages show them as having room.
COMFORTABLE_SHARE = 0.8
HEAVIEST = max(COMPLEXITY_WEIGHTS.values())
WITHDRAWAL_REASONS = ["Sent in error", "The person no longer wants support"]
REDIRECT_REASONS = ["Community mental health team", "Adult social care", "Citizens' advice service"]
WHAT_MATTERS = [
    "Getting out of the house and meeting people again.",
    "Sorting out my money worries so I can sleep.",
    "Being fit enough to play with my grandchildren.",
    "Having a break from caring now and then.",
    "Finding work that fits around my health.",
    "",
]


@dataclass
class ReferralContext:
    schemes: Sequence[Scheme]
    organisations: Sequence[Organisation]
    staff: Sequence[User]


def _final_status(rng: random.Random, age_days: int) -> Status:
    if age_days < 3:
        options = {
            Status.RECEIVED: 70,
            Status.ACCEPTED: 20,
            Status.DECLINED: 5,
            Status.REDIRECTED: 5,
        }
    elif age_days < 21:
        options = {
            Status.RECEIVED: 5,
            Status.ACCEPTED: 25,
            Status.ACTIVE: 55,
            Status.DECLINED: 8,
            Status.REDIRECTED: 7,
        }
    elif age_days < 120:
        options = {
            Status.ACTIVE: 55,
            Status.ON_HOLD: 10,
            Status.CLOSED: 25,
            Status.DECLINED: 6,
            Status.REDIRECTED: 4,
        }
    else:
        options = {
            Status.ACTIVE: 8,
            Status.ON_HOLD: 4,
            Status.CLOSED: 80,
            Status.DECLINED: 5,
            Status.REDIRECTED: 3,
        }
    return rng.choices(list(options), list(options.values()))[0]


def _path_to(final: Status, rng: random.Random) -> list[Status]:
    """A lifecycle path from received to `final`, sometimes passing through on hold."""
    if final in (Status.RECEIVED,):
        return [Status.RECEIVED]
    if final in (Status.ACCEPTED, Status.DECLINED, Status.REDIRECTED, Status.WITHDRAWN):
        # A demo withdrawal is taken back before triage: nobody worked on it.
        return [Status.RECEIVED, final]
    path = [Status.RECEIVED, Status.ACCEPTED, Status.ACTIVE]
    if final == Status.ON_HOLD or (final == Status.CLOSED and rng.random() < 0.15):
        path.append(Status.ON_HOLD)
        if final == Status.CLOSED and rng.random() < 0.5:
            path.append(Status.ACTIVE)
    if final == Status.CLOSED:
        path.append(Status.CLOSED)
    for before, after in itertools.pairwise(path):
        assert after in TRANSITIONS[before], (before, after)
    return path


def generate_referrals(
    *, rng: random.Random, people: Sequence[Person], now: dt.datetime, context: ReferralContext
) -> tuple[list[Referral], list[StatusChange], list[CodedEvent]]:
    routes = list(ROUTE_WEIGHTS)
    route_weights = list(ROUTE_WEIGHTS.values())
    needs = list(NEED_WEIGHTS)
    need_weights = list(NEED_WEIGHTS.values())
    by_kind: dict[str, list[Organisation]] = {}
    for candidate in context.organisations:
        by_kind.setdefault(candidate.kind, []).append(candidate)
    statuses = list(Status)
    scheme_a, scheme_b = context.schemes
    referrals: list[Referral] = []
    changes: list[StatusChange] = []
    events: list[CodedEvent] = []
    for person in people:
        for _ in range(rng.choices([1, 2], [88, 12])[0]):
            # The first referrals walk through every route and every status, so even a small
            # demo shows each of them; the rest follow the weights.
            position = len(referrals)
            route = (
                routes[position]
                if position < len(routes)
                else rng.choices(routes, route_weights)[0]
            )
            scheme = scheme_a if route in (Route.GP_PRACTICE,) and rng.random() < 0.85 else scheme_b
            if route not in (Route.GP_PRACTICE, Route.SELF) and rng.random() < 0.4:
                scheme = scheme_a
            received = now - dt.timedelta(minutes=rng.randrange(548 * 24 * 60))
            age_days = (now - received).days
            chosen = list(
                dict.fromkeys(
                    rng.choices(needs, need_weights, k=rng.choices([1, 2, 3], [45, 40, 15])[0])
                )
            )
            kind = ROUTE_ORGANISATION_KIND.get(route)
            organisation = rng.choice(by_kind[kind]) if kind else None
            if route == Route.GP_PRACTICE and person.gp_practice_id is not None:
                # A GP refers the practice's own patients.
                organisation = person.gp_practice
            final = statuses[position] if position < len(statuses) else _final_status(rng, age_days)
            if final in (Status.RECEIVED, Status.ACCEPTED) and age_days > 2:
                # Referrals waiting for triage or a first contact arrived in the last few days.
                received = now - dt.timedelta(minutes=rng.randrange(2 * 24 * 60))
            path = _path_to(final, rng)
            referral = Referral(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                reference="LW-"
                + "".join(rng.choices(REFERENCE_ALPHABET, k=4))
                + "-"
                + "".join(rng.choices(REFERENCE_ALPHABET, k=4)),
                person=person,
                scheme=scheme,
                route=route,
                referring_organisation=organisation,
                referrer_name=""
                if route == Route.SELF
                else rng.choice(["A. Patel", "J. Smith", "K. Owusu", "M. Kowalska", "R. Evans"]),
                referrer_role=""
                if route == Route.SELF
                else rng.choice(["GP", "Practice nurse", "Support worker", "Officer", "Volunteer"]),
                needs=[str(need) for need in chosen],
                reason=" ".join(REASONS[need] for need in chosen),
                urgency=Urgency.URGENT if rng.random() < 0.08 else Urgency.ROUTINE,
                status=final,
                closure_reason=rng.choices(list(ClosureReason), [40, 20, 15, 8, 9, 8])[0]
                if final == Status.CLOSED
                else "",
                complexity=rng.choices(list(COMPLEXITY_SHARES), list(COMPLEXITY_SHARES.values()))[0]
                if Status.ACCEPTED in path
                else Complexity.STANDARD,
                received_at=received,
                channel=Channel.SELF_REFERRAL if route == Route.SELF else Channel.STAFF_FORM,
                consent_to_refer=True,
                what_matters=rng.choice(WHAT_MATTERS),
                decline_reason=rng.choice(list(DeclineReason)) if final == Status.DECLINED else "",
                redirected_to=rng.choice(REDIRECT_REASONS) if final == Status.REDIRECTED else "",
                triage_due=working_days_after(received.date(), scheme.triage_working_days),
            )
            referrals.append(referral)
            span = max((now - received).total_seconds(), 60.0)
            at = received
            previous: Status | None = None
            for step in path:
                if previous is not None:
                    at = at + dt.timedelta(seconds=rng.uniform(0, span / (len(path) + 1)))
                reason = ""
                if step == Status.DECLINED:
                    reason = DeclineReason(referral.decline_reason).label
                elif step == Status.REDIRECTED:
                    reason = referral.redirected_to
                elif step == Status.CLOSED:
                    reason = ClosureReason(referral.closure_reason).label
                elif step == Status.WITHDRAWN:
                    reason = rng.choice(WITHDRAWAL_REASONS)
                changes.append(
                    StatusChange(
                        referral=referral,
                        from_status=previous or "",
                        to_status=step,
                        changed_by=None
                        if previous is None and route == Route.SELF
                        else rng.choice(context.staff),
                        changed_at=at,
                        reason=reason,
                    )
                )
                if step == Status.ACTIVE and previous == Status.ACCEPTED:
                    events.append(_coded(referral, CodedEvent.REFERRED, at))
                if (
                    step == Status.DECLINED
                    and referral.decline_reason == DeclineReason.PERSON_DECLINED
                ):
                    events.append(_coded(referral, CodedEvent.DECLINED, at))
                previous = step
    return referrals, changes, events


def _coded(referral: Referral, code: tuple[str, str], at: dt.datetime) -> CodedEvent:
    return CodedEvent(referral=referral, code=code[0], display=code[1], recorded_at=at)


# Sharing the caseloads out


def near_limit_load(scheme: Scheme) -> float:
    """The active load the demo link worker is given: halfway between "near limit" and the
    limit, so the warning shows and assigning one more is still allowed."""
    return scheme.active_caseload_limit * (NEAR_SHARE + 1) / 2


def _loads(referrals: Sequence[Referral], scheme: Scheme, now: dt.datetime) -> tuple[float, float]:
    """The scheme's open load and its load over the last year, weighted as capacity weighs
    them (a person referred twice counts twice here, which only errs on the safe side)."""
    since = now - YEAR
    mine = [r for r in referrals if r.scheme_id == scheme.pk and r.status in WITH_LINK_WORKER]
    open_load = sum(weight_of(r.complexity) for r in mine if r.status in OPEN_STATUSES)
    year_load = sum(weight_of(r.complexity) for r in mine if r.received_at >= since)
    return open_load, year_load


def link_workers_needed(
    *, referrals: Sequence[Referral], scheme: Scheme, now: dt.datetime, near_limit: bool
) -> int:
    """How many link workers `scheme` needs so that `assign_link_workers` keeps each of them at
    or below the comfortable share of both limits, besides one near the active limit when
    `near_limit`.

    Giving each referral to the least loaded link worker leaves no one more than one
    referral's weight above the average, so the average is kept one heaviest referral below
    the comfortable load."""
    open_load, year_load = _loads(referrals, scheme, now)
    active_room = COMFORTABLE_SHARE * scheme.active_caseload_limit - HEAVIEST
    year_room = COMFORTABLE_SHARE * scheme.yearly_caseload_limit - HEAVIEST
    # The demo link worker takes referrals until one more would not fit under her load.
    taken = near_limit_load(scheme) - HEAVIEST if near_limit else 0.0
    for_active = int(near_limit) + math.ceil(max(open_load - taken, 0.0) / active_room)
    return max(1, for_active, math.ceil(year_load / year_room))


def assign_link_workers(
    *,
    rng: random.Random,
    referrals: Sequence[Referral],
    link_workers: Mapping[int, Sequence[User]],
    now: dt.datetime,
    near_limit: User | None = None,
) -> None:
    """Give every referral a link worker has taken on to one of its scheme's `link_workers`
    (by scheme id).

    `near_limit` takes open referrals (accepted, active, on hold) up to `near_limit_load`;
    the rest go each to the least loaded of the others, as a lead balancing caseloads would.
    Closed referrals go to anyone with room under the comfortable share of the yearly limit.
    With `link_workers_needed` link workers in each scheme, nobody goes over it."""
    since = now - YEAR
    by_scheme: dict[int, list[Referral]] = {}
    for referral in referrals:
        if referral.status in WITH_LINK_WORKER:
            by_scheme.setdefault(referral.scheme_id, []).append(referral)
    for scheme_id, mine in by_scheme.items():
        workers = list(link_workers.get(scheme_id, ()))
        if not workers:
            continue
        scheme = mine[0].scheme
        year = dict.fromkeys((worker.pk for worker in workers), 0.0)
        busy = near_limit if near_limit in workers else None
        busy_load, most = 0.0, near_limit_load(scheme)
        # (active load, position, worker): the least loaded first, ties in list order.
        heap = [(0.0, n, w) for n, w in enumerate(w for w in workers if w != busy)]
        for referral in mine:
            if referral.status not in OPEN_STATUSES:
                continue
            weight = weight_of(referral.complexity)
            if busy is not None and (busy_load + weight <= most or not heap):
                worker, busy_load = busy, busy_load + weight
            else:
                load, n, worker = heapq.heappop(heap)
                heapq.heappush(heap, (load + weight, n, worker))
            referral.link_worker = worker
            if referral.received_at >= since:
                year[worker.pk] += weight
        # Anyone below this still has room for the heaviest referral.
        ceiling = COMFORTABLE_SHARE * scheme.yearly_caseload_limit - HEAVIEST
        with_room = [w for w in workers if year[w.pk] <= ceiling]
        for referral in mine:
            if referral.status in OPEN_STATUSES:
                continue
            if referral.received_at < since:
                referral.link_worker = rng.choice(workers)
                continue
            # Nobody is left with room only when there are too few link workers.
            worker = rng.choice(with_room) if with_room else min(workers, key=lambda w: year[w.pk])
            referral.link_worker = worker
            year[worker.pk] += weight_of(referral.complexity)
            if with_room and year[worker.pk] > ceiling:
                with_room.remove(worker)
