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
"""

from __future__ import annotations

import importlib
import io
import json
import os
import zipfile

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


def _decode_value(value):
    """Invert :func:`_encode_value`."""
    if isinstance(value, list):
        return [_decode_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("__kind__")
    if kind == "rng":
        state = value["state"]
        bit_generator = getattr(np.random, state["bit_generator"])()
        bit_generator.state = state
        return np.random.Generator(bit_generator)
    if kind == "scaler":
        scaler = ChannelMinMaxScaler(eps=value["eps"])
        scaler.min_ = np.asarray(value["min"], dtype=np.float64)
        scaler.range_ = np.asarray(value["range"], dtype=np.float64)
        return scaler
    if kind == "device":
        return torch.device(value["value"])
    if kind == "dtype":
        return np.dtype(value["value"])
    if kind == "object_array":
        out = np.empty(len(value["value"]), dtype=object)
        out[:] = [_decode_value(v) for v in value["value"]]
        return out
    return {k: _decode_value(v) for k, v in value.items()}


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
        If the file is not a tsaugment estimator, is corrupt, or holds another class.
    """
    path = os.fspath(path)
    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read("meta.json"))
            if meta.get("format") != FORMAT:
                raise ValueError("its meta.json does not carry the tsaugment format tag")
            params = json.loads(zf.read("params.json"))
            state = json.loads(zf.read("state.json"))
            with np.load(io.BytesIO(zf.read("arrays.npz")), allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
            weights = None
            if "weights.pt" in zf.namelist():
                weights = torch.load(
                    io.BytesIO(zf.read("weights.pt")), map_location="cpu", weights_only=True
                )
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError) as err:
        raise ValueError(f"{path!r} is not a readable tsaugment estimator file ({err}).") from err
    if meta.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(
            f"{path!r} was written by a newer tsaugment (format version "
            f"{meta['format_version']}); upgrade tsaugment to read it."
        )
    qualified = meta.get("class", "")
    if expected_class is not None and qualified == _qualname(expected_class):
        cls = expected_class  # the caller named the class: nothing to import
    else:
        cls = _resolve_class(qualified, path)
    if expected_class is not None and not issubclass(cls, expected_class):
        raise ValueError(f"{path!r} holds a {cls.__name__}, not a {expected_class.__name__}.")
    estimator = cls(**params)
    for key, value in state.items():
        setattr(estimator, key, _decode_value(value))
    for key, value in arrays.items():
        setattr(estimator, key, value)
    if weights is not None:
        model = estimator._build_model()
        try:
            model.load_state_dict(weights)
        except RuntimeError as err:
            raise ValueError(
                f"the weights in {path!r} do not fit the {cls.__name__} network ({err})."
            ) from err
        estimator.model_ = model
    if hasattr(estimator, "_after_load"):
        estimator._after_load()
    return estimator


def _qualname(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _resolve_class(qualified: str, path: str):
    """Import an estimator class, refusing anything outside tsaugment.

    A file may name any class; importing and calling an arbitrary one would run code,
    so only tsaugment's own classes are resolved by name. A user-defined estimator is
    loaded through its own ``load`` (the class is then given, not imported).
    """
    module_name, _, class_name = qualified.rpartition(".")
    if not module_name.startswith("tsaugment") or not class_name:
        raise ValueError(f"{path!r} names a class outside tsaugment ({qualified!r}).")
    try:
        module = importlib.import_module(module_name)
        return getattr(module, class_name)
    except (ImportError, AttributeError) as err:
        raise ValueError(f"{path!r} names an unknown class {qualified!r}.") from err


def _version() -> str:
    from . import __version__

    return __version__
