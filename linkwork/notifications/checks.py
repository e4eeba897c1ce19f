"""A start-up check that each channel's message backend is one Linkwork knows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from linkwork.notifications.backends import BACKENDS


def message_backends(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    for channel, known in BACKENDS.items():
        choice = settings.LINKWORK_MESSAGE_BACKENDS.get(channel, "")
        if choice in known:
            continue
        if "." in choice:
            try:
                import_string(choice)
                continue
            except ImportError:
                pass
        problems.append(
            checks.Error(
                f"There is no {channel} message backend called {choice!r}.",
                hint=f"Set LINKWORK_MESSAGE_{channel.upper()}_BACKEND to one of "
                f"{', '.join(sorted(known))}.",
                id="notifications.E001",
            )
        )
    return problems
