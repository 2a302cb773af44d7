from django.db import migrations

# The matches among the article ids in (high - span, high]: the GIN index's bitmap of the query
# ANDed with the id index's bitmap of the window, so only the window's matches are read from the
# table. search.find() asks for the newest window first: a word found in every other article
# reads a few thousand rows, not every match (bench/README.md). As in migration 0009, the
# function's settings keep the planner to those two bitmaps rather than reading every vector back
# from TOAST.
FUNCTION = """
CREATE OR REPLACE FUNCTION article_search_matches_in(query tsquery, high bigint, span bigint)
RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE SET enable_seqscan = off SET enable_indexscan = off
AS $$ SELECT article_id FROM articles_searchindex
      WHERE vector @@ query AND article_id <= high AND article_id > high - span $$
"""
OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION article_search_matches(query tsquery) RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE SET enable_seqscan = off SET enable_indexscan = off
AS $$ SELECT article_id FROM articles_searchindex WHERE vector @@ query $$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute("DROP FUNCTION IF EXISTS article_search_matches(tsquery)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_FUNCTION)
        schema_editor.execute("DROP FUNCTION IF EXISTS article_search_matches_in(tsquery, bigint, bigint)")


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_image_uses")]

    operations = [migrations.RunPython(forwards, backwards)]
