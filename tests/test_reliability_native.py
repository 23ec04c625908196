"""Reliability of the compiled GRU library (issue 21, items 1 and 2).

Each test names the fault it pins. Every test points the library cache at its own
temporary folder (``TSAUGMENT_CACHE_DIR``) and resets the loader's once-per-process
state, so the user's real cache is never read or written.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import time
import warnings

import pytest
import torch

from tsaugment.nn import GRU, _native

POSIX = os.name == "posix"
needs_compiler = pytest.mark.skipif(
    _native._compiler() is None, reason="no C compiler: nothing to cache"
)
needs_posix = pytest.mark.skipif(not POSIX, reason="shell scripts and POSIX permissions")


@pytest.fixture
def cache(monkeypatch, tmp_path):
    """A private, empty cache folder and a loader that has not run in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setattr(_native, "_library", None)
    monkeypatch.setattr(_native, "_tried", False)
    monkeypatch.setenv("TSAUGMENT_CACHE_DIR", str(folder))
    for name in ("TSAUGMENT_NATIVE", "TSAUGMENT_COMPILE_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    return folder


def _load():
    """(library or None, messages of the NativeLibraryWarnings), from a fresh loader."""
    _native._library, _native._tried = None, False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lib = _native.load()
    return lib, [str(w.message) for w in caught if w.category is _native.NativeLibraryWarning]


def _entry(folder):
    compiler = _native._compiler()
    key = _native._cache_key(compiler, _native._SOURCE.read_bytes())
    return _native._Entry(folder, key)


def _verified(entry) -> bool:
    digest = hashlib.sha256(entry.library.read_bytes()).hexdigest()
    return entry.digest.read_text().strip() == digest


def _fake_compiler(tmp_path, body: str):
    """A 'compiler' shell script that logs each call to calls.txt, then runs ``body``."""
    script = tmp_path / "fakecc"
    log = tmp_path / "calls.txt"
    script.write_text(f"#!/bin/sh\necho called >> '{log}'\n{body}\n")
    script.chmod(0o755)
    return script, log


def _calls(log) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


# -- item 1: the process's floating-point mode ------------------------------------------

DENORMALS = textwrap.dedent(
    """
    import numpy as np, scipy.stats, torch
    torch.set_num_threads(1)
    from tsaugment.nn import _native
    from tsaugment.utils.discovery import all_estimators
    from tsaugment.utils.estimator_checks import get_test_params, make_test_data

    def denormals_survive():
        return (
            1e-300 * 1e-10 != 0.0
            and scipy.stats.norm.pdf(38.5) > 0.0
            and float(np.float32(1e-38) * np.float32(1e-3)) != 0.0
            and float(torch.tensor(1e-40)) != 0.0
        )

    assert denormals_survive(), "denormals flushed before anything ran"
    assert _native.load() is not None, "the compiled library was not loaded"
    X, y = make_test_data(n_per_class=4, n_timepoints=8)
    for name, cls in all_estimators("generator"):
        cls(**{**get_test_params(cls), "random_state": 0}).fit(X, y).sample(2)
        assert denormals_survive(), f"denormals flushed to zero after fitting {name}"
    print("ok")
    """
)


@needs_compiler
def test_denormals_survive_loading_the_library_and_fitting_every_generator(tmp_path):
    # before: loading gru.so (built with -ffast-math, which links crtfastmath.o)
    # switched the whole process to flush-to-zero: 1e-300 * 1e-10 == 0.0 afterwards
    env = dict(os.environ, TSAUGMENT_CACHE_DIR=str(tmp_path / "cache"), OMP_NUM_THREADS="1")
    env.pop("TSAUGMENT_NATIVE", None)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(__file__), *filter(None, [env.get("PYTHONPATH")])]
    )
    done = subprocess.run(
        [sys.executable, "-c", DENORMALS], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-2000:]


# -- item 2: the cache -------------------------------------------------------------------


@needs_compiler
def test_first_use_builds_a_verified_private_library(cache):
    lib, messages = _load()
    assert lib is not None and messages == []
    entry = _entry(cache)
    assert _verified(entry)
    if POSIX:
        for path in (cache, entry.library, entry.digest):
            assert path.stat().st_mode & 0o022 == 0
            assert path.stat().st_uid == os.getuid()
    # the next process opens the cached copy without compiling
    built = entry.library.stat().st_mtime_ns
    assert _load()[0] is not None
    assert entry.library.stat().st_mtime_ns == built


@needs_compiler
@pytest.mark.parametrize("damage", ["truncated", "empty", "foreign"])
def test_damaged_cached_library_is_rebuilt_with_a_warning(cache, damage):
    # before: a truncated .so killed every process with a bus error in dlopen; an empty
    # one made every process take the slow path, silently; a foreign one was loaded
    entry = _entry(cache)
    cache.mkdir(mode=0o700)
    _native._build_cached(_native._compiler(), _native._SOURCE.read_bytes(), entry)
    good = entry.library.read_bytes()  # built, not loaded: a loaded file is never damaged here
    damaged = {"truncated": good[: len(good) // 3], "empty": b"", "foreign": b"\x7fELF" + good}
    entry.library.write_bytes(damaged[damage])
    lib, messages = _load()
    assert lib is not None
    assert len(messages) == 1 and "does not match its SHA-256" in messages[0]
    assert _verified(entry)


PLANTED = """
#include <stdio.h>
#include <stdlib.h>
__attribute__((constructor)) static void planted(void)
{
    FILE *f = fopen(getenv("PLANTED_MARK"), "w");
    if (f) fclose(f);
}
void gru_forward(void) {}
void gru_backward(void) {}
"""


def _plant(tmp_path, entry, monkeypatch):
    """Put a library that leaves a mark when loaded at ``entry``, with a matching hash."""
    source = tmp_path / "planted.c"
    source.write_text(PLANTED)
    compiler = _native._compiler()
    command = [compiler, "-shared", "-fPIC", str(source), "-o", str(entry.library)]
    subprocess.run(command, check=True)
    entry.digest.write_text(hashlib.sha256(entry.library.read_bytes()).hexdigest())
    mark = tmp_path / "planted-code-ran"
    monkeypatch.setenv("PLANTED_MARK", str(mark))
    return mark


@needs_compiler
@needs_posix
def test_library_in_a_folder_others_can_write_is_never_loaded(cache, tmp_path, monkeypatch):
    # before: any gru_<key>.so in the cache folder was loaded, whoever had put it there
    cache.mkdir()
    entry = _entry(cache)
    mark = _plant(tmp_path, entry, monkeypatch)
    cache.chmod(0o777)
    lib, messages = _load()
    assert not mark.exists()
    assert lib is not None  # built for this process only
    assert any("not private" in m and "writable by other users" in m for m in messages)


@needs_compiler
@needs_posix
def test_group_writable_or_foreign_owned_library_is_replaced(cache, tmp_path, monkeypatch):
    cache.mkdir(mode=0o700)
    entry = _entry(cache)
    mark = _plant(tmp_path, entry, monkeypatch)
    entry.library.chmod(0o775)
    lib, messages = _load()
    assert not mark.exists() and lib is not None
    assert any("writable by other users" in m and "rebuilt" in m for m in messages)
    assert _verified(entry) and entry.library.stat().st_mode & 0o022 == 0
    if os.getuid() == 0:  # only root can hand a file to another user
        mark = _plant(tmp_path, entry, monkeypatch)
        os.chown(entry.library, 65534, 65534)
        lib, messages = _load()
        assert not mark.exists() and lib is not None
        assert any("belongs to another user" in m for m in messages)


@needs_compiler
def test_unusable_cache_folder_builds_for_the_process_with_a_warning(monkeypatch, cache, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("TSAUGMENT_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    lib, messages = _load()
    assert lib is not None
    assert len(messages) == 1 and "cannot be created" in messages[0]


@needs_posix
def test_failing_compiler_is_remembered_until_the_source_changes(cache, tmp_path, monkeypatch):
    # before: every process retried the build (about 22 s each with a broken toolchain)
    script, log = _fake_compiler(tmp_path, "echo 'fatal: no headers' >&2; exit 1")
    monkeypatch.setenv("CC", str(script))
    lib, messages = _load()
    assert lib is None
    assert len(messages) == 1 and "fatal: no headers" in messages[0]
    tries = _calls(log)
    assert tries >= 1
    lib, messages = _load()  # the next process
    assert lib is None and _calls(log) == tries
    assert len(messages) == 1 and "retried in" in messages[0]
    changed = tmp_path / "gru.c"
    changed.write_bytes(_native._SOURCE.read_bytes() + b"\n/* changed */\n")
    monkeypatch.setattr(_native, "_SOURCE", changed)
    _load()
    assert _calls(log) > tries  # a new source is tried at once
    assert not list(cache.glob("gru-build-*"))  # failed builds leave nothing behind


@needs_posix
def test_slow_compiler_is_stopped_and_remembered(cache, tmp_path, monkeypatch):
    script, log = _fake_compiler(tmp_path, "sleep 60")
    monkeypatch.setenv("CC", str(script))
    monkeypatch.setenv("TSAUGMENT_COMPILE_TIMEOUT", "1")
    start = time.monotonic()
    lib, messages = _load()
    assert time.monotonic() - start < 15
    assert lib is None
    assert len(messages) == 1 and "took longer than 1 s" in messages[0]
    start = time.monotonic()
    assert _load()[0] is None and time.monotonic() - start < 1
    assert _calls(log) == 1


@needs_posix
def test_no_compiler_warns_once_and_the_networks_still_run(cache, tmp_path, monkeypatch):
    # before: the slow path was taken without a word
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.delenv("CC", raising=False)
    monkeypatch.setenv("PATH", str(empty))
    lib, messages = _load()
    assert lib is None
    assert len(messages) == 1 and "no C compiler" in messages[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", _native.NativeLibraryWarning)
        assert _native.load() is None  # once per process
        out, _ = GRU(2, 3, batch_first=True)(torch.randn(4, 5, 2))
    assert out.shape == (4, 5, 3)


def test_chosen_torch_loops_give_no_warning(cache, monkeypatch):
    monkeypatch.setenv("TSAUGMENT_NATIVE", "0")
    assert _load() == (None, [])


ARM = """processor\t: {n}
BogoMIPS\t: 50.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics {extra}
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: {part}
CPU revision\t: 1
"""


def test_cache_key_tells_arm_cpus_apart(tmp_path, monkeypatch):
    # before: on ARM the id (model name and flags lines) was empty, so machines sharing
    # a home folder shared one library (illegal instructions on the other CPU)
    texts = {
        "neoverse-n1": ARM.format(n=0, part="0xd0c", extra=""),
        "neoverse-v1": ARM.format(n=0, part="0xd40", extra="sve"),
        "neoverse-v1 other core": ARM.format(n=7, part="0xd40", extra="sve"),
    }
    ids = {}
    for name, text in texts.items():
        path = tmp_path / name
        path.write_text(text + "BogoMIPS\t: 99.0\n")
        ids[name] = _native._cpu_id("cc", str(path))
    assert ids["neoverse-n1"] and ids["neoverse-n1"] != ids["neoverse-v1"]
    assert ids["neoverse-v1"] == ids["neoverse-v1 other core"]  # the core number is no part
    keys = set()
    for name in ("neoverse-n1", "neoverse-v1"):
        monkeypatch.setattr(_native, "_cpu_id", lambda compiler, name=name: ids[name])
        keys.add(_native._cache_key("cc", b"source"))
    assert len(keys) == 2


@needs_compiler
def test_without_cpuinfo_the_compiler_names_the_cpu(tmp_path, monkeypatch):
    cpu = _native._cpu_id(_native._compiler(), str(tmp_path / "missing"))
    assert cpu.strip()
    monkeypatch.chdir(tmp_path)  # the same wherever the process runs
    assert _native._cpu_id(_native._compiler(), str(tmp_path / "missing")) == cpu


def test_the_two_loops_agree_to_float_rounding_as_documented(monkeypatch):
    # the README says the PyTorch loops give the compiled loops' results up to float32
    # rounding (not "the same numbers"): pin the size of the difference it states
    if _native.load() is None:
        pytest.skip("no C compiler")
    torch.manual_seed(0)
    gru = GRU(6, 24, 3, batch_first=True)
    x = torch.randn(128, 24, 6)
    with torch.no_grad():
        native = gru(x)[0]
        monkeypatch.setattr(_native, "load", lambda: None)
        torch_loops = gru(x)[0]
    difference = (native - torch_loops).abs().max().item()
    assert 0 < difference < 1e-5


@needs_compiler
def test_concurrent_first_uses_build_once_and_all_load(tmp_path):
    # builds go to a temporary folder and are renamed into place under a lock: processes
    # starting together never load a half-written file
    env = dict(os.environ, TSAUGMENT_CACHE_DIR=str(tmp_path / "cache"), OMP_NUM_THREADS="1")
    env.pop("TSAUGMENT_NATIVE", None)
    # the loader alone (it needs only the standard library): no torch import per process
    code = (
        "import importlib.util as u\n"
        f"spec = u.spec_from_file_location('native', {_native.__file__!r})\n"
        "native = u.module_from_spec(spec)\n"
        "spec.loader.exec_module(native)\n"
        "assert native.load() is not None\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-W", "error", "-c", code], env=env) for _ in range(3)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0]
    names = sorted(p.suffix for p in (tmp_path / "cache").iterdir())
    assert names == [".lock", ".sha256", ".so"]
