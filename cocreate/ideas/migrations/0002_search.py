"""Full-text search indexes for ideas, per database:

* SQLite: an FTS5 table with the trigram tokenizer (substring matching, so Chinese
  works without word segmentation), kept in sync by triggers.
* PostgreSQL: pg_trgm GIN indexes on title and body, which serve ILIKE '%term%'.
  Creating the extension needs the right privilege; without it search still works,
  only without the index (the migration says so and goes on).
"""

from django.db import migrations, transaction

SQLITE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS ideas_idea_fts USING fts5(
        title, body, content='ideas_idea', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER IF NOT EXISTS ideas_idea_fts_insert AFTER INSERT ON ideas_idea BEGIN
        INSERT INTO ideas_idea_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS ideas_idea_fts_delete AFTER DELETE ON ideas_idea BEGIN
        INSERT INTO ideas_idea_fts(ideas_idea_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS ideas_idea_fts_update AFTER UPDATE OF title, body ON ideas_idea
    BEGIN
        INSERT INTO ideas_idea_fts(ideas_idea_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO ideas_idea_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    "INSERT INTO ideas_idea_fts(ideas_idea_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS ideas_idea_fts_insert",
    "DROP TRIGGER IF EXISTS ideas_idea_fts_delete",
    "DROP TRIGGER IF EXISTS ideas_idea_fts_update",
    "DROP TABLE IF EXISTS ideas_idea_fts",
]
POSTGRES = [
    "CREATE INDEX IF NOT EXISTS ideas_idea_title_trgm ON ideas_idea USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ideas_idea_body_trgm ON ideas_idea USING gin (body gin_trgm_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS ideas_idea_title_trgm",
    "DROP INDEX IF EXISTS ideas_idea_body_trgm",
]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    for sql in POSTGRES:
                        cursor.execute(sql)
            except Exception as exc:  # noqa: BLE001 - search works without the index
                print(f"\n  pg_trgm not available ({exc}); idea search runs without an index")


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
