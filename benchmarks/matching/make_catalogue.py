"""Write `services.json`: the synthetic Open Referral UK catalogue of Calderbrook, a fictional
town, for the matching evaluation (`benchmarks/matching_quality.py`).

Everything here is invented. Names may resemble real places or groups by chance; none is
meant. Web addresses use the reserved `.example` domain. Each service has a stable `key` (its
`url` ends with it) and its id is a UUID5 of the key. Venue coordinates are jittered around
each neighbourhood's centre with a seeded generator, so the output is the same on every run:

    PYTHONPATH=. python benchmarks/matching/make_catalogue.py

The social prescribing facts travel as service attributes whose taxonomy term has taxonomy
"linkwork" (`category:social`, `delivery:online`, `audience:women_only`, ...), as the
directory's ORUK export writes them. Assured dates are days before the evaluation date fixed
in `personas.toml` (2026-11-01); a few are older than the 365-day stale limit, one was never
checked, and a few services are not active, so the hard constraints have work to do.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import uuid
from dataclasses import dataclass, field
from typing import Any, Final

from benchmarks.matching import CATALOGUE, NAMESPACE, service_id

SEED: Final = 20261101
EVALUATION_DATE: Final = dt.date(2026, 11, 1)

# Neighbourhood -> (name, latitude, longitude). The centre is the old market town; the
# others ring it at 2 to 5 km; Oakvale and Rawbridge are villages 7 to 8 km out.
AREAS: Final = {
    "cen": ("Calderbrook town centre", 53.8000, -1.5500),
    "mil": ("Millbrook", 53.8120, -1.5720),
    "eas": ("Eastgate", 53.7970, -1.5180),
    "hol": ("Holmfield", 53.7830, -1.5560),
    "kir": ("Kirkley", 53.8260, -1.5380),
    "wes": ("Westcroft", 53.8040, -1.6050),
    "san": ("Sandhill", 53.7720, -1.5220),
    "nor": ("Northwood", 53.8420, -1.5660),
    "oak": ("Oakvale", 53.8600, -1.4800),
    "raw": ("Rawbridge", 53.7450, -1.6100),
}
LANGUAGE_NAMES: Final = {
    "en": "English",
    "pl": "Polish",
    "ur": "Urdu",
    "pa": "Punjabi",
    "ar": "Arabic",
    "ro": "Romanian",
    "hi": "Hindi",
    "bn": "Bengali",
}


@dataclass
class Spec:
    key: str
    area: str
    name: str
    org: str
    categories: tuple[str, ...]
    description: str
    audiences: tuple[str, ...] = ()
    delivery: tuple[str, ...] = ("in_person",)
    formats: tuple[str, ...] = ("group",)
    price: str = ""  # empty: free for everyone
    route: str = "signpost"
    capacity: str = "accepting"
    ages: tuple[int | None, int | None] = (None, None)
    languages: tuple[str, ...] = ()
    schedule: str = ""  # "TU 10:00-12:00, TH 13:30-15:30"
    checked: int | None = None  # days before the evaluation date; None: recent; -1: never
    status: str = "active"
    venue: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


S = Spec
SPECS: list[Spec] = []


def add(*specs: Spec) -> None:
    SPECS.extend(specs)


# --- Social groups and activities ------------------------------------------------------------

for area, day in (("cen", "TU"), ("hol", "TH"), ("nor", "WE")):
    add(
        S(
            f"lunch-club-{area}",
            area,
            f"Friendship Lunch Club, {AREAS[area][0]}",
            "Calderbrook Age Well",
            ("social", "food"),
            "A hot two-course lunch and good company every week for people over 60. "
            "Volunteers can collect people who find it hard to get out. Bingo or a quiz "
            "after lunch, and a chat over tea.",
            audiences=("older_people",),
            price="4.50 for lunch",
            ages=(60, None),
            schedule=f"{day} 12:00-14:30",
            venue="Community Centre",
        )
    )
for area, day in (("mil", "WE"), ("eas", "MO"), ("kir", "FR"), ("san", "TH")):
    add(
        S(
            f"coffee-morning-{area}",
            area,
            f"Open Door Coffee Morning, {AREAS[area][0]}",
            "Calderbrook Churches Together",
            ("social",),
            "Drop in for tea, coffee, toast and a chat. No need to book and everyone is "
            "welcome, whatever your faith or none. There is a quiet corner for anyone who "
            "would like a calmer start, and volunteers will say hello.",
            schedule=f"{day} 10:00-12:00",
            venue="Church Hall",
        )
    )
add(
    S(
        "mens-shed-wes",
        "wes",
        "Westcroft Men's Shed",
        "Westcroft Men's Shed",
        ("social", "arts_creativity"),
        "A workshop where men come together to make, mend and chat shoulder to shoulder: "
        "woodwork, bike repairs, bird boxes for the park. Tea breaks are the main event. "
        "No skills needed; many members are retired or between jobs.",
        audiences=("men_only",),
        price="2.00 donation a session",
        ages=(18, None),
        schedule="TU 10:00-15:00, FR 10:00-15:00",
        venue="The Old Forge",
    ),
    S(
        "womens-circle-eas",
        "eas",
        "Eastgate Women's Friendship Circle",
        "Eastgate Asian Women's Centre",
        ("social", "peer_support"),
        "A relaxed group for women to meet, share food, try crafts and make friends. Many "
        "members are new to the area. Conversations in English, Urdu and Punjabi; a creche "
        "runs alongside.",
        audiences=("women_only", "culture:south_asian"),
        languages=("en", "ur", "pa"),
        schedule="TH 10:00-12:00",
        venue="Women's Centre",
    ),
    S(
        "polish-club-cen",
        "cen",
        "Klub Polonia Social Evenings",
        "Calderbrook Polish Community Association",
        ("social",),
        "Social evenings for the Polish community and friends: conversation, folk music, "
        "cards and home cooking. Newcomers are made very welcome. Mostly in Polish.",
        audiences=("culture:polish",),
        languages=("pl", "en"),
        price="3.00 on the door",
        schedule="FR 18:00-21:00",
        venue="Polish Club",
    ),
    S(
        "rainbow-cafe-cen",
        "cen",
        "Rainbow Cafe",
        "Calder Pride",
        ("social", "peer_support"),
        "A friendly LGBTQ+ social evening in a cafe: board games, chat and cake, no alcohol "
        "and no pressure. Come on your own; a host will introduce you.",
        audiences=("lgbtq",),
        ages=(18, None),
        schedule="WE 18:00-20:00",
        venue="Canal Street Cafe",
    ),
    S(
        "phone-befriending",
        "cen",
        "Telephone Befriending",
        "Calderbrook Age Well",
        ("social",),
        "A weekly phone call from the same trained volunteer befriender, for older people "
        "who are lonely or cannot easily leave home. A friendly voice to chat about anything.",
        audiences=("older_people",),
        delivery=("phone",),
        formats=("one_to_one",),
        route="referral",
        capacity="waiting_list",
        ages=(60, None),
        venue="Age Well Office",
    ),
    S(
        "home-befriending",
        "cen",
        "Home Visiting Befrienders",
        "Calderbrook Age Well",
        ("social",),
        "A volunteer visits at home each week for a cup of tea and a chat, and may help "
        "with getting out to a local group. For older people living alone.",
        audiences=("older_people",),
        formats=("one_to_one",),
        route="referral",
        capacity="full",
        ages=(60, None),
        venue="Age Well Office",
    ),
    S(
        "virtual-cuppa",
        "cen",
        "Virtual Cuppa",
        "Calderbrook Age Well",
        ("social",),
        "An online video chat group on Monday afternoons, for people who cannot get out "
        "much. Make a brew and join in from your sofa. A volunteer will ring to help you "
        "join the first time.",
        delivery=("online",),
        schedule="MO 14:00-15:00",
    ),
    S(
        "board-games-mil",
        "mil",
        "Millbrook Board Games Night",
        "Millbrook Library Friends",
        ("social",),
        "Board games, card games and jigsaws in the library after hours. Quiet, friendly and "
        "good for people who find small talk hard: the game does the talking.",
        ages=(16, None),
        schedule="TH 18:30-21:00",
        venue="Millbrook Library",
    ),
    S(
        "youth-hub-kir",
        "kir",
        "Kirkley Youth Hub",
        "Kirkley Youth Trust",
        ("social", "learning_skills"),
        "Evening drop-in for young people: pool, music, cooking, trips and youth workers to "
        "talk to. Help with college applications and part-time jobs.",
        audiences=("young_people",),
        ages=(16, 25),
        schedule="MO 17:00-20:00, WE 17:00-20:00",
        venue="Youth Centre",
    ),
    S(
        "luncheon-club-wes",
        "wes",
        "Westcroft Luncheon Club",
        "Westcroft Residents' Association",
        ("social", "food"),
        "Weekly lunch and company for older residents of Westcroft.",
        audiences=("older_people",),
        price="4.00",
        ages=(60, None),
        schedule="WE 12:00-14:00",
        checked=610,
        venue="Residents' Hall",
    ),
    S(
        "village-social-oak",
        "oak",
        "Oakvale Village Hall Social",
        "Oakvale Village Hall Committee",
        ("social",),
        "Monthly social with a film, supper and raffle for the village.",
        price="5.00",
        schedule="SA 18:00-22:00",
        status="temporarily closed",
        venue="Village Hall",
    ),
    S(
        "over60s-oak",
        "oak",
        "Oakvale Over-60s Club",
        "Oakvale Village Hall Committee",
        ("social",),
        "Tea, cake, talks and outings for older people in Oakvale and the farms around. "
        "Lifts can be arranged from outlying houses.",
        audiences=("older_people",),
        price="2.00",
        ages=(60, None),
        schedule="TU 14:00-16:00",
        venue="Village Hall",
    ),
    S(
        "community-cafe-raw",
        "raw",
        "Rawbridge Community Cafe",
        "Rawbridge Community Trust",
        ("social", "food"),
        "A pay-as-you-feel cafe at the heart of the village: soup, sandwiches and a warm "
        "space with newspapers and a book swap. Everyone welcome.",
        price="pay as you feel",
        schedule="MO 10:00-15:00, WE 10:00-15:00, FR 10:00-15:00",
        venue="Community Cafe",
    ),
    S(
        "memory-cafe-hol",
        "hol",
        "Holmfield Memory Cafe",
        "Calderbrook Dementia Friends",
        ("social", "carers"),
        "A monthly cafe for people living with dementia or memory problems and the people "
        "who care for them: music, reminiscence, tea and a chance to talk to others in the "
        "same boat.",
        audiences=("carers", "older_people"),
        schedule="TU 14:00-16:00",
        venue="Methodist Hall",
    ),
    S(
        "elders-day-centre-eas",
        "eas",
        "Sangat Elders Day Centre",
        "Eastgate Sangat Trust",
        ("social", "food"),
        "A day centre for South Asian elders: vegetarian lunch, chair exercise, games and "
        "religious festivals. Staff speak Punjabi, Urdu and Hindi.",
        audiences=("culture:south_asian", "older_people"),
        languages=("pa", "ur", "hi", "en"),
        price="3.00 for lunch",
        ages=(55, None),
        schedule="MO 10:00-15:00, TH 10:00-15:00",
        venue="Sangat Centre",
    ),
    S(
        "al-noor-women-san",
        "san",
        "Al-Noor Women's Coffee Group",
        "Sandhill Al-Noor Mosque",
        ("social", "peer_support"),
        "Coffee, conversation and English practice for women, many of them new arrivals and "
        "refugees. Arabic and Urdu spoken; women of every faith welcome.",
        audiences=("women_only", "culture:arab", "faith:muslim"),
        languages=("ar", "ur", "en"),
        schedule="WE 10:00-12:00",
        venue="Al-Noor Community Room",
    ),
    S(
        "romanian-club-cen",
        "cen",
        "Romanian Community Sunday Club",
        "Calderbrook Romanian Association",
        ("social",),
        "Sunday afternoons for Romanian and Moldovan families: food, music, children's "
        "games and help finding your way around services. In Romanian and English.",
        audiences=("culture:romanian",),
        languages=("ro", "en"),
        schedule="SU 14:00-17:00",
        venue="St Mark's Hall",
    ),
    S(
        "veterans-breakfast-wes",
        "wes",
        "Veterans' Breakfast Club",
        "Calder Veterans Network",
        ("social", "peer_support"),
        "A full English and good company for ex-forces men and women and their families, "
        "once a fortnight. Plenty of banter; help with forces charities on hand.",
        price="6.00 for breakfast",
        ages=(18, None),
        schedule="SA 09:00-11:00",
        venue="Westcroft Cafe",
    ),
)

# --- Physical activity -------------------------------------------------------------------

for area, when in (
    ("cen", "MO 10:00-11:30"),
    ("mil", "WE 10:30-12:00"),
    ("hol", "TU 13:30-15:00"),
    ("kir", "FR 10:00-11:30"),
    ("nor", "TH 10:00-11:30"),
    ("oak", "SA 10:00-11:30"),
):
    add(
        S(
            f"health-walk-{area}",
            area,
            f"Health Walk, {AREAS[area][0]}",
            "Walk Calderbrook",
            ("physical_activity", "nature_green"),
            "A free, gentle guided walk of 30 to 60 minutes led by trained volunteers, on "
            "flat paths with benches, ending with a cuppa. Good for beginners, people "
            "getting back into activity and anyone who would like company on a walk.",
            schedule=when,
            venue="Park Gates",
        )
    )
add(
    S(
        "sisters-walking-eas",
        "eas",
        "Sisters Walking Group",
        "Eastgate Asian Women's Centre",
        ("physical_activity", "social"),
        "Brisk walks around Eastgate Park and the canal for women, at a pace that suits the "
        "group, with chat in Urdu, Punjabi and English. Modest dress is fine; no gym kit "
        "needed.",
        audiences=("women_only", "culture:south_asian"),
        languages=("ur", "pa", "en"),
        schedule="TU 10:00-11:00",
        venue="Women's Centre",
    ),
    S(
        "walking-football-wes",
        "wes",
        "Walking Football",
        "Westcroft Sports Club",
        ("physical_activity", "social"),
        "Football at walking pace for over-50s: no running, no tackling from behind, lots "
        "of laughs. Good for people with joint problems or getting back to fitness.",
        audiences=("older_people",),
        price="2.50 a session",
        ages=(50, None),
        schedule="WE 10:00-11:00",
        venue="Sports Hall",
    ),
    S(
        "chair-exercise-hol",
        "hol",
        "Chair-Based Exercise",
        "Calderbrook Age Well",
        ("physical_activity", "health_self_management"),
        "Seated exercise to music to build strength and balance, for people with limited "
        "mobility, arthritis, or who have had a fall. Led by a qualified instructor; you "
        "can do it all from a chair.",
        audiences=("older_people",),
        price="3.00 a class",
        schedule="TH 11:00-12:00",
        venue="Community Centre",
    ),
    S(
        "women-swim-cen",
        "cen",
        "Women-only Swim",
        "Calderbrook Leisure",
        ("physical_activity",),
        "A women-only pool session with female lifeguards and screened windows. Lane "
        "swimming and a shallow area for non-swimmers.",
        audiences=("women_only",),
        price="4.20 a swim, concessions 2.10",
        schedule="SU 18:00-19:30",
        venue="Calderbrook Baths",
    ),
    S(
        "exercise-referral-cen",
        "cen",
        "Active Lifestyles Exercise Referral",
        "Calderbrook Leisure",
        ("physical_activity", "health_self_management"),
        "A 12-week supported gym and exercise programme for adults with a health condition, "
        "referred by their GP or link worker. An instructor plans sessions with you; "
        "reduced price.",
        formats=("group", "one_to_one"),
        price="2.00 a session for 12 weeks",
        route="referral",
        capacity="waiting_list",
        ages=(16, None),
        schedule="MO 09:00-20:00, WE 09:00-20:00, FR 09:00-20:00",
        venue="Calderbrook Leisure Centre",
    ),
    S(
        "parkrun-nor",
        "nor",
        "Northwood Park 5k",
        "Northwood Park Runners",
        ("physical_activity", "nature_green"),
        "A free weekly timed 5k around the park: walk, jog or run. Walkers are welcome and "
        "a tail walker makes sure no one finishes last. Coffee afterwards.",
        schedule="SA 09:00-10:00",
        venue="Northwood Park",
    ),
    S(
        "tea-dance-mil",
        "mil",
        "Millbrook Tea Dance",
        "Calderbrook Age Well",
        ("physical_activity", "social", "arts_creativity"),
        "Ballroom and sequence dancing to live music, with tea and cake. Come with or "
        "without a partner; watching is fine too.",
        audiences=("older_people",),
        price="4.00",
        schedule="FR 14:00-16:00",
        venue="Millbrook Institute",
    ),
    S(
        "gentle-yoga-online",
        "cen",
        "Gentle Yoga Online",
        "Calder Wellbeing Trust",
        ("physical_activity", "emotional_support"),
        "Gentle yoga, stretching and breathing for stress, live on Zoom from your own home. "
        "Cameras optional; adapted poses for stiff joints.",
        delivery=("online",),
        price="3.00 a class",
        schedule="TU 19:00-20:00",
    ),
    S(
        "couch-to-5k-kir",
        "kir",
        "Couch to 5K Beginners",
        "Kirkley Runners",
        ("physical_activity",),
        "A nine-week beginners' running course: start with one minute of running at a time. "
        "Friendly, slow and supportive; you will not be left behind.",
        ages=(16, None),
        schedule="TU 18:30-19:30, TH 18:30-19:30",
        venue="Kirkley Rec",
    ),
    S(
        "inclusive-cycling-eas",
        "eas",
        "Pedal Power Inclusive Cycling",
        "Pedal Power Calderbrook",
        ("physical_activity", "nature_green"),
        "Adapted bikes, trikes, hand cycles and side-by-side tandems for disabled people, "
        "people with long-term conditions and anyone who has not cycled for years, on a "
        "traffic-free track.",
        price="3.00, carers free",
        schedule="SA 10:00-13:00, WE 13:00-15:00",
        venue="Eastgate Cycle Track",
    ),
    S(
        "youth-boxing-san",
        "san",
        "Sandhill Youth Boxing Fitness",
        "Sandhill Amateur Boxing Club",
        ("physical_activity",),
        "Non-contact boxing fitness for young people: pads, skipping and circuits, with "
        "coaches who double as mentors.",
        audiences=("young_people",),
        ages=(11, 18),
        schedule="MO 17:00-18:30, TH 17:00-18:30",
        venue="Boxing Club",
    ),
    S(
        "tai-chi-hol",
        "hol",
        "Tai Chi for Balance",
        "Calderbrook Age Well",
        ("physical_activity", "health_self_management"),
        "Slow, flowing tai chi movements that improve balance and reduce the risk of falls. "
        "Calm, quiet and suitable for beginners.",
        audiences=("older_people",),
        price="3.50",
        schedule="MO 10:00-11:00",
        venue="Methodist Hall",
    ),
    S(
        "out-active-badminton-cen",
        "cen",
        "Out and Active Badminton",
        "Calder Pride",
        ("physical_activity", "social"),
        "Social badminton for LGBTQ+ people and friends, all abilities, rackets provided. "
        "Drinks afterwards for those who want them.",
        audiences=("lgbtq",),
        price="4.00",
        ages=(18, None),
        schedule="SU 16:00-18:00",
        venue="Calderbrook Leisure Centre",
    ),
    S(
        "healthy-weight-cen",
        "cen",
        "Healthy Weight Programme",
        "Calderbrook Public Health",
        ("physical_activity", "food", "health_self_management"),
        "Twelve weekly group sessions on eating well on a budget, moving more and keeping "
        "going, for adults living with a higher weight, referred by GP or link worker. "
        "Supportive and free of judgement.",
        route="referral",
        ages=(18, None),
        schedule="WE 18:00-19:30",
        venue="Health Centre",
    ),
    S(
        "fitness-for-all-raw",
        "raw",
        "Fitness for All",
        "Rawbridge Leisure",
        ("physical_activity",),
        "Mixed-ability circuits and gym induction for adults.",
        price="5.00",
        ages=(16, None),
        schedule="TU 18:00-19:00",
        checked=480,
        venue="Rawbridge Leisure Centre",
    ),
    S(
        "pilates-back-wes",
        "wes",
        "Pilates for Back Pain",
        "Westcroft Physio Collective",
        ("physical_activity", "health_self_management"),
        "Small-group pilates led by a physiotherapist, for people with back pain.",
        price="8.00 a class",
        capacity="full",
        schedule="TH 18:00-19:00",
        venue="Physio Studio",
    ),
    S(
        "sisters-circuits-san",
        "san",
        "Sisters Fitness Circuits",
        "Sandhill Al-Noor Mosque",
        ("physical_activity",),
        "Women-only circuits and stretching in a private hall, with a female instructor. "
        "Instructions in English and Arabic.",
        audiences=("women_only", "faith:muslim"),
        languages=("en", "ar"),
        price="1.00",
        schedule="SA 11:00-12:00",
        venue="Al-Noor Community Room",
    ),
    S(
        "nordic-walking-nor",
        "nor",
        "Nordic Walking Group",
        "Walk Calderbrook",
        ("physical_activity", "nature_green"),
        "Walking with poles on woodland tracks: a full-body workout that is kind to knees. "
        "Poles lent for the first four weeks. Faster than the health walks.",
        price="2.00",
        schedule="SU 10:00-11:30",
        venue="Northwood Woods Car Park",
    ),
)

# --- Arts and creativity -----------------------------------------------------------------

for area, when in (("mil", "MO 13:30-15:30"), ("san", "WE 13:30-15:30"), ("raw", "TU 14:00-16:00")):
    add(
        S(
            f"knit-natter-{area}",
            area,
            f"Knit and Natter, {AREAS[area][0]}",
            "Calderbrook Libraries",
            ("arts_creativity", "social"),
            "Bring your knitting, crochet or sewing, or learn from scratch with wool and "
            "needles provided. A chatty, welcoming group that knits blankets for the "
            "hospital.",
            schedule=when,
            venue="Library",
        )
    )
add(
    S(
        "community-choir-cen",
        "cen",
        "Calderbrook Community Choir",
        "Calderbrook Community Choir",
        ("arts_creativity", "social"),
        "A friendly choir with no auditions and no need to read music: pop, folk and gospel, "
        "learned by ear. Singing together lifts the mood.",
        price="3.00 a session",
        schedule="TU 19:00-21:00",
        venue="Town Hall",
    ),
    S(
        "arts-on-prescription-cen",
        "cen",
        "Arts on Prescription",
        "Calder Wellbeing Trust",
        ("arts_creativity", "emotional_support"),
        "A 10-week creative course with a professional artist for adults living with anxiety, "
        "low mood or stress: painting, collage, printmaking. Small, calm groups; no "
        "experience needed.",
        route="referral",
        capacity="waiting_list",
        ages=(18, None),
        schedule="TH 13:00-15:00",
        venue="Arts Centre",
    ),
    S(
        "clay-studio-eas",
        "eas",
        "Clay Studio Open Sessions",
        "Eastgate Makers",
        ("arts_creativity",),
        "Hand-building and wheel pottery with a potter on hand to help. Clay and firing included.",
        price="12.00 a session",
        ages=(16, None),
        schedule="SA 10:00-13:00, WE 18:00-21:00",
        venue="Makers Yard",
    ),
    S(
        "write-now-online",
        "cen",
        "Write Now Online Writing Group",
        "Calderbrook Libraries",
        ("arts_creativity", "social"),
        "A fortnightly online group for anyone who writes or would like to: short prompts, "
        "gentle feedback, poems and life stories.",
        delivery=("online",),
        ages=(16, None),
        schedule="TH 19:00-20:30",
    ),
    S(
        "photo-walks-nor",
        "nor",
        "Photo Walks",
        "Northwood Camera Club",
        ("arts_creativity", "nature_green", "physical_activity"),
        "Slow walks through the woods and along the river taking photographs with whatever "
        "you have, even a phone. Tips on seeing and framing; a calm way to get out.",
        schedule="SU 13:00-15:00",
        venue="Northwood Park",
    ),
    S(
        "youth-theatre-kir",
        "kir",
        "Kirkley Youth Theatre",
        "Kirkley Youth Trust",
        ("arts_creativity",),
        "Drama games, improvisation and a summer show for young people. Builds confidence; "
        "no acting experience needed.",
        audiences=("young_people",),
        ages=(14, 21),
        schedule="WE 18:00-20:00",
        venue="Youth Centre",
    ),
    S(
        "guitar-beginners-wes",
        "wes",
        "Guitar for Beginners",
        "Westcroft Music Co-op",
        ("arts_creativity", "learning_skills"),
        "Learn simple chords and songs in a small group. Guitars to borrow.",
        price="5.00",
        ages=(16, None),
        schedule="MO 18:30-20:00",
        venue="Music Co-op",
    ),
    S(
        "queer-zine-club-cen",
        "cen",
        "Queer Zine Club",
        "Calder Pride",
        ("arts_creativity", "peer_support"),
        "Make zines, comics and collages with other LGBTQ+ people. Materials provided; "
        "a relaxed, sober space.",
        audiences=("lgbtq",),
        ages=(16, None),
        schedule="SA 13:00-16:00",
        venue="Central Library",
    ),
    S(
        "singing-lungs-hol",
        "hol",
        "Singing for Lung Health",
        "Breathe Calder",
        ("arts_creativity", "health_self_management"),
        "Singing and breathing exercises for people with COPD, asthma or other lung "
        "conditions, led by a trained practitioner. Helps breathlessness and is good fun.",
        schedule="FR 10:30-12:00",
        venue="Methodist Hall",
    ),
    S(
        "painting-pleasure-kir",
        "kir",
        "Painting for Pleasure",
        "Kirkley Art Group",
        ("arts_creativity",),
        "Watercolour painting group for adults.",
        price="3.00",
        schedule="TH 14:00-16:00",
        checked=-1,
        venue="Kirkley Church Hall",
    ),
    S(
        "urdu-poetry-eas",
        "eas",
        "Mushaira Poetry Evenings",
        "Eastgate Sangat Trust",
        ("arts_creativity", "social"),
        "Monthly evenings of Urdu and Punjabi poetry, music and tea. Listen or read your own.",
        audiences=("culture:south_asian",),
        languages=("ur", "pa", "en"),
        schedule="SU 18:00-21:00",
        venue="Sangat Centre",
    ),
)

# --- Nature and green spaces -------------------------------------------------------------

add(
    S(
        "community-garden-eas",
        "eas",
        "Eastgate Community Garden",
        "Eastgate Growers",
        ("nature_green", "volunteering", "social"),
        "Grow vegetables and flowers with neighbours; no experience needed. Raised beds "
        "that wheelchair users can reach, a polytunnel for wet days, tea and cake.",
        schedule="WE 10:00-13:00, SA 10:00-13:00",
        venue="Community Garden",
    ),
    S(
        "community-garden-hol",
        "hol",
        "Holmfield Community Garden",
        "Holmfield Growers",
        ("nature_green", "volunteering", "social"),
        "A community garden and orchard with a weekly gardening session and a shared "
        "lunch from what we grow. Tools and gloves provided.",
        schedule="TH 10:00-14:00",
        venue="Holmfield Orchard",
    ),
    S(
        "woods-conservation-oak",
        "oak",
        "Oakvale Woods Conservation Volunteers",
        "Calder Wildlife Trust",
        ("nature_green", "volunteering", "physical_activity"),
        "Outdoor practical conservation: coppicing, hedge laying, path repairs and tree "
        "planting. Tools, training and lunch provided; a minibus from Calderbrook bus "
        "station.",
        ages=(16, None),
        schedule="TU 09:30-15:30",
        venue="Oakvale Woods",
    ),
    S(
        "growing-minds-mil",
        "mil",
        "Growing Minds Allotment",
        "Calder Wellbeing Trust",
        ("nature_green", "emotional_support"),
        "A therapeutic allotment project for adults with mental health difficulties: small "
        "groups, gentle tasks, a support worker always there. Help with low mood, anxiety "
        "and confidence.",
        route="referral",
        capacity="waiting_list",
        ages=(18, None),
        schedule="MO 10:00-13:00, TH 10:00-13:00",
        venue="Millbrook Allotments",
    ),
    S(
        "mindful-nature-nor",
        "nor",
        "Mindful Nature Walks",
        "Calder Wellbeing Trust",
        ("nature_green", "emotional_support"),
        "Slow, mindful walks in the woods noticing sights and sounds, with time to rest. "
        "Calming for stress and worry.",
        price="4.00",
        schedule="SA 14:00-15:30",
        venue="Northwood Woods Car Park",
    ),
    S(
        "green-gym-wes",
        "wes",
        "Westcroft Green Gym",
        "Calder Wildlife Trust",
        ("nature_green", "physical_activity", "volunteering"),
        "Get fit outdoors while caring for the local nature reserve: clearing paths, "
        "building steps, planting. A warm-up, a tea break and a good day's work.",
        schedule="WE 10:00-13:00",
        venue="Westcroft Nature Reserve",
    ),
    S(
        "womens-growing-san",
        "san",
        "Women's Growing Space",
        "Sandhill Community Association",
        ("nature_green", "social"),
        "A private walled garden for women to grow herbs and vegetables, relax and talk. "
        "Several members speak Urdu and Arabic.",
        audiences=("women_only",),
        languages=("en", "ur", "ar"),
        schedule="TU 10:00-12:30",
        venue="Walled Garden",
    ),
    S(
        "birdwatching-kir",
        "kir",
        "Birdwatching for Beginners",
        "Calder Wildlife Trust",
        ("nature_green", "learning_skills"),
        "Gentle walks to the reservoir hides to learn to spot and name birds. Binoculars lent. "
        "Slow pace, benches on the way.",
        schedule="SU 09:00-11:00",
        venue="Kirkley Reservoir",
    ),
    S(
        "care-farm-raw",
        "raw",
        "Rawbridge Care Farm",
        "Rawbridge Care Farm",
        ("nature_green", "volunteering"),
        "Days on a working farm caring for animals and crops, for adults referred for "
        "mental health or learning disability support.",
        formats=("group",),
        route="referral",
        capacity="full",
        ages=(18, None),
        schedule="MO 09:00-15:00, WE 09:00-15:00",
        venue="Care Farm",
    ),
    S(
        "river-cleanup-cen",
        "cen",
        "River Calder Clean-Up Crew",
        "Calder Rivers Trust",
        ("volunteering", "nature_green"),
        "Monthly litter picks and bank clearance along the river through town. Gloves, "
        "pickers and hot drinks provided; drop in for an hour or stay all morning.",
        schedule="SA 10:00-12:00",
        venue="Riverside Steps",
    ),
)

# --- Learning and skills -----------------------------------------------------------------

for area, when in (("cen", "MO 09:30-12:00, WE 09:30-12:00"), ("eas", "TU 13:00-15:00")):
    add(
        S(
            f"esol-{area}",
            area,
            f"English Classes (ESOL), {AREAS[area][0]}",
            "Calderbrook Adult Learning",
            ("learning_skills",),
            "Free English classes for adults whose first language is not English, from "
            "beginner to exam level. Bilingual classroom assistants speak Polish, Urdu, "
            "Arabic and Romanian. Creche available.",
            languages=("en", "pl", "ur", "ar", "ro"),
            ages=(19, None),
            schedule=when,
            venue="Learning Centre",
        )
    )
add(
    S(
        "maths-english-cen",
        "cen",
        "Brush Up Your Maths and English",
        "Calderbrook Adult Learning",
        ("learning_skills", "employment"),
        "Free, friendly classes to improve everyday maths and English and gain a "
        "qualification that employers ask for.",
        ages=(19, None),
        schedule="TU 18:00-20:00",
        venue="Learning Centre",
    ),
    S(
        "library-courses-mil",
        "mil",
        "Library Learning Short Courses",
        "Calderbrook Libraries",
        ("learning_skills", "digital_skills"),
        "Free four-week courses on everything from family history and using a tablet to "
        "local walks and book-keeping. Small groups, patient tutors.",
        schedule="WE 14:00-16:00",
        venue="Millbrook Library",
    ),
    S(
        "cook-eat-budget-san",
        "san",
        "Cook and Eat on a Budget",
        "Sandhill Community Association",
        ("learning_skills", "food"),
        "A six-week course: cook simple, healthy meals for under a pound a portion and eat "
        "them together. Take home a bag of ingredients each week.",
        schedule="TH 10:00-12:30",
        venue="Community Kitchen",
    ),
    S(
        "family-learning-hol",
        "hol",
        "Family Learning Sessions",
        "Calderbrook Adult Learning",
        ("learning_skills", "social"),
        "Parents and carers learn alongside their children: stories, crafts, cooking and "
        "help with reading and maths at home. Meet other parents.",
        schedule="FR 13:00-15:00",
        venue="Holmfield Primary School",
    ),
    S(
        "confidence-course-cen",
        "cen",
        "Building Confidence Course",
        "Calder Wellbeing Trust",
        ("learning_skills", "emotional_support", "employment"),
        "A six-week course on confidence, assertiveness and setting goals, for adults who "
        "have lost their way after illness, redundancy or a hard time.",
        ages=(18, None),
        schedule="MO 13:00-15:00",
        venue="Wellbeing Hub",
    ),
    S(
        "open-learning-online",
        "cen",
        "Free Online Courses",
        "Calderbrook Adult Learning",
        ("learning_skills",),
        "Self-paced online courses in English, maths, IT and wellbeing, with an online tutor.",
        delivery=("online",),
        formats=("one_to_one",),
        ages=(19, None),
    ),
    S(
        "local-history-nor",
        "nor",
        "Northwood Local History Group",
        "Northwood Local History Society",
        ("learning_skills", "social"),
        "Talks, old photographs, archive visits and memories of the mills. New members of "
        "any age welcome.",
        price="1.50",
        schedule="TH 14:00-16:00",
        venue="Northwood Library",
    ),
    S(
        "bsl-beginners-eas",
        "eas",
        "British Sign Language for Beginners",
        "Calder Deaf Community",
        ("learning_skills",),
        "An evening course in British Sign Language taught by Deaf tutors.",
        price="40.00 for ten weeks",
        ages=(16, None),
        schedule="WE 18:30-20:30",
        venue="Deaf Centre",
    ),
    S(
        "esol-raw",
        "raw",
        "English Conversation Club, Rawbridge",
        "Rawbridge Community Trust",
        ("learning_skills", "social"),
        "Practise spoken English over tea.",
        languages=("en",),
        schedule="TH 18:00-19:30",
        checked=720,
        venue="Community Cafe",
    ),
)

# --- Money and debt ----------------------------------------------------------------------

add(
    S(
        "debt-advice-cen",
        "cen",
        "Calderbrook Debt Advice",
        "Calderbrook Advice Centre",
        ("money_debt",),
        "Free, confidential debt advice from qualified advisers: priority debts, bailiffs, "
        "council tax arrears, payment plans and insolvency options. Appointments in person "
        "or by phone.",
        delivery=("in_person", "phone"),
        formats=("one_to_one",),
        schedule="MO 09:00-17:00, TU 09:00-17:00, WE 09:00-17:00, TH 09:00-17:00",
        venue="Advice Centre",
    ),
    S(
        "warm-homes-advice",
        "cen",
        "Warm Homes Energy Advice",
        "Calder Energy Action",
        ("money_debt", "housing"),
        "Help with energy bills, debts to suppliers, prepayment meters, grants for "
        "insulation and keeping warm for less. Home visits for people who cannot get out.",
        delivery=("phone", "in_person"),
        formats=("one_to_one",),
        schedule="MO 09:00-16:00, WE 09:00-16:00, FR 09:00-16:00",
        venue="Energy Shop",
    ),
    S(
        "credit-union-cen",
        "cen",
        "Calder Credit Union",
        "Calder Credit Union",
        ("money_debt",),
        "Savings accounts and affordable loans as an alternative to doorstep lenders and "
        "payday loans.",
        formats=("one_to_one",),
        price="interest on loans",
        schedule="MO 10:00-16:00, TH 10:00-16:00, SA 10:00-12:00",
        venue="Credit Union Shop",
    ),
    S(
        "money-matters-hol",
        "hol",
        "Money Matters Budgeting Course",
        "Calderbrook Advice Centre",
        ("money_debt", "learning_skills"),
        "A four-week group course on budgeting, cutting bills, avoiding scams and making "
        "money go further. Relaxed and practical.",
        schedule="TU 10:00-12:00",
        venue="Community Centre",
    ),
    S(
        "debt-webchat",
        "cen",
        "Debt Advice by Webchat and Phone",
        "Calderbrook Advice Centre",
        ("money_debt",),
        "Free debt advice by webchat or phone, including evenings, for people who cannot "
        "come in during the day.",
        delivery=("online", "phone"),
        formats=("one_to_one",),
        schedule="MO 17:00-20:00, WE 17:00-20:00",
    ),
    S(
        "islamic-finance-eas",
        "eas",
        "Sharia-Compliant Money Advice",
        "Eastgate Muslim Welfare",
        ("money_debt", "benefits"),
        "Free money and debt advice that respects Islamic finance principles, with advisers "
        "who speak Urdu and Arabic.",
        audiences=("faith:muslim",),
        formats=("one_to_one",),
        languages=("ur", "ar", "en"),
        schedule="SA 10:00-13:00",
        venue="Muslim Welfare House",
    ),
    S(
        "money-mentors-mil",
        "mil",
        "Money Mentors",
        "Millbrook Community Trust",
        ("money_debt",),
        "A volunteer mentor helps you sort paperwork and budget over several months.",
        formats=("one_to_one",),
        route="referral",
        capacity="full",
        venue="Millbrook Institute",
    ),
)

# --- Benefits and general advice ---------------------------------------------------------

for area, when in (
    ("cen", "MO 09:30-15:30, WE 09:30-15:30, FR 09:30-15:30"),
    ("eas", "TU 10:00-13:00"),
    ("nor", "TH 10:00-13:00"),
):
    add(
        S(
            f"advice-drop-in-{area}",
            area,
            f"Advice Drop-in, {AREAS[area][0]}",
            "Calderbrook Advice Centre",
            ("benefits", "money_debt", "housing"),
            "Free, independent advice on benefits, Universal Credit, debt, housing and "
            "work problems. Drop in and see an adviser; they can help you fill in forms "
            "and challenge decisions.",
            delivery=("in_person",),
            formats=("one_to_one",),
            ages=(16, None),
            schedule=when,
            venue="Library" if area != "cen" else "Advice Centre",
        )
    )
add(
    S(
        "welfare-rights-line",
        "cen",
        "Welfare Rights Helpline",
        "Calderbrook Council",
        ("benefits",),
        "Phone advice on benefits and tax credits, help to check entitlement, and "
        "representation at appeals.",
        delivery=("phone",),
        formats=("one_to_one",),
        schedule="MO 09:00-17:00, TU 09:00-17:00, WE 09:00-17:00, TH 09:00-17:00, FR 09:00-16:30",
    ),
    S(
        "form-filling-hol",
        "hol",
        "Form Filling Help (PIP, Universal Credit, Attendance Allowance)",
        "Holmfield Neighbourhood Network",
        ("benefits",),
        "A trained volunteer sits with you, or visits at home, to fill in long benefit forms "
        "such as PIP and Attendance Allowance, and gathers the evidence you need.",
        formats=("one_to_one",),
        route="referral",
        capacity="waiting_list",
        schedule="TU 09:30-16:00, TH 09:30-16:00",
        venue="Neighbourhood Network Office",
    ),
    S(
        "polish-advice-cen",
        "cen",
        "Centrum Porad: Polish Advice Centre",
        "Calderbrook Polish Community Association",
        ("benefits", "money_debt", "housing", "employment"),
        "Advice in Polish on benefits, settled status, housing, work rights and debt, and "
        "help with letters and phone calls to services.",
        audiences=("culture:polish",),
        formats=("one_to_one",),
        languages=("pl", "en"),
        schedule="TU 10:00-16:00, SA 10:00-13:00",
        venue="Polish Club",
    ),
    S(
        "romanian-advice-san",
        "san",
        "Romanian and Roma Advice Drop-in",
        "Calderbrook Romanian Association",
        ("benefits", "housing", "employment"),
        "Help in Romanian with benefits, housing, work and registering with a doctor or school.",
        audiences=("culture:romanian",),
        formats=("one_to_one",),
        languages=("ro", "en"),
        schedule="WE 10:00-14:00",
        venue="Sandhill Community Centre",
    ),
    S(
        "asian-advice-eas",
        "eas",
        "Asian Community Advice Service",
        "Eastgate Sangat Trust",
        ("benefits", "money_debt"),
        "Benefits and money advice in Urdu, Punjabi and English, with help at appeals and "
        "with council tax.",
        audiences=("culture:south_asian",),
        formats=("one_to_one",),
        languages=("ur", "pa", "en"),
        schedule="MO 10:00-15:00, TH 10:00-15:00",
        venue="Sangat Centre",
    ),
    S(
        "arabic-advice-san",
        "san",
        "New Arrivals Advice (Arabic)",
        "Sandhill Refugee Welcome",
        ("benefits", "housing", "learning_skills"),
        "Advice in Arabic for refugees and new arrivals: benefits, housing, GP and school "
        "registration, English classes and getting settled.",
        audiences=("culture:arab",),
        formats=("one_to_one",),
        languages=("ar", "en"),
        schedule="TU 10:00-14:00, TH 10:00-14:00",
        venue="Sandhill Community Centre",
    ),
    S(
        "benefits-surgery-wes",
        "wes",
        "Westcroft Benefits Surgery",
        "Westcroft Residents' Association",
        ("benefits",),
        "Monthly benefits surgery.",
        formats=("one_to_one",),
        schedule="MO 10:00-12:00",
        checked=430,
        venue="Residents' Hall",
    ),
)

# --- Housing -----------------------------------------------------------------------------

add(
    S(
        "housing-options-cen",
        "cen",
        "Housing Options Service",
        "Calderbrook Council",
        ("housing",),
        "Advice if you are homeless or at risk of losing your home, help to find somewhere "
        "to live, and the housing register. Same-day help in an emergency.",
        delivery=("in_person", "phone"),
        formats=("one_to_one",),
        ages=(16, None),
        schedule="MO 09:00-17:00, TU 09:00-17:00, WE 09:00-17:00, TH 09:00-17:00, FR 09:00-16:30",
        venue="Town Hall",
    ),
    S(
        "tenants-union-eas",
        "eas",
        "Calderbrook Tenants' Union",
        "Calderbrook Tenants' Union",
        ("housing", "peer_support"),
        "Renters helping renters: monthly meetings, help with repairs, deposits and bad "
        "landlords, and someone to come with you to difficult conversations.",
        schedule="TH 18:30-20:30",
        venue="Eastgate Community Centre",
    ),
    S(
        "care-repair-hol",
        "hol",
        "Care and Repair",
        "Calderbrook Age Well",
        ("housing",),
        "Small repairs, grab rails, key safes and home safety checks for older and disabled "
        "people, so they can stay safe and warm at home.",
        audiences=("older_people",),
        formats=("one_to_one",),
        route="referral",
        ages=(60, None),
        schedule="MO 09:00-16:00, TU 09:00-16:00, WE 09:00-16:00, TH 09:00-16:00",
        venue="Age Well Workshop",
    ),
    S(
        "day-centre-cen",
        "cen",
        "The Harbour Day Centre",
        "The Harbour Calderbrook",
        ("housing", "food"),
        "A day centre for people who are homeless or vulnerably housed: breakfast, showers, "
        "laundry, a GP clinic on Tuesdays, and housing workers.",
        formats=("group", "one_to_one"),
        ages=(18, None),
        schedule="MO 08:30-13:00, TU 08:30-13:00, WE 08:30-13:00, TH 08:30-13:00, FR 08:30-13:00",
        venue="Harbour Day Centre",
    ),
    S(
        "young-housing-kir",
        "kir",
        "Young People's Housing Advice",
        "Kirkley Youth Trust",
        ("housing",),
        "Housing advice and supported lodgings for young people aged 16 to 25 leaving home or "
        "care.",
        audiences=("young_people",),
        formats=("one_to_one",),
        ages=(16, 25),
        schedule="WE 13:00-17:00",
        venue="Youth Centre",
    ),
    S(
        "womens-aid-outreach",
        "cen",
        "Women's Safety Outreach",
        "Calder Women's Aid",
        ("housing", "emotional_support"),
        "Confidential support for women experiencing domestic abuse: safety planning, "
        "housing options and emotional support, by phone or at a safe place.",
        audiences=("women_only",),
        delivery=("phone", "in_person"),
        formats=("one_to_one",),
        route="referral",
        ages=(16, None),
        schedule="MO 09:00-17:00, TU 09:00-17:00, WE 09:00-17:00, TH 09:00-17:00, FR 09:00-17:00",
        venue="Confidential venue, town centre",
    ),
)

# --- Work and employment -----------------------------------------------------------------

for area, when in (("cen", "TU 10:00-12:00"), ("san", "TH 13:00-15:00")):
    add(
        S(
            f"jobs-club-{area}",
            area,
            f"Jobs Club, {AREAS[area][0]}",
            "Calderbrook Works",
            ("employment",),
            "Drop in for help with job searches, CVs, applications and interview practice, "
            "with computers to use and a friendly adviser.",
            formats=("group", "one_to_one"),
            ages=(16, None),
            schedule=when,
            venue="Library",
        )
    )
add(
    S(
        "working-well-cen",
        "cen",
        "Working Well",
        "Calderbrook Works",
        ("employment", "health_self_management"),
        "One-to-one employment support for people whose health condition or disability makes "
        "work hard to find or keep: a keyworker for up to a year, help to talk to employers.",
        formats=("one_to_one",),
        route="referral",
        capacity="waiting_list",
        ages=(18, 66),
        schedule="MO 09:00-17:00, WE 09:00-17:00",
        venue="Works Hub",
    ),
    S(
        "cv-coaching-online",
        "cen",
        "Online CV and Interview Coaching",
        "Calderbrook Works",
        ("employment",),
        "Video calls with a careers coach to sharpen your CV and practise interviews.",
        delivery=("online",),
        formats=("one_to_one",),
        ages=(16, None),
        schedule="TU 17:00-20:00",
    ),
    S(
        "youth-jobs-kir",
        "kir",
        "Youth Employment Hub",
        "Kirkley Youth Trust",
        ("employment", "learning_skills"),
        "Help for 16 to 24 year olds to find work, apprenticeships or training.",
        audiences=("young_people",),
        formats=("one_to_one", "group"),
        ages=(16, 24),
        schedule="TU 13:00-17:00, TH 13:00-17:00",
        venue="Youth Centre",
    ),
    S(
        "women-into-work-eas",
        "eas",
        "Women into Work",
        "Eastgate Asian Women's Centre",
        ("employment", "learning_skills"),
        "A course and mentoring for women returning to work or starting work for the first "
        "time: confidence, CVs, work experience. Support in Urdu and Punjabi.",
        audiences=("women_only",),
        languages=("en", "ur", "pa"),
        schedule="WE 10:00-12:30",
        venue="Women's Centre",
    ),
    S(
        "steps-to-work-mil",
        "mil",
        "Steps to Work through Volunteering",
        "Volunteer Calderbrook",
        ("employment", "volunteering"),
        "A volunteer placement with support and a reference, as a step back into work.",
        formats=("one_to_one",),
        ages=(18, None),
        schedule="MO 10:00-16:00",
        venue="Millbrook Institute",
    ),
    S(
        "fifty-plus-careers-cen",
        "cen",
        "Fifty Plus Careers",
        "Calderbrook Works",
        ("employment",),
        "Career advice and peer support for job seekers over 50.",
        audiences=("older_people",),
        ages=(50, None),
        schedule="FR 10:00-12:00",
        venue="Works Hub",
    ),
)

# --- Emotional support -------------------------------------------------------------------

add(
    S(
        "listening-line",
        "cen",
        "Calder Listening Line",
        "Calder Wellbeing Trust",
        ("emotional_support",),
        "A confidential evening phone line staffed by trained volunteers: someone to listen "
        "when things feel too much, without judgement.",
        delivery=("phone",),
        formats=("one_to_one",),
        ages=(16, None),
        schedule=", ".join(f"{d} 18:00-23:00" for d in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")),
    ),
    S(
        "talking-space-cen",
        "cen",
        "Talking Space Counselling",
        "Calder Wellbeing Trust",
        ("emotional_support",),
        "Low-cost counselling with qualified counsellors for anxiety, depression, "
        "relationship difficulties and trauma, on a sliding scale of fees.",
        formats=("one_to_one",),
        price="from 5.00 a session, by income",
        route="referral",
        capacity="waiting_list",
        ages=(18, None),
        schedule="MO 09:00-20:00, TU 09:00-20:00, WE 09:00-20:00, TH 09:00-20:00",
        venue="Wellbeing Hub",
    ),
    S(
        "wellbeing-drop-in-mil",
        "mil",
        "Wellbeing Drop-in",
        "Calder Wellbeing Trust",
        ("emotional_support", "peer_support"),
        "A warm, informal drop-in for anyone struggling with their mental health: tea, "
        "games, a chat with a support worker or others who understand.",
        ages=(18, None),
        schedule="TU 13:00-16:00, FR 13:00-16:00",
        venue="Millbrook Institute",
    ),
    S(
        "men-talk-wes",
        "wes",
        "Men Talk Mondays",
        "Men Talk Calder",
        ("emotional_support", "peer_support"),
        "A peer support group for men to talk about whatever is on their mind: stress, "
        "low mood, loss, money, family. It's OK to talk. No need to book.",
        audiences=("men_only",),
        ages=(18, None),
        schedule="MO 19:00-21:00",
        venue="Westcroft Rugby Club",
    ),
    S(
        "womens-wellbeing-eas",
        "eas",
        "Women's Wellbeing Group",
        "Eastgate Asian Women's Centre",
        ("emotional_support", "peer_support"),
        "A confidential group for women dealing with stress, low mood or isolation, with a "
        "counsellor who speaks Urdu and Punjabi. Gentle exercise and relaxation too.",
        audiences=("women_only", "culture:south_asian"),
        languages=("ur", "pa", "en"),
        schedule="MO 13:00-15:00",
        venue="Women's Centre",
    ),
    S(
        "online-anxiety-course",
        "cen",
        "Online Wellbeing Course for Anxiety",
        "Calder Wellbeing Trust",
        ("emotional_support", "learning_skills"),
        "A six-week online course in practical CBT skills for worry and panic, with a "
        "facilitator and a small group on video.",
        delivery=("online",),
        ages=(18, None),
        schedule="WE 18:30-20:00",
    ),
    S(
        "youth-mh-drop-in-kir",
        "kir",
        "Youth Wellbeing Drop-in",
        "Kirkley Youth Trust",
        ("emotional_support",),
        "Young people can talk to a youth counsellor about anything: school, exams, family, "
        "identity, self-harm. No appointment needed.",
        audiences=("young_people",),
        formats=("one_to_one",),
        ages=(13, 25),
        schedule="TH 15:30-19:00",
        venue="Youth Centre",
    ),
    S(
        "pride-counselling-cen",
        "cen",
        "Pride Counselling",
        "Calder Pride",
        ("emotional_support",),
        "Free counselling by and for LGBTQ+ people, for anything from coming out to anxiety "
        "and relationships.",
        audiences=("lgbtq",),
        formats=("one_to_one",),
        delivery=("in_person", "online"),
        capacity="waiting_list",
        ages=(16, None),
        schedule="WE 12:00-20:00",
        venue="Calder Pride Centre",
    ),
    S(
        "wsparcie-polish",
        "cen",
        "Wsparcie: Polish-Speaking Wellbeing Support",
        "Calderbrook Polish Community Association",
        ("emotional_support",),
        "Emotional support in Polish from a trained counsellor, by phone or in person, for "
        "stress, loneliness and family worries.",
        audiences=("culture:polish",),
        delivery=("phone", "in_person"),
        formats=("one_to_one",),
        languages=("pl",),
        schedule="TH 16:00-20:00",
        venue="Polish Club",
    ),
    S(
        "sanad-arabic-san",
        "san",
        "Sanad Wellbeing Support (Arabic)",
        "Sandhill Refugee Welcome",
        ("emotional_support", "peer_support"),
        "Wellbeing support in Arabic for refugees and asylum seekers: one-to-one talks and a "
        "weekly group, understanding of trauma and displacement.",
        audiences=("culture:arab",),
        formats=("one_to_one", "group"),
        languages=("ar",),
        schedule="MO 10:00-13:00",
        venue="Sandhill Community Centre",
    ),
    S(
        "anxiety-group-hol",
        "hol",
        "Anxiety Management Group",
        "Calder Wellbeing Trust",
        ("emotional_support",),
        "An eight-week group to understand and manage anxiety.",
        capacity="full",
        route="referral",
        schedule="WE 10:00-12:00",
        venue="Health Centre",
    ),
    S(
        "stress-clinic-raw",
        "raw",
        "Rawbridge Stress Clinic",
        "Rawbridge Surgery Patient Group",
        ("emotional_support",),
        "Monthly stress and relaxation session.",
        schedule="TU 18:00-19:30",
        checked=540,
        venue="Rawbridge Surgery",
    ),
    S(
        "mindfulness-hol",
        "hol",
        "Mindfulness for Stress",
        "Calder Wellbeing Trust",
        ("emotional_support", "learning_skills"),
        "An eight-week mindfulness course to manage stress and worry, with short daily "
        "practices to do at home.",
        price="30.00 for the course, free on benefits",
        ages=(18, None),
        schedule="TH 18:30-20:30",
        venue="Holmfield Community Centre",
    ),
)

# --- Peer support ------------------------------------------------------------------------

add(
    S(
        "recovery-peer-cen",
        "cen",
        "Recovery Peer Support Group",
        "Calder Wellbeing Trust",
        ("peer_support", "emotional_support"),
        "Run by people with lived experience of mental ill health: share what helps, set "
        "small goals, be heard.",
        ages=(18, None),
        schedule="WE 14:00-16:00",
        venue="Wellbeing Hub",
    ),
    S(
        "anxiety-peer-online",
        "cen",
        "Anxiety Peer Group Online",
        "Calder Wellbeing Trust",
        ("peer_support",),
        "A supportive online peer group for people living with anxiety. Join on video or "
        "just type in the chat.",
        delivery=("online",),
        ages=(16, None),
        schedule="SU 19:00-20:30",
    ),
    S(
        "bumps-babies-hol",
        "hol",
        "Bumps and Babies",
        "Holmfield Family Hub",
        ("peer_support", "social"),
        "A relaxed group for parents-to-be and parents of babies under one: play, a brew and "
        "a health visitor on hand.",
        schedule="MO 10:00-11:30",
        venue="Family Hub",
    ),
    S(
        "dads-club-eas",
        "eas",
        "Dads' Club",
        "Eastgate Family Hub",
        ("peer_support", "social"),
        "Saturday mornings for dads, granddads and male carers and their children: play, "
        "breakfast and talk with other dads.",
        audiences=("men_only",),
        schedule="SA 10:00-12:00",
        venue="Family Hub",
    ),
    S(
        "chronic-pain-mil",
        "mil",
        "Chronic Pain Peer Group",
        "Calder Pain Network",
        ("peer_support", "health_self_management"),
        "Meet others living with persistent pain to share ways of coping, pacing and "
        "staying active.",
        ages=(18, None),
        schedule="TH 14:00-16:00",
        venue="Millbrook Institute",
    ),
    S(
        "diabetes-group-nor",
        "nor",
        "Diabetes Support Group",
        "Calder Diabetes Group",
        ("peer_support", "health_self_management"),
        "Monthly meetings for people with diabetes and their families: speakers, recipe "
        "swaps and support.",
        schedule="TU 19:00-21:00",
        venue="Northwood Library",
    ),
    S(
        "out-youth-kir",
        "kir",
        "Out Youth",
        "Calder Pride",
        ("peer_support", "social"),
        "A safe, fun group for LGBTQ+ young people and those questioning, with trained "
        "youth workers.",
        audiences=("lgbtq", "young_people"),
        ages=(13, 19),
        schedule="TU 18:00-20:00",
        venue="Youth Centre",
    ),
    S(
        "stroke-club-hol",
        "hol",
        "Stroke Survivors Club",
        "Calder Stroke Club",
        ("peer_support", "health_self_management", "social"),
        "Fortnightly club for stroke survivors and their partners: gentle exercise, speech "
        "and word games, outings and friendship.",
        schedule="WE 13:30-15:30",
        venue="Methodist Hall",
    ),
    S(
        "living-with-cancer-cen",
        "cen",
        "Living With Cancer Support Group",
        "Calder Cancer Support",
        ("peer_support", "emotional_support"),
        "A group for people living with cancer and those close to them, with complementary "
        "therapies and a nurse to talk to.",
        schedule="MO 13:00-15:00",
        venue="Cancer Support Centre",
    ),
)

# --- Support for carers ------------------------------------------------------------------

add(
    S(
        "carers-centre-cen",
        "cen",
        "Calderbrook Carers Centre",
        "Calderbrook Carers",
        ("carers",),
        "Information, advice and a carer's assessment for anyone looking after a family "
        "member or friend: benefits for carers, breaks, emergency plans and someone to talk "
        "to.",
        audiences=("carers",),
        delivery=("in_person", "phone"),
        formats=("one_to_one",),
        ages=(18, None),
        schedule="MO 09:00-17:00, TU 09:00-17:00, WE 09:00-17:00, TH 09:00-17:00, FR 09:00-16:00",
        venue="Carers Centre",
    ),
)
for area, when in (("mil", "WE 13:30-15:00"), ("san", "FR 10:00-11:30")):
    add(
        S(
            f"carers-cafe-{area}",
            area,
            f"Carers' Cafe, {AREAS[area][0]}",
            "Calderbrook Carers",
            ("carers", "peer_support", "social"),
            "Time out for carers: tea, cake, a chat with other carers and sometimes a "
            "massage or a talk. The person you care for is welcome to come along.",
            audiences=("carers",),
            schedule=when,
            venue="Community Centre",
        )
    )
add(
    S(
        "young-carers-kir",
        "kir",
        "Young Carers Project",
        "Calderbrook Carers",
        ("carers", "social"),
        "Clubs, trips and a listening ear for children and young people who look after "
        "someone at home.",
        audiences=("carers", "young_people"),
        ages=(8, 18),
        schedule="WE 16:30-18:30",
        venue="Youth Centre",
    ),
    S(
        "dementia-carers-course-hol",
        "hol",
        "Caring for Someone with Dementia Course",
        "Calderbrook Dementia Friends",
        ("carers", "learning_skills"),
        "A six-week course for family carers of people with dementia: understanding changes, "
        "communication, looking after yourself, planning ahead.",
        audiences=("carers",),
        route="referral",
        schedule="TH 10:00-12:30",
        venue="Holmfield Health Centre",
    ),
    S(
        "carers-online",
        "cen",
        "Carers Online Circle",
        "Calderbrook Carers",
        ("carers", "peer_support"),
        "An evening video group for carers who cannot leave the house easily.",
        audiences=("carers",),
        delivery=("online",),
        schedule="TU 20:00-21:00",
    ),
    S(
        "asian-carers-eas",
        "eas",
        "Asian Carers Group",
        "Eastgate Sangat Trust",
        ("carers", "peer_support"),
        "A support group for South Asian carers, in Urdu, Punjabi and English, with advice "
        "on carers' benefits and respite.",
        audiences=("carers", "culture:south_asian"),
        languages=("ur", "pa", "en"),
        schedule="WE 11:00-13:00",
        venue="Sangat Centre",
    ),
    S(
        "short-breaks-carers",
        "cen",
        "Short Breaks for Carers",
        "Calderbrook Carers",
        ("carers",),
        "A sitter so carers can take a few hours off.",
        audiences=("carers",),
        formats=("one_to_one",),
        route="referral",
        capacity="full",
        venue="Carers Centre",
    ),
)

# --- Volunteering ------------------------------------------------------------------------

add(
    S(
        "volunteer-centre-cen",
        "cen",
        "Volunteer Calderbrook",
        "Volunteer Calderbrook",
        ("volunteering",),
        "Find a volunteering role that suits you: a chat with an adviser about your "
        "interests and time, then an introduction to one of 200 local groups.",
        delivery=("in_person", "phone"),
        formats=("one_to_one",),
        ages=(14, None),
        schedule="MO 10:00-16:00, WE 10:00-16:00, FR 10:00-16:00",
        venue="Volunteer Centre",
    ),
    S(
        "food-bank-volunteers",
        "cen",
        "Food Bank Volunteers",
        "Calderbrook Food Bank",
        ("volunteering", "food"),
        "Sort donations, pack parcels and welcome guests at the food bank. A good team and "
        "flexible shifts.",
        ages=(16, None),
        schedule="MO 09:00-13:00, WE 09:00-13:00, FR 09:00-13:00",
        venue="Food Bank Warehouse",
    ),
    S(
        "hospital-volunteers-mil",
        "mil",
        "Hospital Volunteers",
        "Calder Hospital Charity",
        ("volunteering",),
        "Guide visitors, chat with patients on the wards and run the tea trolley.",
        ages=(16, None),
        route="referral",
        schedule="MO 09:00-17:00, TU 09:00-17:00, WE 09:00-17:00, TH 09:00-17:00",
        venue="Calder Hospital",
    ),
    S(
        "library-helpers-nor",
        "nor",
        "Library Volunteers",
        "Calderbrook Libraries",
        ("volunteering",),
        "Help with children's story times, the home library service and computer buddies.",
        ages=(14, None),
        schedule="SA 10:00-13:00",
        venue="Northwood Library",
    ),
    S(
        "repair-cafe-eas",
        "eas",
        "Repair Cafe",
        "Eastgate Makers",
        ("volunteering", "social", "arts_creativity"),
        "Bring broken things and fix them with volunteer fixers, or volunteer your own skills "
        "in sewing, electrics or bikes. Cake included.",
        schedule="SA 10:00-13:00",
        venue="Makers Yard",
    ),
    S(
        "befriender-training-cen",
        "cen",
        "Become a Befriender",
        "Calderbrook Age Well",
        ("volunteering", "learning_skills"),
        "Training and support to become a volunteer befriender to an older person.",
        formats=("group", "one_to_one"),
        ages=(18, None),
        schedule="TH 10:00-12:00",
        venue="Age Well Office",
    ),
    S(
        "litter-pickers-raw",
        "raw",
        "Rawbridge Litter Pickers",
        "Rawbridge Community Trust",
        ("volunteering", "nature_green"),
        "Keep the village and its footpaths tidy with a friendly crew; pick for as long as you "
        "like.",
        schedule="SU 10:00-12:00",
        venue="Community Cafe",
    ),
)

# --- Living well with a health condition ---------------------------------------------------

add(
    S(
        "diabetes-course-cen",
        "cen",
        "Living Well with Type 2 Diabetes",
        "Calderbrook Community Health",
        ("health_self_management", "learning_skills"),
        "A free group course for people with type 2 diabetes: food, activity, medicines and "
        "looking after your feet and eyes. Run by diabetes nurses.",
        route="referral",
        ages=(18, None),
        schedule="TU 13:30-16:30",
        venue="Health Centre",
    ),
    S(
        "breathe-easy-hol",
        "hol",
        "Breathe Easy Group",
        "Breathe Calder",
        ("health_self_management", "peer_support"),
        "A friendly support group for people with COPD and other lung conditions, with "
        "speakers and gentle exercise.",
        schedule="WE 10:00-12:00",
        venue="Holmfield Health Centre",
    ),
    S(
        "moving-arthritis-mil",
        "mil",
        "Moving with Arthritis",
        "Calder Pain Network",
        ("health_self_management", "physical_activity"),
        "Gentle exercise classes in a warm hall for people with arthritis and joint pain.",
        price="2.00",
        schedule="FR 10:00-11:00",
        venue="Millbrook Institute",
    ),
    S(
        "pain-course-online",
        "cen",
        "Living with Persistent Pain Online",
        "Calder Pain Network",
        ("health_self_management",),
        "An online self-management course on pain, sleep, pacing and mood.",
        delivery=("online",),
        ages=(18, None),
        schedule="MO 18:30-20:00",
    ),
    S(
        "cardiac-exercise-wes",
        "wes",
        "Heart Health Exercise",
        "Westcroft Sports Club",
        ("health_self_management", "physical_activity"),
        "Maintenance exercise classes after cardiac rehab, with instructors trained in heart "
        "conditions.",
        price="3.00",
        schedule="TU 11:00-12:00, FR 11:00-12:00",
        venue="Sports Hall",
    ),
    S(
        "expert-patient-eas",
        "eas",
        "Self-Management Course (Urdu and English)",
        "Calderbrook Community Health",
        ("health_self_management", "learning_skills"),
        "A six-week course for anyone with a long-term condition: managing pain and tiredness, "
        "talking to doctors, planning. Runs in Urdu and English.",
        languages=("ur", "en"),
        route="referral",
        ages=(18, None),
        schedule="MO 10:00-12:30",
        venue="Eastgate Health Centre",
    ),
    S(
        "menopause-cafe-cen",
        "cen",
        "Menopause Cafe",
        "Calder Women's Health",
        ("health_self_management", "peer_support"),
        "A relaxed monthly cafe for women to talk about the menopause, share tips and hear "
        "from a nurse.",
        audiences=("women_only",),
        schedule="TH 18:30-20:00",
        venue="Canal Street Cafe",
    ),
    S(
        "heart-club-raw",
        "raw",
        "Rawbridge Heart Club",
        "Rawbridge Surgery Patient Group",
        ("health_self_management",),
        "Support club for heart patients.",
        schedule="FR 14:00-15:30",
        checked=800,
        venue="Rawbridge Surgery",
    ),
)

add(
    S(
        "parish-nurse-raw",
        "raw",
        "Parish Nurse Wellbeing Drop-in",
        "Rawbridge Churches",
        ("health_self_management", "emotional_support"),
        "A nurse and a listening volunteer at the church cafe: blood pressure checks, help "
        "making sense of a diagnosis or medicines, and time to talk about how you are doing.",
        formats=("one_to_one",),
        schedule="WE 10:00-12:00",
        venue="Rawbridge Chapel",
    ),
    S(
        "allotments-oak",
        "oak",
        "Oakvale Allotment Society",
        "Oakvale Allotment Society",
        ("nature_green", "social"),
        "Half plots and shared beds for new growers, seed swaps and a Sunday brew in the hut. "
        "Experienced members happy to mentor beginners.",
        price="15.00 a year",
        schedule="SU 10:00-12:00",
        venue="Oakvale Allotments",
    ),
)

# --- Food --------------------------------------------------------------------------------

for area, when in (
    ("cen", "MO 12:00-15:00, TH 12:00-15:00"),
    ("eas", "TU 11:00-13:00"),
    ("nor", "WE 13:00-15:00"),
    ("san", "FR 10:00-12:00"),
):
    add(
        S(
            f"food-bank-{area}",
            area,
            f"Calderbrook Food Bank, {AREAS[area][0]}",
            "Calderbrook Food Bank",
            ("food",),
            "Three days of emergency food for people in crisis, with a voucher from a link "
            "worker, adviser or GP. A warm drink and signposting to money advice.",
            formats=("one_to_one",),
            route="referral",
            schedule=when,
            venue="Food Bank" if area == "cen" else "Church Hall",
        )
    )
add(
    S(
        "pantry-hol",
        "hol",
        "Holmfield Community Pantry",
        "Holmfield Neighbourhood Network",
        ("food", "money_debt"),
        "A members' food shop: pay 5 pounds a week and choose around 20 pounds of groceries, "
        "including fresh fruit and vegetables.",
        price="5.00 a week membership",
        schedule="TU 14:00-17:00, SA 10:00-12:00",
        venue="Pantry",
    ),
    S(
        "sunday-lunch-cen",
        "cen",
        "St Mark's Sunday Lunch",
        "St Mark's Church",
        ("food", "social"),
        "A free hot Sunday dinner for anyone who would like a meal and company. No questions "
        "asked.",
        schedule="SU 12:30-14:00",
        venue="St Mark's Hall",
    ),
    S(
        "langar-eas",
        "eas",
        "Gurdwara Langar",
        "Eastgate Gurdwara",
        ("food", "social"),
        "A free vegetarian meal served every day to anyone, of any faith or none, in the "
        "Sikh tradition of the community kitchen. Cover your head; scarves provided.",
        audiences=("faith:sikh", "culture:south_asian"),
        languages=("pa", "en"),
        schedule=", ".join(f"{d} 11:00-15:00" for d in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")),
        venue="Gurdwara",
    ),
    S(
        "young-cooks-kir",
        "kir",
        "Young Cooks",
        "Kirkley Youth Trust",
        ("food", "learning_skills"),
        "Learn to cook cheap, tasty meals for when you live on your own.",
        audiences=("young_people",),
        ages=(14, 21),
        schedule="FR 16:30-18:30",
        venue="Youth Centre",
    ),
    S(
        "mosque-food-parcels-san",
        "san",
        "Al-Noor Food Parcels",
        "Sandhill Al-Noor Mosque",
        ("food",),
        "Halal food parcels for families in need, no voucher needed. Arabic and Urdu spoken.",
        audiences=("faith:muslim",),
        formats=("one_to_one",),
        languages=("ar", "ur", "en"),
        schedule="FR 14:00-16:00",
        venue="Al-Noor Community Room",
    ),
    S(
        "soup-kitchen-wes",
        "wes",
        "Westcroft Soup Kitchen",
        "Westcroft Baptist Church",
        ("food", "social"),
        "Soup and bread on winter evenings.",
        schedule="TH 18:00-19:30",
        status="inactive",
        venue="Baptist Church",
    ),
)

# --- Digital skills ----------------------------------------------------------------------

for area, when in (("cen", "WE 10:00-12:00"), ("mil", "FR 14:00-16:00"), ("nor", "MO 14:00-16:00")):
    add(
        S(
            f"get-online-{area}",
            area,
            f"Get Online Drop-in, {AREAS[area][0]}",
            "Calderbrook Libraries",
            ("digital_skills",),
            "Bring your phone, tablet or laptop, or use ours, and a patient digital buddy "
            "will help: email, video calls with family, online shopping, NHS app, staying "
            "safe from scams. Complete beginners very welcome.",
            formats=("one_to_one",),
            schedule=when,
            venue="Library",
        )
    )
add(
    S(
        "device-bank",
        "cen",
        "Device and Data Bank",
        "Calderbrook Libraries",
        ("digital_skills",),
        "Free refurbished tablets and laptops and six months of free mobile data for people "
        "who cannot afford them, with a first lesson on how to use them.",
        formats=("one_to_one",),
        route="referral",
        schedule="TU 10:00-16:00",
        venue="Central Library",
    ),
    S(
        "tablet-tea-hol",
        "hol",
        "Tablet Tea Party",
        "Calderbrook Age Well",
        ("digital_skills", "social"),
        "Older people learn to use tablets over tea and cake: video calls, photos, the "
        "news. Tablets to borrow.",
        audiences=("older_people",),
        ages=(60, None),
        schedule="WE 14:00-16:00",
        venue="Community Centre",
    ),
    S(
        "digital-helpline",
        "cen",
        "Digital Helpline",
        "Calderbrook Libraries",
        ("digital_skills",),
        "Phone help to get online step by step: setting up email, the NHS app, video calls.",
        delivery=("phone",),
        formats=("one_to_one",),
        schedule="MO 10:00-16:00, TH 10:00-16:00",
    ),
    S(
        "polish-computers-cen",
        "cen",
        "Komputer dla Seniora",
        "Calderbrook Polish Community Association",
        ("digital_skills",),
        "Computer and smartphone lessons in Polish for older people.",
        audiences=("culture:polish", "older_people"),
        languages=("pl",),
        ages=(55, None),
        schedule="WE 10:00-12:00",
        venue="Polish Club",
    ),
)

# --- Bereavement -------------------------------------------------------------------------

add(
    S(
        "bereavement-line",
        "cen",
        "Bereavement Helpline",
        "Calder Bereavement Care",
        ("bereavement", "emotional_support"),
        "Talk to a trained bereavement volunteer by phone, whenever the death happened.",
        delivery=("phone",),
        formats=("one_to_one",),
        ages=(16, None),
        schedule="MO 10:00-20:00, TU 10:00-20:00, WE 10:00-20:00, TH 10:00-20:00",
    ),
    S(
        "bereavement-group-cen",
        "cen",
        "Bereavement Support Group",
        "Calder Bereavement Care",
        ("bereavement", "peer_support"),
        "A fortnightly group for people who have lost someone, to share memories and find "
        "ways through grief with others who understand.",
        ages=(18, None),
        schedule="TH 14:00-16:00",
        venue="Cancer Support Centre",
    ),
    S(
        "walk-talk-bereavement-nor",
        "nor",
        "Walk and Talk Bereavement Group",
        "Calder Bereavement Care",
        ("bereavement", "physical_activity", "nature_green"),
        "A gentle walk in the woods with others who are grieving, then coffee. Easier than "
        "sitting in a circle for many people.",
        ages=(18, None),
        schedule="SA 10:30-12:00",
        venue="Northwood Woods Car Park",
    ),
    S(
        "bereavement-counselling",
        "cen",
        "Bereavement Counselling",
        "Calder Bereavement Care",
        ("bereavement", "emotional_support"),
        "Up to twelve sessions with a bereavement counsellor, in person or on video.",
        delivery=("in_person", "online"),
        formats=("one_to_one",),
        route="referral",
        capacity="waiting_list",
        ages=(18, None),
        schedule="MO 09:00-19:00, WE 09:00-19:00",
        venue="Cancer Support Centre",
    ),
    S(
        "young-bereavement-kir",
        "kir",
        "Young People's Grief Group",
        "Calder Bereavement Care",
        ("bereavement", "peer_support"),
        "Activities and support for young people who have lost someone close.",
        audiences=("young_people",),
        ages=(11, 18),
        schedule="TU 16:30-18:00",
        venue="Youth Centre",
    ),
    S(
        "muslim-bereavement-eas",
        "eas",
        "Muslim Bereavement Support",
        "Eastgate Muslim Welfare",
        ("bereavement", "emotional_support"),
        "Support after a death, in keeping with Islamic practice: help with arrangements and "
        "someone to talk to, in Urdu, Arabic or English.",
        audiences=("faith:muslim",),
        formats=("one_to_one",),
        delivery=("in_person", "phone"),
        languages=("ur", "ar", "en"),
        schedule="MO 10:00-16:00, TH 10:00-16:00",
        venue="Muslim Welfare House",
    ),
)

# --- Alcohol and drugs -------------------------------------------------------------------

add(
    S(
        "recovery-service-cen",
        "cen",
        "Calderbrook Recovery Service",
        "Calder Recovery Partnership",
        ("substance_use",),
        "Free, confidential help to cut down or stop drinking or using drugs: a keyworker, "
        "detox planning, groups and support for families. Refer yourself or be referred.",
        delivery=("in_person", "phone"),
        formats=("one_to_one", "group"),
        route="referral",
        ages=(18, None),
        schedule="MO 09:00-17:00, TU 09:00-17:00, WE 09:00-19:00, TH 09:00-17:00, FR 09:00-17:00",
        venue="Recovery Hub",
    ),
    S(
        "recovery-cafe-mil",
        "mil",
        "Recovery Cafe",
        "Calder Recovery Partnership",
        ("substance_use", "peer_support", "social"),
        "An alcohol-free cafe run by people in recovery: food, music, mutual aid meetings "
        "and a place to be on the weekend when it is hardest.",
        ages=(18, None),
        schedule="FR 17:00-21:00, SA 12:00-18:00",
        venue="Millbrook Institute",
    ),
    S(
        "smart-recovery-online",
        "cen",
        "SMART Recovery Online Meeting",
        "Calder Recovery Partnership",
        ("substance_use", "peer_support"),
        "A science-based mutual aid meeting online for any addictive behaviour.",
        delivery=("online",),
        ages=(18, None),
        schedule="TH 19:00-20:30",
    ),
    S(
        "young-substance-kir",
        "kir",
        "Young People's Drug and Alcohol Service",
        "Kirkley Youth Trust",
        ("substance_use",),
        "Confidential advice and support for young people worried about drink or drugs.",
        audiences=("young_people",),
        formats=("one_to_one",),
        ages=(11, 24),
        schedule="WE 15:00-19:00",
        venue="Youth Centre",
    ),
    S(
        "women-recovery-cen",
        "cen",
        "Women's Recovery Group",
        "Calder Recovery Partnership",
        ("substance_use", "peer_support"),
        "A women-only recovery group with a creche, for mums and women who would not feel "
        "safe in a mixed group.",
        audiences=("women_only",),
        ages=(18, None),
        schedule="TU 10:00-12:00",
        venue="Recovery Hub",
    ),
    S(
        "polish-recovery-cen",
        "cen",
        "Polish-Speaking Recovery Meeting",
        "Calder Recovery Partnership",
        ("substance_use", "peer_support"),
        "A mutual aid meeting in Polish for people who want to stop drinking.",
        audiences=("culture:polish",),
        languages=("pl",),
        ages=(18, None),
        schedule="SU 18:00-19:30",
        venue="Recovery Hub",
    ),
)


# --- The ORUK records --------------------------------------------------------------------

ATTRIBUTE_DESCRIPTIONS: Final = {
    "delivery": "How the service is delivered.",
    "format": "How the service is run.",
    "cost": "Free for everyone.",
    "route": "How people reach the service.",
    "capacity": "Whether the service is taking new people.",
    "category": "A social prescribing category.",
    "audience": "Who the service is meant for.",
}


def _uuid(text: str) -> str:
    return str(uuid.uuid5(NAMESPACE, text))


def _term(service: str, term: str) -> dict[str, Any]:
    kind = term.split(":", 1)[0]
    return {
        "id": _uuid(f"{service}/attribute/{term}"),
        "link_id": service,
        "link_entity": "service",
        "link_type": kind,
        "taxonomy_term_id": _uuid(f"attribute-term/{term}"),
        "taxonomy_term": {
            "id": _uuid(f"attribute-term/{term}"),
            "name": term,
            "description": ATTRIBUTE_DESCRIPTIONS[kind],
            "code": term,
            "taxonomy": "linkwork",
            "term": term,
        },
    }


def _schedules(owner: str, spec: Spec) -> list[dict[str, Any]]:
    found = []
    for n, part in enumerate(p.strip() for p in spec.schedule.split(",") if p.strip()):
        day, hours = part.split()
        opens, closes = hours.split("-")
        found.append(
            {
                "id": _uuid(f"{owner}/schedule/{n}"),
                "freq": "WEEKLY",
                "interval": 1,
                "byday": day,
                "opens_at": opens,
                "closes_at": closes,
            }
        )
    return found


def record(spec: Spec, rng: random.Random) -> dict[str, Any]:
    sid = service_id(spec.key)
    organization_id = _uuid(f"organization/{spec.org}")
    if spec.checked == -1:
        assured = None
    else:
        days = spec.checked if spec.checked is not None else rng.randint(5, 320)
        assured = (EVALUATION_DATE - dt.timedelta(days=days)).isoformat()
    terms = [f"category:{c}" for c in spec.categories]
    terms += [f"audience:{a}" for a in spec.audiences]
    terms += [f"delivery:{d}" for d in spec.delivery]
    terms += [f"format:{f}" for f in spec.formats]
    if not spec.price:
        terms.append("cost:free")
    terms += [f"route:{spec.route}", f"capacity:{spec.capacity}"]
    area_name, lat, lon = AREAS[spec.area]
    # Every service has an office or venue; services not delivered in person keep it only as
    # an address (as real feeds do), so distance must not count for them.
    venue_lat = round(lat + rng.uniform(-0.003, 0.003), 6)
    venue_lon = round(lon + rng.uniform(-0.005, 0.005), 6)
    location_id = _uuid(f"{sid}/location")
    in_person = "in_person" in spec.delivery
    at_location = {
        "id": _uuid(f"{sid}/service_at_location"),
        "location": {
            "id": location_id,
            "location_type": "physical",
            "name": f"{spec.venue or spec.org}, {area_name}",
            "latitude": venue_lat,
            "longitude": venue_lon,
            "addresses": [
                {
                    "id": _uuid(f"{sid}/address"),
                    "address_1": spec.venue or spec.org,
                    "city": "Calderbrook",
                    "state_province": "West Yorkshire",
                    "postal_code": "",
                    "country": "GB",
                    "address_type": "physical",
                }
            ],
        },
        "schedules": _schedules(f"{sid}/at", spec) if in_person else [],
    }
    languages = [
        {"id": _uuid(f"{sid}/language/{code}"), "name": LANGUAGE_NAMES[code], "code": code}
        for code in spec.languages
    ]
    low, high = spec.ages
    return {
        "id": sid,
        "organization": {"id": organization_id, "name": spec.org},
        "organization_id": organization_id,
        "name": spec.name,
        "description": spec.description,
        "url": f"https://calderbrook.example/services/{spec.key}",
        "status": spec.status,
        "assured_date": assured,
        "minimum_age": low,
        "maximum_age": high,
        "cost_options": [
            {
                "id": _uuid(f"{sid}/cost"),
                "amount": 0 if not spec.price else None,
                "currency": "GBP",
                "option": "Free" if not spec.price else spec.price,
            }
        ],
        "languages": languages,
        "schedules": [] if in_person else _schedules(f"{sid}/remote", spec),
        "service_at_locations": [at_location],
        "attributes": [_term(sid, term) for term in terms],
    }


def catalogue() -> dict[str, Any]:
    keys = [spec.key for spec in SPECS]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise SystemExit(f"duplicate service keys: {duplicates}")
    rng = random.Random(SEED)
    contents = [record(spec, rng) for spec in SPECS]
    return {
        "total_items": len(contents),
        "size": len(contents),
        "page_number": 1,
        "total_pages": 1,
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


def main() -> int:
    document = catalogue()
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    CATALOGUE.write_text(text, encoding="utf-8")
    print(f"wrote {document['total_items']} services to {CATALOGUE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
