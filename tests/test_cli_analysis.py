"""``pyneural predict / importance / plot / report / spec`` through a subprocess."""

import json
from html.parser import HTMLParser

import pandas as pd

from .test_cli import _run, _small_spec


def test_importance_plot_report(small_run):
    r = _run("importance", str(small_run), "--repeats", "2", "--jobs", "2")
    assert r.returncode == 0, r.stderr
    imp = pd.read_csv(small_run / "importance.csv")
    assert list(imp.columns) == ["feature", "mean", "std", "relative_percent"] and len(imp) == 34
    assert imp["mean"].is_monotonic_decreasing

    r = _run("plot", str(small_run))
    assert r.returncode == 0, r.stderr
    pngs = sorted((small_run / "plots").glob("*.png"))
    assert len(pngs) >= 6 and {"loss.png", "r2.png", "boxplots.png", "importance.png"} <= {p.name for p in pngs}
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)

    r = _run("report", str(small_run))
    assert r.returncode == 0, r.stderr
    text = (small_run / "report.html").read_text()

    class Images(HTMLParser):
        srcs = []

        def handle_starttag(self, tag, attrs):
            if tag == "img":
                self.srcs.append(dict(attrs)["src"])

    parser = Images()
    parser.feed(text)
    parser.close()
    assert len(parser.srcs) == len(pngs) and all(s.startswith("data:image/png;base64,") for s in parser.srcs)
    assert "Permutation importance" in text and "<table>" in text and "http" not in text.split("<pre>")[0]


def test_predict_with_run_and_model(small_run, tmp_path):
    data = pd.read_csv(small_run / "data.csv").drop(columns=["price"]).head(20)
    data.to_csv(tmp_path / "new.csv", index=False)
    r = _run("predict", str(small_run), "--data", str(tmp_path / "new.csv"), "--out", str(tmp_path / "p.csv"))
    assert r.returncode == 0, r.stderr
    out = pd.read_csv(tmp_path / "p.csv")
    assert len(out) == 20 and out["pred_price"].between(1e4, 1e8).all()

    x = pd.DataFrame({f"f{i}": range(5) for i in range(34)})
    x.to_csv(tmp_path / "x.csv", index=False)
    r = _run("predict", str(small_run / "best_params.npz"), "--data", str(tmp_path / "x.csv"),
             "--out", str(tmp_path / "q.csv"))
    assert r.returncode == 0, r.stderr
    assert "pred_0" in pd.read_csv(tmp_path / "q.csv")
    r = _run("predict", str(small_run / "best_params.npz"), "--data", str(tmp_path / "new.csv"),
             "--out", str(tmp_path / "bad.csv"))
    assert r.returncode == 1 and "feature" in r.stderr and not (tmp_path / "bad.csv").exists()


def test_spec_validate_and_show(tmp_path):
    path = _small_spec(tmp_path)
    r = _run("spec", "validate", str(path))
    assert r.returncode == 0 and "34 inputs" in r.stdout
    r = _run("spec", "show", str(path))
    assert r.returncode == 0 and json.loads(r.stdout.split("\n# ")[0])["name"] == "tiny"
    bad = json.loads(path.read_text())
    bad["training"]["epochs"] = "ten"
    path.write_text(json.dumps(bad))
    r = _run("spec", "validate", str(path))
    assert r.returncode == 1 and r.stderr.startswith("pyneural: error: training.epochs: expected an integer")


def test_analysis_errors_are_one_line(tmp_path):
    for args in (["importance", str(tmp_path)], ["plot", str(tmp_path / "nope")], ["report", str(tmp_path)]):
        r = _run(*args)
        assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_predict_keeps_id_text_and_spec_validate_builds_the_network(small_run, tmp_path):
    data = pd.read_csv(small_run / "data.csv", dtype={"id": str, "date": str}).drop(columns=["price"]).head(5)
    data["id"] = ["0012345678"] * 5
    data.to_csv(tmp_path / "new.csv", index=False)
    r = _run("predict", str(small_run), "--data", str(tmp_path / "new.csv"), "--out", str(tmp_path / "p.csv"))
    assert r.returncode == 0, r.stderr
    assert (pd.read_csv(tmp_path / "p.csv", dtype={"id": str})["id"] == "0012345678").all()
    spec = json.loads((small_run / "spec.json").read_text())
    spec["network"]["layers"][-1]["units"] = 3
    (tmp_path / "bad_spec.json").write_text(json.dumps(spec))
    r = _run("spec", "validate", str(tmp_path / "bad_spec.json"))
    assert r.returncode == 1 and "the last layer must have 1 unit" in r.stderr
    r = _run("spec", "validate", str(tmp_path / "bad_spec.json"), "--debug")
    assert r.returncode == 1 and "Traceback" in r.stderr
