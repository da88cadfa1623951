"""Joining by application: answers are required, one pending application per
person, staff accept or decline once with a message (emailed), applicants may
withdraw, and only the applicant and staff see an application."""

from __future__ import annotations

import pytest
from django.core import mail

from cocreate.communities import actions
from cocreate.communities.models import Application, Membership
from cocreate.core.consumers import run_all
from cocreate.core.errors import Conflict, Forbidden, Invalid, NotFound
from cocreate.core.models import Event
from tests.communities.helpers import (
    API,
    assert_error,
    assert_member_counts_exact,
    db_state,
    post_json,
)
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

QUESTIONS = ["Why do you want to join?", "What would you make?"]


@pytest.fixture
def by_application(community, owner, staff, member):
    community.join_policy = "application"
    community.application_questions = QUESTIONS
    community.save()
    return community


@pytest.fixture
def applicant(db):
    return UserFactory(display_name="Ada Applicant", email="ada@example.org")


@pytest.fixture
def application(by_application, applicant):
    return actions.apply(applicant, by_application, answers=["I ride.", "Maps."])


def test_applying_stores_questions_with_answers_as_pending(by_application, applicant):
    application = actions.apply(applicant, by_application, answers=[" I ride. ", "Maps."])

    assert application.status == "pending"
    assert application.answers == [
        {"question": QUESTIONS[0], "answer": "I ride."},
        {"question": QUESTIONS[1], "answer": "Maps."},
    ]
    assert not Membership.objects.filter(user=applicant).exists()
    assert Event.objects.filter(kind="application.submitted", actor=applicant).count() == 1


@pytest.mark.parametrize(
    ("answers", "missing"),
    [
        ([], {"answers.0", "answers.1"}),
        (["I ride."], {"answers.1"}),
        (["  ", "Maps"], {"answers.0"}),
    ],
)
def test_every_question_needs_an_answer(by_application, applicant, api_client, answers, missing):
    client = api_client(applicant)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.apply(applicant, by_application, answers=answers)
    response = post_json(
        client, f"{API}/communities/{by_application.slug}/applications", {"answers": answers}
    )

    assert set(exc.value.fields) == missing
    error = assert_error(response, 422, "invalid")
    assert set(error["fields"]) == missing
    assert db_state() == before


def test_an_answer_over_2000_characters_is_rejected(by_application, applicant):
    before = db_state()
    with pytest.raises(Invalid) as exc:
        actions.apply(applicant, by_application, answers=["ok", "x" * 2001])
    assert set(exc.value.fields) == {"answers.1"}
    assert db_state() == before


def test_second_pending_application_is_a_409(application, by_application, applicant, api_client):
    client = api_client(applicant)
    before = db_state()

    with pytest.raises(Conflict):
        actions.apply(applicant, by_application, answers=["Again", "Again"])
    response = post_json(
        client,
        f"{API}/communities/{by_application.slug}/applications",
        {"answers": ["Again", "Again"]},
    )

    assert_error(response, 409, "conflict")
    assert db_state() == before
    assert Application.objects.filter(user=applicant, status="pending").count() == 1


def test_after_withdrawing_one_may_apply_again(application, by_application, applicant):
    actions.withdraw_application(applicant, application)
    again = actions.apply(applicant, by_application, answers=["Second try", "Maps"])

    assert again.status == "pending"
    statuses = Application.objects.filter(user=applicant).values_list("status", flat=True)
    assert sorted(statuses) == ["pending", "withdrawn"]


@pytest.mark.parametrize("policy", ["open", "invitation"])
def test_communities_not_taking_applications_refuse_them(community, applicant, policy):
    community.join_policy = policy
    community.save()
    before = db_state()
    with pytest.raises(Forbidden):
        actions.apply(applicant, community, answers=[])
    assert db_state() == before


def test_members_cannot_apply(by_application, member):
    before = db_state()
    with pytest.raises(Forbidden):
        actions.apply(member, by_application, answers=["a", "b"])
    assert db_state() == before


@pytest.mark.parametrize("decider", ["owner", "staff", "site_staff"])
def test_accepting_creates_the_membership_and_emails_the_applicant(
    request, application, by_application, applicant, decider
):
    person = request.getfixturevalue(decider)
    count_before = by_application.member_count

    decided = actions.decide_application(person, application, accept=True, message="Welcome!")

    assert decided.status == "accepted"
    assert decided.decided_by == person
    assert decided.decided_at is not None
    assert decided.message == "Welcome!"
    assert Membership.objects.get(community=by_application, user=applicant).role == "member"
    by_application.refresh_from_db()
    assert by_application.member_count == count_before + 1
    assert_member_counts_exact()
    event = Event.objects.get(kind="application.decided")
    assert event.data["accepted"] is True and event.data["user_id"] == applicant.pk

    run_all()

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ada@example.org"]
    assert by_application.name in email.subject
    assert "has been accepted" in email.body
    assert "Welcome!" in email.body
    assert f"/c/{by_application.slug}/" in email.body


def test_declining_with_a_message_emails_it_and_creates_no_membership(
    application, by_application, applicant, staff
):
    before = by_application.member_count

    decided = actions.decide_application(
        staff, application, accept=False, message="Please apply again next season."
    )

    assert decided.status == "declined"
    assert not Membership.objects.filter(community=by_application, user=applicant).exists()
    by_application.refresh_from_db()
    assert by_application.member_count == before
    run_all()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert "was not accepted" in mail.outbox[0].body
    assert "Please apply again next season." in mail.outbox[0].body
    run_all()
    assert len(mail.outbox) == 1


def test_the_email_is_sent_once_the_decision_commits(
    application, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_application(staff, application, accept=True)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("second", [True, False])
def test_deciding_twice_is_a_409_and_keeps_the_first_decision(
    application, staff, owner, api_client, first, second
):
    actions.decide_application(staff, application, accept=first, message="first")
    client = api_client(owner)
    before = db_state()

    with pytest.raises(Conflict):
        actions.decide_application(owner, application, accept=second, message="second")
    response = post_json(
        client, f"{API}/applications/{application.pk}/decision", {"accept": second}
    )

    assert_error(response, 409, "conflict")
    assert db_state() == before
    application.refresh_from_db()
    assert application.message == "first"
    assert application.decided_by == staff


@pytest.mark.parametrize("who", ["moderator", "member", "outsider"])
def test_others_cannot_decide_and_nothing_changes(request, application, api_client, who):
    person = request.getfixturevalue(who)
    client = api_client(person)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.decide_application(person, application, accept=True)
    response = post_json(client, f"{API}/applications/{application.pk}/decision", {"accept": True})
    page = client_for(person).post(
        f"/c/{application.community.slug}/admin/applications/{application.pk}/", {"accept": "1"}
    )

    assert_error(response, 404, "not_found")
    assert page.status_code == 403
    assert db_state() == before


def test_applicant_cannot_decide_own_application(application, applicant, api_client):
    client = api_client(applicant)
    before = db_state()
    response = post_json(client, f"{API}/applications/{application.pk}/decision", {"accept": True})
    assert_error(response, 403, "forbidden")
    assert db_state() == before


def test_withdrawing_marks_the_application_withdrawn(application, applicant, api_client):
    response = post_json(api_client(applicant), f"{API}/applications/{application.pk}/withdraw")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert Event.objects.filter(kind="application.withdrawn", actor=applicant).count() == 1


def test_a_withdrawn_application_cannot_be_decided(application, applicant, staff):
    actions.withdraw_application(applicant, application)
    before = db_state()
    with pytest.raises(Conflict):
        actions.decide_application(staff, application, accept=True)
    assert db_state() == before
    assert not Membership.objects.filter(user=applicant).exists()


def test_a_decided_application_cannot_be_withdrawn(application, applicant, staff, api_client):
    actions.decide_application(staff, application, accept=False)
    client = api_client(applicant)
    before = db_state()

    with pytest.raises(Conflict):
        actions.withdraw_application(applicant, application)
    response = post_json(client, f"{API}/applications/{application.pk}/withdraw")

    assert_error(response, 409, "conflict")
    assert db_state() == before


@pytest.mark.parametrize("who", ["staff", "member", "outsider"])
def test_nobody_else_can_withdraw_an_application(request, application, api_client, who):
    person = request.getfixturevalue(who)
    client = api_client(person)
    before = db_state()

    with pytest.raises(NotFound):
        actions.withdraw_application(person, application)
    response = post_json(client, f"{API}/applications/{application.pk}/withdraw")
    page = client_for(person).post(f"/applications/{application.pk}/withdraw/")

    assert_error(response, 404, "not_found")
    assert page.status_code == 404
    assert db_state() == before


def test_applicant_sees_only_their_own_application_in_the_api(
    application, by_application, applicant, member, api_client
):
    other = UserFactory()
    other_application = actions.apply(other, by_application, answers=["x", "y"])
    url = f"{API}/communities/{by_application.slug}/applications"

    mine = api_client(applicant).get(url).json()
    theirs = api_client(other).get(url).json()
    members_view = api_client(member).get(url).json()

    assert [a["id"] for a in mine["items"]] == [application.pk] and mine["count"] == 1
    assert mine["items"][0]["answers"][0] == {"question": QUESTIONS[0], "answer": "I ride."}
    assert mine["items"][0]["user"]["id"] == applicant.pk
    assert [a["id"] for a in theirs["items"]] == [other_application.pk]
    assert members_view == {"items": [], "count": 0}


def test_staff_see_every_application_and_can_filter_by_status(
    application, by_application, staff, api_client
):
    other = actions.apply(UserFactory(), by_application, answers=["x", "y"])
    actions.decide_application(staff, other, accept=False)
    url = f"{API}/communities/{by_application.slug}/applications"
    client = api_client(staff)

    everything = client.get(url).json()
    pending = client.get(url, {"status": "pending"}).json()

    assert {a["id"] for a in everything["items"]} == {application.pk, other.pk}
    assert [a["id"] for a in pending["items"]] == [application.pk]


def test_others_cannot_read_an_application_via_decision_or_withdraw(
    application, member, api_client
):
    # The API hides applications from people who are neither applicant nor staff.
    response = post_json(api_client(member), f"{API}/applications/{application.pk}/withdraw")
    assert_error(response, 404, "not_found")


def test_anonymous_cannot_list_or_submit_applications(by_application):
    url = f"{API}/communities/{by_application.slug}/applications"
    before = db_state()
    assert_error(client_for(None).get(url), 401, "unauthenticated")
    assert_error(post_json(client_for(None), url, {"answers": ["a", "b"]}), 401, "unauthenticated")
    assert db_state() == before


def test_apply_page_shows_questions_and_missing_answer_errors(by_application, applicant):
    client = client_for(applicant)
    form = client.get(f"/c/{by_application.slug}/apply/")
    assert form.status_code == 200
    assert QUESTIONS[0] in form.content.decode()
    before = db_state()

    response = client.post(f"/c/{by_application.slug}/apply/", {"answer_0": "I ride."})

    assert response.status_code == 422
    html = response.content.decode()
    assert f"Please answer: {QUESTIONS[1]}" in html
    assert "I ride." in html  # the given answer is kept
    assert db_state() == before


def test_apply_page_sends_the_application(by_application, applicant):
    response = client_for(applicant).post(
        f"/c/{by_application.slug}/apply/", {"answer_0": "I ride.", "answer_1": "Maps."}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/c/{by_application.slug}/"
    application = Application.objects.get(user=applicant)
    assert [a["answer"] for a in application.answers] == ["I ride.", "Maps."]
    page = client_for(applicant).get(f"/c/{by_application.slug}/").content.decode()
    assert "Application pending" in page


def test_staff_accept_through_the_admin_page(application, by_application, applicant, staff):
    admin = client_for(staff).get(f"/c/{by_application.slug}/admin/")
    assert admin.status_code == 200
    assert "Ada Applicant" in admin.content.decode()

    response = client_for(staff).post(
        f"/c/{by_application.slug}/admin/applications/{application.pk}/",
        {"accept": "1", "message": "Come in"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.message) == ("accepted", "Come in")
    assert Membership.objects.filter(community=by_application, user=applicant).exists()
    assert_member_counts_exact()


def test_withdraw_page_withdraws_own_application(application, by_application, applicant):
    response = client_for(applicant).post(f"/applications/{application.pk}/withdraw/")

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn"
