"""Language detection and tokenisation for BM25, in English and Chinese.

English: lower-cased, Kubernetes identifiers kept whole (``kube-proxy``, ``clusterip``) and also split
into parts, stop words dropped, Snowball-stemmed. Chinese: jieba segmentation (no HMM) with the
glossary's and keywords' Chinese terms kept whole. Mixed text gets both.

Why a ``Tokenizer`` object and not module functions: jieba's user words used to be module globals, so
the same text tokenised differently before and after a ``Retriever`` existed in the process, and caches
written in one order were read in another. A ``Tokenizer`` is built once with its user words and its
dictionary, never changes afterwards, and has a ``fingerprint`` that keys every cache built from it.

Why a KB dictionary: loading jieba's full dictionary (350,000 words) costs ~0.6-0.8 s on every cold
Chinese answer. ``zh_dictionary.build`` keeps every dictionary word that occurs in the KB's Chinese text,
with its frequency, and the full dictionary's total, so the KB's own texts segment exactly as with the
full dictionary (tested) and the file loads in milliseconds. Query words absent from the KB cannot
score in BM25 anyway.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant import languages

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9_.:/-]*[a-z0-9]|[a-z0-9]")
_SEP = re.compile(r"[-_./:]")
_SEPS = re.compile(r"[-_./:]+")

EN_STOP = frozenset(
    """a an the is are was were be been being do does did of to in on for with and or not no it its this that
    these those what which who whom how why when where can could should would will shall may might must i you we
    they he she me my our your their there here as at by from into about than then so if but also any all some
    such just very get gets got use used using want need k8s kubernetes please tell explain me vs versus""".split()
)
ZH_STOP = frozenset(
    """的 了 吗 呢 吧 啊 是 在 和 与 或 及 什么 怎么 怎样 如何 为什么 哪些 哪个 有 没有 一个 这个 那个 我 你 我们 他们
    它 要 会 能 可以 应该 请问 一下 下 用 把 被 给 对 就 都 也 还 又 到 从 中 里 上 之间 之 时 时候 问题 啥 么 嘛 些 个
    多少 吗？ 请 呀 哦 该 这 那 让 如果 为 以 及其 其 等 得 地 着 过 很 更 最 里面 不 k8s kubernetes""".split()
)
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)

USER_WORD_FREQ = 20000  # jieba frequency that keeps a user word whole against ordinary dictionary words
TOKENIZER_VERSION = "2"  # bump when the token rules below change: every cache keyed by the fingerprint goes stale


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def detect_lang(text: str) -> str:
    """'zh' when the text contains Chinese characters (engineers mix English terms in), else 'en':
    the first registered language whose script occurs (``assistant.languages``)."""
    return languages.detect(text)


def segmentable_words(words: Iterable[str]) -> frozenset[str]:
    """User words jieba can ever see: only Chinese runs are segmented, so a term with Latin letters,
    digits or spaces (``1000 个地址``) could never match and is left out."""
    return frozenset(w for w in words if len(w) > 1 and _CJK_RUN.fullmatch(w))


def cjk_runs(text: str) -> list[str]:
    """The runs of Chinese characters in ``text`` (what jieba segments)."""
    return _CJK_RUN.findall(text)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def english_tokens(text: str) -> list[str]:
    """Stemmed English tokens; identifiers such as ``kube-proxy`` also yield their parts."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        parts = [word]
        if _SEP.search(word):
            parts += [p for p in _SEPS.split(word) if p]
            parts.append(_SEPS.sub("", word))
        for p in parts:
            if p in EN_STOP or (len(p) == 1 and not p.isdigit()):
                continue
            out.append(p)
    return _stemmer().stemWords(out)


class Tokenizer:
    """BM25 tokens of a text in either language, with a fixed set of Chinese user words.

    ``dictionary``: a jieba dictionary file (``zh_dictionary.build``); None means jieba's full
    dictionary. Chinese segmentation loads lazily, on the first text that contains Chinese.
    """

    def __init__(self, user_words: Iterable[str] = (), dictionary: Path | None = None,
                 dictionary_digest: str = "jieba-default") -> None:
        self.user_words: frozenset[str] = segmentable_words(user_words)
        self.dictionary = dictionary
        h = hashlib.sha256(f"{TOKENIZER_VERSION}\n{dictionary_digest}\n".encode())
        h.update("\n".join(sorted(self.user_words)).encode("utf-8"))
        self.fingerprint: str = h.hexdigest()[:16]
        """Identifies exactly how this tokenizer splits text: caches of tokens are keyed by it."""
        self._jieba: Any = None
        self._lock = threading.Lock()

    def _segmenter(self) -> Any:
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    if self.dictionary is None:
                        tk = jieba.Tokenizer()
                    else:
                        tk = jieba.Tokenizer(dictionary=str(self.dictionary))
                        tk.tmp_dir = str(self.dictionary.parent)  # jieba's parsed-dictionary cache beside it
                    tk.initialize()
                    if self.dictionary is None:
                        for w in sorted(self.user_words):
                            tk.add_word(w, freq=USER_WORD_FREQ)
                    self._jieba = tk
        return self._jieba

    def chinese_tokens(self, text: str) -> list[str]:
        """jieba tokens of the Chinese runs of ``text`` (punctuation and stop words dropped)."""
        out: list[str] = []
        runs = cjk_runs(text)
        if not runs:
            return out
        jb = self._segmenter()
        for run in runs:
            for tok in jb.lcut(run, HMM=False):
                tok = tok.strip()
                if not tok or tok in ZH_STOP or _PUNCT.match(tok):
                    continue
                out.append(tok)
                if len(tok) > 2 and tok not in self.user_words:
                    # long compounds also index their single characters' bigrams for recall
                    out.extend(tok[i:i + 2] for i in range(len(tok) - 1))
        return out

    def segmenter(self, name: str) -> Callable[[str], list[str]]:
        """The segmenter a registry row names (``Language.segmenter``): ``words`` (stemmed words) or
        ``jieba`` (this tokenizer's Chinese segmentation)."""
        return {"words": english_tokens, "jieba": self.chinese_tokens}[name]

    def tokenize(self, text: str) -> list[str]:
        """BM25 tokens of a text in any registered language: the words every text has (English terms
        occur in all of them), plus the segmentation of each registered language whose script the text
        contains (Chinese handled only when present)."""
        tokens = english_tokens(text)
        for lang in languages.LANGUAGES:
            if lang.segmenter != "words" and lang.detects(text):
                tokens += self.segmenter(lang.segmenter)(text)
        return tokens

    __call__ = tokenize


_PLAIN = Tokenizer()


def tokenize(text: str) -> list[str]:
    """Tokens with no user words and jieba's full dictionary: for callers without a KB (tests, tools).
    Anything compared with KB tokens must use the KB's tokenizer (``knowledge_tokenizer``)."""
    return _PLAIN.tokenize(text)


def plain_tokenizer(lang: str) -> Callable[[str], list[str]]:
    """How to tokenise a text known to be in ``lang``, without KB user words: a language whose registry
    row segments by ``words`` gets the words alone; one with a segmenter of its own (``jieba``) gets the
    full ``tokenize`` (its segmentation plus the English terms mixed in)."""
    return english_tokens if languages.get(lang).segmenter == "words" else tokenize
