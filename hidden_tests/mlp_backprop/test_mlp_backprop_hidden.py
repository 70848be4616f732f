"""Hidden tests for mlp_backprop.

Wrong answers this suite is built to catch (one line each):
- gradients missing the 1/N of the mean loss (off by a factor N)
- wrong ReLU derivative (no mask, or the mask of the wrong layer)
- bias gradients summed over the wrong axis or missing
- forward not matching the reference (wrong layer order, activation on the output layer)
- softmax without the max-shift: inf/nan for large logits
- bad init scale: loss at init far from ln C (e.g. N(0, 1) weights or He on the output layer)
- hidden weights not He-scaled, biases not starting at 0, init_params ignoring the seed
- train not starting from init_params(seed), using the wrong sign or step, or not updating the biases
- train that does not learn: a 2-class spiral must reach >= 95% train accuracy (measured by the judge)
- a cache that is not data (objects other than numpy arrays); float32 parameters
- init_params drawing from numpy's global RNG (np.random.seed(seed)) instead of default_rng(seed)
- train with C = number of distinct labels instead of max(y) + 1

Points: learning the spiral (2 x 15) and the step-by-step checks of train (3 + 2) carry 35 of the
hidden suite's 49.5 points. A train that takes no step keeps 14.5/49.5 (29%) of the hidden points and
17.5/53.5 (33%) with the visible tests; one that never updates the biases 18.5/53.5 (35%); zero
initial weights 19.5/53.5 (36%) - although forward and backward are right in all three.

Convergence sweep (reference, hidden=[32, 32], epochs=500, lr=0.5, 2-class spiral with 100 points per
class, data seed 1000 + s, training seed s, s = 0..9):
train accuracy 1.000, 1.000, 1.000, 0.995, 0.995, 1.000, 0.995, 1.000, 1.000, 1.000;
min 0.995, threshold 0.95, margin 0.045. `dev sweep mlp_backprop --seeds 10` (a convergence test since
the contract pass; the test trains with seeds train_seed and train_seed + 3): min 0.995 and 0.990, 10/10
seeds each, worst margin +0.04. Untrained weights score about 0.5; biases never updated
(the net is then positively homogeneous and cannot separate the arms) and zero weights fail too.
"""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_finite, call_repr, centred_difference

SPIRAL_THRESHOLD = 0.95
GRAD_REL_TOL = 1e-6


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Tiny matrices: BLAS threads only add contention on a shared 2-core grader (local mode)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _loss(probs, y):
    return float(-np.mean(np.log(probs[np.arange(len(y)), y])))


def _random_params(sizes, seed, scale=0.7):
    rng = np.random.default_rng(seed)
    params = {}
    for layer in range(1, len(sizes)):
        params[f"W{layer}"] = rng.normal(scale=scale, size=(sizes[layer - 1], sizes[layer]))
        params[f"b{layer}"] = rng.normal(scale=0.3, size=sizes[layer])
    return params


def _problem(sizes, n, seed):
    rng = np.random.default_rng(seed + 50)
    X = rng.normal(size=(n, sizes[0]))
    y = rng.integers(sizes[-1], size=n)
    y[: sizes[-1]] = np.arange(sizes[-1])
    return _random_params(sizes, seed), X, y


def _check_keys(got, params, call):
    assert isinstance(got, dict) and sorted(got) == sorted(params), (
        f"called {call}; got keys {sorted(got) if isinstance(got, dict) else type(got).__name__}, "
        f"expected {sorted(params)}")


def _spiral(n_per_class, seed, turns=1.5, noise=0.03):
    rng = np.random.default_rng(seed)
    X, y = [], []
    for c in range(2):
        t = np.sqrt(rng.uniform(0.0, 1.0, n_per_class)) * 0.95 + 0.05
        theta = 2 * np.pi * turns * t + c * np.pi
        X.append(np.c_[t * np.cos(theta), t * np.sin(theta)] + rng.normal(scale=noise, size=(n_per_class, 2)))
        y.append(np.full(n_per_class, c))
    return np.vstack(X), np.concatenate(y)


# ---------------------------------------------------------------------------- forward

@pytest.mark.clause("C1", probes="forward with the wrong layer order or an activation on the output layer",
                    topic="model architecture")
@pytest.mark.parametrize("sizes", [[3, 5, 2], [4, 6, 5, 3], [10, 8, 8, 8, 4]])
def test_forward_matches_reference(learner, reference, sizes):
    params, X, _ = _problem(sizes, 7, seed=len(sizes))
    call = call_repr("forward", X) + f" with layer sizes {sizes}"
    probs, _ = learner.forward(params, X)
    assert_allclose(probs, reference.forward(params, X)[0], call + " probs", rtol=1e-9, atol=1e-12,
                    why="ReLU after every hidden affine layer, softmax after the last one", show_expected=False)


@pytest.mark.clause("C2", probes="softmax without the max shift overflowing for large logits",
                    topic="numerical stability")
def test_forward_large_logits_stay_finite(learner):
    sizes = [3, 4, 3]
    params, X, _ = _problem(sizes, 6, seed=9)
    params["W2"] = params["W2"] * 1e4
    probs, _ = learner.forward(params, X)
    probs = assert_finite(probs, call_repr("forward", X) + " with logits near 1e4",
                          "exp of a large logit overflows; shift the logits by their row maximum first")
    assert_allclose(probs.sum(axis=1), np.ones(6), call_repr("forward", X) + " probs summed over classes", atol=1e-9)


@pytest.mark.clause("C3", probes="a cache holding objects other than numpy arrays", topic="api contract")
@pytest.mark.points(0.5)
def test_forward_cache_is_data(learner):
    sizes = [3, 5, 4, 2]
    params, X, _ = _problem(sizes, 5, seed=21)
    _, cache = learner.forward(params, X)
    call = call_repr("forward", X) + f" with layer sizes {sizes}"
    values = list(cache.values()) if isinstance(cache, dict) else cache
    assert isinstance(values, (list, tuple)), (
        f"called {call}; the cache is a {type(cache).__name__}, expected a dict or a list of numpy arrays")
    for index, value in enumerate(values):
        assert isinstance(value, np.ndarray), (
            f"called {call}; cache entry {index} is a {type(value).__name__}, expected a numpy array - the cache "
            f"must be data (the grader may send it between processes)")


# ---------------------------------------------------------------------------- backward

def _rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


@pytest.mark.clause("C4", probes="gradients missing the 1/N, a wrong ReLU derivative or bias gradient",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
@pytest.mark.parametrize("sizes", [[3, 5, 4], [4, 6, 5, 3]])
def test_gradients_match_centred_difference(learner, reference, sizes):
    params, X, y = _problem(sizes, 8, seed=sum(sizes))
    _, cache = learner.forward(params, X)
    grads = learner.backward(params, cache, y)
    call = call_repr("backward", y) + f" with layer sizes {sizes}"
    _check_keys(grads, params, call)
    for key in params:
        numeric = centred_difference(lambda value, key=key: _loss(reference.forward({**params, key: value}, X)[0], y),
                                     params[key])
        got = np.asarray(grads[key])
        assert got.shape == numeric.shape, f"called {call}; grads[{key!r}] has shape {got.shape}, expected {numeric.shape}"
        error = _rel_error(got, numeric)
        assert error < GRAD_REL_TOL, (
            f"called {call}; grads[{key!r}] is off from a centred difference by relative error {error:.2g} "
            f"(limit {GRAD_REL_TOL:g}) - check the 1/N of the mean loss and the ReLU derivative")


@pytest.mark.clause("C4", probes="gradients on a larger batch with three layers", topic="gradients and backpropagation")
def test_gradients_match_reference_on_a_batch(learner, reference):
    sizes = [6, 16, 12, 5]
    params, X, y = _problem(sizes, 64, seed=3)
    _, cache = learner.forward(params, X)
    grads = learner.backward(params, cache, y)
    expected = reference.backward(params, reference.forward(params, X)[1], y)
    call = call_repr("backward", y) + f" with layer sizes {sizes}"
    _check_keys(grads, params, call)
    for key in params:
        assert_allclose(grads[key], expected[key], f"{call}[{key!r}]", rtol=1e-7, atol=1e-10, show_expected=False)


# ---------------------------------------------------------------------------- init

@pytest.mark.clause("C8", "C5", probes="output-layer weights too large at initialisation",
                    topic="training and convergence")
@pytest.mark.points(0.5)
@pytest.mark.parametrize("sizes", [[20, 64, 3], [20, 64, 64, 10]])
def test_loss_at_init_is_ln_c(learner, reference, sizes):
    X = np.random.default_rng(4).normal(size=(500, sizes[0]))
    y = np.random.default_rng(5).integers(sizes[-1], size=500)
    params = learner.init_params(sizes, 0)
    call = call_repr("init_params", sizes, 0)
    _check_keys(params, reference.init_params(sizes, 0), call)
    loss = _loss(reference.forward(params, X)[0], y)
    ln_c = np.log(sizes[-1])
    assert abs(loss - ln_c) < 0.05 * ln_c, (
        f"called {call}; the mean cross-entropy at initialisation is {loss:.3f} on standardised inputs, "
        f"expected about ln C = {ln_c:.3f} - the output layer's initial weights are too large")


@pytest.mark.clause("C7", "C6", probes="hidden weights not He-scaled, biases not zero, seed ignored",
                    topic="training and convergence")
@pytest.mark.points(2)
def test_init_scale_biases_and_seed(learner):
    sizes = [400, 300, 200, 10]
    call = call_repr("init_params", sizes, 1)
    params = learner.init_params(sizes, 1)
    for layer in (1, 2):
        std = float(np.std(params[f"W{layer}"]))
        he = np.sqrt(2.0 / sizes[layer - 1])
        assert abs(std - he) < 0.1 * he, (
            f"called {call}; W{layer} has standard deviation {std:.4f}, expected He scaling sqrt(2 / fan_in) = {he:.4f}")
    for layer in (1, 2, 3):
        assert_allclose(params[f"b{layer}"], np.zeros(sizes[layer]), f"{call}['b{layer}']", why="biases start at 0")
    again = learner.init_params(sizes, 1)
    other = learner.init_params(sizes, 2)
    assert np.array_equal(np.asarray(again["W1"]), np.asarray(params["W1"])), (
        f"called {call} twice; got different weights - draw them from np.random.default_rng(seed)")
    assert not np.array_equal(np.asarray(other["W1"]), np.asarray(params["W1"])), (
        f"called {call} and with seed 2; got the same weights - the seed is ignored")


@pytest.mark.clause("C5", probes="parameters of the wrong shape or not float64", topic="api contract")
@pytest.mark.points(0.5)
@pytest.mark.parametrize("sizes", [[2, 32, 32, 2], [5, 3, 7, 4, 6]])
def test_init_params_shapes_and_float64(learner, sizes):
    call = call_repr("init_params", sizes, 0)
    params = learner.init_params(sizes, 0)
    expected = {}
    for layer in range(1, len(sizes)):
        expected[f"W{layer}"], expected[f"b{layer}"] = (sizes[layer - 1], sizes[layer]), (sizes[layer],)
    _check_keys(params, expected, call)
    for key, shape in expected.items():
        value = np.asarray(params[key])
        assert value.shape == shape, f"called {call}; params[{key!r}] has shape {value.shape}, expected {shape}"
        assert value.dtype == np.float64, f"called {call}; params[{key!r}] has dtype {value.dtype}, expected float64"


@pytest.mark.clause("C6", probes="weights drawn from numpy's global RNG or another generator than default_rng(seed)",
                    topic="randomness and reproducibility")
def test_init_params_draws_from_default_rng(learner):
    sizes, seed = [6, 5, 4, 3], 17
    call = call_repr("init_params", sizes, seed)
    params = learner.init_params(sizes, seed)
    rng = np.random.default_rng(seed)
    for layer in range(1, len(sizes)):
        scale = np.sqrt(2.0 / sizes[layer - 1]) if layer < len(sizes) - 1 else 0.01
        draws = rng.standard_normal(sizes[layer - 1] * sizes[layer])
        got = np.asarray(params[f"W{layer}"], dtype=float).ravel() / scale
        assert got.shape == draws.shape and np.allclose(np.sort(got), np.sort(draws), rtol=1e-9, atol=1e-12), (
            f"called {call}; W{layer} is not drawn from np.random.default_rng(seed) - use one generator "
            f"created from the seed, drawing the layers' weights in order from the first")


# ---------------------------------------------------------------------------- train

@pytest.mark.clause("C10", "C9", probes="a training step that skips the biases, has the wrong sign or step, or another start",
                    topic="optimization")
@pytest.mark.points(3)
def test_train_takes_gradient_steps_on_every_tensor(learner, reference):
    X, y = _spiral(20, seed=77)
    hidden, lr, seed = 8, 0.3, 4
    params = learner.init_params([2, hidden, 2], seed)
    for _ in range(2):  # two full-batch steps computed by the judge
        grads = reference.backward(params, reference.forward(params, X)[1], y)
        params = {key: np.asarray(value) - lr * grads[key] for key, value in params.items()}
    call = call_repr("train", X, y, hidden, 2, lr, seed)
    got = learner.train(X, y, hidden, 2, lr, seed)
    _check_keys(got, params, call)
    for key in params:
        assert_allclose(got[key], params[key], f"{call}[{key!r}]", rtol=1e-7, atol=1e-10,
                        why="each epoch is one full-batch step params -= lr * grads, on weights AND biases, "
                            "starting from init_params([d, *hidden, C], seed)", show_expected=False)


@pytest.mark.clause("C9", "C10", probes="a list of hidden sizes, or C taken as the number of distinct labels",
                    topic="model architecture")
@pytest.mark.points(2)
def test_train_with_hidden_list_and_classes_from_max_label(learner, reference):
    X, y = _spiral(12, seed=78)
    y = np.where(y == 1, 2, 0)  # labels 0 and 2 only: C = max(y) + 1 = 3
    hidden, lr, seed = [6, 5], 0.2, 9
    params = learner.init_params([2, *hidden, 3], seed)
    for _ in range(3):
        grads = reference.backward(params, reference.forward(params, X)[1], y)
        params = {key: np.asarray(value) - lr * grads[key] for key, value in params.items()}
    call = call_repr("train", X, y, hidden, 3, lr, seed)
    got = learner.train(X, y, hidden, 3, lr, seed)
    _check_keys(got, params, call)
    for key in params:
        assert_allclose(got[key], params[key], f"{call}[{key!r}]", rtol=1e-7, atol=1e-10,
                        why="hidden may be a list of sizes; C = max(y) + 1 (a class may have no sample); each "
                            "epoch is one full-batch step from init_params([d, *hidden, C], seed)",
                        show_expected=False)


@pytest.mark.clause("C11", probes="a network that does not learn the spiral", topic="training and convergence")
@pytest.mark.convergence
@pytest.mark.points(15)
@pytest.mark.parametrize("offset", [0, 3])
def test_train_learns_a_spiral(learner, reference, train_seed, record_metric, offset):
    seed = train_seed + offset
    X, y = _spiral(100, seed=1000 + seed)
    call = call_repr("train", X, y, [32, 32], 500, 0.5, seed)
    params = learner.train(X, y, [32, 32], 500, 0.5, seed)
    _check_keys(params, reference.init_params([2, 32, 32, 2], 0), call)
    probs = assert_finite(reference.forward(params, X)[0], call + " then forward", "training diverged")
    accuracy = float(np.mean(probs.argmax(axis=1) == y))
    record_metric("spiral_train_accuracy", accuracy, SPIRAL_THRESHOLD)
    assert accuracy >= SPIRAL_THRESHOLD, (
        f"called {call}; the judge measured {accuracy:.3f} train accuracy with the returned params, "
        f"expected at least {SPIRAL_THRESHOLD}")
