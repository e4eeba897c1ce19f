"""Make an API token for an organisation and show it, this once.

    linkwork create-api-token --organisation B82005 --name "Practice system"

The token alone is written to standard output, so a script can capture it; the notice goes
to standard error. Only a hash is kept, so a lost token cannot be shown again: revoke it in
the admin site and make another.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.accounts.models import Organisation
from linkwork.api.actions import issue_api_token


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


class Command(BaseCommand):
    help = "Make an API token for an organisation and show it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation", required=True, help="The organisation's id or ODS code."
        )
        parser.add_argument(
            "--name", required=True, help="What the token is for, such as the system using it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = find_organisation(options["organisation"])
        if not options["name"].strip():
            raise CommandError("Give the token a --name, such as the system that will use it.")
        token, secret = issue_api_token(by=None, organisation=organisation, name=options["name"])
        self.stderr.write(
            f"API token {token.name!r} for {organisation} (lw_{token.prefix}). Copy it now: "
            "it is not kept and cannot be shown again."
        )
        self.stdout.write(secret)
