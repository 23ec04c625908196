"""The compiled GRU loops (``gru.c``): built with the system's C compiler at first use.

The library is compiled once per source version, compiler flags and CPU into a cache
folder (``$TSAUGMENT_CACHE_DIR``, else ``$XDG_CACHE_HOME/tsaugment`` or
``~/.cache/tsaugment``) and loaded with :mod:`ctypes`. Where no C compiler works (or
``TSAUGMENT_NATIVE=0``), :func:`load` returns ``None`` and the recurrent networks use
their pure-PyTorch path, which computes the same numbers more slowly.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

__all__ = ["load", "cache_dir", "VEC"]

#: Width of the compiled code's vectors: its padded weight matrices have columns in
#: multiples of it (``VEC`` in ``gru.c``).
VEC = 16

_SOURCE = Path(__file__).with_name("gru.c")
_FLAGS = ["-O3", "-march=native", "-ffast-math", "-fopenmp-simd", "-fPIC", "-shared"]
# Tried in order: OpenMP threads (the libgomp PyTorch has loaded serves them) and
# glibc's vector maths library (vectorised expf), then without either.
_OPTIONS = (["-fopenmp", "-lmvec"], ["-fopenmp"], ["-lmvec"], [])
_lock = threading.Lock()
_library = None
_tried = False


def cache_dir() -> Path:
    """Folder that keeps the compiled library."""
    if os.environ.get("TSAUGMENT_CACHE_DIR"):
        return Path(os.environ["TSAUGMENT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tsaugment"


def _cpu_id() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            return "".join(line for line in fh if line.startswith(("model name", "flags")))
    except OSError:
        return platform.processor()


def _compiler() -> str | None:
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if name and shutil.which(name):
            return name
    return None


def _build(compiler: str) -> Path:
    source = _SOURCE.read_bytes()
    key = hashlib.sha256(
        source + repr([compiler, _FLAGS, _OPTIONS, platform.machine(), _cpu_id()]).encode()
    ).hexdigest()[:16]
    target = cache_dir() / f"gru_{key}.so"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # compile to a private name, then rename: concurrent processes never see a torn file
    fd, tmp = tempfile.mkstemp(suffix=".so", dir=target.parent)
    os.close(fd)
    try:
        for options in _OPTIONS:
            done = subprocess.run(
                [compiler, *_FLAGS, str(_SOURCE), "-o", tmp, *options, "-lm"],
                capture_output=True,
                timeout=120,
            )
            if done.returncode == 0:
                break
        else:
            raise OSError(f"{compiler} could not build {_SOURCE.name}: {done.stderr[-500:]!r}")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    c_int, ptr = ctypes.c_int, ctypes.c_void_p
    lib.gru_forward.argtypes = [c_int] * 4 + [ptr] * 7 + [c_int]
    lib.gru_forward.restype = None
    lib.gru_backward.argtypes = [c_int] * 4 + [ptr] * 8 + [c_int]
    lib.gru_backward.restype = None
    return lib


def load():
    """The compiled library, or ``None`` where it cannot be built (then PyTorch is used).

    Returns
    -------
    ctypes.CDLL or None
    """
    global _library, _tried
    if _tried:
        return _library
    with _lock:
        if not _tried:
            if os.environ.get("TSAUGMENT_NATIVE", "1") != "0":
                compiler = _compiler()
                if compiler is not None:
                    try:
                        _library = _declare(ctypes.CDLL(str(_build(compiler))))
                    except (OSError, subprocess.SubprocessError):
                        _library = None
            _tried = True
    return _library
