"""The images a Jekyll post shows: into the image library on import, back beside the posts on export.

Import: the lead image (front matter ``image:``) and the body's pictures (``![alt](path)``, ``<img>``)
are files under a media folder (``--media DIR``, else the site folder holding ``_posts``), checked as
uploads are. The library keeps one image per content (checksum): importing again, or two posts showing
one picture, makes no copy. References become ``image:N``. Nothing is fetched from the web and nothing
outside the media folder is read, whatever ``..`` or links say. A lead image that cannot be brought in
is dropped with a warning (this site does not serve the old paths): the generated card stands in.
Images are saved only for the articles the plan writes; until then a new one waits as a marker.

Export (media_export.py): the library images an article shows are copied to
``assets/images/library/`` beside the posts and the references point there, so importing the export
finds the same images again.
"""

import hashlib
import html
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File

from ..images.models import Image
from ..images.uploads import check_upload, checksum, save_upload
from . import liquid
from .plan import RELATIONS, values_hash
from .reader import POST_FOLDERS

LIBRARY_FOLDER = "assets/images/library"
FALLBACK = "the article shares its generated card"
NO_FOLDER = "cannot be brought in without a media folder (--media)"
CHUNK = 500

# ![alt](dest "title") and <img ... src="..." ...>; the image syntax editors and kramdown posts use.
_REFERENCE = re.compile(
    r"!\[(?P<alt>[^\]\n]*)\]\(\s*(?P<dest><[^<>\n]*>|[^\s()<>]+)"
    r"(?:\s+(?P<title>\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
    r"|<img\b(?P<attrs>[^<>]*)>",
    re.IGNORECASE,
)
_SRC = re.compile(r"""\s+src\s*=\s*(?:"(?P<d>[^"]*)"|'(?P<s>[^']*)')""", re.IGNORECASE)
_ALT = re.compile(r"""\balt\s*=\s*(?:"(?P<d>[^"]*)"|'(?P<s>[^']*)')""", re.IGNORECASE)
_LIBRARY_ID = re.compile(r"image:(\d{1,10})")
# A new image, in a body or as a lead image, until it is saved (private-use characters, as liquid's).
_MARKER = re.compile("image:\ue004([0-9]+)\ue005")
_CODE_OPEN = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})|(?P<ticks>`+)", re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _code_ranges(text):
    """(start, end) of each fenced code block and code span: references there are text, not images."""
    ranges, pos, blank, unclosed = [], 0, None, set()
    while found := _CODE_OPEN.search(text, pos):
        if found["fence"]:
            mark = found["fence"]
            line_end = text.find("\n", found.end())
            closing = rf"^[ \t]{{0,3}}{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$"
            close = re.compile(closing, re.MULTILINE).search(text, line_end) if line_end != -1 else None
            end = close.end() if close else len(text)
        else:
            length = len(found["ticks"])
            ticks = re.compile(rf"(?<!`)`{{{length}}}(?!`)")
            close = None if length in unclosed else ticks.search(text, found.end())
            if close is None:
                unclosed.add(length)  # no later run of this length closes anything either
                pos = found.end()
                continue
            if blank is None or (blank != -1 and blank < found.end()):
                line = _BLANK_LINE.search(text, found.end())
                blank = line.start() if line else -1
            if blank != -1 and blank < close.start():  # a span ends with its paragraph
                pos = found.end()
                continue
            end = close.end()
        ranges.append((found.start(), end))
        pos = end
    return ranges


def _outside_code(text, replace):
    """``text`` with each image reference outside code replaced by ``replace(match)``."""
    out, pos = [], 0
    for start, end in [*_code_ranges(text), (len(text), len(text))]:
        out += [_REFERENCE.sub(replace, text[pos:start]), text[start:end]]
        pos = end
    return "".join(out)


def _attribute(pattern, attrs):
    found = pattern.search(attrs)
    return html.unescape(found["d"] if found["d"] is not None else found["s"]) if found else None


def _reference(match):
    """(address, alt text) of a reference as the post writes them."""
    if match["attrs"] is None:
        dest = match["dest"]
        return (dest[1:-1] if dest.startswith("<") else dest), match["alt"].strip()
    return _attribute(_SRC, match["attrs"]) or "", (_attribute(_ALT, match["attrs"]) or "").strip()


def _retarget(match, target):
    """The reference pointing at ``target``, in the form usage.references() and pictures.py read."""
    if match["attrs"] is not None:
        rest = _SRC.sub("", match["attrs"], count=1)
        return f'<img src="{target}"{rest}>'
    title = match["title"]
    title = f' "{title[1:-1].replace(chr(34), chr(39))}"' if title else ""
    return f"![{match['alt']}]({target}{title})"


def _split(address):
    try:
        return urlsplit(address)
    except ValueError:  # "//[x" and the like: not an address anything could serve
        return None


def _is_local(address):
    parts = _split(address)
    return parts is not None and not (parts.scheme or parts.netloc) and bool(address.strip())


def lead_text(front_matter):
    """(alt text, caption) the front matter gives its lead image: ``image.alt`` or ``image_alt``."""
    value = front_matter.get("image")
    value = value if isinstance(value, dict) else {}
    alt = value.get("alt") if isinstance(value.get("alt"), str) else front_matter.get("image_alt")
    caption = value.get("caption")
    return (alt.strip() if isinstance(alt, str) else "", caption.strip() if isinstance(caption, str) else "")


def site_folder(path):
    """The folder holding the ``_posts`` (or ``_drafts``) the post is in, or None."""
    folders = Path(path).absolute().parents
    return next((folder.parent for folder in folders if folder.name in POST_FOLDERS), None)


@dataclass(eq=False)
class Use:
    """A picture one post shows whose file was found and accepted."""

    written: str  # the address as the post writes it
    raw: str  # the text the address replaces, put back if the image cannot be saved after all
    path: Path
    checksum: str
    alt: str
    caption: str = ""
    marker: int | None = None  # index in Library.waiting while the library lacks the image


class Library:
    """One import's images: found and checked with the posts, saved once the plan is made."""

    def __init__(self, media=None):
        self.media = Path(media).absolute() if media else None
        if self.media is not None and not self.media.is_dir():
            raise ValueError(f"media folder {media} does not exist or is not a folder")
        self.files = {}  # resolved path -> (checksum, None) or (None, why it cannot be used)
        self.leads, self.uses = {}, {}  # post key -> its lead image's Use (or None), all its Uses
        self.known = {}  # checksum -> Image
        self.waiting = []  # Uses of images the library lacks, by marker
        self.stored = []  # (storage, name) of files saved, removed again if the import fails
        self._roots = {}

    def prepare(self, posts, progress=lambda iterable, **kwargs: iterable):
        """Find each post's images and write their numbers (or markers) in its values; returns warnings."""
        warnings = []
        for post in progress(posts, desc="Images", unit="post"):
            self._find(post, warnings)
        digests = list({use.checksum for uses in self.uses.values() for use in uses})
        for start in range(0, len(digests), CHUNK):
            images = Image.objects.filter(checksum__in=digests[start : start + CHUNK]).order_by("-pk")
            # The oldest copy wins.
            self.known.update((image.checksum, image) for image in images.only("checksum", "alt_text"))
        for post in posts:
            self._rewrite(post)
        return warnings + self._missing_alt(posts)

    def _find(self, post, warnings):
        root = self.media or site_folder(post.path)
        findings, uses = [], {}
        lead = self._lead(post, root, findings, warnings)

        def collect(match):
            written, alt = _reference(match)
            if root is None or not _is_local(written) or _LIBRARY_ID.fullmatch(written):
                pass
            elif written not in uses:
                raw = match["dest"] if match["attrs"] is None else written
                uses[written], why = self._use(written, raw, root, alt)
                findings.append([written, uses[written] and uses[written].checksum])
                if why:
                    warnings.append(f"{post.path}: image {written} {why}: left as it is")
            elif uses[written] is not None and not uses[written].alt:
                uses[written].alt = alt[:500]
            return match.group(0)

        _outside_code(post.body, collect)
        if findings:
            # What the files held is part of what the post says: a changed picture is a changed post.
            found = json.dumps(findings, ensure_ascii=False)
            post.digest = hashlib.sha256(f"{post.digest}|{found}".encode()).hexdigest()
        self.leads[post.key] = lead
        self.uses[post.key] = [use for use in [lead, *uses.values()] if use is not None]

    def _lead(self, post, root, findings, warnings):
        address = post.image
        if "{{" in address:
            address = liquid.convert(address).body.strip()  # {{ site.baseurl }}, | relative_url
        alt, caption = lead_text(post.front_matter)
        post.image = ""  # unless it is a web address: this site does not serve the old site's paths
        if not address:
            return None
        if getattr(_split(address), "scheme", "") in ("http", "https"):
            post.image, post.image_alt = address, alt[:500]
            return None
        if not _is_local(address):
            lead, why = None, "is not an http(s) address"
        else:
            lead, why = self._use(address, address, root, alt, caption)
            findings.append([address, lead and lead.checksum])
        if why:
            warnings.append(f"{post.path}: lead image {address} {why}: {FALLBACK}")
        return lead

    def _use(self, written, raw, root, alt, caption=""):
        """(Use, None) for a file under ``root`` that may enter the library, else (None, why not)."""
        if root is None:
            return None, NO_FOLDER
        path = unquote(urlsplit(written).path).lstrip("/")
        if not path:
            return None, "names no file"
        inside = self._roots.get(root) or self._roots.setdefault(root, root.resolve())
        try:
            real = (inside / path).resolve()
        except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL byte...
            return None, f"not found in {root}"
        if not real.is_relative_to(inside):
            return None, f"is outside {root}"
        if real not in self.files:
            self.files[real] = _check(real, root)
        digest, why = self.files[real]
        return (Use(written, raw, real, digest, alt[:500], caption), None) if digest else (None, why)

    def _target(self, use):
        """image:N, or a marker until bring_in saves the image."""
        image = self.known.get(use.checksum)
        if image is not None:
            return f"image:{image.pk}"
        if use.marker is None:
            use.marker = len(self.waiting)
            self.waiting.append(use)
        return f"image:\ue004{use.marker}\ue005"

    def _rewrite(self, post):
        lead = self.leads[post.key]
        uses = {use.written: use for use in self.uses[post.key] if use is not lead}
        if lead is not None:
            target = self._target(lead)
            found = _LIBRARY_ID.fullmatch(target)
            post.lead_image_id = int(found[1]) if found else target

        def rewrite(match):
            use = uses.get(_reference(match)[0])
            return match.group(0) if use is None else _retarget(match, self._target(use))

        if uses:
            post.body = _outside_code(post.body, rewrite)

    def _missing_alt(self, posts):
        """Published posts showing pictures neither they nor the library describe."""
        described = {digest for digest, image in self.known.items() if image.alt_text.strip()}
        described |= {use.checksum for uses in self.uses.values() for use in uses if use.alt}
        warnings = []
        for post in posts:
            named = {}
            for use in self.uses[post.key] if post.status == "published" else ():
                named.setdefault(use.checksum, use.written)
            warnings += [
                f"{post.path}: image {written} has no alt text, and the post is published: "
                "describe it in the image library"
                for digest, written in named.items()
                if digest not in described
            ]
        return warnings

    def bring_in(self, items):
        """Save the images the plan's written items show that the library lacks; returns warnings."""
        warnings = []
        for item in items:
            numbers = {}
            for use in self.uses.get(item.post.key, ()):
                image = self._image(use, item.post, warnings)
                if image is None:
                    continue
                if use.marker is not None:
                    numbers[use.marker] = image.pk
                if use.alt and not image.alt_text.strip():
                    # An editor's alt text is never replaced; an empty one takes the post's.
                    Image.objects.filter(pk=image.pk, alt_text=image.alt_text).update(alt_text=use.alt)
                    image.alt_text = use.alt
            fields = item.fields

            def number(match, numbers=numbers):
                index = int(match[1])
                return f"image:{numbers[index]}" if index in numbers else self.waiting[index].raw

            if isinstance(fields["lead_image_id"], str):
                fields["lead_image_id"] = numbers.get(int(_MARKER.fullmatch(fields["lead_image_id"])[1]))
            fields["body"] = _MARKER.sub(number, fields["body"])
            # What is written is what the next import compares with.
            relations = {name: getattr(item.post, name) for name in RELATIONS}
            fields["imported_hash"] = values_hash(fields, relations)
        return warnings

    def _image(self, use, post, warnings):
        image = self.known.get(use.checksum)
        if image is None:  # saved since the import read the library?
            image = Image.objects.filter(checksum=use.checksum).order_by("pk").first()
        if image is None:
            try:
                with use.path.open("rb") as handle:
                    checked = check_upload(File(handle, name=use.path.name))
                    new = Image(title=use.path.stem[:255], alt_text=use.alt, caption=use.caption)
                    image = save_upload(new, checked)
            except (OSError, ValidationError) as exc:
                warnings.append(f"{post.path}: image {use.written} {_why(exc)}: left as it is")
                return None
            self.stored.append((image.file.storage, image.file.name))
            self.known[image.checksum] = image  # the file may have changed since it was read
        self.known[use.checksum] = image
        return image

    @contextmanager
    def undone_on_failure(self):
        """Remove the files saved inside the block if it fails: their rows are rolled back."""
        try:
            yield
        except BaseException:
            for storage, name in self.stored:
                storage.delete(name)
            self.stored.clear()
            raise


def _check(real, root):
    try:
        if not real.is_file():
            return None, f"not found in {root}"
        with real.open("rb") as handle:
            checked = check_upload(File(handle, name=real.name))
            return checksum(checked.file), None
    except (OSError, ValidationError) as exc:
        return None, _why(exc)


def _why(exc):
    if isinstance(exc, ValidationError):
        return f"refused ({exc.messages[0].rstrip('.')})"
    return f"cannot be read ({exc.strerror or exc})"
