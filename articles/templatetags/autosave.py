"""What the article change form needs for autosave: its endpoints and, when there is one, the notice."""

from django import template
from django.urls import reverse

from articles import autosave
from articles.revisions import LABELS

register = template.Library()


@register.simple_tag(takes_context=True)
def autosave_state(context):
    """None when the form is not the user's to edit; else the script's config and the notice, if any.

    Reads ``request`` and ``original`` (the article, or None on the add form) from the admin's context.
    """
    request, article = context.get("request"), context.get("original")
    if request is None or not autosave.may_edit(request.user, article):
        return None
    if article is None:
        save, discard = reverse("article_autosave_new"), reverse("article_autosave_new_discard")
    else:
        save = reverse("article_autosave", args=[article.pk])
        discard = reverse("article_autosave_discard", args=[article.pk])
    config = {"fields": autosave.FIELDS, "save": save, "discard": discard, "restore": None}
    notice = None
    # A re-shown form (after an error) already holds what the user typed.
    kept = autosave.pending(request.user, article) if request.method == "GET" else None
    if kept is not None:
        config["restore"] = kept.data
        config["category_names"] = autosave.category_names(kept.data)
        notice = {
            "time": autosave.moment(kept.saved_at),
            "fields": [LABELS[name] for name in autosave.differing(kept.data, article)],
        }
    return {"config": config, "notice": notice}
