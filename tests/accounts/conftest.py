"""Helpers shared by the accounts tests: a controllable clock for the rate-limit
windows, links out of emails, and images made with Pillow."""

from __future__ import annotations

import io
import re
import struct
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from PIL import Image

from cocreate.core.consumers import run_all

NEW_PASSWORD = "tangerine-kettle-91"


class Clock:
    """A frozen `django.utils.timezone.now`, so every attempt of a test falls in a
    known rate-limit window whatever the real time is."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def window_end(self, seconds: int) -> datetime:
        epoch = int(self.now.timestamp())
        return datetime.fromtimestamp(epoch - epoch % seconds + seconds, tz=UTC)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    real = datetime.now(tz=UTC).replace(microsecond=0)
    epoch = int(real.timestamp())
    # A quarter into an hour-aligned window: the middle of every 30- and 60-minute window.
    start = datetime.fromtimestamp(epoch - epoch % 3600 + 900, tz=UTC)
    fake = Clock(start)
    monkeypatch.setattr(timezone, "now", fake)
    return fake


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def send_queued_emails() -> None:
    run_all()


def link_in(message: mail.EmailMessage) -> str:
    """The site-relative path of the one link in an email."""
    urls = re.findall(r"https?://\S+", message.body)
    assert len(urls) == 1, message.body
    assert urls[0].startswith(settings.SITE_URL)
    return urls[0][len(settings.SITE_URL) :]


def without_csrf(html: bytes) -> str:
    """Page text with the per-response CSRF values blanked, for comparing pages."""
    text = html.decode()
    text = re.sub(r'name="csrf-token" content="[^"]*"', 'name="csrf-token" content=""', text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), color=(200, 40, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG file whose header claims width x height pixels
    (8-bit greyscale); only a few rows of data follow."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * (width + 1) * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )
