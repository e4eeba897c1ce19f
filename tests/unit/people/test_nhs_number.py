import pytest
from django.core.exceptions import ValidationError

from linkwork.people.nhs_number import check_digit, format_nhs_number, is_valid, validate_nhs_number


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_nhs_number_valid_with_correct_check_digit(number):
    assert is_valid(number)


@pytest.mark.parametrize("number", ["9434765918", "123456789", "12345678901", "abcdefghij", ""])
def test_nhs_number_invalid(number):
    assert not is_valid(number)


def test_check_digit_ten_means_no_valid_number():
    # 6 x 2 = 12, remainder 1, check 10: no valid NHS number has these nine digits.
    assert check_digit("000000006") is None


def test_check_digit_eleven_becomes_zero():
    assert check_digit("000000000") == 0


def test_validate_nhs_number_format_message():
    with pytest.raises(ValidationError, match="10 digits"):
        validate_nhs_number("12345")


def test_validate_nhs_number_checksum_message():
    with pytest.raises(ValidationError, match="not a valid NHS number"):
        validate_nhs_number("9434765918")


def test_format_nhs_number_groups_three_three_four():
    assert format_nhs_number("9434765919") == "943 476 5919"
