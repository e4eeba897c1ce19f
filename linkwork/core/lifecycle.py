"""What every lifecycle module shares: the error for a status change it does not allow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class InvalidTransition(Exception):
    """A status change the lifecycle does not allow; the message is for people.

    Each lifecycle subclasses it, naming what changes status (`noun`), its statuses
    (`statuses`, a TextChoices) and its allowed changes (`transitions`)."""

    noun: ClassVar[str] = "record"
    statuses: ClassVar[Any]
    transitions: ClassVar[Mapping[Any, frozenset[Any]]]

    def __init__(self, current: str, wanted: str) -> None:
        self.current = self.statuses(current)
        self.wanted = self.statuses(wanted)
        allowed = sorted(status.label.lower() for status in self.transitions[self.current])
        then = f"It can become {', '.join(allowed)}." if allowed else "It cannot change again."
        super().__init__(
            f"A {self.noun} that is {self.current.label.lower()} cannot become "
            f"{self.wanted.label.lower()}. {then}"
        )

    @classmethod
    def check(cls, current: str, wanted: str) -> None:
        """Raise unless the lifecycle allows `current` to become `wanted`."""
        if cls.statuses(wanted) not in cls.transitions[cls.statuses(current)]:
            raise cls(current, wanted)
