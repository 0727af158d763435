"""pyneural's GEMM (pyneural.linalg.matmul, _core.gemm, _core.gemm_bias_act) against NumPy.

Every CPU kernel variant this machine supports is tested (``set_cpu_kernel``).
Results are compared with a float64 product using the standard forward error
bound of a length-k dot product in any summation order, with or without FMA:
``|C - C_exact| <= gamma_k * (|A| @ |B|)``, ``gamma_k = k u / (1 - k u)``
(Higham, *Accuracy and Stability of Numerical Algorithms*, eq. 3.5), with
``u = eps / 2`` of the dtype; a factor of 2 covers the float64 reference itself.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import numpy as np
import pytest

import pyneural as pn
from pyneural import _core
from pyneural.errors import InvalidTypeError, InvalidValueError, PyneuralError

DTYPES = [np.float32, np.float64]
KERNELS = _core.available_cpu_kernels()


@pytest.fixture(params=KERNELS)
def kernel(request):
    """Run the test with each CPU kernel variant, restoring the default afterwards."""
    before = _core.cpu_kernel()
    _core.set_cpu_kernel(request.param)
    yield request.param
    _core.set_cpu_kernel(before)


def operands(rng, m, k, n, trans_a, trans_b, dtype):
    """op(A) (m x k) and op(B) (k x n); transposed operands are views of stored transposes."""
    a = rng.standard_normal((k, m) if trans_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if trans_b else (k, n)).astype(dtype)
    return (a.T if trans_a else a), (b.T if trans_b else b)


def assert_product(c, a, b, alpha=1.0, beta=0.0, c0=None):
    """c == alpha * a @ b + beta * c0 within the rounding-error bound of c's dtype."""
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    ref = alpha * (a64 @ b64)
    scale = abs(alpha) * (np.abs(a64) @ np.abs(b64))
    if c0 is not None and beta != 0.0:
        ref = ref + beta * c0.astype(np.float64)
        scale = scale + abs(beta) * np.abs(c0.astype(np.float64))
    k = a.shape[1]
    u = np.finfo(c.dtype).eps / 2
    gamma = (k + 2) * u / (1 - (k + 2) * u)
    bound = 2 * gamma * scale + np.finfo(c.dtype).tiny
    err = np.abs(c.astype(np.float64) - ref)
    assert c.shape == ref.shape
    assert np.all(np.isfinite(c))
    worst = np.unravel_index(np.argmax(err - bound), err.shape) if err.size else None
    assert np.all(err <= bound), f"error {err[worst]} > bound {bound[worst]} at {worst}"


def blocking(dtype):
    return _core.gemm_blocking(np.dtype(dtype).name)


# --------------------------------------------------------------------------- sizes


def awkward_sizes(dtype):
    """0, 1, primes, MR±1, NR±1 and KC±1 of the active kernel, 257."""
    b = blocking(dtype)
    sizes = {0, 1, 2, 3, 7, 13, 31, 37, 257}
    sizes |= {b["mr"] - 1, b["mr"], b["mr"] + 1, b["nr"] - 1, b["nr"], b["nr"] + 1}
    return sorted(s for s in sizes if s >= 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a,trans_b", [(False, False), (True, False), (False, True), (True, True)])
def test_awkward_sizes_every_transposition(kernel, dtype, trans_a, trans_b):
    rng = np.random.default_rng(1)
    sizes = awkward_sizes(dtype)
    # Each size in each role, the other two dimensions kept awkward but small.
    shapes = set()
    for s in sizes:
        shapes |= {(s, 19, 23), (17, s, 29), (11, 13, s)}
    for m, k, n in sorted(shapes):
        a, b = operands(rng, m, k, n, trans_a, trans_b, dtype)
        c = pn.linalg.matmul(a, b, n_threads=1)
        assert c.dtype == dtype
        assert_product(c, a, b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", ["m", "k", "n"])
def test_sweep_one_dimension(kernel, dtype, dim):
    rng = np.random.default_rng(2)
    for s in range(1, 71):
        m, k, n = {"m": (s, 33, 37), "k": (29, s, 37), "n": (29, 33, s)}[dim]
        a, b = operands(rng, m, k, n, False, dim == "k", dtype)
        assert_product(pn.linalg.matmul(a, b, n_threads=1), a, b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a,trans_b", [(False, False), (True, False), (False, True), (True, True)])
def test_blocked_path_several_cache_blocks(kernel, dtype, trans_a, trans_b):
    """Shapes crossing MR, NR, KC and NC boundaries (several K blocks accumulate into C)."""
    b = blocking(dtype)
    rng = np.random.default_rng(3)
    m, k, n = 2 * b["mr"] + 3, b["kc"] + 7, min(b["nc"], 300) + b["nr"] + 5
    a_, b_ = operands(rng, m, k, n, trans_a, trans_b, dtype)
    assert_product(pn.linalg.matmul(a_, b_, n_threads=1), a_, b_)


@pytest.mark.parametrize("dtype", DTYPES)
def test_large_sizes(dtype):
    rng = np.random.default_rng(4)
    for m, k, n in [(1000, 67, 45), (45, 1000, 67), (67, 45, 1000), (257, 257, 257)]:
        a, b = operands(rng, m, k, n, False, False, dtype)
        assert_product(pn.linalg.matmul(a, b), a, b)


def check_alpha_beta_and_epilogues(rng, a, b):
    """C = -0.5 A B + 1.5 C0, and act(A B + bias) for relu and tanh with the bias per
    column and per row, each within its rounding-error bound."""
    (m, k), n, dtype = a.shape, b.shape[1], a.dtype
    eps = np.finfo(dtype).eps
    c0 = rng.standard_normal((m, n)).astype(dtype)
    c = c0.copy()
    _core.gemm(a, b, c, -0.5, 1.5, 1)
    assert_product(c, a, b, -0.5, 1.5, c0)
    for code in (1, 2):
        for per_row in (False, True):
            bias = rng.standard_normal(m if per_row else n).astype(dtype)
            out = np.full((m, n), np.nan, dtype)
            _core.gemm_bias_act(a, b, bias, code, out, 1, bias_per_row=per_row)
            along = bias[:, None] if per_row else bias
            z = a.astype(np.float64) @ b + along
            scale = np.abs(a.astype(np.float64)) @ np.abs(b) + np.abs(along)
            tol = 2 * (k + 3) * eps * scale + 8 * eps * np.abs(z) + np.finfo(dtype).tiny
            assert np.all(np.abs(out - numpy_act(z, code)) <= tol), (m, k, n, code, per_row)


@pytest.mark.parametrize("dtype", DTYPES)
def test_narrow_outputs_as_dot_products(kernel, dtype):
    """n = 2..15 columns from row-major A (on AVX-512, n <= 4 floats or n == 2 doubles
    with k >= 12 are dot products along k, summed in groups of four k, the last group
    masked; other n <= 4 narrower than a vector with k >= 32 n are per-element dot
    products): every row-block remainder (m), every k remainder, NaN right after each
    row of A (a masked read must not touch it), the fused epilogues and transposed B."""
    rng = np.random.default_rng(11)
    kc = blocking(dtype)["kc"]
    for n in (2, 3, 4, 5, 15):
        for k in (11, 12, 13, 14, 15, 16, 35, 64, 101, kc):
            for m in (1, 7, 15, 16, 17, 31, 128):
                big = np.full((m, k + 3), np.nan, dtype)
                big[:, :k] = rng.standard_normal((m, k))
                a = big[:, :k]
                b = rng.standard_normal((k, n)).astype(dtype)
                assert_product(pn.linalg.matmul(a, b, n_threads=1), a, b)
                if m not in (17, 128):
                    continue
                bt = np.ascontiguousarray(b.T).T
                assert_product(pn.linalg.matmul(a, bt, n_threads=1), a, bt)
                check_alpha_beta_and_epilogues(rng, a, b)


@pytest.mark.parametrize("dtype", DTYPES)
def test_leftover_columns_as_dot_products(kernel, dtype):
    """n = 17..52: one to four columns after full vectors (on AVX-512 floats, with
    long enough k, dot products along k folded by a shuffle tree, 16 rows at a time;
    for two or three columns and k <= 48, rows r and r + 4 sharing a vector):
    every row-block remainder, k remainders and K blocks, NaN right after each row of
    A and around B (masked reads, B a strided view), alpha/beta, transposed B, the
    fused epilogues; and each row equals, bit for bit, the same row computed alone,
    so the result cannot depend on where a thread's rows start."""
    rng = np.random.default_rng(17)
    kc = blocking(dtype)["kc"]
    for n in (17, 19, 20, 21, 34, 35, 36, 52):
        for k in (8, 16, 17, 24, 29, 34, 35, 48, 100, kc + 5):
            for m in (1, 3, 4, 5, 16, 17, 35, 128):
                big = np.full((m, k + 3), np.nan, dtype)
                big[:, :k] = rng.standard_normal((m, k))
                a = big[:, :k]
                # B a view with NaN beside and below it: never read.
                big_b = np.full((k + 1, n + 5), np.nan, dtype)
                big_b[:k, :n] = rng.standard_normal((k, n))
                b = big_b[:k, :n]
                c = pn.linalg.matmul(a, b, n_threads=1)
                assert_product(c, a, b)
                if m not in (17, 128):
                    continue
                for i in (0, 5, m - 1):
                    alone = pn.linalg.matmul(a[i : i + 1], b, n_threads=1)
                    assert np.array_equal(alone.view(np.uint8), c[i : i + 1].view(np.uint8)), (n, k, m, i)
                bt = np.ascontiguousarray(b.T).T
                assert np.array_equal(pn.linalg.matmul(a, bt, n_threads=1).view(np.uint8), c.view(np.uint8))
                check_alpha_beta_and_epilogues(rng, a, b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a,trans_b", [(False, False), (True, False), (False, True), (True, True)])
def test_narrow_output_with_long_k(kernel, dtype, trans_a, trans_b):
    """C at most 64 columns wide with k > KC (a network's output layer after a wide
    hidden layer) takes the unpacked path in blocks of KC: beta applied once, bias
    and activation after the last block."""
    kc = blocking(dtype)["kc"]
    eps = np.finfo(dtype).eps
    rng = np.random.default_rng(12)
    for m, k, n in [(37, kc + 1, 1), (37, kc + 1, 2), (20, 2 * kc + 5, 3), (9, kc + 17, 10),
                    (33, 3 * kc, 17), (5, kc + 3, 64)]:
        a, b = operands(rng, m, k, n, trans_a, trans_b, dtype)
        assert_product(pn.linalg.matmul(a, b, n_threads=1), a, b)
        c0 = rng.standard_normal((m, n)).astype(dtype)
        c = c0.copy()
        _core.gemm(a, b, c, 0.5, -2.0, 1)
        assert_product(c, a, b, 0.5, -2.0, c0)
        bias = rng.standard_normal(n).astype(dtype)
        out = np.full((m, n), np.nan, dtype)
        _core.gemm_bias_act(a, b, bias, 1, out, 1)
        z = a.astype(np.float64) @ b + bias
        tol = 2 * (k + 3) * eps * (np.abs(a.astype(np.float64)) @ np.abs(b) + np.abs(bias))
        assert np.all(np.abs(out - np.maximum(z, 0)) <= tol + np.finfo(dtype).tiny), (m, k, n)


@pytest.mark.parametrize("dtype", DTYPES)
def test_unpacked_and_packed_paths_give_the_same_bits(kernel, dtype):
    """Columns of a narrow C (unpacked path) equal the same columns of a wide C
    (packed path) bit for bit, K blocks included: both run the same FMA chain per
    element. (n = 5 and 30 avoid the dot-product paths for n == 1, n <= 4 and, on
    AVX-512 floats, n % 16 <= 4 after full vectors.)"""
    kc = blocking(dtype)["kc"]
    rng = np.random.default_rng(13)
    for m, k, n, ta in [(40, kc + 9, 30, False), (40, 2 * kc + 1, 5, True), (70, kc - 1, 30, False)]:
        a, b = operands(rng, m, k, n, ta, False, dtype)
        wide = np.concatenate([b, rng.standard_normal((k, 300)).astype(dtype)], axis=1)
        narrow = pn.linalg.matmul(a, b, n_threads=1)
        assert np.array_equal(narrow.view(np.uint8), pn.linalg.matmul(a, wide, n_threads=1)[:, :n].view(np.uint8))


@pytest.mark.parametrize("dtype", DTYPES)
def test_narrow_c_of_transposed_a(kernel, dtype):
    """op(A) = A.T with C narrower than a vector (the weight gradient of a small
    output layer) runs down the rows once k is long: right for every width, the
    same bits as the wide (packed) product's columns and on any thread count."""
    rng = np.random.default_rng(17)
    for m, k, n, tb in [(2, 300, 3, False), (37, 128, 15, True), (100, 300, 7, False), (1100, 300, 10, True),
                        (65, 127, 9, False), (33, 1000, 12, False)]:
        a, b = operands(rng, m, k, n, True, tb, dtype)
        c = pn.linalg.matmul(a, b, n_threads=1)
        assert_product(c, a, b)
        wide = np.concatenate([b, rng.standard_normal((k, 300)).astype(dtype)], axis=1)
        assert np.array_equal(c.view(np.uint8), pn.linalg.matmul(a, wide, n_threads=1)[:, :n].view(np.uint8))
        assert np.array_equal(c.view(np.uint8), pn.linalg.matmul(a, b, n_threads=2).view(np.uint8))
        bias = rng.standard_normal(n).astype(dtype)
        out = np.empty((m, n), dtype)
        _core.gemm_bias_act(a, b, bias, 1, out, 2)
        np.testing.assert_array_equal(out, np.maximum(c + bias, 0))


@pytest.mark.parametrize("dtype", DTYPES)
def test_king_county_shapes(kernel, dtype):
    """The products the flagship network runs ~2000 times per epoch."""
    rng = np.random.default_rng(5)
    for m, k, n, ta, tb in [(128, 34, 35, False, False), (128, 35, 35, False, False),
                            (35, 128, 35, True, False), (128, 35, 35, False, True),
                            (128, 35, 1, False, False), (128, 1, 35, False, False),
                            (35, 128, 1, True, False), (128, 1, 35, False, True)]:
        a, b = operands(rng, m, k, n, ta, tb, dtype)
        assert_product(pn.linalg.matmul(a, b, n_threads=1), a, b)


# --------------------------------------------------------------------------- alpha, beta, strides


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("alpha,beta", [(1.0, 1.0), (0.5, -2.0), (-1.5, 0.25), (2.0, 0.0), (0.0, 3.0)])
def test_alpha_beta(kernel, dtype, alpha, beta):
    b = blocking(dtype)
    rng = np.random.default_rng(6)
    for m, k, n in [(7, 5, 3), (37, 35, 35), (2 * b["mr"] + 1, b["kc"] + 3, 2 * b["nr"] + 1)]:
        for ta, tb in [(False, False), (True, True)]:
            a, bb = operands(rng, m, k, n, ta, tb, dtype)
            c0 = rng.standard_normal((m, n)).astype(dtype)
            c = c0.copy()
            _core.gemm(a, bb, c, alpha, beta, 1)
            assert_product(c, a, bb, alpha, beta, c0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_beta_zero_never_reads_c(kernel, dtype):
    rng = np.random.default_rng(7)
    b = blocking(dtype)
    for m, k, n in [(5, 4, 3), (128, 35, 35), (b["mr"] + 1, b["kc"] + 1, b["nr"] + 1), (4, 0, 5)]:
        a, bb = operands(rng, m, k, n, False, False, dtype)
        c = np.full((m, n), np.nan, dtype)
        _core.gemm(a, bb, c, 1.0, 0.0, 1)
        assert_product(c, a, bb)


@pytest.mark.parametrize("dtype", DTYPES)
def test_leading_dimensions_of_slices(kernel, dtype):
    """Operands and C as slices of bigger arrays: row strides larger than the rows."""
    rng = np.random.default_rng(8)
    big_a = rng.standard_normal((90, 80)).astype(dtype)
    big_b = rng.standard_normal((70, 100)).astype(dtype)
    for (m, k, n) in [(37, 41, 43), (61, 35, 35), (3, 70, 5)]:
        a = big_a[5:5 + m, 3:3 + k]
        b = big_b[:k, 7:7 + n]
        assert_product(pn.linalg.matmul(a, b, n_threads=1), a, b)
        at = big_a[2:2 + k, 1:1 + m].T  # transposed view with ld = 80
        bt = big_b[3:3 + n, 4:4 + k].T
        assert_product(pn.linalg.matmul(at, bt, n_threads=1), at, bt)
        big_c = np.full((m + 4, n + 9), 7.0, dtype)
        c = big_c[2:2 + m, 3:3 + n]
        c0 = rng.standard_normal((m, n)).astype(dtype)
        c[...] = c0
        _core.gemm(a, b, c, 1.0, 0.5, 1)
        assert_product(c, a, b, 1.0, 0.5, c0)
        untouched = np.ones(big_c.shape, bool)
        untouched[2:2 + m, 3:3 + n] = False
        assert np.all(big_c[untouched] == 7.0)


# --------------------------------------------------------------------------- threads


@pytest.mark.parametrize("dtype", DTYPES)
def test_bit_identical_across_thread_counts(kernel, dtype):
    b = blocking(dtype)
    rng = np.random.default_rng(9)
    # All big enough to be split between threads (m*n*k >= 128^3).
    shapes = [
        (2048, 35, 35, False, False),  # direct path, rows split between threads
        (2048, 35, 3, False, False),  # narrow: dot products along k (AVX-512)
        (512, 900, 10, False, False),  # narrow, k > KC: unpacked, in K blocks
        (512, 128, 35, True, False),
        (300, b["kc"] + 20, 200, False, False),  # blocked, several K blocks
        (200, 150, 301, True, True),
        (70, 400, 500, False, True),  # split along n
        # Column panels shared out with work stealing, ragged last panel:
        (100, b["kc"] + 50, 1000, False, False),  # several K blocks per chunk
        (150, 300, 900, True, False),
    ]
    for m, k, n, ta, tb in shapes:
        a, bb = operands(rng, m, k, n, ta, tb, dtype)
        one = pn.linalg.matmul(a, bb, n_threads=1)
        for nt in (2, 3, 5):
            many = pn.linalg.matmul(a, bb, n_threads=nt)
            assert np.array_equal(one.view(np.uint8), many.view(np.uint8)), (m, k, n, nt)
        for per_row in (False, True):
            bias = rng.standard_normal(m if per_row else n).astype(dtype)
            outs = []
            for nt in (1, 2):
                out = np.empty((m, n), dtype)
                _core.gemm_bias_act(a, bb, bias, 2, out, nt, bias_per_row=per_row)
                outs.append(out)
            assert np.array_equal(outs[0].view(np.uint8), outs[1].view(np.uint8))
            ref = np.tanh(a.astype(np.float64) @ bb + (bias[:, None] if per_row else bias))
            np.testing.assert_allclose(outs[1], ref, rtol=1e-3 if dtype == np.float32 else 1e-9, atol=1e-4)
    assert_product(one, a, bb)


@pytest.mark.parametrize("dtype", DTYPES)
def test_shared_last_panels_bit_identical(kernel, dtype):
    # The last one-panel chunks of a work-stealing product go in row parts that a
    # thread out of chunks takes over; which thread computes which part varies from
    # call to call, so repeat: every call must give the single-thread bits.
    b = blocking(dtype)
    rng = np.random.default_rng(11)
    # Several K blocks where op(A) stays small enough (<= 1 MiB) for work stealing.
    deep = b["kc"] + 30 if 256 * (b["kc"] + 30) * np.dtype(dtype).itemsize <= 1 << 20 else 300
    for m, k, n, ta, tb in [(256, deep, 16 * b["nr"] + 5, False, False), (190, 200, 10 * b["nr"], True, True)]:
        a, bb = operands(rng, m, k, n, ta, tb, dtype)
        one = pn.linalg.matmul(a, bb, n_threads=1)
        assert_product(one, a, bb)
        for _ in range(25):
            for nt in (2, 3):
                many = pn.linalg.matmul(a, bb, n_threads=nt)
                assert np.array_equal(one.view(np.uint8), many.view(np.uint8)), (m, k, n, nt)


# --------------------------------------------------------------------------- fused epilogue


def numpy_act(z, code):
    if code == 0:
        return z
    if code == 1:
        return np.where(z > 0, z, 0)
    if code == 2:
        return np.tanh(z)
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("code", [0, 1, 2, 3])
@pytest.mark.parametrize("bias_per_row", [False, True], ids=["bias_per_column", "bias_per_row"])
def test_gemm_bias_act(kernel, dtype, code, bias_per_row):
    b = blocking(dtype)
    rng = np.random.default_rng(10)
    eps = np.finfo(dtype).eps
    # direct (row-major and transposed A, column tails), feature-major inference
    # shapes (35 x rows = Wᵀ xᵀ), blocked, gemv (n == 1) and k == 0.
    for m, k, n, ta, tb in [(128, 34, 35, False, False), (35, 128, 35, True, False),
                            (35, 34, 192, True, True), (35, 35, 37, True, False), (1, 35, 100, True, False),
                            (2 * b["mr"] + 1, b["kc"] + 9, 2 * b["nr"] + 3, False, True),
                            (9, 1, 1, False, False), (5, 0, 4, False, False)]:
        a, bb = operands(rng, m, k, n, ta, tb, dtype)
        for bias in (rng.standard_normal(m if bias_per_row else n).astype(dtype), None):
            out = np.full((m, n), np.nan, dtype)
            _core.gemm_bias_act(a, bb, bias, code, out, 1, bias_per_row=bias_per_row)
            z = a.astype(np.float64) @ bb.astype(np.float64)
            scale = np.abs(a.astype(np.float64)) @ np.abs(bb.astype(np.float64))
            if bias is not None:
                along = bias[:, None] if bias_per_row else bias
                z = z + along
                scale = scale + np.abs(along)
            ref = numpy_act(z, code)
            # act is 1-Lipschitz (sigmoid 1/4) and adds a few ulps of its own.
            tol = 2 * (k + 3) * eps * scale + 8 * eps * np.maximum(np.abs(ref), 1e-30)
            assert np.all(np.abs(out - ref) <= tol + np.finfo(dtype).tiny), (m, k, n, code)
            if code == 1:
                assert np.all(out >= 0)
                assert np.all((out == 0) == (out.astype(np.float64) <= 0))


def test_gemm_bias_act_relu_exact_and_nan():
    """relu(z) = z > 0 ? z : 0: exact values pass through, NaN becomes 0 (as in activations.hpp)."""
    a = np.array([[1.0], [-1.0], [0.0], [np.nan]], np.float32)
    b = np.array([[2.0, -3.0]], np.float32)
    for kern in KERNELS:
        _core.set_cpu_kernel(kern)
        out = np.empty((4, 2), np.float32)
        _core.gemm_bias_act(a, b, np.array([0.5, 0.0], np.float32), 1, out, 1)
        assert out.tolist() == [[2.5, 0.0], [0.0, 3.0], [0.5, 0.0], [0.0, 0.0]], kern
    _core.set_cpu_kernel(KERNELS[-1])


def test_gemm_bias_act_rejects_bad_arguments():
    a = np.ones((3, 4), np.float32)
    b = np.ones((4, 5), np.float32)
    out = np.empty((3, 5), np.float32)
    with pytest.raises(ValueError, match="activation_code"):
        _core.gemm_bias_act(a, b, None, 4, out, 1)
    with pytest.raises(ValueError, match="bias"):
        _core.gemm_bias_act(a, b, np.ones(4, np.float32), 1, out, 1)
    with pytest.raises(ValueError, match="bias"):
        _core.gemm_bias_act(a, b, np.ones(5, np.float64), 1, out, 1)
    with pytest.raises(ValueError, match="length 3"):  # one per row of out
        _core.gemm_bias_act(a, b, np.ones(5, np.float32), 1, out, 1, bias_per_row=True)


# --------------------------------------------------------------------------- kernel selection


def test_kernel_selection():
    assert KERNELS[0] == "baseline"
    assert set(KERNELS) <= {"baseline", "avx2", "avx512"}
    assert _core.cpu_kernel() in KERNELS
    before = _core.cpu_kernel()
    for name in ("sse9", "", "AVX512 "):
        with pytest.raises(ValueError, match="not a CPU kernel"):
            _core.set_cpu_kernel(name)
    assert _core.cpu_kernel() == before
    for name in KERNELS:
        _core.set_cpu_kernel(name)
        assert _core.cpu_kernel() == name
    _core.set_cpu_kernel(before)
    with open(os.devnull, "w") as sink:
        info = pn.show_config(file=sink)
    assert info["cpu_kernel"] == before


def _import_with(features):
    code = ("import warnings; warnings.simplefilter('always')\n"
            "import pyneural, json\n"
            "from pyneural import _core\n"
            "print(json.dumps([_core.cpu_kernel(), _core.cpu_kernel_warning()]))\n")
    env = dict(os.environ, PYNEURAL_CPU_FEATURES=features)
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    import json

    return json.loads(res.stdout.strip().splitlines()[-1]), res.stderr


def test_environment_variable_forces_a_kernel_or_warns():
    (name, warning), _ = _import_with("baseline")
    assert (name, warning) == ("baseline", "")
    (name, warning), stderr = _import_with("sse9")
    assert name == KERNELS[-1]
    assert "PYNEURAL_CPU_FEATURES" in warning and "sse9" in warning
    assert "RuntimeWarning" in stderr
    if "avx512" not in KERNELS:
        (name, warning), _ = _import_with("avx512")
        assert name == KERNELS[-1] and "not supported" in warning


# --------------------------------------------------------------------------- matmul API


def test_matmul_returns_and_out():
    rng = np.random.default_rng(11)
    a = rng.standard_normal((6, 4)).astype(np.float32)
    b = rng.standard_normal((4, 5)).astype(np.float32)
    out = np.empty((6, 5), np.float32)
    res = pn.linalg.matmul(a, b, out=out)
    assert res is out
    assert_product(out, a, b)
    res = pn.linalg.matmul(a.tolist(), b.astype(np.float64).tolist())  # sequences: float64
    assert res.dtype == np.float64
    assert_product(res, a.astype(np.float64), b.astype(np.float64))
    big = pn.linalg.matmul(a[::-1], b[:, ::2], n_threads=-1)  # negative / doubled strides copied
    assert_product(big, a[::-1], b[:, ::2])
    swapped = a.astype(a.dtype.newbyteorder(">"))
    assert_product(pn.linalg.matmul(swapped, b), a, b)


def test_matmul_signature_and_keywords():
    assert str(inspect.signature(pn.linalg.matmul)) == "(a, b, out=None, n_threads=None)"
    assert "Parameters" in pn.linalg.matmul.__doc__
    rng = np.random.default_rng(13)
    a = rng.standard_normal((5, 4))
    b = rng.standard_normal((4, 3))
    out = np.empty((5, 3))
    assert pn.linalg.matmul(b=b, a=a, n_threads=2, out=out) is out
    assert_product(out, a, b)
    # Keyword names built at run time are not interned: matched by value.
    out2 = np.empty((5, 3))
    built = {"".join(["o", "u", "t"]): out2, "_".join(["n", "threads"]): 1}
    assert pn.linalg.matmul(a, b, **built) is out2
    assert_product(out2, a, b)
    with pytest.raises(TypeError, match="unexpected keyword"):
        pn.linalg.matmul(a, b, c=1)
    with pytest.raises(TypeError, match="multiple values"):
        pn.linalg.matmul(a, b, a=a)
    with pytest.raises(TypeError):
        pn.linalg.matmul(a)
    with pytest.raises(TypeError):
        pn.linalg.matmul(a, b, None, None, None)


def test_matmul_out_overlapping_inputs():
    rng = np.random.default_rng(12)
    a = rng.standard_normal((8, 8))
    b = rng.standard_normal((8, 8))
    expect = a @ b
    res = pn.linalg.matmul(a, b, out=a)
    assert res is a
    assert np.allclose(a, expect, rtol=1e-12, atol=1e-12)


def test_matmul_zero_sizes():
    for m, k, n in [(0, 3, 4), (3, 0, 4), (3, 4, 0), (0, 0, 0)]:
        a = np.ones((m, k), np.float32)
        b = np.ones((k, n), np.float32)
        c = pn.linalg.matmul(a, b)
        assert c.shape == (m, n) and c.dtype == np.float32
        assert np.all(c == 0)


@pytest.mark.parametrize(
    "a,b,kwargs,error,match",
    [
        (np.ones((2, 3), np.int64), np.ones((3, 2), np.int64), {}, InvalidTypeError, "a: dtype"),
        (np.ones((2, 3), np.float32), np.ones((3, 2)), {}, InvalidTypeError, "b: dtype"),
        (np.ones((2, 3)), np.ones((4, 2)), {}, InvalidValueError, "b: expected 3 rows"),
        (np.ones(3), np.ones((3, 2)), {}, InvalidValueError, "a: expected a 2-D"),
        (np.ones((2, 3)), np.ones((3, 2, 1)), {}, InvalidValueError, "b: expected a 2-D"),
        (np.ones((2, 3)), np.ones((3, 2)), {"out": np.empty((2, 3))}, InvalidValueError, "out"),
        (np.ones((2, 3)), np.ones((3, 2)), {"out": np.empty((2, 2), np.float32)},
         InvalidValueError, "out"),
        (np.ones((2, 3)), np.ones((3, 2)), {"out": np.empty((2, 2)).T.copy(order="F")},
         InvalidValueError, "out: must be"),
        (np.ones((2, 3)), np.ones((3, 2)), {"out": [[0, 0], [0, 0]]}, InvalidTypeError, "out"),
        (np.ones((2, 3)), np.ones((3, 2)), {"n_threads": 0}, InvalidValueError, "n_threads"),
        (np.ones((2, 3)), np.ones((3, 2)), {"n_threads": 1.5}, InvalidTypeError, "n_threads"),
        (np.ones((2, 3)), np.ones((3, 2)), {"n_threads": True}, InvalidTypeError, "n_threads"),
        (object(), np.ones((3, 2)), {}, PyneuralError, "a"),
    ],
)
def test_matmul_bad_inputs(a, b, kwargs, error, match):
    with pytest.raises(error, match=match):
        pn.linalg.matmul(a, b, **kwargs)


def test_matmul_read_only_out():
    out = np.empty((2, 2))
    out.flags.writeable = False
    with pytest.raises(InvalidValueError, match="out"):
        pn.linalg.matmul(np.ones((2, 3)), np.ones((3, 2)), out=out)


@pytest.mark.parametrize("dtype", DTYPES)
def test_all_finite_matches_numpy(kernel, dtype):
    """_core.all_finite (the engine's bit test, used to validate X) against
    np.isfinite over awkward sizes, a bad value at the corners and the middle,
    subnormals and the largest finite value, and C, transposed and row-strided
    views."""
    rng = np.random.default_rng(12)
    tiny = np.finfo(dtype).smallest_subnormal
    for rows, cols in [(1, 1), (1, 17), (3, 5), (7, 33), (64, 16), (129, 35), (300, 257)]:
        x = rng.standard_normal((rows, cols)).astype(dtype)
        x[0, 0] = tiny  # subnormals and the largest finite value are finite
        x[-1, -1] = np.finfo(dtype).max
        assert _core.all_finite(x) and _core.all_finite(x.T) and _core.all_finite(x[::2])
        positions = {(0, 0), (rows - 1, cols - 1), (rows // 2, cols // 2), (rows - 1, 0)}
        for (r, c), bad in zip(sorted(positions), [np.nan, np.inf, -np.inf, np.nan]):
            y = x.copy()
            y[r, c] = bad
            for view in (y, y.T, y[r:r + 1], y[::2], y[:, c:]):
                assert _core.all_finite(view) == bool(np.isfinite(view).all()), (rows, cols, r, c, bad)
    assert _core.all_finite(np.empty((0, 4), dtype))
    with pytest.raises(ValueError, match="float32 or float64"):
        _core.all_finite(np.ones((2, 2), np.int64))
