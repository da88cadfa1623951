from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cocreate.accounts.models import User
from cocreate.challenges.models import Challenge
from cocreate.communities.models import Community
from cocreate.core.errors import ActionError
from cocreate.core.views import error_page, failed, is_htmx
from cocreate.ideas.models import Idea
from cocreate.notifications import actions, queries
from cocreate.notifications.models import EmailMode, Follow, Kind

WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = [n for n in queries.for_user(request.user)[:500] if queries.shown(n, request.user)]
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    items = [(n, queries.describe(n)) for n in page.object_list]
    return render(
        request,
        "notifications/list.html",
        {"page": page, "items": items, "unread": queries.unread_count(request.user)},
    )


@login_required
def badge(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/_badge.html")


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = None
    if request.POST.get("all") != "1":
        ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    actions.mark_read(request.user, ids)
    if is_htmx(request):
        return render(request, "notifications/_badge.html")
    return redirect("notifications:list")


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(
        label=gettext_lazy("Email me"), choices=EmailMode.choices, widget=forms.RadioSelect
    )
    digest_time = forms.TimeField(
        label=gettext_lazy("Digest time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("In your time zone."),
    )
    digest_weekday = forms.TypedChoiceField(
        label=gettext_lazy("Weekly digest on"), choices=WEEKDAYS, coerce=int
    )
    timezone = forms.ChoiceField(label=gettext_lazy("Time zone"))
    muted_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Do not notify me about"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [  # type: ignore[attr-defined]
            (zone, zone) for zone in sorted(zoneinfo.available_timezones())
        ]


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    pref = actions.preference_for(request.user)
    form = PreferenceForm(
        request.POST or None,
        initial={
            "email_mode": pref.email_mode,
            "digest_time": pref.digest_time,
            "digest_weekday": pref.digest_weekday,
            "timezone": pref.timezone,
            "muted_kinds": pref.muted_kinds,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_preferences(request.user, **form.cleaned_data)
        except ActionError as exc:
            return failed(request, exc, "notifications/settings.html", {"form": form}, form)
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:settings")
    status = 422 if request.method == "POST" else 200
    return render(request, "notifications/settings.html", {"form": form}, status=status)


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (a GET never changes anything); POST unsubscribes."""
    from django.core import signing

    try:
        signing.loads(token, salt=actions.UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc
    done = False
    if request.method == "POST":
        try:
            actions.unsubscribe(token)
        except ActionError as exc:
            return error_page(request, exc)
        done = True
    return render(request, "notifications/unsubscribe.html", {"done": done, "token": token})


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


FOLLOWABLE: dict[str, Any] = {
    "community": Community,
    "challenge": Challenge,
    "idea": Idea,
    "person": User,
}


@login_required
@require_POST
def toggle_follow(request: HttpRequest) -> HttpResponse:
    """Follow or unfollow (kind and id in the form), then back where the form was."""
    kind = request.POST.get("kind", "")
    raw = request.POST.get("id", "")
    if kind not in FOLLOWABLE or not raw.isdigit():
        raise Http404
    target = get_object_or_404(FOLLOWABLE[kind], pk=raw)
    user: Any = request.user
    existing = Follow.objects.filter(user=user, **{kind: target}).first()
    try:
        if existing is not None:
            actions.unfollow(request.user, existing)
            messages.success(request, _("Unfollowed."))
        else:
            actions.follow(request.user, **{kind: target})
            messages.success(request, _("Following. You will be notified of what happens."))
    except ActionError as exc:
        if exc.status in (404, 422):
            raise Http404 from exc
        return error_page(request, exc)
    return redirect(_safe_next(request, "/"))


@login_required
def follows(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    # What moderators hid is in no list, this one included.
    rows = (
        Follow.objects.filter(user=user)
        .filter(Q(idea__isnull=True) | Q(idea__moderation="visible"))
        .select_related("community", "challenge", "idea", "person")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/follows.html", {"page": page})
