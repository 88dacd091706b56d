"""Photos are recognised by content, size-limited with a clear error, and stored by SHA-256."""

import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from govern.errors import InvalidInput
from inspections import services
from tests import factories
from tests.inspections.conftest import image_bytes, upload

HEIC_HEADER = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def heic_bytes() -> bytes:
    """A real HEIC photo, as an iPhone sends (encoded by pillow-heif)."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="HEIF")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("site.png", image_bytes("PNG"), "image/png"),
        ("IMG_0001.JPG", image_bytes("JPEG"), "image/jpeg"),
        ("photo.bin", image_bytes("JPEG"), "image/jpeg"),  # the name does not matter
        ("IMG_0002.HEIC", heic_bytes(), "image/heic"),
    ],
)
def test_real_images_are_accepted_and_stored_by_hash(name, data, content_type, visit, inspector):
    photo = services.visit_add_photo(visit=visit, upload=upload(name, data), by=inspector)
    digest = hashlib.sha256(data).hexdigest()
    assert (photo.sha256, photo.content_type, photo.size) == (digest, content_type, len(data))
    assert digest in photo.file.name
    with default_storage.open(photo.file.name, "rb") as stored:
        assert stored.read() == data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("fake.jpg", b"this is a text file, not a photo", "JPG"),
        ("report.png", b"%PDF-1.7 a pdf", "PNG"),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "damaged|损坏"),
        ("empty.jpg", b"", "empty|空"),
    ],
)
def test_files_that_are_not_images_are_refused(name, data, message, visit, inspector):
    with pytest.raises(InvalidInput, match=message) as error:
        services.visit_add_photo(visit=visit, upload=upload(name, data), by=inspector)
    assert name in str(error.value.message)
    assert not visit.photos.exists()


@pytest.mark.django_db
def test_too_large_photo_is_refused_with_its_size(visit, inspector, settings):
    settings.GOVERN_PHOTO_MAX_BYTES = 1024 * 1024
    big = image_bytes("PNG", size=(1, 1)) + b"\x00" * (2 * 1024 * 1024)
    with pytest.raises(InvalidInput, match="MB"):
        services.visit_add_photo(visit=visit, upload=upload("big.png", big), by=inspector)


@pytest.mark.django_db
def test_same_photo_twice_is_stored_once(visit, inspector):
    data = image_bytes("PNG")
    first = services.visit_add_photo(visit=visit, upload=upload("a.png", data), by=inspector)
    second = services.visit_add_photo(visit=visit, upload=upload("b.png", data), by=inspector)
    assert first.file.name == second.file.name and first.pk != second.pk


@pytest.mark.django_db
def test_photo_download_is_permission_checked(visit, inspector, client):
    photo = services.visit_add_photo(
        visit=visit, upload=upload("a.png", image_bytes()), by=inspector
    )
    url = reverse("inspections:photo", args=[photo.pk])
    client.force_login(inspector)
    assert client.get(url)["Content-Type"] == "image/jpeg"  # the stamped copy
    assert client.get(url + "?original=1")["Content-Type"] == "image/png"  # as uploaded
    client.force_login(factories.enterprise_user(factories.EnterpriseFactory()))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
