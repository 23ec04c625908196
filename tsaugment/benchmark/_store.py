"""The results file: one CSV row per finished cell, appended and synced at once.

A run killed at any moment loses only the cells still running: every finished cell
is on disk, and a row cut short by the kill (or by power loss, or a full disk) is
recognised (its last column, written last, is missing, or it does not parse) and
skipped with a warning, so the rerun runs that cell again. Each row is read on its
own physical line: a torn row, even one cut inside a quoted field, never hides the
rows after it. The next append starts on a fresh line.

A file made by an older version (a header without some of today's columns) is
migrated before the first append: rewritten with today's header, every row mapped by
the header it was written with, the new columns blank; written to a temporary file
in the same folder, synced, and moved over the old one, so a kill leaves either file
whole. A column today's schema does not know is kept (after today's columns, before
``complete``) and read back as it is: no data is dropped. Rows that a store before
this migration appended with its own, newer columns under an older header are
recognised by their number of fields (one per known version of the schema,
:data:`~tsaugment.benchmark._schema.PAST_COLUMNS`) and read by those columns, with a
warning. One process writes a file at a time (the benchmark's parent process does).
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._warnings import warn
from ._schema import COLUMNS, NUMERIC_COLUMNS, PAST_COLUMNS

__all__ = ["ResultsStore", "COLUMNS"]

TEXT_COLUMNS = ["key", "dataset", "augmenter", "classifier", "budget", "auto_choice", "config"]
TEXT_COLUMNS += ["status", "error"]


class ResultsStore:
    """Append-only CSV of benchmark cells.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file; created with its header when missing, migrated to the current
        columns before appending when it was made by an older version.
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
        header = COLUMNS
        if not new:
            header = _header(self.path)
            target = _target_header(self.path, header)
            if target != header:
                self.migrate()
                header, torn = target, False
        with open(self.path, "w" if new else "a", newline="", encoding="utf-8") as handle:
            if torn:  # a row cut short by a kill: close it off, start on a fresh line
                handle.write("\n")
            writer = csv.DictWriter(handle, fieldnames=header, restval="")
            if new:
                writer.writeheader()
            writer.writerow({**row, "complete": 1})
            handle.flush()
            os.fsync(handle.fileno())

    def migrate(self) -> bool:
        """Rewrite a file made by an older version with the current columns.

        Every row is mapped by the columns it was written with; columns it lacks are
        left blank; a column the current schema does not know is kept. Torn or
        malformed lines are carried over unchanged (they stay skipped on reading).
        Atomic: a temporary file in the same folder, synced, then moved over this one.
        :meth:`append` calls it when needed.

        Returns
        -------
        migrated : bool
            False when the file is missing or already has the current columns.
        """
        if _state(self.path)[0]:
            return False
        parsed = _parse(self.path)
        if parsed is None:
            return False
        target = _target_header(self.path, parsed.header)
        if target == parsed.header and not parsed.recovered:
            return False
        buffer = io.StringIO(newline="")
        # "\r\n", as append writes: the csv module quotes a field holding "\r" only
        # when "\r" is in its line terminator
        writer = csv.DictWriter(buffer, fieldnames=target, restval="", lineterminator="\r\n")
        writer.writeheader()
        for entry in parsed.entries:
            if isinstance(entry, dict):
                writer.writerow(entry)
            else:  # a torn or malformed line, kept as it was
                buffer.write(entry + "\r\n")
        _replace_atomically(self.path, buffer.getvalue())
        added = [c for c in target if c not in parsed.header]
        kept = [c for c in parsed.header if c not in COLUMNS]
        warn(
            f"{self.path}: migrated to the current columns (added {added or 'none'}"
            + (f"; kept columns of another version: {kept}" if kept else "")
            + ").",
            RuntimeWarning,
        )
        return True

    def read(self) -> pd.DataFrame:
        """All complete rows (the last one per key if a cell was recorded twice).

        Each row is read by the columns it was written with (see the module
        docstring), so files of every version read alike.

        Returns
        -------
        results : pandas.DataFrame
            :data:`COLUMNS` (those a file lacks: NaN for numbers, empty strings
            otherwise), then any column of the file the current schema does not know.
        """
        if not self.path.exists() or self.path.stat().st_size == 0:
            return _typed(pd.DataFrame(columns=COLUMNS))
        parsed = _parse(self.path)
        if parsed is None:
            return _typed(pd.DataFrame(columns=COLUMNS))
        columns = _target_header(self.path, parsed.header)
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=columns, restval="", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(e for e in parsed.entries if isinstance(e, dict))
        buffer.seek(0)
        frame = pd.read_csv(
            buffer,
            keep_default_na=False,
            float_precision="round_trip",
            dtype=dict.fromkeys(TEXT_COLUMNS, str),  # a fingerprint "1e50..." stays text
        )
        frame = frame[pd.to_numeric(frame["complete"], errors="coerce") == 1]
        frame = frame.drop_duplicates("key", keep="last").reset_index(drop=True)
        return _typed(frame)

    def done_keys(self) -> set[str]:
        """Keys of the cells recorded as finished without error.

        A failed cell is recorded with its error but counts as not done, so that a
        rerun tries it again (its new row then supersedes the old one).
        """
        frame = self.read()
        return set(frame.loc[frame["status"] == "ok", "key"])


def _number(value) -> float:
    """``float(value)``, NaN for an empty or unreadable field."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in NUMERIC_COLUMNS:
        # a column with an empty field (a failed cell's) is read as text; pandas'
        # to_numeric parses text off by one unit in the last place at times, so that
        # equal accuracies from two files differed and a zero gain became a "loss"
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(_number).astype(float)
    frame["seed"] = pd.to_numeric(frame["seed"], errors="coerce").astype("Int64")
    return frame


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


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        return next(csv.reader([handle.readline().rstrip("\r\n")]))


def _target_header(path: Path, header: list[str]) -> list[str]:
    """The columns a file with ``header`` has after migration (``header`` if current).

    Today's columns in today's order, then the file's columns today's schema does not
    know, then ``complete`` (last, so that a torn row lacks it). A header with a
    repeated name, or without ``key`` and ``complete``, cannot be mapped: ValueError.
    """
    if "key" not in header or "complete" not in header:
        raise ValueError(f"{path} is not a results file: its header is {header[:25]!r}.")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise ValueError(
            f"{path}: its header names {repeated} more than once, so its rows cannot be "
            "mapped by column name; repair the header by hand."
        )
    if set(COLUMNS) <= set(header) and header[-1] == "complete":
        return header  # current (another order, or extra columns, appends alike)
    extra = [c for c in header if c not in COLUMNS]
    return [*COLUMNS[:-1], *extra, "complete"]


@dataclass
class _Parsed:
    header: list[str]
    # whole rows as dicts (mapped by the columns they were written with), and torn
    # or malformed lines as their text, in file order
    entries: list = field(default_factory=list)
    recovered: int = 0


def _parse(path: Path) -> _Parsed | None:
    """The header and every line of the file, each whole row mapped by its columns.

    Rows never span lines (the error text is written on one line), so each line is
    parsed on its own: a line cut short, with an unclosed quote, or whose fields fit
    neither the header nor a known version of the schema is kept as text (skipped by
    the reader), and one warning names the lines skipped. None for a file whose only
    line, the header, was cut short.
    """
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        text = handle.read()
    if not text:
        return None
    # rows end in "\n" or "\r\n"; str.splitlines would also cut at a "\r", form feed
    # or Unicode separator inside a field (an error message), tearing a whole row
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    header = next(csv.reader([lines[0]]))
    if ("key" not in header or "complete" not in header) and len(lines) == 1:
        warn(  # the header itself was cut: no cell was recorded
            f"{path}: the header row is torn; no finished cell in it.",
            RuntimeWarning,
        )
        return None
    _target_header(path, header)  # a foreign file or an ambiguous header: ValueError
    # a row with another number of fields than the header: written by a store that
    # appended its own columns without migrating (one version per field count)
    known = [cols for cols in (*PAST_COLUMNS, COLUMNS) if len(cols) != len(header)]
    lengths = [len(cols) for cols in known]
    by_count = {len(cols): cols for cols in known if lengths.count(len(cols)) == 1}
    parsed, skipped = _Parsed(header), []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error:
            fields = None
        columns = header if fields is not None and len(fields) == len(header) else None
        if columns is None and fields is not None and len(fields) in by_count:
            columns = by_count[len(fields)]
            parsed.recovered += fields[columns.index("complete")] == "1"
        if columns is None or fields[columns.index("complete")] != "1":
            skipped.append(number)
            parsed.entries.append(line)
            continue
        parsed.entries.append(dict(zip(columns, fields)))
    if parsed.recovered:
        warn(
            f"{path}: {parsed.recovered} row(s) have the columns of another version of the "
            "results file than its header (appended before files were migrated); read by "
            "their own columns. The next append rewrites the file with one header.",
            RuntimeWarning,
        )
    if skipped:
        listed = ", ".join(map(str, skipped[:10])) + (" ..." if len(skipped) > 10 else "")
        warn(
            f"{path}: skipped {len(skipped)} torn or malformed row(s) (line {listed}); "
            "their cells count as not done and run again on resume.",
            RuntimeWarning,
        )
    return parsed


def _replace_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (temp file, fsync, rename)."""
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(partial, "w", newline="", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
