"""Hidden tests for actor_critic.

Wrong answers this suite is built to catch (one line each):
- td_targets bootstraps through termination (adds gamma * v_next where terminated)
- td_targets does not bootstrap at all, or treats a truncated step (terminated=False) as terminal
- td_targets whose terminal targets still depend on v_next (e.g. bootstraps with gamma * v_next * terminated)
- gae treats truncation as termination (no bootstrap from v_last when the rollout was cut by a time limit)
- gae bootstraps through termination (from v_last or from the next episode's first value)
- gae carries the advantage recursion across an episode boundary (recursion not cut at terminated[t])
- gae with the wrong decay (gamma instead of gamma * lam, or lam alone), or delta with v[t+1] where v[t] belongs
- gae off by one (delta_t uses v_next[t - 1]) or ignores v_last (bootstrap 0 at the end of a cut rollout)
- gae returns advantages where returns are expected (returns = advantages + v)
- gae where the terminated flag does not win over truncated when both are set on the last step
- gae that silently accepts a truncation in the middle of the buffer (must raise ValueError), or refuses one
  on a step that also terminated (both flags: terminated)
- td_targets / gae returning float32 arrays (the contract says float64)
No training here: the algorithm (TD targets, GAE) is checked on judge-chosen rollouts, by hand cases and
against the reference, so a learner cannot pass by reporting outcomes.
- build_actor_critic with one head, heads in the wrong order, a value head with a squashing activation,
  a policy head that does not output probabilities, or the wrong input/output shapes
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from graders.asserts import assert_allclose, call_repr, expect_raises


def random_rollout(seed, T, last):
    """Random buffer: terminations anywhere, and on the last step nothing / terminated / truncated / both."""
    rng = np.random.default_rng(seed)
    r = rng.normal(size=T)
    v = rng.normal(size=T)
    terminated = rng.random(T) < 0.15
    truncated = np.zeros(T, dtype=bool)
    terminated[-1] = last in ("terminated", "both")
    truncated[-1] = last in ("truncated", "both")
    return r, v, float(rng.normal() * 3), terminated, truncated


def gae_call(r, v, v_last, terminated, truncated, gamma, lam):
    return call_repr("gae", r, v, v_last, terminated, truncated, gamma, lam)


# --------------------------------------------------------------------------- td_targets

@pytest.mark.clause("C1", probes="bootstrapping through termination, or not bootstrapping a truncated step",
                    topic="policy gradients")
@pytest.mark.points(2)
def test_td_targets_terminated_vs_truncated(learner):
    r = np.array([1.0, 1.0, 1.0])
    v_next = np.array([2.0, 1e6, 4.0])          # the middle step terminated: its v_next must be ignored
    terminated = np.array([False, True, False])  # the last step was truncated: still bootstrapped
    call = call_repr("td_targets", r, v_next, terminated, 0.5)
    assert_allclose(learner.td_targets(r, v_next, terminated, 0.5), [2.0, 1.0, 3.0], call, rtol=1e-12,
                    why="no bootstrap after termination; a truncated step (terminated=False) still bootstraps")


@pytest.mark.clause("C1", probes="TD targets wrong on random steps, or not returned as float64",
                    topic="policy gradients")
@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(T=st.integers(1, 30), seed=st.integers(0, 1000), gamma=st.sampled_from([0.0, 0.9, 0.99, 1.0]))
def test_td_targets_match_reference(learner, reference, T, seed, gamma):
    rng = np.random.default_rng(seed)
    r, v_next, terminated = rng.normal(size=T), rng.normal(size=T), rng.random(T) < 0.3
    call = call_repr("td_targets", r, v_next, terminated, gamma)
    got = learner.td_targets(r, v_next, terminated, gamma)
    assert_allclose(got, reference.td_targets(r, v_next, terminated, gamma), call, rtol=1e-9, atol=1e-12,
                    show_expected=False)
    assert np.asarray(got).dtype == np.float64, f"called {call}; got dtype {np.asarray(got).dtype}, expected float64"


# --------------------------------------------------------------------------- gae

@pytest.mark.clause("C4", probes="a truncated last step treated as terminal", topic="policy gradients")
@pytest.mark.points(2)
def test_gae_truncated_last_step_bootstraps_from_v_last(learner):
    r, v = np.zeros(2), np.zeros(2)
    args = (r, v, 10.0, np.array([False, False]), np.array([False, True]), 0.5, 1.0)
    adv, ret = learner.gae(*args)
    assert_allclose(adv, [2.5, 5.0], gae_call(*args) + " advantages", rtol=1e-12,
                    why="a truncated step was cut by a time limit: bootstrap from the value of the next state, v_last")


@pytest.mark.clause("C3", "C5", probes="bootstrapping after termination, or truncation winning over termination",
                    topic="policy gradients")
@pytest.mark.points(2)
def test_gae_terminated_last_step_does_not_bootstrap(learner):
    r, v = np.zeros(2), np.zeros(2)
    for truncated in (np.array([False, False]), np.array([False, True])):
        args = (r, v, 10.0, np.array([False, True]), truncated, 0.5, 1.0)
        adv, ret = learner.gae(*args)
        assert_allclose(adv, [0.0, 0.0], gae_call(*args) + " advantages", atol=1e-12,
                        why="after termination there is no next state: no bootstrap, even if the time limit was "
                            "hit on the same step (terminated wins)")


@pytest.mark.clause("C3", probes="the next episode's rewards leaking across a termination", topic="policy gradients")
@pytest.mark.points(2)
def test_gae_recursion_is_cut_at_termination(learner):
    # Steps 0-1 are one episode (terminated at 1); steps 2-3 are the next one.
    v = np.array([0.5, -0.2, 0.3, 0.1])
    base = np.array([1.0, 2.0, 0.0, 0.0])
    term, trunc = np.array([False, True, False, False]), np.zeros(4, bool)
    adv_a, _ = learner.gae(base, v, 0.7, term, trunc, 0.9, 0.8)
    changed = base.copy()
    changed[2:] = [50.0, -30.0]
    adv_b, _ = learner.gae(changed, v, 0.7, term, trunc, 0.9, 0.8)
    call = gae_call(changed, v, 0.7, term, trunc, 0.9, 0.8)
    assert_allclose(np.asarray(adv_b)[:2], np.asarray(adv_a, dtype=float)[:2], call + " advantages[:2]", rtol=1e-12,
                    why="rewards of the next episode leaked into the advantages of the episode that terminated: "
                        "cut the recursion (and the bootstrap) at terminated[t]")


@pytest.mark.clause("C2", "C4", probes="lam = 0 not giving the one-step TD errors", topic="policy gradients")
def test_gae_lambda_zero_is_td_error(learner):
    r, v = np.array([1.0, 0.0, 2.0]), np.array([0.5, 1.0, -1.0])
    args = (r, v, 3.0, np.zeros(3, bool), np.zeros(3, bool), 0.9, 0.0)
    adv, _ = learner.gae(*args)
    delta = r + 0.9 * np.array([1.0, -1.0, 3.0]) - v
    assert_allclose(adv, delta, gae_call(*args) + " advantages", rtol=1e-12,
                    why="with lam = 0 each advantage is the one-step TD error r_t + gamma * V(s_t+1) - V(s_t)")


@pytest.mark.clause("C2", probes="returns that are not advantages + v", topic="policy gradients")
def test_gae_lambda_one_gives_monte_carlo_returns(learner):
    r, v = np.array([1.0, 2.0, 3.0]), np.array([0.3, -0.4, 0.9])
    args = (r, v, 100.0, np.array([False, False, True]), np.zeros(3, bool), 0.5, 1.0)
    _, ret = learner.gae(*args)
    assert_allclose(ret, [1 + 0.5 * 2 + 0.25 * 3, 2 + 0.5 * 3, 3.0], gae_call(*args) + " returns", rtol=1e-12,
                    why="returns = advantages + v; with lam = 1 and a terminated episode they are the discounted "
                        "reward-to-go")


@pytest.mark.clause("C2", "C3", "C4", "C5", probes="GAE wrong on random rollouts: the decay, an off-by-one, v_last or episode boundaries",
                    topic="policy gradients")
@pytest.mark.points(3)
@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(T=st.integers(1, 40), seed=st.integers(0, 10_000), last=st.sampled_from(["none", "terminated", "truncated", "both"]),
       gamma=st.sampled_from([0.9, 0.99, 1.0]), lam=st.sampled_from([0.0, 0.5, 0.95, 1.0]))
def test_gae_matches_reference_on_random_rollouts(learner, reference, T, seed, last, gamma, lam):
    r, v, v_last, terminated, truncated = random_rollout(seed, T, last)
    call = gae_call(r, v, v_last, terminated, truncated, gamma, lam)
    exp_adv, exp_ret = reference.gae(r, v, v_last, terminated, truncated, gamma, lam)
    got = learner.gae(r, v, v_last, terminated, truncated, gamma, lam)
    assert isinstance(got, (tuple, list)) and len(got) == 2, f"called {call}; expected (advantages, returns)"
    assert_allclose(got[0], exp_adv, call + " advantages", rtol=1e-9, atol=1e-10, show_expected=False)
    assert_allclose(got[1], exp_ret, call + " returns", rtol=1e-9, atol=1e-10, show_expected=False)
    dtypes = [np.asarray(x).dtype for x in got]
    assert dtypes == [np.float64, np.float64], f"called {call}; got dtypes {dtypes}, expected two float64 arrays"


@pytest.mark.clause("C6", probes="a truncation inside the buffer accepted silently", topic="input validation")
def test_gae_rejects_truncation_inside_the_buffer(learner):
    args = (np.ones(3), np.zeros(3), 0.0, np.zeros(3, bool), np.array([False, True, False]), 0.9, 0.9)
    with expect_raises(ValueError, gae_call(*args),
                       "a truncation before the last step cannot be bootstrapped from v_last"):
        learner.gae(*args)


@pytest.mark.clause("C5", "C6", probes="a step both terminated and truncated inside the buffer refused, or bootstrapped",
                    topic="policy gradients")
def test_gae_accepts_a_terminated_and_truncated_step_inside_the_buffer(learner, reference):
    r, v = np.array([1.0, 2.0, 0.5, 1.0]), np.array([0.3, -0.4, 0.9, 0.2])
    terminated = np.array([False, True, False, False])
    truncated = np.array([False, True, False, False])        # both flags on step 1: it counts as terminated
    args = (r, v, 1.5, terminated, truncated, 0.9, 0.8)
    try:
        got = learner.gae(*args)
    except ValueError as exc:
        pytest.fail(f"called {gae_call(*args)}: raised ValueError({str(exc)[:80]!r}), but step 1 also terminated, "
                    f"so nothing needs bootstrapping there - a step with both flags counts as terminated")
    expected = reference.gae(*args)
    assert_allclose(got[0], expected[0], gae_call(*args) + " advantages", rtol=1e-9, atol=1e-10,
                    show_expected=False, why="a step with both flags is terminated: no bootstrap, recursion cut")


# --------------------------------------------------------------------------- build_actor_critic

@pytest.fixture(scope="module")
def built(learner):
    import keras

    from graders.models import model_spec

    keras.utils.set_random_seed(0)
    return {dims: model_spec(learner.build_actor_critic(*dims)) for dims in [(4, 2), (8, 5)]}


@pytest.mark.clause("C7", probes="one head, heads in the wrong order, or the wrong shapes", topic="model architecture")
@pytest.mark.points(2)
@pytest.mark.parametrize("dims", [(4, 2), (8, 5)])
def test_two_heads_with_the_right_shapes(built, dims):
    obs_dim, n_actions = dims
    spec = built[dims]
    call = f"build_actor_critic({obs_dim}, {n_actions})"
    outs = spec["output_shape"]
    shapes = [tuple(s) for s in outs] if outs and isinstance(outs[0], (list, tuple)) else [tuple(outs or ())]
    assert shapes == [(None, n_actions), (None, 1)], (
        f"called {call}; the model's outputs have shapes {shapes}, expected two heads "
        f"[(None, {n_actions}), (None, 1)]: policy first, then value")
    got_in = tuple(spec["input_shape"]) if spec["input_shape"] is not None else None
    assert got_in == (None, obs_dim), f"called {call}; input shape {got_in}, expected (None, {obs_dim})"


@pytest.mark.clause("C7", probes="a policy head without softmax, or a squashed value head", topic="model architecture")
@pytest.mark.parametrize("dims", [(4, 2), (8, 5)])
def test_policy_head_gives_probabilities_and_value_head_is_linear(built, dims):
    from graders.models import rebuild

    obs_dim, n_actions = dims
    spec = built[dims]
    call = f"build_actor_critic({obs_dim}, {n_actions})"
    model = rebuild(spec)
    obs = np.random.default_rng(1).normal(scale=3.0, size=(32, obs_dim)).astype(np.float32)
    probs, value = (np.asarray(o) for o in model(obs, training=False))
    assert probs.shape == (32, n_actions) and value.shape == (32, 1), f"called {call}; output shapes {probs.shape}, {value.shape}"
    assert np.all(probs >= 0) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-5), (
        f"called {call}; the policy head's rows are not probabilities - end it with a softmax")
    value_layers = [layer for layer in spec["layers"] if layer["output_shape"] and tuple(layer["output_shape"]) == (None, 1)]
    activation = value_layers[-1]["config"].get("activation", "linear") if value_layers else None
    assert activation in ("linear", None), (
        f"called {call}; the value head ends with activation {activation!r} - a state value is an unbounded "
        f"expected return, so the value head must be linear")
