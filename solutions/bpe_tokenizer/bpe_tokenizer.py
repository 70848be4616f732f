"""Reference solution: a byte-pair-encoding tokenizer with byte fallback."""
from __future__ import annotations

import re
from collections import Counter

WORD = re.compile(r"\s*\S+|\s+")  # re's \s is exactly str.isspace()
BYTE_TOKENS = 256


def split_words(text: str) -> list[str]:
    """Words = a (possibly empty) whitespace run + a non-whitespace run; trailing whitespace alone."""
    return WORD.findall(text)


def merge_word(symbols: tuple, pair: tuple, new) -> tuple:
    """Replace each non-overlapping occurrence of pair, scanning left to right."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == pair[0] and symbols[i + 1] == pair[1]:
            out.append(new)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def train_bpe(corpus: list[str], num_merges: int) -> tuple[list[str], list[tuple[str, str]]]:
    """(alphabet sorted by code point, merges in the order learned)."""
    if num_merges < 0:
        raise ValueError(f"num_merges must be >= 0, got {num_merges}")
    counts = Counter(word for text in corpus for word in split_words(text))  # never across documents
    alphabet = sorted({ch for text in corpus for ch in text})
    words = [(tuple(word), n) for word, n in counts.items()]
    merges: list[tuple[str, str]] = []
    for _ in range(num_merges):
        pairs: Counter = Counter()
        for symbols, n in words:
            for pair in zip(symbols, symbols[1:]):  # every adjacent position, inside one word
                pairs[pair] += n
        if not pairs:
            break  # every word is a single symbol
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))  # most frequent, ties: smallest pair
        merges.append(best)
        words = [(merge_word(symbols, best, best[0] + best[1]), n) for symbols, n in words]
    return alphabet, merges


class BPETokenizer:
    """ids 0..255: bytes; then the alphabet; then one token per merge, in the order learned."""

    def __init__(self, alphabet: list[str], merges: list[tuple[str, str]]):
        self.alphabet = list(alphabet)
        self.merges = [tuple(pair) for pair in merges]
        self.char_ids = {ch: BYTE_TOKENS + i for i, ch in enumerate(self.alphabet)}
        self.ranks = {pair: rank for rank, pair in enumerate(self.merges)}
        self.first_merge_id = BYTE_TOKENS + len(self.alphabet)
        self.vocab = ([f"<0x{b:02X}>" for b in range(BYTE_TOKENS)] + self.alphabet
                      + [left + right for left, right in self.merges])

    def encode_word(self, word: str) -> list[int]:
        symbols: list[tuple[str | None, int]] = []  # (string, id); a fallback byte has no string
        for ch in word:
            if ch in self.char_ids:
                symbols.append((ch, self.char_ids[ch]))
            else:
                symbols.extend((None, b) for b in ch.encode("utf-8"))  # byte fallback
        while len(symbols) > 1:
            ranked = [self.ranks.get((a[0], b[0])) for a, b in zip(symbols, symbols[1:])
                      if a[0] is not None and b[0] is not None]
            ranked = [r for r in ranked if r is not None]
            if not ranked:
                break
            rank = min(ranked)  # the earliest learned merge present, not the most frequent pair
            left, right = self.merges[rank]
            merged = (left + right, self.first_merge_id + rank)
            out, i = [], 0
            while i < len(symbols):
                if (i + 1 < len(symbols) and symbols[i][0] is not None and symbols[i + 1][0] is not None
                        and symbols[i][0] == left and symbols[i + 1][0] == right):
                    out.append(merged)
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            symbols = out
        return [token_id for _, token_id in symbols]

    def encode(self, text: str) -> list[int]:
        return [token_id for word in split_words(text) for token_id in self.encode_word(word)]

    def decode(self, ids: list[int]) -> str:
        data = bytearray()
        for token_id in ids:
            if not 0 <= token_id < len(self.vocab):
                raise ValueError(f"token id {token_id} is outside 0..{len(self.vocab) - 1}")
            data += bytes([token_id]) if token_id < BYTE_TOKENS else self.vocab[token_id].encode("utf-8")
        return data.decode("utf-8", errors="replace")  # bytes first: a character may span tokens
