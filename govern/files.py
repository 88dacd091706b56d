"""Serving stored files: one way for every download, page or API.

Every file is sent as an attachment with its real content type and ``nosniff``, streamed from the
storage (local disk or object storage), after the caller has checked that the user may see it.

What is kept: the stored file is the original as uploaded (its SHA-256 is on record, so it is never
altered). Staff receive it unchanged. Any other role (an enterprise account) receives images with their
EXIF metadata removed — above all the GPS position and the device — re-encoded from the pixels; the
picture itself is the same.
"""

import io

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from PIL import Image, ImageOps

from govern import roles
from govern.uploads import HEIC, JPEG, PNG, WEBP

STRIPPABLE = {JPEG.content_type: "JPEG", PNG.content_type: "PNG", WEBP.content_type: "WEBP"}


def without_metadata(data: bytes, content_type: str) -> tuple[bytes, str]:
    """The image re-encoded from its pixels alone (turned upright first); HEIC becomes JPEG."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    output_format = STRIPPABLE.get(content_type, "JPEG")
    if output_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format=output_format, quality=90)
    return buffer.getvalue(), (content_type if content_type in STRIPPABLE else JPEG.content_type)


def stored_file_response(
    name: str, *, content_type: str, filename: str, user, cache_seconds: int = 0
) -> FileResponse:
    """Stream a stored file as an attachment; images lose their metadata for non-staff users."""
    if not name or not default_storage.exists(name):
        raise Http404
    is_image = content_type in STRIPPABLE or content_type == HEIC.content_type
    if is_image and not roles.is_staff_role(user):
        with default_storage.open(name, "rb") as stored:
            data, content_type = without_metadata(stored.read(), content_type)
        if content_type == JPEG.content_type and not filename.lower().endswith((".jpg", ".jpeg")):
            filename = filename.rsplit(".", 1)[0] + ".jpg"
        response = FileResponse(
            io.BytesIO(data), content_type=content_type, as_attachment=True, filename=filename
        )
    else:
        response = FileResponse(
            default_storage.open(name, "rb"),
            content_type=content_type,
            as_attachment=True,
            filename=filename,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"private, max-age={cache_seconds}" if cache_seconds else "private"
    return response
