"""Replace an API token with a new one, and show the new one, this once.

    linkwork rotate-api-token --prefix 1a2b3c4d [--grace-hours 24]

The new token keeps the organisation, name, scopes and expiry of the old one. The old one stops
working at once, or after `--grace-hours` so the system using it can switch over. As with
`create-api-token`, the token alone goes to standard output and the notice to standard error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.api.actions import rotate_api_token
from linkwork.api.models import ApiToken


def find_token(prefix: str) -> ApiToken:
    """By its prefix, with or without the `lw_` before it."""
    prefix = prefix.strip().removeprefix("lw_").lower()
    found = ApiToken.objects.select_related("organisation").filter(prefix=prefix).first()
    if found is None:
        raise CommandError(f"No API token has the prefix {prefix!r}.")
    return found


class Command(BaseCommand):
    help = "Replace an API token with a new one and show the new one once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", required=True, help="The token's prefix (8 hex digits).")
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=0,
            help="Hours the old token keeps working (0, the default: it stops at once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        token = find_token(options["prefix"])
        if not 0 <= options["grace_hours"] <= 24 * 30:
            raise CommandError("--grace-hours must be between 0 and 720.")
        try:
            new, secret = rotate_api_token(
                by=None, token=token, grace=dt.timedelta(hours=options["grace_hours"])
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(
            f"API token {new.name!r} (lw_{new.prefix}) replaces lw_{token.prefix}. Copy it "
            "now: it is not kept and cannot be shown again."
        )
        self.stdout.write(secret)
