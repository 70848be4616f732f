"""Visible tests for distributed_training: `python grade.py check distributed_training`."""
import numpy as np

from graders.asserts import assert_allclose, assert_equal, call_repr


def grad_fn(params, x, y):
    """y = w * x, mean squared error / 2: the statement's example."""
    r = params["w"] * x - y
    return float(np.mean(r ** 2) / 2), {"w": np.array([np.mean(r * x)])}


def scaled_grad_fn(params, x, y, scale):
    loss, grads = grad_fn(params, x, y)
    with np.errstate(over="ignore"):
        return loss, {k: (scale * g).astype(np.float16) for k, g in grads.items()}


X, Y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])


def test_shard_indices_uneven(learner):
    shards = learner.shard_indices(10, 4)
    assert len(shards) == 4, f"called shard_indices(10, 4); got {len(shards)} shards, expected 4"
    for rank, expected in enumerate(([0, 1, 2], [3, 4, 5], [6, 7], [8, 9])):
        assert_equal(shards[rank], np.array(expected), f"shard_indices(10, 4)[{rank}]")


def test_all_reduce_mean_and_weighted_mean(learner):
    g = [{"w": np.array([1.0])}, {"w": np.array([4.0])}]
    assert_allclose(learner.all_reduce_mean(g)["w"], [2.5], "all_reduce_mean([{'w': [1.0]}, {'w': [4.0]}])['w']")
    assert_allclose(learner.all_reduce_mean(g, counts=[3, 1])["w"], [1.75],
                    "all_reduce_mean([{'w': [1.0]}, {'w': [4.0]}], counts=[3, 1])['w']",
                    why="(3 * 1.0 + 1 * 4.0) / 4")


def test_accumulation_equals_the_full_batch(learner):
    params = {"w": np.array([0.0])}
    loss, grads = learner.accumulate_gradients(params, X, Y, grad_fn, 2)
    call = call_repr("accumulate_gradients", params, X, Y, grad_fn, 2)
    assert_allclose(grads["w"], [-28.0 / 3.0], call + ", grads['w']",
                    why="micro-batches [1, 2] and [3] give -5.0 and -18.0: weight them 2 : 1 (not their plain mean)")
    assert_allclose(loss, 28.0 / 3.0, call + ", loss")


def test_data_parallel_step_example(learner):
    params = {"w": np.array([0.0])}
    new_params, loss = learner.data_parallel_step(params, X, Y, grad_fn, world_size=2, lr=0.1)
    call = "data_parallel_step(params, x, y, grad_fn, world_size=2, lr=0.1)"
    assert_allclose(new_params["w"], [2.8 / 3.0], call + ", new_params['w']",
                    why="shards [1, 2] and [3]: the same step as on the whole batch, 0 - 0.1 * (-9.333)")
    assert_allclose(loss, 28.0 / 3.0, call + ", loss")


def test_loss_scaler_halves_and_grows_back(learner):
    s = learner.DynamicLossScaler(init_scale=8.0, growth_interval=2)
    for found_inf, expected in ((True, (4.0, 0)), (False, (4.0, 1)), (False, (8.0, 0))):
        s.update(found_inf)
        got = (float(s.scale), int(s.good_steps))
        assert got == expected, (f"called update({found_inf}) on DynamicLossScaler(init_scale=8.0, growth_interval=2); "
                                 f"(scale, good_steps) is {got}, expected {expected}")
    unscaled, found_inf = s.unscale({"w": np.array([16.0, np.inf], dtype=np.float16)})
    assert_allclose(unscaled["w"], np.array([2.0, np.inf], dtype=np.float32), "unscale({'w': [16, inf]}) at scale 8")
    assert found_inf, "called unscale({'w': [16, inf]}); found_inf should be True"


def test_mixed_precision_skips_the_overflowing_step(learner):
    params = {"w": np.array([0.0])}
    scaler = learner.DynamicLossScaler()
    new_params, stepped = learner.mixed_precision_step(params, X, Y, scaled_grad_fn, scaler, lr=0.1)
    call = "mixed_precision_step(...) at scale 65536"
    assert not stepped, f"called {call}; stepped is {stepped!r}, expected False (-9.333 * 65536 overflows float16)"
    assert_allclose(new_params["w"], [0.0], call + ", new_params['w']", why="an overflow skips the step")
    assert float(scaler.scale) == 32768.0, f"called {call}; scaler.scale is {scaler.scale}, expected 32768.0"
