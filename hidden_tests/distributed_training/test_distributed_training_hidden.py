"""Hidden tests for distributed_training: shards, the all-reduce, gradient accumulation, a simulated
data-parallel SGD step, and dynamic loss scaling for float16.

The model is the judge's: softmax regression (`softmax_xent`), whose gradient function returns the
MEAN loss over the rows it is given. The gradient functions handed to the learner (`RecordingGrad`,
`ScaledGrad`) record every call: which rows of x came in (found by their bytes), whether y matched them,
whether the parameters were the ones given, and in float16 mode which scale was used. So the suite
checks HOW the gradient was computed (one call per micro-batch or shard, nothing stepped early, no
full-batch shortcut), not only the numbers returned. Expected values come from the judge's own
full-batch gradient (one SGD step on the whole batch) and from the reference.
Nothing is trained or seeded at grading time: the cases come from fixed generators, the loss-scaling
runs are deterministic (scripted loss spikes and nan gradients), and every comparison is a float rounding
tolerance (float64: 1e-9; float32 master weights and unscaled gradients: 1e-6).

Wrong answers this suite is built to catch:
- shards as strides (rank::world_size), the remainder rows all given to the last worker, the remainder
  dropped (drop_last), float indices; n < world_size or world_size 0 accepted
- an all-reduce that sums instead of averaging, ignores counts, or divides the weighted sum by the
  number of workers; mismatched keys or counts, empty lists and zero counts accepted
- accumulation not divided (sum of micro-batch means), the plain mean of micro-batch means (wrong when
  the last micro-batch is shorter), the last partial micro-batch dropped, one full-batch call instead of
  micro-batches, the loss not weighted like the gradient; micro_batch_size 0 accepted
- data-parallel gradients summed over workers, or averaged without the shard sizes (uneven shards
  weighted wrongly), the loss averaged without the shard sizes
- a worker stepping before the all-reduce (sequential SGD across shards), every worker reading the whole
  batch, micro-batches cut from the whole batch instead of within each shard, micro_batch_size ignored
- the scaler stepping the optimizer on an overflow, never halving, never growing back, growing one step
  late, its good-step counter not reset after an overflow or after growing, backoff and growth swapped
- an overflow detected with isinf only (nan gradients stepped on), or from the first gradient only
- unscaling in float16 (small gradients underflow to 0 again), multiplying by the scale, not unscaling
  at all, returning float64, or changing the scaler's state in unscale
- mixed_precision_step updating the scale before unscaling (divides by the new scale), calling the
  gradient function twice, or with a scale other than the scaler's
- data_parallel_step or mixed_precision_step updating the caller's params in place (params[k] -= ...)
- bad DynamicLossScaler settings (scale <= 0, growth <= 1, backoff outside (0, 1), interval < 1) accepted
"""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, call_repr, describe, expect_raises

D_IN, K = 3, 4


# ----------------------------------------------------------------------------- the judge's model


def softmax_xent(params, x, y):
    """Mean softmax cross-entropy of a linear model over the rows given, and its gradient."""
    z = x @ params["w"] + params["b"]
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(x)
    p = np.exp(logp)
    p[np.arange(n), y] -= 1.0
    p /= n
    return float(-logp[np.arange(n), y].mean()), {"w": x.T @ p, "b": p.sum(axis=0)}


def problem(seed, n, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = 2.0 * rng.normal(size=(n, D_IN))
    y = rng.integers(0, K, size=n)
    params = {"w": 0.5 * rng.normal(size=(D_IN, K)), "b": 0.1 * rng.normal(size=K)}
    return {k: v.astype(dtype) for k, v in params.items()}, x, y


def copy_params(params):
    return {k: np.array(v, copy=True) for k, v in params.items()}


class RecordingGrad:
    """grad_fn for the learner: softmax_xent on the rows given, recording each call."""

    def __init__(self, params, x, y):
        self.params, self.x, self.y = copy_params(params), x, y
        self.row_of = {row.tobytes(): i for i, row in enumerate(x)}
        self.calls = []  # (rows or None, y matches, params as given)

    def __call__(self, params, x, y):
        x, y = np.asarray(x), np.asarray(y)
        rows = None
        if x.ndim == 2 and x.dtype == self.x.dtype and len(x) == len(y):
            found = [self.row_of.get(r.tobytes()) for r in x]
            rows = None if None in found else tuple(found)
        y_ok = rows is not None and np.array_equal(y, self.y[list(rows)])
        same = isinstance(params, dict) and set(params) == set(self.params) and all(
            np.array_equal(np.asarray(params[k]), self.params[k]) for k in self.params)
        self.calls.append((rows, y_ok, same))
        if len(x) == 0 or len(x) != len(y):
            return 0.0, {k: np.zeros_like(v) for k, v in self.params.items()}
        return softmax_xent({k: np.asarray(v, dtype=np.float64) for k, v in params.items()}, x, y)


def blocks(rows, m):
    rows = list(rows)
    return [tuple(rows[i:i + m]) for i in range(0, len(rows), m)] if m is not None else [tuple(rows)]


def check_calls(fn, expected_blocks, call):
    """The learner called fn exactly once per expected block of rows, each time with the params as given."""
    if any(rows is None for rows, _, _ in fn.calls):
        raise AssertionError(f"called {call}; grad_fn received an x that is not made of rows of the caller's x "
                             f"- pass x[rows] and y[rows] as they are (no conversion, no reshaping)")
    if not all(y_ok for _, y_ok, _ in fn.calls):
        raise AssertionError(f"called {call}; grad_fn received y values that do not belong to its x rows - "
                             f"slice x and y with the same rows")
    if not all(same for _, _, same in fn.calls):
        raise AssertionError(f"called {call}; grad_fn received parameters different from the ones given - "
                             f"every micro-batch and every worker computes its gradient at the same params; "
                             f"step once, after combining the gradients")
    got = sorted(tuple(sorted(rows)) for rows, _, _ in fn.calls)
    expected = sorted(tuple(sorted(b)) for b in expected_blocks)
    if got != expected:
        sizes = [len(rows) for rows, _, _ in fn.calls]
        raise AssertionError(f"called {call}; grad_fn was called {len(got)} times, on blocks of {sizes} rows, "
                             f"expected {len(expected)} calls on blocks of {[len(b) for b in expected_blocks]} rows "
                             f"(one call per micro-batch or shard, with exactly its rows, and no other call)")


def full_batch_step(params, x, y, lr):
    loss, grads = softmax_xent(params, x, y)
    return {k: params[k] - lr * grads[k] for k in params}, loss


def check_dict(got, expected, call, why="", rtol=1e-9, atol=1e-12):
    if not isinstance(got, dict):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a dict with keys {sorted(expected)}")
    if set(got) != set(expected):
        raise AssertionError(f"called {call}; got keys {sorted(got)}, expected {sorted(expected)}")
    for key in sorted(expected):
        assert_allclose(got[key], expected[key], f"{call}[{key!r}]", rtol=rtol, atol=atol, show_expected=False,
                        why=why)


def close_dicts(a, b, rtol=1e-9):
    try:
        return set(a) == set(b) and all(np.allclose(np.asarray(a[k], dtype=float), b[k], rtol=rtol, atol=1e-12)
                                        for k in b)
    except (TypeError, ValueError):
        return False


def diagnose(got, wrong_answers, default):
    """The named mistake whose result the learner's matches, or the default explanation."""
    if isinstance(got, dict):
        for why, value in wrong_answers:
            if close_dicts(got, value):
                return why
    return default


def pair(got, call, names=("first", "second")):
    if not (isinstance(got, tuple) and len(got) == 2):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple ({names[0]}, {names[1]})")
    return got


# ----------------------------------------------------------------------------- shards

SHARD_CASES = [(10, 4), (12, 4), (7, 7), (5, 1), (100, 8), (9, 2), (13, 5)]


@pytest.mark.clause("C1", probes="strided shards, remainder rows on the last worker or dropped",
                    topic="distributed training")
@pytest.mark.points(2)
@pytest.mark.parametrize("n, world_size", SHARD_CASES)
def test_shard_indices(learner, n, world_size):
    call = call_repr("shard_indices", n, world_size)
    got = learner.shard_indices(n, world_size)
    if not isinstance(got, (list, tuple)) or len(got) != world_size:
        raise AssertionError(f"called {call}; got {describe(got)}, expected a list of {world_size} integer arrays")
    for rank, expected in enumerate(np.array_split(np.arange(n), world_size)):
        shard = np.asarray(got[rank])
        assert shard.dtype.kind in "iu", f"called {call}; shard {rank} has dtype {shard.dtype}, expected integers"
        assert_equal(shard, expected, f"{call}[{rank}]", show_expected=False,
                     why="contiguous blocks in rank order; the first n % world_size ranks hold one extra row")


@pytest.mark.clause("C2", probes="a worker left without rows, or world_size 0 accepted", topic="input validation")
@pytest.mark.parametrize("n, world_size", [(3, 4), (0, 1), (5, 0), (5, -2)])
def test_shard_indices_rejects_impossible_splits(learner, n, world_size):
    with expect_raises(ValueError, call_repr("shard_indices", n, world_size),
                       "every worker needs at least one row, and world_size must be at least 1"):
        learner.shard_indices(n, world_size)


# ----------------------------------------------------------------------------- all-reduce


def worker_grads(seed, workers):
    rng = np.random.default_rng(seed)
    return [{"w": rng.normal(size=(3, 4)), "b": rng.normal(size=4), "scale": rng.normal(size=(2, 2, 2))}
            for _ in range(workers)]


@pytest.mark.clause("C3", probes="all-reduce by sum instead of mean", topic="distributed training")
@pytest.mark.parametrize("workers", [1, 3, 5])
def test_all_reduce_plain_mean(learner, workers):
    grads = worker_grads(workers, workers)
    call = f"all_reduce_mean(gradients of {workers} workers)"
    got = learner.all_reduce_mean(grads)
    expected = {k: np.mean([g[k] for g in grads], axis=0) for k in grads[0]}
    summed = {k: np.sum([g[k] for g in grads], axis=0) for k in grads[0]}
    check_dict(got, expected, call, why=diagnose(got, [("that is the sum over the workers: divide by their number",
                                                        summed)], "the element-wise mean over the workers"))


@pytest.mark.clause("C3", probes="counts ignored, or the weighted sum divided by the number of workers",
                    topic="distributed training")
@pytest.mark.points(2)
@pytest.mark.parametrize("counts", [[3, 3, 2, 2], [1, 7], [5, 1, 1, 1, 9], [4]])
def test_all_reduce_weighted_by_counts(learner, counts):
    grads = worker_grads(len(counts) + 10, len(counts))
    call = f"all_reduce_mean(gradients of {len(counts)} workers, counts={counts})"
    got = learner.all_reduce_mean(grads, counts=counts)
    c = np.asarray(counts, dtype=float)
    expected = {k: np.tensordot(c, np.stack([g[k] for g in grads]), axes=1) / c.sum() for k in grads[0]}
    wrong = [("the counts were ignored: weight worker i by counts[i]",
              {k: np.mean([g[k] for g in grads], axis=0) for k in grads[0]}),
             ("divide the weighted sum by sum(counts), not by the number of workers",
              {k: np.tensordot(c, np.stack([g[k] for g in grads]), axes=1) / len(counts) for k in grads[0]})]
    check_dict(got, expected, call, why=diagnose(got, wrong, "sum_i counts[i] * g_i / sum(counts)"))


@pytest.mark.clause("C3", probes="all_reduce_mean on float32 gradients, or changing the workers' arrays",
                    topic="api contract")
def test_all_reduce_float32_and_inputs_kept(learner):
    grads = [{k: v.astype(np.float32) for k, v in g.items()} for g in worker_grads(21, 3)]
    before = [copy_params(g) for g in grads]
    got = learner.all_reduce_mean(grads, counts=[2, 1, 1])
    expected = {k: (2 * before[0][k].astype(float) + before[1][k] + before[2][k]) / 4 for k in before[0]}
    check_dict(got, expected, "all_reduce_mean(float32 gradients of 3 workers, counts=[2, 1, 1])", rtol=1e-6,
               atol=1e-6)
    for g, b in zip(grads, before):
        for k in b:
            assert_equal(g[k], b[k], "the workers' gradients after all_reduce_mean",
                         why="return a new dict; do not accumulate into a worker's arrays")


@pytest.mark.clause("C4", probes="empty lists, mismatched keys or counts, zero counts accepted",
                    topic="input validation")
def test_all_reduce_rejects_bad_input(learner):
    a, b = worker_grads(30, 2)
    cases = [("all_reduce_mean([])", lambda: learner.all_reduce_mean([]), "there is no gradient to reduce"),
             ("all_reduce_mean([{'w', 'b', 'scale'}, {'w', 'b'}])",
              lambda: learner.all_reduce_mean([a, {"w": b["w"], "b": b["b"]}]), "the workers' keys differ"),
             ("all_reduce_mean([{'w', 'b'}, {'w', 'b', 'scale'}])",
              lambda: learner.all_reduce_mean([{"w": a["w"], "b": a["b"]}, b]), "the workers' keys differ"),
             ("all_reduce_mean([{'w', 'b', 'scale'}, {'w', 'b', 'bias'}])",
              lambda: learner.all_reduce_mean([a, {"w": b["w"], "b": b["b"], "bias": b["scale"]}]),
              "the workers' keys differ"),
             ("all_reduce_mean(2 workers, counts=[1, 2, 3])", lambda: learner.all_reduce_mean([a, b], counts=[1, 2, 3]),
              "one count per worker"),
             ("all_reduce_mean(2 workers, counts=[3, 0])", lambda: learner.all_reduce_mean([a, b], counts=[3, 0]),
              "every count is at least 1")]
    for call, run, why in cases:
        with expect_raises(ValueError, call, why):
            run()


# ----------------------------------------------------------------------------- gradient accumulation

ACCUMULATION_CASES = [(12, 4), (10, 4), (10, 3), (7, 7), (7, 20), (9, 1), (5, 2)]


def accumulation_wrong_answers(params, x, y, m):
    parts = [softmax_xent(params, x[i:i + m], y[i:i + m]) for i in range(0, len(x), m)]
    grads = [g for _, g in parts]
    summed = {k: sum(g[k] for g in grads) for k in params}
    plain = {k: summed[k] / len(grads) for k in params}
    return [("that is the sum of the micro-batch mean gradients: weight each by its share of the rows", summed),
            ("that is the plain mean of the micro-batch means, wrong when the last micro-batch is shorter: "
             "weight each by its number of rows", plain)]


@pytest.mark.clause("C6", probes="accumulated gradient not divided, or micro-batches not weighted by their rows",
                    topic="distributed training")
@pytest.mark.points(2)
@pytest.mark.parametrize("n, m", ACCUMULATION_CASES)
def test_accumulation_equals_the_large_batch(learner, n, m):
    params, x, y = problem(n * 100 + m, n)
    fn = RecordingGrad(params, x, y)
    call = call_repr("accumulate_gradients", params, x, y, "grad_fn", m)
    loss, grads = pair(learner.accumulate_gradients(copy_params(params), x, y, fn, m), call, ("loss", "grads"))
    e_loss, e_grads = softmax_xent(params, x, y)
    check_dict(grads, e_grads, call + ", grads",
               why=diagnose(grads, accumulation_wrong_answers(params, x, y, m),
                            "the accumulated gradient must equal the whole batch's mean gradient"))
    assert_scalar_close(loss, e_loss, call + ", loss", rtol=1e-9, show_expected=False,
                        why="the mean loss over all rows: weight each micro-batch's loss by its number of rows")


@pytest.mark.clause("C5", "C6", probes="one full-batch call, the last micro-batch dropped, or blocks not consecutive",
                    topic="distributed training")
@pytest.mark.points(2)
@pytest.mark.parametrize("n, m", ACCUMULATION_CASES)
def test_accumulation_calls_one_micro_batch_at_a_time(learner, n, m):
    params, x, y = problem(n * 100 + m + 1, n)
    fn = RecordingGrad(params, x, y)
    call = call_repr("accumulate_gradients", params, x, y, "grad_fn", m)
    learner.accumulate_gradients(copy_params(params), x, y, fn, m)
    check_calls(fn, blocks(range(n), m), call)


@pytest.mark.clause("C5", "C6", probes="micro-batches of 1-D inputs and 2-D targets", topic="shapes and broadcasting")
def test_accumulation_with_other_shapes(learner):
    rng = np.random.default_rng(40)
    x, y = rng.normal(size=11), rng.normal(size=(11, 2))
    params = {"w": rng.normal(size=2)}

    def mse(params, x, y):
        r = np.outer(x, params["w"]) - y
        return float(np.mean(np.sum(r ** 2, axis=1)) / 2), {"w": (x[:, None] * r).mean(axis=0)}

    calls = []

    def fn(p, xs, ys):
        calls.append(len(xs))
        return mse({k: np.asarray(v) for k, v in p.items()}, np.asarray(xs), np.asarray(ys))

    call = "accumulate_gradients(params, x of shape (11,), y of shape (11, 2), grad_fn, 4)"
    loss, grads = pair(learner.accumulate_gradients(params, x, y, fn, 4), call, ("loss", "grads"))
    e_loss, e_grads = mse(params, x, y)
    check_dict(grads, e_grads, call + ", grads")
    assert_scalar_close(loss, e_loss, call + ", loss", rtol=1e-9)
    assert sorted(calls) == [3, 4, 4], f"called {call}; grad_fn got blocks of {calls} rows, expected 4, 4 and 3"


@pytest.mark.clause("C7", probes="micro_batch_size 0 or an empty batch accepted", topic="input validation")
@pytest.mark.parametrize("n, m", [(6, 0), (6, -1), (0, 2)])
def test_accumulation_rejects_bad_input(learner, n, m):
    params, x_all, y_all = problem(50, 6)
    x, y = x_all[:n], y_all[:n]
    fn = RecordingGrad(params, x_all, y_all)
    call = call_repr("accumulate_gradients", params, x, y, "grad_fn", m)
    with expect_raises(ValueError, call, "micro_batch_size must be at least 1 and x must have rows"):
        learner.accumulate_gradients(params, x, y, fn, m)
    assert not fn.calls, f"called {call}; grad_fn was called {len(fn.calls)} times before the ValueError, expected none"


# ----------------------------------------------------------------------------- data-parallel step

DP_CASES = [(12, 4, None), (10, 4, None), (8, 1, None), (8, 8, None), (10, 3, 2), (13, 4, 2), (11, 2, 3),
            (9, 3, 10)]


def data_parallel_wrong_answers(params, x, y, world_size, lr):
    shards = np.array_split(np.arange(len(x)), world_size)
    grads = [softmax_xent(params, x[s], y[s])[1] for s in shards]
    summed = {k: sum(g[k] for g in grads) for k in params}
    plain = {k: summed[k] / world_size for k in params}
    return [("the workers' gradients were summed, not averaged (the step is world_size times too large)",
             {k: params[k] - lr * summed[k] for k in params}),
            ("the plain mean of the workers' gradients gives the short shards' rows too much weight: weight each "
             "worker by its shard size", {k: params[k] - lr * plain[k] for k in params})]


@pytest.mark.clause("C8", probes="data-parallel gradients summed, or uneven shards weighted wrongly",
                    topic="distributed training")
@pytest.mark.points(3)
@pytest.mark.parametrize("n, world_size, m", DP_CASES)
def test_data_parallel_step_equals_the_full_batch_step(learner, n, world_size, m):
    params, x, y = problem(n * 1000 + world_size * 10 + (m or 0), n)
    fn = RecordingGrad(params, x, y)
    call = (f"data_parallel_step(params, x of shape {x.shape}, y, grad_fn, world_size={world_size}, lr=0.3"
            + (f", micro_batch_size={m})" if m else ")"))
    new_params, loss = pair(learner.data_parallel_step(copy_params(params), x, y, fn, world_size=world_size, lr=0.3,
                                                       micro_batch_size=m), call, ("new_params", "loss"))
    expected, e_loss = full_batch_step(params, x, y, 0.3)
    check_dict(new_params, expected, call + ", new_params",
               why=diagnose(new_params, data_parallel_wrong_answers(params, x, y, world_size, 0.3),
                            "one data-parallel step equals one SGD step on the whole batch"))
    assert_scalar_close(loss, e_loss, call + ", loss", rtol=1e-9, show_expected=False,
                        why="the mean loss over all rows: weight each worker's loss by its shard size")


@pytest.mark.clause("C5", "C8", probes="workers stepping before the all-reduce, or reading the whole batch",
                    topic="distributed training")
@pytest.mark.points(3)
@pytest.mark.parametrize("n, world_size, m", DP_CASES)
def test_data_parallel_step_feeds_each_worker_its_shard(learner, n, world_size, m):
    params, x, y = problem(n * 1000 + world_size * 10 + (m or 0) + 1, n)
    fn = RecordingGrad(params, x, y)
    call = (f"data_parallel_step(params, x of shape {x.shape}, y, grad_fn, world_size={world_size}, lr=0.3"
            + (f", micro_batch_size={m})" if m else ")"))
    learner.data_parallel_step(copy_params(params), x, y, fn, world_size=world_size, lr=0.3, micro_batch_size=m)
    expected = [b for shard in np.array_split(np.arange(n), world_size) for b in blocks(shard, m)]
    check_calls(fn, expected, call)


@pytest.mark.clause("C8", probes="several data-parallel steps in a row on uneven shards", topic="distributed training")
@pytest.mark.points(2)
def test_data_parallel_training_matches_full_batch_gradient_descent(learner, record_series):
    params, x, y = problem(77, 23)
    expected = copy_params(params)
    losses = []
    for step in range(12):
        fn = RecordingGrad(params, x, y)
        call = f"data_parallel_step at step {step} (23 rows, world_size=5, micro_batch_size=2, lr=0.5)"
        new_params, loss = pair(learner.data_parallel_step(copy_params(params), x, y, fn, world_size=5, lr=0.5,
                                                           micro_batch_size=2), call, ("new_params", "loss"))
        expected, e_loss = full_batch_step(expected, x, y, 0.5)
        check_dict(new_params, expected, call + ", new_params", rtol=1e-8, atol=1e-10,
                   why="the run must follow full-batch gradient descent step by step")
        losses.append(float(loss))
        params = {k: np.asarray(v, dtype=np.float64) for k, v in new_params.items()}
    record_series("loss", losses)
    assert losses[-1] < losses[0], f"the loss went from {losses[0]:.4f} to {losses[-1]:.4f} in 12 steps"


def check_params_kept(params, before, got, call):
    """The caller's params dict and arrays are unchanged, and new_params is another dict."""
    if set(params) != set(before) or not all(np.array_equal(params[k], before[k]) for k in before):
        raise AssertionError(f"called {call}; the caller's params were modified - return a new dict "
                             f"{{k: params[k] - lr * g[k]}} and leave params (and its arrays) as given")
    if isinstance(got, tuple) and got and got[0] is params:
        raise AssertionError(f"called {call}; new_params is the caller's params dict itself, expected a new dict")


@pytest.mark.clause("C8", probes="parameters updated in place (params[k] -= lr * g[k]) and the same dict returned",
                    topic="api contract")
@pytest.mark.parametrize("m", [None, 2])
def test_data_parallel_step_leaves_params_unchanged(learner, m):
    params, x, y = problem(61, 10)
    before = copy_params(params)
    call = "data_parallel_step(params, x of shape (10, 3), y, grad_fn, world_size=3, lr=0.3" + \
           (f", micro_batch_size={m})" if m else ")")
    got = learner.data_parallel_step(params, x, y, RecordingGrad(params, x, y), world_size=3, lr=0.3,
                                     micro_batch_size=m)
    check_params_kept(params, before, got, call)


@pytest.mark.clause("C9", probes="impossible shards or micro_batch_size 0 accepted by data_parallel_step",
                    topic="input validation")
@pytest.mark.parametrize("n, world_size, m", [(3, 4, None), (6, 0, None), (6, 2, 0)])
def test_data_parallel_step_rejects_bad_input(learner, n, world_size, m):
    params, x, y = problem(60, n)
    fn = RecordingGrad(params, x, y)
    call = f"data_parallel_step(params, x of shape {x.shape}, y, grad_fn, world_size={world_size}, lr=0.1, " \
           f"micro_batch_size={m})"
    with expect_raises(ValueError, call, "every worker needs rows, and micro_batch_size must be at least 1"):
        learner.data_parallel_step(params, x, y, fn, world_size=world_size, lr=0.1, micro_batch_size=m)
    assert not fn.calls, f"called {call}; grad_fn was called {len(fn.calls)} times before the ValueError, expected none"


# ----------------------------------------------------------------------------- the loss scaler


def state(scaler):
    return float(scaler.scale), int(scaler.good_steps)


@pytest.mark.clause("C10", probes="DynamicLossScaler's defaults and attributes", topic="api contract")
def test_scaler_initial_state(learner):
    got = state(learner.DynamicLossScaler())
    assert got == (65536.0, 0), f"called DynamicLossScaler(); (scale, good_steps) is {got}, expected (65536.0, 0)"
    got = state(learner.DynamicLossScaler(init_scale=3.0, growth_factor=4.0, backoff_factor=0.25, growth_interval=7))
    assert got == (3.0, 0), (f"called DynamicLossScaler(init_scale=3.0, ...); (scale, good_steps) is {got}, "
                             f"expected (3.0, 0)")


@pytest.mark.clause("C10", probes="impossible loss-scaler settings accepted", topic="input validation")
@pytest.mark.parametrize("settings", [dict(init_scale=0.0), dict(init_scale=-8.0), dict(growth_factor=1.0),
                                      dict(growth_factor=0.5), dict(backoff_factor=1.0), dict(backoff_factor=0.0),
                                      dict(backoff_factor=2.0), dict(growth_interval=0)])
def test_scaler_rejects_bad_settings(learner, settings):
    with expect_raises(ValueError, call_repr("DynamicLossScaler", **settings),
                       "scale > 0, growth_factor > 1, 0 < backoff_factor < 1, growth_interval >= 1"):
        learner.DynamicLossScaler(**settings)


UPDATE_CASES = {
    "halve, then grow after 3 good steps": (dict(init_scale=8.0, growth_interval=3),
                                            [True, False, False, False, False, True, True, False, False, False,
                                             False, False, False, False]),
    "interval 1: grow at every good step": (dict(init_scale=1024.0, growth_factor=3.0, backoff_factor=0.25,
                                                 growth_interval=1), [False, False, True, False, True, True, False]),
    "an overflow resets the count": (dict(init_scale=2.0 ** 16, growth_interval=4),
                                     [False, False, False, True, False, False, False, False, False, False, False,
                                      False, False]),
    "random overflows": (dict(init_scale=2.0 ** 10, growth_factor=2.0, backoff_factor=0.5, growth_interval=2),
                         [bool(b) for b in np.random.default_rng(5).random(40) < 0.3]),
}


@pytest.mark.clause("C12", probes="scale not halved on overflow, never growing back, or its counter not reset",
                    topic="distributed training")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(UPDATE_CASES))
def test_scaler_update_sequence(learner, reference, case):
    settings, flags = UPDATE_CASES[case]
    mine, ref = learner.DynamicLossScaler(**settings), reference.DynamicLossScaler(**settings)
    for i, flag in enumerate(flags):
        mine.update(flag)
        ref.update(flag)
        got, expected = state(mine), state(ref)
        if not (np.isclose(got[0], expected[0], rtol=1e-12) and got[1] == expected[1]):
            call = call_repr("DynamicLossScaler", **settings)
            shown = ", ".join(str(f) for f in flags[:i + 1])
            raise AssertionError(f"called {call}, then update() with found_inf = {shown}; (scale, good_steps) is "
                                 f"{got}, expected {expected} - an overflow multiplies the scale by backoff_factor "
                                 f"and resets the count; growth_interval good steps in a row multiply it by "
                                 f"growth_factor and reset the count")


@pytest.mark.clause("C12", probes="a scale that never grows back after an overflow", topic="distributed training")
def test_scale_grows_back_after_an_overflow(learner):
    scaler = learner.DynamicLossScaler(init_scale=1024.0, growth_interval=5)
    scaler.update(True)
    for _ in range(10):
        scaler.update(False)
    got = state(scaler)
    assert got == (2048.0, 0), ("called DynamicLossScaler(init_scale=1024.0, growth_interval=5), update(True), then "
                                f"update(False) 10 times; (scale, good_steps) is {got}, expected (2048.0, 0): "
                                f"halved once, then doubled after each 5 good steps")


@pytest.mark.clause("C11", probes="unscaled gradients not divided by the scale, or not float32",
                    topic="distributed training")
@pytest.mark.points(2)
@pytest.mark.parametrize("scale", [1024.0, 3.0, 0.5])
def test_unscale_values(learner, scale):
    rng = np.random.default_rng(int(scale * 8))
    grads = {"w": rng.uniform(-3e4, 3e4, size=(3, 4)).astype(np.float16),
             "b": rng.uniform(-10, 10, size=5).astype(np.float16)}
    scaler = learner.DynamicLossScaler(init_scale=scale, growth_interval=3)
    call = f"unscale(float16 gradients) at scale {scale}"
    got = pair(scaler.unscale(grads), call, ("unscaled", "found_inf"))
    unscaled, found_inf = got
    if not isinstance(unscaled, dict) or set(unscaled) != {"w", "b"}:
        raise AssertionError(f"called {call}; the unscaled gradients are {describe(unscaled)}, expected a dict with "
                             f"keys ['b', 'w']")
    for key, g in grads.items():
        value = np.asarray(unscaled[key])
        assert value.dtype == np.float32, (f"called {call}; unscaled[{key!r}] has dtype {value.dtype}, expected "
                                           f"float32 (the float32 copy of the gradients the optimizer uses)")
        assert_allclose(value, g.astype(np.float32) / np.float32(scale), f"{call}, unscaled[{key!r}]", rtol=1e-6,
                        show_expected=False, why="divide the float16 gradients by the scale, in float32")
    assert isinstance(found_inf, (bool, np.bool_)) and not found_inf, \
        f"called {call} on finite gradients; found_inf is {found_inf!r}, expected False"
    assert state(scaler) == (scale, 0), f"called {call}; (scale, good_steps) became {state(scaler)}: unscale " \
                                        f"must not change the scaler (update does)"


@pytest.mark.clause("C11", probes="unscaling in float16, where small gradients underflow to 0",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_unscale_keeps_small_gradients(learner):
    grads = {"w": np.array([1e-4, -3e-5, 6e-5, 2e-6, 0.5], dtype=np.float16)}
    scaler = learner.DynamicLossScaler()
    call = "unscale({'w': float16 [1e-4, -3e-5, 6e-5, 2e-6, 0.5]}) at scale 65536"
    unscaled, _ = pair(scaler.unscale(grads), call, ("unscaled", "found_inf"))
    assert_allclose(unscaled["w"], grads["w"].astype(np.float32) / np.float32(65536), call + ", unscaled['w']",
                    rtol=1e-6, why="divided in float16, gradients near 1e-9 underflow to 0 (the very loss the scale "
                                   "was meant to prevent): convert to float32 first")


@pytest.mark.clause("C11", probes="an overflow check that misses nan, -inf or a later gradient",
                    topic="numerical stability")
@pytest.mark.points(2)
@pytest.mark.parametrize("bad", ["inf", "-inf", "nan"])
def test_unscale_finds_inf_and_nan_anywhere(learner, bad):
    grads = {"w": np.ones((2, 3), dtype=np.float16), "b": np.array([1.0, 2.0, float(bad), 4.0], dtype=np.float16)}
    scaler = learner.DynamicLossScaler(init_scale=4.0)
    call = f"unscale({{'w': finite, 'b': [1, 2, {bad}, 4]}}) at scale 4.0"
    _, found_inf = pair(scaler.unscale(grads), call, ("unscaled", "found_inf"))
    assert isinstance(found_inf, (bool, np.bool_)) and found_inf, \
        (f"called {call}; found_inf is {found_inf!r}, expected True - any inf or nan entry of any gradient is an "
         f"overflow (np.isfinite, not np.isinf)")
    assert state(scaler) == (4.0, 0), f"called {call}; (scale, good_steps) became {state(scaler)}: unscale must " \
                                      f"not change the scaler (update does)"


# ----------------------------------------------------------------------------- mixed-precision steps


class ScaledGrad:
    """scaled_grad_fn for the learner: float16 gradients of scale * factor * loss, recording each call.

    factor > 1 stands for a loss spike (or a loss summed over many tokens); factor nan puts a nan into
    the bias gradient.
    """

    def __init__(self, x, y, factor=1.0):
        self.x, self.y, self.factor = x, y, factor
        self.calls = []  # (scale, params)

    def __call__(self, params, x, y, scale):
        params = {k: np.array(v, copy=True) for k, v in params.items()}
        self.calls.append((scale, params))
        loss, grads = softmax_xent({k: v.astype(np.float64) for k, v in params.items()}, np.asarray(x), np.asarray(y))
        factor = self.factor
        if np.isnan(factor):
            grads["b"][1] = np.nan
            factor = 1.0
        with np.errstate(over="ignore", invalid="ignore"):
            return loss, {k: (float(scale) * factor * g).astype(np.float16) for k, g in grads.items()}

    def expected_step(self, params, scale, lr):
        """What one step does with these params at this scale: (new params, stepped)."""
        _, g16 = ScaledGrad(self.x, self.y, self.factor)(params, self.x, self.y, scale)
        unscaled = {k: g.astype(np.float32) / np.float32(scale) for k, g in g16.items()}
        if not all(np.all(np.isfinite(g)) for g in unscaled.values()):
            return copy_params(params), False
        return {k: params[k] - lr * unscaled[k] for k in params}, True


def mp_problem(seed, n=16):
    return problem(seed, n, dtype=np.float32)


def check_one_call(fn, params, scale, call):
    if len(fn.calls) != 1:
        raise AssertionError(f"called {call}; scaled_grad_fn was called {len(fn.calls)} times, expected exactly once")
    got_scale, got_params = fn.calls[0]
    if not np.isclose(float(got_scale), scale, rtol=1e-12):
        raise AssertionError(f"called {call}; scaled_grad_fn got scale {got_scale}, expected the scaler's current "
                             f"scale {scale}")
    if not close_dicts(got_params, params, rtol=0):
        raise AssertionError(f"called {call}; scaled_grad_fn got parameters different from the ones given")


def check_step(got, params, expected, e_stepped, call, why):
    new_params, stepped = pair(got, call, ("new_params", "stepped"))
    assert isinstance(stepped, (bool, np.bool_)) and bool(stepped) == e_stepped, \
        f"called {call}; stepped is {stepped!r}, expected {e_stepped} - {why}"
    check_dict(new_params, expected, call + ", new_params", rtol=1e-6, atol=1e-7, why=why)


@pytest.mark.clause("C13", probes="a finite float16 step: not unscaled, or unscaled twice",
                    topic="distributed training")
@pytest.mark.points(2)
def test_mixed_precision_finite_step(learner):
    params, x, y = mp_problem(90)
    fn = ScaledGrad(x, y)
    scaler = learner.DynamicLossScaler(init_scale=256.0, growth_interval=3)
    call = "mixed_precision_step(float32 params, x, y, scaled_grad_fn, scaler at scale 256, lr=0.2)"
    got = learner.mixed_precision_step(copy_params(params), x, y, fn, scaler, lr=0.2)
    check_one_call(fn, params, 256.0, call)
    expected, _ = fn.expected_step(params, 256.0, 0.2)
    check_step(got, params, expected, True, call, "finite gradients: step with params - lr * (float16 gradient / scale)")
    assert state(scaler) == (256.0, 1), f"called {call}; the scaler's (scale, good_steps) is {state(scaler)}, " \
                                        f"expected (256.0, 1): one good step"


@pytest.mark.clause("C13", probes="the optimizer stepping on an overflow", topic="distributed training")
@pytest.mark.points(2)
@pytest.mark.parametrize("spike", [1.0, float("nan")])
def test_mixed_precision_skips_on_overflow(learner, spike):
    params, x, y = mp_problem(91)
    init = 2.0 ** 20 if spike == 1.0 else 64.0  # 2**20 * gradient overflows float16; the nan case is small
    fn = ScaledGrad(x, y, spike)
    scaler = learner.DynamicLossScaler(init_scale=init, growth_interval=3)
    what = "overflowing gradients" if spike == 1.0 else "a nan in the bias gradient"
    call = f"mixed_precision_step(params, x, y, scaled_grad_fn giving {what}, scaler at scale {init:g}, lr=0.2)"
    got = learner.mixed_precision_step(copy_params(params), x, y, fn, scaler, lr=0.2)
    check_one_call(fn, params, init, call)
    check_step(got, params, params, False, call, "an inf or nan gradient skips the step: the parameters stay as given")
    assert state(scaler) == (init / 2, 0), f"called {call}; the scaler's (scale, good_steps) is {state(scaler)}, " \
                                           f"expected ({init / 2:g}, 0): an overflow halves the scale"


@pytest.mark.clause("C13", "C12", probes="the scale updated before unscaling (divided by the new scale)",
                    topic="distributed training")
@pytest.mark.points(2)
def test_mixed_precision_unscales_with_the_scale_used(learner):
    params, x, y = mp_problem(92)
    fn = ScaledGrad(x, y)
    scaler = learner.DynamicLossScaler(init_scale=128.0, growth_interval=1)  # every good step doubles the scale
    call = "mixed_precision_step(params, x, y, scaled_grad_fn, scaler at scale 128 with growth_interval=1, lr=0.2)"
    got = learner.mixed_precision_step(copy_params(params), x, y, fn, scaler, lr=0.2)
    check_one_call(fn, params, 128.0, call)
    expected, _ = fn.expected_step(params, 128.0, 0.2)
    check_step(got, params, expected, True, call,
               "the gradients were computed at scale 128: unscale by 128, then update the scaler (it grows to 256)")
    assert state(scaler) == (256.0, 0), f"called {call}; the scaler's (scale, good_steps) is {state(scaler)}, " \
                                        f"expected (256.0, 0)"


@pytest.mark.clause("C13", probes="parameters updated in place (params[k] -= lr * g[k]) and the same dict returned",
                    topic="api contract")
@pytest.mark.parametrize("init", [256.0, 2.0 ** 20])
def test_mixed_precision_leaves_params_unchanged(learner, init):
    params, x, y = mp_problem(94)
    before = copy_params(params)
    call = f"mixed_precision_step(float32 params, x, y, scaled_grad_fn, scaler at scale {init:g}, lr=0.2)" + \
           (" (overflow)" if init > 1e5 else "")
    got = learner.mixed_precision_step(params, x, y, ScaledGrad(x, y), learner.DynamicLossScaler(init_scale=init),
                                       lr=0.2)
    if init > 1e5:
        if set(params) != set(before) or not all(np.array_equal(params[k], before[k]) for k in before):
            raise AssertionError(f"called {call}; the caller's params were modified on a skipped step")
    else:
        check_params_kept(params, before, got, call)


RUNS = {  # scaler settings, gradient gain, {step: loss spike factor (nan: a nan gradient)}, steps
    "from 2**16: halve until the gradients fit, then grow every 3 good steps":
        (dict(init_scale=2.0 ** 16, growth_interval=3), 40.0, {15: 300.0, 24: float("nan")}, 36),
    "loss spikes and a nan, growth by 4 and backoff by 1/8 every 2 good steps":
        (dict(init_scale=2.0 ** 12, growth_factor=4.0, backoff_factor=0.125, growth_interval=2), 1.0,
         {3: 1e3, 4: 1e3, 11: float("nan"), 17: 50.0}, 30),
}


@pytest.mark.clause("C12", "C13", probes="a loss-scaled run: skipped steps, halving, growing back, counters",
                    topic="distributed training")
@pytest.mark.points(3)
@pytest.mark.parametrize("run", list(RUNS))
def test_mixed_precision_run_follows_the_reference(learner, reference, record_series, run):
    settings, gain, spikes, steps = RUNS[run]
    params, x, y = mp_problem(93)
    mine, ref = learner.DynamicLossScaler(**settings), reference.DynamicLossScaler(**settings)
    scales, skipped = [], 0
    for step in range(steps):
        factor = gain * spikes.get(step, 1.0)
        fn, ref_fn = ScaledGrad(x, y, factor), ScaledGrad(x, y, factor)
        before = state(mine)
        call = f"mixed_precision_step at step {step} of a run ({run}), scale {before[0]:g} before the step"
        got = learner.mixed_precision_step(copy_params(params), x, y, fn, mine, lr=0.5)
        check_one_call(fn, params, state(ref)[0], call)
        expected, e_stepped = reference.mixed_precision_step(copy_params(params), x, y, ref_fn, ref, 0.5)
        check_step(got, params, expected, bool(e_stepped), call,
                   "skip the step exactly when the unscaled gradients hold an inf or nan")
        if not (np.isclose(state(mine)[0], state(ref)[0], rtol=1e-12) and state(mine)[1] == state(ref)[1]):
            raise AssertionError(f"called {call}; the scaler's (scale, good_steps) became {state(mine)}, expected "
                                 f"{state(ref)} - overflow: scale * backoff_factor, count reset; growth_interval "
                                 f"good steps in a row: scale * growth_factor, count reset")
        scales.append(np.log2(state(ref)[0]))
        skipped += not e_stepped
        params = {k: np.asarray(v, dtype=np.float32) for k, v in expected.items()}
    record_series("log2 loss scale", scales)
    assert skipped >= 3, f"the run skipped only {skipped} steps; the judge's schedule is broken"
