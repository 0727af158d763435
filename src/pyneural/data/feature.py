"""Per-feature options of a dataset spec: :class:`Feature`, :class:`Map`, :class:`BulkOption`.

Each has ``to_dict()`` / ``from_dict(d, path)``; type errors are :class:`SpecError`
naming the JSON path. The options are described in :mod:`pyneural.data.spec`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .._jsonspec import _bool, _got, _object, _str
from ..errors import SpecError

__all__ = ["ROLES", "BULK_OPTIONS", "FEATURE_KEYS", "Feature", "Map", "BulkOption"]

ROLES = ("input", "output", "id", "unused")
BULK_OPTIONS = ("log10", "squared", "filter_outliers", "normalized")
_FLAGS = ("add_month", "add_timestamp", "log10", "squared", "one_hot", "filter_outliers", "normalized")
FEATURE_KEYS = ("role", "date_format", "add_month", "add_timestamp", "map", "log10", "squared",
                "one_hot", "filter_outliers", "normalized")


def _scalar(value, path: str):
    """A map value: a finite number, a string or a boolean (no null, no containers)."""
    ok = isinstance(value, (bool, int, str)) or (isinstance(value, float) and math.isfinite(value))
    if not ok:
        raise SpecError(path, f"expected a finite number, a string or true/false, got {_got(value)}")
    return value


def _names(value, path: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise SpecError(path, f"expected a list of column names, got {_got(value)}")
    seen = set()
    for i, name in enumerate(value):
        _str(name, f"{path}[{i}]", "a column name")
        if name in seen:
            raise SpecError(f"{path}[{i}]", f"duplicate name {_got(name)}")
        seen.add(name)
    return tuple(value)


class _AllRows:
    """The "every row" selector of a :class:`Map` (a singleton, also through copies and pickles)."""

    def __repr__(self):
        return "ALL"

    def __reduce__(self):
        return "_ALL"


_ALL = _AllRows()


class Map:
    """Replace the values of a feature in the selected rows; the other rows are kept.

    Parameters
    ----------
    equal : scalar, optional
        Select the rows whose value equals ``equal``; by default every row.
    value : scalar, optional
        Replace with this constant ...
    feature : str, optional
        ... or with the value of this other feature in the same row (exactly one
        of ``value`` and ``feature``).

    Examples
    --------
    >>> Map(equal=0, feature="yr_built")      # yr_renovated == 0 -> yr_built
    Map(equal=0, feature='yr_built')
    """

    __slots__ = ("equal", "value", "feature")

    def __init__(self, *, equal=_ALL, value=None, feature=None, _path="map"):
        if (value is None) == (feature is None):
            raise SpecError(f"{_path}.replace_with", "expected exactly one of value and feature")
        self.equal = equal if equal is _ALL else _scalar(equal, f"{_path}.where.equal")
        self.value = None if value is None else _scalar(value, f"{_path}.replace_with.value")
        self.feature = None if feature is None else _str(feature, f"{_path}.replace_with.feature",
                                                         "a column name")

    @property
    def selects_all(self) -> bool:
        """True when the map replaces the value in every row (``"where": "all"``)."""
        return self.equal is _ALL

    def to_dict(self) -> dict:
        """The JSON object: ``{"where": "all" | {"equal": v}, "replace_with": {"value": v} | {"feature": f}}``."""
        where = "all" if self.selects_all else {"equal": self.equal}
        repl = {"feature": self.feature} if self.feature is not None else {"value": self.value}
        return {"where": where, "replace_with": repl}

    @classmethod
    def from_dict(cls, d, path: str = "map") -> "Map":
        """Validate the JSON object ``d`` found at ``path``; ``where`` defaults to ``"all"``."""
        d = _object(d, path, ("where", "replace_with"))
        if "replace_with" not in d:
            raise SpecError(f"{path}.replace_with",
                            'missing (expected {"value": v} or {"feature": name})')
        where = d.get("where", "all")
        if where == "all":
            equal = _ALL
        else:
            where = _object(where, f"{path}.where", ("equal",))
            if "equal" not in where:
                raise SpecError(f"{path}.where", 'expected "all" or {"equal": value}')
            equal = where["equal"]
        repl = _object(d["replace_with"], f"{path}.replace_with", ("value", "feature"))
        return cls(equal=equal, value=repl.get("value"), feature=repl.get("feature"), _path=path)

    def __eq__(self, other):
        if not isinstance(other, Map):
            return NotImplemented
        # Compare the JSON forms so 0 and 0.0 (or 1 and true) stay distinct.
        return _got(self.to_dict()) == _got(other.to_dict())

    def __hash__(self):
        return hash(_got(self.to_dict()))

    def __repr__(self):
        args = [] if self.selects_all else [f"equal={self.equal!r}"]
        args.append(f"feature={self.feature!r}" if self.feature is not None else f"value={self.value!r}")
        return f"Map({', '.join(args)})"


class Feature:
    """Role and per-feature options of one column.

    Parameters
    ----------
    role : {"input", "output", "id", "unused"}
        ``input`` (default): a model input; ``output``: predicted; ``id``:
        passed through unchanged and used to join predictions (at most one);
        ``unused``: not in the model (it may still feed derived features or a map).
    date_format : str, optional
        strftime format of a date column, e.g. ``"%Y%m%dT%H%M%S"``; the column's
        role must be ``"unused"``.
    add_month : bool
        Derive ``<name>_month`` (1..12), an input. Needs ``date_format``.
    add_timestamp : bool
        Derive ``<name>_timestamp`` (unix seconds), an input. Needs ``date_format``.
    map : Map or dict, optional
        Replace values in selected rows (a :class:`Map` or its JSON object).
    log10 : bool
        Replace x by log10(x); every value must be positive.
    squared : bool
        Derive ``<name>^2`` with this column's role (not allowed on outputs).
    one_hot : bool
        Replace the column by ``<name>=<category>`` 0/1 columns, categories sorted.
    filter_outliers : bool
        Drop rows outside Tukey's fences ``[Q1 - 1.5 IQR, Q3 + 1.5 IQR]``.
    normalized : bool
        Min-max scaling ``(x - min) / (max - min)``, fit on training rows.

    Examples
    --------
    >>> Feature(role="output", log10=True)
    Feature(role='output', log10=True)
    """

    __slots__ = FEATURE_KEYS

    def __init__(self, role="input", date_format=None, add_month=False, add_timestamp=False,
                 map=None, log10=False, squared=False, one_hot=False, filter_outliers=False,
                 normalized=False, *, _path="feature"):
        self.role = self.date_format = self.map = None
        self.update(role=role, date_format=date_format, add_month=add_month,
                    add_timestamp=add_timestamp, map=map, log10=log10, squared=squared,
                    one_hot=one_hot, filter_outliers=filter_outliers, normalized=normalized,
                    _path=_path)

    def update(self, _path: str = "feature", **options) -> "Feature":
        """Set options in place, checking each one's type.

        All options are checked before any is set, so an error leaves the feature as it was.

        Parameters
        ----------
        **options
            Any of the constructor's parameters.

        Returns
        -------
        Feature
            ``self``.
        """
        checked = {}
        for key, value in options.items():
            path = f"{_path}.{key}"
            if key not in FEATURE_KEYS:
                raise SpecError(path, f"unknown key (expected one of {', '.join(FEATURE_KEYS)})")
            if key == "role":
                if not isinstance(value, str) or value not in ROLES:
                    raise SpecError(path, f"expected one of {', '.join(_got(r) for r in ROLES)}, "
                                          f"got {_got(value)}")
            elif key == "date_format":
                if value is not None and (not isinstance(value, str) or "%" not in value):
                    raise SpecError(path, "expected a strftime format such as \"%Y-%m-%d\", "
                                          f"got {_got(value)}")
            elif key == "map":
                if isinstance(value, Mapping):
                    value = Map.from_dict(value, path)
                elif value is not None and not isinstance(value, Map):
                    raise SpecError(path, f"expected a Map or an object, got {_got(value)}")
            else:
                _bool(value, path)
            checked[key] = value
        for key, value in checked.items():
            setattr(self, key, value)
        return self

    def to_dict(self) -> dict:
        """The JSON object of this feature.

        Returns
        -------
        dict
            Options at their default are omitted (``{}`` for a plain input).
        """
        d = {}
        if self.role != "input":
            d["role"] = self.role
        if self.date_format is not None:
            d["date_format"] = self.date_format
        for key in FEATURE_KEYS:
            if key == "map" and self.map is not None:
                d["map"] = self.map.to_dict()
            elif key in _FLAGS and getattr(self, key):
                d[key] = True
        return {k: d[k] for k in FEATURE_KEYS if k in d}

    @classmethod
    def from_dict(cls, d, path: str = "feature") -> "Feature":
        """Validate the JSON object ``d`` found at ``path``; errors are ``SpecError`` naming it."""
        return cls(_path=path, **_object(d, path, FEATURE_KEYS))

    def __eq__(self, other):
        if not isinstance(other, Feature):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in FEATURE_KEYS)

    def __repr__(self):
        return f"Feature({', '.join(f'{k}={v!r}' for k, v in self.to_dict().items())})"


class BulkOption:
    """One boolean option applied to many features at once (the report's ``add_opt``).

    Parameters
    ----------
    option : {"log10", "squared", "filter_outliers", "normalized"}
    only : list of str, optional
        Exactly these features (raw or derived). Exclusive with ``exclude``.
    exclude : list of str, optional
        All model features (role input or output) except these.
    incl_added_features : bool
        Also apply to the features the pipeline derives before this option's step.
    """

    __slots__ = ("option", "only", "exclude", "incl_added_features")

    def __init__(self, option, only=None, exclude=None, incl_added_features=False, *, _path="option"):
        if not isinstance(option, str) or option not in BULK_OPTIONS:
            raise SpecError(f"{_path}.option",
                            f"expected one of {', '.join(_got(o) for o in BULK_OPTIONS)}, got {_got(option)}")
        if only is not None and exclude is not None:
            raise SpecError(_path, "only and exclude cannot be combined")
        self.option = option
        self.only = None if only is None else _names(only, f"{_path}.only")
        self.exclude = () if exclude is None else _names(exclude, f"{_path}.exclude")
        self.incl_added_features = _bool(incl_added_features, f"{_path}.incl_added_features")

    def to_dict(self) -> dict:
        """The JSON object; ``only``, ``exclude`` and ``incl_added_features`` only when set."""
        d = {"option": self.option}
        if self.only is not None:
            d["only"] = list(self.only)
        if self.exclude:
            d["exclude"] = list(self.exclude)
        if self.incl_added_features:
            d["incl_added_features"] = True
        return d

    @classmethod
    def from_dict(cls, d, path: str = "option") -> "BulkOption":
        """Validate the JSON object ``d`` found at ``path``; errors are ``SpecError`` naming it."""
        d = _object(d, path, ("option", "only", "exclude", "incl_added_features"))
        if "option" not in d:
            raise SpecError(f"{path}.option", "missing")
        return cls(_path=path, **d)

    def __eq__(self, other):
        if not isinstance(other, BulkOption):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __repr__(self):
        return f"BulkOption({', '.join(f'{k}={v!r}' for k, v in self.to_dict().items())})"
