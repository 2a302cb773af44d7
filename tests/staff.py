"""Accounts for the workflow tests: writers and editors made as the createwriter/createeditor commands do."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.workflow import sync_roles
from tests.factories import make_author

PASSWORD = "correct horse battery staple"


def make_staff(username, role, *, byline=True):
    """A staff user in the Writers or Editors group, with a byline of their own unless told otherwise."""
    if not Group.objects.filter(name=role).exists():
        sync_roles()  # a transactional test flushed the groups the migration made
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if byline:
        make_author(f"{username} byline", user=user)
    return user


def make_writer(username="writer", **kwargs):
    return make_staff(username, "Writers", **kwargs)


def make_editor(username="editor", **kwargs):
    return make_staff(username, "Editors", **kwargs)


def admin_form_data(response, **changes):
    """What a browser would post back from an admin change form as rendered, with `changes` applied."""
    from django import forms

    data = {}
    all_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management[name].html_name: management[name].value() for name in management.fields})
        all_forms.extend(formset.forms)
    for form in all_forms:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            widget = field.widget
            if value is None or value is False:
                continue
            if isinstance(widget, forms.MultiWidget):
                parts = value if isinstance(value, list) else widget.decompress(value)
                for i, (sub, part) in enumerate(zip(widget.widgets, parts, strict=False)):
                    if part is not None:
                        data[f"{bound.html_name}_{i}"] = sub.format_value(part)
            elif isinstance(value, list | tuple) and not isinstance(widget, forms.TextInput):
                data[bound.html_name] = [str(v) for v in value]
            elif value is True:
                data[bound.html_name] = "on"
            else:
                data[bound.html_name] = widget.format_value(value)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def change_url(article):
    """The article's page in the admin."""
    return reverse("admin:articles_article_change", args=[article.pk])
