"""The admin: every model's pages open, and registration through it goes through the service."""

import pytest
from django.contrib import admin
from django.urls import reverse

from enterprises.models import Enterprise
from tests import factories


@pytest.fixture
def admin_client_logged(client, db):
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    return client


@pytest.mark.django_db
def test_every_admin_changelist_opens(admin_client_logged):
    factories.EnterpriseFactory()
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client_logged.get(url).status_code == 200, url


@pytest.mark.django_db
def test_admin_registration_writes_the_transition_log(admin_client_logged):
    data = {
        "uscc": "91440300708461136T",
        "name": "后台登记企业",
        "sector": factories.Sector.objects.first().pk,
        "district": factories.District.objects.first().pk,
        "address": "泉州",
        "legal_representative": "陈",
        "baseline_voc_tpa": "1",
        "baseline_nox_tpa": "0",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    }
    response = admin_client_logged.post(reverse("admin:enterprises_enterprise_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    enterprise = Enterprise.objects.get()
    assert enterprise.transitions.get().transition == "register"


@pytest.mark.django_db
def test_admin_change_page_shows_state_read_only(admin_client_logged):
    enterprise = factories.EnterpriseFactory()
    page = admin_client_logged.get(
        reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    ).content.decode()
    assert 'name="state"' not in page
    assert reverse("dossier:detail", args=[enterprise.pk]) in page
