"""Small Jekyll sites written to a temporary folder for the import and export tests."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command


def write(root, relative, text):
    """Write a file under root (folders created) and return its path."""
    path = Path(root) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def post(root, relative, front="title: A post", body="Some text."):
    """A post file: `front` is the YAML between the --- lines."""
    return write(root, relative, f"---\n{front.strip()}\n---\n\n{body}\n")


def run(*args, **options):
    """call_command("import_jekyll", ...) returning its standard output."""
    out = StringIO()
    call_command("import_jekyll", *[str(arg) for arg in args], stdout=out, stderr=StringIO(), **options)
    return out.getvalue()
