"""Declared hyperparameters: one checker, one message style, numpy numbers accepted."""

from __future__ import annotations

import numpy as np
import pytest

from tsaugment import (
    AAEGenerator,
    AugmentedClassifier,
    Augmenter,
    AvatarGenerator,
    JitterAugmenter,
    LatentVAEAugmenter,
    ResNetClassifier,
    TimeGANGenerator,
)
from tsaugment._params import Boolean, Integral, Interval, OddInt, Options, Real, check_param
from tsaugment.metrics import discriminative_score

TORCH_ESTIMATORS = [
    TimeGANGenerator,
    AvatarGenerator,
    AAEGenerator,
    LatentVAEAugmenter,
    ResNetClassifier,
]


@pytest.mark.parametrize("cls", TORCH_ESTIMATORS)
def test_numpy_numbers_are_accepted_everywhere(cls):
    numbers = {"lr": np.float32(1e-3), "batch_size": np.int64(8)}
    for name in ("n_iter", "n_epochs"):
        if name in cls().get_params():
            numbers[name] = np.int32(2)
    cls(**numbers)._check_params()  # no error


@pytest.mark.parametrize("cls", TORCH_ESTIMATORS)
@pytest.mark.parametrize(
    "value", [0, -1e-3, float("nan"), float("inf"), True, "0.001", None, np.array([1e-3])]
)
def test_a_bad_learning_rate_is_named_in_one_message_style(cls, value):
    with pytest.raises(ValueError, match=rf"^{cls.__name__}: lr must be a finite number > 0, got"):
        cls(lr=value)._check_params()


def test_every_estimator_declares_its_table():
    for cls in [*TORCH_ESTIMATORS, JitterAugmenter, Augmenter, AugmentedClassifier]:
        table = cls._parameter_constraints
        assert table and set(table) <= set(cls._get_param_names()), cls


@pytest.mark.parametrize(
    ("value", "allowed", "ok"),
    [
        (np.int64(3), [Interval(Integral, 1)], True),
        (3.0, [Interval(Integral, 1)], False),
        (np.bool_(True), [Interval(Integral, 0)], False),
        (np.float32(0.5), [Interval(Real, 0, 1, closed="left")], True),
        (1.0, [Interval(Real, 0, 1, closed="left")], False),
        (None, [Interval(Real, 0), None], True),
        (np.str_("gru"), [Options(["gru", "lstm"])], True),
        (1, [Options([True, False])], False),
        (np.bool_(False), [Boolean()], True),
        (4, [OddInt(1)], False),
        (5, [OddInt(1)], True),
    ],
)
def test_constraints(value, allowed, ok):
    if ok:
        check_param("p", value, allowed)
    else:
        with pytest.raises(ValueError, match="^p must be "):
            check_param("p", value, allowed)


def test_messages_say_what_a_value_may_be():
    cases = [
        ([Interval(Real, 0, 1, closed="right")], "a finite number in (0, 1]"),
        ([Interval(Integral, 1), None], "an int >= 1 or None"),
        ([Options(["gru", "lstm"])], "one of ['gru', 'lstm']"),
    ]
    for allowed, text in cases:
        with pytest.raises(ValueError) as err:
            check_param("p", "bad", allowed, owner="Owner")
        assert str(err.value) == f"Owner: p must be {text}, got 'bad'."


def test_metric_arguments_use_the_same_checker():
    X = np.random.default_rng(0).uniform(size=(8, 2, 6))
    with pytest.raises(ValueError, match="^discriminative_score: n_iter must be an int >= 1"):
        discriminative_score(X, X, n_iter=0)
    score = discriminative_score(X, X, n_iter=np.int64(2), lr=np.float32(1e-3), random_state=0)
    assert 0 <= score <= 0.5
