"""DiffusionTSGenerator and its network: shapes, conditioning, transform, training, checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tsaugment import DiffusionTSGenerator
from tsaugment.datasets import make_sines
from tsaugment.nn import DiffusionTSNet, GaussianDiffusion, NoisyClassifier
from tsaugment.nn._diffusion_ts import _top_frequencies, cosine_beta_schedule

TINY = dict(
    n_layers_enc=1,
    n_layers_dec=1,
    d_model=8,
    n_heads=2,
    mlp_hidden_times=1,
    n_diffusion_steps=20,
    sampling_steps=5,
    n_iter=4,
    batch_size=16,
    warmup_iter=2,
    device="cpu",
)


def _labelled(n=24, seed=0):
    X = make_sines(n, seq_len=12, n_channels=2, random_state=seed).astype(np.float32)
    y = np.array(["up", "down"] * (n // 2))
    X[y == "up"] += 1.0
    return X, y


@pytest.fixture(scope="module")
def fitted():
    X, y = _labelled()
    return DiffusionTSGenerator(**TINY, random_state=0).fit(X, y), X, y


def test_sample_shape_dtype_and_range(fitted):
    gen, X, _ = fitted
    X_new, y_new = gen.sample(9)
    assert X_new.shape == (9, 2, 12) and X_new.dtype == np.float32
    assert set(y_new) <= {"up", "down"}
    # predictions of x0 are clipped to [-1, 1]: samples stay inside each channel's range
    lo, hi = X.min(axis=(0, 2)), X.max(axis=(0, 2))
    assert (X_new.min(axis=(0, 2)) >= lo - 1e-5).all() and (
        X_new.max(axis=(0, 2)) <= hi + 1e-5
    ).all()


@pytest.mark.parametrize("steps", [None, 5])
def test_unlabelled_fit_both_samplers(steps):
    X = make_sines(20, seq_len=10, n_channels=3, random_state=1)
    gen = DiffusionTSGenerator(**{**TINY, "sampling_steps": steps}, random_state=0).fit(X)
    X_new, y_new = gen.sample(4)
    assert X_new.shape == (4, 3, 10) and X_new.dtype == np.float64 and y_new is None
    assert np.isfinite(X_new).all()


def test_conditional_sampling_returns_requested_labels(fitted):
    gen = fitted[0]
    _, y_new = gen.sample(5, y="down")
    assert list(y_new) == ["down"] * 5
    _, y_new = gen.sample(3, y=["up", "down", "up"])
    assert list(y_new) == ["up", "down", "up"]


def test_guidance_scale_changes_samples(fitted):
    gen = fitted[0]
    state = gen._rng_.bit_generator.state

    def draw(scale):
        gen._rng_.bit_generator.state = state  # the same noise for every scale
        return gen.set_params(guidance_scale=scale).sample(6, y="up")[0]

    a, b, a_again = draw(0.0), draw(2.0), draw(0.0)
    gen.set_params(guidance_scale=1.0)
    np.testing.assert_array_equal(a, a_again)
    assert not np.allclose(a, b)


def test_transform_keeps_shape_order_and_strength_zero_is_identity(fitted):
    gen, X, y = fitted
    out = gen.set_params(strength=0.5).transform(X, y)
    assert out.shape == X.shape and out.dtype == X.dtype
    assert not np.allclose(out, X)
    same = gen.set_params(strength=0.0).transform(X[:5], y[:5])
    np.testing.assert_allclose(same, X[:5], atol=1e-5)
    gen.set_params(strength=0.5)
    with pytest.raises(ValueError, match="pass y"):
        gen.transform(X)


def test_determinism_with_random_state():
    X, y = _labelled()
    a = DiffusionTSGenerator(**TINY, random_state=3).fit(X, y).sample(4)[0]
    b = DiffusionTSGenerator(**TINY, random_state=3).fit(X, y).sample(4)[0]
    np.testing.assert_array_equal(a, b)


def test_torch_global_seed_untouched():
    X, y = _labelled()
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    DiffusionTSGenerator(**TINY, random_state=0).fit(X, y).sample(2)
    assert torch.equal(torch.rand(1), expected)


def test_save_load_round_trip(fitted, tmp_path):
    gen = fitted[0]
    path = tmp_path / "dts.zip"
    gen.save(path)
    loaded = DiffusionTSGenerator.load(path)
    a, ya = gen.sample(6, y="up")
    b, yb = loaded.sample(6, y="up")
    assert a.shape == b.shape and list(ya) == list(yb)
    # the loaded averaged weights give the same prediction as the fitted ones
    x = torch.randn(3, 2, 12)
    t = torch.tensor([0, 5, 19])
    with torch.no_grad():
        np.testing.assert_allclose(gen.model_.net(x, t), loaded.model_.net(x, t), atol=1e-6)


def test_x0_loss_decreases_on_toy_set():
    X = make_sines(64, seq_len=16, n_channels=2, random_state=0)
    gen = DiffusionTSGenerator(
        **{**TINY, "d_model": 16, "n_iter": 60, "batch_size": 32, "warmup_iter": 5},
        lr=2e-3,
        random_state=0,
    ).fit(X)
    loss = np.asarray(gen.history_["diffusion"]["loss"])
    assert loss[-15:].mean() < 0.6 * loss[:15].mean()
    lr = gen.history_["diffusion"]["lr"]
    assert lr[0] == pytest.approx(1e-5) and max(lr) == pytest.approx(2e-3)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("n_heads", 3),
        ("d_model", 0),
        ("n_diffusion_steps", 1),
        ("sampling_steps", 0),
        ("strength", 1.5),
        ("p_uncond", -0.1),
        ("guidance_scale", float("nan")),
        ("kernel_size", 2),
        ("lr", 0.0),
        ("ema_decay", 2.0),
        ("max_timepoints", 4),
        ("guidance", "cfg"),
        ("classifier_scale", -1.0),
        ("classifier_n_iter", 0),
    ],
)
def test_bad_params_raise_value_error(param, value):
    X = make_sines(8, seq_len=8, n_channels=1, random_state=0)
    with pytest.raises(ValueError, match=param):
        DiffusionTSGenerator(**{**TINY, param: value}).fit(X)


# -- the network and the diffusion --------------------------------------------------
def test_cosine_schedule():
    betas = cosine_beta_schedule(500)
    assert betas.shape == (500,) and (betas > 0).all() and betas.max() <= 0.999
    abar = np.cumprod(1 - betas)
    assert abar[0] > 0.999 and abar[-1] < 1e-4


def test_top_frequencies_match_sum_of_cosines():
    """The inverse FFT of the kept frequencies equals the authors' sum of cosines."""
    h = torch.randn(2, 13, 3)
    out = _top_frequencies(h)
    spec = torch.fft.rfft(h, dim=1)[:, 1:]  # odd length: no Nyquist bin
    k = int(math.log(spec.shape[1]))
    idx = spec.abs().topk(k, dim=1).indices
    coef = spec.gather(1, idx)
    freq = (idx + 1).float() / 13  # cycles per step
    t = torch.arange(13).float().view(1, 1, 13, 1)
    ref = (
        2
        * coef.abs().unsqueeze(2)
        * torch.cos(2 * math.pi * freq.unsqueeze(2) * t + coef.angle().unsqueeze(2))
    ).sum(1)
    torch.testing.assert_close(out, ref, atol=1e-4, rtol=1e-4)


def test_components_sum_to_prediction():
    net = DiffusionTSNet(3, 20, n_layers_enc=1, n_layers_dec=2, d_model=16, n_heads=2, n_classes=2)
    x, t = torch.randn(4, 3, 20), torch.tensor([0, 1, 2, 3])
    labels = torch.tensor([0, 1, 2, 1])  # 2 is the "no label" entry
    trend, season, residual = net.components(x, t, labels)
    torch.testing.assert_close(trend + season + residual, net(x, t, labels))
    assert trend.shape == season.shape == residual.shape == (4, 3, 20)


def test_denoise_from_clean_start_step_zero():
    net = DiffusionTSNet(1, 8, n_layers_enc=1, n_layers_dec=1, d_model=8, n_heads=2)
    diff = GaussianDiffusion(net, n_steps=10, fourier_weight=0.0)
    x = torch.rand(3, 1, 8) * 2 - 1
    with torch.no_grad():
        full = diff.denoise(x, 9)
        fast = diff.denoise(
            x, 9, sampling_steps=3, eta=1.0, generator=torch.Generator().manual_seed(0)
        )
    assert full.shape == fast.shape == x.shape
    assert full.abs().max() <= 1 and fast.abs().max() <= 1


def test_long_series_are_modelled_on_a_coarser_grid(tmp_path):
    X = make_sines(16, seq_len=40, n_channels=2, random_state=0)
    y = np.array([0, 1] * 8)
    gen = DiffusionTSGenerator(**TINY, max_timepoints=16, random_state=0).fit(X, y)
    assert gen.model_timepoints_ == 16 and gen.model_.net.pos_enc.shape[1] == 16
    X_new, y_new = gen.sample(3, y=1)
    assert X_new.shape == (3, 2, 40) and list(y_new) == [1, 1, 1]
    out = gen.transform(X, y)
    assert out.shape == X.shape and np.isfinite(out).all()
    gen.save(tmp_path / "long.zip")
    assert DiffusionTSGenerator.load(tmp_path / "long.zip").sample(2)[0].shape == (2, 2, 40)


def test_benchmark_entry_runs_ucr_length_series_at_the_smoke_budget():
    from tsaugment.benchmark import make_augmenter, resolve_budget

    gen = make_augmenter("diffusion_ts", resolve_budget("smoke"), 0)
    assert (gen.max_timepoints, gen.sampling_steps) == (64, 50)
    small = make_augmenter("diffusion_ts", resolve_budget("small"), 0)
    # the paper's schedule scaled to the budget: a 300-step fit leaves its warm-up
    assert (small.n_iter, small.warmup_iter, small.plateau_patience) == (300, 15, 60)
    X = make_sines(10, seq_len=150, n_channels=1, random_state=0)
    y = np.array(["a", "b"] * 5)
    gen.set_params(device="cpu").fit(X, y)
    X_new, y_new = gen.sample(4, y="b")
    assert X_new.shape == (4, 1, 150) and list(y_new) == ["b"] * 4


# -- classifier guidance -------------------------------------------------------------
@pytest.mark.parametrize("n_timepoints", [24, 15, 7])
def test_noisy_classifier_logits_for_any_length(n_timepoints):
    clf = NoisyClassifier(3, n_timepoints, 4, n_layers=1, d_model=8, n_heads=2)
    logits = clf(torch.randn(5, 3, n_timepoints), torch.arange(5))
    assert logits.shape == (5, 4) and torch.isfinite(logits).all()


class _SumClassifier(torch.nn.Module):
    """Logits ``(m / 10, -m / 10)`` for the series mean m: class 0 wants larger values."""

    def forward(self, x, t):
        m = x.flatten(1).mean(1) / 10
        return torch.stack([m, -m], dim=1)


class _EchoNet(torch.nn.Module):
    """A denoiser that predicts the noised series itself: every sampler step is then
    increasing in its input, so a push towards larger values must survive to the end."""

    n_classes = 0

    def forward(self, x, t, labels=None):
        return x


@pytest.mark.parametrize("sampling_steps", [None, 4])
def test_classifier_guidance_pushes_samples_towards_the_class(sampling_steps):
    diff = GaussianDiffusion(
        _EchoNet(), n_steps=20, fourier_weight=0.0, classifier=_SumClassifier()
    )
    noise = torch.randn(6, 1, 8, generator=torch.Generator().manual_seed(0))

    def draw(label, scale):
        with torch.no_grad():
            return diff.denoise(
                noise,
                19,
                labels=torch.full((6,), label),
                sampling_steps=sampling_steps,
                classifier_scale=scale,
                generator=torch.Generator().manual_seed(1),
            )

    plain = draw(0, 0.0).flatten(1).sum(1)
    assert torch.equal(draw(1, 0.0).flatten(1).sum(1), plain)  # scale 0: no guidance
    up, down = draw(0, 5.0).flatten(1).sum(1), draw(1, 5.0).flatten(1).sum(1)
    assert (up > plain + 1e-4).all() and (down < plain - 1e-4).all()


def test_classifier_gradient_is_the_log_probability_gradient():
    diff = GaussianDiffusion(_EchoNet(), n_steps=5, classifier=_SumClassifier())
    # series means m = 5 and -5: logits (m/10, -m/10), d log p0 / dx_i = 2 p1 / 10 / 4
    x = torch.tensor([[[5.0] * 4], [[-5.0] * 4]])
    with torch.no_grad():
        grad = diff.classifier_gradient(
            x, torch.zeros(2, dtype=torch.long), torch.tensor([0, 0]), 2.0
        )
    p1 = torch.sigmoid(torch.tensor([-1.0, 1.0])).numpy()
    np.testing.assert_allclose(grad[:, 0, 0].numpy(), 2.0 * 2 * p1 / 40, rtol=1e-5)


def test_guided_steps_follow_the_authors_formulas():
    """One step of each sampler against condition_mean / condition_score written out."""
    diff = GaussianDiffusion(_EchoNet(), n_steps=20, classifier=_SumClassifier())
    x = torch.randn(3, 1, 8, generator=torch.Generator().manual_seed(0)) * 2
    labels = torch.tensor([0, 1, 0])
    scale = 3.0

    def grad(z, k):
        return diff.classifier_gradient(z, torch.full((3,), k), labels, scale)

    with torch.no_grad():
        # fast sampler, one step from t = 9 (abar about 1/2): eps - sqrt(1 - abar) g,
        # then x0 from the new eps
        out = diff.denoise(x, 9, labels=labels, sampling_steps=1, classifier_scale=scale)
        abar = diff.abar[9]
        eps = ((1 / abar).sqrt() * x - x.clamp(-1, 1)) / (1 / abar - 1).sqrt()
        eps = eps - (1 - abar).sqrt() * grad(x, 9)
        expected = (1 / abar).sqrt() * x - (1 / abar - 1).sqrt() * eps
        np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-4, atol=1e-5)
        # ancestral sampler from t = 1: each mean moves by the step's variance times g
        out = diff.denoise(
            x, 1, labels=labels, classifier_scale=scale, generator=torch.Generator().manual_seed(5)
        )
        noise = torch.randn(x.shape, generator=torch.Generator().manual_seed(5))
        z = x
        for k in (1, 0):
            mean = diff.post_coef_x0[k] * z.clamp(-1, 1) + diff.post_coef_xt[k] * z
            mean = mean + diff.post_log_var[k].exp() * grad(z, k)
            z = mean + (0.5 * diff.post_log_var[k]).exp() * noise if k else mean
        np.testing.assert_allclose(out.numpy(), z.numpy(), rtol=1e-4, atol=1e-5)


def test_classifier_guided_generator_fit_sample_transform_save(tmp_path):
    X, y = _labelled()
    params = {**TINY, "guidance": "classifier", "classifier_layers": 1, "classifier_n_iter": 5}
    gen = DiffusionTSGenerator(**params, classifier_scale=1.0, random_state=0).fit(X, y)
    assert gen.model_.net.label_embed is None  # the diffusion itself is unconditional
    assert isinstance(gen.model_.classifier, NoisyClassifier)
    assert len(gen.history_["classifier"]["loss"]) == 5
    assert len(gen.history_["diffusion"]["loss"]) == TINY["n_iter"]
    X_new, y_new = gen.sample(4, y="down")
    assert X_new.shape == (4, 2, 12) and list(y_new) == ["down"] * 4
    assert np.isfinite(gen.transform(X, y)).all()
    assert all(p.grad is None for p in gen.model_.parameters())  # guidance trains nothing
    # the fitted kind, not a later set_params, decides the network that is saved and read
    gen.set_params(guidance="classifier-free").save(tmp_path / "cg.zip")
    loaded = DiffusionTSGenerator.load(tmp_path / "cg.zip")
    assert loaded.classifier_guided_ and loaded.model_.classifier is not None
    x, t = torch.randn(3, 2, 12), torch.tensor([0, 5, 19])
    with torch.no_grad():
        np.testing.assert_allclose(
            gen.model_.classifier(x, t), loaded.model_.classifier(x, t), atol=1e-6
        )
    # the noisy classifier learns on a separable toy set: its loss falls
    gen = DiffusionTSGenerator(
        **{**params, "classifier_n_iter": 80, "d_model": 16}, classifier_lr=2e-3, random_state=0
    ).fit(X, y)
    loss = np.asarray(gen.history_["classifier"]["loss"])
    assert loss[-20:].mean() < 0.8 * loss[:20].mean()


def test_classifier_guidance_without_labels_is_unconditional():
    X = make_sines(16, seq_len=8, n_channels=1, random_state=0)
    gen = DiffusionTSGenerator(**TINY, guidance="classifier", random_state=0).fit(X)
    assert gen.model_.classifier is None and "classifier" not in gen.history_
    assert gen.sample(3)[0].shape == (3, 1, 8)
