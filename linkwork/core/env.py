"""Typed readers for configuration taken from the environment.

Every variable the project reads is listed in `.env.example`. A required variable that is
missing stops start-up with a message naming it and saying how to set it.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed; the message says how to fix it."""


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def str(self, name: str, default: str | None = None, *, hint: str = "") -> str:
        value = self.environ.get(name)
        if value is None or value == "":
            if default is None:
                message = f"The environment variable {name} is required but not set."
                raise ConfigurationError(f"{message} {hint}".strip())
            return default
        return value

    def bool(self, name: builtins.str, default: builtins.bool) -> builtins.bool:
        value = self.environ.get(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        raise ConfigurationError(f"{name} must be true or false, not {value!r}.")

    def int(self, name: builtins.str, default: builtins.int) -> builtins.int:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise ConfigurationError(f"{name} must be a whole number, not {value!r}.") from None

    def list(
        self, name: builtins.str, default: builtins.list[builtins.str]
    ) -> builtins.list[builtins.str]:
        value = self.environ.get(name)
        if value is None:
            return default
        return [item.strip() for item in value.split(",") if item.strip()]
