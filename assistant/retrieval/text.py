"""Language detection and tokenisation for BM25, in English and Chinese.

English: lower-cased, Kubernetes identifiers kept whole (``kube-proxy``, ``clusterip``) and also split
into parts, stop words dropped, Snowball-stemmed. Chinese: ``jieba`` segmentation (its dictionary is
loaded once, lazily and silently, and only when a text actually contains Chinese), with the
glossary's Chinese terms registered so they stay whole. Mixed text gets both.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9_.:/-]*[a-z0-9]|[a-z0-9]")

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

_jieba_lock = threading.Lock()
_jieba = None
_user_words: set[str] = set()


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def detect_lang(text: str) -> str:
    """'zh' when the text contains Chinese characters (engineers mix English terms in), else 'en'."""
    return "zh" if has_cjk(text) else "en"


def add_user_words(words: Iterable[str]) -> None:
    """Terms jieba must keep whole (glossary and KB keywords); applied when jieba loads."""
    for w in words:
        if has_cjk(w) and len(w) > 1:
            _user_words.add(w)
    if _jieba is not None:
        for w in _user_words:
            _jieba.add_word(w, freq=20000)


def _get_jieba():
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                for w in _user_words:
                    jieba.add_word(w, freq=20000)
                _jieba = jieba
    return _jieba


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def english_tokens(text: str) -> list[str]:
    """Stemmed English tokens; identifiers such as ``kube-proxy`` also yield their parts."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        parts = [word]
        if re.search(r"[-_./:]", word):
            parts += [p for p in re.split(r"[-_./:]+", word) if p]
            parts.append(re.sub(r"[-_./:]+", "", word))
        for p in parts:
            if p in EN_STOP or (len(p) == 1 and not p.isdigit()):
                continue
            out.append(p)
    stem = _stemmer().stemWords
    return stem(out)


def chinese_tokens(text: str) -> list[str]:
    """jieba tokens of the Chinese runs of ``text`` (punctuation and stop words dropped)."""
    out: list[str] = []
    jb = _get_jieba()
    for run in _CJK_RUN.findall(text):
        for tok in jb.lcut(run, HMM=False):
            tok = tok.strip()
            if not tok or tok in ZH_STOP or _PUNCT.match(tok):
                continue
            out.append(tok)
            if len(tok) > 2 and tok not in _user_words:
                # long compounds also index their single characters' bigrams for recall
                out.extend(tok[i:i + 2] for i in range(len(tok) - 1))
    return out


def tokenize(text: str) -> list[str]:
    """BM25 tokens of a text in either language (Chinese handled only when present)."""
    tokens = english_tokens(text)
    if has_cjk(text):
        tokens += chinese_tokens(text)
    return tokens
