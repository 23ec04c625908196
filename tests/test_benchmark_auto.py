"""The benchmark's "auto" and "<name>+label" augmenters and their row columns."""

from __future__ import annotations

import pandas as pd
import pytest

from tsaugment.benchmark import (
    Cell,
    ResultsStore,
    auto_report,
    make_augmenter,
    resolve_budget,
    run_benchmark,
    run_cell,
    write_report,
)


def test_names_auto_and_filtered_are_known():
    settings = resolve_budget("smoke")
    assert type(make_augmenter("jitter+label", settings, 0)).__name__ == "JitterAugmenter"
    with pytest.raises(ValueError, match="not a generator"):
        make_augmenter("auto", settings, 0)
    for bad in ("none+label", "nope+label", "auto+label"):
        with pytest.raises(ValueError, match="unknown augmenter"):
            make_augmenter(bad, settings, 0)


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


def test_rows_carry_label_fidelity_and_acceptance(tmp_path):
    results = run_benchmark(
        ["GunPoint"],
        augmenters=["jitter", "jitter+label"],
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
    read = ResultsStore(tmp_path / "results.csv").read()
    assert "label_fidelity" in read and "auto_choice" in read
    assert "Label fidelity" in auto_report(read)
    assert "Label fidelity" in write_report(read, tmp_path / "report")  # in report.md too
