"""The synthetic directory of Brackenfield, a fictional town: its neighbourhoods, venues,
voluntary organisations and the kinds of service they run.

Everything here is invented for the demo. Names may resemble real places or groups by
chance; none is meant. Phone numbers are from Ofcom's ranges reserved for drama
(0113 496 0xxx, 0808 157 0xxx) and web addresses use the reserved `.example` domain.
Templates may use {area} (the neighbourhood of the venue) and {venue}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Outward code -> neighbourhood. BK1 is the old mill-town centre; the others ring it.
AREAS: Final = {
    "BK1": "Brackenfield",
    "BK2": "Hollinbeck",
    "BK3": "Ashworth Fold",
    "BK4": "Marsh End",
    "BK5": "Kestrel Rise",
    "BK6": "Coldwell",
    "BK7": "Netherby Green",
    "BK8": "Wren Hill",
    "BK9": "Stainmoor",
}

# Venue kind -> (name templates, chance that a neighbourhood has one).
VENUES: Final[dict[str, tuple[tuple[str, ...], float]]] = {
    "community_centre": (("{area} Community Centre", "{area} Community Hub"), 1.0),
    "church_hall": (
        ("St Aidan's Church Hall, {area}", "{area} Methodist Hall", "{area} Friends Meeting House"),
        0.8,
    ),
    "library": (("{area} Library",), 0.7),
    "park": (("{area} Park", "{area} Recreation Ground"), 0.7),
    "leisure": (("{area} Leisure Centre", "{area} Sports Hub"), 0.45),
    "health": (("{area} Health Centre", "{area} Medical Practice"), 0.6),
    "garden": (("{area} Allotments", "{area} Community Garden"), 0.55),
    "cafe": (("The Kettle Café, {area}", "{area} Community Café"), 0.5),
    "school": (("{area} Primary School",), 0.35),
    "faith": (("{area} Gurdwara Community Hall", "{area} Islamic Centre"), 0.35),
    "office": (("Brackenfield Resource Centre", "Weavers House, {area}"), 0.4),
}

STREETS: Final = (
    "Mill Lane",
    "Church Street",
    "Station Road",
    "Beck Side",
    "Chapel Walk",
    "Fold Road",
    "Moor View",
    "Victoria Road",
    "Weavers Row",
    "Canal Street",
    "High Street",
    "Park Avenue",
    "Tenter Lane",
    "Bobbin Way",
    "Spring Gardens",
    "Quarry Road",
)

ACCESSIBILITY: Final = (
    ("Step-free entrance and an accessible toilet.", ""),
    ("Hearing loop in the main hall.", "Switch your hearing aid to the T setting."),
    ("Parking for Blue Badge holders next to the entrance.", ""),
    ("Activities are upstairs; there is a lift.", ""),
    ("Two steps at the entrance.", "A portable ramp is available: ask a volunteer."),
    ("Quiet room available if you need a break.", ""),
    ("Large-print materials on request.", ""),
    ("Activities are upstairs and there is no lift.", "Ask us about meeting downstairs."),
)

TRANSPORT: Final = (
    "Buses 14 and 16 stop outside.",
    "Five minutes' walk from Brackenfield bus station.",
    "Free car park on site.",
    "Bus 22 stops at the end of the road.",
    "On-street parking only; the 9 bus stops nearby.",
    "",
)


@dataclass(frozen=True)
class OrganizationSpec:
    name: str
    slug: str
    description: str
    legal_status: str
    categories: tuple[str, ...]
    languages: tuple[str, ...] = ()


ORGANIZATIONS: Final = (
    OrganizationSpec(
        "Brackenfield Community Voluntary Action",
        "brackenfield-cva",
        "The umbrella body for voluntary and community groups in Brackenfield. Runs the "
        "volunteer centre and helps small groups with funding, training and safeguarding.",
        "Registered charity",
        ("volunteering", "social", "digital_skills"),
    ),
    OrganizationSpec(
        "Hollinbeck Community Association",
        "hollinbeck-community",
        "A resident-led association running Hollinbeck Community Centre: clubs, classes, "
        "meals and a friendly welcome for everyone in the estate and beyond.",
        "Registered charity",
        ("social", "arts_creativity", "food", "physical_activity"),
    ),
    OrganizationSpec(
        "Later Life Brackenfield",
        "later-life",
        "Supports people over 55 to stay connected, active and independent, with lunch "
        "clubs, exercise, befriending and practical help at home.",
        "Registered charity",
        ("social", "physical_activity", "digital_skills", "housing"),
    ),
    OrganizationSpec(
        "Brackenfield Advice Centre",
        "brackenfield-advice",
        "Free, independent and confidential advice on benefits, debt, housing, work and "
        "consumer problems, in the town centre and at outreach sessions across the town.",
        "Registered charity",
        ("benefits", "money_debt", "housing", "employment"),
    ),
    OrganizationSpec(
        "Brackenfield Money Advice Trust",
        "money-advice-trust",
        "Specialist debt advice and budgeting support, with accredited advisers who can "
        "negotiate with creditors and help with debt solutions.",
        "Registered charity",
        ("money_debt",),
    ),
    OrganizationSpec(
        "Brackenfield Carers Centre",
        "carers-centre",
        "Information, advice, groups and breaks for unpaid carers of all ages who look after "
        "a family member or friend.",
        "Registered charity",
        ("carers",),
    ),
    OrganizationSpec(
        "Brackenfield Wellbeing Trust",
        "wellbeing-trust",
        "A local mental health charity offering listening support, counselling, courses and "
        "peer groups for adults who are struggling.",
        "Registered charity",
        ("emotional_support", "peer_support", "arts_creativity"),
    ),
    OrganizationSpec(
        "Brackenfield Food Bank",
        "brackenfield-foodbank",
        "Emergency food parcels for people in crisis, from distribution centres across "
        "Brackenfield, alongside advice to help with the cause.",
        "Registered charity",
        ("food",),
    ),
    OrganizationSpec(
        "Kestrel Rise Community Pantry",
        "kestrel-pantry",
        "A membership food pantry: members pay a small weekly fee and choose groceries worth "
        "much more, with a cookery club and a café.",
        "Community interest company",
        ("food",),
    ),
    OrganizationSpec(
        "Brackenfield Active",
        "brackenfield-active",
        "The town's leisure and sport trust, running leisure centres and inclusive activity "
        "for people who are new to exercise or living with a health condition.",
        "Charitable company",
        ("physical_activity", "health_self_management"),
    ),
    OrganizationSpec(
        "Marsh End Green Spaces Trust",
        "green-spaces",
        "Looks after parks, woods and community gardens in and around Brackenfield with local "
        "volunteers.",
        "Registered charity",
        ("nature_green", "volunteering"),
    ),
    OrganizationSpec(
        "Brackenfield Conservation Volunteers",
        "conservation-volunteers",
        "Outdoor conservation work for everyone: planting, path-building and hedge-laying "
        "that keeps people and places healthy.",
        "Registered charity",
        ("nature_green", "volunteering", "physical_activity"),
    ),
    OrganizationSpec(
        "Brackenfield Arts Collective",
        "arts-collective",
        "Artists and makers running affordable classes, open studios and arts-for-wellbeing "
        "courses.",
        "Community interest company",
        ("arts_creativity",),
    ),
    OrganizationSpec(
        "The Singing Mill",
        "singing-mill",
        "Community choirs and music groups where nobody has to audition or read music.",
        "Community interest company",
        ("arts_creativity",),
    ),
    OrganizationSpec(
        "Brackenfield Adult Learning",
        "adult-learning",
        "Free and low-cost courses for adults: English, maths, digital skills, cookery and "
        "courses to build confidence.",
        "Local authority service",
        ("learning_skills", "digital_skills", "employment"),
    ),
    OrganizationSpec(
        "Stepping Stones Employment Support",
        "stepping-stones",
        "One-to-one support into work for people who have been out of work for a while, "
        "including people with health conditions.",
        "Registered charity",
        ("employment",),
    ),
    OrganizationSpec(
        "Brackenfield Housing Aid",
        "housing-aid",
        "Housing advice and homelessness prevention for private and social tenants, "
        "homeowners and people with nowhere to stay.",
        "Registered charity",
        ("housing",),
    ),
    OrganizationSpec(
        "Brackenfield Bereavement Service",
        "bereavement-service",
        "Listening support, groups and counselling for adults after the death of someone close.",
        "Registered charity",
        ("bereavement",),
    ),
    OrganizationSpec(
        "Pathways Recovery Brackenfield",
        "pathways-recovery",
        "Support for anyone worried about their drinking or drug use, and a recovery "
        "community run with people in recovery.",
        "Registered charity",
        ("substance_use", "peer_support"),
    ),
    OrganizationSpec(
        "Brackenfield Diabetes Support Group",
        "diabetes-support",
        "A peer-led group for people living with diabetes and their families.",
        "Unincorporated association",
        ("health_self_management", "peer_support"),
    ),
    OrganizationSpec(
        "Better Breathing Brackenfield",
        "better-breathing",
        "Support and gentle exercise for people living with lung conditions such as COPD.",
        "Unincorporated association",
        ("health_self_management", "peer_support"),
    ),
    OrganizationSpec(
        "Brackenfield Digital Inclusion Network",
        "digital-inclusion",
        "Volunteers helping people get online, with free devices and data for those who need them.",
        "Community interest company",
        ("digital_skills",),
    ),
    OrganizationSpec(
        "Netherby Green Men's Shed",
        "netherby-shed",
        "A workshop where people, mostly men, make, mend and chat over a brew.",
        "Registered charity",
        ("social", "volunteering"),
    ),
    OrganizationSpec(
        "Rainbow Brackenfield",
        "rainbow-brackenfield",
        "Social and support groups run by and for LGBTQ+ people in Brackenfield.",
        "Community interest company",
        ("social", "peer_support"),
    ),
    OrganizationSpec(
        "Brackenfield Polish Community Association",
        "polish-community",
        "Social, cultural and advice activities for Polish speakers and their families.",
        "Registered charity",
        ("social", "learning_skills", "benefits"),
        ("pl",),
    ),
    OrganizationSpec(
        "Brackenfield South Asian Women's Centre",
        "sawc",
        "A welcoming centre for South Asian women and their families: groups, classes, advice "
        "and emotional support in community languages.",
        "Registered charity",
        ("social", "learning_skills", "emotional_support"),
        ("ur", "pa", "bn"),
    ),
    OrganizationSpec(
        "Somali Community Brackenfield",
        "somali-community",
        "Advice, youth work and social activities for the Somali community.",
        "Registered charity",
        ("social", "benefits"),
        ("so", "ar"),
    ),
    OrganizationSpec(
        "Wren Hill Youth Project",
        "wren-hill-youth",
        "Youth work for 11 to 25 year olds: clubs, sport, mentoring and wellbeing support.",
        "Registered charity",
        ("social", "physical_activity", "emotional_support", "employment"),
    ),
    OrganizationSpec(
        "Stainmoor Village Hall",
        "stainmoor-hall",
        "The village hall committee, running activities that keep a rural community together.",
        "Registered charity",
        ("social", "arts_creativity", "physical_activity"),
    ),
    OrganizationSpec(
        "Open Door Counselling Brackenfield",
        "open-door",
        "Low-cost counselling from qualified and trainee counsellors, with fees on a "
        "sliding scale.",
        "Registered charity",
        ("emotional_support", "bereavement"),
    ),
    OrganizationSpec(
        "Brackenfield Refugee Welcome",
        "refugee-welcome",
        "Friendship, English practice and practical help for refugees and people seeking asylum.",
        "Registered charity",
        ("learning_skills", "social"),
        ("ar", "so", "ro"),
    ),
    OrganizationSpec(
        "Brackenfield Tenants' Federation",
        "tenants-federation",
        "Tenants helping tenants: repairs, rights and residents' groups.",
        "Unincorporated association",
        ("housing", "peer_support"),
    ),
    OrganizationSpec(
        "Warm Homes Brackenfield",
        "warm-homes",
        "Energy advice, help with bills and small home improvements to keep homes warm.",
        "Community interest company",
        ("housing", "money_debt"),
    ),
)


@dataclass(frozen=True)
class ServiceKind:
    """A kind of service, instantiated `count` times at different venues."""

    category: str
    names: tuple[str, ...]
    descriptions: tuple[str, ...]
    count: int
    also: tuple[str, ...] = ()
    format: str = "group"
    modes: tuple[str, ...] = ("in_person",)
    venues: tuple[str, ...] = ("community_centre",)
    schedule: str = "morning"
    free: float = 0.6
    price: tuple[str, ...] = ("3.00",)
    referral: float = 0.2
    audiences: tuple[str, ...] = ()
    min_age: int | None = 18
    max_age: int | None = None
    eligibility: str = ""
    hosts: tuple[str, ...] = ()  # organisation slugs; default: any of the category's


def K(
    category: str, names: tuple[str, ...], descriptions: tuple[str, ...], count: int, **kw: object
) -> ServiceKind:
    return ServiceKind(category, names, descriptions, count, **kw)  # type: ignore[arg-type]


CATALOGUE: Final = (
    # --- social --------------------------------------------------------------------------
    K(
        "social",
        ("{area} Lunch Club", "{area} Friendship Lunch", "Tuesday Lunch Club at {venue}"),
        (
            "A hot two-course lunch and good company for older people. Come on your own or "
            "bring a friend; there is a quiz or a speaker most weeks.",
            "A friendly lunch club where older neighbours share a home-cooked meal, a cup of "
            "tea and a chat. Volunteers can help with lifts for people who find it hard to "
            "get out.",
        ),
        5,
        hosts=(
            "later-life",
            "hollinbeck-community",
            "stainmoor-hall",
        ),
        venues=("community_centre", "church_hall"),
        schedule="lunch",
        free=0.1,
        price=("4.00", "4.50", "5.00"),
        audiences=("older_people",),
        min_age=55,
        eligibility="For people aged 55 and over living in Brackenfield.",
    ),
    K(
        "social",
        ("{area} Coffee Morning", "Warm Welcome Coffee Morning at {venue}", "{area} Drop-in Café"),
        (
            "A relaxed coffee morning open to everyone. Drop in for a hot drink, a biscuit "
            "and a natter; volunteers make sure nobody sits alone.",
            "Free tea, coffee and toast in a warm space, with newspapers, games and people to "
            "talk to. No need to book.",
        ),
        5,
        venues=("church_hall", "community_centre", "cafe", "library"),
        free=0.2,
        price=(
            "1.00",
            "1.50",
        ),
        min_age=None,
    ),
    K(
        "social",
        ("Brackenfield Telephone Befriending", "Friendly Voices Phone Befriending"),
        (
            "A trained volunteer rings you for a chat at the same time each week. For people "
            "who feel lonely or cannot easily get out.",
        ),
        2,
        hosts=(
            "later-life",
            "brackenfield-cva",
        ),
        format="one_to_one",
        modes=("phone",),
        venues=(),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
        audiences=("older_people",),
        min_age=50,
    ),
    K(
        "social",
        ("{area} Men's Shed",),
        (
            "A shared workshop where people make and mend things in wood and metal, work on "
            "community projects and chat over a brew. No experience needed.",
        ),
        2,
        hosts=("netherby-shed",),
        also=("arts_creativity", "volunteering"),
        venues=("community_centre", "office"),
        schedule="twice_weekly",
        free=0.3,
        price=("2.00", "3.00"),
        audiences=("men_only",),
    ),
    K(
        "social",
        ("Rainbow Brackenfield Social", "Rainbow Brackenfield Games Night"),
        (
            "A sober, friendly social for LGBTQ+ adults: board games, chat and the occasional "
            "quiz in a safe, welcoming space.",
        ),
        2,
        hosts=("rainbow-brackenfield",),
        also=("peer_support",),
        venues=("cafe", "community_centre"),
        schedule="evening",
        free=0.8,
        audiences=("lgbtq",),
    ),
    K(
        "social",
        ("{area} Women's Friendship Circle", "Women's Social Afternoon at {venue}"),
        (
            "A women-only group to meet others, share food, try crafts and go on outings. "
            "Conversations in English, Urdu, Punjabi and Bengali.",
        ),
        3,
        hosts=("sawc",),
        venues=("community_centre", "faith"),
        schedule="afternoon",
        free=0.4,
        price=("1.00",),
        audiences=("women_only",),
    ),
    K(
        "social",
        ("{area} Board Games Afternoon", "Games and Chat at {venue}"),
        (
            "Cards, dominoes, board games and jigsaws with friendly people. Drop in and join "
            "a table.",
        ),
        3,
        venues=("library", "cafe", "community_centre"),
        schedule="afternoon",
        free=0.4,
        price=(
            "1.00",
            "1.50",
        ),
    ),
    K(
        "social",
        ("Wren Hill Young Adults Club", "{area} Young People's Social"),
        (
            "A relaxed evening club for young people: pool, music, cooking and trips, with "
            "youth workers to talk to if you need them.",
        ),
        2,
        hosts=("wren-hill-youth",),
        also=("emotional_support",),
        venues=("community_centre", "school"),
        schedule="evening",
        free=0.6,
        price=("1.00",),
        audiences=("young_people",),
        min_age=16,
        max_age=25,
    ),
    K(
        "social",
        ("Brackenfield Community Transport Outings", "Stainmoor Day Trips Club"),
        (
            "Monthly day trips to the coast, markets and garden centres on an accessible "
            "minibus, picked up from your door.",
        ),
        2,
        hosts=(
            "later-life",
            "stainmoor-hall",
            "brackenfield-cva",
        ),
        also=("volunteering",),
        venues=("office", "community_centre"),
        schedule="monthly",
        free=0.0,
        price=("8.00", "10.00"),
        audiences=("older_people",),
        min_age=60,
    ),
    # --- physical activity ---------------------------------------------------------------
    K(
        "physical_activity",
        ("{area} Walking Football", "Walking Football at {venue}"),
        (
            "Football at walking pace: no running, no tackling, no heading. Great for getting "
            "fit again, making friends and enjoying the game whatever your age.",
        ),
        4,
        hosts=("brackenfield-active",),
        also=("social",),
        venues=("leisure", "park", "school"),
        schedule="morning",
        free=0.2,
        price=("2.50", "3.00"),
        min_age=50,
        eligibility="For people aged 50 and over; all abilities welcome.",
    ),
    K(
        "physical_activity",
        ("Chair Yoga at {venue}", "{area} Seated Yoga", "Gentle Chair Yoga, {area}"),
        (
            "Gentle yoga done sitting on, or holding, a chair. Improves strength, balance and "
            "breathing; suitable if you have stiff joints or find standing difficult.",
        ),
        4,
        hosts=(
            "brackenfield-active",
            "later-life",
            "stainmoor-hall",
        ),
        also=("health_self_management",),
        venues=("church_hall", "community_centre", "library"),
        free=0.3,
        price=("3.00", "4.00"),
        audiences=("older_people",),
        min_age=50,
    ),
    K(
        "physical_activity",
        ("{area} Park Saturday 5k", "{area} Saturday Morning 5k"),
        (
            "A free, timed 5 km walk, jog or run every Saturday morning. Walkers are as "
            "welcome as runners and there is always a volunteer tail walker at the back.",
        ),
        3,
        also=("social", "nature_green"),
        venues=("park",),
        schedule="saturday",
        free=1.0,
        min_age=None,
    ),
    K(
        "physical_activity",
        ("{area} Health Walk", "Wednesday Wander, {area}"),
        (
            "Short, led walks on flat paths at a gentle pace, finishing with a cuppa. Walks "
            "last about an hour and nobody gets left behind.",
        ),
        4,
        also=("nature_green", "social"),
        venues=("park", "library", "health"),
        free=0.7,
        price=("1.00",),
        min_age=None,
    ),
    K(
        "physical_activity",
        ("Women-only Swim at {venue}", "{area} Women's Fitness Class"),
        (
            "A women-only session with female staff and covered windows, at your own pace. "
            "Swimming lessons available for beginners.",
        ),
        3,
        hosts=("brackenfield-active",),
        venues=("leisure",),
        schedule="evening",
        free=0.0,
        price=("3.50", "4.20"),
        audiences=("women_only",),
        min_age=16,
    ),
    K(
        "physical_activity",
        ("{area} Tea Dance", "Tea Dance at {venue}"),
        (
            "Ballroom and sequence dancing to live music, with tea and cake in the interval. "
            "Partners are not needed and beginners are welcome.",
        ),
        2,
        also=("social",),
        venues=("church_hall", "community_centre"),
        schedule="afternoon",
        free=0.0,
        price=("3.00", "4.00"),
        audiences=("older_people",),
        min_age=None,
    ),
    K(
        "physical_activity",
        (
            "Steady Steps Strength and Balance",
            "Stay Steady Falls Prevention Class",
            "Strength and Balance Class, {area}",
        ),
        (
            "A 12-week strength and balance course led by a qualified instructor, for people "
            "who have fallen or are worried about falling.",
        ),
        3,
        hosts=(
            "brackenfield-active",
            "later-life",
        ),
        also=("health_self_management",),
        venues=("leisure", "health", "community_centre"),
        schedule="course",
        free=0.4,
        price=("2.50",),
        referral=1.0,
        audiences=("older_people",),
        min_age=60,
    ),
    K(
        "physical_activity",
        ("Beginners' Running Group, {area}", "{area} Jog Club for Beginners"),
        (
            "A friendly nine-week programme for complete beginners, building up from walking "
            "to running 5 km with a coach and a group for company.",
        ),
        2,
        venues=("park", "leisure"),
        schedule="evening",
        free=0.5,
        price=("2.00",),
    ),
    K(
        "physical_activity",
        ("{area} Social Table Tennis", "Bat and Chat Table Tennis at {venue}"),
        (
            "Relaxed table tennis for all abilities. Bats and balls provided; the kettle is "
            "always on.",
        ),
        2,
        also=("social",),
        venues=("community_centre", "leisure"),
        schedule="afternoon",
        free=0.4,
        price=("2.00",),
        min_age=None,
    ),
    K(
        "physical_activity",
        ("Brackenfield Bike Buddies", "{area} Social Cycle Rides"),
        (
            "Slow, sociable bike rides on quiet roads and canal paths. Bikes, including "
            "adapted cycles, can be borrowed for free.",
        ),
        2,
        also=("nature_green",),
        venues=("park", "office"),
        schedule="saturday",
        free=0.3,
        price=("2.00",),
    ),
    # --- arts and creativity -------------------------------------------------------------
    K(
        "arts_creativity",
        ("{area} Community Art Class", "Drop-in Painting at {venue}", "{area} Sketch Club"),
        (
            "A relaxed art class for beginners and improvers: drawing, watercolour and "
            "collage with a local artist. Materials provided.",
            "Come and paint in a friendly group. There is gentle teaching if you want it and "
            "nobody minds if you would rather just chat.",
        ),
        4,
        also=("social",),
        venues=("community_centre", "library", "church_hall"),
        free=0.4,
        price=("3.00", "5.00"),
    ),
    K(
        "arts_creativity",
        ("{area} Community Choir", "The Singing Mill: {area} Choir", "Sing Your Heart Out, {area}"),
        (
            "A community choir for people who love to sing but may never have sung in public. "
            "No auditions and no need to read music; songs are learnt by ear.",
        ),
        4,
        hosts=("singing-mill",),
        also=("social",),
        venues=("church_hall", "school", "community_centre"),
        schedule="evening",
        free=0.3,
        price=("3.00", "4.00"),
    ),
    K(
        "arts_creativity",
        ("{area} Knit and Natter", "Stitch and Chat at {venue}"),
        (
            "Bring your knitting, crochet or sewing, or learn from scratch. Wool and needles "
            "available for beginners.",
        ),
        3,
        also=("social",),
        venues=("library", "cafe", "church_hall"),
        schedule="afternoon",
        free=0.2,
        price=(
            "1.50",
            "2.00",
        ),
        min_age=None,
    ),
    K(
        "arts_creativity",
        ("Brackenfield Writers' Circle", "{area} Life Stories Writing Group"),
        (
            "A supportive group for anyone who writes or wants to: poems, memories, stories. "
            "Gentle prompts each session and no pressure to share.",
        ),
        2,
        venues=("library",),
        schedule="afternoon",
        free=0.4,
        price=("2.00",),
    ),
    K(
        "arts_creativity",
        ("Clay and Chat Pottery, {area}", "{area} Craft Workshop"),
        (
            "Hands-on pottery and craft sessions in a small group with a tutor. Firing and "
            "materials are included in the price.",
        ),
        2,
        hosts=("arts-collective",),
        venues=("office", "community_centre"),
        free=0.0,
        price=("6.00", "8.00"),
    ),
    K(
        "arts_creativity",
        ("{area} Ukulele Group", "Strum Along at {venue}"),
        (
            "Learn to play the ukulele with others: three chords are enough to start. "
            "Instruments can be borrowed.",
        ),
        2,
        also=("social",),
        venues=("cafe", "community_centre", "library"),
        schedule="evening",
        free=0.5,
        price=("2.00",),
    ),
    K(
        "arts_creativity",
        ("Creative Minds Arts Course", "Art for Wellbeing, {area}"),
        (
            "An eight-week arts course for adults with anxiety or low mood, led by an artist "
            "with a wellbeing practitioner. Small groups; no experience needed.",
        ),
        3,
        hosts=(
            "arts-collective",
            "wellbeing-trust",
        ),
        also=("emotional_support",),
        venues=("office", "community_centre"),
        schedule="course",
        free=0.6,
        price=("3.00",),
        referral=1.0,
    ),
    K(
        "arts_creativity",
        ("Brackenfield Community Theatre", "{area} Photography Walks"),
        (
            "Have a go at acting, backstage work or photography with a welcoming group that "
            "puts on a show or exhibition each year.",
        ),
        2,
        also=("social",),
        venues=("school", "community_centre", "park"),
        schedule="evening",
        free=0.5,
        price=("2.00",),
    ),
    # --- nature and green spaces ---------------------------------------------------------
    K(
        "nature_green",
        ("{area} Community Garden", "Growing Together at {venue}"),
        (
            "Grow fruit, vegetables and flowers with others in a shared garden. Tools, seeds "
            "and gloves provided; take home what you grow.",
            "A welcoming garden where anyone can help out for an hour or a day. Raised beds "
            "and a sheltered potting shed make it accessible in all weathers.",
        ),
        5,
        hosts=("green-spaces",),
        also=("volunteering", "social"),
        venues=("garden",),
        schedule="twice_weekly",
        free=0.4,
        price=("1.00",),
        min_age=None,
    ),
    K(
        "nature_green",
        ("{area} Green Exercise Group", "Outdoor Conservation Workout, {area}"),
        (
            "Get fit outdoors by doing practical conservation work: clearing paths, planting "
            "trees and building habitats. A warm-up, a brew and a cool-down are part of every "
            "session.",
        ),
        3,
        hosts=("conservation-volunteers",),
        also=("physical_activity", "volunteering"),
        venues=("park", "garden"),
        free=0.7,
        price=("1.00",),
    ),
    K(
        "nature_green",
        ("Growing Well Allotment Project", "{area} Therapeutic Allotment"),
        (
            "Supported gardening on a shared allotment for people with mental health needs, "
            "with a horticultural therapist. Referral needed.",
        ),
        2,
        hosts=(
            "green-spaces",
            "wellbeing-trust",
        ),
        also=("emotional_support",),
        venues=("garden",),
        free=1.0,
        referral=1.0,
    ),
    K(
        "nature_green",
        ("{area} Nature Walk", "Birdwatching for Beginners, {area}"),
        (
            "A slow guided walk noticing birds, trees and wildlife. Binoculars to borrow; "
            "walks are about two miles on mostly level ground.",
        ),
        3,
        also=("physical_activity",),
        venues=("park",),
        schedule="saturday",
        free=0.3,
        price=(
            "2.00",
            "3.00",
        ),
        min_age=None,
    ),
    K(
        "nature_green",
        ("Woodland Wellbeing Sessions", "Wild Wednesdays, {area}"),
        (
            "Time in the woods for people who feel stressed or low: fire-lighting, crafts "
            "and mindful walks, in a small group.",
        ),
        2,
        also=("emotional_support",),
        venues=("park",),
        free=0.6,
        price=("3.00",),
        referral=0.5,
    ),
    K(
        "nature_green",
        ("Friends of {area} Park Volunteer Days", "{area} Tree Planting Team"),
        (
            "Help look after your local park: litter picks, bulb planting and tree care, "
            "once a month with tea afterwards.",
        ),
        2,
        also=("volunteering",),
        venues=("park",),
        schedule="monthly",
        free=1.0,
        min_age=None,
    ),
    # --- learning and skills -------------------------------------------------------------
    K(
        "learning_skills",
        (
            "English for Speakers of Other Languages at {venue}",
            "{area} ESOL Conversation Class",
            "Speak English with Confidence, {area}",
        ),
        (
            "Free English classes from beginner to intermediate, with a crèche at some "
            "sessions. Learn everyday English for shopping, doctors and work.",
        ),
        4,
        hosts=(
            "adult-learning",
            "refugee-welcome",
            "polish-community",
        ),
        also=("social",),
        venues=("library", "community_centre", "faith"),
        free=0.5,
        price=("2.00",),
        min_age=16,
    ),
    K(
        "learning_skills",
        ("Confidence and Wellbeing Course", "New Start Confidence Course, {area}"),
        (
            "A free six-week course to build confidence, set goals and learn ways to manage "
            "stress, in a small and friendly group.",
        ),
        2,
        also=("emotional_support",),
        venues=("library", "office"),
        schedule="course",
        free=0.7,
        price=("2.00",),
    ),
    K(
        "learning_skills",
        ("Everyday Maths and English, {area}", "Brush Up Your Maths and English"),
        (
            "Free classes in English and maths for adults, leading to a qualification if you "
            "want one. Go at your own pace.",
        ),
        2,
        hosts=("adult-learning",),
        also=("employment",),
        venues=("library", "office"),
        schedule="course",
        free=1.0,
        min_age=19,
    ),
    K(
        "learning_skills",
        ("{area} Library Reading Group", "Shared Reading at {venue}"),
        (
            "A reading group where a story or poem is read aloud and talked about. No need "
            "to read beforehand.",
        ),
        3,
        also=("social",),
        venues=("library",),
        schedule="afternoon",
        free=0.3,
        price=("1.00",),
    ),
    K(
        "learning_skills",
        ("British Sign Language Taster, {area}", "Emergency First Aid for Everyone"),
        ("A short, practical course taught by a qualified tutor, with a certificate at the end.",),
        2,
        venues=("library", "community_centre"),
        schedule="course",
        free=0.5,
        price=("10.00", "15.00"),
    ),
    K(
        "learning_skills",
        ("Family Learning Sessions, {area}",),
        (
            "Fun sessions for parents and carers to learn alongside their children and pick "
            "up ideas to help with schoolwork.",
        ),
        1,
        also=("social",),
        venues=("school",),
        schedule="afternoon",
        free=1.0,
    ),
    # --- money and debt ------------------------------------------------------------------
    K(
        "money_debt",
        ("Free Debt Advice Appointments", "Debt Advice Drop-in at {venue}", "{area} Debt Clinic"),
        (
            "Free, confidential debt advice from accredited advisers. We can look at all your "
            "debts, deal with creditors and help you choose a way forward.",
        ),
        4,
        hosts=(
            "money-advice-trust",
            "brackenfield-advice",
        ),
        also=("benefits",),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office", "library", "community_centre"),
        schedule="weekdays",
        free=1.0,
        referral=0.8,
    ),
    K(
        "money_debt",
        ("Money Matters Budgeting Course", "{area} Money Skills Workshop"),
        (
            "A short, friendly course on budgeting, saving on bills and avoiding debt, with "
            "a free budget planner to take away.",
        ),
        2,
        also=("learning_skills",),
        venues=("library", "community_centre"),
        schedule="course",
        free=1.0,
    ),
    K(
        "money_debt",
        ("Warm Homes Energy Advice", "Energy Bill Help Clinic, {area}", "{area} Energy Café"),
        (
            "Help to understand energy bills, switch tariffs, apply for grants and deal with "
            "energy debt. Bring a recent bill if you can.",
        ),
        3,
        hosts=("warm-homes",),
        also=("housing",),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("library", "cafe", "community_centre"),
        free=1.0,
        referral=0.5,
    ),
    K(
        "money_debt",
        ("Brackenfield Credit Union Savings Point, {area}",),
        (
            "Save small amounts and borrow affordably from a not-for-profit credit union run "
            "for local people.",
        ),
        2,
        hosts=("brackenfield-advice",),
        format="one_to_one",
        venues=("library", "office"),
        free=1.0,
    ),
    K(
        "money_debt",
        ("Brackenfield Money Helpline",),
        ("A free phone line for money worries, with call-backs from a debt adviser.",),
        1,
        hosts=("money-advice-trust",),
        format="one_to_one",
        modes=("phone", "online"),
        venues=(),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
    ),
    K(
        "money_debt",
        ("Money Coaching for Young Adults",),
        (
            "One-to-one coaching for 16 to 25 year olds on managing money, first tenancies "
            "and bills.",
        ),
        1,
        format="one_to_one",
        modes=("in_person", "online"),
        venues=("office",),
        free=1.0,
        referral=1.0,
        audiences=("young_people",),
        min_age=16,
        max_age=25,
    ),
    # --- benefits and general advice -----------------------------------------------------
    K(
        "benefits",
        ("{area} Advice Drop-in", "Community Advice Session at {venue}"),
        (
            "Free, independent advice on benefits, work, housing, consumer and family "
            "problems. Drop in and see an adviser; bring any letters you have.",
        ),
        5,
        hosts=(
            "brackenfield-advice",
            "polish-community",
            "somali-community",
        ),
        also=("money_debt", "housing"),
        format="one_to_one",
        venues=("library", "community_centre", "faith", "office"),
        free=1.0,
        referral=0.3,
    ),
    K(
        "benefits",
        ("Benefits Entitlement Check", "Better Off Benefits Check, {area}"),
        (
            "An adviser checks which benefits and discounts you can claim and helps you apply. "
            "Most people we see are entitled to something they were not getting.",
        ),
        2,
        hosts=("brackenfield-advice",),
        also=("money_debt",),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office",),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
    ),
    K(
        "benefits",
        ("Help with Benefit Forms", "Form-filling Help at {venue}"),
        (
            "Help to fill in benefit forms, including Personal Independence Payment and "
            "Universal Credit, from trained volunteers.",
        ),
        3,
        format="one_to_one",
        venues=("library", "community_centre", "office"),
        free=1.0,
        referral=0.5,
    ),
    K(
        "benefits",
        ("Benefit Appeals Support",),
        (
            "Specialist help to challenge benefit decisions, from mandatory reconsideration "
            "to representation at tribunal.",
        ),
        1,
        hosts=("brackenfield-advice",),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office",),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
    ),
    K(
        "benefits",
        ("Brackenfield Adviceline",),
        ("A free phone line for advice on benefits, debt, housing and work problems.",),
        1,
        hosts=("brackenfield-advice",),
        format="one_to_one",
        modes=("phone",),
        venues=(),
        schedule="weekdays",
        free=1.0,
    ),
    K(
        "benefits",
        ("Advice at {venue}", "Health Centre Advice Sessions, {area}"),
        (
            "An advice worker holds appointments at the health centre, so patients can get "
            "help with money and benefits where they already are.",
        ),
        3,
        hosts=("brackenfield-advice",),
        also=("money_debt",),
        format="one_to_one",
        venues=("health",),
        free=1.0,
        referral=1.0,
        eligibility="For patients registered with the practice.",
    ),
    K(
        "benefits",
        ("Pension Credit Check for Over 65s",),
        (
            "Home visits and phone appointments to check whether older people can claim "
            "Pension Credit and related help.",
        ),
        1,
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office",),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
        audiences=("older_people",),
        min_age=65,
    ),
    # --- housing -------------------------------------------------------------------------
    K(
        "housing",
        ("Housing Advice Drop-in, {area}", "Brackenfield Housing Advice"),
        (
            "Advice on renting, repairs, eviction, mortgage arrears and finding somewhere to "
            "live, from specialist housing advisers.",
        ),
        3,
        hosts=(
            "housing-aid",
            "brackenfield-advice",
        ),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office", "library"),
        schedule="weekdays",
        free=1.0,
        referral=0.5,
    ),
    K(
        "housing",
        ("Homelessness Prevention Service", "Housing Options Support, {area}"),
        (
            "Urgent help for people at risk of losing their home, including negotiating with "
            "landlords and finding emergency accommodation.",
        ),
        2,
        hosts=("housing-aid",),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office",),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
    ),
    K(
        "housing",
        ("{area} Tenants' Surgery", "Repairs and Rights Drop-in, {area}"),
        (
            "Tenants helping tenants get repairs done and understand their rights, with "
            "template letters and someone to go with you to meetings.",
        ),
        2,
        hosts=("tenants-federation",),
        also=("peer_support",),
        format="both",
        venues=("community_centre", "library"),
        schedule="evening",
        free=1.0,
    ),
    K(
        "housing",
        ("Home from Hospital Handyperson", "Safe at Home Adaptations"),
        (
            "Small repairs, grab rails and key safes fitted at home so older and disabled "
            "people can stay safe and independent.",
        ),
        2,
        hosts=(
            "later-life",
            "warm-homes",
        ),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office",),
        schedule="weekdays",
        free=0.5,
        price=("15.00",),
        referral=1.0,
        audiences=("older_people",),
        min_age=60,
    ),
    K(
        "housing",
        ("Young People's Housing Support",),
        ("Support for 16 to 25 year olds to find and keep a home.",),
        1,
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office",),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
        audiences=("young_people",),
        min_age=16,
        max_age=25,
    ),
    K(
        "housing",
        ("Clear Space Hoarding Support Group",),
        (
            "A confidential peer group for people who find it hard to let things go, with "
            "practical tips and no judgement.",
        ),
        1,
        also=("peer_support",),
        venues=("office", "community_centre"),
        schedule="fortnightly",
        free=1.0,
    ),
    # --- employment ----------------------------------------------------------------------
    K(
        "employment",
        ("{area} Job Club", "Work Club at {venue}"),
        (
            "Drop in for help with job searching, CVs, applications and interview practice, "
            "with free computers and printing.",
        ),
        4,
        hosts=(
            "adult-learning",
            "stepping-stones",
            "brackenfield-cva",
        ),
        also=("digital_skills",),
        format="both",
        venues=("library", "community_centre"),
        free=1.0,
    ),
    K(
        "employment",
        ("Stepping Stones Employment Coaching", "Back to Work Coaching, {area}"),
        (
            "One-to-one coaching for people who have been out of work for a while, at a pace "
            "that suits you, including support after you start a job.",
        ),
        2,
        hosts=("stepping-stones",),
        also=("emotional_support",),
        format="one_to_one",
        modes=("in_person", "phone", "online"),
        venues=("office",),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
    ),
    K(
        "employment",
        ("Work and Wellbeing Employment Support",),
        (
            "Employment specialists working alongside mental health services to help people "
            "find and keep paid work.",
        ),
        1,
        hosts=(
            "stepping-stones",
            "wellbeing-trust",
        ),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office",),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
    ),
    K(
        "employment",
        ("CV and Interview Workshop, {area}", "Get Interview Ready"),
        ("A practical workshop on CVs, application forms and interviews.",),
        2,
        venues=("library", "office"),
        schedule="course",
        free=1.0,
    ),
    K(
        "employment",
        ("Wren Hill Youth Employability Programme", "Next Steps for 16 to 24s"),
        ("Mentoring, work tasters and qualifications for young people not in education or work.",),
        2,
        hosts=("wren-hill-youth",),
        also=("learning_skills",),
        format="both",
        venues=("community_centre", "office"),
        free=1.0,
        referral=0.5,
        audiences=("young_people",),
        min_age=16,
        max_age=24,
    ),
    K(
        "employment",
        ("Start Your Own Business Advice",),
        ("Free advice and workshops for people thinking of becoming self-employed.",),
        1,
        format="both",
        modes=("in_person", "online"),
        venues=("office",),
        free=1.0,
    ),
    # --- emotional support ---------------------------------------------------------------
    K(
        "emotional_support",
        ("Low-cost Counselling", "Open Door Counselling, {area}", "Affordable Counselling"),
        (
            "Weekly counselling with qualified or trainee counsellors for adults with low "
            "mood, anxiety, stress or difficult life events. Fees on a sliding scale.",
        ),
        3,
        hosts=("open-door",),
        format="one_to_one",
        modes=("in_person", "online", "phone"),
        venues=("office",),
        schedule="weekdays",
        free=0.2,
        price=("10.00", "15.00", "20.00"),
        referral=1.0,
    ),
    K(
        "emotional_support",
        ("Brackenfield Listening Line", "Evening Listening Line"),
        (
            "A free, confidential phone line staffed by trained volunteers for anyone who "
            "needs to talk. Not a crisis service.",
        ),
        2,
        hosts=("wellbeing-trust",),
        format="one_to_one",
        modes=("phone",),
        venues=(),
        schedule="evening_line",
        free=1.0,
    ),
    K(
        "emotional_support",
        ("{area} Wellbeing Café", "Wellbeing Drop-in at {venue}"),
        (
            "A relaxed drop-in for anyone feeling low or anxious: a cuppa, a chat and "
            "information from wellbeing workers, without an appointment.",
        ),
        4,
        also=("peer_support", "social"),
        format="both",
        venues=("cafe", "community_centre", "library"),
        schedule="afternoon",
        free=0.3,
        price=(
            "1.00",
            "2.00",
        ),
    ),
    K(
        "emotional_support",
        ("Managing Anxiety Course", "Managing Stress Classes, {area}"),
        (
            "A six-session course teaching practical ways to manage worry, panic and stress, "
            "based on cognitive behavioural approaches.",
        ),
        2,
        also=("learning_skills",),
        modes=("in_person", "online"),
        venues=("library", "office"),
        schedule="course",
        free=1.0,
        referral=0.5,
    ),
    K(
        "emotional_support",
        ("Man Talk, {area}", "Men's Mental Health Group, {area}"),
        (
            "A peer-to-peer talking group for men: no appointments, no pressure, just men "
            "talking about what's on their minds.",
        ),
        3,
        also=("peer_support",),
        venues=("community_centre", "leisure", "cafe"),
        schedule="evening",
        free=1.0,
        audiences=("men_only",),
    ),
    K(
        "emotional_support",
        ("Young People's Wellbeing Service", "Wellbeing Drop-in for Young People, {area}"),
        ("Wellbeing support and mentoring for young people aged 16 to 25.",),
        2,
        hosts=(
            "wren-hill-youth",
            "wellbeing-trust",
        ),
        format="both",
        modes=("in_person", "online"),
        venues=("community_centre", "office"),
        free=1.0,
        referral=0.5,
        audiences=("young_people",),
        min_age=16,
        max_age=25,
    ),
    K(
        "emotional_support",
        ("Online Wellbeing Workshops", "Mindfulness Online"),
        ("Free live online workshops on sleep, mindfulness and managing low mood.",),
        2,
        modes=("online",),
        venues=(),
        schedule="evening",
        free=0.5,
        price=("5.00",),
    ),
    # --- peer support --------------------------------------------------------------------
    K(
        "peer_support",
        ("{area} Mental Health Peer Support Group", "Hope and Recovery Group, {area}"),
        (
            "A group for people with lived experience of mental ill health to share what "
            "helps, run by trained peer supporters.",
        ),
        3,
        also=("emotional_support",),
        venues=("community_centre", "church_hall", "office"),
        schedule="fortnightly",
        free=0.4,
        price=("1.00",),
    ),
    K(
        "peer_support",
        ("Living with Pain Peer Group", "Chronic Pain Support Circle, {area}"),
        ("Meet others living with long-term pain, share tips and try gentle relaxation.",),
        2,
        also=("health_self_management",),
        venues=("health", "library"),
        schedule="monthly",
        free=0.5,
        price=("2.00",),
    ),
    K(
        "peer_support",
        ("Long COVID Support Group",),
        ("Peer support for people living with long COVID, in person and online.",),
        1,
        also=("health_self_management",),
        modes=("in_person", "online"),
        venues=("health",),
        schedule="monthly",
        free=1.0,
    ),
    K(
        "peer_support",
        ("{area} Parents' Group", "New Parents' Circle at {venue}"),
        (
            "A friendly group for parents and carers of babies and young children to meet, "
            "talk and share ideas. Babies welcome.",
        ),
        3,
        also=("social",),
        venues=("library", "church_hall", "community_centre"),
        free=0.2,
        price=(
            "1.00",
            "1.50",
        ),
        min_age=None,
    ),
    K(
        "peer_support",
        ("Hearing Loss Support Group",),
        ("Practical tips, equipment to try and company for people living with hearing loss.",),
        1,
        venues=("library",),
        schedule="monthly",
        free=0.0,
        price=("2.00",),
    ),
    K(
        "peer_support",
        ("Rainbow Brackenfield Peer Support",),
        ("A confidential peer support group for LGBTQ+ adults.",),
        1,
        hosts=("rainbow-brackenfield",),
        also=("emotional_support",),
        venues=("community_centre",),
        schedule="fortnightly",
        free=1.0,
        audiences=("lgbtq",),
    ),
    K(
        "peer_support",
        ("Brackenfield Online Peer Support", "Together Online Peer Chat"),
        ("Moderated online peer support groups every weekday evening.",),
        2,
        modes=("online",),
        venues=(),
        schedule="evening",
        free=1.0,
    ),
    K(
        "peer_support",
        ("Autistic Adults Meet-up, {area}", "Neurodivergent Adults Social"),
        (
            "A calm, low-pressure meet-up for autistic and neurodivergent adults, with a "
            "quiet space and clear plans for each session.",
        ),
        2,
        also=("social",),
        venues=("library", "community_centre"),
        schedule="fortnightly",
        free=0.5,
        price=("2.00",),
    ),
    # --- carers --------------------------------------------------------------------------
    K(
        "carers",
        ("Brackenfield Carers Centre Drop-in", "Carers' Advice Point, {area}"),
        (
            "Information and advice for unpaid carers: carers' assessments, benefits, "
            "breaks and planning for emergencies.",
        ),
        2,
        hosts=("carers-centre",),
        also=("benefits",),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office", "health"),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
        audiences=("carers",),
    ),
    K(
        "carers",
        ("{area} Carers' Support Group", "Carers' Cuppa at {venue}"),
        (
            "Time for yourself with other carers who understand. Bring the person you care for "
            "if that helps; there is a volunteer to sit with them.",
        ),
        4,
        hosts=("carers-centre",),
        also=("peer_support",),
        venues=("community_centre", "church_hall", "cafe"),
        schedule="monthly",
        free=0.6,
        price=("1.00",),
        audiences=("carers",),
    ),
    K(
        "carers",
        ("Young Adult Carers Group",),
        ("A group and one-to-one support for carers aged 16 to 25.",),
        1,
        hosts=(
            "carers-centre",
            "wren-hill-youth",
        ),
        format="both",
        venues=("community_centre",),
        schedule="evening",
        free=1.0,
        audiences=("carers", "young_people"),
        min_age=16,
        max_age=25,
    ),
    K(
        "carers",
        ("Carers' Breaks and Days Out", "Carers' Pamper and Relax Sessions"),
        ("Short breaks, outings and relaxing sessions so carers can recharge.",),
        2,
        also=("social",),
        venues=("community_centre", "office"),
        schedule="monthly",
        free=0.7,
        price=("5.00",),
        audiences=("carers",),
    ),
    K(
        "carers",
        ("Dementia Carers' Group, {area}", "Memory Café at {venue}"),
        (
            "A welcoming café for people living with dementia and the people who care for "
            "them, with activities, music and advice.",
        ),
        3,
        also=("social", "peer_support"),
        venues=("church_hall", "library", "cafe"),
        schedule="fortnightly",
        free=0.5,
        price=("2.00",),
        audiences=("carers",),
        min_age=None,
    ),
    K(
        "carers",
        ("Parent Carers' Forum",),
        ("Support and a voice for parents of disabled children and young people.",),
        1,
        also=("peer_support",),
        modes=("in_person", "online"),
        venues=("office",),
        schedule="monthly",
        free=1.0,
        audiences=("carers",),
    ),
    # --- volunteering --------------------------------------------------------------------
    K(
        "volunteering",
        ("Brackenfield Volunteer Centre", "Volunteer Drop-in, {area}"),
        (
            "Find a volunteering role that suits you, from one-off events to regular roles. "
            "Advisers can go with you to your first session.",
        ),
        2,
        hosts=("brackenfield-cva",),
        format="one_to_one",
        modes=("in_person", "phone", "online"),
        venues=("office", "library"),
        schedule="weekdays",
        free=1.0,
    ),
    K(
        "volunteering",
        ("Volunteer Drivers Scheme",),
        (
            "Drive people to appointments and activities in your own car, with mileage paid. "
            "Passengers can also book lifts.",
        ),
        1,
        hosts=(
            "brackenfield-cva",
            "later-life",
        ),
        also=("social",),
        format="one_to_one",
        modes=("phone",),
        venues=(),
        schedule="weekdays",
        free=0.0,
        price=("3.00",),
    ),
    K(
        "volunteering",
        ("Charity Shop Volunteering, {area}", "{area} Furniture Reuse Volunteering"),
        ("Volunteer in a shop or warehouse: sorting, serving customers and fixing furniture.",),
        2,
        also=("employment",),
        venues=("office",),
        schedule="weekdays",
        free=1.0,
        min_age=16,
    ),
    K(
        "volunteering",
        ("Become a Befriender",),
        ("Train as a volunteer befriender and visit or phone an older person each week.",),
        1,
        hosts=(
            "later-life",
            "brackenfield-cva",
        ),
        also=("social",),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office",),
        schedule="weekdays",
        free=1.0,
    ),
    K(
        "volunteering",
        ("Food Bank Volunteering, {area}", "Community Pantry Volunteers"),
        ("Help sort donations, pack parcels and welcome visitors.",),
        2,
        hosts=(
            "brackenfield-foodbank",
            "kestrel-pantry",
        ),
        also=("food",),
        venues=("church_hall", "office"),
        free=1.0,
        min_age=16,
    ),
    K(
        "volunteering",
        ("Supported Volunteering Programme", "First Steps Volunteering"),
        (
            "Volunteering with a support worker alongside you, for people who are anxious, "
            "recovering from illness or have a learning disability.",
        ),
        2,
        also=("emotional_support", "employment"),
        format="both",
        venues=("office", "garden"),
        free=1.0,
        referral=1.0,
    ),
    K(
        "volunteering",
        ("{area} Repair Café", "Fix-it Café at {venue}"),
        (
            "Bring broken things and mend them with volunteer fixers: clothes, lamps, bikes "
            "and small electricals. Or volunteer as a fixer.",
        ),
        3,
        hosts=(
            "brackenfield-cva",
            "netherby-shed",
        ),
        also=("social",),
        venues=("church_hall", "community_centre", "library"),
        schedule="monthly",
        free=0.4,
        price=("2.00",),
        min_age=None,
    ),
    # --- living well with a health condition ---------------------------------------------
    K(
        "health_self_management",
        ("Diabetes Self-management Course", "Living Well with Type 2 Diabetes, {area}"),
        (
            "A free structured education course about type 2 diabetes: food, activity, "
            "medicines and looking after your feet and eyes.",
        ),
        3,
        hosts=(
            "diabetes-support",
            "brackenfield-active",
        ),
        modes=("in_person", "online"),
        venues=("health", "library"),
        schedule="course",
        free=1.0,
        referral=1.0,
    ),
    K(
        "health_self_management",
        ("Brackenfield Diabetes Support Group", "Diabetes Chat and Walk, {area}"),
        ("Meet others living with diabetes, with guest speakers and a short walk.",),
        2,
        hosts=("diabetes-support",),
        also=("peer_support",),
        venues=("health", "community_centre"),
        schedule="monthly",
        free=0.5,
        price=("2.00",),
    ),
    K(
        "health_self_management",
        ("Better Breathing Brackenfield", "Singing for Better Breathing, {area}"),
        (
            "A support group for people living with lung conditions and their families, "
            "with breathing exercises, singing and information.",
        ),
        3,
        hosts=("better-breathing",),
        also=("peer_support", "arts_creativity"),
        venues=("church_hall", "health"),
        schedule="fortnightly",
        free=0.4,
        price=("2.00",),
    ),
    K(
        "health_self_management",
        ("Pain Management Course", "Moving On with Pain, {area}"),
        ("A six-week course on pacing, sleep and staying active with long-term pain.",),
        2,
        modes=("in_person", "online"),
        venues=("health", "leisure"),
        schedule="course",
        free=1.0,
        referral=1.0,
    ),
    K(
        "health_self_management",
        ("Heart Health Exercise Class", "Cardiac Maintenance Exercise, {area}"),
        (
            "Supervised exercise for people who have finished cardiac rehabilitation, led by "
            "specialist instructors.",
        ),
        2,
        hosts=("brackenfield-active",),
        also=("physical_activity",),
        venues=("leisure",),
        free=0.0,
        price=("3.50",),
        referral=1.0,
    ),
    K(
        "health_self_management",
        ("Healthy Weight Group, {area}", "Eat Well Move More"),
        (
            "A friendly 12-week group on eating well, cooking and being more active, with "
            "weigh-ins only if you want them.",
        ),
        3,
        also=("food", "physical_activity"),
        venues=("community_centre", "health", "leisure"),
        schedule="course",
        free=0.4,
        price=("2.00",),
        referral=0.5,
    ),
    K(
        "health_self_management",
        ("Stop Smoking Support, {area}",),
        ("Free support and nicotine replacement to help you stop smoking.",),
        1,
        also=("substance_use",),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("health",),
        schedule="weekdays",
        free=1.0,
    ),
    K(
        "health_self_management",
        ("Arthritis Exercise Group", "Living Well with Long-term Conditions Online"),
        ("Practical sessions on staying active and managing symptoms day to day.",),
        2,
        also=("physical_activity",),
        modes=("in_person", "online"),
        venues=("leisure", "community_centre"),
        free=0.3,
        price=("3.00",),
    ),
    # --- food ----------------------------------------------------------------------------
    K(
        "food",
        ("Brackenfield Food Bank, {area}", "Food Bank Distribution at {venue}"),
        (
            "Emergency food for three days for people in crisis. You need a food voucher from "
            "a referral agency such as a link worker, advice centre or GP practice.",
        ),
        4,
        hosts=("brackenfield-foodbank",),
        also=("money_debt",),
        format="one_to_one",
        venues=("church_hall", "community_centre"),
        free=1.0,
        referral=1.0,
        min_age=None,
    ),
    K(
        "food",
        ("{area} Community Pantry", "Pantry at {venue}"),
        (
            "Join the pantry for a small weekly fee and choose groceries, fresh fruit and "
            "vegetables worth much more.",
        ),
        3,
        hosts=("kestrel-pantry",),
        venues=("community_centre", "office"),
        schedule="twice_weekly",
        free=0.0,
        price=("3.50", "4.00"),
        min_age=None,
    ),
    K(
        "food",
        ("{area} Pay-as-you-feel Café", "Community Meal at {venue}", "{area} Supper Club"),
        (
            "A hot meal cooked from surplus food, shared with neighbours. Pay what you can, "
            "or nothing at all.",
        ),
        4,
        also=("social",),
        venues=("cafe", "church_hall", "community_centre", "faith"),
        schedule="lunch",
        free=0.3,
        price=(
            "3.00",
            "4.00",
        ),
        min_age=None,
    ),
    K(
        "food",
        ("Cook and Eat, {area}", "Cooking on a Budget Course"),
        (
            "Learn to cook simple, cheap and healthy meals in a small group, then sit down "
            "and eat together. Take home a bag of ingredients.",
        ),
        2,
        also=("learning_skills",),
        venues=("community_centre", "school"),
        schedule="course",
        free=0.3,
        price=("2.00",),
    ),
    K(
        "food",
        ("{area} Fruit and Veg Market",),
        ("Low-cost fresh fruit and vegetables every week, with recipe cards to take away.",),
        1,
        venues=("community_centre",),
        free=0.0,
        price=("1.00",),
        min_age=None,
    ),
    # --- digital skills ------------------------------------------------------------------
    K(
        "digital_skills",
        ("{area} Library Digital Drop-in", "Get Online at {venue}", "{area} Tech Help Café"),
        (
            "Bring your phone, tablet or laptop and get friendly one-to-one help: email, "
            "video calls, online shopping and staying safe online.",
        ),
        5,
        hosts=(
            "digital-inclusion",
            "adult-learning",
        ),
        format="one_to_one",
        venues=("library", "cafe", "community_centre"),
        free=0.6,
        price=("2.00",),
        min_age=None,
    ),
    K(
        "digital_skills",
        ("Device and Data Bank", "Tablet Lending Scheme"),
        (
            "Free refurbished devices and mobile data for people who cannot afford to get "
            "online, with help to set them up.",
        ),
        2,
        hosts=("digital-inclusion",),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office", "library"),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
    ),
    K(
        "digital_skills",
        ("Spot the Scam Workshop",),
        ("A friendly session on recognising scams by phone, text and email.",),
        1,
        venues=("library",),
        schedule="afternoon",
        free=1.0,
        audiences=("older_people",),
    ),
    K(
        "digital_skills",
        ("Computer Basics Course, {area}", "Online Basics Course"),
        ("A short course for complete beginners, taught at your own pace.",),
        2,
        also=("learning_skills",),
        venues=("library", "office"),
        schedule="course",
        free=0.5,
        price=("10.00",),
    ),
    K(
        "digital_skills",
        ("NHS App Help Sessions, {area}",),
        (
            "Help to set up and use the NHS App: ordering repeat prescriptions, booking "
            "appointments and seeing your record.",
        ),
        2,
        also=("health_self_management",),
        format="one_to_one",
        venues=("health", "library"),
        free=1.0,
    ),
    K(
        "digital_skills",
        ("Digital Helpline",),
        ("Step-by-step help over the phone for getting online.",),
        1,
        format="one_to_one",
        modes=("phone",),
        venues=(),
        schedule="weekdays",
        free=1.0,
    ),
    # --- bereavement ---------------------------------------------------------------------
    K(
        "bereavement",
        ("{area} Bereavement Support Group", "Coping with Loss Group, {area}"),
        ("A gentle group for adults who have lost someone, at any time since the death.",),
        3,
        hosts=("bereavement-service",),
        also=("peer_support",),
        venues=("church_hall", "community_centre", "office"),
        schedule="fortnightly",
        free=0.4,
        price=("2.00",),
    ),
    K(
        "bereavement",
        ("Bereavement Counselling", "One-to-one Bereavement Support"),
        ("Weekly one-to-one support from a trained bereavement volunteer or counsellor.",),
        2,
        hosts=(
            "bereavement-service",
            "open-door",
        ),
        also=("emotional_support",),
        format="one_to_one",
        modes=("in_person", "phone", "online"),
        venues=("office",),
        schedule="weekdays",
        free=0.7,
        price=("10.00",),
        referral=1.0,
    ),
    K(
        "bereavement",
        ("{area} Bereavement Café", "Grief Café at {venue}"),
        ("An informal café where bereaved people can talk, or just sit with others who know.",),
        2,
        also=("social",),
        venues=("cafe", "church_hall"),
        schedule="monthly",
        free=0.5,
        price=("1.50",),
    ),
    K(
        "bereavement",
        ("Suicide Bereavement Support Group",),
        ("A safe, confidential group for people bereaved by suicide.",),
        1,
        also=("peer_support",),
        modes=("in_person", "online"),
        venues=("office",),
        schedule="monthly",
        free=1.0,
        referral=0.5,
    ),
    K(
        "bereavement",
        ("Young People's Grief Support",),
        ("One-to-one and group support for young people aged 16 to 25 after a death.",),
        1,
        format="both",
        venues=("community_centre",),
        free=1.0,
        referral=1.0,
        audiences=("young_people",),
        min_age=16,
        max_age=25,
    ),
    K(
        "bereavement",
        ("Online Bereavement Circle",),
        ("A small online group meeting by video each week for eight weeks.",),
        1,
        modes=("online",),
        venues=(),
        schedule="course",
        free=1.0,
    ),
    # --- alcohol and drugs ---------------------------------------------------------------
    K(
        "substance_use",
        ("Pathways Recovery Hub", "Recovery Community Drop-in, {area}"),
        (
            "A welcoming hub for anyone in or thinking about recovery: groups, activities, "
            "a café and people who have been there.",
        ),
        2,
        hosts=("pathways-recovery",),
        also=("peer_support", "social"),
        format="both",
        venues=("office", "community_centre"),
        schedule="weekdays",
        free=1.0,
    ),
    K(
        "substance_use",
        ("Alcohol Support Service", "Drink Less Support, {area}"),
        (
            "One-to-one support to cut down or stop drinking, including safe detox planning "
            "with your GP.",
        ),
        2,
        hosts=("pathways-recovery",),
        format="one_to_one",
        modes=("in_person", "phone"),
        venues=("office", "health"),
        schedule="weekdays",
        free=1.0,
        referral=1.0,
    ),
    K(
        "substance_use",
        ("Recovery Mutual Aid Meeting, {area}", "Evening Recovery Meeting at {venue}"),
        ("A free self-help meeting for people recovering from alcohol or drug problems.",),
        3,
        hosts=("pathways-recovery",),
        also=("peer_support",),
        venues=("church_hall", "community_centre"),
        schedule="evening",
        free=0.5,
        price=("1.00",),
    ),
    K(
        "substance_use",
        ("Families Affected by Addiction Group",),
        ("Support for family members and friends of someone who drinks or uses drugs.",),
        1,
        hosts=("pathways-recovery",),
        also=("carers", "peer_support"),
        venues=("office",),
        schedule="fortnightly",
        free=1.0,
    ),
    K(
        "substance_use",
        ("Women's Recovery Group",),
        ("A women-only recovery group with a crèche.",),
        1,
        hosts=("pathways-recovery",),
        also=("peer_support",),
        venues=("office",),
        free=1.0,
        audiences=("women_only",),
    ),
    K(
        "substance_use",
        ("Young People's Drug and Alcohol Service",),
        ("Confidential advice and support for young people aged 16 to 25.",),
        1,
        hosts=(
            "pathways-recovery",
            "wren-hill-youth",
        ),
        format="one_to_one",
        modes=("in_person", "phone", "online"),
        venues=("office",),
        schedule="weekdays",
        free=1.0,
        referral=0.5,
        audiences=("young_people",),
        min_age=16,
        max_age=25,
    ),
)

TIPS: Final = (
    "The side door is the one to use; the main entrance is locked until 10.",
    "Ask for the organiser by the tea urn: she will introduce people to the group.",
    "Worth ringing ahead the first time: the room sometimes changes.",
    "Good for people who are anxious: the first session is one to one.",
    "Parking is hard on the day; the bus is easier.",
    "They will hold a place for someone I am bringing along the first time.",
    "Quieter in the second half hour, which suits people who find crowds hard.",
    "Very welcoming to people who do not speak much English.",
    "The waiting list moves faster than it says: call on Monday mornings.",
    "Bring a letter from the GP practice if you want the concession price.",
)

ALERTS_CLOSED: Final = (
    "Closed while the hall roof is repaired. We hope to reopen next month.",
    "Taking a summer break; sessions restart in September.",
    "Paused while we recruit a new volunteer leader.",
)

FUNDERS: Final = (
    "Brackenfield Council public health grant",
    "Integrated care board social prescribing fund",
    "Community lottery grant",
    "Brackenfield Community Foundation",
    "Donations and fundraising",
)

LANGUAGES: Final = {
    "en": "English",
    "pl": "Polish",
    "ur": "Urdu",
    "pa": "Punjabi",
    "bn": "Bengali",
    "ar": "Arabic",
    "so": "Somali",
    "ro": "Romanian",
}
