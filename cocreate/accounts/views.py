from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cocreate.accounts import actions
from cocreate.accounts.models import LANGUAGE_CHOICES, User
from cocreate.communities import queries as community_queries
from cocreate.core import ratelimit
from cocreate.core.errors import ActionError
from cocreate.core.views import error_page, failed
from cocreate.notifications.queries import is_following

# --- forms (shape and labels only; rules live in the actions) ---------------------


class SignUpForm(forms.Form):
    display_name = forms.CharField(label=gettext_lazy("Display name"), max_length=60)
    email = forms.EmailField(label=gettext_lazy("Email"))
    password = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("At least 8 characters; not a common password."),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=LANGUAGE_CHOICES)


class LoginForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput)


class EmailForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))


class NewPasswordForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("New password"), widget=forms.PasswordInput)


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=gettext_lazy("Display name"), max_length=60)
    handle = forms.CharField(
        label=gettext_lazy("Handle"),
        max_length=31,
        required=False,  # left empty: keep the current one
        help_text=gettext_lazy("Others mention you as @handle: letters A-Z, digits, underscores."),
    )
    bio = forms.CharField(
        label=gettext_lazy("Short bio"),
        max_length=280,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    languages = forms.CharField(
        label=gettext_lazy("Languages you speak"),
        required=False,
        max_length=400,
        help_text=gettext_lazy("Separate with commas, e.g. English, 中文"),
    )
    language = forms.ChoiceField(label=gettext_lazy("Interface language"), choices=LANGUAGE_CHOICES)
    avatar = forms.FileField(
        label=gettext_lazy("Avatar"),
        required=False,
        help_text=gettext_lazy("PNG, JPEG, GIF or WebP, at most 5 MB."),
    )
    remove_avatar = forms.BooleanField(label=gettext_lazy("Remove my avatar"), required=False)


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label=gettext_lazy("Current password"), widget=forms.PasswordInput
    )
    new_password = forms.CharField(label=gettext_lazy("New password"), widget=forms.PasswordInput)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=80,
        help_text=gettext_lazy("What will use it, e.g. “reporting script”."),
    )


def _next_url(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _log_in(request: HttpRequest, user: User, response_to: str) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    actions.record_login(user)
    response = redirect(response_to)
    response.set_cookie(
        actions.DEVICE_COOKIE,
        actions.device_cookie_value(user),
        max_age=365 * 86400,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        max_age=365 * 86400,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


# --- sign-up, confirmation, log-in ---------------------------------------------------


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(
        request.POST or None, initial={"language": getattr(request, "LANGUAGE_CODE", "en")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.hit(f"signup:ip:{ratelimit.client_ip(request)}", 20, 3600)
            user = actions.sign_up(**form.cleaned_data)
        except ActionError as exc:
            return failed(request, exc, "accounts/signup.html", {"form": form}, form)
        messages.success(
            request, _("Welcome! We sent a confirmation link to %(email)s.") % {"email": user.email}
        )
        return _log_in(request, user, reverse("home"))
    return render(request, "accounts/signup.html", {"form": form})


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    # The link only shows a button: GET never changes anything.
    if request.method == "POST":
        try:
            user = actions.confirm_email(token)
        except ActionError as exc:
            return render(
                request, "accounts/confirm.html", {"error": exc.message}, status=exc.status
            )
        messages.success(request, _("Thank you, your email address is confirmed."))
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect("home")
        return redirect("accounts:login")
    return render(request, "accounts/confirm.html", {"token": token})


@login_required
@require_POST
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    try:
        actions.resend_confirmation(request.user)  # type: ignore[arg-type]
    except ActionError as exc:
        return error_page(request, exc)
    email = request.user.email  # type: ignore[union-attr]
    messages.success(request, _("We sent a new confirmation link to %(email)s.") % {"email": email})
    return redirect(_next_url(request))


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    context = {"form": form, "next": request.GET.get("next", "")}
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.authenticate(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip=ratelimit.client_ip(request),
                device_cookie=request.COOKIES.get(actions.DEVICE_COOKIE),
            )
        except ActionError as exc:
            return failed(request, exc, "accounts/login.html", context, form)
        return _log_in(request, user, _next_url(request))
    return render(request, "accounts/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("home")


def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_password_reset(
                email=form.cleaned_data["email"], ip=ratelimit.client_ip(request)
            )
        except ActionError as exc:
            return failed(request, exc, "accounts/password_reset.html", {"form": form}, form)
        return render(request, "accounts/password_reset.html", {"sent": True})
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        actions.user_for_reset(uidb64, token)
    except ActionError as exc:
        return render(
            request,
            "accounts/password_reset_confirm.html",
            {"invalid": True, "error": exc.message},
            status=400,
        )
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.reset_password(
                uidb64=uidb64, token=token, password=form.cleaned_data["password"]
            )
        except ActionError as exc:
            return failed(
                request, exc, "accounts/password_reset_confirm.html", {"form": form}, form
            )
        messages.success(request, _("Your password has been changed."))
        return _log_in(request, user, reverse("home"))
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


# --- profile and settings ------------------------------------------------------------


def profile(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id, is_active=True)
    communities = [
        m
        for m in person.memberships.select_related("community", "community__parent").order_by(
            "community__name"
        )
        if _visible(request, m.community)
    ]
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "memberships": communities,
            "following": is_following(request.user, person=person),
        },
    )


def _visible(request: HttpRequest, community: object) -> bool:
    from cocreate.core.permissions import can

    return can(request.user, "community.view", community)


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "display_name": user.display_name,
            "handle": user.handle,
            "bio": user.bio,
            "languages": ", ".join(user.languages),
            "language": user.language,
        },
    )
    password_form = PasswordChangeForm()
    context = {"form": form, "password_form": password_form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_profile(
                user,
                display_name=data["display_name"],
                handle=data["handle"] or None,
                bio=data["bio"],
                languages=[p for p in data["languages"].replace("，", ",").split(",")],
                language=data["language"],
                avatar=data.get("avatar"),
                remove_avatar=data.get("remove_avatar", False),
            )
        except ActionError as exc:
            return failed(request, exc, "accounts/settings.html", context, form)
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:settings")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=365 * 86400,
            samesite="Lax",
            secure=request.is_secure(),
        )
        return response
    status = 422 if request.method == "POST" else 200  # here only when the form is invalid
    return render(request, "accounts/settings.html", context, status=status)


@login_required
@require_POST
def change_password(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(request.POST)
    profile_form = ProfileForm(
        initial={
            "display_name": user.display_name,
            "bio": user.bio,
            "languages": ", ".join(user.languages),
            "language": user.language,
        }
    )
    context = {"form": profile_form, "password_form": form}
    if form.is_valid():
        try:
            actions.change_password(
                user,
                current=form.cleaned_data["current_password"],
                new=form.cleaned_data["new_password"],
            )
        except ActionError as exc:
            return failed(request, exc, "accounts/settings.html", context, form)
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", context, status=422)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    context: dict[str, object] = {"form": form, "tokens": user.api_tokens.all()}
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = actions.create_token(user, name=form.cleaned_data["name"])
        except ActionError as exc:
            return failed(request, exc, "accounts/tokens.html", context, form)
        # The secret is rendered in this one response and never again.
        context.update(
            {
                "form": TokenForm(),
                "new_token": token,
                "raw_token": raw,
                "tokens": user.api_tokens.all(),
            }
        )
        return render(request, "accounts/tokens.html", context, status=201)
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = actions.revoke_token(request.user, token_id)  # type: ignore[arg-type]
    except ActionError as exc:
        return error_page(request, exc)
    messages.success(request, _("Token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    try:
        actions.set_language(request.user, language)
    except ActionError as exc:
        return error_page(request, exc)
    response = redirect(_next_url(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 86400,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def home(request: HttpRequest) -> HttpResponse:
    mine = list(community_queries.my_communities(request.user))
    mine_ids = {c.pk for c in mine}
    discover = [
        c
        for c in community_queries.visible_communities(request.user).order_by(
            "-member_count", "name"
        )[:24]
        if c.pk not in mine_ids
    ]
    return render(
        request,
        "home.html",
        {
            "mine": mine,
            "discover": discover,
            "roles": community_queries.memberships_of(request.user),
        },
    )
