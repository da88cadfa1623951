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


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int, param: str = "page") -> str:
    """The current URL's query with `param` set: filters, sorting and the other
    list's page (a page may list ideas and comments) survive paging."""
    query = context["request"].GET.copy()
    query[param or "page"] = number
    query.pop("partial", None)
    return "?" + query.urlencode()


@register.simple_tag
def stage_pill(stage: str) -> dict[str, str]:
    """Label and colour class of a pipeline stage: built-in ones are translated, a
    community's custom ones are looked up (only those cost a query)."""
    from cocreate.ideas.models import CustomStage, Stage

    if stage in Stage.values:
        return {"name": str(Stage(stage).label), "css": f"stage-{stage}"}
    custom = CustomStage.objects.filter(key=stage).values_list("name", "colour").first()
    if custom is None:
        return {"name": stage, "css": "stage-custom"}
    return {"name": custom[0], "css": f"stage-custom stage-colour-{custom[1]}"}
