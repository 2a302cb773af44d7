"""Front matter as Jekyll reads it: the YAML block, dates, category and tag lists, slugs."""

import base64
import datetime
import math
import re
import unicodedata

import yaml

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

# Jekyll's YAML_FRONT_MATTER_REGEXP: a first line of ---, then up to a line of --- or ...
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\n?)^(?:---|\.\.\.)[ \t]*$\r?\n?", re.DOTALL | re.MULTILINE)
# Jekyll's DATE_FILENAME_MATCHER: 2025-09-07-slug.md
_DATED_NAME = re.compile(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*)$")
_DATE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[Tt ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?$"
)


class FrontMatterError(ValueError):
    """A post this importer cannot read; the message says why, in words an editor understands."""


def split(text):
    """(front matter YAML, body) of a post; FrontMatterError when there is no front matter block."""
    text = text.removeprefix("\ufeff")
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise FrontMatterError("no front matter (the file must start with a line of ---)")
    return match.group(1), text[match.end() :]


# Front matter is a few hundred characters. These bound what a hostile file can cost: PyYAML
# shares one node among all its aliases, so "billion laughs" (aliases of aliases) is small as a
# graph and only blows up when walked as a tree, by the constructor, json_safe or _flatten.
MAX_YAML_CHARS = 64 * 1024
MAX_NODES = 10_000  # once every alias is expanded
MAX_DEPTH = 100  # json_safe and _flatten recurse
MAX_NUMBER_CHARS = 100  # int("1" * 5000) fails, and 1:1:1... (base 60) grows a huge int


def load(yaml_text):
    """The front matter as a dict. Duplicate keys: the last wins, as in Ruby's YAML."""
    if len(yaml_text) > MAX_YAML_CHARS:
        raise FrontMatterError(
            f"front matter too large ({len(yaml_text):,} characters; at most {MAX_YAML_CHARS:,})"
        )
    try:
        loader = _Loader(yaml_text)
        try:
            # yaml.load's get_single_data, with the node graph checked before it is built.
            node, data = loader.get_single_node(), None
            if node is not None:
                _check_size(node)
                data = loader.construct_document(node)
        finally:
            loader.dispose()
    except FrontMatterError:
        raise  # from _check_size, already in words an editor understands (and a ValueError)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""  # +1 for the --- line
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(f"broken YAML front matter{where}: {problem}") from exc
    except ValueError as exc:
        # PyYAML reads 2025-13-45 as a timestamp and fails building the date (or !!int 0x, a number).
        raise FrontMatterError(f"impossible date or number in the front matter ({exc})") from exc
    except (LookupError, AttributeError, TypeError) as exc:
        # PyYAML's constructors fail so on a value its explicit tag does not fit: !!int "", !!bool x.
        raise FrontMatterError(f"a value in the front matter does not fit its !!tag ({exc!r})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("the front matter is not a set of key: value pairs")
    return {str(key) if not isinstance(key, str) else key: value for key, value in data.items()}


def _children(node):
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return node.value if isinstance(node, yaml.SequenceNode) else []


def _check_size(root):
    """FrontMatterError unless the YAML, aliases expanded, is a tree within MAX_NODES and MAX_DEPTH.

    Each node is walked once, its expanded size and depth remembered, so this costs what the text does.
    """
    sizes, depths = {}, {}  # by id(node)
    path = set()  # the nodes being walked into: meeting one again means an alias inside its anchor
    stack = [(root, False)]
    while stack:
        node, walked = stack.pop()
        if walked:
            path.discard(id(node))
            children = _children(node)
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            depths[id(node)] = 1 + max((depths[id(child)] for child in children), default=0)
            if sizes[id(node)] > MAX_NODES:
                raise FrontMatterError(
                    f"front matter too large once its aliases are expanded (over {MAX_NODES:,} values)"
                )
            if depths[id(node)] > MAX_DEPTH:
                raise FrontMatterError(f"front matter nested too deeply (over {MAX_DEPTH} levels)")
        elif id(node) in path:
            raise FrontMatterError("front matter with an alias inside its own anchor")
        elif id(node) not in sizes:
            if node.tag == "tag:yaml.org,2002:int" and len(node.value) > MAX_NUMBER_CHARS:
                raise FrontMatterError(f"a number longer than {MAX_NUMBER_CHARS} digits in the front matter")
            path.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))


def parse_date(value, tz):
    """An aware datetime from a front matter value, or None for an empty value.

    Naive times and bare dates are in the site's time zone ``tz``. PyYAML gives a string for
    ``2025-09-07 08:26:39 +0000`` (no colon in the offset) where Ruby gives a time: parsed here.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time(), tzinfo=tz)
    text = str(value).strip()
    match = _DATE.match(text)
    if match is None:
        raise FrontMatterError(f"cannot read the date {text!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        moment = datetime.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
        )
    except ValueError as exc:
        raise FrontMatterError(f"impossible date {text!r} ({exc})") from exc
    return moment.replace(tzinfo=_offset(offset) if offset else tz)


def _offset(text):
    if text.upper() in {"Z", "UTC", "GMT"}:
        return datetime.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (digits, "0") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    return datetime.timezone(sign * datetime.timedelta(hours=int(hours), minutes=int(minutes)))


def dated_name(stem):
    """(date or None, slug) from a post's file name without extension, as Jekyll splits it."""
    match = _DATED_NAME.match(stem)
    if match is None:
        return None, stem
    year, month, day, slug = match.groups()
    try:
        return datetime.date(int(year), int(month), int(day)), slug
    except ValueError as exc:
        raise FrontMatterError(f"impossible date in the file name ({exc})") from exc


def ruby_str(value):
    """A scalar as Ruby's to_s prints it, which is how Jekyll turns a tag like `false` into text."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def jekyll_list(data, singular, plural):
    """Jekyll's pluralized_array_from_hash: `category` as is, else `categories` split on spaces."""
    value = data.get(singular)
    if value is None:
        value = data.get(plural)
        if isinstance(value, str):
            value = value.split()
    values = value if isinstance(value, list) else [value]
    names = []
    for item in _flatten(values):
        name = ruby_str(item).strip()
        if name:
            names.append(name)
    return names


def _flatten(values):
    for value in values:
        if isinstance(value, list):
            yield from _flatten(value)
        elif value is not None:
            yield value


def unique_casefold(names):
    """Names without case-insensitive repeats, first spelling and order kept (DSL, dsl: one tag)."""
    seen, result = set(), []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            result.append(name)
    return result


_PRETTY_KEEP = set("._~!$&'()+,;=@")


def jekyll_slugify(text, *, pretty=False, cased=False):
    """Jekyll's Utils.slugify in its default and "pretty" modes (the latter builds :title)."""
    out, hyphen = [], False
    for ch in unicodedata.normalize("NFC", text):
        if ch.isalnum() or unicodedata.category(ch).startswith("M") or (pretty and ch in _PRETTY_KEEP):
            out.append(ch)
            hyphen = False
        elif not hyphen:
            out.append("-")
            hyphen = True
    slug = "".join(out).strip("-")
    return slug if cased else slug.lower()


_NOT_SLUG = re.compile(r"[^-\w]+")
_NOT_SLUG_AT_ENDS = re.compile(r"^[^-\w]+|[^-\w]+$")


def field_slug(text):
    """A slug Article.slug accepts (unicode letters, digits, _ and -), changing as little as possible.

    Refused characters become one hyphen (dropped at the ends); the source's own hyphens stay.
    """
    slug = _NOT_SLUG.sub("-", _NOT_SLUG_AT_ENDS.sub("", unicodedata.normalize("NFC", text)))
    return slug[:200] if slug.strip("-") else ""


def json_safe(value):
    """Front matter as JSON: dates as ISO strings, other odd YAML values as text."""
    if isinstance(value, dict):
        return {ruby_str(k) if not isinstance(k, str) else k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
