"""Make an API token for an organisation and show it, this once.

    linkwork create-api-token --organisation B82005 --name "Practice system"
    linkwork create-api-token --organisation B82005 --name "Case system" --scope fhir \
        --expires 2027-06-30

Without `--scope` the token may use every API (`referrals` and `fhir`); `--expires` takes a
date (the token works until the start of that day, UTC) or an ISO 8601 date and time.

The token alone is written to standard output, so a script can capture it; the notice goes
to standard error. Only a hash is kept, so a lost token cannot be shown again: revoke it
(`revoke-api-token`, or the organisation's API tokens page under /manage/) and make another.
The page makes, replaces and revokes tokens through the same actions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from linkwork.accounts.models import Organisation
from linkwork.api.actions import issue_api_token
from linkwork.api.models import Scope


def find_organisation(reference: str) -> Organisation:
    """By id, or by ODS code in any case."""
    reference = reference.strip()
    found = None
    if reference.isdigit():
        found = Organisation.objects.filter(pk=int(reference)).first()
    if found is None and reference:
        found = Organisation.objects.filter(ods_code__iexact=reference).first()
    if found is None:
        raise CommandError(f"No organisation has the id or ODS code {reference!r}.")
    return found


def expiry(text: str | None) -> dt.datetime | None:
    """`--expires` as an aware datetime in the future, or None when not given."""
    if text is None:
        return None
    text = text.strip()
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    if moment is None:
        raise CommandError(f"--expires takes a date (2027-06-30) or date and time, not {text!r}.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    if moment <= timezone.now():
        raise CommandError("--expires must be in the future.")
    return moment


class Command(BaseCommand):
    help = "Make an API token for an organisation and show it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation", required=True, help="The organisation's id or ODS code."
        )
        parser.add_argument(
            "--name", required=True, help="What the token is for, such as the system using it."
        )
        parser.add_argument(
            "--scope",
            action="append",
            choices=Scope.values,
            default=[],
            help="An API the token may use; repeat for more. Without it: every API.",
        )
        parser.add_argument(
            "--expires", help="When the token stops working: a date or ISO 8601 date and time."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = find_organisation(options["organisation"])
        if not options["name"].strip():
            raise CommandError("Give the token a --name, such as the system that will use it.")
        token, secret = issue_api_token(
            by=None,
            organisation=organisation,
            name=options["name"],
            scopes=options["scope"],
            expires_at=expiry(options["expires"]),
        )
        until = f", until {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else ""
        self.stderr.write(
            f"API token {token.name!r} for {organisation} (lw_{token.prefix}; scopes "
            f"{', '.join(token.scopes)}{until}). Copy it now: "
            "it is not kept and cannot be shown again."
        )
        self.stdout.write(secret)
