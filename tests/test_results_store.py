"""The results file across versions of its schema: migration before appending, rows
read by the columns they were written with, and resume over a migrated file.
"""

from __future__ import annotations

import csv
import os
import warnings

import pytest

from tsaugment.benchmark import ResultsStore, run_benchmark
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
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        again = run_benchmark(["GunPoint"], output=tmp_path, **grid).set_index("key")
    assert _header(path) == COLUMNS and len(again) == 4
    for row in rows:  # the old cells were not rerun: their rows are the old ones
        assert again.loc[row["key"], "classifier_time"] == float(row["classifier_time"])
        assert again.loc[row["key"], "accuracy"] == float(row["accuracy"])
    with open(path, newline="", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 4  # two old rows, two new cells
