"""Visible tests for bpe_tokenizer: `python grade.py check bpe_tokenizer`."""
import pytest

CORPUS = ["low lower lowest", "大模型 小模型"]


def test_split_words_keeps_every_character(learner):
    text = "Hi  there,\n你好\u3000世界 "
    got = learner.split_words(text)
    assert got == ["Hi", "  there,", "\n你好", "\u3000世界", " "], (
        f"split_words({text!r}) gave {got!r}: a word is a whitespace run (possibly empty) then a "
        f"non-whitespace run, and whitespace is str.isspace() (\\n and \\u3000 included)")


def test_train_small_corpus(learner):
    alphabet, merges = learner.train_bpe(CORPUS, 6)
    assert list(alphabet) == [" ", "e", "l", "o", "r", "s", "t", "w", "型", "大", "小", "模"], (
        f"train_bpe({CORPUS!r}, 6) alphabet {alphabet!r}: every distinct character, sorted by code point")
    expected = [("l", "o"), ("lo", "w"), (" ", "low"), (" low", "e"), ("模", "型"), (" ", "小")]
    # merge 3: (' low', 'e') and ('模', '型') both occur twice; ' ' sorts before '模'
    assert [tuple(m) for m in merges] == expected, f"train_bpe({CORPUS!r}, 6) merges {merges!r}, expected {expected!r}"


def test_training_stops_when_every_word_is_one_token(learner):
    _, merges = learner.train_bpe(["aaa"], 10)
    assert [tuple(m) for m in merges] == [("a", "a"), ("aa", "a")], (
        f"train_bpe(['aaa'], 10) gave {merges!r}: 'aaa' holds ('a', 'a') twice, the merge goes left to right "
        f"(['aa', 'a']), and training stops when no word has two symbols")


def test_vocab_and_encode(learner):
    alphabet = [" ", "e", "l", "o", "r", "s", "t", "w", "型", "大", "小", "模"]
    merges = [("l", "o"), ("lo", "w"), (" ", "low"), (" low", "e"), ("模", "型"), (" ", "小")]
    tok = learner.BPETokenizer(alphabet, merges)
    assert len(tok.vocab) == 256 + 12 + 6 and tok.vocab[0xE6] == "<0xE6>" and tok.vocab[256] == " " \
        and tok.vocab[268] == "lo", "vocab: 256 byte tokens '<0x00>'..'<0xFF>', then the alphabet, then the merges"
    got = tok.encode("lowest")
    assert got == [269, 257, 261, 262], f"encode('lowest') gave {got}, expected [269, 257, 261, 262] (low e s t)"
    got = tok.encode(" 新模型")
    assert got == [256, 0xE6, 0x96, 0xB0, 272], (
        f"encode(' 新模型') gave {got}: 新 was never seen, so it becomes its UTF-8 bytes E6 96 B0 (ids 230, 150, 176)")


@pytest.mark.parametrize("text", ["lowest lower", " 新模型", "emoji 😀 and\ttabs\n"])
def test_decode_inverts_encode(learner, text):
    alphabet, merges = learner.train_bpe(CORPUS, 6)
    tok = learner.BPETokenizer(alphabet, merges)
    ids = tok.encode(text)
    assert tok.decode(ids) == text, f"decode(encode({text!r})) gave {tok.decode(ids)!r}"


def test_decode_joins_bytes_first(learner):
    tok = learner.BPETokenizer(["a"], [])
    assert tok.decode([0xE6, 0x96, 0xB0]) == "新", "the bytes E6 96 B0 together are 新: join bytes, then decode"
    assert tok.decode([0xE6, 0x96]) == "\ufffd", "an incomplete character decodes to '\\ufffd' (errors='replace')"
