"""Logging filters and the console handler: the server log says what happened, without noise
or personal data."""

from __future__ import annotations

import logging
import re
import sys
from typing import IO, Any


class Console(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to standard error as it is when each line is written, unless given a stream.

    Django configures logging each time it is set up, and a handler that kept the
    `sys.stderr` of that moment keeps it after it is replaced and closed: a management
    command run in-process (a test, a shell) would leave every later log line failing with
    "I/O operation on closed file"."""

    _own: IO[str] | None = None

    @property
    def stream(self) -> Any:
        return self._own if self._own is not None else sys.stderr

    @stream.setter
    def stream(self, value: IO[str] | None) -> None:
        self._own = None if value is None or value is sys.stderr else value


class RefusalWithoutTraceback(logging.Filter):
    """A refusal (403) is the gate working, not a fault: log its one line, not a traceback.

    Django logs a `PermissionDenied` with the exception attached, so every intended refusal
    would otherwise print a whole stack. The refusal itself is in the audit log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True


# A safety net under the rule that nothing logs personal data: what a handler writes has these
# removed even if a message breaks the rule. Names cannot be recognised, so the rule stands.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Ten digits grouped 3-3-4 or run together: an NHS number (or anything shaped like one).
NHS_NUMBER = re.compile(r"(?<![\w.])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w.])")
# A UK phone number: 0 or +44, then ten digits, with spaces or hyphens anywhere.
PHONE = re.compile(r"(?<![\w.+])(?:\+44[ -]?|0)(?:\d[ -]?){9}\d(?![\w.])")
# The query of a web address: a search box puts what was typed there.
QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']+")
REPLACEMENTS = (
    (QUERY, r"\1?[query removed]"),
    (EMAIL, "[email removed]"),
    (NHS_NUMBER, "[number removed]"),
    (PHONE, "[phone removed]"),
)


def scrub(text: str) -> str:
    """`text` with email addresses, NHS numbers, phone numbers and query strings removed."""
    for pattern, replacement in REPLACEMENTS:
        text = pattern.sub(replacement, text)
    return text


class ScrubPersonalData(logging.Filter):
    """Remove email addresses, NHS numbers, phone numbers and query strings from what a
    handler writes: the message with its arguments, and the traceback, if any.

    A record whose message cannot be formatted is left for the handler to report as it
    would; a log call must never fail because of this filter."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # the handler reports the bad record itself
            return True
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True
