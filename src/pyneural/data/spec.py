"""Dataset specification: the columns of a table, their roles and their transforms.

A :class:`DatasetSpec` is plain data with an exact JSON round trip. Its JSON form
(the ``"dataset"`` object of a model spec) is::

    {"features": {"<column>": {<feature options>}, ...},      # every column, in table order
     "options":  [{"option": "squared", "exclude": [...], "incl_added_features": true}, ...]}

Feature options (all optional; defaults are omitted from ``to_dict``):

``role``            ``"input"`` (default), ``"output"`` (predicted), ``"id"`` or ``"unused"``
``date_format``     strftime format of a date column (its role must be ``"unused"``)
``add_month``       derive ``<name>_month`` (1..12), an input
``add_timestamp``   derive ``<name>_timestamp`` (unix seconds), an input
``map``             ``{"where": "all" | {"equal": v}, "replace_with": {"value": v} | {"feature": f}}``
``log10``           replace x by log10(x) (x > 0)
``squared``         derive ``<name>^2`` with the role of ``<name>`` (not allowed on outputs)
``one_hot``         replace the column by ``<name>=<category>`` 0/1 columns, categories sorted
``filter_outliers`` drop rows outside the Tukey fences [Q1 - 1.5 IQR, Q3 + 1.5 IQR]
``normalized``      min-max scaling (x - min) / (max - min); a constant column gets scale 1

Bulk options (``"options"``) turn one of ``log10``, ``squared``, ``filter_outliers``,
``normalized`` on for all model features (role input or output), for ``only`` some
features, or for all ``exclude`` some; with ``incl_added_features`` they also reach
features the pipeline derives (``_month``, ``_timestamp`` and, for the steps after
squaring, ``^2``). The resolution of all this into columns lives in
:mod:`pyneural.data.plan`.
"""

from __future__ import annotations

import copy
import csv
import json
import os
from collections.abc import Iterable, Mapping

from ..errors import SpecError
from .._jsonspec import _got, _json_object, _object, _str
from .feature import BULK_OPTIONS, ROLES, BulkOption, Feature, Map

__all__ = ["ROLES", "BULK_OPTIONS", "Feature", "Map", "BulkOption", "DatasetSpec"]


class DatasetSpec:
    """Which columns a table has and what the pipeline does to each.

    Parameters
    ----------
    features : mapping of str to Feature, or iterable of str
        The table's columns in order; bare names get the default :class:`Feature`.
    options : iterable of BulkOption

    Examples
    --------
    >>> spec = (DatasetSpec.from_columns(["id", "sqft", "price"])
    ...         .set("id", role="id").set("price", role="output", log10=True)
    ...         .add_option("normalized", incl_added_features=True))
    >>> spec.input_names(), spec.output_names()
    (['sqft'], ['price'])
    """

    def __init__(self, features=(), options=()):
        self.features: dict[str, Feature] = {}
        items = features.items() if isinstance(features, Mapping) else ((n, None) for n in features)
        for name, feat in items:
            path = f"dataset.features.{name}"
            _str(name, path, "a column name")
            if name in self.features:
                raise SpecError(path, "duplicate column name")
            if feat is not None and not isinstance(feat, Feature):
                raise SpecError(path, f"expected a Feature, got {type(feat).__name__}")
            self.features[name] = copy.deepcopy(feat) if feat is not None else Feature()
        self.options: list[BulkOption] = []
        for opt in options:
            if not isinstance(opt, BulkOption):
                raise SpecError(f"dataset.options[{len(self.options)}]",
                                f"expected a BulkOption, got {type(opt).__name__}")
            self.options.append(opt)

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_columns(cls, names: Iterable[str]) -> "DatasetSpec":
        """A spec with every column an input and no options."""
        return cls(list(names))

    @classmethod
    def from_frame(cls, df) -> "DatasetSpec":
        """A spec with one default feature per column of DataFrame ``df``."""
        return cls([str(c) if not isinstance(c, str) else c for c in df.columns])

    @classmethod
    def from_csv(cls, path, **csv_kwargs) -> "DatasetSpec":
        """A spec from the header of CSV file ``path`` (only the first line is read)."""
        with open(path, newline="", encoding=csv_kwargs.pop("encoding", "utf-8")) as f:
            header = next(csv.reader(f, **csv_kwargs), None)
        if not header:
            raise SpecError("dataset", f"{os.fspath(path)!s}: the CSV file has no header line")
        return cls(header)

    def set(self, names, **options) -> "DatasetSpec":
        """Set feature options on one column or a list of columns; returns ``self``.

        ``spec.set("price", role="output", log10=True)``;
        ``spec.set(["zipcode", "sqft_lot15"], role="unused")``.
        """
        for name in [names] if isinstance(names, str) else list(names):
            self.feature(name).update(_path=f"dataset.features.{name}", **options)
        return self

    def add_option(self, option: str, *, only=None, exclude=None,
                   incl_added_features: bool = False) -> "DatasetSpec":
        """Append a :class:`BulkOption`; returns ``self``."""
        path = f"dataset.options[{len(self.options)}]"
        self.options.append(BulkOption(option, only, exclude, incl_added_features, _path=path))
        return self

    def feature(self, name: str) -> Feature:
        """The :class:`Feature` of column ``name`` (a ``SpecError`` if there is none)."""
        if name not in self.features:
            raise SpecError(f"dataset.features.{name}", f"unknown column {_got(name)}")
        return self.features[name]

    def copy(self) -> "DatasetSpec":
        return copy.deepcopy(self)

    # -- JSON -----------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The spec as JSON-ready plain data (canonical: defaults omitted)."""
        d = {"features": {name: f.to_dict() for name, f in self.features.items()}}
        if self.options:
            d["options"] = [o.to_dict() for o in self.options]
        return d

    @classmethod
    def from_dict(cls, d, path: str = "dataset") -> "DatasetSpec":
        """Build and validate a spec from plain data; errors name the JSON path under ``path``."""
        d = _object(d, path, ("features", "options"))
        feats = d.get("features")
        if not isinstance(feats, Mapping) or not feats:
            raise SpecError(f"{path}.features", f"expected a non-empty object, got {_got(feats)}")
        feats = _object(feats, f"{path}.features", None)
        opts = d.get("options", [])
        if not isinstance(opts, list):
            raise SpecError(f"{path}.options", f"expected a list, got {_got(opts)}")
        spec = cls({name: Feature.from_dict(f, f"{path}.features.{name}") for name, f in feats.items()},
                   [BulkOption.from_dict(o, f"{path}.options[{i}]") for i, o in enumerate(opts)])
        return spec.validate(path)

    def to_json(self, path=None, *, indent: int | None = 2) -> str:
        """The JSON text (canonical key order); also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False)
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text + "\n")
        return text

    @classmethod
    def from_json(cls, path) -> "DatasetSpec":
        """Read a spec from JSON file ``path``."""
        with open(path, encoding="utf-8") as f:
            return cls.from_json_str(f.read())

    @classmethod
    def from_json_str(cls, text: str, path: str = "dataset") -> "DatasetSpec":
        """Parse JSON ``text``; a key given twice in an object is an error, not "last one wins"."""
        try:
            d = json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as exc:
            raise SpecError(path, f"invalid JSON: {exc}") from None
        return cls.from_dict(d, path)

    # -- semantics ------------------------------------------------------------------------
    def validate(self, path: str = "dataset") -> "DatasetSpec":
        """Check the whole spec (roles, option combinations, names); returns ``self``."""
        from .plan import build_plan

        build_plan(self, path)
        return self

    def plan(self, path: str = "dataset"):
        """The resolved :class:`~pyneural.data.plan.Plan` (derived columns, per-step columns)."""
        from .plan import build_plan

        return build_plan(self, path)

    def input_names(self, categories: Mapping[str, list] | None = None) -> list[str]:
        """Model input columns after the pipeline, in frame order.

        ``categories`` gives the categories of one-hot inputs (a fitted
        :class:`~pyneural.data.Pipeline` knows them: use its ``input_names()``).
        """
        return self.plan().names("input", categories)

    def output_names(self, categories: Mapping[str, list] | None = None) -> list[str]:
        """Model output (predicted) columns after the pipeline."""
        return self.plan().names("output", categories)

    @property
    def id_name(self) -> str | None:
        """The column with role ``"id"``, if any."""
        return next((n for n, f in self.features.items() if f.role == "id"), None)

    def __eq__(self, other):
        if not isinstance(other, DatasetSpec):
            return NotImplemented
        return list(self.features.items()) == list(other.features.items()) and self.options == other.options

    def __repr__(self):
        roles = {r: sum(f.role == r for f in self.features.values()) for r in ROLES}
        return (f"DatasetSpec({len(self.features)} features: "
                + ", ".join(f"{n} {r}" for r, n in roles.items() if n)
                + f"; {len(self.options)} bulk options)")

