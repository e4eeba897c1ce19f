"""Reading reviewed data files: TOML written by people, checked strictly when it is loaded.

Each app keeps its own error class (a `ValueError` built from the file, the field and the
message) and its own rules; the reader here gives the checks they share, so a missing or
unknown key and blank text are worded the same way in every file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Collection, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Generic, TypeVar

E = TypeVar("E", bound=Exception)


def read_toml(path: Path | Traversable, error: Callable[[str, str, str], E]) -> dict[str, Any]:
    """The parsed file; an unreadable or malformed file raises `error` naming it."""
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(str(path), "", f"cannot be read as TOML: {exc}") from exc


class ReviewedReader(Generic[E]):
    """Checks on one file's tables whose failures raise `error` naming the file and field.

    `collapse` makes `text` fold runs of white space (line breaks in long prose) into one
    space; otherwise it only strips the ends. `error` is called with the file, the field at
    fault ("" for the whole file) and the message.
    """

    def __init__(
        self, source: str, error: Callable[[str, str, str], E], *, collapse: bool = False
    ) -> None:
        self.source = source
        self.error = error
        self.collapse = collapse

    def fail(self, field: str, message: str) -> E:
        return self.error(self.source, field, message)

    def keys(
        self,
        table: Mapping[str, Any],
        field: str,
        required: Collection[str],
        optional: Collection[str] = (),
    ) -> None:
        missing = sorted(set(required) - table.keys())
        if missing:
            raise self.fail(field, f"missing {', '.join(missing)}")
        unknown = sorted(table.keys() - set(required) - set(optional))
        if unknown:
            raise self.fail(field, f"unknown key(s) {', '.join(unknown)}")

    def text(self, table: Mapping[str, Any], key: str, field: str = "") -> str:
        value = table[key]
        where = f"{field}.{key}" if field else key
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "must be non-empty text")
        return " ".join(value.split()) if self.collapse else value.strip()

    def table(self, value: Any, field: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, "must be a table")
        return value
