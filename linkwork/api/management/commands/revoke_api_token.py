"""Stop an API token working, at once and for good.

linkwork revoke-api-token --prefix 1a2b3c4d
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linkwork.api.actions import revoke_api_token
from linkwork.api.management.commands.rotate_api_token import find_token


class Command(BaseCommand):
    help = "Revoke an API token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", required=True, help="The token's prefix (8 hex digits).")

    def handle(self, *args: Any, **options: Any) -> None:
        token = revoke_api_token(by=None, token=find_token(options["prefix"]))
        self.stdout.write(f"API token {token.name!r} (lw_{token.prefix}) is revoked.")
