"""The Writers and Editors groups with exactly the permissions their work needs."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from articles.workflow import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=["Writers", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_workflow_revisions_previews"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
