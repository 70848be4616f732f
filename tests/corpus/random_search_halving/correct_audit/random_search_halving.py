"""Random search with log-uniform sampling and successive halving (audit answer)."""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np


def sample_configs(space: Mapping[str, tuple], n: int, seed: int) -> list[dict]:
    """n configurations drawn in order from one seeded generator."""
    if n < 1:
        raise ValueError("n must be >= 1")
    for name, spec in space.items():
        kind = spec[0]
        if kind in ("log_uniform", "uniform", "int"):
            low, high = spec[1], spec[2]
            if kind == "log_uniform" and low <= 0:
                raise ValueError(f"{name}: log_uniform needs low > 0")
            if kind in ("log_uniform", "uniform") and low >= high:
                raise ValueError(f"{name}: low must be < high")
            if kind == "int" and low > high:
                raise ValueError(f"{name}: low must be <= high")
        elif kind == "choice":
            if len(spec[1]) == 0:
                raise ValueError(f"{name}: empty options")
        else:
            raise ValueError(f"{name}: unknown kind {kind!r}")
    rng = np.random.default_rng(seed)
    configs = []
    for _ in range(n):
        cfg = {}
        for name, spec in space.items():
            kind = spec[0]
            if kind == "log_uniform":
                cfg[name] = float(math.exp(rng.uniform(math.log(spec[1]), math.log(spec[2]))))
            elif kind == "uniform":
                cfg[name] = float(rng.uniform(spec[1], spec[2]))
            elif kind == "int":
                cfg[name] = int(rng.integers(spec[1], spec[2] + 1))
            else:
                options = spec[1]
                cfg[name] = options[int(rng.integers(len(options)))]
        configs.append(cfg)
    return configs


def _check(n: int, min_budget: int, max_budget: int, eta: int) -> None:
    if eta < 2:
        raise ValueError("eta must be >= 2")
    if min_budget < 1:
        raise ValueError("min_budget must be >= 1")
    if max_budget < min_budget:
        raise ValueError("max_budget must be >= min_budget")
    if n < 1:
        raise ValueError("need at least one configuration")


def halving_schedule(n: int, min_budget: int, max_budget: int, eta: int = 3) -> list[tuple[int, int]]:
    """Rounds (n_i, r_i), integer arithmetic only."""
    _check(n, min_budget, max_budget, eta)
    rounds = [(int(n), int(min_budget))]
    while rounds[-1][0] > 1 and rounds[-1][1] * eta <= max_budget:
        ni, ri = rounds[-1]
        rounds.append((max(1, ni // eta), ri * eta))
    return rounds


def _rank(indices: list[int], losses: list[float]) -> list[int]:
    """Indices sorted by loss, nan last, ties by lower index."""
    def key(pair):
        j, loss = pair
        bad = math.isnan(loss)
        return (bad, 0.0 if bad else loss, j)
    return [j for j, _ in sorted(zip(indices, losses), key=key)]


def successive_halving(objective: Callable[[dict, int], float], configs: Sequence[dict], min_budget: int,
                       max_budget: int, eta: int = 3) -> tuple[int, list[dict]]:
    """Run the halving schedule; return (best index of the last round, history)."""
    schedule = halving_schedule(len(configs), min_budget, max_budget, eta)
    survivors = list(range(len(configs)))
    history = []
    for i, (_, budget) in enumerate(schedule):
        losses = [float(objective(configs[j], budget)) for j in survivors]
        history.append({"budget": budget, "indices": list(survivors), "losses": losses})
        ranked = _rank(survivors, losses)
        if i + 1 < len(schedule):
            survivors = sorted(ranked[:schedule[i + 1][0]])
        else:
            return ranked[0], history
    raise AssertionError("unreachable")


def random_search_halving(objective: Callable[[dict, int], float], space: Mapping[str, tuple], n: int,
                          min_budget: int, max_budget: int, eta: int = 3, seed: int = 0) -> tuple[dict, list[dict]]:
    """sample_configs then successive_halving."""
    _check(n, min_budget, max_budget, eta)
    configs = sample_configs(space, n, seed)
    best, history = successive_halving(objective, configs, min_budget, max_budget, eta)
    return configs[best], history
