"""The preprocessing pipeline on the King County spec: each stage, and the cache.

The data is ``pyneural.data.datasets.synthetic_housing`` (same columns and value
ranges as the real CSV), so the suite needs no download. The reference for the
stateful stage is the same min-max arithmetic written directly in NumPy.
"""

import tempfile

import numpy as np

from pyneural.data import Pipeline
from pyneural.data.datasets import king_county_spec, synthetic_housing


class KingCountyPipeline:
    """Stateless stage, fit, transform, inverse and arrays, by table size."""

    params = [2_000, 21_600]
    param_names = ["rows"]

    def setup(self, rows):
        self.df = synthetic_housing(rows, seed=0)
        self.spec = king_county_spec()
        self.pipeline = Pipeline(self.spec)
        self.prepared = self.pipeline.prepare(self.df)
        self.fitted = self.pipeline.fit_stateful(self.prepared)
        self.arrays = self.fitted.to_arrays(self.fitted.transform_stateful(self.prepared), "float64")
        self.matrix = self.prepared[list(self.fitted.plan.normalized)].to_numpy(dtype=np.float64)

    def time_prepare(self, rows):
        Pipeline(self.spec).prepare(self.df)

    def time_fit_stateful(self, rows):
        self.pipeline.fit_stateful(self.prepared)

    def time_transform_stateful(self, rows):
        self.fitted.transform_stateful(self.prepared)

    def time_to_arrays(self, rows):
        self.fitted.to_arrays(self.fitted.transform_stateful(self.prepared), "float32")

    def time_inverse_outputs(self, rows):
        self.fitted.inverse_outputs(self.arrays.y)

    def time_fit_transform_all_stages(self, rows):
        Pipeline(self.spec).fit_transform(self.df)

    def time_reference_numpy_minmax(self, rows):
        # The normalize step's fit + transform arithmetic alone, on the same columns.
        lo = self.matrix.min(axis=0)
        span = self.matrix.max(axis=0) - lo
        (self.matrix - lo) / np.where(span > 0, span, 1.0)


class PipelineCache:
    """The stateless stage with the on-disk cache: a miss (compute + write) and a hit (read)."""

    params = [21_600]
    param_names = ["rows"]
    number = 1
    repeat = 5

    def setup(self, rows):
        self.df = synthetic_housing(rows, seed=0)
        self.spec = king_county_spec()
        self.tmp = tempfile.TemporaryDirectory()
        Pipeline(self.spec, cache_dir=self.tmp.name).prepare(self.df)  # warm: next prepare hits

    def teardown(self, rows):
        self.tmp.cleanup()

    def time_cache_hit(self, rows):
        Pipeline(self.spec, cache_dir=self.tmp.name).prepare(self.df)

    def time_cache_miss(self, rows):
        with tempfile.TemporaryDirectory() as empty:
            Pipeline(self.spec, cache_dir=empty).prepare(self.df)
