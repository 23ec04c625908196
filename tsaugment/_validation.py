"""Input validation shared by every public function and estimator.

All checks raise :class:`ValueError` (or :class:`TypeError` for a wrong type) with a
message that names the problem, so that bad input never reaches torch.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "check_X",
    "check_X_y",
    "check_fitted_X",
    "check_pair",
    "check_y",
    "check_same_layout",
    "float_dtype_of",
    "seed_from_random_state",
]


def check_X(
    X,
    *,
    name: str = "X",
    min_cases: int = 1,
    min_timepoints: int = 1,
    allow_nan: bool = False,
) -> np.ndarray:
    """Validate a time-series panel and return it as a 3D float array.

    Parameters
    ----------
    X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        The series. A 2D array is univariate and gains a channel axis.
    name : str, default="X"
        Name used in error messages.
    min_cases : int, default=1
        Fewest series accepted.
    min_timepoints : int, default=1
        Shortest series accepted (for instance a model that predicts ahead needs 2).
    allow_nan : bool, default=False
        Accept NaN (never inf), as in NaN-padded variable-length data sets.

    Returns
    -------
    X : ndarray of shape (n_cases, n_channels, n_timepoints)
        Float32 and float64 input keep their dtype; float16 is widened to float32
        (exactly); anything else becomes float64. The array is a copy only where the
        dtype or the shape had to change. :func:`float_dtype_of` gives the dtype that
        results should be returned in.

    Raises
    ------
    ValueError
        On an empty array, a 1D or 4D+ array, complex or non-numeric values, NaN or
        inf, too few series or too short series.
    """
    if isinstance(X, (str, bytes)) or X is None:
        raise TypeError(
            f"{name} must be an array of shape (n_cases, n_channels, n_timepoints), "
            f"got {type(X).__name__}."
        )
    try:
        arr = np.asarray(X)
    except ValueError as err:  # ragged nested lists
        raise ValueError(
            f"{name} could not be read as a rectangular array ({err}); series of "
            "unequal length must be padded with NaN or resampled first."
        ) from err
    if arr.dtype.kind == "c" or (
        arr.dtype.kind == "O" and any(isinstance(v, complex) for v in arr.ravel()[:10_000])
    ):
        raise ValueError(
            f"{name} holds complex numbers; tsaugment works on real-valued series. Pass "
            "the real and imaginary parts as two channels (np.stack([X.real, X.imag], "
            "axis=1) for 2D X) or the magnitude."
        )
    if arr.dtype.kind not in "fiub":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{name} must hold numbers, got values of dtype {arr.dtype}.") from err
    if arr.dtype == np.float16:
        arr = arr.astype(np.float32)  # exact; the networks compute in float32
    elif arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one series.")
    if arr.ndim == 2:
        arr = arr[:, np.newaxis, :]
    elif arr.ndim != 3:
        raise ValueError(
            f"{name} must be 3D (n_cases, n_channels, n_timepoints) or 2D "
            f"(n_cases, n_timepoints) for univariate series, got a {arr.ndim}D array "
            f"of shape {arr.shape}."
        )
    if not allow_nan and not np.isfinite(arr).all():
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        raise ValueError(
            f"{name} contains {n_nan} NaN and {n_inf} infinite values; remove or impute "
            "them (variable-length data sets must be resampled to equal length)."
        )
    if allow_nan and np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values.")
    n_cases, _, n_timepoints = arr.shape
    if n_cases < min_cases:
        raise ValueError(f"{name} has {n_cases} series; at least {min_cases} are needed.")
    if n_timepoints < min_timepoints:
        raise ValueError(
            f"{name} has series of length {n_timepoints}; this model needs at least "
            f"{min_timepoints} time points."
        )
    return arr


def float_dtype_of(X) -> np.dtype:
    """The float dtype results made from ``X`` are returned in: ``X``'s own.

    Parameters
    ----------
    X : array-like
        The input as the caller gave it (before :func:`check_X`).

    Returns
    -------
    dtype : numpy.dtype
        ``X.dtype`` for a floating-point array (float16, float32, float64, ...),
        float64 for anything else (integers, lists).

    Examples
    --------
    >>> import numpy as np
    >>> float_dtype_of(np.zeros(3, dtype=np.float16)), float_dtype_of([1, 2])
    (dtype('float16'), dtype('float64'))
    """
    dtype = getattr(X, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return dtype
    return np.dtype(np.float64)


def _label_kind(value) -> str:
    """'number', 'text' or the type's name: labels of one kind can be sorted together."""
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, (str, bytes)):
        return "text"
    return type(value).__name__


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return isinstance(missing, (bool, np.bool_)) and bool(missing)


def check_y(y, n_cases: int, *, name: str = "y", min_class_size: int = 1) -> np.ndarray:
    """Validate labels: 1D, one per series, no missing values, one kind of value.

    Parameters
    ----------
    y : array-like of shape (n_cases,)
        Hashable labels of any type (strings included).
    n_cases : int
        Number of series the labels belong to.
    name : str, default="y"
        Name used in error messages.
    min_class_size : int, default=1
        Fewest members a class may have.

    Returns
    -------
    y : ndarray of shape (n_cases,)
        The labels, dtype unchanged.

    Raises
    ------
    ValueError
        When ``y`` is missing (None), not 1D, of the wrong length, holds missing
        values (None, NaN, ``pd.NA``, ``pd.NaT``), or mixes kinds of labels that
        cannot be ordered together (text and numbers, say).
    """
    if y is None:
        raise ValueError(
            f"{name} is required: one label per series (got None); {n_cases} labels are needed."
        )
    if isinstance(y, (list, tuple)):
        kinds = {_label_kind(v) for v in y if not _is_missing(v)}
        if len(kinds) > 1:  # numpy would silently turn every label into text
            raise ValueError(
                f"{name} mixes kinds of labels ({', '.join(sorted(kinds))}); use one type "
                "for all labels (for instance all strings)."
            )
    y_arr = np.asarray(y)
    if y_arr.ndim == 2 and y_arr.shape[1] == 1:
        y_arr = y_arr.ravel()
    if y_arr.ndim != 1:
        raise ValueError(f"{name} must be 1D with one label per series, got shape {y_arr.shape}.")
    if y_arr.shape[0] != n_cases:
        raise ValueError(f"{name} has {y_arr.shape[0]} labels but X has {n_cases} series.")
    if y_arr.dtype.kind in "fc" and np.isnan(y_arr).any():
        raise ValueError(f"{name} contains {int(np.isnan(y_arr).sum())} NaN labels.")
    if y_arr.dtype.kind in "mM" and np.isnat(y_arr).any():
        raise ValueError(f"{name} contains {int(np.isnat(y_arr).sum())} missing (NaT) labels.")
    if y_arr.dtype.kind == "O":
        missing = [i for i, v in enumerate(y_arr) if _is_missing(v)]
        if missing:
            raise ValueError(
                f"{name} contains {len(missing)} missing labels (None, NaN or pd.NA), the "
                f"first at position {missing[0]}; drop those series or give them a label."
            )
        kinds = {_label_kind(v) for v in y_arr}
        if len(kinds) > 1:
            raise ValueError(
                f"{name} mixes kinds of labels ({', '.join(sorted(kinds))}); use one type "
                "for all labels (for instance all strings)."
            )
    if min_class_size > 1:
        classes, counts = np.unique(y_arr, return_counts=True)
        small = [(c, int(k)) for c, k in zip(classes.tolist(), counts) if k < min_class_size]
        if small:
            listed = ", ".join(f"{c!r} ({k})" for c, k in small)
            raise ValueError(
                f"every class needs at least {min_class_size} series; these have too few: {listed}."
            )
    return y_arr


def check_same_layout(X, X_ref_shape: tuple, *, name: str = "X", what: str = "fit"):
    """Check that ``X`` has the channel count and length seen at ``what``.

    Parameters
    ----------
    X : ndarray of shape (n_cases, n_channels, n_timepoints)
        Validated input.
    X_ref_shape : tuple of (n_channels, n_timepoints)
        The layout that is expected.
    name, what : str
        Used in the error message.
    """
    n_channels, n_timepoints = X_ref_shape
    if X.shape[1] != n_channels:
        raise ValueError(f"{name} has {X.shape[1]} channels, but {n_channels} were seen in {what}.")
    if X.shape[2] != n_timepoints:
        raise ValueError(
            f"{name} has series of length {X.shape[2]}, but length {n_timepoints} "
            f"was seen in {what}."
        )


def check_X_y(X, y, *, name: str = "X", y_name: str = "y", min_cases: int = 1):
    """Validate a labelled panel: :func:`check_X` on ``X``, then :func:`check_y` on ``y``.

    Parameters
    ----------
    X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
    y : array-like of shape (n_cases,)
    name, y_name : str, default="X", "y"
        Names used in error messages.
    min_cases : int, default=1
        Fewest series accepted.

    Returns
    -------
    X : ndarray of shape (n_cases, n_channels, n_timepoints)
    y : ndarray of shape (n_cases,)

    Examples
    --------
    >>> from tsaugment._validation import check_X_y
    >>> X, y = check_X_y([[1.0, 2.0], [3.0, 4.0]], ["a", "b"])
    >>> X.shape, y.tolist()
    ((2, 1, 2), ['a', 'b'])
    """
    X = check_X(X, name=name, min_cases=min_cases)
    return X, check_y(y, X.shape[0], name=y_name)


def check_pair(X_real, X_synth, *, min_cases: int = 1, min_timepoints: int = 1, dtype=None):
    """Validate a real and a synthetic panel that must share their layout.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_channels, n_timepoints) or (n_real, n_timepoints)
    X_synth : array-like of shape (n_synth, n_channels, n_timepoints) or (n_synth, n_timepoints)
    min_cases, min_timepoints : int, default=1
        As in :func:`check_X`, for each panel.
    dtype : numpy dtype, optional
        Return both panels as (new) arrays of this dtype; default: as :func:`check_X`
        returns them.

    Returns
    -------
    X_real, X_synth : ndarray of shape (n, n_channels, n_timepoints)

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment._validation import check_pair
    >>> real, synth = check_pair(np.zeros((3, 5)), np.ones((2, 5)), dtype=np.float64)
    >>> real.shape, synth.shape
    ((3, 1, 5), (2, 1, 5))
    """
    X_real = check_X(X_real, name="X_real", min_cases=min_cases, min_timepoints=min_timepoints)
    X_synth = check_X(X_synth, name="X_synth", min_cases=min_cases, min_timepoints=min_timepoints)
    check_same_layout(X_synth, X_real.shape[1:], name="X_synth", what="X_real")
    if dtype is not None:
        X_real, X_synth = X_real.astype(dtype), X_synth.astype(dtype)
    return X_real, X_synth


def check_fitted_X(estimator, X, **check_X_params) -> np.ndarray:
    """Validate ``X`` for a fitted estimator: fitted, a valid panel, ``fit``'s layout.

    Parameters
    ----------
    estimator : estimator
        Fitted, with ``n_channels_`` and ``n_timepoints_`` learned in ``fit``.
    X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
    **check_X_params
        Passed to :func:`check_X`.

    Returns
    -------
    X : ndarray of shape (n_cases, n_channels, n_timepoints)

    Raises
    ------
    sklearn.exceptions.NotFittedError
        When ``estimator`` is not fitted.
    ValueError
        On invalid ``X`` or a channel count or length other than ``fit``'s.
    """
    check_is_fitted(estimator)
    X = check_X(X, **check_X_params)
    check_same_layout(X, (estimator.n_channels_, estimator.n_timepoints_))
    return X


def seed_from_random_state(random_state) -> int:
    """Draw a 31-bit integer seed from a scikit-learn ``random_state``.

    Parameters
    ----------
    random_state : None, int or numpy.random.RandomState
        As in scikit-learn. An int always gives the same seed.

    Returns
    -------
    seed : int
    """
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be non-negative, got {random_state}.")
        return int(random_state) % (2**31 - 1)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
