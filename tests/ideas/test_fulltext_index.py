"""Idea search goes through the database's index (FTS5 trigram on SQLite, pg_trgm on
PostgreSQL), finds Chinese and English substrings, and follows edits."""

import pytest
from django.db import connection

from cocreate.challenges.actions import idea_box
from cocreate.ideas import actions, queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def box(community, member):
    return idea_box(community)


def ids(box, q):
    return set(queries.idea_list(box, q=q).values_list("pk", flat=True))


def test_chinese_and_english_words_are_found_as_substrings(box, member):
    rain = actions.submit_idea(
        member, box, title="雨天通勤的挡泥板", body="更长的挡泥板让裤子保持干燥"
    )
    lock = actions.submit_idea(member, box, title="Fold-out lock", body='A lock that folds "flat"')
    assert ids(box, "挡泥板") == {rain.pk}  # three characters: through the index
    assert ids(box, "雨天") == {rain.pk}  # two characters: substring fallback
    assert ids(box, "fold") == {lock.pk}
    assert ids(box, '"flat"') == {lock.pk}  # quotes cannot break the FTS query
    assert ids(box, "lock flat") == {lock.pk}  # every word must match
    assert ids(box, "lock 雨天") == set()


def test_edits_and_deletions_update_the_index(box, member):
    idea = actions.submit_idea(member, box, title="Fold-out lock", body="Small and light")
    actions.edit_idea(member, idea, title="Folding lock", body="Tiny and light")
    assert ids(box, "folding") == {idea.pk}
    assert ids(box, "fold-out") == set()
    assert ids(box, "small") == set()
    idea.delete()
    assert ids(box, "folding") == set()


def test_the_index_exists_for_this_database():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'ideas_idea_fts'")
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname = 'ideas_idea_title_trgm'"
            )
        assert cursor.fetchone() is not None
