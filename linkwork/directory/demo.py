"""Seeds the demo with a realistic, entirely synthetic directory for Brackenfield.

Deterministic for a given random generator, so a demo (and a bug report about it) can be
reproduced; fast, because every table is written with one bulk insert.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from linkwork.accounts.models import Organisation, User
from linkwork.directory import demo_catalogue as catalogue
from linkwork.directory.geography import import_imd, import_postcodes
from linkwork.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Capacity,
    Contact,
    CostOption,
    DeliveryMode,
    Entity,
    Frequency,
    Funding,
    Language,
    LinkType,
    Location,
    LocationType,
    Metadata,
    MetadataAction,
    Organization,
    Phone,
    PhoneType,
    Postcode,
    ReferralRoute,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    ServiceTip,
    TipStatus,
)
from linkwork.directory.taxonomy import bundled_data, ensure_linkwork_taxonomy, term_id
from linkwork.vocabulary.categories import AUDIENCES, DEFINITION, TAXONOMY_NAME

ASSURER_EMAIL = "directory@brackenfield-cva.example"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
DAY_NAMES = {
    "MO": "Mondays",
    "TU": "Tuesdays",
    "WE": "Wednesdays",
    "TH": "Thursdays",
    "FR": "Fridays",
    "SA": "Saturdays",
    "SU": "Sundays",
}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}
CONTACT_TITLES = (
    "Group organiser",
    "Volunteer coordinator",
    "Project worker",
    "Reception",
    "Service manager",
)
# Services whose extra languages come from their organisation; others rarely have any.
EXTRA_LANGUAGES = ("pl", "ur", "pa", "bn", "ar", "so", "ro")


@dataclass
class Venue:
    kind: str
    area: str
    location: Location


def load_demo_lookups() -> dict[str, int]:
    """Load the synthetic Brackenfield postcodes and IMD deciles (idempotent)."""
    data = bundled_data()
    postcodes = import_postcodes(
        data.joinpath("demo_postcodes.csv").read_text("utf-8").splitlines()
    )
    deciles = import_imd(data.joinpath("demo_imd.csv").read_text("utf-8").splitlines())
    if postcodes.rejected or deciles.rejected:
        raise ValueError("The bundled demo postcode or IMD file has invalid rows.")
    return {"postcodes": postcodes.imported, "imd_deciles": deciles.imported}


class _Seeder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.rows: dict[type[models.Model], list[Any]] = defaultdict(list)
        self.phone_serial = 0
        self.freephone_serial = 0
        self.names: set[str] = set()
        self.org_languages: dict[uuid.UUID, tuple[str, ...]] = {}
        self.org_slugs: dict[str, Organization] = {}

    # Helpers --------------------------------------------------------------------------------

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, row: models.Model) -> Any:
        self.rows[type(row)].append(row)
        return row

    def phone_number(self, *, freephone: bool = False) -> str:
        # Ofcom's drama ranges: never a real line.
        if freephone:
            self.freephone_serial += 1
            return f"0808 157 0{self.freephone_serial:03d}"
        self.phone_serial += 1
        return f"0113 496 0{self.phone_serial:03d}"

    def moment(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randint(8, 17), self.rng.randint(0, 59)), UTC)

    # Organisations -------------------------------------------------------------------------

    def organizations(
        self, account_organisations: Sequence[Organisation]
    ) -> tuple[dict[str, list[Organization]], list[Organization]]:
        by_name = {o.name.casefold(): o for o in account_organisations}
        by_category: dict[str, list[Organization]] = defaultdict(list)
        for spec in catalogue.ORGANIZATIONS:
            org = self.organization(
                name=spec.name,
                slug=spec.slug,
                description=spec.description,
                legal_status=spec.legal_status,
                account=by_name.pop(spec.name.casefold(), None),
            )
            self.org_languages[org.id] = spec.languages
            self.org_slugs[spec.slug] = org
            for category in spec.categories:
                by_category[category].append(org)
        # Account organisations without a namesake above get a listing of their own, and a
        # share of the services, so their providers have something to keep up to date.
        linked = [
            self.organization(
                name=account.name,
                slug=slugify(account.name)[:40] or "organisation",
                description=f"{account.name} runs community activities and support in "
                "Brackenfield.",
                legal_status="Registered charity",
                account=account,
            )
            for account in account_organisations
            if account.name.casefold() in by_name
        ]
        return by_category, linked

    def organization(
        self,
        *,
        name: str,
        slug: str,
        description: str,
        legal_status: str,
        account: Organisation | None,
    ) -> Organization:
        org = self.add(
            Organization(
                id=self.uuid(),
                name=name,
                description=description,
                email=f"hello@{slug}.example",
                website=f"https://{slug}.example/",
                legal_status=legal_status,
                year_incorporated=self.rng.randint(1972, 2022),
                account_organisation=account,
                last_modified=self.moment(self.today - timedelta(days=self.rng.randint(1, 400))),
            )
        )
        self.add(
            Phone(
                id=self.uuid(),
                organization=org,
                number=self.phone_number(),
                type=PhoneType.VOICE,
                description="Main office.",
            )
        )
        return org

    # Venues --------------------------------------------------------------------------------

    def venues(self) -> list[Venue]:
        pools: dict[str, list[Postcode]] = defaultdict(list)
        for row in Postcode.objects.filter(postcode__startswith="BK").order_by("postcode"):
            pools[row.postcode.split(" ")[0]].append(row)
        venues: list[Venue] = []
        seen: set[str] = set()
        for district, area in catalogue.AREAS.items():
            for kind, (templates, chance) in catalogue.VENUES.items():
                if self.rng.random() >= chance and not (district == "BK1" and kind == "office"):
                    continue
                name = self.rng.choice(templates).format(area=area)
                if name in seen:
                    continue
                seen.add(name)
                venues.append(self.venue(kind, area, name, self.rng.choice(pools[district])))
        return venues

    def venue(self, kind: str, area: str, name: str, postcode: Postcode) -> Venue:
        location = self.add(
            Location(
                id=self.uuid(),
                location_type=LocationType.PHYSICAL,
                name=name,
                latitude=postcode.latitude,
                longitude=postcode.longitude,
                transportation=self.rng.choice(catalogue.TRANSPORT),
            )
        )
        self.add(
            Address(
                id=self.uuid(),
                location=location,
                address_1=f"{self.rng.randint(1, 140)} {self.rng.choice(catalogue.STREETS)}",
                city="Brackenfield",
                region=area if area != "Brackenfield" else "",
                state_province="West Yorkshire",
                postal_code=postcode.postcode,
                country="GB",
            )
        )
        for description, details in self.rng.sample(
            catalogue.ACCESSIBILITY, self.rng.randint(1, 3)
        ):
            self.add(
                Accessibility(
                    id=self.uuid(), location=location, description=description, details=details
                )
            )
        return Venue(kind, area, location)

    # Services ------------------------------------------------------------------------------

    def services(
        self,
        venues: list[Venue],
        by_category: dict[str, list[Organization]],
        linked: list[Organization],
    ) -> None:
        by_slug = self.org_slugs
        fallback = by_category["volunteering"]
        for kind in catalogue.CATALOGUE:
            hosts = [by_slug[s] for s in kind.hosts] or by_category.get(kind.category) or fallback
            candidates = [v for v in venues if v.kind in kind.venues] or venues
            for index in range(kind.count):
                name, venue = self.place(kind, index, candidates)
                org = self.rng.choice(hosts)
                if linked and self.rng.random() < 0.12:
                    org = self.rng.choice(linked)
                self.service(kind, name, org, venue)
        self.share_with(linked)

    def place(
        self, kind: catalogue.ServiceKind, index: int, candidates: list[Venue]
    ) -> tuple[str, Venue | None]:
        """A venue for the next service of this kind, and a name no other service has."""
        template = kind.names[index % len(kind.names)]
        venue = self.rng.choice(candidates) if kind.venues else None
        name = self.fill(template, venue)
        for _ in range(12):
            if name not in self.names or venue is None or "{" not in template:
                break
            venue = self.rng.choice(candidates)
            name = self.fill(template, venue)
        if name in self.names and venue is not None:
            name = f"{name} ({venue.area})"
        base, serial = name, 2
        while name in self.names:
            name, serial = f"{base} {serial}", serial + 1
        self.names.add(name)
        return name, venue

    def fill(self, template: str, venue: Venue | None) -> str:
        if venue is None:
            return template.format(area="Brackenfield", venue="")
        return template.format(area=venue.area, venue=venue.location.name)

    def service(
        self,
        kind: catalogue.ServiceKind,
        name: str,
        org: Organization,
        venue: Venue | None,
    ) -> None:
        rng = self.rng
        status_roll = rng.random()
        status = (
            ServiceStatus.TEMPORARILY_CLOSED
            if status_roll < 0.05
            else ServiceStatus.INACTIVE
            if status_roll < 0.08
            else ServiceStatus.ACTIVE
        )
        capacity_roll = rng.random()
        capacity = (
            Capacity.FULL
            if capacity_roll < 0.07
            else Capacity.WAITING_LIST
            if capacity_roll < 0.25
            else Capacity.ACCEPTING
        )
        route = ReferralRoute.REFERRAL if rng.random() < kind.referral else ReferralRoute.SIGNPOST
        modes = set(kind.modes)
        if venue is None:
            modes.discard(DeliveryMode.IN_PERSON)
            modes = modes or {DeliveryMode.PHONE}
        elif kind.format == "group" and rng.random() < 0.08:
            modes.add(DeliveryMode.ONLINE)  # hybrid sessions
        free = rng.random() < kind.free
        price = Decimal(rng.choice(kind.price))
        assured = self.today - timedelta(days=rng.randint(2, 548))
        modified = assured + timedelta(days=rng.randint(0, (self.today - assured).days))
        funded = rng.random() < (0.3 if route == ReferralRoute.REFERRAL else 0.05)
        languages = ["en", *self.org_languages.get(org.id, ())]
        if len(languages) == 1 and rng.random() < 0.08:
            languages.append(rng.choice(EXTRA_LANGUAGES))

        service = self.add(
            Service(
                id=self.uuid(),
                organization=org,
                name=name,
                description=self.fill(rng.choice(kind.descriptions), venue),
                url=f"{org.website}{slugify(name)[:60]}/",
                email=org.email,
                status=status,
                alert=self.alert(status),
                fees_description="Free." if free else f"£{price} per session.",
                eligibility_description=self.eligibility(kind),
                minimum_age=kind.min_age,
                maximum_age=kind.max_age,
                application_process=self.application(route, kind.format, venue),
                interpretation_services=self.interpretation(languages, kind.format),
                wait_time=self.wait(capacity),
                assured_date=assured,
                assurer_email=ASSURER_EMAIL,
                last_modified=self.moment(modified),
                delivers_in_person=DeliveryMode.IN_PERSON in modes,
                delivers_online=DeliveryMode.ONLINE in modes,
                delivers_by_phone=DeliveryMode.PHONE in modes,
                referral_route=route,
                capacity=capacity,
                format=kind.format,
                funded_for_social_prescribing=funded,
                funding_note=self.funding_note(funded),
            )
        )
        sal = None
        if venue is not None:
            sal = self.add(
                ServiceAtLocation(id=self.uuid(), service=service, location=venue.location)
            )
        self.schedules(service, sal, kind.schedule)
        self.costs(service, free, price)
        for code in languages:
            self.add(
                Language(
                    id=self.uuid(),
                    service=service,
                    name=catalogue.LANGUAGES[code],
                    code=code,
                )
            )
        self.attributes(service, kind)
        self.contact_details(service, org, modes)
        self.add(
            ServiceArea(
                id=self.uuid(),
                service=service,
                name=venue.area if venue and rng.random() < 0.3 else "Brackenfield",
                description="Open to people living in Brackenfield and the villages around it.",
                extent_type="text",
            )
        )
        if funded or rng.random() < 0.4:
            self.add(Funding(id=self.uuid(), service=service, source=rng.choice(catalogue.FUNDERS)))
        self.add(
            Metadata(
                id=self.uuid(),
                resource_id=service.id,
                resource_type=Entity.SERVICE,
                last_action_date=self.moment(assured - timedelta(days=rng.randint(30, 900))),
                last_action_type=MetadataAction.CREATE,
                updated_by="Linkwork demo",
            )
        )

    def alert(self, status: str) -> str:
        if status == ServiceStatus.TEMPORARILY_CLOSED:
            return self.rng.choice(catalogue.ALERTS_CLOSED)
        if status == ServiceStatus.INACTIVE:
            return "Not running at the moment."
        return ""

    def eligibility(self, kind: catalogue.ServiceKind) -> str:
        if kind.eligibility:
            return kind.eligibility
        audiences = [AUDIENCES[slug].name for slug in kind.audiences]
        if kind.min_age is not None and kind.max_age is not None:
            ages = f"People aged {kind.min_age} to {kind.max_age}."
        elif kind.min_age is not None:
            ages = (
                f"Adults aged {kind.min_age} and over."
                if kind.min_age >= 18
                else (f"People aged {kind.min_age} and over.")
            )
        else:
            ages = "Everyone welcome, including families."
        return " ".join([*(f"{a}." for a in audiences), ages])

    def application(self, route: str, service_format: str, venue: Venue | None) -> str:
        if route == ReferralRoute.REFERRAL:
            return (
                "Link workers and other professionals can refer through Linkwork. You can "
                "also contact us yourself."
            )
        if service_format == "group" and venue is not None:
            return "Just come along; there is no need to book."
        return "Contact us to book an appointment."

    def interpretation(self, languages: list[str], service_format: str) -> str:
        extra = [catalogue.LANGUAGES[c] for c in languages if c != "en"]
        if extra:
            return f"Staff and volunteers speak {', '.join(extra)}."
        if service_format == "one_to_one" and self.rng.random() < 0.4:
            return "Telephone interpreters can be booked for appointments."
        return ""

    def wait(self, capacity: str) -> str:
        if capacity == Capacity.WAITING_LIST:
            return self.rng.choice(("About 4 weeks.", "6 to 8 weeks.", "About 3 months."))
        if capacity == Capacity.FULL:
            return "Full at the moment; ask to join the waiting list when it reopens."
        return ""

    def funding_note(self, funded: bool) -> str:
        if funded:
            return "Funded to take social prescribing referrals until March 2027."
        return self.rng.choice(
            (
                "Runs on volunteers and donations; not funded for referrals.",
                "Grant-funded; no extra funding for social prescribing referrals.",
                "",
            )
        )

    def schedules(self, service: Service, sal: ServiceAtLocation | None, shape: str) -> None:
        rng = self.rng
        day = rng.choice(WEEKDAYS)
        rules: list[dict[str, Any]]
        if shape == "weekdays":
            start = rng.choice((time(9), time(9, 30)))
            rules = [{"byday": ",".join(WEEKDAYS), "opens": start, "closes": time(16, 30)}]
        elif shape == "evening_line":
            rules = [{"byday": "MO,TU,WE,TH,FR,SA,SU", "opens": time(18), "closes": time(23)}]
        elif shape == "saturday":
            rules = [{"byday": "SA", "opens": time(9), "closes": time(10, 30)}]
        elif shape == "twice_weekly":
            first, second = sorted(rng.sample(range(5), 2))
            byday = f"{WEEKDAYS[first]},{WEEKDAYS[second]}"
            rules = [{"byday": byday, "opens": time(10), "closes": time(13)}]
        elif shape == "monthly":
            week = rng.randint(1, 4)
            rules = [
                {
                    "byday": f"{week}{day}",
                    "freq": Frequency.MONTHLY,
                    "opens": time(rng.choice((10, 14, 18))),
                    "closes": None,
                }
            ]
        else:
            start = {
                "morning": rng.choice((time(9, 30), time(10), time(10, 30))),
                "afternoon": rng.choice((time(13), time(13, 30), time(14))),
                "lunch": rng.choice((time(11, 30), time(12))),
                "evening": rng.choice((time(18), time(18, 30), time(19))),
                "fortnightly": rng.choice((time(10), time(13, 30), time(18, 30))),
                "course": rng.choice((time(10), time(13, 30), time(18))),
            }[shape]
            rules = [{"byday": day, "opens": start, "closes": None}]
            if shape == "evening" and day == "FR":
                rules[0]["byday"] = "TH"
            if shape == "fortnightly":
                rules[0]["interval"] = 2
            if shape == "course":
                begins = self.today + timedelta(days=rng.randint(-40, 60))
                weeks = rng.choice((6, 8, 12))
                rules[0].update(
                    valid_from=begins,
                    valid_to=begins + timedelta(weeks=weeks),
                    count=weeks,
                    note=f"A {weeks}-week course; new courses start through the year.",
                )
        for rule in rules:
            opens: time = rule["opens"]
            closes: time = rule["closes"] or time(min(opens.hour + 2, 23), opens.minute)
            freq = rule.get("freq", Frequency.WEEKLY)
            self.add(
                Schedule(
                    id=self.uuid(),
                    service=service,
                    service_at_location=sal,
                    freq=freq,
                    interval=rule.get("interval", 1),
                    byday=rule["byday"],
                    opens_at=opens,
                    closes_at=closes,
                    valid_from=rule.get("valid_from"),
                    valid_to=rule.get("valid_to"),
                    dtstart=rule.get("valid_from"),
                    count=rule.get("count"),
                    description=self.describe(rule["byday"], freq, rule.get("interval", 1))
                    + f", {opens:%H:%M} to {closes:%H:%M}.",
                    notes=rule.get("note", ""),
                    attending_type="In person" if sal is not None else "By phone or online",
                )
            )

    def describe(self, byday: str, freq: str, interval: int) -> str:
        if freq == Frequency.MONTHLY:
            return f"The {ORDINALS[int(byday[0])]} {DAY_NAMES[byday[1:]][:-1]} of each month"
        if byday == ",".join(WEEKDAYS):
            return "Monday to Friday"
        if byday.count(",") == 6:
            return "Every day"
        days = " and ".join(DAY_NAMES[d] for d in byday.split(","))
        return f"Every other week on {days}" if interval == 2 else days

    def costs(self, service: Service, free: bool, price: Decimal) -> None:
        if free:
            self.add(
                CostOption(
                    id=self.uuid(),
                    service=service,
                    option="Everyone",
                    amount=Decimal("0.00"),
                    amount_description="Free",
                )
            )
            return
        self.add(
            CostOption(
                id=self.uuid(),
                service=service,
                option="Per session",
                amount=price,
                amount_description="per session",
            )
        )
        if self.rng.random() < 0.5:
            self.add(
                CostOption(
                    id=self.uuid(),
                    service=service,
                    option="Concessions",
                    amount=(price / 2).quantize(Decimal("0.01")),
                    amount_description="per session, for people on benefits or a low income",
                )
            )

    def attributes(self, service: Service, kind: catalogue.ServiceKind) -> None:
        extra = self.rng.sample(kind.also, self.rng.randint(0, min(2, len(kind.also))))
        for slug in [kind.category, *extra]:
            self.add(
                Attribute(
                    id=self.uuid(),
                    link_id=service.id,
                    link_entity=Entity.SERVICE,
                    link_type=LinkType.CATEGORY,
                    taxonomy_term_id=term_id(TAXONOMY_NAME, slug),
                )
            )
        audience_taxonomy = DEFINITION.audiences.name if DEFINITION.audiences else ""
        for slug in kind.audiences:
            self.add(
                Attribute(
                    id=self.uuid(),
                    link_id=service.id,
                    link_entity=Entity.SERVICE,
                    link_type=LinkType.AUDIENCE,
                    taxonomy_term_id=term_id(audience_taxonomy, slug),
                )
            )

    def contact_details(self, service: Service, org: Organization, modes: set[str]) -> None:
        rng = self.rng
        if rng.random() < 0.6:
            self.add(
                Contact(
                    id=self.uuid(),
                    service=service,
                    title=rng.choice(CONTACT_TITLES),
                    email=org.email,
                )
            )
        if DeliveryMode.PHONE in modes:
            self.add(
                Phone(
                    id=self.uuid(),
                    service=service,
                    number=self.phone_number(freephone=True),
                    type=PhoneType.VOICE,
                    description="Free to call from landlines and mobiles.",
                )
            )
        elif rng.random() < 0.7:
            self.add(
                Phone(
                    id=self.uuid(),
                    service=service,
                    number=self.phone_number(),
                    type=PhoneType.VOICE,
                    description="Call to ask about places.",
                )
            )

    def share_with(self, linked: list[Organization]) -> None:
        """Every account-linked listing gets at least three services to look after."""
        services: list[Service] = self.rows[Service]
        for org in linked:
            own = sum(1 for s in services if s.organization is org)
            if own < 3:
                for service in self.rng.sample(services, 3 - own):
                    self.hand_over(service, org)

    @staticmethod
    def hand_over(service: Service, org: Organization) -> None:
        service.organization = org
        service.email = org.email
        service.url = f"{org.website}{slugify(service.name)[:60]}/"

    def for_demo_provider(self, account: Organisation) -> None:
        """The demo provider's organisation also runs services that take referrals: two open
        to new people, one with a waiting list and one paused, so each part of its inbox
        has something in it. They come from organisations no one signs in for."""
        org = next(
            (o for o in self.rows[Organization] if o.account_organisation_id == account.pk), None
        )
        if org is None:
            return
        spare = [
            s
            for s in self.rows[Service]
            if s.referral_route == ReferralRoute.REFERRAL
            and s.organization.account_organisation_id is None
        ]
        active = [s for s in spare if s.status == ServiceStatus.ACTIVE]
        kinds = [
            [s for s in active if s.capacity == Capacity.ACCEPTING],
            [s for s in active if s.capacity == Capacity.ACCEPTING],
            [s for s in active if s.capacity == Capacity.WAITING_LIST],
            [s for s in active if s.capacity == Capacity.FULL]
            + [s for s in spare if s.status == ServiceStatus.TEMPORARILY_CLOSED],
        ]
        chosen: list[Service] = []
        for candidates in kinds:
            left = [s for s in candidates if s not in chosen]
            if left:
                chosen.append(self.rng.choice(left))
        for service in chosen:
            self.hand_over(service, org)

    def tips(self, authors: Sequence[User]) -> None:
        if not authors:
            return
        services: list[Service] = self.rows[Service]
        for service in self.rng.sample(services, min(40, len(services))):
            self.add(
                ServiceTip(
                    id=self.uuid(),
                    service=service,
                    author=self.rng.choice(authors),
                    text=self.rng.choice(catalogue.TIPS),
                    created_at=self.moment(self.today - timedelta(days=self.rng.randint(1, 300))),
                    # The demo's tips are shown, as if a curator had checked them.
                    status=TipStatus.APPROVED,
                )
            )

    def save(self) -> dict[str, int]:
        # Parents before children, one insert per table.
        order: list[tuple[str, type[models.Model]]] = [
            ("organizations", Organization),
            ("locations", Location),
            ("addresses", Address),
            ("accessibility", Accessibility),
            ("services", Service),
            ("service_at_locations", ServiceAtLocation),
            ("contacts", Contact),
            ("phones", Phone),
            ("schedules", Schedule),
            ("cost_options", CostOption),
            ("languages", Language),
            ("service_areas", ServiceArea),
            ("funding", Funding),
            ("attributes", Attribute),
            ("metadata", Metadata),
            ("service_tips", ServiceTip),
        ]
        counts: dict[str, int] = {}
        for key, model in order:
            rows = self.rows.get(model, [])
            if model is Service:
                # bulk_create skips save(), which keeps the plain text that search reads.
                for service in rows:
                    service.refresh_text()
            model._default_manager.bulk_create(rows, batch_size=500)
            counts[key] = len(rows)
        return counts


def seed_directory(
    *,
    rng: random.Random,
    account_organisations: list[Organisation],
    tip_authors: Sequence[User] = (),
    today: date | None = None,
    demo_provider: Organisation | None = None,
) -> dict[str, int]:
    """Create the synthetic Brackenfield directory and return how many rows of each kind.

    One listing per given account organisation (pass the voluntary-sector ones), linked so
    its providers can edit it, plus the town's other organisations; about 280 services across all
    categories. `tip_authors` (link workers), when given, write a few private tips.
    `demo_provider`, one of the account organisations, looks after services that take
    referrals in every state its provider's inbox shows.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        counts = load_demo_lookups()
        ensure_linkwork_taxonomy()
        seeder = _Seeder(rng, today)
        by_category, linked = seeder.organizations(account_organisations)
        venues = seeder.venues()
        seeder.services(venues, by_category, linked)
        if demo_provider is not None:
            seeder.for_demo_provider(demo_provider)
        seeder.tips(tip_authors)
        counts.update(seeder.save())
    return counts
