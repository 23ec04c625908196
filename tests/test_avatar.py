"""Behaviour of AvatarGenerator and AAEGenerator (tiny settings, CPU)."""

import numpy as np
import pytest
import torch

import tsaugment._training as training_module
import tsaugment.generators._aae as aae_module
import tsaugment.generators._avatar as avatar_module
from tsaugment import AAEGenerator, AvatarGenerator
from tsaugment._training import NonFiniteLossError, seeded
from tsaugment.datasets import make_sines

GENERATORS = [AvatarGenerator, AAEGenerator]
TINY = dict(n_layers=2, n_iter=3, batch_size=16, device="cpu", random_state=0)


@pytest.fixture(scope="module")
def data():
    X = make_sines(24, seq_len=10, n_channels=3, random_state=0)
    y = np.array(["up", "down", "flat"] * 8)
    return X, y


@pytest.mark.parametrize("cls", GENERATORS)
def test_sample_shapes_exact_n_and_labels(cls, data):
    X, y = data
    gen = cls(**TINY).fit(X, y)
    for n in (1, 7, 50):
        X_new, y_new = gen.sample(n)
        assert X_new.shape == (n, 3, 10) and y_new.shape == (n,)
        assert set(y_new) <= {"up", "down", "flat"}
    X_new, y_new = gen.sample(5, y="flat")
    assert X_new.shape == (5, 3, 10) and list(y_new) == ["flat"] * 5
    wanted = ["up", "down", "up", "flat"]
    assert list(gen.sample(4, y=wanted)[1]) == wanted
    assert np.isfinite(X_new).all()


@pytest.mark.parametrize("cls", GENERATORS)
def test_sampling_in_chunks_gives_exact_n(cls, data, monkeypatch):
    X, _ = data
    gen = cls(**TINY).fit(X)
    monkeypatch.setattr(cls, "_inference_chunk", 4)
    X_new, y_new = gen.sample(10)
    assert X_new.shape == (10, 3, 10) and y_new is None


@pytest.mark.parametrize("cls", GENERATORS)
def test_transform_keeps_shape_and_order(cls, data):
    X, y = data
    gen = cls(**TINY, transform_noise=0.0).fit(X, y)
    out = gen.transform(X, y)
    assert out.shape == X.shape
    perm = np.random.default_rng(1).permutation(len(X))
    # evaluation-mode batch norm: each series' variant does not depend on the others
    np.testing.assert_allclose(gen.transform(X[perm], y[perm]), out[perm], atol=1e-5)
    noisy = gen.set_params(transform_noise=0.5).transform(X, y)
    assert noisy.shape == X.shape and not np.allclose(noisy, out)


@pytest.mark.parametrize("cls", GENERATORS)
@pytest.mark.parametrize("prior", ["uniform", "gaussian"])
def test_priors_and_latent_width(cls, prior, data):
    X, _ = data
    gen = cls(**TINY, prior=prior, latent_dim=5).fit(X)
    assert gen.latent_dim_ == 5
    h = gen.model_.encode(torch.as_tensor(X[:4], dtype=torch.float32))
    assert h.shape == (4, 5, 10)
    if prior == "uniform":  # codes live where the prior does
        assert gen.model_.encoder.activation == "sigmoid"
    else:
        assert gen.model_.encoder.activation is None
    assert gen.sample(6)[0].shape == (6, 3, 10)
    assert cls(**TINY).fit(X).latent_dim_ == 3  # default: number of channels


@pytest.mark.parametrize("cls", GENERATORS)
@pytest.mark.parametrize(
    "param, value",
    [
        ("prior", "laplace"),
        ("cell", "rnn"),
        ("module", "rnn"),
        ("weight_init", "zeros"),
        ("n_layers", 0),
        ("latent_dim", 0),
        ("lr", -1.0),
        ("tied_layers", "yes"),
    ],
)
def test_bad_params_raise_value_error(cls, param, value, data):
    with pytest.raises(ValueError, match=param):
        cls(**{**TINY, param: value}).fit(data[0])


@pytest.mark.parametrize("cls", GENERATORS)
def test_tied_layers_share_recurrent_weights_not_batch_norms(cls, data):
    X, y = data
    params = {**TINY, "n_layers": 3, "latent_dim": 3}
    untied = cls(**params).fit(X, y).model_
    tied = cls(**params, tied_layers=True).fit(X, y).model_
    for name in ("encoder", "decoder"):
        layers = getattr(tied, name).rnn.layers
        rnns = [m for m in layers if not isinstance(m, torch.nn.BatchNorm1d)]
        norms = [m for m in layers if isinstance(m, torch.nn.BatchNorm1d)]
        assert len(rnns) == len(norms) == 3
        # the label widens the first layer's input, so it keeps its own weights
        assert rnns[0] is not rnns[1] and rnns[1] is rnns[2]
        assert len({id(m) for m in norms}) == 3
    count = lambda net: sum(p.numel() for p in net.parameters())  # noqa: E731
    one_gru = sum(p.numel() for p in untied.decoder.rnn.layers[-1].parameters())
    assert count(untied.decoder) - count(tied.decoder) == one_gru
    assert count(tied.discriminator) == count(untied.discriminator)  # never tied
    assert cls(**params, tied_layers=True).fit(X, y).sample(4, y=["up"] * 4)[0].shape == (4, 3, 10)


def test_encoder_frozen_in_supervised_phase(data, monkeypatch):
    X, _ = data
    snapshots = {}
    real_run_phase = training_module.run_phase

    def spy(step, n_iter, *, phase, **kwargs):
        gen_net = spy.net
        if phase == "supervised":
            before = {k: v.clone() for k, v in gen_net.state_dict().items()}
            out = real_run_phase(step, n_iter, phase=phase, **kwargs)
            after = {k: v.clone() for k, v in gen_net.state_dict().items()}
            snapshots["before"], snapshots["after"] = before, after
            return out
        return real_run_phase(step, n_iter, phase=phase, **kwargs)

    gen = AvatarGenerator(**TINY)
    real_setup = gen._setup

    def setup(*args):
        out = real_setup(*args)
        spy.net = gen.model_
        return out

    monkeypatch.setattr(gen, "_setup", setup)
    monkeypatch.setattr(training_module, "run_phase", spy)
    gen.fit(X)
    before, after = snapshots["before"], snapshots["after"]
    weights = [k for k in before if "running" not in k and "num_batches" not in k]
    for key in weights:
        if key.startswith("encoder.") or key.startswith("discriminator."):
            assert torch.equal(before[key], after[key]), key
    assert any(not torch.equal(before[k], after[k]) for k in weights if k.startswith("decoder."))
    assert any(not torch.equal(before[k], after[k]) for k in weights if k.startswith("supervisor."))


def test_history_records_every_iteration(data):
    gen = AvatarGenerator(**TINY).fit(data[0])
    assert set(gen.history_) == {"autoencoder", "supervised", "joint", "phase_seconds"}
    assert set(gen.history_["joint"]) == {
        "reconstruction",
        "adversarial",
        "supervised",
        "distribution",
        "discriminator",
    }
    losses = {k: v for k, v in gen.history_.items() if k != "phase_seconds"}
    assert all(len(v) == 3 for phase in losses.values() for v in phase.values())
    assert list(gen.history_["phase_seconds"]) == ["autoencoder", "supervised", "joint"]
    aae = AAEGenerator(**TINY).fit(data[0])
    assert set(aae.history_["adversarial"]) == {"reconstruction", "discriminator", "adversarial"}


@pytest.mark.parametrize(
    "cls, module, target, phase",
    [
        (AvatarGenerator, avatar_module, "supervised_loss", "supervised"),
        (AvatarGenerator, avatar_module, "moment_matching_loss", "joint"),
        (AAEGenerator, aae_module, "bce_logits", "adversarial"),
    ],
)
def test_non_finite_loss_raises(cls, module, target, phase, data, monkeypatch):
    # a NaN that still has a graph, so that the step backpropagates as usual
    monkeypatch.setattr(module, target, lambda first, *a, **k: first.sum() * float("nan"))
    with pytest.raises(NonFiniteLossError, match=phase):
        cls(**TINY).fit(data[0])


def test_discriminator_threshold_gates_its_updates(data):
    X, _ = data
    frozen = AvatarGenerator(**TINY, d_threshold=1e9).fit(X)
    moved = AvatarGenerator(**TINY, d_threshold=None).fit(X)
    with seeded(frozen.seed_):  # the untrained network fit started from
        initial = frozen._build_model().discriminator.state_dict()
    d_frozen = frozen.model_.discriminator.state_dict()
    d_moved = moved.model_.discriminator.state_dict()
    assert all(torch.equal(initial[k], d_frozen[k]) for k in initial)
    assert any(not torch.equal(initial[k], d_moved[k]) for k in initial)


def _two_levels(n=32, t=6):
    rng = np.random.default_rng(0)
    low = 0.2 + 0.05 * rng.standard_normal((n, 1, t))
    high = 0.8 + 0.05 * rng.standard_normal((n, 1, t))
    return np.concatenate([low, high]), np.array(["low"] * n + ["high"] * n)


def test_avatar_learns_class_conditional_levels():
    # two classes at clearly different levels: the conditional model must keep them apart
    X, y = _two_levels()
    gen = AvatarGenerator(n_layers=1, n_iter=80, batch_size=64, lr=1e-2, device="cpu")
    gen.set_params(random_state=0).fit(X, y)
    lo = gen.sample(50, y="low")[0].mean()
    hi = gen.sample(50, y="high")[0].mean()
    assert abs(lo - 0.2) < 0.1 and abs(hi - 0.8) < 0.1, (lo, hi)


@pytest.mark.parametrize("cls, n_iter", [(AvatarGenerator, 80), (AAEGenerator, 240)])
def test_autoencoder_learns_to_reconstruct(cls, n_iter):
    # AVATAR runs three phases of n_iter, AAE one: about the same number of steps
    X, y = _two_levels()
    gen = cls(n_layers=1, n_iter=n_iter, batch_size=64, lr=1e-2, transform_noise=0.0, device="cpu")
    gen.set_params(random_state=0).fit(X, y)
    rec = gen.history_[next(iter(gen.history_))]["reconstruction"]
    assert np.mean(rec[-10:]) < 0.5 * np.mean(rec[:10])
    assert np.abs(gen.transform(X, y) - X).mean() < 0.1


@pytest.mark.parametrize("cls", GENERATORS)
@pytest.mark.parametrize("prior, mean, var", [("uniform", 0.5, 1 / 12), ("gaussian", 0.0, 1.0)])
def test_generation_norms_calibrated_on_prior(cls, prior, mean, var, data):
    # the decoder's first batch norm sees prior draws when sampling: after fit its
    # statistics are those of the prior, not of the (barely trained) encoder's codes
    gen = cls(**TINY, prior=prior).fit(data[0])
    first_norm = gen.model_.decoder.rnn.layers[0]
    assert isinstance(first_norm, torch.nn.BatchNorm1d)
    np.testing.assert_allclose(first_norm.running_mean.numpy(), mean, atol=0.05)
    np.testing.assert_allclose(first_norm.running_var.numpy(), var, rtol=0.1)
