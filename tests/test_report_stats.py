"""The report's statistics, its reference check, and the grid's devices."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from tsaugment.benchmark import (
    Cell,
    ResultsStore,
    bootstrap_mean_interval,
    detectable_gain,
    friedman_test,
    holm,
    read_reference,
    reference_check,
    run_benchmark,
    run_cell,
    seed_verdict,
    summarise,
    wilcoxon_p,
    write_report,
)
from tsaugment.cli import main


def _grid(n_methods=12, n_datasets=37, n_seeds=5, seed=0):
    """Random accuracies: per data set a level, per method an effect, per seed noise."""
    rng = np.random.default_rng(seed)
    methods = ["none"] + [f"aug{i:02d}" for i in range(1, n_methods)]
    rows = []
    for d in range(n_datasets):
        level = rng.uniform(0.5, 0.95)
        for m in methods:
            effect = rng.normal(0, 0.02)
            for s in range(n_seeds):
                acc = float(np.clip(level + effect + rng.normal(0, 0.03), 0, 1))
                key = f"D{d:02d}|{m}|resnet|seed={s}|ratio=1|budget=small"
                rows.append(
                    dict(
                        key=key,
                        dataset=f"D{d:02d}",
                        augmenter=m,
                        classifier="resnet",
                        seed=s,
                        accuracy=acc,
                        status="ok",
                        error="",
                        budget="small",
                    )
                )
    return pd.DataFrame(rows)


def test_report_of_12_methods_over_37_data_sets_computes_everything(tmp_path):
    start = time.perf_counter()
    markdown = write_report(_grid(), tmp_path)
    assert time.perf_counter() - start < 60
    gains = pd.read_csv(tmp_path / "gains.csv")
    assert len(gains) == 11 and (gains["n_datasets"] == 37).all()
    numeric = ["mean_gain", "ci_low", "ci_high", "wilcoxon_p", "holm_p", "detectable_gain"]
    assert np.isfinite(gains[numeric].to_numpy()).all()
    assert (
        (gains["ci_low"] <= gains["mean_gain"]) & (gains["mean_gain"] <= gains["ci_high"])
    ).all()
    assert (gains["holm_p"] >= gains["wilcoxon_p"]).all()
    assert (gains[["wins", "ties", "losses"]].sum(axis=1) == 37).all()
    friedman = pd.read_csv(tmp_path / "friedman.csv").iloc[0]
    assert (friedman["n_methods"], friedman["n_datasets"]) == (12, 37)
    assert np.isfinite(friedman[["chi2", "f", "p", "cd"]].astype(float)).all()
    assert friedman["cd"] == pytest.approx(2.739, abs=1e-3)
    assert len(pd.read_csv(tmp_path / "ranks.csv")) == 12
    assert "nan" not in markdown.lower()
    assert "Iman-Davenport F(11, 396)" in markdown
    assert "Nemenyi critical difference (alpha 0.05): 2.74" in markdown
    assert "could detect at 80% power" in markdown
    assert "default protocol in every budget" in markdown
    assert (tmp_path / "critical_difference.png").stat().st_size > 5000


def test_a_real_gain_is_found_and_a_null_one_is_not(tmp_path):
    results = _grid(n_methods=3, n_datasets=20, seed=1)
    boosted = results["augmenter"] == "aug01"
    results.loc[boosted, "accuracy"] += 0.05  # a large, consistent gain
    gains = summarise(results)["wtl"].set_index("augmenter")
    assert gains.loc["aug01", "holm_p"] < 0.01 and gains.loc["aug01", "ci_low"] > 0
    assert gains.loc["aug01", "wins"] > gains.loc["aug01", "losses"]
    assert summarise(results)["friedman"].loc[0, "p"] < 0.01


def test_equal_shares_that_differ_in_their_last_bit_tie():
    # one share in two last bits (a row copied through a non-round-trip parser): a tie
    results = _grid(n_methods=3, n_datasets=4, seed=2)
    same = results["augmenter"] == "aug01"
    base = results[results["augmenter"] == "none"].set_index(["dataset", "seed"])["accuracy"]
    results.loc[same, "accuracy"] = [
        np.nextafter(base[(d, s)], 2.0)
        for d, s in zip(results.loc[same, "dataset"], results.loc[same, "seed"])
    ]
    tables = summarise(results)
    gain = tables["gain"].set_index("augmenter").loc["aug01"]
    assert (gain["gain"] == 0.0).all() and (gain["verdict"] == "tie").all()
    wtl = tables["wtl"].set_index("augmenter").loc["aug01"]
    assert (wtl["wins"], wtl["ties"], wtl["losses"]) == (0, 4, 0) and wtl["wilcoxon_p"] == 1.0
    ranks = tables["ranks"].set_index("augmenter")["avg_rank"]
    assert ranks["aug01"] == ranks["none"]


def test_friedman_iman_davenport_by_hand():
    ranks = np.array([[1, 2, 3], [1, 2, 3], [1, 3, 2], [2, 1, 3]])
    # average ranks 1.25, 2, 2.75: chi2 = 12N/(k(k+1)) (sum R^2 - k(k+1)^2/4) = 4.5,
    # F = (N-1) chi2 / (N(k-1) - chi2) = 13.5 / 3.5 on (2, 6) degrees of freedom
    result = friedman_test(-ranks)
    assert result["chi2"] == pytest.approx(4.5)
    assert result["f"] == pytest.approx(13.5 / 3.5)
    assert (result["df1"], result["df2"]) == (2, 6)
    assert result["p"] == pytest.approx(0.0834, abs=1e-3)
    same_order = friedman_test(-np.tile([1, 2, 3], (4, 1)))
    assert same_order["p"] == 0.0 and same_order["f"] == np.inf
    assert np.isnan(friedman_test(np.ones((5, 2)))["p"])  # two methods: the Wilcoxon test


def test_holm_matches_statsmodels_and_keeps_nan():
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.2])
    expected = multitest.multipletests(p, method="holm")[1]
    np.testing.assert_allclose(holm(p), expected)
    adjusted = holm([0.02, np.nan, 0.01])
    assert np.isnan(adjusted[1]) and adjusted.tolist()[::2] == pytest.approx([0.02, 0.02])


def test_detectable_gain_matches_the_t_test_power_of_statsmodels():
    # TTestPower().solve_power(nobs=n, alpha=0.05, power=0.8): effect in std units
    for n, effect in [(3, 3.2640), (6, 1.4345), (15, 0.7780), (37, 0.4733)]:
        d = np.random.default_rng(n).normal(size=n)
        d = (d - d.mean()) / d.std(ddof=1) * 0.02
        assert detectable_gain(d) == pytest.approx(effect * 0.02, rel=1e-3)
    assert detectable_gain([0.01, 0.01]) == 0.0 and np.isnan(detectable_gain([0.1]))


def test_seed_verdicts_wilcoxon_and_bootstrap_edges():
    assert seed_verdict([0.02, 0.03, 0.025, 0.02, 0.03]) == 1
    assert seed_verdict([-0.02, -0.03, -0.025, -0.02, -0.03]) == -1
    assert seed_verdict([0.2, -0.1, 0.0, 0.05, -0.02]) == 0  # seed noise: no verdict
    assert seed_verdict([0.5]) == 0
    assert wilcoxon_p(np.zeros(7)) == 1.0 and np.isnan(wilcoxon_p([]))
    low, high = bootstrap_mean_interval(np.full(5, 0.1))
    assert low == high == pytest.approx(0.1)
    x = np.random.default_rng(0).normal(0.01, 0.02, 30)
    low, high = bootstrap_mean_interval(x)
    assert low < x.mean() < high and bootstrap_mean_interval(x) == (low, high)


def test_reference_check_flags_baselines_well_below(tmp_path, capsys):
    rows = []
    for seed in range(3):
        for name, acc in [("A", 0.80), ("B", 0.70), ("C", 0.90), ("D", 0.50)]:
            for aug, shift in [("none", 0.0), ("jitter", 0.01)]:
                rows.append(
                    dict(
                        key=f"{name}|{aug}|resnet|seed={seed}",
                        dataset=name,
                        augmenter=aug,
                        classifier="resnet",
                        seed=seed,
                        accuracy=acc + shift,
                        status="ok",
                        error="",
                    )
                )
    results = pd.DataFrame(rows)
    reference = tmp_path / "ref.csv"
    # A: 0.02 below, inside 0.03; B: 0.05 below, inside 2 x 0.03 = 0.06;
    # C: 0.04 below, no std, beyond 0.03; E: not in the run
    reference.write_text(
        "dataset,accuracy_mean,accuracy_std\nA,0.82,0.01\nB,0.75,0.03\nC,0.94,\nE,0.9,0.01\n"
    )
    check = reference_check(results, reference).set_index("dataset")
    assert list(check.index) == ["A", "B", "C"]
    assert check["below"].to_dict() == {"A": False, "B": False, "C": True}
    assert check.loc["B", "allowed"] == pytest.approx(0.06)
    assert check.loc["C", "allowed"] == pytest.approx(0.03)
    store = tmp_path / "run" / "results.csv"
    for row in rows:
        ResultsStore(store).append(row)
    assert main(["report", str(store), "--reference", str(reference)]) == 0
    out = capsys.readouterr().out
    assert "1 below the reference by more than 2 std (or 0.03): C" in out
    assert "## Baseline beside the reference" in (tmp_path / "run" / "report.md").read_text()
    assert pd.read_csv(tmp_path / "run" / "reference_check.csv")["below"].sum() == 1
    assert main(["report", str(store), "--protocol", "ResNet for 300 epochs."]) == 0
    capsys.readouterr()
    report = (tmp_path / "run" / "report.md").read_text()
    assert "ResNet for 300 epochs." in report and "default protocol" not in report
    bad = tmp_path / "bad.csv"
    bad.write_text("name,score\nA,0.8\n")
    with pytest.raises(ValueError, match="needs the columns 'dataset' and 'accuracy'"):
        read_reference(bad)
    bad.write_text("dataset,accuracy\nA,83.5\n")
    with pytest.raises(ValueError, match="fraction"):
        read_reference(bad)


def test_devices_reach_the_estimators_that_take_one(tmp_path, monkeypatch):
    from tsaugment import LatentVAEAugmenter, ResNetClassifier

    seen = []
    for cls in (ResNetClassifier, LatentVAEAugmenter):
        fit = cls.fit

        def recorded(self, X, y=None, _fit=fit, **kwargs):
            seen.append((type(self).__name__, self.device))
            return _fit(self, X, y, **kwargs)

        monkeypatch.setattr(cls, "fit", recorded)
    results = run_benchmark(
        ["GunPoint"],
        augmenters=["vae", "jitter"],
        classifiers=["resnet", "knn"],
        seeds=[0],
        budget="smoke",
        output=tmp_path,
        generator_device="cpu",
        classifier_device="cpu",
        classifier_params={"resnet": {"n_epochs": 2}},  # budgets never shorten the ResNet
        verbose=False,
    )
    assert set(results["status"]) == {"ok"}
    assert set(seen) == {("ResNetClassifier", "cpu"), ("LatentVAEAugmenter", "cpu")}
    with pytest.raises(ValueError, match="classifier_device must be"):
        run_benchmark(["GunPoint"], classifier_device="gpu0", output=tmp_path, verbose=False)


def test_devices_travel_to_dask_workers(tmp_path):
    torch = pytest.importorskip("torch")
    pytest.importorskip("distributed")
    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA: the asked-for CUDA must fail in the worker")
    with pytest.raises(ValueError, match="does not have"):  # local workers: checked first
        run_benchmark(["GunPoint"], classifier_device="cuda", output=tmp_path, verbose=False)
    row = run_cell(Cell("GunPoint", "none", "resnet", 0, 1.0, "smoke"), classifier_device="cuda")
    assert row["status"] == "error" and "cuda" in row["error"].lower()
    results = run_benchmark(
        ["GunPoint"],
        augmenters=["none"],
        classifiers=["resnet"],
        seeds=[0],
        budget="smoke",
        output=tmp_path,
        backend="dask",
        n_jobs=1,
        classifier_device="cuda:0",
        verbose=False,
    )
    assert results["status"].tolist() == ["error"]  # the worker was asked for CUDA
    assert "cuda:0" in results["error"].iloc[0]


def test_devices_travel_to_ray_tasks_with_a_gpu_share(tmp_path, monkeypatch):
    """A stand-in for Ray records what the grid asks of it (Ray itself is an extra)."""
    import sys
    import types

    asked = {}

    class Ref:
        def __init__(self, value):
            self.value = value

    def remote(**options):
        asked.update(options)

        def wrap(function):
            def submit(*args, **kwargs):
                asked.setdefault("kwargs", []).append(kwargs)
                return Ref(function(*args, **kwargs))

            return types.SimpleNamespace(remote=submit)

        return wrap

    fake = types.SimpleNamespace(
        is_initialized=lambda: False,
        init=lambda **kwargs: None,
        shutdown=lambda: None,
        remote=remote,
        wait=lambda pending, num_returns: (pending[:1], pending[1:]),
        get=lambda ref: ref.value,
    )
    monkeypatch.setitem(sys.modules, "ray", fake)
    results = run_benchmark(
        ["GunPoint"],
        augmenters=["jitter"],
        classifiers=["knn"],
        seeds=[0],
        budget="smoke",
        output=tmp_path,
        backend="ray",
        n_jobs=4,
        classifier_device="cuda",
        generator_device="cpu",
        verbose=False,
    )
    assert set(results["status"]) == {"ok"} and len(results) == 2
    assert asked["num_gpus"] == 0.25  # four cells share one GPU
    assert asked["kwargs"][0] == {"generator_device": "cpu", "classifier_device": "cuda"}
