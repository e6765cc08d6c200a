"""Jinja2 rendering of answer templates (``templates/<folder>/<name>.md.j2``).

Templates are data: wording lives in files a writer can edit without touching code. The folder of a
language is its registry row's ``templates`` (``assistant.languages``); the few words the answer code
needs outside a template (the sources heading, table labels) are in ``<folder>/strings.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant import languages

TEMPLATE_DIR = Path(__file__).with_name("templates")


@lru_cache(maxsize=1)
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_bytecode_cache(jinja2),
    )
    return env


def _bytecode_cache(jinja2: Any) -> Any:
    """Jinja2's own on-disk cache of compiled templates (keyed by each template's source checksum)."""
    from assistant.paths import template_cache_dir

    where = template_cache_dir()
    return jinja2.FileSystemBytecodeCache(str(where)) if where else None


def render(template_lang: str, name: str, /, **context: Any) -> str:
    """Render ``templates/<folder>/<name>.md.j2`` of language ``template_lang`` and tidy blank lines."""
    folder = languages.get(template_lang).templates
    text = environment().get_template(f"{folder}/{name}.md.j2").render(**context)
    lines = [ln.rstrip() for ln in text.splitlines()]
    out: list[str] = []
    for ln in lines:
        if not ln and out and not out[-1]:
            continue
        out.append(ln)
    return "\n".join(out).strip() + "\n"


@lru_cache(maxsize=8)
def _strings(folder: str) -> dict[str, Any]:
    from assistant.knowledge.yaml_cache import read_yaml

    return read_yaml(TEMPLATE_DIR / folder / "strings.yaml")


def strings(lang: str) -> dict[str, Any]:
    """The answer code's words in ``lang`` (``templates/<folder>/strings.yaml``)."""
    return _strings(languages.get(lang).templates)


def sources_marker(lang: str) -> str:
    """The heading of an answer's sources block in ``lang`` (``Sources:``)."""
    return strings(lang)["sources_marker"]
