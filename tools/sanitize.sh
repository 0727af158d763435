#!/usr/bin/env bash
# Build pyneural._core with AddressSanitizer + UndefinedBehaviorSanitizer and run
# the test suite against that build. The normal build in the working tree is not
# touched (everything happens in a temporary copy).
#
#   tools/sanitize.sh                 # whole suite
#   tools/sanitize.sh tests/nn -x     # extra arguments go to pytest
#
# Needs g++ with libasan/libubsan (Debian: part of g++). The Python interpreter is
# not instrumented, so the sanitizer runtimes are preloaded; leak detection is off
# because CPython's own allocations would drown the report.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cp -r "$ROOT/src" "$ROOT/csrc" "$ROOT/tests" "$ROOT/examples" "$ROOT/docs" "$ROOT/setup.py" "$ROOT/pyproject.toml" "$WORK/"
find "$WORK/src" -name '_core*.so' -delete
cd "$WORK"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="$SAN -g" LDFLAGS="$SAN" NPY_NUM_BUILD_JOBS="${NPY_NUM_BUILD_JOBS:-2}" \
  "$PYTHON" setup.py build_ext --inplace > build.log 2>&1 || { cat build.log; exit 1; }
grep -q -- "-fsanitize=address" build.log || { echo "sanitizer flags did not reach the compiler"; exit 1; }

export LD_PRELOAD="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libubsan.so)"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export PYTHONPATH="$WORK/src"
echo "sanitize: running the test suite against the ASan+UBSan build"
"$PYTHON" -m pytest -q -p no:cacheprovider "$@"
echo "sanitize: no AddressSanitizer or UndefinedBehaviorSanitizer report"
