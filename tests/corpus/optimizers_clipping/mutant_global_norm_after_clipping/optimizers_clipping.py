"""MUTANT (global_norm_after_clipping) of the reference solution: gradient clipping, SGD with momentum and Adam (Keras conventions)."""
import numpy as np


def _check_c(c):
    if not c > 0:
        raise ValueError(f"the clipping threshold must be > 0, got {c!r}")


def clip_by_value(g, c):
    _check_c(c)
    return np.clip(np.asarray(g, dtype=float), -c, c)


def clip_by_norm(g, c):
    _check_c(c)
    g = np.asarray(g, dtype=float)
    norm = np.sqrt(np.sum(g * g))
    if norm <= c:
        return g.copy()
    return g * (c / norm)  # one factor for the whole tensor: the direction is kept


def clip_by_global_norm(grads, c):
    _check_c(c)
    grads = [np.asarray(g, dtype=float) for g in grads]
    global_norm = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    scale = c / max(global_norm, c)  # one factor shared by every tensor
    return [g * scale for g in grads], min(global_norm, c)


def sgd_momentum_step(w, g, v, lr, momentum):
    w, g, v = (np.asarray(a, dtype=float) for a in (w, g, v))
    v_new = momentum * v - lr * g  # Keras: the velocity already points downhill
    return w + v_new, v_new


def adam_step(w, g, m, v, t, lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    if t < 1:
        raise ValueError(f"t counts steps from 1 (the first update uses t=1), got t={t}")
    w, g, m, v = (np.asarray(a, dtype=float) for a in (w, g, m, v))
    m_new = b1 * m + (1.0 - b1) * g
    v_new = b2 * v + (1.0 - b2) * g * g
    # bias correction folded into the step size, eps added to sqrt(v) (keras.optimizers.Adam)
    step = lr * np.sqrt(1.0 - b2**t) / (1.0 - b1**t)
    return w - step * m_new / (np.sqrt(v_new) + eps), m_new, v_new
