"""Correct (functional: np.array_split, np.average with weights, stacked gradients, a scaler as a state table)."""
import numpy as np


def shard_indices(n, world_size):
    if not (1 <= world_size <= n):
        raise ValueError(f"cannot shard {n} rows over {world_size} workers")
    return np.array_split(np.arange(n), world_size)


def all_reduce_mean(worker_grads, counts=None):
    if not worker_grads:
        raise ValueError("no gradients")
    keys = [frozenset(g) for g in worker_grads]
    if len(set(keys)) != 1:
        raise ValueError("keys differ")
    if counts is not None and (len(counts) != len(worker_grads) or min(counts) < 1):
        raise ValueError("bad counts")
    weights = None if counts is None else np.asarray(counts, dtype=np.float64)
    return {k: np.average(np.stack([np.asarray(g[k], dtype=np.float64) for g in worker_grads]), axis=0,
                          weights=weights) for k in worker_grads[0]}


def _blocks(n, m):
    return [slice(s, min(s + m, n)) for s in range(0, n, m)]


def _mean_over(params, x, y, grad_fn, pieces):
    results = [grad_fn(params, x[p], y[p]) for p in pieces]
    sizes = [len(x[p]) for p in pieces]
    loss = float(np.average([r[0] for r in results], weights=sizes))
    return loss, all_reduce_mean([r[1] for r in results], sizes), sum(sizes)


def accumulate_gradients(params, x, y, grad_fn, micro_batch_size):
    if micro_batch_size < 1 or len(x) == 0:
        raise ValueError("micro_batch_size must be >= 1 and x must have rows")
    loss, grads, _ = _mean_over(params, x, y, grad_fn, _blocks(len(x), micro_batch_size))
    return loss, grads


def data_parallel_step(params, x, y, grad_fn, world_size, lr, micro_batch_size=None):
    shards = shard_indices(len(x), world_size)
    if micro_batch_size is not None and micro_batch_size < 1:
        raise ValueError("micro_batch_size must be >= 1")
    per_worker = [_mean_over(params, x[s], y[s], grad_fn,
                             _blocks(len(s), len(s) if micro_batch_size is None else micro_batch_size))
                  for s in shards]
    sizes = [w[2] for w in per_worker]
    grads = all_reduce_mean([w[1] for w in per_worker], sizes)
    loss = float(np.average([w[0] for w in per_worker], weights=sizes))
    return dict(zip(params, (params[k] - lr * grads[k] for k in params))), loss


class DynamicLossScaler:
    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        checks = [init_scale > 0, growth_factor > 1, 0 < backoff_factor < 1, growth_interval >= 1]
        if not all(checks):
            raise ValueError("invalid DynamicLossScaler settings")
        self._config = (growth_factor, backoff_factor, growth_interval)
        self.scale, self.good_steps = float(init_scale), 0

    def unscale(self, grads):
        unscaled = {k: np.divide(np.asarray(g, dtype=np.float32), self.scale, dtype=np.float32)
                    for k, g in grads.items()}
        finite = np.isfinite(np.concatenate([g.ravel() for g in unscaled.values()])).all()
        return unscaled, bool(not finite)

    def update(self, found_inf):
        growth, backoff, interval = self._config
        count = 0 if found_inf else (self.good_steps + 1) % interval
        factor = backoff if found_inf else (growth if count == 0 else 1.0)
        self.scale, self.good_steps = self.scale * factor, count


def mixed_precision_step(params, x, y, scaled_grad_fn, scaler, lr):
    grads, overflow = scaler.unscale(scaled_grad_fn(params, x, y, scaler.scale)[1])
    scaler.update(overflow)
    step = 0.0 if overflow else lr
    if overflow:
        return dict(params), False
    return {k: v - step * grads[k] for k, v in params.items()}, True
