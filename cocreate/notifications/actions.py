"""Every write of notifications: follows, reading, preferences, unsubscribing, and
the fan-out of events into notifications and emails (called by the consumer and
the digest job)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core import events
from cocreate.core.errors import Conflict, Forbidden, Invalid, NotFound
from cocreate.core.permissions import can
from cocreate.notifications.models import EmailMode, Follow, Kind, Notification, Preference

UNSUBSCRIBE_SALT = "cocreate.notifications.unsubscribe"


def _visible(actor: Any, name: str, target: Any) -> bool:
    verbs = {
        "community": "community.view",
        "challenge": "challenge.view",
        "idea": "idea.view",
        "person": None,
    }
    verb = verbs[name]
    return verb is None or can(actor, verb, target)


def follow(actor: Any, *, automatic: bool = False, **target: Any) -> Follow:
    """Follow one thing: community=, challenge=, idea= or person=."""
    # A confirmed address only: nobody can sign up with someone else's address and
    # have digests sent to it.
    if not actor.is_authenticated or actor.email_confirmed_at is None:
        raise Forbidden()
    [(name, obj)] = target.items()
    if name not in Follow.TARGETS:
        raise Invalid(fields={name: _("That does not exist.")})
    if obj is None or not _visible(actor, name, obj):
        raise NotFound()
    if name == "person" and obj.pk == actor.pk:
        raise Invalid(fields={"person": _("You cannot follow yourself.")})
    try:
        with transaction.atomic():
            row = Follow.objects.create(user=actor, automatic=automatic, **{name: obj})
            if not automatic:
                events.record("follow.created", actor=actor, target=row, followed=name)
    except IntegrityError as exc:
        raise Conflict(_("You already follow this.")) from exc
    return row


def follow_quietly(user: Any, **target: Any) -> None:
    """Automatic follows (on what one creates, supports, comments on): a no-op when
    the follow exists, or was removed by hand before (then it is not forced back)."""
    [(name, obj)] = target.items()
    if Follow.objects.filter(user=user, **{name: obj}).exists():
        return
    if events_unfollowed(user, name, obj):
        return
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, automatic=True, **{name: obj})
    except IntegrityError:
        pass


def events_unfollowed(user: Any, name: str, obj: Any) -> bool:
    from cocreate.core.models import Event

    return Event.objects.filter(
        kind="follow.removed", actor=user, data__followed=name, data__target_id=obj.pk
    ).exists()


def unfollow(actor: Any, row: Follow) -> None:
    if row.user_id != actor.pk:
        raise NotFound()
    name, target_id = row.target_kind, getattr(row, f"{row.target_kind}_id")
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(pk=row.pk).delete()
        if not deleted:
            raise NotFound()
        events.record("follow.removed", actor=actor, followed=name, target_id=target_id)


def mark_read(actor: Any, ids: list[int] | None = None) -> int:
    """Mark some (or, with ids=None, all) of the actor's notifications read."""
    rows = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def preference_for(user: Any) -> Preference:
    row = Preference.objects.filter(user=user).first()
    return row if row is not None else Preference(user=user)


def set_preferences(actor: Any, **fields: Any) -> Preference:
    if not actor.is_authenticated:
        raise NotFound()
    row = preference_for(actor)
    if "email_mode" in fields:
        if fields["email_mode"] not in EmailMode.values:
            raise Invalid(fields={"email_mode": _("Choose one of the options.")})
        row.email_mode = fields["email_mode"]
    if "timezone" in fields:
        if fields["timezone"] not in zoneinfo.available_timezones():
            raise Invalid(fields={"timezone": _("Choose a time zone from the list.")})
        row.timezone = fields["timezone"]
    if "digest_time" in fields:
        value = fields["digest_time"]
        if isinstance(value, str):
            try:
                value = time.fromisoformat(value)
            except ValueError as exc:
                raise Invalid(fields={"digest_time": _("Use HH:MM.")}) from exc
        row.digest_time = value.replace(second=0, microsecond=0)
    if "digest_weekday" in fields:
        if fields["digest_weekday"] not in range(7):
            raise Invalid(fields={"digest_weekday": _("0 (Monday) to 6 (Sunday).")})
        row.digest_weekday = fields["digest_weekday"]
    if "muted_kinds" in fields:
        kinds = list(dict.fromkeys(fields["muted_kinds"] or []))
        if any(kind not in Kind.values for kind in kinds):
            raise Invalid(fields={"muted_kinds": _("Unknown kind of notification.")})
        row.muted_kinds = kinds
    with transaction.atomic():
        row.save()
        events.record("notifications.preferences_set", actor=actor, target=row)
    return row


def unsubscribe_token(user: Any) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe(token: str) -> Any:
    """One click from an email, without signing in: the signed token is the proof.
    Turns email off; notifications stay in the app."""
    from cocreate.accounts.models import User

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise NotFound(_("This unsubscribe link is not valid.")) from exc
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        raise NotFound(_("This unsubscribe link is not valid."))
    row = preference_for(user)
    row.email_mode = EmailMode.OFF
    with transaction.atomic():
        row.save()
        events.record("notifications.unsubscribed", actor=user, target=row)
    return user


# --- digests ---------------------------------------------------------------------------------


def digest_due(pref: Preference, now: datetime) -> datetime | None:
    """The latest scheduled digest moment at or before `now` in the member's time
    zone, if no digest was sent for it yet."""
    zone = zoneinfo.ZoneInfo(pref.timezone or "UTC")
    local = now.astimezone(zone)
    moment = datetime.combine(local.date(), pref.digest_time, tzinfo=zone)
    if moment > local:
        moment -= timedelta(days=1)
    if pref.email_mode == EmailMode.WEEKLY:
        while moment.weekday() != pref.digest_weekday:
            moment -= timedelta(days=1)
    elif pref.email_mode != EmailMode.DAILY:
        return None
    if pref.last_digest_at is not None and pref.last_digest_at >= moment:
        return None
    return moment
