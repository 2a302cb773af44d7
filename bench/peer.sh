#!/usr/bin/env bash
# The peer for bench/run: the Wagtail site of ../shared/peer-bench (README there), in a writable copy.
#   bench/peer.sh setup N   # copy, setup.sh (nginx, wrk, venv, PostgreSQL cluster, migrate), N posts
#   bench/peer.sh start     # its PostgreSQL (127.0.0.1:55432) + VACUUM ANALYZE + gunicorn (:58001)
#   bench/peer.sh paths     # name<TAB>path: home, article, tag page 1, tag page 20, RSS feed
#                           (tag page 20: its home's /?page=20 when the busiest tag has no page 20)
#   bench/peer.sh pids      # "pid app" for its gunicorn processes, "pid db" for its PostgreSQL backends
#   bench/peer.sh stop      # gunicorn, then PostgreSQL
# Env: BENCH_PEER_SRC (../shared/peer-bench), BENCH_PEER_DIR (${TMPDIR:-/tmp}/newsroom-peer-bench),
#      BENCH_PEER_KEEP_DB=1: stop leaves its PostgreSQL running (another scale is loading into it).
# The copy is kept between runs, with a database for each number of posts (wagtail_bench_N, N from
# setup's argument or BENCH_PEER_ARTICLES, 10000 by default): loading 100,000 takes 40 to 80 minutes,
# so a run at one scale does not throw away the other's. Its search index is not built: no measured
# page searches, and building it would add a quarter of the loading time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC=${BENCH_PEER_SRC:-$ROOT/../shared/peer-bench}
DIR=${BENCH_PEER_DIR:-${TMPDIR:-/tmp}/newsroom-peer-bench}
# Its own cluster, beside the copy; the peer's settings read the same PG* variables.
export PGDATA=$DIR/pgdata PGHOST=127.0.0.1 PGPORT=55432 PGUSER=postgres PGDATABASE
PSQL=(psql -h 127.0.0.1 -p 55432 -U postgres)
PY=$DIR/peer_wagtail/.venv/bin/python
DEEP_PAGE=20
[ "${1:-}" = setup ] && BENCH_PEER_ARTICLES=${2:?setup N}
PGDATABASE=wagtail_bench_${BENCH_PEER_ARTICLES:-10000}

posts() { "${PSQL[@]}" -d "$PGDATABASE" -Atc "select count(*) from blog_blogpage" 2>/dev/null || echo 0; }

case "${1:-}" in
setup)
    want=$2
    if [ ! -x "$DIR/setup.sh" ]; then
        [ -d "$SRC" ] || { echo "no peer at $SRC" >&2; exit 1; }
        rm -rf "$DIR"
        cp -r "$SRC" "$DIR"
        chmod -R u+w "$DIR"
    fi
    cd "$DIR"
    # setup.sh migrates the database PGDATABASE names: its pg.sh must create that one (DBNAME).
    [ -f out/setup.done ] || { DBNAME=$PGDATABASE ./setup.sh; mkdir -p out; touch out/setup.done; }
    DBNAME=$PGDATABASE PGDATABASE=postgres ./pg.sh start >/dev/null
    have=$(posts)
    if [ "$have" != "$want" ]; then
        echo "peer: $have posts, $want wanted: reloading (about 6 minutes for 10,000, 40 to 80 for 100,000)"
        ./serve_wagtail.sh stop >/dev/null
        "${PSQL[@]}" -d postgres -qc "drop database if exists $PGDATABASE with (force)"
        "${PSQL[@]}" -d postgres -qc "create database $PGDATABASE"
        (cd peer_wagtail && "$PY" manage.py migrate -v0 && "$PY" manage.py load_posts --count "$want" --search-index skip)
    fi
    ;;
start)
    cd "$DIR"
    DBNAME=$PGDATABASE PGDATABASE=postgres ./pg.sh start >/dev/null
    "${PSQL[@]}" -d "$PGDATABASE" -qc "VACUUM ANALYZE"
    ./serve_wagtail.sh restart >/dev/null
    ;;
paths)
    cd "$DIR/peer_wagtail"
    mapfile -t P < <("$PY" manage.py bench_paths --verbose-info 2>"$DIR/out/paths_info.txt")
    tagged=$(sed -n 's/.* on \([0-9]*\) live posts.*/\1/p' "$DIR/out/paths_info.txt")
    deep="${P[2]}&page=$DEEP_PAGE"
    # The synthetic posts spread over 200 tags: the busiest has ~320 of 10,000, fewer than a
    # page 20 needs (20 a page), and Django's get_page would answer its last page. Then the
    # peer's deep page is its home's page 20 (the same listing code, all posts).
    if [ "${tagged:-0}" -le $(((DEEP_PAGE - 1) * 20)) ]; then deep="/?page=$DEEP_PAGE"; fi
    printf 'home\t%s\narticle\t%s\ntag page 1\t%s\n' "${P[0]}" "${P[1]}" "${P[2]}"
    printf 'tag page %s\t%s\nRSS feed\t%s\n' "$DEEP_PAGE" "$deep" "${P[3]}"
    ;;
pids)
    if [ -f "$DIR/out/gunicorn.pid" ]; then
        master=$(cat "$DIR/out/gunicorn.pid")
        echo "$master app"
        ps -o pid= --ppid "$master" | awk '{print $1, "app"}' || true
    fi
    "${PSQL[@]}" -d "$PGDATABASE" -Atc \
        "select pid || ' db' from pg_stat_activity where datname = '$PGDATABASE' and pid <> pg_backend_pid()" </dev/null || true
    ;;
stop)
    [ -d "$DIR" ] || exit 0
    cd "$DIR"
    ./serve_wagtail.sh stop >/dev/null || true
    [ "${BENCH_PEER_KEEP_DB:-0}" = 1 ] || ./pg.sh stop >/dev/null || true
    ;;
*)
    echo "usage: $0 setup N | start | paths | pids | stop" >&2
    exit 2
    ;;
esac
