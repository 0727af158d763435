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

from .._io import atomic_write_text
from .._jsonspec import _got, _json_object, _object, _read_spec_file, _str
from .._validation import check_path
from ..errors import InvalidTypeError, SpecError
from .feature import BULK_OPTIONS, ROLES, BulkOption, Feature, Map

__all__ = ["ROLES", "BULK_OPTIONS", "Feature", "Map", "BulkOption", "DatasetSpec"]


class DatasetSpec:
    """Which columns a table has and what the pipeline does to each.

    Parameters
    ----------
    features : mapping of str to Feature, or iterable of str
        The table's columns in order; bare names get the default :class:`~pyneural.data.Feature`.
    options : iterable of BulkOption
        Options applied to many features at once, in order (see :meth:`add_option`).

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
        """A spec with every column an input and no options.

        Parameters
        ----------
        names : iterable of str
            Column names, in table order.

        Returns
        -------
        DatasetSpec
        """
        if isinstance(names, (str, bytes)) or not isinstance(names, Iterable):
            raise InvalidTypeError(f"names: expected an iterable of column names, got {type(names).__name__}")
        return cls(list(names))

    @classmethod
    def from_frame(cls, df) -> "DatasetSpec":
        """A spec with one default feature (an input) per column of a DataFrame.

        Parameters
        ----------
        df : DataFrame
            Only its column names are used.

        Returns
        -------
        DatasetSpec
        """
        return cls([str(c) if not isinstance(c, str) else c for c in df.columns])

    @classmethod
    def from_csv(cls, path, **csv_kwargs) -> "DatasetSpec":
        """A spec from the header of a CSV file, every column an input.

        Only the first line is read. ``DatasetSpec.from_csv("kc_house_data.csv")``
        is the one-line start of a spec.

        Parameters
        ----------
        path : str or os.PathLike
            The CSV file.
        **csv_kwargs
            ``encoding`` (default UTF-8) and options of :func:`csv.reader`
            (``delimiter``, ...).

        Returns
        -------
        DatasetSpec
        """
        with open(path, newline="", encoding=csv_kwargs.pop("encoding", "utf-8")) as f:
            header = next(csv.reader(f, **csv_kwargs), None)
        if not header:
            raise SpecError("dataset", f"{os.fspath(path)!s}: the CSV file has no header line")
        return cls(header)

    def set(self, names, **options) -> "DatasetSpec":
        """Set feature options on one column or a list of columns.

        Parameters
        ----------
        names : str or list of str
            Columns of the spec.
        **options
            :class:`~pyneural.data.Feature` options: ``role``, ``date_format``, ``add_month``,
            ``add_timestamp``, ``map``, ``log10``, ``squared``, ``one_hot``,
            ``filter_outliers``, ``normalized``.

        Returns
        -------
        DatasetSpec
            ``self``, so calls chain.

        Examples
        --------
        >>> spec = DatasetSpec.from_columns(["id", "zipcode", "sqft_lot15", "price"])
        >>> _ = spec.set("price", role="output", log10=True).set(["zipcode", "sqft_lot15"], role="unused")
        >>> spec.feature("price")
        Feature(role='output', log10=True)
        """
        if isinstance(names, str):
            names = [names]
        elif isinstance(names, (bytes, Mapping)) or not isinstance(names, Iterable):
            raise InvalidTypeError(f"names: expected a column name or a list of them, got {type(names).__name__}")
        for name in names:
            self.feature(name).update(_path=f"dataset.features.{name}", **options)
        return self

    def add_option(self, option: str, *, only=None, exclude=None,
                   incl_added_features: bool = False) -> "DatasetSpec":
        """Turn one option on for many features at once (appends a :class:`~pyneural.data.BulkOption`).

        Parameters
        ----------
        option : {"log10", "squared", "filter_outliers", "normalized"}
            The option.
        only : list of str, optional
            Exactly these features (raw or derived). Exclusive with ``exclude``.
        exclude : list of str, optional
            All model features (role input or output) except these.
        incl_added_features : bool
            Also reach the features the pipeline derives before this option's
            step (``_month``, ``_timestamp`` and, after squaring, ``^2``).

        Returns
        -------
        DatasetSpec
            ``self``, so calls chain.
        """
        path = f"dataset.options[{len(self.options)}]"
        self.options.append(BulkOption(option, only, exclude, incl_added_features, _path=path))
        return self

    def feature(self, name: str) -> Feature:
        """The :class:`~pyneural.data.Feature` of one column.

        Parameters
        ----------
        name : str
            A column of the spec.

        Returns
        -------
        Feature
            The spec's own object: changing it changes the spec.

        Raises
        ------
        pyneural.errors.SpecError
            When the spec has no such column.
        """
        if not isinstance(name, str) or name not in self.features:
            raise SpecError(f"dataset.features.{name}", f"unknown column {_got(name)}")
        return self.features[name]

    def copy(self) -> "DatasetSpec":
        """A deep copy."""
        return copy.deepcopy(self)

    # -- JSON -----------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The spec as JSON-ready plain data.

        Returns
        -------
        dict
            ``{"features": {...}, "options": [...]}``; options at their default
            are omitted (canonical form), ``options`` too when empty.
        """
        d = {"features": {name: f.to_dict() for name, f in self.features.items()}}
        if self.options:
            d["options"] = [o.to_dict() for o in self.options]
        return d

    @classmethod
    def from_dict(cls, d, path: str = "dataset") -> "DatasetSpec":
        """Build and validate a spec from plain data.

        Parameters
        ----------
        d : dict
            ``{"features": {...}, "options": [...]}``.
        path : str
            JSON path of ``d``, the prefix of error messages.

        Returns
        -------
        DatasetSpec

        Raises
        ------
        pyneural.errors.SpecError
            Naming the JSON path of the first problem.
        """
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
        """The JSON text (canonical key order), also written to ``path`` when given.

        Parameters
        ----------
        path : str or os.PathLike, optional
            File to write.
        indent : int or None
            JSON indentation; None for one line.

        Returns
        -------
        str
        """
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False)
        if path is not None:
            atomic_write_text(check_path(path, "path"), text + "\n")
        return text

    @classmethod
    def from_json(cls, path) -> "DatasetSpec":
        """Read and validate a spec from a JSON file.

        Parameters
        ----------
        path : str or os.PathLike
            A UTF-8 JSON file holding the ``dataset`` object.

        Returns
        -------
        DatasetSpec
        """
        _, text = _read_spec_file(path)
        return cls.from_json_str(text)

    @classmethod
    def from_json_str(cls, text: str, path: str = "dataset") -> "DatasetSpec":
        """Parse and validate JSON text.

        A key given twice in an object is an error, not "last one wins".

        Parameters
        ----------
        text : str
            The ``dataset`` object as JSON.
        path : str
            JSON path of the object, the prefix of error messages.

        Returns
        -------
        DatasetSpec
        """
        if not isinstance(text, str):
            raise InvalidTypeError(f"text: expected a str of JSON, got {type(text).__name__}")
        try:
            d = json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as exc:
            raise SpecError(path, f"invalid JSON: {exc}") from None
        return cls.from_dict(d, path)

    # -- semantics ------------------------------------------------------------------------
    def validate(self, path: str = "dataset") -> "DatasetSpec":
        """Check the whole spec: roles, option combinations, column names.

        Parameters
        ----------
        path : str
            JSON path of the spec, the prefix of error messages.

        Returns
        -------
        DatasetSpec
            ``self``.

        Raises
        ------
        pyneural.errors.SpecError
            Naming the JSON path of the first problem.
        """
        from .plan import build_plan

        build_plan(self, path)
        return self

    def plan(self, path: str = "dataset"):
        """The spec resolved into the columns each pipeline step acts on.

        Parameters
        ----------
        path : str
            JSON path of the spec, the prefix of error messages.

        Returns
        -------
        pyneural.data.plan.Plan
            Derived columns and per-step column lists, in frame order.
        """
        from .plan import build_plan

        return build_plan(self, path)

    def input_names(self, categories: Mapping[str, list] | None = None) -> list[str]:
        """Model input columns after the pipeline, in frame order.

        Parameters
        ----------
        categories : mapping of str to list, optional
            The categories of one-hot columns, which only a fitted pipeline
            knows (use a fitted :class:`~pyneural.Pipeline`'s
            ``input_names()``); required when an input is one-hot encoded.

        Returns
        -------
        list of str
            Raw inputs first (table order), then the derived ones.
        """
        return self.plan().names("input", categories)

    def output_names(self, categories: Mapping[str, list] | None = None) -> list[str]:
        """Model output (predicted) columns after the pipeline.

        Parameters
        ----------
        categories : mapping of str to list, optional
            As for :meth:`input_names`.

        Returns
        -------
        list of str
        """
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

