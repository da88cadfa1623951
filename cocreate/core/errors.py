"""Errors raised by actions. Pages show them as messages or form errors; the API
turns them into {"error": {"code", "message", "fields"}} with the matching status."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ActionError(Exception):
    status = 400
    code = "bad_request"
    default_message: Any = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, fields: dict[str, Any] | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.fields = {
            k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])]
            for k, v in (fields or {}).items()
        }
        super().__init__(str(self.message))

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}


class Invalid(ActionError):
    status = 422
    code = "invalid"
    default_message = _("Some fields are not valid.")


class Forbidden(ActionError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do that.")


class NotFound(ActionError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(ActionError):
    status = 409
    code = "conflict"
    default_message = _("That conflicts with the current state.")


class RateLimited(ActionError):
    status = 429
    code = "rate_limited"
    default_message = _("Too many attempts. Please wait and try again.")

    def __init__(self, retry_after: int, message: Any = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message)
