from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tsaugment.benchmark import (
    Cell,
    ResultsStore,
    make_augmenter,
    nemenyi_cd,
    resolve_budget,
    run_benchmark,
    run_cell,
    summarise,
    synthetic_path,
    write_report,
)
from tsaugment.cli import main
from tsaugment.datasets import load_ucr

REPO = Path(__file__).resolve().parents[1]
FAST = dict(classifiers=["knn"], seeds=[0, 1], budget="smoke", verbose=False)
# budgets never shorten a classifier: quick runs override its parameters explicitly
QUICK = {"resnet": {"n_epochs": 2}, "rocket": {"num_kernels": 84}}


def _row(dataset, augmenter, seed, accuracy, classifier="knn"):
    return {
        "key": f"{dataset}|{augmenter}|{classifier}|seed={seed}",
        "dataset": dataset,
        "augmenter": augmenter,
        "classifier": classifier,
        "seed": seed,
        "accuracy": accuracy,
        "status": "ok",
    }


def test_store_appends_skips_torn_rows_and_keeps_last_per_key(tmp_path):
    store = ResultsStore(tmp_path / "r.csv")
    store.append(_row("A", "none", 0, 0.5))
    with open(store.path, "a") as handle:  # a kill in the middle of writing a row
        handle.write("A|jitter|knn|seed=0,A,jitter,kn")
    store.append(_row("A", "jitter", 1, 0.7))
    store.append(_row("A", "none", 0, 0.6))
    frame = store.read()
    assert sorted(frame["key"]) == ["A|jitter|knn|seed=1", "A|none|knn|seed=0"]
    assert frame.set_index("key").loc["A|none|knn|seed=0", "accuracy"] == 0.6


def test_summary_pairs_gains_by_seed_and_lets_the_seeds_decide_wins_and_losses():
    rows = []
    for seed in (0, 1, 2):
        rows += [
            _row("A", "none", seed, 0.80 + 0.05 * seed),
            _row("A", "jitter", seed, 0.89 + 0.05 * seed + 0.01 * (seed == 1)),  # win on A
            _row("B", "none", seed, 0.70),
            _row("B", "jitter", seed, [0.75, 0.68, 0.70][seed]),  # +0.05 once: a tie
            _row("C", "none", seed, 0.60),
            _row("C", "jitter", seed, 0.50 + 0.01 * seed),  # loss on C
        ]
    tables = summarise(pd.DataFrame(rows))
    wtl = tables["wtl"].set_index("augmenter").loc["jitter"]
    assert (wtl["wins"], wtl["ties"], wtl["losses"]) == (1, 1, 1)
    assert wtl["mean_gain"] == pytest.approx((0.28 / 3 + 0.01 - 0.09) / 3)
    verdicts = tables["gain"].set_index("dataset")["verdict"]
    assert verdicts.to_dict() == {"A": "win", "B": "tie", "C": "loss"}
    ranks = tables["ranks"].set_index("augmenter")["avg_rank"]
    assert ranks["none"] == pytest.approx((2 + 2 + 1) / 3)
    acc = tables["accuracy"].set_index(["dataset", "augmenter"])
    assert acc.loc[("C", "jitter"), "std"] == pytest.approx(np.std([0.50, 0.51, 0.52]))


def test_ranks_use_only_data_sets_where_every_augmenter_has_a_result(tmp_path):
    rows = []
    for seed in (0, 1):
        rows += [
            _row("easy", "none", seed, 0.90),
            _row("easy", "jitter", seed, 0.95),
            _row("easy", "vae", seed, 0.99),
            _row("hard", "none", seed, 0.60),
            _row("hard", "jitter", seed, 0.50),  # vae failed on "hard"
        ]
    tables = summarise(pd.DataFrame(rows))
    ranks = tables["ranks"].set_index("augmenter")
    assert ranks.loc["vae", "avg_rank"] == 1 and ranks.loc["jitter", "avg_rank"] == 2
    assert (ranks["n_datasets"] == 1).all()
    assert tables["left_out"] == {"knn": ["hard (no vae)"]}
    # gains and wins/ties/losses still use every data set an augmenter has
    wtl = tables["wtl"].set_index("augmenter")
    assert wtl.loc["jitter", "n_datasets"] == 2 and wtl.loc["jitter", "losses"] == 1
    markdown = write_report(pd.DataFrame(rows), tmp_path)
    assert "Left out of the ranks: hard (no vae)." in markdown
    partial = write_report(pd.DataFrame(rows + [_row("easy", "vae", 2, 0.99)]), tmp_path)
    assert "0.900 ± 0.000 (2 of 3 seeds)" in partial  # the baseline of "easy" lacks seed 2
    # an augmenter that failed everywhere leaves no complete data set, and says so
    failed = [{**_row(d, "aae", 0, 0.0), "status": "error"} for d in ("easy", "hard")]
    tables = summarise(pd.DataFrame(rows + failed))
    assert tables["ranks"].empty
    assert tables["left_out"]["knn"] == ["easy (no aae)", "hard (no aae, vae)"]


def test_nemenyi_critical_difference_matches_demsar():
    # Demsar (2006): k=4 methods on N=14 data sets, CD = 2.569 * sqrt(4*5/(6*14)) = 1.25
    assert nemenyi_cd(4, 14) == pytest.approx(1.2536, abs=1e-3)
    # q_alpha / sqrt(2) of Demsar's table 5 (k = 2..10), now from the studentized range
    table = [1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164]
    for k, q in zip(range(2, 11), table):
        assert nemenyi_cd(k, 6) / np.sqrt(k * (k + 1) / 36) == pytest.approx(q, abs=2e-3)
    assert np.isfinite(nemenyi_cd(11, 37)) and nemenyi_cd(12, 37) > nemenyi_cd(11, 37)


def test_report_writes_markdown_and_plots(tmp_path):
    rows = [
        _row(d, a, s, 0.5 + 0.1 * (a == "jitter"))
        for d in "AB"
        for a in ("none", "jitter")
        for s in (0, 1)
    ]
    markdown = write_report(pd.DataFrame(rows), tmp_path)
    assert "## Accuracy" in markdown and "jitter" in markdown
    assert (tmp_path / "report.md").read_text() == markdown
    assert (tmp_path / "gain_per_dataset.png").stat().st_size > 1000
    assert (tmp_path / "critical_difference.png").stat().st_size > 1000
    for table in ("accuracy", "gain_per_dataset", "gains", "ranks", "friedman"):
        assert len(pd.read_csv(tmp_path / f"{table}.csv")) > 0


def test_report_command_merges_pieces_of_a_grid(tmp_path, capsys):
    first, second = ResultsStore(tmp_path / "a.csv"), ResultsStore(tmp_path / "b.csv")
    for seed in (0, 1):
        first.append(_row("A", "none", seed, 0.5))
        first.append(_row("A", "jitter", seed, 0.6))
        second.append(_row("A", "none", seed, 0.5))  # the baseline, run again in a piece
        second.append(_row("A", "scaling", seed, 0.4))
    out = tmp_path / "merged"
    assert main(["report", str(first.path), str(second.path), "--output", str(out)]) == 0
    table = capsys.readouterr().out
    assert "jitter" in table and "scaling" in table
    assert "6 cells recorded" in (out / "report.md").read_text()


def test_budget_and_name_errors():
    assert resolve_budget("smoke")["iterations"] == 5
    assert resolve_budget(100)["iterations"] == 100
    for budget in ("smoke", "small", "medium", "full", 7):
        assert set(resolve_budget(budget)) == {"iterations", "epochs"}
    with pytest.raises(ValueError, match="unknown budget"):
        resolve_budget("huge")
    with pytest.raises(ValueError, match="known:"):
        make_augmenter("gan9000", resolve_budget("smoke"), 0)
    with pytest.raises(ValueError, match="unknown classifier"):
        run_benchmark(["GunPoint"], classifiers=["svm"], output="unused", verbose=False)


def test_grid_runs_pairs_seeds_and_resumes(tmp_path):
    results = run_benchmark(["GunPoint"], augmenters=["jitter"], output=tmp_path, **FAST)
    assert len(results) == 4 and set(results["status"]) == {"ok"}
    assert set(results["augmenter"]) == {"none", "jitter"}  # the baseline is added
    assert (results.query("augmenter == 'jitter'")["n_synthetic"] == 50).all()
    again = run_benchmark(["GunPoint"], augmenters=["jitter"], output=tmp_path, **FAST)
    assert len(again) == 4  # nothing ran twice
    assert len(pd.read_csv(tmp_path / "results.csv")) == 4


def _count_augmenter_fits(monkeypatch) -> list:
    from tsaugment.augment import Augmenter

    calls, fit_resample = [], Augmenter.fit_resample

    def counted(self, X, y):
        calls.append(type(self.generator).__name__)
        return fit_resample(self, X, y)

    monkeypatch.setattr(Augmenter, "fit_resample", counted)
    return calls


def test_each_synthetic_set_is_fitted_once_for_every_classifier(tmp_path, monkeypatch):
    fits = _count_augmenter_fits(monkeypatch)
    grid = dict(augmenters=["jitter"], seeds=[0], budget="smoke", verbose=False)
    grid["classifier_params"] = QUICK
    classifiers = ["knn", "rocket", "resnet"]
    results = run_benchmark(["GunPoint"], classifiers=classifiers, output=tmp_path, **grid)
    assert set(results["status"]) == {"ok"} and len(results) == 6
    # one jitter fit serves all three (the ResNet's default holds nothing out; a ResNet
    # with selection="validation" would need a fit of its own on the series it keeps)
    assert len(fits) == 1
    assert len(list((tmp_path / "synthetic").glob("*.npz"))) == 1
    jitter = results.query("augmenter == 'jitter'")
    assert jitter["generator_fit_time"].nunique() == 1 and (jitter["n_synthetic"] == 50).all()
    cell = Cell("GunPoint", "jitter", "knn", 0, 1.0, "smoke")
    X_train, y_train = load_ucr("GunPoint", split="train")
    saved_path = synthetic_path(tmp_path / "synthetic", cell, X_train, y_train)
    with np.load(saved_path) as saved:
        assert saved["X"].shape == (50, 1, 150) and saved["y_codes"].shape == (50,)

    # the saved set is the one a fresh fit makes: same seed, same series, same score
    grid["classifier_params"] = {"rocket": QUICK["rocket"]}
    fresh = run_benchmark(
        ["GunPoint"], classifiers=["rocket"], output=tmp_path / "f", reuse_synthetic=False, **grid
    )
    assert len(fits) == 2 and not (tmp_path / "f" / "synthetic").exists()
    # rocket ran on the set knn's cell saved; here it runs on a fresh fit
    pair = jitter.merge(fresh, on="key", suffixes=("_saved", "_fresh"))
    assert len(pair) == 1 and pair["accuracy_saved"].item() == pair["accuracy_fresh"].item()

    # a set saved from other training data is refitted, not trusted
    other = dict(np.load(saved_path))
    np.savez(saved_path, **{**other, "fingerprint": "other"})
    assert run_cell(cell, synthetic_dir=tmp_path / "synthetic")["status"] == "ok"
    assert len(fits) == 3

    grid["classifier_params"] = {}
    run_benchmark(["GunPoint"], classifiers=["knn"], output=tmp_path, resume=False, **grid)
    assert len(fits) == 4  # a fresh start deletes the saved sets and refits


def test_resnet_cells_train_on_every_original_at_the_default_selection(tmp_path, monkeypatch):
    # ResNetClassifier selects on its training loss by default (the published protocol):
    # nothing is held out, the baseline trains on all 50 series, the augmented cell on
    # those plus one variant each (the hold-out with selection="validation" is tested
    # in test_augment.py)
    from tsaugment import ResNetClassifier

    seen = []
    fit = ResNetClassifier.fit

    def recorded(self, X, y, validation_data=None):
        seen.append((len(X), validation_data))
        return fit(self, X, y, validation_data=validation_data)

    monkeypatch.setattr(ResNetClassifier, "fit", recorded)
    grid = dict(augmenters=["jitter"], classifiers=["resnet"], seeds=[0], budget="smoke")
    grid["classifier_params"] = {"resnet": QUICK["resnet"]}
    results = run_benchmark(["GunPoint"], output=tmp_path, verbose=False, **grid)
    assert set(results["status"]) == {"ok"}
    (n_base, val_base), (n_aug, val_aug) = seen
    assert n_base == 50 and n_aug == 100 and val_base is None and val_aug is None
    jitter = results.query("augmenter == 'jitter'")
    assert (jitter["n_synthetic"] == 50).all() and (jitter["n_train"] == 50).all()


def test_dask_backend_with_a_local_cluster(tmp_path):
    pytest.importorskip("distributed")
    results = run_benchmark(
        ["GunPoint"], augmenters=["jitter"], output=tmp_path, backend="dask", n_jobs=2, **FAST
    )
    assert len(results) == 4 and set(results["status"]) == {"ok"}
    serial = run_benchmark(["GunPoint"], augmenters=["jitter"], output=tmp_path / "s", **FAST)
    merged = results.merge(serial, on="key", suffixes=("_dask", "_serial"))
    np.testing.assert_allclose(merged["accuracy_dask"], merged["accuracy_serial"])


def test_killed_run_resumes_with_every_cell_exactly_once(tmp_path):
    out = tmp_path / "run"
    cmd = [
        sys.executable,
        "-m",
        "tsaugment.cli",
        "benchmark",
        "--datasets",
        "GunPoint",
        "--augmenters",
        "jitter",
        "scaling",
        "window_slice",
        "--classifiers",
        "knn",
        "--seeds",
        "0",
        "1",
        "2",
        "--budget",
        "smoke",
        "--output",
        str(out),
        "--quiet",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = out / "results.csv"
    deadline = time.time() + 120
    while time.time() < deadline:  # wait until some cells have landed, then kill
        if results.exists() and len(results.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = len(ResultsStore(results).read())
    assert 1 <= partial < 12, "the kill should land partway through the 12 cells"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(results, on_bad_lines="skip", engine="python")
    frame = frame[pd.to_numeric(frame["complete"], errors="coerce") == 1]
    assert len(frame) == 12 and frame["key"].is_unique


def test_cli_help_and_unknown_names(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "benchmark" in capsys.readouterr().out
    assert main(["benchmark", "--augmenters", "nope", "--output", "unused", "--quiet"]) == 2
    assert "unknown augmenter" in capsys.readouterr().err
    assert main(["benchmark", "--datasets", "NoSuchSet", "--output", "unused", "--quiet"]) == 2
    assert "unknown data set 'NoSuchSet'" in capsys.readouterr().err


def test_cli_generate_writes_npz_and_csv(tmp_path):
    assert (
        main(
            [
                "generate",
                "--dataset",
                "GunPoint",
                "--generator",
                "jitter",
                "--n-samples",
                "7",
                "--output",
                str(tmp_path / "g.npz"),
            ]
        )
        == 0
    )
    with np.load(tmp_path / "g.npz") as data:
        assert data["X"].shape == (7, 1, 150) and set(data["y"]) <= {"1", "2"}
    csv_in = tmp_path / "in.csv"
    csv_in.write_text("a,1,2,3,4\na,1,2,3,5\nb,5,4,3,2\nb,6,4,3,2\n")
    assert (
        main(
            [
                "generate",
                "--csv",
                str(csv_in),
                "--generator",
                "scaling",
                "--n-samples",
                "3",
                "--output",
                str(tmp_path / "g.csv"),
            ]
        )
        == 0
    )
    lines = (tmp_path / "g.csv").read_text().splitlines()
    assert len(lines) == 3 and all(line.split(",")[0] in {"a", "b"} for line in lines)


def test_cli_generate_with_the_fidelity_budget_needs_labels(capsys, tmp_path):
    csv_in = tmp_path / "in.csv"
    csv_in.write_text("".join(f"{c},{i},{i + 1},{i * 2},{3 - i}\n" for c in "ab" for i in range(4)))
    args = ["generate", "--generator", "vae", "--budget", "fidelity", "--n-samples", "3"]
    assert main([*args, "--csv", str(csv_in), "--output", str(tmp_path / "g.npz")]) == 0
    with np.load(tmp_path / "g.npz") as data:
        assert data["X"].shape == (3, 1, 4)
    unlabelled = tmp_path / "u.csv"
    unlabelled.write_text("1,2,3,4\n2,3,4,5\n3,4,5,6\n")
    out = str(tmp_path / "u.npz")
    assert main([*args, "--csv", str(unlabelled), "--no-labels", "--output", out]) == 2
    assert "needs labelled data" in capsys.readouterr().err


def test_quality_command_scores_generators_beside_the_real_floor(capsys, tmp_path):
    args = ["quality", "--generators", "jitter", "--datasets", "stocks", "--iterations", "1"]
    args += ["--metric-iterations", "5", "--metric-runs", "2", "--output", str(tmp_path / "q.csv")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "real" in out and "jitter" in out and "discriminative" in out
    table = pd.read_csv(tmp_path / "q.csv")
    assert list(table["generator"]) == ["real", "jitter"]
    assert (table["metric_runs"] == 2).all()
    assert (table["discriminative_runs_std"] >= 0).all()
    assert (table["discriminative_trimmed"] <= table["discriminative"] + 1e-12).all()
    assert all(len(str(runs).split()) == 2 for runs in table["discriminative_runs"])


def test_quality_sines_channels_reach_the_data():
    from tsaugment.benchmark.quality import load_quality_data

    X, X_reference = load_quality_data("sines", 0, n_channels=4)
    assert X.shape == X_reference.shape == (10000, 4, 24)
    assert not np.allclose(X, X_reference)


def test_failed_cells_are_recorded_and_retried_on_rerun(tmp_path):
    store = ResultsStore(tmp_path / "results.csv")
    store.append(
        {
            **_row("GunPoint", "jitter", 0, ""),
            "status": "error",
            "error": "boom",
            "key": "GunPoint|jitter|knn|seed=0|ratio=1|budget=smoke",
        }
    )
    assert store.done_keys() == set()
    results = run_benchmark(
        ["GunPoint"],
        augmenters=["jitter"],
        output=tmp_path,
        classifiers=["knn"],
        seeds=[0],
        budget="smoke",
        verbose=False,
    )
    assert set(results["status"]) == {"ok"} and len(results) == 2


def test_learned_generators_run_in_the_grid(tmp_path):
    """TimeGAN, AVATAR and AAE fit class-conditionally on a UCR training split."""
    results = run_benchmark(
        ["GunPoint"],
        augmenters=["timegan", "avatar", "aae"],
        output=tmp_path,
        classifiers=["knn"],
        seeds=[0],
        budget="smoke",
        verbose=False,
    )
    assert set(results["status"]) == {"ok"}, results.get("error")
    learned = results.query("augmenter != 'none'")
    assert set(learned["augmenter"]) == {"timegan", "avatar", "aae"}
    assert (learned["n_synthetic"] == 50).all()
    assert learned["accuracy"].between(0, 1).all()


def test_tutorial_summary_drops_only_high_outliers():
    from tsaugment.benchmark.quality import drop_high_outliers

    runs = [0.10, 0.11, 0.12, 0.10, 0.11, 0.45, 0.01]
    kept = drop_high_outliers(runs)
    assert 0.45 not in kept and 0.01 in kept and len(kept) == 6
    np.testing.assert_array_equal(drop_high_outliers([0.1, 0.2, 0.3, 0.4]), [0.1, 0.2, 0.3, 0.4])


def test_store_refuses_a_field_the_schema_lacks(tmp_path):
    store = ResultsStore(tmp_path / "results.csv")
    with pytest.raises(ValueError, match="not_a_column"):
        store.append({**_row("A", "none", 0, 0.5), "not_a_column": 1})
    assert not store.path.exists()  # nothing written
    store.append(_row("A", "none", 0, 0.5))
    assert len(store.read()) == 1


# -- the catalogue --------------------------------------------------------------------


def test_catalogue_is_read_off_the_generator_classes():
    from tsaugment.benchmark import AUGMENTERS
    from tsaugment.utils import all_estimators

    names = list(AUGMENTERS)
    assert names[0] == "none" and len(names) == len(set(names))
    generators = [cls for _, cls in all_estimators("generator")]
    # every generator of the package names itself (an inherited name does not count)
    assert {vars(cls).get("benchmark_name") for cls in generators} == set(names) - {"none"}
    smoke = resolve_budget("smoke")
    for cls in generators:
        # a budget key, or a callable(settings) (the interface allows both)
        keys = {v for v in cls.benchmark_budget.values() if not callable(v)}
        assert keys <= {"iterations", "epochs"}
        built = make_augmenter(cls.benchmark_name, smoke, seed=4)
        assert type(built) is cls and built.random_state == 4
        for param, key in cls.benchmark_budget.items():
            expected = key(smoke) if callable(key) else smoke[key]
            assert built.get_params()[param] == expected


def test_cli_choices_follow_the_catalogue(capsys):
    from tsaugment.benchmark import AUGMENTERS

    with pytest.raises(SystemExit):
        main(["benchmark", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert all(name in help_text for name in AUGMENTERS)


def test_generator_written_outside_the_package_joins_the_grid(tmp_path):
    from tsaugment import JitterAugmenter
    from tsaugment.benchmark import AUGMENTERS, register, unregister

    class LoudJitter(JitterAugmenter):
        """Jitter with a budget-driven noise level (a user's class)."""

        benchmark_name = "loud_jitter"
        benchmark_budget = {"sigma": lambda settings: settings["iterations"] / 50}

    assert register(LoudJitter) is LoudJitter
    try:
        assert make_augmenter("loud_jitter", resolve_budget("smoke"), 0).sigma == 0.1
        with pytest.raises(ValueError, match="taken"):
            register(type("Other", (LoudJitter,), {}))
        # parallel workers do not import the test: the class travels with the cells
        results = run_benchmark(
            ["GunPoint"], augmenters=["loud_jitter"], output=tmp_path, n_jobs=2, **FAST
        )
        assert set(results["status"]) == {"ok"}, results["error"].tolist()
        assert set(results["augmenter"]) == {"none", "loud_jitter"}
    finally:
        unregister("loud_jitter")
    assert "loud_jitter" not in AUGMENTERS


def test_classifier_overrides_are_explicit_and_enter_the_key(tmp_path, capsys):
    from tsaugment.benchmark import make_classifier, parse_settings

    assert make_classifier("resnet", 0).get_params()["n_epochs"] > 2  # budgets never shorten it
    assert make_classifier("resnet", 0, params={"n_epochs": 2}).n_epochs == 2
    assert parse_settings(["resnet.n_epochs=2", "knn.distance=dtw"], scoped=True) == {
        "resnet": {"n_epochs": 2},
        "knn": {"distance": "dtw"},
    }
    with pytest.raises(ValueError, match="SCOPE.NAME=VALUE"):
        parse_settings(["n_epochs=2"], scoped=True)
    with pytest.raises(ValueError, match="no parameter"):
        run_benchmark(
            ["GunPoint"], output=tmp_path, classifier_params={"knn": {"n_epoch": 2}}, **FAST
        )
    with pytest.raises(ValueError, match="not among the classifiers"):
        run_benchmark(["GunPoint"], output=tmp_path, classifier_params={"vae": {}}, **FAST)
    args = ["benchmark", "--augmenters", "jitter", "--classifiers", "knn", "--seeds", "0"]
    args += ["--budget", "smoke", "--set", "knn.n_neighbors=3", "--output", str(tmp_path)]
    assert main([*args, "--quiet"]) == 0
    keys = list(ResultsStore(tmp_path / "results.csv").read()["key"])
    assert keys and all(key.endswith("|set=n_neighbors=3") for key in keys)


def test_quality_saves_then_scores_only(capsys, tmp_path):
    args = ["quality", "--generators", "jitter", "--datasets", "stocks", "--iterations", "1"]
    args += ["--metric-iterations", "5", "--set", "sigma=0.5", "--device", "cpu"]
    args += ["--no-floor", "--save-dir", str(tmp_path), "--output", str(tmp_path / "q.csv")]
    assert main(args) == 0
    saved = list(tmp_path.glob("*.npz"))
    assert [p.name for p in saved] == ["stocks_jitter_sigma-0.5_it1_seed0.npz"]
    assert main([*args, "--score-only"]) == 0
    table = pd.read_csv(tmp_path / "q.csv")
    assert list(table["generator"]) == ["jitter_sigma-0.5"] * 2
    assert table["fit_s"].nunique() == 1  # the saved set's fit time
    assert table["sample_s"].nunique() == 1 and table["sample_s"].notna().all()
    from tsaugment.benchmark.quality import QUALITY_COLUMNS

    assert list(table.columns) == QUALITY_COLUMNS


def test_cli_imports_a_module_that_registers_a_generator(tmp_path, monkeypatch):
    from tsaugment.benchmark import AUGMENTERS, unregister

    (tmp_path / "my_generators.py").write_text(
        "from tsaugment import ScalingAugmenter\n"
        "from tsaugment.benchmark import register\n\n\n"
        "@register\n"
        "class WideScaling(ScalingAugmenter):\n"
        '    """Scaling with a wide spread."""\n\n'
        '    benchmark_name = "wide_scaling"\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "g.npz"
    args = ["generate", "--import", "my_generators", "--dataset", "GunPoint"]
    try:
        assert main([*args, "--generator", "wide_scaling", "--output", str(out)]) == 0
        assert "wide_scaling" in AUGMENTERS
    finally:
        unregister("wide_scaling")
    with np.load(out) as saved:
        assert saved["X"].shape == (100, 1, 150)


def test_quality_draws_sines_once_for_every_seed(monkeypatch):
    from tsaugment.benchmark import quality

    drawn, load = [], quality.load_quality_data

    def recorded(name, seed=0, **kwargs):
        drawn.append(seed)
        return load(name, seed, **kwargs)

    monkeypatch.setattr(quality, "load_quality_data", recorded)
    table = quality.run_quality([], ["sines"], seeds=[0, 1, 2], floor=False)
    assert drawn == [0] and list(table.columns) == quality.QUALITY_COLUMNS
