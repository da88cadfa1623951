"""`cocreate webhooks ...` goes through the same actions and rules as the site."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cocreate.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("webhooks", *args, stdout=out)
    return out.getvalue()


def test_staff_add_list_test_and_read_the_log(
    community, webmaster, dead_url, django_capture_on_commit_callbacks
):
    out = run(
        "add", community.slug, "--url", dead_url, "--event", "idea.submitted",
        "--event", "comment.posted", "--as", webmaster.email,
    )  # fmt: skip
    endpoint = Endpoint.objects.get()
    assert endpoint.secret in out
    assert endpoint.kinds == ["idea.submitted", "comment.posted"]
    assert f"{endpoint.pk}\tactive\t{dead_url}" in run(
        "list", community.slug, "--as", webmaster.email
    )

    with django_capture_on_commit_callbacks(execute=True):
        run("test", str(endpoint.pk), "--as", webmaster.email)  # sent at once: refused
    delivery = Delivery.objects.get()
    assert delivery.kind == "ping" and delivery.attempts == 1 and delivery.status == "pending"
    log = run("deliveries", str(endpoint.pk), "--as", webmaster.email)
    assert str(delivery.pk) in log and "ConnectionRefusedError" in log


def test_a_member_is_refused_and_nothing_is_made(community, make_members, dead_url):
    (member,) = make_members(1)
    with pytest.raises(CommandError):
        run("add", community.slug, "--url", dead_url, "--event", "idea.submitted",
            "--as", member.email)  # fmt: skip
    assert not Endpoint.objects.exists()


def test_bad_input_is_a_clear_error(community, webmaster):
    with pytest.raises(CommandError, match="url"):
        run("add", community.slug, "--url", "ftp://x.example", "--event", "idea.submitted",
            "--as", webmaster.email)  # fmt: skip
    with pytest.raises(CommandError, match="No delivery"):
        run("redeliver", "not-a-uuid", "--as", webmaster.email)
    assert not Endpoint.objects.exists()
