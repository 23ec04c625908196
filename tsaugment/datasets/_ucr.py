"""Reading UCR/UEA classification data sets from disk or from sktime's bundle."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["load_ucr", "list_ucr", "ENV_VAR"]

ENV_VAR = "TSAUGMENT_DATA"
_SPLITS = ("train", "test")
_RETURN_TYPES = ("numpy3D", "numpy2D")


def _sktime_data_dir() -> Path | None:
    try:
        import sktime.datasets
    except ImportError:  # pragma: no cover - sktime is a core dependency
        return None
    return Path(sktime.datasets.__file__).parent / "data"


def _resolve_root(root) -> Path | None:
    if root is None:
        root = os.environ.get(ENV_VAR) or None
    return None if root is None else Path(root).expanduser()


def _split_file(folder: Path, name: str, split: str) -> Path | None:
    """The file of one split in ``folder``: ``NAME_TRAIN.tsv`` or ``NAME_TRAIN.ts``."""
    for suffix in (".tsv", ".ts"):
        candidate = folder / f"{name}_{split.upper()}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def _names_in(root: Path | None) -> list[str]:
    if root is None or not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _split_file(p, p.name, "train"))


def list_ucr(root=None) -> dict[str, list[str]]:
    """List the data sets :func:`load_ucr` can read.

    Parameters
    ----------
    root : str or os.PathLike, optional
        Folder of data sets (``ROOT/NAME/NAME_TRAIN.tsv`` or ``.ts``); defaults to the
        environment variable ``TSAUGMENT_DATA``.

    Returns
    -------
    available : dict
        ``{"root": [...], "sktime": [...]}``: names found under the root (without a
        ``root`` argument, also those ``tsaugment datasets download`` fetched), and
        names bundled with sktime (the offline fallback).
    """
    names = set(_names_in(_resolve_root(root)))
    if root is None:
        from ._download import default_data_dir

        names |= set(_names_in(default_data_dir()))
    return {
        "root": sorted(names),
        "sktime": [n for n in _names_in(_sktime_data_dir()) if n in _sktime_classification()],
    }


def _sktime_classification() -> set[str]:
    """Names of the UCR/UEA classification problems (sktime also bundles regression)."""
    from sktime.datasets import tsc_dataset_names

    return set(tsc_dataset_names.univariate) | set(tsc_dataset_names.multivariate)


def _label_text(token: str) -> str:
    """UCR labels as text: '1', '1.0' and '1.0000000e+00' all become '1'."""
    token = token.strip()
    try:
        value = float(token)
    except ValueError:
        return token
    return str(int(value)) if value.is_integer() else token


def _fields(line: str) -> list[str]:
    """Split one line on its delimiter: tab (2018 archive), comma (2015), or blanks."""
    line = line.rstrip("\r\n")
    if "\t" in line:
        return line.split("\t")
    if "," in line:
        return line.split(",")
    return line.split()


def _value(token: str, path: Path, line_no: int, column: int) -> float:
    if not token.strip():
        return np.nan  # variable length: an empty field pads
    try:
        return float(token)
    except ValueError:
        raise ValueError(
            f"{path}, line {line_no}, column {column + 1}: {token.strip()[:40]!r} is not a "
            "number (expected the label, then one value per time point)."
        ) from None


def _read_tsv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read the UCR 2018 layout: one series per line, label first, tab-separated.

    Comma-separated lines (the 2015 archive) and blank-separated ones are read too.
    Variable-length data sets are NaN-padded to the longest series.
    """
    rows, labels = [], []
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            fields = _fields(line)
            if len(fields) < 2:
                raise ValueError(
                    f"{path}, line {line_no}: found a label but no values; expected the "
                    "label, then the values separated by tabs, commas or spaces."
                )
            labels.append(_label_text(fields[0]))
            rows.append(
                np.array([_value(v, path, line_no, j) for j, v in enumerate(fields[1:], 1)])
            )
    if not rows:
        raise ValueError(f"{path} holds no series (the file is empty).")
    length = max(len(r) for r in rows)
    X = np.full((len(rows), 1, length), np.nan)
    for i, row in enumerate(rows):
        X[i, 0, : len(row)] = row
    return X, np.asarray(labels)


def _read_ts(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read sktime's ``.ts`` layout through sktime, NaN-padding unequal lengths."""
    from sktime.datasets import load_from_tsfile

    if path.stat().st_size == 0:
        raise ValueError(f"{path} holds no series (the file is empty).")
    try:
        X, y = load_from_tsfile(str(path), return_data_type="numpy3D")
    except (ValueError, TypeError):
        try:
            frame, y = load_from_tsfile(str(path), return_data_type="nested_univ")
        except (ValueError, TypeError, OSError) as err:
            raise ValueError(f"{path} could not be read as a .ts file: {err}") from err
        length = max(len(cell) for cell in frame.to_numpy().ravel())
        X = np.full((len(frame), frame.shape[1], length), np.nan)
        for i in range(len(frame)):
            for j in range(frame.shape[1]):
                series = np.asarray(frame.iat[i, j], dtype=float)
                X[i, j, : len(series)] = series
    return np.asarray(X, dtype=np.float64), np.asarray([_label_text(str(v)) for v in y])


def _read(path: Path):
    return _read_tsv(path) if path.suffix == ".tsv" else _read_ts(path)


def load_ucr(name, *, split=None, root=None, return_type="numpy3D", download=False):
    """Load a UCR/UEA classification data set.

    Looks for ``ROOT/NAME/NAME_TRAIN.tsv`` (the 2018 archive's layout, label first)
    or ``ROOT/NAME/NAME_TRAIN.ts`` (sktime's layout) under ``root``. Without a
    ``root`` argument it looks under the environment variable ``TSAUGMENT_DATA``, then in
    the folder that ``tsaugment datasets download`` fills
    (:func:`tsaugment.datasets.default_data_dir`), then falls back to the data sets
    bundled with sktime (GunPoint, ArrowHead,
    ItalyPowerDemand, BasicMotions, OSULeaf, ACSF1, ...), so it works offline. A
    ``root`` given as an argument is the only place searched: a data set missing
    there is an error, never silently replaced by sktime's copy.

    Parameters
    ----------
    name : str
        Data set name, e.g. ``"GunPoint"``.
    split : {"train", "test"} or None, default=None
        One split, or both concatenated (train first), as sktime does.
    root : str or os.PathLike, optional
        Folder of data sets (no fallback when given).
    return_type : {"numpy3D", "numpy2D"}, default="numpy3D"
        ``numpy3D``: ``(n_cases, n_channels, n_timepoints)``; ``numpy2D``:
        ``(n_cases, n_timepoints)``, univariate data sets only.
    download : bool, default=False
        When the name is not under the root (nor, without a ``root`` argument, in
        sktime's bundle), fetch it from the archive's site into the root (default:
        ``$TSAUGMENT_DATA``, else the platform's cache folder,
        :func:`tsaugment.datasets.default_data_dir`) with
        :func:`tsaugment.datasets.download_ucr`, then read it from there.

    Returns
    -------
    X : ndarray of shape (n_cases, n_channels, n_timepoints), float64
        Variable-length series are NaN-padded to the longest.
    y : ndarray of shape (n_cases,) of str
        Class labels as text (``"1"``, ``"-1"``, ``"Gun"``, ...).

    Raises
    ------
    ValueError
        For an unknown name (the message lists where it looked and what is there), a
        ``root`` without the data set, an unknown split or return type, and a file
        that cannot be read (empty, or a value that is not a number: the message
        names the file and the line).

    Examples
    --------
    >>> from tsaugment.datasets import load_ucr
    >>> X, y = load_ucr("GunPoint", split="train")
    >>> X.shape, y[:3].tolist()
    ((50, 1, 150), ['2', '2', '1'])
    """
    if split is not None and split not in _SPLITS:
        raise ValueError(f"split must be 'train', 'test' or None, got {split!r}.")
    if return_type not in _RETURN_TYPES:
        raise ValueError(f"return_type must be one of {_RETURN_TYPES}, got {return_type!r}.")
    root_path = _resolve_root(root)
    if download and root_path is None:
        from ._download import default_data_dir

        root_path = default_data_dir()
    if download and root is not None and _split_file(root_path / name, name, "train") is None:
        from ._download import download_ucr

        download_ucr(name, root=root_path)  # an explicit root gets it, not sktime's bundle
    if root is not None and _split_file(root_path / name, name, "train") is None:
        missing = "" if root_path.is_dir() else " (that folder does not exist)"
        raise ValueError(
            f"no data set {name!r} under root {root_path}{missing}: looked for "
            f"{root_path / name / f'{name}_TRAIN.tsv'} (or .ts). Found under the root: "
            f"{_names_in(root_path) or 'none'}. sktime's bundled copies "
            f"({', '.join(list_ucr(root_path)['sktime'])}) are used only when no root is given."
        )
    searched = []
    folder = None
    # without a root argument, what `tsaugment datasets download` fetched is found too
    cache = None
    if root is None:
        from ._download import default_data_dir

        cache = default_data_dir()
    for base in (root_path, cache, _sktime_data_dir()):
        if base is None or str(base) in searched:
            continue
        searched.append(str(base))
        if _split_file(base / name, name, "train") is not None:
            folder = base / name
            break
    if folder is None and download:
        from ._download import download_ucr

        folder = download_ucr(name, root=root_path)
    if folder is None:
        available = list_ucr(root_path)
        raise ValueError(
            f"unknown data set {name!r}. Looked in: {', '.join(searched) or 'nowhere'}"
            f" (root from the argument or ${ENV_VAR}). Found under the root: "
            f"{available['root'] or 'none'}; bundled with sktime: {available['sktime']}."
        )
    parts = []
    for part in _SPLITS if split is None else (split,):
        path = _split_file(folder, name, part)
        if path is None:
            raise ValueError(f"{folder} has no {part} split for {name!r}.")
        parts.append(_read(path))
    X = _concat_padded([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    if return_type == "numpy2D":
        if X.shape[1] != 1:
            raise ValueError(f"{name!r} has {X.shape[1]} channels; numpy2D is for univariate data.")
        X = X[:, 0, :]
    return X, y


def _concat_padded(arrays: list[np.ndarray]) -> np.ndarray:
    """Concatenate along cases, NaN-padding to the longest length."""
    length = max(a.shape[2] for a in arrays)
    padded = [
        np.pad(a, ((0, 0), (0, 0), (0, length - a.shape[2])), constant_values=np.nan)
        for a in arrays
    ]
    return np.concatenate(padded, axis=0)
