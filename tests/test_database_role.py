"""The application's database role cannot erase the audit trail: no TRUNCATE, no disabling triggers,
no UPDATE or DELETE of append-only rows; and visit addenda are protected like the transition log."""

import io
import secrets

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from enterprises import services as enterprise_services
from enterprises.models import TransitionLog
from govern.audit import AppendOnlyError
from inspections import services as inspection_services
from inspections.models import SiteVisit, VisitAddendum
from tests import factories


@pytest.fixture
def app_role(db):
    role = f"govern_app_test_{secrets.token_hex(4)}"
    call_command("db_app_role", role=role, stdout=io.StringIO())
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def as_role(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_application_role_can_work_but_not_erase_the_audit_trail(app_role):
    inspector = factories.inspector_user()
    enterprise = factories.EnterpriseFactory()
    enterprise_services.enterprise_grade(
        enterprise=enterprise,
        scores={c: 15 for c in enterprise_services.Criterion.values},
        by=inspector,
        reason="评定",
    )
    with as_role(app_role) as conn:
        assert conn.execute("SELECT count(*) FROM enterprises_transitionlog").fetchone()[0] >= 1
        conn.execute("UPDATE enterprises_enterprise SET name = name WHERE id = %s", [enterprise.pk])
        refused = {
            "TRUNCATE enterprises_transitionlog": "permission denied",
            "ALTER TABLE enterprises_transitionlog DISABLE TRIGGER ALL": "must be owner",
            "UPDATE enterprises_transitionlog SET reason = 'x'": "permission denied",
            "DELETE FROM enterprises_transitionlog": "permission denied",
            "TRUNCATE inspections_visitaddendum": "permission denied",
            "DELETE FROM inspections_visitaddendum": "permission denied",
            "DROP TABLE enterprises_transitionlog": "must be owner",
        }
        for statement, reason in refused.items():
            with pytest.raises(psycopg.Error, match=reason):
                conn.execute(statement)
    assert TransitionLog.objects.filter(enterprise=enterprise).count() == 1  # nothing erased


@pytest.mark.django_db
def test_visit_addenda_are_append_only_in_the_orm_and_the_database(inspector):
    from django.db import transaction

    partner = factories.inspector_user()
    enterprise = factories.EnterpriseFactory(state="graded", tier="B")
    visit = inspection_services.visit_start(
        enterprise=enterprise, inspectors=[partner], by=inspector
    )
    inspection_services.visit_record(
        visit=visit,
        results={r.pk: ("pass", "") for r in visit.results.all()},
        conclusion=SiteVisit.Conclusion.COMPLIANT,
        by=inspector,
    )
    inspection_services.visit_submit(visit=visit, by=inspector)
    addendum = inspection_services.visit_add_addendum(
        visit=visit, text="补充：现场负责人为张三", by=inspector
    )
    with pytest.raises(AppendOnlyError):
        VisitAddendum.objects.filter(pk=addendum.pk).update(text="改")
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE inspections_visitaddendum SET text = 'x'")
