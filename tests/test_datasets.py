from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tsaugment.datasets import list_ucr, load_stocks, load_ucr, make_sines


def test_load_ucr_falls_back_to_sktime_bundle(monkeypatch):
    monkeypatch.delenv("TSAUGMENT_DATA", raising=False)
    X, y = load_ucr("GunPoint", split="train")
    assert X.shape == (50, 1, 150)
    assert set(y) == {"1", "2"}
    X_all, y_all = load_ucr("GunPoint")
    assert X_all.shape == (200, 1, 150) and len(y_all) == 200
    X2, _ = load_ucr("GunPoint", split="test", return_type="numpy2D")
    assert X2.shape == (150, 150)


def test_load_ucr_multivariate_bundle():
    X, y = load_ucr("BasicMotions", split="train")
    assert X.shape == (40, 6, 100)
    assert "standing" in set(y)
    with pytest.raises(ValueError, match="univariate"):
        load_ucr("BasicMotions", split="train", return_type="numpy2D")


def _write_tsv(folder: Path, name: str, split: str, rows):
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(str(v) for v in row) for row in rows]
    (folder / f"{name}_{split}.tsv").write_text("\n".join(lines) + "\n")


def test_load_ucr_reads_tsv_archive_layout_with_nan_padding(tmp_path, monkeypatch):
    folder = tmp_path / "Toy"
    _write_tsv(folder, "Toy", "TRAIN", [[1, 0.5, 0.6, 0.7], [-1, 0.1, 0.2, "NaN"]])
    _write_tsv(folder, "Toy", "TEST", [["1.0000000e+00", 1, 2, 3]])
    X, y = load_ucr("Toy", split="train", root=tmp_path)
    assert X.shape == (2, 1, 3)
    assert np.isnan(X[1, 0, 2]) and X[0, 0, 1] == pytest.approx(0.6)
    assert list(y) == ["1", "-1"]
    monkeypatch.setenv("TSAUGMENT_DATA", str(tmp_path))
    X_all, y_all = load_ucr("Toy")
    assert X_all.shape == (3, 1, 3) and list(y_all) == ["1", "-1", "1"]
    assert list_ucr()["root"] == ["Toy"]


def test_load_ucr_reads_ts_layout(tmp_path):
    folder = tmp_path / "TsToy"
    folder.mkdir()
    header = (
        "@problemName TsToy\n@timeStamps false\n@univariate true\n@classLabel true a b\n@data\n"
    )
    (folder / "TsToy_TRAIN.ts").write_text(header + "1,2,3:a\n4,5,6:b\n")
    X, y = load_ucr("TsToy", split="train", root=tmp_path)
    assert X.shape == (2, 1, 3) and list(y) == ["a", "b"]


def test_unknown_name_lists_where_it_looked_and_what_exists(tmp_path):
    _write_tsv(tmp_path / "Toy", "Toy", "TRAIN", [[1, 0.5]])
    with pytest.raises(ValueError) as info:
        load_ucr("NoSuchSet", root=tmp_path)
    message = str(info.value)
    assert "NoSuchSet" in message and str(tmp_path) in message
    assert "Toy" in message and "GunPoint" in message


def test_load_ucr_argument_errors():
    with pytest.raises(ValueError, match="split"):
        load_ucr("GunPoint", split="validation")
    with pytest.raises(ValueError, match="return_type"):
        load_ucr("GunPoint", return_type="pandas")


def test_make_sines_matches_timegan_definition():
    X = make_sines(n_samples=200, seq_len=24, n_channels=5, random_state=1)
    assert X.shape == (200, 5, 24)
    assert X.min() >= 0.0 and X.max() <= 1.0
    # every channel is a sine of frequency and phase in [0, 0.1]: recover them
    raw = 2 * X - 1
    phase = np.arcsin(raw[..., 0])
    freq = np.arcsin(raw[..., 1]) - phase
    assert (phase >= 0).all() and (phase <= 0.1 + 1e-9).all()
    assert (freq >= -1e-9).all() and (freq <= 0.1 + 1e-9).all()
    np.testing.assert_array_equal(X, make_sines(200, 24, 5, random_state=1))
    assert make_sines().shape == (10000, 5, 24)


def test_load_stocks_is_timegan_preprocessing():
    X = load_stocks()
    assert X.shape == (3661, 6, 24)
    assert X.min() == pytest.approx(0.0) and X.max() == pytest.approx(1.0, abs=1e-6)
    # stride-1 windows in chronological order: consecutive windows overlap by 23 steps
    np.testing.assert_array_equal(X[0, :, 1:], X[1, :, :-1])
    assert load_stocks(seq_len=10).shape == (3675, 6, 10)


def test_load_coffee_from_shared_archive_when_present():
    root = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ucr"
    if not (root / "Coffee").is_dir():
        pytest.skip("the team's ../shared UCR folder is not on this machine")
    X_train, y_train = load_ucr("Coffee", split="train", root=root)
    X_test, y_test = load_ucr("Coffee", split="test", root=root)
    assert X_train.shape == (28, 1, 286) and X_test.shape == (28, 1, 286)
    assert set(y_train) == set(y_test) == {"0", "1"}
