"""Training budgets that follow the data, and stopping where samples stop improving.

Learned generators take a fixed number of optimiser steps (``n_iter``) or epochs
(``n_epochs``), set for data sets of thousands of series; on a UCR training split of
30 series a fixed count is many passes too many or too few. Two tools, both off by
default and both outside the generators' training loops (which stay as published):

- :func:`iterations_for_passes`: optimiser steps that make ``n_passes`` passes over a
  training set of ``n_cases`` series in batches of ``batch_size``.
- :class:`FidelityBudgetSearch`: fits a generator at a growing budget (doubling
  passes) on part of the training set and keeps the budget whose samples a classifier
  of the held-out real series puts in their class most often (optionally stopping once
  that stops improving, ``patience``); it hands back the generator set to the best
  budget (``best_generator_``, unfitted), for :class:`tsaugment.Augmenter` to fit on
  all the series. This is early stopping by budget (each budget is a fresh fit, about
  twice the cost of the last one), not inside one training run: the adversarial
  generators' loops have no hook for it.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from ._params import Integral, Interval, Real, validate_params
from ._validation import check_X_y, check_y

__all__ = ["FidelityBudgetSearch", "budget_parameter", "iterations_for_passes"]


def iterations_for_passes(n_passes, n_cases, batch_size) -> int:
    """Optimiser steps that make ``n_passes`` passes over ``n_cases`` series.

    Parameters
    ----------
    n_passes : float > 0
    n_cases : int >= 1
    batch_size : int >= 1
        Series per step (a batch larger than the data counts as the data).

    Returns
    -------
    n_iter : int
        ``ceil(n_passes * n_cases / min(batch_size, n_cases))``, at least 1.

    Examples
    --------
    >>> iterations_for_passes(100, n_cases=30, batch_size=128)
    100
    >>> iterations_for_passes(100, n_cases=1000, batch_size=128)
    782
    """
    if isinstance(n_passes, bool) or not isinstance(n_passes, numbers.Real) or not n_passes > 0:
        raise ValueError(f"n_passes must be a number > 0, got {n_passes!r}.")
    for name, value in (("n_cases", n_cases), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    per_pass = n_cases / min(batch_size, n_cases)
    return max(1, math.ceil(n_passes * per_pass))


def budget_parameter(generator) -> str | None:
    """The parameter that sets a generator's training length, or None.

    Parameters
    ----------
    generator : estimator or None

    Returns
    -------
    name : {"n_iter", "n_epochs"} or None
        ``"n_iter"`` (optimiser steps) when the generator has it, else ``"n_epochs"``
        (passes); None for a generator without either (the classic augmenters) or None.

    Examples
    --------
    >>> from tsaugment import JitterAugmenter, LatentVAEAugmenter
    >>> budget_parameter(LatentVAEAugmenter()), budget_parameter(JitterAugmenter())
    ('n_epochs', None)
    """
    if generator is None:
        return None
    params = generator.get_params(deep=False)
    return next((name for name in ("n_iter", "n_epochs") if name in params), None)


class FidelityBudgetSearch(BaseEstimator):
    """Choose a generator's training budget by the label fidelity of its samples.

    ``fit`` sets aside ``validation_size`` of the labelled series (stratified), fits a
    :class:`tsaugment.metrics.LabelFidelityClassifier` on them, and fits clones of
    ``generator`` on the rest at ``min_passes``, twice that, four times that, ...
    passes (converted to ``n_iter`` or ``n_epochs`` with
    :func:`iterations_for_passes`), up to ``max_passes``. After each fit it draws as
    many series per class as the held-out split has, and scores the share the held-out
    classifier puts in their class. It tries every budget (or stops after ``patience``
    budgets without improvement) and keeps the best (ties: the smaller one), converted for all
    the series, in ``best_generator_`` (unfitted: give it to
    :class:`tsaugment.Augmenter` or :class:`tsaugment.AugmentedClassifier`).

    Parameters
    ----------
    generator : tsaugment generator
        A learned generator with ``n_iter`` (steps) or ``n_epochs`` (passes) and
        ``batch_size``.
    min_passes : float, default=10
        First budget, in passes over the training part.
    max_passes : float, default=640
        Largest budget tried.
    patience : int or None, default=None
        Budgets without improvement before stopping; None tries every budget up to
        ``max_passes`` (at most about twice the cost of the largest fit). Measured on
        six small UCR sets (``benchmarks/runs/fidelity_budget``), the held-out fidelity
        of learned generators stays flat for two to six budgets before it rises (the
        VAE on GunPoint: chance up to 40 passes, 0.92 at 80), so a small patience
        stops on the flat start and keeps the least trained generator.
    validation_size : float, default=0.25
        Share of the series held out for the fidelity classifier (at least one per
        class; every class therefore needs two series).
    random_state : int, RandomState instance or None, default=None
        Fixes the split, the classifier and (when not None) the generator's clones.

    Attributes
    ----------
    best_generator_ : tsaugment generator
        An unfitted clone of ``generator`` whose ``n_iter`` or ``n_epochs`` makes
        ``best_passes_`` passes over all the series given to ``fit``.
    best_passes_ : float
    budget_scores_ : dict
        Passes tried -> held-out label fidelity.
    classes_ : ndarray of shape (n_classes,)

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment import LatentVAEAugmenter
    >>> from tsaugment.early_stopping import FidelityBudgetSearch
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(0, 1, (8, 1, 6)), rng.normal(3, 1, (8, 1, 6))])
    >>> y = np.repeat(["a", "b"], 8)
    >>> search = FidelityBudgetSearch(LatentVAEAugmenter(device="cpu"), min_passes=1,
    ...                               max_passes=2, random_state=0).fit(X, y)
    >>> sorted(search.budget_scores_)
    [1, 2]
    >>> search.best_generator_.n_epochs == search.best_passes_
    True
    """

    _parameter_constraints = {
        "min_passes": [Interval(Real, 0, None, closed="neither")],
        "max_passes": [Interval(Real, 0, None, closed="neither")],
        "patience": [Interval(Integral, 1), None],
        "validation_size": [Interval(Real, 0, 1, closed="neither")],
    }

    def __init__(
        self,
        generator,
        *,
        min_passes=10,
        max_passes=640,
        patience=None,
        validation_size=0.25,
        random_state=None,
    ):
        self.generator = generator
        self.min_passes = min_passes
        self.max_passes = max_passes
        self.patience = patience
        self.validation_size = validation_size
        self.random_state = random_state

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        from .generators import LatentVAEAugmenter

        return {
            "generator": LatentVAEAugmenter(device="cpu"),
            "min_passes": 1,
            "max_passes": 2,
        }

    def _budget_param(self) -> str:
        name = budget_parameter(self.generator)
        if name is not None:
            return name
        raise ValueError(
            f"{type(self.generator).__name__} has neither n_iter nor n_epochs: nothing to "
            "stop early."
        )

    def _with_budget(self, passes, n_cases, seed):
        gen = clone(self.generator)
        name = self._budget_param()
        if name == "n_iter":
            batch = int(gen.get_params().get("batch_size", n_cases))
            value = iterations_for_passes(passes, n_cases, batch)
        else:
            value = max(1, math.ceil(passes))
        gen.set_params(**{name: value})
        if self.random_state is not None:
            keys = [k for k in gen.get_params() if k.endswith("random_state")]
            gen.set_params(**dict.fromkeys(keys, seed))
        return gen

    def fit(self, X, y):
        """Choose the budget on a held-out split; ``best_generator_`` gets it, unfitted.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        y : array-like of shape (n_cases,)
            Labels (needed: fidelity is judged per class).

        Returns
        -------
        self : FidelityBudgetSearch
        """
        from .metrics import LabelFidelityClassifier

        if y is None:
            raise ValueError("FidelityBudgetSearch needs labels y: it judges label fidelity.")
        validate_params(self)
        if self.min_passes > self.max_passes:
            raise ValueError(
                f"need 0 < min_passes <= max_passes, got {self.min_passes!r}, {self.max_passes!r}."
            )
        X, y = check_X_y(X, y)
        # one series of each class fits the generator and one judges its samples
        check_y(y, len(y), min_class_size=2)
        self._budget_param()
        rs = check_random_state(self.random_state)
        self.classes_ = np.unique(y)
        n_val = max(len(self.classes_), math.ceil(self.validation_size * len(y)))
        X_fit, X_val, y_fit, y_val = train_test_split(
            X, y, test_size=n_val, stratify=y, random_state=rs.randint(2**31 - 1)
        )
        seed = int(rs.randint(2**31 - 1))
        judge = LabelFidelityClassifier(random_state=seed).fit(X_val, y_val)
        self.budget_scores_ = {}
        best, best_score, waited, passes = None, -np.inf, 0, self.min_passes
        while passes <= self.max_passes:
            gen = self._with_budget(passes, len(y_fit), seed).fit(X_fit, y_fit)
            X_syn, _ = gen.sample(len(y_val), y=y_val)
            score = float(np.mean(judge.predict(X_syn) == y_val))
            self.budget_scores_[passes] = score
            if score > best_score:
                best, best_score, waited = passes, score, 0
            else:
                waited += 1
                if self.patience is not None and waited >= self.patience:
                    break
            passes *= 2
        self.best_passes_ = best
        self.best_generator_ = self._with_budget(best, len(y), seed)
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "best_generator_")
