from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cocreate.challenges.models import Challenge
from cocreate.core.errors import ActionError
from cocreate.core.permissions import can, may_flag_in
from cocreate.core.views import error_page, failed, is_htmx
from cocreate.dialogue import actions, queries
from cocreate.dialogue.models import (
    REACTION_LABELS,
    Comment,
    CommentStatus,
    IdeaUpdate,
    ReactionKind,
)
from cocreate.dialogue.queries import Discussed
from cocreate.ideas.models import Idea


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=actions.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Markdown. Be kind and specific. @handle mentions someone."),
    )
    official = forms.BooleanField(label=gettext_lazy("Post as an official answer"), required=False)


def _target(request: HttpRequest, kind: str, pk: int) -> Discussed:
    target: Discussed
    if kind == "idea":
        target = get_object_or_404(
            Idea.objects.select_related("challenge__community__parent"), pk=pk
        )
    elif kind == "update":
        target = get_object_or_404(
            IdeaUpdate.objects.select_related("idea__challenge__community__parent", "author"),
            pk=pk,
        )
    else:
        target = get_object_or_404(Challenge.objects.select_related("community__parent"), pk=pk)
    if not can(request.user, "comment.view", target):
        raise Http404
    return target


def _comment(request: HttpRequest, comment_id: int) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related(
            "author", "challenge__community__parent", "idea", "update", "root", "community"
        ),
        pk=comment_id,
    )
    if comment.idea is not None:
        comment.idea.challenge = comment.challenge  # one challenge object, already loaded
        if comment.update is not None:
            comment.update.idea = comment.idea
    if not can(request.user, "comment.view", comment.idea or comment.challenge):
        raise Http404
    return comment


def target_url(target: Discussed) -> str:
    if isinstance(target, IdeaUpdate):
        return reverse("dialogue:update", args=[target.pk])
    if isinstance(target, Idea):
        return reverse("ideas:detail", args=[target.pk])
    return reverse("challenges:detail", args=[target.pk])


def comment_url(comment: Comment) -> str:
    """Where a comment is read: its page of threads, at its anchor."""
    target = discussed(comment)
    root_id = comment.root_id or comment.pk
    before = queries.comments_of(target).filter(root__isnull=True, pk__lt=root_id).count()
    page = before // queries.THREADS_PER_PAGE + 1
    query = f"?cpage={page}" if page > 1 else ""
    return f"{target_url(target)}{query}#comment-{comment.pk}"


def discussed(comment: Comment) -> Discussed:
    """The idea, update or challenge whose discussion the comment is in."""
    target = comment.update or comment.idea or comment.challenge
    assert target is not None
    return target


def mention_source(community: Any) -> str:
    """Where the @mention autocomplete (static app.js) looks people up: the API's
    member search of the community."""
    return reverse("api:list_members", kwargs={"slug": community.slug})


def challenge_of(target: Discussed) -> Challenge:
    if isinstance(target, IdeaUpdate):
        return target.idea.challenge
    return target.challenge if isinstance(target, Idea) else target


def comment_form(community: Any, data: Any = None, **kwargs: Any) -> CommentForm:
    form = CommentForm(data, **kwargs)
    form.fields["body"].widget.attrs["data-mentions"] = mention_source(community)
    return form


REACTIONS = {"reaction_kinds": ReactionKind.choices, "reaction_labels": REACTION_LABELS}


def discussed_ids(item: Comment | Discussed) -> tuple[int | None, int | None, int | None]:
    """(challenge, idea, update) ids of a comment's discussion, or of a target's."""
    if isinstance(item, Comment):
        return item.challenge_id, item.idea_id, item.update_id
    if isinstance(item, IdeaUpdate):
        return item.idea.challenge_id, item.idea_id, item.pk
    if isinstance(item, Idea):
        return item.challenge_id, item.pk, None
    return item.pk, None, None


def discussion_context(request: HttpRequest, target: Discussed) -> dict[str, Any]:
    """What the discussion block on an idea or challenge page needs."""
    pinned = queries.pinned_official(target) if isinstance(target, Idea) else None
    page, comments = queries.thread_page(
        target, request.GET.get("cpage"), request.user, also=pinned
    )
    user = request.user
    challenge = challenge_of(target)
    form = comment_form(challenge.community)
    can_comment = can(user, "comment.post", target)
    official = can(user, "comment.post_official", target)
    if not official:
        del form.fields["official"]
    return {
        **REACTIONS,
        "comment_page": page,
        "comments": comments,
        "pinned": pinned,
        "accepted_ids": queries.accepted_ids(comments),
        "comment_count": target.comment_count
        if isinstance(target, Idea | IdeaUpdate)
        else queries.comments_of(target).filter(status=CommentStatus.VISIBLE).count(),
        # Reacting is allowed wherever commenting is (on visible comments).
        "can_react": can_comment,
        "comment_form": form,
        "mention_source": form.fields["body"].widget.attrs["data-mentions"],
        "can_comment": can_comment,
        "can_flag": may_flag_in(user, challenge.community),
        "can_post_official": official,
        "comment_target": target,
        "post_url": reverse(
            "dialogue:post_update"
            if isinstance(target, IdeaUpdate)
            else "dialogue:post_idea"
            if isinstance(target, Idea)
            else "dialogue:post_challenge",
            args=[target.pk],
        ),
    }


LATEST_UPDATES = 3


def updates_context(request: HttpRequest, idea: Idea) -> dict[str, Any]:
    """The updates card on an idea page: the latest few and how many in all (one
    query: the total rides along as a window count), and whether this person may
    post one."""
    latest = list(queries.updates_of(idea).annotate(total=Window(Count("pk")))[:LATEST_UPDATES])
    return {
        "updates": latest,
        "update_count": latest[0].total if latest else 0,
        "can_post_update": can(request.user, "update.post", idea),
    }


def _post(request: HttpRequest, target: Discussed) -> HttpResponse:
    if not can(request.user, "comment.post", target):
        raise PermissionDenied
    parent = None
    parent_id = request.POST.get("parent") or request.GET.get("parent")
    if parent_id:
        if not str(parent_id).isdigit():
            raise Http404
        parent = get_object_or_404(Comment.objects.select_related("author"), pk=parent_id)
        # Only a visible comment of this very discussion can be replied to (or quoted).
        if discussed_ids(parent) != discussed_ids(target) or not parent.visible:
            raise Http404
    form = comment_form(challenge_of(target).community, request.POST or None)
    if not can(request.user, "comment.post_official", target):
        del form.fields["official"]
    context = {"form": form, "target": target, "parent": parent, "back": target_url(target)}
    if request.method == "POST" and form.is_valid():
        try:
            comment = actions.post_comment(
                request.user,
                target,
                body=form.cleaned_data["body"],
                parent=parent,
                official=form.cleaned_data.get("official", False),
            )
        except ActionError as exc:
            return failed(request, exc, "dialogue/compose.html", context, form)
        messages.success(request, _("Your comment is posted."))
        return redirect(comment_url(comment))
    status = 422 if request.method == "POST" else 200
    return render(request, "dialogue/compose.html", context, status=status)


@login_required
def post_on_idea(request: HttpRequest, idea_id: int) -> HttpResponse:
    return _post(request, _target(request, "idea", idea_id))


@login_required
def post_on_update(request: HttpRequest, update_id: int) -> HttpResponse:
    return _post(request, _target(request, "update", update_id))


@login_required
def post_on_challenge(request: HttpRequest, challenge_id: int) -> HttpResponse:
    return _post(request, _target(request, "challenge", challenge_id))


def permalink(request: HttpRequest, comment_id: int) -> HttpResponse:
    return redirect(comment_url(_comment(request, comment_id)))


@login_required
def edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    if not can(request.user, "comment.edit", comment):
        raise PermissionDenied
    form = comment_form(comment.community, request.POST or None, initial={"body": comment.body})
    del form.fields["official"]
    context = {"form": form, "comment": comment, "back": comment_url(comment)}
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_comment(request.user, comment, body=form.cleaned_data["body"])
        except ActionError as exc:
            return failed(request, exc, "dialogue/edit.html", context, form)
        messages.success(request, _("Comment updated."))
        return redirect(comment_url(comment))
    return render(request, "dialogue/edit.html", context)


@login_required
@require_POST
def delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    if not can(request.user, "comment.delete", comment):
        raise PermissionDenied
    target = discussed(comment)
    try:
        actions.delete_comment(request.user, comment)
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Comment deleted."))
    return redirect(target_url(target) + "#discussion")


def history(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    if comment.status != CommentStatus.VISIBLE:
        raise Http404
    versions = comment.versions.select_related("editor")
    return render(
        request,
        "dialogue/history.html",
        {"comment": comment, "versions": versions, "back": comment_url(comment)},
    )


@login_required
@require_POST
def react(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    if not can(request.user, "comment.react", comment):
        raise PermissionDenied
    try:
        actions.toggle_reaction(request.user, comment, request.POST.get("kind", ""))
    except ActionError as exc:
        return error_page(request, exc)
    if is_htmx(request):
        queries.annotate_reactions([comment], request.user)
        return render(
            request,
            "dialogue/_reactions.html",
            {**REACTIONS, "comment": comment, "can_react": True},
        )
    return redirect(comment_url(comment))


@login_required
@require_POST
def accept(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    if not can(request.user, "comment.accept", comment):
        raise PermissionDenied
    try:
        actions.accept_answer(request.user, comment, accept=request.POST.get("accept") != "0")
    except ActionError as exc:
        return error_page(request, exc)
    return redirect(comment_url(comment))
