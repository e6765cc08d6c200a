"""A small jieba dictionary made from the KB, and the KB's tokenizer built on it.

Why: jieba's full dictionary (350,000 words) takes ~0.6-0.8 s to load, on every cold Chinese answer.
Segmentation only ever uses dictionary words that occur in the text being cut, so a dictionary holding
every full-dictionary word that occurs in the KB's Chinese text (with its frequency), the user words,
and the full dictionary's total frequency (one filler line carries the rest) segments every KB text
exactly as the full dictionary does (tested). A question may contain words the KB lacks; those words
could never match a KB token in BM25, but they change how neighbouring characters group, so the
dictionary also keeps jieba's most common words (``COMMON_WORDS``); the eval measures the rest.

The dictionary is generated into the cache directory, keyed by the KB's text, the user words and the
jieba version, and rebuilt when any of them changes.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.retrieval.text import USER_WORD_FREQ, Tokenizer, cjk_runs, segmentable_words

FORMAT = "2"
# Besides the KB's words, jieba's most frequent words: a question word the KB lacks (前端) must stay whole
# rather than split into pieces that happen to be KB tokens (前 / 端的). 20,000 words fixed the one dev
# question that lost a fact this way and load in ~0.04 s; the full 350,000 take ~0.6 s.
COMMON_WORDS = 20000
_FILLER = "\ue000\ue001"  # private-use characters: never in a real text, carries the missing frequency mass
_TOKENIZERS: dict[str, Tokenizer] = {}
_BY_KB: dict[int, tuple[Any, Tokenizer]] = {}  # id(kb) -> (kb, its tokenizer); the kb is kept so ids are never reused
_LOCK = threading.Lock()


def _full_dictionary() -> tuple[dict[str, int], int, int, str]:
    """jieba's dictionary as {word: freq}, its total, its longest word and the jieba version."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    freq: dict[str, int] = {}
    total = 0
    longest = 1
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            if len(parts) < 2:
                continue
            word, f = parts[0], int(parts[1])
            freq[word] = f
            total += f
            if len(word) > longest:
                longest = len(word)
    return freq, total, longest, getattr(jieba, "__version__", "?")


def _jieba_dictionary_stamp() -> str:
    """Size and mtime of jieba's own dictionary file, found without importing jieba (nor
    importlib.metadata, whose import costs ~20 ms): a new jieba release means a new KB dictionary."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        return "no-jieba"
    try:
        st = (Path(spec.origin).parent / "dict.txt").stat()
        return f"{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        return "no-dict"


def build(texts: Iterable[str], user_words: Iterable[str]) -> str:
    """The dictionary file content (``word freq`` lines) for a corpus and its user words."""
    full, total, longest, _ = _full_dictionary()
    users = sorted(segmentable_words(user_words))
    keep: dict[str, int] = {}
    for text in texts:
        for run in cjk_runs(text):
            n = len(run)
            for i in range(n):
                for j in range(i + 1, min(n, i + longest) + 1):
                    w = run[i:j]
                    f = full.get(w)
                    if f is not None:
                        keep[w] = f
    for w, f in _most_common(full, COMMON_WORDS):
        keep.setdefault(w, f)
    # jieba's add_word(w, freq) overrides the word's frequency and adds freq to the total each time
    for w in users:
        keep[w] = USER_WORD_FREQ
    target_total = total + USER_WORD_FREQ * len(users)
    filler = target_total - sum(keep.values())
    lines = [f"{w} {f}" for w, f in sorted(keep.items())]
    if filler > 0:
        lines.append(f"{_FILLER} {filler}")
    return "\n".join(lines) + "\n"


def _most_common(freq: dict[str, int], n: int) -> list[tuple[str, int]]:
    """``sorted(freq.items(), key=(-freq, word))[:n]`` without sorting all 350,000 words: only
    those at or above the n-th largest frequency are sorted (~0.2 s less per dictionary build)."""
    if len(freq) <= n:
        return sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))
    threshold = sorted(freq.values(), reverse=True)[n - 1]
    return sorted(((w, f) for w, f in freq.items() if f >= threshold), key=lambda kv: (-kv[1], kv[0]))[:n]


def kb_texts(root: Path) -> list[str]:
    """Every YAML file under the KB directory (entries, glossary, causes, tour, rules...): the text
    whose Chinese words the dictionary must hold."""
    return [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.yaml"))]


def kb_user_words(kb: Any) -> list[str]:
    """Chinese terms jieba must keep whole: the glossary's and every entry's Chinese keywords."""
    words = [w for item in kb.glossary for w in item["zh"]]
    words += [w for e in kb.entries for w in e.keywords("zh")]
    return words


def defer_jieba_hmm() -> None:
    """Make jieba's HMM tables (``jieba.finalseg``, imported by ``import jieba``: ~15 ms of a cold
    Chinese answer) load on first use: podtalk segments with ``HMM=False``, which never touches them.
    A placeholder module stands in until one of its attributes is read (``finalseg.cut`` with
    ``HMM=True``...), which imports the real module; anything unexpected leaves jieba as it is."""
    import importlib.util
    import sys
    import types

    if "jieba" in sys.modules or "jieba.finalseg" in sys.modules:
        return
    try:
        package = importlib.util.find_spec("jieba")  # a top-level spec: jieba itself is not imported
        if package is None or not package.submodule_search_locations:
            return
        where = Path(list(package.submodule_search_locations)[0]) / "finalseg"
        spec = importlib.util.spec_from_file_location("jieba.finalseg", where / "__init__.py",
                                                      submodule_search_locations=[str(where)])
    except (ImportError, OSError, ValueError):
        return
    if spec is None or spec.loader is None:
        return

    class _Deferred(types.ModuleType):
        def __getattr__(self, name: str) -> Any:  # only for names the placeholder lacks
            real = importlib.util.module_from_spec(spec)
            sys.modules["jieba.finalseg"] = real
            spec.loader.exec_module(real)
            if "jieba" in sys.modules:
                sys.modules["jieba"].finalseg = real
            return getattr(real, name)

    placeholder = _Deferred("jieba.finalseg")
    placeholder.__spec__ = spec
    sys.modules["jieba.finalseg"] = placeholder


def knowledge_tokenizer(kb: Any) -> Tokenizer:
    """The tokenizer for ``kb`` (one per KB content, whatever order objects are created in)."""
    defer_jieba_hmm()
    known = _BY_KB.get(id(kb))
    if known is not None and known[0] is kb:
        return known[1]
    tok = _tokenizer_for(kb)
    _BY_KB[id(kb)] = (kb, tok)
    return tok


def _tokenizer_for(kb: Any) -> Tokenizer:
    from assistant.paths import cache_dir

    users = kb_user_words(kb)
    texts: list[str] | None = None
    stamp = digest = None
    if kb.root is not None:
        # the digest of ~1.3 MB of KB text, remembered by the files' stat (reading them cost ~10 ms)
        from assistant.knowledge import kb_snapshot

        paths = sorted(Path(kb.root).rglob("*.yaml"))
        stamp = kb_snapshot.files_stamp(paths, FORMAT, "\n".join(sorted(segmentable_words(users))),
                                        _jieba_dictionary_stamp())
        digest = kb_snapshot.remembered("zh-dict", stamp)
    if digest is None:
        texts = kb_texts(kb.root) if kb.root is not None else [str(e.data) for e in kb.entries]
        h = hashlib.sha256(f"{FORMAT}\n".encode())
        for t in texts:
            h.update(t.encode("utf-8"))
            h.update(b"\0")
        h.update("\n".join(sorted(segmentable_words(users))).encode("utf-8"))
        h.update(_jieba_dictionary_stamp().encode())
        digest = h.hexdigest()[:20]
        if stamp is not None:
            kb_snapshot.remember("zh-dict", stamp, digest, paths)
    with _LOCK:
        tok = _TOKENIZERS.get(digest)
        if tok is not None:
            return tok
        path = cache_dir() / f"zh-dict-{digest}.txt"
        if not path.is_file():
            try:
                from assistant.atomic import atomic_write_text

                if texts is None:
                    texts = kb_texts(kb.root) if kb.root is not None else [str(e.data) for e in kb.entries]
                atomic_write_text(path, build(texts, users))
            except OSError:
                path = None  # unwritable cache: the full dictionary plus user words, same segmentation of the KB
        tok = Tokenizer(users, dictionary=path, dictionary_digest=digest) if path else Tokenizer(users)
        _TOKENIZERS[digest] = tok
        return tok
