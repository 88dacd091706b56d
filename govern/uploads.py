"""Uploaded files: recognised by their content (never their name), size-limited, stored by SHA-256."""

import hashlib
import io
import logging
import warnings
import zipfile
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from govern.errors import InvalidInput

MB = 1024 * 1024
pillow_heif.register_heif_opener()  # HEIC photos from phones are opened (and so checked) by Pillow
logging.getLogger("pypdf").setLevel(logging.ERROR)  # it narrates every repair of a sloppy PDF


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


JPEG = Kind("image/jpeg", "jpg")
PNG = Kind("image/png", "png")
WEBP = Kind("image/webp", "webp")
HEIC = Kind("image/heic", "heic")
PDF = Kind("application/pdf", "pdf")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")

IMAGE_KINDS = (JPEG, PNG, WEBP, HEIC)
EVIDENCE_KINDS = (*IMAGE_KINDS, PDF, XLSX, DOCX)
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def sniff(head: bytes, data: bytes) -> Kind | None:
    """The file's real kind from its leading bytes (and, for Office files, the zip's contents)."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIC
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("xl/") for n in names):
                return XLSX
            if any(n.startswith("word/") for n in names):
                return DOCX
    return None


@dataclass(frozen=True)
class StoredFile:
    name: str  # the storage name
    sha256: str
    size: int
    content_type: str
    original_name: str


def accept_upload(
    upload, *, kinds: tuple[Kind, ...], max_bytes: int, field: str
) -> tuple[bytes, Kind]:
    """Read an upload and check its size and real kind; raise InvalidInput naming the file otherwise."""
    name = getattr(upload, "name", "") or _("the file")
    if upload.size is not None and upload.size > max_bytes:
        raise InvalidInput(
            _("%(name)s is %(size).1f MB; at most %(max).0f MB is accepted.")
            % {"name": name, "size": upload.size / MB, "max": max_bytes / MB},
            field=field,
        )
    data = upload.read()
    if len(data) > max_bytes:
        raise InvalidInput(_("%(name)s is too large.") % {"name": name}, field=field)
    if not data:
        raise InvalidInput(_("%(name)s is empty.") % {"name": name}, field=field)
    kind = sniff(data[:32], data)
    allowed = ", ".join(k.extension.upper() for k in kinds)
    if kind not in kinds:
        raise InvalidInput(
            _("%(name)s is not an accepted file: its content is not %(allowed)s.")
            % {"name": name, "allowed": allowed},
            field=field,
        )
    if kind in IMAGE_KINDS:
        _check_image(data, name=name, field=field)
    elif kind is PDF:
        _check_pdf(data, name=name, field=field)
    return data, kind


def _check_image(data: bytes, *, name: str, field: str) -> None:
    """Decode the image's header and data: a damaged file, or one with more pixels than
    ``GOVERN_IMAGE_MAX_PIXELS`` (a decompression bomb: a few KB that expand to gigabytes), is refused."""
    limit = settings.GOVERN_IMAGE_MAX_PIXELS
    too_large = InvalidInput(
        _("%(name)s has more than %(max)d million pixels; send a smaller photo.")
        % {"name": name, "max": limit // 1_000_000},
        field=field,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > limit:
                    raise too_large
                image.verify() if image.format in ("JPEG", "PNG", "WEBP") else image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise InvalidInput(
            _("%(name)s looks like an image but is damaged.") % {"name": name}, field=field
        ) from error


def _check_pdf(data: bytes, *, name: str, field: str) -> None:
    """Parse the PDF's structure: a file that only starts like a PDF (an HTML page with a PDF
    header, a truncated download) is refused."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise InvalidInput(
            _("%(name)s starts like a PDF but cannot be read as one.") % {"name": name},
            field=field,
        ) from error
    if pages < 1:
        raise InvalidInput(_("%(name)s is a PDF without pages.") % {"name": name}, field=field)


def store_by_hash(data: bytes, kind: Kind, *, folder: str, original_name: str) -> StoredFile:
    """Save content under its SHA-256; the same content is stored once and never overwritten."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{folder}/{digest[:2]}/{digest}.{kind.extension}"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent save of the same content won the name: keep one copy
            default_storage.delete(saved)
    return StoredFile(
        name=name,
        sha256=digest,
        size=len(data),
        content_type=kind.content_type,
        original_name=original_name[:200],
    )
