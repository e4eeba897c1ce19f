"""Signing a delivery, and the check a receiver makes (also used by the tests as a receiver).

Every delivery carries three headers:

    Linkwork-Webhook-Id: the delivery's id, the same on every retry: receivers de-duplicate on it
    Linkwork-Webhook-Timestamp: when this attempt was signed, in whole seconds since 1970 (UTC)
    Linkwork-Webhook-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>
        (for a day after the secret is rotated, a second `,v1=...` made with the old secret)

A receiver recomputes the HMAC over the timestamp header, a dot and the raw body bytes, compares
in constant time, and refuses a timestamp more than five minutes from its own clock, so a
captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

ID_HEADER = "Linkwork-Webhook-Id"
TIMESTAMP_HEADER = "Linkwork-Webhook-Timestamp"
SIGNATURE_HEADER = "Linkwork-Webhook-Signature"
EVENT_HEADER = "Linkwork-Webhook-Event"
SCHEME = "v1"
# How far a receiver lets a timestamp stray from its own clock.
TOLERANCE_SECONDS = 300


class BadSignature(Exception):
    """The request was not signed with the secret, or was signed too long ago."""


def new_secret() -> str:
    """A fresh endpoint secret: 32 random bytes, with a prefix that says what it is."""
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def headers(
    *, secrets: list[str], delivery_id: str, event_type: str, body: bytes, timestamp: int
) -> dict[str, str]:
    """The headers of one attempt at a delivery: one signature for each secret given (two for
    a day after a rotation, the new one first), separated by commas."""
    signed = ",".join(f"{SCHEME}={signature(secret, timestamp, body)}" for secret in secrets)
    return {
        "Content-Type": "application/json",
        ID_HEADER: delivery_id,
        EVENT_HEADER: event_type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signed,
    }


def verify(
    *, secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None
) -> None:
    """What a receiver does: raise BadSignature unless the request is signed with `secret`
    within TOLERANCE_SECONDS of `now`."""
    lowered = {key.lower(): value for key, value in headers.items()}
    try:
        timestamp = int(lowered[TIMESTAMP_HEADER.lower()])
        given = lowered[SIGNATURE_HEADER.lower()]
    except (KeyError, ValueError) as missing:
        raise BadSignature("No timestamp or signature header") from missing
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise BadSignature("The timestamp is more than five minutes from now")
    expected = f"{SCHEME}={signature(secret, timestamp, body)}"
    # Several signatures may be given, separated by commas; one must match.
    if not any(hmac.compare_digest(expected, part.strip()) for part in given.split(",")):
        raise BadSignature("The signature does not match")
