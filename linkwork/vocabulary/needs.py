"""The canonical needs list (referral reasons). Slugs may grow; they are never renamed."""

from django.db import models


class Need(models.TextChoices):
    LONELINESS = "loneliness", "Loneliness or isolation"
    LOW_MOOD = "low_mood", "Low mood"
    ANXIETY_STRESS = "anxiety_stress", "Anxiety or stress"
    PHYSICAL_ACTIVITY = "physical_activity", "Physical activity"
    WEIGHT = "weight", "Weight"
    LONG_TERM_CONDITION = "long_term_condition", "Living with a long-term condition"
    MONEY_DEBT = "money_debt", "Money or debt"
    BENEFITS = "benefits", "Benefits"
    HOUSING = "housing", "Housing"
    EMPLOYMENT = "employment", "Employment"
    EDUCATION_SKILLS = "education_skills", "Education or skills"
    CARER_SUPPORT = "carer_support", "Support as a carer"
    BEREAVEMENT = "bereavement", "Bereavement"
    SUBSTANCE_USE = "substance_use", "Alcohol or drug use"
    FOOD = "food", "Food"
    DIGITAL_SKILLS = "digital_skills", "Digital skills"
    RELATIONSHIPS = "relationships", "Relationships"
    PARENTING = "parenting", "Parenting"
    LEGAL_ADVICE = "legal_advice", "Legal advice"
    TRANSPORT = "transport", "Transport"
    PURPOSE_VOLUNTEERING = "purpose_volunteering", "Purpose or volunteering"
