from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "linkwork.core"
    label = "core"
    verbose_name = "Core"
    # Files whose marked strings a person sees: each needs its Welsh (`core.catalogues`). The
    # project's page and layout templates are counted with core's.
    person_facing = ("forms.py", "postcodes.py", "presenters.py")
