"""Declaring, changing and lifting a warning; instructions, notices, confirmations and chasing."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from emergency import services
from emergency.models import Instruction, WarningChange
from govern import clock
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from govern.models import Notification
from notices.models import Notice, NoticeKind
from tests import factories

from .conftest import approved_list, declare

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_orange_warning_instructs_b_c_d_and_ungraded_in_scope_and_no_one_else(
    grades, manager, inspector, django_capture_on_commit_callbacks
):
    approved_list(grades["C"], inspector)
    accounts = {
        key: factories.enterprise_user(e, username=f"acct-{key}") for key, e in grades.items()
    }
    with django_capture_on_commit_callbacks(execute=True):
        warning = declare(manager, level="orange")
    instructed = set(
        Instruction.objects.filter(warning=warning).values_list("enterprise_id", flat=True)
    )
    assert instructed == {grades[k].pk for k in ("B", "C", "D", "none")}
    # Each instructed enterprise has a numbered notice of the new type, rendered, and a notification.
    notices = Notice.objects.filter(kind=NoticeKind.EMERGENCY)
    assert set(notices.values_list("enterprise_id", flat=True)) == instructed
    assert notices.filter(number__startswith="泉环VOC应急〔").count() == 4
    numbers = sorted(notices.values_list("sequence", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 4))  # one batch, no gaps
    c_notice = notices.get(enterprise=grades["C"])
    c_notice.refresh_from_db()
    assert c_notice.status == Notice.Status.READY, c_notice.render_error
    text = "".join(
        subprocess.run(
            ["pdftotext", c_notice.file.path, "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "重污染天气应急减排告知书" in text and "橙色预警" in text
    # A table cell wraps, so its words are checked one by one.
    assert "1号涂装线" in text and "限产，产量不超过正常的" in text and "60%" in text
    assert "No.3" in text
    for key in ("B", "C", "D", "none"):
        assert Notification.objects.filter(
            recipient=accounts[key], url="/portal/emergency/"
        ).exists()
    for key in ("A", "leading", "outside"):
        assert not Notification.objects.filter(recipient=accounts[key]).exists()


def test_overlapping_declarations_for_a_district_are_refused(grades, manager):
    declare(manager, level="yellow")
    with pytest.raises(InvalidInput) as error:
        declare(manager, level="red", districts=("jinjiang", "nanan"), hours_ahead=30)
    assert error.value.field == "districts"
    assert "晋江市" in str(error.value.message)
    declare(manager, level="red", districts=("nanan",), hours_ahead=30)  # another district is free


def test_an_end_before_the_start_and_a_short_notice_without_reason_are_refused(grades, manager):
    with pytest.raises(InvalidInput) as error:
        declare(manager, hours=-2)
    assert error.value.field == "ends_at"
    with pytest.raises(InvalidInput) as error:
        declare(manager, hours_ahead=3)
    assert error.value.field == "short_notice_reason"
    warning = declare(manager, hours_ahead=3, short_notice_reason="省厅要求今晚20时启动")
    assert warning.short_notice_reason
    with pytest.raises(PermissionDenied):
        declare(factories.inspector_user(username="x"), districts=("nanan",))


def test_upgrading_replaces_the_instructions_and_lifting_deletes_nothing(
    grades, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        warning = declare(manager, level="yellow", hours_ahead=1, short_notice_reason="紧急")
    first = Instruction.objects.get(warning=warning, enterprise=grades["D"])
    with clock.at(timezone.now() + timedelta(hours=2)):
        with django_capture_on_commit_callbacks(execute=True):
            services.warning_change_level(
                warning=warning, level="red", reason="污染加重", by=manager
            )
        first.refresh_from_db()
        assert first.replaced_at is not None
        current = Instruction.objects.get(warning=warning, enterprise=grades["D"], replaced_at=None)
        assert current.level == "red"
        services.warning_lift(warning=warning, reason="空气质量好转", by=manager)
        with pytest.raises(TransitionConflict):
            services.warning_change_level(warning=warning, level="orange", reason="x", by=manager)
    kinds = list(warning.changes.values_list("kind", flat=True))
    assert kinds == [
        WarningChange.Kind.DECLARED,
        WarningChange.Kind.UPGRADED,
        WarningChange.Kind.LIFTED,
    ]
    assert Instruction.objects.filter(warning=warning).count() == 8  # 4 yellow + 4 red, all kept
    assert Notice.objects.filter(kind=NoticeKind.EMERGENCY).count() == 8


def test_a_confirmation_is_recorded_once_and_refused_after_the_episode(grades, manager):
    warning = declare(manager, hours_ahead=25, hours=24)
    instruction = Instruction.objects.get(warning=warning, enterprise=grades["B"])
    account = factories.enterprise_user(grades["B"])
    stranger = factories.enterprise_user(grades["C"], username="c-acct")
    with pytest.raises(PermissionDenied):
        services.instruction_confirm(instruction=instruction, by=stranger)
    late = Instruction.objects.get(warning=warning, enterprise=grades["D"])
    services.instruction_confirm(instruction=instruction, by=account)
    instruction.refresh_from_db()
    assert instruction.confirmed_by == account
    d_account = factories.enterprise_user(grades["D"], username="d")
    with (
        clock.at(warning.ends_at + timedelta(minutes=1)),
        pytest.raises(TransitionConflict) as error,
    ):
        services.instruction_confirm(instruction=late, by=d_account)
    assert "over" in str(error.value.message) or "结束" in str(error.value.message)
    late.refresh_from_db()
    assert late.confirmed_at is None


def test_unconfirmed_instructions_are_chased_every_interval_until_confirmed(
    grades, manager, settings, django_capture_on_commit_callbacks
):
    settings.GOVERN_INSTRUCTION_CHASE_HOURS = 2
    accounts = {k: factories.enterprise_user(grades[k], username=f"a{k}") for k in ("B", "C")}
    warning = declare(manager, hours_ahead=25)
    services.instruction_confirm(
        instruction=Instruction.objects.get(warning=warning, enterprise=grades["B"]),
        by=accounts["B"],
    )
    start = timezone.now()
    with clock.at(start + timedelta(hours=1)):
        assert services.instructions_chase() == 0  # too soon
    with clock.at(start + timedelta(hours=3)), django_capture_on_commit_callbacks(execute=True):
        assert services.instructions_chase() == 3  # C, D and ungraded; B confirmed
    with clock.at(start + timedelta(hours=4)):
        assert services.instructions_chase() == 0  # reminded an hour ago
    with (
        clock.at(start + timedelta(hours=5, minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.instructions_chase() == 3
    reminders = Notification.objects.filter(
        recipient=accounts["C"], level=Notification.Level.REMINDER
    )
    assert reminders.count() == 2
    assert not Notification.objects.filter(
        recipient=accounts["B"], level=Notification.Level.REMINDER
    ).exists()
    c = Instruction.objects.get(warning=warning, enterprise=grades["C"])
    assert c.chases == 2
    with clock.at(warning.ends_at + timedelta(hours=3)):
        assert services.instructions_chase() == 0  # the episode is over
