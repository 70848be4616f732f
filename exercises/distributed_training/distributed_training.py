"""Data-parallel SGD, gradient accumulation and dynamic loss scaling, simulated in numpy.

Run the visible tests with `python grade.py check distributed_training`.
Gradients come from the caller's grad_fn(params, x, y) -> (loss, grads): the MEAN loss over the
rows it is given and its gradient (a dict with the keys of params). The optimizer is plain SGD,
p - lr * g. Do not use torch, tensorflow, keras or jax.
"""
import numpy as np


def shard_indices(n, world_size):
    """The rows of each worker: a list of world_size integer arrays, contiguous blocks in rank order.

    The first n % world_size ranks get n // world_size + 1 rows, the others n // world_size
    (as np.array_split). Raises ValueError when world_size < 1 or n < world_size.
    """
    # TODO
    raise NotImplementedError("shard_indices")


def all_reduce_mean(worker_grads, counts=None):
    """Combine one gradient dict per worker into one dict with the same keys.

    counts=None: the element-wise mean over the workers. counts (one positive int per worker):
    the weighted mean sum_i counts[i] * worker_grads[i][key] / sum(counts).
    Raises ValueError for an empty list, differing keys, len(counts) != len(worker_grads),
    or a count below 1.
    """
    # TODO
    raise NotImplementedError("all_reduce_mean")


def accumulate_gradients(params, x, y, grad_fn, micro_batch_size):
    """(loss, grads) over all rows of x, from one grad_fn call per micro-batch.

    Micro-batches: consecutive blocks of micro_batch_size rows from row 0, the last one possibly
    shorter. The result equals grad_fn(params, x, y) up to rounding: weight each micro-batch by
    its number of rows. Raises ValueError (before any call) for micro_batch_size < 1 or no rows.
    """
    # TODO
    raise NotImplementedError("accumulate_gradients")


def data_parallel_step(params, x, y, grad_fn, world_size, lr, micro_batch_size=None):
    """One simulated data-parallel SGD step: returns (new_params, loss).

    Worker r takes the rows shard_indices(len(x), world_size)[r] and computes its shard's mean
    loss and gradient (one grad_fn call, or accumulate_gradients when micro_batch_size is given),
    every call with params as given. Combine the gradients weighted by shard size and return a
    new dict {k: params[k] - lr * g[k]} and the mean loss over all rows.
    """
    # TODO
    raise NotImplementedError("data_parallel_step")


class DynamicLossScaler:
    """Dynamic loss scaling for float16 training (as PyTorch's GradScaler).

    Attributes: scale (float, init_scale at first) and good_steps (int, 0 at first).
    Raises ValueError for init_scale <= 0, growth_factor <= 1, backoff_factor outside (0, 1),
    or growth_interval < 1.
    """

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        # TODO
        raise NotImplementedError("DynamicLossScaler")

    def unscale(self, grads):
        """(unscaled, found_inf): float32 arrays g / scale (never divided in float16), and True when
        any entry of any gradient is inf or nan. Changes neither scale nor good_steps."""
        # TODO
        raise NotImplementedError("DynamicLossScaler.unscale")

    def update(self, found_inf):
        """Overflow: scale *= backoff_factor and good_steps = 0. Otherwise good_steps += 1, and when
        it reaches growth_interval: scale *= growth_factor and good_steps = 0."""
        # TODO
        raise NotImplementedError("DynamicLossScaler.update")


def mixed_precision_step(params, x, y, scaled_grad_fn, scaler, lr):
    """One float16 step with loss scaling: returns (new_params, stepped).

    Calls scaled_grad_fn(params, x, y, scaler.scale) once -> (loss, float16 gradients of
    scale * loss); unscales them with that scale, then scaler.update(found_inf). On an overflow
    the parameters are returned unchanged and stepped is False; otherwise
    {k: params[k] - lr * unscaled[k]} and True.
    """
    # TODO
    raise NotImplementedError("mixed_precision_step")
