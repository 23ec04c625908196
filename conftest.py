"""Test-session settings shared by every test and doctest."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Run torch on one thread during each test.

    On a small shared machine (2 cores, other processes busy) torch's default of one
    thread per core makes the tiny fits of the test suite up to ~40x slower through
    thread contention; one thread is also what CI runners with few cores want.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
