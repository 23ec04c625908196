"""Behaviour of TimeGANGenerator (tiny settings, CPU)."""

import numpy as np
import pytest
import torch

import tsaugment.generators._adversarial as adversarial_module
import tsaugment.generators._timegan as timegan_module
from tsaugment import TimeGANGenerator
from tsaugment._training import NonFiniteLossError, seeded
from tsaugment.datasets import make_sines
from tsaugment.nn import TimeGANNetwork

TINY = dict(hidden_dim=4, n_layers=2, n_iter=3, batch_size=16, device="cpu", random_state=0)


@pytest.fixture(scope="module")
def data():
    X = make_sines(24, seq_len=10, n_channels=3, random_state=0)
    y = np.array(["up", "down", "flat"] * 8)
    return X, y


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return TimeGANGenerator(**TINY).fit(X, y)


def test_sample_exact_n_and_requested_labels(fitted, monkeypatch):
    for n in (1, 7, 50):
        X_new, y_new = fitted.sample(n)
        assert X_new.shape == (n, 3, 10) and y_new.shape == (n,)
        assert set(y_new) <= {"up", "down", "flat"}
        assert np.isfinite(X_new).all()
    X_new, y_new = fitted.sample(5, y="flat")
    assert X_new.shape == (5, 3, 10) and list(y_new) == ["flat"] * 5
    wanted = ["up", "down", "up", "flat"]
    assert list(fitted.sample(4, y=wanted)[1]) == wanted
    monkeypatch.setattr(TimeGANGenerator, "_inference_chunk", 4)
    assert fitted.sample(10)[0].shape == (10, 3, 10)  # several chunks, exact n


def test_unlabelled_fit_samples_without_labels(data):
    gen = TimeGANGenerator(**TINY).fit(data[0])
    X_new, y_new = gen.sample(6)
    assert X_new.shape == (6, 3, 10) and y_new is None


def test_samples_stay_in_training_range(fitted, data):
    # the recovery network ends in a sigmoid: samples lie within the min-max range
    X_new, _ = fitted.sample(200)
    lo, hi = data[0].min(axis=(0, 2)), data[0].max(axis=(0, 2))
    assert (X_new.min(axis=(0, 2)) >= lo - 1e-5).all()
    assert (X_new.max(axis=(0, 2)) <= hi + 1e-5).all()


def test_transform_keeps_shape_and_order(fitted, data):
    X, y = data
    clean = fitted.set_params(transform_noise=0.0).transform(X, y)
    assert clean.shape == X.shape
    perm = np.random.default_rng(1).permutation(len(X))
    np.testing.assert_allclose(fitted.transform(X[perm], y[perm]), clean[perm], atol=1e-5)
    noisy = fitted.set_params(transform_noise=0.5).transform(X, y)
    assert noisy.shape == X.shape and not np.allclose(noisy, clean)
    fitted.set_params(transform_noise=0.1)


def test_history_has_every_phase_and_loss(fitted):
    assert set(fitted.history_) == {"embedding", "supervised", "joint", "phase_seconds"}
    assert set(fitted.history_["embedding"]) == {"reconstruction"}
    assert set(fitted.history_["supervised"]) == {"supervised"}
    assert set(fitted.history_["joint"]) == {
        "adversarial",
        "supervised",
        "moments",
        "reconstruction",
        "discriminator",
    }
    losses = {k: v for k, v in fitted.history_.items() if k != "phase_seconds"}
    assert all(len(v) == 3 for phase in losses.values() for v in phase.values())
    seconds = fitted.history_["phase_seconds"]
    assert list(seconds) == ["embedding", "supervised", "joint"]
    assert all(isinstance(t, float) and t > 0 for t in seconds.values())


@pytest.mark.parametrize(
    "target, phase",
    [
        ("supervised_loss", "supervised"),
        ("moment_matching_loss", "joint"),
        ("optimizer_step", "embedding"),
    ],
)
def test_non_finite_loss_raises_naming_the_phase(target, phase, data, monkeypatch):
    if target == "optimizer_step":
        # a diverged embedding: weights become NaN after the first step
        def step(opt, loss):
            for group in opt.param_groups:
                for p in group["params"]:
                    p.data.fill_(float("nan"))

        monkeypatch.setattr(timegan_module, target, step)
    else:
        monkeypatch.setattr(timegan_module, target, lambda a, b: (a.sum() + b.sum()) * np.nan)
    with pytest.raises(NonFiniteLossError, match=phase):
        TimeGANGenerator(**TINY).fit(data[0])


def test_huge_learning_rate_fails_with_a_clear_error(data):
    with pytest.raises(NonFiniteLossError, match="phase"):
        TimeGANGenerator(**{**TINY, "n_iter": 30, "lr": 1e12}).fit(data[0] * 1e3)


def test_discriminator_threshold_gates_its_updates(data):
    X = data[0]
    frozen = TimeGANGenerator(**TINY, d_threshold=1e9).fit(X)
    moved = TimeGANGenerator(**TINY, d_threshold=None).fit(X)
    with seeded(frozen.seed_):  # the untrained network that fit started from
        initial = frozen._build_model().discriminator.state_dict()
    d_frozen = frozen.model_.discriminator.state_dict()
    d_moved = moved.model_.discriminator.state_dict()
    assert all(torch.equal(initial[k], d_frozen[k]) for k in initial)
    assert any(not torch.equal(initial[k], d_moved[k]) for k in initial)


def test_embedding_phase_learns_to_reconstruct():
    X = make_sines(64, seq_len=12, n_channels=2, random_state=0)
    gen = TimeGANGenerator(hidden_dim=8, n_layers=1, n_iter=150, batch_size=32, lr=1e-2)
    gen.set_params(device="cpu", random_state=0).fit(X)
    rec = gen.history_["embedding"]["reconstruction"]
    assert np.mean(rec[-10:]) < 0.3 * np.mean(rec[:10])


def test_global_torch_rng_untouched(data):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    TimeGANGenerator(**TINY).fit(data[0]).sample(4)
    assert torch.equal(torch.rand(3), expected)


def test_supervisor_has_one_layer_fewer_and_at_least_one():
    net = TimeGANNetwork(n_channels=2, hidden_dim=4, n_layers=3)
    assert net.supervisor.rnn.layers.rnn.num_layers == 2
    assert net.embedder.rnn.layers.rnn.num_layers == 3
    net1 = TimeGANNetwork(n_channels=2, hidden_dim=4, n_layers=1)
    assert net1.supervisor.rnn.layers.rnn.num_layers == 1


def test_moment_matching_loss_matches_its_definition():
    rng = torch.Generator().manual_seed(0)
    a, b = torch.rand(16, 5, 3, generator=rng), torch.rand(16, 5, 3, generator=rng)
    std = lambda x: (x.var(0, unbiased=False) + 1e-6).sqrt()  # noqa: E731
    expected = (std(a) - std(b)).abs().mean() + (a.mean(0) - b.mean(0)).abs().mean()
    loss = adversarial_module.moment_matching_loss
    torch.testing.assert_close(loss(a, b), expected)
    assert loss(b, a) == loss(a, b) and loss(a, a) == 0


@pytest.mark.parametrize(
    "params",
    [
        {"cell": "rnn"},
        {"module": "rnn"},
        {"hidden_dim": 0},
        {"gamma": -1.0},
        {"d_threshold": "x"},
        {"lr": 0},
    ],
)
def test_bad_parameters_raise_value_error(params, data):
    with pytest.raises(ValueError):
        TimeGANGenerator(**{**TINY, **params}).fit(data[0])


@pytest.mark.parametrize("cell", ["lstm", "lstmLN"])
def test_other_cells_train_and_sample(cell, data):
    gen = TimeGANGenerator(**{**TINY, "n_iter": 2, "cell": cell}).fit(*data)
    assert gen.sample(3)[0].shape == (3, 3, 10)
    assert gen._cell_type() == cell


def test_deprecated_module_parameter_still_works(data, tmp_path):
    params = {**TINY, "n_iter": 2}
    with pytest.warns(FutureWarning, match="renamed 'cell'"):
        old = TimeGANGenerator(**params, module="lstm").fit(data[0])
    new = TimeGANGenerator(**params, cell="lstm").fit(data[0])
    np.testing.assert_array_equal(old.sample(3)[0], new.sample(3)[0])
    old.save(tmp_path / "old.tsaug")  # a file that names the cell by its old name
    loaded = TimeGANGenerator.load(tmp_path / "old.tsaug")
    np.testing.assert_array_equal(loaded.sample(3)[0], old.sample(3)[0])
