"""Exceptions shared by the scoring library, kept apart so every module can raise them."""

from __future__ import annotations


class ScoreError(ValueError):
    """Input that cannot be scored; `field` lets a form or API client point at the culprit."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, str]:
        """The CLI and API error body."""
        return {"error": self.message, "field": self.field}


class DefinitionError(ValueError):
    """A broken instrument definition file; fails at import so bad data never scores anyone."""

    def __init__(self, source: str, field: str, message: str) -> None:
        super().__init__(f"{source}: {field}: {message}" if field else f"{source}: {message}")
        self.source = source
        self.field = field
        self.message = message
