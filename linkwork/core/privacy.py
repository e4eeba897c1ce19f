"""What the privacy page says that other apps know: each registers a part at start-up (in its
`AppConfig.ready()`), so core names no domain. A part is a function returning the page's
context for it, such as the retention periods of `linkwork.records`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PrivacyPart = Callable[[], dict[str, Any]]

_parts: list[PrivacyPart] = []


def register(part: PrivacyPart) -> None:
    """Add `part` to the privacy page, once."""
    if part not in _parts:
        _parts.append(part)


def context() -> dict[str, Any]:
    """The privacy page's context from every registered part."""
    found: dict[str, Any] = {}
    for part in _parts:
        found.update(part())
    return found
