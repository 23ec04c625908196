"""Keep torch's thread count as the caller set it around code that runs numba."""

from __future__ import annotations

import contextlib
import sys


@contextlib.contextmanager
def torch_threads_kept():
    """Restore torch's intra-op thread count after the block, if the block changed it.

    numba's OpenMP layer, at its first parallel launch in a process, sets OpenMP's
    thread count to numba's own (all cores), and torch's count follows it: a MiniRocket
    fit inside a block that had fixed torch to one thread (the benchmark's cells) left
    torch on two. Nothing is done when torch has not been imported.
    """
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
