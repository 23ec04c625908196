"""The compiled GRU loops (``gru.c``): built with the system's C compiler at first use.

The library is compiled once per source version, compiler, flags and CPU into a cache
folder (``$TSAUGMENT_CACHE_DIR``, else ``$XDG_CACHE_HOME/tsaugment`` or
``~/.cache/tsaugment``) and loaded with :mod:`ctypes`. Where it cannot be used,
:func:`load` returns ``None`` and the recurrent networks run their pure-PyTorch loops
(slower; the results agree with the compiled ones to float32 rounding, not bit for
bit); a :class:`NativeLibraryWarning` says so, once per process. ``TSAUGMENT_NATIVE=0``
chooses the PyTorch loops without a warning.

What the cache trusts, and how it fails
---------------------------------------
- It is built without ``-ffast-math``: linking with that flag adds ``crtfastmath.o``,
  which switches the whole process to flush-to-zero arithmetic when loaded.
- A library is loaded only when its SHA-256 matches the sidecar file written after the
  build that produced it, and when the folder and both files belong to the current
  user and are not writable by others. A damaged or foreign file is rebuilt (with a
  warning); a folder that others can write to is not used (the library is then built
  for the running process only, in a private temporary folder).
- Builds go to a temporary folder and are renamed into place, under a lock, so that
  concurrent processes never see a torn file.
- A failed build is remembered (``gru_<key>.failed``): no process retries it for 24
  hours or until the compiler or the source changes (delete the file to retry now).
  A build that takes longer than ``$TSAUGMENT_COMPILE_TIMEOUT`` seconds (default 120)
  is stopped and counts as failed.
- The key tells CPUs apart on every platform: the machine type and the model and
  feature lines of ``/proc/cpuinfo``, or, where there is no such file, what the
  compiler resolves ``-march=native`` to.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
import warnings
from pathlib import Path

__all__ = ["load", "cache_dir", "VEC", "NativeLibraryWarning"]

#: Width of the compiled code's vectors: its padded weight matrices have columns in
#: multiples of it (``VEC`` in ``gru.c``).
VEC = 16

_SOURCE = Path(__file__).with_name("gru.c")
# No -ffast-math (see the module docstring): the flags it bundles that this code
# gains from, without those that change results or the process's arithmetic.
_FLAGS = [
    "-O3",
    "-fno-math-errno",
    "-fno-trapping-math",
    "-ffp-contract=fast",
    "-fopenmp-simd",
    "-fPIC",
    "-shared",
]
_MVEC = ["-lmvec", "-DTSAUGMENT_MVEC"]
# Tried in order: OpenMP threads (the libgomp PyTorch has loaded serves them) and
# glibc's vector maths library (vectorised expf), then without either, then without
# -march=native (compilers that do not know it).
_OPTIONS = (
    ["-march=native", "-fopenmp", *_MVEC],
    ["-march=native", "-fopenmp"],
    ["-march=native", *_MVEC],
    ["-march=native"],
    [],
)
_RETRY_AFTER_S = 24 * 3600
_DEFAULT_TIMEOUT_S = 120.0
# /proc/cpuinfo fields that identify a CPU model and its instruction set (x86, ARM,
# POWER, RISC-V, s390), not the ones that change from moment to moment (MHz, ...).
_CPU_FIELDS = (
    "vendor_id",
    "cpu family",
    "model",
    "model name",
    "stepping",
    "flags",
    "features",
    "cpu implementer",
    "cpu architecture",
    "cpu variant",
    "cpu part",
    "cpu revision",
    "cpu",
    "isa",
    "uarch",
    "mmu",
)

_lock = threading.Lock()
_library = None
_tried = False


class NativeLibraryWarning(RuntimeWarning):
    """The compiled GRU library is not used, or its cached copy had to be replaced.

    Issued at most once per process for the slow path, with the reason and the fix.

    Examples
    --------
    >>> import warnings
    >>> from tsaugment.nn import NativeLibraryWarning
    >>> with warnings.catch_warnings():  # a program that accepts the slower loops
    ...     warnings.simplefilter("ignore", NativeLibraryWarning)
    >>> issubclass(NativeLibraryWarning, RuntimeWarning)
    True
    """


class _BuildError(OSError):
    """The compiler did not produce the library."""


def cache_dir() -> Path:
    """Folder that keeps the compiled library."""
    if os.environ.get("TSAUGMENT_CACHE_DIR"):
        return Path(os.environ["TSAUGMENT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tsaugment"


def _warn(message: str) -> None:
    warnings.warn(message, NativeLibraryWarning, stacklevel=4)


def _compiler() -> str | None:
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if name:
            found = shutil.which(name)
            if found:
                return found
    return None


def _timeout() -> float:
    try:
        value = float(os.environ.get("TSAUGMENT_COMPILE_TIMEOUT", _DEFAULT_TIMEOUT_S))
    except ValueError:
        return _DEFAULT_TIMEOUT_S
    return value if value > 0 else _DEFAULT_TIMEOUT_S


def _run(command: list[str], timeout: float, cwd: str | None = None) -> tuple[int, str]:
    """Run ``command``; (return code, stderr and stdout). Raises _BuildError on timeout.

    The command runs in its own process group, which is killed as a whole on timeout
    (a compiler driver's children would otherwise keep the pipes open).
    """
    posix = os.name == "posix"
    try:
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            start_new_session=posix,
        )
    except OSError as err:
        raise _BuildError(f"cannot run {command[0]}: {err}") from err
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if posix:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.kill()
        proc.communicate()
        raise _BuildError(
            f"{Path(command[0]).name} took longer than {timeout:.0f} s "
            "(TSAUGMENT_COMPILE_TIMEOUT) and was stopped"
        ) from None
    return proc.returncode, out.decode("utf-8", "replace")


def _cpu_id(compiler: str, cpuinfo: str = "/proc/cpuinfo") -> str:
    """Text that identifies the CPU's model and instruction set."""
    lines = set()
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                field, sep, value = line.partition(":")
                if sep and field.strip().lower() in _CPU_FIELDS and value.strip():
                    lines.add(f"{field.strip().lower()}:{value.strip()}")
    except OSError:
        pass
    if lines:
        return "\n".join(sorted(lines))
    # no /proc/cpuinfo (macOS, BSD, Windows): what -march=native means to the compiler
    for probe in (
        [compiler, "-march=native", "-Q", "--help=target"],  # gcc
        [compiler, "-march=native", "-###", "-x", "c", "-c", os.devnull, "-o", os.devnull],
    ):
        try:
            code, out = _run(probe, timeout=min(_timeout(), 30.0))
        except _BuildError:
            continue
        # clang's driver line also names files and folders: keep its CPU and features
        target = re.findall(r'"-target-(?:cpu|feature)" "([^"]+)"', out)
        if code == 0 and (target or out.strip()):
            return " ".join(target) if target else out
    # nothing names the CPU: never share a library between machines
    return f"{platform.processor()}|{platform.node()}"


def _cache_key(compiler: str, source: bytes) -> str:
    """Hash of what the library depends on: source, compiler, flags, machine and CPU."""
    real = os.path.realpath(compiler)
    try:
        st = os.stat(real)
        compiler_id = [real, st.st_size, st.st_mtime_ns]  # changes with its version
    except OSError:
        compiler_id = [real]
    parts = [
        hashlib.sha256(source).hexdigest(),
        compiler_id,
        _FLAGS,
        _OPTIONS,
        platform.system(),
        platform.machine(),
        _cpu_id(compiler),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def _private_problem(path: Path, *, folder: bool) -> str | None:
    """Why ``path`` cannot be trusted (None when it can): owner and permissions."""
    try:
        st = os.stat(path) if folder else os.lstat(path)
    except OSError as err:
        return f"{path} cannot be read ({err.strerror})"
    if not folder and not stat.S_ISREG(st.st_mode):
        return f"{path} is not a regular file"
    if hasattr(os, "getuid"):
        if st.st_uid != os.getuid():
            return f"{path} belongs to another user (uid {st.st_uid})"
        if st.st_mode & 0o022:
            return f"{path} is writable by other users (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    c_int, ptr = ctypes.c_int, ctypes.c_void_p
    lib.gru_forward.argtypes = [c_int] * 4 + [ptr] * 7 + [c_int]
    lib.gru_forward.restype = None
    lib.gru_backward.argtypes = [c_int] * 4 + [ptr] * 8 + [c_int]
    lib.gru_backward.restype = None
    return lib


class _Entry:
    """The files of one cache key: library, its SHA-256, a lock, a failure marker."""

    def __init__(self, folder: Path, key: str):
        self.library = folder / f"gru_{key}.so"
        self.digest = folder / f"gru_{key}.sha256"
        self.lock = folder / f"gru_{key}.lock"
        self.failed = folder / f"gru_{key}.failed"

    def open_verified(self) -> tuple[ctypes.CDLL | None, str | None]:
        """(library, None) when the cached copy checks out; (None, why not) otherwise.

        Nothing is loaded before its owner, permissions and hash are checked: a
        truncated file would crash the process in ``dlopen``.
        """
        if not self.library.exists() and not self.digest.exists():
            return None, None
        for path in (self.library, self.digest):
            problem = _private_problem(path, folder=False)
            if problem:
                return None, problem
        try:
            with open(self.digest, encoding="ascii", errors="replace") as fh:
                expected = fh.read(200).strip()
            actual = _sha256(self.library)
        except OSError as err:
            return None, f"{self.library} cannot be read ({err.strerror})"
        if actual != expected:
            return None, f"{self.library} does not match its SHA-256 (truncated or replaced)"
        try:
            return _declare(ctypes.CDLL(str(self.library))), None
        except (OSError, AttributeError) as err:
            return None, f"{self.library} cannot be loaded ({err})"

    def recent_failure(self) -> str | None:
        try:
            age = time.time() - os.stat(self.failed).st_mtime
        except OSError:
            return None
        if age > _RETRY_AFTER_S:
            return None
        try:
            with open(self.failed, encoding="utf-8", errors="replace") as fh:
                error = json.loads(fh.read(10_000)).get("error", "")
        except (OSError, ValueError, AttributeError):
            error = ""
        hours = max(0.0, (_RETRY_AFTER_S - age) / 3600)
        return (
            f"building it failed {age / 60:.0f} min ago ({error[-300:]}); it is retried in "
            f"{hours:.1f} h, when the compiler or the source changes, or when "
            f"{self.failed} is deleted"
        )

    def remember_failure(self, compiler: str, error: str) -> None:
        record = {"time": time.time(), "compiler": compiler, "error": error[-2000:]}
        with contextlib.suppress(OSError):
            _write_private(self.failed, json.dumps(record).encode())

    def remove(self) -> None:
        for path in (self.library, self.digest):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable by others, writable by us only."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def _file_lock(path: Path):
    """Hold an exclusive lock on ``path`` (between processes; POSIX only)."""
    try:
        import fcntl
    except ImportError:  # Windows: renames are still atomic
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _compile(compiler: str, source: bytes, folder: Path) -> Path:
    """Compile ``source`` in a new private folder under ``folder``; the library's path.

    The folder is removed when the build fails; on success the caller removes it.
    """
    build = Path(tempfile.mkdtemp(prefix="gru-build-", dir=folder))
    try:
        return _compile_in(compiler, source, build)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise


def _compile_in(compiler: str, source: bytes, build: Path) -> Path:
    (build / "gru.c").write_bytes(source)
    target = build / "gru.so"
    deadline = time.monotonic() + _timeout()
    output = ""
    for options in _OPTIONS:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _BuildError(f"{Path(compiler).name} took longer than {_timeout():.0f} s")
        command = [compiler, *_FLAGS, "gru.c", "-o", "gru.so", *options, "-lm"]
        code, output = _run(command, remaining, cwd=str(build))
        if code == 0 and target.is_file() and target.stat().st_size > 0:
            os.chmod(target, 0o755)
            return target
    message = output.strip()[-500:] or f"exit status {code}, no message"
    raise _BuildError(f"{Path(compiler).name} could not build gru.c: {message}")


def _build_cached(compiler: str, source: bytes, entry: _Entry) -> None:
    """Compile into the cache: library renamed into place, then its SHA-256."""
    target = _compile(compiler, source, entry.library.parent)
    try:
        digest = _sha256(target)
        os.replace(target, entry.library)  # a new inode: processes using the old one go on
        _write_private(entry.digest, digest.encode())
    finally:
        shutil.rmtree(target.parent, ignore_errors=True)


def _load_private(compiler: str, source: bytes) -> ctypes.CDLL:
    """Build and load a copy for this process only, in a private temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="tsaugment-gru-"))
    try:
        return _declare(ctypes.CDLL(str(_compile(compiler, source, folder))))
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the loaded library stays mapped


def _folder_problem(folder: Path) -> str | None:
    """Why the cache folder cannot be used (None when it can); creates it if missing."""
    if not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
        except OSError as err:
            return f"the cache folder {folder} cannot be created ({err.strerror})"
    problem = _private_problem(folder, folder=True)
    if problem:
        return (
            f"the cache folder is not private: {problem} (make it yours with "
            "`chmod go-w`, or set TSAUGMENT_CACHE_DIR to a folder of your own)"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the cache folder {folder} is not writable"
    return None


def _open() -> tuple[ctypes.CDLL | None, str | None]:
    """(library, None), or (None, why the PyTorch loops are used)."""
    compiler = _compiler()
    if compiler is None:
        return None, "no C compiler was found (install gcc or clang, or set CC)"
    source = _SOURCE.read_bytes()
    folder = cache_dir()
    entry = _Entry(folder, _cache_key(compiler, source))
    problem = _folder_problem(folder)
    if problem is None:
        try:
            with _file_lock(entry.lock):
                return _open_cached(compiler, source, entry)
        except OSError as err:
            problem = f"the cache folder {folder} cannot be used ({err})"
    if folder.is_dir() and _private_problem(folder, folder=True) is None:
        lib, _ = entry.open_verified()  # a private cache we cannot write to, with a good copy
        if lib is not None:
            return lib, None
    # an unusable cache: a library built for this process only
    _warn(f"{problem}; the compiled GRU library is built for this process only.")
    try:
        return _load_private(compiler, source), None
    except OSError as err:  # _BuildError included
        return None, str(err)


def _open_cached(compiler, source, entry):
    lib, damage = entry.open_verified()
    if lib is not None:
        return lib, None
    if damage:
        _warn(f"the cached GRU library is not used: {damage}; it is rebuilt.")
        entry.remove()
    failure = entry.recent_failure()
    if failure:
        return None, failure
    try:
        _build_cached(compiler, source, entry)
    except _BuildError as err:
        entry.remember_failure(compiler, str(err))
        return None, str(err)
    lib, damage = entry.open_verified()
    return lib, damage


def load():
    """The compiled library, or ``None`` where it cannot be used (then PyTorch is used).

    The first call per process builds or opens the cached library; where that fails
    it warns (:class:`NativeLibraryWarning`) and says why. Never raises.

    Returns
    -------
    ctypes.CDLL or None
    """
    global _library, _tried
    if _tried:
        return _library
    with _lock:
        if not _tried:
            reason = None
            if os.environ.get("TSAUGMENT_NATIVE", "1") != "0":
                try:
                    _library, reason = _open()
                except Exception as err:  # noqa: BLE001 - an optional speed-up never breaks a fit
                    _library, reason = None, f"{type(err).__name__}: {err}"
            _tried = True
            if _library is None and reason:
                _warn(
                    f"tsaugment's compiled GRU loops are not used: {reason}. The recurrent "
                    "networks run their PyTorch loops instead (about half as fast; "
                    "set TSAUGMENT_NATIVE=0 to choose them without this warning)."
                )
    return _library
