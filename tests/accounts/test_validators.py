"""Organisation numbers: Swedish Luhn check digit, Norwegian mod-11."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from framja.accounts.validators import (
    clean_organisation_number,
    luhn_is_valid,
    mod11_check_digit,
    validate_organisation_number,
)


@pytest.mark.parametrize("number", ["556036-0793", "5560360793", "202100-5489", "212000-1355", "556036 0793"])
def test_valid_swedish_numbers_pass(number):
    validate_organisation_number(number, "SE")


@pytest.mark.parametrize(
    ("number", "code"),
    [("556036-0794", "checksum"), ("55603607", "format"), ("55603607931", "format"), ("55603A0793", "format")],
)
def test_invalid_swedish_numbers_fail(number, code):
    with pytest.raises(ValidationError) as info:
        validate_organisation_number(number, "SE")
    assert info.value.code == code


@pytest.mark.parametrize("number", ["974760673", "923609016", "974 760 673", "991825827"])
def test_valid_norwegian_numbers_pass(number):
    validate_organisation_number(number, "NO")


@pytest.mark.parametrize(
    ("number", "code"), [("974760672", "checksum"), ("97476067", "format"), ("5560360793", "format")]
)
def test_invalid_norwegian_numbers_fail(number, code):
    with pytest.raises(ValidationError) as info:
        validate_organisation_number(number, "NO")
    assert info.value.code == code


def test_a_norwegian_number_whose_remainder_is_1_has_no_valid_check_digit():
    assert mod11_check_digit("00000006") is None  # 6 x 2 = 12, remainder 1: the digit would be 10
    with pytest.raises(ValidationError):
        validate_organisation_number("000000060", "NO")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_luhn_accepts_exactly_one_check_digit(first_nine):
    valid = [d for d in "0123456789" if luhn_is_valid(first_nine + d)]
    assert len(valid) == 1


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_mod11_numbers_with_their_check_digit_validate(first_eight):
    digit = mod11_check_digit(first_eight)
    if digit is None:
        for d in "0123456789":
            with pytest.raises(ValidationError):
                validate_organisation_number(first_eight + d, "NO")
    else:
        validate_organisation_number(f"{first_eight}{digit}", "NO")


def test_clean_strips_spaces_and_dashes():
    assert clean_organisation_number(" 556036-0793 ") == "5560360793"
