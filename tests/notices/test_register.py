"""The notice register (search by number, enterprise, type, date) and a batch's ZIP download."""

import io
import zipfile

import pytest
from django.urls import reverse

from enterprises import services as enterprise_services
from enterprises.models import Criterion
from notices import services
from notices.models import Notice
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def graded(name, district, by):
    enterprise = factories.EnterpriseFactory(name=name, district=district)
    enterprise_services.enterprise_grade(
        enterprise=enterprise, scores=dict.fromkeys(Criterion.values, 15), by=by, reason="评定"
    )
    return enterprise


def test_the_register_finds_notices_by_number_enterprise_type_and_date(
    client, inspector, manager, django_capture_on_commit_callbacks
):
    district = factories.District.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        a = services.grading_notice_issue(
            enterprise=graded("石狮锦华彩印有限公司", district, inspector), by=inspector
        )
        services.grading_notice_issue(
            enterprise=graded("晋江鸿达鞋业有限公司", district, inspector), by=inspector
        )
    client.force_login(inspector)
    url = reverse("notices:register")
    page = client.get(url + "?enterprise=锦华 彩印").content.decode()
    assert "石狮锦华彩印有限公司" in page and "晋江鸿达鞋业有限公司" not in page
    page = client.get(url + f"?number={a.number[-4:]}").content.decode()
    assert a.number in page
    assert "晋江鸿达" in client.get(url + "?kind=grading").content.decode()
    assert "晋江鸿达" not in client.get(url + "?kind=closure").content.decode()
    assert "晋江鸿达" not in client.get(url + "?since=2099-01-01").content.decode()
    # Nonsense is a form error, not a 500; an enterprise account has no register.
    assert client.get(url + "?since=not-a-date&kind=bogus").status_code == 200
    client.force_login(factories.enterprise_user(a.enterprise))
    assert client.get(url).status_code == 403


def test_a_batch_downloads_as_one_zip_of_its_pdfs(
    client, inspector, manager, django_capture_on_commit_callbacks
):
    district = factories.District.objects.first()
    for name in ("甲企业有限公司", "乙企业有限公司"):
        graded(name, district, inspector)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.notice_batch_issue(district=district, by=manager)
    assert Notice.objects.filter(batch=batch, status=Notice.Status.READY).count() == 2
    client.force_login(manager)
    page = client.get(reverse("notices:batch", args=[batch.pk])).content.decode()
    assert "甲企业有限公司" in page  # the batch lists whom each number went to
    response = client.get(reverse("notices:batch-zip", args=[batch.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    assert any("甲企业有限公司" in n for n in names)
    assert archive.read(names[0]).startswith(b"%PDF")
