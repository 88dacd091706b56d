"""The ledger changes decisions: substitution tasks, the grading form, certification, the visit."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from enterprises import services as enterprise_services
from enterprises.models import State
from evidence import services as evidence_services
from evidence.models import EvidenceSubmission
from govern import clock
from govern.errors import TransitionConflict
from inspections import services as inspection_services
from materials import selectors
from tests import factories
from tests.factories import ledger_row
from tests.inspections.conftest import image_bytes, upload


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def substitution_submitted(enterprise, inspector):
    task = factories.RemediationTaskFactory(
        plan=factories.RemediationPlanFactory(enterprise=enterprise, created_by=inspector),
        deadline=clock.today() + timedelta(days=30),
    )
    account = factories.enterprise_user(enterprise)
    return evidence_services.evidence_submit(
        target=task, uploads=[upload("采购凭证.png", image_bytes())], note="已替代", by=account
    )


@pytest.mark.django_db
def test_a_substitution_task_is_accepted_only_with_ledger_evidence(enterprise, inspector):
    submission = substitution_submitted(enterprise, inspector)
    # A solvent ink within its limit is not a substitute; a row from last year does not count.
    ledger_row(enterprise, category="ink-solvent-gravure", voc_content=Decimal("70"))
    ledger_row(enterprise, month=date(clock.today().year - 1, 1, 1))
    with pytest.raises(TransitionConflict) as refused:
        evidence_services.evidence_review(
            submission=submission, accept=True, comment="", by=inspector
        )
    assert "台账" in str(refused.value.message) or "ledger" in str(refused.value.message)
    submission.refresh_from_db()
    assert submission.status == EvidenceSubmission.Status.PENDING
    ledger_row(enterprise)  # water-based flexo ink at 4 %, this month
    evidence_services.evidence_review(submission=submission, accept=True, comment="", by=inspector)
    submission.task.refresh_from_db()
    assert submission.task.is_accepted


@pytest.mark.django_db
def test_other_tasks_need_no_ledger(enterprise, inspector):
    task = factories.RemediationTaskFactory(
        plan=factories.RemediationPlanFactory(enterprise=enterprise, created_by=inspector),
        measure="treatment",
        deadline=clock.today() + timedelta(days=30),
    )
    submission = evidence_services.evidence_submit(
        target=task,
        uploads=[upload("设备.png", image_bytes())],
        note="",
        by=factories.enterprise_user(enterprise),
    )
    evidence_services.evidence_review(submission=submission, accept=True, comment="", by=inspector)


@pytest.mark.django_db
def test_the_grading_form_suggests_the_raw_material_score_from_the_ledger(
    enterprise, manager, client_for
):
    ledger_row(enterprise, quantity_kg=Decimal("750"))
    ledger_row(
        enterprise,
        category="ink-solvent-gravure",
        voc_content=Decimal("76"),
        quantity_kg=Decimal("250"),
    )
    suggestion = selectors.score_suggestion(enterprise_id=enterprise.pk)
    # 75 % low-VOC → 15 points, less 4 for the over-limit row.
    assert suggestion.score == 11
    page = client_for(manager).get(f"/enterprises/{enterprise.pk}/grade/").content.decode()
    assert 'name="score_materials" value="11"' in page
    assert "75" in page and "materials-suggestion" in page


@pytest.mark.django_db
def test_no_ledger_no_suggestion(enterprise, manager, client_for):
    assert selectors.score_suggestion(enterprise_id=enterprise.pk) is None
    page = client_for(manager).get(f"/enterprises/{enterprise.pk}/grade/").content.decode()
    assert 'name="score_materials" value=' not in page


@pytest.mark.django_db
def test_the_verified_reduction_can_be_computed_from_the_ledger(inspector, client_for):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="B")
    enterprise_services.remediation_task_add(
        enterprise=enterprise,
        data={"measure": "source_substitution", "description": "水性油墨替代", "owner": "蔡"},
        by=inspector,
    )
    with clock.at(clock.now().replace(year=2026, month=3, day=10)):
        enterprise_services.enterprise_start_remediation(
            enterprise=enterprise, by=inspector, reason="启动"
        )
    # Before: 1,000 kg of solvent ink at 70 % a month (700 kg VOCs); after: water ink at 4 % (40 kg).
    for month in (1, 2):
        ledger_row(
            enterprise,
            month=date(2026, month, 1),
            category="ink-solvent-gravure",
            voc_content=Decimal("70"),
        )
    for month in (4, 5, 6):
        ledger_row(enterprise, month=date(2026, month, 1))
    result = selectors.ledger_reduction(enterprise_id=enterprise.pk, since=date(2026, 3, 10))
    # (700 − 40) × 12 ÷ 1000 = 7.92 t/a
    assert result.tpa == Decimal("7.920")
    assert "2026-01" in result.basis and "2026-04" in result.basis and "7.920" in result.basis
    # The substitute is in use this month too, so the task can be accepted and certification offered.
    ledger_row(enterprise)
    task = enterprise.remediation_tasks().get()
    submission = evidence_services.evidence_submit(
        target=task,
        uploads=[upload("凭证.png", image_bytes())],
        note="",
        by=enterprise.accounts.first(),
    )
    evidence_services.evidence_review(submission=submission, accept=True, comment="", by=inspector)
    html = (
        client_for(inspector)
        .get(f"/enterprises/{enterprise.pk}/transitions/certify_compliant/")
        .content.decode()
    )
    assert "ledger-reduction" in html and "7.920" in html
    assert 'value="material_ledger" selected' in html or 'value="material_ledger"  selected' in html


@pytest.mark.django_db
def test_the_visit_checklist_is_prefilled_and_the_findings_are_shown(
    inspector, client_for, django_capture_on_commit_callbacks
):
    enterprise = factories.EnterpriseFactory(
        sector=factories.Sector.objects.get(code="packaging_printing")
    )
    ledger_row(
        enterprise,
        category="ink-solvent-gravure",
        voc_content=Decimal("76"),
        product_name="凹印油墨X",
    )
    visit = inspection_services.visit_start(
        enterprise=enterprise, inspectors=[factories.inspector_user()], by=inspector
    )
    notes = {r.item.topic: r.note for r in visit.results.select_related("item")}
    assert "凹印油墨X" in notes["materials"]
    page = client_for(inspector).get(f"/inspections/visits/{visit.pk}/").content.decode()
    assert "material-findings" in page and "凹印油墨X" in page
    due = client_for(inspector).get("/inspections/?within=365").content.decode()
    assert f"/materials/enterprise/{enterprise.pk}/#findings" in due
