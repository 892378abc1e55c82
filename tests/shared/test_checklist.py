"""The neglect checklist of docs/domain.md (Checklist), loaded from data."""

from datetime import date

import pytest

from shared.checklist import age_band_on, load_checklist
from shared.vocabulary import NeglectType


def test_every_domain_and_item_key_of_the_spec_is_present() -> None:
    checklist = load_checklist()
    assert [d.code for d in checklist.domains] == ["PHY", "ENV", "SUP", "MED", "EMO", "DEV", "CTX"]
    assert len(checklist.item_keys()) == 39
    assert all(
        k.split(".")[0] in {"PHY", "ENV", "SUP", "MED", "EMO", "DEV", "CTX"}
        for k in checklist.item_keys()
    )


def test_domains_map_to_neglect_types() -> None:
    checklist = load_checklist()
    assert checklist.neglect_type_of("ENV.HAZARDS") == NeglectType.ENVIRONMENTAL
    assert checklist.neglect_type_of("SUP.CAR_SEAT") == NeglectType.SUPERVISORY
    assert checklist.neglect_type_of("CTX.DA") is None


def test_age_band_hides_items_that_do_not_apply() -> None:
    checklist = load_checklist()
    baby = {i.key for i in checklist.items_for("0-1")}
    teen = {i.key for i in checklist.items_for("12+")}
    assert "ENV.SAFE_SLEEP_SPACE" in baby
    assert "ENV.SAFE_SLEEP_SPACE" not in teen
    assert "DEV.SETTING_ATTENDANCE" in teen
    assert "DEV.SETTING_ATTENDANCE" not in baby


@pytest.mark.parametrize(
    ("on", "band"),
    [
        (date(2025, 2, 28), "0-1"),  # the day before a leap-day baby's first birthday
        (date(2025, 3, 1), "1-4"),
        (date(2029, 2, 28), "1-4"),
        (date(2029, 3, 1), "5-11"),
        (date(2036, 3, 1), "12+"),
        (date(2023, 1, 1), "0-1"),  # before birth: unborn
    ],
    ids=str,
)
def test_age_band_turns_on_the_birthday(on: date, band: str) -> None:
    assert age_band_on(date(2024, 2, 29), on) == band


def test_unknown_dob_counts_as_a_baby() -> None:
    assert age_band_on(None, date(2026, 1, 1)) == "0-1"
