"""Segmentation and detection basics: mask IoU / Dice, box IoU, NMS, a small fully-convolutional segmenter.

Reference solution. Conventions (see the README):
* masks: any nonzero value is foreground; IoU and Dice of two empty masks are 1.0;
* boxes: [y1, x1, y2, x2] in continuous coordinates, any diagonal pair of corners;
  area = (y2 - y1) * (x2 - x1) (no +1); a box with zero area has IoU 0 with everything;
* NMS: visit boxes by decreasing score (equal scores: lower index first), drop a box
  whose IoU with an already kept box is strictly greater than the threshold.
"""
import numpy as np


def _masks(a, b):
    a, b = np.asarray(a) != 0, np.asarray(b) != 0
    if a.shape != b.shape:
        raise ValueError(f"masks must have the same shape, got {a.shape} and {b.shape}")
    return a, b


def iou(a, b):
    """|A and B| / |A or B|; 1.0 when both masks are empty."""
    a, b = _masks(a, b)
    union = np.count_nonzero(a | b)
    if union == 0:
        return 1.0
    return np.count_nonzero(a & b) / union


def dice(a, b):
    """2 |A and B| / (|A| + |B|); 1.0 when both masks are empty."""
    a, b = _masks(a, b)
    total = np.count_nonzero(a) + np.count_nonzero(b)
    if total == 0:
        return 1.0
    return 2.0 * np.count_nonzero(a & b) / total


def _corners(boxes):
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    y1 = np.minimum(boxes[:, 0], boxes[:, 2])
    y2 = np.maximum(boxes[:, 0], boxes[:, 2])
    x1 = np.minimum(boxes[:, 1], boxes[:, 3])
    x2 = np.maximum(boxes[:, 1], boxes[:, 3])
    return y1, x1, y2, x2


def box_iou(boxes_a, boxes_b):
    """Pairwise IoU, shape (N, M), of boxes_a (N, 4) and boxes_b (M, 4)."""
    ay1, ax1, ay2, ax2 = _corners(boxes_a)
    by1, bx1, by2, bx2 = _corners(boxes_b)
    area_a = (ay2 - ay1) * (ax2 - ax1)
    area_b = (by2 - by1) * (bx2 - bx1)
    h = np.clip(np.minimum(ay2[:, None], by2[None, :]) - np.maximum(ay1[:, None], by1[None, :]), 0, None)
    w = np.clip(np.minimum(ax2[:, None], bx2[None, :]) - np.maximum(ax1[:, None], bx1[None, :]), 0, None)
    inter = h * w
    union = area_a[:, None] + area_b[None, :] - inter
    valid = (area_a[:, None] > 0) & (area_b[None, :] > 0)
    return np.where(valid, inter / np.where(valid, union, 1.0), 0.0)


def non_max_suppression(boxes, scores, iou_threshold, max_output):
    """Indices of the kept boxes (1-D int array), highest score first, at most max_output."""
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    overlaps = box_iou(boxes, boxes)
    order = np.argsort(-scores, kind="stable")
    keep = []
    for i in order:
        if len(keep) >= max_output:
            break
        if all(overlaps[i, k] <= iou_threshold for k in keep):
            keep.append(int(i))
    return np.array(keep, dtype=np.int64)


def build_segmenter(input_shape):
    """A small U-Net: (None, H, W, C) -> (None, H, W, 1) foreground probabilities; compiled."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=tuple(input_shape))
    c1 = layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
    c1 = layers.Conv2D(8, 3, padding="same", activation="relu")(c1)
    c2 = layers.MaxPooling2D(2)(c1)
    c2 = layers.Conv2D(16, 3, padding="same", activation="relu")(c2)
    up = layers.UpSampling2D(2)(c2)
    merged = layers.Concatenate()([up, c1])
    c3 = layers.Conv2D(8, 3, padding="same", activation="relu")(merged)
    outputs = layers.Conv2D(1, 1, activation="sigmoid")(c3)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy")
    return model


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
