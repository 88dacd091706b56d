import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from enterprises.models import State
from inspections import services
from tests import factories


def image_bytes(fmt: str = "PNG", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def partner(db):
    return factories.inspector_user(username="partner")


@pytest.fixture
def graded(db):
    return factories.EnterpriseFactory(state=State.GRADED, tier="B")


@pytest.fixture
def visit(graded, inspector, partner):
    return services.visit_start(enterprise=graded, inspectors=[partner], by=inspector)


def answer_all(visit, by, outcome="pass", note=""):
    results = {r.pk: (outcome, note) for r in visit.results.all()}
    return services.visit_record(visit=visit, results=results, by=by)
