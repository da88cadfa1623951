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

from cocreate.challenges import actions
from cocreate.challenges.models import (
    PHASE_ORDER,
    PHASE_RULES,
    Challenge,
    ChallengeType,
    IpOwner,
    PhaseKind,
)
from cocreate.communities.models import Community, Membership
from cocreate.core.errors import ActionError
from cocreate.core.permissions import can
from cocreate.core.views import error_page, failed, is_htmx
from cocreate.dialogue.views import discussion_context
from cocreate.ideas import queries as idea_queries
from cocreate.ideas.models import Idea, Stage
from cocreate.notifications.queries import is_following


class ChallengeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=160)
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=ChallengeType.choices)
    brief = forms.CharField(
        label=gettext_lazy("Brief"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Markdown. What is this challenge about?"),
    )
    what_we_need = forms.CharField(
        label=gettext_lazy("What we need"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    success_criteria = forms.CharField(
        label=gettext_lazy("Success criteria"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    owner_id = forms.TypedChoiceField(
        label=gettext_lazy("Owner (shown publicly)"), coerce=int, required=False, empty_value=None
    )
    uses_ladder = forms.BooleanField(
        label=gettext_lazy("Ideas gather support on the ladder"), required=False, initial=True
    )
    response_days = forms.IntegerField(
        label=gettext_lazy("Days to answer an idea that reaches review"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=gettext_lazy("Leave empty for no deadline."),
    )
    supporter_questions = forms.CharField(
        label=gettext_lazy("Questions for supporters"),
        required=False,
        max_length=1100,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One per line, e.g. “What would you pay?” (optional)."),
    )
    cover = forms.FileField(label=gettext_lazy("Cover image"), required=False)

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = (
            Membership.objects.filter(community=community, role__in=["owner", "staff", "employee"])
            .select_related("user")
            .order_by("user__display_name")
        )
        self.fields["owner_id"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (m.user_id, m.user.display_name) for m in staff
        ]


class PhasesForm(forms.Form):
    """One start/end pair per phase kind; leave a phase empty to skip it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in PHASE_ORDER:
            label = PhaseKind(kind).label
            self.fields[f"{kind}_starts_at"] = forms.DateTimeField(
                label=_("%(phase)s starts") % {"phase": label},
                required=False,
                widget=forms.DateTimeInput(
                    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
                ),
            )
            self.fields[f"{kind}_ends_at"] = forms.DateTimeField(
                label=_("%(phase)s ends") % {"phase": label},
                required=False,
                widget=forms.DateTimeInput(
                    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
                ),
            )

    def phases(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "kind": kind,
                "starts_at": data.get(f"{kind}_starts_at"),
                "ends_at": data.get(f"{kind}_ends_at"),
            }
            for kind in PHASE_ORDER
            if data.get(f"{kind}_starts_at") or data.get(f"{kind}_ends_at")
        ]


class TermsForm(forms.Form):
    usage = forms.CharField(
        label=gettext_lazy("How ideas may be used"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ip_owner = forms.ChoiceField(
        label=gettext_lazy("Intellectual property"), choices=IpOwner.choices
    )
    minimum_age = forms.IntegerField(
        label=gettext_lazy("Minimum age"), min_value=0, max_value=99, initial=16
    )
    text = forms.CharField(
        label=gettext_lazy("Full terms"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ListsForm(forms.Form):
    jury = forms.CharField(
        label=gettext_lazy("Jury"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One per line: member email, then their role. E.g. “ana@example.org, Head of design”."
        ),
    )
    prizes = forms.CharField(
        label=gettext_lazy("Prizes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One per line: the prize, then optional points. E.g. “Your design produced, 500”."
        ),
    )
    review_windows = forms.CharField(
        label=gettext_lazy("Review windows"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "One per line: cut-off date, review date. E.g. “2027-01-31, 2027-02-15”."
        ),
    )


def _challenge(request: HttpRequest, challenge_id: int) -> Challenge:
    challenge = get_object_or_404(
        Challenge.objects.select_related("community", "community__parent", "owner"),
        pk=challenge_id,
    )
    if not can(request.user, "challenge.view", challenge):
        raise Http404
    return challenge


def _community(request: HttpRequest, slug: str) -> Community:
    community = get_object_or_404(Community.objects.select_related("parent"), slug=slug)
    if not can(request.user, "community.view", community):
        raise Http404
    return community


def community_challenges(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    staff = can(request.user, "challenge.create", community)
    qs = Challenge.objects.filter(community=community).select_related("owner")
    if not staff:
        qs = qs.filter(status="published")
    challenges = list(qs.prefetch_related("phases"))
    return render(
        request,
        "challenges/list.html",
        {
            "community": community,
            "challenges": challenges,
            "can_create": staff,
        },
    )


@login_required
def challenge_new(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    if not can(request.user, "challenge.create", community):
        raise PermissionDenied
    form = ChallengeForm(
        request.POST or None,
        request.FILES or None,
        community=community,
        initial={"owner_id": request.user.pk, "uses_ladder": True},
    )
    context = {"form": form, "community": community}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["supporter_questions"] = [
            line.strip() for line in data["supporter_questions"].splitlines() if line.strip()
        ]
        try:
            challenge = actions.create_challenge(request.user, community, **data)
        except ActionError as exc:
            return failed(request, exc, "challenges/new.html", context, form)
        messages.success(request, _("Draft saved. Set the phases and terms, then publish."))
        return redirect("challenges:edit", challenge.pk)
    return render(request, "challenges/new.html", context)


def _phase_rows(challenge: Challenge) -> list[dict[str, Any]]:
    now = timezone.now()
    current = challenge.current_phase(now)
    rows = []
    for phase in challenge.phase_list():
        rows.append(
            {
                "kind": phase.kind,
                "label": PhaseKind(phase.kind).label,
                "starts_at": phase.starts_at,
                "ends_at": phase.ends_at,
                "current": phase.kind == current,
                "past": phase.ends_at is not None and phase.ends_at <= now,
                "allows": sorted(PHASE_RULES[phase.kind]),
            }
        )
    return rows


def challenge_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _challenge(request, challenge_id)
    sort = request.GET.get("sort", "hot")
    if sort not in idea_queries.SORTS:
        sort = "hot"
    stage = request.GET.get("stage", "")
    if stage not in Stage.values:
        stage = ""
    q = request.GET.get("q", "").strip()[:200]
    tag = request.GET.get("tag", "").strip()[:30]
    language = request.GET.get("language", "")
    if language not in {"en", "zh-hans"}:
        language = ""
    ideas = idea_queries.with_related(
        idea_queries.idea_list(challenge, sort=sort, stage=stage, q=q, tag=tag, language=language)
    )
    page = Paginator(ideas, 20).get_page(request.GET.get("page"))
    context = {
        "challenge": challenge,
        "page": page,
        "sort": sort,
        "stage": stage,
        "q": q,
        "tag": tag,
        "language": language,
        "stages": Stage.choices,
        "phases": _phase_rows(challenge),
        "current_phase": challenge.current_phase(),
        "can_submit": can(request.user, "idea.submit", challenge),
        "can_edit": can(request.user, "challenge.edit", challenge),
        "terms": challenge.current_terms(),
        "overdue": Idea.objects.filter(
            challenge=challenge,
            moderation="visible",
            response_due_at__lt=timezone.now(),
            responded_at__isnull=True,
        ).order_by("response_due_at")[:50],
    }
    if is_htmx(request) and request.GET.get("partial") == "ideas":
        return render(request, "challenges/_idea_list.html", context)
    return render(
        request,
        "challenges/detail.html",
        {
            **context,
            **discussion_context(request, challenge),
            "following": is_following(request.user, challenge=challenge),
            "jury": challenge.jury.select_related("user"),
            "prizes": challenge.prizes.all(),
            "windows": challenge.review_windows.all(),
            "conversations": challenge.conversations.filter(idea__isnull=True).order_by(
                "-created_at", "-pk"
            )[:5],
            "conversation_community": challenge.community,
            "from_ideas_challenge": challenge
            if can(request.user, "conversation.create", challenge.community)
            and can(request.user, "challenge.edit", challenge)
            else None,
        },
    )


@login_required
def challenge_edit(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _challenge(request, challenge_id)
    if not can(request.user, "challenge.edit", challenge):
        raise PermissionDenied
    community = challenge.community
    form = ChallengeForm(
        request.POST if request.POST.get("section") == "details" else None,
        request.FILES or None,
        community=community,
        initial={
            "title": challenge.title,
            "type": challenge.type,
            "brief": challenge.brief,
            "what_we_need": challenge.what_we_need,
            "success_criteria": challenge.success_criteria,
            "owner_id": challenge.owner_id,
            "uses_ladder": challenge.uses_ladder,
            "response_days": challenge.response_days,
            "supporter_questions": "\n".join(challenge.supporter_questions),
        },
    )
    initial_phases = {}
    for phase in challenge.phase_list():
        initial_phases[f"{phase.kind}_starts_at"] = timezone.localtime(phase.starts_at)
        if phase.ends_at:
            initial_phases[f"{phase.kind}_ends_at"] = timezone.localtime(phase.ends_at)
    phases_form = PhasesForm(
        request.POST if request.POST.get("section") == "phases" else None, initial=initial_phases
    )
    terms = challenge.current_terms()
    terms_form = TermsForm(
        request.POST if request.POST.get("section") == "terms" else None,
        initial={
            "usage": terms.usage,
            "ip_owner": terms.ip_owner,
            "minimum_age": terms.minimum_age,
            "text": terms.text,
        }
        if terms
        else None,
    )
    lists_form = ListsForm(
        request.POST if request.POST.get("section") == "lists" else None,
        initial={
            "jury": "\n".join(
                f"{j.user.email}, {j.role}" for j in challenge.jury.select_related("user")
            ),
            "prizes": "\n".join(
                f"{p.title}, {p.points}" if p.points is not None else p.title
                for p in challenge.prizes.all()
            ),
            "review_windows": "\n".join(
                f"{w.cutoff_at:%Y-%m-%d}, {w.review_at:%Y-%m-%d}"
                for w in challenge.review_windows.all()
            ),
        },
    )
    context = {
        "challenge": challenge,
        "form": form,
        "phases_form": phases_form,
        "terms_form": terms_form,
        "lists_form": lists_form,
        "terms": terms,
    }
    if request.method == "POST":
        section = request.POST.get("section")
        bound = {
            "details": form,
            "phases": phases_form,
            "terms": terms_form,
            "lists": lists_form,
        }.get(section or "")
        if bound is None or not bound.is_valid():
            return render(request, "challenges/edit.html", context, status=422)
        try:
            _save_section(request, challenge, section or "", bound)
        except ActionError as exc:
            return failed(request, exc, "challenges/edit.html", context, bound)
        messages.success(request, _("Saved."))
        return redirect("challenges:edit", challenge.pk)
    return render(request, "challenges/edit.html", context)


def _save_section(
    request: HttpRequest, challenge: Challenge, section: str, form: forms.Form
) -> None:
    data = form.cleaned_data
    if section == "details":
        data = dict(data)
        data["supporter_questions"] = [
            line.strip() for line in data["supporter_questions"].splitlines() if line.strip()
        ]
        actions.update_challenge(request.user, challenge, **data)
    elif section == "phases":
        actions.set_phases(request.user, challenge, form.phases())  # type: ignore[attr-defined]
    elif section == "terms":
        actions.publish_terms(request.user, challenge, **data)
    elif section == "lists":
        actions.set_jury(request.user, challenge, _jury_lines(challenge, data["jury"]))
        actions.set_prizes(request.user, challenge, _prize_lines(data["prizes"]))
        actions.set_review_windows(
            request.user,
            challenge,
            [
                dict(
                    zip(
                        ("cutoff_at", "review_at"),
                        (part.strip() for part in line.split(",", 1)),
                        strict=False,
                    )
                )
                for line in data["review_windows"].splitlines()
                if line.strip()
            ],
        )


def _jury_lines(challenge: Challenge, text: str) -> list[dict[str, Any]]:
    from cocreate.accounts.models import User

    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        email, _sep, role = line.partition(",")
        user = User.objects.filter(email=email.strip().lower()).first()
        rows.append({"user_id": user.pk if user else 0, "role": role.strip()})
    return rows


def _prize_lines(text: str) -> list[dict[str, Any]]:
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        title, _sep, points = line.rpartition(",")
        if title and points.strip().isdigit():
            rows.append({"title": title.strip(), "points": int(points.strip())})
        else:
            rows.append({"title": line.strip(), "points": None})
    return rows


@login_required
@require_POST
def challenge_publish(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _challenge(request, challenge_id)
    try:
        actions.publish_challenge(request.user, challenge)
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("The challenge is published."))
    return redirect("challenges:detail", challenge.pk)


def decision_log(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _challenge(request, challenge_id)
    page = Paginator(idea_queries.decision_log(challenge), 50).get_page(request.GET.get("page"))
    return render(request, "challenges/decisions.html", {"challenge": challenge, "page": page})
