"""DatasetSpec: construction, bulk options, JSON round trip and errors naming the JSON path."""

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyneural.data import BulkOption, DatasetSpec, Feature, Map, datasets
from pyneural.errors import SpecError

KC_INPUTS = ["bedrooms", "bathrooms", "sqft_living", "sqft_lot", "floors", "waterfront", "view",
             "condition", "grade", "sqft_above", "sqft_basement", "yr_built", "yr_renovated", "lat",
             "long", "date_month", "date_timestamp"]

KC_JSON = {
    "features": {
        "id": {"role": "id"},
        "date": {"role": "unused", "date_format": "%Y%m%dT%H%M%S", "add_month": True, "add_timestamp": True},
        "price": {"role": "output"},
        **{c: {} for c in ["bedrooms", "bathrooms", "sqft_living", "sqft_lot", "floors", "waterfront",
                           "view", "condition", "grade", "sqft_above", "sqft_basement", "yr_built"]},
        "yr_renovated": {"map": {"where": {"equal": 0}, "replace_with": {"feature": "yr_built"}}},
        "zipcode": {"role": "unused"},
        "lat": {},
        "long": {},
        "sqft_living15": {"role": "unused"},
        "sqft_lot15": {"role": "unused"},
    },
    "options": [
        {"option": "log10", "only": ["sqft_living", "sqft_above", "price"]},
        {"option": "squared", "exclude": ["price", "date"], "incl_added_features": True},
        {"option": "normalized", "exclude": ["date"], "incl_added_features": True},
    ],
}


def test_king_county_spec_has_the_reports_34_inputs():
    spec = datasets.king_county_spec()
    assert spec.input_names() == KC_INPUTS + [f"{c}^2" for c in KC_INPUTS]
    assert spec.output_names() == ["price"]
    assert spec.id_name == "id"
    plan = spec.plan()
    assert plan.log10 == ("price", "sqft_living", "sqft_above")
    assert plan.filter_outliers == ()
    assert set(plan.normalized) == set(KC_INPUTS + [f"{c}^2" for c in KC_INPUTS] + ["price"])


def test_king_county_spec_json_is_the_documented_one_and_round_trips(tmp_path):
    spec = datasets.king_county_spec()
    assert spec.to_dict() == KC_JSON
    assert DatasetSpec.from_dict(KC_JSON) == spec
    text = spec.to_json(tmp_path / "dataset.json")
    again = DatasetSpec.from_json(tmp_path / "dataset.json")
    assert again == spec and again.to_json() == text
    assert json.loads(text) == KC_JSON


def test_spec_from_a_csv_header_is_one_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,"date",price,x\n1,2,3,4\n')
    spec = DatasetSpec.from_csv(path)
    assert list(spec.features) == ["id", "date", "price", "x"]
    assert all(f == Feature() for f in spec.features.values())
    (tmp_path / "dup.csv").write_text("a,b,a\n1,2,3\n")
    with pytest.raises(SpecError, match=r"dataset\.features\.a: duplicate column name"):
        DatasetSpec.from_csv(tmp_path / "dup.csv")


def test_bulk_options_all_only_except_and_added_features():
    spec = (DatasetSpec.from_columns(["d", "a", "b", "c", "y", "u"])
            .set("d", role="unused", date_format="%Y", add_timestamp=True)
            .set("y", role="output").set("u", role="unused")
            .add_option("log10", only=["a", "u"])
            .add_option("squared", exclude=["y", "c"])
            .add_option("filter_outliers", exclude=["a"], incl_added_features=True)
            .add_option("normalized"))
    plan = spec.plan()
    assert plan.log10 == ("a", "u")                      # only: unused columns may be named
    assert plan.squared == (("a", "a^2"), ("b", "b^2"))  # all model features but the excluded
    assert plan.filter_outliers == ("b", "c", "y", "d_timestamp", "a^2", "b^2")
    assert plan.normalized == ("a", "b", "c", "y")        # without incl_added_features
    assert spec.input_names() == ["a", "b", "c", "d_timestamp", "a^2", "b^2"]
    # per-feature flags and bulk options add up
    spec.set("d", add_month=True).set("c", normalized=True)
    spec.add_option("squared", only=["d_month"])
    assert spec.plan().squared[-1] == ("d_month", "d_month^2")
    assert spec.input_names()[-3:] == ["a^2", "b^2", "d_month^2"]


def test_builder_errors_name_the_path():
    spec = DatasetSpec.from_columns(["a", "price"])
    with pytest.raises(SpecError, match=r'^dataset\.features\.price\.log10: expected true/false, got "yes"$'):
        spec.set("price", log10="yes")
    with pytest.raises(SpecError, match=r'^dataset\.features\.nope: unknown column "nope"$'):
        spec.set("nope", role="id")
    with pytest.raises(SpecError, match=r"^dataset\.features\.a\.sqaured: unknown key"):
        spec.set("a", sqaured=True)
    with pytest.raises(SpecError, match=r"^dataset\.options\[0\]: only and exclude cannot be combined"):
        spec.add_option("log10", only=["a"], exclude=["price"])
    with pytest.raises(SpecError, match=r"^map\.replace_with: expected exactly one of value and feature"):
        Map(equal=0)


def _mutated(mutate):
    d = copy.deepcopy(KC_JSON)
    mutate(d)
    return d


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["features"]["price"].update(log10="yes"),
     'dataset.features.price.log10: expected true/false, got "yes"'),
    (lambda d: d["features"]["price"].update(role="target"),
     'dataset.features.price.role: expected one of "input", "output", "id", "unused", got "target"'),
    (lambda d: d["features"]["lat"].update(scale=2), "dataset.features.lat.scale: unknown key"),
    (lambda d: d.update(layers=[]), "dataset.layers: unknown key"),
    (lambda d: d["features"].update(lat=[]), "dataset.features.lat: expected an object, got []"),
    (lambda d: d["options"][1]["exclude"].remove("price"),
     "dataset.options[1]: squared would apply to the output \"price\""),
    (lambda d: d["options"][1]["exclude"].append("pirce"), 'dataset.options[1].exclude[2]: unknown column "pirce"'),
    (lambda d: d["options"][0]["only"].append("zipcodes"), 'dataset.options[0].only[3]: unknown column "zipcodes"'),
    (lambda d: d["options"][0]["only"].append("id"), 'dataset.options[0].only[3]: log10 cannot apply to "id"'),
    (lambda d: d["options"][0]["only"].append("lat^2"), 'dataset.options[0].only[3]: "lat^2" does not exist yet'),
    (lambda d: d["options"][2].update(option="minmax"), 'dataset.options[2].option: expected one of'),
    (lambda d: d["options"][2].update(incl_added_features=1),
     "dataset.options[2].incl_added_features: expected true/false, got 1"),
    (lambda d: d["features"]["yr_renovated"]["map"]["replace_with"].update(feature="yr_bilt"),
     'dataset.features.yr_renovated.map.replace_with.feature: unknown column "yr_bilt"'),
    (lambda d: d["features"]["yr_renovated"]["map"]["replace_with"].update(feature="price"),
     'dataset.features.yr_renovated.map.replace_with.feature: "price" is an output'),
    (lambda d: d["features"]["yr_renovated"]["map"].update(where={"equal": None}),
     "dataset.features.yr_renovated.map.where.equal: expected a finite number"),
    (lambda d: d["features"]["zipcode"].update(role="id"),
     'dataset.features.zipcode.role: only one id column is allowed and "id" is one'),
    (lambda d: d["features"]["date"].update(role="input"),
     "dataset.features.date.role: a date column holds strings"),
    (lambda d: d["features"]["date"].pop("date_format"), "dataset.features.date.add_month: requires date_format"),
    (lambda d: d["features"]["date"].update(date_format=12), "dataset.features.date.date_format: expected a strftime"),
    (lambda d: d["features"]["price"].update(squared=True), 'dataset.features.price.squared: "price" is an output'),
    (lambda d: d["features"]["id"].update(normalized=True),
     "dataset.features.id.normalized: an id column is passed through unchanged"),
    (lambda d: d["features"]["grade"].update(one_hot=True, log10=True),
     "dataset.features.grade.log10: cannot be combined with one_hot"),
    (lambda d: d["features"]["zipcode"].update(one_hot=True), 'dataset.features.zipcode.one_hot: one-hot encoding'),
    (lambda d: d["features"].update({"date_month": {}}),
     'dataset.features.date.add_month: derived column "date_month" clashes'),
    (lambda d: d.update(features={}), "dataset.features: expected a non-empty object"),
    (lambda d: d.update(options={}), "dataset.options: expected a list"),
])
def test_spec_errors_name_the_json_path(mutate, message):
    with pytest.raises(SpecError) as info:
        DatasetSpec.from_dict(_mutated(mutate))
    assert str(info.value).startswith(message), str(info.value)
    assert info.value.path == message.split(":")[0]


def test_json_text_errors():
    with pytest.raises(SpecError, match=r"^dataset\.features\.a: duplicate key"):
        DatasetSpec.from_json_str('{"features": {"a": {}, "a": {"role": "output"}}}')
    with pytest.raises(SpecError, match=r"^dataset\.features\.a\.log10: duplicate key"):
        DatasetSpec.from_json_str('{"features": {"a": {"log10": true, "log10": false}}}')
    with pytest.raises(SpecError, match=r'^dataset\.options\[0\]\.only\[1\]: duplicate name "a"'):
        DatasetSpec.from_json_str('{"features": {"a": {}}, "options": [{"option": "log10", "only": ["a", "a"]}]}')
    with pytest.raises(SpecError, match=r"^dataset: invalid JSON"):
        DatasetSpec.from_json_str('{"features": ')
    with pytest.raises(SpecError, match=r"^model\.dataset\.features\.a\.role"):
        DatasetSpec.from_dict({"features": {"a": {"role": 1}}}, path="model.dataset")


def test_one_hot_names_need_categories():
    spec = DatasetSpec.from_columns(["city", "y"]).set("city", one_hot=True).set("y", role="output")
    with pytest.raises(ValueError, match="one-hot encoded"):
        spec.input_names()
    assert spec.input_names(categories={"city": ["a", "b"]}) == ["city=a", "city=b"]


# -- random specs round trip ---------------------------------------------------------------
_scalars = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                     st.text(max_size=5), st.booleans())


@st.composite
def specs(draw):
    names = draw(st.lists(st.text("abcxyz_ 0.=", min_size=1, max_size=6), min_size=1, max_size=7, unique=True))
    feats, plain, outputs = {}, [], []
    has_id = False
    for name in names:
        kind = draw(st.sampled_from(["plain", "plain", "date", "one_hot", "id"]))
        if kind == "id" and not has_id:
            has_id = True
            feats[name] = Feature(role="id")
        elif kind == "date":
            feats[name] = Feature(role="unused", date_format=draw(st.sampled_from(["%Y-%m-%d", "%Y%m%dT%H%M%S"])),
                                  add_month=draw(st.booleans()), add_timestamp=draw(st.booleans()))
        elif kind == "one_hot":
            feats[name] = Feature(role=draw(st.sampled_from(["input", "output"])), one_hot=True)
        else:
            role = draw(st.sampled_from(["input", "output", "unused"]))
            flags = {k: draw(st.booleans()) for k in ("log10", "filter_outliers", "normalized")}
            feats[name] = Feature(role=role, squared=role != "output" and draw(st.booleans()), **flags)
            plain.append(name)
            outputs += [name] if role == "output" else []
    for name in plain:
        sources = [s for s in plain if s != name and (feats[s].role != "output" or feats[name].role == "output")]
        if draw(st.booleans()):
            kw = {} if draw(st.booleans()) else {"equal": draw(_scalars)}
            if sources and draw(st.booleans()):
                kw["feature"] = draw(st.sampled_from(sources))
            else:
                kw["value"] = draw(_scalars)
            feats[name].map = Map(**kw)
    options = []
    for _ in range(draw(st.integers(0, 3))):
        option = draw(st.sampled_from(["log10", "squared", "filter_outliers", "normalized"]))
        pool = [n for n in plain if option != "squared" or feats[n].role != "output"]
        if draw(st.booleans()) and pool:
            options.append(BulkOption(option, only=draw(st.lists(st.sampled_from(pool), unique=True))))
        else:
            exclude = draw(st.lists(st.sampled_from(list(feats)), unique=True))
            if option == "squared":
                exclude = list(dict.fromkeys(exclude + outputs))
            options.append(BulkOption(option, exclude=exclude, incl_added_features=draw(st.booleans())))
    return DatasetSpec(feats, options)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(specs())
def test_random_specs_round_trip_exactly(spec):
    spec.validate()
    d = spec.to_dict()
    again = DatasetSpec.from_dict(json.loads(json.dumps(d)))
    assert again == spec
    assert again.to_dict() == d
    text = spec.to_json()
    assert DatasetSpec.from_json_str(text).to_json() == text
    assert again.plan() == spec.plan()
