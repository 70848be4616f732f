"""A byte-pair-encoding (BPE) tokenizer with byte fallback, in pure Python.

Run the visible tests with `python grade.py check bpe_tokenizer`. Standard library only
(no tokenizers, transformers, sentencepiece or tiktoken). Read the statement's Contract first:
ties, the vocabulary layout and the order of merges at encode time are all specified there.
"""


def split_words(text: str) -> list[str]:
    """Cut text into words: each word is a run of whitespace (possibly empty) followed by a run of
    non-whitespace; whitespace at the very end of the text is a word of its own.

    Whitespace means str.isspace(). "".join(split_words(text)) == text, split_words("") == [].
    split_words("Hi  there,\\n你好 ") == ["Hi", "  there,", "\\n你好", " "]
    """
    # TODO
    raise NotImplementedError("split_words")


def train_bpe(corpus: list[str], num_merges: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Learn up to num_merges merges on a list of documents; return (alphabet, merges).

    alphabet: the distinct characters of the corpus, sorted by code point.
    merges: (left, right) string tuples in the order learned. Pairs are counted inside words only
    (split_words of each document), once per word occurrence, at every adjacent position. The most
    frequent pair is merged (ties: the smallest (left, right)), left to right in every word. Stops
    early when no word has two symbols left. ValueError if num_merges < 0.
    """
    # TODO
    raise NotImplementedError("train_bpe")


class BPETokenizer:
    """Token ids: 0..255 the bytes ("<0x00>".."<0xFF>"), then the alphabet, then one id per merge."""

    def __init__(self, alphabet: list[str], merges: list[tuple[str, str]]):
        """Keep the alphabet and merges (as train_bpe returns them) and build self.vocab:
        a list of strings, vocab[token_id] = the token's string."""
        # TODO
        raise NotImplementedError("BPETokenizer")

    def encode(self, text: str) -> list[int]:
        """Token ids of text: split_words, then per word: alphabet characters are symbols, any other
        character becomes its UTF-8 bytes (byte tokens, never merged); apply the merges by rank
        (the earliest learned first), left to right."""
        # TODO
        raise NotImplementedError("BPETokenizer.encode")

    def decode(self, ids: list[int]) -> str:
        """Join the bytes of all tokens, then decode once as UTF-8 with errors="replace".

        ValueError for an id outside 0..len(vocab) - 1.
        """
        # TODO
        raise NotImplementedError("BPETokenizer.decode")
