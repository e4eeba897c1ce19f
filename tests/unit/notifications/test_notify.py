"""GOV.UK Notify: the request we send (never over the network in tests) and how its answers
become temporary or permanent failures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import subprocess
import sys
import urllib.error
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from linkwork.notifications.backends import (
    NotifyBackend,
    PermanentFailure,
    TemporaryFailure,
    notify_credentials,
)
from linkwork.notifications.models import DeliveryChannel, Message

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"linkwork_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
TEXT_TEMPLATE = "0d1b8fd1-49b3-4a04-8d7c-4a1d4f3b1c2e"
NOW = 1_767_225_600


class Answer(io.BytesIO):
    def __enter__(self) -> Answer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FakeOpener:
    """Records each request and gives a canned answer, or raises a canned error."""

    def __init__(
        self,
        answer: bytes = b'{"id": "740e5834-3a29-46b4-9a6f-16142fde533a"}',
        error: Exception | None = None,
    ) -> None:
        self.answer = answer
        self.error = error
        self.requests: list[tuple[object, float]] = []

    def open(self, request, *, timeout):  # type: ignore[no-untyped-def]
        self.requests.append((request, timeout))
        if self.error is not None:
            raise self.error
        return Answer(self.answer)


def backend(opener: FakeOpener) -> NotifyBackend:
    return NotifyBackend(
        api_key=API_KEY,
        base_url="https://api.notifications.service.gov.uk",
        email_template_id=EMAIL_TEMPLATE,
        text_template_id=TEXT_TEMPLATE,
        opener=opener,
        clock=lambda: NOW,
    )


def message(
    channel: DeliveryChannel = DeliveryChannel.EMAIL, address: str = "rita@example.org"
) -> Message:
    return Message(
        id=uuid.UUID("a5b8bd55-8c1c-4a8e-9b5e-54d1e5c9f3a1"),
        audience="referrer",
        event="accepted",
        channel=channel,
        recipient_address=address,
        subject="Referral LW-ABCD-EFGH accepted",
        body="Scheme A has accepted the referral.\n\nWhat happens next\nLina will call.",
    )


def b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_email_request_shape_and_signed_token():
    opener = FakeOpener()
    reference = backend(opener).send(message())
    assert reference == "740e5834-3a29-46b4-9a6f-16142fde533a"
    [(request, timeout)] = opener.requests
    assert request.full_url == "https://api.notifications.service.gov.uk/v2/notifications/email"
    assert request.get_method() == "POST"
    assert request.get_header("Content-type") == "application/json"
    assert timeout > 0

    scheme, token = request.get_header("Authorization").split(" ")
    assert scheme == "Bearer"
    header, claims, signature = token.split(".")
    assert json.loads(b64decode(header)) == {"typ": "JWT", "alg": "HS256"}
    assert json.loads(b64decode(claims)) == {"iss": SERVICE_ID, "iat": NOW}
    expected = hmac.new(SECRET.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert b64decode(signature) == expected

    assert json.loads(request.data) == {
        "email_address": "rita@example.org",
        "template_id": EMAIL_TEMPLATE,
        "personalisation": {
            "subject": "Referral LW-ABCD-EFGH accepted",
            "body": "Scheme A has accepted the referral.\n\nWhat happens next\nLina will call.",
        },
        "reference": "a5b8bd55-8c1c-4a8e-9b5e-54d1e5c9f3a1",
    }


def test_text_message_request_shape():
    opener = FakeOpener()
    backend(opener).send(message(DeliveryChannel.TEXT, "07700900123"))
    [(request, _)] = opener.requests
    assert request.full_url.endswith("/v2/notifications/sms")
    payload = json.loads(request.data)
    assert payload["phone_number"] == "07700900123"
    assert payload["template_id"] == TEXT_TEMPLATE
    assert payload["personalisation"] == {"body": message().body}


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limits_and_server_errors_are_temporary(status):
    error = urllib.error.HTTPError(
        "https://api.notifications.service.gov.uk",
        status,
        "no",
        {},
        io.BytesIO(b"{}"),  # type: ignore[arg-type]
    )
    with pytest.raises(TemporaryFailure, match=f"Notify answered {status}"):
        backend(FakeOpener(error=error)).send(message())


def test_bad_requests_are_permanent_and_keep_no_personal_data():
    answer = json.dumps(
        {
            "status_code": 400,
            "errors": [
                {
                    "error": "ValidationError",
                    "message": "email_address rita@example.org is not valid",
                }
            ],
        }
    ).encode()
    error = urllib.error.HTTPError(
        "https://api.notifications.service.gov.uk",
        400,
        "no",
        {},
        io.BytesIO(answer),  # type: ignore[arg-type]
    )
    with pytest.raises(PermanentFailure) as failure:
        backend(FakeOpener(error=error)).send(message())
    assert str(failure.value) == "Notify answered 400 (ValidationError)"


def test_network_errors_are_temporary():
    with pytest.raises(TemporaryFailure, match="Could not reach Notify"):
        backend(FakeOpener(error=urllib.error.URLError("timed out"))).send(message())


def test_letters_are_not_sent_through_notify():
    with pytest.raises(PermanentFailure, match="email and text messages only"):
        backend(FakeOpener()).send(message(DeliveryChannel.LETTER, "1 High Street"))


@pytest.mark.parametrize("key", ["", "short", f"{SERVICE_ID}{SECRET}"])
def test_a_malformed_api_key_is_a_permanent_failure(key):
    with pytest.raises(PermanentFailure, match="API key"):
        notify_credentials(key)


def test_notify_is_only_reached_over_https():
    with pytest.raises(ImproperlyConfigured, match="https"):
        NotifyBackend(api_key=API_KEY, base_url="http://example.org", opener=FakeOpener())


def test_choosing_notify_without_a_key_stops_start_up():
    environment = {
        "SECRET_KEY": "x",
        "LINKWORK_MESSAGE_EMAIL_BACKEND": "notify",
        "PATH": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import linkwork.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "NOTIFY_API_KEY is required" in result.stderr


@pytest.mark.django_db
def test_a_letter_goes_to_notifys_precompiled_letter_api_and_stays_out_of_the_print_queue():
    from linkwork.notifications.backends import NotifyLetterBackend
    from linkwork.notifications.models import Letter

    letter = message(DeliveryChannel.LETTER, address="Dr Rita Referrer\n1 High Street\nBK1 2AB")
    letter.save()
    opener = FakeOpener()
    sender = NotifyLetterBackend(
        api_key=API_KEY, base_url="https://api.notifications.service.gov.uk", opener=opener
    )
    assert sender.send(letter) == "740e5834-3a29-46b4-9a6f-16142fde533a"
    [(request, _)] = opener.requests
    assert request.full_url == "https://api.notifications.service.gov.uk/v2/notifications/letter"
    sent = json.loads(request.data)
    assert sent["reference"] == str(letter.pk)
    assert sent["postage"] == "second"
    assert base64.b64decode(sent["content"]).startswith(b"%PDF")
    kept = Letter.objects.get(message=letter)
    assert kept.via_notify is True
    assert kept.printed_at is None
