#!/usr/bin/env bash
# varnishd with the shipped VCL (deploy/varnish/default.vcl) for the benchmark, as
# deploy/varnish/README.md recommends for 2 cores, in front of 127.0.0.1:<backend port>.
#   bench/varnish.sh start DIR BACKEND_PORT LISTEN_PORT   # foreground varnishd in a session of its own
#   bench/varnish.sh stop DIR
# DIR holds the rewritten VCL, the work directory, varnishd.pid and varnishd.log.
# -j none as root (no jail: the unix jail would need DIR readable by varnish and vcache), -T none.
# Env: BENCH_VARNISH_PARAMS (extra "-p name=value" words, appended after the README's), VCL (another
# VCL file), VARNISHD (another varnishd, e.g. one under valgrind).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VCL=${VCL:-$ROOT/deploy/varnish/default.vcl}
VARNISHD=${VARNISHD:-/usr/sbin/varnishd}

# The README's override, for a 2-core machine that also runs gunicorn and PostgreSQL.
PARAMS=(
    -s malloc,256m
    -p thread_pools=2
    -p thread_pool_min=100
    -p thread_pool_max=1000
    -p thread_pool_timeout=300
    -p http_resp_hdr_len=32k
    -p http_resp_size=64k
    -p workspace_backend=128k
    -p http_gzip_support=off
    -p vsl_mask=-Timestamp,-Hit,-ReqAcct
)
# shellcheck disable=SC2206
EXTRA=(${BENCH_VARNISH_PARAMS:-})

case "${1:-}" in
start)
    dir=$2 backend=$3 listen=$4
    mkdir -p "$dir"
    # The backend's port line, as tests/varnish.py rewrites it.
    sed 's/\.port = "8000";/.port = "'"$backend"'";/' "$VCL" >"$dir/default.vcl"
    grep -q "\.port = \"$backend\";" "$dir/default.vcl" \
        || { echo "the backend's port line in $VCL has changed" >&2; exit 1; }
    setsid "$VARNISHD" -F -j none -n "$dir/work" -a "127.0.0.1:$listen" -T none \
        -f "$dir/default.vcl" "${PARAMS[@]}" "${EXTRA[@]}" \
        </dev/null >"$dir/varnishd.log" 2>&1 &
    echo $! >"$dir/varnishd.pid"
    for _ in $(seq 150); do
        if curl -so /dev/null "http://127.0.0.1:$listen/robots.txt" 2>/dev/null; then exit 0; fi
        kill -0 "$(cat "$dir/varnishd.pid")" 2>/dev/null || break
        sleep 0.2
    done
    echo "varnishd did not start on 127.0.0.1:$listen:" >&2
    cat "$dir/varnishd.log" >&2
    exit 1
    ;;
stop)
    dir=$2
    [ -f "$dir/varnishd.pid" ] || exit 0
    pid=$(cat "$dir/varnishd.pid")
    # The manager, the cache child and the VCL compilers share its process group.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$dir/varnishd.pid"
    ;;
*)
    echo "usage: $0 start DIR BACKEND_PORT LISTEN_PORT | stop DIR" >&2
    exit 2
    ;;
esac
