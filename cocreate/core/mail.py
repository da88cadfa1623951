"""Plain-text email rendered from templates in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def send(
    to: str,
    template: str,
    context: dict[str, Any],
    language: str = "en",
    headers: dict[str, str] | None = None,
) -> None:
    """Render emails/<template>.txt, whose first line is the subject."""
    with translation.override(language):
        text = render_to_string(
            f"emails/{template}.txt", {"site_url": settings.SITE_URL, **context}
        )
    subject, _, body = text.strip().partition("\n")
    EmailMessage(
        subject.strip(),
        body.strip() + "\n",
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers=headers or {},
    ).send()
