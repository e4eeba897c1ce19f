"""The phone number format: one rule for every form that takes a number for people to call.

Checks the shape only: the digits and the signs people write between them ("+44 (0)1632 960
001"), and 10 to 15 digits in all, which covers UK numbers written with or without +44.
"""

from __future__ import annotations

import re
from typing import Final

# What a form says when the text is not a phone number.
PHONE_INVALID: Final = "Enter a phone number, like 01632 960 001"

# Digits, spaces and the signs people write in phone numbers: "+44 (0)1632 960 001".
_PHONE_RE: Final = re.compile(r"^\+?[0-9 ()\-]+$")


class InvalidPhone(ValueError):
    """Text that is not a phone number. The message never repeats the text."""


def normalise_phone(text: str) -> str:
    """The number with its runs of spaces made one ("01632  960 001" -> "01632 960 001"),
    or "" for no number.

    Raises InvalidPhone if the text holds anything but digits and the signs people write in
    phone numbers, or fewer than 10 or more than 15 digits.
    """
    phone = " ".join(text.split())
    digits = sum(ch.isdigit() for ch in phone)
    if phone and (not _PHONE_RE.match(phone) or not 10 <= digits <= 15):
        raise InvalidPhone(PHONE_INVALID)
    return phone
