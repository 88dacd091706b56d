"""Query parameters read safely: anything a user types into a URL is a value or nothing, never a 500."""

MAX_ID = 2**63 - 1  # PostgreSQL bigint


def int_param(value: str | None, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """The value as an int within [minimum, maximum], or None when it is absent or not one."""
    if value is None:
        return None
    value = value.strip()
    if not value or not value.isascii() or not value.lstrip("-").isdigit() or len(value) > 20:
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None
