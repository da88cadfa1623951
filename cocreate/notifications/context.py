from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cocreate.notifications.queries import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count, counted only when a template shows it."""
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(request.user))}
