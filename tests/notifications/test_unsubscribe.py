"""One-click unsubscribe links: they work without signing in (a GET only shows the
button, a POST turns email off), cannot be forged or tampered with, and a link made
for one member never touches another."""

from __future__ import annotations

import base64
import json

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from cocreate.core.models import Event
from cocreate.dialogue import actions as dialogue
from cocreate.notifications import actions, digests
from cocreate.notifications.models import Preference
from tests.conftest import client_for
from tests.notifications.helpers import deliver, emails_to, snapshot

pytestmark = pytest.mark.django_db


def link_for(user) -> str:
    return reverse("notifications:unsubscribe", args=[actions.unsubscribe_token(user)])


def mode(user) -> str:
    return actions.preference_for(user).email_mode


def test_the_link_in_an_email_unsubscribes_without_signing_in(idea, author, member):
    actions.set_preferences(author, email_mode="each")
    deliver()
    mail.outbox.clear()
    dialogue.post_comment(member, idea, body="Lovely idea")
    [message] = emails_to(author)
    path = message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    anonymous = Client(enforce_csrf_checks=True)  # as a mail client would: no session, no CSRF

    before = snapshot()
    page = anonymous.get(path)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert snapshot() == before  # a GET changes nothing
    assert mode(author) == "each"

    done = anonymous.post(path, {"List-Unsubscribe": "One-Click"})

    assert done.status_code == 200
    assert mode(author) == "off"
    assert Event.objects.filter(kind="notifications.unsubscribed", actor=author).count() == 1
    # Notifications still arrive in the app, but no more email.
    mail.outbox.clear()
    dialogue.post_comment(member, idea, body="Another one")
    deliver()
    assert mail.outbox == []
    assert digests.send_due() == 0


def test_unsubscribing_a_member_without_a_preference_row(member):
    assert not Preference.objects.filter(user=member).exists()
    assert client_for(None).post(link_for(member)).status_code == 200
    assert Preference.objects.get(user=member).email_mode == "off"


def test_unsubscribing_twice_is_harmless(member):
    client = client_for(None)
    assert client.post(link_for(member)).status_code == 200
    assert client.post(link_for(member)).status_code == 200
    assert mode(member) == "off"


def test_a_link_made_for_one_member_never_touches_another(member, author):
    actions.set_preferences(author, email_mode="weekly")
    actions.set_preferences(member, email_mode="each")

    client_for(author).post(link_for(member))  # even when someone else is signed in

    assert mode(member) == "off"
    assert mode(author) == "weekly"


def _tampered(token: str, **payload) -> str:
    """The token with its payload replaced, keeping the original signature."""
    _value, signature = token.rsplit(":", 1)
    forged = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
    return forged.decode().rstrip("=") + ":" + signature


def forgeries(victim, attacker) -> dict[str, str]:
    mine = actions.unsubscribe_token(attacker)
    return {
        "other user's id under my signature": _tampered(mine, u=victim.pk),
        "signature changed": mine[:-2] + ("aa" if not mine.endswith("aa") else "bb"),
        "wrong salt": signing.dumps({"u": victim.pk}, salt="something.else"),
        "wrong key": signing.dumps(
            {"u": victim.pk}, key="not-the-secret-key", salt=actions.UNSUBSCRIBE_SALT
        ),
        "unsigned": base64.urlsafe_b64encode(b'{"u":%d}' % victim.pk).decode().rstrip("="),
        "garbage": "not-a-token",
    }


@pytest.mark.parametrize(
    "name",
    [
        "other user's id under my signature",
        "signature changed",
        "wrong salt",
        "wrong key",
        "unsigned",
        "garbage",
    ],
)
def test_a_forged_or_tampered_link_is_404_and_changes_nothing(member, outsider, name):
    actions.set_preferences(member, email_mode="each")
    actions.set_preferences(outsider, email_mode="each")
    token = forgeries(member, outsider)[name]
    path = reverse("notifications:unsubscribe", args=[token])
    before = snapshot()

    client = client_for(None)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404

    assert snapshot() == before
    assert mode(member) == "each" and mode(outsider) == "each"


def test_the_link_of_a_disabled_account_does_nothing(member):
    actions.set_preferences(member, email_mode="each")
    member.is_active = False
    member.save(update_fields=["is_active"])
    before = snapshot()
    assert client_for(None).post(link_for(member)).status_code == 404
    assert snapshot() == before


def test_the_token_names_the_member_only_by_a_signed_id(member):
    token = actions.unsubscribe_token(member)
    assert member.email not in token
    assert signing.loads(token, salt=actions.UNSUBSCRIBE_SALT) == {"u": member.pk}
