"""Validators for text people type: no control characters (they break exports, mail and XML)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class WholeValueValidator(RegexValidator):
    """A RegexValidator whose pattern must match the whole value; the API schema documents the same
    pattern (drf-spectacular reads ``regex``), so schema and validation agree. Patterns require one
    character at least: an empty value is never validated (blank is the field's own rule), and a
    pattern that also matched "" would make a blank field's schema ambiguous (``oneOf``)."""

    def __call__(self, value):
        if not self.regex.fullmatch(str(value)):
            raise ValidationError(self.message, code=self.code, params={"value": value})


single_line = WholeValueValidator(
    r"^[^\x00-\x1f\x7f]+$",
    message=_("Remove the control characters (such as line breaks or tabs) from this field."),
    code="control_characters",
)
multi_line = WholeValueValidator(
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$",
    message=_("Remove the invisible control characters from this field."),
    code="control_characters",
)
phone = WholeValueValidator(
    re.compile(r"^\+?[0-9][0-9 ()\-]{4,28}(?:转[0-9]{1,6})?$"),
    message=_("Enter a phone number with digits only, e.g. 0595-22345678 or 13912345678."),
    code="phone",
)
