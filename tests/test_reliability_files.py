"""Reliability of saved model files (issue 21, item 3): crafted files never run code.

Each test crafts one defect into a file written by ``save`` and checks that ``load``
refuses it with a ``ValueError`` naming the defect, with nothing run or changed.
"""

from __future__ import annotations

import io
import json
import pickle
import sys
import zipfile

import numpy as np
import pytest
import torch
from test_base import GaussianTestGenerator

from tsaugment import _persistence
from tsaugment.base import BaseGenerator
from tsaugment.generators import JitterAugmenter
from tsaugment.utils.estimator_checks import make_test_data


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """Files of a classic augmenter (no network) and of a generator with one."""
    folder = tmp_path_factory.mktemp("saved")
    X, y = make_test_data()
    classic, network = folder / "jitter.tsaug", folder / "gaussian.tsaug"
    JitterAugmenter(random_state=0).fit(X, y).save(classic)
    GaussianTestGenerator(random_state=0).fit(X, y).save(network)
    return {"classic": classic, "network": network}


def _rewrite(src, dst, members: dict):
    """Copy the zip ``src`` to ``dst``; a member given as bytes replaces (or adds) it,
    one given as None is left out."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = members.get(name, zin.read(name))
            if data is not None:
                zout.writestr(name, data)
        for name, data in members.items():
            if name not in zin.namelist() and data is not None:
                zout.writestr(name, data)
    return dst


def _json(path, name):
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read(name))


def _state_with(path, **changes):
    state = _json(path, "state.json")
    state.update(changes)
    return json.dumps(state).encode()


def _refused(cls, path, match):
    with pytest.raises(ValueError, match=match) as info:
        cls.load(path)
    assert type(info.value) is ValueError
    return info.value


def test_round_trip_still_loads(saved):
    for path, cls in (
        (saved["classic"], JitterAugmenter),
        (saved["network"], GaussianTestGenerator),
    ):
        assert isinstance(cls.load(path), cls)
    assert isinstance(BaseGenerator.load(saved["classic"]), JitterAugmenter)  # looked up


@pytest.mark.parametrize(
    "qualified", ["tsaugment_evil.Payload", "tsaugment_evil.x.Payload", "tsaugment.cli.main"]
)
def test_class_names_from_the_file_are_never_imported(saved, tmp_path, monkeypatch, qualified):
    # before: any module whose name started with "tsaugment" was imported (and a
    # tsaugment_evil.py in the working folder ran); tsaugment.cli.main would be called
    mark = tmp_path / "evil-ran"
    (tmp_path / "tsaugment_evil.py").write_text(
        f"open({str(mark)!r}, 'w').close()\nclass Payload:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    meta = _json(saved["classic"], "meta.json")
    meta["class"] = qualified
    path = _rewrite(saved["classic"], tmp_path / "evil.tsaug", {"meta.json": json.dumps(meta)})
    for cls in (BaseGenerator, JitterAugmenter):
        _refused(cls, path, "outside tsaugment's estimators")
    assert not mark.exists() and "tsaugment_evil" not in sys.modules


def test_zip_bomb_is_refused_before_inflating(saved, tmp_path, monkeypatch):
    # before: a 1.5 MB file inflated to 1.6 GB in memory; here the limit is lowered so
    # that a 30 MB bomb (30 KB on disk) shows the same
    monkeypatch.setattr(_persistence, "MIN_INFLATED_BYTES", 2**20)
    history = json.dumps({"history_": "x" * (30 * 2**20)}).encode()
    bomb = _rewrite(saved["classic"], tmp_path / "bomb.tsaug", {"state.json": history})
    assert bomb.stat().st_size < 2**20
    _refused(JitterAugmenter, bomb, "would inflate to 31,4[0-9,]+ bytes, more than the limit")
    buf = io.BytesIO()
    np.savez_compressed(buf, X_train_=np.zeros(30 * 2**20, dtype=np.uint8))
    nested = _rewrite(saved["classic"], tmp_path / "nested.tsaug", {"arrays.npz": buf.getvalue()})
    _refused(JitterAugmenter, nested, "inflate past the size limit")


def test_npy_header_may_not_claim_more_data_than_it_holds(saved, tmp_path):
    # before: numpy allocated what the header claimed (here 40 GB) before reading
    member = io.BytesIO()
    header = {"descr": "<f4", "fortran_order": False, "shape": (10**10,)}
    np.lib.format.write_array_header_1_0(member, header)
    member.write(b"\0" * 16)
    npz = io.BytesIO()
    with zipfile.ZipFile(npz, "w") as out:
        out.writestr("X_train_.npy", member.getvalue())
    path = _rewrite(saved["classic"], tmp_path / "lying.tsaug", {"arrays.npz": npz.getvalue()})
    _refused(JitterAugmenter, path, "shape that does not match its size")


@pytest.mark.parametrize(
    ("rng_state", "match"),
    [
        ({"bit_generator": "seed", "state": 123}, "bit generator 'seed'"),
        ({"bit_generator": "RandomState"}, "bit generator 'RandomState'"),
        ({"bit_generator": "PCG64", "state": "broken"}, "malformed rng"),
        ("not a dict", "bit generator None"),
    ],
)
def test_random_generator_state_is_checked_and_never_global(saved, tmp_path, rng_state, match):
    # before: {"bit_generator": "seed"} called np.random.seed(), reseeding numpy's global
    # generator; other bad states raised TypeError or AttributeError
    state = _state_with(saved["classic"], _rng_={"__kind__": "rng", "state": rng_state})
    path = _rewrite(saved["classic"], tmp_path / "rng.tsaug", {"state.json": state})
    np.random.seed(12345)
    expected = np.random.get_state()[1].copy()
    _refused(JitterAugmenter, path, match)
    assert np.array_equal(np.random.get_state()[1], expected)


def test_pickle_members_of_the_array_file_are_refused(saved, tmp_path):
    # before: a non-.npy member of arrays.npz was set as raw bytes on the estimator
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as npz:
        npz.writestr("classes_.pkl", pickle.dumps(["a", "b"]))
    path = _rewrite(saved["classic"], tmp_path / "pkl.tsaug", {"arrays.npz": buf.getvalue()})
    _refused(JitterAugmenter, path, "holds 'classes_.pkl', not a .npy array")
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.array([object(), "b"], dtype=object), allow_pickle=True)
    npz = io.BytesIO()
    with zipfile.ZipFile(npz, "w") as out:
        out.writestr("classes_.npy", buf.getvalue())
    path = _rewrite(saved["classic"], tmp_path / "obj.tsaug", {"arrays.npz": npz.getvalue()})
    _refused(JitterAugmenter, path, "dtype object, not plain data")


def test_missing_weights_are_refused_at_load(saved, tmp_path):
    # before: the estimator loaded without its network and failed at the first sample
    path = _rewrite(saved["network"], tmp_path / "noweights.tsaug", {"weights.pt": None})
    _refused(GaussianTestGenerator, path, "weights.pt is missing")
    meta = _json(saved["network"], "meta.json")
    del meta["model"]  # a file from before the flag: the class tells
    path = _rewrite(path, tmp_path / "old.tsaug", {"meta.json": json.dumps(meta)})
    _refused(GaussianTestGenerator, path, "weights.pt is missing")


def test_weights_that_are_not_tensors_give_our_error_not_torchs(saved, tmp_path):
    # before: torch's UnpicklingError reached the user, suggesting weights_only=False
    payload = pickle.dumps({"mean": torch.zeros(2), "x": print}, protocol=2)
    path = _rewrite(saved["network"], tmp_path / "w.tsaug", {"weights.pt": payload})
    err = _refused(GaussianTestGenerator, path, "weights.pt is not a plain state dict")
    assert "weights_only" not in str(err) and err.__suppress_context__
    buf = io.BytesIO()
    torch.save({"mean": [1, 2]}, buf)
    path = _rewrite(saved["network"], tmp_path / "w2.tsaug", {"weights.pt": buf.getvalue()})
    _refused(GaussianTestGenerator, path, "not a state dict of named tensors")


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"scaler_": "minmax"}, "'scaler_' is a str, not a ChannelMinMaxScaler"),
        (
            {"scaler_": {"__kind__": "scaler", "eps": 0, "min": ["a"], "range": [1]}},
            "scaler's min is not a list of numbers",
        ),
        ({"dtype_": {"__kind__": "dtype", "value": "O"}}, "dtype 'O' is not a numeric dtype"),
        ({"dtype_": {"__kind__": "dtype", "value": "no-such"}}, "malformed dtype"),
        ({"device_": {"__kind__": "device", "value": "nowhere"}}, "malformed device"),
        ({"n_channels_": "2"}, "'n_channels_' is '2', not an integer"),
        ({"_rng_": {"__kind__": "code", "value": 1}}, "unknown kind 'code'"),
        ({"fit": 1}, "'fit' would replace a parameter or method"),
        ({"__class__": 1}, "not a valid attribute name"),
    ],
)
def test_fitted_attributes_of_the_wrong_type_are_refused(saved, tmp_path, changes, match):
    # before: a scaler set to a string or a dtype of "O" loaded, then failed later
    path = _rewrite(
        saved["classic"],
        tmp_path / "s.tsaug",
        {"state.json": _state_with(saved["classic"], **changes)},
    )
    _refused(JitterAugmenter, path, match)


@pytest.mark.parametrize(
    ("member", "data", "match"),
    [
        ("meta.json", b"[1, 2]", "meta.json holds a list, not a dict"),
        ("params.json", b'{"no_such_param": 1}', "parameters JitterAugmenter does not have"),
        ("params.json", b"{", "params.json is not valid JSON"),
        ("state.json", None, "state.json is missing"),
        ("extra.bin", b"x", "unexpected members"),
    ],
)
def test_malformed_members_give_a_value_error_naming_them(saved, tmp_path, member, data, match):
    # before: AttributeError ('list' object has no attribute 'get'), TypeError
    # (unexpected keyword argument) or KeyError
    path = _rewrite(saved["classic"], tmp_path / "m.tsaug", {member: data})
    _refused(JitterAugmenter, path, match)
