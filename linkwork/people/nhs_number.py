"""NHS number checks: ten digits whose last is a modulus 11 check digit."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_SEPARATORS = re.compile(r"[\s-]")


def normalise(value: str) -> str:
    """Strip the spaces and hyphens people type between the 3-3-4 groups."""
    return _SEPARATORS.sub("", value or "")


def check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for nine digits, or None when no valid number exists."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    remainder = 11 - (total % 11)
    if remainder == 11:
        return 0
    if remainder == 10:
        return None
    return remainder


def is_valid(value: str) -> bool:
    number = normalise(value)
    if len(number) != 10 or not number.isdigit():
        return False
    return check_digit(number[:9]) == int(number[9])


def validate_nhs_number(value: str) -> None:
    number = normalise(value)
    if len(number) != 10 or not number.isdigit():
        raise ValidationError(
            "Enter the NHS number as 10 digits, like 485 777 3456.", code="format"
        )
    if not is_valid(number):
        raise ValidationError(
            "This is not a valid NHS number: check the digits and try again.", code="checksum"
        )


def format_nhs_number(value: str) -> str:
    number = normalise(value)
    return f"{number[:3]} {number[3:6]} {number[6:]}" if len(number) == 10 else value
