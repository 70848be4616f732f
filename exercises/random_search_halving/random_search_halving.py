"""Random search with log-uniform sampling, and successive halving (the core of Hyperband), in numpy.

Run the visible tests with `python grade.py check random_search_halving`.
A search space maps a parameter name to a spec:
    ("log_uniform", low, high)   ("uniform", low, high)   ("int", low, high)   ("choice", options)
An objective is a function objective(config, budget) -> loss (lower is better; nan for a diverged run),
budget an integer (epochs, steps, data size).
Do not use scipy, sklearn, optuna, hyperopt, ray, torch, tensorflow or keras.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np


def sample_configs(space: Mapping[str, tuple], n: int, seed: int) -> list[dict]:
    """n configurations drawn from space with rng = np.random.default_rng(seed).

    Configuration 0 first; within one, the parameters in space's key order, one draw each:
    log_uniform: exp(rng.uniform(log(low), log(high)))   uniform: rng.uniform(low, high)
    int: rng.integers(low, high + 1)                      choice: options[rng.integers(len(options))]
    Raises ValueError for an unknown kind, log_uniform low <= 0, low >= high (log_uniform, uniform),
    low > high (int), empty options, or n < 1.
    """
    # TODO
    raise NotImplementedError("sample_configs")


def halving_schedule(n: int, min_budget: int, max_budget: int, eta: int = 3) -> list[tuple[int, int]]:
    """The rounds [(n_0, r_0), (n_1, r_1), ...] of successive halving.

    (n, min_budget) first; then (max(1, n_i // eta), r_i * eta) while n_i > 1 and r_i * eta <= max_budget.
    Integer arithmetic. Raises ValueError for eta < 2, min_budget < 1, max_budget < min_budget, or n < 1.
    """
    # TODO
    raise NotImplementedError("halving_schedule")


def successive_halving(objective: Callable[[dict, int], float], configs: Sequence[dict], min_budget: int,
                       max_budget: int, eta: int = 3) -> tuple[int, list[dict]]:
    """Run halving_schedule(len(configs), ...): each round calls objective(configs[j], r_i) once per survivor j,
    in ascending j; the n_{i+1} lowest losses survive (ties: lower index; nan after every number).

    Returns (best_index, history): best_index the lowest loss of the LAST round; history one dict per round,
    {"budget": r_i, "indices": [ascending ints], "losses": [floats, same order]}.
    Raises ValueError like halving_schedule (and for an empty configs).
    """
    # TODO
    raise NotImplementedError("successive_halving")


def random_search_halving(objective: Callable[[dict, int], float], space: Mapping[str, tuple], n: int,
                          min_budget: int, max_budget: int, eta: int = 3, seed: int = 0) -> tuple[dict, list[dict]]:
    """sample_configs(space, n, seed), then successive_halving; returns (the winning configuration, history)."""
    # TODO
    raise NotImplementedError("random_search_halving")
