"""The exportable completion record: lessons, results, scores and date, as JSON and Markdown.

A team lead collects these files; they hold no personal data beyond what the learner chooses to
send. Written atomically next to the progress file unless a path is given.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from assistant.atomic import atomic_write_text
from assistant.tour.model import Lesson
from assistant.tour.progress import Progress

__all__ = ["build_record", "record_markdown", "write_record", "PARTS"]

PARTS = ("exercise", "fix", "quiz")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("podtalk")
    except Exception:  # noqa: BLE001 - not installed as a distribution (a source checkout)
        return "unknown"


def build_record(lessons: list[Lesson], progress: Progress, lang: str, now: datetime | None = None) -> dict[str, Any]:
    """Everything a lead needs: per lesson and part the result and tries, and the totals."""
    now = now or datetime.now(timezone.utc)
    rows, asked, first, right, skipped = [], 0, 0, 0, 0
    for lesson in lessons:
        res = progress.results.get(lesson.id, {})
        row: dict[str, Any] = {"number": lesson.number, "id": lesson.id, "title": lesson.title["en"]}
        for part in PARTS:
            r = res.get(part)
            if not r:
                row[part] = None
                continue
            asked += 1
            ok = r.get("result") == "correct"
            right += ok
            skipped += not ok
            first += ok and int(r.get("attempts", 0)) == 0
            row[part] = {"result": r.get("result"), "tries": int(r.get("attempts", 0)) + 1 if ok else None}
        rows.append(row)
    done = sum(1 for row in rows if all(row[p] for p in PARTS))
    return {"tool": "podtalk tour", "tour_version": _version(), "date": now.strftime("%Y-%m-%d"),
            "exported_at": now.isoformat(timespec="seconds"), "started": progress.started,
            "finished_at": progress.finished_at or None, "language": lang,
            "lessons_completed": done, "lessons_total": len(lessons),
            "score": {"answered": asked, "right_first_try": first, "right": right, "skipped": skipped},
            "lessons": rows}


def record_markdown(record: dict[str, Any], t) -> str:  # noqa: ANN001 - t is render.t bound to a language
    def cell(part: dict | None) -> str:
        if not part:
            return t("summary.none")
        if part["result"] != "correct":
            return t("summary.skipped")
        return t("summary.correct") if part["tries"] == 1 else t("summary.correct_after", n=part["tries"])

    score = record["score"]
    lines = [f"# {t('record.title')}", "",
             f"- {t('record.date')}: {record['date']}",
             f"- {t('record.lang')}: {record['language']}",
             f"- {t('record.score')}: {score['right_first_try']}/{score['answered']} "
             f"({record['lessons_completed']}/{record['lessons_total']})", "",
             t("record.table")]
    for row in record["lessons"]:
        lines.append(f"| {row['number']} | {row['title']} | {cell(row['exercise'])} | {cell(row['fix'])} | {cell(row['quiz'])} |")
    return "\n".join(lines) + "\n"


def write_record(record: dict[str, Any], markdown: str, folder: Path) -> tuple[Path, Path]:
    """Write ``tour-record-<date>.json`` and ``.md`` into ``folder``; returns both paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"tour-record-{record['date']}"
    json_path, md_path = stem.with_suffix(".json"), stem.with_suffix(".md")
    atomic_write_text(json_path, json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    atomic_write_text(md_path, markdown)
    return json_path, md_path
