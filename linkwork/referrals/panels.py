"""Panels that apps above referrals show at the top of the referral page.

Casework, for one, shows the person's safeguarding concerns there. Each app registers a
builder in its `AppConfig.ready()`, so referrals imports nothing of theirs. A builder returns
the panel's HTML, or None when this user should see nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from markupsafe import Markup

from linkwork.referrals.models import Referral

PanelBuilder = Callable[[HttpRequest, Referral], str | None]

_builders: list[PanelBuilder] = []


def register(builder: PanelBuilder) -> None:
    """Show the panel `builder` makes at the top of every referral page."""
    if builder not in _builders:
        _builders.append(builder)


def referral_page_panels(request: HttpRequest, referral: Referral) -> list[Markup]:
    """The panels for the top of `referral`'s page, in the order they were registered."""
    panels = []
    for build in _builders:
        html = build(request, referral)
        if html is not None:
            panels.append(Markup(html))  # noqa: S704 - built from autoescaped templates # nosec B704
    return panels
