"""The results file: one CSV row per finished cell, appended and synced at once.

A run killed at any moment loses only the cells still running: every finished cell
is on disk, and a row cut short by the kill is recognised (its last column, written
last, is missing) and ignored, so the rerun runs that cell again.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

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
        new = not self.path.exists() or self.path.stat().st_size == 0
        with open(self.path, "a+", newline="", encoding="utf-8") as handle:
            if not new:
                handle.seek(handle.tell() - 1)
                if handle.read(1) != "\n":  # a row cut short by a kill: close it off
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
        frame = pd.read_csv(self.path, on_bad_lines="skip", engine="python", keep_default_na=False)
        frame = frame[pd.to_numeric(frame["complete"], errors="coerce") == 1]
        frame = frame.drop_duplicates("key", keep="last").reset_index(drop=True)
        for column in NUMERIC_COLUMNS:
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
