"""The domain clock, and text messages through the pluggable backend."""

import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from enterprises.models import TransitionLog
from govern import clock, sms
from govern.models import Notification
from govern.notifications import notify
from tests import factories


@pytest.mark.django_db
def test_services_and_model_defaults_follow_the_domain_clock(inspector):
    moment = timezone.make_aware(datetime(2025, 3, 14, 9, 30))
    with clock.at(moment):
        assert clock.today().isoformat() == "2025-03-14"
        enterprise = factories.EnterpriseFactory()
        from enterprises import services

        services.enterprise_grade(
            enterprise=enterprise,
            scores=dict.fromkeys(
                [
                    "score_materials",
                    "score_collection",
                    "score_treatment",
                    "score_monitoring",
                    "score_records",
                ],
                18,
            ),
            by=inspector,
            reason="评定",
        )
    log = TransitionLog.objects.get(enterprise=enterprise, transition="grade")
    assert log.created_at == moment
    assert enterprise.created_at == moment
    assert abs(clock.now() - timezone.now()) < timedelta(seconds=5)  # back to real time


@pytest.mark.django_db
def test_a_notification_to_a_user_with_a_mobile_is_texted_once(
    django_capture_on_commit_callbacks,
):
    sms.LocmemBackend.outbox.clear()
    user = factories.inspector_user(mobile="13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=user, key="k1", title="新的整改通知书\n请于期限前整改")
        notify(recipient=user, key="k1", title="新的整改通知书")  # the same key: not again
    assert [(m.to, m.text) for m in sms.LocmemBackend.outbox] == [
        ("13912345678", "新的整改通知书 请于期限前整改")
    ]
    assert Notification.objects.get(recipient=user).sms_sent_at is not None
    # A title with a line break is kept on one line (it is also an email subject).
    assert "\n" not in Notification.objects.get(recipient=user).title


def test_a_long_text_is_cut_to_one_segment():
    text = sms.sms_text("企" * 100)
    assert len(text) == sms.SMS_MAX_CHARS and text.endswith("…")


def test_the_file_backend_appends_json_lines(settings, tmp_path):
    settings.GOVERN_SMS_BACKEND = "govern.sms.FileBackend"
    settings.GOVERN_SMS_FILE_PATH = str(tmp_path / "sms.log")
    assert sms.send_sms(to="13800000000", text="逾期提醒") == 1
    record = json.loads((tmp_path / "sms.log").read_text(encoding="utf-8"))
    assert record["to"] == "13800000000" and record["text"] == "逾期提醒"


@pytest.mark.django_db
def test_a_user_mobile_number_is_validated():
    from django.core.exceptions import ValidationError

    user = factories.inspector_user()
    user.mobile = "abc123"
    with pytest.raises(ValidationError, match="11"):
        user.full_clean()
