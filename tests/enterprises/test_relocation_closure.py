"""Relocation milestones gate `relocated`; closure is verified by two cuts and three clears."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises import services
from enterprises.models import ClosureCheck, RelocationMilestone, State
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from tests import factories
from tests.inspections.conftest import image_bytes


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo():
    return SimpleUploadedFile("证明.jpg", image_bytes("JPEG"))


@pytest.fixture
def relocating(manager):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="C")
    services.enterprise_start_relocation(
        enterprise=enterprise, park=factories.park("nanan_edz"), by=manager, reason="入园"
    )
    enterprise.refresh_from_db()
    return enterprise


@pytest.mark.django_db
def test_ordering_relocation_opens_seven_planned_milestones(relocating):
    milestones = list(RelocationMilestone.objects.filter(project__enterprise=relocating))
    assert [m.kind for m in milestones] == list(RelocationMilestone.Kind.values)
    planned = [m.planned_date for m in milestones]
    assert planned == sorted(planned) and planned[-1] == timezone.localdate() + timedelta(
        days=365
    )  # tier C
    assert relocating.relocation_project.progress == 0


@pytest.mark.django_db
def test_relocated_only_when_every_milestone_is_done(relocating, manager, inspector):
    milestones = list(RelocationMilestone.objects.filter(project__enterprise=relocating))
    for milestone in milestones[:-1]:
        services.milestone_complete(
            milestone=milestone,
            actual_date=timezone.localdate(),
            uploads=[photo()],
            note="",
            by=inspector,
        )
    assert relocating.relocation_project.progress == 86
    with pytest.raises(TransitionConflict, match="搬迁节点|milestone"):
        services.enterprise_complete_relocation(enterprise=relocating, by=manager, reason="完成")
    services.milestone_complete(
        milestone=milestones[-1],
        actual_date=timezone.localdate(),
        uploads=[photo()],
        note="验收",
        by=inspector,
    )
    services.enterprise_complete_relocation(enterprise=relocating, by=manager, reason="完成")
    relocating.refresh_from_db()
    assert relocating.state == State.RELOCATED and relocating.park.code == "nanan_edz"


@pytest.mark.django_db
def test_milestone_needs_evidence_and_a_past_date(relocating, inspector):
    milestone = RelocationMilestone.objects.filter(project__enterprise=relocating).first()
    with pytest.raises(InvalidInput) as error:
        services.milestone_complete(
            milestone=milestone, actual_date=timezone.localdate(), uploads=[], note="", by=inspector
        )
    assert error.value.field == "files"
    with pytest.raises(InvalidInput):
        services.milestone_complete(
            milestone=milestone,
            actual_date=timezone.localdate() + timedelta(days=1),
            uploads=[photo()],
            note="",
            by=inspector,
        )
    with pytest.raises(InvalidInput):
        services.milestone_complete(
            milestone=milestone,
            actual_date=timezone.localdate(),
            uploads=[SimpleUploadedFile("a.txt", b"text")],
            note="",
            by=inspector,
        )
    milestone.refresh_from_db()
    assert milestone.actual_date is None and not milestone.evidence.exists()
    with pytest.raises(PermissionDenied):
        services.milestone_complete(
            milestone=milestone,
            actual_date=timezone.localdate(),
            uploads=[photo()],
            note="",
            by=factories.enterprise_user(relocating),
        )


@pytest.mark.django_db
def test_a_done_milestone_is_not_changed(relocating, inspector):
    milestone = RelocationMilestone.objects.filter(project__enterprise=relocating).first()
    services.milestone_complete(
        milestone=milestone,
        actual_date=timezone.localdate(),
        uploads=[photo()],
        note="",
        by=inspector,
    )
    with pytest.raises(TransitionConflict):
        services.milestone_update(milestone=milestone, planned_date=None, note="x", by=inspector)
    with pytest.raises(TransitionConflict):
        services.milestone_complete(
            milestone=milestone,
            actual_date=timezone.localdate(),
            uploads=[photo()],
            note="",
            by=inspector,
        )


@pytest.mark.django_db
def test_closure_is_verified_by_all_five_checks_with_evidence(manager, inspector):
    enterprise = factories.EnterpriseFactory(state=State.GRADED)
    services.enterprise_close(enterprise=enterprise, by=manager, reason="D级关停")
    closure = enterprise.closure
    checks = list(closure.checks.all())
    assert [c.item for c in checks] == list(ClosureCheck.Item.values)
    with pytest.raises(InvalidInput):
        services.closure_check_verify(
            check=checks[0], verified_on=timezone.localdate(), uploads=[], note="", by=inspector
        )
    for index, check in enumerate(checks):
        services.closure_check_verify(
            check=check,
            verified_on=timezone.localdate() - timedelta(days=5 - index),
            uploads=[photo()],
            note="",
            by=inspector,
        )
        closure.refresh_from_db()
        assert (closure.verified_on is not None) == (index == len(checks) - 1)
    assert closure.verified_on == timezone.localdate() - timedelta(days=1)


@pytest.mark.django_db
def test_the_closure_deadline_is_tracked_until_the_shutdown_is_verified(
    manager, inspector, settings
):
    from deadlines.selectors import deadline_items
    from notices.models import Notice, NoticeKind

    enterprise = factories.EnterpriseFactory(state=State.GRADED, name="关停测试化工有限公司")
    account = factories.enterprise_user(enterprise)
    services.enterprise_close(enterprise=enterprise, by=manager, reason="D级关停")
    due = timezone.localdate() + timedelta(days=settings.GOVERN_CLOSURE_DAYS)
    assert enterprise.closure.deadline == due
    # The notice states the same deadline the deadline list tracks.
    assert Notice.objects.get(enterprise=enterprise, kind=NoticeKind.CLOSURE).deadline == due
    for user in (manager, account):
        items = [i for i in deadline_items(user=user, kind="closure") if i.enterprise == enterprise]
        assert [(i.due, i.kind) for i in items] == [(due, "closure")]
    overdue = deadline_items(user=manager, state="overdue", today=due + timedelta(days=1))
    assert enterprise in [i.enterprise for i in overdue]
    for check in enterprise.closure.checks.all():
        services.closure_check_verify(
            check=check, verified_on=timezone.localdate(), uploads=[photo()], note="", by=inspector
        )
    assert not [
        i for i in deadline_items(user=manager, kind="closure") if i.enterprise == enterprise
    ]


@pytest.mark.django_db
def test_relocation_page_flow(client, relocating, inspector):
    from django.urls import reverse

    milestone = RelocationMilestone.objects.filter(project__enterprise=relocating).first()
    client.force_login(inspector)
    page = client.get(reverse("dossier:detail", args=[relocating.pk])).content.decode()
    assert reverse("enterprises:milestone-done", args=[milestone.pk]) in page
    client.post(
        reverse("enterprises:milestone-done", args=[milestone.pk]),
        {"actual_date": timezone.localdate().isoformat(), "files": photo()},
    )
    milestone.refresh_from_db()
    assert milestone.is_done
    evidence = milestone.evidence.get()
    assert (
        client.get(
            reverse("enterprises:lifecycle-evidence", args=["relocation", evidence.pk])
        ).status_code
        == 200
    )
    client.force_login(factories.enterprise_user(factories.EnterpriseFactory()))
    assert (
        client.get(
            reverse("enterprises:lifecycle-evidence", args=["relocation", evidence.pk])
        ).status_code
        == 404
    )
