"""Visible tests for random_search_halving: `python grade.py check random_search_halving`."""
import math

import numpy as np

from graders.asserts import assert_allclose, assert_equal

SPACE = {"lr": ("log_uniform", 1e-6, 1.0), "dropout": ("uniform", 0.0, 0.6),
         "layers": ("int", 1, 4), "optimizer": ("choice", ["sgd", "adam"])}


def test_sample_configs_stream(learner):
    configs = learner.sample_configs(SPACE, 2, 0)
    rng = np.random.default_rng(0)  # the same draws by hand: config 0's four parameters, then config 1's
    expected = []
    for _ in range(2):
        lr = math.exp(rng.uniform(math.log(1e-6), math.log(1.0)))
        dropout = rng.uniform(0.0, 0.6)
        layers = int(rng.integers(1, 5))
        optimizer = ["sgd", "adam"][int(rng.integers(2))]
        expected.append({"lr": lr, "dropout": dropout, "layers": layers, "optimizer": optimizer})
    call = "sample_configs(SPACE, 2, 0)"
    assert isinstance(configs, list) and len(configs) == 2, f"called {call}; expected a list of 2 dicts"
    for got, want in zip(configs, expected):
        assert list(got) == list(want), f"called {call}; keys {list(got)}, expected {list(want)} (the space's order)"
        assert_allclose(got["lr"], want["lr"], call + "['lr']", rtol=1e-12)
        assert_allclose(got["dropout"], want["dropout"], call + "['dropout']", rtol=1e-12)
        assert got["layers"] == want["layers"] and got["optimizer"] == want["optimizer"], \
            f"called {call}; got {got}, expected {want}"


def test_log_uniform_covers_every_decade(learner):
    configs = learner.sample_configs({"lr": ("log_uniform", 1e-6, 1.0)}, 600, 1)
    lr = np.array([c["lr"] for c in configs])
    below = float(np.mean(lr < 1e-3))
    # half of the decades lie below 1e-3, so about half of the draws do; uniform sampling gives 0.1%
    assert 0.4 < below < 0.6, (f"called sample_configs({{'lr': ('log_uniform', 1e-6, 1.0)}}, 600, 1); "
                               f"{below:.1%} of the draws are below 1e-3, expected about 50%")


def test_halving_schedule_one_bracket(learner):
    got = [tuple(r) for r in learner.halving_schedule(27, 1, 27, 3)]
    assert got == [(27, 1), (9, 3), (3, 9), (1, 27)], f"called halving_schedule(27, 1, 27, 3); got {got}"
    got = [tuple(r) for r in learner.halving_schedule(10, 2, 1000, 3)]
    assert got == [(10, 2), (3, 6), (1, 18)], \
        f"called halving_schedule(10, 2, 1000, 3); got {got} (a round with one configuration is the last)"


def test_successive_halving_small_example(learner):
    losses = {1: [0.9, 0.2, 0.8, 0.4, 0.7, 0.3, 0.6, 0.1, 0.5], 3: [0.5, 0.15, 0.5, 0.35, 0.5, 0.25, 0.5, 0.05, 0.5],
              9: [0.4, 0.1, 0.4, 0.4, 0.4, 0.2, 0.4, 0.03, 0.4]}
    calls = []

    def objective(config, budget):
        calls.append((config["id"], budget))
        return losses[budget][config["id"]]

    configs = [{"id": i} for i in range(9)]
    best, history = learner.successive_halving(objective, configs, 1, 9, 3)
    call = "successive_halving(objective, configs, 1, 9, 3)"
    assert calls == [(j, 1) for j in range(9)] + [(1, 3), (5, 3), (7, 3), (7, 9)], f"called {call}; calls {calls}"
    assert best == 7, f"called {call}; best_index {best}, expected 7"
    assert [h["budget"] for h in history] == [1, 3, 9], f"called {call}; budgets {[h['budget'] for h in history]}"
    assert_equal(history[1]["indices"], [1, 5, 7], call + ", history[1]['indices']")
    assert_allclose(history[1]["losses"], [0.15, 0.25, 0.05], call + ", history[1]['losses']")


def test_nan_loss_never_wins(learner):
    nan = float("nan")
    losses = {1: [nan, 0.5, nan], 3: [0.9, 0.1, nan]}
    best, history = learner.successive_halving(lambda c, b: losses[b][c["id"]], [{"id": i} for i in range(3)], 1, 3, 3)
    # 3 // 3 = 1 survivor: config 1 (the only number); a diverged run (nan) ranks last
    assert best == 1, f"called successive_halving(objective, 3 configs, 1, 3, 3); best_index {best}, expected 1"
    assert_equal(history[1]["indices"], [1], "successive_halving(objective, 3 configs, 1, 3, 3), history[1]['indices']")


def test_random_search_halving_returns_the_configuration(learner):
    def objective(config, budget):
        return (math.log10(config["lr"]) + 3) ** 2 + 1.0 / budget

    best, history = learner.random_search_halving(objective, {"lr": ("log_uniform", 1e-6, 1.0)}, 27, 1, 27, 3, seed=3)
    configs = learner.sample_configs({"lr": ("log_uniform", 1e-6, 1.0)}, 27, 3)
    assert best == configs[history[-1]["indices"][0]], "the winner is the configuration evaluated in the last round"
    assert 1e-4 < best["lr"] < 1e-2, f"the best learning rate {best['lr']:.3g} should be near 1e-3"
