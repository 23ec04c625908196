"""Saving and loading fitted estimators in a format that runs no code when read.

A saved estimator is one zip file holding

- ``meta.json``: format tag and version, the estimator's class (which must live in
  ``tsaugment``), the tsaugment version and the constructor parameters;
- ``state.json``: fitted attributes that are plain values (numbers, strings, lists,
  dicts, the numpy random generator's state, the scaler's numbers);
- ``arrays.npz``: fitted numpy arrays, read with ``allow_pickle=False``;
- ``weights.pt``: the state dict of the fitted network ``model_``, read with
  ``torch.load(weights_only=True)``.

The network itself is rebuilt by the estimator's ``_build_model()`` from its
parameters and fitted metadata, then its weights are loaded.

Reading trusts nothing in the file: the class is looked up among tsaugment's own
estimators (a name is never imported), member sizes are checked against a limit
before anything is inflated, each ``.npy`` header is checked before numpy allocates
what it claims, tagged values (random generator, scaler, device, dtype) are rebuilt
only from known kinds, and every defect is a ``ValueError`` naming it.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib

import numpy as np
import torch
from torch import nn

from ._scaling import ChannelMinMaxScaler

__all__ = ["save_estimator", "load_estimator"]

FORMAT = "tsaugment-estimator"
FORMAT_VERSION = 1


def _encode_value(value, key: str):
    """Encode one fitted attribute as JSON-able data (or raise TypeError)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.random.Generator):
        return {"__kind__": "rng", "state": value.bit_generator.state}
    if isinstance(value, ChannelMinMaxScaler):
        return {
            "__kind__": "scaler",
            "eps": value.eps,
            "min": value.min_.tolist(),
            "range": value.range_.tolist(),
        }
    if isinstance(value, torch.device):
        return {"__kind__": "device", "value": str(value)}
    if isinstance(value, np.dtype):
        return {"__kind__": "dtype", "value": value.str}
    if isinstance(value, np.ndarray) and value.dtype == object:
        return {"__kind__": "object_array", "value": [_encode_value(v, key) for v in value]}
    if isinstance(value, (list, tuple)):
        return [_encode_value(v, key) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode_value(v, key) for k, v in value.items()}
    raise TypeError(f"fitted attribute {key!r} of type {type(value).__name__} cannot be saved.")


# bit generators a saved numpy Generator may name (built fresh: never np.random's global)
_BIT_GENERATORS = {
    cls.__name__: cls
    for cls in (
        np.random.PCG64,
        np.random.PCG64DXSM,
        np.random.MT19937,
        np.random.Philox,
        np.random.SFC64,
    )
}
# dtypes a file may name: booleans and numbers (the input data's dtype), never objects
_DTYPE_KINDS = "biufc"
# dtypes of saved arrays: numbers, strings (class labels), dates
_ARRAY_KINDS = "biufcUSmM"
# fitted attributes of the base classes and the one type each must have when loaded
_ATTRIBUTE_TYPES = {
    "scaler_": ChannelMinMaxScaler,
    "_rng_": np.random.Generator,
    "device_": torch.device,
    "dtype_": np.dtype,
    "n_channels_": int,
    "n_timepoints_": int,
    "n_classes_": int,
    "seed_": int,
}
_MEMBERS = ("meta.json", "params.json", "state.json", "arrays.npz", "weights.pt")
#: Decompressed size a file may reach: this many times its own size, and at least
#: ``MIN_INFLATED_BYTES`` (a zip bomb of 1.5 MB that inflates to 1.6 GB is refused).
MAX_INFLATION = 100
MIN_INFLATED_BYTES = 256 * 2**20


class _Malformed(ValueError):
    """A part of the file does not hold what the format says it holds."""


def _decode_value(value, key: str):
    """Invert :func:`_encode_value`, checking each tagged value (``_Malformed`` if bad)."""
    if isinstance(value, list):
        return [_decode_value(v, key) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("__kind__")
    if kind is None:
        return {k: _decode_value(v, key) for k, v in value.items()}
    decode = _DECODERS.get(kind) if isinstance(kind, str) else None
    if decode is None:
        raise _Malformed(f"fitted attribute {key!r} has an unknown kind {kind!r}")
    try:
        return decode(value)
    except _Malformed as err:
        raise _Malformed(f"fitted attribute {key!r}: {err}") from None
    except (KeyError, TypeError, ValueError, RuntimeError, OverflowError) as err:
        raise _Malformed(f"fitted attribute {key!r} is a malformed {kind} ({err!r})") from None


def _decode_rng(value) -> np.random.Generator:
    state = value["state"]
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in _BIT_GENERATORS:
        raise _Malformed(
            f"the random generator names bit generator {name!r}, not one of "
            f"{sorted(_BIT_GENERATORS)}"
        )
    bit_generator = _BIT_GENERATORS[name]()
    bit_generator.state = state  # validates the rest of the state
    return np.random.Generator(bit_generator)


def _decode_scaler(value) -> ChannelMinMaxScaler:
    eps = value["eps"]
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps >= 0:
        raise _Malformed(f"the scaler's eps is {eps!r}, not a number >= 0")
    scaler = ChannelMinMaxScaler(eps=float(eps))
    for name in ("min", "range"):
        numbers = value[name]
        if not isinstance(numbers, list) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers
        ):
            raise _Malformed(f"the scaler's {name} is not a list of numbers")
    scaler.min_ = np.asarray(value["min"], dtype=np.float64)
    scaler.range_ = np.asarray(value["range"], dtype=np.float64)
    if scaler.min_.shape != scaler.range_.shape or not (
        np.isfinite(scaler.min_).all() and np.isfinite(scaler.range_).all()
    ):
        raise _Malformed("the scaler's min and range differ in length or are not finite")
    return scaler


def _decode_device(value) -> torch.device:
    if not isinstance(value["value"], str):
        raise _Malformed(f"the device is {value['value']!r}, not a string")
    return torch.device(value["value"])


def _decode_dtype(value) -> np.dtype:
    name = value["value"]
    if not isinstance(name, str):
        raise _Malformed(f"the dtype is {name!r}, not a string")
    dtype = np.dtype(name)
    if dtype.kind not in _DTYPE_KINDS or dtype.fields is not None:
        raise _Malformed(f"the dtype {name!r} is not a numeric dtype")
    return dtype


def _decode_object_array(value) -> np.ndarray:
    items = value["value"]
    if not isinstance(items, list) or not all(
        v is None or isinstance(v, (bool, int, float, str)) for v in items
    ):
        raise _Malformed("an object array may hold only numbers, strings and None")
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


_DECODERS = {
    "rng": _decode_rng,
    "scaler": _decode_scaler,
    "device": _decode_device,
    "dtype": _decode_dtype,
    "object_array": _decode_object_array,
}


def save_estimator(estimator, path) -> None:
    """Write a fitted estimator to ``path`` (see the module docstring for the format).

    Parameters
    ----------
    estimator : tsaugment estimator
        Fitted; its network, if any, is the attribute ``model_``.
    path : str or os.PathLike
        File to write.
    """
    params = estimator.get_params(deep=False)
    try:
        params_json = json.dumps(params)
    except TypeError as err:
        raise TypeError(
            f"cannot save {type(estimator).__name__}: a parameter is not a plain value "
            f"({err}); save supports parameters that are numbers, strings, None, lists "
            "or dicts (an int random_state, not a RandomState)."
        ) from err
    state, arrays, weights = {}, {}, None
    for key, value in vars(estimator).items():
        if key in params:
            continue
        if key == "model_" and isinstance(value, nn.Module):
            weights = {k: v.detach().cpu() for k, v in value.state_dict().items()}
        elif isinstance(value, np.ndarray) and value.dtype != object:
            arrays[key] = value
        else:
            state[key] = _encode_value(value, key)
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "class": _qualname(type(estimator)),
        "tsaugment_version": _version(),
        "model": weights is not None,
    }
    with zipfile.ZipFile(os.fspath(path), "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("meta.json", json.dumps(meta, indent=2))
        zf.writestr("params.json", params_json)
        zf.writestr("state.json", json.dumps(state))
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        zf.writestr("arrays.npz", buf.getvalue())
        if weights is not None:
            buf = io.BytesIO()
            torch.save(weights, buf)
            zf.writestr("weights.pt", buf.getvalue())


def load_estimator(path, expected_class=None):
    """Read an estimator written by :func:`save_estimator`.

    Reading runs no code from the file: the class is looked up among tsaugment's own
    estimators (never imported by a name from the file), every member is checked
    before use (sizes, JSON types, array dtypes, random generator states, tensor
    weights), and any defect is reported as a ``ValueError`` naming it.

    Parameters
    ----------
    path : str or os.PathLike
        File to read.
    expected_class : type, optional
        When given, the file must hold an instance of this class (or a subclass).

    Returns
    -------
    estimator : fitted tsaugment estimator, its network on its ``device``.

    Raises
    ------
    ValueError
        If the file is not a tsaugment estimator, is corrupt or malformed, would
        inflate to more than ``max(MIN_INFLATED_BYTES, MAX_INFLATION * its size)``
        bytes, or holds another class.
    """
    path = os.fspath(path)
    try:
        return _load(path, expected_class)
    except _Malformed as err:
        raise ValueError(f"{path!r} is not a valid tsaugment estimator file: {err}.") from None


def _load(path: str, expected_class):
    budget = max(MIN_INFLATED_BYTES, MAX_INFLATION * os.path.getsize(path))
    try:
        with zipfile.ZipFile(path) as zf:
            members = _read_members(zf, budget)
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        zlib.error,
    ) as err:
        if isinstance(err, FileNotFoundError):
            raise
        raise ValueError(f"{path!r} is not a readable tsaugment estimator file ({err}).") from None
    meta = _json_member(members, "meta.json", dict)
    if meta.get("format") != FORMAT:
        raise _Malformed("its meta.json does not carry the tsaugment format tag")
    version = meta.get("format_version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise _Malformed(f"its format version is {version!r}, not an integer")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{path!r} was written by a newer tsaugment (format version {version}); "
            "upgrade tsaugment to read it."
        )
    cls = _resolve_class(meta.get("class"), path, expected_class)
    if expected_class is not None and not issubclass(cls, expected_class):
        raise ValueError(f"{path!r} holds a {cls.__name__}, not a {expected_class.__name__}.")
    params = _json_member(members, "params.json", dict)
    unknown = sorted(set(params) - set(cls._get_param_names()))
    if unknown:
        raise _Malformed(f"params.json names parameters {cls.__name__} does not have: {unknown}")
    state = _json_member(members, "state.json", dict)
    attributes = {key: _decode_value(value, key) for key, value in state.items()}
    for key, value in _read_arrays(members, budget).items():
        if key in attributes:
            raise _Malformed(f"fitted attribute {key!r} is stored twice")
        attributes[key] = value
    for key, value in attributes.items():
        _check_attribute(cls, key, value, params)
    weights = _read_weights(members)
    has_model = meta.get("model")
    if has_model is None:  # files written before the flag: does the class build a network?
        has_model = _builds_network(cls)
    if has_model and weights is None:
        raise _Malformed(f"weights.pt is missing: a fitted {cls.__name__} has a network")
    estimator = cls(**params)
    for key, value in attributes.items():
        setattr(estimator, key, value)
    if weights is not None:
        try:
            model = estimator._build_model()
        except Exception as err:  # noqa: BLE001 - whatever the fitted values broke
            raise _Malformed(
                f"its fitted attributes do not describe a {cls.__name__} network ({err!r})"
            ) from None
        try:
            model.load_state_dict(weights)
        except RuntimeError as err:
            raise ValueError(
                f"the weights in {path!r} do not fit the {cls.__name__} network ({err})."
            ) from None
        estimator.model_ = model
    if hasattr(estimator, "_after_load"):
        estimator._after_load()
    return estimator


def _read_members(zf: zipfile.ZipFile, budget: int) -> dict[str, bytes]:
    """The members' bytes, after checking names and declared sizes against ``budget``."""
    infos = zf.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise _Malformed("a member is stored twice")
    unexpected = sorted(set(names) - set(_MEMBERS))
    if unexpected:
        raise _Malformed(f"it has unexpected members {unexpected}")
    total = sum(info.file_size for info in infos)
    if total > budget:
        raise _Malformed(
            f"its members would inflate to {total:,} bytes, more than the limit of "
            f"{budget:,} ({MAX_INFLATION} times the file's size, at least "
            f"{MIN_INFLATED_BYTES:,})"
        )
    members = {}
    for info in infos:
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
        if len(data) != info.file_size:
            raise _Malformed(f"{info.filename} is not as long as its header says")
        members[info.filename] = data
    return members


def _json_member(members: dict, name: str, kind: type):
    if name not in members:
        raise _Malformed(f"{name} is missing")
    try:
        value = json.loads(members[name])
    except (ValueError, UnicodeDecodeError, RecursionError) as err:
        raise _Malformed(f"{name} is not valid JSON ({err})") from None
    if not isinstance(value, kind):
        raise _Malformed(f"{name} holds a {type(value).__name__}, not a {kind.__name__}")
    return value


def _read_arrays(members: dict, budget: int) -> dict[str, np.ndarray]:
    """The arrays of ``arrays.npz``: plain ``.npy`` members of numbers or strings.

    Each member's header is read first: its dtype must be plain data and its shape
    must match the member's size (a header may not make numpy allocate more than the
    file holds), and all members together stay within ``budget`` bytes.
    """
    if "arrays.npz" not in members:
        raise _Malformed("arrays.npz is missing")
    blob = members["arrays.npz"]
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as inner:
            infos = inner.infolist()
            if sum(info.file_size for info in infos) > budget:
                raise _Malformed("the arrays in arrays.npz would inflate past the size limit")
            for info in infos:
                if not info.filename.endswith(".npy"):
                    raise _Malformed(f"arrays.npz holds {info.filename!r}, not a .npy array")
                with inner.open(info) as fh:
                    _check_npy_header(fh, info)
        arrays = {}
        with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
            for key in npz.files:
                arrays[key] = npz[key]
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as err:
        raise _Malformed(f"arrays.npz is not a readable .npz file ({err})") from None
    except ValueError as err:
        if isinstance(err, _Malformed):
            raise
        raise _Malformed(f"arrays.npz holds an array that is not plain data ({err})") from None
    return arrays


def _check_npy_header(fh, info: zipfile.ZipInfo) -> None:
    """Refuse an .npy member whose dtype is not plain data or whose shape lies."""
    fmt = np.lib.format
    version = fmt.read_magic(fh)
    if version == (1, 0):
        shape, _, dtype = fmt.read_array_header_1_0(fh)
    elif version in ((2, 0), (3, 0)):
        shape, _, dtype = fmt.read_array_header_2_0(fh)
    else:
        raise _Malformed(f"{info.filename} has an unknown .npy version {version}")
    if dtype.hasobject or dtype.kind not in _ARRAY_KINDS:
        raise _Malformed(f"array {info.filename!r} has dtype {dtype}, not plain data")
    header = fh.tell() if fh.seekable() else None
    data = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if header is not None and header + data != info.file_size:
        raise _Malformed(f"array {info.filename!r} has a shape that does not match its size")


def _read_weights(members: dict):
    """The network's state dict (tensors only), or None when the file has none."""
    if "weights.pt" not in members:
        return None
    try:
        weights = torch.load(
            io.BytesIO(members["weights.pt"]), map_location="cpu", weights_only=True
        )
    except Exception as err:  # noqa: BLE001 - torch raises many kinds; none may reach the user
        # torch's own message suggests weights_only=False (running the file's code): not shown
        raise _Malformed(
            f"weights.pt is not a plain state dict of tensors ({type(err).__name__})"
        ) from None
    if not isinstance(weights, dict) or not all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in weights.items()
    ):
        raise _Malformed("weights.pt is not a state dict of named tensors")
    return weights


def _check_attribute(cls, key, value, params) -> None:
    """A fitted attribute must be a new name of the expected type."""
    if not isinstance(key, str) or not key.isidentifier() or key.startswith("__"):
        raise _Malformed(f"{key!r} is not a valid attribute name")
    if key in params or hasattr(cls, key):
        raise _Malformed(f"fitted attribute {key!r} would replace a parameter or method")
    expected = _ATTRIBUTE_TYPES.get(key)
    if expected is None:
        return
    if expected is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _Malformed(f"fitted attribute {key!r} is {value!r}, not an integer >= 0")
    elif not isinstance(value, expected):
        raise _Malformed(
            f"fitted attribute {key!r} is a {type(value).__name__}, not a {expected.__name__}"
        )


def _builds_network(cls) -> bool:
    """Whether fitted instances of ``cls`` have a network (``model_``) to load."""
    from .base import BaseGenerator

    build = getattr(cls, "_build_model", None)
    return build is not None and build is not getattr(BaseGenerator, "_build_model", None)


def _qualname(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _resolve_class(qualified, path: str, expected_class):
    """The estimator class a file names, looked up, never imported by that name.

    A file may name any class; importing and calling an arbitrary one would run code,
    so a name resolves only to the class the caller asked for or to one of the
    estimators :func:`tsaugment.utils.discovery.all_estimators` lists. A
    user-defined estimator is loaded through its own ``load`` (the class is then given).
    """
    if not isinstance(qualified, str) or not qualified:
        raise _Malformed("its meta.json names no class")
    if expected_class is not None and qualified == _qualname(expected_class):
        return expected_class
    from .utils.discovery import all_estimators

    known = {_qualname(cls): cls for _, cls in all_estimators()}
    if qualified not in known:
        raise ValueError(f"{path!r} names a class outside tsaugment's estimators ({qualified!r}).")
    return known[qualified]


def _version() -> str:
    from . import __version__

    return __version__
