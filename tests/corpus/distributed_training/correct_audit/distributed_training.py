"""Correct (audit, written from the statement alone): divmod shards, float64 accumulator all-reduce, slice micro-batches, row-weighted losses, float32 unscaling."""
import numpy as np


def shard_indices(n, world_size):
    """Contiguous shards, the first n % world_size one row longer."""
    if world_size < 1 or n < world_size:
        raise ValueError("need world_size >= 1 and n >= world_size")
    base, extra = divmod(n, world_size)
    out, start = [], 0
    for r in range(world_size):
        size = base + (1 if r < extra else 0)
        out.append(np.arange(start, start + size, dtype=np.int64))
        start += size
    return out


def all_reduce_mean(worker_grads, counts=None):
    """(Weighted) mean of the workers' gradient dicts."""
    if len(worker_grads) == 0:
        raise ValueError("no workers")
    keys = set(worker_grads[0])
    if any(set(g) != keys for g in worker_grads):
        raise ValueError("keys differ")
    if counts is None:
        weights = [1.0] * len(worker_grads)
    else:
        if len(counts) != len(worker_grads):
            raise ValueError("counts length")
        if any(c < 1 for c in counts):
            raise ValueError("count below 1")
        weights = [float(c) for c in counts]
    total = sum(weights)
    out = {}
    for key in worker_grads[0]:
        acc = np.zeros(np.shape(worker_grads[0][key]), dtype=np.float64)
        for w, g in zip(weights, worker_grads):
            acc = acc + w * np.asarray(g[key], dtype=np.float64)
        out[key] = acc / total
    return out


def accumulate_gradients(params, x, y, grad_fn, micro_batch_size):
    """Row-weighted accumulation over consecutive micro-batches."""
    n = len(x)
    if micro_batch_size < 1 or n == 0:
        raise ValueError("micro_batch_size < 1 or no rows")
    losses, grads, counts = [], [], []
    for start in range(0, n, micro_batch_size):
        sl = slice(start, min(start + micro_batch_size, n))
        loss, g = grad_fn(params, x[sl], y[sl])
        losses.append(float(loss))
        grads.append(g)
        counts.append(sl.stop - sl.start)
    loss = sum(c * l for c, l in zip(counts, losses)) / n
    return loss, all_reduce_mean(grads, counts)


def data_parallel_step(params, x, y, grad_fn, world_size, lr, micro_batch_size=None):
    """One simulated data-parallel SGD step."""
    shards = shard_indices(len(x), world_size)
    if micro_batch_size is not None and micro_batch_size < 1:
        raise ValueError("micro_batch_size < 1")
    losses, grads, counts = [], [], []
    for rows in shards:
        xs, ys = x[rows], y[rows]
        if micro_batch_size is None:
            loss, g = grad_fn(params, xs, ys)
        else:
            loss, g = accumulate_gradients(params, xs, ys, grad_fn, micro_batch_size)
        losses.append(float(loss))
        grads.append(g)
        counts.append(len(rows))
    g = all_reduce_mean(grads, counts)
    loss = sum(c * l for c, l in zip(counts, losses)) / sum(counts)
    return {k: params[k] - lr * g[k] for k in params}, loss


class DynamicLossScaler:
    """Dynamic loss scaling for float16 training."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        if init_scale <= 0 or growth_factor <= 1 or not 0 < backoff_factor < 1 or growth_interval < 1:
            raise ValueError("bad scaler settings")
        self.scale = float(init_scale)
        self.growth_factor = float(growth_factor)
        self.backoff_factor = float(backoff_factor)
        self.growth_interval = int(growth_interval)
        self.good_steps = 0

    def unscale(self, grads):
        out, found = {}, False
        for k, g in grads.items():
            u = np.asarray(g).astype(np.float32) / np.float32(self.scale)
            out[k] = u.astype(np.float32)
            if not np.all(np.isfinite(np.asarray(g))):
                found = True
        return out, found

    def update(self, found_inf):
        if found_inf:
            self.scale *= self.backoff_factor
            self.good_steps = 0
        else:
            self.good_steps += 1
            if self.good_steps >= self.growth_interval:
                self.scale *= self.growth_factor
                self.good_steps = 0


def mixed_precision_step(params, x, y, scaled_grad_fn, scaler, lr):
    """One float16 step with dynamic loss scaling."""
    _, grads = scaled_grad_fn(params, x, y, scaler.scale)
    unscaled, found_inf = scaler.unscale(grads)
    scaler.update(found_inf)
    if found_inf:
        return dict(params), False
    return {k: params[k] - lr * unscaled[k] for k in params}, True
