"""How many CPU cores a computation may use right now: the ones the load average leaves free.

Why: on this 2-core machine, two BLAS or OpenMP threads cut a query encode by 40% when the machine is idle
(5.4 ms vs 8.9 ms measured) but spin against other work when it is busy (the whole index took 70.6 s
with 2 torch threads vs 25.7 s with 1 on a loaded machine). Reading the 1-minute load average is a
cheap system call, so the choice is made per call. ``PODTALK_TORCH_THREADS`` (the name predates the
NumPy encoder) overrides it for both.
"""

from __future__ import annotations

import os


def free_cores() -> int:
    """Cores minus the 1-minute load average beyond one (a busy process such as an eval loop or an index
    build counts in the load average itself), at least 1; or ``$PODTALK_TORCH_THREADS``."""
    try:
        return max(1, int(os.environ["PODTALK_TORCH_THREADS"]))
    except (KeyError, ValueError):
        pass
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return 1
    return max(1, min(cores, int(cores - max(0.0, load - 1.0) + 0.5)))
