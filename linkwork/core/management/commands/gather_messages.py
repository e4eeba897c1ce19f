"""`linkwork gather_messages`: bring each app's Welsh catalogue up to date and compile it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from linkwork.core import catalogues

NOTE = """Welsh translations of Linkwork ({app}).
Gathered by `linkwork gather_messages`; translations need review by a Welsh speaker
(docs/guides/welsh.md). Empty msgstr: not translated yet (the English shows)."""


class Command(BaseCommand):
    help = (
        "Gather the strings to translate into each app's Welsh catalogue "
        "(locale/cy/LC_MESSAGES/django.po), keeping translations already written, and "
        "compile each to django.mo. Apps take part once they have a locale/cy folder."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("apps", nargs="*", help="App labels (default: every app taking part)")

    def handle(self, *labels: str, **options: Any) -> None:
        configs = (
            [apps.get_app_config(label) for label in labels]
            if labels
            else [
                config
                for config in apps.get_app_configs()
                if config.name.startswith("linkwork.")
                and (Path(config.path) / "locale" / "cy").is_dir()
            ]
        )
        for config in configs:
            po, mo = catalogues.catalogue_paths(Path(config.path))
            existing = catalogues.read_po(po) if po.exists() else []
            entries = catalogues.merge(catalogues.gather(config), existing)
            catalogues.write_po(po, entries, NOTE.format(app=config.label))
            catalogues.write_mo(mo, entries)
            missing = sum(not entry.translated for entry in entries)
            self.stdout.write(f"{config.label}: {len(entries)} strings, {missing} not translated")
