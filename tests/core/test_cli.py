"""The `cocreate` command, run as a real process on a fresh SQLite database:
`help` lists Django's commands, and `demo` (run twice after `migrate`) creates the
bilingual demo community once, with its challenges, ideas and discussions. Four
subprocesses in all: help, migrate, demo, demo."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ROLES = {"owner", "staff", "moderator", "employee", "partner", "member"}


def _env(var_dir: Path) -> dict[str, str]:
    # Clean environment: the test run's DJANGO_SETTINGS_MODULE and database must not leak.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
            "COCREATE_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "cocreate.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def cocreate(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "cocreate.cli", *args],
        cwd=REPO,
        env=_env(var_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"cocreate {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@dataclass
class DemoRun:
    db: Path
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    after_first: dict[str, int]
    after_second: dict[str, int]

    def query(self, sql: str, *params: object) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()

    def value(self, sql: str, *params: object) -> object:
        return self.query(sql, *params)[0][0]

    @property
    def community_id(self) -> int:
        return int(self.value("SELECT id FROM communities_community WHERE slug = 'nimbus-riders'"))

    def challenges(self) -> list[tuple[int, str, int]]:
        return self.query(
            "SELECT id, title, is_idea_box FROM challenges_challenge WHERE community_id = ?",
            self.community_id,
        )

    def ideas_sql(self) -> str:
        """The demo community's ideas, as a subquery of ids."""
        return (
            "SELECT i.id FROM ideas_idea i JOIN challenges_challenge c ON c.id = i.challenge_id "
            f"WHERE c.community_id = {self.community_id}"
        )


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[DemoRun]:
    var_dir = tmp_path_factory.mktemp("cocreate-cli")
    db = var_dir / "db.sqlite3"
    cocreate(var_dir, "migrate", "--noinput", "-v", "0")
    first = cocreate(var_dir, "demo")
    after_first = table_counts(db)
    second = cocreate(var_dir, "demo")
    yield DemoRun(db, first, second, after_first, table_counts(db))


def test_help_lists_django_and_cocreate_commands(tmp_path):
    out = cocreate(tmp_path, "help").stdout
    for command in ("migrate", "createsuperuser", "shell", "check", "demo"):
        assert f"    {command}\n" in out, command


def test_demo_uses_the_temporary_database_only(demo):
    assert demo.db.exists()
    assert demo.query("SELECT COUNT(*) FROM django_migrations")[0][0] > 0


def test_demo_creates_nimbus_riders_with_sixty_members_in_all_six_roles(demo):
    rows = demo.query(
        "SELECT id, member_count, parent_id FROM communities_community WHERE slug = ?",
        "nimbus-riders",
    )
    assert len(rows) == 1
    community_id, member_count, parent_id = rows[0]
    assert parent_id is None
    memberships = demo.query(
        "SELECT role, COUNT(*) FROM communities_membership WHERE community_id = ? GROUP BY role",
        community_id,
    )
    by_role = dict(memberships)
    assert sum(by_role.values()) == 60
    assert member_count == 60
    assert set(by_role) == ROLES
    assert all(by_role[role] >= 1 for role in ROLES)


def test_demo_has_two_active_circles_with_members_of_the_parent(demo):
    (community_id,) = demo.query(
        "SELECT id FROM communities_community WHERE slug = 'nimbus-riders'"
    )[0]
    circles = demo.query(
        "SELECT id, member_count FROM communities_community "
        "WHERE parent_id = ? AND circle_status = 'active'",
        community_id,
    )
    assert len(circles) == 2
    for circle_id, member_count in circles:
        assert member_count > 0
        outside_parent = demo.query(
            "SELECT COUNT(*) FROM communities_membership m WHERE m.community_id = ? AND NOT "
            "EXISTS (SELECT 1 FROM communities_membership p "
            "WHERE p.community_id = ? AND p.user_id = m.user_id)",
            circle_id,
            community_id,
        )[0][0]
        assert outside_parent == 0
        stored = demo.query(
            "SELECT COUNT(*) FROM communities_membership WHERE community_id = ?", circle_id
        )[0][0]
        assert stored == member_count


def test_demo_has_pending_applications_and_a_charter_history(demo):
    (community_id,) = demo.query(
        "SELECT id FROM communities_community WHERE slug = 'nimbus-riders'"
    )[0]
    pending = demo.query(
        "SELECT COUNT(*) FROM communities_application WHERE community_id = ? AND status = ?",
        community_id,
        "pending",
    )[0][0]
    assert pending >= 1
    versions = demo.query(
        "SELECT COUNT(*) FROM communities_charterversion WHERE community_id = ?", community_id
    )[0][0]
    assert versions >= 2


def test_demo_text_is_bilingual(demo):
    (name, description) = demo.query(
        "SELECT name, description FROM communities_community WHERE slug = 'nimbus-riders'"
    )[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in name + description)
    assert any(ch.isascii() and ch.isalpha() for ch in name + description)


def test_demo_records_events_for_what_it_did(demo):
    kinds = {kind for (kind,) in demo.query("SELECT DISTINCT kind FROM core_event")}
    assert {"community.created", "application.decided", "membership.role_changed"} <= kinds


def test_running_demo_twice_changes_nothing(demo):
    assert demo.after_second == demo.after_first
    assert "already" in demo.second.stdout.lower()
    for table in ("dialogue_comment", "dialogue_reaction", "dialogue_commentversion"):
        assert demo.after_first[table] > 0, table


# --- challenges and ideas ---------------------------------------------------------------


def _now_text() -> str:
    """Now, as SQLite stores Django's datetimes (UTC text that sorts like the moments)."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _in(ids: list[int]) -> str:
    return ",".join(str(pk) for pk in ids) or "NULL"


def test_demo_has_an_idea_box_and_three_challenges_one_in_each_phase(demo):
    challenges = demo.challenges()
    assert len(challenges) == 4
    assert sum(is_box for _pk, _title, is_box in challenges) == 1
    now = _now_text()
    current = {}
    for pk, title, is_box in challenges:
        phases = demo.value("SELECT COUNT(*) FROM challenges_phase WHERE challenge_id = ?", pk)
        if is_box:
            assert phases == 0  # the idea box is always open
            continue
        status = demo.value("SELECT status FROM challenges_challenge WHERE id = ?", pk)
        assert status == "published"
        assert phases == 5
        kinds = demo.query(
            "SELECT kind FROM challenges_phase WHERE challenge_id = ? AND starts_at <= ? "
            "AND (ends_at IS NULL OR ends_at > ?)",
            pk,
            now,
            now,
        )
        assert len(kinds) == 1, title
        current[title] = kinds[0][0]
    assert sorted(current.values()) == ["review", "submission", "support"]
    assert current["Rain-proof commuting · 雨天通勤"] == "submission"


def test_demo_challenges_have_briefs_owners_juries_prizes_and_terms(demo):
    ids = [pk for pk, _title, is_box in demo.challenges() if not is_box]
    for pk in ids:
        brief, need, criteria, owner_id = demo.query(
            "SELECT brief, what_we_need, success_criteria, owner_id "
            "FROM challenges_challenge WHERE id = ?",
            pk,
        )[0]
        assert "###" in brief or "**" in brief  # Markdown
        assert need and criteria
        owner_role = demo.value(
            "SELECT role FROM communities_membership WHERE community_id = ? AND user_id = ?",
            demo.community_id,
            owner_id,
        )
        assert owner_role in {"owner", "staff"}
        jury = demo.query("SELECT role FROM challenges_jurymember WHERE challenge_id = ?", pk)
        assert 2 <= len(jury) <= 3 and all(role for (role,) in jury)
        prizes = demo.value("SELECT COUNT(*) FROM challenges_prize WHERE challenge_id = ?", pk)
        assert prizes >= 1
        first_terms = demo.value(
            "SELECT MIN(number) FROM challenges_termsversion WHERE challenge_id = ?", pk
        )
        assert first_terms == 1

    def count(table: str, condition: str) -> int:
        return int(
            demo.value(f"SELECT COUNT(*) FROM {table} WHERE {condition} AND id IN ({_in(ids)})")
        )

    assert demo.value(
        f"SELECT COUNT(*) FROM challenges_prize WHERE points > 0 AND challenge_id IN ({_in(ids)})"
    )
    assert count("challenges_challenge", "response_days > 0") >= 1
    assert count("challenges_challenge", "supporter_questions != '[]'") >= 1
    windows = demo.value(
        f"SELECT COUNT(*) FROM challenges_reviewwindow WHERE challenge_id IN ({_in(ids)})"
    )
    assert windows >= 1
    # The rain challenge has a second terms version; its ideas record which one they accepted.
    rain = demo.value("SELECT id FROM challenges_challenge WHERE title LIKE 'Rain-proof%'")
    versions = demo.value(
        "SELECT MAX(number) FROM challenges_termsversion WHERE challenge_id = ?", rain
    )
    assert versions == 2
    accepted = demo.value(
        "SELECT COUNT(DISTINCT terms_version_id) FROM ideas_idea WHERE challenge_id = ?", rain
    )
    assert accepted == 2


def test_demo_has_three_hundred_ideas_in_both_languages(demo):
    ideas = demo.ideas_sql()
    assert demo.value(f"SELECT COUNT(*) FROM ideas_idea WHERE id IN ({ideas})") >= 300
    by_language = dict(
        demo.query(f"SELECT language, COUNT(*) FROM ideas_idea WHERE id IN ({ideas}) GROUP BY 1")
    )
    assert set(by_language) == {"en", "zh-hans"}
    assert min(by_language.values()) >= 100  # about half each
    titles = [t for (t,) in demo.query(f"SELECT title FROM ideas_idea WHERE id IN ({ideas})")]
    assert len(set(titles)) >= 290  # varied text, not one idea repeated
    chinese = [t for t in titles if any("\u4e00" <= ch <= "\u9fff" for ch in t)]
    assert len(chinese) >= 100
    # Every challenge and the idea box have ideas, and the stored counts are right.
    for pk, title, _is_box in demo.challenges():
        stored = demo.value("SELECT idea_count FROM challenges_challenge WHERE id = ?", pk)
        counted = demo.value("SELECT COUNT(*) FROM ideas_idea WHERE challenge_id = ?", pk)
        assert stored == counted >= 40, title


def test_demo_ideas_have_remixes_co_authors_and_edits(demo):
    ideas = demo.ideas_sql()

    def count(sql: str) -> int:
        return int(demo.value(sql))

    assert count(f"SELECT COUNT(*) FROM ideas_idea WHERE id IN ({ideas}) AND parent_id > 0") >= 25
    remixes_of_remixes = count(
        f"SELECT COUNT(*) FROM ideas_idea i JOIN ideas_idea p ON p.id = i.parent_id "
        f"WHERE i.id IN ({ideas}) AND p.parent_id > 0"
    )
    assert remixes_of_remixes >= 1
    coauthors = count(
        f"SELECT COUNT(*) FROM ideas_coauthor WHERE idea_id IN ({ideas}) AND status = 'accepted'"
    )
    assert coauthors >= 10
    edited = count(f"SELECT COUNT(*) FROM ideas_idea WHERE id IN ({ideas}) AND version_count > 1")
    assert edited >= 10
    versions = count(f"SELECT COUNT(*) FROM ideas_ideaversion WHERE idea_id IN ({ideas})")
    assert versions == count(f"SELECT SUM(version_count) FROM ideas_idea WHERE id IN ({ideas})")


def test_demo_supports_are_many_exact_and_skewed(demo):
    ideas = demo.ideas_sql()
    supports = demo.value(f"SELECT COUNT(*) FROM ideas_support WHERE idea_id IN ({ideas})")
    assert supports > 1000
    stored = demo.value(f"SELECT SUM(support_count) FROM ideas_idea WHERE id IN ({ideas})")
    assert stored == supports
    own = demo.value(
        f"SELECT COUNT(*) FROM ideas_support s JOIN ideas_idea i ON i.id = s.idea_id "
        f"WHERE i.id IN ({ideas}) AND s.user_id = i.author_id"
    )
    assert own == 0
    counts = [
        n for (n,) in demo.query(f"SELECT support_count FROM ideas_idea WHERE id IN ({ideas})")
    ]
    assert 5 <= sum(30 <= n <= 55 for n in counts) <= 40  # a few popular ideas
    assert sum(n <= 5 for n in counts) >= len(counts) / 2  # many with a handful
    answered = demo.value(
        f"SELECT COUNT(*) FROM ideas_support WHERE idea_id IN ({ideas}) AND answers != '{{}}'"
    )
    assert answered >= 1  # supporter questions were answered


def test_demo_pipeline_covers_every_stage_and_explains_declines(demo):
    ideas = demo.ideas_sql()
    stages = dict(
        demo.query(f"SELECT stage, COUNT(*) FROM ideas_idea WHERE id IN ({ideas}) GROUP BY 1")
    )
    expected = {
        "submitted",
        "gathering_support",
        "under_review",
        "accepted",
        "declined",
        "archived",
        "in_progress",
        "delivered",
        "expired",
    }
    assert expected <= set(stages)
    declined = demo.query(f"SELECT id FROM ideas_idea WHERE id IN ({ideas}) AND stage = 'declined'")
    assert len(declined) >= 5
    for (pk,) in declined:
        reason, actor_id = demo.query(
            "SELECT reason, actor_id FROM ideas_stagechange WHERE idea_id = ? "
            "AND to_stage = 'declined' ORDER BY id DESC LIMIT 1",
            pk,
        )[0]
        assert reason.strip() and actor_id is not None, pk
    silent_archives = demo.value(
        f"SELECT COUNT(*) FROM ideas_stagechange WHERE idea_id IN ({ideas}) "
        "AND to_stage = 'archived' AND TRIM(reason) = ''"
    )
    assert silent_archives == 0


def test_demo_ladder_completes_expires_and_queues_for_review(demo):
    ideas = demo.ideas_sql()

    def count(condition: str, *params: object) -> int:
        sql = f"SELECT COUNT(*) FROM ideas_idea WHERE id IN ({ideas}) AND {condition}"
        return int(demo.value(sql, *params))

    assert count("ladder_completed_at IS NOT NULL") >= 3
    # Reached the top of the ladder and waits for the next review window.
    assert count("stage = 'gathering_support' AND review_window_id > 0") >= 1
    assert count("stage = 'expired'") >= 1
    manual_expiries = demo.value(
        f"SELECT COUNT(*) FROM ideas_stagechange WHERE idea_id IN ({ideas}) "
        "AND to_stage = 'expired' AND automatic = 0"
    )
    assert manual_expiries == 0  # expiry is the scheduled job's
    assert count("resubmission_of_id > 0") >= 1
    # An idea reached review and the team's answer is overdue: listed in public.
    assert count("response_due_at < ? AND responded_at IS NULL", _now_text()) >= 1


def test_demo_history_spans_months_and_ends_now(demo):
    ideas = demo.ideas_sql()
    first, last = demo.query(
        f"SELECT MIN(created_at), MAX(created_at) FROM ideas_idea WHERE id IN ({ideas})"
    )[0]
    now = _now_text()
    assert first < last <= now
    assert first[:7] != last[:7]  # submitted over months, not in one instant
    late = demo.value(
        f"SELECT COUNT(*) FROM ideas_support WHERE idea_id IN ({ideas}) AND created_at > ?", now
    )
    assert late == 0


def test_demo_message_mentions_the_challenges_and_ideas(demo):
    assert "3 challenges" in demo.first.stdout
    assert "300 ideas" in demo.first.stdout
    assert "refused" not in demo.first.stdout  # every planned step passed the rules


# --- discussions ------------------------------------------------------------------------


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_demo_discussions_are_skewed_and_in_the_ideas_language(demo):
    ideas = demo.ideas_sql()
    rows = demo.query(
        f"SELECT i.language, c.body FROM dialogue_comment c JOIN ideas_idea i ON i.id = c.idea_id "
        f"WHERE i.id IN ({ideas})"
    )
    assert len(rows) >= 300
    by_language = {"en": 0, "zh-hans": 0}
    for language, body in rows:
        by_language[language] += 1
        assert _chinese(body) == (language == "zh-hans"), body
    assert min(by_language.values()) >= 100
    bodies = [body for _language, body in rows]
    assert len(set(bodies)) >= 150  # assembled from parts, not a handful of lines
    counts = [
        n for (n,) in demo.query(f"SELECT comment_count FROM ideas_idea WHERE id IN ({ideas})")
    ]
    assert 5 <= sum(n >= 8 for n in counts) <= 20  # a few lively discussions
    assert sum(n <= 3 for n in counts) >= 0.8 * len(counts)  # many quiet ideas
    assert sum(n == 0 for n in counts) >= 50  # not every idea is discussed
    assert sum(n > 0 for n in counts) >= 100  # but a good share is


def test_demo_discussions_have_official_answers_deep_threads_and_accepted_answers(demo):
    community = demo.community_id
    official_roles = demo.query(
        "SELECT m.role, COUNT(*) FROM dialogue_comment c JOIN communities_membership m "
        "ON m.user_id = c.author_id AND m.community_id = c.community_id "
        "WHERE c.official AND c.community_id = ? GROUP BY 1",
        community,
    )
    assert set(dict(official_roles)) <= {"owner", "staff", "employee"}
    assert sum(n for _role, n in official_roles) >= 20
    reviewed = demo.value(
        "SELECT COUNT(DISTINCT c.idea_id) FROM dialogue_comment c JOIN ideas_idea i "
        "ON i.id = c.idea_id WHERE c.official AND i.stage IN "
        "('under_review', 'accepted', 'declined', 'in_progress', 'delivered')"
    )
    assert reviewed >= 5
    # Threads deep enough to be flattened on the page (shown at most three levels deep).
    deep = demo.query(
        "SELECT id, root_id FROM dialogue_comment WHERE depth >= 4 AND community_id = ?", community
    )
    assert deep
    for pk, root_id in deep:
        depth, parent_id = demo.query(
            "SELECT depth, parent_id FROM dialogue_comment WHERE id = ?", pk
        )[0]
        while parent_id is not None:
            parent_depth, parent_root, parent_id_next = demo.query(
                "SELECT depth, root_id, parent_id FROM dialogue_comment WHERE id = ?", parent_id
            )[0]
            assert parent_depth == depth - 1
            assert parent_root in (root_id, None)
            depth, parent_id = parent_depth, parent_id_next
        assert depth == 0 and parent_root is None
    # Askers accepted answers from the ideas' authors (and, on the briefs, from the staff).
    accepted = demo.query(
        "SELECT q.author_id, a.author_id, a.root_id, q.id, i.author_id FROM dialogue_comment q "
        "JOIN dialogue_comment a ON a.id = q.accepted_answer_id "
        "LEFT JOIN ideas_idea i ON i.id = q.idea_id WHERE q.community_id = ?",
        community,
    )
    assert len(accepted) >= 10
    for asker, answerer, root, question, idea_author in accepted:
        assert root == question and answerer != asker
        assert idea_author is None or answerer == idea_author
    assert any(idea_author is not None for *_rest, idea_author in accepted)


def test_demo_challenge_briefs_are_discussed_with_official_answers(demo):
    ids = [pk for pk, _title, is_box in demo.challenges() if not is_box]
    assert len(ids) == 3
    for pk in ids:
        questions = demo.query(
            "SELECT id, body FROM dialogue_comment WHERE challenge_id = ? AND idea_id IS NULL "
            "AND parent_id IS NULL",
            pk,
        )
        assert len(questions) >= 2, pk
        official = demo.value(
            "SELECT COUNT(*) FROM dialogue_comment WHERE challenge_id = ? AND idea_id IS NULL "
            "AND official AND parent_id IS NOT NULL",
            pk,
        )
        assert official == len(questions), pk
    sql = "SELECT body FROM dialogue_comment WHERE idea_id IS NULL AND challenge_id IN ({})"
    bodies = [body for (body,) in demo.query(sql.format(_in(ids)))]
    assert any(_chinese(b) for b in bodies) and any(not _chinese(b) for b in bodies)


def test_demo_discussions_follow_the_rules_and_keep_counts_exact(demo):
    community = demo.community_id
    ideas = demo.ideas_sql()
    wrong = demo.value(
        f"SELECT COUNT(*) FROM ideas_idea i WHERE i.id IN ({ideas}) AND i.comment_count != "
        "(SELECT COUNT(*) FROM dialogue_comment c WHERE c.idea_id = i.id AND c.update_id IS NULL)"
    )
    assert wrong == 0
    # Comments on an update count on the update, not on its idea.
    wrong_updates = demo.value(
        "SELECT COUNT(*) FROM dialogue_ideaupdate u WHERE u.comment_count != "
        "(SELECT COUNT(*) FROM dialogue_comment c WHERE c.update_id = u.id)"
    )
    assert wrong_updates == 0
    wrong_replies = demo.value(
        "SELECT COUNT(*) FROM dialogue_comment p WHERE p.community_id = ? AND p.reply_count != "
        "(SELECT COUNT(*) FROM dialogue_comment c WHERE c.parent_id = p.id)",
        community,
    )
    assert wrong_replies == 0
    comments = demo.value("SELECT COUNT(*) FROM dialogue_comment WHERE community_id = ?", community)
    versions = demo.value("SELECT COUNT(*) FROM dialogue_commentversion")
    posted = demo.value(
        "SELECT COUNT(*) FROM core_event WHERE kind = 'comment.posted' AND community_id = ?",
        community,
    )
    assert comments == versions == posted  # through the actions, one version and event each
    # Everyone who speaks is a member; nobody reacts to their own comment.
    outsiders = demo.value(
        "SELECT COUNT(*) FROM dialogue_comment c WHERE c.community_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM communities_membership m WHERE m.community_id = c.community_id "
        "AND m.user_id = c.author_id)",
        community,
    )
    assert outsiders == 0
    reactions = demo.query(
        "SELECT r.kind, r.user_id = c.author_id FROM dialogue_reaction r "
        "JOIN dialogue_comment c ON c.id = r.comment_id WHERE c.community_id = ?",
        community,
    )
    assert len(reactions) >= 200
    assert not any(own for _kind, own in reactions)
    assert len({kind for kind, _own in reactions}) >= 4
    reacted = demo.value(
        "SELECT COUNT(*) FROM core_event WHERE kind = 'comment.reacted' AND community_id = ?",
        community,
    )
    assert reacted == len(reactions)
    # Time runs forward: replies after their parents, comments after their ideas and
    # before now, and nothing said on an idea after it expired.
    now = _now_text()
    assert (
        demo.value(
            "SELECT COUNT(*) FROM dialogue_comment c JOIN dialogue_comment p ON p.id = c.parent_id "
            "WHERE c.created_at < p.created_at"
        )
        == 0
    )
    assert (
        demo.value(
            "SELECT COUNT(*) FROM dialogue_comment c JOIN ideas_idea i ON i.id = c.idea_id "
            "WHERE c.created_at < i.created_at OR c.created_at > ?",
            now,
        )
        == 0
    )
    late = demo.value(
        "SELECT COUNT(*) FROM dialogue_comment c JOIN ideas_stagechange s ON s.idea_id = c.idea_id "
        "WHERE s.to_stage = 'expired' AND c.created_at > s.created_at"
    )
    assert late == 0


def test_demo_message_counts_the_comments(demo):
    comments = demo.value(
        "SELECT COUNT(*) FROM dialogue_comment WHERE community_id = ?", demo.community_id
    )
    assert f"{comments} comments" in demo.first.stdout


# --- conversations ----------------------------------------------------------------------


def _conversations(demo: DemoRun) -> dict[str, dict]:
    """The demo's conversations by kind: "community" (about no challenge), "chinese"
    (on a challenge, statements written in Chinese) and "ideas" (statements from ideas)."""
    rows = demo.query(
        "SELECT id, title, challenge_id, moderation, status, participant_count, vote_count, "
        "statement_count, version, computed_version, report, created_at "
        "FROM consensus_conversation WHERE community_id = ?",
        demo.community_id,
    )
    keys = [
        "id",
        "title",
        "challenge",
        "moderation",
        "status",
        "participants",
        "votes",
        "statements",
        "version",
        "computed_version",
        "report",
        "created_at",
    ]
    found = {}
    for row in rows:
        talk = dict(zip(keys, row, strict=True))
        talk["report"] = json.loads(talk["report"])
        from_ideas = demo.value(
            "SELECT COUNT(*) FROM consensus_statement WHERE conversation_id = ? AND idea_id > 0",
            talk["id"],
        )
        if talk["challenge"] is None:
            found["community"] = talk
        elif from_ideas:
            found["ideas"] = talk
        elif _chinese(talk["title"]):
            found["chinese"] = talk
    assert len(rows) >= 3
    assert set(found) == {"community", "chinese", "ideas"}
    return found


def test_demo_conversations_have_opinion_groups_and_common_ground(demo):
    for kind, talk in _conversations(demo).items():
        report = talk["report"]
        assert talk["status"] == "open", kind
        assert talk["computed_version"] == talk["version"] > 0, kind  # computed after the votes
        assert len(report["groups"]) >= 2, kind
        assert all(group["size"] >= 3 for group in report["groups"]), kind
        assert report["placed"] >= 15 and report["participants"] == talk["participants"], kind
        assert report["common_ground"] and report["points"], kind
        assert len(report["timeline"]) >= 7, kind  # votes over days, not in one instant


def test_demo_community_conversation_is_premoderated_with_every_kind_of_statement(demo):
    talk = _conversations(demo)["community"]
    assert talk["moderation"] == "pre"
    statements = demo.query(
        "SELECT is_seed, status, is_meta, agree_count + disagree_count + pass_count "
        "FROM consensus_statement WHERE conversation_id = ?",
        talk["id"],
    )
    seeds = [s for s in statements if s[0]]
    added = [s for s in statements if not s[0]]
    assert len(seeds) >= 15 and len(added) >= 5
    statuses = {(status, bool(meta)) for _seed, status, meta, _votes in added}
    assert {("pending", False), ("rejected", False), ("accepted", True)} <= statuses
    assert sum(status == "accepted" and not meta for _s, status, meta, _v in added) >= 3
    # Only accepted statements were voted on; pending and rejected ones never showed.
    assert all(votes == 0 for _seed, status, _meta, votes in added if status != "accepted")
    assert len(talk["report"]["groups"]) >= 2
    moderated = demo.value(
        "SELECT COUNT(*) FROM core_event WHERE kind = 'statement.moderated' AND target_id = ? "
        "AND target_type = 'consensus.conversation'",
        talk["id"],
    )
    assert moderated >= 4


def test_demo_has_a_conversation_in_chinese_on_a_challenge(demo):
    talk = _conversations(demo)["chinese"]
    statements = [
        body
        for (body,) in demo.query(
            "SELECT body FROM consensus_statement WHERE conversation_id = ?", talk["id"]
        )
    ]
    assert len(statements) >= 12
    assert all(_chinese(body) for body in statements)
    description = demo.value(
        "SELECT description FROM consensus_conversation WHERE id = ?", talk["id"]
    )
    assert "点子" in description
    voters = demo.query(
        "SELECT DISTINCT u.language FROM consensus_participant p "
        "JOIN accounts_user u ON u.id = p.user_id WHERE p.conversation_id = ?",
        talk["id"],
    )
    assert voters == [("zh-hans",)]  # the Chinese speakers took part


def test_demo_turned_a_challenges_top_ideas_into_a_conversation(demo):
    talk = _conversations(demo)["ideas"]
    ideas = demo.query(
        "SELECT s.body, i.title, i.challenge_id FROM consensus_statement s "
        "JOIN ideas_idea i ON i.id = s.idea_id WHERE s.conversation_id = ?",
        talk["id"],
    )
    assert len(ideas) >= 8
    assert all(body == title and challenge == talk["challenge"] for body, title, challenge in ideas)
    # A later decision on one of them links the conversation's report.
    linked = demo.value(
        "SELECT COUNT(*) FROM ideas_stagechange WHERE conversation_id = ?", talk["id"]
    )
    assert linked >= 1


def test_demo_conversation_counters_match_the_votes(demo):
    for kind, talk in _conversations(demo).items():
        pk = talk["id"]

        def count(sql: str, pk: int = pk) -> int:
            return int(demo.value(sql, pk))

        assert talk["votes"] == count(
            "SELECT COUNT(*) FROM consensus_vote WHERE conversation_id = ?"
        )
        assert talk["participants"] == count(
            "SELECT COUNT(*) FROM consensus_participant WHERE conversation_id = ?"
        )
        assert talk["statements"] == count(
            "SELECT COUNT(*) FROM consensus_statement WHERE conversation_id = ? "
            "AND status = 'accepted'"
        )
        wrong = count(
            "SELECT COUNT(*) FROM consensus_statement s WHERE s.conversation_id = ? AND "
            "s.agree_count + s.disagree_count + s.pass_count != "
            "(SELECT COUNT(*) FROM consensus_vote v WHERE v.statement_id = s.id)"
        )
        assert wrong == 0, kind
        events = count(
            "SELECT COUNT(*) FROM core_event WHERE kind = 'conversation.voted' "
            "AND target_type = 'consensus.conversation' AND target_id = ?"
        )
        assert events >= talk["votes"], kind  # one per vote, and one per changed vote
        values = {
            v
            for (v,) in demo.query(
                "SELECT DISTINCT value FROM consensus_vote WHERE conversation_id = ?", pk
            )
        }
        assert values == {-1, 0, 1}, kind
        early = count(
            "SELECT COUNT(*) FROM consensus_vote v JOIN consensus_conversation c "
            "ON c.id = v.conversation_id WHERE c.id = ? AND v.created_at < c.created_at"
        )
        assert early == 0, kind
    assert "3 conversations" in demo.first.stdout


def test_demo_conversation_text_fits_the_rules():
    from cocreate.communities import demo_data as text
    from cocreate.communities.management.commands import demo as command
    from cocreate.consensus.models import STATEMENT_LENGTH

    assert set(command.CAMP_OF) == {name for name, _bio, _lang in command.PEOPLE}
    assert set(command.CAMP_OF.values()) == set(text.CAMPS)
    for statements, said, chinese in (
        (text.NEXT_BIKE_STATEMENTS, text.NEXT_BIKE_SAID, False),
        (text.RAIN_TALK_STATEMENTS, text.RAIN_TALK_SAID, True),
        ([], text.NIGHT_TALK_SAID, None),
    ):
        bodies = [body for body, _stance in statements] + [s.text for s in said]
        assert len({b.casefold() for b in bodies}) == len(bodies)
        for body in bodies:
            assert len(body) <= STATEMENT_LENGTH and body == " ".join(body.split())
            if chinese is not None:
                assert _chinese(body) == chinese, body
        assert all(s.author in command.CAMP_OF for s in said)
        assert all(s.fate in ("accepted", "rejected", "meta", "pending") for s in said)
    assert set(text.NIGHT_STYLES) == {s.en for s in text.NIGHT.solutions}
