"""Jekyll posts to articles: every file is read and checked first, then all are written in one transaction.

An article's identity is ``Article.source_path`` (see ``reader.source_key``): importing the same files
again updates the same articles, and a file whose values all match its article leaves it untouched.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction

from .frontmatter import FrontMatterError
from .media import Library
from .plan import Plan
from .reader import POST_FOLDERS, POST_SUFFIXES, read_post
from .site import SiteFinder


@dataclass
class Report:
    """What an import did (or, in a dry run, would do)."""

    files: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def failed(self):
        return len(self.failures)


class ImportFailed(Exception):
    """Some files cannot be imported; nothing was written. ``report.failures`` names each file and why."""

    def __init__(self, report):
        super().__init__("\n".join(report.failures))
        self.report = report


def _no_progress(iterable, **kwargs):
    return iterable


def import_posts(
    paths,
    *,
    timezone=None,
    permalink=None,
    dry_run=False,
    skip_invalid=False,
    overwrite=False,
    only_new=False,
    made_by=None,
    follow_links=False,
    media=None,
    progress=_no_progress,
):
    """Import the posts in ``paths`` (files or folders). All-or-nothing unless ``skip_invalid``.

    ``timezone`` and ``permalink`` override what each site's _config.yml says. A post whose article
    was changed on the site since the last import is a conflict and left alone, unless ``overwrite``;
    ``only_new`` creates missing articles and leaves every existing one alone. ``made_by`` names the
    import in the articles' history (default: "import from PATH"). A file in a folder that is a link
    to somewhere outside the folders given is refused unless ``follow_links``. The images posts show
    are read from ``media`` (a folder), else from each post's site folder (see media.py). Raises
    ImportFailed (nothing written) when a file cannot be read, or ValueError for an unknown time
    zone or style, or a ``media`` that is not a folder.
    """
    report = Report(dry_run=dry_run)
    finder = SiteFinder(timezone=timezone, permalink=permalink)
    library = Library(media)
    files = collect_files(paths, report, follow_links=follow_links)
    report.files = len(files)
    posts = _read_all(files, finder, report, progress)
    if report.failures and not skip_invalid:
        raise ImportFailed(report)
    report.warnings += library.prepare(posts, progress)
    try:
        with library.undone_on_failure(), transaction.atomic():
            plan = Plan(
                sorted(posts, key=lambda post: str(post.path)), overwrite=overwrite, only_new=only_new
            )
            report.warnings += plan.warnings
            report.conflicts += plan.conflicts
            for action in plan.actions():
                if action != "conflict":
                    setattr(report, action, getattr(report, action) + 1)
            if not dry_run:
                written = [item for item in plan.items if item.action in {"created", "updated"}]
                report.warnings += library.bring_in(written)
                plan.write(progress, made_by=made_by)
    except IntegrityError as exc:
        report.failures.append(f"the database refused the import, nothing was written: {exc}")
        raise ImportFailed(report) from exc
    return report


def collect_files(paths, report, follow_links=False):
    """Post files: files as given; in folders ``*.md``/``*.markdown``, only under _posts/_drafts if any."""
    found = {}
    folders = [Path(given).resolve() for given in paths if Path(given).is_dir()]
    for given in paths:
        path = Path(given)
        if path.is_file():
            found.setdefault(path.resolve(), path)
        elif path.is_dir():
            for post in _posts_in(path):
                real = post.resolve()
                if not (follow_links or any(real.is_relative_to(folder) for folder in folders)):
                    # A link could publish any file the importing account can read.
                    report.failures.append(f"{post}: a link to {real}, outside the folders given")
                    continue
                found.setdefault(real, post)
        else:
            report.failures.append(f"{path}: no such file or folder")
    return sorted(found.values(), key=str)


def _posts_in(folder):
    candidates = [
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in POST_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    if any(part in POST_FOLDERS for part in folder.resolve().parts):
        return candidates
    # In a Jekyll site only _posts and _drafts hold posts; READMEs and pages stay out.
    posts = [p for p in candidates if set(p.relative_to(folder).parts[:-1]) & set(POST_FOLDERS)]
    return posts or candidates


def _read_all(files, finder, report, progress):
    posts, keys = [], {}
    for path in progress(files, desc="Reading", unit="file"):
        try:
            post = read_post(path, finder.for_file(path))
        except (FrontMatterError, OSError, ValueError) as exc:
            report.failures.append(f"{path}: {exc}")
            continue
        if post.key in keys:
            report.failures.append(f"{path}: the same post as {keys[post.key]} (both are {post.key})")
            continue
        keys[post.key] = path
        report.warnings += [f"{path}: {message}" for message in post.warnings]
        posts.append(post)
    return posts
