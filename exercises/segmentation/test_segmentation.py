"""Visible tests for segmentation: `python grade.py check segmentation`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, call_repr
from graders.models import assert_output_shape, model_spec


def test_iou_and_dice_small_example(learner):
    a = np.array([[1, 1, 0], [0, 1, 0]])
    b = np.array([[1, 0, 0], [0, 1, 1]])
    # intersection 2 pixels, union 4 pixels, |A| + |B| = 6
    assert_scalar_close(learner.iou(a, b), 0.5, call_repr("iou", a, b))
    assert_scalar_close(learner.dice(a, b), 4 / 6, call_repr("dice", a, b))


def test_two_empty_masks(learner):
    empty = np.zeros((3, 3), bool)
    assert_scalar_close(learner.iou(empty, empty), 1.0, call_repr("iou", empty, empty),
                        why="the documented convention for two empty masks is 1.0")


def test_box_iou_is_pairwise(learner):
    a = np.array([[0, 0, 2, 2]], dtype=float)
    b = np.array([[0, 0, 2, 2], [1, 1, 3, 3], [2, 0, 4, 2]], dtype=float)
    # identical; overlap 1 of union 7; touching along y = 2
    assert_allclose(learner.box_iou(a, b), [[1.0, 1 / 7, 0.0]], call_repr("box_iou", a, b), atol=1e-9)


def test_nms_small_example(learner):
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], dtype=np.float32)
    scores = np.array([0.6, 0.9, 0.5], dtype=np.float32)
    # box 1 wins; box 0 overlaps it with IoU 81/119 > 0.5; box 2 is far away
    got = learner.non_max_suppression(boxes, scores, 0.5, 10)
    assert_equal(got, [1, 2], call_repr("non_max_suppression", boxes, scores, 0.5, 10))


@pytest.mark.points(2)
def test_segmenter_output_shape(learner):
    spec = model_spec(learner.build_segmenter((24, 24, 1)))
    assert_output_shape(spec, (None, 24, 24, 1), "build_segmenter((24, 24, 1))")
