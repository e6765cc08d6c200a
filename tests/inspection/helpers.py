"""Helpers for the inspection tests: run the real engine on real YAML text (no mocks)."""

from __future__ import annotations

import textwrap


from assistant.inspection import Report, inspect_text


def run(text: str, **options) -> Report:
    return inspect_text(textwrap.dedent(text), **options)


def rules(report: Report) -> set[str]:
    return {f.rule for f in report.findings}


def verdict(report: Report, source: str, destination: str, port: int, protocol: str = "TCP"):
    for v in report.reach:
        if (v.source, v.destination, v.port, v.protocol) == (source, destination, port, protocol):
            return v
    raise AssertionError(f"no verdict {source} -> {destination} {port}/{protocol}: "
                         f"{[(v.source, v.destination, v.port) for v in report.reach]}")


