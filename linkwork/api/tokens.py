"""API token secrets: how they look, how they are hashed and how a presented one is checked.

A token reads `lw_<prefix>_<secret>`: the prefix (8 hex digits) finds the stored token and
may appear in logs and the admin site; the secret (256 random bits) never leaves the caller.
Only the SHA-256 hash of the whole token is stored. A fast hash is enough: the secret is
random, so there is no dictionary to try.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.utils import timezone

from linkwork.api.models import ApiToken

_SHAPE = re.compile(r"^lw_(?P<prefix>[0-9a-f]{8})_[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class NewSecret:
    token: str
    prefix: str
    secret_hash: str


# How stale a token's "last used" may be.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def new_secret() -> NewSecret:
    prefix = secrets.token_hex(4)
    token = f"lw_{prefix}_{secrets.token_urlsafe(32)}"
    return NewSecret(token=token, prefix=prefix, secret_hash=digest(token))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(presented: str) -> ApiToken | None:
    """The active token `presented` is, or None: unknown, mistyped, revoked and expired
    tokens are all None, and so is any token of an inactive organisation. Marks when the
    token was last used. Whether the token may use the API asked is the caller's check
    (`ApiToken.allows`)."""
    shape = _SHAPE.match(presented)
    if shape is None:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("organisation")
        .filter(prefix=shape["prefix"], organisation__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, digest(presented)):
        return None
    now = timezone.now()
    # To the minute, as the tokens page shows it: a busy clinical system calling many times a
    # minute writes (and commits) once a minute, not on every call.
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
