"""A static origin for measuring Varnish's own ceiling: saved responses, replayed with their headers.

    python bench/static_origin.py PORT DIR

DIR/index.tsv lists ``request-URI<TAB>file stem``; DIR/<stem>.headers holds the response's header
lines as curl -D saved them (status line first) and DIR/<stem>.body its body. Every request for a
listed URI gets that status, those headers (less the hop-by-hop ones, Date and Server) and body;
anything else a 404. Varnish asks it once per page (then serves its copy), so its speed is no part
of the figures.
"""

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SKIP = {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"}


def load(directory):
    pages = {}
    for line in (directory / "index.tsv").read_text().splitlines():
        uri, stem = line.split("\t")
        lines = (directory / f"{stem}.headers").read_text(encoding="latin-1").splitlines()
        # curl -D writes every response it saw (a 100 Continue, redirects): keep the last.
        start = max(i for i, text in enumerate(lines) if text.startswith("HTTP/"))
        status = int(lines[start].split()[1])
        headers = []
        for text in lines[start + 1 :]:
            if ":" in text:
                name, value = text.split(":", 1)
                if name.strip().lower() not in SKIP:
                    headers.append((name.strip(), value.strip()))
        pages[uri] = (status, headers, (directory / f"{stem}.body").read_bytes())
    return pages


def main():
    port, directory = int(sys.argv[1]), Path(sys.argv[2])
    pages = load(directory)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Varnish uses its backends

        def do_GET(self):
            missing = (404, [("Content-Type", "text/plain")], b"not saved\n")
            status, headers, body = pages.get(self.path, missing)
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
