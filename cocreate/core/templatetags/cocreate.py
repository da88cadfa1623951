from typing import Any

from django import template
from django.utils.safestring import SafeString

from cocreate.core.markdown import render

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)


@register.filter
def markdown(text: str) -> SafeString:
    """Render member-written Markdown, sanitised (never mark user text |safe)."""
    return render(text)


@register.filter
def role_label(code: str) -> str:
    """The translated name of a role code stored in an event."""
    from cocreate.communities.models import Role

    try:
        return str(Role(code).label)
    except ValueError:
        return code
