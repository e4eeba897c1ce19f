"""Logging filters: the server log says what happened, without noise or personal data."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refusal (403) is the gate working, not a fault: log its one line, not a traceback.

    Django logs a `PermissionDenied` with the exception attached, so every intended refusal
    would otherwise print a whole stack. The refusal itself is in the audit log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
