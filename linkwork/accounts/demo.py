"""Synthetic organisations, schemes and staff for the demo area, Brackenfield (fictional)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.accounts.models import (
    TWO_FACTOR_ROLES,
    Membership,
    Organisation,
    OrganisationKind,
    PracticeListSize,
    Role,
    Scheme,
    User,
)

DEMO_PASSWORD = "brackenfield-demo-2026"  # noqa: S105 - printed for the demo on purpose
DEMO_EMAIL_DOMAIN = "demo.linkwork.invalid"

GP_PRACTICES = [
    "Alder Street Surgery",
    "Beckside Medical Practice",
    "Canal View Health Centre",
    "Dale Road Surgery",
    "Elmwood Family Practice",
    "Fernbank Medical Centre",
    "Greenhill Surgery",
    "Hollybush Health Centre",
]
OTHER_ORGANISATIONS = [
    ("Brackenfield Central Primary Care Network", OrganisationKind.PCN),
    ("Brackenfield General Hospital", OrganisationKind.HOSPITAL),
    ("Brackenfield City Council", OrganisationKind.LOCAL_AUTHORITY),
    ("Brackenfield Homes", OrganisationKind.HOUSING),
    ("Brackenfield Police, Neighbourhood Team", OrganisationKind.POLICE),
    ("Brackenfield Fire and Rescue", OrganisationKind.FIRE),
    ("Brackenfield Jobcentre", OrganisationKind.JOBCENTRE),
    ("Millbrook Primary School", OrganisationKind.SCHOOL),
    ("Brackenfield College", OrganisationKind.SCHOOL),
    ("St Aidan's Academy", OrganisationKind.SCHOOL),
    ("St Mary's Parish Church", OrganisationKind.FAITH),
    ("Brackenfield Central Mosque", OrganisationKind.FAITH),
    ("Gurdwara Sahib Brackenfield", OrganisationKind.FAITH),
    ("Brackenfield Methodist Circuit", OrganisationKind.FAITH),
]
VCSE_PREFIXES = [
    "Brackenfield",
    "Millbrook",
    "Beckside",
    "Canal Side",
    "Northgate",
    "Hollins",
    "Eastfield",
    "Riverside",
    "Westmoor",
    "Kirkstall Lane",
]
VCSE_KINDS = [
    "Community Association",
    "Age Well",
    "Carers' Centre",
    "Advice Centre",
    "Food Partnership",
    "Arts Collective",
    "Walking Club",
    "Men's Shed",
    "Women's Centre",
    "Wellbeing Trust",
    "Community Garden",
    "Recovery Network",
    "Digital Inclusion Project",
    "Refugee Welcome",
    "Bereavement Service",
    "Credit Union",
    "Youth Project",
    "Sports Trust",
    "Choir",
    "Volunteer Centre",
    "Housing Advice",
    "Befriending Scheme",
    "Family Hub",
    "Library Friends",
]
# Names for the link workers the demo adds when one scheme's referrals need more of them.
STAFF_FIRST_NAMES = (
    "Abigail Adam Aisha Alex Amanda Ben Bethan Caroline Chloe Chris Claire Daniel Deborah "
    "Eleanor Emeka Farah Fiona Gemma Hamza Hannah Ioana Jack Jasmine Joanne Jordan Kate "
    "Kieran Lauren Lucy Marcus Megan Mohammed Naomi Nadia Nathan Nicola Oliver Paul Rebecca "
    "Rhys Ruth Samir Sarah Shauna Simon Sophie Stuart Tariq Tom Vicky Wei Yasmin Zoe"
).split()
STAFF_FAMILY_NAMES = (
    "Adams Ahmed Akhtar Anderson Bailey Bell Bibi Brennan Campbell Carter Chowdhury Collins "
    "Cox Daly Dawson Ellis Fisher Foster Gallagher Graham Gray Hart Holmes Howard Iqbal "
    "Jenkins Kaur Lambert Lawson Malik Marshall Mason Mills Mistry Morgan Nolan Obi Osei "
    "Owen Palmer Parry Pearson Quinn Rahman Rees Riley Saunders Sharp Simpson Sutton Walsh "
    "Ward Watts Webb Yates"
).split()


@dataclass
class DemoAccounts:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    vcse: list[Organisation] = field(default_factory=list)
    schemes: list[Scheme] = field(default_factory=list)
    link_workers: dict[int, list[User]] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    # The link worker and the provider organisation whose logins the demo prints.
    demo_link_worker: User | None = None
    demo_provider_organisation: Organisation | None = None
    password: str = ""


def _totp_key(email: str) -> str:
    # A stable key per demo account, so a re-seeded demo keeps working in an authenticator app.
    return hashlib.sha256(f"linkwork-demo:{email}".encode()).hexdigest()[:40]


def demo_practices(accounts: DemoAccounts) -> list[Organisation]:
    return sorted(
        (
            org
            for org in accounts.organisations.values()
            if org.kind == OrganisationKind.GP_PRACTICE
        ),
        key=lambda org: org.ods_code,
    )


# A community organisation that has closed: inactive, so the admin's organisations list shows
# one, and no form offers it. Not among the organisations that refer in the demo.
CLOSED_ORGANISATION = "Old Mill Community Café"


def seed_closed_organisation() -> Organisation:
    return Organisation.objects.create(
        name=CLOSED_ORGANISATION, kind=OrganisationKind.VCSE, is_active=False
    )


def seed_list_sizes(
    *, rng: random.Random, practices: list[Organisation], today: dt.date
) -> list[PracticeListSize]:
    """List sizes for the demo practices, as of the first of this month and a year before:
    from about 3,000 to 16,000 patients (the spread of English practices), growing a little."""
    this_month = today.replace(day=1)
    year_before = this_month.replace(year=this_month.year - 1)
    rows = []
    for practice in practices:
        patients = rng.randrange(3_000, 16_000, 10)
        rows.append(
            PracticeListSize(
                practice=practice,
                extract_date=year_before,
                patients=round(patients * rng.uniform(0.95, 1.0)),
            )
        )
        rows.append(PracticeListSize(practice=practice, extract_date=this_month, patients=patients))
    return PracticeListSize.objects.bulk_create(rows)


def seed_accounts(*, rng: random.Random, vcse_count: int = 64) -> DemoAccounts:
    result = DemoAccounts()
    organisations = [
        Organisation(name=name, kind=OrganisationKind.GP_PRACTICE, ods_code=f"Z{90001 + i}")
        for i, name in enumerate(GP_PRACTICES)
    ] + [Organisation(name=name, kind=kind) for name, kind in OTHER_ORGANISATIONS]
    names = [f"{prefix} {kind}" for prefix in VCSE_PREFIXES for kind in VCSE_KINDS]
    rng.shuffle(names)
    vcse = [
        Organisation(name=name, kind=OrganisationKind.VCSE) for name in sorted(names[:vcse_count])
    ]
    vcse.insert(0, Organisation(name="Brackenfield Community Link", kind=OrganisationKind.VCSE))
    Organisation.objects.bulk_create(organisations + vcse)
    result.organisations = {org.name: org for org in organisations + vcse}
    result.vcse = vcse
    pcn = result.organisations["Brackenfield Central Primary Care Network"]
    charity = result.organisations["Brackenfield Community Link"]
    result.schemes = [
        Scheme.objects.create(
            name="Brackenfield Central PCN Social Prescribing",
            slug="brackenfield-central-pcn",
            host=pcn,
            catchment="The eight practices of Brackenfield Central PCN",
            catchment_postcode_districts=["BK1", "BK2", "BK3", "BK4", "BK5"],
        ),
        Scheme.objects.create(
            name="Brackenfield Community Link",
            slug="brackenfield-community-link",
            host=charity,
            catchment="All of Brackenfield, any route including self-referral",
            catchment_postcode_districts=[
                "BK1",
                "BK2",
                "BK3",
                "BK4",
                "BK5",
                "BK6",
                "BK7",
                "BK8",
                "BK9",
            ],
        ),
    ]
    password = result.password = make_password(DEMO_PASSWORD)
    people = _staff(result)
    users = [
        User(
            email=email,
            full_name=name,
            job_title=title,
            password=password,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        for email, name, title, role, _, _ in people
    ]
    User.objects.bulk_create(users)
    by_email = {user.email: user for user in users}
    memberships = []
    devices: list[TOTPDevice] = []
    for email, _, _, role, organisation, scheme in people:
        user = by_email[email]
        memberships.append(
            Membership(user=user, organisation=organisation, scheme=scheme, role=role)
        )
        if role in TWO_FACTOR_ROLES and not any(d.user_id == user.pk for d in devices):
            devices.append(
                TOTPDevice(
                    user=user, name="Demo authenticator", confirmed=True, key=_totp_key(email)
                )
            )
        if role == Role.LINK_WORKER and scheme is not None:
            result.link_workers.setdefault(scheme.pk, []).append(user)
            result.demo_link_worker = result.demo_link_worker or user
        if role == Role.PROVIDER and result.demo_provider_organisation is None:
            result.demo_provider_organisation = organisation
    Membership.objects.bulk_create(memberships)
    TOTPDevice.objects.bulk_create(devices)
    seen: set[Role] = set()
    for email, _, _, role, organisation, scheme in people:
        if role not in seen:
            seen.add(role)
            where = scheme.name if scheme else organisation.name
            result.logins.append((Role(role).label, email, where))
    return result


def add_link_workers(
    *, rng: random.Random, accounts: DemoAccounts, scheme: Scheme, count: int
) -> list[User]:
    """`count` more link workers for `scheme`, with names made up from `rng`, their
    memberships and authenticators, so the demo can share a large caseload out safely.
    They are added to `accounts.link_workers`."""
    taken = set(
        User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").values_list("email", flat=True)
    )
    password = accounts.password or make_password(DEMO_PASSWORD)
    users = []
    for _ in range(count):
        first, family = rng.choice(STAFF_FIRST_NAMES), rng.choice(STAFF_FAMILY_NAMES)
        handle = re.sub(r"[^a-z.]", "", f"lw.{first}.{family}".lower())
        email, serial = f"{handle}@{DEMO_EMAIL_DOMAIN}", 2
        while email in taken:
            email, serial = f"{handle}{serial}@{DEMO_EMAIL_DOMAIN}", serial + 1
        taken.add(email)
        users.append(
            User(
                email=email,
                full_name=f"{first} {family}",
                job_title="Link worker",
                password=password,
            )
        )
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(user=user, organisation=scheme.host, scheme=scheme, role=Role.LINK_WORKER)
        for user in users
    )
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="Demo authenticator", confirmed=True, key=_totp_key(user.email))
        for user in users
    )
    accounts.link_workers.setdefault(scheme.pk, []).extend(users)
    return users


def _staff(result: DemoAccounts) -> list[tuple[str, str, str, Role, Organisation, Scheme | None]]:
    org = result.organisations
    scheme_a, scheme_b = result.schemes
    pcn = scheme_a.host
    charity = scheme_b.host

    def email(handle: str) -> str:
        return f"{handle}@{DEMO_EMAIL_DOMAIN}"

    staff: list[tuple[str, str, str, Role, Organisation, Scheme | None]] = [
        (email("lw.amira"), "Amira Hussain", "Link worker", Role.LINK_WORKER, pcn, scheme_a),
        (
            email("lead.gareth"),
            "Gareth Price",
            "Social prescribing lead",
            Role.SCHEME_LEAD,
            pcn,
            scheme_a,
        ),
        (
            email("ref.alder"),
            "Dr Helen Okafor",
            "GP",
            Role.REFERRER,
            org["Alder Street Surgery"],
            None,
        ),
        (
            email("provider.age"),
            "Janet Moss",
            "Volunteer coordinator",
            Role.PROVIDER,
            result.vcse[1],
            None,
        ),
        (
            email("curator"),
            "Tomasz Nowak",
            "Directory curator",
            Role.CURATOR,
            org["Brackenfield City Council"],
            None,
        ),
        (email("analyst"), "Priya Desai", "Evaluation analyst", Role.ANALYST, pcn, None),
        (email("admin"), "Sam Whitaker", "System administrator", Role.ADMIN, pcn, None),
        (email("lw.dan"), "Dan Roberts", "Link worker", Role.LINK_WORKER, pcn, scheme_a),
        (email("lw.grace"), "Grace Mensah", "Link worker", Role.LINK_WORKER, pcn, scheme_a),
        (
            email("lw.owen"),
            "Owen Hughes",
            "Health and wellbeing coach",
            Role.LINK_WORKER,
            pcn,
            scheme_a,
        ),
        (
            email("lead.rachel"),
            "Rachel Ford",
            "Service manager",
            Role.SCHEME_LEAD,
            charity,
            scheme_b,
        ),
        (
            email("lw.kasia"),
            "Kasia Zielinska",
            "Community connector",
            Role.LINK_WORKER,
            charity,
            scheme_b,
        ),
        (
            email("lw.imran"),
            "Imran Ali",
            "Community connector",
            Role.LINK_WORKER,
            charity,
            scheme_b,
        ),
        (email("lw.beth"), "Beth Kirk", "Community connector", Role.LINK_WORKER, charity, scheme_b),
        (
            email("ref.council"),
            "Leon Grant",
            "Adult social care officer",
            Role.REFERRER,
            org["Brackenfield City Council"],
            None,
        ),
        (
            email("ref.housing"),
            "Maria Costa",
            "Tenancy sustainment officer",
            Role.REFERRER,
            org["Brackenfield Homes"],
            None,
        ),
        (
            email("ref.police"),
            "PC Joe Baker",
            "Neighbourhood officer",
            Role.REFERRER,
            org["Brackenfield Police, Neighbourhood Team"],
            None,
        ),
        (email("analyst.charity"), "Chloe Evans", "Impact officer", Role.ANALYST, charity, None),
    ]
    return staff
