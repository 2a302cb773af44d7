#!/usr/bin/env bash
# Varnish's own work per cache hit, in instructions: exact and repeatable where req/s are not (the
# virtual CPUs here vary 10-25% from run to run). The shipped varnishd (bench/varnish.sh: the
# README's parameters and VCL) runs under valgrind's callgrind in front of bench/static_origin.py;
# it is sent WARM hits, then WARM+HITS, and the difference in the cache process's instructions,
# divided by HITS, is printed. Counts user space only: the kernel's TCP work is the same whatever
# the VCL does.
#   bench/varnish_per_hit.sh ORIGIN_DIR URI        # ORIGIN_DIR as bench/static_origin.py reads it
# Env: BENCH_VARNISH_PARAMS (extra "-p name=value" words, as for bench/varnish.sh), VCL (another
# VCL file), HITS (2000), WARM (500).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=$ROOT/.venv/bin/python
ORIGIN=$1 URI=$2
HITS=${HITS:-2000} WARM=${WARM:-500}
WORK=$(mktemp -d)
ORIGIN_PORT=8398 PORT=8498
trap '"$ROOT/bench/varnish.sh" stop "$WORK/a" >/dev/null 2>&1 || true; kill "$ORIGIN_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install -y valgrind)" >&2; exit 1; }

"$PY" "$ROOT/bench/static_origin.py" "$ORIGIN_PORT" "$ORIGIN" &
ORIGIN_PID=$!
cat >"$WORK/varnishd" <<EOF
#!/bin/sh
exec valgrind --tool=callgrind --callgrind-out-file=$WORK/callgrind.%p -q /usr/sbin/varnishd "\$@"
EOF
chmod +x "$WORK/varnishd"

hits() {  # n: GET URI n times on one keep-alive connection, as a browser would ask for it
    "$PY" - "$PORT" "$URI" "$1" <<'EOF'
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

instructions() {  # n: the cache process's instructions after n requests (the largest profile)
    rm -rf "$WORK/a" "$WORK"/callgrind.*
    VARNISHD=$WORK/varnishd VCL=${VCL:-} "$ROOT/bench/varnish.sh" start "$WORK/a" "$ORIGIN_PORT" "$PORT"
    hits "$1"
    "$ROOT/bench/varnish.sh" stop "$WORK/a"
    awk '/^totals:/ {print $2}' "$WORK"/callgrind.* | sort -n | tail -1
}

before=$(instructions "$WARM")
after=$(instructions "$((WARM + HITS))")
echo "$URI: $(((after - before) / HITS)) instructions per hit in Varnish's cache process"
