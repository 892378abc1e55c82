"""Synthetic people for demo and test data: UK-style names and addresses, never real ones.

NHS-number-shaped ids here always fail the modulus-11 check, so none can be a real number.
"""

import random

GIVEN_FEMALE = (
    "Amelia",
    "Isla",
    "Ava",
    "Freya",
    "Poppy",
    "Evie",
    "Ruby",
    "Maisie",
    "Lily",
    "Niamh",
    "Aisha",
    "Zara",
    "Kayleigh",
    "Chantelle",
    "Jade",
    "Megan",
)
GIVEN_MALE = (
    "Oliver",
    "Harry",
    "Jack",
    "Alfie",
    "Charlie",
    "Leo",
    "Riley",
    "Kai",
    "Callum",
    "Declan",
    "Ryan",
    "Jamie",
    "Connor",
    "Bradley",
    "Kieran",
    "Dylan",
)
FAMILY_NAMES = (
    "Ashdown",
    "Blackwell",
    "Carrow",
    "Dunmore",
    "Ellery",
    "Fenwick",
    "Garside",
    "Hartigan",
    "Ingleby",
    "Jessop",
    "Kershaw",
    "Lomax",
    "Marchbank",
    "Nettleton",
    "Ormerod",
    "Pennock",
    "Quarmby",
    "Rushworth",
    "Stainrod",
    "Thackray",
)
STREETS = (
    "Larkspur Close",
    "Mill Lane",
    "Weavers Row",
    "Orchard Way",
    "Canal Street",
    "Beechcroft Road",
    "Station Approach",
    "Tannery Court",
    "Bramble Walk",
    "Quarry Rise",
)
TOWNS = (
    ("Banbury", "OX16"),
    ("Bicester", "OX26"),
    ("Didcot", "OX11"),
    ("Witney", "OX28"),
    ("Abingdon", "OX14"),
    ("Thame", "OX9"),
)


def nhs_check_digit(first_nine: str) -> int | None:
    """Return the modulus-11 check digit for nine digits, or None when no digit is valid."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_valid_nhs_number(number: str) -> bool:
    """Return True when a ten-digit string passes the NHS modulus-11 check."""
    if len(number) != 10 or not number.isdigit():
        return False
    return nhs_check_digit(number[:9]) == int(number[9])


def fake_nhs_number(rng: random.Random) -> str:
    """Return a ten-digit NHS-number-shaped id that fails the modulus-11 check."""
    first_nine = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
    valid = nhs_check_digit(first_nine)
    last = rng.randrange(10) if valid is None else (valid + 1 + rng.randrange(9)) % 10
    return first_nine + str(last)


def given_name(rng: random.Random, sex: str) -> str:
    """Return a synthetic given name for the given sex ('female' or 'male')."""
    return rng.choice(GIVEN_FEMALE if sex == "female" else GIVEN_MALE)


def family_name(rng: random.Random) -> str:
    """Return a synthetic family name."""
    return rng.choice(FAMILY_NAMES)


def street_address(rng: random.Random) -> tuple[str, str, str]:
    """Return a synthetic (line1, town, postcode)."""
    town, district = rng.choice(TOWNS)
    line1 = f"{rng.randrange(1, 120)} {rng.choice(STREETS)}"
    postcode = (
        f"{district} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    )
    return line1, town, postcode


def uk_mobile(rng: random.Random) -> str:
    """Return a number in Ofcom's drama range (07700 900000-900999), never a real line."""
    return f"07700 900{rng.randrange(1000):03d}"
