"""Build the synthetic demo area, Brackenfield: organisations, schemes, staff, a community
directory, people and 18 months of referrals. Deterministic for a given --seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import time
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any, TypeVar

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from linkwork.accounts.demo import (
    DEMO_PASSWORD,
    DemoAccounts,
    add_link_workers,
    demo_practices,
    seed_accounts,
    seed_closed_organisation,
    seed_list_sizes,
)
from linkwork.accounts.models import Organisation, Role, Scheme, User
from linkwork.casework.demo import seed_casework
from linkwork.casework.demo_alerts import seed_alerts
from linkwork.casework.demo_appointments import seed_appointments
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection
from linkwork.notifications.demo import seed_mailboxes
from linkwork.outcomes.demo import seed_outcomes
from linkwork.outcomes.demo_eq5d import seed_eq5d
from linkwork.people.demo import generate_consents, generate_people, speak_welsh, welsh_speakers
from linkwork.people.models import Consent, Person
from linkwork.referrals.demo import (
    ReferralContext,
    assign_link_workers,
    generate_referrals,
    link_workers_needed,
)
from linkwork.referrals.demo_messages import seed_messages
from linkwork.referrals.lifecycle import OPEN_STATUSES
from linkwork.referrals.models import CodedEvent, Referral, StatusChange

M = TypeVar("M", bound=models.Model)
BATCH = 2000
DEMO_MARKER = "brackenfield-community-link"


def demo_loaded() -> bool:
    return Scheme.objects.filter(slug=DEMO_MARKER).exists()


def demo_places() -> list[tuple[str, str, int, str]]:
    """(postcode, LSOA, IMD decile, local authority) from the demo postcode and IMD tables
    shipped with the directory: the people's areas are those `import-postcodes` and
    `import-imd` would give them."""
    data = resources.files("linkwork.directory") / "data"
    with (data / "demo_imd.csv").open() as imd_file:
        deciles = {row["lsoa"]: int(row["imd_decile"]) for row in csv.DictReader(imd_file)}
    with (data / "demo_postcodes.csv").open() as postcode_file:
        return [
            (row["postcode"], row["lsoa"], deciles[row["lsoa"]], row["local_authority"])
            for row in csv.DictReader(postcode_file)
            if row["lsoa"] in deciles
        ]


def demo_logins(accounts: DemoAccounts | None = None) -> list[tuple[str, str, str]]:
    if accounts is not None:
        return accounts.logins
    logins: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for user in User.objects.filter(email__endswith="@demo.linkwork.invalid").order_by(
        "date_joined", "id"
    ):
        for membership in user.memberships.select_related("scheme", "organisation"):
            if membership.role not in seen:
                seen.add(membership.role)
                where = membership.scheme or membership.organisation
                logins.append((Role(membership.role).label, user.email, str(where)))
    return logins


class Command(BaseCommand):
    help = "Load the synthetic Brackenfield demo area (safe to run twice: it loads once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people", type=int, default=2000, help="How many people (default 2000)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 1:
            raise CommandError("--people must be at least 1.")
        if demo_loaded():
            self.stdout.write("Demo data is already loaded; nothing to do.")
            return
        started = time.monotonic()
        rng = random.Random(options["seed"])
        quiet = options["quiet"]
        now = timezone.now()
        with transaction.atomic():
            accounts = seed_accounts(rng=rng)
            directory = self._seed_directory(rng, accounts)
            practices = demo_practices(accounts)
            # Each practice's secure mailbox, so messages back go to the practice by email.
            seed_mailboxes(practices=practices)
            people = list(
                generate_people(
                    rng=rng,
                    count=options["people"],
                    today=now.date(),
                    places=demo_places(),
                    practices=practices,
                )
            )
            # A few Welsh speakers, whose messages and letters are in Welsh.
            welsh_speakers(people)
            self._bulk(Person, people, "people", quiet)
            context = ReferralContext(
                schemes=accounts.schemes,
                organisations=list(Organisation.objects.all()),
                staff=[user for users in accounts.link_workers.values() for user in users],
            )
            referrals, changes, events = generate_referrals(
                rng=rng, people=people, now=now, context=context
            )
            self._share_caseloads(rng, accounts, referrals, now)
            self._welsh_speaker_for(accounts.demo_link_worker, referrals)
            self._bulk(Referral, referrals, "referrals", quiet)
            self._bulk(StatusChange, changes, "status history", quiet)
            self._bulk(CodedEvent, events, "coded events", quiet)
            self._bulk(Consent, list(generate_consents(rng=rng, people=people)), "consents", quiet)
            seed_list_sizes(rng=rng, practices=practices, today=now.date())
            casework = seed_casework(rng=rng, referrals=referrals, changes=changes, now=now)
            # This week's diaries, from a random stream of their own so the data above stay as
            # they were for a given seed.
            seed_appointments(rng=random.Random(f"appointments-{options['seed']}"), now=now)
            measures = seed_outcomes(
                rng=rng,
                referrals=referrals,
                changes=changes,
                now=now,
                focus_worker_id=accounts.demo_link_worker.pk if accounts.demo_link_worker else None,
            )
            # EQ-5D-5L for the evaluation's QALYs, from a random stream of its own so the
            # demo data above stay as they were for a given seed.
            went = Connection._default_manager.filter(
                status__in=[ConnectionStatus.IN_PROGRESS, ConnectionStatus.COMPLETED]
            ).values_list("referral_id", flat=True)
            measures += seed_eq5d(
                rng=random.Random(f"eq5d-{options['seed']}"),
                referrals=referrals,
                changes=changes,
                now=now,
                connected=set(went),
            )
            # Texts delivered and one not, replies on cases and one to match, letters to print.
            seed_messages(
                rng=random.Random(f"messages-{options['seed']}"),
                referrals=referrals,
                now=now,
                focus_worker_id=accounts.demo_link_worker.pk if accounts.demo_link_worker else None,
            )
            # Synthetic GP and hospital records, kept by insights (by name: web and insights
            # share a floor and import nothing from each other).
            call_command("seed_clinical_demo", seed=options["seed"], stdout=self.stdout)
            # A few rights requests for the admin's records and rights pages (records sits
            # above web, so by name).
            call_command("seed_rights_demo", stdout=self.stdout)
            # Supervision, training, wellbeing and the peer network (support shares web's
            # floor, so by name).
            call_command("seed_support_demo", seed=options["seed"], stdout=self.stdout)
            # Groups with their sessions and registers (groups shares web's floor, so by name).
            call_command("seed_groups_demo", seed=options["seed"], stdout=self.stdout)
            # The schemes' self-assessments and action plans (the health check stands above
            # web, so by name).
            call_command("seed_health_check_demo", stdout=self.stdout)
            # Feedback from people and a live link to a person's own prescription (the
            # prescription app stands above web, so by name).
            call_command("seed_prescription_demo", seed=options["seed"], stdout=self.stdout)
            # Each link worker's and scheme lead's notifications, about their own cases.
            seed_alerts(rng=random.Random(f"alerts-{options['seed']}"), now=now)
            # Last, so the referrals above never name it.
            seed_closed_organisation()
        # Bulk inserts skip the saves that keep the dashboards' facts current: write them all.
        call_command("insights", "refresh", stdout=io.StringIO())
        # Fresh planner statistics after a bulk load, as autovacuum or `PRAGMA optimize`
        # would give later: without them the first pages may pick slow plans. PostgreSQL's
        # VACUUM also marks the freshly written pages all-visible, as autovacuum would, so
        # counts can be answered from an index alone (outside a transaction, as it must be).
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute("VACUUM (ANALYZE)")
            else:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(people):,} people, {len(referrals):,} referrals, "
                f"{len(changes):,} status changes, {casework.get('contact', 0):,} contacts, "
                f"{casework.get('connection', 0):,} connections, {measures:,} outcome measures and "
                f"{directory.get('services', 0):,} directory services in {elapsed:.1f}s."
            )
        )
        self.stdout.write(format_logins(demo_logins(accounts)))

    def _seed_directory(self, rng: random.Random, accounts: DemoAccounts) -> dict[str, int]:
        from linkwork.directory.demo import seed_directory

        link_workers = [user for users in accounts.link_workers.values() for user in users]
        return seed_directory(
            rng=rng,
            account_organisations=accounts.vcse,
            tip_authors=link_workers,
            demo_provider=accounts.demo_provider_organisation,
        )

    def _share_caseloads(
        self,
        rng: random.Random,
        accounts: DemoAccounts,
        referrals: Sequence[Referral],
        now: dt.datetime,
    ) -> None:
        """Enough link workers in each scheme to keep every caseload below its limits, then
        each referral a link worker has taken on given to one of them."""
        busy = accounts.demo_link_worker
        for scheme in accounts.schemes:
            named = accounts.link_workers.get(scheme.pk, [])
            needed = link_workers_needed(
                referrals=referrals, scheme=scheme, now=now, near_limit=busy in named
            )
            if needed > len(named):
                add_link_workers(
                    rng=rng, accounts=accounts, scheme=scheme, count=needed - len(named)
                )
        assign_link_workers(
            rng=rng,
            referrals=referrals,
            link_workers=accounts.link_workers,
            now=now,
            near_limit=busy,
        )

    def _welsh_speaker_for(self, worker: User | None, referrals: Sequence[Referral]) -> None:
        """The demo link worker's first open case is a Welsh speaker, so they meet one."""
        mine = [r for r in referrals if worker is not None and r.link_worker_id == worker.pk]
        open_cases = [r for r in mine if r.status in OPEN_STATUSES]
        if open_cases and open_cases[0].person.preferred_language != "cy":
            person = open_cases[0].person
            speak_welsh(person, 0)
            person.save(update_fields=["given_name", "preferred_language", "interpreter_needed"])

    def _bulk(self, model: type[M], rows: Sequence[M], label: str, quiet: bool) -> None:
        with tqdm(total=len(rows), desc=f"Loading {label}", unit=" rows", disable=quiet) as bar:
            for batch in _batches(rows, BATCH):
                model._default_manager.bulk_create(batch)
                bar.update(len(batch))


def format_logins(logins: list[tuple[str, str, str]]) -> str:
    lines = [f"\nDemo logins (password for all: {DEMO_PASSWORD})"]
    lines += [f"  {role:<18} {email:<38} {where}" for role, email, where in logins]
    lines.append(
        "Two-factor: the demo shows each account's current security code on the code page."
    )
    return "\n".join(lines)


def _batches(rows: Sequence[M], size: int) -> Iterable[Sequence[M]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
