"""The domain's error types, mapped once to form errors (views) and once to API responses."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A business rule refused the request; ``message`` is shown to the user as is."""

    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, field: str | None = None):
        self.message = message or self.default_message
        self.field = field
        super().__init__(str(self.message))


class PermissionDenied(ApplicationError):
    default_message = _("You do not have permission to do this.")


class TransitionConflict(ApplicationError):
    """The enterprise is no longer in a state that allows the transition."""

    default_message = _("The enterprise's state has changed; reload the page and try again.")


class InvalidInput(ApplicationError):
    default_message = _("The input is not valid.")


def add_error_to_form(form, error: ApplicationError) -> None:
    """Show a domain error on the form: on its field when the form has one, else at the top."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def require(allowed: bool) -> None:
    """A service's permission check: refuse with PermissionDenied unless ``allowed``."""
    if not allowed:
        raise PermissionDenied()


def full_clean(instance, **options) -> None:
    """Validate a model instance; its first problem becomes an InvalidInput naming the field."""
    try:
        instance.full_clean(**options)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(messages[0], field=field) from error
