"""The results file across versions of its schema: migration before appending, rows
read by the columns they were written with, and resume over a migrated file.
"""

from __future__ import annotations

import csv
import os
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from tsaugment.benchmark import Cell, ResultsStore, cell_config, run_benchmark
from tsaugment.benchmark._schema import COLUMNS, PAST_COLUMNS

OLD = PAST_COLUMNS[0]  # the 19 columns of the first results files


def _old_row(key, accuracy, **extra):
    dataset, augmenter, classifier, seed = key.split("|")[:4]
    return {
        "key": key,
        "dataset": dataset,
        "augmenter": augmenter,
        "classifier": classifier,
        "seed": seed.removeprefix("seed="),
        "ratio": 1.0,
        "budget": "small",
        "n_train": 50,
        "n_synthetic": 0 if augmenter == "none" else 50,
        "n_test": 150,
        "accuracy": accuracy,
        "balanced_accuracy": accuracy,
        "f1_macro": accuracy,
        "generator_fit_time": 0.0,
        "sample_time": 0.0,
        "classifier_time": 1.5,
        "status": "ok",
        "error": "",
        "complete": 1,
        **extra,
    }


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(rows)


def _append_raw(path, header, row):
    """What a store before migrations did: append with its own columns."""
    with open(path, "a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, fieldnames=header, restval="").writerow(row)


def _new_row(key, accuracy, fidelity):
    row = {k: v for k, v in _old_row(key, accuracy).items() if k in COLUMNS}
    row.pop("complete")
    return {**row, "label_fidelity": fidelity, "error": "ValueError: a, b"}


def _header(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_append_to_an_old_file_migrates_it_and_every_row_reads_right(tmp_path):
    path = tmp_path / "results.csv"
    _write(path, OLD, [_old_row("A|none|knn|seed=0", 0.5), _old_row("A|jitter|knn|seed=0", 0.6)])
    store = ResultsStore(path)
    with pytest.warns(RuntimeWarning, match="migrated to the current columns"):
        store.append(_new_row("A|scaling|knn|seed=0", 0.7, 0.9))
    assert _header(path) == COLUMNS
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing torn, nothing skipped
        frame = store.read().set_index("key")
        store.append(_new_row("A|none|knn|seed=1", 0.8, ""))  # no second migration
    assert list(frame.index) == ["A|none|knn|seed=0", "A|jitter|knn|seed=0", "A|scaling|knn|seed=0"]
    assert frame["accuracy"].tolist() == [0.5, 0.6, 0.7]
    assert frame["classifier_time"].tolist() == [1.5, 1.5, 1.5]
    assert frame["label_fidelity"].isna().tolist() == [True, True, False]
    assert frame.loc["A|scaling|knn|seed=0", "label_fidelity"] == 0.9
    assert frame.loc["A|scaling|knn|seed=0", "error"] == "ValueError: a, b"
    assert frame["status"].eq("ok").all() and frame["seed"].tolist() == [0, 0, 0]
    assert len(store.read()) == 4
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]  # no temp file left


def test_rows_appended_with_newer_columns_under_an_old_header_read_by_their_columns(tmp_path):
    """The file a store before migrations left: old header, rows of several schemas."""
    path = tmp_path / "results.csv"
    _write(path, OLD, [_old_row("A|none|knn|seed=0", 0.5)])
    newer = PAST_COLUMNS[1]
    _append_raw(path, newer, {**_new_row("A|jitter|knn|seed=0", 0.6, 0.75), "complete": 1})
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("A|scaling|knn|seed=0,A,scal\n")  # a torn row stays skipped
    store = ResultsStore(path)
    with pytest.warns(RuntimeWarning) as caught:
        frame = store.read().set_index("key")
    messages = " ".join(str(w.message) for w in caught)
    assert "1 row(s) have the columns of another version" in messages
    assert "skipped 1 torn or malformed row(s) (line 4)" in messages
    assert frame["accuracy"].tolist() == [0.5, 0.6]
    assert frame.loc["A|jitter|knn|seed=0", "label_fidelity"] == 0.75
    assert frame.loc["A|jitter|knn|seed=0", "status"] == "ok"
    with pytest.warns(RuntimeWarning, match="migrated"):
        store.append(_new_row("A|none|knn|seed=1", 0.8, ""))
    with pytest.warns(RuntimeWarning, match="skipped 1 torn") as caught:
        frame = store.read()
    assert len(caught) == 1  # the recovered row now sits under the right header
    assert sorted(frame["key"]) == ["A|jitter|knn|seed=0", "A|none|knn|seed=0", "A|none|knn|seed=1"]


def test_a_column_the_schema_does_not_know_is_kept(tmp_path):
    path = tmp_path / "results.csv"
    header = [*OLD[:-1], "note", "complete"]
    _write(path, header, [_old_row("A|none|knn|seed=0", 0.5, note="rerun on gpu, 2x")])
    store = ResultsStore(path)
    with pytest.warns(RuntimeWarning, match=r"kept columns of another version: \['note'\]"):
        store.append(_new_row("A|jitter|knn|seed=0", 0.6, 0.9))
    assert _header(path) == [*COLUMNS[:-1], "note", "complete"]
    frame = store.read().set_index("key")
    assert frame.loc["A|none|knn|seed=0", "note"] == "rerun on gpu, 2x"
    assert frame.loc["A|jitter|knn|seed=0", "note"] == ""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        store.append(_new_row("A|none|knn|seed=1", 0.7, ""))  # appended under that header
    assert len(store.read()) == 3


def test_a_header_that_cannot_be_mapped_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "results.csv"
    _write(path, OLD, [_old_row("A|none|knn|seed=0", 0.5)])
    text = path.read_text().replace(",balanced_accuracy,", ",accuracy,", 1)
    path.write_text(text)
    with pytest.raises(ValueError, match=r"names \['accuracy'\] more than once"):
        ResultsStore(path).append(_new_row("A|jitter|knn|seed=0", 0.6, 0.9))
    assert path.read_text() == text
    other = tmp_path / "other.csv"
    other.write_text("dataset,accuracy\nA,0.5\n")
    with pytest.raises(ValueError, match="not a results file"):
        ResultsStore(other).append(_new_row("A|jitter|knn|seed=0", 0.6, 0.9))
    assert other.read_text() == "dataset,accuracy\nA,0.5\n"


def test_a_migration_killed_before_its_rename_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "results.csv"
    _write(path, OLD, [_old_row("A|none|knn|seed=0", 0.5)])
    before = path.read_bytes()

    def killed(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        ResultsStore(path).append(_new_row("A|jitter|knn|seed=0", 0.6, 0.9))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]


def test_resume_skips_the_cells_of_a_migrated_file(tmp_path):
    grid = dict(
        augmenters=["jitter"], classifiers=["knn"], seeds=[0], budget="smoke", verbose=False
    )
    first = run_benchmark(["GunPoint"], output=tmp_path, **grid)
    assert len(first) == 2
    path = tmp_path / "results.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    _write(path, OLD, [{k: v for k, v in row.items() if k in OLD} for row in rows])
    grid["seeds"] = [0, 1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = run_benchmark(["GunPoint"], output=tmp_path, **grid).set_index("key")
    messages = [str(w.message) for w in caught]
    assert any("2 finished cell(s) predate configuration tracking" in m for m in messages)
    assert _header(path) == COLUMNS and len(again) == 4
    for row in rows:  # the old cells were not rerun: their rows are the old ones
        assert again.loc[row["key"], "classifier_time"] == float(row["classifier_time"])
        assert again.loc[row["key"], "accuracy"] == float(row["accuracy"])
    with open(path, newline="", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 4  # two old rows, two new cells


# -- configuration tracking ------------------------------------------------------------

GRID = dict(augmenters=["jitter"], classifiers=["knn"], budget="smoke", verbose=False)


def test_each_row_records_the_configuration_it_ran_with(tmp_path):
    results = run_benchmark(["GunPoint"], output=tmp_path, seeds=[0], **GRID)
    for row in results.itertuples():
        cell = Cell(row.dataset, row.augmenter, "knn", 0, 1.0, "smoke")
        assert row.config == cell_config(cell) and len(row.config) == 12
    jitter = Cell("GunPoint", "jitter", "knn", 0, 1.0, "smoke")
    assert cell_config(jitter) != cell_config(replace(jitter, augmenter="none"))
    assert cell_config(jitter) != cell_config(replace(jitter, augmenter="jitter+label"))
    assert cell_config(jitter) != cell_config(replace(jitter, augmenter="auto"))
    vae = replace(jitter, augmenter="vae")  # the budget reaches the generator's params
    assert cell_config(vae) != cell_config(replace(vae, budget="small"))
    assert cell_config(vae) == cell_config(replace(vae, dataset="Coffee", seed=3))
    resnet = replace(jitter, classifier="resnet")  # an override is part of it
    short = replace(resnet, classifier_params=(("n_epochs", 2),))
    assert cell_config(resnet) != cell_config(short)


def test_resume_reruns_only_the_cells_run_with_another_configuration(tmp_path, monkeypatch):
    import tsaugment.benchmark._grid as grid

    monkeypatch.setattr(grid, "__version__", "0.0.old")  # as if run by an older release
    run_benchmark(["GunPoint"], output=tmp_path, seeds=[0], **GRID)
    monkeypatch.undo()
    with pytest.warns(RuntimeWarning, match=r"2 finished cell\(s\) were run with another conf"):
        results = run_benchmark(["GunPoint"], output=tmp_path, seeds=[0, 1], **GRID)
    assert len(results) == 4
    assert set(results["config"]) == {
        cell_config(Cell("GunPoint", a, "knn", s, 1.0, "smoke"))
        for a in ("none", "jitter")
        for s in (0, 1)
    }
    with open(tmp_path / "results.csv", newline="", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 6  # 2 old rows superseded, 4 new
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # everything current: nothing to say, nothing to run
        again = run_benchmark(["GunPoint"], output=tmp_path, seeds=[0, 1], **GRID)
    assert again.equals(results)


def test_the_report_reads_old_and_new_files_alike(tmp_path):
    from tsaugment.benchmark import write_report

    run_benchmark(["GunPoint"], output=tmp_path / "new", seeds=[0, 1], **GRID)
    new = ResultsStore(tmp_path / "new" / "results.csv").read()
    (tmp_path / "old").mkdir()
    rows = new.drop(columns=[c for c in COLUMNS if c not in OLD]).to_dict("records")
    _write(tmp_path / "old" / "results.csv", OLD, rows)
    old = ResultsStore(tmp_path / "old" / "results.csv").read()
    assert list(old.columns) == list(new.columns) and (old["config"] == "").all()
    assert old["accuracy"].tolist() == new["accuracy"].tolist()
    old_report = write_report(old, tmp_path / "old")
    new_report = write_report(new, tmp_path / "new")
    # the same tables; the old file has no label fidelity to report
    assert "## Label fidelity" in new_report and "## Label fidelity" not in old_report
    assert "4 rows predate configuration tracking" in old_report
    assert "configuration" not in new_report
    assert new_report.startswith(
        old_report.replace(
            " 4 rows predate configuration tracking (no fingerprint): they may come from an "
            "older protocol.",
            "",
        )
    )
    mixed = new.copy()
    mixed.loc[mixed["seed"] == 1, "config"] = "0123456789ab"  # another protocol merged in
    mixed_report = write_report(mixed, tmp_path / "mixed")
    assert "Rows of 2 method(s) come from more than one configuration" in mixed_report
    assert "`jitter|knn|ratio=1|budget=smoke`" in mixed_report


def test_a_fingerprint_that_looks_like_a_number_reads_back_as_written(tmp_path):
    store = ResultsStore(tmp_path / "results.csv")
    for i, config in enumerate(["000123456789", "12e456789012"]):
        store.append({**_new_row(f"A|none|knn|seed={i}", 0.5, ""), "config": config})
    assert store.read()["config"].tolist() == ["000123456789", "12e456789012"]


def test_a_whole_old_file_migrates_to_the_same_frame(tmp_path):
    """migrate(), what a lead calls to repair a file in place, changes no value."""
    path = tmp_path / "results.csv"
    _write(path, OLD, [_old_row(f"A|none|knn|seed={s}", 0.5 + s / 10) for s in range(3)])
    _append_raw(path, PAST_COLUMNS[1], {**_new_row("A|jitter|knn|seed=0", 0.9, 0.8), "complete": 1})
    store = ResultsStore(path)
    with pytest.warns(RuntimeWarning):
        before = store.read()
    with pytest.warns(RuntimeWarning, match="migrated"):
        assert store.migrate()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        after = store.read()
        assert not store.migrate()  # nothing left to do
    assert _header(path) == COLUMNS and len(after) == 4
    pd.testing.assert_frame_equal(before, after)


def test_a_saved_synthetic_set_of_another_augmenter_configuration_is_refitted(
    tmp_path, monkeypatch
):
    from tsaugment.augment import Augmenter
    from tsaugment.benchmark import run_cell, synthetic_path
    from tsaugment.datasets import load_ucr

    fits, fit_resample = [], Augmenter.fit_resample
    monkeypatch.setattr(
        Augmenter, "fit_resample", lambda self, X, y: fits.append(1) or fit_resample(self, X, y)
    )
    cell = Cell("GunPoint", "jitter", "knn", 0, 1.0, "smoke")
    folder = tmp_path / "synthetic"
    assert run_cell(cell, synthetic_dir=folder)["status"] == "ok" and len(fits) == 1
    path = synthetic_path(folder, cell, *load_ucr("GunPoint", split="train"))
    saved = dict(np.load(path))
    assert len(str(saved["config"])) == 12
    np.savez(path, **{**saved, "config": "0123456789ab"})  # made by another version
    assert run_cell(cell, synthetic_dir=folder)["status"] == "ok" and len(fits) == 2
    np.savez(path, **{k: v for k, v in saved.items() if k != "config"})  # before configs
    assert run_cell(cell, synthetic_dir=folder)["status"] == "ok" and len(fits) == 2


@pytest.mark.parametrize("separator", ["\r", "\x0c", "\u2028", "\x85"])
def test_a_field_with_a_line_separator_other_than_newline_keeps_its_row(tmp_path, separator):
    # rows end in "\n" (or "\r\n"); str.splitlines also cut at these, tearing the row
    store = ResultsStore(tmp_path / "results.csv")
    error = f"RuntimeError: first{separator}second"
    store.append({**_new_row("A|none|knn|seed=0", "", ""), "status": "error", "error": error})
    store.append(_new_row("A|none|knn|seed=1", 0.5, ""))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no row is skipped as torn
        frame = store.read()
    assert frame["key"].tolist() == ["A|none|knn|seed=0", "A|none|knn|seed=1"]
    assert frame["error"].iloc[0] == error


def test_a_field_holding_a_carriage_return_survives_migration(tmp_path):
    path = tmp_path / "results.csv"
    _write(path, PAST_COLUMNS[0], [_old_row("A|none|knn|seed=0", 0.5, error="E: a\rb")])
    store = ResultsStore(path)
    with pytest.warns(RuntimeWarning, match="migrated"):
        store.append(_new_row("A|none|knn|seed=1", 0.8, ""))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = store.read()
    assert frame["error"].tolist() == ["E: a\rb", "ValueError: a, b"]


def test_accuracies_read_back_exactly_beside_a_failed_cell(tmp_path):
    # a failed cell leaves the accuracy field empty, so the column is read as text;
    # its numbers must still come back as written (they were 1 ulp off: equal
    # accuracies from two files then differed and a zero gain counted as a loss)
    store = ResultsStore(tmp_path / "results.csv")
    written = [149 / 150, 142 / 150, 0.1 + 0.2]
    for i, accuracy in enumerate(written):
        store.append(_new_row(f"A|none|knn|seed={i}", accuracy, ""))
    store.append({**_new_row("A|none|knn|seed=9", "", ""), "status": "error"})
    read = store.read().set_index("key")["accuracy"]
    assert [read[f"A|none|knn|seed={i}"] for i in range(3)] == written
    assert np.isnan(read["A|none|knn|seed=9"])


def test_a_file_of_the_previous_columns_reads_and_migrates_without_budget_passes(tmp_path):
    """Files written before ``budget_passes`` (every committed results file) stay readable."""
    path = tmp_path / "results.csv"
    previous = PAST_COLUMNS[-1]
    assert previous == [c for c in COLUMNS if c != "budget_passes"]
    _write(path, previous, [{**_new_row("A|none|knn|seed=0", 0.5, ""), "complete": 1}])
    frame = ResultsStore(path).read()
    assert frame["budget_passes"].isna().all() and frame["accuracy"].tolist() == [0.5]
    store = ResultsStore(path)
    with pytest.warns(RuntimeWarning, match="migrated"):
        store.append({**_new_row("A|vae|knn|seed=0", 0.6, 0.9), "budget_passes": 40.0})
    assert _header(path) == COLUMNS
    assert store.read().set_index("key")["budget_passes"].tolist()[1] == 40.0
