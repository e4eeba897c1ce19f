"""A transaction Bundle sent again makes no second referral.

Two keys say "the same referral", each claimed through the referrals API's idempotency
records (`api.idempotency`), so one unique constraint settles concurrent duplicates:

- the `Idempotency-Key` header, as on the referrals API: a retry of the same bytes replays the
  first answer; the key with another request is refused (422, as the referrals API does) and
  kept for a day or more (`purge-idempotency-keys`);
- the Bundle's own `identifier` (system and value), per sending organisation: the same Bundle
  again (the same JSON, whatever its spacing or key order) replays the first answer; another
  Bundle with that identifier is refused (409, `duplicate`, naming `Bundle.identifier`). These
  are never purged: a message's identifier names it for good.

A replay is the first answer exactly: status 200, the same transaction-response Bundle with
the same Task and ServiceRequest ids and each entry's `201 Created`, marked by the header
`Idempotent-Replayed: true`. Errors are not stored, so a corrected Bundle may be sent again
with the same key and identifier.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from linkwork.api import idempotency
from linkwork.api.idempotency import Answer
from linkwork.api.models import ApiToken
from linkwork.api.problems import IdempotencyKeyReused
from linkwork.interop.fhir.outcome import JSON, FhirError, Issue

BUNDLE_KEY_PREFIX = "Bundle.identifier "  # a space: no client's Idempotency-Key has one


def header_key(request: HttpRequest) -> str | None:
    """The request's `Idempotency-Key`, if it sent one; 400 if it is not a valid key."""
    key = request.headers.get(idempotency.HEADER)
    if key is None:
        return None
    if not idempotency.valid_key(key):
        raise FhirError.of(
            400,
            "value",
            f"{idempotency.HEADER} is 1 to {idempotency.KEY_MAX_LENGTH} printable ASCII "
            "characters without spaces.",
        )
    return key


def bundle_identifier(body: Any) -> tuple[str, str] | None:
    """The Bundle's `identifier` (system, value), if it has one; 422 if it lacks either."""
    if not isinstance(body, dict) or body.get("identifier") is None:
        return None
    identifier = body["identifier"]
    if not isinstance(identifier, dict):
        raise FhirError.of(
            400, "structure", "identifier is one Identifier: system and value.", "Bundle.identifier"
        )
    issues = [
        Issue(
            "required",
            f"A Bundle's identifier needs a {part}, so a retry can be known.",
            f"Bundle.identifier.{part}",
        )
        for part in ("system", "value")
        if not isinstance(identifier.get(part), str) or not identifier[part].strip()
    ]
    if issues:
        raise FhirError(422, issues)
    return identifier["system"], identifier["value"]


def once(
    request: HttpRequest, token: ApiToken, body: Any, receive: Callable[[], JSON]
) -> tuple[JSON, bool]:
    """The answer to this transaction (`receive()` at most once for each of its keys), and
    whether it replays an earlier one."""
    key = header_key(request)
    identifier = bundle_identifier(body)
    replayed_by_identifier = False

    def work() -> Answer:
        nonlocal replayed_by_identifier
        if identifier is None:
            return Answer.of(200, receive())
        answer, replayed_by_identifier = _by_identifier(token, identifier, body, receive)
        return answer

    if key is None:
        return work().body, replayed_by_identifier
    try:
        answer, replayed = idempotency.answer_once(
            organisation_id=token.organisation_id,
            key=key,
            fingerprint=idempotency.fingerprint(request),
            work=work,
        )
    except IdempotencyKeyReused:
        raise FhirError.of(
            422,
            "business-rule",
            f"Your organisation sent a different request with this {idempotency.HEADER}. "
            "Use a new key for each new Bundle, and the same key only to retry the same "
            "request byte for byte. Nothing was saved.",
        ) from None
    return answer.body, replayed or replayed_by_identifier


def _by_identifier(
    token: ApiToken, identifier: tuple[str, str], body: Any, receive: Callable[[], JSON]
) -> tuple[Answer, bool]:
    system, value = identifier
    content = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        return idempotency.answer_once(
            organisation_id=token.organisation_id,
            key=BUNDLE_KEY_PREFIX + idempotency.digest(system.encode(), value.encode()),
            fingerprint=idempotency.digest(content.encode()),
            work=lambda: Answer.of(200, receive()),
            kept=True,
        )
    except IdempotencyKeyReused:
        raise FhirError.of(
            409,
            "duplicate",
            "Your organisation already sent a different Bundle with this identifier. Give "
            "each new referral's Bundle a new identifier; send the same Bundle unchanged to "
            "retry. Nothing was saved.",
            "Bundle.identifier",
        ) from None
