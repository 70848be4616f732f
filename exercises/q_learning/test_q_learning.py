"""Visible tests for q_learning: `python grade.py check q_learning`."""
import numpy as np

from graders.asserts import assert_allclose, assert_shape, call_repr


def test_q_update_non_terminal_example(learner):
    Q = np.zeros((3, 2))
    Q[2] = [1.0, 4.0]
    call = call_repr("q_update", Q, 0, 1, 0.5, 2, False, 0.1, 0.9)
    got = learner.q_update(Q.copy(), 0, 1, 0.5, 2, False, 0.1, 0.9)
    expected = Q.copy()
    expected[0, 1] = 0.1 * (0.5 + 0.9 * 4.0)
    assert_allclose(got, expected, call)


def test_q_update_terminal_example(learner):
    Q = np.zeros((3, 2))
    Q[2] = [1.0, 4.0]
    call = call_repr("q_update", Q, 0, 1, 1.0, 2, True, 0.1, 0.9)
    got = learner.q_update(Q.copy(), 0, 1, 1.0, 2, True, 0.1, 0.9)
    assert_allclose(got[0, 1], 0.1, call + " entry [0, 1]", why="no bootstrap after a terminal step")


def test_epsilon_greedy_is_greedy_without_exploration(learner):
    q_row = np.array([0.1, 0.7, 0.3])
    for seed in range(5):
        got = learner.epsilon_greedy(q_row, 0.0, seed)
        assert int(got) == 1, f"called {call_repr('epsilon_greedy', q_row, 0.0, seed)}; got {got!r}, expected 1"


def test_epsilon_greedy_explores(learner):
    q_row = np.array([0.0, 1.0, 0.0, 0.0])
    seen = {int(learner.epsilon_greedy(q_row, 1.0, seed)) for seed in range(200)}
    assert seen == {0, 1, 2, 3}, f"epsilon_greedy(q_row, eps=1.0, seed) over 200 seeds chose only {sorted(seen)}"


def test_train_returns_a_table_that_solves_non_slippery_frozenlake(learner):
    import gymnasium as gym

    call = "train_q_learning('FrozenLake-v1', 500, 0, is_slippery=False)"
    Q = assert_shape(learner.train_q_learning("FrozenLake-v1", 500, 0, is_slippery=False), (16, 4), call)
    env = gym.make("FrozenLake-v1", is_slippery=False)
    s, _ = env.reset(seed=0)
    for _ in range(20):
        s, r, terminated, truncated, _ = env.step(int(np.argmax(Q[s])))
        if terminated or truncated:
            break
    assert r == 1.0, f"called {call}; the greedy policy of Q did not reach the goal"
