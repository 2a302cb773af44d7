"""Export: the library images an article shows, copied to ``assets/images/library/`` beside the
posts, with the references pointing there, so importing the export finds the same images again
(media.py brings them in)."""

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

from ..images.models import Image
from .media import _LIBRARY_ID, LIBRARY_FOLDER, _outside_code, _reference, _retarget, lead_text
from .reader import image_of


@dataclass(frozen=True)
class Exported:
    """A library image as an exported site has it."""

    path: str  # /assets/images/library/42-title.png
    alt: str
    caption: str


class Export:
    """The library images the exported articles show, each copied once beside the posts."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.files = {}  # image id -> Exported, or None when its original cannot be read
        self.warnings = []

    @property
    def copied(self):
        return sum(1 for exported in self.files.values() if exported is not None)

    def of(self, article):
        """{image id: Exported} for the library images ``article`` shows, copying the new ones."""
        ids = set()

        def collect(match):
            found = _LIBRARY_ID.fullmatch(_reference(match)[0])
            if found:
                ids.add(int(found[1]))
            return match.group(0)

        _outside_code(article.body, collect)
        if article.lead_image_id:
            ids.add(article.lead_image_id)
        new = ids - self.files.keys()
        if new:
            images = Image.objects.in_bulk(new)
            for pk in sorted(new):
                self.files[pk] = self._copy(images[pk], article) if pk in images else None
        return {pk: self.files[pk] for pk in ids if self.files[pk] is not None}

    def _copy(self, image, article):
        name = Path(image.file.name)
        original = name.name.partition(".")[0]  # the stored name may add a token before the extension
        stem = slugify(image.title)[:80] or slugify(original)[:80] or "image"
        relative = f"{LIBRARY_FOLDER}/{image.pk}-{stem}{name.suffix.lower()}"
        try:
            source = image.file.open("rb")
        except OSError as exc:
            self.warnings.append(
                f"image #{image.pk} ({image.title}), shown by {article.slug}: its original cannot be "
                f"read ({exc}): the posts keep image:{image.pk}"
            )
            return None
        target = self.directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
        return Exported(f"/{relative}", image.alt_text.strip(), image.caption.strip())


def exported_body(body, images):
    """The body with its ``image:N`` references pointing at the exported files."""

    def replace(match):
        found = _LIBRARY_ID.fullmatch(_reference(match)[0])
        exported = images.get(int(found[1])) if found else None
        return match.group(0) if exported is None else _retarget(match, exported.path)

    return _outside_code(body, replace) if images else body


def lead_front_matter(article, kept, images):
    """The ``image:`` front matter of an exported article (the importer reads it back), or None."""
    exported = images.get(article.lead_image_id) if article.lead_image_id else None
    if exported is not None:
        path, alt, caption = exported.path, exported.alt, exported.caption
    elif article.image:
        form = kept.get("image")
        # The source's own form (a dict with path, caption...) when it still says the same.
        if image_of(form) == article.image and lead_text({"image": form})[0] == article.image_alt:
            return form
        path, alt, caption = article.image, article.image_alt, ""
    else:
        return None
    value = {"path": path, "alt": alt, "caption": caption}
    value = {key: text for key, text in value.items() if text}
    return value if len(value) > 1 else path
