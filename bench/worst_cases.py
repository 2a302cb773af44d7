"""Time the worst inputs known for rendering, diffing and importing; print a Markdown table.

Run: DJANGO_SETTINGS_MODULE=newsroom.settings SECRET_KEY=x .venv/bin/python bench/worst_cases.py
Each case runs in a child process with a time limit (BENCH_CASE_TIMEOUT seconds, 60 by default)
and a memory limit, so a case that never finishes or grows without bound is reported, not waited for.
"""

import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from articles import diff, markdown  # noqa: E402
from articles.jekyll import frontmatter, liquid  # noqa: E402

TIMEOUT = float(os.environ.get("BENCH_CASE_TIMEOUT", 60))
MEMORY_LIMIT = 4 << 30  # bytes; the billion laughs would otherwise take the machine's memory
LIMIT = markdown.MAX_BODY_CHARS
LINES = markdown.MAX_LINES


def repeat(unit, chars):
    return unit * (chars // len(unit))


def one_line(words, changed_every):
    """A one-line body of distinct words, and a revision with every n-th word changed."""
    old = [f"word{i}" for i in range(words)]
    new = [f"new{i}" if i % changed_every == 0 else w for i, w in enumerate(old)]
    return " ".join(old), " ".join(new)


def billion_laughs(levels=9):
    lines = ['lol0: &lol0 "lol"']
    lines += [f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 9)}]" for n in range(1, levels + 1)]
    return "title: laughs\n" + "\n".join(lines) + f"\ntags: *lol{levels}\n"


def import_front_matter(yaml_text):
    data = frontmatter.load(yaml_text)
    frontmatter.jekyll_list(data, "tag", "tags")
    return frontmatter.json_safe(data)


def render(text):
    return markdown.render_markdown(text)


def diff_pair(pair):
    return diff.diff_html(*pair)


# (case, input size, function, argument builder): the input is built before the clock starts.
CASES = [
    ("Markdown: `## h` repeated (refused: lines)", "20,000 headings", render, lambda: "## h\n" * 20_000),
    ("Markdown: `## h` at the line limit", f"{LINES - 1:,} headings", render, lambda: "## h\n" * (LINES - 1)),
    (
        "Markdown: long headings at both limits",
        f"{LINES - 1:,} lines, {LIMIT:,} chars",
        render,
        lambda: ("## " + "h" * (LIMIT // LINES - 4) + "\n") * (LINES - 1),
    ),
    (
        "Markdown: setext headings `a\\n=`",
        f"{LINES - 1:,} lines",
        render,
        lambda: "a\n=\n" * (LINES // 2 - 1),
    ),
    (
        "Markdown: table rows",
        f"{LINES - 1:,} lines",
        render,
        lambda: "|a|b|\n|-|-|\n" + "|a|b|\n" * (LINES - 3),
    ),
    ("Markdown: `![` repeated", f"{LIMIT:,} chars", render, lambda: repeat("![", LIMIT)),
    ("Markdown: `*a**` emphasis", f"{LIMIT:,} chars", render, lambda: repeat("*a**", LIMIT)),
    ("Markdown: `[^a` footnote starts", f"{LIMIT:,} chars", render, lambda: repeat("[^a", LIMIT)),
    (
        "Markdown: table, one row per line",
        f"{LIMIT:,} chars",
        render,
        lambda: "|a|b|\n|-|-|\n" + repeat("|a|b|\n", LIMIT - 12),
    ),
    ("Markdown: nested `<div>`", f"{LIMIT:,} chars", render, lambda: repeat("<div>", LIMIT)),
    (
        "Markdown: `<span>` left open, `</div>`",
        f"{LIMIT:,} chars",
        render,
        lambda: repeat("<span>" * 100 + "</div>" * 100, LIMIT),
    ),
    ("Markdown: `&` in one paragraph (nh3)", f"{LIMIT:,} chars", render, lambda: repeat("a&", LIMIT)),
    ("Markdown: over the limit", f"{2 * LIMIT:,} chars", render, lambda: repeat("## h\n", 2 * LIMIT)),
    (
        "Diff: one-line body, every 100th word changed",
        "10,000 words",
        diff_pair,
        lambda: one_line(10_000, 100),
    ),
    (
        "Diff: one-line body, every 100th word changed",
        "20,000 words",
        diff_pair,
        lambda: one_line(20_000, 100),
    ),
    ("Diff: one-line body, every word changed", "20,000 words", diff_pair, lambda: one_line(20_000, 1)),
    (
        "Diff: blank lines against text lines",
        f"{LIMIT:,} chars",
        diff_pair,
        lambda: (repeat("\n", LIMIT), repeat("a\n\n", LIMIT)),
    ),
    (
        "Front matter: billion laughs",
        f"{len(billion_laughs())} chars of YAML",
        import_front_matter,
        billion_laughs,
    ),
    ("Liquid: `{% x` repeated", "100,000 chars", liquid.convert, lambda: repeat("{% x\n", 100_000)),
    ("Liquid: `<pre>` repeated", "100,000 chars", liquid.convert, lambda: repeat("<pre>\n", 100_000)),
]


def _child(function, build, results):
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    argument = build()
    started = time.perf_counter()
    try:
        function(argument)
    except MemoryError:
        results.put("out of memory")
        return
    except Exception as exc:  # a refusal (FrontMatterError) is a result, timed like any other
        results.put(f"{time.perf_counter() - started:.3f} ({type(exc).__name__})")
        return
    results.put(f"{time.perf_counter() - started:.3f}")


def measure(function, build):
    results = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_child, args=(function, build, results))
    child.start()
    child.join(TIMEOUT)
    if child.is_alive():
        child.kill()
        child.join()
        return f"> {TIMEOUT:.0f} (stopped)"
    return results.get() if not results.empty() else f"crashed (exit {child.exitcode})"


def main():
    print("| case | input size | seconds |")
    print("|---|---|---:|")
    for case, size, function, build in CASES:
        print(f"| {case} | {size} | {measure(function, build)} |", flush=True)


if __name__ == "__main__":
    main()
