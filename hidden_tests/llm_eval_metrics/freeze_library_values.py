"""(Named freeze_*, not make_*_golden: its libraries - sacrebleu, rouge-score - are not kit dependencies, so
tests/test_tf_goldens.py, which re-checks every make_*_golden.py with the installed libraries, leaves it out.)
Freeze BLEU (sacrebleu), ROUGE-L (rouge-score) and calibration bins (scikit-learn) into reference_golden.npz.

    pip install sacrebleu nltk rouge-score                          # once, in a scratch environment
    python hidden_tests/llm_eval_metrics/freeze_library_values.py          # (re)write reference_golden.npz
    python hidden_tests/llm_eval_metrics/freeze_library_values.py --check  # compare the file with the libraries

The hidden suite reads the frozen values: the three text-metric libraries are not dependencies of the
kit, and scikit-learn's import alone would take a good part of the suite's 5 s budget.
- BLEU: sacrebleu.metrics.BLEU(max_ngram_order=max_n, tokenize="none", smooth_method="none") / 100 on whitespace-joined
  tokens (None where a hypothesis has fewer references). NLTK's corpus_bleu is checked to agree on the
  cases where every hypothesis has at least max_n tokens (NLTK counts a shorter hypothesis as one
  missing n-gram: its denominator is max(1, count), not the count).
- ROUGE-L: rouge_score.rouge_scorer.RougeScorer(["rougeL"]).score(reference, hypothesis): precision,
  recall and F1 (beta = 1); tokens are lowercase letters and digits, which its tokenizer keeps as they are.
- Calibration: sklearn.calibration.calibration_curve(correct, confidence, n_bins, strategy="uniform")
  on the max-probability confidence and the argmax-is-right indicator: per non-empty bin, accuracy and
  mean confidence.
"""
import sys
import warnings
from pathlib import Path

import numpy as np

GOLDEN = Path(__file__).with_name("reference_golden.npz")
WORDS = [f"w{i}" for i in range(14)] + ["the", "cat", "sat", "on", "mat", "a", "dog"]
BLEU_CASES = [  # (sentences, max references, max_n, hypothesis keep rate)
    (6, 1, 4, 0.8), (10, 3, 4, 0.75), (4, 2, 4, 0.9), (12, 4, 4, 0.7),
    (8, 2, 2, 0.6), (5, 3, 1, 0.5), (9, 2, 3, 0.8), (1, 3, 4, 0.9),
]
ROUGE_CASES = 14
ECE_CASES = [(200, 10, 15), (500, 3, 10), (50, 2, 5), (1000, 5, 20), (30, 4, 1), (300, 4, 15)]


def noisy(rng, tokens, keep):
    """A copy of ``tokens`` with some replaced, some dropped and some inserted."""
    out = []
    for token in tokens:
        r = rng.random()
        if r < keep:
            out.append(token)
        elif r < keep + (1 - keep) / 3:
            out.append(str(rng.choice(WORDS)))
        elif r < keep + 2 * (1 - keep) / 3:
            out += [token, str(rng.choice(WORDS))]
    return out


def bleu_inputs(index: int) -> dict:
    sentences, max_refs, max_n, keep = BLEU_CASES[index]
    rng = np.random.default_rng(100 + index)
    hyps, refs = [], []
    for i in range(sentences):
        source = [str(t) for t in rng.choice(WORDS, size=int(rng.integers(2, 26)))]
        hyp = noisy(rng, source, keep)
        if rng.random() < 0.25:
            hyp = hyp[: int(rng.integers(1, 4))]  # some hypotheses shorter than max_n
        count = int(rng.integers(1, max_refs + 1))
        row = [" ".join(noisy(rng, source, 0.85)) for _ in range(count)] + [""] * (max_refs - count)
        hyps.append(" ".join(hyp))
        refs.append(row)
    return {"hyps": np.array(hyps), "refs": np.array(refs).reshape(sentences, max_refs), "max_n": np.array(max_n)}


def rouge_inputs(index: int) -> tuple[str, str]:
    rng = np.random.default_rng(200 + index)
    vocab = WORDS[: int(rng.integers(3, len(WORDS)))]
    reference = [str(t) for t in rng.choice(vocab, size=int(rng.integers(1, 40)))]
    hypothesis = noisy(rng, reference, 0.6) if index % 3 else [str(t) for t in rng.choice(vocab, size=int(rng.integers(1, 40)))]
    if index == ROUGE_CASES - 1:
        hypothesis = []
    return " ".join(hypothesis), " ".join(reference)


def ece_inputs(index: int) -> dict:
    n, k, n_bins = ECE_CASES[index]
    rng = np.random.default_rng(300 + index)
    logits = rng.normal(scale=float(rng.uniform(1.0, 4.0)), size=(n, k))
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    truth = np.array([rng.choice(k, p=0.5 * p + 0.5 / k) for p in probs])  # over-confident probabilities
    return {"probs": probs, "labels": truth, "n_bins": np.array(n_bins)}


def compute() -> dict:
    from sacrebleu.metrics import BLEU
    from nltk.translate.bleu_score import corpus_bleu as nltk_bleu
    from rouge_score import rouge_scorer
    from sklearn.calibration import calibration_curve

    out = {}
    for i in range(len(BLEU_CASES)):
        case = bleu_inputs(i)
        hyps, refs, max_n = list(case["hyps"]), case["refs"], int(case["max_n"])
        streams = [[r if r else None for r in refs[:, j]] for j in range(refs.shape[1])]
        score = BLEU(max_ngram_order=max_n, tokenize="none", smooth_method="none", force=True).corpus_score(
            hyps, streams)
        value = score.score / 100.0
        if all(len(h.split()) >= max_n for h in hyps) and value > 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                other = nltk_bleu([[r.split() for r in row if r] for row in refs], [h.split() for h in hyps],
                                  weights=(1.0 / max_n,) * max_n)
            assert abs(other - value) < 1e-9, (i, other, value)
        out.update({f"bleu{i}_{key}": v for key, v in case.items()})
        out[f"bleu{i}_value"] = np.array(value)
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    for i in range(ROUGE_CASES):
        hypothesis, reference = rouge_inputs(i)
        s = scorer.score(reference, hypothesis)["rougeL"]
        out[f"rouge{i}_hyp"], out[f"rouge{i}_ref"] = np.array(hypothesis), np.array(reference)
        out[f"rouge{i}_prf"] = np.array([s.precision, s.recall, s.fmeasure])
    for i in range(len(ECE_CASES)):
        case = ece_inputs(i)
        correct = (case["probs"].argmax(axis=1) == case["labels"]).astype(int)
        confidence = case["probs"].max(axis=1)
        prob_true, prob_pred = calibration_curve(correct, confidence, n_bins=int(case["n_bins"]), strategy="uniform")
        out.update({f"ece{i}_{key}": v for key, v in case.items()})
        out[f"ece{i}_accuracy"], out[f"ece{i}_confidence"] = prob_true, prob_pred
    return out


def main(argv: list[str]) -> int:
    values = compute()
    if "--check" in argv:
        with np.load(GOLDEN, allow_pickle=False) as data:
            bad = [k for k, v in values.items() if k not in data.files or data[k].shape != v.shape
                   or (v.dtype.kind in "fc" and not np.allclose(v, data[k], rtol=1e-12, atol=0))
                   or (v.dtype.kind not in "fc" and not np.array_equal(v, data[k]))]
        print(f"{GOLDEN.name} matches the libraries" if not bad else f"{GOLDEN.name} differs: {bad}")
        return 1 if bad else 0
    np.savez_compressed(GOLDEN, **values)
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
