"""Simulate a person's text message reply, as GOV.UK Notify's received-text callback would
bring it: `linkwork simulate-reply --from 07700900123 --text "Tuesday is fine"`. For demos and
tests only: refused unless text messages go through the local backend. The reply is matched
and threaded exactly as a real one (`notifications.actions.receive_reply`)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.notifications.actions import receive_reply


class Command(BaseCommand):
    help = "Simulate a text message reply from a number (demo and local text backend only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="number", required=True, help="The sender's number.")
        parser.add_argument("--text", required=True, help="What the person wrote.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.LINKWORK_MESSAGE_BACKENDS.get("text") != "local":
            raise CommandError(
                "Replies can be simulated only while text messages use the local backend "
                "(LINKWORK_MESSAGE_TEXT_BACKEND=local)."
            )
        if not options["text"].strip():
            raise CommandError("--text: write what the person replied.")
        reply = receive_reply(
            provider_id=f"simulated-{uuid.uuid4()}",
            source_number=options["number"],
            destination_number="07700900000",
            body=options["text"],
        )
        if reply.referral_id is not None:
            self.stdout.write(f"Reply {reply.pk} is on its referral; the link worker is told.")
        else:
            self.stdout.write(
                f"Reply {reply.pk} matched no single open referral: an admin matches it."
            )
