"""Reference solution: data-parallel SGD, gradient accumulation and dynamic loss scaling."""
import numpy as np


def shard_indices(n, world_size):
    if world_size < 1 or n < world_size:
        raise ValueError(f"cannot split {n} rows over {world_size} workers (each needs at least one row)")
    base, extra = divmod(n, world_size)
    bounds = np.cumsum([0] + [base + (1 if r < extra else 0) for r in range(world_size)])
    return [np.arange(bounds[r], bounds[r + 1]) for r in range(world_size)]


def all_reduce_mean(worker_grads, counts=None):
    if len(worker_grads) == 0:
        raise ValueError("no worker gradients to reduce")
    keys = set(worker_grads[0])
    if any(set(g) != keys for g in worker_grads):
        raise ValueError("every worker must send gradients for the same parameters")
    if counts is None:
        counts = [1] * len(worker_grads)
    if len(counts) != len(worker_grads):
        raise ValueError(f"{len(counts)} counts for {len(worker_grads)} workers")
    if any(c < 1 for c in counts):
        raise ValueError("every count must be at least 1")
    total = float(sum(counts))
    return {key: sum(c * np.asarray(g[key], dtype=np.float64) for c, g in zip(counts, worker_grads)) / total
            for key in worker_grads[0]}


def accumulate_gradients(params, x, y, grad_fn, micro_batch_size):
    if micro_batch_size < 1:
        raise ValueError(f"micro_batch_size must be at least 1, got {micro_batch_size}")
    if len(x) == 0:
        raise ValueError("x has no rows")
    losses, grads, counts = [], [], []
    for start in range(0, len(x), micro_batch_size):
        loss, grad = grad_fn(params, x[start:start + micro_batch_size], y[start:start + micro_batch_size])
        losses.append(loss)
        grads.append(grad)
        counts.append(len(x[start:start + micro_batch_size]))
    loss = float(np.dot(counts, losses) / sum(counts))
    return loss, all_reduce_mean(grads, counts)


def data_parallel_step(params, x, y, grad_fn, world_size, lr, micro_batch_size=None):
    if micro_batch_size is not None and micro_batch_size < 1:
        raise ValueError(f"micro_batch_size must be at least 1, got {micro_batch_size}")
    shards = shard_indices(len(x), world_size)
    losses, grads = [], []
    for rows in shards:  # one simulated worker per shard, all starting from the same params
        if micro_batch_size is None:
            loss, grad = grad_fn(params, x[rows], y[rows])
        else:
            loss, grad = accumulate_gradients(params, x[rows], y[rows], grad_fn, micro_batch_size)
        losses.append(loss)
        grads.append(grad)
    counts = [len(rows) for rows in shards]
    grad = all_reduce_mean(grads, counts)  # weighted: uneven shards count by their rows
    loss = float(np.dot(counts, losses) / sum(counts))
    return {key: params[key] - lr * grad[key] for key in params}, loss


class DynamicLossScaler:
    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        if not init_scale > 0:
            raise ValueError(f"init_scale must be positive, got {init_scale}")
        if not growth_factor > 1:
            raise ValueError(f"growth_factor must be above 1, got {growth_factor}")
        if not 0 < backoff_factor < 1:
            raise ValueError(f"backoff_factor must be in (0, 1), got {backoff_factor}")
        if growth_interval < 1:
            raise ValueError(f"growth_interval must be at least 1, got {growth_interval}")
        self.scale = float(init_scale)
        self.growth_factor = float(growth_factor)
        self.backoff_factor = float(backoff_factor)
        self.growth_interval = int(growth_interval)
        self.good_steps = 0

    def unscale(self, grads):
        unscaled = {key: np.asarray(g).astype(np.float32) / np.float32(self.scale) for key, g in grads.items()}
        found_inf = any(not np.all(np.isfinite(g)) for g in unscaled.values())
        return unscaled, found_inf

    def update(self, found_inf):
        if found_inf:
            self.scale *= self.backoff_factor
            self.good_steps = 0
            return
        self.good_steps += 1
        if self.good_steps == self.growth_interval:
            self.scale *= self.growth_factor
            self.good_steps = 0


def mixed_precision_step(params, x, y, scaled_grad_fn, scaler, lr):
    _, scaled = scaled_grad_fn(params, x, y, scaler.scale)
    grads, found_inf = scaler.unscale(scaled)  # with the scale the gradients were computed with
    scaler.update(found_inf)
    if found_inf:
        return {key: np.array(value, copy=True) for key, value in params.items()}, False
    return {key: params[key] - lr * grads[key] for key in params}, True
