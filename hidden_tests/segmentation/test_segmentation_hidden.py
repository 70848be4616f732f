"""Hidden tests for segmentation (mask IoU/Dice, box IoU, NMS, a small segmenter).

Wrong answers this suite is built to catch (one line each):
- IoU or Dice of two empty masks is nan or 0 instead of the documented 1.0
- Dice without the factor 2, or Dice computed as IoU
- uint8 masks holding 0/255: multiplying them overflows (or 255 is not read as foreground)
- masks of different shapes silently broadcast instead of raising ValueError
- box IoU with the "+1 pixel" convention (area = (y2 - y1 + 1) * (x2 - x1 + 1))
- box IoU that assumes y1 < y2 and x1 < x2 (corners may be any diagonal pair, as in TensorFlow)
- box IoU of touching boxes not 0, zero-area boxes not 0, negative intersections not clipped
- box IoU not pairwise (N, M), or only the diagonal
- NMS that suppresses at IoU >= threshold instead of > threshold (TensorFlow keeps IoU == threshold)
- NMS that breaks score ties by descending index (np.argsort(scores)[::-1]) instead of ascending
- NMS that ignores max_output, returns boxes instead of indices, or returns them in index order
- NMS that compares against all earlier boxes, suppressed ones included, instead of kept ones only
- segmenter with 'valid' padding (output smaller than H x W, as in the seed's sample code)
- segmenter whose last layer is not a single sigmoid channel (relu, softmax, linear, 2 channels)
- segmenter returned uncompiled, or one that does not learn: IoU >= 0.8 on the judge's held-out shapes

Convergence sweep (reference, this file's protocol: fit 10 epochs, batch 16, on 256 judge
images 24x24 with noise 0.4, pooled IoU at 0.5 on 160 held-out images), seeds 0-9:
  0.926 0.935 0.928 0.943 0.921 0.932 0.938 0.923 0.937 0.935 (min 0.921, mean 0.932)
`python grade.py dev sweep segmentation --seeds 10` (2026-11-22, 2-core CPU): min 0.9208, median 0.9335,
max 0.9426, passed on 10/10 seeds.
Threshold 0.80 (margin 0.12 below the worst seed). The untrained reference scores 0.08-0.17 (seeds 0-9),
thresholding the raw image at 0.5 scores 0.55 (foreground is 15% of the pixels).
A first protocol (8 epochs at batch 32) gave min 0.74: too tight, so it was replaced.

Contract (issue 10): float masks must count any nonzero value as foreground (a 0.5 threshold is caught).
Point split: the segmenter's learning test weighs 12, two thirds of the segmenter's 18 points; the metrics and
NMS are most of the exercise, so an untrainable segmenter (tests/corpus/segmentation/mutant_no_gradient_step.diff,
Adam(0.0)) still scores 16.5/20 - under the issue's one-third rule for the whole exercise it would need a
learning weight of about 120 points, which would make the metrics and NMS nearly worthless (left to the lead).
"""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, call_repr, expect_raises
from graders.models import assert_compiled, assert_output_shape, model_spec, rebuild
from graders.plugin import record_history

IOU_THRESHOLD = 0.80


@pytest.fixture(scope="module")
def tf():
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow
    return tensorflow


@pytest.fixture
def seeded(tf):
    import random

    import keras
    random.seed(0)
    np.random.seed(0)
    keras.utils.set_random_seed(0)


# ----------------------------------------------------------------------------- mask metrics

@pytest.mark.clause("C1", probes="the IoU or Dice formula on a small hand example", topic="evaluation metrics")
@pytest.mark.points(1)
def test_mask_metrics_hand_values(learner):
    a = np.array([[1, 1, 0], [0, 1, 0]])
    b = np.array([[1, 0, 0], [0, 1, 1]])
    # |A and B| = 2, |A or B| = 4, |A| + |B| = 6
    assert_scalar_close(learner.iou(a, b), 0.5, call_repr("iou", a, b), rtol=1e-12)
    assert_scalar_close(learner.dice(a, b), 2 * 2 / 6, call_repr("dice", a, b), rtol=1e-12,
                        why="Dice is 2 |A and B| / (|A| + |B|)")
    c = np.zeros((4, 5), bool)
    c[1:3, 1:4] = True
    assert_scalar_close(learner.iou(c, c), 1.0, call_repr("iou", c, c), rtol=1e-12)
    assert_scalar_close(learner.dice(c, ~c), 0.0, call_repr("dice", c, ~c), atol=1e-12)


@pytest.mark.clause("C3", probes="0/0 (nan) for two empty masks instead of the documented convention",
                    topic="evaluation metrics")
@pytest.mark.points(2)
def test_empty_masks_follow_the_convention(learner):
    empty = np.zeros((6, 6), dtype=np.uint8)
    some = empty.copy()
    some[2, 3] = 1
    why = "two empty masks agree perfectly: the documented convention is 1.0, not 0/0"
    assert_scalar_close(learner.iou(empty, empty), 1.0, call_repr("iou", empty, empty), why=why)
    assert_scalar_close(learner.dice(empty, empty), 1.0, call_repr("dice", empty, empty), why=why)
    assert_scalar_close(learner.iou(empty, some), 0.0, call_repr("iou", empty, some), atol=1e-12)
    assert_scalar_close(learner.dice(some, empty), 0.0, call_repr("dice", some, empty), atol=1e-12)


@pytest.mark.clause("C2", probes="0/255 uint8 masks overflowing in products", topic="numerical stability")
@pytest.mark.points(1)
def test_uint8_255_masks(learner):
    rng = np.random.default_rng(3)
    a = (rng.random((64, 64)) < 0.5).astype(np.uint8) * 255
    b = (rng.random((64, 64)) < 0.5).astype(np.uint8) * 255
    ab, bb = a > 0, b > 0
    expected_iou = (ab & bb).sum() / (ab | bb).sum()
    expected_dice = 2 * (ab & bb).sum() / (ab.sum() + bb.sum())
    why = "masks of 0/255 in uint8: any nonzero value is foreground, and uint8 products overflow"
    assert_scalar_close(learner.iou(a, b), expected_iou, call_repr("iou", a, b), rtol=1e-9, why=why,
                        show_expected=False)
    assert_scalar_close(learner.dice(a, b), expected_dice, call_repr("dice", a, b), rtol=1e-9, why=why,
                        show_expected=False)


@pytest.mark.clause("C1", probes="pooled IoU and Dice on random masks of 1 to 4 dimensions", topic="evaluation metrics")
@pytest.mark.points(2)
@pytest.mark.parametrize("shape", [(7,), (16, 16), (3, 12, 10, 1)])
def test_mask_metrics_vs_reference(learner, reference, shape):
    rng = np.random.default_rng(sum(shape))
    for density in (0.05, 0.3, 0.8):
        a = rng.random(shape) < density
        b = (rng.random(shape) < density).astype(np.float32)
        got_iou = assert_scalar_close(learner.iou(a, b), reference.iou(a, b), call_repr("iou", a, b),
                                      rtol=1e-9, show_expected=False)
        got_dice = assert_scalar_close(learner.dice(a, b), reference.dice(a, b), call_repr("dice", a, b),
                                       rtol=1e-9, show_expected=False)
        assert_scalar_close(got_dice, 2 * got_iou / (1 + got_iou), "dice(a, b) vs 2 iou / (1 + iou)",
                            rtol=1e-9, why="Dice and IoU of the same masks satisfy D = 2J / (1 + J)")


@pytest.mark.clause("C4", probes="masks of different shapes broadcast", topic="input validation")
@pytest.mark.points(1)
def test_mask_shape_mismatch_raises(learner):
    a = np.ones((4, 4), bool)
    b = np.ones((4, 1), bool)
    with expect_raises(ValueError, call_repr("iou", a, b), "masks of different shapes must not broadcast"):
        learner.iou(a, b)
    with expect_raises(ValueError, call_repr("dice", a, b), "masks of different shapes must not broadcast"):
        learner.dice(a, b)


# ----------------------------------------------------------------------------- box IoU

@pytest.mark.clause("C5", probes="a +1 pixel in the area, or touching boxes overlapping", topic="evaluation metrics")
@pytest.mark.points(2)
def test_box_iou_hand_values(learner):
    a = np.array([[0, 0, 1, 1], [0, 0, 2, 2]], dtype=np.float64)
    b = np.array([[0, 0, 1, 2], [0, 1, 1, 2], [0.5, 0.5, 1.5, 1.5], [3, 3, 4, 4], [0, 0, 2, 2]], dtype=np.float64)
    expected = np.array([
        [0.5, 0.0, 0.25 / 1.75, 0.0, 0.25],
        [0.5, 0.25, 0.25, 0.0, 1.0],
    ])
    call = call_repr("box_iou", a, b)
    got = learner.box_iou(a, b)
    assert_allclose(got, expected, call, atol=1e-9,
                    why="continuous coordinates: area = (y2 - y1) * (x2 - x1), no +1 pixel; "
                        "touching boxes ([0,0,1,1] and [0,1,1,2]) share no area")


@pytest.mark.clause("C5", probes="corners assumed sorted, or a zero-area box with IoU 1 with itself",
                    topic="evaluation metrics")
@pytest.mark.points(1)
def test_box_iou_corners_in_any_order_and_zero_area(learner):
    a = np.array([[1, 1, 0, 0], [2, 0, 0, 2]], dtype=np.float32)      # same boxes as [0,0,1,1], [0,0,2,2]
    b = np.array([[0, 0, 1, 0.5], [0, 2, 2, 0], [1, 1, 1, 3]], dtype=np.float32)  # last one: zero area
    expected = np.array([[0.5, 0.25, 0.0], [0.125, 1.0, 0.0]])
    assert_allclose(learner.box_iou(a, b), expected, call_repr("box_iou", a, b), atol=1e-6,
                    why="corners may be given as any diagonal pair (take min/max per axis, as TensorFlow "
                        "does), and a box with zero area has IoU 0")
    z = np.array([[1, 1, 1, 1]], dtype=np.float32)
    assert_allclose(learner.box_iou(z, z), np.zeros((1, 1)), call_repr("box_iou", z, z), atol=1e-12,
                    why="a zero-area box has IoU 0, even with itself (0/0 is not 1 here)")


@pytest.mark.clause("C5", probes="box_iou not pairwise, or not symmetric", topic="shapes and broadcasting")
@pytest.mark.points(2)
@pytest.mark.parametrize("n, m", [(1, 1), (7, 3), (20, 25)])
def test_box_iou_vs_reference(learner, reference, n, m):
    rng = np.random.default_rng(10 * n + m)
    def boxes(k):
        yx = rng.uniform(0, 10, (k, 2))
        hw = rng.uniform(0.2, 6, (k, 2))
        return np.concatenate([yx, yx + hw], axis=1).astype(np.float32)
    a, b = boxes(n), boxes(m)
    call = call_repr("box_iou", a, b)
    got = assert_allclose(learner.box_iou(a, b), reference.box_iou(a, b), call, atol=1e-6,
                          show_expected=False, why="box_iou is pairwise: entry [i, j] is IoU(a[i], b[j])")
    assert_allclose(np.asarray(learner.box_iou(b, a)), got.T, call_repr("box_iou", b, a) + " vs the transpose",
                    atol=1e-9, why="IoU is symmetric")


@pytest.mark.clause("C5", probes="no boxes not giving an empty (0, M) matrix", topic="shapes and broadcasting")
@pytest.mark.points(1)
def test_box_iou_with_no_boxes(learner):
    a = np.zeros((0, 4), np.float32)
    b = np.array([[0, 0, 1, 1]], np.float32)
    got = np.asarray(learner.box_iou(a, b))
    assert got.shape == (0, 1), f"called {call_repr('box_iou', a, b)}; got shape {got.shape}, expected (0, 1)"


# ----------------------------------------------------------------------------- NMS

def _nms_indices(value, call):
    array = np.asarray(value)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
        raise AssertionError(f"called {call}; got {array.dtype} array of shape {array.shape}, "
                             f"expected a 1-D array of integer indices")
    return array.astype(np.int64)


def _random_case(case):
    rng = np.random.default_rng(500 + case)
    n = [6, 15, 40, 80, 120, 200][case]
    if case % 2 == 0:  # integer grid: exact ties in IoU and touching boxes are common
        yx = rng.integers(0, 12, (n, 2))
        hw = rng.integers(0, 7, (n, 2))
        boxes = np.concatenate([yx, yx + hw], axis=1).astype(np.float32)
        flip = rng.random(n) < 0.3
        boxes[flip] = boxes[flip][:, [2, 3, 0, 1]]
        scores = (rng.integers(0, 6, n) / 5).astype(np.float32)  # many equal scores
    else:
        yx = rng.uniform(0, 1, (n, 2))
        hw = rng.uniform(0.02, 0.4, (n, 2))
        boxes = np.concatenate([yx, yx + hw], axis=1).astype(np.float32)
        scores = rng.random(n).astype(np.float32)
        scores[rng.random(n) < 0.3] = 0.5
    return boxes, scores


@pytest.mark.clause("C6", "C7", "C8", probes="NMS differing from tf.image.non_max_suppression on random boxes",
                    topic="api contract")
@pytest.mark.points(4)
@pytest.mark.parametrize("case", range(6))
def test_nms_matches_tensorflow(learner, tf, case):
    boxes, scores = _random_case(case)
    n = len(boxes)
    for threshold in (0.0, 0.25, 0.5, 0.7):
        for max_output in (n, 5):
            expected = tf.image.non_max_suppression(boxes, scores, max_output, iou_threshold=threshold).numpy()
            call = (call_repr("non_max_suppression", boxes, scores, threshold, max_output)
                    .replace("x of shape", "boxes of shape"))
            got = _nms_indices(learner.non_max_suppression(boxes, scores, threshold, max_output), call)
            assert_equal(got, expected, call, show_expected=False,
                         why="kept indices differ from tf.image.non_max_suppression: check the visiting order "
                             "(score, then index), the strict '>' test, and that only kept boxes suppress")


@pytest.mark.clause("C8", probes="a box suppressed at IoU equal to the threshold", topic="api contract")
@pytest.mark.points(2)
def test_nms_iou_equal_to_threshold_is_kept(learner):
    boxes = np.array([[0, 0, 2, 2], [0, 0, 2, 1], [0, 2, 2, 4]], dtype=np.float32)
    scores = np.array([0.9, 0.8, 0.7], dtype=np.float32)
    why = "a box is suppressed only when its IoU is strictly greater than iou_threshold"
    call = call_repr("non_max_suppression", boxes, scores, 0.5, 10)
    assert_equal(_nms_indices(learner.non_max_suppression(boxes, scores, 0.5, 10), call), [0, 1, 2], call, why=why)
    call = call_repr("non_max_suppression", boxes, scores, 0.0, 10)
    assert_equal(_nms_indices(learner.non_max_suppression(boxes, scores, 0.0, 10), call), [0, 2], call,
                 why=why + "; touching boxes have IoU exactly 0")


@pytest.mark.clause("C7", "C6", probes="equal scores not visited by index, or more than max_output",
                    topic="api contract")
@pytest.mark.points(2)
def test_nms_ties_are_broken_by_index(learner):
    boxes = np.array([[0, 0, 1, 1], [5, 5, 6, 6], [0, 0, 1, 1], [5, 5, 6, 6], [9, 9, 10, 10]], dtype=np.float32)
    scores = np.full(5, 0.5, dtype=np.float32)
    call = call_repr("non_max_suppression", boxes, scores, 0.5, 10)
    assert_equal(_nms_indices(learner.non_max_suppression(boxes, scores, 0.5, 10), call), [0, 1, 4], call,
                 why="equal scores are visited in increasing index order (a stable sort of -scores)")
    call = call_repr("non_max_suppression", boxes, scores, 0.5, 2)
    assert_equal(_nms_indices(learner.non_max_suppression(boxes, scores, 0.5, 2), call), [0, 1], call,
                 why="at most max_output indices")


@pytest.mark.clause("C6", probes="suppressed boxes suppressing others, or indices not highest score first",
                    topic="api contract")
@pytest.mark.points(1)
def test_nms_order_and_chain(learner):
    # 1 overlaps 0 and 2 overlaps 1, but 2 does not overlap 0: 2 survives because 1 was suppressed.
    boxes = np.array([[0, 0, 1, 2], [0, 1, 1, 3], [0, 2, 1, 4], [0, 10, 1, 11]], dtype=np.float32)
    scores = np.array([0.3, 0.2, 0.1, 0.9], dtype=np.float32)
    call = call_repr("non_max_suppression", boxes, scores, 0.3, 10)
    assert_equal(_nms_indices(learner.non_max_suppression(boxes, scores, 0.3, 10), call), [3, 0, 2], call,
                 why="indices come highest score first, and only kept boxes suppress others")
    empty = np.zeros((0, 4), np.float32)
    call = call_repr("non_max_suppression", empty, np.zeros(0, np.float32), 0.5, 3)
    got = np.asarray(learner.non_max_suppression(empty, np.zeros(0, np.float32), 0.5, 3))
    assert got.shape == (0,), f"called {call}; got shape {got.shape}, expected (0,)"


# ----------------------------------------------------------------------------- segmenter

@pytest.mark.clause("C9", probes="valid padding shrinking the image, or no sigmoid", topic="convolutions")
@pytest.mark.points(2)
@pytest.mark.parametrize("input_shape", [(24, 24, 1), (16, 40, 3), (32, 8, 2)])
def test_segmenter_keeps_height_and_width(learner, seeded, input_shape):
    call = f"build_segmenter({input_shape})"
    spec = model_spec(learner.build_segmenter(input_shape))
    assert_output_shape(spec, (None, input_shape[0], input_shape[1], 1), call)
    last = spec["layers"][-1]
    activation = last["config"].get("activation")
    if last["class_name"] == "Activation" or activation is not None:
        assert activation == "sigmoid", (
            f"called {call}; the last layer ({last['class_name']} '{last['name']}') has activation "
            f"{activation!r}, expected 'sigmoid': one foreground probability per pixel")
    assert_compiled(spec, call)
    probs = np.asarray(judge_copy(spec)(np.random.default_rng(0).normal(0, 20, (2,) + input_shape).astype(np.float32)))
    assert probs.min() >= 0 and probs.max() <= 1, (
        f"called {call}; on large inputs the output leaves [0, 1] (min {probs.min():.3g}, max {probs.max():.3g}) "
        f"- the output should be a sigmoid probability")


def judge_copy(spec):
    """rebuild() without the compile settings: a custom loss (e.g. Dice) need not be rebuilt to evaluate."""
    spec = dict(spec)
    spec["config"] = {k: v for k, v in spec["config"].items() if k != "compile_config"}
    return rebuild(spec)


def judge_shapes(n, height, width, seed, noise=0.4):
    """The judge's own shapes: discs, ellipses and rectangles in Gaussian noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    images = np.zeros((n, height, width, 1), np.float32)
    masks = np.zeros((n, height, width, 1), np.float32)
    for i in range(n):
        mask = np.zeros((height, width), bool)
        for _ in range(rng.integers(1, 3)):
            kind = rng.integers(0, 3)
            cy, cx = rng.uniform(3, height - 3), rng.uniform(3, width - 3)
            if kind == 0:
                r = rng.uniform(2.5, min(height, width) / 4)
                mask |= (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
            elif kind == 1:
                ry, rx = rng.uniform(2, height / 4), rng.uniform(2, width / 4)
                mask |= ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1
            else:
                hy, hx = rng.uniform(2, height / 4), rng.uniform(2, width / 4)
                mask |= (np.abs(yy - cy) <= hy) & (np.abs(xx - cx) <= hx)
        masks[i, ..., 0] = mask
        images[i, ..., 0] = mask + rng.normal(0.0, noise, (height, width))
    return images, masks


def train_and_score(module, seed):
    """Judge protocol: fit the learner's compiled model, rebuild it here, pooled IoU on held-out shapes.
    -> (IoU, the fit's History)"""
    x_train, y_train = judge_shapes(256, 24, 24, seed=1000 + seed)
    x_test, y_test = judge_shapes(160, 24, 24, seed=2000 + seed)
    import keras

    keras.utils.set_random_seed(seed)  # the judge's process; a secure-mode worker draws its own initial weights
    model = module.build_segmenter((24, 24, 1))
    history = model.fit(x_train, y_train, epochs=10, batch_size=16, verbose=0)
    judge = judge_copy(model_spec(model))
    probs = np.asarray(judge(x_test, training=False))
    pred, truth = probs > 0.5, y_test > 0.5
    return float((pred & truth).sum() / (pred | truth).sum()), history


@pytest.mark.clause("C10", probes="a segmenter that does not learn the shapes", topic="training and convergence")
@pytest.mark.points(12)
@pytest.mark.convergence
def test_segmenter_learns_synthetic_shapes(learner, tf, train_seed, record_metric, record_series):
    score, history = train_and_score(learner, seed=train_seed)
    record_history(record_series, history)
    record_metric("held_out_iou", score, IOU_THRESHOLD)
    assert score >= IOU_THRESHOLD, (
        f"trained build_segmenter((24, 24, 1)) with its own compile settings for 10 epochs (batch 16, seed "
        f"{train_seed}) on 256 noisy "
        f"images of shapes; the judge measured IoU {score:.3f} on held-out images, expected >= {IOU_THRESHOLD} "
        f"- check padding='same', a sigmoid output, a per-pixel binary loss and a workable learning rate")


# ----------------------------------------------------------------------------- contract: any nonzero value

@pytest.mark.clause("C2", probes="float masks thresholded (e.g. at 0.5) or compared with 1 instead of 'nonzero'",
                    topic="api contract")
@pytest.mark.points(1)
def test_any_nonzero_float_is_foreground(learner):
    rng = np.random.default_rng(7)
    a = np.where(rng.random((8, 8)) < 0.4, rng.choice([0.3, -1.0, 2.5], (8, 8)), 0.0)
    b = np.where(rng.random((8, 8)) < 0.4, 0.2, 0.0)
    ab, bb = a != 0, b != 0
    why = "any nonzero value is foreground (0.2, 0.3 and -1.0 included), not only 1 or values above 0.5"
    assert_scalar_close(learner.iou(a, b), (ab & bb).sum() / (ab | bb).sum(), call_repr("iou", a, b), rtol=1e-9,
                        why=why, show_expected=False)
    assert_scalar_close(learner.dice(a, b), 2 * (ab & bb).sum() / (ab.sum() + bb.sum()), call_repr("dice", a, b),
                        rtol=1e-9, why=why, show_expected=False)
