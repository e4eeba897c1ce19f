"""How the demo shares referrals out among link workers: enough link workers for the number of
referrals, nobody at or over a limit, the demo link worker near her active limit. Worked in
memory, so sizes as large as the 100,000-person demo stay quick."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest

from linkwork.accounts.models import Scheme, User
from linkwork.referrals.capacity import NEAR_SHARE, YEAR, weight_of
from linkwork.referrals.demo import (
    COMFORTABLE_SHARE,
    assign_link_workers,
    link_workers_needed,
    near_limit_load,
)
from linkwork.referrals.lifecycle import OPEN_STATUSES, Complexity, Status
from linkwork.referrals.models import Referral

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
# Roughly the demo's mix: most referrals closed, about a quarter open.
STATUSES = {
    Status.RECEIVED: 2,
    Status.ACCEPTED: 2,
    Status.ACTIVE: 18,
    Status.ON_HOLD: 5,
    Status.CLOSED: 63,
    Status.DECLINED: 6,
    Status.REDIRECTED: 4,
}
COMPLEXITIES = {Complexity.STANDARD: 75, Complexity.COMPLEX: 18, Complexity.VERY_COMPLEX: 7}


def referrals_for(scheme: Scheme, count: int, seed: int) -> list[Referral]:
    rng = random.Random(seed)
    return [
        Referral(
            scheme=scheme,
            status=rng.choices(list(STATUSES), list(STATUSES.values()))[0],
            complexity=rng.choices(list(COMPLEXITIES), list(COMPLEXITIES.values()))[0],
            received_at=NOW - dt.timedelta(minutes=rng.randrange(548 * 24 * 60)),
        )
        for _ in range(count)
    ]


def staff(scheme: Scheme, referrals: list[Referral], first_pk: int = 1) -> list[User]:
    count = link_workers_needed(referrals=referrals, scheme=scheme, now=NOW, near_limit=True)
    return [User(pk=first_pk + n, email=f"lw{n}@example.org") for n in range(count)]


def loads(referrals: list[Referral]) -> tuple[dict[int, float], dict[int, float]]:
    """Active and yearly load by link worker id; a person is never referred twice here, so
    summing the referrals' weights is exactly what capacity counts."""
    active: dict[int, float] = defaultdict(float)
    year: dict[int, float] = defaultdict(float)
    for referral in referrals:
        if referral.link_worker is None:
            continue
        weight = weight_of(referral.complexity)
        if referral.status in OPEN_STATUSES:
            active[referral.link_worker.pk] += weight
        if referral.received_at >= NOW - YEAR:
            year[referral.link_worker.pk] += weight
    return active, year


@pytest.mark.parametrize("count", [2_500, 20_000])
@pytest.mark.parametrize(("active_limit", "yearly_limit"), [(60, 250), (30, 120)])
def test_caseloads_stay_below_the_limits_at_any_size(count, active_limit, yearly_limit):
    scheme = Scheme(pk=1, active_caseload_limit=active_limit, yearly_caseload_limit=yearly_limit)
    referrals = referrals_for(scheme, count, seed=count)
    workers = staff(scheme, referrals)
    busy = workers[0]
    assign_link_workers(
        rng=random.Random(1),
        referrals=referrals,
        link_workers={1: workers},
        now=NOW,
        near_limit=busy,
    )
    active, year = loads(referrals)
    assert NEAR_SHARE * active_limit <= active[busy.pk] < active_limit
    for worker in workers[1:]:
        assert active[worker.pk] <= COMFORTABLE_SHARE * active_limit, worker.pk
    for worker in workers:
        assert year[worker.pk] <= COMFORTABLE_SHARE * yearly_limit, worker.pk


def test_every_referral_a_link_worker_took_on_has_one():
    scheme = Scheme(pk=1)
    referrals = referrals_for(scheme, 3_000, seed=2)
    assign_link_workers(
        rng=random.Random(1),
        referrals=referrals,
        link_workers={1: staff(scheme, referrals)},
        now=NOW,
    )
    for referral in referrals:
        taken_on = referral.status in {*OPEN_STATUSES, Status.CLOSED}
        assert (referral.link_worker is not None) == taken_on, referral.status


def test_link_workers_needed_follows_the_load():
    scheme = Scheme(pk=1, active_caseload_limit=60, yearly_caseload_limit=250)
    small = link_workers_needed(
        referrals=referrals_for(scheme, 2_500, seed=1), scheme=scheme, now=NOW, near_limit=True
    )
    large = link_workers_needed(
        referrals=referrals_for(scheme, 25_000, seed=1), scheme=scheme, now=NOW, near_limit=True
    )
    assert 1 < small < large
    # Ten times the referrals needs about ten times the link workers.
    assert 9 * small <= large <= 11 * small
    tighter = Scheme(pk=1, active_caseload_limit=30, yearly_caseload_limit=125)
    assert (
        link_workers_needed(
            referrals=referrals_for(tighter, 25_000, seed=1),
            scheme=tighter,
            now=NOW,
            near_limit=True,
        )
        > large
    )


def test_one_link_worker_is_enough_with_no_referrals():
    scheme = Scheme(pk=1)
    assert link_workers_needed(referrals=[], scheme=scheme, now=NOW, near_limit=True) == 1


def test_near_limit_load_is_near_but_below_the_limit():
    scheme = Scheme(pk=1, active_caseload_limit=60)
    assert NEAR_SHARE * 60 <= near_limit_load(scheme) < 60


def test_assignment_is_deterministic_for_a_seed():
    scheme = Scheme(pk=1)

    def assigned(seed: int) -> list[int | None]:
        referrals = referrals_for(scheme, 3_000, seed=5)
        workers = staff(scheme, referrals)
        assign_link_workers(
            rng=random.Random(seed),
            referrals=referrals,
            link_workers={1: workers},
            now=NOW,
            near_limit=workers[0],
        )
        return [r.link_worker.pk if r.link_worker else None for r in referrals]

    assert assigned(3) == assigned(3)
    assert assigned(3) != assigned(4)
