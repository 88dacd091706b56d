"""Project-level pages: the home page sends each role where its work is."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from govern import roles


@login_required
def home(request):
    user = request.user
    if roles.is_enterprise_user(user) and user.enterprise_id:
        return redirect("portal:home")
    return redirect("enterprises:list")
