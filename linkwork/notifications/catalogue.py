"""Every message template Linkwork sends, in one list, each with a preview from made-up
example details, for the admins' page of templates (`views.templates`).

Delivery knows no referral or casework, so the words stay where they are written (the
referrals app's `message_back.py`, `messages.py` and `replies.py`, casework's `notices.py`)
and each app registers its templates here at start-up (`AppConfig.ready()`), with an
`example` that renders them from synthetic data through the same functions that write the
real messages: what the page shows is what is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from linkwork.notifications.models import Audience, DeliveryChannel, Event


@dataclass(frozen=True)
class Template:
    """One message: what it is about, who receives it and how. `example()` gives its subject
    and body, filled in with made-up details; `source` names where its words are written."""

    event: Event
    audience: Audience
    channels: tuple[DeliveryChannel, ...]
    source: str
    example: Callable[[], tuple[str, str]]

    @property
    def key(self) -> str:
        return f"{self.event.value}.{self.audience.value}"

    @property
    def title(self) -> str:
        return f"{self.event.label}: to the {self.audience.label.lower()}"

    @property
    def channel_labels(self) -> str:
        return ", ".join(str(channel.label).lower() for channel in self.channels)

    def render(self) -> tuple[str, str]:
        return self.example()


_templates: dict[str, Template] = {}


def register(template: Template) -> None:
    """Add a template to the list (once: the same event and audience again replaces it)."""
    _templates[template.key] = template


def every_template() -> list[Template]:
    """Every template, in the order of the events, then the audiences."""
    events = list(Event)
    audiences = list(Audience)
    return sorted(
        _templates.values(),
        key=lambda t: (events.index(t.event), audiences.index(t.audience)),
    )
