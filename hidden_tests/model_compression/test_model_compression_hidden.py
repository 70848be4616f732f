"""Hidden tests for model_compression.

Wrong answers this suite is built to catch (one line each):
- pruning with a threshold (|w| <= t or |w| < t): ties at the threshold prune too many or too few
- pruning the smallest signed values instead of the smallest magnitudes (large negative weights lost)
- the number pruned truncated (int(0.29 * 100) = 28) instead of rounded (29)
- a sparsity outside [0, 1] accepted silently
- uint8-style quantisation: q in 0..255 (or an int8 array that wraps around)
- int8 range clipped to [-127, 127] with an asymmetric 255-step scale (the minimum loses a full step)
- scale = (max - min) / 256 (the top value no longer fits: error above scale / 2)
- the range [min(w), max(w)] without 0: an exact 0 (padding, ReLU output) is no longer exact
- truncation (astype) instead of rounding: error up to a full step
- dequantize forgets the zero point, or subtracts it in int8 (overflow)
- distillation without the T^2 factor on the soft term
- KL divergence in the wrong direction (KL(student || teacher))
- the student's logits not divided by T in the soft term
- alpha weighting the soft term instead of the hard one
- cross-entropy with the teacher's soft targets instead of KL (off by the teacher's entropy)
- softmax without subtracting the maximum (nan for logits of 1e3)
- the pruned count rounded half up (int(s * n + 0.5)) where the statement says Python's round (half to even)
- q or the zero point rounded half up (floor(x + 0.5)) instead of numpy's half-to-even: weights chosen so that
  scale = 0.125 exactly and every w / scale, and -128 - lo / scale, end in .5
- a scale of its own (eps, 1e-8) for an all-zero tensor where the statement fixes 1.0
- a zero point returned as a float, a loss returned as an array

Every check is exact (or against TensorFlow's frozen values at rtol 1e-9): nothing trains, so there is no
seed sweep to record.
"""
from pathlib import Path

import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, assert_finite, as_array, call_repr, expect_raises


# ------------------------------------------------------------------ pruning

def check_pruning(learner, w, sparsity):
    call = call_repr("magnitude_prune", w, sparsity=sparsity)
    pruned, mask = learner.magnitude_prune(w, sparsity)
    mask = as_array(mask, call, "mask")
    if mask.dtype != np.bool_ or mask.shape != w.shape:
        raise AssertionError(f"called {call}; mask is {mask.dtype} of shape {mask.shape}, expected bool of shape {w.shape}")
    pruned = as_array(pruned, call, "pruned weights")
    if pruned.dtype != w.dtype:
        raise AssertionError(f"called {call}; pruned weights have dtype {pruned.dtype}, expected {w.dtype} like w")
    n_pruned = int(np.sum(~mask))
    expected = int(round(sparsity * w.size))
    if n_pruned != expected:
        raise AssertionError(f"called {call}; {n_pruned} of {w.size} weights pruned, expected round({sparsity} * {w.size}) "
                             f"= {expected} - with tied magnitudes a threshold alone does not give an exact count")
    assert_equal(pruned, np.where(mask, w, 0).astype(w.dtype), call + " pruned weights",
                 why="kept weights unchanged, pruned weights exactly 0")
    if 0 < n_pruned < w.size and np.max(np.abs(w[~mask])) > np.min(np.abs(w[mask])):
        raise AssertionError(f"called {call}; a weight of magnitude {np.max(np.abs(w[~mask])):.3g} was pruned while one of "
                             f"magnitude {np.min(np.abs(w[mask])):.3g} was kept - prune the smallest |w|")
    return pruned, mask


@pytest.mark.clause("C1", "C2", probes="count, shape, dtype or mask of the pruned weights", topic="model compression")
@pytest.mark.points(2)
@pytest.mark.parametrize("shape, sparsity, dtype", [
    ((10, 10), 0.29, np.float64), ((3, 3, 4, 8), 0.5, np.float32), ((7,), 0.3, np.float64),
    ((100,), 0.9, np.float32), ((5, 5), 0.0, np.float64), ((5, 5), 1.0, np.float64),
])
def test_prune_exact_sparsity(learner, shape, sparsity, dtype):
    w = np.random.default_rng(int(np.prod(shape))).normal(size=shape).astype(dtype)
    check_pruning(learner, w, sparsity)


@pytest.mark.clause("C1", probes="a magnitude threshold that prunes too many or too few on ties",
                    topic="model compression")
@pytest.mark.points(2)
@pytest.mark.parametrize("sparsity", [0.3, 0.55])
def test_prune_exact_count_with_ties(learner, sparsity):
    w = np.random.default_rng(1).choice(np.array([-2.0, -1.0, 1.0, 2.0, 3.0]), size=(8, 5))
    check_pruning(learner, w, sparsity)


@pytest.mark.clause("C1", probes="pruning the smallest signed values instead of the smallest |w|",
                    topic="model compression")
@pytest.mark.points(2)
def test_prune_by_magnitude_not_value(learner):
    w = np.array([-5.0, 0.1, -0.2, 4.0, -3.0, 0.3])
    _, mask = check_pruning(learner, w, 0.5)
    assert_equal(mask, [True, False, False, True, True, False], call_repr("magnitude_prune", w, sparsity=0.5) + " mask",
                 why="large negative weights matter as much as large positive ones: compare |w|")


@pytest.mark.points(2)
@pytest.mark.clause("C1", probes="the count rounded half up (int(s * n + 0.5)) instead of with Python's round",
                    topic="model compression")
@pytest.mark.parametrize("shape, sparsity", [((10,), 0.25), ((6,), 0.75), ((2, 7), 0.25)])
def test_prune_count_uses_pythons_round(learner, shape, sparsity):
    w = np.random.default_rng(sum(shape)).normal(size=shape)
    call = call_repr("magnitude_prune", w, sparsity=sparsity)
    _, mask = learner.magnitude_prune(w, sparsity)
    n_pruned = int(np.sum(~as_array(mask, call, "mask")))
    if n_pruned != round(sparsity * w.size):
        raise AssertionError(f"called {call}; {n_pruned} of {w.size} weights pruned, but sparsity * w.size = "
                             f"{sparsity * w.size:g} lies exactly half-way - the statement says Python's round, "
                             f"which rounds halves to the even neighbour")
    check_pruning(learner, w, sparsity)


@pytest.mark.clause("C3", probes="a sparsity outside [0, 1] accepted", topic="input validation")
@pytest.mark.parametrize("sparsity", [-0.1, 1.5])
def test_prune_rejects_bad_sparsity(learner, sparsity):
    w = np.ones((2, 2))
    with expect_raises(ValueError, call_repr("magnitude_prune", w, sparsity), "sparsity must lie in [0, 1]"):
        learner.magnitude_prune(w, sparsity)


# ------------------------------------------------------------------ quantisation

def quantized(learner, w):
    call = call_repr("quantize_int8", w)
    q, scale, zero_point = learner.quantize_int8(w)
    q = as_array(q, call, "q")
    if q.dtype != np.int8:
        raise AssertionError(f"called {call}; q has dtype {q.dtype}, expected int8 (values -128..127)")
    if q.shape != w.shape:
        raise AssertionError(f"called {call}; q has shape {q.shape}, expected {w.shape}")
    scale = float(scale)
    if not np.isfinite(scale) or scale <= 0:
        raise AssertionError(f"called {call}; scale is {scale}, expected a positive number")
    if int(zero_point) != zero_point or not -128 <= int(zero_point) <= 127:
        raise AssertionError(f"called {call}; zero_point is {zero_point!r}, expected an integer in -128..127")
    return call, q, scale, int(zero_point)


WEIGHTS = {
    "mixed": lambda rng: rng.normal(size=(6, 7)),
    "positive": lambda rng: rng.uniform(1.0, 3.0, size=50),
    "negative": lambda rng: -rng.uniform(0.5, 2.0, size=(5, 4)),
    "large": lambda rng: 1e3 * rng.normal(size=200),
    "tiny": lambda rng: 1e-6 * rng.normal(size=30),
    "float32": lambda rng: rng.normal(size=(3, 3, 2, 4)).astype(np.float32),
}


@pytest.mark.clause("C4", "C5", "C7", probes="truncation, a 256-step scale or clipping inside the range",
                    topic="model compression")
@pytest.mark.points(2)
@pytest.mark.parametrize("kind", list(WEIGHTS))
def test_round_trip_error_at_most_half_a_step(learner, kind):
    w = WEIGHTS[kind](np.random.default_rng(len(kind)))
    call, q, scale, zero_point = quantized(learner, w)
    back = as_array(learner.dequantize(q, scale, zero_point), call_repr("dequantize", q, scale=scale, zero_point=zero_point))
    error = float(np.max(np.abs(back.astype(np.float64) - w.astype(np.float64))))
    limit = scale / 2 * (1 + 1e-6) + 1e-12 * scale
    assert error <= limit, (f"called dequantize(quantize_int8(w)) on {kind} weights; largest error {error:.4g} is above "
                            f"scale / 2 = {scale / 2:.4g} - round (do not truncate), use all 256 levels, and do not clip "
                            f"values inside the range")


@pytest.mark.clause("C4", "C5", probes="uint8 levels or a range clipped to -127..127", topic="model compression")
@pytest.mark.points(2)
def test_uses_the_full_int8_range(learner):
    w = np.random.default_rng(3).normal(size=100)
    call, q, _, _ = quantized(learner, w)
    assert int(q.min()) == -128 and int(q.max()) == 127, \
        f"called {call}; q spans {int(q.min())}..{int(q.max())}, expected -128..127 (min(w) -> -128, max(w) -> 127)"


@pytest.mark.clause("C4", "C7", probes="a range that does not contain 0", topic="model compression")
@pytest.mark.points(2)
def test_zero_stays_exactly_zero(learner):
    w = np.maximum(np.random.default_rng(4).normal(size=(8, 8)), 0.0) + 0.5 * (np.arange(64).reshape(8, 8) % 7 == 0)
    w[0, 0], w[3, 5] = 0.0, 0.0
    call, q, scale, zero_point = quantized(learner, w)
    back = np.asarray(learner.dequantize(q, scale, zero_point))
    assert np.all(back[w == 0] == 0), (f"called dequantize(quantize_int8(w)) with w >= 0 containing zeros; zeros came back "
                                       f"as {back[w == 0][back[w == 0] != 0][:3]} - include 0 in the quantised range so that "
                                       f"it is exactly representable (padding, ReLU outputs)")


@pytest.mark.clause("C4", "C5", "C6", probes="scale or zero point off the documented formula",
                    topic="model compression")
@pytest.mark.points(2)
@pytest.mark.parametrize("kind", ["mixed", "positive", "negative"])
def test_quantization_matches_reference(learner, reference, kind):
    w = WEIGHTS[kind](np.random.default_rng(10 + len(kind)))
    call, q, scale, zero_point = quantized(learner, w)
    ref_q, ref_scale, ref_zero_point = reference.quantize_int8(w)
    why = "affine int8: range [min(w, 0), max(w, 0)] over 255 steps, zero_point = round(-128 - min / scale)"
    assert_allclose(np.float64(scale), ref_scale, call + " scale", rtol=1e-9, why=why, show_expected=False)
    assert zero_point == ref_zero_point, f"called {call}; zero_point {zero_point} is not the documented one - {why}"
    off = np.abs(q.astype(int) - ref_q.astype(int))
    assert off.max() <= 1 and np.mean(off > 0) <= 0.02, f"called {call}; q differs from the documented rounding - {why}"


@pytest.mark.points(2)
@pytest.mark.clause("C5", probes="rounding halves up (floor(x + 0.5), int(x + 0.5)) instead of numpy's half-to-even",
                    topic="model compression")
def test_quantization_rounds_half_to_even(learner, reference):
    # scale is exactly 0.125 here, -128 - lo / scale = -1.5, and every w / scale ends in .5
    w = np.array([-15.8125, 16.0625, 0.0625, 0.3125, 0.5625, -0.1875, -0.4375, 1.0625, -1.1875, 3.0625])
    call, q, scale, zero_point = quantized(learner, w)
    ref_q, _, ref_zero_point = reference.quantize_int8(w)
    why = ("these weights sit exactly half-way between two levels; round with numpy's round-half-to-even "
           "(np.round), for the zero point and for q")
    if zero_point != ref_zero_point:
        raise AssertionError(f"called {call}; zero_point {zero_point} is off: -128 - lo / scale lies exactly "
                             f"half-way between two integers - {why}")
    assert_equal(q, ref_q, call + " q", why=why, show_expected=False)


@pytest.mark.clause("C4", "C6", probes="a made-up scale for a constant tensor (hi == lo)", topic="model compression")
def test_all_zero_tensor_gets_scale_one(learner):
    w = np.zeros((2, 5))
    call, q, scale, zero_point = quantized(learner, w)
    if scale != 1.0:
        raise AssertionError(f"called {call}; scale is {scale!r} - when hi == lo (an all-zero tensor) the statement "
                             f"fixes scale = 1.0")
    assert zero_point == -128, (f"called {call}; zero_point is {zero_point} - with scale 1.0 and lo = 0, "
                                f"zero_point = round(-128 - lo / scale)")
    assert_equal(q, np.full(w.shape, zero_point, dtype=np.int8), call + " q", why="q = round(w / scale) + zero_point")


@pytest.mark.clause("C6", "C8", probes="numbers returned as arrays or floats where a float or an int is promised",
                    topic="api contract")
def test_returned_numbers_have_the_documented_types(learner):
    w = np.random.default_rng(12).normal(size=(4, 4))
    call = call_repr("quantize_int8", w)
    _, scale, zero_point = learner.quantize_int8(w)
    if not isinstance(scale, (float, np.floating)):
        raise AssertionError(f"called {call}; scale is {type(scale).__name__}, expected a float")
    if isinstance(zero_point, (bool, np.bool_)) or not isinstance(zero_point, (int, np.integer)):
        raise AssertionError(f"called {call}; zero_point is {zero_point!r} ({type(zero_point).__name__}), expected "
                             f"an int (it is added to integer levels; a float zero point is not exact)")
    student, teacher, y = logits(13)
    call = call_repr("distillation_loss", student, teacher_logits=teacher, y=y, T=2.0, alpha=0.5)
    loss = learner.distillation_loss(student, teacher, y, 2.0, 0.5)
    if not isinstance(loss, (float, np.floating)):
        raise AssertionError(f"called {call}; got {type(loss).__name__}, expected a float (the batch mean)")


@pytest.mark.clause("C4", "C7", probes="an all-zero tensor divides by a zero range", topic="numerical stability")
def test_all_zero_tensor(learner):
    w = np.zeros((3, 4))
    call, q, scale, zero_point = quantized(learner, w)
    back = learner.dequantize(q, scale, zero_point)
    assert_allclose(back, np.zeros((3, 4)), call_repr("dequantize", q, scale=scale, zero_point=zero_point), atol=0.0)


@pytest.mark.clause("C7", probes="q - zero_point computed in int8 (overflow)", topic="numerical stability")
@pytest.mark.points(2)
def test_dequantize_widens_before_subtracting(learner):
    q = np.array([127, -128, 0, 5], dtype=np.int8)
    call = call_repr("dequantize", q, scale=0.5, zero_point=-128)
    assert_allclose(learner.dequantize(q, 0.5, -128), [127.5, 0.0, 64.0, 66.5], call,
                    why="127 - (-128) does not fit in int8: convert q to float (or int32) before subtracting")


# ------------------------------------------------------------------ distillation

@pytest.fixture(scope="module")
def tf_golden():
    """TensorFlow's loss on fixed logits, frozen in tf_golden.npz by make_tf_golden.py (TensorFlow's import
    alone would take most of this suite's budget); `make_tf_golden.py --check` re-verifies it, and the kit's
    own tests run that check."""
    with np.load(Path(__file__).with_name("tf_golden.npz"), allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def logits(seed, n=16, c=5, spread=3.0):
    rng = np.random.default_rng(seed)
    return spread * rng.normal(size=(n, c)), spread * rng.normal(size=(n, c)), rng.integers(0, c, n)


@pytest.mark.clause("C8", probes="the loss differs from TensorFlow's (T^2, KL direction, softened student, alpha)",
                    topic="model compression")
@pytest.mark.points(3)
@pytest.mark.parametrize("case", range(4))
def test_distillation_matches_tensorflow(learner, tf_golden, case):
    T, alpha = (float(v) for v in tf_golden["cases"][case])
    student, teacher, y = (tf_golden[f"{name}_{case}"] for name in ("student", "teacher", "y"))
    call = call_repr("distillation_loss", student, teacher_logits=teacher, y=y, T=T, alpha=alpha)
    got = learner.distillation_loss(student, teacher, y, T, alpha)
    assert_allclose(np.float64(got), float(tf_golden[f"loss_{case}"]), call, rtol=1e-9, show_expected=False,
                    why="alpha * CE(y, softmax(student)) + (1 - alpha) * T^2 * KL(softmax(teacher / T) || "
                        "softmax(student / T)), both averaged over the batch")


@pytest.mark.clause("C8", probes="no T^2 factor on the soft term", topic="model compression")
@pytest.mark.points(2)
def test_soft_term_has_the_t_squared_factor(learner, reference):
    student, teacher, y = logits(7)
    values = {T: float(learner.distillation_loss(student, teacher, y, T, 0.0)) for T in (1.0, 4.0)}
    for T, got in values.items():
        expected = reference.distillation_loss(student, teacher, y, T, 0.0)
        call = call_repr("distillation_loss", student, teacher_logits=teacher, y=y, T=T, alpha=0.0)
        assert_allclose(np.float64(got), expected, call, rtol=1e-9, show_expected=False,
                        why="the soft term is multiplied by T^2: softening by T shrinks its gradients by 1/T^2")


@pytest.mark.clause("C8", probes="cross-entropy with soft targets instead of KL; alpha on the wrong term",
                    topic="model compression")
@pytest.mark.points(2)
def test_identical_logits_leave_only_the_hard_term(learner, reference):
    student, _, y = logits(8)
    call = call_repr("distillation_loss", student, teacher_logits=student, y=y, T=3.0, alpha=0.0)
    assert_allclose(np.float64(learner.distillation_loss(student, student, y, 3.0, 0.0)), 0.0, call, atol=1e-12,
                    why="a student that matches its teacher has zero soft loss: use KL divergence, not the "
                        "cross-entropy with soft targets (which adds the teacher's entropy)")
    call = call_repr("distillation_loss", student, teacher_logits=student, y=y, T=3.0, alpha=0.6)
    assert_allclose(np.float64(learner.distillation_loss(student, student, y, 3.0, 0.6)),
                    reference.distillation_loss(student, student, y, 3.0, 0.6), call, rtol=1e-9, show_expected=False,
                    why="alpha weights the hard (label) term")


@pytest.mark.clause("C9", probes="softmax without subtracting the row maximum", topic="numerical stability")
@pytest.mark.points(2)
def test_large_logits_stay_finite(learner, reference):
    student, teacher, y = logits(9, spread=400.0)
    call = call_repr("distillation_loss", student, teacher_logits=teacher, y=y, T=2.0, alpha=0.5) + " with |logits| ~ 1e3"
    got = assert_finite(np.float64(learner.distillation_loss(student, teacher, y, 2.0, 0.5)), call,
                        why="exp overflows; subtract the row maximum (log-softmax) before exponentiating")
    assert_allclose(got, reference.distillation_loss(student, teacher, y, 2.0, 0.5), call, rtol=1e-9, show_expected=False)
