"""The UK postcode format: one rule for every form, the API and the directory.

Checks the shape only (Royal Mail's rules for each position, and GIR 0AA). Whether a postcode
exists is the postcode table's business (`directory.geography`).
"""

from __future__ import annotations

import re
from typing import Final

from django.utils.translation import gettext_noop

# What a form says when the text is not a UK postcode (forms show it in the page's language).
POSTCODE_INVALID: Final = gettext_noop("Enter a real postcode, like BK1 1AE")

# The UK postcode format, with the letters each position may hold (Royal Mail rules), and
# the one special case GIR 0AA.
_POSTCODE_RE: Final = re.compile(
    r"^(?:GIR 0AA|"
    r"(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" [0-9][ABD-HJLNP-UW-Z]{2})$"
)


class InvalidPostcode(ValueError):
    """Text that is not a UK postcode. The message never repeats the text: it may be a
    person's."""


def normalise_postcode(text: str) -> str:
    """Upper case with one space before the inward code ("bk34qt" -> "BK3 4QT").

    Raises InvalidPostcode if the result is not a UK postcode.
    """
    compact = "".join(text.split()).upper()
    candidate = f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else compact
    if not _POSTCODE_RE.match(candidate):
        raise InvalidPostcode("Enter a full UK postcode, such as LS1 4AP.")
    return candidate


def is_valid_postcode(text: str) -> bool:
    try:
        normalise_postcode(text)
    except InvalidPostcode:
        return False
    return True
