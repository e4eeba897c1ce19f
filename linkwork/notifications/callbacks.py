"""GOV.UK Notify's callbacks: delivery receipts and received text messages.

Notify calls these server to server with a JSON body and `Authorization: Bearer <token>`,
the token set in Notify's callback settings and in `NOTIFY_CALLBACK_TOKEN` here (compared in
constant time). No token answers 401, a wrong one 403, each refusal audited; with no
`NOTIFY_CALLBACK_TOKEN` set every call is refused. No CSRF token and no session: this is an
API. A receipt for a message Linkwork does not know is answered 200 and ignored, so Notify
does not keep retrying it. The reply's text and the sender's number are never logged.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from linkwork.accounts import gate
from linkwork.core.text import has_control_characters
from linkwork.notifications import actions
from linkwork.notifications.lifecycle import RECEIPT_STATUSES, RECEIPT_STATUSES_IN_PASSING

logger = logging.getLogger(__name__)


def _refused(request: HttpRequest) -> JsonResponse | None:
    """The refusal of a call without the right bearer token, audited; None when it has it."""
    expected = str(getattr(settings, "NOTIFY_CALLBACK_TOKEN", "") or "")
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        gate.audit_refusal(request, status=401, detail={"credentials": "missing"})
        return JsonResponse({"error": "A bearer token is needed."}, status=401)
    if not expected or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        gate.audit_refusal(request, status=403, detail={"credentials": "not_valid"})
        return JsonResponse({"error": "The bearer token is not valid."}, status=403)
    return None


def _body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _problem(field: str, message: str) -> JsonResponse:
    return JsonResponse({"error": message, "field": field}, status=400)


@csrf_exempt
@require_POST
def delivery_status(request: HttpRequest) -> JsonResponse:
    """A delivery receipt: `id`, `reference`, `status` and the times."""
    if (refusal := _refused(request)) is not None:
        return refusal
    body = _body(request)
    if body is None:
        return _problem("body", "The body must be a JSON object.")
    status = str(body.get("status") or "")
    if status in RECEIPT_STATUSES_IN_PASSING:
        return JsonResponse({"result": "ignored"})
    if status not in RECEIPT_STATUSES:
        return _problem("status", "The status must be one Notify sends, such as delivered.")
    reference, provider_id = str(body.get("reference") or ""), str(body.get("id") or "")
    for field, value in (("reference", reference), ("id", provider_id)):
        if has_control_characters(value):
            return _problem(field, f"The {field} has characters not allowed.")
    if not reference and not provider_id:
        return _problem("reference", "A receipt needs the message's reference or Notify's id.")
    message = actions.record_receipt(reference=reference, provider_id=provider_id, status=status)
    if message is None:
        logger.info("Notify receipt ignored: no message to change")
        return JsonResponse({"result": "ignored"})
    logger.info("Message %s is now %s by Notify's receipt", message.pk, message.status)
    return JsonResponse({"result": "recorded", "status": message.status})


@csrf_exempt
@require_POST
def received_text(request: HttpRequest) -> JsonResponse:
    """A text message a person sent: `id`, `source_number`, `destination_number`, `message`,
    `date_received`."""
    if (refusal := _refused(request)) is not None:
        return refusal
    body = _body(request)
    if body is None:
        return _problem("body", "The body must be a JSON object.")
    for field in ("id", "source_number", "message", "destination_number"):
        if field == "destination_number" and body.get(field) in (None, ""):
            continue
        if not isinstance(body.get(field), str) or not body[field].strip():
            return _problem(field, f"The received text needs its {field.replace('_', ' ')}.")
        if has_control_characters(body[field]):
            return _problem(field, f"The {field.replace('_', ' ')} has characters not allowed.")
    received_at = _when(body.get("date_received"))
    reply = actions.receive_reply(
        provider_id=body["id"],
        source_number=body["source_number"],
        destination_number=str(body.get("destination_number") or ""),
        body=body["message"],
        received_at=received_at,
    )
    logger.info("Reply %s kept (%s)", reply.pk, reply.status)
    return JsonResponse({"result": reply.status})


def _when(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed
