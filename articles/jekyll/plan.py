"""What an import will do, decided before anything is written: a dry run stops after planning.

For each post: the article it updates (by source path) or creates, its slug (a ``-2`` suffix when the
date already has that slug), its body with {% post_url %} links resolved, what differs from the
database, and which old URLs become redirects. ``write()`` then applies the plan through the write
path (``articles.editing``), one article at a time.

An editor's work wins over the file. An article is updated only when its file changed since the last
import (``Article.source_hash``) and nobody changed the article since (``Article.imported_hash``, a hash
of what that import wrote); otherwise the file is a conflict and the article is left alone, unless
``overwrite`` says to take the file's version (the site's stays in the revisions). The state follows
the file only when the file's own ``published:``/``state:`` changed and the site's state is still the
one the last import set: an import never publishes what an editor withdrew, sent back or scheduled.
"""

import datetime
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote

from django.urls import Resolver404, resolve
from django.utils.text import slugify
from taggit.models import Tag

from .. import editing
from ..models import (
    Article,
    ArticleAuthor,
    ArticleRedirect,
    Author,
    Category,
    Revision,
    TaggedArticle,
    Transition,
    site_date,
)
from . import liquid
from .frontmatter import FrontMatterError, dated_name
from .reader import Post, source_status

CHUNK = 500  # ids per IN (...) list, well under SQLite's parameter limit
RELATIONS = ("authors", "categories", "tags")
# What an editor can change that an import writes: a change to any of them since the last import
# is an edit on the site.
HASHED_FIELDS = (
    "title", "slug", "body", "excerpt", "description", "image", "language",
    "status", "published_at", "unpublish_at", "lead_image_id", "image_alt",
)  # fmt: skip
# Hashed only when set, so the hashes of imports from before the image library still match.
HASHED_WHEN_SET = {"lead_image_id", "image_alt"}
CONFLICT = "edited on the site since the last import; kept the site's version"
OVERWRITTEN = (
    "edited on the site since the last import; replaced by the file (the site's version is a revision)"
)


@dataclass(eq=False)
class Item:
    """One post and the article it becomes."""

    post: Post
    article: Article | None = None
    pub_date: datetime.date | None = None
    slug: str = ""
    url: str | None = None
    body: str = ""
    fields: dict = field(default_factory=dict)
    differs: list = field(default_factory=list)
    relations: set = field(default_factory=set)
    redirects: list = field(default_factory=list)
    action: str = "created"  # or "updated", "unchanged", "conflict"
    article_id: int | None = None


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class Plan:
    def __init__(self, posts, *, overwrite=False, only_new=False):
        self.overwrite, self.only_new = overwrite, only_new
        self.warnings = []
        self.conflicts = []
        self.items = [
            Item(post, pub_date=site_date(post.published_at) if post.published_at else None) for post in posts
        ]
        self._load_existing()
        self._assign_slugs()
        self._resolve_post_urls()
        self._compare()
        self._plan_redirects()

    def actions(self):
        return [item.action for item in self.items]

    def _warn(self, item, message):
        self.warnings.append(f"{item.post.path}: {message}")

    # Reading the database: a fixed number of queries, whatever the number of posts.

    def _load_existing(self):
        keys = [item.post.key for item in self.items]
        existing = {}
        for chunk in _chunks(keys):
            # body_html and summary are recomputed by save(), so they need not be read.
            # Locked until the import commits: an editor's save or action waits, then wins or loses
            # whole, never in between (see editing.py).
            rows = (
                Article.objects.select_for_update()
                .filter(source_path__in=chunk)
                .defer("body_html", "summary")
            )
            for article in rows:
                existing[article.source_path] = article
        for item in self.items:
            item.article = existing.get(item.post.key)
        self.current = {name: defaultdict(list) for name in RELATIONS}
        ids = [article.pk for article in existing.values()]
        for chunk in _chunks(ids):
            bylines = ArticleAuthor.objects.filter(article_id__in=chunk).order_by(
                "article_id", "position", "id"
            )
            for article_id, name in bylines.values_list("article_id", "author__name"):
                self.current["authors"][article_id].append(name.lower())
            through = Article.categories.through.objects.filter(article_id__in=chunk)
            for article_id, name in through.values_list("article_id", "category__name"):
                self.current["categories"][article_id].append(name.lower())
            tagged = TaggedArticle.objects.filter(content_object_id__in=chunk)
            for article_id, name in tagged.values_list("content_object_id", "tag__name"):
                self.current["tags"][article_id].append(name.lower())
        # The latest move of each article: a state someone chose since the import is theirs.
        self.last_move = {}
        for chunk in _chunks(ids):
            moves = Transition.objects.filter(article_id__in=chunk).order_by("article_id", "-at", "-id")
            for article_id, name in moves.values_list("article_id", "name"):
                self.last_move.setdefault(article_id, name)
        # Articles imported before imports kept a hash: any revision or move by a person is an edit.
        legacy = [a.pk for a in existing.values() if not a.imported_hash]
        self.touched = set()
        for chunk in _chunks(legacy):
            for model in (Revision, Transition):
                rows = model.objects.filter(article_id__in=chunk, user__isnull=False)
                self.touched.update(rows.values_list("article_id", flat=True))

    def _assign_slugs(self):
        """Slugs unique per date: existing articles keep theirs, newcomers get -2, -3... in path order."""
        in_run = {item.article.pk for item in self.items if item.article}
        self.owners = {}
        dated = Article.objects.filter(pub_date__isnull=False).values_list(
            "pk", "pub_date", "slug", "source_path"
        )
        for pk, pub_date, slug, source_path in dated:
            if pk not in in_run:
                self.owners[(pub_date, slug)] = source_path or f"article #{pk}"
        for item in self.items:
            article = item.article
            fits = item.pub_date and article and _fits(article.slug, item.post.slug)
            if fits and (item.pub_date, article.slug) not in self.owners:
                item.slug = article.slug
                self.owners[(item.pub_date, item.slug)] = item
        for item in self.items:
            if item.slug:
                continue
            item.slug = item.post.slug
            n = 1
            while item.pub_date and (item.pub_date, item.slug) in self.owners:
                n += 1
                item.slug = _numbered(item.post.slug, n)
            if item.pub_date:
                self.owners[(item.pub_date, item.slug)] = item
        for item in self.items:
            item.url = _url(item.pub_date, item.slug) if item.pub_date else None
            owner = self.owners.get((item.pub_date, item.post.slug))
            if item.slug != item.post.slug and owner is not None:
                self._warn(
                    item,
                    f"slug {item.post.slug!r} on {item.pub_date} is taken by {self._describe(owner)}: "
                    f"this post gets {item.slug!r}",
                )

    @staticmethod
    def _describe(owner):
        return str(owner.post.path) if isinstance(owner, Item) else str(owner or "another article")

    def _resolve_post_urls(self):
        if not any(liquid.POST_URL_MARKER.search(item.post.body) for item in self.items):
            for item in self.items:
                item.body = item.post.body
            return
        index = defaultdict(list)
        for item in self.items:
            if item.url:
                index[_stem(item.post.key)].append((item.post.key, item.url))
        in_run = {item.post.key for item in self.items}
        others = Article.objects.filter(source_path__isnull=False, pub_date__isnull=False)
        for source_path, pub_date, slug in others.values_list("source_path", "pub_date", "slug"):
            if source_path not in in_run:
                index[_stem(source_path)].append((source_path, _url(pub_date, slug)))
        for item in self.items:
            item.body = liquid.resolve_post_urls(
                item.post.body, lambda ref, item=item: self._link(item, ref, index)
            )

    def _link(self, item, reference, index):
        """The new URL of the post a {% post_url %} names (Jekyll: [folders/]YYYY-MM-DD-slug)."""
        hint, _, stem = reference.strip().strip("/").rpartition("/")
        stem = re.sub(r"\.(md|markdown)$", "", stem)
        candidates = index.get(stem, [])
        if hint:
            candidates = [c for c in candidates if f"/{hint}/" in f"/{c[0]}"] or candidates
        site = item.post.key.partition("/_posts/")[0]
        candidates = sorted(candidates, key=lambda c: (not c[0].startswith(f"{site}/"), c[0]))
        if candidates:
            return candidates[0][1]
        try:
            day, slug = dated_name(stem)
        except FrontMatterError:
            day, slug = None, stem
        fallback = f"/{day:%Y/%m/%d}/{slug}/" if day else f"/{slug}/"
        self._warn(item, f"{{% post_url {reference} %}} matches no post: linked to {fallback}")
        return fallback

    def _compare(self):
        for item in self.items:
            post = item.post
            item.fields = {
                "title": post.title,
                "slug": item.slug,
                "body": item.body,
                "excerpt": post.excerpt,
                "description": post.description,
                "image": post.image,
                "lead_image_id": post.lead_image_id,
                "image_alt": post.image_alt,
                "status": post.status,
                "published_at": post.published_at,
                "unpublish_at": post.unpublish_at,
                "front_matter": post.front_matter,
                "language": Article(title=post.title, body=item.body).guess_language(),
            }
            if post.updated_at is not None:
                item.fields["updated_at"] = post.updated_at
            wanted = {"authors": post.authors, "categories": post.categories, "tags": post.tags}
            if item.article is None:
                item.differs = list(item.fields)
                item.relations = {name for name in RELATIONS if wanted[name]}
            else:
                self._compare_existing(item, wanted)
            item.fields["source_hash"] = post.digest
            item.fields["imported_hash"] = values_hash(item.fields, wanted)

    def _compare_existing(self, item, wanted):
        article, post = item.article, item.post
        current = {name: self.current[name][article.pk] for name in RELATIONS}
        if self.only_new or article.source_hash == post.digest:
            item.action = "unchanged"  # the file says what it said: whatever the site did stays
            return
        self._keep_state(item)
        item.differs = [name for name, value in item.fields.items() if getattr(article, name) != value]
        item.relations = {
            name
            for name in RELATIONS
            if (
                [n.lower() for n in wanted[name]] != current[name]
                if name == "authors"
                else {n.lower() for n in wanted[name]} != set(current[name])
            )
        }
        if not (item.differs or item.relations):
            item.action = "unchanged"
        elif self._edited_on_site(article, current):
            if not self.overwrite:
                item.action = "conflict"
                self.conflicts.append(f"{post.path}: {CONFLICT}")
                return
            self._warn(item, OVERWRITTEN)
            item.action = "updated"
        else:
            item.action = "updated"

    def _edited_on_site(self, article, current):
        if article.imported_hash:
            return values_hash(vars(article), current) != article.imported_hash
        return article.pk in self.touched

    def _keep_state(self, item):
        """The file's state is taken only when the file's own state changed and the site kept it."""
        article, post = item.article, item.post
        was = source_status(article.front_matter or {}, post.path)
        site_kept = article.status == was and self.last_move.get(article.pk, "import") == "import"
        if post.status != was and site_kept:
            return
        fields = item.fields
        if post.status != was:
            self._warn(item, f"the file now says {post.status!r}; kept the site's state {article.status!r}")
        fields["status"] = article.status
        now = datetime.datetime.now(datetime.UTC)
        moved = Article(
            status=article.status, published_at=fields["published_at"], unpublish_at=fields["unpublish_at"]
        )
        if moved.state_at(now) != article.state_at(now):
            # New times alone would publish, schedule or withdraw it: that is the editors' decision.
            fields["published_at"], fields["unpublish_at"] = article.published_at, article.unpublish_at
            if item.pub_date != article.pub_date:
                item.pub_date, item.slug = article.pub_date, article.slug
                fields["slug"] = article.slug
                item.url = _url(item.pub_date, item.slug) if item.pub_date else None

    def _plan_redirects(self):
        """Old URLs to keep working; one another article now answers at, or one already taken, is left."""
        existing = dict(ArticleRedirect.objects.values_list("old_path", "article_id"))
        claimed = {}
        for item in self.items:
            if item.action in {"conflict", "unchanged"} and item.article is not None:
                continue  # nothing of this post is written
            article = item.article
            # An article that moved keeps its previous address through the write path.
            for path in dict.fromkeys(item.post.old_paths):
                forms = (path, _other_slash(path))  # readers reach a path with or without its slash
                owners = [self._current_owner(form) for form in forms]
                owner = next((o for o in owners if o is not None), None)
                if item.url in forms or owner is item:
                    continue
                route = next(filter(None, map(_site_route, forms)), None)
                taken = next((existing[form] for form in forms if form in existing), None)
                if owner is not None:
                    self._warn(
                        item, f"old URL {path} is now the address of {self._describe(owner)}: not redirected"
                    )
                elif route is not None:
                    self._warn(item, f"old URL {path} is a page of this site ({route}): not redirected")
                elif taken is not None:
                    if article is None or taken != article.pk:
                        self._warn(
                            item, f"old URL {path} already redirects to another article: left as it is"
                        )
                elif path in claimed:
                    self._warn(
                        item, f"old URL {path} was also the address of {claimed[path]}: redirects there"
                    )
                else:
                    claimed[path] = item.post.path
                    item.redirects.append(path)

    def _current_owner(self, path):
        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.view_name != "articles:detail":
            return None
        kwargs = match.kwargs
        try:
            day = datetime.date(kwargs["year"], kwargs["month"], kwargs["day"])
        except ValueError:
            return None
        return self.owners.get((day, kwargs["slug"]))

    # Writing: articles one by one (save() renders them), everything else in bulk.

    def write(self, progress, made_by=None):
        """Write the created and updated articles; ``made_by`` names the import in their history."""
        todo = [item for item in self.items if item.action in {"created", "updated"}]
        names = {name: [n for item in todo for n in getattr(item.post, name)] for name in RELATIONS}
        rows = {
            "authors": _ensure_named(Author, names["authors"]),
            "categories": _ensure_named(Category, names["categories"]),
            "tags": _ensure_tags(names["tags"]),
        }
        for item in progress(todo, desc="Writing", unit="article"):
            article = item.article or Article(source_path=item.post.key)
            article = editing.import_article(
                article,
                fields=item.fields,
                authors=[rows["authors"][n.lower()] for n in item.post.authors],
                categories=[rows["categories"][n.lower()] for n in item.post.categories],
                tags=[rows["tags"][n.lower()] for n in item.post.tags],
                old_paths=item.redirects,
                made_by=made_by or f"import from {item.post.path}",
            )
            item.article_id = article.pk
            item.article = None  # let the body and its HTML go


def values_hash(values, relations):
    """A hash of what an import writes: the HASHED_FIELDS of ``values`` and the relations' names."""
    data = {}
    for name in HASHED_FIELDS:
        value = values.get(name)
        if name in HASHED_WHEN_SET and not value:
            continue
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.UTC).isoformat()
        data[name] = value
    for name in RELATIONS:
        names = [n.lower() for n in relations[name]]
        data[name] = names if name == "authors" else sorted(set(names))
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _other_slash(path):
    return path.rstrip("/") if path.endswith("/") and path != "/" else f"{path}/"


def _site_route(path):
    """The name of the site's own page at ``path`` (other than an article's), or None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return None if match.view_name == "articles:detail" else match.view_name or match.route


def _fits(existing, wanted):
    """True when an article's slug is the wanted one or a numbered variant of it (x, x-2, x-3...)."""
    match = re.fullmatch(r".*-(\d+)", existing)
    return existing == wanted or (match is not None and existing == _numbered(wanted, match.group(1)))


def _numbered(slug, n):
    return f"{slug[: 199 - len(str(n))]}-{n}"


def _url(pub_date, slug):
    """An article's path as readers see it (unicode, like the stored old paths)."""
    return unquote(Article.url_for(pub_date, slug))


def _stem(key):
    return key.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _ensure_named(model, names):
    """Authors or categories by lower-cased name, creating the missing ones with unique slugs."""
    rows = {row.name.lower(): row for row in model.objects.all()}
    slugs = {row.slug for row in rows.values()}
    new = []
    for name in names:
        if name.lower() in rows:
            continue
        base = slugify(name, allow_unicode=True)[:90] or model._meta.model_name
        slug, n = base, 1
        while slug in slugs:
            n += 1
            slug = f"{base}-{n}"
        slugs.add(slug)
        rows[name.lower()] = model(name=name, slug=slug)
        new.append(rows[name.lower()])
    model.objects.bulk_create(new)
    return rows


def _ensure_tags(names):
    """Tags by lower-cased name (TAGGIT_CASE_INSENSITIVE), new ones slugged as taggit would."""
    rows = {tag.name.lower(): tag for tag in Tag.objects.all()}
    slugs = {tag.slug for tag in rows.values()}
    new = []
    for name in names:
        if name.lower() in rows:
            continue
        base = Tag().slugify(name)[:95] or "tag"
        slug, n = base, 0
        while slug in slugs:
            n += 1
            slug = f"{base}_{n}"  # taggit's own suffix
        slugs.add(slug)
        rows[name.lower()] = Tag(name=name, slug=slug)
        new.append(rows[name.lower()])
    Tag.objects.bulk_create(new)
    return rows
