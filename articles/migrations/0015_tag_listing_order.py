from django.db import migrations, models
from django.db.models import OuterRef, Subquery

COPIED_FIELDS = ("status", "published_at", "unpublish_at")


def copy_from_articles(apps, schema_editor):
    """Each tag row takes its article's state and times, as ListedLink.save() does from now on."""
    Article = apps.get_model("articles", "Article")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    article = Article.objects.filter(pk=OuterRef("content_object_id"))
    TaggedArticle.objects.update(
        **{name: Subquery(article.values(name)[:1]) for name in COPIED_FIELDS}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_search_matches_by_window"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="taggedarticle",
            name="status",
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name="taggedarticle",
            name="published_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="taggedarticle",
            name="unpublish_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(copy_from_articles, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(
                fields=["tag", "status", "-published_at", "-content_object"],
                include=["unpublish_at"],
                name="tagged_article_listing_idx",
            ),
        ),
    ]
