"""BaseGenerator's plumbing, tested through a minimal generator defined here."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch
from torch import nn

from tsaugment._training import (
    EarlyStopping,
    NonFiniteLossError,
    StopTraining,
    resolve_device,
    run_phase,
    seeded,
)
from tsaugment._validation import check_X, check_y
from tsaugment.base import BaseGenerator
from tsaugment.utils.estimator_checks import make_test_data, parametrize_with_checks


class _MomentsModel(nn.Module):
    def __init__(self, n_groups, n_channels, n_timepoints):
        super().__init__()
        self.register_buffer("mean", torch.zeros(n_groups, n_channels, n_timepoints))
        self.register_buffer("std", torch.ones(n_groups, n_channels, n_timepoints))


class GaussianTestGenerator(BaseGenerator):
    """Per-class, per-time-step Gaussian: the smallest real generator."""

    def __init__(self, *, scale=1.0, device="cpu", random_state=None):
        self.scale = scale
        self.device = device
        self.random_state = random_state

    @classmethod
    def get_test_params(cls):
        return {"scale": 0.5}

    def _build_model(self):
        return _MomentsModel(max(self.n_classes_, 1), self.n_channels_, self.n_timepoints_)

    def _fit_scaled(self, X, y_codes):
        self.model_ = self._build_model()
        codes = np.zeros(len(X), dtype=int) if y_codes is None else y_codes
        for k in range(self.model_.mean.shape[0]):
            self.model_.mean[k] = torch.from_numpy(X[codes == k].mean(axis=0))
            self.model_.std[k] = torch.from_numpy(X[codes == k].std(axis=0))
        self.history_ = {"fit": {"loss": [0.0]}}

    def _draw(self, codes, rng):
        codes = np.zeros(len(codes), dtype=int) if codes is None else codes
        mean = self.model_.mean.numpy()[codes]
        std = self.model_.std.numpy()[codes]
        return mean + self.scale * std * rng.standard_normal(mean.shape)

    def _sample_scaled(self, n_samples, y_codes, rng):
        return self._draw(np.zeros(n_samples, int) if y_codes is None else y_codes, rng)

    def _transform_scaled(self, X, y_codes, rng):
        return X + 0.01 * rng.standard_normal(X.shape)


@parametrize_with_checks([GaussianTestGenerator(**GaussianTestGenerator.get_test_params())])
def test_shared_checks_pass_on_minimal_generator(estimator, check):
    check(estimator)


def test_samples_follow_class_frequencies_and_caller_scale():
    X, y = make_test_data(n_per_class=6)
    X = X * 100 + 50  # the generator scales internally and must return this scale
    y = np.array(["a"] * 10 + ["b"] * 2)
    gen = GaussianTestGenerator(random_state=0).fit(X, y)
    X_new, y_new = gen.sample(3000)
    assert abs(np.mean(y_new == "a") - 10 / 12) < 0.03
    assert abs(X_new.mean() - X.mean()) < 0.1 * X.std()


def test_integer_labels_come_back_unchanged():
    X, _ = make_test_data()
    y = np.array([3] * 6 + [-1] * 6)
    gen = GaussianTestGenerator(random_state=0).fit(X, y)
    _, y_new = gen.sample(5, y=-1)
    assert y_new.dtype.kind == "i" and list(y_new) == [-1] * 5


def test_sample_rejects_bad_counts_and_label_lengths():
    X, y = make_test_data()
    gen = GaussianTestGenerator().fit(X, y)
    with pytest.raises(ValueError, match="at least 1"):
        gen.sample(0)
    with pytest.raises(TypeError, match="int"):
        gen.sample(2.5)
    with pytest.raises(ValueError, match="one per series"):
        gen.sample(3, y=["a", "b"])


def test_transform_needs_labels_after_labelled_fit():
    X, y = make_test_data()
    gen = GaussianTestGenerator().fit(X, y)
    with pytest.raises(ValueError, match="pass y"):
        gen.transform(X)


def test_load_rejects_corrupt_foreign_and_mismatched_files(tmp_path):
    X, y = make_test_data()
    gen = GaussianTestGenerator(random_state=0).fit(X, y)
    path = tmp_path / "g.tsaug"
    gen.save(path)
    corrupt = tmp_path / "corrupt.tsaug"
    corrupt.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ValueError, match="not a readable tsaugment"):
        GaussianTestGenerator.load(corrupt)
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("meta.json", '{"format": "something-else"}')
    with pytest.raises(ValueError, match="format tag"):
        GaussianTestGenerator.load(foreign)
    evil = tmp_path / "evil.tsaug"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(evil, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            if item == "meta.json":
                data = data.replace(b"test_base.GaussianTestGenerator", b"os.system")
            dst.writestr(item, data)
    with pytest.raises(ValueError, match="outside tsaugment"):
        GaussianTestGenerator.load(evil)


def test_save_refuses_unfitted_and_non_plain_params(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        GaussianTestGenerator().save(tmp_path / "x")
    X, y = make_test_data()
    gen = GaussianTestGenerator(random_state=np.random.RandomState(0)).fit(X, y)
    with pytest.raises(TypeError, match="random_state"):
        gen.save(tmp_path / "x")


# -- validation and training plumbing ---------------------------------------------------


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.zeros((0, 1, 5)), "empty"),
        (np.zeros(5), "1D"),
        (np.zeros((2, 1, 5, 1)), "4D"),
        ("abc", "must be an array"),
        (np.array([[1.0, np.nan]]), "NaN"),
        (np.array([["a", "b"]]), "numbers"),
    ],
)
def test_check_X_names_the_problem(X, message):
    with pytest.raises((ValueError, TypeError), match=message):
        check_X(X)


def test_check_X_minimums_and_dtypes():
    with pytest.raises(ValueError, match="at least 2"):
        check_X(np.zeros((1, 1, 5)), min_cases=2)
    with pytest.raises(ValueError, match="at least 3 time points"):
        check_X(np.zeros((2, 1, 2)), min_timepoints=3)
    assert check_X(np.zeros((2, 5), dtype=np.float32)).dtype == np.float32
    assert check_X(np.zeros((2, 5), dtype=int)).dtype == np.float64
    assert check_X(np.zeros((2, 5))).shape == (2, 1, 5)


def test_check_y_errors():
    with pytest.raises(ValueError, match="3 labels but X has 2"):
        check_y([1, 2, 3], 2)
    with pytest.raises(ValueError, match="NaN"):
        check_y([1.0, np.nan], 2)
    with pytest.raises(ValueError, match="'x' \\(1\\)"):
        check_y(["x", "y", "y"], 3, min_class_size=2)


def test_seeded_is_reproducible_and_restores_global_state():
    before = torch.random.get_rng_state().clone()
    with seeded(5):
        a = torch.rand(3)
    with seeded(5):
        b = torch.rand(3)
    assert torch.equal(a, b)
    assert torch.equal(torch.random.get_rng_state(), before)


def test_run_phase_records_history_and_stops_on_nan():
    history = {}
    run_phase(lambda i: {"loss": torch.tensor(float(i))}, 3, phase="p", history=history)
    assert history["p"] == {"loss": [0.0, 1.0, 2.0]}
    assert list(history["phase_seconds"]) == ["p"] and history["phase_seconds"]["p"] >= 0
    message = "'loss' loss became nan in phase 'q' at iteration 2"
    with pytest.raises(NonFiniteLossError, match=message):
        run_phase(lambda i: {"loss": torch.tensor(float("nan") if i else 1.0)}, 5, phase="q")


def test_run_phase_stops_when_a_step_says_so():
    def step(i):
        if i == 2:
            raise StopTraining
        return {"loss": 1.0}

    history = {}
    run_phase(step, 10, phase="p", history=history)
    assert history["p"] == {"loss": [1.0, 1.0]} and "p" in history["phase_seconds"]


def test_early_stopping_keeps_the_best_weights():
    model = torch.nn.Linear(2, 1)
    stopper = EarlyStopping(patience=2)
    best = None
    for epoch, loss in enumerate([3.0, 1.0, 2.0, 2.5], start=1):
        with torch.no_grad():
            model.weight.fill_(float(epoch))
        if stopper.update(loss, model, epoch):
            best = model.weight.clone()
    assert stopper.should_stop and stopper.best_epoch == 2
    stopper.restore(model)
    assert torch.equal(model.weight, best)


def test_base_module_needs_no_torch():
    # the classic augmenters run without torch: the generator contract must not load it
    code = (
        "import sys, numpy as np; import tsaugment.base\n"
        "from tsaugment.generators import JitterAugmenter\n"
        "JitterAugmenter(random_state=0).fit(np.zeros((3, 1, 8))).sample(2)\n"
        "assert 'torch' not in sys.modules, sorted(m for m in sys.modules if 'torch' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_resolve_device():
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type in ("cpu", "cuda")
    with pytest.raises(ValueError, match="device"):
        resolve_device("not-a-device")
