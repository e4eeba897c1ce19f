"""Loads against the scheme's limits, the waiting list, assignment and its over-limit warning."""

from __future__ import annotations

import pytest
from django.utils import timezone

from linkwork.accounts.models import Role, Scheme, User
from linkwork.audit.models import AuditEvent
from linkwork.referrals.actions import AssignmentError, add_to_waiting_list, assign_link_worker
from linkwork.referrals.capacity import (
    CapacityWarning,
    LoadStatus,
    WorkerLoad,
    filter_loads,
    load_of,
    name_search,
    scheme_is_full,
    scheme_loads,
    status_for,
    waiting_list,
    waiting_list_position,
)
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral, StatusChange
from tests.conftest import World
from tests.factories import MembershipFactory, PersonFactory, UserFactory
from tests.unit.capacity_cases import case, days_ago

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("share", "status"),
    [
        (0.0, LoadStatus.HAS_ROOM),
        (0.89, LoadStatus.HAS_ROOM),
        (0.9, LoadStatus.NEAR_LIMIT),
        (0.99, LoadStatus.NEAR_LIMIT),
        (1.0, LoadStatus.AT_LIMIT),
        (1.01, LoadStatus.OVER_LIMIT),
    ],
)
def test_status_for_share_of_limit(share: float, status: LoadStatus):
    assert status_for(share) is status


def test_active_load_sums_complexity_weights_of_open_referrals(world: World):
    for complexity, status in [
        ("standard", "accepted"),
        ("complex", "active"),
        ("very_complex", "on_hold"),
    ]:
        case(world, complexity=complexity, status=status)
    case(world, status="closed", closure_reason="moved", complexity="very_complex")
    case(world, link_worker=world.scheme_lead_a)
    load = load_of(world.link_worker_a, world.scheme_a)
    assert (load.active_people, load.active_weighted) == (3, 4.5)
    assert load.active_share == 4.5 / 60


def test_yearly_load_counts_distinct_people_in_365_days_at_the_heavier_weight(world: World):
    twice = PersonFactory()
    case(world, person=twice, complexity="standard", status="closed", closure_reason="moved")
    case(world, person=twice, complexity="very_complex")
    case(world, complexity="complex", received_at=days_ago(364))
    case(world, complexity="very_complex", received_at=days_ago(366))
    load = load_of(world.link_worker_a, world.scheme_a)
    assert (load.year_people, load.year_weighted) == (2, 3.5)


def test_a_withdrawn_referral_counts_on_neither_load(world: World):
    case(world, complexity="very_complex", status="withdrawn")
    case(world, complexity="complex", status="active")
    load = load_of(world.link_worker_a, world.scheme_a)
    assert (load.active_people, load.active_weighted) == (1, 1.5)
    assert (load.year_people, load.year_weighted) == (1, 1.5)


def test_loads_are_per_scheme_and_list_every_active_link_worker(world: World):
    inactive = UserFactory(is_active=False)
    MembershipFactory(
        user=inactive,
        organisation=world.scheme_a.host,
        scheme=world.scheme_a,
        role=Role.LINK_WORKER,
    )
    MembershipFactory(
        user=world.link_worker_a,
        organisation=world.scheme_b.host,
        scheme=world.scheme_b,
        role=Role.LINK_WORKER,
    )
    case(world)
    case(world, scheme=world.scheme_b, complexity="complex")
    loads = scheme_loads([world.scheme_a, world.scheme_b])
    assert [(load.worker, load.active_weighted) for load in loads[world.scheme_a.pk]] == [
        (world.link_worker_a, 1.0)
    ]
    assert [(load.worker, load.active_weighted) for load in loads[world.scheme_b.pk]] == [
        (world.link_worker_b, 0.0),
        (world.link_worker_a, 1.5),
    ]


def test_load_queries_do_not_grow_with_link_workers(world: World, django_assert_num_queries):
    def add_link_workers(count: int) -> None:
        for _ in range(count):
            worker = UserFactory()
            MembershipFactory(
                user=worker,
                organisation=world.scheme_a.host,
                scheme=world.scheme_a,
                role=Role.LINK_WORKER,
            )
            case(world, link_worker=worker)

    add_link_workers(1)
    with django_assert_num_queries(3):
        assert len(scheme_loads([world.scheme_a])[world.scheme_a.pk]) == 2
    add_link_workers(4)
    with django_assert_num_queries(3):
        assert len(scheme_loads([world.scheme_a])[world.scheme_a.pk]) == 6


def loads_named(*names_and_active: tuple[str, float]) -> list[WorkerLoad]:
    scheme = Scheme(name="Any", active_caseload_limit=10, yearly_caseload_limit=200)
    return [
        WorkerLoad(scheme=scheme, worker=User(full_name=name), active_weighted=active)
        for name, active in names_and_active
    ]


def test_filter_loads_by_part_of_a_name_ignoring_case_and_spacing():
    loads = loads_named(("Ana Barros", 1.0), ("Diana Smith", 2.0), ("Bo Ng", 3.0))
    found = filter_loads(loads, name="  aNa ")
    assert [load.worker.full_name for load in found] == ["Ana Barros", "Diana Smith"]
    assert [load.worker.full_name for load in filter_loads(loads, name="ana   BARROS")] == [
        "Ana Barros"
    ]
    assert filter_loads(loads, name="") == loads


def test_filter_loads_by_status_and_name_together():
    loads = loads_named(("Ana Barros", 9.5), ("Diana Smith", 2.0), ("Anand Rao", 12.0))
    near = filter_loads(loads, status=LoadStatus.NEAR_LIMIT)
    assert [load.worker.full_name for load in near] == ["Ana Barros"]
    assert filter_loads(loads, name="ana", status="over_limit") == [loads[2]]
    assert filter_loads(loads, name="smith", status="over_limit") == []


def test_name_search_joins_spaces_and_keeps_at_most_100_characters():
    assert name_search("  Ana \t Barros ") == "Ana Barros"
    assert name_search("x" * 150) == "x" * 100


def test_scheme_is_full_when_every_link_worker_is_at_the_active_limit(world: World):
    world.scheme_a.active_caseload_limit = 2
    world.scheme_a.save()
    assert not scheme_is_full(world.scheme_a)
    case(world, complexity="complex")
    assert not scheme_is_full(world.scheme_a)
    case(world)
    assert scheme_is_full(world.scheme_a)
    # A scheme without link workers cannot take anyone either.
    world.link_worker_b.is_active = False
    world.link_worker_b.save()
    assert scheme_is_full(world.scheme_b)


def test_assign_link_worker_assigns_clears_waiting_and_audits(world: World):
    referral = case(world, status="accepted", link_worker=None, waiting_since=days_ago(3))
    assigned = assign_link_worker(
        by=world.scheme_lead_a,
        referral=referral,
        link_worker=world.link_worker_a,
        complexity="very_complex",
    )
    referral.refresh_from_db()
    assert (referral.link_worker, referral.complexity, referral.waiting_since) == (
        world.link_worker_a,
        "very_complex",
        None,
    )
    assert assigned.status == Status.ACCEPTED
    event = AuditEvent.objects.get(action="referral.assigned")
    assert event.actor == world.scheme_lead_a
    assert event.detail == {
        "from": None,
        "to": world.link_worker_a.pk,
        "complexity": "very_complex",
        "over_limit": False,
    }


def test_assign_link_worker_warns_over_the_active_limit(world: World):
    world.scheme_a.active_caseload_limit = 3
    world.scheme_a.save()
    case(world, complexity="very_complex")
    referral = case(world, status="accepted", link_worker=None)
    assign_link_worker(
        by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_a
    )  # 2 + 1 = 3: at the limit is allowed
    another = case(world, status="accepted", link_worker=None)
    with pytest.raises(CapacityWarning, match="4 active against a limit of 3") as warned:
        assign_link_worker(
            by=world.scheme_lead_a, referral=another, link_worker=world.link_worker_a
        )
    assert isinstance(warned.value, ValueError)
    assert warned.value.load.active_weighted == 3.0
    another.refresh_from_db()
    assert another.link_worker is None
    assign_link_worker(
        by=world.scheme_lead_a,
        referral=another,
        link_worker=world.link_worker_a,
        over_limit_ok=True,
    )
    another.refresh_from_db()
    assert another.link_worker == world.link_worker_a
    assert AuditEvent.objects.filter(action="referral.assigned").count() == 2


def test_assign_link_worker_warns_over_the_yearly_limit(world: World):
    world.scheme_a.yearly_caseload_limit = 2
    world.scheme_a.save()
    for _ in range(2):
        case(world, status="closed", closure_reason="goals_met")
    referral = case(world, status="accepted", link_worker=None)
    with pytest.raises(CapacityWarning, match="3 people this year against a limit of 2"):
        assign_link_worker(
            by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_a
        )
    old = case(world, status="accepted", link_worker=None, received_at=days_ago(400))
    assign_link_worker(by=world.scheme_lead_a, referral=old, link_worker=world.link_worker_a)


def test_changing_complexity_for_the_same_link_worker_counts_the_referral_once(world: World):
    world.scheme_a.active_caseload_limit = 2
    world.scheme_a.save()
    referral = case(world, complexity="standard")
    case(world, status="on_hold")
    with pytest.raises(CapacityWarning, match=r"2\.5 active"):
        assign_link_worker(
            by=world.scheme_lead_a,
            referral=referral,
            link_worker=world.link_worker_a,
            complexity="complex",
        )
    assign_link_worker(
        by=world.scheme_lead_a,
        referral=referral,
        link_worker=world.link_worker_a,
        complexity="standard",
    )


@pytest.mark.parametrize("who", ["link_worker_b", "scheme_lead_a", "inactive"])
def test_assign_link_worker_refuses_anyone_not_an_active_link_worker_of_the_scheme(
    world: World, who: str
):
    if who == "inactive":
        world.link_worker_a.is_active = False
        world.link_worker_a.save()
        worker = world.link_worker_a
    else:
        worker = getattr(world, who)
    referral = case(world, status="accepted", link_worker=None)
    with pytest.raises(AssignmentError, match="works in this scheme"):
        assign_link_worker(by=world.scheme_lead_a, referral=referral, link_worker=worker)
    assert not AuditEvent.objects.filter(action="referral.assigned").exists()


@pytest.mark.parametrize("status", ["received", "closed", "declined", "withdrawn"])
def test_assign_link_worker_refuses_referrals_that_are_not_open(world: World, status: str):
    extra = {"closure_reason": "moved"} if status == "closed" else {}
    extra |= {"decline_reason": "duplicate"} if status == "declined" else {}
    referral = case(world, status=status, link_worker=None, **extra)
    with pytest.raises(AssignmentError, match="only a referral that is accepted"):
        assign_link_worker(
            by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_a
        )


def test_add_to_waiting_list_accepts_with_no_link_worker(world: World):
    referral = case(world, status="received", link_worker=None)
    StatusChange.objects.create(referral=referral, to_status="received")
    before = timezone.now()
    add_to_waiting_list(by=world.scheme_lead_a, referral=referral)
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.link_worker is None
    assert referral.waiting_since is not None
    assert referral.waiting_since >= before
    change = StatusChange.objects.filter(referral=referral).last()
    assert change is not None
    assert (change.to_status, change.reason) == ("accepted", "Added to the waiting list")
    assert waiting_list_position(referral) == 1


def test_waiting_list_oldest_first_and_positions(world: World):
    newest = case(world, status="accepted", link_worker=None, waiting_since=days_ago(1))
    oldest = case(world, status="accepted", link_worker=None, waiting_since=days_ago(9))
    # Joined before waiting_since was recorded: counts from when the referral arrived.
    unknown = case(world, status="accepted", link_worker=None, received_at=days_ago(5))
    case(world, status="accepted", link_worker=None, scheme=world.scheme_b)
    assigned = case(world, status="accepted")
    listed = list(waiting_list(Referral.objects.filter(scheme=world.scheme_a)))
    assert listed == [oldest, unknown, newest]
    assert [waiting_list_position(r) for r in (oldest, unknown, newest)] == [1, 2, 3]
    assert waiting_list_position(assigned) is None
