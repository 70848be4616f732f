"""Frozen TensorFlow/Keras values for hidden suites (TensorFlow's import would eat their budget)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np


def write_or_check(compute: Callable[[], dict], golden: Path, argv: list[str], source: str = "TensorFlow") -> int:
    """`script` writes compute()'s arrays to `golden`; `script --check` recomputes and compares them."""
    values = compute()
    if "--check" in argv:
        with np.load(golden, allow_pickle=False) as data:
            bad = [k for k in values if k not in data.files or not np.allclose(values[k], data[k], rtol=1e-12, atol=0)]
        print(f"{golden.name} matches {source}" if not bad else f"{golden.name} differs from {source}: {bad}")
        return 1 if bad else 0
    np.savez_compressed(golden, **values)
    print(f"wrote {golden}")
    return 0
