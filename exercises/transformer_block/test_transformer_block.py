"""Visible tests for transformer_block: `python grade.py check transformer_block`."""
import numpy as np

from graders.asserts import assert_allclose, assert_shape, call_repr


def block_params(rng, d, f):
    p = {name: 0.3 * rng.normal(size=(d, d)) for name in ("wq", "wk", "wv", "wo")}
    p.update({name: 0.1 * rng.normal(size=d) for name in ("bq", "bk", "bv", "bo", "ln1_beta", "ln2_beta", "b2")})
    p.update(ln1_gamma=1 + 0.1 * rng.normal(size=d), ln2_gamma=1 + 0.1 * rng.normal(size=d),
             w1=0.3 * rng.normal(size=(d, f)), b1=0.1 * rng.normal(size=f), w2=0.3 * rng.normal(size=(f, d)))
    return p


def test_layer_norm_small_example(learner):
    x = np.array([[1.0, 2.0, 3.0, 4.0]])
    expected = (x - 2.5) / np.sqrt(1.25 + 1e-5)  # mean 2.5, biased variance 1.25
    assert_allclose(learner.layer_norm(x, np.ones(4), np.zeros(4)), expected,
                    call_repr("layer_norm", x, np.ones(4), np.zeros(4)))
    gamma, beta = np.array([2.0, 2.0, 2.0, 2.0]), np.array([0.0, 1.0, 0.0, 1.0])
    assert_allclose(learner.layer_norm(x, gamma, beta), 2 * expected + beta, call_repr("layer_norm", x, gamma, beta))


def test_rms_norm_small_example(learner):
    x = np.array([[1.0, 2.0, 3.0, 4.0]])
    expected = x / np.sqrt(7.5 + 1e-6)  # mean of squares 7.5, nothing subtracted
    assert_allclose(learner.rms_norm(x, np.ones(4)), expected, call_repr("rms_norm", x, np.ones(4)))


def test_layer_norm_backward_by_finite_differences(learner):
    rng = np.random.default_rng(0)
    x, gamma, beta, dy = rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=5), rng.normal(size=(3, 5))
    dx, dgamma, dbeta = learner.layer_norm_backward(dy, x, gamma)
    h, numeric = 1e-6, np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = np.sum(dy * (learner.layer_norm(up, gamma, beta) - learner.layer_norm(down, gamma, beta))) / (2 * h)
    call = call_repr("layer_norm_backward", dy, x, gamma)
    assert_allclose(dx, numeric, call + ", dx", rtol=1e-5, atol=1e-7)
    assert_allclose(dbeta, dy.sum(axis=0), call + ", dbeta")


def test_sinusoidal_positions_small(learner):
    expected = np.array([[0.0, 1.0, 0.0, 1.0], [np.sin(1), np.cos(1), np.sin(0.01), np.cos(0.01)]])
    assert_allclose(learner.sinusoidal_positions(2, 4), expected, "sinusoidal_positions(2, 4)", atol=1e-12)


def test_rope_rotates_pairs(learner):
    x = np.array([[1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0]])
    got = learner.rope(x)
    expected = np.array([[1.0, 0.0, 1.0, 0.0], [np.cos(1), np.sin(1), np.cos(0.01), np.sin(0.01)]])
    assert_allclose(got, expected, call_repr("rope", x) + " (position 1: pair 0 by 1 rad, pair 1 by 0.01 rad)",
                    atol=1e-12)


def test_attention_first_position_sees_only_itself(learner):
    rng = np.random.default_rng(1)
    x, p = rng.normal(size=(2, 4, 8)), block_params(rng, 8, 16)
    out = assert_shape(learner.causal_self_attention(x, p, 2), (2, 4, 8), call_repr("causal_self_attention", x, p, 2))
    expected = (x[:, 0] @ p["wv"] + p["bv"]) @ p["wo"] + p["bo"]  # one key: its weight is 1
    assert_allclose(out[:, 0], expected, "causal_self_attention(x, params, 2)[:, 0]", rtol=1e-9)


def test_block_with_zero_sublayers_is_identity(learner):
    rng = np.random.default_rng(2)
    x, p = rng.normal(size=(1, 3, 8)), block_params(rng, 8, 16)
    for name in ("wo", "bo", "w2", "b2"):
        p[name] = np.zeros_like(p[name])
    assert_allclose(learner.decoder_block(x, p, 2), x, "decoder_block(x, params with wo = bo = w2 = b2 = 0, 2)",
                    rtol=1e-12, atol=1e-12)


def test_decoder_shape(learner):
    rng = np.random.default_rng(3)
    params = {"embedding": rng.normal(size=(11, 8)), "blocks": [block_params(rng, 8, 16)],
              "lnf_gamma": np.ones(8), "lnf_beta": np.zeros(8)}
    tokens = np.array([[1, 2, 3], [4, 5, 6]])
    assert_shape(learner.decoder(tokens, params, 2), (2, 3, 11), call_repr("decoder", tokens, params, 2))
