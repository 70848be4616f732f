"""Feedback that teaches: expect_raises, cleaned framework errors and advice for the statements' traps."""
import ast
import json
import os

import numpy as np
import pytest

from graders import paths
from graders.asserts import expect_raises
from graders.errors import LearnerTimeout
from graders.feedback import advice_for, clean_framework_error

pytest_plugins = ["pytester"]

ESC = "\x1b"
KERAS_POOLING = (
    "Exception encountered when calling MaxPooling2D.call().\n\n"
    f"{ESC}[1mComputed output size would be zero or negative. Received: `inputs.shape=[None 1 1 4]`, "
    f"`pool_size=[2 2]`, `strides=(2, 2)`, `padding=valid`.{ESC}[0m\n\n"
    "Arguments received by MaxPooling2D.call():\n"
    "  • args=('<KerasTensor shape=(None, 1, 1, 4), dtype=float32, sparse=False, ragged=False, "
    "name=keras_tensor_10>',)\n"
    "  • kwargs=<class 'inspect._empty'>")


def assert_clean(text: str) -> None:
    for fragment in ("[1m", "[0m", ESC, "Arguments received", "keras_tensor_", "inspect._empty", "\n",
                     'File "', "{{node", "[Op:"):
        assert fragment not in text, f"{fragment!r} left in {text!r}"
    assert 0 < len(text) <= 300, text


# --------------------------------------------------------------------------- no pytest.raises in the suites

def suite_files():
    return sorted(paths.HIDDEN_TESTS.glob("*/*.py")) + sorted(paths.EXERCISES.glob("*/test_*.py"))


def test_no_suite_calls_pytest_raises():
    """Every expected exception goes through expect_raises, which says which call and why."""
    offenders = []
    files = suite_files()
    assert len(files) > 30
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            uses = (isinstance(node, ast.Attribute) and node.attr == "raises"
                    and isinstance(node.value, ast.Name) and node.value.id == "pytest")
            imports = (isinstance(node, ast.ImportFrom) and node.module == "pytest"
                       and any(alias.name == "raises" for alias in node.names))
            if uses or imports:
                offenders.append(f"{paths.relative(path)}:{node.lineno}")
    assert not offenders, "use graders.asserts.expect_raises instead of pytest.raises: " + ", ".join(offenders)


# --------------------------------------------------------------------------- expect_raises

def run(block, **kwargs):
    with expect_raises(ValueError, "f(x of shape (3,))", "labels must be 0 or 1", **kwargs) as raised:
        block()
    return raised


def fail_with(exc):
    def block():
        raise exc
    return block


def test_expect_raises_accepts_the_type_and_its_subclasses():
    class Special(ValueError):
        pass

    assert str(run(fail_with(ValueError("bad label 2"))).value) == "bad label 2"
    assert isinstance(run(fail_with(Special("x"))).value, Special)
    with expect_raises((KeyError, IndexError), "g()", "why") as raised:
        {}["missing"]
    assert isinstance(raised.value, KeyError)


def test_expect_raises_says_which_call_returned_normally():
    with pytest.raises(AssertionError) as info:
        run(lambda: 0.5)
    assert str(info.value) == ("called f(x of shape (3,)); expected ValueError (labels must be 0 or 1), "
                               "but it returned normally")


def test_expect_raises_names_the_wrong_exception_and_chains_it():
    original = TypeError("unsupported operand")
    with pytest.raises(AssertionError) as info:
        run(fail_with(original))
    assert str(info.value) == ("called f(x of shape (3,)); raised TypeError: unsupported operand instead of "
                               "ValueError (labels must be 0 or 1)")
    assert info.value.__cause__ is original


def test_expect_raises_cleans_a_framework_message_of_the_wrong_type():
    with pytest.raises(AssertionError) as info:
        run(fail_with(RuntimeError(KERAS_POOLING)))
    assert "raised RuntimeError: Computed output size would be zero or negative" in str(info.value)
    assert "Arguments received" not in str(info.value)


def test_expect_raises_match():
    assert run(fail_with(ValueError("labels must be 0/1, got 2")), match=r"0/1").value is not None
    with pytest.raises(AssertionError) as info:
        run(fail_with(ValueError("bad input")), match="one class")
    assert str(info.value) == ("called f(x of shape (3,)); raised ValueError: bad input, but the message should "
                               "mention 'one class' (labels must be 0 or 1)")
    assert isinstance(info.value.__cause__, ValueError)


def test_grading_signals_and_pytest_outcomes_pass_through():
    signal = LearnerTimeout("took longer than 1 s")
    with pytest.raises(LearnerTimeout) as info:
        run(fail_with(signal))
    assert info.value is signal
    with pytest.raises(pytest.fail.Exception):
        run(lambda: pytest.fail("stop"))


# --------------------------------------------------------------------------- clean_framework_error (synthetic)

def test_clean_keras_layer_error():
    cleaned = clean_framework_error(KERAS_POOLING)
    assert_clean(cleaned)
    assert cleaned == ("Computed output size would be zero or negative. Received: `inputs.shape=[None 1 1 4]`, "
                       "`pool_size=[2 2]`, `strides=(2, 2)`, `padding=valid`. (in MaxPooling2D)")


def test_clean_bare_ansi_remnants_and_keras_tensor_reprs():
    text = ("[1mInput 0 of layer 'dense' is incompatible with the layer: got "
            "<KerasTensor shape=(None, 7, 7, 1), dtype=float32, sparse=False, ragged=False, name=keras_tensor_3>[0m"
            f"\n{ESC}[31mred{ESC}[0m")
    cleaned = clean_framework_error(text)
    assert_clean(cleaned)
    assert "<KerasTensor shape=(None, 7, 7, 1)>" in cleaned and cleaned.endswith("red")


def test_clean_graph_execution_error_keeps_the_last_message():
    text = ("Graph execution error:\n\nDetected at node compile_loss/sparse_categorical_crossentropy/Sparse"
            " defined at (most recent call last):\n"
            '  File "/tmp/learner.py", line 46, in <module>\n\n'
            '  File "/site-packages/keras/src/trainers/trainer.py", line 399, in fit\n\n'
            "Received a label value of 5 which is outside the valid range of [0, 3).  Label values: 1 0 5\n"
            "\t [[{{node compile_loss/sparse_categorical_crossentropy/Sparse}}]] [Op:__inference_multi_step_1145]")
    cleaned = clean_framework_error(text)
    assert_clean(cleaned)
    assert cleaned.startswith("Received a label value of 5 which is outside the valid range of [0, 3).")


def test_clean_a_graph_error_cut_before_its_message():
    text = ("Graph execution error:\n\nDetected at node model/embedding/GatherV2 defined at (most recent call last):\n"
            '  File "/tmp/learner.py", line 4')
    cleaned = clean_framework_error(text)
    assert_clean(cleaned)
    assert "cut off" in cleaned and "embedding" in cleaned


def test_clean_tf_function_trace_and_op_names():
    text = ("in user code:\n\n"
            '    File "/tmp/learner.py", line 14, in step  *\n'
            "        return eps * x\n\n"
            "    ValueError: Dimensions must be equal, but are 4 and 8 for '{{node mul}} = Mul[T=DT_FLOAT]"
            "(random_uniform/RandomUniform, x)' with input shapes: [4,1], [4,8,8,1].\n")
    cleaned = clean_framework_error(text)
    assert_clean(cleaned)
    assert cleaned == ("ValueError: Dimensions must be equal, but are 4 and 8 for Mul with input shapes: "
                       "[4,1], [4,8,8,1].")
    eager = ("{{function_node __wrapped__Mul_device_/job:localhost/replica:0/task:0/device:CPU:0}} "
             "Incompatible shapes: [4,1] vs. [4,8,8,1] [Op:Mul] name: ")
    assert clean_framework_error(eager) == "Incompatible shapes: [4,1] vs. [4,8,8,1]"


def test_clean_is_short_idempotent_and_leaves_plain_messages_alone():
    assert clean_framework_error("labels must be 0 or 1, got 2") == "labels must be 0 or 1, got 2"
    assert clean_framework_error("") == ""
    long = clean_framework_error("x" * 1000)
    assert len(long) <= 300 and long.endswith("...")
    once = clean_framework_error(KERAS_POOLING)
    assert clean_framework_error(once) == once


def test_advice_needs_a_known_trap():
    assert advice_for("labels must be 0 or 1", "roc_auc") is None
    assert advice_for("too many values to unpack (expected 4)", "kmeans") is None
    advice = advice_for(KERAS_POOLING, "cnn_classifier")
    assert "padding='same'" in advice and "python grade.py show cnn_classifier" in advice


# --------------------------------------------------------------------------- the traps, with the installed Keras

@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    return keras


def raised(block) -> str:
    try:
        block()
    except Exception as exc:  # noqa: BLE001 - the text is what is under test
        return str(exc)
    raise AssertionError("the trap did not raise with the installed Keras: update graders/feedback.py")


def check_trap(text: str, slug: str, *advice_words: str) -> str:
    cleaned = clean_framework_error(text)
    assert_clean(cleaned)
    advice = advice_for(text, slug)
    assert advice is not None, f"no advice for {cleaned!r}"
    assert "\n" not in advice and f"python grade.py show {slug}" in advice
    for word in advice_words:
        assert word in advice, (word, advice)
    assert advice_for(cleaned, slug) == advice, "the advice must survive cleaning (secure mode sends cleaned text)"
    return cleaned


def dense_classifier(keras, loss):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss=loss)
    return model


def test_trap_integer_labels_with_categorical_crossentropy(keras):
    x, y = np.zeros((8, 4), "float32"), np.array([0, 1, 2, 0, 1, 2, 0, 1])
    for labels in (y, y.reshape(-1, 1)):
        model = dense_classifier(keras, "categorical_crossentropy")
        text = raised(lambda: model.fit(x, labels, epochs=1, batch_size=8, verbose=0))
        cleaned = check_trap(text, "cnn_classifier", "sparse_categorical_crossentropy")
        assert "target.shape=(8" in cleaned
    tagger = keras.Sequential([keras.Input((5,)), keras.layers.Embedding(10, 4),
                               keras.layers.Dense(3, activation="softmax")])
    tagger.compile(optimizer="adam", loss="categorical_crossentropy")
    text = raised(lambda: tagger.fit(np.ones((4, 5), int), np.ones((4, 5), int), epochs=1, verbose=0))
    check_trap(text, "sequence_labeling", "sparse_categorical_crossentropy")


def test_trap_valid_padding_shrinks_a_small_image_to_nothing(keras):
    layers = keras.layers

    def build():
        keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.MaxPooling2D(),
                          layers.Conv2D(4, 3), layers.MaxPooling2D()])
    text = raised(build)
    assert "[1m" in text and "Arguments received by" in text  # what the table showed before
    cleaned = check_trap(text, "cnn_classifier", "padding='same'")
    assert cleaned.startswith("Computed output size would be zero or negative") and "(in MaxPooling2D)" in cleaned


def test_trap_valid_convolutions_trim_a_segmentation_mask(keras):
    layers = keras.layers
    model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3),
                              layers.Conv2D(1, 3, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = np.zeros((2, 8, 8, 1), "float32")
    text = raised(lambda: model.fit(x, x, epochs=1, verbose=0))
    check_trap(text, "segmentation", "padding='same'")


def test_trap_wrong_input_shape_for_the_first_layer(keras):
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
    text = raised(lambda: model.predict(np.zeros((2, 4), "float32"), verbose=0))
    check_trap(text, "overfitting", "keras.Input(shape)")
    text = raised(lambda: keras.Sequential([keras.Input((10,)), keras.layers.LSTM(4)]))
    check_trap(text, "lstm_forecasting", "(n, window, 1)")
    text = raised(lambda: keras.Input((4)))  # the seeds' input_shape=(input_shape): not a tuple
    check_trap(text, "regularization", "keras.Input((n,))")


def test_trap_generator_output_that_the_discriminator_cannot_read(keras):
    layers = keras.layers
    generator = keras.Sequential([keras.Input((16,)), layers.Dense(49), layers.Reshape((7, 7, 1))])
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(1)])
    text = raised(lambda: discriminator(generator(np.zeros((2, 16), "float32"))))
    check_trap(text, "dcgan", "Conv2DTranspose")


def test_trap_fit_with_mismatched_x_and_y(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    text = raised(lambda: model.fit(np.zeros((10, 4)), np.zeros((8, 1)), epochs=1, verbose=0))
    check_trap(text, "lstm_forecasting", "x: 10, y: 8")


def test_trap_labels_and_token_ids_out_of_range(keras):
    model = dense_classifier(keras, "sparse_categorical_crossentropy")
    text = raised(lambda: model.fit(np.zeros((8, 4)), np.array([0, 1, 2, 5, 1, 2, 0, 1]), epochs=1, batch_size=8,
                                    verbose=0))
    assert "Graph execution error" in text
    check_trap(text, "transfer_learning", "one unit per class")
    embedder = keras.Sequential([keras.Input((3,)), keras.layers.Embedding(5, 2)])
    text = raised(lambda: embedder.predict(np.array([[1, 2, 9]]), verbose=0))
    check_trap(text, "text_cnn", "input_dim")


def test_trap_rotation_factor_in_degrees_and_the_removed_image_generator(keras):
    check_trap(raised(lambda: keras.layers.RandomRotation(15)), "data_augmentation", "15 / 360")
    check_trap(raised(lambda: keras.preprocessing.image.ImageDataGenerator(rotation_range=20)), "data_augmentation",
               "RandomFlip")


def test_trap_tensorflow_1_calls_and_per_batch_epsilon(keras):
    import tensorflow as tf

    check_trap(raised(lambda: tf.log(1.0)), "reinforce", "tf.math.log")
    images = tf.zeros((4, 8, 8, 1))
    check_trap(raised(lambda: tf.random.uniform([4, 1]) * images), "wgan_gp", "(B, 1, 1, 1)")

    @tf.function
    def interpolate(x):
        return tf.random.uniform([4, 1]) * x
    check_trap(raised(lambda: interpolate(images)), "wgan_gp", "(B, 1, 1, 1)")


def test_traps_of_gymnasium_and_scikit_learn():
    gym = pytest.importorskip("gymnasium")
    env = gym.make("CartPole-v1")
    env.reset(seed=0)

    def old_step_api():
        obs, reward, done, info = env.step(0)
    check_trap(raised(old_step_api), "reinforce", "terminated, truncated")
    check_trap(raised(lambda: np.zeros([env.observation_space.n, 2])), "q_learning", "FrozenLake")
    env.close()
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    encoder = preprocessing.OneHotEncoder().fit(np.array([["a"], ["b"]]))
    check_trap(raised(lambda: encoder.transform(np.array([["c"]]))), "preprocessing", "handle_unknown='ignore'")


# --------------------------------------------------------------------------- wiring: the table and secure mode

LEARNER = f'''
def build():
    raise ValueError({KERAS_POOLING!r})

def check(x):
    return x
'''

TESTS = '''
from graders.asserts import expect_raises

def test_build(learner):
    learner.build()

def test_check_rejects(learner):
    with expect_raises(ValueError, "check(-1)", "x must be >= 0"):
        learner.check(-1)
'''


def test_the_table_shows_a_cleaned_error_with_advice(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(paths.ROOT))
    pytester.makeconftest('pytest_plugins = ["graders.plugin"]')
    pytester.mkdir("demo")
    (pytester.path / "demo" / "test_demo.py").write_text(TESTS)
    pytester.mkdir("target")
    (pytester.path / "target" / "demo.py").write_text(LEARNER)
    out = pytester.path / "events.jsonl"
    pytester.runpytest_subprocess("demo", "--grader-target", "target", "--grader-results", str(out))
    results = {e["nodeid"].split("::")[-1]: e for e in map(json.loads, out.read_text().splitlines())
               if e["event"] == "result"}
    build = results["test_build"]
    assert build["status"] == "error"
    message, _, hint = build["message"].partition(" - hint: ")
    assert message.startswith("ValueError: Computed output size would be zero or negative")
    assert message.endswith("(in MaxPooling2D) (" + str(pytester.path / "target" / "demo.py") + ":3)"), message
    assert_clean(message)
    assert "padding='same'" in hint
    check = results["test_check_rejects"]
    assert check["status"] == "fail"
    assert check["message"] == "called check(-1); expected ValueError (x must be >= 0), but it returned normally"


def test_secure_mode_cleans_the_remote_exception():
    from graders.secure import RemoteException, RemoteModule

    remote = RemoteModule.__new__(RemoteModule)  # only the message-building spot, no worker
    exc = remote._error({"op": "error", "type": "ValueError", "message": KERAS_POOLING, "where": "demo.py:3"})
    assert isinstance(exc, ValueError) and isinstance(exc, RemoteException)
    assert_clean(str(exc))
    assert str(exc).startswith("Computed output size would be zero or negative")
    assert advice_for(str(exc), "cnn_classifier") is not None
