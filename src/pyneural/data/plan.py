"""Resolve a :class:`~pyneural.data.spec.DatasetSpec` into the columns each step acts on.

The pipeline's steps run in the report's order::

    one-hot -> month -> timestamp -> map -> log10 -> square -> filter outliers -> normalize

Derived columns are appended after the table's columns, in step order:
``<date>_month`` (each date column in table order), then ``<date>_timestamp``, then
``<name>^2``. One-hot columns ``<name>=<category>`` replace their source in place.
A bulk option with ``incl_added_features`` reaches the derived columns that exist
when its step runs: month and timestamp for log10 and squared, and the squares too
for filter_outliers and normalized.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import InvalidValueError, SpecError
from .._jsonspec import _got
from .feature import Map

__all__ = ["Plan", "build_plan"]

_TRANSFORMS = ("log10", "squared", "filter_outliers", "normalized")


@dataclass(frozen=True)
class Plan:
    """The spec resolved into per-step column lists (all tuples are in frame order)."""

    raw: tuple[str, ...]                          #: the spec's columns, in table order
    roles: Mapping[str, str]                      #: role of every raw and derived column
    id_name: str | None
    months: tuple[tuple[str, str, str], ...]      #: (date column, format, "<date>_month")
    timestamps: tuple[tuple[str, str, str], ...]  #: (date column, format, "<date>_timestamp")
    maps: tuple[tuple[str, Map], ...]             #: (column, Map), applied in this order
    log10: tuple[str, ...]
    squared: tuple[tuple[str, str], ...]          #: (column, "<column>^2")
    one_hot: tuple[str, ...]
    filter_outliers: tuple[str, ...]
    normalized: tuple[str, ...]
    numeric: tuple[str, ...]                      #: raw columns that must be numeric
    required: tuple[str, ...]                     #: raw columns that may not have missing values

    @property
    def derived(self) -> tuple[str, ...]:
        """Columns the stateless steps add, in the order they are appended."""
        return (tuple(m[2] for m in self.months) + tuple(t[2] for t in self.timestamps)
                + tuple(s[1] for s in self.squared))

    def columns(self, categories: Mapping[str, list] | None = None) -> list[str]:
        """The spec's columns after the whole pipeline, in frame order."""
        out = []
        for name in self.raw:
            out += self._expand(name, categories) if name in self.one_hot else [name]
        return out + list(self.derived)

    def names(self, role: str, categories: Mapping[str, list] | None = None) -> list[str]:
        """Columns with ``role`` after the pipeline (one-hot columns take their source's role)."""
        out = []
        for name in self.raw:
            if self.roles[name] == role:
                out += self._expand(name, categories) if name in self.one_hot else [name]
        return out + [n for n in self.derived if self.roles[n] == role]

    @staticmethod
    def _expand(name, categories):
        if categories is None or name not in categories:
            raise InvalidValueError(
                f"column {name!r} is one-hot encoded: its columns depend on the categories found "
                "when fitting; use a fitted Pipeline's input_names()/output_names() or pass "
                "categories={name: [...]}")
        return [f"{name}={c}" for c in categories[name]]


def build_plan(spec, path: str = "dataset") -> Plan:
    """Validate ``spec`` and resolve it; errors are :class:`SpecError` naming the JSON path."""
    feats = spec.features
    fpath = f"{path}.features"
    if not feats:
        raise SpecError(fpath, "expected at least one feature")
    roles = {name: f.role for name, f in feats.items()}

    ids = [n for n, f in feats.items() if f.role == "id"]
    if len(ids) > 1:
        raise SpecError(f"{fpath}.{ids[1]}.role", f"only one id column is allowed and {_got(ids[0])} is one")
    for name, f in feats.items():
        _check_feature(name, f, f"{fpath}.{name}")

    months = tuple((n, f.date_format, f"{n}_month") for n, f in feats.items() if f.add_month)
    timestamps = tuple((n, f.date_format, f"{n}_timestamp") for n, f in feats.items() if f.add_timestamp)
    derived_dates = [m[2] for m in months] + [t[2] for t in timestamps]
    for src, _, name in months + timestamps:
        key = "add_month" if name.endswith("_month") else "add_timestamp"
        if name in feats:
            raise SpecError(f"{fpath}.{src}.{key}",
                            f"derived column {_got(name)} clashes with an existing column")
        roles[name] = "input"

    maps = []
    for name, f in feats.items():
        if f.map is None:
            continue
        src, mp = f.map.feature, f"{fpath}.{name}.map.replace_with.feature"
        if src is not None:
            if src == name:
                raise SpecError(mp, "a feature cannot be replaced by itself")
            if src not in feats and src not in derived_dates:
                raise SpecError(mp, f"unknown column {_got(src)}")
            if src in feats and (feats[src].one_hot or feats[src].date_format is not None):
                raise SpecError(mp, f"cannot take values from {_got(src)}: it is a one-hot or date column")
            if roles[src] == "output" and f.role != "output":
                raise SpecError(mp, f"{_got(src)} is an output: copying it into {_got(name)} "
                                    "would leak the target")
        maps.append((name, f.map))

    model_raw = [n for n, f in feats.items()
                 if f.role in ("input", "output") and not f.one_hot and f.date_format is None]
    eligible_raw = [n for n, f in feats.items() if f.role != "id" and not f.one_hot and f.date_format is None]
    known = set(feats) | set(derived_dates)

    squared_src = _resolve(spec, "squared", eligible_raw, model_raw, derived_dates, known, path, roles)
    squared = tuple((n, f"{n}^2") for n in squared_src)
    for src, name in squared:
        if name in known:
            raise SpecError(f"{path}.options", f"squared column {_got(name)} clashes with an existing column")
        roles[name] = roles[src]
    squares = [s[1] for s in squared]
    known |= set(squares)

    log10 = _resolve(spec, "log10", eligible_raw, model_raw, derived_dates, known, path)
    later = derived_dates + squares
    filt = _resolve(spec, "filter_outliers", eligible_raw, model_raw, later, known, path)
    norm = _resolve(spec, "normalized", eligible_raw, model_raw, later, known, path)

    one_hot = tuple(n for n, f in feats.items() if f.one_hot)
    touched = set(log10) | set(squared_src) | set(filt) | set(norm)
    numeric = tuple(n for n in feats if n in model_raw or n in touched)
    required = tuple(n for n, f in feats.items()
                     if f.role != "unused" or f.add_month or f.add_timestamp or f.map is not None
                     or n in touched or any(m.feature == n for _, m in maps))
    return Plan(raw=tuple(feats), roles=roles, id_name=ids[0] if ids else None, months=months,
                timestamps=timestamps, maps=tuple(maps), log10=log10, squared=squared,
                one_hot=one_hot, filter_outliers=filt, normalized=norm, numeric=numeric,
                required=required)


def _check_feature(name, f, fp):
    transforms = [k for k in _TRANSFORMS if getattr(f, k)] + (["map"] if f.map is not None else [])
    if f.role == "id":
        bad = transforms + [k for k in ("one_hot", "add_month", "add_timestamp") if getattr(f, k)]
        bad += ["date_format"] if f.date_format is not None else []
        if bad:
            raise SpecError(f"{fp}.{bad[0]}", "an id column is passed through unchanged; "
                                              "remove this option or change its role")
    for key in ("add_month", "add_timestamp"):
        if getattr(f, key) and f.date_format is None:
            raise SpecError(f"{fp}.{key}", "requires date_format")
    if f.date_format is not None:
        if f.role in ("input", "output"):
            raise SpecError(f"{fp}.role", f"a date column holds strings and cannot be a model "
                                          f"{f.role} itself; set role \"unused\" (its add_month/"
                                          "add_timestamp features are inputs)")
        bad = transforms + (["one_hot"] if f.one_hot else [])
        if bad:
            raise SpecError(f"{fp}.{bad[0]}",
                            "cannot be combined with date_format (the column holds strings)")
    if f.squared and f.role == "output":
        raise SpecError(f"{fp}.squared", f"{_got(name)} is an output; squares are extra inputs and "
                                         "would leak the target")
    if f.one_hot:
        if f.role not in ("input", "output"):
            raise SpecError(f"{fp}.one_hot", f"one-hot encoding needs role \"input\" or \"output\", "
                                             f"not {_got(f.role)}")
        if transforms:
            raise SpecError(f"{fp}.{transforms[0]}", "cannot be combined with one_hot "
                                                     "(the 0/1 columns are used as they are)")


def _resolve(spec, option, eligible_raw, model_raw, derived, known, path, roles=None) -> tuple[str, ...]:
    """Columns ``option`` applies to: per-feature flags plus every bulk rule, in frame order.

    With ``roles`` given, a rule that reaches an output column is an error (squares of
    an output would be inputs computed from the target).
    """
    chosen = {n for n in eligible_raw if getattr(spec.features[n], option)}
    for i, rule in enumerate(spec.options):
        if rule.option != option:
            continue
        rp = f"{path}.options[{i}]"
        for key, names in (("only", rule.only or ()), ("exclude", rule.exclude)):
            for j, n in enumerate(names):
                if n not in known:
                    raise SpecError(f"{rp}.{key}[{j}]", f"unknown column {_got(n)}")
        if rule.only is not None:
            for j, n in enumerate(rule.only):
                if n in spec.features and n not in eligible_raw:
                    raise SpecError(f"{rp}.only[{j}]", f"{option} cannot apply to {_got(n)} "
                                                       "(an id, date or one-hot column)")
                if n not in spec.features and n not in derived:
                    raise SpecError(f"{rp}.only[{j}]", f"{_got(n)} does not exist yet when {option} runs")
            picked = set(rule.only)
        else:
            pool = model_raw + (derived if rule.incl_added_features else [])
            picked = {n for n in pool if n not in rule.exclude}
        outputs = sorted(n for n in picked if roles is not None and roles[n] == "output")
        if outputs:
            raise SpecError(rp, f"{option} would apply to the output {_got(outputs[0])}; squares are "
                                f"extra inputs and would leak the target: add it to exclude")
        chosen |= picked
    order = list(spec.features) + list(derived)
    return tuple(n for n in order if n in chosen)
