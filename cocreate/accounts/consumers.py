"""Account emails, sent by the task worker after the action's transaction commits."""

from django.urls import reverse

from cocreate.accounts import actions
from cocreate.accounts.models import User
from cocreate.core import mail
from cocreate.core.consumers import consumer
from cocreate.core.models import Event


@consumer(
    "account_emails",
    kinds=[
        "account.signed_up",
        "account.confirmation_requested",
        "account.password_reset_requested",
    ],
)
def account_emails(event: Event) -> None:
    user = User.objects.filter(pk=event.target_id or 0, is_active=True).first()
    if user is None:
        return
    if event.kind == "account.password_reset_requested":
        uid, token = actions.password_reset_link_parts(user)
        link = reverse("accounts:password_reset_confirm", args=[uid, token])
        mail.send(user.email, "password_reset", {"user": user, "link": link}, user.language)
    elif user.email_confirmed_at is None:
        link = reverse("accounts:confirm", args=[actions.confirmation_token(user)])
        mail.send(user.email, "confirm_email", {"user": user, "link": link}, user.language)
