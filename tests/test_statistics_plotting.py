from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from tsaugment.datasets import load_stocks, make_sines
from tsaugment.metrics import autocorrelation_score, correlation_score, distribution_table, mmd
from tsaugment.plotting import plot_embedding, plot_kde, plot_samples, plot_trajectories_3d

matplotlib.use("Agg")


def test_distribution_table_values():
    X_real = np.stack([np.full((4, 10), 2.0), np.arange(40.0).reshape(4, 10)], axis=1)
    X_synth = X_real.copy()
    X_synth[:, 0] = 3.0
    table = distribution_table(X_real, X_synth, channel_names=["flat", "ramp"])
    assert table.loc["flat", "real_mean"] == 2.0 and table.loc["flat", "synth_mean"] == 3.0
    assert table.loc["flat", "mean_rel_diff_%"] == pytest.approx(50.0)
    assert table.loc["ramp", "std_diff"] == pytest.approx(0.0)


def test_mmd_separates_distributions_and_is_near_zero_for_the_same():
    same = mmd(make_sines(300, random_state=0), make_sines(300, random_state=1))
    other = mmd(
        make_sines(300, random_state=0), np.random.default_rng(0).uniform(size=(300, 5, 24))
    )
    assert abs(same) < 0.01 and other > 20 * max(abs(same), 1e-3)
    assert (
        mmd(make_sines(50, random_state=0), make_sines(50, random_state=0) + 1, kernel="linear") > 0
    )


def test_correlation_and_autocorrelation_scores():
    X = load_stocks()[:500]
    assert correlation_score(X, X) == pytest.approx(0.0)
    shuffled = X.copy()
    rng = np.random.default_rng(0)
    for c in range(X.shape[1]):  # break the cross-channel correlation, keep marginals
        shuffled[:, c] = shuffled[rng.permutation(len(X)), c]
    assert correlation_score(X, shuffled) > 0.5
    noise = rng.normal(size=X.shape)
    assert autocorrelation_score(X, X) == pytest.approx(0.0)
    other_half = load_stocks()[2000:2500]
    assert autocorrelation_score(X, other_half) < 0.05
    assert autocorrelation_score(X, noise) > 0.15


def test_mismatched_layouts_are_named():
    with pytest.raises(ValueError, match="channels"):
        distribution_table(np.zeros((3, 2, 5)), np.zeros((3, 1, 5)))
    with pytest.raises(ValueError, match="length"):
        mmd(np.zeros((3, 2, 5)), np.zeros((3, 2, 6)))


@pytest.mark.parametrize("method", ["pca", "tsne"])
def test_embedding_plot_renders(method, tmp_path):
    X = make_sines(120, random_state=0)
    fig = plot_embedding(X, make_sines(120, random_state=1), method=method)
    fig.savefig(tmp_path / "e.png")
    assert (tmp_path / "e.png").stat().st_size > 5000


def test_other_plots_render(tmp_path):
    X = load_stocks()[:200]
    X_synth = X + np.random.default_rng(0).normal(0, 0.05, X.shape)
    y = np.array(["a", "b"] * 100)
    figures = {
        "kde": plot_kde(X, X_synth),
        "samples": plot_samples(X, X_synth, y_real=y, y_synth=y),
        "samples_unlabelled": plot_samples(X[:, :1], X_synth[:, :1]),
        "traj": plot_trajectories_3d(X, X_synth, channels=(0, 5)),
    }
    for name, fig in figures.items():
        fig.savefig(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 5000
    assert len(figures["samples"].axes) == 4  # two classes x (real, synthetic)
    with pytest.raises(ValueError, match="two channels"):
        plot_trajectories_3d(X[:, :1], X_synth[:, :1])
