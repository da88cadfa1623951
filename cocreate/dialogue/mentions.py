"""@mentions: which handles in a text name real people, rendered as links to
their profiles. Who of them hears about it is the notification consumer's
question (only people who can see the text)."""

from __future__ import annotations

from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.safestring import SafeString

from cocreate.accounts.models import User
from cocreate.core.markdown import MENTION, Person, render_mentions

# More than this many people named in one text is a broadcast, not a mention: the
# text still links them all, but only the first MAX_NOTIFIED are told.
MAX_NOTIFIED = 10


def people_in(text: str) -> dict[str, Person]:
    """Lower-cased handle -> Person for every active member a text may mention
    (one query, none when the text has no @)."""
    handles = {h.lower() for h in MENTION.findall(text or "")}
    if not handles:
        return {}
    rows = (
        User.objects.annotate(lower_handle=Lower("handle"))
        .filter(lower_handle__in=handles, is_active=True)
        .values_list("pk", "lower_handle")
    )
    return {h: Person(pk, reverse("accounts:profile", args=[pk])) for pk, h in rows}


def render(text: str) -> tuple[SafeString, list[int]]:
    """Safe HTML with mentions linked, and who is mentioned (first MAX_NOTIFIED)."""
    html, mentioned = render_mentions(text, people_in(text))
    return html, mentioned[:MAX_NOTIFIED]
