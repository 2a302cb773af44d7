"""createeditor USERNAME: a staff account in the Editors group (createwriter makes writers)."""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Author
from articles.workflow import sync_roles


class Command(BaseCommand):
    help = "Create an editor: edits any article, sends back, approves, publishes, schedules, unpublishes."
    group = "Editors"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password",
            help="The password; otherwise $NEWSROOM_PASSWORD, otherwise asked for (twice).",
        )
        parser.add_argument("--name", default="", help="Full name; also the byline unless --no-byline.")
        parser.add_argument(
            "--no-byline", action="store_true", help="Do not create an author byline for the account."
        )
        parser.add_argument("--no-input", action="store_true", help="Never prompt; fail if no password.")

    def handle(self, *args, username, email, password, name, no_byline, no_input, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists; nothing was changed.")
        byline = name or username
        if not no_byline and Author.objects.filter(name=byline).exclude(user=None).exists():
            raise CommandError(f"The byline {byline!r} belongs to another account; pass another --name.")
        password = password or os.environ.get("NEWSROOM_PASSWORD") or self.ask_password(no_input)
        first, _space, last = name.partition(" ")
        user = User(username=username, email=email, first_name=first, last_name=last, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        with transaction.atomic():
            sync_roles()  # the groups exist and carry exactly their permissions
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=self.group))
            author = None
            if not no_byline:
                author, _created = Author.objects.get_or_create(name=byline)
                author.user = user
                author.save()
        role = self.group[:-1].lower()
        self.stdout.write(self.style.SUCCESS(f"Created {role} {username!r} (staff, group {self.group})."))
        if author:
            self.stdout.write(f"Byline: {author.name} ({author.get_absolute_url()})")

    def ask_password(self, no_input):
        if no_input:
            raise CommandError("No password: pass --password or set NEWSROOM_PASSWORD.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ; nothing was changed.")
        return password
