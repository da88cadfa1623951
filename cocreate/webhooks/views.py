"""Pages of webhooks for community staff: the endpoints, one endpoint with its
settings and delivery log, and the buttons (test, rotate, redeliver, delete)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cocreate.communities.models import Community
from cocreate.core.errors import ActionError
from cocreate.core.permissions import can
from cocreate.core.views import error_page, failed
from cocreate.webhooks import actions, delivery
from cocreate.webhooks.models import Delivery, DeliveryStatus, Endpoint, EventKind

DELIVERIES_PER_PAGE = 25
SECRET_KEY = "webhook-secret-{}"  # the session key showing a new secret once


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("Payload URL"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("We POST JSON here, signed with the endpoint's secret."),
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class EditForm(EndpointForm):
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False)


def _community(request: HttpRequest, slug: str) -> Community:
    community = get_object_or_404(Community.objects.select_related("parent"), slug=slug)
    if not can(request.user, "webhook.manage", community):
        raise PermissionDenied
    return community


def _endpoint(request: HttpRequest, endpoint_id: int) -> Endpoint:
    endpoint = get_object_or_404(
        Endpoint.objects.select_related("community__parent", "created_by"), pk=endpoint_id
    )
    if not can(request.user, "webhook.manage", endpoint.community):
        raise PermissionDenied
    return endpoint


def _show_secret_once(request: HttpRequest, endpoint: Endpoint) -> None:
    request.session[SECRET_KEY.format(endpoint.pk)] = endpoint.secret


@login_required
def endpoint_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    form = EndpointForm(request.POST or None)
    endpoints = Endpoint.objects.filter(community=community)
    context: dict[str, Any] = {"community": community, "form": form, "endpoints": endpoints}
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = actions.create_endpoint(request.user, community, **form.cleaned_data)
        except ActionError as exc:
            return failed(request, exc, "webhooks/list.html", context, form)
        _show_secret_once(request, endpoint)
        messages.success(request, _("Endpoint added. Copy its secret now."))
        return redirect("webhooks:detail", endpoint.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "webhooks/list.html", context, status=status)


@login_required
def endpoint_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    form = EditForm(
        request.POST or None,
        initial={
            "url": endpoint.url,
            "description": endpoint.description,
            "kinds": endpoint.kinds,
            "active": endpoint.active,
        },
    )
    deliveries = Delivery.objects.filter(endpoint=endpoint)
    status_filter = request.GET.get("status", "")
    if status_filter in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status_filter)
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "endpoint": endpoint,
        "community": endpoint.community,
        "form": form,
        "page": page,
        "status_filter": status_filter,
        "statuses": DeliveryStatus.choices,
        "new_secret": request.session.pop(SECRET_KEY.format(endpoint.pk), None),
        "signature_header": delivery.SIGNATURE_HEADER,
    }
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_endpoint(request.user, endpoint, **form.cleaned_data)
        except ActionError as exc:
            return failed(request, exc, "webhooks/detail.html", context, form)
        messages.success(request, _("Endpoint saved."))
        return redirect("webhooks:detail", endpoint.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "webhooks/detail.html", context, status=status)


def _button(request: HttpRequest, endpoint_id: int, what: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    try:
        if what == "test":
            actions.send_test(request.user, endpoint)
            messages.success(request, _("Test delivery sent; see the log below."))
        elif what == "rotate":
            _show_secret_once(request, actions.rotate_secret(request.user, endpoint))
            messages.success(request, _("New secret made; the old one no longer signs."))
        else:
            community = endpoint.community
            actions.delete_endpoint(request.user, endpoint)
            messages.success(request, _("Endpoint deleted."))
            return redirect("webhooks:list", community.slug)
    except ActionError as exc:
        return error_page(request, exc)
    return redirect("webhooks:detail", endpoint_id)


@login_required
@require_POST
def send_test(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    return _button(request, endpoint_id, "test")


@login_required
@require_POST
def rotate(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    return _button(request, endpoint_id, "rotate")


@login_required
@require_POST
def delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    return _button(request, endpoint_id, "delete")


@login_required
@require_POST
def redeliver(request: HttpRequest, delivery_id: Any) -> HttpResponse:
    found = (
        Delivery.objects.select_related("endpoint__community__parent")
        .filter(pk=delivery_id)
        .first()
    )
    if found is None:
        raise Http404
    if not can(request.user, "webhook.manage", found.endpoint.community):
        raise PermissionDenied
    try:
        actions.redeliver(request.user, found)
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Delivery queued again."))
    return redirect("webhooks:detail", found.endpoint_id)
