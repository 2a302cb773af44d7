from django.db import migrations, models
from django.db.models import Q


def read_front_matter(apps, schema_editor):
    """Articles whose front matter keeps them out of the sitemap say so in the new column."""
    from articles.models import listed_in_sitemap

    Article = apps.get_model("articles", "Article")
    asking = Article.objects.filter(Q(front_matter__has_key="sitemap") | Q(front_matter__has_key="robots"))
    unlisted = [pk for pk, front in asking.values_list("pk", "front_matter") if not listed_in_sitemap(front)]
    Article.objects.filter(pk__in=unlisted).update(in_sitemap=False)


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_images")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="in_sitemap",
            field=models.BooleanField(default=True, editable=False, verbose_name="in the sitemap"),
        ),
        migrations.RunPython(read_front_matter, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("in_sitemap", True)),
                fields=["id"],
                include=("status", "published_at", "unpublish_at", "pub_date", "slug", "updated_at"),
                name="article_sitemap_idx",
            ),
        ),
    ]
