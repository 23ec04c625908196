"""The benchmark's "auto", "<name>+label" and "<name>+realism" augmenters and their rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsaugment.benchmark import (
    Cell,
    ResultsStore,
    auto_report,
    filter_effect,
    make_augmenter,
    resolve_budget,
    run_benchmark,
    run_cell,
    write_report,
)


def test_names_auto_and_filtered_are_known():
    settings = resolve_budget("smoke")
    assert type(make_augmenter("jitter+label", settings, 0)).__name__ == "JitterAugmenter"
    assert type(make_augmenter("jitter+realism", settings, 0)).__name__ == "JitterAugmenter"
    with pytest.raises(ValueError, match="not a generator"):
        make_augmenter("auto", settings, 0)
    for bad in ("none+label", "nope+label", "auto+label", "none+realism", "jitter+labels"):
        with pytest.raises(ValueError, match="unknown augmenter"):
            make_augmenter(bad, settings, 0)
    with pytest.raises(ValueError, match="not a generator"):
        make_augmenter("auto:knn", settings, 0)
    with pytest.raises(ValueError, match=r"unknown classifier\(s\) \['nope'\] after 'auto:'"):
        run_benchmark(["GunPoint"], augmenters=["auto:nope"], classifiers=["knn"], seeds=[0])
    with pytest.raises(ValueError, match=r"unknown classifier\(s\) \[''\] after 'auto:'"):
        run_benchmark(["GunPoint"], augmenters=["auto:"], classifiers=["knn"], seeds=[0])


def test_auto_cell_records_its_choice_and_runs_it(tmp_path):
    auto = run_cell(Cell("GunPoint", "auto", "knn", 0, 1.0, "smoke"))
    assert auto["status"] == "ok", auto["error"]
    choice, _, ratio = auto["auto_choice"].partition("@")
    assert choice in {"none", "jitter", "scaling", "magnitude_warp", "window_warp", "window_slice"}
    assert float(ratio) in ({0.0} if choice == "none" else {0.5, 1.0})
    assert auto["selection_time"] > 0
    # the choice is trained exactly as its own cell: same accuracy
    own = run_cell(Cell("GunPoint", choice, "knn", 0, float(ratio) or 1.0, "smoke"))
    assert own["accuracy"] == auto["accuracy"]


def test_auto_with_a_stand_in_chooses_as_the_stand_in_and_trains_the_cells_classifier(
    monkeypatch,
):
    from tsaugment.benchmark import auto_choices, best_per_dataset
    from tsaugment.selection import AutoAugmentedClassifier

    searches = []
    fit = AutoAugmentedClassifier.fit

    def spy(self, X, y):
        searches.append(fit(self, X, y).cv_results_["mean_test_score"])
        return self

    monkeypatch.setattr(AutoAugmentedClassifier, "fit", spy)
    # the search of auto:knn with MiniRocket is the search of auto with 1-NN ...
    stand_in = run_cell(Cell("GunPoint", "auto:knn", "rocket", 1, 1.0, "smoke"))
    own = run_cell(Cell("GunPoint", "auto", "knn", 1, 1.0, "smoke"))
    auto = run_cell(Cell("GunPoint", "auto", "rocket", 1, 1.0, "smoke"))
    assert stand_in["status"] == own["status"] == auto["status"] == "ok", stand_in["error"]
    assert stand_in["auto_choice"] == own["auto_choice"]
    assert np.array_equal(searches[0], searches[1])  # the same scores, candidate by candidate
    assert not np.array_equal(searches[0], searches[2])  # MiniRocket's own search differs
    # ... and MiniRocket then trains on the choice exactly as the choice's own cell
    choice, _, ratio = stand_in["auto_choice"].partition("@")
    direct = run_cell(Cell("GunPoint", choice, "rocket", 1, float(ratio) or 1.0, "smoke"))
    assert stand_in["accuracy"] == direct["accuracy"]
    base = run_cell(Cell("GunPoint", "none", "rocket", 1, 1.0, "smoke"))
    rows = pd.DataFrame([base, stand_in, auto])
    table = auto_choices(rows)
    assert table["augmenter"].tolist() == ["auto", "auto:knn"]
    gains = best_per_dataset(rows).iloc[0]
    assert gains["auto:knn_gain"] == stand_in["accuracy"] - base["accuracy"]
    assert gains["auto_gain"] == auto["accuracy"] - base["accuracy"]


def test_auto_params_reach_the_search_and_the_key(monkeypatch, tmp_path):
    from tsaugment.benchmark import cell_config
    from tsaugment.cli import main
    from tsaugment.selection import AutoAugmentedClassifier

    searches = []
    fit = AutoAugmentedClassifier.fit

    def spy(self, X, y):
        results = fit(self, X, y).cv_results_
        searches.append(sum(name.startswith("split") for name in results))
        return self

    monkeypatch.setattr(AutoAugmentedClassifier, "fit", spy)
    args = ["benchmark", "--augmenters", "jitter", "auto", "--classifiers", "knn"]
    args += ["--seeds", "0", "--budget", "smoke", "--set", "auto.n_repeats=2", "auto.cv=3"]
    assert main([*args, "--output", str(tmp_path), "--quiet"]) == 0
    assert searches == [2 * 3]  # one search, on 2 repeats of 3 folds
    rows = ResultsStore(tmp_path / "results.csv").read().set_index("augmenter")
    assert rows.loc["auto", "key"].endswith("|auto=cv=3,n_repeats=2")
    assert not rows.loc["jitter", "key"].endswith("n_repeats=2")  # only auto's cells
    default = Cell("GunPoint", "auto", "knn", 0, 1.0, "smoke")
    assert cell_config(default) != rows.loc["auto", "config"]
    with pytest.raises(ValueError, match=r"auto_params name \['n_repeat'\]"):
        run_benchmark(["GunPoint"], augmenters=["auto"], auto_params={"n_repeat": 2}, seeds=[0])
    with pytest.raises(ValueError, match="no augmenter is 'auto'"):
        run_benchmark(["GunPoint"], augmenters=["jitter"], auto_params={"n_repeats": 2}, seeds=[0])
    from tsaugment.benchmark._grid import _check_auto_params

    # numpy numbers read as Python's; a default setting leaves the default cells' keys
    assert _check_auto_params({"cv": 5, "n_repeats": np.int64(3)}, ["auto"]) == {"n_repeats": 3}
    with pytest.raises(ValueError, match="n_repeats must be an integer"):
        run_benchmark(["GunPoint"], augmenters=["auto"], auto_params={"n_repeats": 0}, seeds=[0])


def test_rows_carry_label_fidelity_and_acceptance(tmp_path):
    results = run_benchmark(
        ["GunPoint"],
        augmenters=["jitter", "jitter+label", "jitter+realism", "jitter+label+realism"],
        classifiers=["knn"],
        seeds=[0],
        budget="smoke",
        output=tmp_path,
        verbose=False,
    )
    rows = results.set_index("augmenter")
    assert pd.isna(rows.loc["none", "label_fidelity"])
    assert 0.5 < rows.loc["jitter", "label_fidelity"] <= 1.0
    assert rows.loc["jitter+label", "label_fidelity"] >= 0.95  # screened by a like checker
    assert 0 < rows.loc["jitter+label", "acceptance_rate"] <= 1.0
    assert pd.isna(rows.loc["jitter", "acceptance_rate"])
    assert 0 < rows.loc["jitter+realism", "acceptance_rate"] <= 1.0
    assert 0 < rows.loc["jitter+label+realism", "acceptance_rate"] <= 1.0
    assert len(set(rows["config"])) == 5  # each filter is part of its cells' fingerprint
    effect = filter_effect(results)
    assert effect[["augmenter", "filter"]].values.tolist() == [
        ["jitter", "label"],
        ["jitter", "label+realism"],
        ["jitter", "realism"],
    ]
    read = ResultsStore(tmp_path / "results.csv").read()
    assert "label_fidelity" in read and "auto_choice" in read
    assert "Label fidelity" in auto_report(read)
    assert "Label fidelity" in write_report(read, tmp_path / "report")  # in report.md too


def test_filtered_cell_reuses_the_unfiltered_cells_fit(monkeypatch, tmp_path):
    from tsaugment.benchmark import _grid
    from tsaugment.benchmark._fitted import FittedGenerators

    cls = type(make_augmenter("vae", resolve_budget("smoke"), 0))
    fits = []
    fit = cls.fit
    monkeypatch.setattr(cls, "fit", lambda self, X, y=None: fits.append(1) or fit(self, X, y))
    monkeypatch.setattr(_grid, "_FITTED", FittedGenerators())
    pair = [
        run_cell(Cell("GunPoint", name, "knn", 0, 1.0, "smoke"), synthetic_dir=tmp_path / "a")
        for name in ("vae", "vae+label")
    ]
    assert [row["status"] for row in pair] == ["ok", "ok"] and len(fits) == 1
    assert pair[0]["generator_fit_time"] == pair[1]["generator_fit_time"]
    # the same row as a fresh fit: the copy was taken before anything was sampled
    monkeypatch.setattr(_grid, "_FITTED", FittedGenerators())
    alone = run_cell(Cell("GunPoint", "vae+label", "knn", 0, 1.0, "smoke"), synthetic_dir=tmp_path)
    assert len(fits) == 2
    for column in ("accuracy", "label_fidelity", "acceptance_rate", "n_synthetic"):
        assert alone[column] == pair[1][column]
    # another seed is another fit; without saved sets (--no-reuse-synthetic) every
    # cell fits its own
    run_cell(Cell("GunPoint", "vae+label", "knn", 1, 1.0, "smoke"), synthetic_dir=tmp_path)
    assert len(fits) == 3
    for name in ("vae", "vae+label"):
        run_cell(Cell("GunPoint", name, "knn", 2, 1.0, "smoke"))
    assert len(fits) == 5


def test_filter_effect_pairs_filtered_with_unfiltered_by_seed():

    rows = []
    for seed in range(3):
        for dataset, change in (("A", 0.05), ("B", -0.02)):
            noise = 0.001 * seed
            rows += [
                dict(
                    dataset=dataset,
                    classifier="knn",
                    seed=seed,
                    augmenter="none",
                    status="ok",
                    accuracy=0.5,
                ),
                dict(
                    dataset=dataset,
                    classifier="knn",
                    seed=seed,
                    augmenter="vae",
                    status="ok",
                    accuracy=0.7 + noise,
                    label_fidelity=0.6,
                ),
                dict(
                    dataset=dataset,
                    classifier="knn",
                    seed=seed,
                    augmenter="vae+label",
                    status="ok",
                    accuracy=0.7 + change + 2 * noise,
                    label_fidelity=0.9,
                    acceptance_rate=0.4,
                ),
                dict(
                    dataset=dataset,
                    classifier="knn",
                    seed=seed,
                    augmenter="jitter",
                    status="ok",
                    accuracy=0.9,
                ),
            ]
    rows.append(
        dict(
            dataset="A", classifier="knn", seed=9, augmenter="vae+label", status="ok", accuracy=0.0
        )
    )  # no unfiltered partner: left out
    table = filter_effect(pd.DataFrame(rows))
    assert table["augmenter"].tolist() == ["vae"]  # jitter ran one way only
    row = table.iloc[0]
    assert row["n_datasets"] == 2 and row["difference"] == pytest.approx(0.015 + 0.001)
    assert (row["wins"], row["ties"], row["losses"]) == (1, 0, 1)
    assert [row[c] for c in ("fidelity", "fidelity_filtered", "acceptance_rate")] == pytest.approx(
        [0.6, 0.9, 0.4]
    )
    report = auto_report(pd.DataFrame(rows).assign(n_train=6, n_synthetic=6))
    assert "filtered minus unfiltered" in report


def test_fitted_generators_share_only_what_their_parameters_pin_down():
    import numpy as np

    from tsaugment import JitterAugmenter
    from tsaugment.benchmark._fitted import FittedGenerators

    X, y = np.zeros((4, 1, 8)), np.array([0, 0, 1, 1])
    cache = FittedGenerators(capacity=2)
    unseeded = JitterAugmenter()
    cache.save(unseeded, X, y, JitterAugmenter().fit(X, y), 1.0)
    assert cache.load(JitterAugmenter(), X, y) is None  # each unseeded fit is its own
    seeded = JitterAugmenter(random_state=0)
    cache.save(seeded, X, y, JitterAugmenter(random_state=0).fit(X, y), 2.0)
    assert cache.load(JitterAugmenter(random_state=0), X, y)[1] == 2.0
    assert cache.load(JitterAugmenter(random_state=0, sigma=0.1), X, y) is None
    assert cache.load(seeded, X.astype(np.float32), y) is None
    assert cache.load(seeded, X, y.astype(str)) is None
    Redefined = type("JitterAugmenter", (JitterAugmenter,), {})  # same name, other class
    assert cache.load(Redefined(random_state=0), X, y) is None
    for seed in (1, 2):  # the oldest goes first
        cache.save(JitterAugmenter(random_state=seed), X, y, seeded, 3.0)
    assert cache.load(seeded, X, y) is None
