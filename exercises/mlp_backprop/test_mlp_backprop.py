"""Visible tests for mlp_backprop: `python grade.py check mlp_backprop`."""
import numpy as np

from graders.asserts import assert_allclose, assert_shape, call_repr, centred_difference


def _loss(probs, y):
    return -np.mean(np.log(probs[np.arange(len(y)), y]))


def test_init_params_shapes(learner):
    params = learner.init_params([3, 5, 2], seed=0)
    call = call_repr("init_params", [3, 5, 2], seed=0)
    assert sorted(params) == ["W1", "W2", "b1", "b2"], f"called {call}; got keys {sorted(params)}, expected W1, b1, W2, b2"
    for key, shape in {"W1": (3, 5), "b1": (5,), "W2": (5, 2), "b2": (2,)}.items():
        assert_shape(params[key], shape, f"{call}[{key!r}]")


def test_forward_probabilities(learner):
    params = learner.init_params([3, 5, 2], seed=0)
    X = np.random.default_rng(1).normal(size=(4, 3))
    call = call_repr("forward", X) + " with layer sizes [3, 5, 2]"
    probs, _ = learner.forward(params, X)
    probs = assert_shape(probs, (4, 2), call + " probs")
    assert_allclose(probs.sum(axis=1), np.ones(4), call + " probs summed over classes", atol=1e-9)


def test_gradients_match_centred_difference(learner):
    rng = np.random.default_rng(2)
    sizes = [3, 4, 2]
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4) * 0.1,
              "W2": rng.normal(size=(4, 2)), "b2": rng.normal(size=2) * 0.1}
    X, y = rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    _, cache = learner.forward(params, X)
    grads = learner.backward(params, cache, y)
    for key in params:
        def loss_of(value, key=key):
            return _loss(learner.forward({**params, key: value}, X)[0], y)
        numeric = centred_difference(loss_of, params[key])
        assert_allclose(grads[key], numeric, call_repr("backward", y) + f"[{key!r}] with layer sizes {sizes}",
                        rtol=1e-5, atol=1e-8)


def test_train_lowers_the_loss_on_two_blobs(learner):
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(-2.0, 1.0, size=(20, 2)), rng.normal(2.0, 1.0, size=(20, 2))])
    y = np.repeat([0, 1], 20)
    before = _loss(learner.forward(learner.init_params([2, 8, 2], 0), X)[0], y)
    params = learner.train(X, y, 8, 50, 0.5, 0)
    after = _loss(learner.forward(params, X)[0], y)
    assert after < 0.5 * before, (
        f"called {call_repr('train', X, y, 8, 50, 0.5, 0)}; the mean cross-entropy went from {before:.3f} "
        f"to {after:.3f}, expected it to fall below half")
