"""Hidden tests for q_learning.

Wrong answers this suite is built to catch (one line each):
- q_update bootstraps through termination (adds gamma * max Q[s2] when terminated=True)
- q_update never bootstraps (target = r always), or bootstraps with Q[s2, a] / mean / min instead of max Q[s2]
- q_update moves the wrong entry (Q[s2, a]), uses alpha * target instead of alpha * (target - Q[s, a]), or
  changes other entries of Q
- epsilon_greedy breaks ties with np.argmax (always the first best action): with a zero Q-table the agent
  always tries the same action
- epsilon_greedy explores with probability 1 - eps, or explores only among the non-greedy actions
- epsilon_greedy drawing from the global np.random state (or an unseeded generator): the same seed gives
  another action; returning a numpy integer instead of a Python int
- q_update changing its argument in place (np.asarray(Q, dtype=float) does not copy a float table)
- train_q_learning ignoring its seed (another seed, the same table)
- train_q_learning treats a time-limit truncation as termination (no bootstrap on truncated steps)
- train_q_learning does not learn (wrong table shape, Q never updated, random/constant policy): the judge
  rolls out the greedy policy of the returned Q in its own seeded FrozenLake environments

Convergence threshold (slippery FrozenLake 4x4, train_q_learning(..., episodes=2000, seed=s,
is_slippery=True), greedy policy of Q played by the judge for 1000 episodes, env.reset(seed=20_000 + i)):
reference sweep, seeds 0-9 -> 0.735 0.731 0.735 0.735 0.735 0.731 0.731 0.745 0.731 0.729
(min 0.729, mean 0.734; an optimal policy reaches about 0.74, a uniformly random one about 0.015).
Threshold 0.55: margin 0.18 below the worst seed (about 12 standard errors of a 1000-episode estimate).
Training takes about 1 s of CPU per seed.
Non-slippery 4x4: the reference reaches the goal in 100/100 judge episodes from 200 training episodes
on seeds 0-9 (100 episodes is not enough on 7/10 seeds); the test trains 500 (100/100 on seeds 0-9).
Point split (the grade is over the 41 hidden points): the three training checks (rollouts on non-slippery
and slippery FrozenLake, the truncation probe) and seeding carry 30; the unit checks of q_update and
epsilon_greedy 11. A trainer that never updates its table (mutant_no_learning: correct q_update and
epsilon_greedy, the update's result dropped) scores 11/41 = 4.0/15 (it was 8.9/15).
Truncation probe (map ["SG"], max_episode_steps=1, 300 episodes): with bootstrapping the reference's
Q[0, a] for the three actions that stay in S is 0.64-0.90 on seeds 0-9; treating truncation as
termination leaves them exactly 0. Threshold: their mean >= 0.25 * Q[0, RIGHT].
"""
import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from graders.asserts import assert_allclose, assert_equal, assert_shape, call_repr

CHI2_CRIT_P1E4 = {1: 15.14, 2: 18.42, 3: 21.11}  # chi-square quantiles at 1 - 1e-4, by degrees of freedom
SLIPPERY_THRESHOLD = 0.55


def chi_square(counts, probs):
    counts = np.asarray(counts, dtype=float)
    expected = counts.sum() * np.asarray(probs, dtype=float)
    keep = expected > 0
    assert np.all(counts[~keep] == 0), "an action with probability 0 was chosen"
    return float(np.sum((counts[keep] - expected[keep]) ** 2 / expected[keep])), int(keep.sum() - 1)


def action_counts(learner, q_row, eps, n=3000):
    counts = np.zeros(len(q_row), dtype=int)
    for seed in range(n):
        a = learner.epsilon_greedy(np.asarray(q_row, dtype=float), eps, seed)
        assert isinstance(a, (int, np.integer)) and 0 <= int(a) < len(q_row), (
            f"called {call_repr('epsilon_greedy', np.asarray(q_row), eps, seed)}; got {a!r}, "
            f"expected an action index in 0..{len(q_row) - 1}")
        counts[int(a)] += 1
    return counts


def greedy_success_rate(Q, n_episodes, seed0, **env_kwargs):
    """The judge's rollout: greedy policy of Q in its own seeded FrozenLake."""
    env = gym.make("FrozenLake-v1", **env_kwargs)
    Q = np.asarray(Q, dtype=float)
    wins = 0.0
    for i in range(n_episodes):
        s, _ = env.reset(seed=seed0 + i)
        while True:
            s, r, terminated, truncated, _ = env.step(int(np.argmax(Q[s])))
            if terminated or truncated:
                wins += r
                break
    env.close()
    return wins / n_episodes


# --------------------------------------------------------------------------- q_update

def random_case(seed, n_states=6, n_actions=4):
    rng = np.random.default_rng(seed)
    Q = rng.normal(size=(n_states, n_actions))
    s, s2 = (int(v) for v in rng.integers(n_states, size=2))
    a = int(rng.integers(n_actions))
    return Q, s, a, float(rng.normal()), s2, float(rng.uniform(0.05, 0.9)), float(rng.uniform(0.5, 0.99))


@pytest.mark.clause("C5", probes="bootstrapping through a terminal step", topic="value-based rl")
def test_q_update_terminal_step_does_not_bootstrap(learner):
    Q = np.array([[0.0, 0.0], [5.0, 7.0]])
    call = call_repr("q_update", Q, 0, 1, 1.0, 1, True, 0.5, 0.9)
    got = assert_shape(learner.q_update(Q.copy(), 0, 1, 1.0, 1, True, 0.5, 0.9), (2, 2), call)
    assert_allclose(got[0, 1], 0.5, call + " entry [0, 1]",
                    why="a terminated transition has no next state to bootstrap from: the target is r alone")


@pytest.mark.clause("C5", probes="no bootstrap on a non-terminal step", topic="value-based rl")
def test_q_update_truncated_step_bootstraps(learner):
    # A time-limit truncation is passed as terminated=False: the next state still has a value.
    Q = np.array([[0.0, 0.0], [5.0, 7.0]])
    call = call_repr("q_update", Q, 0, 1, 1.0, 1, False, 0.5, 0.9)
    got = assert_shape(learner.q_update(Q.copy(), 0, 1, 1.0, 1, False, 0.5, 0.9), (2, 2), call)
    assert_allclose(got[0, 1], 0.5 * (1.0 + 0.9 * 7.0), call + " entry [0, 1]",
                    why="a non-terminal (e.g. truncated) step bootstraps with gamma * max_a' Q[s2, a']")


@pytest.mark.clause("C4", "C5", probes="the wrong entry moved, or alpha * target instead of alpha * (target - Q[s, a])",
                    topic="value-based rl")
@pytest.mark.points(2)
@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(seed=st.integers(0, 10_000), terminated=st.booleans())
def test_q_update_matches_reference(learner, reference, seed, terminated):
    Q, s, a, r, s2, alpha, gamma = random_case(seed)
    call = call_repr("q_update", Q, s, a, r, s2, terminated, alpha, gamma)
    expected = reference.q_update(Q.copy(), s, a, r, s2, terminated, alpha, gamma)
    got = learner.q_update(Q.copy(), s, a, r, s2, terminated, alpha, gamma)
    assert_allclose(got, expected, call, rtol=1e-9, atol=1e-12, show_expected=False,
                    why="only Q[s, a] moves, by alpha * (target - Q[s, a])")


@pytest.mark.clause("C4", probes="Q changed in place (the caller's table modified)", topic="api contract")
def test_q_update_leaves_its_argument_unchanged(learner):
    Q, s, a, r, s2, alpha, gamma = random_case(99)
    before = Q.copy()
    call = call_repr("q_update", Q, s, a, r, s2, False, alpha, gamma)
    got = assert_shape(learner.q_update(Q, s, a, r, s2, False, alpha, gamma), Q.shape, call)
    assert_equal(Q == before, np.ones(Q.shape, bool), call + " (the argument Q afterwards)",
                 why="q_update returns a NEW array: copy Q (np.array(Q, dtype=float)) before changing an entry")
    assert got is not Q, f"called {call}; returned the argument itself, expected a new array"


@pytest.mark.clause("C5", probes="the max over the next row taken after the update (s2 == s)", topic="value-based rl")
def test_q_update_self_loop(learner):
    # s2 == s: the max is taken over the row before it is updated.
    Q = np.array([[1.0, 3.0, 2.0]])
    call = call_repr("q_update", Q, 0, 0, 0.5, 0, False, 0.1, 0.9)
    got = learner.q_update(Q.copy(), 0, 0, 0.5, 0, False, 0.1, 0.9)
    assert_allclose(got, [[1.0 + 0.1 * (0.5 + 0.9 * 3.0 - 1.0), 3.0, 2.0]], call, rtol=1e-9, show_expected=False)


# --------------------------------------------------------------------------- epsilon_greedy

@pytest.mark.clause("C2", probes="ties broken with np.argmax (always the first best action)", topic="value-based rl")
def test_epsilon_greedy_breaks_ties_at_random(learner):
    q_row = [0.0, 2.0, 2.0, -1.0]
    counts = action_counts(learner, q_row, 0.0)
    stat, dof = chi_square(counts, [0, 0.5, 0.5, 0])
    assert stat < CHI2_CRIT_P1E4[dof], (
        f"called epsilon_greedy(q_row={q_row}, eps=0.0, seed) for 3000 seeds; action counts {counts.tolist()} - "
        f"with tied best actions the greedy choice must be uniform among them (np.argmax always picks the first)")


@pytest.mark.clause("C2", probes="exploring with probability 1 - eps, or only among the non-greedy actions",
                    topic="value-based rl")
def test_epsilon_greedy_frequencies(learner):
    q_row = [0.5, -1.0, 3.0, 0.0]
    eps = 0.3
    counts = action_counts(learner, q_row, eps)
    probs = np.full(4, eps / 4)
    probs[2] += 1 - eps
    stat, dof = chi_square(counts, probs)
    assert stat < CHI2_CRIT_P1E4[dof], (
        f"called epsilon_greedy(q_row={q_row}, eps={eps}, seed) for 3000 seeds; action counts {counts.tolist()} "
        f"do not match eps-greedy (chi-square {stat:.1f}) - with probability eps pick uniformly among ALL "
        f"actions, otherwise the greedy one")


@pytest.mark.clause("C2", probes="eps = 1 not uniform over all actions", topic="value-based rl")
def test_epsilon_greedy_eps_one_is_uniform(learner):
    q_row = [0.0, 10.0, 0.0]
    counts = action_counts(learner, q_row, 1.0, n=1500)
    stat, dof = chi_square(counts, [1 / 3] * 3)
    assert stat < CHI2_CRIT_P1E4[dof], (
        f"called epsilon_greedy(q_row={q_row}, eps=1.0, seed) for 1500 seeds; action counts {counts.tolist()} - "
        f"eps=1 must be uniform over all actions")


@pytest.mark.clause("C2", "C3", probes="eps = 0 not greedy; a numpy integer instead of a Python int",
                    topic="value-based rl")
def test_epsilon_greedy_eps_zero_is_greedy(learner):
    for seed in range(50):
        q_row = np.random.default_rng(seed).normal(size=5)
        got = learner.epsilon_greedy(q_row, 0.0, seed)
        assert type(got) is int, (f"called {call_repr('epsilon_greedy', q_row, 0.0, seed)}; got {got!r} of type "
                                  f"{type(got).__name__}, expected a Python int (convert with int(...))")
        assert int(got) == int(np.argmax(q_row)), f"called {call_repr('epsilon_greedy', q_row, 0.0, seed)}; got {got!r}"


@pytest.mark.clause("C1", probes="epsilon_greedy drawing from the global np.random state or an unseeded generator",
                    topic="randomness and reproducibility")
def test_epsilon_greedy_same_seed_same_action(learner):
    q_row = np.array([1.0, 1.0, 0.0, 1.0])          # three tied best actions and eps = 0.5: every draw matters
    first = [learner.epsilon_greedy(q_row.copy(), 0.5, seed) for seed in range(40)]
    again = [learner.epsilon_greedy(q_row.copy(), 0.5, seed) for seed in range(40)]
    differs = [seed for seed in range(40) if int(first[seed]) != int(again[seed])]
    assert not differs, (
        f"called {call_repr('epsilon_greedy', q_row, 0.5, differs[0] if differs else 0)} twice and got two different "
        f"actions - draw from np.random.default_rng(seed), not from the global np.random state or an unseeded "
        f"generator, so that the same seed gives the same action")
    assert len({int(a) for a in first}) > 1, (
        f"called {call_repr('epsilon_greedy', q_row, 0.5, 'seed')} for seeds 0..39 and always got {first[0]!r} - "
        f"the seed must drive the draws (another seed, another draw)")


# --------------------------------------------------------------------------- training, judged by the judge's rollouts

@pytest.mark.clause("C6", "C9", probes="a table whose greedy policy does not solve non-slippery FrozenLake",
                    topic="value-based rl")
@pytest.mark.convergence(seed=3)
@pytest.mark.points(10)
def test_non_slippery_greedy_policy_always_reaches_goal(learner, train_seed, record_metric):
    Q = learner.train_q_learning("FrozenLake-v1", 500, train_seed, is_slippery=False)
    call = f"train_q_learning('FrozenLake-v1', 500, {train_seed}, is_slippery=False)"
    Q = assert_shape(Q, (16, 4), call)
    rate = greedy_success_rate(Q, 100, 10_000, is_slippery=False)
    record_metric("non-slippery success rate", rate, 1.0)
    assert rate == 1.0, (f"called {call}; the greedy policy of the returned Q reached the goal in "
                         f"{rate * 100:.0f}/100 of the judge's episodes, expected 100/100")


@pytest.mark.clause("C9", probes="a table whose greedy policy does not handle slippery FrozenLake",
                    topic="value-based rl")
@pytest.mark.convergence(seed=7)
@pytest.mark.points(12)
def test_slippery_greedy_policy_success_rate(learner, train_seed, record_metric):
    call = f"train_q_learning('FrozenLake-v1', 2000, {train_seed}, is_slippery=True)"
    Q = assert_shape(learner.train_q_learning("FrozenLake-v1", 2000, train_seed, is_slippery=True), (16, 4), call)
    rate = greedy_success_rate(Q, 1000, 20_000, is_slippery=True)
    record_metric("slippery success rate", rate, SLIPPERY_THRESHOLD)
    assert rate >= SLIPPERY_THRESHOLD, (
        f"called {call}; the greedy policy of the returned Q reached the goal in {rate:.1%} of the judge's 1000 "
        f"episodes, expected at least {SLIPPERY_THRESHOLD:.0%} (an optimal policy gets about 74%, a random one 1.5%)")


@pytest.mark.clause("C6", "C7", probes="a time-limit truncation treated as termination; env_kwargs not passed to gym.make",
                    topic="value-based rl")
@pytest.mark.points(6)
def test_truncated_steps_are_bootstrapped_during_training(learner):
    # Map "SG": RIGHT (2) reaches the goal; LEFT/DOWN/UP stay in S and the 1-step time limit truncates.
    # Those truncated steps must bootstrap from Q[S], so their values become about gamma * Q[S, RIGHT] > 0.
    call = "train_q_learning('FrozenLake-v1', 300, 5, is_slippery=False, desc=['SG'], max_episode_steps=1)"
    Q = learner.train_q_learning("FrozenLake-v1", 300, 5, is_slippery=False, desc=["SG"], max_episode_steps=1)
    Q = assert_shape(Q, (2, 4), call)
    assert Q[0, 2] > 0.5, f"called {call}; Q[S, RIGHT] = {Q[0, 2]:.3g}, the step into the goal was not learned"
    stay = Q[0, [0, 1, 3]]
    assert stay.mean() >= 0.25 * Q[0, 2], (
        f"called {call}; Q[S, LEFT/DOWN/UP] = {np.round(stay, 3).tolist()} - these steps were cut by the time "
        f"limit (truncated), not terminated: the agent is still in S, so the update must bootstrap from max Q[S]")


@pytest.mark.clause("C8", probes="training not reproducible from its seed, or the seed ignored",
                    topic="randomness and reproducibility")
@pytest.mark.points(2)
def test_train_is_deterministic_given_seed(learner):
    a = learner.train_q_learning("FrozenLake-v1", 100, 11, is_slippery=True)
    b = learner.train_q_learning("FrozenLake-v1", 100, 11, is_slippery=True)
    assert_equal(np.asarray(a) == np.asarray(b), np.ones((16, 4), bool),
                 "train_q_learning('FrozenLake-v1', 100, 11) called twice",
                 why="seed the environment (env.reset(seed=...), action_space.seed) and your own RNG from `seed`")
    c = learner.train_q_learning("FrozenLake-v1", 100, 12, is_slippery=True)
    assert not np.array_equal(np.asarray(a), np.asarray(c)), (
        "train_q_learning('FrozenLake-v1', 100, seed) gave the same table for seeds 11 and 12 - derive the "
        "environment's seeds and your own RNG from `seed`")
