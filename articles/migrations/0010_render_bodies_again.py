from django.db import migrations


def render_again(apps, schema_editor):
    """Stored HTML made before the sanitiser prefixed ids and dropped <input> is made again with it."""
    from articles.markdown import render_markdown

    Article = apps.get_model("articles", "Article")
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        articles = list(
            Article.objects.filter(pk__in=ids[start : start + 500]).only("pk", "body", "body_html")
        )
        for article in articles:
            article.body_html = render_markdown(article.body)
        Article.objects.bulk_update(articles, ["body_html"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_search_matches_before_the_public_rule")]

    operations = [migrations.RunPython(render_again, migrations.RunPython.noop)]
