"""MiniRocketClassifier: sktime's RocketClassifier(minirocket) predictions, without its pipeline."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("numba")

from tsaugment.classifiers import MiniRocketClassifier  # noqa: E402
from tsaugment.datasets import load_ucr  # noqa: E402


@pytest.mark.parametrize("channels", [1, 2])
def test_same_predictions_as_sktimes_rocket_classifier(channels):
    from sktime.classification.kernel_based import RocketClassifier

    X, y = load_ucr("GunPoint", split="train")
    X_test, _ = load_ucr("GunPoint", split="test")
    if channels == 2:  # a second, shifted channel: the multivariate transform
        X = np.concatenate([X, np.roll(X, 5, axis=2)], axis=1)
        X_test = np.concatenate([X_test, np.roll(X_test, 5, axis=2)], axis=1)
    ours = MiniRocketClassifier(num_kernels=840, random_state=3).fit(X, y)
    theirs = RocketClassifier(rocket_transform="minirocket", num_kernels=840, random_state=3)
    theirs.fit(X, y)
    assert np.array_equal(ours.predict(X_test), theirs.predict(X_test))
    assert ours.decision_function(X_test).shape == (len(X_test),)


def test_refuses_what_minirocket_cannot_take():
    X = np.random.default_rng(0).normal(size=(10, 1, 8))
    y = np.repeat([0, 1], 5)
    with pytest.raises(ValueError, match="at least 9 time points"):
        MiniRocketClassifier().fit(X, y)
    X = np.random.default_rng(0).normal(size=(10, 1, 20))
    with pytest.raises(ValueError, match="random_state must be an int"):
        MiniRocketClassifier(random_state=np.random.RandomState(0)).fit(X, y)
    clf = MiniRocketClassifier(num_kernels=84, random_state=0).fit(X, y)
    with pytest.raises(ValueError):
        clf.predict(X[:, :, :15])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"num_kernels": 10}, "num_kernels"),
        ({"num_kernels": 0}, "num_kernels"),
        ({"num_kernels": 84.5}, "num_kernels"),
        ({"num_kernels": "many"}, "num_kernels"),
        ({"max_dilations_per_kernel": 0}, "max_dilations_per_kernel"),
        ({"max_dilations_per_kernel": -1}, "max_dilations_per_kernel"),
        ({"random_state": True}, "random_state"),
    ],
)
def test_bad_parameters_raise_a_clear_error_in_fit(params, match):
    # MiniRocket makes features in multiples of 84: fewer kernels silently gave 84
    # features; other values failed deep inside sktime's numba code
    X = np.random.default_rng(0).normal(size=(10, 1, 20))
    y = np.repeat([0, 1], 5)
    with pytest.raises(ValueError, match=match):
        MiniRocketClassifier(**params).fit(X, y)


@pytest.mark.parametrize("channels", [1, 2])
def test_a_numpy_integer_seed_seeds_like_the_same_int(channels):
    # sktime's MiniRocket seeds only from a Python int (a numpy integer left it
    # unseeded; MiniRocketMultivariate refused it)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, channels, 30))
    y = np.repeat([0, 1], 6)
    X_test = rng.normal(size=(5, channels, 30))
    ours = MiniRocketClassifier(num_kernels=84, random_state=np.int64(3)).fit(X, y)
    same = MiniRocketClassifier(num_kernels=84, random_state=3).fit(X, y)
    assert np.array_equal(ours.decision_function(X_test), same.decision_function(X_test))


def test_a_seed_beyond_int32_is_refused_clearly():
    X = np.random.default_rng(0).normal(size=(10, 1, 20))
    with pytest.raises(ValueError, match="random_state"):
        MiniRocketClassifier(num_kernels=84, random_state=2**31).fit(X, np.repeat([0, 1], 5))


@pytest.mark.parametrize(
    "checker",
    ["tsaugment.classifiers.MiniRocketClassifier", "tsaugment.metrics.LabelFidelityClassifier"],
)
def test_minirocket_leaves_torchs_thread_count_alone(checker):
    # numba's first parallel launch in a process set torch's count to numba's: so a
    # fresh process, with torch fixed to one thread and its count read (as the
    # benchmark's cells do), and numba on two
    import os
    import subprocess
    import sys

    module, name = checker.rsplit(".", 1)
    code = (
        "import torch; torch.set_num_threads(1); torch.get_num_threads()\n"
        "from tsaugment.datasets import load_ucr\n"
        "X, y = load_ucr('GunPoint', split='train')\n"
        f"from {module} import {name}\n"
        f"{name}(random_state=0).fit(X, y).predict(X)\n"
        "assert torch.get_num_threads() == 1, torch.get_num_threads()\n"
    )
    env = {**os.environ, "NUMBA_NUM_THREADS": "2"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
