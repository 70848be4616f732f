"""Visible tests for data_augmentation: `python grade.py check data_augmentation`."""
import numpy as np

from graders.asserts import assert_allclose, assert_equal, call_repr
from graders.models import rebuild


def test_shape_dtype_and_labels_kept(learner):
    images = np.random.default_rng(0).random((4, 8, 8, 1)).astype(np.float32)
    labels = np.array([3, 1, 4, 1])
    call = call_repr("augment_batch", images, labels, seed=0)
    out, labels_out = learner.augment_batch(images, labels, 0)
    out = np.asarray(out)
    assert out.shape == images.shape and out.dtype == images.dtype, \
        f"called {call}; got {out.shape} {out.dtype}, expected {images.shape} {images.dtype}"
    assert_equal(labels_out, labels, call + " (labels)")


def test_augmenter_is_identity_at_inference(learner):
    x = np.random.default_rng(1).random((2, 6, 6, 3)).astype(np.float32)
    judge = rebuild(learner.build_augmenter(0))
    assert_allclose(np.asarray(judge(x, training=False)), x, "build_augmenter(0) then model(x, training=False)",
                    atol=1e-6)


def test_augment_batch_changes_something(learner):
    images = np.zeros((16, 10, 10, 1), dtype=np.float32)
    images[:, 2:8, 1:4, 0] = 1.0  # a bar on the left: flips and rotations move it
    out, _ = learner.augment_batch(images, np.zeros(16, dtype=int), 0)
    assert not np.allclose(np.asarray(out), images), "called augment_batch(...); no image changed"
