"""The demo loader gives every role something to look at, and refuses production databases."""

import pytest
from django.core.management import CommandError, call_command

from enterprises.models import Enterprise, State, TransitionLog
from govern.models import User


@pytest.mark.django_db
def test_load_demo_creates_users_and_enterprises_in_every_state(settings):
    settings.DEBUG = True
    call_command("load_demo", count=120)
    assert Enterprise.objects.count() == 120
    assert set(Enterprise.objects.values_list("state", flat=True)) == set(State.values)
    assert {"manager", "inspector", "inspector2", "enterprise", "admin"} <= set(
        User.objects.values_list("username", flat=True)
    )
    account = User.objects.get(username="enterprise")
    assert account.enterprise is not None and account.check_password("govern-demo")
    # Every enterprise has a history starting with its registration.
    assert TransitionLog.objects.filter(transition="register").count() == 120
    call_command("load_demo", count=120)  # a second run changes nothing
    assert Enterprise.objects.count() == 120


@pytest.mark.django_db
def test_load_demo_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", count=5)
    assert not Enterprise.objects.exists()
    call_command("load_demo", count=5, force=True)
    assert Enterprise.objects.count() == 5
