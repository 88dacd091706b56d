"""The demo loader gives every role something to look at, and refuses production databases."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from demo.management.commands.load_demo import CLUSTER_SIZE
from enterprises.models import Enterprise, RelocationProject, State, TransitionLog
from govern.models import User
from inspections.models import PlannedInspection, RectificationOrder
from monitoring.models import Alert, MonitoringPoint, Reading


@pytest.mark.django_db
def test_load_demo_creates_users_and_enterprises_in_every_state(settings):
    settings.DEBUG = True
    call_command("load_demo", count=120)
    # 120 enterprises, plus the workshops of the demo's cluster of scattered enterprises.
    assert Enterprise.objects.count() == 120 + CLUSTER_SIZE
    assert set(Enterprise.objects.values_list("state", flat=True)) == set(State.values)
    # Every path is on show: overrides of the policy's path, a consolidated cluster, a relocated
    # enterprise regraded in its park.
    assert TransitionLog.objects.exclude(override_reason="").filter(transition="close").exists()
    assert (
        TransitionLog.objects.exclude(override_reason="")
        .filter(transition="start_remediation")
        .exists()
    )
    assert RelocationProject.objects.filter(cluster__isnull=False, members__isnull=False).exists()
    assert TransitionLog.objects.filter(transition="grade", from_state=State.RELOCATED).exists()
    assert {"manager", "inspector", "inspector2", "enterprise", "admin"} <= set(
        User.objects.values_list("username", flat=True)
    )
    account = User.objects.get(username="enterprise")
    assert account.enterprise is not None and account.check_password("govern-demo")
    # Every enterprise has a history starting with its registration, spread over up to two years:
    # the services ran on the domain clock, set to each past moment.
    assert TransitionLog.objects.filter(transition="register").count() == 120 + CLUSTER_SIZE
    registered = TransitionLog.objects.filter(transition="register")
    assert registered.filter(created_at__lt=timezone.now() - timedelta(days=365)).exists()
    assert not TransitionLog.objects.filter(created_at__gt=timezone.now()).exists()
    for log in TransitionLog.objects.select_related("enterprise").filter(transition="register")[
        :20
    ]:
        assert log.enterprise.created_at == log.created_at
    # Orders got their deadlines on the day of their visit, so some are overdue by now.
    assert RectificationOrder.objects.filter(status=RectificationOrder.Status.OVERDUE).exists()
    # Online monitoring: a few dozen points with a week of data, and alerts at every stage.
    assert MonitoringPoint.objects.count() == 30
    assert MonitoringPoint.objects.filter(enterprise=account.enterprise).exists()
    assert Reading.objects.filter(cn=2061).count() > 30 * 24 * 6
    assert {"exceedance", "missing"} <= set(Alert.objects.values_list("kind", flat=True))
    assert {"open", "explained", "resolved"} <= set(Alert.objects.values_list("status", flat=True))
    assert PlannedInspection.objects.filter(reason="monitoring", alert__isnull=False).exists()
    call_command("load_demo", count=120)  # a second run changes nothing
    assert Enterprise.objects.count() == 120 + CLUSTER_SIZE


@pytest.mark.django_db
def test_load_demo_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", count=5)
    assert not Enterprise.objects.exists()
    call_command("load_demo", count=5, force=True)
    assert Enterprise.objects.count() == 5 + CLUSTER_SIZE


def test_the_demo_runs_on_the_domain_clock_not_a_patched_django():
    demo = Path(__file__).resolve().parent.parent / "demo"
    source = "\n".join(p.read_text(encoding="utf-8") for p in demo.rglob("*.py"))
    assert "mock" not in source and "patch(" not in source
    assert "clock.at(" in source
