from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cocreate.challenges.models import Challenge
from cocreate.communities import actions, queries
from cocreate.communities.models import (
    Application,
    Community,
    Invitation,
    JoinPolicy,
    Membership,
    Role,
    Visibility,
)
from cocreate.consensus import queries as conversation_queries
from cocreate.core.errors import ActionError
from cocreate.core.permissions import can, role_in
from cocreate.core.views import error_page, failed, is_htmx
from cocreate.notifications.queries import is_following

# --- forms -------------------------------------------------------------------------


class CommunityForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    slug = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=60,
        help_text=gettext_lazy("Lowercase letters, numbers and hyphens."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    visibility = forms.ChoiceField(label=gettext_lazy("Visibility"), choices=Visibility.choices)
    join_policy = forms.ChoiceField(label=gettext_lazy("Who can join"), choices=JoinPolicy.choices)
    seat_limit = forms.IntegerField(
        label=gettext_lazy("Seat limit"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Leave empty for no limit."),
    )
    application_questions = forms.CharField(
        label=gettext_lazy("Application questions"),
        required=False,
        max_length=3500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One question per line; asked when the community takes applications."
        ),
    )
    logo = forms.FileField(label=gettext_lazy("Logo"), required=False)
    members_start_conversations = forms.BooleanField(
        label=gettext_lazy("Members may start conversations"),
        required=False,
        help_text=gettext_lazy("Staff always can. Conversations map opinions and common ground."),
    )


class CommunityCreateForm(CommunityForm):
    mission = forms.CharField(
        label=gettext_lazy("Mission"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    values = forms.CharField(
        label=gettext_lazy("Values"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rules = forms.CharField(
        label=gettext_lazy("Open rules"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Markdown. Everyone can read the rules."),
    )


class CommunitySettingsForm(CommunityForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["slug"]


class CharterForm(forms.Form):
    mission = forms.CharField(
        label=gettext_lazy("Mission"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    values = forms.CharField(
        label=gettext_lazy("Values"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    rules = forms.CharField(
        label=gettext_lazy("Open rules"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    summary = forms.CharField(label=gettext_lazy("What changed"), required=False, max_length=200)


class CircleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    slug = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=60,
        help_text=gettext_lazy("Lowercase letters, numbers and hyphens."),
    )
    description = forms.CharField(
        label=gettext_lazy("What is this circle about?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationForm(forms.Form):
    expires_in_days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), initial=7, min_value=1, max_value=90
    )
    max_uses = forms.IntegerField(
        label=gettext_lazy("Number of uses"), initial=1, min_value=1, max_value=1000
    )
    email = forms.EmailField(label=gettext_lazy("Send to email (optional)"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=120)


# --- helpers ---------------------------------------------------------------------------


def _community(request: HttpRequest, slug: str) -> Community:
    community = get_object_or_404(Community.objects.select_related("parent"), slug=slug)
    if not can(request.user, "community.view", community):
        raise Http404  # private communities look missing to outsiders
    return community


def _require(request: HttpRequest, verb: str, obj: Any) -> None:
    if not can(request.user, verb, obj):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied


def _questions(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _join_panel(request: HttpRequest, community: Community, status: int = 200) -> HttpResponse:
    return render(
        request, "communities/_join_panel.html", _join_context(request, community), status=status
    )


def _join_context(request: HttpRequest, community: Community) -> dict[str, Any]:
    user = request.user
    pending = None
    if user.is_authenticated:
        pending = community.applications.filter(user=user, status="pending").first()
    return {
        "community": community,
        "my_role": role_in(user, community),
        # A full community offers no Join button (joining would be a 409 "no seats").
        "can_join": can(user, "community.join", community) and community.seats_left != 0,
        "can_apply": can(user, "community.apply", community),
        "can_leave": can(user, "community.leave", community),
        "needs_parent": community.parent_id is not None
        and user.is_authenticated
        and role_in(user, community.parent) is None,
        "pending_application": pending,
    }


# --- pages ------------------------------------------------------------------------------


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    circles = [
        c for c in community.circles.order_by("name") if can(request.user, "community.view", c)
    ]
    context = {
        **_join_context(request, community),
        "charter": community.current_charter(),
        "challenges": list(
            Challenge.objects.filter(community=community, status="published").order_by(
                "-is_idea_box", "-published_at", "-pk"
            )[:6]
        ),
        "circles": circles,
        "members": queries.members(community)[:12],
        "role_counts": queries.role_counts(community),
        "manages": can(request.user, "community.manage_members", community),
        "can_propose": can(request.user, "circle.propose", community),
        "can_create_circle": can(request.user, "circle.create", community),
        "moderates": can(request.user, "content.moderate", community),
        "following": is_following(request.user, community=community),
        "conversations": conversation_queries.for_community(community, request.user)[:5],
        "conversation_community": community,
    }
    return render(request, "communities/detail.html", context)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    _require(request, "community.create", None)
    form = CommunityCreateForm(
        request.POST or None,
        request.FILES or None,
        initial={"visibility": "public", "join_policy": "open"},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["application_questions"] = _questions(data["application_questions"])
        try:
            community = actions.create_community(request.user, **data)
        except ActionError as exc:
            return failed(request, exc, "communities/create.html", {"form": form}, form)
        messages.success(request, _("%(name)s is ready.") % {"name": community.name})
        return redirect("communities:detail", community.slug)
    return render(request, "communities/create.html", {"form": form})


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    _require(request, "community.edit", community)
    form = CommunitySettingsForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "name": community.name,
            "description": community.description,
            "visibility": community.visibility,
            "join_policy": community.join_policy,
            "seat_limit": community.seat_limit,
            "application_questions": "\n".join(community.application_questions),
            "members_start_conversations": community.members_start_conversations,
        },
    )
    context = {"form": form, "community": community}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["application_questions"] = _questions(data["application_questions"])
        try:
            actions.update_community(request.user, community, **data)
        except ActionError as exc:
            return failed(request, exc, "communities/edit.html", context, form)
        messages.success(request, _("Settings saved."))
        return redirect("communities:detail", community.slug)
    return render(request, "communities/edit.html", context)


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    try:
        actions.join(request.user, community)
    except ActionError as exc:
        if is_htmx(request):
            messages.error(request, str(exc.message))
            return _join_panel(request, community, exc.status)
        return error_page(request, exc)
    messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
    if is_htmx(request):
        community.refresh_from_db()
        return _join_panel(request, community)
    return redirect("communities:detail", community.slug)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    try:
        actions.leave(request.user, community)
    except ActionError as exc:
        return error_page(request, exc)
    messages.info(request, _("You left %(name)s.") % {"name": community.name})
    if not can(request.user, "community.view", community):
        return redirect("home")
    return redirect("communities:detail", community.slug)


@login_required
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    questions = community.application_questions or []
    answers = [request.POST.get(f"answer_{i}", "") for i in range(len(questions))]
    context = {
        **_join_context(request, community),
        "items": [
            {"question": q, "answer": a, "error": None}
            for q, a in zip(questions, answers, strict=True)
        ],
    }
    if request.method == "POST":
        try:
            actions.apply(request.user, community, answers=answers)
        except ActionError as exc:
            for index, item in enumerate(context["items"]):
                errors = exc.fields.get(f"answers.{index}")
                item["error"] = errors[0] if errors else None
            return failed(request, exc, "communities/apply.html", context)
        messages.success(
            request,
            _("Your application has been sent. You will get an email when the team decides."),
        )
        return redirect("communities:detail", community.slug)
    return render(request, "communities/apply.html", context)


@login_required
@require_POST
def withdraw_application(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.select_related("community"), pk=application_id, user=request.user
    )
    try:
        actions.withdraw_application(request.user, application)
    except ActionError as exc:
        return error_page(request, exc)
    messages.info(request, _("Your application is withdrawn."))
    return redirect("communities:detail", application.community.slug)


def members(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    page = Paginator(queries.members(community, role=role or None), 48).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "communities/members.html",
        {
            "community": community,
            "page": page,
            "role": role,
            "roles": Role.choices,
            "role_counts": queries.role_counts(community),
        },
    )


def charter_history(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    versions = community.charter_versions.select_related("author").order_by("-number")
    return render(
        request,
        "communities/charter_history.html",
        {
            "community": community,
            "versions": versions,
            "can_edit": can(request.user, "charter.edit", community),
        },
    )


def charter_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    community = _community(request, slug)
    version = get_object_or_404(community.charter_versions.select_related("author"), number=number)
    previous = community.charter_versions.filter(number=number - 1).first()
    return render(
        request,
        "communities/charter_version.html",
        {
            "community": community,
            "version": version,
            "previous": previous,
            "diff": queries.charter_diff(previous, version),
            "latest": community.charter_versions.order_by("-number")
            .values_list("number", flat=True)
            .first(),
        },
    )


@login_required
def charter_edit(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    _require(request, "charter.edit", community)
    current = community.current_charter()
    form = CharterForm(
        request.POST or None,
        initial={
            "mission": current.mission if current else "",
            "values": current.values if current else "",
            "rules": current.rules if current else "",
        },
    )
    context = {"form": form, "community": community, "current": current}
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.edit_charter(request.user, community, **form.cleaned_data)
        except ActionError as exc:
            return failed(request, exc, "communities/charter_edit.html", context, form)
        messages.success(request, _("Charter version %(n)d published.") % {"n": version.number})
        return redirect("communities:charter_version", community.slug, version.number)
    return render(request, "communities/charter_edit.html", context)


@login_required
def circle_new(request: HttpRequest, slug: str) -> HttpResponse:
    parent = _community(request, slug)
    creating = can(request.user, "circle.create", parent)
    if not creating:
        _require(request, "circle.propose", parent)
    form = CircleForm(request.POST or None)
    context = {"form": form, "community": parent, "creating": creating}
    if request.method == "POST" and form.is_valid():
        try:
            if creating:
                circle = actions.create_circle(request.user, parent, **form.cleaned_data)
                messages.success(request, _("Circle %(name)s created.") % {"name": circle.name})
            else:
                circle = actions.propose_circle(request.user, parent, **form.cleaned_data)
                messages.success(request, _("Thank you! The team will review your proposal."))
        except ActionError as exc:
            return failed(request, exc, "communities/circle_new.html", context, form)
        return redirect("communities:detail", circle.slug)
    return render(request, "communities/circle_new.html", context)


@login_required
@require_POST
def circle_decide(request: HttpRequest, slug: str) -> HttpResponse:
    circle = _community(request, slug)
    try:
        actions.decide_circle(
            request.user,
            circle,
            approve=request.POST.get("approve") == "1",
            message=request.POST.get("message", ""),
        )
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Decision recorded."))
    assert circle.parent is not None
    return redirect("communities:admin", circle.parent.slug)


# --- administration ---------------------------------------------------------------------


def _admin_context(request: HttpRequest, community: Community) -> dict[str, Any]:
    return {
        "community": community,
        "applications": queries.pending_applications(community),
        "proposals": queries.proposed_circles(community) if community.parent_id is None else [],
        "members": queries.members(community),
        "invitations": community.invitations.select_related("created_by")[:50],
        "log": queries.membership_log(community)[:50],
        "roles": Role.choices,
        "invitation_form": InvitationForm(),
        "is_owner": role_in(request.user, community) == Role.OWNER
        or can(request.user, "community.create", None),
    }


@login_required
def admin(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    _require(request, "community.manage_members", community)
    return render(request, "communities/admin.html", _admin_context(request, community))


@login_required
@require_POST
def decide_application(request: HttpRequest, slug: str, application_id: int) -> HttpResponse:
    community = _community(request, slug)
    application = get_object_or_404(
        Application.objects.select_related("community", "user"),
        pk=application_id,
        community=community,
    )
    try:
        actions.decide_application(
            request.user,
            application,
            accept=request.POST.get("accept") == "1",
            message=request.POST.get("message", ""),
        )
    except ActionError as exc:
        return error_page(request, exc)
    application.refresh_from_db()
    if is_htmx(request):
        return render(request, "communities/_application_row.html", {"application": application})
    messages.success(request, _("Decision sent to %(name)s.") % {"name": application.user})
    return redirect("communities:admin", community.slug)


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    community = _community(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "community"), community=community, user_id=user_id
    )
    try:
        actions.change_role(request.user, membership, request.POST.get("role", ""))
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Role updated for %(name)s.") % {"name": membership.user})
    return redirect("communities:admin", community.slug)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    community = _community(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "community"), community=community, user_id=user_id
    )
    try:
        actions.remove_member(request.user, membership, reason=request.POST.get("reason", ""))
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("%(name)s was removed.") % {"name": membership.user})
    return redirect("communities:admin", community.slug)


@login_required
@require_POST
def create_invitation(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    _require(request, "invitation.create", community)
    form = InvitationForm(request.POST)
    context = {**_admin_context(request, community), "invitation_form": form}
    if not form.is_valid():
        return render(request, "communities/admin.html", context, status=422)
    try:
        invitation = actions.create_invitation(request.user, community, **form.cleaned_data)
    except ActionError as exc:
        return failed(request, exc, "communities/admin.html", context, form)
    messages.success(
        request,
        _("Invitation link created: %(url)s")
        % {"url": request.build_absolute_uri(f"/invite/{invitation.code}/")},
    )
    return redirect("communities:admin", community.slug)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    community = _community(request, slug)
    invitation = get_object_or_404(Invitation, pk=invitation_id, community=community)
    try:
        actions.revoke_invitation(request.user, invitation)
    except ActionError as exc:
        return error_page(request, exc)
    messages.info(request, _("Invitation revoked."))
    return redirect("communities:admin", community.slug)


def invitation(request: HttpRequest, code: str) -> HttpResponse:
    invite = get_object_or_404(
        Invitation.objects.select_related("community", "created_by"), code=code
    )
    community = invite.community
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        try:
            actions.accept_invitation(request.user, code)
        except ActionError as exc:
            return error_page(request, exc)
        messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
        return redirect("communities:detail", community.slug)
    return render(
        request,
        "communities/invitation.html",
        {
            "invitation": invite,
            "community": community,
            "is_member": role_in(request.user, community) is not None,
            "can_accept": can(request.user, "invitation.accept", invite),
        },
    )


def _login_url() -> str:
    from django.urls import reverse

    return reverse("accounts:login")


def directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    qs = queries.visible_communities(request.user)
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(qs.order_by("-member_count", "name"), 24).get_page(request.GET.get("page"))
    return render(
        request,
        "communities/directory.html",
        {
            "page": page,
            "q": q,
            "roles": queries.memberships_of(request.user),
            "can_create": can(request.user, "community.create", None),
        },
    )
