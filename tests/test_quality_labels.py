"""`tsaugment quality` on labelled data: label fidelity and TSTR of class-conditional
synthetic sets beside the test split's floor (issue 20, item 1).
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from tsaugment import JitterAugmenter
from tsaugment.benchmark import register, unregister
from tsaugment.benchmark.quality import QUALITY_COLUMNS, run_quality
from tsaugment.cli import main


class SwappedJitter(JitterAugmenter):
    """Jitter that draws each series from the next class: labels that lie."""

    benchmark_name = "swapped_jitter"

    def _sample_scaled(self, n_samples, y_codes, rng):
        return super()._sample_scaled(n_samples, (y_codes + 1) % self.n_classes_, rng)


def test_quality_on_a_labelled_set_reports_label_fidelity_and_tstr(capsys, tmp_path):
    args = ["quality", "--generators", "jitter", "--datasets", "GunPoint"]
    args += ["--metric-iterations", "5", "--output", str(tmp_path / "q.csv")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "label_fidelity" in out and "tstr" in out and "discriminative" in out
    table = pd.read_csv(tmp_path / "q.csv")
    assert list(table.columns) == QUALITY_COLUMNS
    table = table.set_index("generator")
    assert list(table.index) == ["real", "jitter"] and set(table["dataset"]) == {"GunPoint"}
    # the floor: MiniRocket fitted on the training split, accuracy on the test split
    assert table.loc["real", "label_fidelity"] == table.loc["real", "tstr"] > 0.9
    assert table.loc["jitter", "label_fidelity"] > 0.9 and table.loc["jitter", "tstr"] > 0.9
    assert table[["discriminative", "predictive"]].notna().all().all()


def test_label_fidelity_exposes_series_drawn_for_the_wrong_class():
    register(SwappedJitter)
    try:
        table = run_quality(
            ["jitter", "swapped_jitter"], ["GunPoint"], timegan_scores=False, floor=False
        ).set_index("generator")
    finally:
        unregister("swapped_jitter")
    assert table.loc["jitter", "label_fidelity"] > 0.9
    assert table.loc["swapped_jitter", "label_fidelity"] < 0.2  # two classes, swapped
    assert table.loc["swapped_jitter", "tstr"] < 0.2  # trained on lying labels
    assert table[["discriminative", "predictive", "metric_runs"]].isna().all().all()


def test_saved_labelled_sets_score_again_with_their_labels(tmp_path):
    common = dict(timegan_scores=False, floor=False, save_dir=tmp_path)
    first = run_quality(["jitter"], ["GunPoint"], **common)
    with np.load(next(tmp_path.glob("GunPoint_jitter_*.npz"))) as saved:
        assert saved["y_codes"].shape == (50,)
    again = run_quality(["jitter"], ["GunPoint"], score_only=True, **common)
    pd.testing.assert_frame_equal(first, again)


def test_unlabelled_data_keeps_its_columns_and_old_files(tmp_path):
    untimed = [c for c in QUALITY_COLUMNS if c != "sample_s"]  # before sampling was timed
    old = tmp_path / "old.csv"
    with open(old, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(untimed[:-2])  # and before label fidelity
    table = run_quality(["jitter"], ["stocks"], metric_iterations=5, floor=False, output=old)
    assert table[["label_fidelity", "tstr"]].isna().all().all()
    assert table["sample_s"].notna().all()
    assert list(pd.read_csv(old).columns) == untimed[:-2]  # appended to as it was
    newer = tmp_path / "newer.csv"
    with open(newer, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(untimed)
    run_quality(["jitter"], ["GunPoint"], timegan_scores=False, floor=False, output=newer)
    assert list(pd.read_csv(newer).columns) == untimed
    with pytest.raises(ValueError, match="not \\["):  # labelled rows need the new columns
        run_quality(["jitter"], ["GunPoint"], timegan_scores=False, output=old)
    with pytest.raises(ValueError, match="no labels"):
        run_quality(["jitter"], ["stocks"], timegan_scores=False)
    with pytest.raises(ValueError, match="no labels"):  # its Sines rows would be empty
        run_quality(["jitter"], ["sines", "GunPoint"], timegan_scores=False)
    with pytest.raises(ValueError, match="unknown data set 'NoSuchSet'"):
        run_quality(["jitter"], ["NoSuchSet"])
