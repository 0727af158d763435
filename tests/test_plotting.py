"""Every plot function on a small run (Agg backend): axes, labels and data."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from pyneural import plotting  # noqa: E402
from pyneural.errors import InvalidValueError, PyneuralError  # noqa: E402
from pyneural.training.run_folder import load_run  # noqa: E402


@pytest.fixture(scope="module")
def run(small_run):
    return load_run(small_run)


def _points(ax):
    n = sum(len(line.get_xdata()) for line in ax.get_lines())
    return n + sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))


def test_loss_and_r2(run):
    fig = plotting.plot_loss(run.evaluation)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch" and _points(ax) > 0
    assert len(ax.get_lines()) == 2  # training and validation means
    fig = plotting.plot_r2(run.evaluation)
    assert len(fig.axes[0].get_lines()) == 2 and fig.axes[0].get_ylabel() == "validation R²"


def test_predicted_vs_true_has_identity_line(run):
    fig = plotting.plot_predicted_vs_true(run.predictions, "price")
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == list(line.get_ydata())  # y = x
    assert len(ax.collections[0].get_offsets()) == run.predictions["pred_price"].notna().sum()
    assert ax.get_xlabel() == "true price" and ax.get_ylabel() == "predicted price"
    assert plotting.plot_predicted_vs_true(run.predictions, "price", log=True).axes[0].get_xscale() == "log"


def test_feature_and_maps(run):
    fig = plotting.plot_feature(run.predictions, "sqft_living", "price")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "sqft_living" and len(ax.collections) == 2
    assert np.allclose(ax.collections[0].get_offsets()[:, 0].min(), run.predictions.sqft_living.min())
    fig = plotting.plot_feature(run.predictions, "date", "price")
    assert len(fig.axes[0].collections[0].get_offsets()) > 0
    for by in ("value", "error"):
        fig = plotting.plot_map(run.predictions, "price", by=by)
        assert fig.axes[0].get_xlabel() == "long" and len(fig.axes) == 2  # map and colour bar
    with pytest.raises(InvalidValueError, match="by"):
        plotting.plot_map(run.predictions, "price", by="colour")
    with pytest.raises(InvalidValueError, match="feature"):
        plotting.plot_feature(run.predictions, "nope")


def test_boxplots_and_importance(run):
    table = run.load_data()
    pipe = run.pipeline()
    after = pipe.transform_stateful(pipe.transform_stateless(table))
    fig = plotting.plot_boxplots(table, after, ["price", "sqft_living", "grade"])
    visible = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert [ax.get_title() for ax in visible] == ["price", "sqft_living", "grade"]
    import pandas as pd

    imp = pd.DataFrame({"feature": ["a", "b"], "relative_percent": [70.0, 30.0]})
    fig = plotting.plot_importance(imp)
    bars = fig.axes[0].patches
    assert len(bars) == 2 and max(b.get_width() for b in bars) == 70.0


@pytest.mark.parametrize("call,name", [
    (lambda run: plotting.plot_loss(run.predictions), "evaluation"),
    (lambda run: plotting.plot_r2(None), "evaluation"),
    (lambda run: plotting.plot_predicted_vs_true(run.predictions.to_numpy()), "predictions"),
    (lambda run: plotting.plot_predicted_vs_true(run.predictions, target=["price"]), "target"),
    (lambda run: plotting.plot_predicted_vs_true(run.predictions, log=np.array([True, False])), "log"),
    (lambda run: plotting.plot_feature(run.predictions, np.array(["sqft_living"])), "feature"),
    (lambda run: plotting.plot_map(run.predictions, by=np.array(["value"])), "by"),
    (lambda run: plotting.plot_map(run.predictions, lat=["lat"]), "lat"),
    (lambda run: plotting.plot_boxplots(run.predictions, run.predictions, columns="price"), "columns"),
    (lambda run: plotting.plot_boxplots(run.predictions, run.predictions, columns=["nope"]), "columns"),
    (lambda run: plotting.plot_boxplots([1.0], run.predictions), "before"),
    (lambda run: plotting.plot_importance({"feature": ["a"]}), "importance"),
])
def test_an_argument_of_the_wrong_kind_is_named(run, call, name):
    with pytest.raises(PyneuralError, match=name):
        call(run)
