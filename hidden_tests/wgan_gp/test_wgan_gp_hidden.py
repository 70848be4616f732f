"""Hidden tests for wgan_gp (gradient penalty, Wasserstein critic and generator losses).

Wrong answers this suite is built to catch (one line each):
- one epsilon for the whole batch instead of one per sample (penalties vary across seeds as if B = 1)
- epsilon of shape (B, 1) on image batches (the seed's 003 #26 code: it does not broadcast over (B, H, W, C))
- epsilon fixed (0.5), or the penalty taken at the real or the fake samples instead of the interpolates
- epsilon not uniform on [0, 1) (e.g. normal), or not reproducible from seed (global RNG, TF op seeds)
- squared norm without the square root: lam * (||g||^2 - 1)^2
- the seed's reduce_mean(square(gradients)): no norm, no "- 1", no lam
- missing lam (or lam not defaulting to 10), one-sided penalty max(0, ||g|| - 1)^2
- gradient norm over the whole batch, or over the last axis only, instead of per sample over all other axes
- critic loss with the wrong sign (mean(real) - mean(fake)) or without the penalty; generator loss sign
- contract (issue 10): epsilon from a legacy RandomState(seed) instead of default_rng(seed) (compared with the
  reference's penalty on the softplus critic, rtol 2e-4); losses averaged over axis 0 only (shape (1,))

Statistical bounds (per-sample epsilon): with a softplus critic of weight norm 2 and interpolates whose
pre-activation is (2 eps - 1) * 4, each sample contributes f(eps) = tanh^2(2 (2 eps - 1)), E f = 0.5180,
sd f = 0.3168 (numerical integration). Over 20 seeds of batches of 32 the per-call std is about
0.18 * lam * sd f for per-sample epsilon and about 1.0 * lam * sd f for one epsilon per batch; the test
requires std < 0.5 * lam * sd f and |mean - lam * E f| < 0.2 * lam * sd f (5 standard errors).
Reference over 10 disjoint blocks of 20 seeds (0-199): std / (lam sd f) 0.157 0.192 0.160 0.214 0.204 0.180
0.182 0.147 0.187 0.178 (max 0.214 < 0.5); (mean - lam E f) / (lam sd f) -0.001 -0.008 0.052 0.056 -0.029
0.022 0.059 0.108 0.052 0.027 (max |.| 0.108 < 0.2). The test itself uses seeds 0-19.
"""
import numpy as np
import pytest

from graders.asserts import assert_scalar_close, call_repr
from graders.models import model_spec


def critic(keras, input_shape, w, b=0.0, activation=None):
    """A judge-made critic: Flatten -> Dense(1), packed as data for the learner's as_model()."""
    model = keras.Sequential([keras.Input(input_shape), keras.layers.Flatten(),
                              keras.layers.Dense(1, activation=activation)])
    model.set_weights([np.asarray(w, np.float32).reshape(-1, 1), np.array([b], np.float32)])
    spec = model_spec(model)
    return {"config": spec["config"], "weights": spec["weights"]}


def with_norm(rng, size, norm):
    w = rng.standard_normal(size)
    return w * norm / np.linalg.norm(w)


# ----------------------------------------------------------------------------- linear critics: exact values

@pytest.mark.clause("C1", "C4", "C5", probes="the square root, the '- 1' or lam = 10 missing, on vector batches",
                    topic="generative models")
@pytest.mark.points(3)
@pytest.mark.parametrize("norm", [0.3, 1.0, 2.5])
def test_linear_critic_on_vectors(learner, keras, norm):
    rng = np.random.default_rng(int(norm * 10))
    w = with_norm(rng, 5, norm)
    real = rng.standard_normal((6, 5)).astype(np.float32)
    fake = rng.standard_normal((6, 5)).astype(np.float32)
    call = call_repr("gradient_penalty", "linear critic", real, fake, 0).replace("'linear critic'", "linear critic")
    got = learner.gradient_penalty(critic(keras, (5,), w, 0.7), real, fake, 0)
    assert_scalar_close(got, 10.0 * (norm - 1.0) ** 2, call, rtol=1e-4, atol=1e-6,
                        why="for a linear critic w.x + b the input gradient is w at every point, so the penalty is "
                            "lam (||w|| - 1)^2 with lam = 10 by default; check the square root, the '- 1' and lam")


@pytest.mark.clause("C1", "C2", "C4", probes="epsilon of shape (B, 1) on images, or the norm over the last axis or the whole batch",
                    topic="shapes and broadcasting")
@pytest.mark.points(3)
@pytest.mark.parametrize("norm", [0.5, 3.0])
def test_linear_critic_on_images(learner, keras, norm):
    rng = np.random.default_rng(int(norm * 100))
    shape = (4, 5, 3)
    w = with_norm(rng, int(np.prod(shape)), norm)
    real = rng.uniform(-1, 1, (6,) + shape).astype(np.float32)
    fake = rng.uniform(-1, 1, (6,) + shape).astype(np.float32)
    call = call_repr("gradient_penalty", "linear critic", real, fake, 1).replace("'linear critic'", "linear critic")
    got = learner.gradient_penalty(critic(keras, shape, w), real, fake, 1)
    assert_scalar_close(got, 10.0 * (norm - 1.0) ** 2, call, rtol=1e-4, atol=1e-6,
                        why="epsilon has shape (B, 1, 1, 1) for images, and the gradient norm of each sample runs "
                            "over all its pixels and channels (not the last axis only, not the whole batch)")


@pytest.mark.clause("C5", probes="the lam argument ignored (a hard-coded penalty weight)", topic="api contract")
@pytest.mark.points(1)
def test_lam_is_a_parameter(learner, keras):
    rng = np.random.default_rng(5)
    w = with_norm(rng, 8, 2.0)
    real = rng.standard_normal((3, 8)).astype(np.float32)
    fake = rng.standard_normal((3, 8)).astype(np.float32)
    got = learner.gradient_penalty(critic(keras, (8,), w), real, fake, 0, lam=1.0)
    assert_scalar_close(got, 1.0, call_repr("gradient_penalty", "linear critic", real, fake, 0, lam=1.0),
                        rtol=1e-4, why="lam multiplies the mean of (||g|| - 1)^2")


# ----------------------------------------------------------------------------- epsilon: per sample, uniform, seeded

A, W_NORM, B, N_SEEDS = 4.0, 2.0, 32, 20


def _softplus_setup(keras):
    rng = np.random.default_rng(42)
    shape = (2, 3, 2)
    dim = int(np.prod(shape))
    w = with_norm(rng, dim, W_NORM)
    unit = w / np.linalg.norm(w)

    def side(sign):  # every sample has w . x = sign * A, plus a random part orthogonal to w
        noise = rng.standard_normal((B, dim))
        noise -= np.outer(noise @ unit, unit)
        return (sign * A * w / W_NORM ** 2 + noise).reshape((B,) + shape).astype(np.float32)

    return critic(keras, shape, w, activation="softplus"), side(+1), side(-1)


def _f_moments():
    eps = (np.arange(200000) + 0.5) / 200000
    f = np.tanh(2.0 * (2 * eps - 1)) ** 2  # (sigmoid(t) * ||w|| - 1)^2 with ||w|| = 2 is tanh(t / 2)^2
    return float(f.mean()), float(f.std())


@pytest.fixture(scope="module")
def penalties_over_seeds(learner, keras):
    packed, real, fake = _softplus_setup(keras)
    model = learner.as_model(packed)
    return np.array([float(learner.gradient_penalty(model, real, fake, seed)) for seed in range(N_SEEDS)])


@pytest.mark.clause("C2", probes="one epsilon for the whole batch", topic="generative models")
@pytest.mark.points(3)
def test_one_epsilon_per_sample(penalties_over_seeds):
    _, sd = _f_moments()
    spread = float(np.std(penalties_over_seeds))
    assert spread < 0.5 * 10 * sd, (
        f"called gradient_penalty(softplus critic, real, fake of shape ({B}, 2, 3, 2), seed) for seeds 0-{N_SEEDS - 1}; "
        f"the penalties vary too much between seeds (std {spread:.3f}) - draw one epsilon per sample, "
        f"shape (B, 1, 1, 1), not one for the whole batch")


@pytest.mark.clause("C2", "C1", probes="epsilon not uniform on [0, 1), or the penalty not taken at the interpolates",
                    topic="generative models")
@pytest.mark.points(3)
def test_epsilon_is_uniform_on_the_segment(penalties_over_seeds):
    mean, sd = _f_moments()
    got = float(np.mean(penalties_over_seeds))
    assert abs(got - 10 * mean) < 0.2 * 10 * sd, (
        f"called gradient_penalty(softplus critic, real, fake of shape ({B}, 2, 3, 2), seed) for seeds 0-{N_SEEDS - 1}; "
        f"the average penalty {got:.3f} is not what interpolates eps * real + (1 - eps) * fake with eps ~ U[0, 1) "
        f"give - the penalty is taken at random points between real and fake samples")


@pytest.mark.clause("C3", probes="epsilon not reproducible from the seed, or not changing with it",
                    topic="randomness and reproducibility")
@pytest.mark.points(1)
def test_penalty_is_reproducible_from_seed(learner, keras, penalties_over_seeds):
    packed, real, fake = _softplus_setup(keras)
    again = float(learner.gradient_penalty(packed, real, fake, 3))
    assert np.isclose(again, penalties_over_seeds[3], rtol=1e-5), (
        f"called gradient_penalty(critic, real, fake, seed=3) twice; got {penalties_over_seeds[3]:.6f} then "
        f"{again:.6f} - draw epsilon from a generator seeded with seed (np.random.default_rng(seed))")
    assert len(np.unique(np.round(penalties_over_seeds, 6))) > N_SEEDS // 2, (
        "called gradient_penalty with seeds 0-19; the penalties barely change with the seed - epsilon must be "
        "drawn from seed")


# ----------------------------------------------------------------------------- losses

@pytest.mark.clause("C7", "C8", "C9", probes="a critic or generator loss with the wrong sign, or the penalty left out",
                    topic="generative models")
@pytest.mark.points(2)
def test_critic_and_generator_losses(learner):
    real = np.array([[2.0], [4.0]])
    fake = np.array([[-1.0], [0.0]])
    why = "the critic minimises mean(D(fake)) - mean(D(real)) (+ penalty); the generator minimises -mean(D(fake))"
    assert_scalar_close(learner.critic_loss(real, fake), -3.5, call_repr("critic_loss", real, fake), why=why)
    assert_scalar_close(learner.critic_loss(real.ravel(), fake.ravel(), 1.25), -2.25,
                        call_repr("critic_loss", real.ravel(), fake.ravel(), 1.25), why=why)
    assert_scalar_close(learner.generator_loss(fake), 0.5, call_repr("generator_loss", fake), why=why)
    rng = np.random.default_rng(0)
    r, f = rng.standard_normal(7), rng.standard_normal((7, 1))
    assert_scalar_close(learner.critic_loss(r, f, 0.3), f.mean() - r.mean() + 0.3, call_repr("critic_loss", r, f, 0.3),
                        rtol=1e-9, why=why)
    assert_scalar_close(learner.generator_loss(f.ravel()), -f.mean(), call_repr("generator_loss", f.ravel()),
                        rtol=1e-9, why=why)


# ----------------------------------------------------------------------------- contract: the generator, single numbers

@pytest.mark.clause("C3", "C1", probes="epsilon not drawn from np.random.default_rng(seed) (RandomState, TensorFlow seeds)",
                    topic="randomness and reproducibility")
@pytest.mark.points(2)
def test_epsilon_drawn_with_default_rng(learner, reference, keras):
    packed, real, fake = _softplus_setup(keras)
    for seed in (0, 11):
        call = call_repr("gradient_penalty", "softplus critic", real, fake, seed).replace("'softplus critic'",
                                                                                         "softplus critic")
        assert_scalar_close(learner.gradient_penalty(packed, real, fake, seed),
                            reference.gradient_penalty(packed, real, fake, seed), call, rtol=2e-4, atol=1e-5,
                            show_expected=False,
                            why="eps for sample i is the i-th of B draws of np.random.default_rng(seed) (rng.random(B)); "
                                "not the global generator, RandomState or a TensorFlow seed")


@pytest.mark.clause("C6", "C9", probes="a loss or penalty returned as an array of shape (1,) instead of a single number",
                    topic="api contract")
@pytest.mark.points(1)
def test_results_are_single_numbers(learner, keras):
    real, fake = np.array([[2.0], [4.0], [1.0]]), np.array([[-1.0], [0.0], [0.5]])
    for name, args in (("critic_loss", (real, fake)), ("critic_loss", (real.ravel(), fake)),
                       ("generator_loss", (fake,))):
        got = getattr(learner, name)(*args)
        assert np.ndim(got) == 0, (f"called {call_repr(name, *args)}; got shape {np.shape(got)}, expected a single "
                                   f"number (a float): average over the whole batch, whatever the scores' shape")
    rng = np.random.default_rng(2)
    real, fake = rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal((4, 3)).astype(np.float32)
    got = learner.gradient_penalty(critic(keras, (3,), [1.0, 2.0, 2.0]), real, fake, 0)
    assert np.ndim(got) == 0, (f"called {call_repr('gradient_penalty', 'linear critic', real, fake, 0)}; got shape "
                               f"{np.shape(got)}, expected a single float")
