"""Hidden tests for random_search_halving: the sampler's exact random stream and its log-uniform spread,
the halving schedule (integer arithmetic, no floating log), successive halving checked call by call through
a judge-side objective that records every (config, budget) it is asked for, and a search on a simulated
training whose best learning rates sit around 1e-3.

The objectives are judge functions: the learner calls them (in secure mode, across the sandbox), so the
suite sees the algorithm itself: which configurations run, at which budget, in which round, and the total
cost. Nothing is trained: the simulated training is a closed-form learning curve with deterministic noise
keyed on the configuration's values, and the sampler's stream is fixed by the contract, so every correct
implementation produces the same configurations as the reference and the same search.

Figures of the search test (C11; `MLKIT_DRAFTS=1 python grade.py dev sweep random_search_halving --seeds 10`,
and seeds 0-19 by hand): the reference's winner has a true final loss 0.003-0.023 above the best grid point's
0.050 (threshold 0.05) and a learning rate between 3.8e-4 and 1.7e-3 (the optimum region is [1e-4, 1e-2]);
121 objective calls costing 405 budget units against the 9 x 9 grid's 6561. Sampling the learning rate
uniformly on [1e-6, 1] instead leaves a regret of 0.02-0.32 (0.14 at the default seed 0; 18 of 20 seeds fail).
The simulated training's noise is a smooth function of the values, so the last-bit differences between correct
routes (exp/log, 10**/log10, low * (high / low)**u) change losses by rounding only.

Wrong answers this suite is built to catch:
- a learning rate sampled uniformly on [low, high] (nearly every draw in the top decade), or uniformly on
  the log scale but never exponentiated, or with log10 and exp mixed
- the seed ignored (an unseeded generator, a fixed seed, the global np.random state), the parameters drawn
  in sorted-name order or one parameter at a time for all configurations (vectorised), the integer upper
  bound excluded, a choice drawn with rng.choice over a mixed list (numpy turns 64 into '64')
- invalid spaces (log-uniform range through 0, low >= high, empty choice, unknown kind) accepted
- the number of rounds from a floating log (math.log(243, 3) = 4.999...), rounds continuing after a
  single survivor, or cut before the budget limit; n // eta going to 0 (no max(1, ...))
- survivors chosen from the wrong end (the highest losses), ties broken by an unstable sort or the higher
  index, a nan loss (a diverged run) surviving or winning (np.argmin returns the nan), nan mapped to inf (a nan
  then ties with an inf loss and wins it by a lower index), survivors evaluated in rank order instead of index
  order
- the budget not increased between rounds (or increased by adding eta), eta ignored (always 3)
- every configuration re-evaluated in every round, the winner re-evaluated after the last round
- the winner taken as the lowest loss over all rounds (losses at different budgets are not comparable)
- eta < 2, min_budget < 1, max_budget < min_budget or no configuration accepted
- random_search_halving not passing the seed to the sampler, or not returning the winning configuration
"""
import math

import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, describe, expect_raises

# ----------------------------------------------------------------------------- helpers

SPACE = {"lr": ("log_uniform", 1e-6, 1.0), "dropout": ("uniform", 0.0, 0.6),
         "layers": ("int", 1, 4), "optimizer": ("choice", ["sgd", "adam"])}


def sample_call(space, n, seed) -> str:
    return f"sample_configs({space!r}, {n}, {seed})"


class Recorder:
    """A judge-side objective that records every call: (config, budget)."""

    def __init__(self, function):
        self.function = function
        self.calls: list[tuple[dict, object]] = []

    def __call__(self, config, budget):
        self.calls.append((config, budget))
        return self.function(config, budget)

    @property
    def cost(self) -> int:
        return int(sum(int(b) for _, b in self.calls))


def is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def table_objective(seed: int, n: int, budgets, *, ties: bool = False, nan_rate: float = 0.0):
    """loss = table[budget][config["id"]]: a random table of losses, optionally tied or with nan."""
    rng = np.random.default_rng(seed)
    table = {}
    for b in budgets:
        losses = rng.choice([0.5, 1.0, 1.5], size=n) if ties else rng.uniform(0.1, 2.0, size=n) / math.sqrt(b)
        losses[rng.uniform(size=n) < nan_rate] = np.nan
        table[b] = losses

    def objective(config, budget):
        return float(table[int(budget)][int(config["id"])])
    return objective


def id_configs(n: int) -> list[dict]:
    return [{"id": i, "width": 16 * (i % 4 + 1)} for i in range(n)]


def config_id(config):
    return config.get("id") if isinstance(config, dict) else config


def check_calls(recorder: Recorder, expected_history: list[dict], call: str, identify=config_id) -> None:
    """The recorded calls are exactly the expected rounds: same configurations, same budgets, same order."""
    expected = [(j, h["budget"], r) for r, h in enumerate(expected_history) for j in h["indices"]]
    for position, (config, budget) in enumerate(recorder.calls):
        if not is_int(budget):
            raise AssertionError(f"called {call}; call {position} of the objective got budget {describe(budget)}, "
                                 "expected an integer")
        if position >= len(expected):
            raise AssertionError(
                f"called {call}; the objective was called {len(recorder.calls)} times, expected "
                f"{len(expected)} (total budget {recorder.cost}, expected "
                f"{sum(h['budget'] * len(h['indices']) for h in expected_history)}) - each round evaluates only "
                "that round's survivors, once each, and nothing runs after the last round")
        j, want_budget, r = expected[position]
        got_id = identify(config)
        if int(budget) != want_budget:
            raise AssertionError(
                f"called {call}; call {position} (round {r}) ran at budget {budget}, expected {want_budget} - "
                "round i runs at min_budget * eta**i: the budget grows by the factor eta each round")
        if got_id != j:
            raise AssertionError(
                f"called {call}; call {position} (round {r}) evaluated configs[{got_id!r}], expected configs[{j}] - "
                "a round evaluates the survivors of the previous round (the lowest losses, ties to the lower "
                "index, nan last) in ascending index order")
    if len(recorder.calls) < len(expected):
        raise AssertionError(f"called {call}; the objective was called {len(recorder.calls)} times, expected "
                             f"{len(expected)} - every round of the schedule must run")


def check_history(got, expected_best, expected_history, call: str, why: str = "", show_expected: bool = False):
    if not (isinstance(got, tuple) and len(got) == 2):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (best_index, history)")
    best, history = got
    if not isinstance(history, list) or len(history) != len(expected_history):
        raise AssertionError(f"called {call}; the history is {describe(history)}, expected a list of "
                             f"{len(expected_history)} rounds (one dict per round)")
    for r, (h, e) in enumerate(zip(history, expected_history)):
        if not isinstance(h, dict) or not {"budget", "indices", "losses"} <= set(h):
            raise AssertionError(f"called {call}; history[{r}] is {describe(h)}, expected a dict with keys "
                                 "'budget', 'indices' and 'losses'")
        if not is_int(h["budget"]) or h["budget"] != e["budget"]:
            raise AssertionError(f"called {call}; history[{r}]['budget'] is {h['budget']!r}, expected {e['budget']}")
        assert_equal(np.asarray(h["indices"]), np.asarray(e["indices"]), f"{call}, history[{r}]['indices']",
                     show_expected=show_expected, why="the configurations this round evaluated, ascending")
        assert_allclose(np.asarray(h["losses"], dtype=float), np.asarray(e["losses"]), f"{call}, history[{r}]['losses']",
                        rtol=1e-12, why="their losses as the objective returned them, in the same order")
    if not is_int(best) or best != expected_best:
        shown = f", expected {expected_best}" if show_expected else ""
        rule = "the winner is the lowest loss of the last round (ties to the lower index, nan last)"
        raise AssertionError(f"called {call}; best_index is {best!r}{shown} - {rule}" + (f"; {why}" if why else ""))


def run_halving(learner, reference, objective, configs, min_budget, max_budget, eta, *, why="",
                show_expected=False):
    call = f"successive_halving(objective, {len(configs)} configs, {min_budget}, {max_budget}, eta={eta})"
    recorder = Recorder(objective)
    got = learner.successive_halving(recorder, configs, min_budget, max_budget, eta)
    expected_best, expected_history = reference.successive_halving(objective, configs, min_budget, max_budget, eta)
    check_calls(recorder, expected_history, call)
    check_history(got, expected_best, expected_history, call, why, show_expected)
    return got


# ----------------------------------------------------------------------------- sampling

SPACES = [
    ({"lr": ("log_uniform", 1e-5, 1e-1)}, 6, 0),
    (SPACE, 25, 3),
    ({"weight_decay": ("log_uniform", 1e-8, 1e-2), "batch": ("choice", [16, 32, 64, 128]), "momentum":
      ("uniform", 0.8, 0.99), "depth": ("int", 2, 12), "lr": ("log_uniform", 3e-5, 3e-3)}, 40, 11),
    ({"units": ("int", 8, 8), "act": ("choice", ("relu", "gelu", "tanh")), "scale": ("log_uniform", 0.5, 2.0)}, 15, 12345),
]


def check_configs(got, expected, call, why):
    if not isinstance(got, list) or len(got) != len(expected):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a list of {len(expected)} dicts")
    for i, (g, e) in enumerate(zip(got, expected)):
        if not isinstance(g, dict) or list(g) != list(e):
            raise AssertionError(f"called {call}; configs[{i}] is {describe(g)}, expected a dict with keys "
                                 f"{list(e)} (the space's keys, in its order)")
        for name, value in e.items():
            ok = (math.isclose(float(g[name]), value, rel_tol=1e-12) if isinstance(value, float)
                  else g[name] == value)
            if not ok:
                raise AssertionError(f"called {call}; configs[{i}][{name!r}] is {g[name]!r} - {why}")


@pytest.mark.clause("C1", "C2", probes="configurations not drawn from default_rng(seed) in the stated order",
                    topic="randomness and reproducibility")
@pytest.mark.points(3)
@pytest.mark.parametrize("case", SPACES, ids=lambda c: f"{len(c[0])}params-n{c[1]}-seed{c[2]}")
def test_sample_matches_reference(learner, reference, case):
    space, n, seed = case
    check_configs(learner.sample_configs(space, n, seed), reference.sample_configs(space, n, seed),
                  sample_call(space, n, seed),
                  "rng = np.random.default_rng(seed); configurations one after the other, the parameters of each in "
                  "the space's key order, one draw each (log_uniform: exp(rng.uniform(log low, log high)); uniform: "
                  "rng.uniform(low, high); int: rng.integers(low, high + 1); choice: options[rng.integers(len)])")


@pytest.mark.clause("C2", probes="a learning rate sampled uniformly instead of log-uniformly",
                    topic="hyperparameter optimization")
@pytest.mark.points(3)
def test_log_uniform_spreads_over_decades(learner):
    space, n = {"lr": ("log_uniform", 1e-6, 1.0)}, 3000
    configs = learner.sample_configs(space, n, 7)
    call = sample_call(space, n, 7)
    lr = np.array([float(c["lr"]) for c in configs])
    if np.any(lr < 1e-6 * (1 - 1e-9)) or np.any(lr > 1.0 + 1e-9):
        raise AssertionError(f"called {call}; a learning rate {lr[(lr < 1e-6) | (lr > 1)][0]!r} lies outside "
                             "[1e-6, 1]: sample log(lr) uniformly on [log low, log high], then exponentiate")
    shares = np.histogram(np.log10(lr), bins=np.arange(-6, 1))[0] / n
    for decade, share in zip(range(-6, 0), shares):
        if not 0.13 <= share <= 0.21:
            raise AssertionError(
                f"called {call}; {share:.1%} of the learning rates fall in [1e{decade}, 1e{decade + 1}), expected "
                "about 1/6 in each of the 6 decades - log-uniform sampling gives every decade the same share "
                "(uniform sampling puts 90% of the draws above 0.1)")


@pytest.mark.clause("C2", probes="the seed ignored: the same configurations whatever the seed",
                    topic="randomness and reproducibility")
@pytest.mark.points(2)
def test_seed_reproduces_and_varies(learner):
    first = learner.sample_configs(SPACE, 10, 21)
    again = learner.sample_configs(SPACE, 10, 21)
    call = sample_call(SPACE, 10, 21)
    if first != again:
        raise AssertionError(f"called {call} twice; got different configurations - the same seed must give the "
                             "same configurations (one np.random.default_rng(seed), no global state)")
    other = learner.sample_configs(SPACE, 10, 22)
    if other == first:
        raise AssertionError(f"called {call} and {sample_call(SPACE, 10, 22)}; got the same configurations - "
                             "the seed must decide the draws")
    prefix = learner.sample_configs(SPACE, 4, 21)
    if prefix != first[:4]:
        raise AssertionError(f"called {sample_call(SPACE, 4, 21)}; got configurations that are not the first 4 of "
                             f"{call} - configurations are drawn one after the other from one generator")


@pytest.mark.clause("C2", probes="parameters drawn in sorted-name order or one parameter for all configs at once",
                    topic="randomness and reproducibility")
def test_draw_order_follows_the_space(learner, reference):
    space = {"z_scale": ("log_uniform", 1e-3, 10.0), "a_rate": ("uniform", -1.0, 1.0), "m_depth": ("int", 1, 9)}
    call = sample_call(space, 5, 4)
    check_configs(learner.sample_configs(space, 5, 4), reference.sample_configs(space, 5, 4), call,
                  "draw config 0's parameters in the space's key order (z_scale, a_rate, m_depth: not sorted by "
                  "name), then config 1's, and so on (not all z_scale values first)")


@pytest.mark.clause("C3", probes="int upper bound excluded, or a choice converted by numpy ('64' for 64)",
                    topic="api contract")
@pytest.mark.points(2)
def test_value_types(learner):
    space = {"lr": ("log_uniform", 1e-4, 1e-2), "p": ("uniform", 0.0, 0.5), "k": ("int", 1, 2),
             "batch": ("choice", [64, "auto"]), "act": ("choice", ("relu", 0.5, None))}
    call = sample_call(space, 200, 5)
    configs = learner.sample_configs(space, 200, 5)
    for i, c in enumerate(configs):
        for name in ("lr", "p"):
            if not isinstance(c[name], float):
                raise AssertionError(f"called {call}; configs[{i}][{name!r}] is {describe(c[name])}, expected a float")
        if not is_int(c["k"]) or not 1 <= c["k"] <= 2:
            raise AssertionError(f"called {call}; configs[{i}]['k'] is {describe(c['k'])}, expected an integer in "
                                 "[1, 2] (both ends included)")
        for name, options in (("batch", [64, "auto"]), ("act", ("relu", 0.5, None))):
            if not any(c[name] == o and isinstance(c[name], type(o)) for o in options):
                raise AssertionError(f"called {call}; configs[{i}][{name!r}] is {c[name]!r}, expected one of the "
                                     f"options {options!r} itself (np.random.Generator.choice turns a mixed list "
                                     "into strings: pick an index with rng.integers and return options[index])")
    if {int(c["k"]) for c in configs} != {1, 2}:
        raise AssertionError(f"called {call}; 'k' never took the value 2 in 200 draws - ('int', low, high) includes "
                             "high (rng.integers(low, high + 1))")


@pytest.mark.clause("C4", probes="an invalid search space accepted", topic="input validation")
def test_invalid_space_raises(learner):
    for space, n, why in (
        ({"lr": ("log_uniform", 0.0, 1.0)}, 3, "a log-uniform range needs low > 0 (log 0 is -inf)"),
        ({"lr": ("log_uniform", -1e-3, 1.0)}, 3, "a log-uniform range needs low > 0"),
        ({"lr": ("log_uniform", 1e-2, 1e-3)}, 3, "low must be below high"),
        ({"p": ("uniform", 0.5, 0.5)}, 3, "low must be below high"),
        ({"k": ("int", 5, 4)}, 3, "low must not exceed high"),
        ({"opt": ("choice", [])}, 3, "a choice needs at least one option"),
        ({"lr": ("loguniform", 1e-3, 1.0)}, 3, "unknown kind 'loguniform'"),
        ({"lr": ("log_uniform", 1e-3, 1.0)}, 0, "n must be at least 1"),
    ):
        with expect_raises(ValueError, sample_call(space, n, 0), why):
            learner.sample_configs(space, n, 0)


# ----------------------------------------------------------------------------- the schedule

SCHEDULE_CASES = [  # (n, min_budget, max_budget, eta, expected, why)
    (27, 1, 27, 3, [(27, 1), (9, 3), (3, 9), (1, 27)], "27 configs, budgets 1, 3, 9, 27 (one Hyperband bracket)"),
    (81, 2, 100, 3, [(81, 2), (27, 6), (9, 18), (3, 54)], "2 * 3**4 = 162 > 100: the last round runs at 54"),
    (729, 1, 243, 3, [(729, 1), (243, 3), (81, 9), (27, 27), (9, 81), (3, 243)],
     "243 = 3**5 is reached (int(math.log(243, 3)) is 4: count rounds in integer arithmetic)"),
    (1000, 1, 1000, 10, [(1000, 1), (100, 10), (10, 100), (1, 1000)],
     "1000 = 10**3 is reached (math.log(1000, 10) is 2.9999999999999996)"),
    (10, 2, 1000, 3, [(10, 2), (3, 6), (1, 18)], "a round with a single configuration is the last"),
    (2, 1, 100, 3, [(2, 1), (1, 3)], "2 // 3 is 0, but at least 1 configuration survives"),
    (100, 1, 10, 2, [(100, 1), (50, 2), (25, 4), (12, 8)], "eta = 2 halves; 16 > 10 ends the schedule"),
    (40, 5, 5, 3, [(40, 5)], "min_budget = max_budget: one round, plain random search"),
    (1, 1, 81, 3, [(1, 1)], "a single configuration: one round"),
    (64, 1, 64, 4, [(64, 1), (16, 4), (4, 16), (1, 64)], "eta = 4 keeps a quarter"),
]


def schedule_call(n, min_budget, max_budget, eta) -> str:
    return f"halving_schedule({n}, {min_budget}, {max_budget}, eta={eta})"


def check_schedule(got, expected, call, why, show_expected=True):
    rounds = [tuple(r) for r in got] if isinstance(got, (list, tuple)) else got
    if not isinstance(got, list) or any(len(r) != 2 or not all(is_int(v) for v in r) for r in rounds):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a list of (n_i, r_i) integer pairs")
    if rounds != [tuple(r) for r in expected]:
        shown = f", expected {expected}" if show_expected else ""
        raise AssertionError(f"called {call}; got {[(int(a), int(b)) for a, b in rounds]}{shown} - {why}")


@pytest.mark.clause("C5", probes="budget not multiplied by eta, a floating log, or rounds past a single survivor",
                    topic="hyperparameter optimization")
@pytest.mark.points(3)
@pytest.mark.parametrize("case", SCHEDULE_CASES, ids=lambda c: f"n{c[0]}-{c[1]}to{c[2]}-eta{c[3]}")
def test_schedule_hand_cases(learner, case):
    n, min_budget, max_budget, eta, expected, why = case
    call = schedule_call(n, min_budget, max_budget, eta)
    check_schedule(learner.halving_schedule(n, min_budget, max_budget, eta), expected, call, why)


@pytest.mark.clause("C5", probes="the default eta is not 3", topic="api contract")
def test_schedule_default_eta(learner):
    call = "halving_schedule(9, 1, 9)"
    check_schedule(learner.halving_schedule(9, 1, 9), [(9, 1), (3, 3), (1, 9)], call, "eta defaults to 3")


@pytest.mark.clause("C5", probes="the schedule differs from n_{i+1} = max(1, n_i // eta), r_{i+1} = r_i * eta",
                    topic="hyperparameter optimization")
@pytest.mark.points(2)
def test_schedule_matches_reference(learner, reference):
    rng = np.random.default_rng(40)
    for _ in range(60):
        n, min_budget, eta = int(rng.integers(1, 300)), int(rng.integers(1, 20)), int(rng.integers(2, 6))
        max_budget = min_budget * int(rng.integers(1, 400))
        call = schedule_call(n, min_budget, max_budget, eta)
        check_schedule(learner.halving_schedule(n, min_budget, max_budget, eta),
                       reference.halving_schedule(n, min_budget, max_budget, eta), call,
                       "n_0 = n, r_0 = min_budget; then n_{i+1} = max(1, n_i // eta), r_{i+1} = r_i * eta, while "
                       "n_i > 1 and r_i * eta <= max_budget", show_expected=False)


@pytest.mark.clause("C6", probes="eta < 2, min_budget < 1, max_budget < min_budget or n < 1 accepted",
                    topic="input validation")
def test_schedule_validates(learner):
    for args, why in (((9, 1, 9, 0), "eta must be at least 2"),
                      ((9, 0, 9, 3), "min_budget must be at least 1"),
                      ((9, 10, 9, 3), "max_budget is below min_budget"),
                      ((0, 1, 9, 3), "no configuration to search"),
                      ((9, 1, 9, 1), "eta = 1 never shrinks the field (an endless loop)")):
        with expect_raises(ValueError, schedule_call(*args), why):
            learner.halving_schedule(*args)


# ----------------------------------------------------------------------------- successive halving

HALVING_CASES = [  # (seed, n, min_budget, max_budget, eta)
    (50, 27, 1, 27, 3),
    (51, 81, 1, 81, 3),
    (52, 30, 2, 100, 3),
    (53, 40, 1, 16, 2),
    (54, 64, 3, 200, 4),
    (55, 27, 1, 3, 3),
]


def budgets_of(min_budget, max_budget, eta):
    out = [min_budget]
    while out[-1] * eta <= max_budget:
        out.append(out[-1] * eta)
    return out


@pytest.mark.clause("C7", "C8", "C9", probes="wrong survivors, budgets or call order in successive halving",
                    topic="hyperparameter optimization")
@pytest.mark.points(4)
@pytest.mark.parametrize("case", HALVING_CASES, ids=lambda c: f"n{c[1]}-{c[2]}to{c[3]}-eta{c[4]}")
def test_halving_matches_reference(learner, reference, case):
    seed, n, min_budget, max_budget, eta = case
    objective = table_objective(seed, n, budgets_of(min_budget, max_budget, eta))
    run_halving(learner, reference, objective, id_configs(n), min_budget, max_budget, eta)


@pytest.mark.clause("C8", probes="survivors chosen from the wrong end (the highest losses)",
                    topic="hyperparameter optimization")
@pytest.mark.points(2)
def test_survivors_are_the_lowest_losses(learner, reference):
    losses = {1: [0.9, 0.2, 0.8, 0.4, 0.7, 0.3, 0.6, 0.1, 0.5], 3: [0.5, 0.15, 0.5, 0.35, 0.5, 0.25, 0.5, 0.05, 0.5],
              9: [0.4, 0.1, 0.4, 0.4, 0.4, 0.2, 0.4, 0.03, 0.4]}

    def objective(config, budget):
        return losses[int(budget)][int(config["id"])]
    # round 0 keeps 7, 1, 5 (losses 0.1, 0.2, 0.3); round 1 keeps 7 (0.05); round 2 runs 7 at budget 9
    run_halving(learner, reference, objective, id_configs(9), 1, 9, 3, show_expected=True,
                why="the lowest loss survives: configs 7, 1 and 5, then 7")


@pytest.mark.clause("C8", probes="ties broken by an unstable sort or by the higher index",
                    topic="hyperparameter optimization")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [60, 61])
def test_ties_go_to_the_lower_index(learner, reference, seed):
    objective = table_objective(seed, 81, [1, 3, 9, 27], ties=True)  # losses 0.5, 1.0, 1.5: many ties
    run_halving(learner, reference, objective, id_configs(81), 1, 27, 3,
                why="np.argsort's default quicksort is not stable")


@pytest.mark.clause("C8", "C9", probes="a diverged run (nan loss) surviving or winning", topic="numerical stability")
@pytest.mark.points(2)
def test_nan_losses_rank_last(learner, reference):
    nan = float("nan")
    losses = {1: [nan, 0.4, nan, 0.2, nan, nan, nan, 0.3, nan, nan], 3: [9, 0.35, 9, nan, 9, nan, 9, 0.25, 9, 9],
              9: [9, 9, 9, 9, 9, nan, 9, 0.3, 9, 9]}

    def objective(config, budget):
        return losses[int(budget)][int(config["id"])]
    # round 0 keeps 3 (0.2), 7 (0.3), 1 (0.4); round 1: 3 diverges (nan), 7 (0.25) survives; round 2: 7 wins
    run_halving(learner, reference, objective, id_configs(10), 1, 9, 3, show_expected=True,
                why="a nan loss ranks after every number")
    losses2 = {1: [nan, 0.5, nan, nan, nan, nan, nan, nan, nan], 3: [0.9, 0.1, nan, nan, 9, 9, 9, 9, 9]}

    def objective2(config, budget):
        return losses2[int(budget)][int(config["id"])]
    # round 0 keeps 1 (0.5) and the nan configs 0 and 2 (lowest indices); round 1: 1 wins, not the nan config 2
    run_halving(learner, reference, objective2, id_configs(9), 1, 3, 3, show_expected=True,
                why="a nan never wins over a number (np.argmin returns the index of a nan)")
    objective3 = table_objective(62, 81, [1, 3, 9, 27, 81], nan_rate=0.3)
    run_halving(learner, reference, objective3, id_configs(81), 1, 81, 3, why="a nan loss ranks after every number")


@pytest.mark.clause("C8", "C9", probes="nan mapped to inf, so that a nan ties with an inf loss",
                    topic="numerical stability")
def test_nan_ranks_after_inf(learner, reference):
    nan, inf = float("nan"), float("inf")
    losses = {1: [0.2, nan, 0.3, inf, nan, inf, nan, nan, nan], 3: [0.4, 0.5, 0.1, 0.6, 9, 9, 9, 9, 9]}

    def objective(config, budget):
        return losses[int(budget)][int(config["id"])]
    # round 0 keeps 0 (0.2), 2 (0.3) and 3 (inf, before the nan of config 1); round 1: 2 wins
    run_halving(learner, reference, objective, id_configs(9), 1, 3, 3, show_expected=True,
                why="a nan loss ranks after every number, inf included (nan mapped to inf ties with it)")
    last = [nan, inf, nan]

    def objective2(config, budget):
        return last[int(config["id"])]
    # one round: the inf loss of config 1 ranks before the nan losses of configs 0 and 2
    run_halving(learner, reference, objective2, id_configs(3), 5, 5, 3, show_expected=True,
                why="a nan loss ranks after every number, inf included")


@pytest.mark.clause("C9", probes="the winner taken as the lowest loss over all rounds (budgets differ)",
                    topic="hyperparameter optimization")
@pytest.mark.points(2)
def test_winner_comes_from_the_last_round(learner, reference):
    # config 4 looks best at budget 1 (0.10) but overfits at budget 3; config 2 wins the last round at 0.25
    losses = {1: [0.8, 0.7, 0.3, 0.9, 0.10, 0.6, 0.5, 0.4, 0.95], 3: [9, 9, 0.3, 9, 0.9, 9, 9, 0.5, 9],
              9: [9, 9, 0.25, 9, 9, 9, 9, 9, 9]}

    def objective(config, budget):
        return losses[int(budget)][int(config["id"])]
    run_halving(learner, reference, objective, id_configs(9), 1, 9, 3, show_expected=True,
                why="losses at budget 1 and budget 9 are not comparable")
    # a last round with several configurations: 27 at budget 1, 9 at budget 3, the best of those 9 wins
    objective = table_objective(63, 27, [1, 3])
    run_halving(learner, reference, objective, id_configs(27), 1, 3, 3)


@pytest.mark.clause("C7", probes="every configuration evaluated in every round, or the budget spent not the schedule's",
                    topic="hyperparameter optimization")
@pytest.mark.points(2)
def test_cost_is_the_schedules(learner, reference):
    objective = table_objective(64, 81, [1, 3, 9, 27, 81])
    recorder = Recorder(objective)
    learner.successive_halving(recorder, id_configs(81), 1, 81, 3)
    call = "successive_halving(objective, 81 configs, 1, 81, eta=3)"
    expected = sum(n * r for n, r in reference.halving_schedule(81, 1, 81, 3))  # 81 + 81 + 81 + 81 + 81 = 405
    if len(recorder.calls) != 121 or recorder.cost != expected:
        raise AssertionError(f"called {call}; the objective ran {len(recorder.calls)} times for a total budget of "
                             f"{recorder.cost}, expected 121 calls costing {expected} (81 at 1, 27 at 3, 9 at 9, 3 at "
                             "27, 1 at 81) - only the survivors run again, each once per round")
    for j in range(81):
        budgets = [int(b) for c, b in recorder.calls if int(c["id"]) == j]
        if budgets != sorted(budgets) or len(set(budgets)) != len(budgets):
            raise AssertionError(f"called {call}; configs[{j}] ran at budgets {budgets} - each configuration runs "
                                 "once per round it reaches, at growing budgets")


@pytest.mark.clause("C7", "C9", probes="configs passed as a tuple, or a single round mishandled", topic="api contract")
def test_one_round_and_tuple_configs(learner, reference):
    objective = table_objective(65, 12, [7])
    run_halving(learner, reference, objective, tuple(id_configs(12)), 7, 7, 3)  # one round of 12 at budget 7


@pytest.mark.clause("C6", probes="invalid budgets, eta or an empty list of configurations accepted",
                    topic="input validation")
def test_halving_validates(learner):
    objective = table_objective(66, 9, [1, 3, 9])
    for configs, args, why in ((id_configs(9), (0, 9, 3), "min_budget must be at least 1"),
                               (id_configs(9), (9, 3, 3), "max_budget is below min_budget"),
                               ([], (1, 9, 3), "no configuration to search"),
                               (id_configs(9), (1, 9, 1), "eta = 1 never shrinks the field")):
        call = f"successive_halving(objective, {len(configs)} configs, {args[0]}, {args[1]}, eta={args[2]})"
        with expect_raises(ValueError, call, why):
            learner.successive_halving(objective, configs, *args)


# ----------------------------------------------------------------------------- the search


def final_loss(config) -> float:
    """The loss a configuration converges to: best at lr = 1e-3, dropout 0.2, 3 layers, adam (0.05)."""
    x = math.log10(float(config["lr"]))
    return (0.05 + 0.1 * (x + 3) ** 2 + 0.4 * (float(config["dropout"]) - 0.2) ** 2
            + 0.01 * abs(int(config["layers"]) - 3) + (0.02 if str(config["optimizer"]) == "sgd" else 0.0))


def simulated_training(config, budget) -> float:
    """Validation loss after `budget` epochs: a learning curve towards final_loss, deterministic noise that
    shrinks with the budget (a fast sine of the values), and divergence (nan) for learning rates above 0.1."""
    x = math.log10(float(config["lr"]))
    if x > -1:
        return float("nan")
    # smooth in the values: float rounding (exp/log against 10**/log10) moves it by rounding only, never reshuffles
    phase = (97.0 * x + 131.0 * float(config["dropout"]) + 5.3 * int(config["layers"])
             + 2.9 * (str(config["optimizer"]) == "sgd") + 1.7 * int(budget))
    noise = 0.04 * math.sin(phase) / math.sqrt(int(budget))
    return final_loss(config) + 1.5 * math.exp(-int(budget) / 6.0) + noise


def search_call(n, min_budget, max_budget, eta, seed) -> str:
    return f"random_search_halving(objective, SPACE, {n}, {min_budget}, {max_budget}, eta={eta}, seed={seed})"


def index_in(sampled: list[dict], config) -> int | None:
    """The position of a configuration in the sample, found by its learning rate (all distinct here)."""
    if not isinstance(config, dict) or not isinstance(config.get("lr"), (float, int)):
        return None
    return next((i for i, s in enumerate(sampled) if math.isclose(float(config["lr"]), s["lr"], rel_tol=1e-12)), None)


def check_search(learner, reference, n, min_budget, max_budget, eta, seed, objective=simulated_training):
    call = search_call(n, min_budget, max_budget, eta, seed)
    recorder = Recorder(objective)
    got = learner.random_search_halving(recorder, SPACE, n, min_budget, max_budget, eta, seed)
    expected_config, expected_history = reference.random_search_halving(objective, SPACE, n, min_budget, max_budget,
                                                                        eta, seed)
    if not (isinstance(got, tuple) and len(got) == 2):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (best_config, history)")
    sampled = reference.sample_configs(SPACE, n, seed)
    round0 = [c for c, b in recorder.calls[:n]]
    if len(round0) < n or any(not isinstance(c, dict) or c.get("lr") is None
                              or not math.isclose(float(c["lr"]), s["lr"], rel_tol=1e-12)
                              for c, s in zip(round0, sampled)):
        raise AssertionError(f"called {call}; round 0 did not evaluate sample_configs(SPACE, {n}, {seed}) in order - "
                             "the search samples its configurations with the seed it is given")
    check_calls(recorder, expected_history, call, identify=lambda c: index_in(sampled, c))
    best_config, history = got
    best_index = index_in(sampled, best_config)
    if best_index is None:
        raise AssertionError(f"called {call}; best_config is {describe(best_config)}, expected one of the sampled "
                             "configurations: return the winning configuration itself (configs[best_index]), not its index")
    check_history((best_index, history), sampled.index(expected_config), expected_history, call)
    return best_config, recorder


@pytest.mark.clause("C10", probes="the seed not passed to the sampler, or the winner's index returned",
                    topic="hyperparameter optimization")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", [(27, 1, 27, 3, 0), (50, 2, 50, 3, 5), (40, 1, 32, 2, 9)],
                         ids=lambda c: f"n{c[0]}-{c[1]}to{c[2]}-eta{c[3]}-seed{c[4]}")
def test_search_matches_reference(learner, reference, case):
    check_search(learner, reference, *case)


@pytest.mark.clause("C10", probes="min_budget = max_budget is not plain random search",
                    topic="hyperparameter optimization")
def test_one_budget_is_random_search(learner, reference):
    check_search(learner, reference, 30, 81, 81, 3, 4)  # one round: all 30 configurations at budget 81


@pytest.mark.clause("C6", probes="random_search_halving accepting invalid budgets, eta or n", topic="input validation")
def test_search_validates(learner):
    for args, why in (((0, 1, 9, 3), "n must be at least 1"),
                      ((9, 0, 9, 3), "min_budget must be at least 1"),
                      ((9, 27, 9, 3), "max_budget is below min_budget"),
                      ((9, 1, 9, 0), "eta must be at least 2")):
        with expect_raises(ValueError, search_call(*args, 0), why):
            learner.random_search_halving(simulated_training, SPACE, *args, 0)


@pytest.mark.clause("C11", probes="the search misses the best learning rates or spends a grid search's budget",
                    topic="hyperparameter optimization")
@pytest.mark.convergence(seed=0)
@pytest.mark.points(4)
def test_finds_the_optimum_region_cheaply(learner, reference, train_seed, record_metric):
    call = search_call(81, 1, 81, 3, train_seed)
    recorder = Recorder(simulated_training)
    got = learner.random_search_halving(recorder, SPACE, 81, 1, 81, 3, train_seed)
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], dict)):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (best_config, history)")
    best = got[0]
    grid = [{"lr": 10.0 ** x, "dropout": d, "layers": 3, "optimizer": "adam"}
            for x in np.linspace(-6, 0, 9) for d in np.linspace(0, 0.6, 9)]
    grid_cost = len(grid) * 81  # 6561: every grid point trained for the full budget
    grid_best = min(final_loss(c) for c in grid)
    regret = final_loss(best) - grid_best
    record_metric("regret against the 9x9 grid's best final loss", regret, 0.05, higher_is_better=False)
    if recorder.cost > 405:
        raise AssertionError(f"called {call}; the search spent {recorder.cost} budget units, expected 405 (the "
                             f"schedule 81 x 1 + 27 x 3 + 9 x 9 + 3 x 27 + 1 x 81; the 9 x 9 grid costs {grid_cost})")
    if not 1e-4 <= float(best["lr"]) <= 1e-2:
        raise AssertionError(f"called {call}; the winner's learning rate is {float(best['lr']):.3g}, outside the "
                             "optimum region [1e-4, 1e-2] - sample the learning rate log-uniformly (uniform draws "
                             "on [1e-6, 1] almost never go below 1e-2) and keep the lowest losses")
    if regret > 0.05:
        raise AssertionError(f"called {call}; the winner's final loss is {final_loss(best):.3f}, {regret:.3f} above the "
                             f"best of a 9 x 9 grid search that costs {grid_cost} budget units (expected within 0.05)")
