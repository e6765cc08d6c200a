"""BERT's uncased WordPiece tokenisation of ASCII text, in Python, for the query encoder.

Why: loading the ``tokenizers`` library and parsing the model's ``tokenizer.json`` cost ~15 ms of every
cold ``podtalk ask`` (the Rust parser holds the GIL, so it cannot overlap other work), while a query
is a few dozen characters. For ASCII text, what ``tokenizer.json`` specifies (BertNormalizer with
``clean_text``, ``lowercase`` and accent stripping; BertPreTokenizer; WordPiece with ``##``
continuations and a 100-character limit; ``[CLS] ... [SEP]`` around at most ``max_length`` ids) comes
down to a few exact rules, implemented here over the same ``vocab.txt``. Anything else (non-ASCII
text, text naming a special token such as ``[MASK]``) returns None and the caller uses ``tokenizers``
itself. The two are compared on every eval question, every KB text and generated ASCII strings (tests).
Chinese questions qualify too: the model reads their English projection, which is ASCII.
"""

from __future__ import annotations

import re
from pathlib import Path

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
MAX_INPUT_CHARS_PER_WORD = 100

# BertNormalizer's clean_text on ASCII: control characters other than tab, newline and carriage
# return are removed (NUL and DEL included); tab, newline and carriage return become spaces
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE = re.compile(r"[\t\n\r]")
# BertPreTokenizer: split on whitespace, and every ASCII punctuation character is a word of its own
_WORDS = re.compile(r"[^ !-/:-@\[-`{-~]+|[!-/:-@\[-`{-~]")


class AsciiWordPiece:
    """Token ids of ASCII texts, exactly as the model's ``tokenizer.json`` gives them."""

    def __init__(self, vocab_path: Path, max_length: int) -> None:
        words = vocab_path.read_text(encoding="utf-8").split("\n")
        if words and words[-1] == "":
            words.pop()
        self.vocab: dict[str, int] = dict(zip(words, range(len(words))))
        if len(self.vocab) != len(words):
            raise ValueError(f"{vocab_path}: duplicate vocabulary entries")
        self.unk = self.vocab["[UNK]"]
        self.cls = self.vocab["[CLS]"]
        self.sep = self.vocab["[SEP]"]
        self.max_length = max_length

    def ids(self, text: str) -> list[int] | None:
        """``[CLS] pieces... [SEP]`` ids of ``text``, or None when it is not plain ASCII (the caller
        then asks ``tokenizers``)."""
        if not text.isascii() or ("[" in text and any(s in text for s in SPECIAL_TOKENS)):
            return None
        text = _WHITESPACE.sub(" ", _CONTROL.sub("", text)).lower()
        out: list[int] = []
        for word in _WORDS.findall(text):
            out.extend(self._pieces(word))
        return [self.cls, *out[: max(0, self.max_length - 2)], self.sep]

    def _pieces(self, word: str) -> list[int]:
        if len(word) > MAX_INPUT_CHARS_PER_WORD:
            return [self.unk]
        vocab = self.vocab
        whole = vocab.get(word)
        if whole is not None:
            return [whole]
        pieces: list[int] = []
        start, n = 0, len(word)
        while start < n:
            end = n
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk]
            pieces.append(found)
            start = end
        return pieces
