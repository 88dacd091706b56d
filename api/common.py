"""What every API module shares: the mapping of domain errors to HTTP, pagination, small helpers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from govern.errors import ApplicationError, PermissionDenied, TransitionConflict

# Text that must say something: documented in the schema as containing a non-space character.
NOT_BLANK = RegexValidator(r"\S", message=_("This field may not be blank."))


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def exception_handler(exc, context):
    """Domain errors become JSON: a refused transition 409, a missing permission 403, bad input 400."""
    if isinstance(exc, ApplicationError):
        code = status.HTTP_400_BAD_REQUEST
        if isinstance(exc, PermissionDenied):
            code = status.HTTP_403_FORBIDDEN
        elif isinstance(exc, TransitionConflict):
            code = status.HTTP_409_CONFLICT
        data = {"detail": str(exc.message)}
        if exc.field:
            data[exc.field] = [str(exc.message)]
        return Response(data, status=code)
    if isinstance(exc, DjangoValidationError):
        data = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def form_errors(form) -> dict:
    """A Django form's errors as DRF-style field messages."""
    return {
        ("non_field_errors" if k == "__all__" else k): [str(m) for m in v]
        for k, v in form.errors.items()
    }


def files_of(request, field: str = "files") -> list:
    return request.FILES.getlist(field)
