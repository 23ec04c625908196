"""The baseline beside published accuracies: is the run's classifier as strong."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["read_reference", "reference_check"]

_ACCURACY = ("accuracy", "accuracy_mean")
_STD = ("std", "accuracy_std")


def read_reference(source) -> pd.DataFrame:
    """Read published accuracies: one row per data set.

    Parameters
    ----------
    source : str, os.PathLike or pandas.DataFrame
        A CSV file (or a frame) with a column ``dataset``, a column ``accuracy``
        (or ``accuracy_mean``), fractions in [0, 1], and optionally ``std`` (or
        ``accuracy_std``), the spread of the published runs.

    Returns
    -------
    reference : pandas.DataFrame
        Columns ``dataset``, ``reference`` and ``reference_std`` (NaN where none).

    Raises
    ------
    ValueError
        For a missing file or column, a repeated data set, or an accuracy that is
        not a fraction.
    """
    name = "the reference frame"
    if isinstance(source, pd.DataFrame):
        frame = source
    else:
        path = Path(source)
        name = str(path)
        if not path.is_file():
            raise ValueError(f"no reference file at {path}.")
        frame = pd.read_csv(path)
    accuracy = next((c for c in _ACCURACY if c in frame.columns), None)
    if "dataset" not in frame.columns or accuracy is None:
        raise ValueError(
            f"{name} needs the columns 'dataset' and 'accuracy' (optional 'std'); "
            f"it has {list(frame.columns)}."
        )
    std = next((c for c in _STD if c in frame.columns), None)
    out = pd.DataFrame(
        {
            "dataset": frame["dataset"].astype(str).str.strip(),
            "reference": pd.to_numeric(frame[accuracy], errors="coerce"),
            "reference_std": (pd.to_numeric(frame[std], errors="coerce") if std else np.nan),
        }
    )
    bad = out[~out["reference"].between(0, 1)]
    if len(bad):
        raise ValueError(
            f"{name}: accuracy must be a fraction in [0, 1]; {bad['dataset'].iloc[0]!r} has "
            f"{frame[accuracy].iloc[bad.index[0]]!r}."
        )
    repeated = out["dataset"][out["dataset"].duplicated()]
    if len(repeated):
        raise ValueError(f"{name} lists {repeated.iloc[0]!r} more than once.")
    return out.reset_index(drop=True)


def reference_check(
    results: pd.DataFrame, reference, *, n_std: float = 2.0, margin: float = 0.03
) -> pd.DataFrame:
    """The baseline (augmenter ``"none"``) per data set beside a published reference.

    A data set is flagged when the baseline's mean accuracy over seeds lies more than
    ``max(n_std * reference_std, margin)`` below the reference (``margin`` alone where
    the reference gives no standard deviation).

    Parameters
    ----------
    results : pandas.DataFrame
        Rows of the results file (status "ok" are used).
    reference : str, os.PathLike or pandas.DataFrame
        See :func:`read_reference`.
    n_std : float, default=2.0
    margin : float, default=0.03

    Returns
    -------
    check : pandas.DataFrame
        Per classifier and data set found in both: ``baseline`` (mean over seeds),
        ``baseline_std``, ``n_seeds``, ``reference``, ``reference_std``,
        ``difference`` (baseline minus reference), ``allowed`` (the margin used) and
        ``below`` (True when flagged).

    Examples
    --------
    >>> import pandas as pd
    >>> from tsaugment.benchmark import reference_check
    >>> rows = pd.DataFrame({"dataset": ["A", "A", "B", "B"], "augmenter": "none",
    ...                      "classifier": "resnet", "seed": [0, 1, 0, 1], "status": "ok",
    ...                      "accuracy": [0.80, 0.82, 0.70, 0.72]})
    >>> ref = pd.DataFrame({"dataset": ["A", "B"], "accuracy": [0.82, 0.80],
    ...                     "std": [0.01, 0.02]})
    >>> reference_check(rows, ref)[["dataset", "difference", "below"]]
      dataset  difference  below
    0       A       -0.01  False
    1       B       -0.09   True
    """
    ref = read_reference(reference)
    ok = results[(results["status"] == "ok") & (results["augmenter"] == "none")].copy()
    ok["accuracy"] = ok["accuracy"].astype(float)
    base = (
        ok.groupby(["classifier", "dataset"])["accuracy"]
        .agg(baseline="mean", baseline_std=lambda s: s.std(ddof=0), n_seeds="count")
        .reset_index()
    )
    check = base.merge(ref, on="dataset", how="inner")
    check["difference"] = (check["baseline"] - check["reference"]).round(12)
    check["allowed"] = np.fmax(n_std * check["reference_std"], margin)
    check["below"] = check["difference"] < -check["allowed"]
    return check.sort_values(["classifier", "dataset"]).reset_index(drop=True)
