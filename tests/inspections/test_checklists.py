"""Checklist templates are versioned: a record keeps the checklist it was made with."""

import pytest

from govern.errors import PermissionDenied
from inspections import services
from inspections.models import ChecklistTemplate


@pytest.mark.django_db
def test_new_version_is_used_by_new_visits_and_old_records_keep_theirs(
    visit, graded, inspector, partner, manager
):
    v1 = visit.checklist
    v1_texts = [r.item.text for r in visit.results.select_related("item")]
    v2 = services.checklist_revise(template=v1, by=manager)
    assert (v2.version, v2.published) == (v1.version + 1, False)
    changed = v2.items.first()
    changed.text = "喷涂作业全部在负压密闭喷漆房内进行"
    changed.save()
    v2.items.last().delete()
    ChecklistTemplate.objects.filter(pk=v2.pk).update(published=True)

    newer = services.visit_start(enterprise=graded, inspectors=[partner], by=inspector)
    assert newer.checklist == v2
    assert [r.item.text for r in newer.results.select_related("item")] == [
        i.text for i in v2.items.all()
    ]
    assert [r.item.text for r in visit.results.select_related("item")] == v1_texts
    assert v1.items.count() == len(v1_texts)


@pytest.mark.django_db
def test_unpublished_version_is_not_used(visit, graded, inspector, partner, manager):
    services.checklist_revise(template=visit.checklist, by=manager)
    again = services.visit_start(enterprise=graded, inspectors=[partner], by=inspector)
    assert again.checklist == visit.checklist


@pytest.mark.django_db
def test_only_managers_revise_checklists(visit, inspector):
    with pytest.raises(PermissionDenied):
        services.checklist_revise(template=visit.checklist, by=inspector)


@pytest.mark.django_db
def test_admin_does_not_let_a_used_version_be_edited(visit, admin_client):
    from django.urls import reverse

    url = reverse("admin:inspections_checklisttemplate_change", args=[visit.checklist.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="items-0-text"' not in page
    unused = services.checklist_revise(
        template=visit.checklist,
        by=visit.inspectors.first()._meta.model.objects.filter(is_superuser=True).first(),
    )
    page = admin_client.get(
        reverse("admin:inspections_checklisttemplate_change", args=[unused.pk])
    ).content.decode()
    assert 'name="items-0-text"' in page
