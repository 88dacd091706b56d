import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enterprises import services as enterprise_services
from enterprises.models import State
from inspections import services as inspection_services
from inspections.models import SiteVisit
from tests import factories
from tests.inspections.conftest import image_bytes


def office_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF (the upload check parses it)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = pdf_bytes()


def files(*pairs):
    return [SimpleUploadedFile(name, data) for name, data in pairs]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def remediating(db, inspector):
    """A remediating enterprise with two plan tasks and an issued rectification order."""
    enterprise = factories.EnterpriseFactory(
        state=State.GRADED, tier="B", name="晋江甲鞋业有限公司"
    )
    # The substitute is in use: a low-VOC row in the ledger, so the substitution task can be accepted.
    factories.ledger_row(enterprise)
    for measure, reduction in (("source_substitution", "3.5"), ("treatment", "2")):
        enterprise_services.remediation_task_add(
            enterprise=enterprise,
            data={
                "measure": measure,
                "description": f"{measure} 任务",
                "owner": "蔡",
                "expected_voc_reduction_tpa": Decimal(reduction),
            },
            by=inspector,
        )
    enterprise_services.enterprise_start_remediation(
        enterprise=enterprise, by=inspector, reason="启动整治"
    )
    partner = factories.inspector_user()
    visit = inspection_services.visit_start(
        enterprise=enterprise, inspectors=[partner], by=inspector
    )
    first = visit.results.first()
    inspection_services.visit_record(
        visit=visit,
        results={r.pk: ("pass", "") for r in visit.results.all()} | {first.pk: ("fail", "未密闭")},
        by=inspector,
    )
    inspection_services.order_issue(
        visit=visit, finding=first, requirement="车间密闭", legal_basis="", by=inspector
    )
    inspection_services.visit_record(
        visit=visit, conclusion=SiteVisit.Conclusion.ISSUES, by=inspector
    )
    inspection_services.visit_submit(visit=visit, by=inspector)
    enterprise.refresh_from_db()
    return enterprise


@pytest.fixture
def account(remediating):
    return factories.enterprise_user(remediating, username="jia")


@pytest.fixture
def photo():
    return ("现场.png", image_bytes("PNG"))
