"""Validators for text people type: no control characters (they break exports, mail and XML)."""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

single_line = RegexValidator(
    r"[\x00-\x1f\x7f]",
    inverse_match=True,
    message=_("Remove the control characters (such as line breaks or tabs) from this field."),
    code="control_characters",
)
multi_line = RegexValidator(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]",
    inverse_match=True,
    message=_("Remove the invisible control characters from this field."),
    code="control_characters",
)
phone = RegexValidator(
    re.compile(r"^\+?[0-9][0-9 ()\-]{4,28}(?:转[0-9]{1,6})?$"),
    message=_("Enter a phone number with digits only, e.g. 0595-22345678 or 13912345678."),
    code="phone",
)
