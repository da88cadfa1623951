"""Membership emails: application decisions and invitations sent to an address."""

from cocreate.accounts.models import User
from cocreate.communities.models import Application, Invitation
from cocreate.core import mail
from cocreate.core.consumers import consumer
from cocreate.core.models import Event


@consumer("membership_emails", kinds=["application.decided", "invitation.created"])
def membership_emails(event: Event) -> None:
    if event.kind == "application.decided":
        application = (
            Application.objects.select_related("community", "user")
            .filter(pk=event.target_id or 0)
            .first()
        )
        if application is None or not application.user.is_active:
            return
        mail.send(
            application.user.email,
            "application_decided",
            {
                "application": application,
                "community": application.community,
                "accepted": event.data.get("accepted"),
            },
            application.user.language,
        )
    elif event.kind == "invitation.created" and event.data.get("email"):
        invitation = (
            Invitation.objects.select_related("community", "created_by")
            .filter(pk=event.target_id or 0)
            .first()
        )
        if invitation is None or not invitation.usable:
            return
        known = User.objects.filter(email=invitation.email).first()
        mail.send(
            invitation.email,
            "invitation",
            {"invitation": invitation, "community": invitation.community},
            known.language if known else "en",
        )
