"""A generator written outside the package runs the shared checks, and they can fail."""

from __future__ import annotations

import numpy as np
import pytest

from tsaugment.base import BaseGenerator
from tsaugment.utils.estimator_checks import (
    check_estimator,
    check_generator_bad_input_errors,
    check_generator_one_series_class,
    check_generator_same_random_state_same_output,
    get_test_params,
    parametrize_with_checks,
)


class ShiftAugmenter(BaseGenerator):
    """A toy generator: each series shifted by a random offset (outside tsaugment)."""

    _scales_data = False

    def __init__(self, *, scale=0.1, random_state=None):
        self.scale = scale
        self.random_state = random_state

    @classmethod
    def get_test_params(cls):
        return {"scale": 0.5}

    def _fit_scaled(self, X, y_codes):
        self.X_train_ = X
        self.codes_ = np.zeros(len(X), dtype=int) if y_codes is None else y_codes

    def _sample_scaled(self, n_samples, y_codes, rng):
        codes = np.zeros(n_samples, dtype=int) if y_codes is None else y_codes
        idx = [rng.choice(np.flatnonzero(self.codes_ == code)) for code in codes]
        return self._transform_scaled(self.X_train_[idx], codes, rng)

    def _transform_scaled(self, X, y_codes, rng):
        return X + self.scale * rng.normal(size=(len(X), 1, 1)).astype(X.dtype)


class UnseededShift(ShiftAugmenter):
    """Broken on purpose: ignores its random_state."""

    def _transform_scaled(self, X, y_codes, rng):
        return X + self.scale * np.random.default_rng().normal(size=(len(X), 1, 1))


class SpreadShift(ShiftAugmenter):
    """Shifts by the class's spread across series: undefined for a class of one series."""

    def _fit_scaled(self, X, y_codes):
        super()._fit_scaled(X, y_codes)
        classes = np.unique(self.codes_)
        self.spread_ = np.array([X[self.codes_ == c].std(axis=0, ddof=1).mean() for c in classes])

    def _transform_scaled(self, X, y_codes, rng):
        codes = np.zeros(len(X), dtype=int) if y_codes is None else y_codes
        return X + self.spread_[codes, None, None] * rng.normal(size=(len(X), 1, 1))


class SpreadShiftTwoPerClass(SpreadShift):
    """The same, declaring that a class needs two series."""

    _min_class_size = 2


@parametrize_with_checks([ShiftAugmenter(**ShiftAugmenter.get_test_params())])
def test_outside_generator_passes_every_check(estimator, check):
    check(estimator)


def test_check_estimator_runs_all_and_names_a_failure():
    assert check_estimator(ShiftAugmenter()) is None
    assert len(check_estimator(ShiftAugmenter(), generate_only=True)) >= 9
    with pytest.raises(AssertionError, match="check_generator_same_random_state"):
        check_estimator(UnseededShift())
    with pytest.raises(AssertionError):
        check_generator_same_random_state_same_output(UnseededShift())


def test_get_test_params_falls_back_to_the_private_name_and_defaults():
    class Old:
        @classmethod
        def _get_test_params(cls):
            return {"a": 1}

    assert get_test_params(Old) == {"a": 1}
    assert get_test_params(object()) == {}
    assert get_test_params(ShiftAugmenter()) == {"scale": 0.5}


def test_one_series_class_check_fails_a_generator_that_cannot_learn_one():
    with pytest.warns(RuntimeWarning):  # numpy: ddof=1 over one series
        with pytest.raises(AssertionError, match="a class of one series failed"):
            check_generator_one_series_class(SpreadShift())
    # declaring the floor skips the check, and the fit must then refuse such a class
    check_generator_one_series_class(SpreadShiftTwoPerClass())
    check_generator_bad_input_errors(SpreadShiftTwoPerClass())
