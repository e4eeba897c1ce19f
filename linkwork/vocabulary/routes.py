"""How a referral reached the scheme: a reviewed list, NHS and non-NHS routes as equals.

Slugs are stored in data and used by the API; they may grow but are never renamed.
"""

from django.db import models


class Route(models.TextChoices):
    # NHS routes
    GP_PRACTICE = "gp_practice", "GP practice"
    OTHER_PRIMARY_CARE = "other_primary_care", "Other primary care (pharmacy, dentist, optician)"
    HOSPITAL = "hospital", "Hospital"
    COMMUNITY_OR_MENTAL_HEALTH = "community_mental_health", "Community or mental health services"
    NHS_111 = "nhs_111", "NHS 111"
    # Non-NHS routes
    LOCAL_AUTHORITY = "local_authority", "Local authority or adult social care"
    HOUSING = "housing", "Housing"
    POLICE = "police", "Police"
    FIRE = "fire", "Fire and rescue"
    JOBCENTRE = "jobcentre", "Jobcentre"
    SCHOOL = "school", "School or college"
    FAITH = "faith", "Faith group"
    VOLUNTARY = "voluntary", "Voluntary organisation"
    EMPLOYER = "employer", "Employer"
    FAMILY_OR_FRIEND = "family_friend", "Family or friend"
    SELF = "self", "Self-referral"
    OTHER = "other", "Other"


NHS_ROUTES = frozenset(
    {
        Route.GP_PRACTICE,
        Route.OTHER_PRIMARY_CARE,
        Route.HOSPITAL,
        Route.COMMUNITY_OR_MENTAL_HEALTH,
        Route.NHS_111,
    }
)
