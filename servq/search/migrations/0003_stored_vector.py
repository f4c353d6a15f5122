"""PostgreSQL: keep the weighted tsvector in a generated column, so ranking reads it instead of
re-parsing every matching document's terms (measured: 3 s → see bench/plan_cycle.py)."""

from django.db import migrations

VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, context_terms), 'D')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_terms_gin")
    schema_editor.execute(f"ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED")
    schema_editor.execute("CREATE INDEX search_vector_gin ON search_searchdocument USING gin (vector)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector")
    schema_editor.execute(f"CREATE INDEX search_terms_gin ON search_searchdocument USING gin (({VECTOR}))")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_index")]
    operations = [migrations.RunPython(create, drop)]
