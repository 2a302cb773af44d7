"""Post bodies: Liquid resolved or removed (warned), kramdown-only syntax made CommonMark, code untouched."""

import pytest

from articles.jekyll.importer import import_posts
from articles.jekyll.liquid import convert
from articles.markdown import render_markdown
from articles.models import Article

from .factories import make_article
from .jekyll_files import post, run, write

SITE = "timezone: Asia/Tokyo\npermalink: /:year/:month/:day/:title/\n"


def html(text):
    return render_markdown(convert(text).body)


# Liquid


def test_highlight_becomes_fenced_code_with_its_language():
    body = convert("{% highlight ruby linenos %}\nputs 'hi'\n{{ not.liquid }}\n{% endhighlight %}").body
    assert body == "```ruby\nputs 'hi'\n{{ not.liquid }}\n```"


def test_raw_content_is_kept_literally():
    body = convert("Write {% raw %}{{ page.title }}{% endraw %} in layouts.").body
    assert body == "Write {{ page.title }} in layouts."


def test_liquid_in_fenced_code_is_left_alone_but_raw_markers_go():
    text = (
        "```liquid\n{% raw %}{% include nav.html %}\n{{ site.url }}{% endraw %}\n{: .not-an-ial}\n"
        "#not-a-heading\n```"
    )
    assert (
        convert(text).body
        == "```liquid\n{% include nav.html %}\n{{ site.url }}\n{: .not-an-ial}\n#not-a-heading\n```"
    )
    assert convert(text).warnings == []


def test_code_spans_are_left_alone():
    assert convert("Use `{% include x %}` or `{: .y}`.").body == "Use `{% include x %}` or `{: .y}`."


def test_site_url_and_baseurl_become_site_relative():
    text = (
        "[a]({{ site.url }}{{ site.baseurl }}/2019/01/02/a/) [b]({{site.url}}/b/) [c]({{ site.baseurl }}/c/)"
    )
    assert convert(text).body == "[a](/2019/01/02/a/) [b](/b/) [c](/c/)"


def test_figure_renders_its_content_and_caption():
    text = (
        '{% figure caption:"Drawn **by hand**." class:"gallery-2-col" %}\n![Sketch](/s.jpg)\n{% endfigure %}'
    )
    rendered = html(text)
    assert '<figure>\n<p><img src="/s.jpg" alt="Sketch"></p>\n<figcaption>' in rendered
    assert "<p>Drawn <strong>by hand</strong>.</p>\n</figcaption>\n</figure>" in rendered


def test_notice_becomes_a_block_with_markdown_inside():
    rendered = html("{% notice %}\n#### ProTip\n\nUse a **ruler**.\n{% endnotice %}")
    assert (
        '<div class="notice">\n<h4 id="md-protip">ProTip</h4>\n<p>Use a <strong>ruler</strong>.</p>\n</div>'
        in rendered
    )


def test_other_tags_are_removed_and_each_one_reported():
    converted = convert(
        "Before\n\n{% include ads-mid-article.html %}\n\n{% include_cached boilerplate/x.md %}\n\n"
        "{% vimeo 42 %} {{ page.date | date: '%Y' }}\n\n{% comment %}secret{% endcomment %}After"
    )
    assert "{%" not in converted.body and "{{" not in converted.body and "secret" not in converted.body
    assert converted.warnings == [
        "removed Liquid {% comment %}secret{% endcomment %}",
        "removed Liquid {% include ads-mid-article.html %}",
        "removed Liquid {% include_cached boilerplate/x.md %}",
        "removed Liquid {{ page.date | date: '%Y' }}",
    ]


def test_video_embeds_become_links():
    converted = convert("Watch:\n\n{% youtube -BLKj1xww6w %}\n\n{% vimeo 76979871 %}\n")
    assert "[▶ YouTube](https://www.youtube.com/watch?v=-BLKj1xww6w)" in converted.body
    assert "[▶ Vimeo](https://vimeo.com/76979871)" in converted.body
    assert converted.warnings == []


@pytest.mark.django_db
def test_warnings_name_the_file_and_the_tag(tmp_path):
    path = post(tmp_path, "2020-01-01-a.md", "title: A", body="{% include_cached boilerplate/x.md %}")
    report = import_posts([tmp_path])
    assert report.warnings == [f"{path}: removed Liquid {{% include_cached boilerplate/x.md %}}"]


@pytest.mark.django_db
def test_post_url_resolves_to_new_urls_in_the_same_run_and_in_the_database(tmp_path):
    make_article("Earlier", slug="earlier", source_path="old/_posts/2009-01-01-earlier.md")
    write(tmp_path, "site/_config.yml", SITE)
    post(
        tmp_path,
        "site/_posts/notes/2010-07-21-going-static.md",
        "title: Target\ndate: 2010-07-21 23:00:00 +0000",
    )
    body = (
        "[same run]({% post_url 2010-07-21-going-static %}) "
        "[with folder]({% post_url /notes/2010-07-21-going-static %}) "
        "[database]({% post_url 2009-01-01-earlier %}) "
        "[missing]({% post_url 2001-02-03-nowhere %})"
    )
    source = post(tmp_path, "site/_posts/2011-01-01-linking.md", "title: Linking", body=body)
    report = import_posts([tmp_path / "site"])
    earlier = Article.objects.get(title="Earlier").get_absolute_url()
    assert Article.objects.get(title="Linking").body == (
        f"[same run](/2010/07/22/going-static/) [with folder](/2010/07/22/going-static/) "
        f"[database]({earlier}) [missing](/2001/02/03/nowhere/)"
    )
    assert report.warnings == [
        f"{source}: {{% post_url 2001-02-03-nowhere %}} matches no post: linked to /2001/02/03/nowhere/"
    ]


@pytest.mark.django_db
def test_post_url_follows_a_numbered_slug(tmp_path):
    write(tmp_path, "site/_config.yml", SITE)
    post(tmp_path, "site/_posts/2020-01-01-same.md", "title: One\ndate: 2020-01-01 10:00:00 +0900")
    post(tmp_path, "site/_posts/2020-01-01-z.md", "title: Two\nslug: same\ndate: 2020-01-01 11:00:00 +0900")
    post(tmp_path, "site/_posts/2020-02-01-link.md", "title: Link", body="[two]({% post_url 2020-01-01-z %})")
    run(tmp_path / "site")
    assert Article.objects.get(title="Link").body == "[two](/2020/01/01/same-2/)"


# kramdown


def test_attribute_lists_are_removed_and_a_rule_after_them_stays_a_rule():
    rendered = html("[Contact us](/contact/)\n{: .consulting-cta-link}\n---\n## Next")
    assert rendered == (
        '<p><a href="/contact/" rel="noopener noreferrer">Contact us</a></p>\n<hr>\n'
        '<h2 id="md-next">Next</h2>\n'
    )


def test_inline_attribute_lists_and_toc_markers_are_removed():
    body = convert("* TOC\n{:toc}\n\n![Brush](/b.jpg){: .align-right} and [Buy][b]{:.btn}\n\n[b]: /buy/").body
    assert "{:" not in body and "TOC" not in body
    assert "![Brush](/b.jpg) and [Buy][b]" in body


def test_nomarkdown_is_unwrapped_and_abbreviations_removed():
    body = convert(
        "| a | {::nomarkdown}<ul><li>x</li></ul>{:/} |\n\n*[HTML]: Hyper Text Markup Language\n"
    ).body
    assert body == "| a | <ul><li>x</li></ul> |"


def test_headings_without_a_space_are_headings():
    assert (
        html("#見出し\n\n##概要と背景")
        == '<h1 id="md-見出し">見出し</h1>\n<h2 id="md-概要と背景">概要と背景</h2>\n'
    )


def test_setext_heading_only_under_a_one_line_paragraph():
    assert html("Single line\n---") == '<h2 id="md-single-line">Single line</h2>\n'
    assert html("First line\nsecond line\n---\nAfter") == (
        "<p>First line\nsecond line</p>\n<hr>\n<p>After</p>\n"
    )


def test_the_conversion_is_idempotent():
    # Text that came out of {% raw %} is the exception: the export wraps such bodies in raw again.
    text = (
        '{% figure caption:"c" %}\n![a](/a.jpg)\n{% endfigure %}\n---\n{% notice %}\nN\n{% endnotice %}\n'
        "#見出し\nline\nline\n---\n{: .x}\n`{{ y }}`\n"
    )
    once = convert(text).body
    assert convert(once).body == once


@pytest.mark.django_db
def test_imported_html_has_no_liquid_or_kramdown_left(tmp_path):
    body = (
        "Intro {{ site.url }}/x/\n\n{% include a.html %}\n\n{% figure %}\n![f](/f.jpg)\n{% endfigure %}\n\n"
        "Para\n{: .c}\n\n```\n{% keep %}\n```\n"
    )
    post(tmp_path, "2020-01-01-a.md", "title: A", body=body)
    run(tmp_path)
    rendered = Article.objects.get().body_html
    outside_code = rendered.split("<pre>")[0]
    assert "{%" not in outside_code and "{{" not in outside_code and "{:" not in outside_code
    assert "<code>{% keep %}\n</code>" in rendered
