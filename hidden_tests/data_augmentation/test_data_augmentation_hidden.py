"""Hidden tests for data_augmentation.

Wrong answers this suite is built to catch (one line each):
- RandomFlip("vertical") (or "horizontal_and_vertical"): the left/right mass test sees no mirror images
- RandomRotation(15): the factor read as degrees; Keras 3 refuses it (ValueError), so nothing builds
- RandomRotation(np.radians(15)) or another angle: the factor must be exactly 15/360 of a turn
- an extra random layer (zoom, contrast, translation) beside the flip and the rotation
- uint8 results truncated by the cast instead of rounded
- no rotation layer, or a zero factor: the orientation spread of a rotated bar stays at 0
- no flip at all: fraction of mirrored images is 0
- Rescaling / normalisation inside the augmenter: not the identity at inference (training=False)
- augment_batch calls augmenter.predict(...) or training=False: nothing is augmented
- the output dtype not restored (float64 or uint8 in, float32 out)
- images shuffled or reordered without their labels (tf.data shuffle): image i no longer matches label i
- labels changed (one-hot encoded, cast, flattened) by augment_batch
- seed ignored (layers built without seed): same seed gives different batches
- trainable layers inside the augmenter (it must hold no weights)

No convergence test here: every statistic is computed on a seeded batch, and the bounds
(fraction of mirrored images in [0.3, 0.7] for 200 images, rotation spread >= 4 degrees for a
uniform +-15 degree draw whose standard deviation is 8.7 degrees, |angle| <= 18 degrees) hold
for every seed 0..9 of the reference (sweep: mirrored fraction 0.43..0.56, angle std 8.1..9.3,
max |angle| 14.6..15.0). The factor test's bound is exact (15/360 of a turn, within 1e-6).
"""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, call_repr, expect_raises
from graders.models import model_spec, rebuild

SEED = 0
MAX_DEGREES = 15.0


@pytest.fixture(scope="module")
def keras_seeded():
    import random

    import keras

    random.seed(SEED)
    np.random.seed(SEED)
    keras.utils.set_random_seed(SEED)
    return keras


def left_block_images(n, size=16):
    """A bright block on the left half: a horizontal mirror moves its mass to the right half."""
    x = np.zeros((n, size, size, 1), dtype=np.float32)
    x[:, 4:12, 1:6, 0] = 1.0
    return x


def bar_images(n, size=32):
    """A horizontal bar through the centre: its orientation is 0 degrees."""
    x = np.zeros((n, size, size, 1), dtype=np.float32)
    x[:, 15:17, 8:24, 0] = 1.0
    return x


def mirrored_fraction(images):
    w = images.shape[2]
    mass = images[..., 0].sum(axis=1)  # (N, W) column mass
    centre = (mass * np.arange(w)).sum(axis=1) / np.maximum(mass.sum(axis=1), 1e-9)
    return float(np.mean(centre > (w - 1) / 2))


def orientations_deg(images):
    """Principal-axis angle of each image's intensity, in degrees (second moments)."""
    n, h, w, _ = images.shape
    rows, cols = np.mgrid[0:h, 0:w]
    out = []
    for img in images[..., 0]:
        m = np.clip(img, 0, None)
        total = m.sum()
        r0, c0 = (m * rows).sum() / total, (m * cols).sum() / total
        mu20 = (m * (cols - c0) ** 2).sum() / total
        mu02 = (m * (rows - r0) ** 2).sum() / total
        mu11 = (m * (cols - c0) * (rows - r0)).sum() / total
        out.append(np.degrees(0.5 * np.arctan2(2 * mu11, mu20 - mu02)))
    return np.array(out)


def augmented(learner, images, labels, seed, call):
    result = learner.augment_batch(images, labels, seed)
    assert isinstance(result, (tuple, list)) and len(result) == 2, \
        f"called {call}; expected a tuple (augmented_images, labels), got {type(result).__name__}"
    return np.asarray(result[0]), result[1]


# ------------------------------------------------------------------ the augmenter model

@pytest.mark.clause("C6", "C1", "C7", probes="a deterministic layer (rescaling, normalisation) in the augmenter",
                    topic="data augmentation")
@pytest.mark.points(2)
def test_augmenter_is_identity_at_inference(learner, keras_seeded):
    call = "build_augmenter(0) then model(x, training=False)"
    judge = rebuild(learner.build_augmenter(0))
    x = np.random.default_rng(1).random((6, 12, 10, 3)).astype(np.float32)
    out = np.asarray(judge(x, training=False))
    assert_allclose(out, x, call, atol=1e-6,
                    why="at inference the augmenter must return its input unchanged; rescaling or "
                        "normalisation belongs in the model, not in the augmentation pipeline")


@pytest.mark.clause("C8", "C7", probes="no random layer active in training mode", topic="data augmentation")
def test_augmenter_changes_images_in_training_mode(learner, keras_seeded):
    judge = rebuild(learner.build_augmenter(0))
    x = left_block_images(32)
    out = np.asarray(judge(x, training=True))
    assert out.shape == x.shape, f"called build_augmenter(0) then model(x, training=True); got shape {out.shape}, expected {x.shape}"
    assert not np.allclose(out, x, atol=1e-3), \
        "called build_augmenter(0) then model(x, training=True); every image came back unchanged - no random layer is active"


@pytest.mark.clause("C5", probes="trainable layers in the augmenter", topic="data augmentation")
def test_augmenter_holds_no_weights(learner, keras_seeded):
    spec = model_spec(learner.build_augmenter(0))
    assert spec["n_params"] == 0, (f"called build_augmenter(0); the augmenter has {spec['n_params']} weights, "
                                   f"expected 0 - it must be made of preprocessing layers only")


@pytest.mark.clause("C2", "C14", probes="a vertical (or no) flip in the rebuilt augmenter", topic="data augmentation")
def test_augmenter_from_rebuilt_config_flips_left_right(learner, keras_seeded):
    judge = rebuild(learner.build_augmenter(3))
    frac = mirrored_fraction(np.asarray(judge(left_block_images(200), training=True)))
    assert 0.3 <= frac <= 0.7, (f"called build_augmenter(3) then model(x, training=True) on 200 images with a block on "
                                f"the left; {frac:.2f} of them were mirrored left-right, expected about half - "
                                f"check the flip mode")


# ------------------------------------------------------------------ augment_batch

@pytest.mark.clause("C9", "C11", "C1", probes="dtype not restored, or float values leaving the input's range",
                    topic="api contract")
@pytest.mark.parametrize("dtype,shape", [("float32", (5, 8, 8, 1)), ("float64", (4, 10, 7, 3)), ("uint8", (3, 9, 12, 3))])
def test_shape_and_dtype_kept(learner, keras_seeded, dtype, shape):
    rng = np.random.default_rng(2)
    images = rng.random(shape) if dtype != "uint8" else rng.integers(0, 256, shape)
    images = images.astype(dtype)
    labels = np.arange(shape[0])
    call = call_repr("augment_batch", images, labels, seed=0)
    out, _ = augmented(learner, images, labels, 0, call)
    assert out.shape == images.shape, f"called {call}; got images of shape {out.shape}, expected {images.shape}"
    assert out.dtype == images.dtype, (f"called {call}; got images of dtype {out.dtype}, expected {images.dtype} - "
                                       f"Keras layers compute in float32; cast the result back to the input dtype")
    if dtype != "uint8":
        lo, hi = min(images.min(), 0.0), images.max()
        assert out.min() >= lo - 1e-6 and out.max() <= hi + 1e-6, \
            f"called {call}; augmented values leave the input's range [{lo:.3f}, {hi:.3f}]"


@pytest.mark.clause("C8", probes="augment_batch in inference mode (predict, training=False)", topic="data augmentation")
@pytest.mark.points(2)
def test_augment_batch_actually_augments(learner, keras_seeded):
    images = left_block_images(64)
    labels = np.zeros(64, dtype=np.int64)
    call = call_repr("augment_batch", images, labels, seed=1)
    out, _ = augmented(learner, images, labels, 1, call)
    changed = np.mean(np.any(np.abs(out - images) > 1e-3, axis=(1, 2, 3)))
    assert changed > 0.5, (f"called {call}; only {changed:.0%} of the images changed - random layers augment only in "
                           f"training mode (model.predict and training=False are the identity)")


@pytest.mark.clause("C2", "C14", probes="a vertical flip, or no flip", topic="data augmentation")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [0, 7])
def test_flip_is_left_right_about_half_the_time(learner, keras_seeded, seed):
    images = left_block_images(200)
    labels = np.arange(200)
    call = call_repr("augment_batch", images, labels, seed=seed)
    out, _ = augmented(learner, images, labels, seed, call)
    frac = mirrored_fraction(out)
    assert 0.3 <= frac <= 0.7, (f"called {call} on 200 images with a block on the left; {frac:.2f} of them were "
                                f"mirrored left-right, expected about half - check that a horizontal flip is applied")


@pytest.mark.clause("C3", "C14", probes="no rotation, or a factor in degrees or radians", topic="data augmentation")
@pytest.mark.points(2)
def test_rotation_is_applied_within_15_degrees(learner, keras_seeded):
    images = bar_images(200)
    labels = np.arange(200)
    call = call_repr("augment_batch", images, labels, seed=2)
    out, _ = augmented(learner, images, labels, 2, call)
    angles = orientations_deg(out)
    assert np.std(angles) >= 4.0, (f"called {call} on 200 images of a horizontal bar; the bars' angles spread by only "
                                   f"{np.std(angles):.1f} degrees (std) - is a random rotation applied?")
    assert np.max(np.abs(angles)) <= MAX_DEGREES + 3.0, (
        f"called {call}; a bar turned by {np.max(np.abs(angles)):.0f} degrees, more than +-{MAX_DEGREES:g} - "
        f"RandomRotation's factor is a fraction of a full turn, not degrees")


@pytest.mark.clause("C9", "C12", probes="images reordered without their labels, or labels changed",
                    topic="data augmentation")
@pytest.mark.points(2)
def test_labels_untouched_and_images_stay_paired(learner, keras_seeded):
    n = 40
    # image i is constant with value i / n: flips and rotations keep it (nearly) constant
    images = np.broadcast_to((np.arange(n) / n).reshape(n, 1, 1, 1), (n, 12, 12, 1)).astype(np.float32).copy()
    labels = np.random.default_rng(3).integers(0, 10, n)
    call = call_repr("augment_batch", images, labels, seed=4)
    out, labels_out = augmented(learner, images, labels, 4, call)
    assert_equal(labels_out, labels, call + " (labels)",
                 why="augmentation must not change the labels: return them exactly as given")
    medians = np.median(out.reshape(n, -1), axis=1)
    assert_allclose(medians, np.arange(n) / n, call + " (image i must still be the augmented image i)", atol=1e-3,
                    why="images were reordered without their labels", show_expected=False)


@pytest.mark.clause("C12", probes="one-hot labels converted to class ids instead of returned as given",
                    topic="api contract")
def test_one_hot_labels_come_back_unchanged(learner, keras_seeded):
    images = np.random.default_rng(5).random((6, 8, 8, 1)).astype(np.float32)
    labels = np.eye(4, dtype=np.float32)[[0, 3, 1, 2, 2, 0]]
    call = call_repr("augment_batch", images, labels, seed=0)
    _, labels_out = augmented(learner, images, labels, 0, call)
    assert_equal(labels_out, labels, call + " (labels)", why="labels must come back exactly as given, in the same form")


@pytest.mark.clause("C4", "C13", probes="seed ignored, or one augmenter reused across calls",
                    topic="randomness and reproducibility")
def test_seed_makes_it_reproducible(learner, keras_seeded):
    images = np.random.default_rng(6).random((16, 10, 10, 1)).astype(np.float32)
    labels = np.arange(16)
    call = call_repr("augment_batch", images, labels, seed=5)
    a, _ = augmented(learner, images, labels, 5, call)
    b, _ = augmented(learner, images, labels, 5, call)
    assert_allclose(b, a, call + " twice", atol=1e-6, why="pass the seed to every random layer", show_expected=False)
    c, _ = augmented(learner, images, labels, 6, call_repr("augment_batch", images, labels, seed=6))
    assert not np.allclose(a, c), "called augment_batch with seed=5 and seed=6; got the same batch - the seed is not used"


# ------------------------------------------------------------------ the layers themselves

RANDOM_LAYERS = {"RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
                 "RandomBrightness", "RandomCrop", "RandomHeight", "RandomWidth"}


@pytest.mark.clause("C2", probes="another layer beside the flip and the rotation", topic="data augmentation")
def test_exactly_a_horizontal_flip_and_a_rotation(learner, keras_seeded):
    call = "build_augmenter(0)"
    layers = [layer for layer in model_spec(learner.build_augmenter(0))["layers"]
              if layer["class_name"] != "InputLayer"]
    names = sorted(layer["class_name"] for layer in layers)
    assert names == ["RandomFlip", "RandomRotation"], (
        f"called {call}; the augmenter's layers are {names}, expected exactly a RandomFlip and a RandomRotation")
    mode = next(layer["config"].get("mode") for layer in layers if layer["class_name"] == "RandomFlip")
    assert mode == "horizontal", f"called {call}; RandomFlip has mode {mode!r}, expected 'horizontal' (left-right)"


@pytest.mark.clause("C3", probes="RandomRotation's factor given in degrees or radians instead of a fraction of a turn",
                    topic="data augmentation")
def test_rotation_factor_is_15_degrees_as_a_fraction_of_a_turn(learner, keras_seeded):
    # The statement's claim about the installed Keras: a factor in degrees does not even build.
    with expect_raises(ValueError, "keras.layers.RandomRotation(15)",
                       "kit check: the statement says Keras refuses a factor in degrees; if it does not, "
                       "update the statement's trap"):
        keras_seeded.layers.RandomRotation(15)
    call = "build_augmenter(0)"
    rotations = [layer["config"] for layer in model_spec(learner.build_augmenter(0))["layers"]
                 if layer["class_name"] == "RandomRotation"]
    assert rotations, f"called {call}; the augmenter has no RandomRotation layer"
    factor = np.atleast_1d(np.asarray(rotations[0]["factor"], dtype=np.float64))
    bounds = (-factor[0], factor[0]) if factor.size == 1 else (factor[0], factor[1])
    assert np.allclose(bounds, (-MAX_DEGREES / 360, MAX_DEGREES / 360), atol=1e-6), (
        f"called {call}; RandomRotation turns by {360 * bounds[0]:.3g} to {360 * bounds[1]:.3g} degrees, expected "
        f"uniformly within +-{MAX_DEGREES:g} - its factor is a fraction of a full turn, not degrees or radians")


@pytest.mark.clause("C10", probes="integer images truncated by the cast instead of rounded", topic="api contract")
def test_integer_images_are_rounded(learner, keras_seeded):
    images = np.random.default_rng(8).integers(0, 256, (6, 11, 9, 1)).astype(np.uint8)
    labels = np.arange(6)
    call = call_repr("augment_batch", images, labels, seed=3)
    as_uint8, _ = augmented(learner, images, labels, 3, call)
    as_float, _ = augmented(learner, images.astype(np.float32), labels, 3, call.replace("uint8", "float32"))
    assert_equal(as_uint8, np.clip(np.round(as_float), 0, 255).astype(np.uint8),
                 call + ", compared with the same images as float32", show_expected=False,
                 why="round the float32 result (254.7 -> 255), clip it into 0..255, then cast back to uint8")
