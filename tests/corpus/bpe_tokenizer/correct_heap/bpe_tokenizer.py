"""Correct, written differently: words kept with repeats (no frequency table), pairs counted per
step over every word occurrence, and encoding with a priority queue over a linked list of symbols
(lowest rank first, leftmost first among equal ranks), as SentencePiece does."""
import heapq
import re


def split_words(text):
    return re.findall(r"(?:\s*\S+)|(?:\s+$)", text)


def train_bpe(corpus, num_merges):
    if num_merges < 0:
        raise ValueError("num_merges must not be negative")
    alphabet = sorted(set("".join(corpus)))
    words = [list(w) for doc in corpus for w in split_words(doc)]
    merges = []
    for _ in range(num_merges):
        counts = {}
        for w in words:
            for i in range(len(w) - 1):
                counts[(w[i], w[i + 1])] = counts.get((w[i], w[i + 1]), 0) + 1
        if not counts:
            break
        best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        merges.append(best)
        joined = best[0] + best[1]
        for w in words:
            i = 0
            while i < len(w) - 1:
                if w[i] == best[0] and w[i + 1] == best[1]:
                    w[i:i + 2] = [joined]
                i += 1
    return alphabet, merges


class BPETokenizer:
    def __init__(self, alphabet, merges):
        self.alphabet = list(alphabet)
        self.merges = [tuple(m) for m in merges]
        base = 256 + len(self.alphabet)
        self.rank = {m: r for r, m in enumerate(self.merges)}
        self.char_id = {c: 256 + i for i, c in enumerate(self.alphabet)}
        self.base = base
        self.vocab = [f"<0x{b:02X}>" for b in range(256)] + self.alphabet + ["".join(m) for m in self.merges]

    def _encode_word(self, word):
        text, ids = [], []  # per symbol: its string (None for a fallback byte) and id
        for ch in word:
            if ch in self.char_id:
                text.append(ch)
                ids.append(self.char_id[ch])
            else:
                for b in ch.encode("utf-8"):
                    text.append(None)
                    ids.append(b)
        n = len(ids)
        nxt = list(range(1, n + 1))
        prv = list(range(-1, n - 1))
        alive = [True] * n
        heap = []

        def push(i):
            j = nxt[i]
            if j < n and text[i] is not None and text[j] is not None:
                r = self.rank.get((text[i], text[j]))
                if r is not None:
                    heapq.heappush(heap, (r, i, text[i], text[j]))

        for i in range(n - 1):
            push(i)
        while heap:
            r, i, a, b = heapq.heappop(heap)
            j = nxt[i] if alive[i] else n
            if not alive[i] or j >= n or text[i] != a or text[j] != b:
                continue  # stale entry
            text[i], ids[i] = a + b, self.base + r
            alive[j] = False
            nxt[i] = nxt[j]
            if nxt[j] < n:
                prv[nxt[j]] = i
            if prv[i] >= 0:
                push(prv[i])
            push(i)
        return [ids[i] for i in range(n) if alive[i]]

    def encode(self, text):
        return [t for w in split_words(text) for t in self._encode_word(w)]

    def decode(self, ids):
        pieces = []
        for t in ids:
            if not (0 <= t < len(self.vocab)):
                raise ValueError(f"id {t} out of range")
            pieces.append(bytes((t,)) if t < 256 else self.vocab[t].encode())
        return b"".join(pieces).decode("utf-8", errors="replace")
