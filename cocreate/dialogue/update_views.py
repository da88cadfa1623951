"""Pages of idea updates: the list, one update with its discussion, and writing,
editing and deleting them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cocreate.core.errors import ActionError
from cocreate.core.permissions import can, moderates
from cocreate.core.views import error_page, failed
from cocreate.dialogue import queries, updates
from cocreate.dialogue.models import IdeaUpdate
from cocreate.dialogue.moderation_views import _idea
from cocreate.dialogue.views import discussion_context, mention_source
from cocreate.ideas.models import Idea

UPDATES_PER_PAGE = 10


class UpdateForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=updates.TITLE_LENGTH)
    body = forms.CharField(
        label=gettext_lazy("Update"),
        max_length=updates.BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "Markdown. Tell followers what changed: progress, pictures, questions. "
            "@handle mentions someone."
        ),
    )


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (shown in the moderation log)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _update(request: HttpRequest, update_id: int) -> IdeaUpdate:
    update = get_object_or_404(
        IdeaUpdate.objects.select_related("idea__challenge__community__parent", "author"),
        pk=update_id,
    )
    if not can(request.user, "update.view", update):
        raise Http404
    return update


def update_list(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    page = Paginator(queries.updates_of(idea), UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "dialogue/updates.html",
        {"idea": idea, "page": page, "can_post": can(request.user, "update.post", idea)},
    )


def update_detail(request: HttpRequest, update_id: int) -> HttpResponse:
    update = _update(request, update_id)
    user = request.user
    mine = update.author_id == getattr(user, "pk", None)
    return render(
        request,
        "dialogue/update.html",
        {
            **discussion_context(request, update),
            "update": update,
            "idea": update.idea,
            "can_edit": can(user, "update.edit", update),
            "can_delete": can(user, "update.delete", update),
            # A moderator removing someone else's update gives a reason.
            "remove_form": RemoveForm()
            if not mine and moderates(user, update.idea.challenge.community)
            else None,
        },
    )


def _form(request: HttpRequest, idea: Idea, update: IdeaUpdate | None = None) -> UpdateForm:
    initial = {"title": update.title, "body": update.body} if update else None
    form = UpdateForm(request.POST or None, initial=initial)
    form.fields["body"].widget.attrs["data-mentions"] = mention_source(idea.challenge.community)
    return form


@login_required
def new_update(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    if not can(request.user, "update.post", idea):
        raise PermissionDenied
    form = _form(request, idea)
    context = {"form": form, "idea": idea, "back": reverse("ideas:detail", args=[idea.pk])}
    if request.method == "POST" and form.is_valid():
        try:
            update = updates.post_update(request.user, idea, **form.cleaned_data)
        except ActionError as exc:
            return failed(request, exc, "dialogue/update_form.html", context, form)
        messages.success(request, _("Your update is published; followers are told."))
        return redirect("dialogue:update", update.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "dialogue/update_form.html", context, status=status)


@login_required
def edit_update(request: HttpRequest, update_id: int) -> HttpResponse:
    update = _update(request, update_id)
    if not can(request.user, "update.edit", update):
        raise PermissionDenied
    form = _form(request, update.idea, update)
    back = reverse("dialogue:update", args=[update.pk])
    context = {"form": form, "idea": update.idea, "update": update, "back": back}
    if request.method == "POST" and form.is_valid():
        try:
            updates.edit_update(request.user, update, **form.cleaned_data)
        except ActionError as exc:
            return failed(request, exc, "dialogue/update_form.html", context, form)
        messages.success(request, _("Update saved."))
        return redirect(back)
    status = 422 if request.method == "POST" else 200
    return render(request, "dialogue/update_form.html", context, status=status)


@login_required
@require_POST
def delete_update(request: HttpRequest, update_id: int) -> HttpResponse:
    update = _update(request, update_id)
    if not can(request.user, "update.delete", update):
        raise PermissionDenied
    idea_id = update.idea_id
    try:
        updates.delete_update(request.user, update, reason=request.POST.get("reason", ""))
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Update deleted."))
    return redirect("dialogue:updates", idea_id)
