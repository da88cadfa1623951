"""`cocreate consensus ...`: analyze an export (text and JSON), import, export,
recompute and list, through the same actions and rules as the site."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from cocreate.communities.models import Membership, Role
from cocreate.consensus import actions, polis
from cocreate.consensus.models import Conversation
from tests.consensus.helpers import make_voters, plant, two_sides

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("consensus", *args, stdout=out)
    return out.getvalue()


def test_analyze_prints_json(london):
    data = json.loads(run("analyze", str(london), "--json"))
    assert {"groups", "members", "representative", "consensus", "group_consensus"} <= set(data)
    result = polis.read_export(london).compute()
    assert data["groups"] == len(result.groups)
    assert data["participants"] == len(result.matrix.participant_ids)
    assert set(data["representative"]) == {str(g.id) for g in result.groups}


def test_analyze_prints_a_summary(london):
    out = run("analyze", str(london))
    first = out.splitlines()[0]
    assert first.endswith("groups") and "participants" in first and "placed" in first
    assert "group 0:" in out and "common ground: statement" in out


def test_analyze_refuses_a_folder_that_is_no_export(tmp_path):
    with pytest.raises(CommandError, match=r"missing|not a folder"):
        run("analyze", str(tmp_path))
    with pytest.raises(CommandError):
        run("analyze", str(tmp_path / "nowhere"))


def test_import_acts_as_the_first_owner_and_reports_counts(london, community, owner):
    out = run("import", str(london), "--community", community.slug, "--title", "London")
    conversation = Conversation.objects.get()
    assert out.startswith(f"conversation {conversation.pk}: 27 participants, 36 statements")
    assert "638 votes" in out and "groups shown" in out
    assert conversation.created_by == owner and conversation.title == "London"
    assert conversation.computed_version == conversation.version


def test_import_as_someone_allowed(london, community, staff):
    run("import", str(london), "--community", community.slug, "--as", staff.email)
    assert Conversation.objects.get().created_by == staff


def test_import_refusals(london, community, owner, member, tmp_path):
    with pytest.raises(CommandError, match="permission"):
        run("import", str(london), "--community", community.slug, "--as", member.email)
    with pytest.raises(CommandError, match="No community"):
        run("import", str(london), "--community", "no-such-place")
    with pytest.raises(CommandError, match="No active account"):
        run("import", str(london), "--community", community.slug, "--as", "who@nowhere.example")
    with pytest.raises(CommandError, match="folder"):
        run("import", str(tmp_path), "--community", community.slug)
    assert not Conversation.objects.exists()


def test_import_needs_an_owner_or_as(london, community, owner):
    Membership.objects.filter(community=community, role=Role.OWNER).delete()
    with pytest.raises(CommandError, match="--as"):
        run("import", str(london), "--community", community.slug)


def test_export_recompute_and_list(conversation, community, owner, member, tmp_path):
    plant(conversation, make_voters(community, 10), lambda i, j, s: two_sides(i, j, s, half=5))
    out = run("recompute", str(conversation.pk))
    conversation.refresh_from_db()
    assert out.startswith(f"conversation {conversation.pk}: 2 groups in ")
    assert conversation.computed_version == conversation.version
    out = run("export", str(conversation.pk), str(tmp_path / "out"))
    assert (tmp_path / "out" / "votes.csv").is_file()
    assert len(polis.read_export(tmp_path / "out").votes.participants) == 80
    closed = actions.create_conversation(owner, community, title="Second")
    actions.edit_conversation(owner, closed, status="closed")
    rows = run("list", community.slug).splitlines()
    assert len(rows) == 2
    assert any(r.startswith(f"{conversation.pk}\topen\t10 people\t80 votes\t") for r in rows)
    assert any(r.startswith(f"{closed.pk}\tclosed\t0 people\t0 votes\tSecond") for r in rows)


def test_export_refusals(conversation, member, tmp_path):
    with pytest.raises(CommandError, match="permission"):
        run("export", str(conversation.pk), str(tmp_path / "a"), "--as", member.email)
    with pytest.raises(CommandError, match="No conversation"):
        run("export", "999999", str(tmp_path / "b"))
    with pytest.raises(CommandError, match="No conversation"):
        run("recompute", "999999")
    assert not (tmp_path / "a").exists()
