"""The REST API: tokens, scoping by role and enterprise, transitions through the services, error codes."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from enterprises.models import Criterion, Enterprise, RemediationTask, State
from inspections.models import SiteVisit
from tests import factories
from tests.inspections.conftest import image_bytes


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.django_db
def test_drf_create_token_gives_a_working_token(manager):
    out = io.StringIO()
    call_command("drf_create_token", manager.username, stdout=out)
    key = out.getvalue().split()[2]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/enterprises/").status_code == 200
    assert APIClient().get("/api/enterprises/").status_code == 401


@pytest.mark.django_db
def test_enterprise_token_sees_only_its_enterprise(enterprise):
    other = factories.EnterpriseFactory()
    client = api_for(factories.enterprise_user(enterprise))
    listed = client.get("/api/enterprises/").json()
    assert [e["id"] for e in listed["results"]] == [enterprise.pk]
    assert client.get(f"/api/enterprises/{other.pk}/").status_code == 404
    assert client.get(f"/api/enterprises/{other.pk}/transitions/").status_code == 404
    assert client.post("/api/enterprises/", {"name": "x"}, format="json").status_code in (400, 403)
    assert not Enterprise.objects.filter(name="x").exists()


@pytest.mark.django_db
def test_transitions_run_through_the_services(inspector, manager, enterprise):
    client = api_for(inspector)
    scores = dict.fromkeys(Criterion.values, 15)
    response = client.post(
        f"/api/enterprises/{enterprise.pk}/transitions/grade/",
        {**scores, "reason": "评定"},
        format="json",
    )
    assert (
        response.status_code == 200
        and response.json()["state"] == "graded"
        and response.json()["tier"] == "B"
    )
    # Refused by state: 409 with the reason.
    response = client.post(
        f"/api/enterprises/{enterprise.pk}/transitions/certify_compliant/",
        {"reason": "x", **factories.VERIFIED},
        format="json",
    )
    assert response.status_code == 409 and response.json()["detail"]
    # Refused by role: 403.
    response = client.post(
        f"/api/enterprises/{enterprise.pk}/transitions/close/", {"reason": "关停"}, format="json"
    )
    assert response.status_code == 403
    # Bad input: 400 with the field.
    response = api_for(manager).post(
        f"/api/enterprises/{enterprise.pk}/transitions/close/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    # Tier B's path is remediation: closing it is an override, which needs its reason.
    response = api_for(manager).post(
        f"/api/enterprises/{enterprise.pk}/transitions/close/", {"reason": "关停"}, format="json"
    )
    assert response.status_code == 400 and "整治" in response.json()["override_reason"][0]
    response = api_for(manager).post(
        f"/api/enterprises/{enterprise.pk}/transitions/close/",
        {"reason": "关停", "override_reason": "企业申请关停退出"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == "closed"
    assert response.json()["path_override_reason"] == "企业申请关停退出"
    log = client.get(f"/api/enterprises/{enterprise.pk}/transitions/").json()
    assert [(e["to_state"], e["override_reason"]) for e in log] == [
        ("graded", ""),
        ("closed", "企业申请关停退出"),
    ]


@pytest.mark.django_db
def test_registration_errors_are_field_messages(inspector):
    body = {
        "name": "测试",
        "uscc": "91440300708461136A",
        "sector": 1,
        "district": 1,
        "address": "泉州",
        "legal_representative": "陈",
    }
    response = api_for(inspector).post("/api/enterprises/", body, format="json")
    assert response.status_code == 400 and "T" in response.json()["uscc"][0]
    response = api_for(inspector).post(
        "/api/enterprises/", {**body, "uscc": "91440300708461136T"}, format="json"
    )
    assert response.status_code == 201 and response.json()["state"] == "registered"
    assert (
        api_for(inspector)
        .post("/api/enterprises/", {**body, "uscc": "91440300708461136T"}, format="json")
        .status_code
        == 400
    )


@pytest.mark.django_db
def test_visit_evidence_review_and_notice_through_the_api(
    inspector, django_capture_on_commit_callbacks
):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="B")
    partner = factories.inspector_user()
    staff = api_for(inspector)
    visit = staff.post(
        "/api/visits/", {"enterprise": enterprise.pk, "co_inspectors": [partner.pk]}, format="json"
    ).json()
    results = visit["results"]
    record = [{"id": r["id"], "outcome": "pass", "note": ""} for r in results]
    record[0] = {"id": results[0]["id"], "outcome": "fail", "note": "未密闭"}
    assert (
        staff.post(
            f"/api/visits/{visit['id']}/record/",
            {"results": record, "conclusion": "issues"},
            format="json",
        ).status_code
        == 200
    )
    photo = io.BytesIO(image_bytes("JPEG"))
    photo.name = "scene.jpg"
    assert (
        staff.post(
            f"/api/visits/{visit['id']}/photos/",
            {"files": [photo], "result": results[0]["id"]},
            format="multipart",
        ).status_code
        == 201
    )
    order = staff.post(
        f"/api/visits/{visit['id']}/orders/",
        {"requirement": "车间密闭", "finding": results[0]["id"]},
        format="json",
    )
    assert order.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            staff.post(f"/api/visits/{visit['id']}/submit/", {}, format="json").status_code == 200
        )
    again = staff.post(
        f"/api/visits/{visit['id']}/record/", {"conclusion": "compliant"}, format="json"
    )
    assert again.status_code == 409
    assert SiteVisit.objects.get().status == "submitted"

    company = api_for(factories.enterprise_user(enterprise))
    notices = company.get("/api/notices/").json()["results"]
    assert {n["kind"] for n in notices} == {"rectification", "inspection_record"}
    pdf = company.get(f"/api/notices/{notices[0]['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    evidence_file = io.BytesIO(image_bytes("PNG"))
    evidence_file.name = "整改后.png"
    submitted = company.post(
        "/api/evidence/",
        {"order": order.json()["id"], "note": "已整改", "files": [evidence_file]},
        format="multipart",
    )
    assert submitted.status_code == 201 and submitted.json()["version"] == 1
    bad = io.BytesIO(b"MZ not a document")
    bad.name = "virus.pdf"
    refused = company.post(
        "/api/evidence/", {"order": order.json()["id"], "files": [bad]}, format="multipart"
    )
    assert refused.status_code == 400 and "virus.pdf" in refused.json()["detail"]
    review = staff.post(
        f"/api/evidence/{submitted.json()['id']}/review/", {"accept": True}, format="json"
    )
    assert review.status_code == 200 and review.json()["status"] == "accepted"
    assert (
        company.post(
            f"/api/evidence/{submitted.json()['id']}/review/", {"accept": True}, format="json"
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_remediation_tasks_and_deadlines(inspector):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="B")
    client = api_for(inspector)
    task = client.post(
        "/api/remediation-tasks/",
        {
            "enterprise": enterprise.pk,
            "measure": "treatment",
            "description": "升级治理设施",
            "owner": "陈",
            "expected_voc_reduction_tpa": "2.5",
        },
        format="json",
    )
    assert task.status_code == 201 and task.json()["deadline"]
    deadlines = client.get("/api/deadlines/", {"kind": "task"}).json()["results"]
    assert [d["title"] for d in deadlines] == ["升级治理设施"]
    assert client.get("/api/notifications/").status_code == 200


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_page_size(manager):
    for _ in range(40):
        factories.EnterpriseFactory(park=factories.park())
    client = api_for(manager)
    counts = []
    for size in (5, 40):
        with CaptureQueriesContext(connection) as captured:
            assert (
                len(client.get("/api/enterprises/", {"page_size": size}).json()["results"]) == size
            )
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert (
        schema.status_code == 200 and b"/api/enterprises/{id}/transitions/grade/" in schema.content
    )
    docs = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs and "cdn" not in docs.lower()


@pytest.mark.django_db
def test_remediation_task_accepted_via_api_is_not_editable(inspector):
    task = factories.RemediationTaskFactory(status=RemediationTask.Status.ACCEPTED)
    response = api_for(inspector).patch(
        f"/api/remediation-tasks/{task.pk}/", {"owner": "新"}, format="json"
    )
    assert response.status_code == 409
