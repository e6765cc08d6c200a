"""Questions in Traditional Chinese: read in Simplified, answered in Traditional.

Why: the KB, the glossary, the jieba vocabulary and every Chinese clue pattern are written in Simplified
characters, so a question typed in Traditional (Taiwan, Hong Kong) matched far less: on the dev set
converted to Traditional, hit@1 was 0.761 against 0.918, and 13% of the questions were declined. The
question is converted to Simplified (OpenCC ``tw2sp``: characters and Taiwan phrasing such as 網路 or
預設) before anything reads it, and the answer's Chinese text is converted back to Traditional
characters (``assistant.answering.traditional``; OpenCC ``s2tw``: Taiwan-standard characters such as
群 and 裡, no regional phrasing) so the asker reads their own script.

OpenCC is imported only for a question that contains Chinese characters (about 6 ms, once).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TRADITIONAL_SHARE = 0.1
"""A question counts as Traditional when at least this share of its Chinese characters change in
conversion: one stray variant in a Simplified question (a pasted name, 裏 for 里) does not switch the
answer's script."""


@lru_cache(maxsize=4)
def _converter(config: str) -> Any:
    import opencc  # a few ms; only Chinese questions get here

    return opencc.OpenCC(config)


def to_simplified(question: str) -> tuple[str, bool]:
    """The question in Simplified characters, and whether it was written in Traditional ones.

    Detection compares characters only (OpenCC ``t2s``); only a Traditional question is then converted
    with Taiwan phrasing (``tw2sp``), which would otherwise rewrite Simplified words (文件 to 文档)."""
    han = _HAN.findall(question)
    if not han:
        return question, False
    by_char = _converter("t2s").convert(question)
    changed = sum(1 for a, b in zip(question, by_char) if a != b)
    if changed < max(1.0, _TRADITIONAL_SHARE * len(han)):
        return question, False
    return _taiwan_words(_converter("tw2sp").convert(question)), True


@lru_cache(maxsize=1)
def _variants() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    from assistant.knowledge.yaml_cache import read_yaml
    from assistant.paths import kb_dir

    path = kb_dir() / "zh_variants.yaml"
    table = {str(k): str(v) for k, v in (read_yaml(path) or {}).items()} if path.exists() else {}
    if not table:
        return None, {}
    return re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))), table


def _taiwan_words(text: str) -> str:
    """Taiwan technical words OpenCC keeps (逾时, 封包, 预设) as the KB writes them (``kb/zh_variants.yaml``)."""
    pattern, table = _variants()
    return pattern.sub(lambda m: table[m.group(0)], text) if pattern is not None else text


def to_traditional(text: str) -> str:
    """Chinese characters in ``text`` as Traditional; everything else (code, English) unchanged."""
    return _converter("s2tw").convert(text) if text and _HAN.search(text) else text


def convert_strings(value: Any) -> Any:
    """Every string inside ``value`` converted (ids and commands are ASCII and come out unchanged)."""
    if isinstance(value, str):
        return to_traditional(value)
    if isinstance(value, list):
        return [convert_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: convert_strings(v) for k, v in value.items()}
    return value
