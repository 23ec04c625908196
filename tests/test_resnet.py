"""ResNetClassifier: the network's shape, the training recipe and the classifier API."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.base import clone

from tsaugment import ResNetClassifier
from tsaugment.nn import TimeSeriesResNet
from tsaugment.utils.estimator_checks import make_test_data as make_data


def test_network_follows_the_paper():
    net = TimeSeriesResNet(n_channels=3, n_classes=4)
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv1d)]
    body = [c for c in convs if c.kernel_size[0] != 1]
    assert [c.kernel_size[0] for c in body] == [8, 5, 3] * 3
    assert [c.out_channels for c in body] == [64] * 3 + [128] * 6
    # 1x1 shortcut convolutions only where the width changes (3 -> 64 and 64 -> 128)
    assert [(c.in_channels, c.out_channels) for c in convs if c.kernel_size[0] == 1] == [
        (3, 64),
        (64, 128),
    ]
    assert isinstance(net.blocks[2].shortcut, torch.nn.BatchNorm1d)
    out = net(torch.randn(5, 3, 37))  # "same" padding: any length works
    assert out.shape == (5, 4)


def test_fit_predict_string_labels_and_validation_split():
    X, y = make_data(n_per_class=8, labels=("cat", "dog"))
    torch_state = torch.random.get_rng_state().clone()
    clf = ResNetClassifier(n_epochs=3, device="cpu", random_state=0).fit(X, y)
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    assert clf.monitor_ == "validation"
    assert set(clf.history_["train"]) == {"loss", "val_loss", "val_accuracy"}
    assert len(clf.history_["train"]["loss"]) == clf.n_epochs_ == 3
    assert 1 <= clf.best_epoch_ <= 3
    assert set(clf.predict(X)) <= {"cat", "dog"}
    assert clf.predict(X).dtype == y.dtype


def test_too_few_series_per_class_falls_back_to_training_loss():
    X, y = make_data(n_per_class=3)
    y = y.copy()
    y[0] = "c"  # a class with a single series cannot be split
    clf = ResNetClassifier(n_epochs=2, device="cpu", random_state=0).fit(X, y)
    assert clf.monitor_ == "train" and "val_loss" not in clf.history_["train"]
    assert clf.predict_proba(X).shape == (len(X), 3)
    no_val = ResNetClassifier(n_epochs=2, validation_size=0.0, device="cpu").fit(X, y)
    assert no_val.monitor_ == "train"


def test_validation_data_stands_in_for_the_split_fit_would_make():
    X, y = make_data(n_per_class=8, labels=("cat", "dog"))
    clf = ResNetClassifier(n_epochs=3, device="cpu", random_state=0)
    train_idx, val_idx = clf.validation_split(y)
    assert len(val_idx) == 4 and sorted(y[val_idx]) == ["cat", "cat", "dog", "dog"]
    assert np.array_equal(np.sort(np.r_[train_idx, val_idx]), np.arange(16))
    inside = clone(clf).fit(X, y)
    given = clone(clf).fit(X[train_idx], y[train_idx], validation_data=(X[val_idx], y[val_idx]))
    assert given.monitor_ == "validation"
    np.testing.assert_allclose(
        given.history_["train"]["val_loss"], inside.history_["train"]["val_loss"], rtol=1e-6
    )
    assert clone(clf).set_params(validation_size=0.0).validation_split(y)[1] is None


@pytest.mark.parametrize(
    ("validation_data", "message"),
    [
        ("not a pair", "must be a pair"),
        ((np.zeros((2, 2, 16)), ["cat", "bird"]), "classes not in y: \\['bird'\\]"),
        ((np.zeros((2, 3, 16)), ["cat", "dog"]), "X_val has 3 channels"),
    ],
)
def test_bad_validation_data_is_named(validation_data, message):
    X, y = make_data(n_per_class=4, labels=("cat", "dog"))
    with pytest.raises(ValueError, match=message):
        ResNetClassifier(n_epochs=1, device="cpu").fit(X, y, validation_data=validation_data)


def test_early_stopping_restores_best_weights():
    X, y = make_data(n_per_class=6)
    clf = ResNetClassifier(n_epochs=40, patience=1, lr=0.5, device="cpu", random_state=0).fit(
        X, y
    )  # a huge lr: the validation loss gets worse quickly
    assert clf.n_epochs_ < 40
    val = clf.history_["train"]["val_loss"]
    assert clf.best_epoch_ == int(np.argmin(val)) + 1


def test_save_load_keeps_predictions(tmp_path):
    X, y = make_data()
    clf = ResNetClassifier(n_epochs=2, device="cpu", random_state=0).fit(X, y)
    clf.save(tmp_path / "resnet.tsaug")
    loaded = ResNetClassifier.load(tmp_path / "resnet.tsaug")
    np.testing.assert_allclose(loaded.predict_proba(X), clf.predict_proba(X), rtol=1e-5)
    assert list(loaded.classes_) == ["a", "b"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_epochs": 0}, "n_epochs"),
        ({"batch_size": 1.5}, "batch_size"),
        ({"lr": -1}, "lr"),
        ({"validation_size": 1.0}, "validation_size"),
        ({"patience": 0}, "patience"),
    ],
)
def test_bad_parameters_give_clear_errors(params, message):
    X, y = make_data()
    with pytest.raises(ValueError, match=message):
        ResNetClassifier(**params).fit(X, y)


def test_wrong_layout_at_predict():
    X, y = make_data()
    clf = ResNetClassifier(n_epochs=1, device="cpu").fit(X, y)
    with pytest.raises(ValueError, match="channels"):
        clf.predict(X[:, :1])
