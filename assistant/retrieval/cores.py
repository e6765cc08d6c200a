"""How many CPU cores a computation may use right now: the ones other processes leave free.

Why: on this 2-core machine, two BLAS or OpenMP threads cut a query encode by 40% when the machine is
idle (5.4 ms vs 8.9 ms measured) but spin against other work when it is busy (the whole index took
70.6 s with 2 torch threads vs 25.7 s with 1 on a loaded machine). ``PODTALK_TORCH_THREADS`` (the
name predates the NumPy encoder) overrides the choice for both.

How busy the others are: over a window of at least a quarter of a second (the first one starts when
this module is imported), the CPU time the whole machine spent (``/proc/stat``) minus what this
process spent (``time.process_time``), per second of wall time. The 1-minute load average, used only
before the first window closes, lags: after a burst of our own (an index build, an inspection, the
cold commands of a benchmark) it kept a warm chat, and an index build, on one thread for a minute
although the other core was idle.
"""

from __future__ import annotations

import os
import threading
import time

_WINDOW_S = 0.25  # /proc/stat counts in 10 ms ticks: 25 a core in this window, fine enough to round
_STALE_S = 60.0  # a longer window: the 1-minute load average is the fresher signal


def free_cores() -> int:
    """Cores that other processes leave idle, at least 1; or ``$PODTALK_TORCH_THREADS``."""
    try:
        return max(1, int(os.environ["PODTALK_TORCH_THREADS"]))
    except (KeyError, ValueError):
        pass
    cores = os.cpu_count() or 1
    others = _SAMPLER.others_busy()
    if others is None:
        others = _others_from_load_average()
        if others is None:
            return 1
    return max(1, min(cores, int(cores - others + 0.5)))


def _load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def _others_from_load_average() -> float | None:
    """Cores busy with other work by the 1-minute load average, counting one for this process (a busy
    process such as an eval loop or an index build is in the load average itself)."""
    load = _load_average()
    return None if load is None else max(0.0, load - 1.0)


def _machine_busy_seconds() -> float | None:
    """CPU seconds the machine has spent busy (all cores; steal counts: a hypervisor's other guests)
    since boot, or None where there is no ``/proc/stat``."""
    try:
        with open("/proc/stat", "rb") as fh:
            fields = fh.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != b"cpu" or len(fields) < 5:
        return None
    ticks = [int(f) for f in fields[1:9]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks) - idle) / _CLOCK_TICKS


try:
    _CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
except (AttributeError, ValueError, OSError):
    _CLOCK_TICKS = 100


class _BusySampler:
    """Cores the other processes kept busy over the last window of at least ``_WINDOW_S`` seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._start: tuple[float, float, float] | None = None  # wall, own CPU, machine CPU
        self._last: float | None = None

    def others_busy(self) -> float | None:
        """The last window's figure (None before one has passed); starts the next window when due."""
        busy = _machine_busy_seconds()
        if busy is None:
            return None
        now, own = time.monotonic(), time.process_time()
        with self._lock:
            if self._start is None:
                self._start = (now, own, busy)
                return None
            wall0, own0, busy0 = self._start
            window = now - wall0
            if window >= _WINDOW_S:
                own_rate = (own - own0) / window
                if window > _STALE_S and (load := _load_average()) is not None:
                    # a long quiet spell (a chat waiting for its user): its average would dilute work
                    # that started a moment ago, which the load average, minus our own share, still shows
                    self._last = max(0.0, load - own_rate)
                else:
                    self._last = max(0.0, (busy - busy0) / window - own_rate)
                self._start = (now, own, busy)
            return self._last


_SAMPLER = _BusySampler()
_SAMPLER.others_busy()  # the first window starts at import: a build that imports torch (seconds) has one
