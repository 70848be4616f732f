"""Correct (loops, sums of row-weighted gradients divided once at the end; a scaler counting down to growth)."""
import math

import numpy as np


def shard_indices(n, world_size):
    if world_size < 1:
        raise ValueError("world_size must be at least 1")
    if n < world_size:
        raise ValueError("fewer rows than workers")
    shards, start = [], 0
    for rank in range(world_size):
        size = n // world_size + (1 if rank < n % world_size else 0)
        shards.append(np.array(list(range(start, start + size)), dtype=np.int64))
        start += size
    return shards


def _weighted_sum(grads, weights):
    out = {}
    for g, w in zip(grads, weights):
        for key, value in g.items():
            term = w * np.array(value, dtype=np.float64)
            out[key] = term if key not in out else out[key] + term
    return out


def all_reduce_mean(worker_grads, counts=None):
    worker_grads = list(worker_grads)
    if not worker_grads:
        raise ValueError("empty")
    for g in worker_grads[1:]:
        if sorted(g) != sorted(worker_grads[0]):
            raise ValueError("keys differ")
    weights = [1] * len(worker_grads) if counts is None else list(counts)
    if len(weights) != len(worker_grads):
        raise ValueError("one count per worker")
    for w in weights:
        if w < 1:
            raise ValueError("counts must be positive")
    total = sum(weights)
    return {key: value / total for key, value in _weighted_sum(worker_grads, weights).items()}


def _shard_sums(params, x, y, grad_fn, micro_batch_size):
    """(loss sum, gradient sums, rows) over x: each micro-batch's means times its rows."""
    loss_sum, grad_sums, rows = 0.0, [], 0
    start = 0
    while start < len(x):
        stop = min(start + micro_batch_size, len(x))
        loss, grads = grad_fn(params, x[start:stop], y[start:stop])
        loss_sum += (stop - start) * loss
        grad_sums.append(_weighted_sum([grads], [stop - start]))
        rows += stop - start
        start = stop
    total = {}
    for g in grad_sums:
        for key, value in g.items():
            total[key] = value if key not in total else total[key] + value
    return loss_sum, total, rows


def accumulate_gradients(params, x, y, grad_fn, micro_batch_size):
    if not micro_batch_size >= 1:
        raise ValueError("micro_batch_size < 1")
    if len(x) < 1:
        raise ValueError("no rows")
    loss_sum, grad_sum, rows = _shard_sums(params, x, y, grad_fn, micro_batch_size)
    return loss_sum / rows, {key: value / rows for key, value in grad_sum.items()}


def data_parallel_step(params, x, y, grad_fn, world_size, lr, micro_batch_size=None):
    if micro_batch_size is not None and micro_batch_size < 1:
        raise ValueError("micro_batch_size < 1")
    shards = shard_indices(len(x), world_size)
    loss_sum, grad_sum = 0.0, {}
    for rows in shards:
        m = len(rows) if micro_batch_size is None else micro_batch_size
        s_loss, s_grad, _ = _shard_sums(params, x[rows], y[rows], grad_fn, m)
        loss_sum += s_loss
        for key, value in s_grad.items():  # the "all-reduce": sums of row-weighted gradients
            grad_sum[key] = value if key not in grad_sum else grad_sum[key] + value
    n = len(x)
    new_params = {}
    for key in params:
        new_params[key] = params[key] - lr * (grad_sum[key] / n)
    return new_params, loss_sum / n


class DynamicLossScaler:
    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        if init_scale <= 0 or growth_factor <= 1 or not (0 < backoff_factor < 1) or growth_interval < 1:
            raise ValueError("bad loss-scaler settings")
        self.scale = float(init_scale)
        self._growth, self._backoff, self._interval = growth_factor, backoff_factor, int(growth_interval)
        self._until_growth = self._interval

    @property
    def good_steps(self):
        return self._interval - self._until_growth

    def unscale(self, grads):
        out, bad = {}, False
        for key, g in grads.items():
            value = (np.asarray(g, dtype=np.float64) / self.scale).astype(np.float32)
            for v in value.ravel():
                if math.isnan(v) or math.isinf(v):
                    bad = True
            out[key] = value
        return out, bad

    def update(self, found_inf):
        if found_inf:
            self.scale = self.scale * self._backoff
            self._until_growth = self._interval
        else:
            self._until_growth -= 1
            if self._until_growth == 0:
                self.scale = self.scale * self._growth
                self._until_growth = self._interval


def mixed_precision_step(params, x, y, scaled_grad_fn, scaler, lr):
    scale = scaler.scale
    loss, half = scaled_grad_fn(params, x, y, scale)
    grads, found_inf = scaler.unscale(half)
    scaler.update(found_inf)
    new_params = {}
    for key, value in params.items():
        new_params[key] = np.copy(value) if found_inf else value - lr * grads[key]
    return new_params, not found_inf
