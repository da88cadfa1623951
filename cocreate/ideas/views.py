from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cocreate.accounts.models import User
from cocreate.challenges.models import Challenge
from cocreate.consensus.queries import conversations_for
from cocreate.core.errors import ActionError, Invalid
from cocreate.core.permissions import can, is_author
from cocreate.core.views import error_page, failed, is_htmx
from cocreate.dialogue.views import discussion_context, updates_context
from cocreate.ideas import actions, ladder, queries
from cocreate.ideas.models import (
    CoAuthor,
    CoAuthorStatus,
    CustomStage,
    Idea,
    IdeaImage,
    IdeaVersion,
    Merge,
    Stage,
    StageColour,
    Support,
    ladder_steps,
    stage_flow,
    stage_labels,
)
from cocreate.notifications.queries import is_following


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one input; each is checked by clean_image in the action."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleImageInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


IMAGES_HELP = format_lazy(
    gettext_lazy("Up to {max} pictures: PNG, JPEG, GIF or WebP, at most 5 MB each."),
    max=actions.MAX_IMAGES,
)


class IdeaForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=160)
    body = forms.CharField(
        label=gettext_lazy("Describe your idea"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Markdown. What problem does it solve, for whom, and how?"),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Separate with commas."),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)


class NewIdeaForm(IdeaForm):
    images = MultipleImageField(
        label=gettext_lazy("Pictures"), required=False, help_text=IMAGES_HELP
    )


class ImageForm(forms.Form):
    images = MultipleImageField(label=gettext_lazy("Add pictures"), help_text=IMAGES_HELP)
    alt = forms.CharField(
        label=gettext_lazy("Describe the pictures"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For people who cannot see them."),
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("Move to"), choices=Stage.choices)
    reason = forms.CharField(
        label=gettext_lazy("Public reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required for declined and archived."),
    )
    conversation = forms.TypedChoiceField(
        label=gettext_lazy("Conversation report to attach"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("Its common ground becomes part of the public reason."),
    )


def _idea(request: HttpRequest, idea_id: int) -> Idea:
    idea = get_object_or_404(
        queries.with_related(
            Idea.objects.select_related(
                "challenge",
                "challenge__community",
                "challenge__community__parent",
                "author",
                "parent",
                "terms_version",
                "review_window",
            )
        ),
        pk=idea_id,
    )
    if not can(request.user, "idea.view", idea):
        raise Http404
    return idea


def _challenge(request: HttpRequest, challenge_id: int) -> Challenge:
    challenge = get_object_or_404(
        Challenge.objects.select_related("community", "community__parent"), pk=challenge_id
    )
    if not can(request.user, "challenge.view", challenge):
        raise Http404
    return challenge


def _support_context(request: HttpRequest, idea: Idea) -> dict[str, Any]:
    user = request.user
    supported = user.is_authenticated and Support.objects.filter(idea=idea, user=user).exists()
    steps = (
        ladder.parse(ladder_steps(idea.challenge.community)) if idea.challenge.uses_ladder else []
    )
    return {
        "idea": idea,
        "supported": supported,
        "can_support": can(user, "idea.support", idea),
        "is_author": is_author(user, idea),
        "progress": round(100 * ladder.progress(idea.support_count, idea.ladder_target)),
        "steps": steps,
        "questions": idea.challenge.supporter_questions,
    }


def idea_detail(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    user = request.user
    manages = can(user, "idea.change_stage", idea)
    invitation = None
    if user.is_authenticated:
        invitation = CoAuthor.objects.filter(
            idea=idea, user=user, status=CoAuthorStatus.INVITED
        ).first()
    stage_form = StageForm(initial={"stage": ""})
    community = idea.challenge.community
    labels = stage_labels(community)
    next_stages = sorted(stage_flow(community).get(idea.stage, ()))
    stage_form.fields["stage"].choices = (  # type: ignore[attr-defined]
        [("", "—")] + [(s, labels.get(s, s)) for s in next_stages] if next_stages else []
    )
    if manages:
        stage_form.fields["conversation"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c.pk, c.title) for c in conversations_for(idea)
        ]
    return render(
        request,
        "ideas/detail.html",
        {
            **_support_context(request, idea),
            **discussion_context(request, idea),
            **updates_context(request, idea),
            "authors": ([idea.author] if idea.author else [])
            + [c.user for c in getattr(idea, "accepted_coauthors", [])],
            "timeline": queries.timeline(idea),
            "remixes": idea.remixes.filter(moderation="visible")
            .select_related("author")
            .order_by("-support_count", "pk")[:20],
            "can_edit": can(user, "idea.edit", idea),
            "can_report": can(user, "content.flag", idea),
            "following": is_following(user, idea=idea),
            "can_remix": can(user, "idea.submit", idea.challenge),
            "can_invite": can(user, "idea.invite_coauthor", idea),
            "pending_coauthors": idea.coauthors.filter(
                status=CoAuthorStatus.INVITED
            ).select_related("user")
            if can(user, "idea.invite_coauthor", idea)
            else [],
            "invitation": invitation,
            "manages": manages,
            "stage_form": stage_form,
            "conversations": idea.conversations.order_by("-created_at", "-pk")[:5],
            "answers": queries.supporter_answers(idea) if manages else [],
            "merges_in": idea.merges_in.filter(
                undone_at__isnull=True, source__moderation="visible"
            ).select_related("source", "source__author"),
            "merged_into": idea.merges_out.filter(
                undone_at__isnull=True, target__moderation="visible"
            )
            .select_related("target")
            .first(),
        },
    )


@login_required
def idea_new(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _challenge(request, challenge_id)
    if not can(request.user, "idea.submit", challenge):
        raise PermissionDenied
    parent = None
    parent_id = request.GET.get("remix") or request.POST.get("parent")
    if parent_id and str(parent_id).isdigit():
        parent = Idea.objects.select_related("challenge__community").filter(pk=parent_id).first()
        if parent is None or not can(request.user, "idea.view", parent):
            raise Http404
    resubmission = None
    resubmit_id = request.GET.get("resubmit") or request.POST.get("resubmission_of")
    if resubmit_id and str(resubmit_id).isdigit():
        resubmission = (
            Idea.objects.select_related("challenge__community")
            .filter(pk=resubmit_id, author_id=request.user.pk)
            .first()
        )
        if resubmission is not None and not can(request.user, "idea.view", resubmission):
            resubmission = None
    initial: dict[str, Any] = {"language": getattr(request, "LANGUAGE_CODE", "en")}
    source = parent or resubmission
    if source is not None:
        initial.update(
            title=source.title if resubmission else _("Remix: %(title)s") % {"title": source.title},
            body=source.body,
            tags=", ".join(source.tags),
        )
    form = NewIdeaForm(request.POST or None, request.FILES or None, initial=initial)
    terms = challenge.current_terms()
    context = {
        "form": form,
        "challenge": challenge,
        "terms": terms,
        "parent": parent,
        "resubmission": resubmission,
    }
    if request.method == "POST" and form.is_valid():
        try:
            idea = actions.submit_idea(
                request.user,
                challenge,
                **form.cleaned_data,
                accept_terms=request.POST.get("accept_terms") == "on",
                parent=parent,
                resubmission_of=resubmission,
            )
        except ActionError as exc:
            if "accept_terms" in exc.fields:
                context["terms_error"] = exc.fields["accept_terms"][0]
            return failed(request, exc, "ideas/new.html", context, form)
        messages.success(request, _("Your idea is published. Share it to gather support!"))
        return redirect("ideas:detail", idea.pk)
    return render(request, "ideas/new.html", context)


def _edit_form(idea: Idea, data: Any = None) -> IdeaForm:
    form = IdeaForm(
        data,
        initial={
            "title": idea.title,
            "body": idea.body,
            "tags": ", ".join(idea.tags),
            "language": idea.language,
        },
    )
    form.fields["language"].disabled = True
    return form


def _edit_context(
    idea: Idea, form: IdeaForm, image_form: ImageForm | None = None
) -> dict[str, Any]:
    return {
        "form": form,
        "idea": idea,
        "images": idea.images.all(),
        "image_form": image_form or ImageForm(),
        "room": actions.MAX_IMAGES - idea.image_count,
        "max_images": actions.MAX_IMAGES,
    }


@login_required
def idea_edit(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    if not can(request.user, "idea.edit", idea):
        raise PermissionDenied
    form = _edit_form(idea, request.POST or None)
    context = _edit_context(idea, form)
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_idea(
                request.user,
                idea,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
            )
        except ActionError as exc:
            return failed(request, exc, "ideas/edit.html", context, form)
        messages.success(request, _("Saved as a new version."))
        return redirect("ideas:detail", idea.pk)
    return render(request, "ideas/edit.html", context)


@login_required
@require_POST
def idea_images(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    if not can(request.user, "idea.edit", idea):
        raise PermissionDenied
    image_form = ImageForm(request.POST, request.FILES)
    context = _edit_context(idea, _edit_form(idea), image_form)
    if not image_form.is_valid():
        return render(request, "ideas/edit.html", context, status=422)
    try:
        added = actions.add_images(
            request.user,
            idea,
            image_form.cleaned_data["images"],
            alt=image_form.cleaned_data["alt"],
        )
    except ActionError as exc:
        return failed(request, exc, "ideas/edit.html", context, image_form)
    messages.success(
        request,
        ngettext("%(n)d picture added.", "%(n)d pictures added.", len(added)) % {"n": len(added)},
    )
    return redirect("ideas:edit", idea.pk)


def _image(request: HttpRequest, image_id: int) -> IdeaImage:
    image = get_object_or_404(
        IdeaImage.objects.select_related("idea__challenge__community"), pk=image_id
    )
    if not can(request.user, "idea.view", image.idea):
        raise Http404
    if not can(request.user, "idea.edit", image.idea):
        raise PermissionDenied
    return image


@login_required
@require_POST
def image_describe(request: HttpRequest, image_id: int) -> HttpResponse:
    image = _image(request, image_id)
    try:
        actions.describe_image(request.user, image, alt=request.POST.get("alt", ""))
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Description saved."))
    return redirect("ideas:edit", image.idea_id)


@login_required
@require_POST
def image_remove(request: HttpRequest, image_id: int) -> HttpResponse:
    image = _image(request, image_id)
    try:
        actions.remove_image(request.user, image)
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Picture removed."))
    return redirect("ideas:edit", image.idea_id)


def _support_response(request: HttpRequest, idea: Idea) -> HttpResponse:
    if is_htmx(request):
        idea.refresh_from_db()
        return render(
            request,
            "ideas/_support_panel.html",
            {**_support_context(request, idea), "show_messages": True},
        )
    return redirect("ideas:detail", idea.pk)


@login_required
@require_POST
def idea_support(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    answers = {
        q: request.POST.get(f"answer_{i}", "")
        for i, q in enumerate(idea.challenge.supporter_questions or [])
    }
    try:
        actions.support(request.user, idea, answers=answers)
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Thank you for your support!"))
    return _support_response(request, idea)


@login_required
@require_POST
def idea_withdraw(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    try:
        actions.withdraw_support(request.user, idea)
    except ActionError as exc:
        return error_page(request, exc)
    messages.info(request, _("Your support is withdrawn."))
    return _support_response(request, idea)


@login_required
@require_POST
def idea_stage(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    try:
        actions.change_stage(
            request.user,
            idea,
            stage=request.POST.get("stage", ""),
            reason=request.POST.get("reason", ""),
            conversation=request.POST.get("conversation") or None,
        )
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Stage changed; the reason is public on the timeline."))
    return redirect("ideas:detail", idea.pk)


@login_required
@require_POST
def coauthor_invite(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    email = request.POST.get("email", "").strip().lower()
    person = User.objects.filter(email=email, is_active=True).first()
    if not can(request.user, "idea.invite_coauthor", idea):
        raise PermissionDenied  # before looking the address up: no probing for accounts
    try:
        if person is None:
            raise Invalid(_("No member has that email address."))
        actions.invite_coauthor(request.user, idea, person)
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Invitation sent to %(name)s.") % {"name": person})
    return redirect("ideas:detail", idea.pk)


@login_required
@require_POST
def coauthor_answer(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    accept = request.POST.get("accept") == "1"
    try:
        actions.answer_coauthorship(request.user, idea, accept=accept)
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(
        request, _("You are now a co-author.") if accept else _("Invitation declined.")
    )
    return redirect("ideas:detail", idea.pk)


@login_required
@require_POST
def idea_merge(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    into = request.POST.get("into", "").strip().lstrip("#")
    target = (
        Idea.objects.select_related("challenge__community")
        .filter(pk=int(into) if into.isdigit() and len(into) < 16 else 0)
        .first()
    )
    try:
        if target is None or not can(request.user, "idea.view", target):
            raise Invalid(fields={"into": _("There is no idea with that number.")})
        actions.merge_ideas(request.user, idea, target, reason=request.POST.get("reason", ""))
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Merged. Supporters moved over without double counting."))
    return redirect("ideas:detail", target.pk)


@login_required
@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = get_object_or_404(
        Merge.objects.select_related("source__challenge__community"), pk=merge_id
    )
    if not can(request.user, "idea.view", merge.source):
        raise Http404
    try:
        actions.undo_merge(request.user, merge)
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("The merge is undone."))
    return redirect("ideas:detail", merge.source_id)


def idea_versions(request: HttpRequest, idea_id: int) -> HttpResponse:
    from cocreate.core.diff import line_diff

    idea = _idea(request, idea_id)
    versions = list(
        IdeaVersion.objects.filter(idea=idea).select_related("editor").order_by("-number")
    )
    rows = []

    def text(version: IdeaVersion) -> str:
        tags = " ".join(f"#{tag}" for tag in version.tags)
        return f"{version.title}\n\n{version.body}" + (f"\n\n{tags}" if tags else "")

    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        diff = line_diff(text(older), text(newer)) if older else []
        rows.append(
            {
                "version": newer,
                "text": text(newer),
                "diff": [line for line in diff if line["kind"] != "head"],
            }
        )
    return render(request, "ideas/versions.html", {"idea": idea, "rows": rows})


def similar_panel(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """htmx: the ideas most like what the member is typing (title and body)."""
    challenge = _challenge(request, challenge_id)
    text = f"{request.GET.get('title', '')}\n{request.GET.get('body', '')}"[:5000]
    found = queries.similar_ideas(challenge, text) if len(text.strip()) >= 4 else []
    return render(request, "ideas/_similar.html", {"similar": found})


def idea_lineage(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    return render(request, "ideas/lineage.html", {"idea": idea, "lineage": queries.lineage(idea)})


class CustomStageForm(forms.Form):
    key = forms.RegexField(
        label=gettext_lazy("Key"),
        regex=r"^[a-z][a-z0-9_]{1,19}$",
        max_length=20,
        help_text=gettext_lazy("Used in the API, e.g. prototype_testing."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    colour = forms.ChoiceField(label=gettext_lazy("Colour"), choices=StageColour.choices)
    follows = forms.MultipleChoiceField(
        label=gettext_lazy("Which stages may lead to it"), widget=forms.CheckboxSelectMultiple
    )
    leads_to = forms.MultipleChoiceField(
        label=gettext_lazy("Which stages may follow it"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, labels: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = sorted(labels.items(), key=lambda item: item[1])
        self.fields["follows"].choices = choices  # type: ignore[attr-defined]
        self.fields["leads_to"].choices = choices  # type: ignore[attr-defined]


def community_stages(request: HttpRequest, slug: str) -> HttpResponse:
    from cocreate.communities.models import Community

    community = get_object_or_404(Community.objects.select_related("parent"), slug=slug)
    if not can(request.user, "community.view", community):
        raise Http404
    labels = stage_labels(community)
    form = CustomStageForm(request.POST or None, labels=labels)
    context = {
        "community": community,
        "flow": [
            (stage, labels.get(stage, stage), [labels.get(n, n) for n in sorted(after)])
            for stage, after in stage_flow(community).items()
        ],
        "custom": CustomStage.objects.filter(community=community),
        "form": form,
        "can_edit": can(request.user, "community.edit", community),
    }
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not context["can_edit"]:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.define_stage(request.user, community, **form.cleaned_data)
            except ActionError as exc:
                return failed(request, exc, "ideas/stages.html", context, form)
            messages.success(request, _("Stage added to the pipeline."))
            return redirect("ideas:stages", community.slug)
        return render(request, "ideas/stages.html", context, status=422)
    return render(request, "ideas/stages.html", context)


@login_required
@require_POST
def remove_stage(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    from cocreate.communities.models import Community

    community = get_object_or_404(Community, slug=slug)
    if not can(request.user, "community.view", community):
        raise Http404
    try:
        actions.remove_stage(request.user, community, key)
    except ActionError as exc:
        return error_page(request, exc)
    messages.info(request, _("Stage removed."))
    return redirect("ideas:stages", community.slug)
