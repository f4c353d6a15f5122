"""The full-text index over SearchDocument's terms, in each database's own engine."""

from django.db import migrations

POSTGRES_VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, context_terms), 'D')"
)

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(terms, context_terms, content='search_searchdocument', "
    "content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, terms, context_terms) VALUES (new.id, new.terms, new.context_terms); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms, context_terms) "
    "VALUES ('delete', old.id, old.terms, old.context_terms); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms, context_terms) "
    "VALUES ('delete', old.id, old.terms, old.context_terms); "
    "INSERT INTO search_fts(rowid, terms, context_terms) VALUES (new.id, new.terms, new.context_terms); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX search_terms_gin ON search_searchdocument USING gin (({POSTGRES_VECTOR}))")
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_terms_gin")
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
