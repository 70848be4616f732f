"""Visible tests for actor_critic: `python grade.py check actor_critic`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, call_repr


def test_td_targets_small_example(learner):
    r = np.array([1.0, 1.0])
    v_next = np.array([2.0, 3.0])
    terminated = np.array([False, True])
    call = call_repr("td_targets", r, v_next, terminated, 0.9)
    assert_allclose(learner.td_targets(r, v_next, terminated, 0.9), [2.8, 1.0], call, rtol=1e-12)


def test_gae_one_episode_that_terminates(learner):
    r, v = np.array([1.0, 1.0]), np.array([0.5, 0.5])
    terminated, truncated = np.array([False, True]), np.array([False, False])
    call = call_repr("gae", r, v, 9.0, terminated, truncated, 0.9, 0.5)
    adv, ret = learner.gae(r, v, 9.0, terminated, truncated, 0.9, 0.5)
    # delta_1 = 1 - 0.5 = 0.5 (no bootstrap); delta_0 = 1 + 0.9 * 0.5 - 0.5 = 0.95; A_0 = 0.95 + 0.45 * 0.5
    assert_allclose(adv, [1.175, 0.5], call + " advantages", rtol=1e-12)
    assert_allclose(ret, [1.675, 1.0], call + " returns", rtol=1e-12)


def test_gae_cut_rollout_bootstraps_from_v_last(learner):
    r, v = np.array([0.0]), np.array([0.0])
    call = call_repr("gae", r, v, 2.0, np.array([False]), np.array([False]), 0.5, 0.9)
    adv, _ = learner.gae(r, v, 2.0, np.array([False]), np.array([False]), 0.5, 0.9)
    assert_allclose(adv, [1.0], call + " advantages", rtol=1e-12)


def test_build_actor_critic_has_two_outputs(learner):
    from graders.models import model_spec

    spec = model_spec(learner.build_actor_critic(4, 2))
    outs = spec["output_shape"]
    shapes = [tuple(s) for s in outs] if outs and isinstance(outs[0], (list, tuple)) else [tuple(outs or ())]
    assert shapes == [(None, 2), (None, 1)], f"output shapes {shapes}, expected [(None, 2), (None, 1)]"
