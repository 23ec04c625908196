"""Reliability suite, data input (issue 21, items 4, 5 and 7): the bad-input table.

Every case is run over every estimator it applies to, found by
``tsaugment.utils.all_estimators`` (a new estimator joins by existing). Each case was
a silent wrong result or an unhelpful traceback before; each must now be a clear
``ValueError`` naming the problem, or the right output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsaugment.utils import all_estimators
from tsaugment.utils.estimator_checks import get_test_params

GENERATORS = all_estimators("generator")
CLASSIFIERS = all_estimators("classifier")
SAMPLERS = all_estimators("sampler")
FITTABLE = [(n, c) for n, c in all_estimators() if hasattr(c, "fit")]


def _ids(pairs):
    return [name for name, _ in pairs]


def _make(cls):
    est = cls(**get_test_params(cls))
    if "random_state" in est.get_params(deep=False) and est.random_state is None:
        est.set_params(random_state=0)
    return est


def _data(n_per_class=6, n_channels=2, n_timepoints=16, offset=0.0, seed=0):
    rng = np.random.default_rng(seed)
    X = offset + rng.normal(size=(2 * n_per_class, n_channels, n_timepoints))
    X[n_per_class:] += np.sin(np.arange(n_timepoints) / 2.0)
    y = np.array(["a"] * n_per_class + ["b"] * n_per_class)
    return X, y


def _fit(est, X, y):
    if hasattr(est, "fit"):
        return est.fit(X, y)
    return est.fit_resample(X, y)


# -- X ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "cls"), FITTABLE, ids=_ids(FITTABLE))
def test_complex_X_is_refused(name, cls):
    X, y = _data()
    with pytest.raises(ValueError, match="complex"):
        _fit(_make(cls), X + 1j * X, y)


@pytest.mark.parametrize(("name", "cls"), GENERATORS, ids=_ids(GENERATORS))
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_generators_return_the_input_float_dtype(name, cls, dtype):
    X, y = _data()
    gen = _make(cls).fit(X.astype(dtype), y)
    X_new, _ = gen.sample(3)
    assert X_new.dtype == dtype
    assert gen.transform(X.astype(dtype), y).dtype == dtype


@pytest.mark.parametrize(("name", "cls"), GENERATORS, ids=_ids(GENERATORS))
def test_generators_keep_float64_precision_far_from_zero(name, cls):
    # On 1e8 + N(0, 1) float32 has a step of 8: results computed in float32 and cast
    # back all lie on that grid.
    X, y = _data(offset=1e8)
    gen = _make(cls).fit(X, y)
    for out in (gen.sample(6)[0], gen.transform(X, y)):
        on_float32_grid = out.astype(np.float32).astype(np.float64) == out
        assert on_float32_grid.mean() < 0.5


def test_jitter_moves_large_values_by_its_sigma_only():
    from tsaugment import JitterAugmenter

    X, y = _data(offset=1e8, n_per_class=10, n_timepoints=30)
    moved = JitterAugmenter(sigma=0.03, random_state=0).fit(X, y).transform(X, y) - X
    # 0.03 x the channel std (about 1): 600 draws stay well within 0.3 (float32: ~4)
    assert np.abs(moved).max() < 0.3
    assert 0.01 < moved.std() < 0.06


def test_scaling_multiplies_the_values_as_given_not_rounded_to_float32():
    from tsaugment import ScalingAugmenter

    X, y = _data(offset=1e8)
    ratio = ScalingAugmenter(random_state=0).fit(X, y).transform(X, y) / X
    # one factor per series and channel: float32 input rounding would make it vary by ~1e-7
    assert np.ptp(ratio, axis=-1).max() < 1e-12


# -- y ---------------------------------------------------------------------------------
BAD_LABELS = {
    "nan in object labels": (
        lambda y: np.array([v if v == "a" else np.nan for v in y], dtype=object),
        "missing",
    ),
    "pd.NA": (lambda y: pd.Series(y, dtype="string").where(y == "a", pd.NA), "missing"),
    "None": (lambda y: [None if v == "b" else v for v in y], "missing"),
    "float nan": (lambda y: np.where(y == "a", 0.0, np.nan), "NaN"),
    "mixed types (object array)": (
        lambda y: np.array([v if v == "a" else 1 for v in y], dtype=object),
        "mixes kinds",
    ),
    "mixed types (list)": (lambda y: [v if v == "a" else 1 for v in y], "mixes kinds"),
}


@pytest.mark.parametrize("case", list(BAD_LABELS), ids=list(BAD_LABELS))
@pytest.mark.parametrize(("name", "cls"), FITTABLE, ids=_ids(FITTABLE))
def test_bad_labels_are_refused_with_the_reason(name, cls, case):
    make_y, message = BAD_LABELS[case]
    X, y = _data()
    with pytest.raises(ValueError, match=message):
        _fit(_make(cls), X, make_y(y))


@pytest.mark.parametrize(("name", "cls"), SAMPLERS, ids=_ids(SAMPLERS))
def test_samplers_say_y_is_required(name, cls):
    X, _ = _data()
    with pytest.raises(ValueError, match="y is required"):
        _make(cls).fit_resample(X, None)


@pytest.mark.parametrize(("name", "cls"), GENERATORS, ids=_ids(GENERATORS))
def test_transform_checks_y_length_after_an_unconditional_fit(name, cls):
    X, y = _data()
    gen = _make(cls).fit(X)
    with pytest.raises(ValueError, match="3 labels but X has 12 series"):
        gen.transform(X, y[:3])


# -- layout at predict time ------------------------------------------------------------
@pytest.mark.parametrize(("name", "cls"), CLASSIFIERS, ids=_ids(CLASSIFIERS))
@pytest.mark.parametrize(("shape", "message"), [((4, 3, 16), "channels"), ((4, 2, 12), "length")])
def test_classifiers_name_a_layout_other_than_fit(name, cls, shape, message):
    X, y = _data()
    clf = _make(cls).fit(X, y)
    X_bad = np.random.default_rng(1).normal(size=shape)
    with pytest.raises(ValueError, match=message):
        clf.predict(X_bad)
    with pytest.raises(ValueError, match=message):
        clf.predict_proba(X_bad)


def test_sktime_minirocket_channel_mismatch_is_named():
    pytest.importorskip("numba")
    from sktime.classification.kernel_based import RocketClassifier

    from tsaugment.classifiers import SktimeClassifier

    X, y = _data(n_timepoints=20)
    clf = SktimeClassifier(RocketClassifier(rocket_transform="minirocket", num_kernels=84))
    clf.fit(X, y)
    with pytest.raises(ValueError, match="3 channels, but 2 were seen in fit"):
        clf.predict(np.zeros((2, 3, 20)))


# -- load_ucr (item 5) -----------------------------------------------------------------
def _put(root, name, text):
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}_TRAIN.tsv").write_text(text)


def test_load_ucr_explicit_root_without_the_set_raises_instead_of_falling_back(tmp_path):
    from tsaugment.datasets import load_ucr

    _put(tmp_path, "Toy", "1\t0.5\t0.6\n")
    with pytest.raises(ValueError) as info:
        load_ucr("GunPoint", split="train", root=tmp_path)
    message = str(info.value)
    assert str(tmp_path) in message and "GunPoint_TRAIN.tsv" in message and "Toy" in message
    with pytest.raises(ValueError, match="does not exist"):
        load_ucr("GunPoint", split="train", root=tmp_path / "typo")


def test_load_ucr_falls_back_to_sktime_only_without_root(monkeypatch):
    from tsaugment.datasets import load_ucr

    monkeypatch.delenv("TSAUGMENT_DATA", raising=False)
    assert load_ucr("GunPoint", split="train")[0].shape == (50, 1, 150)


@pytest.mark.parametrize("sep", [" ", "  ", ",", "\t"], ids=["space", "spaces", "comma", "tab"])
def test_load_ucr_detects_the_delimiter(tmp_path, sep):
    from tsaugment.datasets import load_ucr

    _put(tmp_path, "Sep", f"1{sep}0.1{sep}0.2{sep}0.3\n2{sep}0.3{sep}0.2{sep}0.1\n")
    X, y = load_ucr("Sep", split="train", root=tmp_path)
    assert X.shape == (2, 1, 3) and list(y) == ["1", "2"]
    assert X[1, 0, 0] == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "holds no series"),
        ("\n\n", "holds no series"),
        ("1\t0.1\t0.2\n2\t0.3\tabc\n", r"line 2, column 3: 'abc' is not a number"),
        ("1\t0.1\n2\n", "line 2: found a label but no values"),
    ],
    ids=["empty", "blank lines", "bad value", "label only"],
)
def test_load_ucr_unreadable_files_name_file_and_line(tmp_path, text, message):
    from tsaugment.datasets import load_ucr

    _put(tmp_path, "Bad", text)
    with pytest.raises(ValueError, match=message) as info:
        load_ucr("Bad", split="train", root=tmp_path)
    assert "Bad_TRAIN.tsv" in str(info.value)


def test_benchmark_explicit_root_without_the_set_is_refused_up_front(tmp_path):
    from tsaugment.benchmark import run_benchmark

    _put(tmp_path, "Toy", "1\t0.5\t0.6\n")
    with pytest.raises(ValueError, match="GunPoint.*under --root"):
        run_benchmark(["GunPoint"], root=tmp_path, output=tmp_path / "out", verbose=False)


# -- the command line (item 7) ---------------------------------------------------------
def _run_cli(*args, timeout=120):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def test_top_level_help_loads_neither_torch_nor_sktime_and_is_fast():
    code = (
        "import sys, time, contextlib, io\n"
        "start = time.perf_counter()\n"
        "from tsaugment.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(time.perf_counter() - start)\n"
        "print(sorted(m for m in ('torch', 'sktime', 'sklearn', 'pandas') if m in sys.modules))\n"
    )
    result = _run_cli("-c", code)
    assert result.returncode == 0, result.stderr
    seconds, loaded = result.stdout.split("\n")[:2]
    assert loaded == "[]"
    assert float(seconds) < 1.0


def test_python_dash_m_tsaugment_runs_the_command_line():
    result = _run_cli("-m", "tsaugment", "--help")
    assert result.returncode == 0, result.stderr
    for command in ("benchmark", "report", "generate", "quality"):
        assert command in result.stdout


def _subparsers():
    import argparse

    from tsaugment.cli import build_parser

    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action.choices


def test_every_option_of_every_command_has_one_help_text_and_one_default():
    import re

    commands = _subparsers()
    assert commands
    for name, sub in commands.items():
        assert sub.description, f"{name} has no description"
        for action in sub._actions:
            if action.dest == "help":
                continue
            flag = "/".join(action.option_strings) or action.dest
            assert action.help, f"tsaugment {name} {flag} has no help text"
        text = sub.format_help()
        blocks = re.split(r"\n  (?=-)", text)  # one block per option
        for block in blocks:
            assert block.count("default:") <= 1, f"tsaugment {name}: doubled default in {block!r}"


def test_benchmark_all_with_a_missing_folder_says_so(tmp_path, capsys):
    from tsaugment.cli import main

    missing = tmp_path / "no" / "such"
    assert main(["benchmark", "--root", str(missing), "--datasets", "all"]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "does not exist" in err


def test_generate_checks_its_output_before_fitting(tmp_path, monkeypatch, capsys):
    import tsaugment.benchmark
    from tsaugment.cli import main

    def no_fit(*args, **kwargs):
        raise AssertionError("the generator was built before the output was checked")

    monkeypatch.setattr(tsaugment.benchmark, "make_augmenter", no_fit)
    blocker = tmp_path / "file"
    blocker.write_text("")
    for output, message in [
        (tmp_path / "out.txt", "must end in .npz or .csv"),
        (blocker / "out.npz", "cannot create the output folder"),
        (tmp_path, "is a folder"),
    ]:
        if output == tmp_path:
            output = tmp_path / "dir.csv"
            output.mkdir()
        assert main(["generate", "--dataset", "GunPoint", "--output", str(output)]) == 2
        assert message in capsys.readouterr().err


def test_generate_csv_output_quotes_labels(tmp_path):
    import csv

    from tsaugment.cli import main

    source = tmp_path / "in.csv"
    rows = [
        [label, *np.round(np.sin(np.arange(8) + k), 3)]
        for k, label in enumerate(["a, b", "a, b", 'say "c"', 'say "c"', "a, b", 'say "c"'])
    ]
    with open(source, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "out.csv"
    assert main(["generate", "--csv", str(source), "--n-samples", "6", "--output", str(out)]) == 0
    with open(out, newline="") as handle:
        back = list(csv.reader(handle))
    assert len(back) == 6 and all(len(row) == 9 for row in back)
    assert {row[0] for row in back} <= {"a, b", 'say "c"'}


# -- scores that are not meaningful (item 7) -------------------------------------------
def test_discriminative_score_warns_when_the_posthoc_gru_did_not_learn():
    from tsaugment.datasets import make_sines
    from tsaugment.metrics import ScoreWarning, discriminative_score

    real = make_sines(200, random_state=0)
    synth = make_sines(200, random_state=1) * 0.5
    with pytest.warns(ScoreWarning, match="not meaningful.*constant classifier"):
        score = discriminative_score(real, synth, n_iter=5, random_state=0)
    assert score < 0.05  # what reads as "perfect" is flagged


def test_discriminative_score_warns_on_too_few_held_out_series():
    from tsaugment.datasets import make_sines
    from tsaugment.metrics import ScoreWarning, discriminative_score

    real = make_sines(20, random_state=0)
    noise = np.random.default_rng(0).uniform(size=real.shape)
    with pytest.warns(ScoreWarning, match="too coarse|not meaningful"):
        discriminative_score(real, noise, n_iter=20, random_state=0)


def test_discriminative_score_of_a_working_gru_does_not_warn():
    import warnings

    from tsaugment.datasets import make_sines
    from tsaugment.metrics import ScoreWarning, discriminative_score

    real = make_sines(200, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScoreWarning)
        assert discriminative_score(real, np.ones_like(real), n_iter=200, random_state=0) > 0.3


def test_csv_series_are_read_exactly(tmp_path):
    # pandas' default float parser can be one unit in the last place off
    from tsaugment.cli import _read_csv_series

    source = tmp_path / "in.csv"
    source.write_text("a,0.9988888888888889,0.1\nb,0.3,0.7\n")
    X, y = _read_csv_series(source, has_labels=True)
    assert X[0, 0, 0] == 899 / 900 and list(y) == ["a", "b"]
