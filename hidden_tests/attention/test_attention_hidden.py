"""Hidden tests for attention: scaled dot-product attention vs the reference and vs
keras.layers.MultiHeadAttention (same projections), masks, and the multi-head reshapes.

Keras is imported once, lazily, in the module fixture `keras_mha` (budget 8 s).
Wrong answers this suite is built to catch:
- scores not scaled by 1 / sqrt(d_k) (or scaled by 1 / d_k)
- mask applied after the softmax (weights * mask: rows no longer sum to 1)
- mask convention inverted (True read as "masked out" instead of Keras' "may attend")
- softmax over the wrong axis (queries instead of keys)
- softmax without the max shift (overflow to nan for scores near 1e4)
- a fully masked query row getting uniform weights (-1e9 fill) or nan (-inf fill) instead of zeros
- split_heads as a bare reshape to (B, n, T, D // n) without the transpose (heads scrambled),
  even when merge_heads undoes it consistently
- merge_heads that is not the inverse of split_heads
- causal mask off by one on the diagonal (a position may not see itself, or sees the next one)
- causal mask transposed (upper triangle: attending to the future)
- split_heads accepting a model dimension not divisible by the number of heads
- masked scores given a finite additive penalty (-1e4): a masked key scoring 1e4 gets the weight
- causal_mask returning 0/1 floats instead of a boolean mask
"""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, assert_finite, assert_shape, call_repr, expect_raises

SDPA_SHAPES = [  # (leading axes, Tq, Tk, d_k, d_v)
    ((), 4, 4, 8, 8),
    ((3,), 5, 7, 6, 3),
    ((2, 4), 6, 6, 16, 5),
    ((2, 3), 1, 9, 64, 4),
]
B, TQ, TK, D, HEADS = 2, 5, 6, 12, 3


def sdpa_inputs(index, dtype=np.float64):
    lead, tq, tk, dk, dv = SDPA_SHAPES[index]
    rng = np.random.default_rng(index)
    q, k, v = rng.normal(size=(*lead, tq, dk)), rng.normal(size=(*lead, tk, dk)), rng.normal(size=(*lead, tk, dv))
    mask = rng.random((*lead, tq, tk)) < 0.6
    mask[..., 0] = True  # every query keeps at least one key
    return [a.astype(dtype) for a in (q, k, v)] + [mask]


@pytest.fixture(scope="module")
def keras_mha():
    """One float64 MultiHeadAttention layer: cross-attention with a padding mask, causal self-attention."""
    import keras

    rng = np.random.default_rng(42)
    xq, xv = rng.normal(size=(B, TQ, D)), rng.normal(size=(B, TK, D))
    mask = rng.random((B, TQ, TK)) < 0.7
    mask[:, :, 0] = True
    layer = keras.layers.MultiHeadAttention(num_heads=HEADS, key_dim=D // HEADS, dtype="float64")
    cross, cross_scores = layer(xq, xv, attention_mask=mask, return_attention_scores=True)
    causal, causal_scores = layer(xq, xq, use_causal_mask=True, return_attention_scores=True)
    weights = {name: (dense.kernel.numpy(), dense.bias.numpy()) for name, dense in
               (("q", layer.query_dense), ("k", layer.key_dense), ("v", layer.value_dense),
                ("o", layer.output_dense))}
    return {"xq": xq, "xv": xv, "mask": mask, "weights": weights,
            "cross": (cross.numpy(), cross_scores.numpy()), "causal": (causal.numpy(), causal_scores.numpy())}


def sdpa_call(q, k, v, mask=None):
    return call_repr("scaled_dot_product_attention", q, k, v, **({} if mask is None else {"mask": mask}))


# ----------------------------------------------------------------------------- scaled dot-product attention


@pytest.mark.clause("C1", "C2", probes="scores not scaled by 1/sqrt(d_k), softmax over the wrong axis, leading axes",
                    topic="attention and transformers")
@pytest.mark.points(2)
@pytest.mark.parametrize("index", range(len(SDPA_SHAPES)))
def test_attention_matches_reference(learner, reference, index):
    q, k, v, _ = sdpa_inputs(index)
    out, weights = learner.scaled_dot_product_attention(q, k, v)
    e_out, e_weights = reference.scaled_dot_product_attention(q, k, v)
    why = "scores are q . k / sqrt(d_k), softmax over the keys (last axis)"
    assert_allclose(weights, e_weights, sdpa_call(q, k, v) + ", weights", rtol=1e-7, atol=1e-12,
                    show_expected=False, why=why)
    assert_allclose(out, e_out, sdpa_call(q, k, v) + ", out", rtol=1e-7, atol=1e-12, show_expected=False, why=why)


@pytest.mark.clause("C1", probes="scaling by 1/d_k or not at all, seen with a large d_k",
                    topic="attention and transformers")
def test_attention_scaling_with_large_d_k(learner, reference):
    q, k, v, _ = sdpa_inputs(3)  # d_k = 64: unscaled scores saturate the softmax
    _, weights = learner.scaled_dot_product_attention(q, k, v)
    assert_allclose(weights, reference.scaled_dot_product_attention(q, k, v)[1], sdpa_call(q, k, v) + ", weights",
                    rtol=1e-7, atol=1e-12, show_expected=False,
                    why="with d_k = 64 the weights are far too peaked: divide the scores by sqrt(d_k)")


@pytest.mark.clause("C3", "C4", probes="mask applied after the softmax, or read the wrong way round",
                    topic="attention and transformers")
@pytest.mark.points(2)
@pytest.mark.parametrize("index", range(len(SDPA_SHAPES)))
def test_masked_attention_matches_reference(learner, reference, index):
    q, k, v, mask = sdpa_inputs(index)
    out, weights = learner.scaled_dot_product_attention(q, k, v, mask)
    call = sdpa_call(q, k, v, mask)
    weights = assert_shape(weights, mask.shape, call + ", weights")
    assert_allclose(weights[~mask], np.zeros(int((~mask).sum())), call + ", weights where mask is False",
                    why="keys where the mask is False must get exactly 0 weight (True = may attend); apply the "
                        "mask to the scores before the softmax")
    assert_allclose(np.sum(weights, axis=-1), np.ones(mask.shape[:-1]), call + ", weights summed over the keys",
                    rtol=1e-9, why="each row of weights is a distribution over the keys; mask before the softmax")
    e_out, e_weights = reference.scaled_dot_product_attention(q, k, v, mask)
    assert_allclose(weights, e_weights, call + ", weights", rtol=1e-7, atol=1e-12, show_expected=False)
    assert_allclose(out, e_out, call + ", out", rtol=1e-7, atol=1e-12, show_expected=False)


@pytest.mark.clause("C3", probes="a padding mask that must broadcast over heads and queries",
                    topic="shapes and broadcasting")
def test_mask_broadcasts_over_heads_and_queries(learner, reference):
    q, k, v, _ = sdpa_inputs(2)  # (2, 4, 6, 16)
    padding = np.array([True] * 4 + [False] * 2)[None, None, None, :]  # last two keys are padding
    out, weights = learner.scaled_dot_product_attention(q, k, v, padding)
    call = sdpa_call(q, k, v, padding)
    assert_allclose(weights[..., 4:], np.zeros((2, 4, 6, 2)), call + ", weights of the padding keys")
    assert_allclose(out, reference.scaled_dot_product_attention(q, k, v, padding)[0], call + ", out",
                    rtol=1e-7, atol=1e-12, show_expected=False)


@pytest.mark.clause("C3", probes="mask convention inverted (True read as masked out)",
                    topic="attention and transformers")
def test_mask_true_means_attend(learner):
    rng = np.random.default_rng(7)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    only_first = np.zeros((3, 5), dtype=bool)
    only_first[:, 0] = True
    out, weights = learner.scaled_dot_product_attention(q, k, v, only_first)
    call = sdpa_call(q, k, v, only_first) + " (only key 0 allowed)"
    expected = np.zeros((3, 5))
    expected[:, 0] = 1.0
    assert_allclose(weights, expected, call + ", weights", atol=1e-12,
                    why="mask convention (as Keras): True = this query may attend to this key")
    assert_allclose(out, np.repeat(v[:1], 3, axis=0), call + ", out", atol=1e-12)


@pytest.mark.clause("C5", probes="a fully masked query row getting uniform weights or nan",
                    topic="attention and transformers")
def test_fully_masked_query_gets_zero_weights(learner):
    rng = np.random.default_rng(8)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=(4, 2))
    mask = np.ones((3, 4), dtype=bool)
    mask[1] = False  # query 1 may attend to nothing (e.g. a padding query)
    out, weights = learner.scaled_dot_product_attention(q, k, v, mask)
    call = sdpa_call(q, k, v, mask) + " with query 1 fully masked"
    assert_allclose(weights[1], np.zeros(4), call + ", weights[1]",
                    why="a query with every key masked gets an all-zero weight row (documented, as Keras), "
                        "not uniform weights and not nan")
    assert_allclose(out[1], np.zeros(2), call + ", out[1]")
    assert_allclose(np.sum(weights[[0, 2]], axis=-1), np.ones(2), call + ", other rows summed", rtol=1e-9)


@pytest.mark.clause("C6", probes="softmax without the max shift overflowing for large scores",
                    topic="numerical stability")
def test_large_scores_stay_finite(learner, reference):
    rng = np.random.default_rng(9)
    q, k, v = 100.0 * rng.normal(size=(2, 3, 4)), 100.0 * rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 2))
    out, weights = learner.scaled_dot_product_attention(q, k, v)
    e_out, e_weights = reference.scaled_dot_product_attention(q, k, v)
    call = sdpa_call(q, k, v) + " with scores near 1e4"
    why = "exp overflows for scores this large; shift the scores by their row maximum before exponentiating"
    assert_allclose(weights, e_weights, call + ", weights", rtol=1e-7, atol=1e-12, show_expected=False, why=why)
    assert_allclose(out, e_out, call + ", out", rtol=1e-7, atol=1e-12, show_expected=False, why=why)


@pytest.mark.points(2)
@pytest.mark.clause("C6", "C4", probes="masked keys given a finite penalty (e.g. -1e4 added) instead of exactly 0 weight",
                    topic="attention and transformers")
def test_mask_is_exact_for_scores_near_1e4(learner, reference):
    # d_k = 1, so the scores are q * k: the masked key 0 has the largest score of its row (1e4)
    q, k, v = np.array([[100.0]]), np.array([[100.0], [-100.0], [-50.0]]), np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 3.0]])
    mask = np.array([[False, True, True]])
    rng = np.random.default_rng(14)  # and random scores of size 1e4 under a random mask
    q2, k2, v2 = 100.0 * rng.normal(size=(2, 4, 4)), 100.0 * rng.normal(size=(2, 6, 4)), rng.normal(size=(2, 6, 3))
    mask2 = rng.random((2, 4, 6)) < 0.5
    mask2[..., 0] = True
    for q, k, v, mask in ((q, k, v, mask), (q2, k2, v2, mask2)):
        out, weights = learner.scaled_dot_product_attention(q, k, v, mask)
        call = sdpa_call(q, k, v, mask) + " with scores near 1e4"
        weights = assert_finite(assert_shape(weights, mask.shape, call + ", weights"), call + ", weights",
                                why="large scores overflow exp; shift by the row maximum of the allowed scores")
        assert_allclose(weights[~mask], np.zeros(int((~mask).sum())), call + ", weights where mask is False",
                        why="a masked key must get exactly 0 weight even when its score is the largest of its row: "
                            "adding a finite penalty such as -1e4 to masked scores is not a mask")
        e_out, e_weights = reference.scaled_dot_product_attention(q, k, v, mask)
        assert_allclose(weights, e_weights, call + ", weights", rtol=1e-7, atol=1e-12, show_expected=False)
        assert_allclose(out, e_out, call + ", out", rtol=1e-7, atol=1e-12, show_expected=False)


@pytest.mark.clause("C1", "C4", probes="masked attention on float32 queries, keys and values", topic="api contract")
def test_float32_inputs(learner, reference):
    q, k, v, mask = sdpa_inputs(1, np.float32)
    out, weights = learner.scaled_dot_product_attention(q, k, v, mask)
    e_out, e_weights = reference.scaled_dot_product_attention(*(a.astype(np.float64) for a in (q, k, v)), mask)
    call = sdpa_call(q, k, v, mask)
    assert_allclose(weights, e_weights, call + ", weights", rtol=1e-4, atol=1e-6, show_expected=False)
    assert_allclose(out, e_out, call + ", out", rtol=1e-4, atol=1e-5, show_expected=False)


# ----------------------------------------------------------------------------- causal mask


@pytest.mark.clause("C10", probes="causal mask off by one, transposed, or not boolean",
                    topic="attention and transformers")
@pytest.mark.points(2)
@pytest.mark.parametrize("t", [1, 2, 5, 8])
def test_causal_mask(learner, t):
    got = learner.causal_mask(t)
    got = assert_shape(got, (t, t), f"causal_mask({t})")
    assert got.dtype == bool, (f"called causal_mask({t}); got dtype {got.dtype}, expected a boolean mask "
                               f"(True = may attend)")
    assert_equal(got, np.arange(t)[:, None] >= np.arange(t)[None, :], f"causal_mask({t})",
                 show_expected=False,
                 why="query i may attend to keys 0..i: itself included, nothing after it (True = may attend)")


@pytest.mark.clause("C10", "C4", probes="a causal mask that lets a position see later ones",
                    topic="attention and transformers")
def test_causal_attention_ignores_the_future(learner):
    rng = np.random.default_rng(10)
    q, k, v = rng.normal(size=(2, 6, 4)), rng.normal(size=(2, 6, 4)), rng.normal(size=(2, 6, 3))
    mask = learner.causal_mask(6)
    out, _ = learner.scaled_dot_product_attention(q, k, v, mask)
    k2, v2 = k.copy(), v.copy()
    k2[:, 4:], v2[:, 4:] = rng.normal(size=(2, 2, 4)), rng.normal(size=(2, 2, 3))  # change positions 4 and 5
    out2, _ = learner.scaled_dot_product_attention(q, k2, v2, mask)
    assert_allclose(out2[:, :4], out[:, :4], "scaled_dot_product_attention(q, k, v, causal_mask(6)) after "
                    "changing keys/values at positions 4 and 5, outputs 0..3", rtol=1e-12,
                    why="with a causal mask, outputs must not depend on later positions")
    assert not np.allclose(out2[:, 4:], out[:, 4:]), \
        "with a causal mask, outputs 4 and 5 should depend on positions 4 and 5"


# ----------------------------------------------------------------------------- heads


@pytest.mark.clause("C7", probes="split_heads as a bare reshape without the transpose", topic="shapes and broadcasting")
@pytest.mark.points(2)
@pytest.mark.parametrize("n", [1, 3, 4, 12])
def test_split_heads_takes_contiguous_feature_blocks(learner, n):
    x = np.random.default_rng(11).normal(size=(2, 5, 12))
    got = assert_shape(learner.split_heads(x, n), (2, n, 5, 12 // n), call_repr("split_heads", x, n))
    dh = 12 // n
    expected = np.stack([x[:, :, h * dh:(h + 1) * dh] for h in range(n)], axis=1)
    assert_allclose(got, expected, call_repr("split_heads", x, n), show_expected=False,
                    why="head h must hold features h*D//n..(h+1)*D//n - 1 of every position; a bare reshape "
                        "to (B, n, T, D//n) scrambles positions and heads")


@pytest.mark.clause("C9", probes="merge_heads that is not the inverse of split_heads", topic="shapes and broadcasting")
def test_merge_heads_concatenates_heads(learner):
    heads = np.random.default_rng(12).normal(size=(2, 3, 5, 4))
    got = learner.merge_heads(heads)
    assert_allclose(got, np.concatenate([heads[:, h] for h in range(3)], axis=-1), call_repr("merge_heads", heads),
                    show_expected=False, why="merge_heads must undo split_heads: concatenate the heads' features")
    x = np.random.default_rng(13).normal(size=(3, 4, 8))
    assert_allclose(learner.merge_heads(learner.split_heads(x, 2)), x, "merge_heads(split_heads(x, 2))")


@pytest.mark.clause("C8", probes="split_heads accepting D not divisible by n", topic="input validation")
def test_split_heads_rejects_indivisible_dimension(learner):
    x = np.zeros((1, 2, 10))
    with expect_raises(ValueError, call_repr("split_heads", x, 3), "D = 10 is not divisible by n = 3 heads"):
        learner.split_heads(x, 3)


# ----------------------------------------------------------------------------- vs keras.layers.MultiHeadAttention


def keras_core(learner, keras_mha, x_query, x_value, mask):
    """Keras' projections (done here) around the learner's split / attention / merge."""
    w = keras_mha["weights"]

    def project(x, name):
        kernel, bias = w[name]
        return x @ kernel.reshape(D, -1) + bias.reshape(-1)  # (B, T, heads * key_dim), heads in blocks

    q, k, v = (learner.split_heads(project(x, name), HEADS) for x, name in ((x_query, "q"), (x_value, "k"),
                                                                             (x_value, "v")))
    out, weights = learner.scaled_dot_product_attention(q, k, v, mask)
    kernel, bias = w["o"]
    return learner.merge_heads(out) @ kernel.reshape(-1, D) + bias, weights


@pytest.mark.clause("C11", "C3", "C7", "C9", probes="multi-head attention with a padding mask vs Keras",
                    topic="attention and transformers")
@pytest.mark.points(3)
def test_matches_keras_multi_head_attention_with_padding_mask(learner, keras_mha):
    out, weights = keras_core(learner, keras_mha, keras_mha["xq"], keras_mha["xv"], keras_mha["mask"][:, None])
    e_out, e_scores = keras_mha["cross"]
    call = f"multi-head attention ({HEADS} heads) built from split_heads, scaled_dot_product_attention, merge_heads"
    assert_allclose(weights, e_scores, call + ", weights", rtol=1e-7, atol=1e-12, show_expected=False,
                    why="differs from keras.layers.MultiHeadAttention's attention scores")
    assert_allclose(out, e_out, call + ", output", rtol=1e-7, atol=1e-12, show_expected=False,
                    why="differs from keras.layers.MultiHeadAttention given the same projections")


@pytest.mark.clause("C11", "C10", probes="causal multi-head self-attention vs Keras",
                    topic="attention and transformers")
@pytest.mark.points(2)
def test_matches_keras_multi_head_attention_causal(learner, keras_mha):
    out, weights = keras_core(learner, keras_mha, keras_mha["xq"], keras_mha["xq"], learner.causal_mask(TQ))
    e_out, e_scores = keras_mha["causal"]
    call = f"causal self-attention ({HEADS} heads) with causal_mask({TQ})"
    assert_allclose(weights, e_scores, call + ", weights", rtol=1e-7, atol=1e-12, show_expected=False,
                    why="differs from keras.layers.MultiHeadAttention(use_causal_mask=True)")
    assert_allclose(out, e_out, call + ", output", rtol=1e-7, atol=1e-12, show_expected=False)
