"""Delivery backends, one interface: `send(message) -> provider reference`, and
`sent(message) -> provider reference or None`, which asks whether a message was already
sent, by the message's own id: the key each backend hands the provider (Notify's
`reference`, the email's Message-ID), so that a worker that stopped part-way never sends
twice.

A backend raises `TemporaryFailure` when trying again later may work (a server is down, a
rate limit) and `PermanentFailure` when it will not (an address is refused). The text of
either is kept on the message, so it is a short description and never personal data.

Settings choose a backend for each channel (`LINKWORK_MESSAGE_BACKENDS`): a short name from
`BACKENDS` or the dotted path of a class.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from linkwork.notifications.models import DeliveryChannel, Letter, Message

logger = logging.getLogger(__name__)


class DeliveryFailure(Exception):
    """Sending failed. The message is a short description with no personal data."""


class TemporaryFailure(DeliveryFailure):
    """Trying again later may work."""


class PermanentFailure(DeliveryFailure):
    """Trying again will not work without a change (of address, key or settings)."""


class Backend(Protocol):
    def send(self, message: Message) -> str: ...

    def sent(self, message: Message) -> str | None: ...


class EmailBackend:
    """Email through Django's mail (the configured EMAIL_BACKEND, such as SMTP)."""

    def send(self, message: Message) -> str:
        message_id = email_message_id(message)
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient_address],
            headers={"Message-ID": message_id},
        )
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused:
            raise PermanentFailure("The mail server refused the address") from None
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"Mail server error ({type(error).__name__})") from None
        return message_id

    def sent(self, message: Message) -> str | None:
        """A mail server cannot be asked what it accepted: only the receipt the task worker
        keeps can tell. Sent again, the email carries the same Message-ID, by which mail
        systems can know it is the one they already have."""
        return None


def email_message_id(message: Message) -> str:
    """The email's Message-ID, the same at every attempt: the message's own id at our
    domain."""
    domain = urlsplit(settings.LINKWORK_BASE_URL).hostname or "localhost"
    return f"<{message.pk}@{domain}>"


class LocalTextBackend:
    """Keeps text messages in Linkwork's own outbox (the message table): for demos and
    tests, where no text should leave the machine. It simulates the provider's delivery
    receipt too: a text it keeps counts as delivered (`simulates_receipts`)."""

    simulates_receipts = True

    def send(self, message: Message) -> str:
        logger.info("Text message %s kept in the local outbox", message.pk)
        return f"local:{message.pk}"

    def sent(self, message: Message) -> str | None:
        """Nothing leaves the machine, so the task worker's receipt is the only record."""
        return None


class LetterBackend:
    """Renders a printable A4 letter. The letter counts as sent once its PDF exists; staff
    print and post it from the message's page."""

    def send(self, message: Message) -> str:
        from linkwork.notifications.letters import render_letter

        Letter.objects.update_or_create(message=message, defaults={"pdf": render_letter(message)})
        return f"letter:{message.pk}"

    def sent(self, message: Message) -> str | None:
        """A letter is sent once its PDF exists."""
        return f"letter:{message.pk}" if Letter.objects.filter(message=message).exists() else None


class NotifyLetterBackend:
    """Letters through GOV.UK Notify's precompiled letter API: the PDF Linkwork renders (and
    keeps, as the print queue would) is sent to Notify, which prints and posts it. Kept out of
    the print queue: staff have nothing to print."""

    def __init__(self, **options: Any) -> None:
        self.notify = NotifyBackend(**options)

    def send(self, message: Message) -> str:
        from linkwork.notifications.letters import render_letter

        pdf = render_letter(message)
        Letter.objects.update_or_create(message=message, defaults={"pdf": pdf, "via_notify": True})
        return self.notify.post(
            "/v2/notifications/letter",
            {
                "reference": str(message.pk),
                "content": base64.b64encode(pdf).decode(),
                "postage": "second",
            },
        )

    def sent(self, message: Message) -> str | None:
        return self.notify.sent(message)


class Opener(Protocol):
    def open(self, request: urllib.request.Request, *, timeout: float) -> Any: ...


class NotifyBackend:
    """Email and text messages through GOV.UK Notify's REST API.

    Notify sends from templates; ours are pass-through templates whose subject is
    ((subject)) and body ((body)), so every word is written (and kept) by Linkwork.
    """

    PATHS = {
        DeliveryChannel.EMAIL: "/v2/notifications/email",
        DeliveryChannel.TEXT: "/v2/notifications/sms",
    }

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        email_template_id: str | None = None,
        text_template_id: str | None = None,
        opener: Opener | None = None,
        timeout: float = 15.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api_key = settings.NOTIFY_API_KEY if api_key is None else api_key
        self.base_url = (settings.NOTIFY_BASE_URL if base_url is None else base_url).rstrip("/")
        self.templates = {
            DeliveryChannel.EMAIL: settings.NOTIFY_EMAIL_TEMPLATE_ID
            if email_template_id is None
            else email_template_id,
            DeliveryChannel.TEXT: settings.NOTIFY_TEXT_TEMPLATE_ID
            if text_template_id is None
            else text_template_id,
        }
        self.opener = opener if opener is not None else urllib.request.build_opener()
        self.timeout = timeout
        self.clock = clock
        if urlsplit(self.base_url).scheme != "https":
            raise ImproperlyConfigured("NOTIFY_BASE_URL must be an https:// address.")

    def send(self, message: Message) -> str:
        channel = DeliveryChannel(message.channel)
        if channel not in self.PATHS:
            raise PermanentFailure("Notify sends email and text messages only")
        if not self.templates[channel]:
            raise PermanentFailure(f"No Notify template is set for {channel.label.lower()}s")
        return self.post(self.PATHS[channel], self.payload(message))

    def post(self, path: str, payload: dict[str, Any]) -> str:
        """POST `payload` to Notify's `path`; Notify's id of the notification it made."""
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked: https only
            self.base_url + path,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token()}",
                "Content-Type": "application/json",
                "User-Agent": "linkwork-notify",
            },
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise _failure_for(error.code, _error_type(error)) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TemporaryFailure(f"Could not reach Notify ({type(error).__name__})") from None
        except ValueError:
            # Notify accepted the message but its answer was unreadable: it was sent.
            return ""
        return str(answer.get("id", ""))

    def sent(self, message: Message) -> str | None:
        """Notify's id for the notification it holds with this message's reference, if any
        (`GET /v2/notifications?reference=...`)."""
        query = urlencode({"reference": str(message.pk)})
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked: https only
            f"{self.base_url}/v2/notifications?{query}",
            method="GET",
            headers={"Authorization": f"Bearer {self.token()}", "User-Agent": "linkwork-notify"},
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise _failure_for(error.code, _error_type(error)) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TemporaryFailure(f"Could not reach Notify ({type(error).__name__})") from None
        except ValueError:
            raise TemporaryFailure("Notify's answer could not be read") from None
        found = answer.get("notifications") or [] if isinstance(answer, dict) else []
        return str(found[0].get("id", "")) if found and isinstance(found[0], dict) else None

    def payload(self, message: Message) -> dict[str, Any]:
        channel = DeliveryChannel(message.channel)
        common = {"template_id": self.templates[channel], "reference": str(message.pk)}
        if channel == DeliveryChannel.EMAIL:
            return {
                "email_address": message.recipient_address,
                "personalisation": {"subject": message.subject, "body": message.body},
                **common,
            }
        return {
            "phone_number": message.recipient_address,
            "personalisation": {"body": message.body},
            **common,
        }

    def token(self) -> str:
        service_id, secret = notify_credentials(self.api_key)
        return jwt_hs256({"iss": service_id, "iat": int(self.clock())}, secret)


def notify_credentials(api_key: str) -> tuple[str, str]:
    """The service id and secret inside a Notify API key: `{name}-{service id}-{secret}`,
    where both ids are 36-character UUIDs."""
    if len(api_key) < 74 or api_key[-37] != "-" or api_key[-74] != "-":
        raise PermanentFailure("The Notify API key is missing or malformed")
    return api_key[-73:-37], api_key[-36:]


def jwt_hs256(claims: dict[str, Any], secret: str) -> str:
    """A JSON Web Token signed with HMAC-SHA256, as Notify's API authentication needs."""
    header = {"typ": "JWT", "alg": "HS256"}
    signing_input = ".".join(
        _base64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_base64url(signature)}"


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _error_type(error: urllib.error.HTTPError) -> str:
    """Notify's error class (such as "BadRequestError"), never its message, which can quote
    the address."""
    try:
        errors = json.loads(error.read() or b"{}").get("errors") or [{}]
        kind = str(errors[0].get("error", ""))
    except (ValueError, AttributeError, OSError):
        return ""
    return kind if kind.isidentifier() else ""


def _failure_for(status: int, kind: str) -> DeliveryFailure:
    description = f"Notify answered {status}" + (f" ({kind})" if kind else "")
    if status == 429 or status >= 500:
        return TemporaryFailure(description)
    return PermanentFailure(description)


BACKENDS: dict[str, dict[str, type[Backend]]] = {
    DeliveryChannel.EMAIL: {"django": EmailBackend, "notify": NotifyBackend},
    DeliveryChannel.TEXT: {"local": LocalTextBackend, "notify": NotifyBackend},
    DeliveryChannel.LETTER: {"pdf": LetterBackend, "notify": NotifyLetterBackend},
}


def backend_for(channel: str) -> Backend:
    """The configured backend for a channel."""
    choice = settings.LINKWORK_MESSAGE_BACKENDS.get(channel, "")
    known = BACKENDS.get(channel, {})
    if choice in known:
        return known[choice]()
    if "." in choice:
        backend: Backend = import_string(choice)()
        return backend
    raise ImproperlyConfigured(
        f"No message backend {choice!r} for {channel}: choose one of {', '.join(sorted(known))}."
    )
