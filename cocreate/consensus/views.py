"""Pages of conversations: the list, starting one (or importing a Pol.is export),
voting one statement at a time (htmx, keys a/d/p), adding statements, the
report with its opinion map, and the organisers' settings and moderation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cocreate.challenges.models import Challenge
from cocreate.communities.models import Community
from cocreate.consensus import actions, exchange, queries
from cocreate.consensus.api import report_data
from cocreate.consensus.models import (
    STATEMENT_LENGTH,
    Conversation,
    ConversationStatus,
    ModerationMode,
    Statement,
    StatementStatus,
)
from cocreate.consensus.svg import opinion_map
from cocreate.core.errors import ActionError
from cocreate.core.permissions import can
from cocreate.core.views import error_page, failed, is_htmx


class ConversationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Question or topic"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=actions.DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Markdown. What is being decided, and what happens with the result."
        ),
    )
    moderation = forms.ChoiceField(
        label=gettext_lazy("Review members' statements"),
        choices=ModerationMode.choices,
        initial=ModerationMode.POST,
    )
    allow_statements = forms.BooleanField(
        label=gettext_lazy("Members may add statements"), required=False, initial=True
    )


class NewConversationForm(ConversationForm):
    statements = forms.CharField(
        label=gettext_lazy("Seed statements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "One per line, each a short claim people can agree or disagree with "
            "(at most 300 characters)."
        ),
    )
    challenge = forms.TypedChoiceField(
        label=gettext_lazy("About a challenge"), required=False, coerce=int, empty_value=None
    )


class SettingsForm(ConversationForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ConversationStatus.choices)


class StatementForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your statement"),
        max_length=STATEMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": STATEMENT_LENGTH}),
        help_text=gettext_lazy(
            "One short claim others can agree or disagree with. Not a question, not a reply."
        ),
    )


class ImportForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    comments = forms.FileField(label="comments.csv")
    votes = forms.FileField(label="votes.csv")


def _community(request: HttpRequest, slug: str) -> Community:
    community = get_object_or_404(Community.objects.select_related("parent"), slug=slug)
    if not can(request.user, "community.view", community):
        raise Http404
    return community


def _conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    conversation = get_object_or_404(
        Conversation.objects.select_related(
            "community__parent", "challenge__community", "idea__challenge__community", "created_by"
        ),
        pk=conversation_id,
    )
    if not can(request.user, "conversation.view", conversation):
        raise Http404
    return conversation


def conversation_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    return render(
        request,
        "consensus/list.html",
        {
            "community": community,
            "conversations": queries.for_community(community, request.user),
            "can_create": can(request.user, "conversation.create", community),
            "can_import": can(request.user, "conversation.import", community),
        },
    )


@login_required
def new_conversation(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    if not can(request.user, "conversation.create", community):
        raise PermissionDenied
    form = NewConversationForm(request.POST or None)
    challenges = [
        c
        for c in Challenge.objects.filter(community=community).order_by("-created_at")[:100]
        if can(request.user, "challenge.view", c)
    ]
    form.fields["challenge"].choices = [("", "—")] + [  # type: ignore[attr-defined]
        (c.pk, c.title) for c in challenges
    ]
    initial_challenge = request.GET.get("challenge")
    if initial_challenge and not form.is_bound:
        form.initial["challenge"] = initial_challenge
    context = {"community": community, "form": form}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        challenge_id = data.pop("challenge")
        data["challenge"] = next((c for c in challenges if c.pk == challenge_id), None)
        try:
            conversation = actions.create_conversation(request.user, community, **data)
        except ActionError as exc:
            return failed(request, exc, "consensus/new.html", context, form)
        messages.success(request, _("The conversation is open. Vote first, then share it."))
        return redirect("consensus:detail", conversation.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "consensus/new.html", context, status=status)


@login_required
def import_conversation(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    if not can(request.user, "conversation.import", community):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"community": community, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            conversation = exchange.import_uploads(
                request.user,
                community,
                {
                    "comments.csv": form.cleaned_data["comments"],
                    "votes.csv": form.cleaned_data["votes"],
                },
                title=form.cleaned_data["title"],
            )
        except ActionError as exc:
            exc.fields = {("comments" if k == "folder" else k): v for k, v in exc.fields.items()}
            return failed(request, exc, "consensus/import.html", context, form)
        messages.success(request, _("Imported. The report is being computed."))
        return redirect("consensus:report", conversation.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "consensus/import.html", context, status=status)


def _card_context(request: HttpRequest, conversation: Conversation) -> dict[str, Any]:
    participant = queries.participant_of(conversation, request.user)
    voted, total = queries.progress(conversation, participant)
    can_vote = can(request.user, "conversation.vote", conversation)
    statement = queries.next_statement(conversation, participant) if can_vote else None
    return {
        "conversation": conversation,
        "statement": statement,
        "voted": voted,
        "total": total,
        "can_vote": can_vote,
        "percent": round(100 * voted / total) if total else 0,
    }


def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    user = request.user
    return render(
        request,
        "consensus/detail.html",
        {
            **_card_context(request, conversation),
            "statement_form": StatementForm(),
            "can_add": can(user, "statement.add", conversation),
            "can_manage": can(user, "conversation.manage", conversation),
            "can_moderate": can(user, "statement.moderate", conversation),
            "pending_count": queries.pending(conversation).count()
            if can(user, "statement.moderate", conversation)
            else 0,
            "mine": Statement.objects.filter(conversation=conversation, author=user)
            .exclude(status=StatementStatus.ACCEPTED)
            .order_by("-pk")[:5]
            if user.is_authenticated
            else [],
        },
    )


@login_required
@require_POST
def vote(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    statement_id = _int(request.POST.get("statement"))
    if not isinstance(statement_id, int):
        raise Http404
    statement = Statement.objects.filter(pk=statement_id, conversation=conversation).first()
    if statement is None:
        raise Http404
    statement.conversation = conversation
    try:
        actions.vote(request.user, statement, _int(request.POST.get("vote")))
    except ActionError as exc:
        if is_htmx(request):
            context = {**_card_context(request, conversation), "error": exc.message}
            return render(request, "consensus/_card.html", context, status=exc.status)
        return error_page(request, exc)
    if is_htmx(request):
        return render(request, "consensus/_card.html", _card_context(request, conversation))
    return redirect("consensus:detail", conversation.pk)


def _int(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


@login_required
@require_POST
def add_statement(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    form = StatementForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("consensus:detail", conversation.pk)
    try:
        statement = actions.add_statement(
            request.user, conversation, body=form.cleaned_data["body"]
        )
    except ActionError as exc:
        return error_page(request, exc)
    if statement.status == StatementStatus.PENDING:
        messages.success(request, _("Thank you. A moderator will review your statement first."))
    else:
        messages.success(request, _("Your statement is in: others can vote on it now."))
    return redirect("consensus:detail", conversation.pk)


def report(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    data = report_data(conversation, request.user)
    statements = {
        int(pk): row for pk, row in (conversation.report or {}).get("statements", {}).items()
    }
    bodies = dict(
        Statement.objects.filter(conversation=conversation, pk__in=list(statements)).values_list(
            "pk", "body"
        )
    )
    recent = data["timeline"][-60:]
    shift = max(0, 30 - len(recent))
    peak = max((day["votes"] for day in recent), default=0)
    return render(
        request,
        "consensus/report.html",
        {
            "conversation": conversation,
            "report": data,
            "map": opinion_map(data, statements, bodies),
            # Bars of the last 60 days with votes, 60 units high at the busiest,
            # right-aligned in a frame at least 30 days wide.
            "timeline": [
                {**day, "x": 10 * (i + shift), "h": h, "y": 60 - h}
                for i, day in enumerate(recent)
                for h in [round(58 * day["votes"] / peak, 1) if peak else 0]
            ],
            "timeline_width": 10 * (len(recent) + shift),
            "can_manage": can(request.user, "conversation.manage", conversation),
            "can_export": can(request.user, "conversation.export", conversation),
        },
    )


@login_required
def manage(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    user = request.user
    can_manage = can(user, "conversation.manage", conversation)
    if not (can_manage or can(user, "statement.moderate", conversation)):
        raise PermissionDenied
    form = SettingsForm(
        request.POST or None,
        initial={
            "title": conversation.title,
            "description": conversation.description,
            "moderation": conversation.moderation,
            "allow_statements": conversation.allow_statements,
            "status": conversation.status,
        },
    )
    statements = Statement.objects.filter(conversation=conversation).select_related("author")
    context = {
        "conversation": conversation,
        "form": form if can_manage else None,
        "pending": statements.filter(status=StatementStatus.PENDING).order_by("pk"),
        "statements": statements.exclude(status=StatementStatus.PENDING).order_by("-pk")[:500],
        "can_export": can(user, "conversation.export", conversation),
    }
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.edit_conversation(user, conversation, **form.cleaned_data)
            except ActionError as exc:
                return failed(request, exc, "consensus/manage.html", context, form)
            messages.success(request, _("Settings saved."))
            return redirect("consensus:manage", conversation.pk)
        return render(request, "consensus/manage.html", context, status=422)
    return render(request, "consensus/manage.html", context)


@login_required
@require_POST
def moderate(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = get_object_or_404(Statement, pk=statement_id)
    conversation = _conversation(request, statement.conversation_id)
    statement.conversation = conversation
    choice = request.POST.get("do", "")
    choices: dict[str, dict[str, Any]] = {
        "accept": {"status": StatementStatus.ACCEPTED},
        "reject": {"status": StatementStatus.REJECTED},
        "meta": {"is_meta": True},
        "not_meta": {"is_meta": False},
    }
    changes = choices.get(choice, {})
    if not changes:
        raise Http404
    try:
        actions.moderate_statement(request.user, statement, **changes)
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Statement updated; the report will be recomputed."))
    return redirect("consensus:manage", conversation.pk)


@login_required
def export(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    if not can(request.user, "conversation.export", conversation):
        raise PermissionDenied
    response = HttpResponse(
        exchange.export_zip(request.user, conversation), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="conversation-{conversation.pk}.zip"'
    return response


@login_required
@require_POST
def from_ideas(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = get_object_or_404(Challenge.objects.select_related("community"), pk=challenge_id)
    if not can(request.user, "challenge.view", challenge):
        raise Http404
    try:
        conversation = actions.statements_from_ideas(
            request.user, challenge, count=_int(request.POST.get("count", 10))
        )
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("The top ideas are now statements. Members can vote on them here."))
    return redirect("consensus:detail", conversation.pk)
