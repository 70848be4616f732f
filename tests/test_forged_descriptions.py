"""Issue 9, class B(3): the judge never takes the worker's description of a returned object at its word.

Each submission is the reference solution plus an attack on what the judge reads about a returned
Keras model or scikit-learn estimator: a model that cannot be rebuilt in Keras safe mode, or a
worker whose describe function is wrapped to describe something else than the live object. Graded in
secure mode, every test that reads the attacked object must fail; the rest of the run goes on.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from graders import manifest, paths, runner
from graders.results import Status


@dataclass(frozen=True)
class Forgery:
    name: str
    slug: str
    snippet: str
    attacked: tuple[str, ...]  # substrings of the names of the tests that read the attacked object


# The worker imports the kit's describers as top-level modules `models` and `estimators`; a
# submission can replace their functions. `_twin[id(live)]` is what the forged description shows.
_FORGE = """
import sys
_twin = {}
def _forge(module, function):
    target = sys.modules.get(module)
    if target is not None:
        honest = getattr(target, function)
        setattr(target, function, lambda obj, *a, **k: honest(_twin.get(id(obj), obj), *a, **k))
"""

_CNN_LAYERS = """
    layers.Conv2D(16, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(n_classes, activation="softmax"),
"""

FORGERIES = [
    # a Lambda layer cannot be rebuilt in safe mode: the judge has no copy, so nothing about it scores
    Forgery("cnn_lambda_layer", "cnn_classifier", f"""
def build_cnn(input_shape, n_classes):
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=tuple(input_shape)), layers.Lambda(lambda t: t * 1.0),
                              {_CNN_LAYERS}])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
""", ("build_cnn", "layer_types", "output_shape", "probabilities", "compiled", "held_out_accuracy")),
    # a custom layer registered in the worker is unknown to the judge's safe-mode rebuild
    Forgery("cnn_custom_layer", "cnn_classifier", f"""
import keras as _keras

@_keras.saving.register_keras_serializable("mlkit_attack")
class Identity(_keras.layers.Layer):
    def call(self, inputs):
        return inputs

def build_cnn(input_shape, n_classes):
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=tuple(input_shape)), Identity(), {_CNN_LAYERS}])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
""", ("build_cnn", "layer_types", "output_shape", "probabilities", "compiled", "held_out_accuracy")),
    # the live model has no convolution and outputs logits; the forged description shows an honest CNN
    Forgery("cnn_forged_config", "cnn_classifier", _FORGE + """
_honest_build_cnn = build_cnn
_forge("models", "describe_live_model")

def build_cnn(input_shape, n_classes):
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=tuple(input_shape)), layers.Flatten(), layers.Dense(n_classes)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    _twin[id(model)] = _honest_build_cnn(input_shape, n_classes)
    return model
""", ("build_cnn", "layer_types", "output_shape", "probabilities", "compiled", "held_out_accuracy")),
    # no scaler, unseeded 5-fold cv; the forged description shows the reference's search
    Forgery("search_forged_description", "hyperparameter_search", _FORGE + """
_honest_build_search = build_search
_forge("estimators", "describe_live_estimator")

def build_search(seed):
    from sklearn.linear_model import LogisticRegression
    search = GridSearchCV(LogisticRegression(max_iter=1000), {"C": [0.1, 1.0]}, cv=5)
    _twin[id(search)] = _honest_build_search(seed)
    return search
""", ("build_search_scaler", "build_search_uses", "build_search_grid")),
    # only the cv lies: an int (unshuffled folds) described as a seeded StratifiedKFold
    Forgery("search_forged_cv", "hyperparameter_search", _FORGE + """
_honest_build_search = build_search
_forge("estimators", "describe_live_estimator")

def build_search(seed):
    search = _honest_build_search(seed)
    _twin[id(search)] = _honest_build_search(seed)
    search.cv = 5
    return search
""", ("build_search_uses",)),
    # the scaler sees every row (leakage); the forged description shows one fitted on the training rows
    Forgery("preprocessing_forged_scaler", "preprocessing", _FORGE + """
_honest_train_test_score = train_test_score
_forge("estimators", "describe_live_estimator")

def train_test_score(df, target, seed):
    score, honest = _honest_train_test_score(df, target, seed)
    X, numeric, categorical = _feature_matrix(df, target)
    leaky = Pipeline([("preprocess", build_preprocessor(numeric, categorical)),
                      ("classify", LogisticRegression(max_iter=1000))]).fit(X, np.asarray(df[target]))
    _twin[id(leaky)] = honest
    return score, leaky
""", ("scaler_is_fitted_on_training_rows_only", "shifting_test_rows")),
]


def grade(tmp_path: Path, forgery: Forgery, secure: bool):
    folder = tmp_path / forgery.name
    folder.mkdir()
    source = paths.solution_path(forgery.slug).read_text(encoding="utf-8")
    (folder / f"{forgery.slug}.py").write_text(source + "\n\n" + forgery.snippet, encoding="utf-8")
    return runner.grade_exercise(manifest.get(forgery.slug), folder, runner.RunOptions(secure=secure))


@pytest.mark.parametrize("forgery", FORGERIES, ids=lambda f: f.name)
def test_forged_or_unrebuildable_objects_score_nothing(tmp_path, forgery):
    result = grade(tmp_path, forgery, secure=True)
    attacked = [t for t in result.tests if any(key in t.name for key in forgery.attacked)]
    assert attacked, f"{forgery.name}: no test read the attacked object"
    passed = [t.name for t in attacked if t.status is Status.PASS]
    assert not passed, f"{forgery.name}: these tests believed the description: {passed}"
    others = [t for t in result.tests if t not in attacked]
    assert any(t.status is Status.PASS for t in others), f"{forgery.name}: the rest of the run should go on"


def test_a_model_compiled_with_the_learners_own_loss_is_rebuilt_uncompiled():
    """segmentation's statement allows a custom loss (a soft Dice): the judge's safe-mode copy cannot
    compile with it, so it is rebuilt without the compile settings; a Lambda layer still fails."""
    import keras
    import numpy as np

    from graders import models

    def soft_dice(y_true, y_pred):
        return 1 - 2 * keras.ops.sum(y_true * y_pred) / (keras.ops.sum(y_true + y_pred) + 1e-6)

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss=soft_dice)
    copy = models.rebuild(model)
    x = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    assert np.allclose(copy(x), model(x))
    unsafe = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda t: t * 2.0)])
    unsafe.compile(optimizer="adam", loss=soft_dice)
    with pytest.raises(AssertionError, match="could not be rebuilt"):
        models.rebuild(unsafe)
