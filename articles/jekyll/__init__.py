"""Jekyll posts in and out: the file format (front matter, Liquid, kramdown) lives in this package.

- ``frontmatter``: splitting a post, reading its YAML, dates, lists and slugs the way Jekyll does.
- ``site``: a site's ``_config.yml`` (time zone, permalink style, default author) and Jekyll URLs.
- ``liquid``: turning a Jekyll body (Liquid and kramdown) into the CommonMark the site renders.
- ``reader``: one file to the values of one article.
- ``importer``: many files to articles, all-or-nothing.
- ``exporter``: articles back to files a Jekyll site (and this importer) reads.
"""
