"""Hidden tests for transformer_block: LayerNorm and RMSNorm (forward, backward), sinusoidal positions,
RoPE, causal multi-head self-attention, the pre-LN decoder block and a small decoder.

Expected values come from the reference on random cases, from formulas the judge computes its own way
(RoPE as a complex rotation, positions from their definition), from centred finite differences, and
from Keras: `keras.layers.LayerNormalization`, `RMSNormalization`, `MultiHeadAttention` and `Dense` with
random weights, and TensorFlow's gradients of LayerNormalization. Keras is imported once, lazily, in the
module fixture `keras_expected`.

Wrong answers this suite is built to catch:
- LayerNorm over the wrong axis (the batch/sequence instead of the features)
- LayerNorm with the unbiased variance (ddof=1)
- eps outside the square root: (x - mean) / (std + eps), in LayerNorm or RMSNorm
- LayerNorm backward that treats the mean and the variance as constants (dx = dy * gamma / std)
- LayerNorm backward with dgamma from the output y instead of the normalised x
- RMSNorm that subtracts the mean; RMSNorm backward missing the term through the rms
- sinusoidal positions in two halves (all sines, then all cosines) instead of interleaved
- sinusoidal frequencies indexed by the column instead of the pair (10000**(j/d) for column j)
- sinusoidal_positions or rope accepting an odd dimension
- RoPE rotating the pairs (i, i + D/2) ("rotate half") instead of (2i, 2i+1)
- RoPE positions starting at 1; RoPE modifying its input in place
- RoPE applied to the values as well as the queries and keys
- RoPE applied to the whole D-wide projection before the head split (frequencies from D, not Dh)
- attention scores scaled by sqrt(D) instead of sqrt(Dh)
- causal mask hiding the diagonal (nan at position 0) or showing the next position
- heads split by a bare reshape (positions and heads scrambled)
- softmax without the max shift (overflow for scores near 1e4)
- attention accepting D not divisible by n_heads
- post-LN block (LN after the residual sum); a residual connection missing (attention or MLP)
- the second LayerNorm using the first one's gamma/beta
- exact (erf) GELU or ReLU instead of the tanh GELU
- sinusoidal positions added after the first block instead of to the input
- embeddings scaled by sqrt(D); final LayerNorm missing; sinusoidal positions added in "rope" mode
- decoder accepting an unknown positions mode
"""
import math

import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, assert_shape, call_repr, expect_raises

B, T, D, HEADS, F = 2, 6, 12, 3, 20
LN_SHAPES = [(8,), (5, 8), (2, 4, 8), (3, 2, 4, 6)]
TOL = {"rtol": 1e-7, "atol": 1e-9}


def block_params(rng, d=D, f=F, scale=0.3):
    p = {name: scale * rng.normal(size=(d, d)) for name in ("wq", "wk", "wv", "wo")}
    p.update({name: 0.1 * rng.normal(size=d) for name in ("bq", "bk", "bv", "bo", "ln1_beta", "ln2_beta", "b2")})
    p.update(ln1_gamma=1 + 0.2 * rng.normal(size=d), ln2_gamma=1 + 0.2 * rng.normal(size=d),
             w1=scale * rng.normal(size=(d, f)), b1=0.1 * rng.normal(size=f), w2=scale * rng.normal(size=(f, d)))
    return p


def decoder_params(rng, vocab=17, d=D, layers=2):
    return {"embedding": rng.normal(size=(vocab, d)), "blocks": [block_params(rng, d) for _ in range(layers)],
            "lnf_gamma": 1 + 0.2 * rng.normal(size=d), "lnf_beta": 0.1 * rng.normal(size=d)}


def copy_params(p):
    if isinstance(p, dict):
        return {k: copy_params(v) for k, v in p.items()}
    if isinstance(p, list):
        return [copy_params(v) for v in p]
    return p.copy() if isinstance(p, np.ndarray) else p


def gelu_tanh(z):
    return 0.5 * z * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (z + 0.044715 * z ** 3)))


def ln_formula(x, gamma, beta, eps):
    mean = x.mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(((x - mean) ** 2).mean(axis=-1, keepdims=True) + eps) * gamma + beta


def rope_complex(x, positions, base=10000.0):
    """RoPE as a complex multiplication: pair i is the number x[2i] + 1j * x[2i+1]."""
    d = x.shape[-1]
    z = x[..., 0::2] + 1j * x[..., 1::2]
    z = z * np.exp(1j * np.asarray(positions)[:, None] * base ** (-np.arange(d // 2) * 2.0 / d))
    return np.stack([z.real, z.imag], axis=-1).reshape(x.shape)


def reference_positions(t, d):
    p, i = np.arange(t)[:, None], np.arange(d // 2)[None, :]
    pe = np.zeros((t, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(p / 10000.0 ** (2 * i / d)), np.cos(p / 10000.0 ** (2 * i / d))
    return pe


def numeric_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (f(up) - f(down)) / (2 * h)
    return grad


@pytest.fixture(scope="module")
def keras_expected():
    """Keras layers with random float64 weights, their outputs, and TensorFlow's LayerNorm gradients."""
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(100)
    out = {}
    # LayerNormalization / RMSNormalization with epsilon 1e-3 on inputs of small variance (eps matters)
    x = 0.05 * rng.normal(size=(B, T, D)) + 0.3
    gamma, beta = 1 + 0.2 * rng.normal(size=D), 0.1 * rng.normal(size=D)
    ln = keras.layers.LayerNormalization(epsilon=1e-3, dtype="float64")
    ln.build(x.shape)
    ln.gamma.assign(gamma)
    ln.beta.assign(beta)
    rms = keras.layers.RMSNormalization(epsilon=1e-3, dtype="float64")
    rms.build(x.shape)
    rms.scale.assign(gamma)
    dy = rng.normal(size=x.shape)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(ln(xt) * dy)
    grads = tape.gradient(loss, [xt, ln.gamma, ln.beta])
    out["norm"] = {"x": x, "gamma": gamma, "beta": beta, "dy": dy, "ln": ln(x).numpy(), "rms": rms(x).numpy(),
                   "ln_grads": [g.numpy() for g in grads]}

    # a pre-LN decoder block from Keras layers (all biases random, not Keras' zeros)
    x = rng.normal(size=(B, T, D))
    ln1 = keras.layers.LayerNormalization(epsilon=1e-5, dtype="float64")
    ln2 = keras.layers.LayerNormalization(epsilon=1e-5, dtype="float64")
    mha = keras.layers.MultiHeadAttention(num_heads=HEADS, key_dim=D // HEADS, dtype="float64")
    dense1, dense2 = keras.layers.Dense(F, dtype="float64"), keras.layers.Dense(D, dtype="float64")
    for layer in (ln1, ln2):
        layer.build(x.shape)
        layer.gamma.assign(1 + 0.2 * rng.normal(size=D))
        layer.beta.assign(0.1 * rng.normal(size=D))
    z = ln1(x)
    mha(z, z)  # builds the projections
    for variable in mha.weights:
        variable.assign(0.3 * rng.normal(size=tuple(variable.shape)))
    dense1.build((None, D))
    dense2.build((None, F))
    for variable in dense1.weights + dense2.weights:
        variable.assign(0.3 * rng.normal(size=tuple(variable.shape)))
    attention = mha(z, z, use_causal_mask=True).numpy()
    h = x + attention
    y = h + dense2(keras.activations.gelu(dense1(ln2(h)), approximate=True)).numpy()
    params = {"ln1_gamma": ln1.gamma.numpy(), "ln1_beta": ln1.beta.numpy(), "ln2_gamma": ln2.gamma.numpy(),
              "ln2_beta": ln2.beta.numpy(), "w1": dense1.kernel.numpy(), "b1": dense1.bias.numpy(),
              "w2": dense2.kernel.numpy(), "b2": dense2.bias.numpy(),
              "wo": mha.output_dense.kernel.numpy().reshape(D, D), "bo": mha.output_dense.bias.numpy()}
    for name, dense in (("q", mha.query_dense), ("k", mha.key_dense), ("v", mha.value_dense)):
        params["w" + name] = dense.kernel.numpy().reshape(D, D)  # (D, heads, Dh): heads in column blocks
        params["b" + name] = dense.bias.numpy().reshape(D)
    out["block"] = {"x": x, "z": z.numpy(), "params": params, "attention": attention, "y": y}
    return out


# ----------------------------------------------------------------------------- LayerNorm


@pytest.mark.clause("C1", probes="LayerNorm over the wrong axis, unbiased variance, any number of leading axes",
                    topic="attention and transformers")
@pytest.mark.points(2)
@pytest.mark.parametrize("index", range(len(LN_SHAPES)))
def test_layer_norm_matches_reference(learner, reference, index):
    rng = np.random.default_rng(index)
    shape = LN_SHAPES[index]
    x = 2.0 * rng.normal(size=shape) + 1.0
    gamma, beta = rng.normal(size=shape[-1]), rng.normal(size=shape[-1])
    for eps in (1e-5, 1e-2):
        call = call_repr("layer_norm", x, gamma, beta, eps=eps)
        assert_allclose(learner.layer_norm(x, gamma, beta, eps=eps), reference.layer_norm(x, gamma, beta, eps),
                        call, show_expected=False, **TOL,
                        why="normalise each vector over its last axis (the features), biased variance")


@pytest.mark.clause("C1", probes="LayerNorm statistics: mean 0 and biased variance over the features",
                    topic="attention and transformers")
def test_layer_norm_rows_have_zero_mean_and_unit_variance(learner):
    x = np.random.default_rng(5).normal(size=(3, 4, 6)) * 3.0 + 2.0
    y = assert_shape(learner.layer_norm(x, np.ones(6), np.zeros(6), eps=0.0), x.shape,
                     call_repr("layer_norm", x, np.ones(6), np.zeros(6), eps=0.0))
    call = call_repr("layer_norm", x, np.ones(6), np.zeros(6), eps=0.0)
    assert_allclose(y.mean(axis=-1), np.zeros((3, 4)), call + ", mean over the last axis", atol=1e-12,
                    why="each vector is centred over its own features (the last axis)")
    assert_allclose(y.var(axis=-1), np.ones((3, 4)), call + ", variance (divide by D) over the last axis",
                    rtol=1e-9, why="LayerNorm divides by the biased standard deviation (np.var with ddof=0)")


@pytest.mark.clause("C1", probes="eps added outside the square root", topic="numerical stability")
def test_layer_norm_eps_inside_the_square_root(learner):
    rng = np.random.default_rng(6)
    x = 1e-3 * rng.normal(size=(4, 8))  # variance about 1e-6, comparable to eps
    gamma, beta = np.ones(8), np.zeros(8)
    for eps in (1e-5, 1e-6):
        assert_allclose(learner.layer_norm(x, gamma, beta, eps=eps), ln_formula(x, gamma, beta, eps),
                        call_repr("layer_norm", x, gamma, beta, eps=eps) + " on rows of variance about 1e-6",
                        **TOL, show_expected=False,
                        why="eps goes inside the square root: (x - mean) / sqrt(var + eps), not / (std + eps)")


@pytest.mark.clause("C1", probes="LayerNorm vs keras.layers.LayerNormalization(epsilon=1e-3)",
                    topic="attention and transformers")
@pytest.mark.points(2)
def test_layer_norm_matches_keras(learner, keras_expected):
    n = keras_expected["norm"]
    assert_allclose(learner.layer_norm(n["x"], n["gamma"], n["beta"], eps=1e-3), n["ln"],
                    call_repr("layer_norm", n["x"], n["gamma"], n["beta"], eps=1e-3), **TOL, show_expected=False,
                    why="differs from keras.layers.LayerNormalization(epsilon=1e-3) with the same gamma and beta")


@pytest.mark.clause("C2", probes="LayerNorm gradients vs centred finite differences",
                    topic="gradients and backpropagation")
@pytest.mark.points(3)
def test_layer_norm_backward_by_finite_differences(learner):
    rng = np.random.default_rng(7)
    x, dy = rng.normal(size=(2, 3, 6)), rng.normal(size=(2, 3, 6))
    gamma, beta, eps = 1 + 0.3 * rng.normal(size=6), rng.normal(size=6), 1e-3

    def loss(x_, gamma_=gamma, beta_=beta):
        return float(np.sum(dy * ln_formula(x_, gamma_, beta_, eps)))

    dx, dgamma, dbeta = learner.layer_norm_backward(dy, x, gamma, eps=eps)
    call = call_repr("layer_norm_backward", dy, x, gamma, eps=eps)
    assert_allclose(dx, numeric_gradient(loss, x), call + ", dx", rtol=1e-5, atol=1e-7, show_expected=False,
                    why="the mean and the variance depend on every input of the row: dx is not dy * gamma / std")
    assert_allclose(dgamma, numeric_gradient(lambda g: loss(x, g), gamma), call + ", dgamma", rtol=1e-5, atol=1e-7,
                    show_expected=False, why="dgamma = sum over the leading axes of dy * (normalised x)")
    assert_allclose(dbeta, numeric_gradient(lambda b_: loss(x, gamma, b_), beta), call + ", dbeta", rtol=1e-5,
                    atol=1e-7, show_expected=False, why="dbeta = sum of dy over the leading axes")


@pytest.mark.clause("C2", probes="LayerNorm gradients vs TensorFlow autodiff of keras LayerNormalization",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_layer_norm_backward_matches_tensorflow(learner, keras_expected):
    n = keras_expected["norm"]
    got = learner.layer_norm_backward(n["dy"], n["x"], n["gamma"], eps=1e-3)
    call = call_repr("layer_norm_backward", n["dy"], n["x"], n["gamma"], eps=1e-3)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise AssertionError(f"called {call}; expected a tuple (dx, dgamma, dbeta)")
    for name, value, expected in zip(("dx", "dgamma", "dbeta"), got, n["ln_grads"]):
        assert_allclose(value, expected, f"{call}, {name}", rtol=1e-7, atol=1e-9, show_expected=False,
                        why="differs from TensorFlow's gradient of keras.layers.LayerNormalization")


@pytest.mark.clause("C2", probes="LayerNorm backward on other shapes (one vector, a 4-D batch)",
                    topic="gradients and backpropagation")
@pytest.mark.parametrize("index", range(len(LN_SHAPES)))
def test_layer_norm_backward_matches_reference(learner, reference, index):
    rng = np.random.default_rng(20 + index)
    shape = LN_SHAPES[index]
    x, dy, gamma = rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape[-1])
    got = learner.layer_norm_backward(dy, x, gamma)
    call = call_repr("layer_norm_backward", dy, x, gamma)
    for name, value, expected in zip(("dx", "dgamma", "dbeta"), got, reference.layer_norm_backward(dy, x, gamma)):
        assert_allclose(value, expected, f"{call}, {name}", **TOL, show_expected=False,
                        why="dx has the shape of x; dgamma and dbeta are (D,), summed over every leading axis")


# ----------------------------------------------------------------------------- RMSNorm


@pytest.mark.clause("C3", probes="RMSNorm formula, axis and eps placement vs the reference and Keras",
                    topic="attention and transformers")
@pytest.mark.points(2)
def test_rms_norm_matches_reference_and_keras(learner, reference, keras_expected):
    for index, shape in enumerate(LN_SHAPES):
        rng = np.random.default_rng(30 + index)
        x, gamma = rng.normal(size=shape) + 0.5, rng.normal(size=shape[-1])
        assert_allclose(learner.rms_norm(x, gamma), reference.rms_norm(x, gamma), call_repr("rms_norm", x, gamma),
                        **TOL, show_expected=False, why="x / sqrt(mean(x**2) over the last axis + eps) * gamma")
    n = keras_expected["norm"]
    assert_allclose(learner.rms_norm(n["x"], n["gamma"], eps=1e-3), n["rms"],
                    call_repr("rms_norm", n["x"], n["gamma"], eps=1e-3), **TOL, show_expected=False,
                    why="differs from keras.layers.RMSNormalization(epsilon=1e-3): eps inside the square root")


@pytest.mark.clause("C3", probes="RMSNorm that subtracts the mean", topic="attention and transformers")
def test_rms_norm_does_not_centre(learner):
    x = np.array([[2.0, 2.0, 2.0, 2.0], [1.0, 3.0, 1.0, 3.0]])  # a constant row keeps its sign
    gamma = np.ones(4)
    expected = x / np.sqrt(np.mean(x ** 2, axis=-1, keepdims=True) + 1e-6)
    assert_allclose(learner.rms_norm(x, gamma), expected, call_repr("rms_norm", x, gamma), **TOL,
                    why="RMSNorm divides by the root mean square; it subtracts no mean (a constant row stays constant)")


@pytest.mark.clause("C4", probes="RMSNorm gradients vs centred finite differences",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_rms_norm_backward_by_finite_differences(learner):
    rng = np.random.default_rng(8)
    x, dy, gamma, eps = rng.normal(size=(2, 3, 6)), rng.normal(size=(2, 3, 6)), 1 + 0.3 * rng.normal(size=6), 1e-3

    def loss(x_, gamma_=gamma):
        return float(np.sum(dy * x_ / np.sqrt(np.mean(x_ ** 2, axis=-1, keepdims=True) + eps) * gamma_))

    got = learner.rms_norm_backward(dy, x, gamma, eps=eps)
    call = call_repr("rms_norm_backward", dy, x, gamma, eps=eps)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise AssertionError(f"called {call}; expected a tuple (dx, dgamma)")
    dx, dgamma = got
    assert_allclose(dx, numeric_gradient(loss, x), call + ", dx", rtol=1e-5, atol=1e-7, show_expected=False,
                    why="the rms depends on every input of the row: dx is not dy * gamma / rms")
    assert_allclose(dgamma, numeric_gradient(lambda g: loss(x, g), gamma), call + ", dgamma", rtol=1e-5, atol=1e-7,
                    show_expected=False, why="dgamma = sum over the leading axes of dy * x / rms")


@pytest.mark.clause("C4", probes="RMSNorm backward on other shapes", topic="gradients and backpropagation")
def test_rms_norm_backward_matches_reference(learner, reference):
    for index, shape in enumerate(LN_SHAPES):
        rng = np.random.default_rng(40 + index)
        x, dy, gamma = rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape[-1])
        call = call_repr("rms_norm_backward", dy, x, gamma)
        for name, value, expected in zip(("dx", "dgamma"), learner.rms_norm_backward(dy, x, gamma),
                                         reference.rms_norm_backward(dy, x, gamma)):
            assert_allclose(value, expected, f"{call}, {name}", **TOL, show_expected=False)


# ----------------------------------------------------------------------------- positions


@pytest.mark.clause("C5", probes="sinusoidal positions: interleaved sin/cos, frequency per pair",
                    topic="attention and transformers")
@pytest.mark.points(2)
@pytest.mark.parametrize("t, d", [(1, 2), (7, 4), (50, 16), (9, 64)])
def test_sinusoidal_positions(learner, t, d):
    assert_allclose(learner.sinusoidal_positions(t, d), reference_positions(t, d), f"sinusoidal_positions({t}, {d})", rtol=1e-9,
                    atol=1e-12, show_expected=False,
                    why="pe[p, 2i] = sin(p / 10000**(2i/d)) and pe[p, 2i+1] = cos(p / 10000**(2i/d)): "
                        "interleaved, the two columns of a pair sharing one frequency")


@pytest.mark.clause("C5", "C6", probes="odd model dimension accepted by sinusoidal_positions or rope",
                    topic="input validation")
def test_odd_dimension_raises(learner):
    with expect_raises(ValueError, "sinusoidal_positions(4, 5)", "sine/cosine pairs need an even d"):
        learner.sinusoidal_positions(4, 5)
    x = np.zeros((3, 5))
    with expect_raises(ValueError, call_repr("rope", x), "RoPE rotates pairs of features: D must be even"):
        learner.rope(x)


@pytest.mark.clause("C6", probes="RoPE rotating the wrong pairs, wrong frequencies or positions",
                    topic="attention and transformers")
@pytest.mark.points(3)
@pytest.mark.parametrize("shape", [(5, 8), (2, 3, 7, 16), (1, 4, 2)])
def test_rope_matches_complex_rotation(learner, shape):
    x = np.random.default_rng(9).normal(size=shape)
    positions = np.arange(shape[-2])
    assert_allclose(learner.rope(x), rope_complex(x, positions), call_repr("rope", x), **TOL, show_expected=False,
                    why="pair (x[2i], x[2i+1]) at position p turns by p * base**(-2i/D); positions start at 0")


@pytest.mark.clause("C6", probes="RoPE with explicit positions and another base", topic="attention and transformers")
def test_rope_with_positions_and_base(learner):
    rng = np.random.default_rng(10)
    x, positions = rng.normal(size=(2, 4, 8)), np.array([5, 6, 7, 8])
    for base in (10000.0, 500.0):
        assert_allclose(learner.rope(x, positions, base=base), rope_complex(x, positions, base),
                        call_repr("rope", x, positions, base=base) + " with positions [5, 6, 7, 8]", **TOL,
                        show_expected=False, why="the angle is positions[t] * base**(-2i/D)")


@pytest.mark.clause("C6", probes="RoPE dot products that depend on more than the offset m - n",
                    topic="attention and transformers")
def test_rope_scores_depend_on_offset_only(learner):
    rng = np.random.default_rng(11)
    q, k = rng.normal(size=16), rng.normal(size=16)
    x = np.stack([q, k])

    def score(m, n):
        rq, rk = learner.rope(x, np.array([m, n]))
        return float(rq @ rk)

    base = score(3, 1)
    for m, n in ((10, 8), (102, 100)):
        got = score(m, n)
        if not np.isclose(got, base, rtol=1e-9, atol=1e-12):
            raise AssertionError(f"called rope on a query at position {m} and a key at position {n}; their dot "
                                 f"product is {got:.6g}, but {base:.6g} at positions 3 and 1 - with RoPE the score "
                                 f"depends only on the offset m - n (both rotated by the same rule)")
    norms = np.linalg.norm(learner.rope(x, np.array([7, 9])), axis=-1)
    assert_allclose(norms, np.linalg.norm(x, axis=-1), "norms of rope(x, [7, 9])", rtol=1e-9,
                    why="a rotation keeps the length of every vector")


# ----------------------------------------------------------------------------- attention


def attention_case(seed, heads=HEADS):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(B, T, D)), block_params(rng), heads


@pytest.mark.clause("C7", "C8", probes="causal multi-head attention vs the reference (scale, heads, mask, RoPE)",
                    topic="attention and transformers")
@pytest.mark.points(3)
@pytest.mark.parametrize("heads", [1, 3, 6])
@pytest.mark.parametrize("use_rope", [False, True])
def test_attention_matches_reference(learner, reference, heads, use_rope):
    x, p, _ = attention_case(50 + heads)
    got = learner.causal_self_attention(x, p, heads, use_rope=use_rope)
    assert_allclose(got, reference.causal_self_attention(x, p, heads, use_rope=use_rope),
                    call_repr("causal_self_attention", x, p, heads, use_rope=use_rope), **TOL, show_expected=False,
                    why="per head h (columns h*Dh..): softmax(q_h k_h^T / sqrt(Dh)) with key j <= query i, heads "
                        "concatenated then @ wo + bo" + ("; RoPE on each head's q and k (head dimension Dh)"
                                                         if use_rope else ""))


@pytest.mark.clause("C7", probes="multi-head attention vs keras.layers.MultiHeadAttention(use_causal_mask=True)",
                    topic="attention and transformers")
@pytest.mark.points(3)
def test_attention_matches_keras(learner, keras_expected):
    k = keras_expected["block"]
    got = learner.causal_self_attention(k["z"], k["params"], HEADS)
    assert_allclose(got, k["attention"], call_repr("causal_self_attention", k["z"], k["params"], HEADS), **TOL,
                    show_expected=False,
                    why=f"differs from keras.layers.MultiHeadAttention(num_heads={HEADS}, key_dim={D // HEADS}) with "
                        f"use_causal_mask=True and the same weights")


@pytest.mark.clause("C7", probes="causal mask off by one: position 0 must see itself, no position the next",
                    topic="attention and transformers")
@pytest.mark.points(2)
def test_attention_is_causal(learner):
    x, p, heads = attention_case(60)
    out = learner.causal_self_attention(x, p, heads)
    call = call_repr("causal_self_attention", x, p, heads)
    first = (x[:, 0] @ p["wv"] + p["bv"]) @ p["wo"] + p["bo"]
    assert_allclose(out[:, 0], first, call + "[:, 0]", rtol=1e-9, atol=1e-12, show_expected=False,
                    why="query 0 sees exactly one key, itself (the causal mask includes the diagonal)")
    x2 = x.copy()
    x2[:, 3:] = np.random.default_rng(61).normal(size=(B, T - 3, D))
    out2 = learner.causal_self_attention(x2, p, heads)
    assert_allclose(out2[:, :3], out[:, :3], call + " after changing positions 3.., outputs 0..2", rtol=1e-12,
                    atol=1e-12, why="a query must not see later positions (key j <= query i only)")


@pytest.mark.clause("C8", probes="RoPE applied to the values", topic="attention and transformers")
@pytest.mark.points(2)
def test_rope_leaves_values_alone(learner):
    x, p, heads = attention_case(62)
    for name in ("wq", "wk", "bq", "bk"):
        p[name] = np.zeros_like(p[name])  # all scores 0: uniform weights over keys 0..i
    v = x @ p["wv"] + p["bv"]
    expected = (np.cumsum(v, axis=1) / np.arange(1, T + 1)[None, :, None]) @ p["wo"] + p["bo"]
    got = learner.causal_self_attention(x, p, heads, use_rope=True)
    assert_allclose(got, expected, call_repr("causal_self_attention", x, p, heads, use_rope=True)
                    + " with wq = wk = bq = bk = 0", rtol=1e-9, atol=1e-12, show_expected=False,
                    why="with zero queries and keys every allowed key gets equal weight; RoPE rotates q and k only, "
                        "never the values")


@pytest.mark.clause("C8", probes="RoPE on the whole projection before the head split, or not per head",
                    topic="attention and transformers")
@pytest.mark.points(2)
def test_rope_is_applied_per_head(learner):
    x, p, heads = attention_case(63)
    dh = D // heads
    q = (x @ p["wq"] + p["bq"]).reshape(B, T, heads, dh).transpose(0, 2, 1, 3)
    k = (x @ p["wk"] + p["bk"]).reshape(B, T, heads, dh).transpose(0, 2, 1, 3)
    v = (x @ p["wv"] + p["bv"]).reshape(B, T, heads, dh).transpose(0, 2, 1, 3)
    positions = np.arange(T)
    scores = rope_complex(q, positions) @ np.swapaxes(rope_complex(k, positions), -1, -2) / np.sqrt(dh)
    scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    expected = (weights @ v).transpose(0, 2, 1, 3).reshape(B, T, D) @ p["wo"] + p["bo"]
    assert_allclose(learner.causal_self_attention(x, p, heads, use_rope=True), expected,
                    call_repr("causal_self_attention", x, p, heads, use_rope=True), **TOL, show_expected=False,
                    why=f"RoPE rotates each head's (B, T, Dh = {dh}) queries and keys, after the head split: its "
                        f"frequencies use Dh, not D")


@pytest.mark.clause("C9", probes="D not divisible by n_heads accepted", topic="input validation")
def test_indivisible_heads_raise(learner):
    x, p, _ = attention_case(64)
    with expect_raises(ValueError, call_repr("causal_self_attention", x, p, 5), f"D = {D} is not divisible by 5 heads"):
        learner.causal_self_attention(x, p, 5)
    with expect_raises(ValueError, call_repr("decoder_block", x, p, 5), f"D = {D} is not divisible by 5 heads"):
        learner.decoder_block(x, p, 5)


@pytest.mark.clause("C10", probes="softmax without the max shift overflowing for scores near 1e4",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_attention_large_scores(learner, reference):
    x, p, heads = attention_case(65)
    p["wq"], p["wk"] = 40.0 * p["wq"], 40.0 * p["wk"]  # largest score about 1e4
    call = call_repr("causal_self_attention", x, p, heads) + " with scores near 1e4"
    expected = reference.causal_self_attention(x, p, heads)
    assert_allclose(learner.causal_self_attention(x, p, heads), expected, call, **TOL, show_expected=False,
                    why="exp overflows for scores this large; subtract each row's maximum before exponentiating")


# ----------------------------------------------------------------------------- the block


@pytest.mark.clause("C11", probes="pre-LN decoder block vs the same block built from Keras layers",
                    topic="attention and transformers")
@pytest.mark.points(4)
def test_block_matches_keras(learner, keras_expected):
    k = keras_expected["block"]
    assert_allclose(learner.decoder_block(k["x"], k["params"], HEADS), k["y"],
                    call_repr("decoder_block", k["x"], k["params"], HEADS), rtol=1e-7, atol=1e-8, show_expected=False,
                    why="differs from x + MHA(LN1(x)), then h + Dense(gelu_tanh(Dense(LN2(h)))) built from "
                        "keras.layers.LayerNormalization(epsilon=1e-5), MultiHeadAttention and Dense")


@pytest.mark.clause("C11", "C8", probes="decoder block vs the reference, with and without RoPE",
                    topic="attention and transformers")
@pytest.mark.points(3)
@pytest.mark.parametrize("use_rope", [False, True])
def test_block_matches_reference(learner, reference, use_rope):
    x, p, heads = attention_case(70)
    assert_allclose(learner.decoder_block(x, p, heads, use_rope=use_rope),
                    reference.decoder_block(x, p, heads, use_rope=use_rope),
                    call_repr("decoder_block", x, p, heads, use_rope=use_rope), **TOL, show_expected=False)


@pytest.mark.clause("C11", probes="residual connections missing, or a post-LN block", topic="attention and transformers")
@pytest.mark.points(2)
def test_block_residuals(learner):
    x, p, heads = attention_case(71)
    x = 3.0 * x + 1.0  # far from normalised: LN(x) != x
    zero = copy_params(p)
    for name in ("wo", "bo", "w2", "b2"):
        zero[name] = np.zeros_like(zero[name])
    assert_allclose(learner.decoder_block(x, zero, heads), x,
                    call_repr("decoder_block", x, zero, heads) + " with wo = bo = w2 = b2 = 0", rtol=1e-12, atol=1e-12,
                    why="with both sublayers outputting 0 a pre-LN block is the identity: y = x + 0 + 0 "
                        "(residuals around each sublayer, no LayerNorm after the sum)")
    only_attention = copy_params(p)
    only_attention["w2"], only_attention["b2"] = np.zeros_like(p["w2"]), np.zeros_like(p["b2"])
    ln1 = ln_formula(x, p["ln1_gamma"], p["ln1_beta"], 1e-5)
    expected = x + learner.causal_self_attention(ln1, p, heads)
    assert_allclose(learner.decoder_block(x, only_attention, heads), expected,
                    call_repr("decoder_block", x, only_attention, heads) + " with w2 = b2 = 0", **TOL,
                    show_expected=False, why="h = x + causal_self_attention(layer_norm(x, ln1_gamma, ln1_beta))")


@pytest.mark.clause("C11", probes="MLP sublayer: GELU form (tanh), second LayerNorm's parameters",
                    topic="attention and transformers")
@pytest.mark.points(2)
def test_block_mlp_sublayer(learner):
    x, p, heads = attention_case(72)
    p["wo"], p["bo"] = np.zeros_like(p["wo"]), np.zeros_like(p["bo"])  # attention adds nothing: h = x
    p["w1"] = 2.0 * p["w1"]  # pre-activations of a few units, where GELU forms differ
    z = ln_formula(x, p["ln2_gamma"], p["ln2_beta"], 1e-5) @ p["w1"] + p["b1"]
    expected = x + gelu_tanh(z) @ p["w2"] + p["b2"]
    assert_allclose(learner.decoder_block(x, p, heads), expected,
                    call_repr("decoder_block", x, p, heads) + " with wo = bo = 0", **TOL, show_expected=False,
                    why="y = h + gelu(layer_norm(h, ln2_gamma, ln2_beta) @ w1 + b1) @ w2 + b2 with the tanh GELU "
                        "0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))")


# ----------------------------------------------------------------------------- the decoder


@pytest.mark.clause("C12", "C8", probes="decoder logits vs the reference (positions, blocks, final LayerNorm)",
                    topic="attention and transformers")
@pytest.mark.points(3)
@pytest.mark.parametrize("positions", ["sinusoidal", "rope"])
def test_decoder_matches_reference(learner, reference, positions):
    rng = np.random.default_rng(80)
    params, tokens = decoder_params(rng), rng.integers(0, 17, size=(B, 7))
    got = learner.decoder(tokens, params, HEADS, positions=positions)
    assert_allclose(got, reference.decoder(tokens, params, HEADS, positions=positions),
                    call_repr("decoder", tokens, params, HEADS, positions=positions), **TOL, show_expected=False)


@pytest.mark.clause("C12", probes="positions added after the first block or embeddings scaled; final LayerNorm",
                    topic="attention and transformers")
@pytest.mark.points(2)
def test_decoder_without_blocks(learner):
    rng = np.random.default_rng(81)
    params, tokens = decoder_params(rng, layers=0), rng.integers(0, 17, size=(B, 5))
    h = params["embedding"][tokens]
    for positions, pe in (("sinusoidal", True), ("rope", False)):
        added = reference_positions(5, D) if pe else 0.0
        expected = ln_formula(h + added, params["lnf_gamma"], params["lnf_beta"], 1e-5) @ params["embedding"].T
        why = ("with no blocks: layer_norm(embedding[tokens] + sinusoidal_positions(T, D)) @ embedding.T - positions "
               "go on the unscaled input, once" if pe else
               "with RoPE nothing is added to the input: layer_norm(embedding[tokens]) @ embedding.T")
        assert_allclose(learner.decoder(tokens, params, HEADS, positions=positions), expected,
                        call_repr("decoder", tokens, params, HEADS, positions=positions) + " with blocks = []",
                        **TOL, show_expected=False, why=why)


@pytest.mark.clause("C12", probes="sinusoidal positions added once, to the input of the first block",
                    topic="attention and transformers")
def test_decoder_positions_before_first_block(learner):
    rng = np.random.default_rng(82)
    params, tokens = decoder_params(rng, layers=1), rng.integers(0, 17, size=(B, 6))
    block = params["blocks"][0]
    h = params["embedding"][tokens] + reference_positions(6, D)
    h = learner.decoder_block(h, block, HEADS)
    expected = ln_formula(h, params["lnf_gamma"], params["lnf_beta"], 1e-5) @ params["embedding"].T
    assert_allclose(learner.decoder(tokens, params, HEADS), expected, call_repr("decoder", tokens, params, HEADS),
                    **TOL, show_expected=False,
                    why="decoder = LN_f(decoder_block(embedding[tokens] + sinusoidal_positions(T, D))) @ embedding.T: "
                        "the positions enter before the first attention, not after it")


@pytest.mark.clause("C12", probes="unknown positions mode accepted", topic="input validation")
def test_decoder_rejects_unknown_positions(learner):
    params, tokens = decoder_params(np.random.default_rng(83), layers=0), np.zeros((1, 3), dtype=int)
    with expect_raises(ValueError, call_repr("decoder", tokens, params, HEADS, positions="learned"),
                       "positions is 'sinusoidal' or 'rope'"):
        learner.decoder(tokens, params, HEADS, positions="learned")


@pytest.mark.clause("C13", probes="logits that depend on future tokens", topic="attention and transformers")
@pytest.mark.points(2)
@pytest.mark.parametrize("positions", ["sinusoidal", "rope"])
def test_decoder_is_causal(learner, positions):
    rng = np.random.default_rng(84)
    params, tokens = decoder_params(rng), rng.integers(0, 17, size=(B, 8))
    changed = tokens.copy()
    changed[:, 5:] = (tokens[:, 5:] + 1 + rng.integers(0, 15, size=(B, 3))) % 17
    a = learner.decoder(tokens, params, HEADS, positions=positions)
    b = learner.decoder(changed, params, HEADS, positions=positions)
    call = call_repr("decoder", tokens, params, HEADS, positions=positions)
    assert_allclose(b[:, :5], a[:, :5], call + " after changing tokens 5..7, logits 0..4", rtol=1e-10, atol=1e-10,
                    why="the logits at position i may depend only on tokens 0..i")
    if np.allclose(a[:, 5:], b[:, 5:]):
        raise AssertionError(f"called {call}; the logits at positions 5..7 did not change when tokens 5..7 did")


# ----------------------------------------------------------------------------- arguments


@pytest.mark.clause("C14", probes="a function that modifies its arguments in place", topic="api contract")
@pytest.mark.points(2)
def test_arguments_unchanged(learner):
    rng = np.random.default_rng(90)
    params, tokens = decoder_params(rng), rng.integers(0, 17, size=(B, 6))
    x, dy, gamma, beta = (rng.normal(size=(B, T, D)), rng.normal(size=(B, T, D)), rng.normal(size=D),
                          rng.normal(size=D))
    calls = [
        ("layer_norm", (x, gamma, beta), {}),
        ("layer_norm_backward", (dy, x, gamma), {}),
        ("rms_norm", (x, gamma), {}),
        ("rms_norm_backward", (dy, x, gamma), {}),
        ("rope", (x,), {}),
        ("rope", (x, np.arange(T)), {}),
        ("causal_self_attention", (x, params["blocks"][0], HEADS), {"use_rope": True}),
        ("decoder_block", (x, params["blocks"][0], HEADS), {"use_rope": True}),
        ("decoder", (tokens, params, HEADS), {}),
        ("decoder", (tokens, params, HEADS), {"positions": "rope"}),
    ]
    for name, args, kwargs in calls:
        before = copy_params(list(args))
        getattr(learner, name)(*args, **kwargs)
        for index, (old, new) in enumerate(zip(before, args)):
            flat_old, flat_new = flatten(old), flatten(new)
            if len(flat_old) != len(flat_new):
                raise AssertionError(f"called {call_repr(name, *args, **kwargs)}; argument {index} changed its "
                                     f"structure - no function may modify its arguments")
            for a_old, a_new in zip(flat_old, flat_new):
                assert_equal(a_new, a_old, f"{call_repr(name, *args, **kwargs)}, argument {index} afterwards",
                             show_expected=False, why="no function may modify its arguments; work on a copy")


def flatten(value):
    if isinstance(value, dict):
        return [a for key in sorted(value) for a in flatten(value[key])]
    if isinstance(value, list):
        return [a for v in value for a in flatten(v)]
    return [np.asarray(value)]
