"""The digest job: for every member with notifications not yet emailed, whose
daily or weekly digest time has come in their time zone, one email with those
notifications (never one already emailed; nothing at all when there is nothing)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.notifications import actions, emails, queries
from cocreate.notifications.models import EmailMode, Notification, Preference


def send_due(now: datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    waiting = (
        Notification.objects.filter(emailed_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user in User.objects.filter(
        pk__in=waiting, is_active=True, email_confirmed_at__isnull=False
    ):
        pref = actions.preference_for(user)
        moment = actions.digest_due(pref, now)
        # Due only for what was waiting at the member's time: a first notification at
        # 14:00 waits for tomorrow's 06:30, not the next run of this job.
        if (
            moment is None
            or not Notification.objects.filter(
                user=user, emailed_at__isnull=True, created_at__lte=moment
            ).exists()
        ):
            continue
        with transaction.atomic():
            # The preference row is the per-member lock: two workers running the
            # job at once send one digest.
            row, _created = Preference.objects.get_or_create(user=user)
            locked = Preference.objects.select_for_update().get(pk=row.pk)
            if locked.last_digest_at is not None and locked.last_digest_at >= moment:
                continue
            pending = list(
                Notification.objects.filter(user=user, emailed_at__isnull=True)
                .select_related(
                    "actor", "idea__challenge__community", "challenge", "comment", "update"
                )
                .order_by("created_at", "pk")
            )
            items = [n for n in pending if queries.shown(n, user)]
            if items:
                # Sent inside the transaction: if sending fails, nothing is marked and
                # the next run tries again; once marked, an item is never sent again.
                period = "weekly" if pref.email_mode == EmailMode.WEEKLY else "daily"
                emails.send_digest(user, items, period)
                sent += 1
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
            locked.last_digest_at = now
            locked.save(update_fields=["last_digest_at"])
    return sent
