"""The documentation in docs/ stays true to the code (no Sphinx build here).

- The Python examples of the quick pages run, in order, in a temporary folder.
- Every ``pyneural ...`` command shown in a console block parses with the real
  command-line parser.
- Every ``pn.X`` / ``pyneural.x.y`` name the pages mention exists.
- Every figure exists and stays small; the spec reference names every spec key.
"""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(DOCS.glob("*.rst"))

# Pages whose Python examples are cheap enough to run here (the King County and
# scaling pages need the real data or a cluster; the scikit-learn page is slow).
RUNNABLE = ["getting_started.rst", "pipeline.rst", "spec_reference.rst", "reliability.rst", "performance.rst"]

_DIRECTIVE = re.compile(r"^\.\. code-block:: *(\w+)\s*$")


def code_blocks(path: Path, language: str) -> list[tuple[int, str]]:
    """``(line number, dedented code)`` of each ``.. code-block:: language`` in an .rst file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            i += 1
            continue
        lang = m.group(1)
        i += 1
        while i < len(lines) and lines[i].strip().startswith(":"):  # directive options
            i += 1
        body, start = [], i + 1
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith("   ")):
            body.append(lines[i][3:])
            i += 1
        if lang == language:
            blocks.append((start, "\n".join(body).strip("\n") + "\n"))
    return blocks


def test_the_pages_exist():
    names = {p.name for p in PAGES}
    for page in ["index.rst", "getting_started.rst", "king_county.rst", "spec_reference.rst", "pipeline.rst",
                 "performance.rst", "scaling.rst", "sklearn.rst", "api.rst", "reliability.rst"]:
        assert page in names
    assert code_blocks(DOCS / "getting_started.rst", "python"), "getting started has no Python examples"


@pytest.mark.parametrize("page", RUNNABLE)
def test_python_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__docs__"}
    for line, code in code_blocks(DOCS / page, "python"):
        exec(compile(code, f"{page}, block at line {line}", "exec"), namespace)  # noqa: S102


def _console_commands():
    for page in PAGES:
        for line, block in code_blocks(page, "console"):
            text = block.replace("\\\n", " ")
            for cmd in text.splitlines():
                cmd = cmd.strip()
                if cmd.startswith("$ pyneural ") or cmd == "$ pyneural":
                    yield pytest.param(cmd[2:], id=f"{page.name}:{line}:{cmd[2:40]}")


@pytest.mark.parametrize("command", list(_console_commands()))
def test_cli_commands_parse(command):
    from pyneural.cli import build_parser

    argv = shlex.split(command)[1:]
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse reports the problem on stderr
        pytest.fail(f"{command!r} does not parse (exit {exc.code})")
    assert getattr(args, "func", None) is not None, f"{command!r} names no subcommand"


_NAME = re.compile(r"(?<![\w.])(pn|pyneural)\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")


def _resolve(dotted: str):
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError as exc:
            if exc.name and not exc.name.startswith("pyneural"):
                pytest.skip(f"{dotted}: needs {exc.name}")
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise AssertionError(dotted)


def test_api_names_in_the_pages_exist():
    names = set()
    for page in PAGES:
        for prefix, rest in _NAME.findall(page.read_text(encoding="utf-8")):
            names.add("pyneural." + rest)
    assert len(names) > 30
    missing = []
    for name in sorted(names):
        try:
            _resolve(name)
        except (AttributeError, AssertionError):
            missing.append(name)
    assert not missing, f"names in docs/ that do not exist: {missing}"


def test_figures_exist_and_are_small():
    figures = []
    for page in PAGES:
        figures += re.findall(r"^\.\. (?:figure|image):: (\S+)", page.read_text(encoding="utf-8"), re.M)
    assert len(figures) >= 4
    for fig in figures:
        path = DOCS / fig
        assert path.is_file(), fig
        assert path.stat().st_size < 200_000, f"{fig} is {path.stat().st_size} bytes"
    stored = {p.name for p in (DOCS / "_static" / "king_county").glob("*.png")}
    assert stored == {Path(f).name for f in figures if "king_county" in f}, "unused or missing figures"


def test_spec_reference_names_every_key():
    from pyneural.data.feature import BULK_OPTIONS, FEATURE_KEYS, ROLES
    from pyneural.model_spec import LayerSpec, ModelSpec, NetworkSpec, TrainingSpec
    from pyneural.nn.activations import ACTIVATIONS
    from pyneural.nn.initializers import INITIALIZERS
    from pyneural.nn.losses import LOSSES
    from pyneural.nn.optimizers import OPTIMIZERS
    from pyneural.nn.schedules import SCHEDULES

    text = (DOCS / "spec_reference.rst").read_text(encoding="utf-8")
    keys = set(FEATURE_KEYS) | set(ROLES) | set(BULK_OPTIONS) | set(ModelSpec.KEYS) | set(NetworkSpec.KEYS)
    keys |= set(LayerSpec.KEYS) | set(TrainingSpec.KEYS) | set(ACTIVATIONS) | set(INITIALIZERS) | set(LOSSES)
    keys |= set(OPTIMIZERS) | set(SCHEDULES)
    keys |= {"only", "exclude", "incl_added_features", "where", "replace_with", "equal", "value", "feature",
             "kfolds", "split", "every_epoch", "last_epoch"}
    missing = sorted(k for k in keys if f"``{k}``" not in text and f'"{k}"' not in text)
    assert not missing, f"spec keys or values missing from docs/spec_reference.rst: {missing}"
