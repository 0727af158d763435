"""Atomic writes."""

import os
import stat

from pyneural._io import atomic_write_text


def test_atomic_files_get_the_permissions_of_a_normal_file(tmp_path):
    atomic_write_text(tmp_path / "a.txt", "x")
    (tmp_path / "b.txt").write_text("x")
    mode = stat.S_IMODE(os.stat(tmp_path / "a.txt").st_mode)
    assert mode == stat.S_IMODE(os.stat(tmp_path / "b.txt").st_mode)
    assert [p.name for p in tmp_path.iterdir()].count("a.txt") == 1 and len(list(tmp_path.iterdir())) == 2
