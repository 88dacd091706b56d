"""Uploads are verified by parsing them, images are bounded in pixels, and downloads are attachments
that lose the photo's location for other roles."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from govern.errors import InvalidInput
from govern.uploads import EVIDENCE_KINDS, IMAGE_KINDS, accept_upload
from inspections import services
from tests import factories
from tests.evidence.conftest import PDF_BYTES


def upload(name, data):
    return SimpleUploadedFile(name, data)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(30_000, 30_000), (12_000, 12_000)])
def test_images_with_too_many_pixels_are_refused_with_a_message(size):
    with pytest.raises(InvalidInput, match="million pixels|百万像素") as refused:
        accept_upload(
            upload("bomb.png", png_claiming(*size)),
            kinds=IMAGE_KINDS,
            max_bytes=10**7,
            field="photos",
        )
    assert "bomb.png" in str(refused.value.message)


def test_a_normal_phone_photo_is_accepted():
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (90, 120, 80)).save(buffer, format="JPEG", quality=50)
    data, kind = accept_upload(
        upload("IMG_1.jpg", buffer.getvalue()), kinds=IMAGE_KINDS, max_bytes=10**7, field="photos"
    )
    assert kind.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic<html><script>x</script>"),
        ("report.pdf", b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>"),
    ],
)
def test_a_file_that_only_starts_like_an_accepted_kind_is_refused(name, data):
    with pytest.raises(InvalidInput) as refused:
        accept_upload(upload(name, data), kinds=EVIDENCE_KINDS, max_bytes=10**6, field="files")
    assert name in str(refused.value.message)


def test_a_real_pdf_is_accepted():
    _data, kind = accept_upload(
        upload("报告.pdf", PDF_BYTES), kinds=EVIDENCE_KINDS, max_bytes=10**6, field="files"
    )
    assert kind.content_type == "application/pdf"


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"  # Make
    exif[0x8825] = {1: "N", 2: (24.0, 52.0, 30.0), 3: "E", 4: (118.0, 35.0, 10.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.django_db
def test_photos_keep_their_location_for_staff_and_lose_it_for_the_enterprise(
    client, settings, tmp_path
):
    from inspections.models import SiteVisit

    settings.MEDIA_ROOT = tmp_path
    inspector, partner = factories.inspector_user(), factories.inspector_user()
    enterprise = factories.EnterpriseFactory(state="graded", tier="B")
    account = factories.enterprise_user(enterprise)
    visit = services.visit_start(enterprise=enterprise, inspectors=[partner], by=inspector)
    photo = services.visit_add_photo(
        visit=visit, upload=upload("gps.jpg", photo_with_gps()), by=inspector
    )
    services.visit_record(
        visit=visit,
        results={r.pk: ("pass", "") for r in visit.results.all()},
        conclusion=SiteVisit.Conclusion.COMPLIANT,
        by=inspector,
    )
    services.visit_submit(visit=visit, by=inspector)
    url = reverse("inspections:photo", args=[photo.pk])

    client.force_login(inspector)
    original = client.get(url + "?original=1")  # staff see the stamped copy unless they ask
    assert original["Content-Disposition"].startswith("attachment")
    assert b"".join(original.streaming_content) == photo_with_gps()  # staff get the original

    client.force_login(account)
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Disposition"].startswith("attachment")
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert 0x8825 not in image.getexif() and 0x010F not in image.getexif()
    assert image.size == (64, 48)
