"""Reference solution: random search with log-uniform sampling and successive halving."""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

KINDS = ("log_uniform", "uniform", "int", "choice")


def _check_spec(name: str, spec: tuple) -> None:
    if not isinstance(spec, (tuple, list)) or not spec or spec[0] not in KINDS:
        raise ValueError(f"{name}: unknown parameter spec {spec!r} (kinds: {', '.join(KINDS)})")
    kind = spec[0]
    if kind == "choice":
        if len(spec) != 2 or len(spec[1]) == 0:
            raise ValueError(f"{name}: a choice needs a non-empty list of options")
        return
    if len(spec) != 3:
        raise ValueError(f"{name}: {kind} needs (kind, low, high)")
    low, high = spec[1], spec[2]
    if kind == "int" and low > high:
        raise ValueError(f"{name}: low {low} > high {high}")
    if kind != "int" and not low < high:
        raise ValueError(f"{name}: low {low} must be below high {high}")
    if kind == "log_uniform" and low <= 0:
        raise ValueError(f"{name}: a log-uniform range needs low > 0, got {low}")


def _draw(spec: tuple, rng: np.random.Generator):
    kind = spec[0]
    if kind == "log_uniform":  # uniform in log space: every decade equally likely
        return math.exp(rng.uniform(math.log(spec[1]), math.log(spec[2])))
    if kind == "uniform":
        return float(rng.uniform(spec[1], spec[2]))
    if kind == "int":
        return int(rng.integers(spec[1], spec[2] + 1))  # high included
    options = spec[1]
    return options[int(rng.integers(len(options)))]  # the option itself, not a numpy conversion


def sample_configs(space: Mapping[str, tuple], n: int, seed: int) -> list[dict]:
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    for name, spec in space.items():
        _check_spec(name, spec)
    rng = np.random.default_rng(seed)
    return [{name: _draw(spec, rng) for name, spec in space.items()} for _ in range(n)]


def _check_budgets(n: int, min_budget: int, max_budget: int, eta: int) -> None:
    if n < 1:
        raise ValueError(f"need at least one configuration, got {n}")
    if min_budget < 1:
        raise ValueError(f"min_budget must be at least 1, got {min_budget}")
    if max_budget < min_budget:
        raise ValueError(f"max_budget {max_budget} is below min_budget {min_budget}")
    if eta < 2:
        raise ValueError(f"eta must be at least 2, got {eta}")


def halving_schedule(n: int, min_budget: int, max_budget: int, eta: int = 3) -> list[tuple[int, int]]:
    _check_budgets(n, min_budget, max_budget, eta)
    rounds = [(n, min_budget)]
    while rounds[-1][0] > 1 and rounds[-1][1] * eta <= max_budget:  # integer arithmetic, no float log
        count, budget = rounds[-1]
        rounds.append((max(1, count // eta), budget * eta))
    return rounds


def _order(losses: Sequence[float]) -> np.ndarray:
    """Positions from lowest to highest loss; ties keep their order; nan last (np.sort's rule)."""
    return np.argsort(np.asarray(losses, dtype=np.float64), kind="stable")


def successive_halving(objective: Callable[[dict, int], float], configs: Sequence[dict], min_budget: int,
                       max_budget: int, eta: int = 3) -> tuple[int, list[dict]]:
    schedule = halving_schedule(len(configs), min_budget, max_budget, eta)
    survivors = list(range(len(configs)))
    history = []
    for i, (_, budget) in enumerate(schedule):
        losses = [float(objective(configs[j], budget)) for j in survivors]
        history.append({"budget": budget, "indices": list(survivors), "losses": losses})
        if i + 1 < len(schedule):
            keep = _order(losses)[:schedule[i + 1][0]]
            survivors = sorted(survivors[p] for p in keep)
    last = history[-1]
    best = last["indices"][int(_order(last["losses"])[0])]  # the final round only: budgets differ
    return best, history


def random_search_halving(objective: Callable[[dict, int], float], space: Mapping[str, tuple], n: int,
                          min_budget: int, max_budget: int, eta: int = 3, seed: int = 0) -> tuple[dict, list[dict]]:
    _check_budgets(n, min_budget, max_budget, eta)
    configs = sample_configs(space, n, seed)
    best, history = successive_halving(objective, configs, min_budget, max_budget, eta)
    return configs[best], history
