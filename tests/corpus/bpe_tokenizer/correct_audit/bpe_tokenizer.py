"""Audit answer: byte-pair encoding with byte fallback, pure Python."""
from __future__ import annotations

from collections import Counter


def split_words(text: str) -> list[str]:
    """Words = whitespace run (maybe empty) + non-whitespace run; trailing whitespace is its own word."""
    words: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = i
        while j < n and text[j].isspace():
            j += 1
        k = j
        while k < n and not text[k].isspace():
            k += 1
        words.append(text[i:k])
        i = k
    return words


def _merge_word(word: list[str], left: str, right: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(word):
        if i + 1 < len(word) and word[i] == left and word[i + 1] == right:
            out.append(left + right)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return out


def train_bpe(corpus: list[str], num_merges: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Learn up to num_merges merges; return (alphabet, merges)."""
    if num_merges < 0:
        raise ValueError("num_merges must be >= 0")
    alphabet = sorted({ch for doc in corpus for ch in doc})
    freq: Counter = Counter()
    for doc in corpus:
        freq.update(split_words(doc))
    words = {w: list(w) for w in freq}
    merges: list[tuple[str, str]] = []
    for _ in range(num_merges):
        pairs: Counter = Counter()
        for w, syms in words.items():
            for a, b in zip(syms, syms[1:]):
                pairs[(a, b)] += freq[w]
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        words = {w: _merge_word(s, *best) for w, s in words.items()}
    return alphabet, merges


class BPETokenizer:
    """Ids: 0..255 bytes, then the alphabet, then one per merge."""

    def __init__(self, alphabet: list[str], merges: list[tuple[str, str]]):
        self.alphabet = list(alphabet)
        self.merges = [tuple(m) for m in merges]
        self.vocab: list[str] = [f"<0x{b:02X}>" for b in range(256)] + self.alphabet + [a + b for a, b in self.merges]
        self._char_id = {c: 256 + i for i, c in enumerate(self.alphabet)}
        self._rank = {}
        for i, m in enumerate(self.merges):
            self._rank.setdefault(m, i)

    def _encode_word(self, word: str) -> list[int]:
        # symbol: (string, id) for mergeable symbols, (None, byte) for byte tokens
        syms: list[tuple[str | None, int]] = []
        for ch in word:
            if ch in self._char_id:
                syms.append((ch, self._char_id[ch]))
            else:
                syms.extend((None, b) for b in ch.encode("utf-8"))
        base = 256 + len(self.alphabet)
        while True:
            best = None
            for (a, _), (b, _) in zip(syms, syms[1:]):
                if a is None or b is None:
                    continue
                r = self._rank.get((a, b))
                if r is not None and (best is None or r < best):
                    best = r
            if best is None:
                break
            left, right = self.merges[best]
            out = []
            i = 0
            while i < len(syms):
                if i + 1 < len(syms) and syms[i][0] == left and syms[i + 1][0] == right \
                        and syms[i][0] is not None and syms[i + 1][0] is not None:
                    out.append((left + right, base + best))
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            syms = out
        return [i for _, i in syms]

    def encode(self, text: str) -> list[int]:
        """Token ids of text."""
        ids: list[int] = []
        for w in split_words(text):
            ids.extend(self._encode_word(w))
        return ids

    def decode(self, ids: list[int]) -> str:
        """Bytes of all tokens joined, decoded once as UTF-8 (errors='replace')."""
        buf = bytearray()
        for i in ids:
            i = int(i)
            if not 0 <= i < len(self.vocab):
                raise ValueError(f"token id {i} out of range")
            if i < 256:
                buf.append(i)
            else:
                buf.extend(self.vocab[i].encode("utf-8"))
        return bytes(buf).decode("utf-8", errors="replace")
