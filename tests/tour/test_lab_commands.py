"""Lab blocks: every ``kubectl`` command a learner copies parses with the real kubectl client on this machine.

No cluster is needed: ``kubectl create ...`` runs with ``--dry-run=client`` (full validation), every other
command runs with ``--help`` inserted before any ``--`` (cobra rejects an unknown subcommand or flag before it
prints help, so a typo fails). Commands that need a cluster to *do* anything are still only parsed here; podtalk
never runs them for the learner.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl client not installed")]


def _first_command(line: str) -> list[str]:
    words = shlex.split(line, comments=True)
    for stop in ("|", "||", "&&", ";"):
        if stop in words:
            words = words[: words.index(stop)]
    return words


def _check_argv(words: list[str]) -> list[str]:
    if words[1:3] in (["create", "deployment"], ["create", "service"], ["create", "namespace"]):
        return [*words, "--dry-run=client", "-o", "name"]
    if "--" in words:
        i = words.index("--")
        return [*words[:i], "--help", *words[i:]]
    return [*words, "--help"]


def _kubectl_lines(lessons, tmp_path):
    example = tmp_path / "example.yaml"
    work = tmp_path / "work.yaml"
    for lesson in lessons:
        for line in lesson.lab.commands:
            line = line.replace("{file}", str(work)).replace("{example}", str(example))
            words = _first_command(line)
            if words and words[0] == "kubectl":
                yield lesson.id, line, _check_argv(words)


def test_every_kubectl_command_in_the_labs_parses(lessons, tmp_path):
    jobs = list(_kubectl_lines(lessons, tmp_path))
    assert len(jobs) >= 40

    def run(job):
        lesson_id, line, argv = job
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30,
                              env={"PATH": "/usr/bin:/bin", "KUBECONFIG": str(tmp_path / "none")})
        return lesson_id, line, proc.returncode, proc.stderr.strip().splitlines()[-1:] if proc.returncode else []

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [r for r in pool.map(run, jobs) if r[2] != 0]
    assert not failures, "\n".join(f"{lid}: {line} -> {err}" for lid, line, _, err in failures)


def test_the_check_catches_a_typo(tmp_path):
    bad = _check_argv(_first_command("kubectl get endpointslices --selectr app=web"))
    assert subprocess.run(bad, capture_output=True, timeout=30).returncode != 0
