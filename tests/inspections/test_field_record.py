"""What the phone brings from the site: the check-in position, photos stamped with time, inspector
and place (EXIF, else the phone's position), and signatures placed on the inspection record PDF."""

import base64
import io
import subprocess
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageDraw

from govern.errors import InvalidInput
from inspections import services
from inspections.models import SiteVisit, VisitPhoto, VisitSignature
from notices.models import Notice, NoticeKind
from tests.inspections.conftest import answer_all, image_bytes, upload


def jpeg_with_exif(*, when="2026:11:20 09:41:07", lat=(24, 52, 30.0), lng=(118, 40, 12.0)) -> bytes:
    image = Image.new("RGB", (640, 480), (90, 140, 60))
    exif = Image.Exif()
    exif[0x0132] = when
    exif.get_ifd(0x8769)[0x9003] = when
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", lat, "E", lng
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def drawn_signature(strokes=True) -> str:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    if strokes:
        draw = ImageDraw.Draw(image)
        draw.line(
            [(40, 150), (120, 40), (200, 160), (300, 50), (420, 140), (540, 60)],
            fill="black",
            width=4,
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.django_db
def test_a_photo_is_stamped_with_its_exif_time_and_place_and_the_original_is_kept(visit, inspector):
    photo = services.visit_add_photo(
        visit=visit, upload=upload("现场.jpg", jpeg_with_exif()), by=inspector
    )
    assert photo.place_source == VisitPhoto.Place.EXIF
    assert photo.latitude == Decimal("24.875000") and photo.longitude == Decimal("118.670000")
    assert photo.taken_at.strftime("%Y-%m-%d %H:%M") == "2026-11-20 09:41"
    with default_storage.open(photo.stamped.name, "rb") as f:
        stamped = Image.open(io.BytesIO(f.read()))
        stamped.load()
    with default_storage.open(photo.file.name, "rb") as f:
        original = f.read()
    assert original == jpeg_with_exif()  # the evidence itself is unchanged
    assert stamped.height > 480  # the band with the stamp is below the picture
    band = stamped.crop((0, 482, stamped.width, stamped.height)).convert("L")
    assert band.getextrema()[1] > 200  # white text on the dark band


@pytest.mark.django_db
def test_without_exif_the_phone_position_is_used_and_nonsense_is_refused(visit, inspector):
    photo = services.visit_add_photo(
        visit=visit,
        upload=upload("a.png", image_bytes()),
        device_latitude="24.9081",
        device_longitude="118.5862",
        by=inspector,
    )
    assert photo.place_source == VisitPhoto.Place.DEVICE
    assert photo.latitude == Decimal("24.908100")
    bare = services.visit_add_photo(
        visit=visit, upload=upload("b.png", image_bytes()), by=inspector
    )
    assert bare.place_source == "" and bare.latitude is None and bare.taken_at is not None
    with pytest.raises(InvalidInput):
        services.visit_add_photo(
            visit=visit,
            upload=upload("c.png", image_bytes()),
            device_latitude="91",
            device_longitude="abc",
            by=inspector,
        )


@pytest.mark.django_db
def test_the_check_in_position_is_kept_with_its_distance_from_the_registered_site(
    graded, inspector, partner
):
    graded.latitude, graded.longitude = Decimal("24.874000"), Decimal("118.675000")
    graded.save()
    visit = services.visit_start(
        enterprise=graded,
        inspectors=[partner],
        checkin_latitude="24.875000",
        checkin_longitude="118.675000",
        checkin_accuracy_m="12",
        by=inspector,
    )
    assert visit.checkin_accuracy_m == 12
    assert 105 <= visit.checkin_distance_m <= 118  # 0.001° of latitude is about 111 m


@pytest.mark.django_db
def test_signatures_are_checked_and_required_before_submitting(settings, visit, inspector, partner):
    settings.GOVERN_VISIT_SIGNATURES_REQUIRED = True
    answer_all(visit, inspector)
    services.visit_record(visit=visit, conclusion=SiteVisit.Conclusion.COMPLIANT, by=inspector)
    problems = dict(services.submit_problems(visit=visit))
    assert set(problems) == {
        "signature_party",
        f"signature_{inspector.pk}",
        f"signature_{partner.pk}",
    }
    # A tap is not a signature; a non-PNG is not read; the party's name comes first.
    with pytest.raises(InvalidInput):
        services.visit_sign(
            visit=visit,
            by=inspector,
            image=drawn_signature(False),
            role="inspector",
            signer=inspector,
        )
    with pytest.raises(InvalidInput):
        services.visit_sign(
            visit=visit,
            by=inspector,
            image="data:image/png;base64,!!!",
            role="inspector",
            signer=inspector,
        )
    with pytest.raises(InvalidInput) as refused:
        services.visit_sign(visit=visit, by=inspector, image=drawn_signature(), role="party")
    assert refused.value.field == "party_representative"
    # Both inspectors sign on the same phone; the representative refuses, which is recorded instead.
    services.visit_sign(
        visit=visit, by=inspector, image=drawn_signature(), role="inspector", signer=inspector
    )
    services.visit_sign(
        visit=visit, by=inspector, image=drawn_signature(), role="inspector", signer=partner
    )
    assert [f for f, _m in services.submit_problems(visit=visit)] == ["signature_party"]
    services.visit_record(
        visit=visit, party_refused="法定代表人拒绝签字，见证人：园区管委会李某", by=inspector
    )
    assert services.submit_problems(visit=visit) == []
    # Signing again replaces the earlier signature (one per person).
    services.visit_sign(
        visit=visit, by=inspector, image=drawn_signature(), role="inspector", signer=partner
    )
    assert VisitSignature.objects.filter(visit=visit).count() == 2


@pytest.mark.django_db
def test_the_signatures_are_on_the_inspection_record_pdf(
    settings, visit, inspector, partner, django_capture_on_commit_callbacks, tmp_path
):
    settings.GOVERN_VISIT_SIGNATURES_REQUIRED = True
    answer_all(visit, inspector)
    services.visit_record(
        visit=visit,
        conclusion=SiteVisit.Conclusion.COMPLIANT,
        party_representative="王建国",
        by=inspector,
    )
    for role, signer in (("party", None), ("inspector", inspector), ("inspector", partner)):
        services.visit_sign(
            visit=visit, by=inspector, image=drawn_signature(), role=role, signer=signer
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_submit(visit=visit, by=inspector)
    notice = Notice.objects.get(visit=visit, kind=NoticeKind.INSPECTION_RECORD)
    with default_storage.open(notice.file.name, "rb") as f:
        pdf = f.read()
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True)
    placed = [line for line in listing.stdout.splitlines()[2:] if line.split()[2] == "image"]
    assert len(placed) == 3  # the three signatures, drawn where the blank lines used to be
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "被检查单位代表签字" in text and "王建国" in text and "检查人员签字" in text


@pytest.mark.django_db
def test_the_visit_page_takes_signatures_and_keeps_the_rest_when_one_is_bad(
    client, visit, inspector, partner
):
    client.force_login(inspector)
    url = reverse("inspections:visit", args=[visit.pk])
    page = client.get(url).content.decode()
    assert page.count("<canvas") == 3 and "js/field.js" in page
    response = client.post(
        url,
        {
            "action": "save",
            "party_representative": "王建国",
            "signature_party": drawn_signature(False),  # an empty box
            f"signature_{inspector.pk}": drawn_signature(),
            "conclusion_text": "现场整洁",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "签名为空" in page and "现场整洁" in page
    visit.refresh_from_db()
    assert visit.party_representative == "王建国" and visit.conclusion_text == "现场整洁"
    assert list(visit.signatures.values_list("signer", flat=True)) == [inspector.pk]
    signature = visit.signatures.get()
    assert (
        client.get(reverse("inspections:signature", args=[signature.pk]))["Content-Type"]
        == "image/png"
    )
