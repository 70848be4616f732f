"""Visible tests for lora_finetuning: `python grade.py check lora_finetuning`."""
import numpy as np

from graders.asserts import assert_allclose
from graders.models import assert_compiled, model_spec, rebuild

BASE_PARAMS = 8970  # hidden1 64*64 + 64, hidden2 64*64 + 64, output 64*10 + 10


def test_parameter_count_of_rank_2(learner):
    got = learner.lora_num_params(learner.load_pretrained(), 2)
    # A (d_in, 2) and B (2, d_out) per layer: 2*(64+64) + 2*(64+64) + 2*(64+10)
    assert got == 660, f"called lora_num_params(load_pretrained(), 2); got {got!r}, expected 660"


def test_lora_model_starts_as_the_pretrained_one_and_trains_only_the_adapters(learner):
    call = "add_lora(load_pretrained(), 2, 4.0)"
    pretrained = learner.load_pretrained()
    spec = model_spec(learner.add_lora(pretrained, 2, 4.0))
    assert_compiled(spec, call)
    assert spec["n_trainable"] == 660, (f"called {call}; {spec['n_trainable']} trainable parameters, expected 660 "
                                        f"(the adapters only)")
    assert spec["n_params"] == BASE_PARAMS + 660, f"called {call}; {spec['n_params']} parameters, expected 9630"
    x = np.random.default_rng(0).random((5, 64)).astype(np.float32)
    expected = np.asarray(pretrained.predict(x, verbose=0))
    assert_allclose(np.asarray(rebuild(spec)(x, training=False)), expected, call + ", outputs before training",
                    rtol=1e-4, atol=1e-6, why="B starts at zero, so the LoRA model predicts what the pretrained one does")


def test_merging_an_untrained_lora_model_gives_back_the_pretrained_weights(learner):
    call = "merge_lora(add_lora(load_pretrained(), 2, 4.0))"
    pretrained = learner.load_pretrained()
    spec = model_spec(learner.merge_lora(learner.add_lora(pretrained, 2, 4.0)))
    assert spec["n_params"] == BASE_PARAMS, f"called {call}; {spec['n_params']} parameters, expected {BASE_PARAMS}"
    for got, expected in zip(spec["weights"], pretrained.get_weights()):
        assert_allclose(np.asarray(got), np.asarray(expected), call + ", weights", rtol=1e-6, atol=1e-7,
                        why="with B = 0 the merged kernels are the pretrained ones")
