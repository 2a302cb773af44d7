"""Django's PostgreSQL backend with a health check that needs no round trip.

With CONN_HEALTH_CHECKS, Django asks a persistent connection `SELECT 1` before each request's
first query, so that a restarted PostgreSQL does not break the site. That round trip cost an
article page a tenth of its throughput (bench/README.md). A connection idle between requests
receives nothing, unless the server is going away: a restart, pg_terminate_backend() or an idle
timeout sends an error message and closes the socket. So a connection with nothing to read is
healthy, and one with something to read gets Django's own check, which fails on a dead
connection and makes Django connect again.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            readable = True  # select() cannot watch this socket (a descriptor past 1023): ask
        return not readable or super().is_usable()
