"""The social-sharing card of an article without a lead image (articles/images/social.py)."""

import io
import logging

import budoux
import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from articles.images import social


def measure(s):
    return len(s) * 10  # ten pixels a character, whatever it is


def naive(text, width_px):
    """Greedy breaking between any two characters: what lines() must do better than."""
    n = width_px // 10
    return [text[i : i + n] for i in range(0, len(text), n)]


def kinsoku_broken(wrapped):
    return [
        (i, line)
        for i, line in enumerate(wrapped)
        if (i > 0 and line[0] in social.NO_START) or (i < len(wrapped) - 1 and line[-1] in social.NO_END)
    ]


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    cache.clear()
    return tmp_path


@pytest.fixture
def fonts():
    if social._fonts() is None:
        pytest.skip("fonts-noto-cjk is not installed: apt-get install fonts-noto-cjk to draw cards")
    return social._fonts()


def test_japanese_breaks_only_between_budoux_phrases():
    title = "マイクロソフトがAWSに対抗してクラウドとAIに巨額投資"
    phrases = budoux.load_default_japanese_parser().parse(title)
    assert len(phrases) > 3
    boundaries, at = set(), 0
    for phrase in phrases:
        at += len(phrase)
        boundaries.add(at)
    width = 10 * (max(len(p) for p in phrases) + 1)  # every phrase fits a line on its own
    assert set(range(width // 10, len(title), width // 10)) - boundaries  # breaking anywhere splits one

    wrapped = social.lines(title, width, measure)

    assert "".join(wrapped) == title
    assert len(wrapped) > 1
    breaks = [sum(len(line) for line in wrapped[: i + 1]) for i in range(len(wrapped) - 1)]
    assert set(breaks) <= boundaries, (wrapped, phrases)
    assert all(measure(line) <= width for line in wrapped)


@pytest.mark.parametrize(
    "title",
    [
        "これからの「新しい」コンピューターの使い方、そして未来。",
        "東京で「春」の祭り、始まる。夏は（まだ）先。",
    ],
)
def test_kinsoku_holds_where_breaking_between_characters_would_break_it(title):
    widths = range(20, 10 * len(title), 10)
    # The case is real: breaking between characters puts 、。ー small kana or 「 where they are forbidden.
    assert any(kinsoku_broken(naive(title, w)) for w in widths)
    assert any(line[0] in "、。" for w in widths for line in naive(title, w)[1:])
    assert any(line[-1] == "「" for w in widths for line in naive(title, w)[:-1])

    for width in widths:
        wrapped = social.lines(title, width, measure)
        assert "".join(wrapped) == title
        assert not kinsoku_broken(wrapped), (width, wrapped)


def test_english_wraps_between_words():
    wrapped = social.lines("The quick brown fox jumps over the lazy dog", 100, measure)
    assert wrapped == ["The quick", "brown fox", "jumps over", "the lazy", "dog"]


def test_a_word_wider_than_the_line_is_broken_between_characters():
    assert social.lines("a supercalifragilistic word", 100, measure) == [
        "a",
        "supercalif",
        "ragilistic",
        "word",
    ]


def test_card_is_drawn_once_stored_and_found_again(storage, fonts, monkeypatch):
    drawn = []
    real_draw = social.draw
    monkeypatch.setattr(social, "draw", lambda *a: drawn.append(a) or real_draw(*a))
    title = "マイクロソフトがAWSに対抗してクラウドとAIに巨額投資"

    card = social.social_card(title, site_name="ニュースルーム")

    assert (card.width, card.height) == (1200, 630)
    assert len(drawn) == 1
    [stored] = list((storage / "images" / "cards").iterdir())
    assert card.url.endswith("/" + stored.name)
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))

    assert cache.get(f"social-card:images/cards/{stored.name}") is True  # no storage call next time
    assert social.social_card(title, site_name="ニュースルーム") == card  # the cache remembers it
    cache.clear()
    assert social.social_card(title, site_name="ニュースルーム") == card  # the storage has it
    assert len(drawn) == 1

    assert social.social_card(title + "へ", site_name="ニュースルーム").url != card.url
    assert social.social_card(title, site_name="Newsroom").url != card.url
    assert len(drawn) == 3


def test_a_card_stored_meanwhile_by_another_request_is_kept_once(storage, fonts, monkeypatch):
    title = "クラウドとAIに巨額投資"
    card = social.social_card(title, site_name="Newsroom")
    cache.clear()

    class Racing:
        """The storage as a second request sees it: not there yet when it looks, there when it saves."""

        def exists(self, name):
            return False

        def __getattr__(self, attr):
            return getattr(default_storage, attr)

    monkeypatch.setattr(social, "default_storage", Racing())
    assert social.social_card(title, site_name="Newsroom") == card
    assert len(list((storage / "images" / "cards").iterdir())) == 1


def test_no_cjk_font_gives_no_card_and_one_warning(storage, monkeypatch, caplog):
    monkeypatch.setattr(social, "_find_font", lambda style: None)
    social._fonts.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=social.__name__):
            assert social.social_card("日本語", site_name="Newsroom") is None
            assert social.social_card("日本語", site_name="Newsroom") is None
    finally:
        social._fonts.cache_clear()
    assert len([r for r in caplog.records if "fonts-noto-cjk" in r.getMessage()]) == 1
    assert not (storage / "images").exists()


def test_the_title_font_draws_japanese_glyphs_not_boxes(fonts):
    font = social._font("bold", 64)
    assert font.getname() == ("Noto Sans CJK JP", "Bold")

    def glyph(char):
        image = Image.new("L", (80, 80), 0)
        ImageDraw.Draw(image).text((8, 8), char, font=font, fill=255)
        return image

    nichi, hon, go = (glyph(c) for c in "日本語")
    assert nichi.getbbox() and hon.getbbox() and go.getbbox()  # ink, not nothing
    # A font without kanji draws the same box for each of them.
    assert nichi.tobytes() != hon.tobytes()
    assert hon.tobytes() != go.tobytes()


def test_long_titles_are_cut_with_an_ellipsis(fonts):
    font, wrapped = social._layout("長いタイトルが続きます、" * 40, 1200 - 2 * social.MARGIN)
    assert font.size == social.SIZES[-1]
    assert len(wrapped) == social.MAX_LINES
    assert wrapped[-1].endswith("…")
    assert font.getlength(wrapped[-1]) <= 1200 - 2 * social.MARGIN
    Image.open(io.BytesIO(social.draw("長いタイトルが続きます、" * 40, "Newsroom"))).verify()
