"""Hidden tests for bpe_tokenizer: the word splitter, BPE training (counts, ties, merge application,
stopping), the vocabulary layout, encoding by merge rank with byte fallback, and decoding bytes first.

Hand-made cases pin each rule of the contract; a mixed English / Chinese corpus and seeded random
corpora over small alphabets (where ties are everywhere) compare the learner with the reference.
Encoding tests build the learner's tokenizer from the reference's merges, so they do not depend on the
learner's training. Pure Python, well under a second.

Wrong answers this suite is built to catch:
- pairs counted across word boundaries (a document treated as one sequence of characters)
- pairs counted across documents (the corpus joined into one string, with or without spaces)
- word frequencies ignored (each distinct word counted once)
- overlapping occurrences counted once (`"aaa"` holding `("a", "a")` once instead of twice)
- ties broken by first occurrence (dict order) or by the largest pair instead of the smallest
- a merge applied right to left (`"aaa"` -> `["a", "aa"]`), or only to its first occurrence in a word
- training that crashes or invents merges when no pair is left, or accepts a negative num_merges
- the alphabet in order of first occurrence instead of sorted by code point
- split_words attaching whitespace to the previous word, splitting on " " only (tabs, newlines and
  the ideographic space U+3000 missed), or dropping whitespace (decode(encode(x)) != x)
- byte tokens after the alphabet instead of ids 0..255, or named in lower-case hex; an alphabet given out
  of order re-sorted by the tokenizer instead of numbered as given
- encoding that merges the most frequent pair of the text first instead of the earliest learned merge
- encoding by greedy longest match against the vocabulary (WordPiece-style) instead of BPE merges
- unseen characters dropped, or mapped to their code point modulo 256 instead of their UTF-8 bytes
- fallback bytes represented as Latin-1 characters, so they merge with (or are taken for) real ones
- decode that decodes token by token (a character split over byte tokens becomes three U+FFFD),
  or that ignores / refuses invalid UTF-8 instead of replacing it
- decode accepting a negative id (Python's negative indexing) or an id past the vocabulary
"""
import numbers
import random
import re

import pytest

from graders.asserts import expect_raises

CORPUS = [
    "Large language models read text as tokens, not as words or characters.",
    "A tokenizer turns text into token ids, and the model turns token ids into text.",
    "Byte-pair encoding starts from characters and merges the most frequent pair again and again.",
    "The merges are learned once, on a training corpus, and then applied in the order learned.",
    "Frequent words become single tokens; rare words are split into smaller pieces.",
    "The tokenizer never fails: an unseen character falls back to its UTF-8 bytes.",
    "lower, lowest, newer, newest, wider, widest: the suffixes are shared.",
    "tokens  and\ttabs\nand newlines are whitespace too.",
    "大模型把文本切分成词元，再把词元映射成编号。",
    "分词器先在语料上学习合并规则，然后按学习的顺序应用这些规则。",
    "中文没有空格，所以一个中文句子是一个词。",
    "模型 模型 大模型 小模型 语言模型 大语言模型",
    "训练语料里没有见过的汉字会回退成 UTF-8 字节。",
    "机器学习\u3000深度学习\u3000自然语言处理",
    "The model reads 模型 and 分词 as often as English words.",
    "token token tokens tokenizer tokenizers tokenization",
    "merge merges merged merging: the most frequent pair is merged first.",
]
HELD_OUT = [
    "Tokenizers turn unseen words into known pieces.",
    "lowest newest widest token tokens",
    "大模型的分词器",
    "语言模型很强大，翻译也很准确。",  # 很 强 翻 译 也 准 确 are not in the corpus
    "Émile's café serves crème brûlée 😀",
    "  leading spaces,\ttabs\n\nand trailing whitespace \u3000 ",
    "模型模型模型 tokentoken",
    "",
]
ROUNDTRIP = HELD_OUT + [
    "🤖 robots ❤ naïve façade Ωmega ∑ ∫ √",
    "日本語のテキスト、한국어 텍스트",
    "\x00\x01 control \x7f characters \u200b zero width",
    "a\u0301 combining accent, \U0001F1E8\U0001F1F3 flag",
]
REPORT_CORPUS = f"CORPUS ({len(CORPUS)} English and Chinese documents)"


def corpus_repr(corpus):
    text = repr(corpus)
    return text if len(text) <= 70 else f"a corpus of {len(corpus)} documents"


def random_corpus(seed):
    """Small alphabets and short words: many words repeat and ties are everywhere."""
    rng = random.Random(seed)
    pool = rng.sample(list("abcde模型语") + [" ", " ", "\n", "\t", "\u3000"], rng.randint(3, 8))
    docs = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 40))) for _ in range(rng.randint(2, 7))]
    return docs, rng.randint(5, 40), pool


def random_texts(seed, pool, count=6):
    rng = random.Random(1000 + seed)
    extra = pool + ["x", "好", "😀", " "]
    return ["".join(rng.choice(extra) for _ in range(rng.randint(0, 30))) for _ in range(count)]


def as_merges(got, call):
    if not isinstance(got, (list, tuple)) or not all(isinstance(m, (list, tuple)) and len(m) == 2
                                                     and all(isinstance(s, str) for s in m) for m in got):
        raise AssertionError(f"called {call}; merges are {got!r:.120}, expected a list of (left, right) string "
                             f"tuples")
    return [tuple(m) for m in got]


def train(module, corpus, num_merges, call):
    result = module.train_bpe(list(corpus), num_merges)
    if not (isinstance(result, (list, tuple)) and len(result) == 2):
        raise AssertionError(f"called {call}; got {result!r:.120}, expected a tuple (alphabet, merges)")
    alphabet, merges = result
    if not isinstance(alphabet, (list, tuple)) or not all(isinstance(ch, str) for ch in alphabet):
        raise AssertionError(f"called {call}; the alphabet is {alphabet!r:.120}, expected a list of characters")
    return list(alphabet), as_merges(merges, call)


def check_merges(got, expected, call, why="", show_expected=True):
    for i, (g, e) in enumerate(zip(got, expected)):
        if g != e:
            shown = f", expected {e!r}" if show_expected else ""
            raise AssertionError(f"called {call}; merge {i} (0-based) is {g!r}{shown}"
                                 f" (merges before it agree){' - ' + why if why else ''}")
    if len(got) != len(expected):
        raise AssertionError(f"called {call}; got {len(got)} merges, expected {len(expected)} (the first "
                             f"{min(len(got), len(expected))} agree){' - ' + why if why else ''}")


def check_ids(got, expected, call, vocab=None, why="", show_expected=True):
    if not isinstance(got, list) or not all(isinstance(i, numbers.Integral) and not isinstance(i, bool)
                                            for i in got):
        raise AssertionError(f"called {call}; got {got!r:.120}, expected a list of int token ids")
    got = [int(i) for i in got]
    if got == expected:
        return
    i = next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e), min(len(got), len(expected)))

    def show(ids):
        if vocab is None:
            return repr(ids)
        return repr([vocab[t] if 0 <= t < len(vocab) else t for t in ids]) + f" (ids {ids})"
    shown = f", expected {show(expected)}" if show_expected else ""
    raise AssertionError(f"called {call}; got {show(got)}{shown}; first difference at position {i}"
                         f"{' - ' + why if why else ''}")


def check_text(got, expected, call, why=""):
    if not isinstance(got, str):
        raise AssertionError(f"called {call}; got {got!r:.80}, expected a str")
    if got != expected:
        i = next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e), min(len(got), len(expected)))
        raise AssertionError(f"called {call}; got {got!r:.120}, expected {expected!r:.120}; first difference at "
                             f"character {i}{' - ' + why if why else ''}")


@pytest.fixture(scope="module")
def trained(reference):
    """The reference's alphabet and merges on CORPUS, and its tokenizer."""
    alphabet, merges = reference.train_bpe(CORPUS, 120)
    tokens = [left + right for left, right in merges]
    assert len(set(tokens)) == len(tokens) and not set(tokens) & set(alphabet)  # ids are unambiguous
    return alphabet, merges, reference.BPETokenizer(alphabet, merges)


# ----------------------------------------------------------------------------- split_words

SPLIT_CASES = [
    ("", []),
    ("a", ["a"]),
    ("   ", ["   "]),
    (" a", [" a"]),
    ("a ", ["a", " "]),
    ("Hi  there,\n你好\u3000世界 ", ["Hi", "  there,", "\n你好", "\u3000世界", " "]),
    ("\tx\n\ny z\u3000", ["\tx", "\n\ny", " z", "\u3000"]),
    ("模型很强大。", ["模型很强大。"]),
    ("one\u00a0two\u2003three", ["one", "\u00a0two", "\u2003three"]),
]


@pytest.mark.clause("C1", probes="whitespace attached to the wrong word, or only ' ' taken as whitespace",
                    topic="tokenization")
@pytest.mark.points(2)
def test_split_words_examples(learner):
    for text, expected in SPLIT_CASES:
        got = learner.split_words(text)
        call = f"split_words({text!r})"
        if not isinstance(got, list) or got != expected:
            raise AssertionError(f"called {call}; got {got!r}, expected {expected!r} - a word is a run of "
                                 f"whitespace (possibly empty) then a run of non-whitespace; whitespace is "
                                 f"str.isspace(); trailing whitespace is a word of its own")


@pytest.mark.clause("C1", probes="words that do not add up to the text, on random text", topic="tokenization")
def test_split_words_random_text(learner, reference):
    rng = random.Random(5)
    pieces = ["a", "bc", "模", " ", "  ", "\n", "\t", "\u3000", ".", "😀"]
    for _ in range(30):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        got = learner.split_words(text)
        expected = reference.split_words(text)
        if got != expected:
            joined = "".join(got) if isinstance(got, list) and all(isinstance(w, str) for w in got) else None
            why = ("the words must concatenate back to the text" if joined != text else
                   "each word is a whitespace run (possibly empty) followed by a non-whitespace run")
            raise AssertionError(f"called split_words({text!r}); got {got!r}, expected {expected!r} - {why}")


# ----------------------------------------------------------------------------- training


@pytest.mark.clause("C2", probes="alphabet not sorted by code point, or whitespace left out", topic="tokenization")
def test_alphabet_is_sorted_distinct_characters(learner):
    call = f"train_bpe({REPORT_CORPUS}, 10)"
    alphabet, _ = train(learner, CORPUS, 10, call)
    expected = sorted(set("".join(CORPUS)))
    if alphabet != expected:
        raise AssertionError(f"called {call}; alphabet starts {alphabet[:12]!r}, expected {expected[:12]!r} "
                             f"({len(alphabet)} vs {len(expected)} characters) - the alphabet is every distinct "
                             f"character of the corpus, whitespace included, sorted by code point")


@pytest.mark.clause("C2", "C3", "C4", "C5", probes="merges learned on a mixed English / Chinese corpus",
                    topic="tokenization")
@pytest.mark.points(3)
def test_train_matches_reference_on_mixed_corpus(learner, trained):
    call = f"train_bpe({REPORT_CORPUS}, 120)"
    _, merges = train(learner, CORPUS, 120, call)
    check_merges(merges, trained[1], call, show_expected=False,
                 why="count pairs inside words only, weighted by word frequency; the most frequent pair wins, "
                     "ties go to the smallest (left, right); merge left to right")


@pytest.mark.clause("C3", "C4", "C5", "C6", probes="merges on random corpora full of ties", topic="tokenization")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(6))
def test_train_matches_reference_on_random_corpora(learner, reference, seed):
    corpus, num_merges, _ = random_corpus(seed)
    call = f"train_bpe({corpus!r:.200}, {num_merges})"
    alphabet, merges = train(learner, corpus, num_merges, call)
    e_alphabet, e_merges = reference.train_bpe(corpus, num_merges)
    check_merges(merges, e_merges, call, show_expected=True,
                 why="ties (equal counts) go to the smallest pair (left, right) in Python's string order")
    assert alphabet == e_alphabet, f"called {call}; alphabet {alphabet!r}, expected {e_alphabet!r}"


@pytest.mark.clause("C4", probes="ties broken by first occurrence or by the largest pair", topic="tokenization")
@pytest.mark.points(2)
def test_ties_go_to_the_smallest_pair(learner):
    cases = [
        (["cd ab ef"], 3, [(" ", "a"), (" ", "e"), (" a", "b")]),  # five pairs, each seen once
        (["ac", "ab"], 2, [("a", "b"), ("a", "c")]),  # same left side: the right side decides
        (["zz", "模型"], 2, [("z", "z"), ("模", "型")]),  # code point order: "z" < "模"
    ]
    for corpus, num_merges, expected in cases:
        call = f"train_bpe({corpus!r}, {num_merges})"
        check_merges(train(learner, corpus, num_merges, call)[1], expected, call,
                     why="every pair here occurs once: the tie goes to the smallest (left, right), not the first "
                         "seen nor the largest")


@pytest.mark.clause("C3", probes="pairs counted across word boundaries", topic="tokenization")
@pytest.mark.points(2)
def test_pairs_never_cross_words(learner, trained):
    corpus, expected = ["a b a b a b"], [(" ", "b"), (" ", "a")]
    call = f"train_bpe({corpus!r}, 4)"
    check_merges(train(learner, corpus, 4, call)[1], expected, call,
                 why="the words are 'a', ' b', ' a', ...: ('a', ' ') is not a pair, it spans two words, and "
                     "training stops when every word is one symbol")
    call = f"train_bpe({REPORT_CORPUS}, 120)"
    for left, right in train(learner, CORPUS, 120, call)[1]:
        token = left + right
        if len(re.findall(r"\s*\S+|\s+", token)) != 1:  # the token spans two words
            raise AssertionError(f"called {call}; learned the merge {(left, right)!r}, whose token {token!r} "
                                 f"spans two words - pairs never cross a word boundary")


@pytest.mark.clause("C3", probes="pairs counted across documents (the corpus joined into one string)",
                    topic="tokenization")
def test_pairs_never_cross_documents(learner):
    for corpus, num_merges, expected in ((["ab", "cd"] * 3, 4, [("a", "b"), ("c", "d")]),
                                         (["xy", "y x"], 3, [(" ", "x"), ("x", "y")])):
        call = f"train_bpe({corpus!r}, {num_merges})"
        check_merges(train(learner, corpus, num_merges, call)[1], expected, call,
                     why="each document is split on its own: no pair spans two documents, and documents are "
                         "not joined with a space")


@pytest.mark.clause("C3", probes="each distinct word counted once instead of once per occurrence",
                    topic="tokenization")
def test_word_frequencies_weight_the_counts(learner):
    corpus = ["ba", "ba", "ba", "ab"]
    call = f"train_bpe({corpus!r}, 2)"
    check_merges(train(learner, corpus, 2, call)[1], [("b", "a"), ("a", "b")], call,
                 why="'ba' occurs three times, so ('b', 'a') counts 3 and ('a', 'b') counts 1")


@pytest.mark.clause("C3", probes="overlapping occurrences of a pair counted once", topic="tokenization")
def test_every_adjacent_position_counts(learner):
    corpus = ["bbb", "ac"]
    call = f"train_bpe({corpus!r}, 2)"
    check_merges(train(learner, corpus, 2, call)[1], [("b", "b"), ("a", "c")], call,
                 why="'bbb' holds the pair ('b', 'b') at two adjacent positions: count 2 beats ('a', 'c')")


@pytest.mark.clause("C5", probes="a merge applied right to left, or only to its first occurrence",
                    topic="tokenization")
@pytest.mark.points(2)
def test_merges_apply_left_to_right_to_every_occurrence(learner):
    cases = [
        (["aaa", "aaa", "aab"], 3, [("a", "a"), ("aa", "a"), ("aa", "b")],
         "('a', 'a') turns 'aaa' into ['aa', 'a'] (left to right), so the next pair is ('aa', 'a')"),
        (["abab"], 3, [("a", "b"), ("ab", "ab")],
         "('a', 'b') replaces both occurrences in 'abab', so the word becomes ['ab', 'ab']"),
    ]
    for corpus, num_merges, expected, why in cases:
        call = f"train_bpe({corpus!r}, {num_merges})"
        check_merges(train(learner, corpus, num_merges, call)[1], expected, call, why=why)


@pytest.mark.clause("C6", probes="training that fails or invents merges once every word is one symbol",
                    topic="tokenization")
def test_training_stops_when_no_pair_is_left(learner):
    for corpus, num_merges, expected in ((["aaa"], 10, [("a", "a"), ("aa", "a")]),
                                         (["abc", "d"], 10, [("a", "b"), ("ab", "c")]),
                                         (["a", "b", " "], 3, []),
                                         (["abc"], 0, [])):
        call = f"train_bpe({corpus!r}, {num_merges})"
        check_merges(train(learner, corpus, num_merges, call)[1], expected, call,
                     why="stop after num_merges merges, or earlier when no word has two symbols left")


@pytest.mark.clause("C6", probes="a negative num_merges accepted", topic="input validation")
def test_negative_num_merges_raises(learner):
    with expect_raises(ValueError, "train_bpe(['abc'], -1)", "num_merges must not be negative"):
        learner.train_bpe(["abc"], -1)


# ----------------------------------------------------------------------------- vocabulary


@pytest.mark.clause("C7", probes="byte tokens not at ids 0..255, alphabet or merges out of order",
                    topic="tokenization")
@pytest.mark.points(2)
def test_vocab_layout(learner, trained):
    alphabet, merges, tok = trained
    learner_tok = learner.BPETokenizer(alphabet, merges)
    vocab = learner_tok.vocab
    call = f"BPETokenizer(alphabet of {len(alphabet)}, merges of {len(merges)}).vocab"
    if not isinstance(vocab, (list, tuple)) or len(vocab) != 256 + len(alphabet) + len(merges):
        raise AssertionError(f"called {call}; got {vocab!r:.80}, expected a list of "
                             f"256 + {len(alphabet)} + {len(merges)} token strings")
    for i, (g, e) in enumerate(zip(vocab, tok.vocab)):
        if g != e:
            raise AssertionError(f"called {call}; vocab[{i}] is {g!r}, expected {e!r} - ids 0..255 are the byte "
                                 f"tokens '<0x00>'..'<0xFF>', then the alphabet in order, then merge i at "
                                 f"256 + len(alphabet) + i with the string left + right")


@pytest.mark.clause("C7", probes="the alphabet re-sorted instead of numbered in the order given", topic="tokenization")
def test_vocab_keeps_the_alphabet_order_given(learner):
    alphabet, merges = ["b", "a", " "], [("a", "b"), (" ", "ab")]
    call = f"BPETokenizer({alphabet}, {merges})"
    tok = learner.BPETokenizer(alphabet, merges)
    vocab = list(tok.vocab)
    assert vocab[256:] == ["b", "a", " ", "ab", " ab"], (
        f"called {call}.vocab; ids 256.. hold {vocab[256:]!r}, expected ['b', 'a', ' ', 'ab', ' ab'] - the alphabet "
        f"keeps the order it is given in (ids 256 + i), then the merges")
    check_ids(tok.encode("b a"), [256, 258, 257], call + ".encode('b a')", vocab,
              why="'b' is id 256, ' ' 258 and 'a' 257: their places in the alphabet given")
    check_ids(tok.encode("ba ab"), [256, 257, 260], call + ".encode('ba ab')", vocab,
              why="merge 0 ('ab') is id 259 and merge 1 (' ab') id 260, after the 3 alphabet characters")


# ----------------------------------------------------------------------------- encode


@pytest.mark.clause("C8", "C9", probes="encoding held-out English and Chinese text", topic="tokenization")
@pytest.mark.points(3)
def test_encode_matches_reference(learner, trained):
    alphabet, merges, tok = trained
    learner_tok = learner.BPETokenizer(alphabet, merges)
    for text in HELD_OUT + CORPUS:
        check_ids(learner_tok.encode(text), tok.encode(text), f"encode({text!r})", tok.vocab,
                  why="split into words, byte-fall-back unseen characters, then merge by rank (earliest "
                      "learned first)")


@pytest.mark.clause("C8", "C9", probes="encoding on random merges full of overlaps and ties",
                    topic="tokenization")
@pytest.mark.parametrize("seed", range(6))
def test_encode_matches_reference_on_random_corpora(learner, reference, seed):
    corpus, num_merges, pool = random_corpus(seed)
    alphabet, merges = reference.train_bpe(corpus, num_merges)
    tok = reference.BPETokenizer(alphabet, merges)
    learner_tok = learner.BPETokenizer(alphabet, merges)
    for text in random_texts(seed, pool) + corpus:
        check_ids(learner_tok.encode(text), tok.encode(text), f"encode({text!r}) with merges {merges!r:.150}",
                  tok.vocab, show_expected=False)


@pytest.mark.clause("C9", probes="merges applied by how often a pair occurs in the text, or by longest match",
                    topic="tokenization")
@pytest.mark.points(3)
def test_encode_applies_merges_in_learned_order(learner):
    alphabet, merges = ["a", "b", "c"], [("b", "c"), ("a", "b")]
    tok = learner.BPETokenizer(alphabet, merges)  # a=256, b=257, c=258, bc=259, ab=260
    cases = [
        ("abcab", [256, 259, 260], "('b', 'c') was learned first, so it wins in 'abc' although ('a', 'b') "
                                   "occurs twice in the text; 'ab' + 'c' by longest match is not BPE either"),
        ("abc", [256, 259], "('b', 'c') has rank 0, ('a', 'b') rank 1"),
        ("cab", [258, 260], "only ('a', 'b') applies"),
    ]
    vocab = ["<byte>"] * 256 + ["a", "b", "c", "bc", "ab"]
    for text, expected, why in cases:
        check_ids(tok.encode(text), expected,
                  f"BPETokenizer(['a', 'b', 'c'], [('b', 'c'), ('a', 'b')]).encode({text!r})", vocab, why=why)
    alphabet, merges = ["a", "b"], [("a", "a"), ("b", "b"), ("aa", "b"), ("a", "b")]
    tok = learner.BPETokenizer(alphabet, merges)  # a=256, b=257, aa=258, bb=259, aab=260, ab=261
    vocab = ["<byte>"] * 256 + ["a", "b", "aa", "bb", "aab", "ab"]
    call = f"BPETokenizer({alphabet!r}, {merges!r}).encode('aaabb')"
    check_ids(tok.encode("aaabb"), [258, 256, 259], call, vocab,
              why="('a', 'a') first, left to right: ['aa', 'a', 'b', 'b']; then ('b', 'b'): ['aa', 'a', 'bb']; "
                  "no later merge applies")


@pytest.mark.clause("C8", probes="unseen characters dropped or not replaced by their UTF-8 bytes",
                    topic="tokenization")
@pytest.mark.points(2)
def test_byte_fallback_for_unseen_characters(learner):
    tok = learner.BPETokenizer(["a", "b"], [("a", "b")])  # a=256, b=257, ab=258
    vocab = [f"<0x{b:02X}>" for b in range(256)] + ["a", "b", "ab"]
    cases = [
        ("", []),
        ("a你b", [256, 0xE4, 0xBD, 0xA0, 257]),
        ("ab你ab", [258, 0xE4, 0xBD, 0xA0, 258]),
        ("😀ab", [0xF0, 0x9F, 0x98, 0x80, 258]),
        ("é", [0xC3, 0xA9]),
        (" ab", [0x20, 258]),
    ]
    for text, expected in cases:
        check_ids(tok.encode(text), expected, f"BPETokenizer(['a', 'b'], [('a', 'b')]).encode({text!r})", vocab,
                  why="a character outside the alphabet becomes its UTF-8 bytes, one byte token (id = byte) each; "
                      "the characters around it are encoded as usual")


@pytest.mark.clause("C8", probes="fallback bytes taken for, or merged with, real characters", topic="tokenization")
def test_fallback_bytes_never_merge(learner):
    alphabet, merges = ["½", "ä"], [("ä", "½")]  # U+00BD, U+00E4: Latin-1 look-alikes of the bytes BD and E4
    tok = learner.BPETokenizer(alphabet, merges)  # ½=256, ä=257, ä½=258
    vocab = [f"<0x{b:02X}>" for b in range(256)] + ["½", "ä", "ä½"]
    call = f"BPETokenizer({alphabet!r}, {merges!r})"
    check_ids(tok.encode("你"), [0xE4, 0xBD, 0xA0], call + ".encode('你')", vocab,
              why="你 is not in the alphabet: its bytes E4 BD A0 are byte tokens 228, 189, 160, never the "
                  "characters ä and ½, and byte tokens never take part in a merge")
    check_ids(tok.encode("ä½"), [258], call + ".encode('ä½')", vocab)


# ----------------------------------------------------------------------------- decode


@pytest.mark.clause("C10", probes="decode(encode(text)) != text", topic="tokenization")
@pytest.mark.points(2)
def test_decode_inverts_encode(learner, trained):
    alphabet, merges, _ = trained
    tok = learner.BPETokenizer(alphabet, merges)
    for text in ROUNDTRIP + CORPUS:
        check_text(tok.decode(tok.encode(text)), text, f"decode(encode({text!r}))",
                   why="encode loses nothing (whitespace and unseen characters included) and decode joins the "
                       "bytes of all tokens before decoding UTF-8")
    small = learner.BPETokenizer(["a"], [])
    for text in ROUNDTRIP:
        check_text(small.decode(small.encode(text)), text, f"BPETokenizer(['a'], []): decode(encode({text!r}))")


@pytest.mark.clause("C10", probes="decoding token by token, or dropping invalid UTF-8", topic="tokenization")
@pytest.mark.points(2)
def test_decode_joins_bytes_before_utf8(learner):
    tok = learner.BPETokenizer(["a", "b"], [("a", "b")])  # a=256, b=257, ab=258
    cases = [
        ([0xE4, 0xBD, 0xA0], "你", "the three bytes of 你 are one character: join the bytes, then decode"),
        ([258, 0xE4, 0xBD, 0xA0, 256], "ab你a", "bytes and characters mixed"),
        ([0xE4], "\ufffd", "an incomplete character decodes with errors='replace'"),
        ([256, 0xE4, 0xBD, 257], "a\ufffdb", "an incomplete character decodes with errors='replace'"),
        ([0xFF, 258], "\ufffdab", "an invalid byte decodes with errors='replace'"),
        ([], "", "no ids, no text"),
    ]
    for ids, expected, why in cases:
        check_text(tok.decode(ids), expected, f"BPETokenizer(['a', 'b'], [('a', 'b')]).decode({ids})", why=why)


@pytest.mark.clause("C7", "C10", probes="a token that does not decode to its vocab string", topic="tokenization")
def test_decode_of_each_token_is_its_string(learner, trained):
    alphabet, merges, tok = trained
    learner_tok = learner.BPETokenizer(alphabet, merges)
    for token_id in range(256, len(tok.vocab)):
        check_text(learner_tok.decode([token_id]), tok.vocab[token_id], f"decode([{token_id}])")
    check_text(learner_tok.decode([0x41, 0x0A]), "A\n", "decode([0x41, 0x0A])", why="byte tokens are bytes")


@pytest.mark.clause("C11", probes="a negative or too large id accepted by decode", topic="input validation")
def test_decode_rejects_ids_outside_the_vocabulary(learner):
    tok = learner.BPETokenizer(["a", "b"], [("a", "b")])  # 259 ids
    for ids in ([-1], [256, 259], [1000]):
        with expect_raises(ValueError, f"BPETokenizer(['a', 'b'], [('a', 'b')]).decode({ids})",
                           "ids run from 0 to len(vocab) - 1 = 258; a negative id is not an index from the end"):
            tok.decode(ids)
