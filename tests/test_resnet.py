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


def keras_plateau_lrs(losses, lr=1e-3, patience=50, factor=0.5, min_lr=1e-4, min_delta=1e-4):
    """Learning rate of each epoch under Keras' ReduceLROnPlateau, as published."""
    lrs, best, wait = [], np.inf, 0
    for loss in losses:
        lrs.append(lr)
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience and lr > min_lr:
                lr, wait = max(lr * factor, min_lr), 0
    return lrs


def test_defaults_follow_the_published_protocol():
    params = ResNetClassifier().get_params()
    assert params["n_epochs"] == 1500 and params["batch_size"] == "auto"
    assert params["lr"] == 1e-3 and params["selection"] == "train_loss"
    assert params["lr_patience"] == 50 and params["min_lr"] == 1e-4
    assert params["patience"] is None and params["stop_loss"] is None
    assert params["mixed_precision"] is False


@pytest.mark.parametrize(("n_per_class", "batch"), [(4, 1), (12, 2), (25, 5)])
def test_auto_batch_size_is_int_of_min_n_over_10_and_64(n_per_class, batch):
    X, y = make_data(n_per_class=n_per_class, n_channels=1, n_timepoints=8)
    clf = ResNetClassifier(n_epochs=1, device="cpu", random_state=0).fit(X, y)
    assert clf.batch_size_ == batch == max(1, int(min(len(X) / 10, 64)))
    assert clf.monitor_ == "train" and clf.precision_ == "float32"


def test_auto_batch_size_is_capped_at_64():
    X, y = make_data(n_per_class=330, n_channels=1, n_timepoints=4)
    clf = ResNetClassifier(n_epochs=1, device="cpu", random_state=0).fit(X, y)
    assert clf.batch_size_ == 64


def test_learning_rate_halves_on_a_training_loss_plateau_as_in_keras():
    X, y = make_data(n_per_class=6)
    clf = ResNetClassifier(
        n_epochs=24, lr=0.05, lr_patience=2, min_lr=0.02, device="cpu", random_state=0
    )
    clf.fit(X, y)  # the loss falls below 1e-3 within 10 epochs, then barely moves
    h = clf.history_["train"]
    assert h["lr"][0] == 0.05 and h["lr"][-1] == pytest.approx(0.02)  # halved, then floored
    expected = keras_plateau_lrs(h["loss"], lr=0.05, patience=2, min_lr=0.02)
    np.testing.assert_allclose(h["lr"], expected, rtol=1e-6)


def test_weights_of_the_lowest_training_loss_are_kept():
    X, y = make_data(n_per_class=6)
    full = ResNetClassifier(n_epochs=10, lr=1.0, device="cpu", random_state=0).fit(X, y)
    loss = full.history_["train"]["loss"]
    assert full.n_epochs_ == 10 and full.best_epoch_ == int(np.argmin(loss)) + 1
    assert full.best_epoch_ < 10  # the huge lr makes later epochs worse
    # a fit stopped at the best epoch ends with those weights: the same network
    upto = ResNetClassifier(n_epochs=full.best_epoch_, lr=1.0, device="cpu", random_state=0)
    upto.fit(X, y)
    for key, value in upto.model_.state_dict().items():
        torch.testing.assert_close(full.model_.state_dict()[key], value)


def test_validation_data_is_scored_at_checkpoints_never_trained_on():
    X, y = make_data(n_per_class=8, labels=("cat", "dog"))
    X_val, y_val = make_data(n_per_class=5, labels=("cat", "dog"), seed=1)
    clf = ResNetClassifier(n_epochs=6, device="cpu", random_state=0)
    plain = clone(clf).fit(X, y)
    watched = clone(clf).fit(X, y, validation_data=(X_val, y_val))
    assert watched.monitor_ == "train" and watched.batch_size_ == plain.batch_size_ == 1
    # the same training: the validation series neither train nor steer anything
    np.testing.assert_array_equal(
        watched.history_["train"]["loss"], plain.history_["train"]["loss"]
    )
    assert watched.best_epoch_ == plain.best_epoch_
    np.testing.assert_array_equal(watched.predict_proba(X), plain.predict_proba(X))
    marks = watched.history_["checkpoints"]
    assert set(marks) == {"epoch", "loss", "val_loss", "val_accuracy"}
    assert marks["epoch"][-1] == watched.best_epoch_ and marks["epoch"][0] == 1
    assert np.all(np.diff(marks["loss"]) < 0)  # each a new lowest training loss
    assert marks["val_accuracy"][-1] == pytest.approx(watched.score(X_val, y_val))
    assert "checkpoints" not in plain.history_ and "val_loss" not in plain.history_["train"]
    assert clf.validation_split(y)[1] is None  # nothing to hold out


def test_same_random_state_same_network_and_torch_seed_untouched():
    X, y = make_data(n_per_class=6)
    torch_state = torch.random.get_rng_state().clone()
    a = ResNetClassifier(n_epochs=3, device="cpu", random_state=3).fit(X, y)
    b = ResNetClassifier(n_epochs=3, device="cpu", random_state=3).fit(X, y)
    c = ResNetClassifier(n_epochs=3, device="cpu", random_state=4).fit(X, y)
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


def test_numpy_scalars_are_accepted():
    X, y = make_data(n_per_class=6)
    clf = ResNetClassifier(
        n_epochs=np.int64(2), batch_size=np.int32(4), lr=np.float32(1e-3), device="cpu"
    )
    assert clf.fit(X, y).batch_size_ == 4 and clf.history_["train"]["lr"][0] == pytest.approx(1e-3)


def test_fit_predict_string_labels_and_validation_selection():
    X, y = make_data(n_per_class=8, labels=("cat", "dog"))
    clf = ResNetClassifier(n_epochs=3, selection="validation", device="cpu", random_state=0)
    clf.fit(X, y)
    assert clf.monitor_ == "validation" and clf.batch_size_ == 1  # 12 series trained on
    assert set(clf.history_["train"]) == {"loss", "lr", "seconds", "val_loss", "val_accuracy"}
    assert len(clf.history_["train"]["loss"]) == clf.n_epochs_ == 3
    assert clf.best_epoch_ == int(np.argmin(clf.history_["train"]["val_loss"])) + 1
    assert set(clf.predict(X)) <= {"cat", "dog"}
    assert clf.predict(X).dtype == y.dtype


def test_too_few_series_per_class_falls_back_to_training_loss():
    X, y = make_data(n_per_class=3)
    y = y.copy()
    y[0] = "c"  # a class with a single series cannot be split
    clf = ResNetClassifier(n_epochs=2, selection="validation", device="cpu", random_state=0)
    clf.fit(X, y)
    assert clf.monitor_ == "train" and "val_loss" not in clf.history_["train"]
    assert clf.predict_proba(X).shape == (len(X), 3)
    no_val = ResNetClassifier(n_epochs=2, selection="validation", validation_size=0.0)
    assert no_val.set_params(device="cpu").fit(X, y).monitor_ == "train"


def test_validation_data_stands_in_for_the_split_fit_would_make():
    X, y = make_data(n_per_class=8, labels=("cat", "dog"))
    clf = ResNetClassifier(
        n_epochs=3, batch_size=4, selection="validation", device="cpu", random_state=0
    )
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
@pytest.mark.parametrize("selection", ["train_loss", "validation"])
def test_bad_validation_data_is_named(validation_data, message, selection):
    X, y = make_data(n_per_class=4, labels=("cat", "dog"))
    clf = ResNetClassifier(n_epochs=1, selection=selection, device="cpu")
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y, validation_data=validation_data)


def test_early_stopping_on_validation_restores_best_weights():
    X, y = make_data(n_per_class=6)
    clf = ResNetClassifier(
        n_epochs=40, selection="validation", patience=1, lr=0.5, device="cpu", random_state=0
    )
    clf.fit(X, y)  # a huge lr: the validation loss gets worse quickly
    assert clf.n_epochs_ < 40
    val = clf.history_["train"]["val_loss"]
    assert clf.best_epoch_ == int(np.argmin(val)) + 1


def test_early_termination_options_stop_a_prefix_of_the_full_fit():
    X, y = make_data(n_per_class=6)
    full = ResNetClassifier(n_epochs=15, device="cpu", random_state=0).fit(X, y)
    loss = np.asarray(full.history_["train"]["loss"])
    threshold = float(np.sort(loss)[3])  # reached, not first at epoch 1
    first_below = int(np.flatnonzero(loss < threshold)[0]) + 1
    stopped = ResNetClassifier(n_epochs=15, stop_loss=threshold, device="cpu", random_state=0)
    stopped.fit(X, y)
    assert stopped.n_epochs_ == first_below < 15
    np.testing.assert_array_equal(stopped.history_["train"]["loss"], loss[:first_below])
    assert stopped.best_epoch_ == int(np.argmin(loss[:first_below])) + 1
    huge_lr = ResNetClassifier(n_epochs=40, patience=2, lr=0.5, device="cpu", random_state=0)
    assert huge_lr.fit(X, y).n_epochs_ < 40


def test_mixed_precision_is_ignored_off_cuda():
    X, y = make_data(n_per_class=4)
    clf = ResNetClassifier(n_epochs=1, mixed_precision=True, device="cpu").fit(X, y)
    assert clf.precision_ == "float32"


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
        ({"batch_size": "big"}, "batch_size must be one of \\['auto'\\]"),
        ({"lr": -1}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"selection": "val"}, "selection must be one of"),
        ({"validation_size": 1.0}, "validation_size"),
        ({"lr_patience": 0}, "lr_patience"),
        ({"min_lr": 0}, "min_lr"),
        ({"patience": 0}, "patience"),
        ({"stop_loss": -1.0}, "stop_loss"),
        ({"mixed_precision": "yes"}, "mixed_precision"),
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
