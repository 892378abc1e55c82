"""Synthetic ids can never be real: NHS-number-shaped ids fail the modulus-11 check."""

import random

from hypothesis import given
from hypothesis import strategies as st

from shared.synthetic import fake_nhs_number, is_valid_nhs_number, uk_mobile


def test_checksum_accepts_a_known_valid_number() -> None:
    # 943 476 5919 is the NHS's published example of a valid number.
    assert is_valid_nhs_number("9434765919")
    assert not is_valid_nhs_number("9434765918")


@given(st.integers(min_value=0, max_value=2**32))
def test_fake_nhs_numbers_are_shaped_right_and_always_fail_the_check(seed: int) -> None:
    number = fake_nhs_number(random.Random(seed))
    assert len(number) == 10
    assert number.isdigit()
    assert not is_valid_nhs_number(number)


def test_phone_numbers_are_in_the_drama_range() -> None:
    assert uk_mobile(random.Random(1)).startswith("07700 900")
