"""Independent correct answer: plain Python loops, sorting by (is nan, loss, index) keys."""
from __future__ import annotations

import math

import numpy as np


def _validate_space(space):
    for name, spec in space.items():
        kind = spec[0] if isinstance(spec, (tuple, list)) and len(spec) > 0 else None
        if kind == "choice":
            if len(spec) != 2 or len(spec[1]) < 1:
                raise ValueError(f"{name}: empty choice")
        elif kind in ("log_uniform", "uniform", "int"):
            low, high = spec[1], spec[2]
            if kind == "int":
                if low > high:
                    raise ValueError(f"{name}: empty integer range")
            elif low >= high:
                raise ValueError(f"{name}: empty range")
            if kind == "log_uniform" and low <= 0:
                raise ValueError(f"{name}: log range must be positive")
        else:
            raise ValueError(f"{name}: unknown kind {kind!r}")


def sample_configs(space, n, seed):
    if n < 1:
        raise ValueError("n must be positive")
    _validate_space(space)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        config = {}
        for name, spec in space.items():
            kind = spec[0]
            if kind == "log_uniform":
                u = rng.random()  # the same double rng.uniform would use
                config[name] = float(spec[1] * (spec[2] / spec[1]) ** u)
            elif kind == "uniform":
                u = rng.random()
                config[name] = float(spec[1] + (spec[2] - spec[1]) * u)
            elif kind == "int":
                config[name] = int(rng.integers(spec[1], spec[2], endpoint=True))
            else:
                config[name] = spec[1][int(rng.integers(0, len(spec[1])))]
        out.append(config)
    return out


def _validate(n, min_budget, max_budget, eta):
    if n < 1 or min_budget < 1 or max_budget < min_budget or eta < 2:
        raise ValueError("invalid successive-halving arguments")


def halving_schedule(n, min_budget, max_budget, eta=3):
    _validate(n, min_budget, max_budget, eta)
    out = []
    count, budget = n, min_budget
    while True:
        out.append((count, budget))
        if count == 1 or budget * eta > max_budget:
            return out
        count, budget = max(1, count // eta), budget * eta


def _key(loss, index):
    return (1, 0.0, index) if math.isnan(loss) else (0, loss, index)


def successive_halving(objective, configs, min_budget, max_budget, eta=3):
    rounds = halving_schedule(len(configs), min_budget, max_budget, eta)
    alive = list(range(len(configs)))
    history = []
    for r, (_, budget) in enumerate(rounds):
        results = []
        for j in alive:
            results.append((j, float(objective(configs[j], budget))))
        history.append({"budget": budget, "indices": [j for j, _ in results], "losses": [l for _, l in results]})
        ranked = sorted(results, key=lambda t: _key(t[1], t[0]))
        if r + 1 < len(rounds):
            alive = sorted(j for j, _ in ranked[:rounds[r + 1][0]])
        else:
            return ranked[0][0], history


def random_search_halving(objective, space, n, min_budget, max_budget, eta=3, seed=0):
    _validate(n, min_budget, max_budget, eta)
    configs = sample_configs(space, n, seed)
    best, history = successive_halving(objective, configs, min_budget, max_budget, eta)
    return configs[best], history
