"""manage.py load_demo: the demo articles (through the Jekyll importer) and an `admin` account, once.

It creates what is missing and never changes what exists: an editor's change to a demo article stays.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from articles.jekyll.importer import ImportFailed, import_posts

DEMO = Path(__file__).resolve().parents[2] / "demo"
USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Import the demo articles and create the superuser 'admin' (password from NEWSROOM_ADMIN_PASSWORD, "
        "else a random one, printed once). Running it again creates what is missing and changes nothing "
        "that exists."
    )

    def handle(self, *args, **options):
        try:
            report = import_posts([DEMO], only_new=True, made_by="demo content")
        except ImportFailed as exc:
            raise CommandError(
                "The demo articles cannot be imported:\n" + "\n".join(exc.report.failures)
            ) from exc
        self.stdout.write(
            f"Demo articles: {report.created} created, {report.unchanged} already there (left as they are)."
        )
        login = f"{settings.SITE_URL}{reverse('admin:index')}"
        users = get_user_model()
        if users.objects.filter(username=USERNAME).exists():
            self.stdout.write(
                f"The account '{USERNAME}' exists: log in at {login}\n"
                f"Forgot its password? python manage.py changepassword {USERNAME}"
            )
            return
        password = os.environ.get("NEWSROOM_ADMIN_PASSWORD", "")
        shown = "the value of NEWSROOM_ADMIN_PASSWORD" if password else None
        if not password:
            password = secrets.token_urlsafe(12)
            shown = f"{password}   (shown only this once)"
        users.objects.create_superuser(USERNAME, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS("Created the superuser account.")
            + f"\n  Log in at: {login}\n  Username:  {USERNAME}\n  Password:  {shown}"
        )
