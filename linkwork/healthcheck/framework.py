"""The health check's frame, shared by the indicators, the self-assessment and the page.

The reviews of social prescribing describe what makes schemes work at four levels, in three
settings, with practice ranging from best to worst. Every indicator and every self-assessment
question belongs to one level and one setting and is rated on the same archetypes.
"""

from django.db import models


class Level(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    INTERPERSONAL = "interpersonal", "Interpersonal"
    ORGANISATIONAL = "organisational", "Organisational"
    POLICY = "policy", "Policy"


class Setting(models.TextChoices):
    REFERRERS = "referrers", "Referrers"
    LINK_WORKERS = "link_workers", "Link workers"
    COMMUNITY = "community", "Community sector"


class Archetype(models.TextChoices):
    """From best to worst practice; the order is the rating's order."""

    BEST = "best", "Best practice"
    GOOD = "good", "Good practice"
    DEVELOPING = "developing", "Developing"
    POOR = "poor", "Poor practice"


# Best first: a lower index is a better rating.
ARCHETYPE_ORDER: tuple[str, ...] = tuple(Archetype.values)


def worse(a: str, b: str) -> str:
    """The worse of two ratings."""
    return max(a, b, key=ARCHETYPE_ORDER.index)


def below_best(rating: str) -> bool:
    return rating != Archetype.BEST
