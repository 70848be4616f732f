"""Hidden tests for cnn_classifier (budget 30 s, TensorFlow imported lazily).

Wrong answers this suite is built to catch (one line each):
- the seed's architecture copied as is (two valid 3x3 conv + 2x2 pool stages): on 8x8 digits the
  feature map shrinks to nothing and build_cnn((8, 8, 1), 10) raises
- no pooling layer (Conv2D -> Flatten -> Dense), or no convolution at all
- softmax missing on the output (logits, even if the loss uses from_logits=True)
- output width hard-coded to 10 instead of n_classes
- a model far over the parameter budget (a wide Dense on an unpooled feature map)
- compiled with categorical_crossentropy although the labels are integers (seed 003 #13/#25), or not compiled
- train_cnn that trains another model than the one passed in (the judge's copy stays untrained),
  ignores epochs, or returns something other than a per-epoch history dict
- param_counts that forgets the biases, the input channels, or sizes the Dense layer from the input
  image instead of the (valid) convolution's output; conv counts that grow with the image size

Judge protocol for learning: scikit-learn digits (8x8, pixels / 16), a stratified split seeded by
SPLIT_SEED: 70% for train_cnn(model, X_train, y_train, EPOCHS, seed), 30% held out (labels never
passed to learner code). The judge rebuilds the trained model from its config and weights and
measures accuracy on the held-out 30%.

Convergence sweep of the reference (held-out accuracy, seeds 0-9;
`python grade.py dev sweep cnn_classifier --seeds 10`):
  held_out_accuracy: min 0.9648, median 0.9741, max 0.9833 over 10/10 seeds (2026-11-22, 2-core CPU);
  threshold 0.93 leaves 0.035, about 5 standard errors of a 540-image accuracy. A model that does not
  learn scores about 0.1 (one class); one epoch of training, about 0.6-0.8.
"""
import numpy as np
import pytest

from graders.asserts import assert_equal, assert_finite, call_repr
from graders.models import (assert_compiled, assert_layer_sequence, assert_output_shape, assert_param_budget,
                            model_spec, rebuild)

EPOCHS, SPLIT_SEED = 15, 20240
ACCURACY_THRESHOLD = 0.93
PARAM_BUDGET = 100_000
POOLING = ("MaxPooling2D", "AveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling2D")


@pytest.fixture(scope="module")
def keras():
    import keras

    return keras


@pytest.fixture(scope="module")
def digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32).reshape(-1, 8, 8, 1)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=SPLIT_SEED)


# ------------------------------------------------------------------ architecture

@pytest.mark.points(2)
def test_layer_types_and_order(learner, keras):
    call = "build_cnn((8, 8, 1), 10)"
    spec = model_spec(learner.build_cnn((8, 8, 1), 10))
    assert_layer_sequence(spec, ["Conv2D", POOLING, "Dense"], call)


@pytest.mark.parametrize("input_shape,n_classes", [((8, 8, 1), 10), ((28, 28, 1), 3), ((16, 12, 3), 2)])
def test_output_shape(learner, keras, input_shape, n_classes):
    call = f"build_cnn({input_shape}, {n_classes})"
    spec = model_spec(learner.build_cnn(input_shape, n_classes))
    assert_output_shape(spec, (None, n_classes), call)


@pytest.mark.points(2)
def test_outputs_are_class_probabilities(learner, keras):
    call = "build_cnn((8, 8, 1), 4) on random images"
    judge = rebuild(learner.build_cnn((8, 8, 1), 4))
    x = np.random.default_rng(0).random((16, 8, 8, 1)).astype(np.float32) * 3.0
    probs = np.asarray(judge(x, training=False))
    ok = np.all(probs >= 0) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert ok, (f"called {call}; the outputs are not probabilities (each row must be >= 0 and sum to 1) - "
                f"the output layer needs a softmax")


def test_compiled_and_within_budget(learner, keras):
    call = "build_cnn((8, 8, 1), 10)"
    spec = model_spec(learner.build_cnn((8, 8, 1), 10))
    assert_compiled(spec, call)
    assert_param_budget(spec, PARAM_BUDGET, call)


# ------------------------------------------------------------------ training (the judge measures)

def test_train_cnn_returns_per_epoch_history(learner, keras, digits):
    X_train, _, y_train, _ = digits
    model = learner.build_cnn((8, 8, 1), 10)
    history = learner.train_cnn(model, X_train[:64], y_train[:64], 3, 0)
    call = "train_cnn(model, X of shape (64, 8, 8, 1), y, epochs=3, seed=0)"
    assert isinstance(history, dict) and "loss" in history, f"called {call}; expected a dict with a 'loss' key"
    assert len(history["loss"]) == 3, f"called {call}; history['loss'] has {len(history['loss'])} values, expected 3"
    assert_finite(np.asarray(history["loss"], dtype=float), call + "; history['loss']")


@pytest.mark.points(4)
@pytest.mark.convergence
def test_held_out_accuracy_on_digits(learner, keras, digits, train_seed, record_metric):
    X_train, X_test, y_train, y_test = digits
    model = learner.build_cnn((8, 8, 1), 10)
    learner.train_cnn(model, X_train, y_train, EPOCHS, train_seed)
    judge = rebuild(model)
    accuracy = float(np.mean(np.argmax(np.asarray(judge.predict(X_test, verbose=0)), axis=1) == y_test))
    record_metric("held_out_accuracy", accuracy, ACCURACY_THRESHOLD)
    assert accuracy >= ACCURACY_THRESHOLD, (
        f"called train_cnn(build_cnn((8, 8, 1), 10), digits, epochs={EPOCHS}, seed={train_seed}); the judge measured "
        f"{accuracy:.3f} accuracy on held-out digits, expected at least {ACCURACY_THRESHOLD} - does train_cnn train "
        f"the model it was given, with a loss that fits integer labels?")


# ------------------------------------------------------------------ parameter counts (003 #25)

def keras_counts(input_shape, filters, kernel_size, units):
    import keras

    conv = keras.layers.Conv2D(filters, kernel_size)
    dense = keras.layers.Dense(units)
    keras.Sequential([keras.Input(shape=input_shape), conv, keras.layers.Flatten(), dense])
    return conv.count_params(), dense.count_params()


PARAM_CASES = [((8, 8, 1), 4, 3, 10), ((28, 28, 1), 32, 3, 128), ((32, 32, 3), 16, 5, 64),
               ((10, 14, 2), 3, (3, 5), 7), ((6, 6, 8), 1, 1, 1), ((9, 7, 3), 5, (2, 2), 2)]


@pytest.mark.points(2)
@pytest.mark.parametrize("input_shape,filters,kernel_size,units", PARAM_CASES)
def test_param_counts_match_keras(learner, keras, input_shape, filters, kernel_size, units):
    expected = keras_counts(input_shape, filters, kernel_size, units)
    got = learner.param_counts(input_shape, filters, kernel_size, units)
    call = call_repr("param_counts", input_shape, filters, kernel_size, units)
    assert_equal(np.array(got), np.array(expected), call,
                 why="count every kernel weight (kh * kw * in_channels per filter) and one bias per filter/unit; "
                     "the Dense layer sees the flattened output of the valid convolution")


def test_conv_weights_are_shared_across_positions(learner):
    small = learner.param_counts((8, 8, 3), 16, 3, 10)
    large = learner.param_counts((64, 64, 3), 16, 3, 10)
    call = "param_counts((8, 8, 3), 16, 3, 10) vs param_counts((64, 64, 3), 16, 3, 10)"
    assert int(small[0]) == int(large[0]), (f"called {call}; the conv counts differ ({small[0]} vs {large[0]}) - "
                                            f"a convolution shares one kernel across all positions")
    assert int(large[1]) > int(small[1]), f"called {call}; the Dense count must grow with the feature map"
