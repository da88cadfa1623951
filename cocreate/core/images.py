"""Uploaded images are checked by content, never by name or declared type: Pillow
must recognise the bytes as one of a few raster formats, within size and pixel
limits, and the stored file is a fresh re-encoding under a random name."""

from __future__ import annotations

import contextlib
import io
import uuid
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cocreate.core.errors import Invalid

ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def clean_image(upload, *, field: str, max_side: int, photo: bool = False) -> ContentFile:  # type: ignore[no-untyped-def]
    """`photo`: an opaque image is stored as JPEG (a phone picture re-encoded as PNG
    can be several megabytes); transparent ones stay PNG either way."""
    size = getattr(upload, "size", None)
    if size is None or size > settings.AVATAR_MAX_BYTES:
        raise Invalid(fields={field: _("The image must be at most 5 MB.")})
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise Invalid(fields={field: _("Upload a PNG, JPEG, GIF or WebP image.")})
            width, height = image.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise Invalid(fields={field: _("The image has too many pixels.")})
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise Invalid(fields={field: _("Upload a PNG, JPEG, GIF or WebP image.")}) from exc
    # Turn phone pictures upright before the EXIF that says how is dropped. Broken
    # EXIF only costs the orientation, never the upload.
    upright: Image.Image = image
    with contextlib.suppress(Exception):
        upright = ImageOps.exif_transpose(image) or image
    alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    converted = upright.convert("RGBA" if alpha else "RGB")
    converted.thumbnail((max_side, max_side))
    out = io.BytesIO()
    if photo and not alpha:
        converted.save(out, format="JPEG", quality=85, optimize=True)
        return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
    converted.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.png")
