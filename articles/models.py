"""Articles, their bylines, categories and tags, and the one rule for what the public may see."""

import zoneinfo

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from . import links
from .markdown import render_markdown
from .text import excerpt_from_html, html_to_text, is_cjk, reading_minutes


def site_date(moment, zone=None):
    """The calendar date of a moment in the site's time zone (``zone``, when the caller has looked
    it up for many): the date in an article's URL."""
    return moment.astimezone(zone or zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def listed_in_sitemap(front_matter):
    """False when a post's front matter keeps it out of the sitemap: Jekyll's `sitemap: false`, or
    `robots` asking not to be indexed (any case, a string or a list, as seo.py reads it)."""
    if not isinstance(front_matter, dict):
        return True
    if front_matter.get("sitemap") is False:
        return False
    robots = front_matter.get("robots") or ""
    if isinstance(robots, list | tuple):
        robots = ",".join(map(str, robots))
    return "noindex" not in str(robots).lower()


def public_rule(now):
    """What the public may see at ``now``: published, its publication time come, its withdrawal
    time not. A condition on an article's columns, or on the copies its tags' and byline's rows
    keep of them under the same names (ListedLink)."""
    not_withdrawn = Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now)
    return not_withdrawn & Q(status=Article.Status.PUBLISHED, published_at__lte=now)


class Author(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text=_("Optional: the account that writes under this byline."),
    )
    bio = models.TextField(_("biography"), blank=True)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return links.reverse("articles:author", self.slug)


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return links.reverse("articles:category", self.slug)


class ListedLink(models.Model):
    """A link from an article to a list of articles (a tag's, an author's) that keeps a copy of the
    article's state and times, so that the list's pages find their ids from its rows alone.

    Joined to the articles, a generic plan (prepared statements) cannot tell the busiest tag from
    the rarest and may hash every public article; from the copies it is one range of the list's
    index, whatever the plan. The pages still filter the articles by published(), so a copy
    behind its article could never show one (bench/README.md). Kept by save() below, Article.save()
    and the bulk writers, which pass copied(article).
    """

    status = models.CharField(max_length=20, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, editable=False)
    unpublish_at = models.DateTimeField(null=True, editable=False)

    COPIED_FIELDS = ("status", "published_at", "unpublish_at")
    article_field_name = None  # the link's ForeignKey to Article

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Rows made one by one (taggit's add(), the admin's byline inline) come through here.
        for name, value in self.copied(getattr(self, self.article_field_name)).items():
            setattr(self, name, value)
        super().save(*args, **kwargs)

    @classmethod
    def copied(cls, article):
        """The columns a link copies from its article."""
        return {name: getattr(article, name) for name in cls.COPIED_FIELDS}

    @classmethod
    def listing(cls, **lists):
        """The ids of the public articles of a list (``tag=...``, ``author=...``), in listing order."""
        rows = cls.objects.filter(public_rule(timezone.now()), **lists)
        column = f"{cls.article_field_name}_id"
        return rows.order_by("-published_at", f"-{column}").values(column)


class TaggedArticle(TaggedItemBase, ListedLink):  # noqa: DJ008 (taggit gives __str__)
    """The explicit through model keeps tag lookups to plain joins (no generic relation)."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")
    article_field_name = "content_object"

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_article")
        ]
        indexes = [
            # A tag's articles straight from the index: public counts and related articles join
            # it to article_visibility_idx without reading either table.
            models.Index(fields=["tag", "content_object"], name="tagged_article_by_tag_idx"),
            # The tag's public articles in listing order, from the index alone (ListedLink).
            models.Index(
                fields=["tag", "status", "-published_at", "-content_object"],
                include=["unpublish_at"],
                name="tagged_article_listing_idx",
            ),
        ]


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None):
        """What the public may see: published, its publication time has come, its withdrawal time not.

        `at` is the moment to judge by, now unless given.
        """
        return self.filter(public_rule(at or timezone.now()))

    def in_state(self, state):
        """Articles whose `Article.state` is `state`, decided in the database with the same rule."""
        now = timezone.now()
        published = Q(status=Article.Status.PUBLISHED)
        if state == Article.State.PUBLISHED:
            return self.published()
        if state == Article.State.SCHEDULED:
            return self.filter(published, Q(published_at__isnull=True) | Q(published_at__gt=now))
        if state == Article.State.UNPUBLISHED:
            expired = published & Q(published_at__lte=now, unpublish_at__lte=now)
            return self.filter(Q(status=Article.Status.UNPUBLISHED) | expired)
        return self.filter(status=state)

    def owned_by(self, user):
        """Articles the user created or writes under one of the bylines of."""
        if user.pk is None:
            return self.none()  # created_by_id=None would match every article without a creator
        bylined = ArticleAuthor.objects.filter(author__user_id=user.pk).values("article_id")
        return self.filter(Q(created_by_id=user.pk) | Q(pk__in=bylined))

    def with_relations(self):
        """The byline in order, categories and tags, for exports and editors' tools; public pages
        load cards instead (cards.py)."""
        return self.prefetch_related(
            models.Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")),
            "categories",
            "tags",
        )


class Article(models.Model):
    class Status(models.TextChoices):
        """What is stored; "scheduled" is PUBLISHED with a future publication time."""

        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class State(models.TextChoices):
        """What editors see: the stored status read against the clock."""

        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    # Fields whose change is a meaningful edit: it moves updated_at.
    CONTENT_FIELDS = ("title", "body", "excerpt", "description", "lead_image_id", "image", "image_alt")
    # Loaded values remembered to notice edits (see content_changed and edited).
    TRACKED_FIELDS = (*CONTENT_FIELDS, "updated_at", "published_at", "unpublish_at")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        allow_unicode=True,
        help_text=_("Part of the URL. Unique per publication date; Japanese is fine."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    body = MarkdownxField(_("body"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(_("body (HTML)"), editable=False, default="")
    excerpt = models.TextField(
        _("excerpt"), blank=True, help_text=_("Leave empty to use the opening of the body.")
    )
    summary = models.TextField(_("summary"), editable=False, default="")
    description = models.CharField(
        _("meta description"),
        max_length=300,
        blank=True,
        help_text=_("For search engines and link previews; the excerpt is used when empty."),
    )
    lead_image = models.ForeignKey(
        "articles.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_of",
        verbose_name=_("lead image"),
        help_text=_("Shown above the article, on its cards and when it is shared."),
    )
    # A lead image from outside the library (an address kept from before the library, or an import).
    image = models.CharField(
        _("external lead image"),
        max_length=500,
        blank=True,
        help_text=_("The address of a lead image outside the library; used when no lead image is chosen."),
    )
    image_alt = models.CharField(
        _("alt text of the external lead image"),
        max_length=500,
        blank=True,
        help_text=_("What the external lead image shows, for readers who cannot see it."),
    )
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", verbose_name=_("authors")
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="articles", verbose_name=_("categories")
    )
    tags = TaggableManager(through=TaggedArticle, blank=True, verbose_name=_("tags"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Readers see the article once it is Published and this time has come; a future time schedules it."
        ),
    )
    unpublish_at = models.DateTimeField(
        _("withdrawal time"),
        null=True,
        blank=True,
        help_text=_("Readers stop seeing the article from this time on; empty keeps it public."),
    )
    pub_date = models.DateField(_("publication date"), null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(
        _("last updated"), default=timezone.now, help_text=_("Moves when the content changes.")
    )
    reading_time = models.PositiveSmallIntegerField(_("reading time (minutes)"), default=1, editable=False)
    front_matter = models.JSONField(_("front matter"), default=dict, blank=True, editable=False)
    in_sitemap = models.BooleanField(_("in the sitemap"), default=True, editable=False)
    source_path = models.CharField(
        _("imported from"), max_length=500, null=True, blank=True, unique=True, editable=False
    )
    # What the last import read and wrote: a later import updates the article only when the file
    # changed (source_hash) and nobody changed the article since (imported_hash, see jekyll/plan.py).
    source_hash = models.CharField(_("source hash"), max_length=64, blank=True, editable=False)
    imported_hash = models.CharField(_("imported values hash"), max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Bumped by every full save and every workflow transition: a form loaded at an older
    # version is stale (see ArticleAdminForm).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["pub_date", "slug"], name="unique_slug_per_date")]
        indexes = [
            # Covers the listing order and the publication rule: deep pages skip rows in the index.
            models.Index(
                fields=["status", "-published_at", "-id"], include=["unpublish_at"], name="article_public_idx"
            ),
            # Whether an article is public, by id, without reading the wide row (PostgreSQL's
            # INCLUDE; elsewhere a plain index on id).
            models.Index(
                fields=["id"],
                include=["status", "published_at", "unpublish_at"],
                name="article_visibility_idx",
            ),
            # A sitemap section straight from the index: its page of ids, their addresses and
            # dates, and the count of its pages (PostgreSQL's INCLUDE; elsewhere a partial index).
            models.Index(
                fields=["id"],
                include=["status", "published_at", "unpublish_at", "pub_date", "slug", "updated_at"],
                condition=Q(in_sitemap=True),
                name="article_sitemap_idx",
            ),
        ]
        permissions = [
            ("submit_article", _("Can submit articles for review")),
            ("review_article", _("Can send articles back to their writers")),
            ("publish_article", _("Can approve, publish, schedule and unpublish articles")),
            ("edit_any_article", _("Can edit any article in any state")),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Derived columns are computed here once, so no request ever renders Markdown.
        self.derive()
        if not self._state.adding and kwargs.get("update_fields") is None:
            self.version += 1
        loaded = getattr(self, "_loaded", {})
        if loaded and self.content_changed() and self.updated_at == loaded.get("updated_at"):
            self.updated_at = timezone.now()
        fields = kwargs.get("update_fields")
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding and (fields is None or set(fields) & set(ListedLink.COPIED_FIELDS)):
            # Its tags' and byline's rows keep its state and times (ListedLink). Judged by the
            # rows, not by what was loaded: another save may have moved them since.
            copied = ListedLink.copied(self)
            for links in (self.tagged_items, self.bylines):
                links.exclude(**copied).update(**copied)
        self._loaded = {f: getattr(self, f) for f in self.TRACKED_FIELDS}

    def get_absolute_url(self):
        if self.pub_date is None:
            return reverse("articles:draft", kwargs={"pk": self.pk})
        return self.url_for(self.pub_date, self.slug)

    def derive(self):
        """Compute the derived columns (HTML, summary, reading time, date, slug) from the edited ones."""
        self.body_html = render_markdown(self.body)
        self.summary = self.excerpt.strip() or excerpt_from_html(self.body_html)
        self.reading_time = min(reading_minutes(html_to_text(self.body_html)), 32767)  # a smallint
        self.pub_date = site_date(self.published_at) if self.published_at else None
        self.in_sitemap = listed_in_sitemap(self.front_matter)
        if not self.slug:
            self.slug = slugify(self.title, allow_unicode=True)[:200] or "article"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = {f: getattr(instance, f) for f in cls.TRACKED_FIELDS if f in field_names}
        return instance

    def content_changed(self):
        """True when a content field differs from what was loaded from the database."""
        loaded = getattr(self, "_loaded", None)
        if loaded is None:
            return True
        return any(getattr(self, f) != loaded[f] for f in self.CONTENT_FIELDS if f in loaded)

    def edited(self, field):
        """True when ``field`` differs from what was loaded (always, for a new instance)."""
        loaded = getattr(self, "_loaded", None)
        return loaded is None or field not in loaded or getattr(self, field) != loaded[field]

    @staticmethod
    def url_for(pub_date, slug, reverse=links.reverse):
        """The path of the article published on ``pub_date`` as ``slug``; ``reverse`` may be a
        links.reverser() for many at once."""
        return reverse("articles:detail", pub_date.year, pub_date.month, pub_date.day, slug)

    def address_taken(self, slug, published_at):
        """True when another article of the same publication date already has this slug."""
        if not (slug and published_at):
            return False
        others = Article.objects.filter(pub_date=site_date(published_at), slug=slug).exclude(pk=self.pk)
        return others.exists()

    def keep_old_url(self, old_path):
        """Answer a previous address of this article with a redirect to the current one."""
        self.redirects.filter(old_path=self.get_absolute_url()).delete()
        ArticleRedirect.objects.update_or_create(old_path=old_path, defaults={"article": self})

    def is_published(self):
        """The single-object form of ArticleQuerySet.published()."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.unpublish_at is None or self.unpublish_at > now)
        )

    is_published.boolean = True
    is_published.short_description = _("public")

    def state_at(self, now):
        """The workflow state at a moment, by the same rule as ArticleQuerySet.in_state()."""
        if self.status != self.Status.PUBLISHED:
            return self.State(self.status)
        if self.published_at is None or self.published_at > now:
            return self.State.SCHEDULED
        if self.unpublish_at is not None and self.unpublish_at <= now:
            return self.State.UNPUBLISHED
        return self.State.PUBLISHED

    @property
    def state(self):
        return self.state_at(timezone.now())

    @property
    def ordered_authors(self):
        """The byline in order (prefetched by with_relations)."""
        return [byline.author for byline in self.bylines.all()]

    def set_authors(self, authors):
        """Replace the byline, keeping the given order."""
        self.bylines.all().delete()
        copied = ArticleAuthor.copied(self)
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=self, author=author, position=i, **copied)
            for i, author in enumerate(authors)
        )

    def guess_language(self):
        """Japanese when most letters of the title and body are CJK, English otherwise."""
        return "ja" if is_cjk(f"{self.title} {self.body[:4000]}") else "en"


class ArticleAuthor(ListedLink):
    """One name in an article's byline; position keeps the byline's order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="bylines", verbose_name=_("author")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    article_field_name = "article"

    class Meta:
        verbose_name = _("byline")
        verbose_name_plural = _("byline")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_author_per_article")
        ]
        indexes = [
            # The author's public articles in listing order, from the index alone (ListedLink).
            models.Index(
                fields=["author", "status", "-published_at", "-article"],
                include=["unpublish_at"],
                name="byline_listing_idx",
            ),
        ]

    def __str__(self):
        return str(self.author)


class ArticleRedirect(models.Model):
    """An old path of an article (an imported Jekyll URL, a changed slug or date): answered with 301."""

    old_path = models.CharField(_("old path"), max_length=500, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")

    class Meta:
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")

    def __str__(self):
        return self.old_path


class SearchIndex(models.Model):
    """An article as search reads it; only articles/search/index.py writes it (update_search_index).

    Kept beside the article, not in it: the document is a few times the body's size, and article
    pages, feeds and the admin would otherwise load it every time. On PostgreSQL ``vector`` has a
    GIN index (made by migration 0004, PostgreSQL only) and ``head`` ranks the candidates.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_index"
    )
    document = models.TextField(
        default="", help_text="Title, names, excerpt, body: one line each, tokenised."
    )
    long = models.BooleanField(
        default=False, help_text="Too long for tsvector positions: phrases read the text."
    )
    vector = SearchVectorField(null=True)
    head = SearchVectorField(null=True, help_text="Title (A), names (B) and excerpt (C).")

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index")

    def __str__(self):
        return str(self.article_id)


# The desk's records of each article and the image library live in modules of their own.
from .images.models import Image, ImageUse, Rendition  # noqa: E402,F401
from .records import Autosave, PreviewLink, Revision, Transition, preview_link_expiry  # noqa: E402,F401
