"""A tiny decoder-only language model with a KV cache, and greedy and beam search, in numpy.

Run the visible tests with `python grade.py check kv_cache_decoding`; the statement is README.md.
Contract in short:
* params: {"n_heads": H, "wte": (V, D), "wpe": (P, D), "w_out": (D, V),
           "layers": [{"wq", "wk", "wv", "wo": (D, D), "w1": (D, F), "w2": (F, D)}, ...]}, float64.
  x = wte[ids] + wpe[positions]; per layer: causal multi-head self-attention (head h = columns
  h*Dh .. (h+1)*Dh - 1 of x @ wq, x @ wk, x @ wv; scores / sqrt(Dh); softmax over the keys),
  x = x + attended @ wo, then x = x + relu(x @ w1) @ w2; logits = x @ w_out.
* cache: None (empty) or a list with one (k, v) pair per layer, each (H, t, Dh): the unscaled keys
  and values of positions 0..t-1. decode_step returns a NEW cache of t + len(ids) positions and
  leaves the one it was given unchanged; the new tokens sit at positions t .. t + len(ids) - 1.
* lm(ids, cache) -> (logits (len(ids), V), new_cache): the LM the searches drive. Log-probabilities
  of the next token = log_softmax(last row of logits), stable for logits of size 1e3.
* The searches feed the LM the whole prompt once (cache=None), then one token at a time with the
  cache of that hypothesis's parent; never a finished hypothesis (one that emitted eos_id), never
  after the last step. They return generated tokens only (EOS included), not the prompt.
Do not use tensorflow, keras, torch, jax, transformers, scipy or sklearn.
"""
import numpy as np


def forward(params, ids):
    """Logits (T, V) for every position of ids (a 1-D sequence of token ids), with no cache.

    Raises ValueError for no ids or more ids than position embeddings.
    """
    # TODO
    raise NotImplementedError("forward")


def decode_step(params, ids, cache=None):
    """Feed the new tokens ids after the cached ones -> (logits (len(ids), V), new_cache).

    The logits equal forward(params, cached tokens + ids)[-len(ids):]. Raises ValueError for no ids
    or when the positions run past the position table.
    """
    # TODO: positions start at the cache length; append each layer's new keys/values to a NEW cache
    raise NotImplementedError("decode_step")


def greedy_search(lm, prompt, max_new_tokens, eos_id=None):
    """The argmax token (lowest id among ties) at each step -> list of generated token ids.

    Stops after emitting eos_id (kept in the output) or after max_new_tokens tokens.
    Raises ValueError for an empty prompt or max_new_tokens < 0.
    """
    # TODO
    raise NotImplementedError("greedy_search")


def beam_search(lm, prompt, beam_width, max_new_tokens, eos_id=None, length_penalty=1.0):
    """The final beam, best first -> [(tokens, score), ...], score = sum of log-probs / len(tokens) ** length_penalty.

    Each step: candidates = each hypothesis of the beam in order, a finished one as itself, an unfinished one
    extended by every token 0..V-1; sort them by score (descending, stable) and keep the first beam_width.
    Stops when every kept hypothesis is finished or after max_new_tokens steps.
    Raises ValueError for an empty prompt, max_new_tokens < 0 or beam_width < 1.
    """
    # TODO
    raise NotImplementedError("beam_search")


def generate(params, prompt, max_new_tokens, eos_id=None, beam_width=1, length_penalty=1.0):
    """The tokens of the best hypothesis of beam_search with lm = decode_step over params (greedy for width 1)."""
    # TODO
    raise NotImplementedError("generate")
