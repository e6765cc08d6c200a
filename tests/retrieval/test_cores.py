"""The encoders' thread count follows what other processes do now, not the lagging load average."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest


@pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="the sampler reads Linux's /proc/stat")
def test_a_process_burning_a_core_leaves_the_query_one_core_fewer():
    from assistant.retrieval.cores import _BusySampler

    sampler = _BusySampler()
    burner = subprocess.Popen([sys.executable, "-c", "import time\nt = time.time()\nwhile time.time() - t < 5: pass"])
    try:
        time.sleep(0.3)  # the burner is running
        assert sampler.others_busy() is None  # the first call starts a window
        time.sleep(0.7)
        others = sampler.others_busy()
    finally:
        burner.kill()
        burner.wait()
    assert others is not None and others >= 0.8, others  # one whole core, whatever else runs
