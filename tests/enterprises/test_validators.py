import pytest
from django.core.exceptions import ValidationError

from enterprises.validators import uscc_check_character, validate_uscc


@pytest.mark.parametrize(
    "code", ["91440300708461136T", "91110000100010433L", " 91440300708461136t "]
)
def test_valid_codes_pass(code):
    validate_uscc(code)


def test_check_character_is_computed_from_first_17():
    assert uscc_check_character("91440300708461136") == "T"
    assert uscc_check_character("91350100M0001TGQX") == "1"


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(ValidationError) as error:
        validate_uscc("91440300708461136A")
    assert error.value.code == "checksum"
    assert "T" in error.value.messages[0] and "A" in error.value.messages[0]


def test_fujian_pilot_code_fails_the_check_as_a_checksum_error():
    with pytest.raises(ValidationError) as error:
        validate_uscc("91350100M0001TGQXM")
    assert error.value.code == "checksum"


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("9144030070846113", "length"),
        ("91440300708461136TX", "length"),
        ("", "length"),
        ("9144030070846113IT", "characters"),  # I is not in the alphabet
        ("91440300708461O36T", "characters"),  # neither is O
        ("91440300708461136Z", "characters"),
    ],
)
def test_malformed_codes_are_refused(code, error_code):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == error_code
