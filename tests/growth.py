"""How a function's CPU time grows with its input, measured so that a busy machine does not skew it.

A growth check compares two timings; noise in either one moves the ratio. So the small and the large
input are timed in turns (a spell of load touches both), with the garbage collector off (a collection
that lands in one run is not the function's cost), and the best of several turns is kept.
"""

import gc
import time

TURNS = 5


def growth(function, small, large):
    """How many times longer `function(large)` takes than `function(small)`, in CPU time."""
    best = {"small": float("inf"), "large": float("inf")}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(TURNS):
            for name, argument in (("small", small), ("large", large)):
                started = time.process_time()
                function(argument)
                best[name] = min(best[name], time.process_time() - started)
    finally:
        if enabled:
            gc.enable()
    return best["large"] / max(best["small"], 1e-4)
