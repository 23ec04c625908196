"""Budgets in passes over the data, and the fidelity-stopped generator."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator

from tsaugment.early_stopping import FidelityBudgetSearch, iterations_for_passes

FITS: list = []


class NoisyUntilTrained(BaseEstimator):
    """Samples class means plus noise that shrinks as n_iter grows (records every fit)."""

    def __init__(self, n_iter=100, batch_size=4, random_state=None):
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.random_state = random_state

    def fit(self, X, y=None):
        FITS.append((self.n_iter, len(X)))
        self.means_ = {c: X[y == c].mean(axis=0) for c in np.unique(y)}
        self.rng_ = np.random.default_rng(self.random_state)
        return self

    def sample(self, n_samples=1, *, y=None):
        scale = 400.0 / self.n_iter
        X = np.stack([self.means_[c] + self.rng_.normal(0, scale, self.means_[c].shape) for c in y])
        return X, np.asarray(y)

    def transform(self, X, y=None):
        return X


def data(n=12, length=6):
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(0, 0.3, (n, 1, length)), rng.normal(3, 0.3, (n, 1, length))])
    return X, np.repeat(np.array(["a", "b"]), n)


def test_iterations_for_passes():
    assert iterations_for_passes(10, 30, 128) == 10
    assert iterations_for_passes(1, 100, 32) == 4
    for bad in [(0, 10, 4), (1, 0, 4), (1, 10, 0), (True, 10, 4)]:
        with pytest.raises(ValueError):
            iterations_for_passes(*bad)


def test_stops_when_fidelity_stops_improving():
    FITS.clear()
    X, y = data()
    gen = FidelityBudgetSearch(
        NoisyUntilTrained(), min_passes=1, max_passes=1024, patience=1, random_state=0
    ).fit(X, y)
    scores = gen.budget_scores_
    passes = sorted(scores)
    assert passes[0] == 1 and all(b == 2 * a for a, b in zip(passes, passes[1:]))
    assert passes[-1] < 1024  # stopped early
    assert scores[passes[-1]] <= scores[gen.best_passes_] == max(scores.values())
    # the fits on the training part hold out 6 of 24 series
    assert len(FITS) == len(passes) and all(n == 18 for _, n in FITS)
    # the budget is converted from passes: 18 series in batches of 4 -> 5 steps a pass;
    # the best budget is converted for all 24 series
    assert FITS[0][0] == 5
    best = gen.best_generator_
    assert best.n_iter == iterations_for_passes(gen.best_passes_, 24, 4)
    assert not hasattr(best, "means_")  # unfitted: Augmenter fits it on all series


def test_without_patience_every_budget_is_tried_and_the_best_kept():
    X, y = data()
    gen = FidelityBudgetSearch(
        NoisyUntilTrained(), min_passes=1, max_passes=1024, random_state=0
    ).fit(X, y)
    scores = gen.budget_scores_
    assert sorted(scores) == [2**k for k in range(11)]  # 1 to 1024 passes, no early stop
    best = max(scores.values())
    assert gen.best_passes_ == min(p for p, s in scores.items() if s == best)


def test_needs_labels_and_a_budget_parameter():
    X, y = data()
    with pytest.raises(ValueError, match="labels"):
        FidelityBudgetSearch(NoisyUntilTrained()).fit(X, None)
    from tsaugment import JitterAugmenter

    with pytest.raises(ValueError, match="neither n_iter nor n_epochs"):
        FidelityBudgetSearch(JitterAugmenter()).fit(X, y)
    with pytest.raises(ValueError, match="min_passes"):
        FidelityBudgetSearch(NoisyUntilTrained(), min_passes=5, max_passes=2).fit(X, y)
    y_lonely = y.astype(object)
    y_lonely[0] = "lonely"  # one series cannot both train the generator and judge it
    with pytest.raises(ValueError, match="at least 2 series.*'lonely' \\(1\\)"):
        FidelityBudgetSearch(NoisyUntilTrained()).fit(X, y_lonely)
    # declared parameters, one message style (a string used to raise TypeError from '<')
    with pytest.raises(ValueError, match="FidelityBudgetSearch: min_passes must be"):
        FidelityBudgetSearch(NoisyUntilTrained(), min_passes="10").fit(X, y)
    with pytest.raises(ValueError, match="FidelityBudgetSearch: patience must be an int"):
        FidelityBudgetSearch(NoisyUntilTrained(), patience=0).fit(X, y)


@pytest.fixture
def short_search(monkeypatch):
    """The benchmark's fidelity budget, searched over 1 to 4 passes (fast tests)."""
    from tsaugment.benchmark import _grid, _registry

    def search(settings, seed):
        full = budget_search(settings, seed)
        return None if full is None else full.set_params(min_passes=1, max_passes=4)

    budget_search = _registry.budget_search
    monkeypatch.setattr(_registry, "budget_search", search)
    monkeypatch.setattr(_grid, "budget_search", search)
    monkeypatch.setattr(_grid, "_BUDGETS", _grid._BudgetChoices())  # no earlier searches


def test_the_benchmarks_fidelity_budget_searches_once_per_generator_and_records_it(
    monkeypatch, short_search
):
    """``--budget fidelity``: the search runs for learned generators, once for a filtered pair."""
    from tsaugment.benchmark import (
        Cell,
        cell_config,
        fidelity_budget,
        make_augmenter,
        resolve_budget,
        run_cell,
    )
    from tsaugment.benchmark._registry import budget_search

    assert budget_search(resolve_budget("small"), 0) is None
    searches = []
    fit = FidelityBudgetSearch.fit

    def spy(self, X, y):
        searches.append(type(self.generator).__name__)
        return fit(self, X, y)

    monkeypatch.setattr(FidelityBudgetSearch, "fit", spy)
    rows = {
        name: run_cell(Cell("GunPoint", name, "knn", 0, 1.0, "fidelity"))
        for name in ("none", "jitter", "vae", "vae+label")
    }
    assert all(row["status"] == "ok" for row in rows.values()), rows
    assert searches == ["LatentVAEAugmenter"]  # not for jitter; once for vae and vae+label
    vae, filtered = rows["vae"], rows["vae+label"]
    assert vae["budget_passes"] == filtered["budget_passes"] >= 1
    assert vae["selection_time"] > 0 and vae["n_synthetic"] == 50
    assert rows["jitter"]["budget_passes"] == "" and rows["none"]["budget_passes"] == ""
    small = Cell("GunPoint", "vae", "knn", 0, 1.0, "small")
    assert cell_config(small) != vae["config"]  # the search is part of the configuration
    jitter_small = Cell("GunPoint", "jitter", "knn", 0, 1.0, "small")
    assert cell_config(jitter_small) == rows["jitter"]["config"]  # nothing to search
    # a class of one series cannot be held out from: the listed budget is kept, said so
    X = np.random.default_rng(0).normal(size=(5, 1, 8))
    vae = make_augmenter("vae", resolve_budget("fidelity"), 0)
    with pytest.warns(UserWarning, match=r"\[2\] have a single series") as caught:
        kept = fidelity_budget(vae, resolve_budget("fidelity"), X, np.array([0, 0, 1, 1, 2]), 0)
    assert kept == (vae, None, 0.0) and caught[0].filename == __file__


def test_each_seed_searches_its_own_budget_and_a_reused_synthetic_set_none(
    monkeypatch, short_search, tmp_path
):
    from tsaugment.benchmark import run_benchmark

    seeds = []
    fit = FidelityBudgetSearch.fit

    def spy(self, X, y):
        seeds.append((self.random_state, len(y)))
        return fit(self, X, y)

    monkeypatch.setattr(FidelityBudgetSearch, "fit", spy)
    rows = (
        run_benchmark(
            ["GunPoint"],
            augmenters=["vae"],
            classifiers=["knn", "rocket"],
            seeds=[0, 1],
            budget="fidelity",
            output=tmp_path,
            verbose=False,
        )
        .set_index(["augmenter", "classifier", "seed"])
        .sort_index()
    )
    assert seeds == [(0, 50), (1, 50)]  # one search per seed, none for the second classifier
    assert rows.loc[("vae", "knn", 0), "budget_passes"] >= 1
    assert rows.loc[("vae", "knn", 1), "budget_passes"] >= 1
    assert rows.loc[("vae", "rocket"), "budget_passes"].isna().all()  # read from the file
