"""Take the chat's tmux captures (docs/captures/*.txt) as a user would see them.

Each capture runs the real ``podtalk`` in a detached tmux session on a private tmux socket, types
with ``send-keys`` (pastes with ``paste-buffer -p``, a bracketed paste as a terminal sends it),
waits for what the screen should show, and writes ``capture-pane`` output. Times are wall clock
from the shell command to the screen showing it, with the load average next to them (the machine is
shared).

Run from the repository root: ``PYTHONPATH=. python docs/captures/take_captures.py [NAME...]``
(names: restart, windows, shared, manifest_esc, bundle, chinese, big_bundle, cli_bar, index_stop).
The search index is read from the usual cache (``podtalk index`` builds it); ``index_stop`` uses a
fresh cache directory of its own so that the first-start build really runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PY = sys.executable
SOCKET = "podtalk-captures"
WORK = Path(tempfile.gettempdir()) / "podtalk-captures"
WIDTH, HEIGHT = 100, 32


def tmux(*args: str, check: bool = True) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check).stdout


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def start(name: str, command: str, env: dict[str, str], height: int = HEIGHT) -> None:
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    tmux("kill-session", "-t", name, check=False)
    tmux("new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(height),
         f"cd {REPO} && env {exports} PYTHONPATH={REPO} {command}; sleep 600")


def screen(name: str) -> str:
    return tmux("capture-pane", "-p", "-t", name)


def wait_for(name: str, *needles: str, timeout: float = 120.0, absent: str = "") -> float:
    """Seconds until every needle is on screen (and ``absent`` is not)."""
    t0 = time.monotonic()
    while True:
        text = screen(name)
        if all(n in text for n in needles) and not (absent and absent in text):
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"{name}: waited {timeout}s for {needles!r}; screen:\n{text}")
        time.sleep(0.02)


def keys(name: str, *k: str) -> None:
    tmux("send-keys", "-t", name, *k)


def type_line(name: str, text: str) -> None:
    tmux("send-keys", "-t", name, "-l", text)
    keys(name, "Enter")


def paste(name: str, text: str) -> None:
    path = WORK / "paste.txt"
    path.write_text(text, encoding="utf-8")
    tmux("load-buffer", "-b", "podtalk", str(path))
    tmux("paste-buffer", "-p", "-b", "podtalk", "-t", name)


def write(filename: str, parts: list[str]) -> None:
    (HERE / filename).write_text("\n".join(parts).rstrip() + "\n", encoding="utf-8")
    print(f"wrote docs/captures/{filename}")


def state(tag: str) -> dict[str, str]:
    path = WORK / f"state-{tag}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return {"PODTALK_STATE": str(path)}


PODTALK = f"{PY} -m assistant"
PROMPT = "Ask about pod networking"
READY = "ready · hybrid"


def restart() -> None:
    env = state("restart")
    sys.path.insert(0, str(REPO / "eval"))
    from bench_startup import fill

    fill(Path(env["PODTALK_STATE"]), 1000)
    start("restart", PODTALK, env)
    seconds = wait_for("restart", PROMPT, "1000 turn(s)")
    first = screen("restart")
    wait_for("restart", READY)
    keys("restart", "PageUp", "PageUp", "PageUp", "PageUp")
    time.sleep(1.5)
    write("chat-1-restart-1000-turns.txt", [
        f"launch to usable prompt with 1,000 stored turns: {seconds:.2f} s (from the shell command, Python "
        f"imports included; load average {load()})", first,
        "----- after PageUp x4 (older turns load as you scroll up) -----", screen("restart")])


def windows() -> None:
    env = state("windows")
    for side in ("win-a", "win-b"):
        start(side, PODTALK, env)
    for side in ("win-a", "win-b"):
        wait_for(side, READY)
    type_line("win-a", "what is a headless service")
    type_line("win-b", "how does kube-proxy use iptables")
    for side in ("win-a", "win-b"):
        wait_for(side, "Sources")
    start("win-c", PODTALK, env)
    wait_for("win-c", PROMPT)
    keys("win-c", "Up")
    time.sleep(0.5)
    first = screen("win-c")
    keys("win-c", "C-u", "Up", "Up")
    time.sleep(0.5)
    second = screen("win-c")
    keys("win-c", "C-u", "C-r")
    time.sleep(1.0)
    write("chat-2-two-windows-third-history.txt", [
        "----- left window (asked at the same moment as the right one) -----", screen("win-a"),
        "----- right window -----", screen("win-b"),
        "----- a third window: Up -----", first, "----- Up, Up -----", second,
        "----- Ctrl+R (history search, every window's prompts) -----", screen("win-c")])
    for side in ("win-a", "win-b", "win-c"):
        tmux("kill-session", "-t", side, check=False)


def shared() -> None:
    """Two windows switched to one conversation ask at once: each answer under its own question."""
    env = state("shared")
    start("win-a", PODTALK, env, height=90)
    wait_for("win-a", READY)
    type_line("win-a", "what is a headless service")
    wait_for("win-a", "Sources")
    start("win-b", PODTALK, env, height=90)
    wait_for("win-b", READY)
    keys("win-b", "C-n")
    wait_for("win-b", "Conversations ·")
    tmux("send-keys", "-t", "win-b", "-l", "headless")
    time.sleep(0.5)
    keys("win-b", "Enter")
    wait_for("win-b", "what is a headless service")
    type_line("win-a", "what is a ClusterIP")
    type_line("win-b", "what is a NodePort")
    time.sleep(4)
    write("chat-2b-one-conversation-two-windows.txt", [
        "Two windows on one conversation (the right one switched to it with Ctrl+N), both asking at once. "
        "Each answer sits under its own question, and each window shows the other's turns within a second.",
        "----- left window -----", screen("win-a"), "----- right window -----", screen("win-b")])
    keys("win-a", "C-u")
    type_line("win-a", "/clear")
    time.sleep(1)
    cleared = screen("win-b")
    start("win-c", PODTALK, env)
    wait_for("win-c", PROMPT)
    type_line("win-c", "/undo")
    time.sleep(2.5)
    write("chat-2c-undo-from-another-window.txt", [
        "The left window ran /clear; the right window (same conversation) followed within a second:", cleared,
        "----- a third window, opened afterwards: /undo brings the turns back -----", screen("win-c"),
        "----- and the right window shows them again, untouched -----", screen("win-b")])
    for side in ("win-a", "win-b", "win-c"):
        tmux("kill-session", "-t", side, check=False)


def manifest_esc() -> None:
    env = state("manifest")
    start("manifest", PODTALK, env)
    wait_for("manifest", PROMPT)
    keys("manifest", "C-o")
    wait_for("manifest", "Esc")
    tmux("send-keys", "-t", "manifest", "-l", "kind: Service")
    time.sleep(0.5)
    opened = screen("manifest")
    keys("manifest", "Escape")
    time.sleep(0.8)
    write("chat-3-esc-leaves-manifest-screen.txt", [
        "----- Ctrl+O, typing in the editor -----", opened, "----- Esc -----", screen("manifest")])
    tmux("kill-session", "-t", "manifest", check=False)


def bundle() -> None:
    env = state("bundle")
    start("bundle", PODTALK, env)
    wait_for("bundle", READY)
    paste("bundle", (REPO / "tests/tui/data/shop.yaml").read_text(encoding="utf-8"))
    time.sleep(0.5)
    keys("bundle", "Enter")
    wait_for("bundle", "Inspected")
    type_line("bundle", "why can't web reach api?")
    time.sleep(2)
    first = screen("bundle")
    type_line("bundle", "what DNS name does api get?")
    time.sleep(2)
    write("chat-4-question-about-inspected-bundle.txt", [
        "----- pasted tests/tui/data/shop.yaml, then: why can't web reach api? -----", first,
        "----- what DNS name does api get? -----", screen("bundle")])
    tmux("kill-session", "-t", "bundle", check=False)


def chinese() -> None:
    env = state("chinese")
    start("chinese", PODTALK, env)
    wait_for("chinese", READY)
    type_line("chinese", "/lang zh")
    time.sleep(1)
    type_line("chinese", "什么是 headless Service？")
    wait_for("chinese", "来源")
    time.sleep(0.5)
    write("chat-5-chinese-interface.txt", ["----- /lang zh, then a question -----", screen("chinese")])
    tmux("kill-session", "-t", "chinese", check=False)


def big_file() -> Path:
    sys.path.insert(0, str(REPO / "eval"))
    from bench import manifest_1000

    path = WORK / "big-1000-documents.yaml"
    path.write_text(manifest_1000(), encoding="utf-8")
    return path


def big_bundle() -> None:
    """A 1,000-document bundle piped into the chat: the staged bar, then Esc stops the inspector."""
    env = state("big")
    path = big_file()
    start("big", f"{PODTALK} < {path}", env)
    wait_for("big", "inspecting ·", "█")
    bar = screen("big")
    keys("big", "Escape")
    wait_for("big", "Inspection stopped")
    time.sleep(0.5)
    stopped = screen("big")
    start("big2", f"{PODTALK} < {path}", state("big2"))
    seconds = wait_for("big2", "Inspected 1000 object(s)", timeout=180)
    write("chat-9-big-bundle-progress-and-esc.txt", [
        f"`podtalk < {path.name}` (eval/bench.py's 1,000-document bundle: 300 Deployments, 300 Services, "
        f"300 ConfigMaps, 100 NetworkPolicies; 10,099 lines)",
        "----- the status bar while it inspects -----", bar,
        "----- Esc: the inspector stops at its next checkpoint, no report -----", stopped,
        f"----- left alone (another window): the report {seconds:.1f} s after launch (the knowledge base and "
        f"the model load alongside), load {load()} -----", screen("big2")])
    for name in ("big", "big2"):
        tmux("kill-session", "-t", name, check=False)


def cli_bar() -> None:
    path = big_file()
    start("cli", f"{PODTALK} inspect {path} > {WORK / 'report.txt'}; echo exit=$?", {})
    try:
        wait_for("cli", "podtalk: inspecting · reach", timeout=30)
    except TimeoutError:  # a fast machine: the rules stage is all there was time to see
        pass
    bar = screen("cli")
    wait_for("cli", "exit=")
    report = (WORK / "report.txt").read_text(encoding="utf-8").splitlines()[:3]
    write("cli-inspect-progress-bar.txt", [
        f"`podtalk inspect {path.name} > report.txt` on a terminal (the bar is on stderr, erased before the "
        "report is written; a pipe or a log gets no bar)", "----- while it runs -----", bar,
        "----- when it is done -----", screen("cli"), "----- report.txt starts -----", *report])
    tmux("kill-session", "-t", "cli", check=False)


def index_stop() -> None:
    """A first start (empty cache): the build's bar, Esc stops it, answers stay lexical; the next start
    resumes with only the texts not yet encoded."""
    cache = WORK / "cache-first-start"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**state("index"), "PODTALK_CACHE": str(cache)}
    start("index", PODTALK, env)
    wait_for("index", "building the search index", "/", timeout=300)
    wait_for("index", "█", timeout=300)
    bar = screen("index")
    keys("index", "Escape")
    wait_for("index", "/reindex resumes", timeout=300)
    type_line("index", "what is a headless service")
    wait_for("index", "Sources", timeout=120)
    time.sleep(0.5)
    stopped = screen("index")
    tmux("kill-session", "-t", "index", check=False)
    start("index", PODTALK, env)
    wait_for("index", "building the search index", "█", timeout=300)
    resumed = screen("index")
    keys("index", "Escape")
    time.sleep(1)
    write("chat-10-index-build-esc-and-resume.txt", [
        f"First start with an empty cache ({load()} load average): the index build's bar",
        bar, "----- Esc: the build stops after its batch; a question is answered lexically and says so -----",
        stopped, "----- the next start resumes: only the texts not encoded yet (see the total) -----", resumed])
    tmux("kill-session", "-t", "index", check=False)


DESCRIBE_SVC = """Name:              web
Namespace:         shop
Labels:            app=web
Selector:          app=web-frontend
Type:              ClusterIP
IP Family Policy:  SingleStack
IP:                10.96.41.7
Port:              http  80/TCP
TargetPort:        8080/TCP
Endpoints:         <none>
Session Affinity:  None
Events:            <none>
"""

ENVOY_503 = ('[2026-12-05T09:12:01.204Z] "GET /api/orders HTTP/1.1" 503 UF upstream_reset_before_response_started'
             '{connection_failure} - "-" 0 91 2 - "-" "curl/8.5.0" "6f1c..." "orders.shop:8080" "10.244.1.17:8080" '
             'outbound|8080||orders.shop.svc.cluster.local - 10.96.12.40:8080 10.244.2.9:51234 - default')


def _diagnose_paste(name: str, text: str, filename: str, title: str) -> None:
    env = state(name)
    start(name, PODTALK, env, height=40)
    wait_for(name, READY)
    paste(name, text)
    time.sleep(0.5)
    keys(name, "Enter")
    wait_for(name, "Most likely")
    time.sleep(1)
    write(filename, [f"----- {title} (bracketed paste: tmux paste-buffer -p), load {load()} -----", screen(name)])
    tmux("kill-session", "-t", name, check=False)


def describe_svc() -> None:
    _diagnose_paste("describe", DESCRIBE_SVC, "chat-6-diagnose-endpoints-none.txt",
                    "a pasted 'kubectl describe svc' with Endpoints: <none>")


def envoy_503() -> None:
    _diagnose_paste("envoy", ENVOY_503, "chat-7-diagnose-envoy-503.txt",
                    "a pasted Envoy access-log line with 503 UF")


ALL = {"restart": restart, "windows": windows, "shared": shared, "manifest_esc": manifest_esc, "bundle": bundle,
       "chinese": chinese, "big_bundle": big_bundle, "cli_bar": cli_bar, "index_stop": index_stop,
       "describe_svc": describe_svc, "envoy_503": envoy_503}


def main(names: list[str]) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    try:
        for name in names or list(ALL):
            ALL[name]()
    finally:
        tmux("kill-server", check=False)


if __name__ == "__main__":
    main(sys.argv[1:])
