"""Files at scale: with STORAGE_* set, uploads and notice PDFs go to S3-compatible object storage (here
moto's server, started on loopback by the test itself) and downloads stay permission-checked."""

import socket

import boto3
import pytest
from django.urls import reverse

from enterprises import services as enterprise_services
from evidence import services as evidence_services
from notices import services as notice_services
from notices.models import Notice
from tests import factories
from tests.evidence.conftest import PDF_BYTES, files

BUCKET = "govern-files"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture
def object_storage(settings, s3_endpoint):
    endpoint, client = s3_endpoint
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": True,
                "addressing_style": "path",
            },
        },
    }
    return client


def object_names(client) -> set[str]:
    return {o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


@pytest.mark.django_db
def test_evidence_goes_to_the_bucket_and_downloads_only_for_who_may_see_it(
    object_storage, client, inspector
):
    enterprise = factories.EnterpriseFactory(state="graded", tier="B")
    task = enterprise_services.remediation_task_add(
        enterprise=enterprise,
        data={"measure": "treatment", "description": "治理设施升级", "owner": "蔡"},
        by=inspector,
    )
    account = factories.enterprise_user(enterprise)
    stranger = factories.enterprise_user(factories.EnterpriseFactory())
    submission = evidence_services.evidence_submit(
        target=task, uploads=files(("验收报告.pdf", PDF_BYTES)), note="", by=account
    )
    stored = submission.files.get()
    assert stored.file.name in object_names(object_storage)  # in the bucket, not on disk
    url = reverse("evidence:file", args=[stored.pk])
    for user, status in ((account, 200), (inspector, 200), (stranger, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_notice_pdfs_are_rendered_into_the_bucket(object_storage, client, inspector):
    enterprise = factories.EnterpriseFactory()
    enterprise_services.enterprise_grade(
        enterprise=enterprise,
        scores={c: 15 for c in enterprise_services.Criterion.values},
        by=inspector,
        reason="评定",
    )
    notice = notice_services.grading_notice_issue(enterprise=enterprise, by=inspector)
    notice_services.notice_render(notice_id=notice.pk)
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.is_ready and notice.file.name in object_names(object_storage)
    client.force_login(inspector)
    response = client.get(reverse("notices:download", args=[notice.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_the_health_check_writes_to_the_bucket(object_storage, client):
    response = client.get("/health/")
    assert response.json()["checks"]["storage"] == "ok"
