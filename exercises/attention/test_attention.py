"""Visible tests for attention: `python grade.py check attention`."""
import numpy as np

from graders.asserts import assert_allclose, assert_equal, assert_shape, call_repr


def test_attention_small_hand_example(learner):
    q = np.array([[1.0, 0.0]])
    k = np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[1.0, 2.0], [3.0, 4.0]])
    out, weights = learner.scaled_dot_product_attention(q, k, v)
    scores = np.array([1.0, 0.0]) / np.sqrt(2.0)  # q . k_j / sqrt(d_k)
    expected_w = np.exp(scores) / np.exp(scores).sum()
    call = call_repr("scaled_dot_product_attention", q, k, v)
    assert_allclose(weights, expected_w[None, :], call + ", weights")
    assert_allclose(out, (expected_w @ v)[None, :], call + ", out")


def test_attention_weights_rows_sum_to_one(learner):
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 6))
    out, weights = learner.scaled_dot_product_attention(q, k, v)
    call = call_repr("scaled_dot_product_attention", q, k, v)
    assert_shape(out, (2, 3, 6), call)
    assert_allclose(np.sum(weights, axis=-1), np.ones((2, 3)), call + ", weights summed over the keys", rtol=1e-9)


def test_masked_key_gets_zero_weight(learner):
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(2, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    mask = np.array([True, False, True])  # True = may attend
    _, weights = learner.scaled_dot_product_attention(q, k, v, mask)
    assert_allclose(weights[:, 1], np.zeros(2), call_repr("scaled_dot_product_attention", q, k, v, mask=mask)
                    + ", weights of the masked key")


def test_split_and_merge_heads(learner):
    x = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
    heads = assert_shape(learner.split_heads(x, 2), (2, 2, 3, 2), call_repr("split_heads", x, 2))
    assert_allclose(heads[:, 1], x[:, :, 2:], "split_heads(x of shape (2, 3, 4), 2)[:, 1] (head 1 = features 2..3)")
    assert_allclose(learner.merge_heads(heads), x, "merge_heads(split_heads(x, 2))")


def test_causal_mask_small(learner):
    expected = np.array([[True, False, False], [True, True, False], [True, True, True]])
    assert_equal(np.asarray(learner.causal_mask(3)).astype(bool), expected, "causal_mask(3)")
