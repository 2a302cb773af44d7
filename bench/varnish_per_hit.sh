#!/usr/bin/env bash
# Varnish's own work per cache hit, in instructions: exact and repeatable where req/s are not (the
# virtual CPUs here vary 10-25% from run to run). Each page is saved from the running app with its
# headers; the shipped varnishd (bench/varnish.sh: the README's parameters and VCL) runs under
# valgrind's callgrind in front of bench/static_origin.py replaying them and is sent HITS requests
# for each (the first one a miss). Counted: the instructions inside CNT_Request, Varnish's request
# from vcl_recv to the last byte sent, so neither start-up nor Varnish's background threads take
# part. User space only: the kernel's TCP work is the same whatever the VCL does.
#   bench/varnish_per_hit.sh URL...        # e.g. http://127.0.0.1:8000/ http://127.0.0.1:8000/feed/
# Env: BENCH_VARNISH_PARAMS (extra "-p name=value" words, as for bench/varnish.sh), VCL (another
# VCL file), HITS (2000).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=$ROOT/.venv/bin/python
HITS=${HITS:-2000}
WORK=$(mktemp -d)
ORIGIN_PORT=8398 PORT=8498
ORIGIN_PID=
trap '"$ROOT/bench/varnish.sh" stop "$WORK/a" >/dev/null 2>&1 || true; [ -z "$ORIGIN_PID" ] || kill "$ORIGIN_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install -y valgrind)" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: $0 URL..." >&2; exit 2; }

mkdir "$WORK/origin"
i=0
for url in "$@"; do
    uri=/${url#*://*/}
    curl -fsS -D "$WORK/origin/$i.headers" -o "$WORK/origin/$i.body" "$url"
    printf '%s\t%s\n' "$uri" "$i" >>"$WORK/origin/index.tsv"
    i=$((i + 1))
done
"$PY" "$ROOT/bench/static_origin.py" "$ORIGIN_PORT" "$WORK/origin" &
ORIGIN_PID=$!
cat >"$WORK/varnishd" <<EOF
#!/bin/sh
exec valgrind --tool=callgrind --toggle-collect=CNT_Request --callgrind-out-file=$WORK/callgrind.%p -q \\
    /usr/sbin/varnishd "\$@"
EOF
chmod +x "$WORK/varnishd"

hits() {  # uri n: GET uri n times on one keep-alive connection, as a browser would ask for it
    "$PY" - "$PORT" "$1" "$2" <<'EOF'
import http.client, sys
port, uri, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
connection = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    connection.request("GET", uri, headers={"Accept-Language": "ja,en;q=0.8"})
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
EOF
}

instructions() {  # uri n: the instructions in CNT_Request for n requests (the largest profile)
    rm -rf "$WORK/a" "$WORK"/callgrind.*
    VARNISHD=$WORK/varnishd VCL=${VCL:-} "$ROOT/bench/varnish.sh" start "$WORK/a" "$ORIGIN_PORT" "$PORT"
    hits "$1" "$2"
    "$ROOT/bench/varnish.sh" stop "$WORK/a"
    awk '/^totals:/ {print $2}' "$WORK"/callgrind.* | sort -n | tail -1
}

while IFS=$'\t' read -r uri _; do
    echo "$uri: $(($(instructions "$uri" "$HITS") / HITS)) instructions per request in Varnish's CNT_Request"
done <"$WORK/origin/index.tsv"
