"""Hidden suites that compare with TensorFlow read its outputs from frozen .npz files (TensorFlow's
import would take most of their budget). Each generator's --check recomputes them with the
installed TensorFlow, so a TensorFlow upgrade that changes them fails here, not silently."""
import os
import subprocess
import sys

import pytest

from graders import paths

GENERATORS = sorted((paths.ROOT / "hidden_tests").glob("*/make_*_golden.py"))


def test_there_are_frozen_tensorflow_values():
    assert len(GENERATORS) >= 3


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda p: p.parent.name)
def test_frozen_values_match_the_installed_tensorflow(generator):
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT)}  # the generators import graders.golden
    run = subprocess.run([sys.executable, str(generator), "--check"], capture_output=True, text=True, timeout=300,
                         env=env)
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
