"""Handles: the short names @mentions use. ASCII letters, digits and underscores,
3-30 characters, unique regardless of case."""

from __future__ import annotations

import re
import secrets
import unicodedata

from django.utils.translation import gettext as _

from cocreate.core.errors import Invalid

PATTERN = r"[A-Za-z0-9_]{3,30}"
VALID = re.compile(rf"^{PATTERN}$")
# Never handles: they read as addresses to everyone ("@all", "@staff") or as the site.
RESERVED = frozenset({"all", "everyone", "here", "staff", "admin", "moderators", "cocreate"})


def base_for(display_name: str) -> str:
    """An ASCII stem from a display name ("Zoë Li" -> "zoe_li"); "member" when the
    name has too few Latin letters (most Chinese names)."""
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9]+", "_", ascii_name).strip("_").lower()[:24]
    return base if len(base) >= 3 and base not in RESERVED else "member"


def taken(handle: str, *, besides: int | None = None) -> bool:
    from cocreate.accounts.models import User

    qs = User.objects.filter(handle__iexact=handle)
    if besides is not None:
        qs = qs.exclude(pk=besides)
    return qs.exists()


def free_handle(display_name: str) -> str:
    """The stem if free, else the stem with a random number. The unique constraint
    is the real guard; this only makes collisions unlikely."""
    base = base_for(display_name)
    if base != "member" and not taken(base):
        return base
    for digits in (3, 4, 6, 6, 6):
        candidate = f"{base}{secrets.randbelow(10**digits):0{digits}d}"
        if not taken(candidate):
            return candidate
    return f"{base[:21]}_{secrets.token_hex(4)}"  # at most 30 characters


def clean_handle(handle: str, *, user_id: int | None) -> str:
    handle = (handle or "").strip().lstrip("@")
    if not VALID.match(handle):
        raise Invalid(fields={"handle": _("Use 3 to 30 letters (A-Z), digits or underscores.")})
    if handle.lower() in RESERVED or taken(handle, besides=user_id):
        raise Invalid(fields={"handle": _("This handle is taken.")})
    return handle
