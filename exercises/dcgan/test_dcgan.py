"""Visible tests for dcgan: `python grade.py check dcgan`."""
import numpy as np

from graders.asserts import assert_finite, assert_shape
from graders.models import assert_output_shape, model_spec


def test_generator_makes_28x28_images(learner):
    spec = model_spec(learner.build_generator(16))
    assert_output_shape(spec, (None, 28, 28, 1), "build_generator(16)")


def test_discriminator_gives_one_number_per_image(learner):
    spec = model_spec(learner.build_discriminator())
    assert_output_shape(spec, (None, 1), "build_discriminator()")


def test_train_step_returns_two_losses_and_changes_the_generator(learner):
    g, d = learner.build_generator(16), learner.build_discriminator()
    before = model_spec(g)["weights"]
    real = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype(np.float32)
    adam = {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}}
    call = "train_step(g, d, real of shape (8, 28, 28, 1), adam, adam, seed=0)"
    losses = assert_shape(np.asarray(learner.train_step(g, d, real, adam, adam, 0), dtype=float), (2,), call)
    assert_finite(losses, call)
    after = model_spec(g)["weights"]
    assert any(not np.array_equal(a, b) for a, b in zip(before, after)), f"called {call}; g's weights did not change"
