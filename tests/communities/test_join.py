import pytest
from django.core import mail

from cocreate.communities import actions
from cocreate.communities.models import Community, Membership
from cocreate.core.consumers import run_all
from cocreate.core.errors import Conflict, Forbidden
from cocreate.core.models import Event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_open_join_creates_membership_counts_and_event(community, outsider):
    membership = actions.join(outsider, community)
    community.refresh_from_db()
    assert membership.role == "member"
    assert community.member_count == 1
    assert Event.objects.filter(kind="membership.joined", actor=outsider).count() == 1


def test_joining_twice_is_a_conflict_and_changes_nothing(community, member):
    with pytest.raises(Forbidden):
        actions.join(member, community)
    community.refresh_from_db()
    assert community.member_count == 1
    assert Membership.objects.filter(community=community).count() == 1


def test_seat_limit_is_enforced(community):
    Community.objects.filter(pk=community.pk).update(seat_limit=1)
    community.refresh_from_db()
    actions.join(UserFactory(), community)
    with pytest.raises(Conflict):
        actions.join(UserFactory(), community)
    community.refresh_from_db()
    assert community.member_count == 1 == Membership.objects.filter(community=community).count()


def test_unconfirmed_email_cannot_join(community):
    person = UserFactory(email_confirmed_at=None)
    with pytest.raises(Forbidden):
        actions.join(person, community)
    assert not Membership.objects.filter(user=person).exists()


def test_application_decision_emails_the_applicant(community, owner):
    community.join_policy = "application"
    community.application_questions = ["Why?"]
    community.save()
    applicant = UserFactory(email="applicant@example.org")
    application = actions.apply(applicant, community, answers=["Because I ride."])
    actions.decide_application(owner, application, accept=True, message="Welcome aboard")
    run_all()
    assert Membership.objects.filter(community=community, user=applicant).exists()
    assert len(mail.outbox) == 1
    assert "Welcome aboard" in mail.outbox[0].body
    assert mail.outbox[0].to == ["applicant@example.org"]
    run_all()
    assert len(mail.outbox) == 1  # each event is handled once
