"""Fetching UCR/UEA data sets from the archive's public site into a local cache.

The archive (timeseriesclassification.com) serves one zip per data set at
``https://timeseriesclassification.com/aeon-toolkit/NAME.zip`` (the address aeon's
and sktime's loaders use), holding ``NAME_TRAIN.ts`` and ``NAME_TEST.ts`` (and for
univariate problems other formats, which are not kept). The two split files land in
``ROOT/NAME/``, the layout :func:`tsaugment.datasets.load_ucr` reads.

Safety of the cache:

- the zip is written to ``ROOT/.partial/NAME.zip.part`` and an interrupted transfer
  resumes from there (HTTP ``Range``); a server that ignores ``Range`` sends it whole
  again;
- its size is checked against the server's ``Content-Length``, each member against
  its CRC-32 (the zip's own checksum), and against ``sha256`` when one is given; the
  archive publishes no digests, so the SHA-256 of what was fetched is recorded in
  ``ROOT/NAME/download.json`` for a later comparison;
- the split files are extracted into a fresh folder and renamed into place in one
  step, so ``ROOT/NAME`` is either absent or whole.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from pathlib import Path

__all__ = ["download_ucr", "default_data_dir", "ARCHIVE_URL"]

ARCHIVE_URL = "https://timeseriesclassification.com/aeon-toolkit/{name}.zip"
_ENV_VAR = "TSAUGMENT_DATA"
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_SPLIT_FILE = re.compile(r"(?P<name>[A-Za-z0-9_-]+)_(?P<split>TRAIN|TEST)\.(?P<ext>tsv|ts)")
_CHUNK = 1 << 16


def default_data_dir() -> Path:
    """Folder that downloaded data sets go to.

    ``$TSAUGMENT_DATA`` when set; otherwise the platform's cache folder:
    ``$XDG_CACHE_HOME/tsaugment/ucr`` (``~/.cache/tsaugment/ucr``) on Linux,
    ``~/Library/Caches/tsaugment/ucr`` on macOS, ``%LOCALAPPDATA%/tsaugment/ucr``
    on Windows.

    Returns
    -------
    path : pathlib.Path
    """
    if os.environ.get(_ENV_VAR):
        return Path(os.environ[_ENV_VAR]).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "tsaugment" / "ucr"


def _has_splits(folder: Path, name: str) -> bool:
    return all(
        any((folder / f"{name}_{split}{ext}").is_file() for ext in (".tsv", ".ts"))
        for split in ("TRAIN", "TEST")
    )


def download_ucr(
    name: str,
    *,
    root=None,
    url: str | None = None,
    sha256: str | None = None,
    force: bool = False,
    retries: int = 3,
    timeout: float = 60.0,
    verbose: bool = False,
) -> Path:
    """Download one UCR/UEA data set into ``root/NAME`` unless it is there already.

    Parameters
    ----------
    name : str
        Data set name as the archive spells it, e.g. ``"Beef"``.
    root : str or os.PathLike, optional
        Folder of data sets; default :func:`default_data_dir`.
    url : str, optional
        Address of the zip; default ``ARCHIVE_URL.format(name=name)``.
    sha256 : str, optional
        Expected SHA-256 of the zip (hex): a mismatch deletes it and raises.
    force : bool, default=False
        Download again even when ``root/NAME`` holds both splits.
    retries : int, default=3
        Further attempts after a dropped connection, each resuming where the last
        one stopped.
    timeout : float, default=60.0
        Seconds without an answer before an attempt fails.
    verbose : bool, default=False
        Print what is fetched, and the resumptions.

    Returns
    -------
    folder : pathlib.Path
        ``root/NAME``, holding ``NAME_TRAIN.ts`` and ``NAME_TEST.ts`` (or ``.tsv``).

    Raises
    ------
    ValueError
        For a name the archive does not have (HTTP 404, or a page that is not a
        zip), a download that stays short of its announced size after the retries,
        a zip that fails its checks (the message names the file) or holds no
        ``NAME_TRAIN``/``NAME_TEST`` split.
    OSError
        When the site cannot be reached.

    Examples
    --------
    >>> from tsaugment.datasets import download_ucr  # doctest: +SKIP
    >>> folder = download_ucr("Beef")  # doctest: +SKIP
    >>> sorted(p.name for p in folder.glob("*.ts"))  # doctest: +SKIP
    ['Beef_TEST.ts', 'Beef_TRAIN.ts']
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"a UCR data set name is letters, digits, '_' or '-'; got {name!r}.")
    root = Path(root).expanduser() if root is not None else default_data_dir()
    target = root / name
    if not force and _has_splits(target, name):
        return target
    url = url or ARCHIVE_URL.format(name=name)
    partial = root / ".partial" / f"{name}.zip.part"
    partial.parent.mkdir(parents=True, exist_ok=True)
    if verbose:
        print(f"downloading {name} from {url}", file=sys.stderr)
    _fetch(url, partial, name, retries=retries, timeout=timeout, verbose=verbose)
    digest = _sha256(partial)
    if sha256 is not None and digest != sha256.lower():
        partial.unlink()
        raise ValueError(
            f"{url}: SHA-256 {digest} differs from the expected {sha256}; the file was deleted."
        )
    _install(partial, target, name, url, digest)
    partial.unlink()
    return target


def _fetch(url, partial: Path, name: str, *, retries, timeout, verbose) -> None:
    """Bring ``partial`` to the full size of ``url``, resuming across failures."""
    attempt = 0
    while True:
        try:
            if _fetch_once(url, partial, name, timeout):
                return
            problem = "the transfer ended short of its announced size"
        except (http.client.IncompleteRead, ConnectionError, TimeoutError) as err:
            problem = f"{type(err).__name__}: {err}"
        except urllib.error.URLError as err:  # HTTPError too (404 is a ValueError already)
            transient = not isinstance(err, urllib.error.HTTPError) or err.code >= 500
            if not transient or attempt >= retries:
                raise OSError(f"cannot download {url}: {err.reason}") from err
            problem = str(err.reason)
        attempt += 1
        if attempt > retries:
            raise ValueError(
                f"{url}: {problem}, after {retries} resumed attempts; "
                f"{partial.stat().st_size if partial.exists() else 0} bytes kept in "
                f"{partial}; run again to resume."
            )
        if verbose:
            print(f"{name}: {problem}; resuming (attempt {attempt + 1})", file=sys.stderr)
        time.sleep(min(2.0**attempt, 10.0) * 0.1)


def _fetch_once(url, partial: Path, name: str, timeout) -> bool:
    """One request; True when ``partial`` is whole afterwards."""
    have = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "tsaugment"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as err:
        if err.code == 404:
            raise ValueError(f"no UCR data set named {name!r} at {url} (HTTP 404).") from err
        if err.code == 416 and have:  # asked past the end: what we hold is whole or junk
            partial.unlink()
            return False
        raise
    with response:
        if response.status == 206:
            total = _range_total(response.headers.get("Content-Range"))
            mode = "ab"
        else:  # 200: the whole file, from the start
            have, mode = 0, "wb"
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
        with open(partial, mode) as handle:
            try:
                while chunk := response.read(_CHUNK):
                    handle.write(chunk)
            finally:
                handle.flush()
                os.fsync(handle.fileno())
    size = partial.stat().st_size
    if total is not None and size > total:
        partial.unlink()  # longer than announced: start afresh
        return False
    return total is None or size == total


def _range_total(content_range) -> int | None:
    match = re.fullmatch(r"bytes \d+-\d+/(\d+)", (content_range or "").strip())
    return int(match.group(1)) if match else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _install(zip_path: Path, target: Path, name: str, url: str, digest: str) -> None:
    """Check the zip, extract its split files into a fresh folder, rename it into place.

    A file that fails a check is deleted, so that the next run fetches it afresh.
    """
    with open(zip_path, "rb") as handle:
        head = handle.read(512).lstrip()
    if not head.startswith(b"PK"):
        zip_path.unlink()
        if head[:1] == b"<":  # the archive answers some unknown names with a page
            raise ValueError(
                f"no UCR data set named {name!r} at {url} (the site sent a web page, not a zip)."
            )
        raise ValueError(f"{zip_path} from {url} is not a zip file; deleted it.")
    try:
        with zipfile.ZipFile(zip_path) as archive:
            _extract(archive, zip_path, target, name, url, digest)
    except zipfile.BadZipFile as err:
        zip_path.unlink()
        raise ValueError(f"{zip_path} from {url} is a broken zip ({err}); deleted it.") from err
    except ValueError:
        zip_path.unlink()
        raise


def _extract(archive, zip_path, target: Path, name, url, digest) -> None:
    broken = archive.testzip()
    if broken is not None:
        raise ValueError(f"{zip_path} from {url}: member {broken!r} fails its CRC-32 check.")
    members = {}
    for info in archive.infolist():
        match = _SPLIT_FILE.fullmatch(Path(info.filename).name)
        if match and match["name"] == name and not info.is_dir():
            members.setdefault(match["split"], []).append(info)
    if set(members) != {"TRAIN", "TEST"}:
        raise ValueError(
            f"{zip_path} from {url} holds no {name}_TRAIN and {name}_TEST .ts or .tsv "
            f"files; it has {archive.namelist()[:10]}."
        )
    fresh = target.parent / f".{name}.{uuid.uuid4().hex}"
    fresh.mkdir(parents=True)
    try:
        for infos in members.values():
            for info in infos:  # written under our own names: no path from the zip is used
                with (
                    archive.open(info) as source,
                    open(fresh / Path(info.filename).name, "wb") as out,
                ):
                    shutil.copyfileobj(source, out)
        record = {"url": url, "sha256": digest, "bytes": zip_path.stat().st_size}
        (fresh / "download.json").write_text(json.dumps(record, indent=1) + "\n")
        old = None
        if target.exists():
            old = target.parent / f".{name}.old.{uuid.uuid4().hex}"
            os.replace(target, old)
        os.replace(fresh, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
