"""createwriter USERNAME: a staff account in the Writers group."""

from .createeditor import Command as EditorCommand


class Command(EditorCommand):
    help = "Create a writer: writes articles, edits their own drafts, submits them for review."
    group = "Writers"
