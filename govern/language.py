"""Texts written into the record (a log reason, what became of an order) are in the bureau's
language, whatever language the request that caused them used."""

from django.conf import settings
from django.utils import translation


def bureau_language():
    """A context in which gettext writes the bureau's language (settings.LANGUAGE_CODE)."""
    return translation.override(settings.LANGUAGE_CODE)
