"""Independent correct answer: base-10 exponents, budgets as min_budget * eta**i, np.lexsort ranking."""
import math

import numpy as np


def _draw(kind, args, rng):
    if kind == "log_uniform":
        low, high = args
        return 10.0 ** rng.uniform(math.log10(low), math.log10(high))
    if kind == "uniform":
        return rng.uniform(*args)
    if kind == "int":
        return rng.integers(args[0], args[1] + 1)  # a numpy integer
    (options,) = args
    return options[rng.integers(len(options))]


def sample_configs(space, n, seed):
    for name, (kind, *args) in space.items():
        if kind not in ("log_uniform", "uniform", "int", "choice"):
            raise ValueError(f"unknown kind {kind}")
        if kind == "choice" and not args[0]:
            raise ValueError("no options")
        if kind in ("log_uniform", "uniform") and not args[0] < args[1]:
            raise ValueError("low must be < high")
        if kind == "int" and args[0] > args[1]:
            raise ValueError("low must be <= high")
        if kind == "log_uniform" and args[0] <= 0:
            raise ValueError("log-uniform needs low > 0")
    if n < 1:
        raise ValueError("n < 1")
    rng = np.random.default_rng(seed)
    return [{name: _draw(spec[0], spec[1:], rng) for name, spec in space.items()} for _ in range(n)]


def halving_schedule(n, min_budget, max_budget, eta=3):
    if eta < 2 or min_budget < 1 or max_budget < min_budget or n < 1:
        raise ValueError("bad schedule arguments")
    rounds, i = [], 0
    while True:
        count = n if i == 0 else max(1, rounds[-1][0] // eta)
        rounds.append((count, min_budget * eta ** i))
        if count <= 1 or min_budget * eta ** (i + 1) > max_budget:
            return rounds
        i += 1


def _ranking(losses):
    losses = np.array(losses, dtype=float)
    bad = np.isnan(losses)
    return np.lexsort((np.arange(len(losses)), np.where(bad, 0.0, losses), bad))


def successive_halving(objective, configs, min_budget, max_budget, eta=3):
    configs = list(configs)
    schedule = halving_schedule(len(configs), min_budget, max_budget, eta)
    current = np.arange(len(configs))
    history = []
    for i, (_, budget) in enumerate(schedule):
        losses = [float(objective(configs[int(j)], budget)) for j in current]
        history.append({"budget": budget, "indices": [int(j) for j in current], "losses": losses})
        order = _ranking(losses)
        if i == len(schedule) - 1:
            return int(current[order[0]]), history
        current = np.sort(current[order[:schedule[i + 1][0]]])


def random_search_halving(objective, space, n, min_budget, max_budget, eta=3, seed=0):
    halving_schedule(n, min_budget, max_budget, eta)
    configs = sample_configs(space, n, seed)
    best, history = successive_halving(objective, configs, min_budget, max_budget, eta)
    return configs[best], history
