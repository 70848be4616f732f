"""Independent correct implementation: plain loops for boxes, a suppression mask for NMS,
a pooling-free conv stack trained with BCE + soft Dice (a custom loss) for the segmenter."""
import numpy as np


def _check(a, b):
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("iou/dice: shapes %s and %s differ" % (a.shape, b.shape))
    return a.astype(bool).ravel(), b.astype(bool).ravel()


def iou(a, b):
    a, b = _check(a, b)
    inter = float(np.sum(a & b))
    union = float(np.sum(a)) + float(np.sum(b)) - inter
    return 1.0 if union == 0 else inter / union


def dice(a, b):
    a, b = _check(a, b)
    sizes = float(a.sum()) + float(b.sum())
    return 1.0 if sizes == 0 else 2.0 * float((a & b).sum()) / sizes


def _one_iou(p, q):
    py1, py2 = sorted((float(p[0]), float(p[2])))
    px1, px2 = sorted((float(p[1]), float(p[3])))
    qy1, qy2 = sorted((float(q[0]), float(q[2])))
    qx1, qx2 = sorted((float(q[1]), float(q[3])))
    area_p = (py2 - py1) * (px2 - px1)
    area_q = (qy2 - qy1) * (qx2 - qx1)
    if area_p <= 0 or area_q <= 0:
        return 0.0
    ih = min(py2, qy2) - max(py1, qy1)
    iw = min(px2, qx2) - max(px1, qx1)
    inter = ih * iw if ih > 0 and iw > 0 else 0.0
    return inter / (area_p + area_q - inter)


def box_iou(boxes_a, boxes_b):
    A = np.asarray(boxes_a, dtype=float).reshape(-1, 4)
    B = np.asarray(boxes_b, dtype=float).reshape(-1, 4)
    out = np.zeros((len(A), len(B)))
    for i in range(len(A)):
        for j in range(len(B)):
            out[i, j] = _one_iou(A[i], B[j])
    return out


def non_max_suppression(boxes, scores, iou_threshold, max_output):
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    scores = np.asarray(scores, dtype=float).reshape(-1)
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    alive = [True] * len(order)
    kept = []
    for pos, i in enumerate(order):
        if not alive[pos]:
            continue
        if len(kept) == max_output:
            break
        kept.append(i)
        for later in range(pos + 1, len(order)):
            if alive[later] and _one_iou(boxes[i], boxes[order[later]]) > iou_threshold:
                alive[later] = False
    return np.asarray(kept, dtype=np.int32)


def soft_dice_bce(y_true, y_pred):
    import keras
    ops = keras.ops
    bce = keras.losses.binary_crossentropy(y_true, y_pred)
    inter = ops.sum(y_true * y_pred, axis=(1, 2, 3))
    sizes = ops.sum(y_true, axis=(1, 2, 3)) + ops.sum(y_pred, axis=(1, 2, 3))
    return ops.mean(bce, axis=(1, 2)) + 1.0 - (2.0 * inter + 1.0) / (sizes + 1.0)


def build_segmenter(input_shape):
    import keras
    model = keras.Sequential([keras.Input(shape=tuple(input_shape))])
    for _ in range(3):
        model.add(keras.layers.Conv2D(16, 3, padding="same", activation="relu"))
    model.add(keras.layers.Conv2D(1, 1, activation="sigmoid"))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss=soft_dice_bce)
    return model


def make_shapes(n, height, width, seed, noise=0.4):
    rng = np.random.default_rng(seed)
    images = rng.normal(0.0, noise, (n, height, width, 1)).astype(np.float32)
    masks = np.zeros((n, height, width, 1), np.float32)
    for i in range(n):
        y, x = rng.integers(0, height - 6), rng.integers(0, width - 6)
        masks[i, y:y + 6, x:x + 6, 0] = 1
    return images + masks, masks
