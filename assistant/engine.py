"""The core facade: one object that answers questions, used by the CLI, the chat UI, the tour and
the eval runner alike. It never imports Textual; the model and indexes load lazily.

``Assistant`` wires the layers below it (the KB, the retriever, the answering pipeline) and
delegates; ``Answer`` and ``Context`` live in ``assistant.answering.types`` and are re-exported here.
"""

from __future__ import annotations

import time

from assistant.answering.pipeline import MIN_SOURCES, AnswerPipeline, AnswerSettings
from assistant.answering.traditional import answer_in_traditional
from assistant.answering.types import Answer, Context
from assistant.knowledge.loader import KnowledgeBase, load_kb
from assistant.retrieval.chinese_script import to_simplified
from assistant.retrieval.retriever import Retrieval, Retriever
from assistant.retrieval.text import detect_lang

__all__ = ["MIN_SOURCES", "Answer", "Assistant", "Context"]


class Assistant:
    """Answers questions from the KB. Create once; ``ask`` many times."""

    def __init__(self, kb: KnowledgeBase | None = None, *, retriever: Retriever | None = None,
                 cluster_domain: str = "cluster.local", namespace: str = "default") -> None:
        self.kb = kb or load_kb()
        self.retriever = retriever or Retriever(self.kb)
        self.pipeline = AnswerPipeline(self.kb, self.retriever, AnswerSettings(namespace, cluster_domain))

    @property
    def namespace(self) -> str:
        return self.pipeline.settings.namespace

    @property
    def cluster_domain(self) -> str:
        return self.pipeline.settings.cluster_domain

    def sources(self, retrieval: Retrieval) -> list[dict]:
        return self.pipeline.sources(retrieval)

    def ask(self, question: str, *, lang: str = "auto", retriever: str = "hybrid",
            allow_dense: bool = True, context: Context | None = None) -> Answer:
        """Answer one question. ``lang`` auto-detects; ``allow_dense=False`` answers lexically.

        Symptom reports and pasted command output are then read by the diagnosis, which may answer
        instead (likely causes, the check that tells them apart, the fix)."""
        from assistant.diagnosis.ask import diagnose_answer  # imported on first use: it loads the causes

        t0 = time.perf_counter()
        asked = question
        question, traditional = to_simplified(question)  # the KB and every Chinese pattern are Simplified
        result = self.pipeline.ask(question, lang=lang, mode=retriever, allow_dense=allow_dense, context=context)
        q_lang = detect_lang(question)
        out_lang = q_lang if lang in ("auto", "", None) else lang
        result = diagnose_answer(self, question, result, q_lang=q_lang, out_lang=out_lang, mode=retriever,
                                 allow_dense=allow_dense, context=context)
        if traditional:
            result.question = asked
            if result.lang == "zh":
                answer_in_traditional(result)  # answered in the script it was asked in
        result.timing_ms["total"] = round((time.perf_counter() - t0) * 1000, 2)
        return result
