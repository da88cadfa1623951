"""Pages of moderation: flagging, the moderators' queue and decisions, the audit
log, and mutes and bans."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cocreate.communities.models import Community, Membership
from cocreate.core.errors import ActionError
from cocreate.core.permissions import can
from cocreate.core.views import error_page, failed
from cocreate.dialogue import moderation, queries
from cocreate.dialogue.models import Comment, FlagReason, ModerationEntry
from cocreate.dialogue.views import _comment, comment_url, target_url
from cocreate.ideas.models import Idea


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("What is wrong with it?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Anything moderators should know"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _idea(request: HttpRequest, idea_id: int) -> Idea:
    idea = get_object_or_404(
        Idea.objects.select_related("challenge__community__parent", "author"), pk=idea_id
    )
    if not can(request.user, "idea.view", idea):
        raise Http404
    return idea


def _flag(request: HttpRequest, target: Comment | Idea, back: str) -> HttpResponse:
    if not can(request.user, "content.flag", target):
        raise PermissionDenied
    form = FlagForm(request.POST or None)
    context = {"form": form, "target": target, "back": back}
    if request.method == "POST" and form.is_valid():
        try:
            moderation.flag(request.user, target, **form.cleaned_data)
        except ActionError as exc:
            return failed(request, exc, "dialogue/flag.html", context, form)
        messages.success(request, _("Thank you. Moderators will look at it."))
        return redirect(back)
    status = 422 if request.method == "POST" else 200
    return render(request, "dialogue/flag.html", context, status=status)


@login_required
def flag_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    return _flag(request, comment, comment_url(comment))


@login_required
def flag_idea(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    return _flag(request, idea, target_url(idea))


def _moderated_community(request: HttpRequest, slug: str) -> Community:
    community = get_object_or_404(Community.objects.select_related("parent"), slug=slug)
    if not can(request.user, "community.view", community):
        raise Http404
    if not can(request.user, "content.moderate", community):
        raise PermissionDenied
    return community


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    community = _moderated_community(request, slug)
    return render(
        request,
        "dialogue/queue.html",
        {"community": community, **queries.moderation_queue(community)},
    )


@login_required
@require_POST
def decide(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target: Comment | Idea
    if kind == "comment":
        target = get_object_or_404(Comment.objects.select_related("community"), pk=pk)
        community = target.community
    else:
        target = get_object_or_404(Idea.objects.select_related("challenge__community"), pk=pk)
        community = target.challenge.community
    if not can(request.user, "community.view", community):
        raise Http404
    if not can(request.user, "content.moderate", community):
        raise PermissionDenied
    try:
        moderation.decide(
            request.user,
            target,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Decision recorded; the author is told."))
    return redirect("dialogue:queue", community.slug)


@login_required
def log(request: HttpRequest, slug: str) -> HttpResponse:
    community = _moderated_community(request, slug)
    entries = ModerationEntry.objects.filter(community=community).select_related(
        "actor", "subject", "comment", "idea"
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "dialogue/log.html", {"community": community, "page": page})


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Sanction"),
        choices=[
            ("mute", gettext_lazy("Mute: may read, not write")),
            ("ban", gettext_lazy("Ban: may not take part")),
        ],
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label=gettext_lazy("For how many days"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=gettext_lazy("Leave empty to keep it until lifted."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (told to the member)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
def member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    community = _moderated_community(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "community"), community=community, user_id=user_id
    )
    allowed = can(request.user, "member.sanction", membership)
    form = SanctionForm(request.POST if request.POST.get("action") == "sanction" else None)
    now = timezone.now()
    context: dict[str, Any] = {
        "community": community,
        "membership": membership,
        "form": form,
        "allowed": allowed,
        "muted": membership.muted_until is not None and membership.muted_until > now,
        "banned": membership.banned_until is not None and membership.banned_until > now,
        "forever": moderation.FOREVER,
        "history": ModerationEntry.objects.filter(
            community=community, subject=membership.user
        ).select_related("actor")[:50],
    }
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "lift":
                try:
                    moderation.lift(
                        request.user,
                        membership,
                        kind=request.POST.get("kind", ""),
                        reason=request.POST.get("reason", ""),
                    )
                except ActionError as exc:
                    return error_page(request, exc)
                messages.success(request, _("Lifted."))
                return redirect("dialogue:member", slug, user_id)
            if not form.is_valid():
                return render(request, "dialogue/member.html", context, status=422)
            moderation.sanction(request.user, membership, **form.cleaned_data)
        except ActionError as exc:
            return failed(request, exc, "dialogue/member.html", context, form)
        messages.success(request, _("Sanction recorded; the member is told."))
        return redirect("dialogue:member", slug, user_id)
    return render(request, "dialogue/member.html", context)
