"""Hyperparameters declared once per class and checked in one place, with one message.

In the spirit of scikit-learn's ``_parameter_constraints`` (whose helpers are private
to scikit-learn, so not relied on here): an estimator declares a class attribute

    _parameter_constraints = {"n_iter": [Interval(Integral, 1, None)], ...}

mapping each checked parameter to the list of what it may be (any one suffices), and
calls :func:`validate_params` at the start of ``fit``. Functions check their
arguments with :func:`check_param`. Every failure is a :class:`ValueError` worded
``"<Owner>: <name> must be <what it may be>, got <value>."``.

Numbers of numpy types count as numbers (``np.int64(3)`` is an int, ``np.float32``
a real); ``bool`` is never a number.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

__all__ = ["Interval", "Options", "Boolean", "OddInt", "check_param", "validate_params"]

Integral = numbers.Integral
Real = numbers.Real


class Interval:
    """Numbers of a type in an interval.

    Parameters
    ----------
    kind : numbers.Integral or numbers.Real
        ``Integral``: ints (numpy's too); ``Real``: any finite real (ints included).
    low, high : number or None
        Bounds; ``None`` is unbounded.
    closed : {"both", "left", "right", "neither"}, default="both"
        Which bounds belong to the interval.
    """

    def __init__(self, kind, low=None, high=None, *, closed="both"):
        if kind not in (Integral, Real):
            raise TypeError("kind must be numbers.Integral or numbers.Real")
        self.kind, self.low, self.high, self.closed = kind, low, high, closed

    def is_satisfied_by(self, value) -> bool:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, self.kind):
            return False
        if self.kind is Real and not math.isfinite(value):
            return False
        left = self.closed in ("both", "left")
        right = self.closed in ("both", "right")
        if self.low is not None and (value < self.low if left else value <= self.low):
            return False
        return self.high is None or (value <= self.high if right else value < self.high)

    def __str__(self) -> str:
        what = "an int" if self.kind is Integral else "a finite number"
        if self.low is not None and self.high is not None:
            lb = "[" if self.closed in ("both", "left") else "("
            rb = "]" if self.closed in ("both", "right") else ")"
            return f"{what} in {lb}{self.low:g}, {self.high:g}{rb}"
        if self.low is not None:
            return f"{what} {'>=' if self.closed in ('both', 'left') else '>'} {self.low:g}"
        if self.high is not None:
            return f"{what} {'<=' if self.closed in ('both', 'right') else '<'} {self.high:g}"
        return what


class OddInt(Interval):
    """Odd ints of at least ``low`` (a kernel size centred on its point)."""

    def __init__(self, low=1):
        super().__init__(Integral, low, None)

    def is_satisfied_by(self, value) -> bool:
        return super().is_satisfied_by(value) and value % 2 == 1

    def __str__(self) -> str:
        return f"an odd int >= {self.low}"


class Options:
    """One of a fixed set of values (strings, or a few numbers such as ``True``)."""

    def __init__(self, values: Iterable):
        self.values = tuple(values)

    def is_satisfied_by(self, value) -> bool:
        try:
            return any(value == v and _same_kind(value, v) for v in self.values)
        except (TypeError, ValueError):  # arrays and other values with odd ==
            return False

    def __str__(self) -> str:
        return f"one of {list(self.values)}"


def _same_kind(a, b) -> bool:
    # "gru" and np.str_("gru") are the same option; 1 and True are not
    return isinstance(a, str) and isinstance(b, str) or type(a) is type(b)


class Boolean:
    """``True`` or ``False`` (numpy's bools too)."""

    def is_satisfied_by(self, value) -> bool:
        return isinstance(value, (bool, np.bool_))

    def __str__(self) -> str:
        return "True or False"


def _describe(allowed) -> str:
    return " or ".join("None" if c is None else str(c) for c in allowed)


def check_param(name: str, value, allowed, *, owner: str | None = None):
    """Check one value against what it may be; return it unchanged.

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    value : object
    allowed : list
        Constraints (:class:`Interval`, :class:`Options`, :class:`Boolean`, ...) or
        ``None`` (the value ``None`` is allowed); one satisfied constraint suffices.
    owner : str, optional
        The estimator or function, named first in the message.

    Returns
    -------
    value : object

    Raises
    ------
    ValueError
        ``"<owner>: <name> must be <allowed>, got <value>."``

    Examples
    --------
    >>> import numpy as np
    >>> check_param("lr", np.float32(1e-3), [Interval(Real, 0, None, closed="neither")])
    np.float32(0.001)
    >>> check_param("n_iter", 0, [Interval(Integral, 1)], owner="TimeGANGenerator")
    Traceback (most recent call last):
    ...
    ValueError: TimeGANGenerator: n_iter must be an int >= 1, got 0.
    """
    for constraint in allowed:
        if constraint is None:
            if value is None:
                return value
        elif constraint.is_satisfied_by(value):
            return value
    prefix = f"{owner}: " if owner else ""
    raise ValueError(f"{prefix}{name} must be {_describe(allowed)}, got {value!r}.")


def validate_params(estimator) -> None:
    """Check every parameter the estimator's class declares in ``_parameter_constraints``.

    Parameters
    ----------
    estimator : object
        An estimator whose class has a ``_parameter_constraints`` dict.

    Raises
    ------
    ValueError
        For the first parameter that is not what its class declares.
    """
    owner = type(estimator).__name__
    for name, allowed in type(estimator)._parameter_constraints.items():
        check_param(name, getattr(estimator, name), allowed, owner=owner)
