"""On-disk cache of the pipeline's stateless stage.

An entry's key is the SHA-256 of the input frame's bytes (column names, dtypes,
index and values), the spec's canonical JSON and the versions of pyneural, pandas
and NumPy, so a cached frame can never be stale: any change gives another key.
Entries are ``.npz`` files read with ``allow_pickle=False`` and written atomically
(a temporary file in the same folder, then ``os.replace``), so a crash or a
concurrent writer never leaves a partial file under a valid name.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .._validation import check_path

__all__ = ["StatelessCache", "frame_digest", "cache_key"]

_FORMAT = 1  # bump when the file layout changes


def _text(values) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-32 string array with "" for missing, missing mask) of any 1-D values."""
    arr = np.asarray(values, dtype=object)
    mask = pd.isna(arr)
    return np.where(mask, "", arr).astype(str), mask


def _column_bytes(values) -> bytes:
    """Unambiguous bytes of a column: raw numbers, or missing mask + lengths + fixed-width text."""
    arr = np.asarray(values)
    if arr.dtype.kind in "biufcmM":
        return arr.dtype.str.encode() + np.ascontiguousarray(arr).tobytes()
    text, mask = _text(arr)
    lengths = np.char.str_len(text).astype(np.int64)  # fixed-width text pads with NULs
    return b"text" + mask.tobytes() + lengths.tobytes() + text.tobytes()


def frame_digest(df: pd.DataFrame) -> str:
    """SHA-256 (hex) of everything in ``df`` that the stateless stage can see."""
    h = hashlib.sha256()
    h.update(json.dumps([[str(c), str(t)] for c, t in df.dtypes.items()]).encode())
    idx = df.index
    h.update(repr((idx.start, idx.stop, idx.step)).encode() if isinstance(idx, pd.RangeIndex)
             else _column_bytes(idx.to_numpy()))
    for c in df.columns:
        h.update(_column_bytes(df[c].to_numpy()))
    return h.hexdigest()


def cache_key(df: pd.DataFrame, spec_json: str) -> str:
    """The key of ``df`` run through the stateless stage of the spec with canonical JSON ``spec_json``."""
    from .. import __version__

    h = hashlib.sha256()
    for part in (f"format {_FORMAT}", __version__, pd.__version__, np.__version__, spec_json,
                 frame_digest(df)):
        h.update(part.encode() + b"\x00")
    return h.hexdigest()


def _encode(series: pd.Series):
    """(kind, array, mask or None) for a column, or None when it cannot be stored without pickle."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        return "numpy", series.to_numpy(), None
    if isinstance(dtype, pd.StringDtype):
        text, mask = _text(series.to_numpy())
        return "string", text, mask
    if dtype == object:
        arr = series.to_numpy()
        mask = pd.isna(arr)
        if not all(isinstance(v, str) for v in arr[~mask]):
            return None
        return "object", np.where(mask, "", arr).astype(str), mask
    return None


def _decode(kind: str, dtype: str, arr: np.ndarray, mask) -> pd.Series:
    if kind == "numpy":
        return pd.Series(arr, dtype=np.dtype(dtype), copy=False)
    values = arr.astype(object)
    values[mask] = None
    return pd.Series(values, dtype=dtype if kind == "string" else object, copy=False)


class StatelessCache:
    """A folder of cached stateless-stage frames (see the module docstring).

    Parameters
    ----------
    directory : str or os.PathLike
        Created on first write.

    Attributes
    ----------
    hits, misses : int
        Lookups that found / did not find an entry.
    """

    def __init__(self, directory):
        self.directory = check_path(directory, "cache_dir")
        self.hits = 0
        self.misses = 0

    def path(self, key: str) -> Path:
        return self.directory / f"stateless-{key}.npz"

    def load(self, key: str) -> pd.DataFrame | None:
        """The cached frame of ``key``, or None (also for an unreadable entry)."""
        try:
            with np.load(self.path(key), allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode())
                cols = {}
                for i, (name, kind, dtype) in enumerate(meta["columns"]):
                    mask = z[f"m{i}"] if kind != "numpy" else None
                    cols[name] = _decode(kind, dtype, z[f"c{i}"], mask)
                rng = meta["range"]
                index = (pd.RangeIndex(*rng, name=meta["index_name"]) if rng is not None
                         else pd.Index(z["index"], name=meta["index_name"]))
        except (OSError, KeyError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        df = pd.DataFrame(cols)
        df.index = index
        return df

    def store(self, key: str, df: pd.DataFrame) -> bool:
        """Write ``df`` under ``key`` atomically; False (nothing written) if a dtype is unsupported."""
        index = df.index.to_numpy()
        if (index.dtype.kind not in "iu" or df.columns.has_duplicates
                or not isinstance(df.index.name, (str, type(None)))):
            return False
        arrays, columns = {"index": index}, []
        for i, name in enumerate(df.columns):
            enc = _encode(df[name])
            if enc is None or not isinstance(name, str):
                return False
            kind, arr, mask = enc
            columns.append([name, kind, str(df[name].dtype)])
            arrays[f"c{i}"] = arr
            if mask is not None:
                arrays[f"m{i}"] = mask
        rng = df.index
        rng = [rng.start, rng.stop, rng.step] if isinstance(rng, pd.RangeIndex) else None
        meta = {"columns": columns, "index_name": df.index.name, "range": rng}
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".stateless-", suffix=".tmp", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
            os.replace(tmp, self.path(key))
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return True
