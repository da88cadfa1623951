"""End to end against a real local receiver: an event reaches it signed, and the
signature verifies with the endpoint's secret."""

import hashlib
import hmac
import json

import pytest

from cocreate.core.consumers import run_all
from cocreate.ideas import actions as idea_actions
from cocreate.webhooks import actions
from cocreate.webhooks.models import Delivery

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_submitted_idea_reaches_the_receiver_signed(
    community, webmaster, challenge, author, receiver
):
    endpoint = actions.create_endpoint(
        webmaster, community, url=receiver.url, kinds=["idea.submitted"]
    )
    idea = idea_actions.submit_idea(author, challenge, title="Refill", body="Bring bottles back.")
    run_all()

    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    expected = "sha256=" + hmac.new(endpoint.secret.encode(), got.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(got.headers["X-Cocreate-Signature"], expected)
    payload = json.loads(got.body)
    assert payload["event"] == "idea.submitted"
    assert payload["idea"]["id"] == idea.pk
    assert payload["idea"]["title"] == "Refill"
    assert got.headers["X-Cocreate-Delivery"] == payload["delivery"]
    delivery = Delivery.objects.get()
    assert delivery.status == "succeeded" and delivery.attempts == 1
