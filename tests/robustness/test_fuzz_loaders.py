"""Fuzzing the loaders: truncated, bit-flipped and random files may only ever
produce pyneural errors (never a crash, a hang or another exception type)."""

import shutil

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pyneural as pn
from pyneural.data.io import read_csv
from pyneural.errors import PyneuralError
from pyneural.model_spec import ModelSpec
from pyneural.training.run_folder import load_run

from ..conftest import KC_SPEC

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    d = tmp_path_factory.mktemp("orig")
    net = pn.Network([pn.Dense(3, "relu"), pn.Dense(1)], inputs=2, optimizer=pn.Momentum(0.1), seed=0)
    net.fit(np.ones((4, 2)), np.ones(4), epochs=1, verbose=0)
    net.save(d / "m.json")
    net.save(d / "m.npz")
    spec = (d / "s.json")
    spec.write_text(KC_SPEC.read_text())
    return {"json": (d / "m.json").read_bytes(), "npz": (d / "m.npz").read_bytes(), "spec": spec.read_bytes()}


def _mutations():
    return st.one_of(
        st.tuples(st.just("truncate"), st.floats(0, 1)),
        st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 7)), min_size=1, max_size=8)),
        st.tuples(st.just("random"), st.binary(max_size=600)),
    )


def _mutate(data: bytes, mutation) -> bytes:
    kind, arg = mutation
    if kind == "truncate":
        return data[: int(len(data) * arg)]
    if kind == "flip":
        out = bytearray(data)
        for pos, bit in arg:
            i = min(int(pos * len(out)), len(out) - 1)
            out[i] ^= 1 << bit
        return bytes(out)
    return arg


def _only_pyneural_errors(fn):
    try:
        fn()
    except PyneuralError:
        pass


@SETTINGS
@given(mutation=_mutations(), suffix=st.sampled_from(["json", "npz"]))
def test_network_loader(originals, tmp_path, mutation, suffix):
    path = tmp_path / f"fuzz.{suffix}"
    path.write_bytes(_mutate(originals[suffix], mutation))
    _only_pyneural_errors(lambda: pn.Network.load(path))


@SETTINGS
@given(mutation=_mutations())
def test_spec_loader(originals, tmp_path, mutation):
    path = tmp_path / "spec.json"
    path.write_bytes(_mutate(originals["spec"], mutation))
    _only_pyneural_errors(lambda: ModelSpec.from_json(path))


@SETTINGS
@given(data=st.binary(max_size=400) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "replace")))
def test_csv_reader(tmp_path, data):
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    _only_pyneural_errors(lambda: read_csv(path, pn.datasets.king_county_spec()))
    _only_pyneural_errors(lambda: read_csv(path))


@SETTINGS
@given(victim=st.sampled_from(["spec.json", "evaluation.json", "predictions.csv", "run.json", "pipeline.json",
                               "best_params.npz"]), mutation=_mutations())
def test_run_folder(small_run, tmp_path, victim, mutation):
    run = tmp_path / "run"
    if run.exists():
        shutil.rmtree(run)
    shutil.copytree(small_run, run)
    (run / victim).write_bytes(_mutate((small_run / victim).read_bytes(), mutation))

    def use():
        loaded = load_run(run)
        loaded.network()
        loaded.pipeline()

    _only_pyneural_errors(use)
