"""Build script for the C++ extension ``pyneural._core``.

Everything else about the package lives in ``pyproject.toml``. This file only
knows how to compile ``csrc/``: C++17, -O3, OpenMP when the compiler supports it
(probed, never assumed), and no ``-march=native``/``-ffast-math``: the CPU-specific
kernels select their instruction set with ``#pragma GCC target`` and are chosen at
run time.
"""

import os
import sys
import tempfile
from pathlib import Path

from pybind11.setup_helpers import ParallelCompile, Pybind11Extension
from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).parent.resolve()
CSRC = ROOT / "csrc"


def _openmp_flags(compiler):
    """Return (compile_args, link_args) that enable OpenMP, or None if it does not work."""
    if os.environ.get("PYNEURAL_DISABLE_OPENMP"):
        return None
    if compiler.compiler_type == "msvc":
        candidates = [(["/openmp"], [])]
    elif sys.platform == "darwin":
        candidates = [(["-Xpreprocessor", "-fopenmp"], ["-lomp"]), (["-fopenmp"], ["-fopenmp"])]
    else:
        candidates = [(["-fopenmp"], ["-fopenmp"])]
    probe = (
        "#include <omp.h>\n"
        "int main() { int s = 0;\n"
        "#pragma omp parallel for reduction(+:s)\n"
        "for (int i = 0; i < 8; ++i) s += omp_get_num_threads();\n"
        "return s > 0 ? 0 : 1; }\n"
    )
    for cflags, lflags in candidates:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "probe_openmp.cpp"
            src.write_text(probe)
            try:
                objs = compiler.compile([str(src)], output_dir=tmp, extra_postargs=cflags)
                compiler.link_executable(objs, "probe_openmp", output_dir=tmp, extra_postargs=lflags)
            except Exception:  # noqa: BLE001 - any compiler failure means "no OpenMP"
                continue
        return cflags, lflags
    return None


class BuildExt(build_ext):
    def build_extensions(self):
        omp = _openmp_flags(self.compiler)
        msvc = self.compiler.compiler_type == "msvc"
        for ext in self.extensions:
            if msvc:
                ext.extra_compile_args += ["/O2", "/std:c++17", "/EHsc"]
            else:
                ext.extra_compile_args += ["-O3", "-fvisibility=hidden", "-ffp-contract=fast", "-fno-math-errno"]
            if omp:
                ext.extra_compile_args += omp[0]
                ext.extra_link_args += omp[1]
                ext.define_macros.append(("PYNEURAL_OPENMP", "1"))
        if omp:
            print("pyneural: building with OpenMP (%s)" % " ".join(omp[0]))
        else:
            print("pyneural: WARNING: the compiler has no usable OpenMP; building serially")
        super().build_extensions()


sources = sorted(str(p.relative_to(ROOT)) for p in (CSRC / "bindings").glob("*.cpp"))
sources += sorted(str(p.relative_to(ROOT)) for p in (CSRC / "pyneural").rglob("*.cpp"))

# Compile the translation units in parallel (NPY_NUM_BUILD_JOBS overrides the job count).
ParallelCompile("NPY_NUM_BUILD_JOBS", default=0).install()

ext = Pybind11Extension(
    "pyneural._core",
    sources,
    include_dirs=[str(CSRC)],
    # Rebuild when a header or an included kernel body changes, not only a .cpp.
    depends=sorted(str(p.relative_to(ROOT)) for p in CSRC.rglob("*") if p.suffix in (".hpp", ".inc")),
    cxx_std=17,
)

setup(ext_modules=[ext], cmdclass={"build_ext": BuildExt})
