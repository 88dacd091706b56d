"""Validation of the unified social credit code (统一社会信用代码, GB 32100-2015)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18


def uscc_check_character(first17: str) -> str:
    """The check character GB 32100-2015 prescribes for the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper()


def validate_uscc(value: str) -> None:
    """Raise ValidationError unless ``value`` is a well-formed code with the right check character.

    The error code is ``"checksum"`` only when length and characters are right but the check
    character is not: that is the one error a manager may override with a recorded reason.
    """
    code = normalize_uscc(value)
    if len(code) != USCC_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="length",
            params={"count": len(code)},
        )
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _(
                "Character(s) %(chars)s are not allowed; a unified social credit code uses "
                "only 0-9 and A-H, J-N, P, Q, R, T, U, W, X, Y."
            ),
            code="characters",
            params={"chars": " ".join(bad)},
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "Check character is wrong: expected %(expected)s for these first 17 characters, got %(got)s."
            ),
            code="checksum",
            params={"expected": expected, "got": code[17]},
        )
