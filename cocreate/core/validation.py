"""Field checks shared by the actions of every app."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cocreate.core.errors import Invalid


def clean_text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    """Stripped text of at most `max_length` characters; Invalid names the field."""
    value = str(value or "").strip()
    if "\x00" in value:  # PostgreSQL cannot store it
        raise Invalid(fields={field: _("Text cannot contain NUL characters.")})
    if required and not value:
        raise Invalid(fields={field: _("This field is required.")})
    if len(value) > max_length:
        raise Invalid(fields={field: _("At most %(n)d characters.") % {"n": max_length}})
    return value
