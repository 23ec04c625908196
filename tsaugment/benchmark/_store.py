"""The results file: one CSV row per finished cell, appended and synced at once.

A run killed at any moment loses only the cells still running: every finished cell
is on disk, and a row cut short by the kill (or by power loss, or a full disk) is
recognised (its last column, written last, is missing, or it does not parse) and
skipped with a warning, so the rerun runs that cell again. Each row is read on its
own physical line: a torn row, even one cut inside a quoted field, never hides the
rows after it. The next append starts on a fresh line.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ._schema import COLUMNS, NUMERIC_COLUMNS

__all__ = ["ResultsStore", "COLUMNS"]


class ResultsStore:
    """Append-only CSV of benchmark cells.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file; created with its header when missing.
    """

    def __init__(self, path):
        self.path = Path(path)

    def append(self, row: dict) -> None:
        """Write one finished cell and force it to disk.

        Parameters
        ----------
        row : dict
            Values for the fields of :class:`~tsaugment.benchmark._schema.ResultRow`
            (``complete`` is set here); another field raises ValueError.
        """
        unknown = sorted(set(row) - set(COLUMNS))
        if unknown:
            raise ValueError(f"row fields {unknown} are not columns of the results file.")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new, torn = _state(self.path)
        with open(self.path, "w" if new else "a", newline="", encoding="utf-8") as handle:
            if torn:  # a row cut short by a kill: close it off, start on a fresh line
                handle.write("\n")
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            if new:
                writer.writeheader()
            writer.writerow({**row, "complete": 1})
            handle.flush()
            os.fsync(handle.fileno())

    def read(self) -> pd.DataFrame:
        """All complete rows (the last one per key if a cell was recorded twice).

        Returns
        -------
        results : pandas.DataFrame with :data:`COLUMNS`
        """
        if not self.path.exists() or self.path.stat().st_size == 0:
            return pd.DataFrame(columns=COLUMNS)
        text = _whole_rows(self.path)
        if text is None:
            return pd.DataFrame(columns=COLUMNS)
        frame = pd.read_csv(io.StringIO(text), keep_default_na=False)
        frame = frame[pd.to_numeric(frame["complete"], errors="coerce") == 1]
        frame = frame.drop_duplicates("key", keep="last").reset_index(drop=True)
        for column in NUMERIC_COLUMNS:
            if column not in frame.columns:  # a file written before the column existed
                frame[column] = np.nan
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
        frame["seed"] = pd.to_numeric(frame["seed"], errors="coerce").astype("Int64")
        return frame

    def done_keys(self) -> set[str]:
        """Keys of the cells recorded as finished without error.

        A failed cell is recorded with its error but counts as not done, so that a
        rerun tries it again (its new row then supersedes the old one).
        """
        frame = self.read()
        return set(frame.loc[frame["status"] == "ok", "key"])


def _state(path: Path) -> tuple[bool, bool]:
    """``(new, torn)``: whether to start the file afresh, and whether it ends mid-row.

    Read as bytes: a row cut inside a multi-byte character must not stop appends.
    A file without a single whole line (its header was cut by the first write's
    kill) starts afresh; it held no finished cell.
    """
    try:
        with open(path, "rb") as raw:
            head = raw.read(64 * 1024)
            if not head or b"\n" not in head:
                return True, False
            raw.seek(-1, os.SEEK_END)
            return False, raw.read(1) != b"\n"
    except FileNotFoundError:
        return True, False


def _whole_rows(path: Path) -> str | None:
    """The header and every whole row of the file, one per line, as CSV text.

    Rows never span lines (the error text is written on one line), so each line is
    parsed on its own: a line cut short, with an unclosed quote, or with the wrong
    number of fields is skipped, and one warning names the lines skipped.
    """
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        lines = handle.read().splitlines()
    if not lines:
        return None
    header = next(csv.reader([lines[0]]))
    if "key" not in header or "complete" not in header:
        if len(lines) == 1:  # the header itself was cut: no cell was recorded
            warnings.warn(
                f"{path}: the header row is torn; no finished cell in it.",
                RuntimeWarning,
                stacklevel=3,
            )
            return None
        raise ValueError(f"{path} is not a results file: its header is {lines[0][:200]!r}.")
    done_at = header.index("complete")
    kept, skipped = [lines[0]], []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error:
            fields = None
        if fields is None or len(fields) != len(header) or fields[done_at] != "1":
            skipped.append(number)
            continue
        kept.append(line)
    if skipped:
        listed = ", ".join(map(str, skipped[:10])) + (" ..." if len(skipped) > 10 else "")
        warnings.warn(
            f"{path}: skipped {len(skipped)} torn or malformed row(s) (line {listed}); "
            "their cells count as not done and run again on resume.",
            RuntimeWarning,
            stacklevel=3,
        )
    return "\n".join(kept) + "\n"
