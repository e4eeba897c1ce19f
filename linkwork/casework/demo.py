"""Synthetic casework for the demo: contacts, support plans with goals, progress ratings and
actions, connections to directory services with their history, attendance, follow-ups and
case notes, for every referral a link worker has taken on.

Everything is made up. Rows are built as plain dicts a slice of referrals at a time and
written in one insert per table (COPY on PostgreSQL), so the 100,000-person demo (about three
million casework rows) stays quick and memory stays flat; the same random generator gives the
same casework.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import itertools
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone

from linkwork.accounts.models import Membership, Role
from linkwork.casework.forms_plan import WHO_LINK_WORKER, WHO_PERSON
from linkwork.casework.lifecycle import (
    PAUSABLE_STATUSES,
    ConnectionStatus,
    FailureReason,
    RejectionReason,
)
from linkwork.casework.models import (
    ActionStatus,
    Attendance,
    CaseNote,
    Connection,
    ConnectionStatusChange,
    Contact,
    FollowUp,
    Goal,
    GoalRating,
    GoalStatus,
    Mode,
    Outcome,
    PlanAction,
    SharedField,
    SupportPlan,
)
from linkwork.casework.provider import section_filters
from linkwork.directory.models import (
    Attribute,
    Capacity,
    Entity,
    LinkType,
    ReferralRoute,
    Service,
    ServiceStatus,
)
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID
from linkwork.outcomes.models import FlagHandling, FlagKind, SafetyFlag
from linkwork.people.models import Consent, ConsentKind, DigitalAccess
from linkwork.referrals.lifecycle import ClosureReason, Status
from linkwork.referrals.models import Referral, StatusChange
from linkwork.referrals.working_days import working_days_after
from linkwork.vocabulary.categories import categories_for_needs

CHUNK = 1000
BATCH = 2000
DAY = dt.timedelta(days=1)

GOALS = {
    "loneliness": [
        "Go to a group once a week",
        "Meet a friend or neighbour every week",
        "Feel less lonely in the evenings",
    ],
    "low_mood": ["Do one thing I enjoy every day", "Get out of the house three times a week"],
    "anxiety_stress": ["Feel calmer when I go out", "Take the bus into town on my own"],
    "physical_activity": ["Walk for 20 minutes three times a week", "Join a gentle exercise class"],
    "weight": ["Cook a healthy meal at home twice a week", "Be more active with friendly company"],
    "long_term_condition": ["Understand my condition better", "Manage my breathing when I walk"],
    "money_debt": ["Make a plan to pay off the energy debt", "Stop worrying about bills at night"],
    "benefits": ["Claim the benefits I am entitled to"],
    "housing": ["Get the damp in my flat fixed", "Keep my tenancy"],
    "employment": ["Find part-time work that fits my health", "Write a CV"],
    "education_skills": ["Start an English class", "Get a maths qualification"],
    "carer_support": ["Have a few hours' break each week", "Talk to other carers"],
    "bereavement": ["Talk to someone about my loss", "Visit places we used to go together"],
    "substance_use": ["Cut down on drinking", "Go to a recovery group"],
    "food": ["Have enough food until the end of the month", "Learn to cook on a budget"],
    "digital_skills": [
        "Use email to keep in touch with family",
        "Order repeat prescriptions online",
    ],
    "relationships": ["Feel happier at home"],
    "parenting": ["Meet other parents", "Feel more confident as a parent"],
    "legal_advice": ["Get advice about the dispute with my landlord"],
    "transport": ["Get to my appointments on time"],
    "purpose_volunteering": ["Find a volunteering role", "Use my skills to help others"],
}
GENERAL_GOALS = ["Feel more like myself again", "Sleep better"]
ACTIONS = {
    "loneliness": [
        ("Phone the community centre about the lunch club", WHO_PERSON),
        ("Find a befriending volunteer", WHO_LINK_WORKER),
    ],
    "low_mood": [
        ("Go to the first wellbeing group session", WHO_PERSON),
        ("Send details of the walking group", WHO_LINK_WORKER),
    ],
    "anxiety_stress": [
        ("Try the short bus trip with me", WHO_LINK_WORKER),
        ("Practise the breathing exercise each morning", WHO_PERSON),
    ],
    "physical_activity": [("Try the Saturday park walk", WHO_PERSON)],
    "money_debt": [
        ("Book an appointment at the advice centre", WHO_LINK_WORKER),
        ("Bring the energy bills to our next meeting", WHO_PERSON),
    ],
    "benefits": [
        ("Check entitlement with a benefits calculator together", WHO_LINK_WORKER),
        ("Fill in the Pension Credit form", WHO_PERSON),
    ],
    "housing": [
        ("Report the damp to the landlord in writing", WHO_PERSON),
        ("Ask for a home visit", "Housing officer"),
    ],
    "carer_support": [
        ("Ask the carers' centre about a carer's assessment", WHO_LINK_WORKER),
        ("Ask my sister to cover one afternoon a week", WHO_PERSON),
    ],
    "digital_skills": [("Go to the library's computer drop-in", WHO_PERSON)],
    "food": [("Make a food bank referral", WHO_LINK_WORKER)],
    "employment": [("Book a meeting with the work coach", "Jobcentre work coach")],
    "bereavement": [("Call the bereavement service to book a first chat", WHO_PERSON)],
}
GENERAL_ACTIONS = [
    ("Look through the community events list together", WHO_LINK_WORKER),
    ("Try one new activity this month", WHO_PERSON),
    ("Review medication at the next appointment", "GP"),
]
WHAT_MATTERS = {
    "loneliness": "Having people to talk to and somewhere to go in the week.",
    "low_mood": "Feeling like myself again and having something to look forward to.",
    "money_debt": "Sorting out my money worries so I can sleep.",
    "carer_support": "Having a break from caring now and then without feeling guilty.",
    "physical_activity": "Being fit enough to play with my grandchildren.",
    "employment": "Finding work that fits around my health.",
}
STRENGTHS = [
    "Good sense of humour; close to a daughter who lives nearby.",
    "Used to sing in a choir and loves music.",
    "Keen gardener; knows lots of people on the street.",
    "Determined, and practical with their hands.",
    "Has a supportive neighbour and a dog to walk.",
    "Organised and good with numbers.",
]
CONCERNS = [
    "Worried about going out alone after a fall.",
    "Struggling with bills since their hours were cut.",
    "Not sleeping well; feels low most mornings.",
    "Finds busy places hard.",
    "Caring for a parent leaves little time for themselves.",
]
CONTACT_NOTES = {
    Outcome.ATTENDED: [
        "Talked about what matters and agreed next steps.",
        "Went through the plan together; good progress.",
        "Went along to the group with them for the first time.",
        "Checked in after the first session; they enjoyed it.",
        "Filled in a form together.",
        "Feeling low this week; agreed to talk again soon.",
        "",
    ],
    Outcome.DID_NOT_ATTEND: [
        "No answer; left a message.",
        "Did not come; sent a letter offering a new time.",
    ],
    Outcome.CANCELLED: ["Cancelled: unwell today.", "Rearranged at their request."],
}
CASE_NOTES = [
    "Spoke to the GP surgery about a medication review.",
    "Discussed at supervision: progress is steady.",
    "Daughter called to say thank you for the support.",
    "Left a voicemail for the housing officer.",
    "Prefers morning appointments.",
    "Hearing aid: speak clearly and face them.",
]
SAFEGUARDING_NOTES = [
    "Said a relative has been taking their money. Discussed with the scheme lead; safeguarding referral made.",
    "Home visit: concerns about self-neglect. Agreed with the scheme lead to tell the GP and adult social care.",
    "Said they feel unsafe at home. Gave the domestic abuse helpline number and told the scheme lead.",
]
# What the link worker recorded as done about the flag each safeguarding note raised.
SAFEGUARDING_HANDLED = {
    SAFEGUARDING_NOTES[
        0
    ]: "Safeguarding referral made to adult social care; scheme lead told the same day.",
    SAFEGUARDING_NOTES[
        1
    ]: "Told the GP and adult social care with the person's agreement; welfare visit booked.",
    SAFEGUARDING_NOTES[
        2
    ]: "Gave the domestic abuse helpline number, agreed a safe way to contact them and told the scheme lead.",
}
# Ids for the flags the demo's safeguarding notes raise, derived from the note's id so the
# demo stays the same for a given seed.
FLAG_IDS = uuid.UUID("5b7f0c4e-2d1a-4c36-9a51-0d6c1f3e8a20")
MESSAGES_TO_PROVIDER = [
    "They would like to bring a friend the first time.",
    "Mornings suit best. I will come along to the first session.",
    "Please call rather than write: they do not use email.",
    "",
    "",
]
MODE_WEIGHTS = {
    Mode.PHONE: 35,
    Mode.IN_PERSON: 30,
    Mode.TEXT_OR_EMAIL: 10,
    Mode.HOME_VISIT: 9,
    Mode.VIDEO: 8,
    Mode.GROUP: 8,
}
MINUTES = {
    Mode.PHONE: (10, 40),
    Mode.IN_PERSON: (30, 75),
    Mode.TEXT_OR_EMAIL: (5, 10),
    Mode.HOME_VISIT: (45, 90),
    Mode.VIDEO: (20, 45),
    Mode.GROUP: (60, 120),
}


class Weighted:
    """A weighted choice, prepared once: `random.choices` adds the weights up on every call,
    which showed in the demo's profile."""

    def __init__(self, weights: Mapping[Any, float]) -> None:
        self.options = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.options[bisect.bisect(self.cumulative, rng.random() * self.total)]


MODES = Weighted(MODE_WEIGHTS)
OUTCOMES = Weighted({Outcome.ATTENDED: 82, Outcome.DID_NOT_ATTEND: 12, Outcome.CANCELLED: 6})
NOTE_COUNTS = Weighted({0: 35, 1: 35, 2: 20, 3: 10})
GOAL_COUNTS = Weighted({1: 35, 2: 45, 3: 20})
ACTION_COUNTS = Weighted({1: 30, 2: 45, 3: 25})
LATE_ACTIONS = Weighted({ActionStatus.DONE: 70, ActionStatus.TO_DO: 15, ActionStatus.DROPPED: 15})
CONNECTION_COUNTS = Weighted({0: 12, 1: 42, 2: 32, 3: 14})
CONNECTION_COUNTS_EARLY = Weighted({0: 40, 1: 40, 2: 15, 3: 5})
# Where a connection ends up, by the state of the person's referral.
ENDINGS_OPEN = Weighted(
    {
        ConnectionStatus.DRAFT: 4,
        ConnectionStatus.REQUESTED: 16,
        ConnectionStatus.ACCEPTED: 17,
        ConnectionStatus.IN_PROGRESS: 30,
        ConnectionStatus.COMPLETED: 8,
        ConnectionStatus.FAILED: 7,
        ConnectionStatus.REJECTED: 10,
        ConnectionStatus.CANCELLED: 8,
    }
)
ENDINGS_CLOSED = Weighted(
    {
        ConnectionStatus.ACCEPTED: 5,
        ConnectionStatus.IN_PROGRESS: 18,
        ConnectionStatus.COMPLETED: 35,
        ConnectionStatus.FAILED: 15,
        ConnectionStatus.REJECTED: 14,
        ConnectionStatus.CANCELLED: 13,
    }
)
CASEWORK_STATUSES = frozenset({Status.ACCEPTED, Status.ACTIVE, Status.ON_HOLD, Status.CLOSED})
# A connection status change: status, when, by whom (a user id), and why.
Step = tuple[str, dt.datetime, int | None, str]

Row = dict[str, Any]


def _paused(service: Service) -> str:
    """Why requests to the service are on hold, or "" when they are not."""
    if service.status == ServiceStatus.TEMPORARILY_CLOSED:
        return "temporarily closed"
    if service.status == ServiceStatus.ACTIVE and service.capacity == Capacity.FULL:
        return "full"
    return ""


def _running(service: Service) -> bool:
    return service.status == ServiceStatus.ACTIVE and not _paused(service)


# For each part of a provider's inbox: the status to aim a request at, and the kind of
# service that shows it there.
INBOX_SHOWCASE: dict[str, tuple[str, Callable[[Service], bool]]] = {
    "answer": (ConnectionStatus.REQUESTED, _running),
    "waiting_list": (
        ConnectionStatus.ACCEPTED,
        lambda s: _running(s) and s.capacity == Capacity.WAITING_LIST,
    ),
    "accepted": (
        ConnectionStatus.ACCEPTED,
        lambda s: _running(s) and s.capacity != Capacity.WAITING_LIST,
    ),
    "attending": (ConnectionStatus.IN_PROGRESS, _running),
    "on_hold": (ConnectionStatus.REQUESTED, lambda s: bool(_paused(s))),
    "closed": (ConnectionStatus.COMPLETED, _running),
}


def _in_section(row: Row, slug: str) -> bool:
    """Whether the connection `row` shows in the provider's inbox section `slug`."""
    for lookup, value in section_filters(slug).items():
        name, _, operator = lookup.partition("__")
        field = Connection._meta.get_field(name)
        default = field.get_default() if isinstance(field, models.Field) else None
        actual = row.get(name, default)
        if not (actual in value if operator == "in" else actual == value):
            return False
    return True


# Written in this order, so every row's foreign keys already exist.
TABLES: tuple[type[models.Model], ...] = (
    Contact,
    CaseNote,
    SafetyFlag,
    FlagHandling,
    SupportPlan,
    Goal,
    GoalRating,
    PlanAction,
    Connection,
    ConnectionStatusChange,
    Attendance,
    FollowUp,
)


class _Table:
    """A lean insert of many rows of one model. `bulk_create` builds and compiles a model
    instance per row, which was most of the demo's time; here each column's adapter is chosen
    once from the field type, rows are plain dicts (missing columns take the field's
    default), and PostgreSQL gets them by COPY, which is about three times quicker than
    `executemany` there."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
        ]
        self.names = [f.attname for f in fields]
        self.defaults = [f.get_default() for f in fields]
        self.adapters = [self._adapter(f) for f in fields]
        # Names come from the model and are quoted; values are always parameters.
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 # nosec B608
        self.copy = f"COPY {table} ({columns}) FROM STDIN"

    @staticmethod
    def _adapter(field: Any) -> Callable[[Any], Any] | None:
        """How to pass a value of this field to the database; None when as it is."""
        if field.is_relation:
            field = field.target_field
        ops = connection.ops
        kind = field.get_internal_type()
        if kind == "UUIDField" and not connection.features.has_native_uuid_field:
            return _hex
        if kind == "DateTimeField":
            if connection.vendor == "sqlite" and connection.timezone_name == "UTC":
                return _sqlite_utc
            return ops.adapt_datetimefield_value
        if kind == "DateField":
            return ops.adapt_datefield_value
        if kind == "JSONField":
            encoder = field.encoder
            return lambda value: ops.adapt_json_value(value, encoder)
        return None

    def insert(self, rows: Sequence[Row]) -> None:
        columns = list(zip(self.names, self.defaults, self.adapters, strict=True))
        values = [
            tuple(
                value if adapt is None or value is None else adapt(value)
                for name, default, adapt in columns
                for value in (row.get(name, default),)
            )
            for row in rows
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy) as copy:
                    for value in values:
                        copy.write_row(value)
                return
            for start in range(0, len(values), BATCH):
                cursor.executemany(self.sql, values[start : start + BATCH])


@contextlib.contextmanager
def _roomy_sqlite_cache() -> Iterator[None]:
    """SQLite's default page cache (2 MB) makes inserting a million rows with random UUID
    keys twice as slow; give this connection 256 MB while seeding, then put it back."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _hex(value: uuid.UUID) -> str:
    return value.hex


def _sqlite_utc(value: dt.datetime) -> str:
    # What Django's SQLite adapter stores, without its time zone conversion when the
    # value is already in UTC, as every demo time is.
    if value.tzinfo is dt.UTC:
        return str(value.replace(tzinfo=None))
    return str(connection.ops.adapt_datetimefield_value(value))


@dataclass
class Episode:
    referral: Referral
    worker_id: int
    accepted_at: dt.datetime
    active_at: dt.datetime | None
    end: dt.datetime


def seed_casework(
    *,
    rng: random.Random,
    referrals: Sequence[Referral],
    changes: Iterable[StatusChange],
    now: dt.datetime,
    services: Sequence[Service] | None = None,
) -> dict[str, int]:
    """Casework for every referral a link worker has taken on (accepted, active, on hold or
    closed), timed inside its episode. Call after referrals, their status history and the
    people's consents are written. `services` (with their organizations) defaults to the
    whole directory. Returns how many rows of each kind were made, by model name."""
    return _Seeder(rng=rng, now=now, services=services).run(referrals, changes)


class _Seeder:
    def __init__(
        self, *, rng: random.Random, now: dt.datetime, services: Sequence[Service] | None
    ) -> None:
        self.rng = rng
        self.now = now
        self.today = timezone.localtime(now).date()
        self.services = list(
            services
            if services is not None
            else Service.objects.select_related("organization").order_by("id")
        )
        self.by_category = self._services_by_category()
        self.candidates: dict[tuple[str, ...], tuple[list[Service], list[Service]]] = {}
        self.sharing = set(
            Consent.objects.filter(kind=ConsentKind.SHARE_WITH_PROVIDERS, given=True).values_list(
                "person_id", flat=True
            )
        )
        providers = {
            m.organisation_id: m.user_id for m in Membership.objects.filter(role=Role.PROVIDER)
        }
        self.provider_of: dict[Any, int | None] = {
            s.pk: providers.get(s.organization.account_organisation_id or 0) for s in self.services
        }
        # Each provider organisation with a demo login gets a request in every part of its
        # inbox, on the first open cases that can show it.
        self.inbox_to_fill: list[tuple[int, str, Service, str]] = []
        for organisation_id in sorted(providers):
            own = [
                s
                for s in self.services
                if s.organization.account_organisation_id == organisation_id
                and s.referral_route == ReferralRoute.REFERRAL
            ]
            for slug, (target, fits) in INBOX_SHOWCASE.items():
                service = next((s for s in own if fits(s)), None)
                if service is not None:
                    self.inbox_to_fill.append((organisation_id, slug, service, target))
        # The first connections show every status, so even a small demo has each of them.
        self.showcase: list[str] = [
            ConnectionStatus.DRAFT,
            ConnectionStatus.REQUESTED,
            ConnectionStatus.ACCEPTED,
            ConnectionStatus.IN_PROGRESS,
            ConnectionStatus.COMPLETED,
            ConnectionStatus.FAILED,
            ConnectionStatus.REJECTED,
            ConnectionStatus.CANCELLED,
        ]
        requestable = [s for s in self.services if s.referral_route == ReferralRoute.REFERRAL]
        signposts = [s for s in self.services if s.referral_route == ReferralRoute.SIGNPOST]
        self.to_show = {
            "on hold": [s for s in requestable if _paused(s)][:1],
            "signposted": signposts[:1],
        }
        self.target = ""
        self.last_id = rng.getrandbits(40) << 6
        self.working_days: dict[tuple[dt.date, int], dt.date] = {}
        self.rows: dict[type[models.Model], list[Row]] = {model: [] for model in TABLES}

    # Helpers

    def new_id(self) -> uuid.UUID:
        """A random-looking id whose top bits count up: rows then append to the primary key
        index instead of landing all over it, which halves insert time on SQLite."""
        self.last_id += 1
        return uuid.UUID(int=(self.last_id << 80) | self.rng.getrandbits(80), version=4)

    def add(self, model: type[models.Model], **row: Any) -> Row:
        self.rows[model].append(row)
        return row

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        if end <= start:
            return start
        return start + dt.timedelta(seconds=self.rng.uniform(0, (end - start).total_seconds()))

    def office_hours(
        self, moment: dt.datetime, floor: dt.datetime, ceiling: dt.datetime
    ) -> dt.datetime:
        """The same day between 9am and 5pm, kept inside [floor, ceiling]."""
        at = moment.replace(
            hour=self.rng.randint(9, 16), minute=self.rng.choice((0, 15, 30, 45)), second=0
        )
        return min(max(at, floor), ceiling)

    def after_working_days(self, day: dt.date, days: int) -> dt.date:
        key = (day, days)
        if key not in self.working_days:
            self.working_days[key] = working_days_after(day, days)
        return self.working_days[key]

    def _services_by_category(self) -> dict[str, list[Service]]:
        by_id = {service.pk: service for service in self.services}
        found: dict[str, list[Service]] = defaultdict(list)
        for link_id, code in (
            Attribute.objects.filter(
                link_entity=Entity.SERVICE,
                link_type=LinkType.CATEGORY,
                taxonomy_term__taxonomy_id=LINKWORK_TAXONOMY_ID,
            )
            .order_by("link_id", "taxonomy_term__code")
            .values_list("link_id", "taxonomy_term__code")
        ):
            if link_id in by_id:
                found[code].append(by_id[link_id])
        return found

    def services_for(self, needs: Sequence[str]) -> tuple[list[Service], list[Service]]:
        """Services in a category that meets one of the needs (any service when none does):
        those taking referrals, and those that only signpost."""
        key = tuple(sorted(needs))
        if key not in self.candidates:
            try:
                categories = sorted(categories_for_needs(key))
            except ValueError:
                categories = []
            # Keyed by id: hashing model instances was a visible cost.
            chosen = list(
                {s.pk: s for c in categories for s in self.by_category.get(c, [])}.values()
            )
            chosen = chosen or self.services
            self.candidates[key] = (
                [s for s in chosen if s.referral_route != ReferralRoute.SIGNPOST],
                [s for s in chosen if s.referral_route == ReferralRoute.SIGNPOST],
            )
        return self.candidates[key]

    @staticmethod
    def _morning(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(9, 30), tzinfo=dt.UTC)

    # The run

    def run(self, referrals: Sequence[Referral], changes: Iterable[StatusChange]) -> dict[str, int]:
        moments: dict[Any, dict[str, dt.datetime]] = defaultdict(dict)
        for change in changes:
            # The first time each status was reached, except on hold: the latest pause.
            seen = moments[change.referral_id]
            if change.to_status == Status.ON_HOLD or change.to_status not in seen:
                seen[change.to_status] = change.changed_at
        counts: Counter[str] = Counter()
        # In referral id order, so the indexes that start with the referral are appended to.
        chosen = sorted(
            (r for r in referrals if r.status in CASEWORK_STATUSES and r.link_worker_id),
            key=lambda r: r.pk,
        )
        with _roomy_sqlite_cache():
            for start in range(0, len(chosen), CHUNK):
                for referral in chosen[start : start + CHUNK]:
                    self.casework(self.episode(referral, moments.get(referral.pk, {})))
                for model, rows in self.rows.items():
                    if rows:
                        _Table(model).insert(rows)
                        counts[model._meta.model_name or ""] += len(rows)
                        rows.clear()
        return dict(counts)

    def episode(self, referral: Referral, moments: dict[str, dt.datetime]) -> Episode:
        accepted_at = moments.get(Status.ACCEPTED, referral.received_at)
        active_at = None
        end = self.now
        if referral.status != Status.ACCEPTED:
            active_at = moments.get(Status.ACTIVE, accepted_at)
        if referral.status == Status.CLOSED:
            end = moments.get(Status.CLOSED, self.now)
        elif referral.status == Status.ON_HOLD:
            end = moments.get(Status.ON_HOLD, self.now)
        assert referral.link_worker_id is not None
        return Episode(
            referral, referral.link_worker_id, accepted_at, active_at, max(end, active_at or end)
        )

    def casework(self, episode: Episode) -> None:
        if episode.active_at is None:
            # Waiting for the first contact: sometimes a first try that did not happen.
            if self.rng.random() < 0.25:
                moment = self.between(episode.accepted_at, self.now)
                self.contact(episode, moment, first=False, missed=True)
            return
        self.contacts(episode, episode.active_at)
        plan_at = self.between(episode.active_at, min(episode.active_at + 14 * DAY, episode.end))
        if self.rng.random() < 0.93:
            self.plan(episode, plan_at)
        self.connections(episode, plan_at)
        self.case_notes(episode, episode.active_at)

    # Contacts and notes

    def contacts(self, episode: Episode, active_at: dt.datetime) -> None:
        referral = episode.referral
        if referral.status == Status.CLOSED:
            count = self.rng.randint(6, 12)
        else:
            count = max(1, min(12, (episode.end - active_at).days // 12 + self.rng.randint(0, 2)))
        moments = sorted(self.between(active_at, episode.end) for _ in range(count - 1))
        unreachable = referral.closure_reason == ClosureReason.UNABLE_TO_CONTACT
        # The first attended contact is what made the referral active.
        self.contact(episode, active_at, first=True, missed=False)
        for n, moment in enumerate(moments):
            missed = unreachable and n >= len(moments) - 3
            self.contact(episode, moment, first=False, missed=missed)

    def contact(self, episode: Episode, moment: dt.datetime, *, first: bool, missed: bool) -> None:
        rng = self.rng
        if first:
            mode = rng.choice((Mode.IN_PERSON, Mode.PHONE, Mode.HOME_VISIT))
            outcome = Outcome.ATTENDED
            at = moment
        else:
            mode = MODES.pick(rng)
            if mode == Mode.VIDEO and episode.referral.person.digital_access == DigitalAccess.NONE:
                mode = Mode.PHONE
            outcome = Outcome.DID_NOT_ATTEND if missed else OUTCOMES.pick(rng)
            # Strictly after the first contact, which started support.
            floor = (episode.active_at or episode.accepted_at) + dt.timedelta(minutes=5)
            at = self.office_hours(moment, floor, max(episode.end, floor))
        low, high = MINUTES[mode]
        self.add(
            Contact,
            id=self.new_id(),
            referral_id=episode.referral.pk,
            occurred_at=at,
            mode=mode,
            duration_minutes=rng.randint(low, high) if outcome == Outcome.ATTENDED else 0,
            outcome=outcome,
            note=rng.choice(CONTACT_NOTES[outcome]),
            recorded_by_id=episode.worker_id,
            recorded_at=at,
        )

    def case_notes(self, episode: Episode, active_at: dt.datetime) -> None:
        rng = self.rng
        notes = [(t, False) for t in rng.sample(CASE_NOTES, NOTE_COUNTS.pick(rng))]
        if rng.random() < 0.03:
            notes.append((rng.choice(SAFEGUARDING_NOTES), True))
        for text, safeguarding in notes:
            note = self.add(
                CaseNote,
                id=self.new_id(),
                referral_id=episode.referral.pk,
                text=text,
                safeguarding=safeguarding,
                written_by_id=episode.worker_id,
                written_at=self.between(active_at, episode.end),
            )
            if safeguarding:
                self.safeguarding_flag(episode, note)

    def safeguarding_flag(self, episode: Episode, note: Row) -> None:
        """The flag a safeguarding note raises, handled as the note says, within a day."""
        flag = self.add(
            SafetyFlag,
            id=uuid.uuid5(FLAG_IDS, str(note["id"])),
            referral_id=episode.referral.pk,
            kind=FlagKind.SAFEGUARDING,
            raised_by_id=episode.worker_id,
            raised_at=note["written_at"],
        )
        self.add(
            FlagHandling,
            flag_id=flag["id"],
            action_taken=SAFEGUARDING_HANDLED[note["text"]],
            handled_by_id=episode.worker_id,
            handled_at=min(note["written_at"] + dt.timedelta(hours=3), self.now),
        )

    # The support plan

    def plan(self, episode: Episode, plan_at: dt.datetime) -> None:
        rng = self.rng
        referral = episode.referral
        needs = list(referral.needs) or ["loneliness"]
        is_open = referral.status != Status.CLOSED
        plan_day = plan_at.date()
        agreed = not is_open or rng.random() < 0.85
        review = plan_day + dt.timedelta(days=rng.choice((28, 42, 56)))
        plan = self.add(
            SupportPlan,
            id=self.new_id(),
            referral_id=referral.pk,
            what_matters=referral.what_matters
            or WHAT_MATTERS.get(needs[0], "Feeling better and getting out more."),
            strengths=rng.choice(STRENGTHS),
            needs_and_concerns=rng.choice(CONCERNS),
            agreed_on=plan_day if agreed else None,
            review_on=review if is_open or rng.random() < 0.5 else None,
            updated_by_id=episode.worker_id,
            updated_at=plan_at,
        )
        wishes = list(dict.fromkeys(g for need in needs for g in GOALS.get(need, [])))
        rng.shuffle(wishes)
        for wish in (wishes + GENERAL_GOALS)[: GOAL_COUNTS.pick(rng)]:
            self.goal(episode, plan["id"], wish, plan_at)
        steps = list(dict.fromkeys(a for need in needs for a in ACTIONS.get(need, [])))
        for what, who in (steps + GENERAL_ACTIONS)[: ACTION_COUNTS.pick(rng)]:
            due = plan_day + dt.timedelta(days=rng.choice((7, 14, 21, 28)))
            late = not is_open or due <= self.today
            status = LATE_ACTIONS.pick(rng) if late else ActionStatus.TO_DO
            self.add(
                PlanAction,
                id=self.new_id(),
                plan_id=plan["id"],
                what=what,
                who=who,
                due_on=due if rng.random() < 0.8 else None,
                status=status,
                created_at=plan_at,
            )

    def goal(self, episode: Episode, plan_id: uuid.UUID, wish: str, plan_at: dt.datetime) -> None:
        """A goal and the person's ratings of it: a rough climb, higher when the goals
        were met."""
        rng = self.rng
        referral = episode.referral
        goal_id = self.new_id()
        span = max((episode.end - plan_at).days, 0)
        closed = referral.status == Status.CLOSED
        count = rng.randint(2, 4) if closed else 1 + min(3, span // 30)
        met = referral.closure_reason == ClosureReason.GOALS_MET
        score = rng.randint(1, 4)
        for n in range(count):
            at = min(plan_at + dt.timedelta(days=span * n / max(count - 1, 1)), self.now)
            if n:
                score = min(10, max(0, score + rng.randint(-1, 3)))
            if met and n == count - 1:
                score = max(score, rng.randint(7, 10))
            self.add(
                GoalRating,
                goal_id=goal_id,
                score=score,
                rated_on=min(at.date(), self.today),
                recorded_by_id=episode.worker_id,
                recorded_at=at,
            )
        status = GoalStatus.OPEN
        if met:
            status = GoalStatus.ACHIEVED if rng.random() < 0.8 else GoalStatus.OPEN
        elif score >= 9 and rng.random() < 0.6:
            status = GoalStatus.ACHIEVED
        elif rng.random() < 0.07:
            status = GoalStatus.STOPPED
        # Goals come before their ratings in the writing order, whatever the list order.
        self.add(
            Goal,
            id=goal_id,
            plan_id=plan_id,
            description=wish,
            importance=rng.randint(5, 10),
            status=status,
            created_at=plan_at,
        )

    # Connections

    def connections(self, episode: Episode, plan_at: dt.datetime) -> None:
        referral = episode.referral
        young = (self.now - plan_at).days < 10 and referral.status != Status.CLOSED
        count = (CONNECTION_COUNTS_EARLY if young else CONNECTION_COUNTS).pick(self.rng)
        # Most of the demo directory only signposts; link workers refer more than that.
        requestable, signpost = self.services_for(referral.needs)
        picks: dict[Any, Service] = {}
        for _ in range(count):
            pool = requestable if self.rng.random() < 0.65 else signpost
            pool = pool or requestable or signpost
            service = self.rng.choice(pool)
            picks.setdefault(service.pk, service)
        forced: dict[Any, str] = {}
        if referral.status != Status.CLOSED:
            # Once: a connection to a signpost-only service, and one to a paused service.
            for kind, services in self.to_show.items():
                if services:
                    picks.setdefault(services[0].pk, services[0])
                    forced[services[0].pk] = ConnectionStatus.ACCEPTED
                    self.to_show[kind] = []
            if self.inbox_to_fill:
                _, _, service, target = self.inbox_to_fill[0]
                picks.setdefault(service.pk, service)
                forced[service.pk] = target
        for service in picks.values():
            created = self.between(plan_at, min(plan_at + 21 * DAY, episode.end))
            row = self.connection(episode, service, created, forced.get(service.pk))
            self.inbox_filled(service, row)

    def inbox_filled(self, service: Service, row: Row) -> None:
        """Tick off the part of its provider's inbox that the connection `row` shows, if
        it was still empty (a request may stop short of its target, at today)."""
        organisation_id = service.organization.account_organisation_id
        for item in self.inbox_to_fill:
            if item[0] == organisation_id and _in_section(row, item[1]):
                self.inbox_to_fill.remove(item)
                return

    def connection(
        self, episode: Episode, service: Service, created: dt.datetime, target: str | None
    ) -> Row:
        rng = self.rng
        referral = episode.referral
        row: Row = {
            "id": self.new_id(),
            "referral_id": referral.pk,
            "service_id": service.pk,
            "supported_linking": rng.random() < 0.25,
            "created_by_id": episode.worker_id,
            "created_at": created,
            "shared_fields": [],
        }
        if service.referral_route == ReferralRoute.SIGNPOST:
            steps: list[Step] = [(ConnectionStatus.SIGNPOSTED, created, episode.worker_id, "")]
        else:
            if referral.person_id in self.sharing and rng.random() < 0.85:
                row["shared_fields"] = [
                    SharedField.NAME,
                    SharedField.CONTACT,
                    SharedField.NEEDS,
                    *([SharedField.ACCESS] if rng.random() < 0.3 else []),
                ]
            row["message_to_provider"] = rng.choice(MESSAGES_TO_PROVIDER)
            steps = self.walk(episode, row, service, created, target)
            # A connection paused on hold does not show its target status: keep showing it.
            reached = steps[-1][0]
            if reached == self.target and reached in self.showcase:
                self.showcase.remove(reached)
        row["status"] = steps[-1][0]
        row["updated_at"] = steps[-1][1]
        self.add(Connection, **row)
        previous = ""
        for status, at, by, reason in steps:
            self.add(
                ConnectionStatusChange,
                connection_id=row["id"],
                from_status=previous,
                to_status=status,
                changed_by_id=by,
                changed_at=at,
                reason=reason,
            )
            previous = status
        self.after_acceptance(episode, row, service, steps)
        return row

    def walk(
        self,
        episode: Episode,
        row: Row,
        service: Service,
        created: dt.datetime,
        target: str | None,
    ) -> list[Step]:
        """The statuses a request went through, stopped at today; paused while its service
        is closed or full."""
        rng = self.rng
        referral = episode.referral
        worker = episode.worker_id
        provider = self.provider_of.get(service.pk)
        outcomes = ENDINGS_CLOSED if referral.status == Status.CLOSED else ENDINGS_OPEN
        if target is None:
            target = next((t for t in self.showcase if t in outcomes.options), None)
        if target is None:
            target = outcomes.pick(rng)
        self.target = target
        steps: list[Step] = [(ConnectionStatus.DRAFT, created, worker, "")]

        def step(status: str, at: dt.datetime, by: int | None, reason: str = "") -> bool:
            if at > self.now:
                return False
            steps.append((status, at, by, reason))
            return True

        if target == ConnectionStatus.DRAFT:
            return steps
        if target == ConnectionStatus.CANCELLED and rng.random() < 0.3:
            step(ConnectionStatus.CANCELLED, created + rng.randint(1, 10) * DAY, worker)
            return steps
        requested = created + dt.timedelta(minutes=1)
        step(ConnectionStatus.REQUESTED, requested, worker)
        scheme = referral.scheme
        row["requested_at"] = requested
        row["remind_on"] = self.after_working_days(
            requested.date(), scheme.provider_reminder_working_days
        )
        row["respond_by"] = self.after_working_days(
            requested.date(), scheme.provider_response_working_days
        )
        answered = requested + rng.randint(1, 16) * DAY
        if target == ConnectionStatus.CANCELLED:
            step(ConnectionStatus.CANCELLED, answered, worker, "The person changed their mind")
        elif target == ConnectionStatus.REJECTED:
            if step(ConnectionStatus.REJECTED, answered, provider):
                row["rejection_reason"] = rng.choice(list(RejectionReason))
                row["responded_at"] = answered
        elif target != ConnectionStatus.REQUESTED and step(
            ConnectionStatus.ACCEPTED, answered, provider
        ):
            row["responded_at"] = answered
            row["waiting_list"] = service.capacity == Capacity.WAITING_LIST
            self.attending(row, target, answered, provider, worker, step)
        last = steps[-1]
        if last[0] == ConnectionStatus.REQUESTED:
            if row["remind_on"] <= self.today:
                row["reminded_at"] = self._morning(row["remind_on"])
            if row["respond_by"] < self.today:
                row["escalated_at"] = self._morning(row["respond_by"] + DAY)
        paused = _paused(service)
        if paused and last[0] in PAUSABLE_STATUSES:
            row["held_from"] = last[0]
            steps.append(
                (
                    ConnectionStatus.ON_HOLD,
                    self.between(last[1], self.now),
                    None,
                    f"{service.name} is {paused}",
                )
            )
        return steps

    def attending(
        self,
        row: Row,
        target: str,
        accepted: dt.datetime,
        provider: int | None,
        worker: int,
        step: Callable[..., bool],
    ) -> None:
        rng = self.rng
        if target == ConnectionStatus.ACCEPTED:
            return
        if target == ConnectionStatus.FAILED and rng.random() < 0.4:
            if step(ConnectionStatus.FAILED, accepted + rng.randint(14, 42) * DAY, worker):
                row["failure_reason"] = FailureReason.NEVER_ATTENDED
                row["waiting_list"] = False
            return
        started = accepted + rng.randint(3, 21) * DAY
        if not step(ConnectionStatus.IN_PROGRESS, started, provider or worker, "Attended"):
            return
        row["waiting_list"] = False
        if target == ConnectionStatus.IN_PROGRESS:
            return
        ended = started + rng.randint(4, 14) * 7 * DAY
        if target == ConnectionStatus.CANCELLED:
            step(ConnectionStatus.CANCELLED, ended, worker, "The person moved away")
        elif target == ConnectionStatus.FAILED:
            if step(ConnectionStatus.FAILED, ended, worker):
                row["failure_reason"] = rng.choice(
                    (FailureReason.STOPPED_ATTENDING, FailureReason.NOT_RIGHT, FailureReason.OTHER)
                )
        else:
            step(ConnectionStatus.COMPLETED, ended, worker)

    def after_acceptance(
        self, episode: Episode, row: Row, service: Service, steps: Sequence[Step]
    ) -> None:
        """The check-in a provider's acceptance schedules, and the sessions of the service."""
        rng = self.rng
        reached = {status: at for status, at, _, _ in steps}
        accepted = reached.get(ConnectionStatus.ACCEPTED)
        if accepted is None:
            return
        scheme = episode.referral.scheme
        due = accepted.date() + dt.timedelta(days=scheme.follow_up_days_after_connection)
        closed = episode.referral.status == Status.CLOSED
        done_at: dt.datetime | None = None
        if closed and due > episode.end.date():
            done_at = max(episode.end, accepted)
        elif due <= self.today and (closed or rng.random() < 0.85):
            done_at = min(self._morning(due) + rng.randint(0, 3) * DAY, self.now)
        self.add(
            FollowUp,
            id=self.new_id(),
            referral_id=episode.referral.pk,
            connection_id=row["id"],
            due_on=due,
            reason=f"Check how the person is getting on with {service.name}",
            done_at=done_at,
            done_by_id=episode.worker_id if done_at else None,
            created_at=accepted,
        )
        ended = steps[-1][1] if steps[-1][0] != ConnectionStatus.IN_PROGRESS else self.now
        last_day = min(ended.date(), self.today)
        started = reached.get(ConnectionStatus.IN_PROGRESS)
        if started is None:
            if row.get("failure_reason") == FailureReason.NEVER_ATTENDED:
                days = [accepted.date() + (7 * week + 5) * DAY for week in range(rng.randint(1, 2))]
                for day in days:
                    if day <= last_day:
                        self.session(episode, row, day, attended=False)
            return
        weeks = min(10, (last_day - started.date()).days // 7 + 1)
        stopped = row.get("failure_reason") == FailureReason.STOPPED_ATTENDING
        for week in range(weeks):
            attended = week == 0 or (not (stopped and week >= weeks - 2) and rng.random() < 0.85)
            self.session(episode, row, started.date() + 7 * week * DAY, attended=attended)

    def session(self, episode: Episode, row: Row, day: dt.date, *, attended: bool) -> None:
        self.add(
            Attendance,
            connection_id=row["id"],
            session_on=day,
            attended=attended,
            recorded_by_id=episode.worker_id,
            recorded_at=min(self._morning(day) + DAY, self.now),
        )
