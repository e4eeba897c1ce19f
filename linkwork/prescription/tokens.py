"""The secrets in a person's links: short enough for a text message, never stored.

A token is 16 random bytes in URL-safe base64 (22 characters). Only its SHA-256 digest is
kept; a digest is enough because the token is random, not chosen by a person.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(16)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
