"""TimeWarpAugmenter: Um et al.'s time warping, and its place in the catalogue.

The generator was added by touching four files only (its module, this test, one
export in ``tsaugment/generators/__init__.py``, a README row); the last tests show it
reached the benchmark and the command line with no other edit.
"""

from __future__ import annotations

import numpy as np
import pytest
from _label_check import loo_nn_agreement

from tsaugment import TimeWarpAugmenter
from tsaugment.datasets import load_ucr


def test_warps_time_not_values():
    steps = np.arange(60, dtype=float)
    X = np.tile(steps, (200, 1, 1))  # x(t) = t: the output is the warp itself
    Xt = TimeWarpAugmenter(random_state=0).fit(X).transform(X)
    assert np.all(np.diff(Xt, axis=-1) > 0), "the warped time axis must increase"
    np.testing.assert_allclose(Xt[..., 0], 0.0)
    np.testing.assert_allclose(Xt[..., -1], 59.0)
    assert np.abs(Xt - steps).max() > 1.0  # it does warp
    assert np.abs(Xt.mean(axis=0) - steps).max() < 1.5  # around the identity
    # values are read off the series: a constant series stays constant
    flat = np.full((5, 1, 60), 3.0)
    np.testing.assert_allclose(TimeWarpAugmenter(random_state=0).fit(flat).transform(flat), 3.0)


def test_channels_warp_apart_or_together():
    X = np.tile(np.sin(np.linspace(0, 6, 40)), (6, 2, 1))  # two identical channels
    apart = TimeWarpAugmenter(random_state=0).fit(X).transform(X)
    together = TimeWarpAugmenter(channel_wise=False, random_state=0).fit(X).transform(X)
    assert not np.allclose(apart[:, 0], apart[:, 1])
    np.testing.assert_array_equal(together[:, 0], together[:, 1])


def test_fixed_seed_output_is_pinned():
    X = np.sin(np.linspace(0, 6, 12))[None, None, :].repeat(3, axis=0)
    Xt = TimeWarpAugmenter(random_state=0).fit(X).transform(X)
    expected = [0.0, 0.545545, 0.899196, 0.985299, 0.824114, 0.458628, -0.023099]
    np.testing.assert_allclose(Xt[0, 0, :7], expected, atol=1e-6)


def test_keeps_gunpoint_labels_nearest_their_class():
    """Leave-one-out 1-NN agreement, as for the other classic augmenters (measured:
    0.79 on class "1", 0.92 on class "2"; the originals: 0.96 and 0.96)."""
    X, y = load_ucr("GunPoint", split="train")
    Xt = TimeWarpAugmenter(random_state=0).fit(X, y).transform(X, y)
    for label, agree in loo_nn_agreement(Xt, X, y).items():
        assert agree >= 0.65, f"class {label}: {agree:.2f} keep their label"


@pytest.mark.parametrize(
    ("params", "message"),
    [({"sigma": 0}, "sigma"), ({"n_knots": 0}, "n_knots"), ({"channel_wise": 1}, "channel_wise")],
)
def test_bad_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        TimeWarpAugmenter(**params).fit(np.ones((4, 1, 10)))


def test_reaches_the_benchmark_and_the_command_line(tmp_path, capsys):
    from tsaugment.benchmark import AUGMENTERS, Cell, run_cell
    from tsaugment.cli import main

    assert AUGMENTERS["time_warp"].target is TimeWarpAugmenter
    row = run_cell(Cell("GunPoint", "time_warp", "knn", 0, 1.0, "smoke"))
    assert row["status"] == "ok" and row["n_synthetic"] == 50, row["error"]
    out = tmp_path / "warped.npz"
    args = ["generate", "--dataset", "GunPoint", "--generator", "time_warp"]
    assert main([*args, "--n-samples", "4", "--output", str(out)]) == 0
    with np.load(out) as saved:
        assert saved["X"].shape == (4, 1, 150)
    with pytest.raises(SystemExit):
        main(["benchmark", "--help"])
    assert "time_warp" in capsys.readouterr().out
