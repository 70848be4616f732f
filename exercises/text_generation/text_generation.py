"""Sampling the next token (temperature, top-k, top-p) and generating text with a char-level model.

Run the visible tests with `python grade.py check text_generation`; the statement is README.md.
Contract:
* token_probs(logits, temperature=1.0, top_k=None, top_p=None) -> float array, same shape as logits
  ((V,) or (B, V), one distribution per row):
    - temperature == 0: all mass on the argmax (the first index among equal maxima);
    - else p = softmax(logits / temperature) (numerically stable), then
    - top_k (None = off): keep exactly the k most probable tokens (equal values: lower index first), renormalise;
    - top_p (None = off): rank tokens by probability (equal ones: lower index first), keep the shortest prefix
      whose cumulative probability reaches top_p (the token that crosses top_p is kept), renormalise.
  Raise ValueError for temperature < 0, top_k < 1, or top_p outside (0, 1].
* sample_next(logits, temperature=1.0, top_k=None, top_p=None, seed=None) -> one token id (int) for logits
  (V,), or an int array (B,) for logits (B, V), each row drawn from token_probs(...). seed: an int or a
  numpy Generator, passed to np.random.default_rng(seed) (same seed -> same tokens).
* generate(model, start, n, vocab, temperature=1.0, top_k=None, top_p=None, seed=None) -> str:
  start followed by n sampled characters. vocab: a string (or list) of characters, index i <-> vocab[i].
  model: a Keras model, int ids (1, t) -> logits (1, t, V); the logits at the LAST position predict the
  next character. Feed it the whole text so far at every step. It may arrive live or packed as
  {'config': ..., 'weights': [...]}: call as_model(model) first. Use ONE random generator for the whole
  text. Raise ValueError if start is empty or has a character that is not in vocab.
"""
import numpy as np


def token_probs(logits, temperature=1.0, top_k=None, top_p=None):
    """The next-token distribution after temperature, top-k and top-p (in that order)."""
    # TODO
    raise NotImplementedError("token_probs")


def sample_next(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    """Draw the next token id(s) from token_probs(logits, temperature, top_k, top_p)."""
    # TODO: rng = np.random.default_rng(seed); one draw per row
    raise NotImplementedError("sample_next")


def generate(model, start, n, vocab, temperature=1.0, top_k=None, top_p=None, seed=None):
    """Extend start by n characters sampled from the model -> str of length len(start) + n."""
    # TODO: model = as_model(model); call the model directly (model(ids)), model.predict is slow in a loop
    raise NotImplementedError("generate")


# ----------------------------------------------------------------------------- given helper

def as_model(model):
    """A live keras.Model as is; a dict {'config': <Keras config>, 'weights': [arrays]} is rebuilt
    (standard layers only, safe mode) with those weights."""
    import keras

    if isinstance(model, keras.Model):
        return model
    rebuilt = keras.saving.deserialize_keras_object(model["config"], safe_mode=True)
    rebuilt.set_weights([np.asarray(w) for w in model["weights"]])
    return rebuilt
