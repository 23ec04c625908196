"""Reliability suite, the benchmark (issue 21, item 6): torn writes of the results
store, workers that outlive a killed run, and results that depend on the thread count.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings

import pytest

from tsaugment.benchmark import ResultsStore, run_cell
from tsaugment.benchmark._store import COLUMNS


def _row(key, accuracy=0.5, error=""):
    return {
        "key": key,
        "dataset": "A",
        "augmenter": "none",
        "classifier": "knn",
        "seed": 0,
        "accuracy": accuracy,
        "status": "error" if error else "ok",
        "error": error,
    }


def _torn(values):
    """A row cut short: the first fields of a whole row, no newline."""
    return ",".join(str(v) for v in values)


def test_a_row_torn_inside_a_quoted_field_hides_no_later_row(tmp_path):
    store = ResultsStore(tmp_path / "results.csv")
    store.append(_row("k1"))
    store.append(_row("k2", error="ValueError: a, b"))  # quoted: it holds a comma
    with open(store.path, "a", encoding="utf-8") as handle:  # power loss mid-row
        handle.write(_torn(["k3", "A", "none", "knn", 0, 1, "small", 1, 1, 1, 0.5]))
        handle.write(',0.5,0.5,1,1,1,error,"ValueError: cut he')
    store.append(_row("k4"))
    store.append(_row("k5"))
    with pytest.warns(RuntimeWarning, match="skipped 1 torn or malformed row"):
        frame = store.read()
    assert sorted(frame["key"]) == ["k1", "k2", "k4", "k5"]
    assert set(frame.columns) == set(COLUMNS)


def test_a_torn_last_line_is_skipped_with_a_warning_and_the_next_append_starts_afresh(
    tmp_path,
):
    store = ResultsStore(tmp_path / "results.csv")
    store.append(_row("k1"))
    with open(store.path, "a", encoding="utf-8") as handle:  # full disk: last row cut
        handle.write(_torn(["k2", "A", "none"]))
    with pytest.warns(RuntimeWarning, match=r"line 3"):
        assert list(store.read()["key"]) == ["k1"]
    store.append(_row("k3"))
    lines = store.path.read_text(encoding="utf-8").splitlines()
    assert lines[2] == "k2,A,none" and lines[3].startswith("k3,")
    with pytest.warns(RuntimeWarning):
        assert list(store.read()["key"]) == ["k1", "k3"]
    with pytest.warns(RuntimeWarning):
        assert store.done_keys() == {"k1", "k3"}


def test_malformed_lines_anywhere_are_skipped(tmp_path):
    store = ResultsStore(tmp_path / "results.csv")
    store.append(_row("k1"))
    with open(store.path, "a", encoding="utf-8") as handle:
        handle.write('garbage "with an open quote\n')
        handle.write("\x00\x00\x00\n")  # a block of zeros after a crash
    store.append(_row("k2", accuracy=0.75))
    with pytest.warns(RuntimeWarning, match="skipped 2"):
        frame = store.read()
    assert list(frame["key"]) == ["k1", "k2"]
    assert frame["accuracy"].tolist() == [0.5, 0.75]


def test_a_row_torn_inside_a_multibyte_character_does_not_stop_appends(tmp_path):
    store = ResultsStore(tmp_path / "results.csv")
    store.append(_row("k1"))
    with open(store.path, "ab") as handle:
        handle.write("k2,A,none,knn,0,1,small,1,1,1,0.5,0.5,0.5,1,1,1,error,±".encode()[:-1])
    store.append(_row("k3", error="ValueError: ± not allowed"))
    with pytest.warns(RuntimeWarning, match="skipped 1"):
        assert list(store.read()["key"]) == ["k1", "k3"]


def test_a_torn_header_reads_as_empty_and_the_next_append_starts_the_file_afresh(tmp_path):
    store = ResultsStore(tmp_path / "results.csv")
    store.path.write_text("key,dataset,augm")  # the very first write was cut
    with pytest.warns(RuntimeWarning, match="header row is torn"):
        assert store.read().empty
    store.append(_row("k1"))
    assert list(store.read()["key"]) == ["k1"]


def test_a_clean_file_reads_without_warning(tmp_path):
    store = ResultsStore(tmp_path / "results.csv")
    for key in ("k1", "k2"):
        store.append(_row(key))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(store.read()["key"]) == ["k1", "k2"]


# -- thread count ----------------------------------------------------------------------
def test_each_cell_runs_on_a_fixed_thread_count_and_restores_it(monkeypatch):
    import torch

    from tsaugment.benchmark import Cell, _grid

    seen = []

    from sklearn.base import BaseEstimator, ClassifierMixin

    class Recorder(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            seen.append(torch.get_num_threads())
            self.label_ = y[0]
            self.classes_ = sorted(set(y))
            return self

        def predict(self, X):
            return [self.label_] * len(X)

    monkeypatch.setattr(_grid, "make_classifier", lambda *args, **kwargs: Recorder())
    cell = Cell("GunPoint", "none", "knn", 0, 1.0, "smoke")
    for outer in (2, 1):
        torch.set_num_threads(outer)
        assert run_cell(cell)["status"] == "ok"
        assert torch.get_num_threads() == outer  # restored
    assert seen == [1, 1]
    torch.set_num_threads(2)
    run_cell(cell, torch_threads=None)  # None: the process's own setting
    assert seen[-1] == 2


# -- workers of a killed run -----------------------------------------------------------
def _descendants(pid):
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _cmdline(process):
    psutil = pytest.importorskip("psutil")
    try:
        return process.cmdline()
    except psutil.Error:
        return []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_workers_die_with_a_killed_benchmark(tmp_path):
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "tsaugment.cli",
        "benchmark",
        "--datasets",
        "GunPoint",
        "--augmenters",
        "none",
        "--classifiers",
        "knn",
        "--budget",
        "smoke",
        "--n-jobs",
        "2",
        "--quiet",
        "--output",
        str(out),
        "--seeds",
        *map(str, range(2000)),  # far more cells than the test waits for
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 180
        rows = 0
        while time.monotonic() < deadline and proc.poll() is None:
            results = out / "results.csv"
            rows = results.read_text().count("\n") - 1 if results.exists() else 0
            if rows >= 4:  # both workers are up and running cells
                break
            time.sleep(0.2)
        assert proc.poll() is None, "the benchmark ended before it could be killed"
        assert rows >= 4, "the workers did not start in time"
        family = _descendants(proc.pid)
        assert any("loky" in " ".join(_cmdline(p)).lower() for p in family)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    def alive():
        return [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    left = alive()
    for p in left:  # do not leave them behind even when the test fails
        p.kill()
    assert not left, f"processes {[p.pid for p in left]} still ran 10 s after the kill"
