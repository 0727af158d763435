"""Model specs: exact JSON round trips, errors that name the JSON path, networks built."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyneural as pn
from pyneural.errors import SpecError
from pyneural.model_spec import ModelSpec

from .conftest import KC_SPEC as EXAMPLE


def _base():
    return {
        "name": "t",
        "dataset": {"features": {"id": {"role": "id"}, "a": {}, "b": {}, "y": {"role": "output"}}},
        "network": {"layers": [{"units": "inputs+1", "activation": "relu", "repeat": 2}, {"units": "outputs"}],
                    "optimizer": {"name": "adam", "learning_rate": 0.001}},
        "training": {"epochs": 3, "batch_size": 4, "trainer": {"kfolds": 2}},
    }


def test_example_spec_round_trips_exactly(tmp_path):
    spec = ModelSpec.from_json(EXAMPLE)
    text = spec.to_json()
    assert ModelSpec.from_json_str(text) == spec
    spec.to_json(tmp_path / "s.json")
    assert (tmp_path / "s.json").read_text() == text
    with open(EXAMPLE) as fh:
        assert json.load(fh) == json.loads(text)  # the example is stored in canonical form


def test_king_county_network_shape():
    spec = ModelSpec.from_json(EXAMPLE)
    assert len(spec.dataset.input_names()) == 34
    net = spec.build_network(34)
    assert [layer.units for layer in net.layers] == [35] * 8 + [1]
    assert [layer.activation for layer in net.layers] == ["relu"] * 8 + ["linear"]
    assert net.loss.name == "mse" and net.inputs == 34


_layer = st.fixed_dictionaries({
    "units": st.one_of(st.integers(1, 50), st.sampled_from(["inputs", "inputs+1", "inputs*2", "inputs-1"])),
    "activation": st.sampled_from(["linear", "relu", "tanh", "sigmoid", "softmax"]),
    "weights_init": st.sampled_from(["glorot_uniform", "he_uniform", "zeros", "uniform_signed"]),
    "dropout": st.one_of(st.none(), st.floats(0.01, 0.9)),
    "optimizer": st.one_of(st.none(), st.fixed_dictionaries(
        {"name": st.just("momentum"), "learning_rate": st.floats(1e-5, 1.0), "momentum": st.floats(0, 0.99)})),
    "repeat": st.integers(1, 4),
})
_schedule = st.one_of(
    st.floats(1e-6, 1.0),
    st.fixed_dictionaries({"schedule": st.just("inverse_time_decay"), "initial": st.floats(1e-5, 1.0),
                           "decay_steps": st.floats(0.5, 100), "decay_rate": st.floats(0, 5), "staircase": st.booleans()}),
    st.fixed_dictionaries({"schedule": st.just("piecewise_constant"), "boundaries": st.just([10, 20]),
                           "values": st.lists(st.floats(1e-5, 1.0), min_size=3, max_size=3)}),
)


@settings(max_examples=60, deadline=None)
@given(layers=st.lists(_layer, min_size=1, max_size=4), lr=_schedule,
       opt=st.sampled_from(["sgd", "momentum", "adam"]), epochs=st.integers(1, 1000),
       batch=st.integers(1, 512), seed=st.integers(0, 2**31), validation=st.sampled_from(["every_epoch", "last_epoch"]),
       trainer=st.one_of(st.integers(2, 20).map(lambda k: {"kfolds": k}),
                         st.floats(0.05, 0.95).map(lambda f: {"split": f})))
def test_random_specs_round_trip(layers, lr, opt, epochs, batch, seed, validation, trainer):
    d = _base()
    d["network"] = {"layers": layers + [{"units": "outputs"}], "optimizer": {"name": opt, "learning_rate": lr}}
    d["training"] = {"loss": "mse", "epochs": epochs, "batch_size": batch, "seed": seed, "trainer": trainer,
                     "validation": validation}
    spec = ModelSpec.from_dict(d)
    again = ModelSpec.from_json_str(spec.to_json())
    assert again == spec and again.to_json() == spec.to_json()


@pytest.mark.parametrize("mutate,path", [
    (lambda d: d.update(bogus=1), "bogus: unknown key"),
    (lambda d: d.pop("network"), "network: missing"),
    (lambda d: d["network"].update(layerz=[]), "network.layerz: unknown key"),
    (lambda d: d["network"]["layers"][0].update(units=0), r"network.layers\[0\].units: expected"),
    (lambda d: d["network"]["layers"][0].update(units="many"), r"network.layers\[0\].units"),
    (lambda d: d["network"]["layers"][1].update(activation="gelu"), r"network.layers\[1\].activation: expected one of"),
    (lambda d: d["network"]["layers"][0].update(dropout=1.5), r"network.layers\[0\].dropout"),
    (lambda d: d["network"]["optimizer"].update(learning_rate=-1), "network.optimizer.learning_rate: expected a finite number > 0"),
    (lambda d: d["network"]["optimizer"].update(learning_rate="fast"), "network.optimizer.learning_rate"),
    (lambda d: d["network"]["optimizer"].update(nesterov=True), "network.optimizer.nesterov: unknown key"),
    (lambda d: d["network"]["optimizer"].update(name="rmsprop"), "network.optimizer.name: expected one of"),
    (lambda d: d["network"].update(dtype="float16"), "network.dtype"),
    (lambda d: d["training"].update(epochs="10"), 'training.epochs: expected an integer, got "10"'),
    (lambda d: d["training"].update(epochs=0), "training.epochs: expected an integer >= 1"),
    (lambda d: d["training"].update(batch_size=-3), "training.batch_size"),
    (lambda d: d["training"].update(loss="hinge"), "training.loss: expected one of"),
    (lambda d: d["training"].update(trainer={"kfolds": 1}), "training.trainer.kfolds: expected an integer >= 2"),
    (lambda d: d["training"].update(trainer={"split": 1.5}), "training.trainer.split"),
    (lambda d: d["training"].update(trainer={"kfolds": 2, "split": 0.2}), "training.trainer: expected exactly one"),
    (lambda d: d["training"].update(validation="sometimes"), "training.validation"),
    (lambda d: d["dataset"]["features"]["a"].update(log10="yes"), 'dataset.features.a.log10: expected true/false, got "yes"'),
])
def test_errors_name_the_json_path(mutate, path):
    d = _base()
    mutate(d)
    with pytest.raises(SpecError, match=path):
        ModelSpec.from_dict(d)


def test_duplicate_keys_and_bad_json(tmp_path):
    with pytest.raises(SpecError, match="invalid JSON"):
        ModelSpec.from_json_str("{not json")
    with pytest.raises(SpecError, match="duplicate key"):
        ModelSpec.from_json_str('{"name": "a", "name": "b", "dataset": {}, "network": {}}')
    with pytest.raises(SpecError, match="no such spec file"):
        ModelSpec.from_json(tmp_path / "missing.json")


def test_last_layer_must_match_outputs():
    d = _base()
    d["network"]["layers"][-1]["units"] = 3
    spec = ModelSpec.from_dict(d)
    with pytest.raises(SpecError, match=r"network.layers\[1\].units: the last layer must have 1 unit"):
        spec.build_network(2)


def test_build_network_uses_spec_settings():
    d = _base()
    d["network"]["layers"][0]["optimizer"] = {"name": "sgd", "learning_rate": 0.1}
    d["network"]["dtype"] = "float64"
    d["training"]["seed"] = 5
    spec = ModelSpec.from_dict(d)
    net = spec.build_network(2)
    assert net.dtype == np.float64 and net.seed == 5 and [l.units for l in net.layers] == [3, 3, 1]
    assert isinstance(net.layers[0].optimizer, pn.SGD) and isinstance(net.optimizer, pn.Adam)
