"""One phone number rule for the forms that take a number for people to call."""

from __future__ import annotations

import pytest

from linkwork.core.phones import PHONE_INVALID, InvalidPhone, normalise_phone


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("01632 960 001", "01632 960 001"),
        ("  01632   960001 ", "01632 960001"),
        ("+44 (0)1632 960 001", "+44 (0)1632 960 001"),
        ("0800-123-4567", "0800-123-4567"),
        ("", ""),
    ],
)
def test_normalise_phone_keeps_numbers_as_written_with_single_spaces(written, kept):
    assert normalise_phone(written) == kept


@pytest.mark.parametrize(
    "written", ["call us", "0163 960", "0" * 16, "01632 960 001 ext 2", "01632\x00960001"]
)
def test_normalise_phone_refuses_what_is_not_a_number(written):
    with pytest.raises(InvalidPhone, match=PHONE_INVALID):
        normalise_phone(written)
