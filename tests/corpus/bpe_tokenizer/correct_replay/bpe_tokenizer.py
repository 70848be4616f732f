"""Correct, written differently: a hand-rolled word splitter, incremental pair counts during
training, and encoding that replays the merges one after another in the order learned."""
from collections import defaultdict


def split_words(text):
    words, start, i, n = [], 0, 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        while i < n and not text[i].isspace():
            i += 1
        words.append(text[start:i])
        start = i
    return words


def _apply(symbols, left, right):
    out, i = [], 0
    while i < len(symbols):
        if i < len(symbols) - 1 and symbols[i] == left and symbols[i + 1] == right:
            out.append(left + right)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def train_bpe(corpus, num_merges):
    if num_merges < 0:
        raise ValueError("num_merges < 0")
    freq = {}
    chars = set()
    for doc in corpus:
        chars.update(doc)
        for w in split_words(doc):
            freq[w] = freq.get(w, 0) + 1
    words = [list(w) for w in freq]
    weights = list(freq.values())
    pair_count = defaultdict(int)
    where = defaultdict(set)  # pair -> indices of words holding it
    for idx, sym in enumerate(words):
        for p in zip(sym, sym[1:]):
            pair_count[p] += weights[idx]
            where[p].add(idx)
    merges = []
    while len(merges) < num_merges:
        live = [(c, p) for p, c in pair_count.items() if c > 0]
        if not live:
            break
        top = max(c for c, _ in live)
        best = min(p for c, p in live if c == top)
        merges.append(best)
        for idx in sorted(where.pop(best, ())):
            old = words[idx]
            for p in zip(old, old[1:]):
                pair_count[p] -= weights[idx]
            new = _apply(old, *best)
            words[idx] = new
            for p in zip(new, new[1:]):
                pair_count[p] += weights[idx]
                where[p].add(idx)
        pair_count.pop(best, None)
    return sorted(chars), merges


class BPETokenizer:
    def __init__(self, alphabet, merges):
        self.alphabet = list(alphabet)
        self.merges = [(a, b) for a, b in merges]
        self.vocab = ["<0x%02X>" % b for b in range(256)] + self.alphabet + [a + b for a, b in self.merges]
        self._ids = {}
        for i, tok in enumerate(self.vocab[256:], start=256):
            self._ids.setdefault(tok, i)
        self._alpha = set(self.alphabet)

    def _word(self, word):
        # a fallback byte is an int, a symbol is a str: ints never match a merge
        symbols = []
        for ch in word:
            symbols.extend([ch] if ch in self._alpha else list(ch.encode("utf-8")))
        for left, right in self.merges:
            if len(symbols) < 2:
                break
            symbols = _apply(symbols, left, right)
        return [s if isinstance(s, int) else self._ids[s] for s in symbols]

    def encode(self, text):
        out = []
        for w in split_words(text):
            out += self._word(w)
        return out

    def decode(self, ids):
        raw = b""
        for i in ids:
            if i < 0 or i >= len(self.vocab):
                raise ValueError("unknown id %r" % (i,))
            raw += bytes([i]) if i < 256 else self.vocab[i].encode("utf-8")
        return raw.decode("utf-8", "replace")
