"""A real varnishd running the shipped VCL, and a tiny origin to put behind it, for the cache tests.

``varnish(backend_port)`` starts Debian's varnishd in the foreground, in a process group of its own
that is killed on the way out, and skips the test when Varnish 7 or the xkey vmod is absent.
"""

import glob
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

VARNISHD = Path("/usr/sbin/varnishd")
VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "default.vcl"
XKEY_VMOD = "/usr/lib/*/varnish/vmods/libvmod_xkey.so"
MISSING = "Varnish 7 with varnish-modules is not installed: make services"


@dataclass
class Varnish:
    port: int
    # A second listener speaking the PROXY protocol: a test can claim any client address on it.
    proxy_port: int
    workdir: Path

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def request(self, method, path, headers=None):
        """One request on a connection of its own: (status, headers, body text)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers)


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _answers(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def _stop(process):
    # -F keeps the manager in the foreground; the cache child and VCL compilers are in its group.
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def varnish(backend_port):
    """varnishd with deploy/varnish/default.vcl in front of 127.0.0.1:<backend_port>."""
    if not VARNISHD.exists() or not glob.glob(XKEY_VMOD):
        pytest.skip(MISSING)
    tmp = Path(tempfile.mkdtemp(prefix="varnish-"))
    vcl, count = re.subn(r'\.port = "8000";', f'.port = "{backend_port}";', VCL.read_text())
    assert count == 1, "the backend's port line in default.vcl has changed: update tests/varnish.py"
    (tmp / "default.vcl").write_text(vcl)
    log = tmp / "varnishd.log"
    process = None
    try:
        port, proxy_port = _free_ports(2)
        command = [
            str(VARNISHD),
            "-F",
            # No jail: root in a sandbox needs none, and the unix jail would need the workdir
            # readable by the varnish and vcache users.
            "-j",
            "none",
            "-n",
            str(tmp / "work"),
            "-a",
            f"127.0.0.1:{port}",
            "-a",
            f"127.0.0.1:{proxy_port},PROXY",
            # No management port: nothing here uses varnishadm.
            "-T",
            "none",
            "-f",
            str(tmp / "default.vcl"),
            "-s",
            "malloc,32m",
            # As deploy/varnish/README.md runs it: pages pass as the app sends them.
            "-p",
            "http_gzip_support=off",
        ]
        with log.open("wb") as output:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed whole in _stop()
            )
        deadline = time.monotonic() + 30
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"varnishd did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.05)
        yield Varnish(port=port, proxy_port=proxy_port, workdir=tmp / "work")
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(tmp, ignore_errors=True)


class Origin:
    """A threaded HTTP origin on a free port: counts requests per path (query included) and
    answers each path with the headers set for it in ``responses`` (the defaults otherwise).

    The body names the path and the request's number, so a test can tell a cached copy apart.
    """

    DEFAULT_HEADERS = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "public, max-age=60, s-maxage=600, stale-while-revalidate=30",
        # As Django's LocaleMiddleware sends.
        "Vary": "Accept-Language",
    }

    def __init__(self):
        self.hits = Counter()
        self.responses = {}
        self.requests = {}  # path -> the headers of its last request
        self.lock = threading.Lock()
        origin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn behind Varnish

            def do_GET(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with origin.lock:
                    origin.hits[self.path] += 1
                    number = origin.hits[self.path]
                    origin.requests[self.path] = self.headers
                    headers = origin.responses.get(self.path, origin.DEFAULT_HEADERS)
                body = f"{self.path} #{number}\n".encode()
                self.send_response(200)
                for name, value in headers.items():
                    for one in value if isinstance(value, list) else [value]:
                        self.send_header(name, one)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_HEAD = do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def respond(self, path, **headers):
        """Answer ``path`` with these headers (underscores for dashes), over the defaults."""
        merged = {**self.DEFAULT_HEADERS, **{name.replace("_", "-"): v for name, v in headers.items()}}
        self.responses[path] = {name: value for name, value in merged.items() if value is not None}

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
