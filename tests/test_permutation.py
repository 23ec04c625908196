"""PermutationAugmenter: segments in a random order, and its place in the catalogue."""

from __future__ import annotations

import numpy as np
import pytest

from tsaugment import PermutationAugmenter


def _runs(row) -> int:
    """Number of unit-step increasing runs of a permuted ramp."""
    return int(np.sum(np.diff(row) != 1)) + 1


@pytest.mark.parametrize("mode", ["equal", "random"])
def test_reorders_contiguous_segments(mode):
    X = np.tile(np.arange(40.0), (300, 2, 1))  # two identical ramps per series
    Xt = PermutationAugmenter(segment_mode=mode, random_state=0).fit(X).transform(X)
    np.testing.assert_array_equal(np.sort(Xt, axis=-1), X)  # same values
    np.testing.assert_array_equal(Xt[:, 0], Xt[:, 1])  # one cut for all channels
    runs = [_runs(row) for row in Xt[:, 0]]
    # 1 to 4 segments (max_segments=5, drawn as the survey's code draws them); two
    # segments that land back in order read as one run, so 1 to 4 runs
    assert set(runs) == {1, 2, 3, 4}


def test_equal_segments_have_equal_lengths():
    X = np.tile(np.arange(12.0), (50, 1, 1))
    Xt = PermutationAugmenter(max_segments=4, random_state=0).fit(X).transform(X)
    for row in Xt[:, 0]:
        starts = np.flatnonzero(np.diff(row) != 1) + 1
        lengths = np.diff(np.concatenate([[0], starts, [12]]))
        assert set(lengths) <= {3, 4, 6, 8, 9, 12}, lengths  # unions of equal thirds/halves


def test_fixed_seed_output_is_pinned():
    X = np.arange(10.0).reshape(1, 1, 10).repeat(3, axis=0)
    Xt = PermutationAugmenter(random_state=0).fit(X).transform(X)
    assert Xt[0, 0].tolist() == [6.0, 7.0, 3.0, 4.0, 5.0, 8.0, 9.0, 0.0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("params", "message"),
    [({"max_segments": 1}, "max_segments"), ({"segment_mode": "odd"}, "segment_mode")],
)
def test_bad_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        PermutationAugmenter(**params).fit(np.ones((4, 1, 10)))


def test_reaches_the_benchmark():
    from tsaugment.benchmark import AUGMENTERS, make_augmenter, resolve_budget

    assert AUGMENTERS["permutation"].target is PermutationAugmenter
    assert isinstance(
        make_augmenter("permutation", resolve_budget("smoke"), 0), PermutationAugmenter
    )
