"""Write bench/results.md from one bench/run: medians of the rounds, the ratios and their verdicts.

Run by bench/run, which passes everything through the environment (RAW, PAGES, ... and B_*).
Exits 3 when a target is missed, 0 otherwise.
"""

import csv
import os
import statistics
import sys
from pathlib import Path
from urllib.parse import unquote

E = os.environ
SIDES = ["uncached", "cached", "ceiling", "tuned", "ceiling_tuned", "peer", "nginx"]
TITLE = {
    "uncached": "Newsroom uncached",
    "cached": "Newsroom cached (Varnish as shipped)",
    "ceiling": "Varnish ceiling (as shipped, static origin)",
    "tuned": "Newsroom cached (Varnish tuned)",
    "ceiling_tuned": "Varnish ceiling (tuned, static origin)",
    "peer": "peer (Wagtail)",
    "nginx": "nginx (limit)",
}
HZ = int(E.get("HZ", "100"))


def rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ms(text):
    """wrk's latency ("54.21ms", "1.02s", "812.00us") in milliseconds."""
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return None


def fmt(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def main():
    raw = rows(E["RAW"])
    pages = [line.split("\t") for line in Path(E["PAGES"]).read_text(encoding="utf-8").splitlines()]
    peer_paths = {}
    if E.get("B_PEER_OK") == "1" and Path(E["PEER_PATHS"]).exists():
        peer_paths = dict(line.split("\t") for line in Path(E["PEER_PATHS"]).read_text().splitlines())
    by = {}
    for r in raw:
        by.setdefault((r["side"], r["page"]), []).append(r)

    def stat(side, page, key):
        got = by.get((side, page), [])
        if key == "rps":
            return median([float(r["rps"]) for r in got if r["rps"]])
        if key in ("p50", "p99"):
            return median([ms(r[key]) for r in got if r[key]])
        if key == "others":
            return max([int(r["others"]) for r in got], default=None)
        if key == "bad":
            return sum(int(r["non2xx"] or 0) + int(r["errors"] or 0) for r in got) if got else None
        if key in ("app", "db"):  # CPU ms per request
            n = sum(int(r["requests"] or 0) for r in got)
            t = sum(int(r[f"{key}_ticks"] or 0) for r in got)
            return t * 1000 / HZ / n if n else None
        raise KeyError(key)

    min_peer, min_home = float(E["B_MIN_PEER"]), float(E["B_MIN_HOME"])
    min_nginx, max_q = float(E["B_MIN_NGINX"]), int(E["B_MAX_QUERIES"])
    missed = False
    out = []
    w = out.append
    w("# Benchmark results")
    w("")
    w(
        f"Run {E.get('B_DATE', '')}by `make bench` (bench/run) at commit {E['B_COMMIT']}: "
        f"{E['B_ROUNDS']} interleaved rounds (each page on every side in turn), "
        f"`wrk -t{E['B_THREADS']} -c{E['B_CONNECTIONS']} -d{E['B_DURATION']} --latency` after a "
        f"{E['B_WARMUP']} warm-up per URL and side; the figures are the medians of the rounds. "
        f"The whole run took {int(E['B_SECONDS']) // 60} min {int(E['B_SECONDS']) % 60} s "
        f"({int(E['B_MEASURE_SECONDS']) // 60} min {int(E['B_MEASURE_SECONDS']) % 60} s of measuring)."
    )
    w("")
    w(
        f"- Machine: {E['B_MACHINE']}; load average {E['B_LOAD_BEFORE']} before the run, {E['B_LOAD_AFTER']} after"
    )
    w(f"- {E['B_VERSIONS']}")
    w(
        f"- Newsroom: {int(E['B_ARTICLES']):,} generated articles ({int(E['B_PUBLISHED']):,} public), "
        f"{E['B_TAGS']} tags; gunicorn, {E['B_WORKERS']} sync workers, DEBUG off, the default cache in Redis"
    )
    if E.get("B_PEER_OK") == "1":
        w(
            f"- Peer: the Wagtail site of shared/peer-bench, {int(E['B_PEER_POSTS']):,} posts "
            f"(busiest tag: {E.get('B_PEER_TAG') or '?'}), gunicorn {E['B_WORKERS']} sync workers, uncached"
        )
        import re

        m = re.search(r" on (\d+) posts", E.get("B_PEER_TAG", ""))
        if m and int(m.group(1)) <= 19 * 20:
            w(
                f"  - The peer's busiest tag has {m.group(1)} posts, too few for a page 20 (20 a page; Django's "
                "`Paginator.get_page` would answer its last page): the peer's deep page is its home's `/?page=20` "
                f"(`{unquote(peer_paths.get('tag page 20', '?'))}`)."
            )
    else:
        w(f"- Peer: **not measured**: {E.get('B_PEER_NOTE', '')}")
    w(
        f"- Varnish: `varnishd -j none -s malloc,256m` {E['B_VARNISH_PARAMS'].replace('-s malloc,256m', '').strip()} "
        "with deploy/varnish/default.vcl (bench/varnish.sh); cached: in front of a gunicorn with "
        "`PAGE_CACHE_SECONDS=600`, each URL warmed; ceiling: the same in front of a static origin replaying "
        "the app's saved responses, headers included (bench/static_origin.py)"
    )
    w("- nginx: 2 workers serving static snapshots of Newsroom's same pages (shared/peer-bench/limit_nginx)")
    tuning = E.get("B_TUNING", "")
    if tuning:
        w(f"- Varnish tuned: the same, plus `{tuning}`")
    w("")
    w("## Requests per second and ratios")
    w("")
    tuned_head = " | Newsroom cached, Varnish tuned | Varnish ceiling, tuned" if tuning else ""
    tuned_ratio_head = " | tuned cached / nginx | tuned ceiling / nginx" if tuning else ""
    w(
        "| Page | Newsroom uncached | Newsroom cached (Varnish as shipped) | Varnish ceiling (as shipped)"
        f"{tuned_head} | peer (Wagtail) | nginx "
        f"| uncached / peer (≥ {min_peer:g}×, home ≥ {min_home:g}×) | cached / nginx (≥ {min_nginx:.0%}) "
        f"| ceiling / nginx{tuned_ratio_head} | SQL queries (≤ {max_q}) | |"
    )
    w("|---|" + "---:|" * (12 if tuning else 8) + "---|")
    for name, _path, queries, _status in pages:
        rps = {side: stat(side, name, "rps") for side in SIDES}
        up = ratio(rps["uncached"], rps["peer"])
        cn = ratio(rps["cached"], rps["nginx"])
        vn = ratio(rps["ceiling"], rps["nginx"])
        tn = ratio(rps["tuned"], rps["nginx"])
        tvn = ratio(rps["ceiling_tuned"], rps["nginx"])
        need_peer = min_home if name == "home" else min_peer
        problems, notes = [], []
        if up is None:
            notes.append("no peer figure")
        elif up < need_peer:
            problems.append(f"uncached < {need_peer:g}× peer")
        if cn is None or cn < min_nginx:
            if tn is not None and tn >= min_nginx:
                problems.append(f"cached < {min_nginx:.0%} of nginx as shipped (met tuned)")
            else:
                problems.append(f"cached < {min_nginx:.0%} of nginx")
        if int(queries) > max_q:
            problems.append(f"{queries} queries")
        if any(stat(side, name, "bad") for side in SIDES if (side, name) in by):
            problems.append("errors")
        verdict = "MISSED: " + ", ".join(problems) if problems else "met"
        if notes:
            verdict += " (" + ", ".join(notes) + ")"
        missed = missed or bool(problems)

        def pct(x):
            return f"{fmt(x * 100 if x else None, 1)}%"

        tuned_cells = f" | {fmt(rps['tuned'])} | {fmt(rps['ceiling_tuned'])}" if tuning else ""
        tuned_ratios = f" | {pct(tn)} | {pct(tvn)}" if tuning else ""
        w(
            f"| {name} | {fmt(rps['uncached'])} | {fmt(rps['cached'])} | {fmt(rps['ceiling'])}{tuned_cells} "
            f"| {fmt(rps['peer'])} | {fmt(rps['nginx'])} | {fmt(up, 2)}× | {pct(cn)} | {pct(vn)}{tuned_ratios} "
            f"| {queries} | {verdict} |"
        )
    w("")
    w(
        "Targets (the issue): Newsroom cached through the shipped Varnish at least 40% of nginx's throughput on "
        "every page; uncached at least 2× the peer on every page, home at least 5×; at most 4 SQL queries a page. "
        "The Varnish ceiling is the same varnishd and VCL serving the same responses from a static origin: what "
        "Varnish itself reaches on this machine, whatever the app does. SQL queries are counted with the "
        "Django test client on the same database (bench/probe.py)."
        + (" Varnish tuned differs from the shipped command line by `" + tuning + "`." if tuning else "")
    )
    w("")
    w("## Latency, errors, CPU and other load")
    w("")
    w(
        "| Page | Side | Path | Bytes | p50 ms | p99 ms | non-2xx + socket errors | CPU ms/request: server + PostgreSQL | Other CPU load (max) |"
    )
    w("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for name, path, _queries, _status in pages:
        for side in SIDES:
            if (side, name) not in by:
                continue
            shown = unquote(peer_paths.get(name, "") if side == "peer" else path)
            nbytes = E.get(f"B_BYTES_{side}_{name.replace(' ', '_')}", "")
            db = stat(side, name, "db")
            cpu = fmt(stat(side, name, "app"), 2) + (
                f" + {db:.2f}" if side in ("uncached", "peer") and db is not None else ""
            )
            w(
                f"| {name} | {TITLE[side]} | `{shown}` | {nbytes} | {fmt(stat(side, name, 'p50'), 2)} "
                f"| {fmt(stat(side, name, 'p99'), 2)} | {stat(side, name, 'bad')} | {cpu} | {stat(side, name, 'others')}% |"
            )
    w("")
    w(
        "CPU ms/request: CPU time of the side's server processes (gunicorn master and workers; varnishd, and "
        "the idle gunicorn or static origin behind it; nginx) and, for the Django sides, of their PostgreSQL "
        "backends, divided by the requests served. Two cores give 2,000 ms a second, shared with wrk. "
        "Other CPU load: the largest share of the machine's CPU that anything but wrk and the side's processes "
        "used during one of its measurements (other sessions' jobs, the kernel's softirq work is counted there "
        "too); above a few percent the figures are low, and all sides were measured under the same conditions "
        "only to the extent the rounds interleave."
    )
    w("")
    w("Per-round req/s (round 1, 2, ...):")
    w("")
    for name, *_ in pages:
        parts = []
        for side in SIDES:
            got = by.get((side, name), [])
            if got:
                parts.append(f"{side} " + ", ".join(f"{float(r['rps']):,.0f}" for r in got))
        w(f"- {name}: " + "; ".join(parts))
    vs = Path(E["VARNISHSTAT"])
    if vs.exists() and vs.read_text().strip():
        w("")
        w("Varnish counters after the load: " + "; ".join(vs.read_text().split("\n")).strip("; "))
    mem = [line.split("\t") for line in Path(E["MEMORY"]).read_text().splitlines() if line]
    if mem:
        w("")
        w("| Memory (uncached gunicorn) | RSS after the load | Limit | |")
        w("|---|---:|---:|---|")
        limit = int(E["B_MEMORY_LIMIT"])
        for pid, mb in mem:
            ok = int(mb) < limit
            missed = missed or not ok
            w(f"| worker {pid} | {mb} MB | < {limit} MB | {'ok' if ok else 'MISSED'} |")
    Path(E["RESULTS"]).write_text("\n".join(out) + "\n", encoding="utf-8")
    return 3 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
