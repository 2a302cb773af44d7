from django.db import migrations, models
from django.db.models import OuterRef, Subquery

COPIED_FIELDS = ("status", "published_at", "unpublish_at")


def copy_from_articles(apps, schema_editor):
    """Each byline takes its article's state and times, as ListedLink.save() does from now on."""
    Article = apps.get_model("articles", "Article")
    ArticleAuthor = apps.get_model("articles", "ArticleAuthor")
    article = Article.objects.filter(pk=OuterRef("article_id"))
    ArticleAuthor.objects.update(**{name: Subquery(article.values(name)[:1]) for name in COPIED_FIELDS})


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_tag_listing_order")]

    operations = [
        migrations.AddField(
            model_name="articleauthor",
            name="status",
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name="articleauthor",
            name="published_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="articleauthor",
            name="unpublish_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(copy_from_articles, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="articleauthor",
            index=models.Index(
                fields=["author", "status", "-published_at", "-article"],
                include=["unpublish_at"],
                name="byline_listing_idx",
            ),
        ),
    ]
