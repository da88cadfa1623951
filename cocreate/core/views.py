"""Helpers shared by every app's views: turning action errors into form errors and
responses, htmx partials, and the error pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cocreate.core.errors import ActionError, RateLimited


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def failed(
    request: HttpRequest,
    exc: ActionError,
    template: str,
    context: dict[str, Any],
    form: forms.Form | None = None,
) -> HttpResponse:
    """Render the page again with the action's errors on the form and its status."""
    if form is not None:
        placed = False
        for field, errs in exc.fields.items():
            target = field.split(".")[0]
            for err in errs:
                form.add_error(target if target in form.fields else None, err)
                placed = True
        if not placed:
            form.add_error(None, str(exc.message))
    else:
        messages.error(request, str(exc.message))
    response = render(request, template, context, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def error_page(request: HttpRequest, exc: ActionError) -> HttpResponse:
    response = render(request, "error.html", {"error": exc}, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "error.html",
        {"title": _("Page not found"), "message": _("There is nothing at this address.")},
        status=404,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "error.html",
        {"title": _("Not allowed"), "message": _("You do not have permission to see this page.")},
        status=403,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "server_error", "message": "Something went wrong."}}, status=500
        )
    return render(
        request,
        "error.html",
        {
            "title": _("Something went wrong"),
            "message": _("The error has been logged. Please try again."),
        },
        status=500,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "error.html",
        {
            "title": _("Form expired"),
            "message": _("Please go back, reload the page and try again."),
        },
        status=403,
    )
