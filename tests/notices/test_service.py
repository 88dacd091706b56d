"""Issuing with a preview, the batch numbered at once and rendered in the background, printing a
batch, and the record of service (送达) of a notice."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from enterprises import services as enterprise_services
from enterprises.models import Criterion
from govern import clock
from govern.errors import InvalidInput, TransitionConflict
from notices import services
from notices.models import Notice, NoticeService, ServiceMethod
from tests import factories

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 200, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def graded(name, district, by, score=15):
    enterprise = factories.EnterpriseFactory(name=name, district=district)
    enterprise_services.enterprise_grade(
        enterprise=enterprise, scores=dict.fromkeys(Criterion.values, score), by=by, reason="评定"
    )
    return enterprise


def test_the_grading_notice_is_previewed_before_it_is_issued(client, inspector):
    enterprise = graded("石狮预览彩印有限公司", factories.District.objects.first(), inspector)
    client.force_login(inspector)
    confirm = client.get(reverse("notices:grading-issue", args=[enterprise.pk]))
    page = confirm.content.decode()
    assert confirm.status_code == 200 and "notice-preview" in page
    assert not Notice.objects.exists()  # looking does not issue
    preview = client.get(reverse("notices:grading-preview", args=[enterprise.pk]))
    text = preview.content.decode()
    assert "挥发性有机物" in text and "石狮预览彩印有限公司" in text and "签发时编号" in text
    # The preview may be framed by the site's own page, and styles itself.
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    response = client.post(reverse("notices:grading-issue", args=[enterprise.pk]))
    assert response.status_code == 302
    notice = Notice.objects.get()
    again = client.get(reverse("notices:grading-issue", args=[enterprise.pk])).content.decode()
    assert notice.number in again  # already issued: the page says so, with its number
    # An enterprise account may neither preview nor issue.
    client.force_login(factories.enterprise_user(enterprise))
    assert client.get(reverse("notices:grading-preview", args=[enterprise.pk])).status_code == 403


def test_a_batch_is_confirmed_with_its_recipients_numbered_at_once_and_printed(
    client, manager, inspector, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    district = factories.District.objects.get(code="jinjiang")
    names = [f"晋江确认{i}有限公司" for i in range(6)]
    for name in names:
        graded(name, district, inspector, score=12)
    client.force_login(manager)
    page = client.get(reverse("notices:batch-confirm", args=[district.pk])).content.decode()
    assert all(name in page for name in names) and "6" in page
    assert not Notice.objects.exists()
    # Numbering does not grow with the batch: a fixed number of statements for six or six hundred.
    with django_assert_max_num_queries(20):
        batch = services.notice_batch_issue(district=district, by=manager)
    numbers = list(batch.notices.order_by("sequence").values_list("sequence", "deadline"))
    assert [n for n, _d in numbers] == [1, 2, 3, 4, 5, 6]
    assert all(d is not None for _n, d in numbers)
    # Rendered after commit; the batch then prints as one PDF, one notice after another.
    from notices import tasks

    tasks.render_batch(batch.pk)
    response = client.get(reverse("notices:batch-print", args=[batch.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert all(name in text for name in names)
    # The enterprises are told, one message each.
    from govern.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        other = graded("晋江确认后来有限公司", district, inspector)
        account = factories.enterprise_user(other)
        later = services.notice_batch_issue(district=district, by=manager)
    number = later.notices.get().number
    assert [n.title for n in Notification.objects.filter(recipient=account)] == [
        f"文书送达：{number} 分级告知书"
    ]


def test_the_batch_renders_on_a_thread_when_celery_runs_in_the_request(
    settings, manager, inspector
):
    """The embedded demo has no worker: the batch must not render inside the issuing request."""
    import threading

    from govern import background

    settings.GOVERN_BACKGROUND_THREADS = True
    started = []
    original = threading.Thread.start

    def record(thread):
        started.append(thread.name)

    threading.Thread.start = record
    try:
        from notices import tasks

        background.in_background(tasks.render_batch, 1)
    finally:
        threading.Thread.start = original
    assert started == [tasks.render_batch.name]
    settings.GOVERN_BACKGROUND_THREADS = False


def issued(inspector):
    enterprise = graded("南安送达鞋业有限公司", factories.District.objects.first(), inspector)
    return services.grading_notice_issue(enterprise=enterprise, by=inspector)


def test_a_direct_service_needs_the_signed_receipt_and_a_name(inspector):
    notice = issued(inspector)
    today = clock.today()
    with pytest.raises(InvalidInput) as refused:
        services.notice_service_record(
            notice=notice, method=ServiceMethod.DIRECT, served_on=today, by=inspector
        )
    assert refused.value.field == "recipient"
    with pytest.raises(InvalidInput) as refused:
        services.notice_service_record(
            notice=notice,
            method=ServiceMethod.DIRECT,
            served_on=today,
            recipient="王经理",
            by=inspector,
        )
    assert refused.value.field == "receipt" and "送达回证" in str(refused.value.message)
    with pytest.raises(InvalidInput) as refused:
        services.notice_service_record(
            notice=notice,
            method=ServiceMethod.DIRECT,
            served_on=today + timedelta(days=1),
            recipient="王经理",
            receipt=SimpleUploadedFile("回证.png", PNG),
            by=inspector,
        )
    assert refused.value.field == "served_on"
    service = services.notice_service_record(
        notice=notice,
        method=ServiceMethod.DIRECT,
        served_on=today,
        recipient="王经理",
        receipt=SimpleUploadedFile("回证.png", PNG),
        by=inspector,
    )
    assert service.receipt_sha256 and service.deemed_served_on == today
    with pytest.raises(TransitionConflict):
        services.notice_service_record(
            notice=notice,
            method=ServiceMethod.MAIL,
            served_on=today,
            recipient="王经理",
            receipt=SimpleUploadedFile("回执.png", PNG),
            by=inspector,
        )


def test_electronic_service_needs_consent_and_left_service_a_witness(inspector):
    notice = issued(inspector)
    today = clock.today()
    with pytest.raises(InvalidInput) as refused:
        services.notice_service_record(
            notice=notice,
            method=ServiceMethod.ELECTRONIC,
            served_on=today,
            address="hr@example.com",
            by=inspector,
        )
    assert refused.value.field == "consent"
    with pytest.raises(InvalidInput) as refused:
        services.notice_service_record(
            notice=notice,
            method=ServiceMethod.LEFT,
            served_on=today,
            note="法定代表人拒绝签收，留置于门卫室",
            by=inspector,
        )
    assert refused.value.field == "witness"
    service = services.notice_service_record(
        notice=notice,
        method=ServiceMethod.ANNOUNCEMENT,
        served_on=today,
        address="泉州市生态环境局门户网站",
        by=inspector,
    )
    assert service.deemed_served_on == today + timedelta(days=30)


def test_the_service_form_keeps_what_was_typed_and_names_the_field(client, inspector):
    notice = issued(inspector)
    client.force_login(inspector)
    url = reverse("notices:service", args=[notice.pk])
    response = client.post(
        url,
        {
            "method": "direct",
            "served_on": clock.today().isoformat(),
            "recipient": "王经理（办公室主任）",
            "note": "在厂区门口交付",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "王经理（办公室主任）" in page and "在厂区门口交付" in page
    assert "送达回证" in page and "has-error" in page
    assert not NoticeService.objects.exists()
    response = client.post(
        url,
        {
            "method": "direct",
            "served_on": clock.today().isoformat(),
            "recipient": "王经理",
            "receipt": SimpleUploadedFile("回证.png", PNG),
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "王经理" in page and "回证.png" in page
    receipt = client.get(reverse("notices:service-receipt", args=[notice.pk]))
    assert receipt.status_code == 200
    register = client.get(reverse("notices:register")).content.decode()
    assert "badge ok" in register  # the register shows it was served
    # The enterprise sees that it was served, but records nothing.
    client.force_login(factories.enterprise_user(notice.enterprise))
    assert client.get(url).status_code == 403
