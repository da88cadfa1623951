from typing import Any

from django import template
from markupsafe import Markup

from cocreate.core.markdown import render

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)


@register.filter
def markdown(text: str) -> Markup:
    """Render member-written Markdown, sanitised (never mark user text |safe)."""
    return render(text)
