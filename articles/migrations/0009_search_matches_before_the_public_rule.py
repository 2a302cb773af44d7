from django.db import migrations

# Every article holding the query's tokens, from the GIN index alone (the planner, left free, would
# rather read every vector back from TOAST). search.find() applies the caller's rule (published()
# for readers) and takes the newest candidates after that, so newer drafts can never crowd out a
# public article.
MATCHES = """
CREATE OR REPLACE FUNCTION article_search_matches(query tsquery) RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE SET enable_seqscan = off SET enable_indexscan = off
AS $$ SELECT article_id FROM articles_searchindex WHERE vector @@ query $$
"""
OLD = """
CREATE OR REPLACE FUNCTION article_search_candidates(query tsquery, k integer) RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE SET enable_seqscan = off SET enable_indexscan = off
AS $$ SELECT article_id FROM articles_searchindex WHERE vector @@ query ORDER BY article_id DESC LIMIT k $$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(MATCHES)
        schema_editor.execute("DROP FUNCTION IF EXISTS article_search_candidates(tsquery, integer)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD)
        schema_editor.execute("DROP FUNCTION IF EXISTS article_search_matches(tsquery)")


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_editing_autosave_import_hashes")]

    operations = [migrations.RunPython(forwards, backwards)]
