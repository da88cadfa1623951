"""Every write to accounts: sign-up, confirmation, log-in with throttling, password
reset, profile, API tokens. Pages, API and CLI call these and nothing else."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from cocreate.accounts.handles import clean_handle
from cocreate.accounts.models import LANGUAGE_CHOICES, ApiToken, User, hash_token
from cocreate.core import events, ratelimit
from cocreate.core.errors import Forbidden, Invalid, NotFound, RateLimited
from cocreate.core.images import clean_image

LANGUAGE_CODES = {code for code, _label in LANGUAGE_CHOICES}
CONFIRM_SALT = "cocreate.accounts.confirm"
DEVICE_SALT = "cocreate.accounts.device"
DEVICE_COOKIE = "cocreate_device"


# --- helpers ---------------------------------------------------------------


def _clean_email(email: str, field: str = "email") -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise Invalid(fields={field: _("Enter a valid email address.")}) from exc
    return email


def _clean_display_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(fields={"display_name": _("Enter a display name.")})
    if len(name) > 60:
        raise Invalid(fields={"display_name": _("At most 60 characters.")})
    return name


def _validate_password(password: str, user: User, field: str = "password") -> None:
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as exc:
        raise Invalid(fields={field: list(exc.messages)}) from exc


def _clean_language(language: str) -> str:
    if language not in LANGUAGE_CODES:
        raise Invalid(fields={"language": _("Choose English or 简体中文.")})
    return language


# --- sign-up and email confirmation ------------------------------------------


def sign_up(*, email: str, password: str, display_name: str, language: str = "en") -> User:
    email = _clean_email(email)
    user = User(
        email=email,
        display_name=_clean_display_name(display_name),
        language=_clean_language(language),
    )
    _validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            events.record("account.signed_up", actor=user, target=user)
    except IntegrityError as exc:
        raise Invalid(fields={"email": _("An account with this email already exists.")}) from exc
    return user


def confirmation_token(user: User) -> str:
    # The payload carries the confirmation state, so a used link stops matching.
    return signing.dumps([user.pk, user.email, bool(user.email_confirmed_at)], salt=CONFIRM_SALT)


def confirm_email(token: str) -> User:
    try:
        pk, email, confirmed = signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.EMAIL_CONFIRM_TIMEOUT
        )
    except signing.SignatureExpired as exc:
        raise Invalid(_("This confirmation link has expired. Ask for a new one.")) from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise Invalid(_("This confirmation link is not valid.")) from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=pk, email=email).first()
        if user is None or confirmed or user.email_confirmed_at is not None:
            raise Invalid(_("This confirmation link has already been used."))
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        events.record("account.email_confirmed", actor=user, target=user)
    return user


def resend_confirmation(user: User) -> None:
    if user.email_confirmed_at is not None:
        raise Invalid(_("Your email address is already confirmed."))
    ratelimit.hit(f"confirm:{user.pk}", 5, 3600)
    with transaction.atomic():
        events.record("account.confirmation_requested", actor=user, target=user)


# --- log-in throttling -----------------------------------------------------------
#
# Each attempt reserves a slot in three counters before the password is checked
# (so parallel guesses cannot slip past a check): the client IP, and either the
# account or, for a browser that has logged in to that account before, that
# device. A success gives its slots back. The device cookie is what stops anyone
# from locking the real owner out: their known browser has its own allowance, and
# a password reset from the email link always signs them in on a fresh device.


def _account_key(email: str) -> str:
    return "login:acct:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def device_cookie_value(user: User) -> str:
    return signing.dumps([user.pk, secrets.token_hex(8)], salt=DEVICE_SALT)


def _device_key(device_cookie: str | None, email: str) -> str | None:
    if not device_cookie:
        return None
    try:
        pk, nonce = signing.loads(device_cookie, salt=DEVICE_SALT, max_age=365 * 86400)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not User.objects.filter(pk=pk, email=email).exists():
        return None
    return f"login:dev:{pk}:{nonce}"


def _give_back(key: str, seconds: int) -> None:
    from cocreate.core.models import RateBucket

    RateBucket.objects.filter(
        key=key, window_start=ratelimit._window(seconds, timezone.now()), count__gt=0
    ).update(count=F("count") - 1)


def authenticate(*, email: str, password: str, ip: str, device_cookie: str | None = None) -> User:
    """Check credentials under the log-in limits. Raises RateLimited (429) or
    Invalid; returns the user on success."""
    email = (email or "").strip().lower()
    window = settings.LOGIN_FAILURE_WINDOW
    ip_key = f"login:ip:{ip}"
    account_key = _device_key(device_cookie, email) or _account_key(email)
    ratelimit.hit(ip_key, settings.LOGIN_FAILURES_PER_IP, window, sliding=True)
    try:
        ratelimit.hit(account_key, settings.LOGIN_FAILURES_PER_ACCOUNT, window, sliding=True)
    except RateLimited:
        _give_back(ip_key, window)
        raise
    user = User.objects.filter(email=email).first()
    if user is None:
        User().set_password(password)  # same cost as a real check: no account probing by timing
    if user is None or not user.check_password(password) or not user.is_active:
        with transaction.atomic():
            events.record("account.login_failed", target=user, ip=ip)
        raise Invalid(
            _("That email and password do not match."),
            fields={
                "password": _("That email and password do not match."),
            },
        )
    _give_back(ip_key, window)
    ratelimit.reset(account_key)
    return user


def record_login(user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        events.record("account.logged_in", actor=user, target=user)


# --- password reset --------------------------------------------------------------


def request_password_reset(*, email: str, ip: str) -> None:
    """Always succeeds for a well-formed address, so nobody learns who has an
    account; only real accounts get an email."""
    email = _clean_email(email)
    ratelimit.hit(f"reset:ip:{ip}", 10, 3600)
    ratelimit.hit(f"reset:acct:{_account_key(email)}", 3, 3600)
    user = User.objects.filter(email=email, is_active=True).first()
    if user is not None:
        with transaction.atomic():
            events.record("account.password_reset_requested", target=user)


def password_reset_link_parts(user: User) -> tuple[str, str]:
    # Django's token hashes the password and last login: it stops working once
    # used, and after PASSWORD_RESET_TIMEOUT.
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def user_for_reset(uidb64: str, token: str) -> User:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError) as exc:
        raise Invalid(_("This password reset link is not valid or has been used.")) from exc
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        raise Invalid(_("This password reset link is not valid or has been used."))
    return user


def reset_password(*, uidb64: str, token: str, password: str) -> User:
    user = user_for_reset(uidb64, token)
    _validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.last_login = timezone.now()  # invalidates the token that was just used
        # Whoever can read the mailbox owns the account: confirm it and lift locks.
        if user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()
        user.save(update_fields=["password", "last_login", "email_confirmed_at"])
        ratelimit.reset(_account_key(user.email))
        events.record("account.password_reset", actor=user, target=user)
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    if not user.check_password(current):
        raise Invalid(fields={"current_password": _("Your current password is not correct.")})
    _validate_password(new, user, field="new_password")
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        events.record("account.password_changed", actor=user, target=user)


# --- profile -------------------------------------------------------------------


def update_profile(
    user: User,
    *,
    display_name: str | None = None,
    handle: str | None = None,
    bio: str | None = None,
    languages: list[str] | None = None,
    language: str | None = None,
    avatar: Any = None,
    remove_avatar: bool = False,
) -> User:
    # Check everything before touching `user`: a refused save must leave the
    # in-memory user (shown in the page header) exactly as stored.
    changes: dict[str, Any] = {}
    if display_name is not None:
        changes["display_name"] = _clean_display_name(display_name)
    if handle is not None and handle != user.handle:
        changes["handle"] = clean_handle(handle, user_id=user.pk)
    if bio is not None:
        bio = bio.strip()
        if len(bio) > 280:
            raise Invalid(fields={"bio": _("At most 280 characters.")})
        changes["bio"] = bio
    if languages is not None:
        cleaned: list[str] = []
        for item in languages:
            item = " ".join(str(item).split())[:40]
            if item and item not in cleaned:
                cleaned.append(item)
        if len(cleaned) > 10:
            raise Invalid(fields={"languages": _("List at most 10 languages.")})
        changes["languages"] = cleaned
    if language is not None:
        changes["language"] = _clean_language(language)
    new_avatar = clean_image(avatar, field="avatar", max_side=256) if avatar else None
    changed = list(changes)
    with transaction.atomic():
        for field, value in changes.items():
            setattr(user, field, value)
        if new_avatar is not None or remove_avatar:
            if user.avatar:
                user.avatar.delete(save=False)
            if new_avatar is not None:
                user.avatar.save(new_avatar.name or "avatar.png", new_avatar, save=False)
            changed.append("avatar")
        if changed:
            try:
                with transaction.atomic():
                    user.save(update_fields=changed)
            except IntegrityError as exc:  # the same handle claimed a moment before
                raise Invalid(fields={"handle": _("This handle is taken.")}) from exc
            events.record("account.profile_updated", actor=user, target=user, fields=changed)
    return user


def set_language(user: Any, language: str) -> None:
    language = _clean_language(language)
    if user is not None and user.is_authenticated and user.language != language:
        update_profile(user, language=language)


# --- API tokens ----------------------------------------------------------------


TOKEN_PREFIX = "cc_"


def create_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise Invalid(fields={"name": _("Give the token a name of at most 80 characters.")})
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= 20:
        raise Invalid(fields={"name": _("You have 20 active tokens; revoke one first.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:10], token_hash=hash_token(raw)
        )
        events.record("account.token_created", actor=user, target=token, name=name)
    return token, raw


def revoke_token(user: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or token.user_id != user.pk:
            raise NotFound()
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            events.record("account.token_revoked", actor=user, target=token)
    return token


def user_for_token(raw: str) -> User | None:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def issue_token_for_credentials(
    *, email: str, password: str, ip: str, name: str
) -> tuple[ApiToken, str]:
    user = authenticate(email=email, password=password, ip=ip)
    return create_token(user, name=name or "API")


def require_confirmed(user: User) -> None:
    if user.email_confirmed_at is None:
        raise Forbidden(_("Confirm your email address first."))
