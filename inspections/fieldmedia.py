"""What a phone brings from the site: photo metadata (EXIF), the stamp burnt into a photo's copy,
and signatures drawn on the screen."""

import base64
import binascii
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

from govern.errors import InvalidInput

# Tags of the EXIF standard (CIPA DC-008): DateTimeOriginal in the Exif IFD, the GPS IFD's
# latitude/longitude with their N/S and E/W references.
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, DATETIME = 0x9003, 0x0132
GPS_LAT_REF, GPS_LAT, GPS_LNG_REF, GPS_LNG = 1, 2, 3, 4

STAMP_MAX_SIDE = (
    1600  # the stamped copy is for reading on a screen and in a PDF; the original is kept
)
STAMP_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
STAMP_FONT_INDEX = 2  # the collection's Simplified Chinese face


@dataclass
class PhotoFacts:
    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def _degrees(values, ref) -> Decimal | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    if ref in ("S", "W", b"S", b"W"):
        value = -value
    return Decimal(f"{value:.6f}")


def photo_facts(data: bytes) -> PhotoFacts:
    """When and where a photo was taken, from its EXIF (absent or broken EXIF: nothing)."""
    facts = PhotoFacts()
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            stamp = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
            if stamp:
                # EXIF times carry no zone: a phone writes the local time, the bureau's zone.
                naive = datetime.strptime(str(stamp).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
                facts.taken_at = timezone.make_aware(naive)
            gps = exif.get_ifd(GPS_IFD)
            if gps.get(GPS_LAT) and gps.get(GPS_LNG):
                lat = _degrees(gps[GPS_LAT], gps.get(GPS_LAT_REF))
                lng = _degrees(gps[GPS_LNG], gps.get(GPS_LNG_REF))
                if lat is not None and lng is not None and abs(lat) <= 90 and abs(lng) <= 180:
                    facts.latitude, facts.longitude = lat, lng
    except (OSError, ValueError, SyntaxError, KeyError, TypeError):
        return PhotoFacts()
    return facts


@cache
def _font(size: int):
    if STAMP_FONT.exists():
        return ImageFont.truetype(str(STAMP_FONT), size, index=STAMP_FONT_INDEX)
    return ImageFont.load_default(size)


def stamped_copy(data: bytes, lines: list[str]) -> bytes:
    """A JPEG copy of the photo, upright, at most 2048 px, with the lines on a dark band below."""
    with Image.open(io.BytesIO(data)) as source:
        if source.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale when that still fits
            source.draft("RGB", (STAMP_MAX_SIDE, STAMP_MAX_SIDE))
        # Shrink first (the bounds are square, so before or after turning is the same), then turn
        # upright: each step works on the small image.
        source.thumbnail(
            (STAMP_MAX_SIDE, STAMP_MAX_SIDE), resample=Image.Resampling.BILINEAR, reducing_gap=2.0
        )
        image = ImageOps.exif_transpose(source)
    if image.mode != "RGB":
        image = image.convert("RGB")
    size = max(14, image.width // 40)
    font = _font(size)
    band = int(size * 1.45 * len(lines) + size * 0.8)
    canvas = Image.new("RGB", (image.width, image.height + band), (20, 28, 36))
    canvas.paste(image, (0, 0))
    draw = ImageDraw.Draw(canvas)
    y = image.height + size * 0.4
    for line in lines:
        draw.text((size * 0.6, y), line, font=font, fill=(255, 255, 255))
        y += size * 1.45
    out = io.BytesIO()
    canvas.save(out, format="JPEG", quality=85)
    return out.getvalue()


SIGNATURE_MAX_BYTES = 300 * 1024
SIGNATURE_MIN_INK = 60  # pixels drawn: fewer is a tap, not a signature


def signature_png(data_url: str, *, field: str) -> bytes:
    """The PNG of a signature drawn on a canvas (a ``data:image/png;base64,`` URL), checked."""
    prefix = "data:image/png;base64,"
    bad = InvalidInput(_("The signature could not be read; sign again."), field=field)
    if not data_url.startswith(prefix):
        raise bad
    try:
        data = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as error:
        raise bad from error
    if len(data) > SIGNATURE_MAX_BYTES:
        raise InvalidInput(_("The signature image is too large; sign again."), field=field)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or image.width * image.height > 4_000_000:
                raise bad
            luminance, opacity = image.convert("LA").split()
            dark = luminance.point(lambda v: 255 if v < 160 else 0)
            opaque = opacity.point(lambda v: 255 if v > 32 else 0)
            ink = ImageChops.multiply(dark, opaque).histogram()[255]
    except (OSError, ValueError, SyntaxError) as error:
        raise bad from error
    if ink < SIGNATURE_MIN_INK:
        raise InvalidInput(_("The signature is empty; sign in the box."), field=field)
    return data


def stamp_lines(*, taken_at, inspector: str, enterprise: str, latitude, longitude, source: str):
    local = timezone.localtime(taken_at) if taken_at else None
    where = (
        f"{abs(latitude):.5f}°{'N' if latitude >= 0 else 'S'} "
        f"{abs(longitude):.5f}°{'E' if longitude >= 0 else 'W'}"
        if latitude is not None and longitude is not None
        else _("position unknown")
    )
    return [
        f"{local:%Y-%m-%d %H:%M} · {inspector}" if local else inspector,
        f"{where} · {source}" if source else where,
        enterprise,
        settings.GOVERN_AUTHORITY_NAME,
    ]
