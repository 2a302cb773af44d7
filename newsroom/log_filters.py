"""Logging filters: an outage is worth a line a minute, not a traceback a request."""

import logging
import time


class OncePerInterval(logging.Filter):
    """Lets a logger's record through at most once per ``seconds``; counts what it held back."""

    def __init__(self, seconds=60):
        super().__init__()
        self.seconds = seconds
        self.last = 0.0
        self.held = 0

    def filter(self, record):
        now = time.monotonic()
        if now - self.last < self.seconds:
            self.held += 1
            return False
        if self.held:
            record.msg = f"{record.msg} ({self.held} more like it in the last {self.seconds} s not logged)"
        self.last, self.held = now, 0
        return True
