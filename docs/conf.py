"""Sphinx configuration of the pyneural documentation.

Build (from the repository root)::

    pip install ".[docs]" && sphinx-build -W -b html docs docs/_build/html

The build imports pyneural: an installed copy, or the source tree when its
extension was built in place (``python setup.py build_ext --inplace``). It needs
no network access and no data download.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
# Prefer the source tree when its C++ extension is built in place (docstrings as
# edited); otherwise document the installed package.
if any((SRC / "pyneural").glob("_core*")):
    sys.path.insert(0, str(SRC))

import pyneural  # noqa: E402

project = "pyneural"
author = "pyneural developers"
copyright = "pyneural developers"
version = release = pyneural.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
language = "en"

# API reference: one generated page per object (docs/generated/, not committed).
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
numpydoc_show_class_members = False  # the class template lists members itself
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "alabaster"
html_title = f"pyneural {release}"
html_static_path = ["_static"]
html_theme_options = {
    "description": "Dense neural networks for tabular data on a C++17/OpenMP engine",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "230px",
}
html_sidebars = {"**": ["about.html", "navigation.html", "searchbox.html"]}


# -- docstring adjustments ---------------------------------------------------------
import re  # noqa: E402

# scikit-learn adds set_fit_request/set_score_request to every estimator class; their
# docstrings cross-reference scikit-learn's own glossary, which this site lacks.
_SKLEARN_ROUTING = re.compile(r"^set_\w+_request$")

def _skip_member(app, what, name, obj, skip, options):
    if _SKLEARN_ROUTING.match(name):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
