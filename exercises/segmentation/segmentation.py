"""Segmentation and detection basics: mask IoU / Dice, box IoU, non-max suppression, a segmenter.

Run the visible tests with `python grade.py check segmentation`; the statement is README.md.
Conventions:
* masks: numpy arrays of the same shape; any nonzero value is foreground;
  IoU and Dice of two empty masks are 1.0 (they agree perfectly);
* boxes: float arrays of shape (N, 4), rows [y1, x1, y2, x2] in continuous coordinates;
  (y1, x1) and (y2, x2) may be any diagonal pair of corners (as in tf.image.non_max_suppression);
  area = (y2 - y1) * (x2 - x1), no "+1 pixel"; a zero-area box has IoU 0 with every box;
* NMS: visit boxes by decreasing score (equal scores: lower index first); drop a box whose IoU
  with an already KEPT box is strictly greater than iou_threshold.
Do not call tf.image.non_max_suppression or keras' IoU metrics: write them with numpy.
"""
import numpy as np


def iou(a, b):
    """Intersection over union of two masks of the same shape -> float in [0, 1].

    |A and B| / |A or B| over all elements; 1.0 when both masks are empty.
    Raises ValueError when the shapes differ.
    """
    # TODO
    raise NotImplementedError("iou")


def dice(a, b):
    """Dice coefficient 2 |A and B| / (|A| + |B|) -> float in [0, 1]; 1.0 when both are empty.

    Raises ValueError when the shapes differ.
    """
    # TODO
    raise NotImplementedError("dice")


def box_iou(boxes_a, boxes_b):
    """Pairwise IoU of boxes_a (N, 4) and boxes_b (M, 4) -> float array (N, M).

    Entry [i, j] is IoU(boxes_a[i], boxes_b[j]). Rows are [y1, x1, y2, x2], corners in any order.
    """
    # TODO: vectorise with broadcasting: [:, None] against [None, :]
    raise NotImplementedError("box_iou")


def non_max_suppression(boxes, scores, iou_threshold, max_output):
    """Greedy NMS -> 1-D integer array of kept indices, highest score first, at most max_output.

    boxes (N, 4), scores (N,). Must give the same indices as
    tf.image.non_max_suppression(boxes, scores, max_output, iou_threshold).
    """
    # TODO
    raise NotImplementedError("non_max_suppression")


def build_segmenter(input_shape):
    """A compiled Keras model mapping (None, H, W, C) images to (None, H, W, 1) probabilities.

    input_shape = (H, W, C) with H and W multiples of 8. Keep H x W (padding="same"), end with
    one sigmoid channel, and compile it with an optimizer and a per-pixel loss; standard layers only.
    The grader fits it with model.fit(images, masks, epochs=10, batch_size=16) on its own shapes.
    """
    # TODO
    raise NotImplementedError("build_segmenter")


# ----------------------------------------------------------------------------- given helper

def make_shapes(n, height, width, seed, noise=0.4):
    """Given helper: n noisy images (n, H, W, 1) float32 of 1-2 discs/rectangles, and their masks."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    images = np.zeros((n, height, width, 1), np.float32)
    masks = np.zeros((n, height, width, 1), np.float32)
    for i in range(n):
        mask = np.zeros((height, width), bool)
        for _ in range(rng.integers(1, 3)):
            if rng.random() < 0.5:
                cy, cx = rng.uniform(3, height - 3), rng.uniform(3, width - 3)
                r = rng.uniform(2.5, min(height, width) / 4)
                mask |= (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
            else:
                y1, x1 = rng.integers(0, height - 5), rng.integers(0, width - 5)
                y2, x2 = y1 + rng.integers(4, height // 2), x1 + rng.integers(4, width // 2)
                mask[y1:y2, x1:x2] = True
        masks[i, ..., 0] = mask
        images[i, ..., 0] = mask + rng.normal(0.0, noise, (height, width))
    return images, masks
