"""View decorators that admit only some roles; the services check again on every write."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from govern import roles


def role_required(predicate):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(roles.is_staff_role)
manager_required = role_required(roles.is_manager)
