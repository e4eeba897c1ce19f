from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _ensure_search_index(using: str = "default", **kwargs: Any) -> None:
    from linkwork.directory import search_index

    search_index.ensure(connections[using])


class DirectoryConfig(AppConfig):
    name = "linkwork.directory"
    label = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from linkwork.core import daily
        from linkwork.directory.tasks import ask_providers_to_confirm_listings

        daily.register(ask_providers_to_confirm_listings)
        post_migrate.connect(_ensure_search_index, sender=self)
