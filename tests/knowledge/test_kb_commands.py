"""Every command the knowledge base prints must run as written.

Two kinds of checks:
- **images have the tools**: a network tool (nslookup, dig, wget, curl, ping, ...) runs in an image
  known to ship it: the image of a ``kubectl run|debug --image=...``, a Pod or Deployment defined in the
  entry's example, or the docs' ``dnsutils`` Pod. BusyBox's own ``nslookup`` skips the search list for
  names that contain a dot, so with BusyBox such names must be fully qualified.
- **kubectl syntax** against the kubectl client on this machine: the subcommand exists and every flag
  is known to it (cobra validates flags before printing ``--help``); commands marked ``needs: none`` are
  run for real with ``--dry-run=client``. Commands that need a cluster say so with ``needs: cluster``.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import pytest
import yaml

from assistant.knowledge.loader import COMMAND_NEEDS, Command, Step

KUBECTL = shutil.which("kubectl")
CLUSTER_CLIS = {"kubectl", "istioctl", "calicoctl", "hubble", "minikube"}

# Tools a shell in almost any application image has; anything else must come from a named image.
BASIC_TOOLS = {"cat", "ls", "printenv", "env", "hostname", "sh", "getent", "grep", "head"}
IMAGE_TOOLS = {  # image repository (without tag) -> network tools it ships
    "busybox": {"nslookup", "wget", "ping", "nc", "netstat", "traceroute", "ip", "ifconfig", "hostname"},
    "registry.k8s.io/e2e-test-images/jessie-dnsutils": {"nslookup", "dig", "host"},
    "nicolaka/netshoot": {"curl", "dig", "nslookup", "host", "tcpdump", "ss", "netstat", "ping", "nc", "ip",
                          "iperf3", "wget", "traceroute"},
    "curlimages/curl": {"curl"},
    "nginx": {"curl"},
}
DNSUTILS_POD = "registry.k8s.io/e2e-test-images/jessie-dnsutils"  # https://k8s.io/examples/admin/dns/dnsutils.yaml
NETWORK_TOOLS = set().union(*IMAGE_TOOLS.values()) - {"hostname"}
PUBLIC_TLDS = {"com", "org", "net", "io", "dev", "example"}


def _commands(entry) -> list[Command | Step]:
    """The entry's commands and the steps that run one (both have ``cmd`` and ``needs``)."""
    return [*entry.commands, *(s for s in entry.steps if s.cmd)]


def _segments(cmd: str) -> list[list[str]]:
    """The simple commands of a shell line (split at pipes, ``||``, ``&&``, ``;``), each tokenised."""
    lex = shlex.shlex(cmd, posix=True, punctuation_chars="|&;")
    lex.whitespace_split = True
    out, cur = [], []
    for tok in lex:
        if tok and set(tok) <= set("|&;"):
            out.append(cur)
            cur = []
        else:
            cur.append(tok)
    out.append(cur)
    return [s for s in out if s]


def _split_double_dash(tokens: list[str]) -> tuple[list[str], list[str]]:
    if "--" in tokens:
        i = tokens.index("--")
        return tokens[:i], tokens[i + 1:]
    return tokens, []


def _example_images(entry) -> dict[str, dict[str, str]]:
    """Pod and workload names of the entry's example (``web``, ``deploy/web``) -> {container: image}."""
    images: dict[str, dict[str, str]] = {}
    for doc in yaml.safe_load_all(entry.example or ""):
        if not isinstance(doc, dict):
            continue
        spec = doc.get("spec") or {}
        pod_spec = spec if doc.get("kind") == "Pod" else ((spec.get("template") or {}).get("spec") or {})
        containers = {c.get("name", ""): c.get("image", "") for c in pod_spec.get("containers") or []}
        if containers:
            name = (doc.get("metadata") or {}).get("name", "")
            for key in (name, f"{doc.get('kind', '').lower()}/{name}", f"deploy/{name}"):
                images[key] = containers
    return images


VALUE_FLAGS = {"-n", "--namespace", "-c", "--container", "--image", "-o", "--output", "-l", "--selector",
               "--context", "--target", "--restart", "-f", "--filename", "--field-selector", "-p", "--patch",
               "--type", "--port", "--labels", "--for", "--timeout", "--sort-by", "-L", "-k", "--tail"}
STRING_FLAGS = {"-n", "--namespace", "-c", "--container", "--image", "-o", "--output", "-l", "--selector",
                "--context", "--target", "-f", "--filename", "--field-selector", "-L", "--sort-by", "--labels"}


def _positional(args: list[str]) -> list[str]:
    """kubectl arguments that are not flags or flag values."""
    out, skip = [], False
    for tok in args:
        if skip:
            skip = False
        elif tok.startswith("-"):
            skip = tok in VALUE_FLAGS
        else:
            out.append(tok)
    return out


def _repo(image: str) -> str:
    return image.rsplit(":", 1)[0] if ":" in image.split("/")[-1] else image


def _flag_value(tokens: list[str], name: str) -> str | None:
    for i, tok in enumerate(tokens):
        if tok.startswith(name + "="):
            return tok.split("=", 1)[1]
        if tok == name and i + 1 < len(tokens):
            return tokens[i + 1]
    return None


def _container_image(entry, kubectl_args: list[str]) -> str | None:
    """The image a ``kubectl run|debug|exec ... -- TOOL`` command runs TOOL in, if it can be known."""
    positional = _positional(kubectl_args)
    verb = positional[0] if positional else ""
    if verb in ("run", "debug"):
        return _flag_value(kubectl_args, "--image")
    if verb == "exec" and len(positional) > 1:
        target = positional[1]
        if target == "dnsutils":
            return DNSUTILS_POD
        containers = _example_images(entry).get(target) or {}
        wanted = _flag_value(kubectl_args, "-c") or _flag_value(kubectl_args, "--container")
        return containers.get(wanted) if wanted else next(iter(containers.values()), None)
    return None


def _tool_problems(entry) -> list[str]:
    problems = []
    started_images = set()
    for c in _commands(entry):
        for seg in _segments(c.cmd):
            if seg[0] == "kubectl" and _flag_value(seg, "--image"):
                started_images.add(_repo(_flag_value(seg, "--image")))
    for c in _commands(entry):
        cmd = c.cmd
        for seg in _segments(cmd):
            if seg[0] == "kubectl":
                args, inner = _split_double_dash(seg[1:])
                if not inner:
                    continue
                tool, image = inner[0], _container_image(entry, args)
            elif c.needs == "pod":
                tool, inner = seg[0], seg
                image = next((i for i in started_images if tool in IMAGE_TOOLS.get(i, set())), None)
            else:
                continue
            if tool in BASIC_TOOLS or tool not in NETWORK_TOOLS:
                continue
            if image is None:
                problems.append(f"{entry.id}: `{cmd}`: `{tool}` runs in an image the KB does not name; "
                                "use kubectl run/debug --image=<an image with it>")
                continue
            repo = _repo(image)
            if repo in IMAGE_TOOLS and tool not in IMAGE_TOOLS[repo]:
                problems.append(f"{entry.id}: `{cmd}`: image {image} has no `{tool}`")
            if repo == "busybox" and tool == "nslookup":
                name = next((t for t in reversed(inner[1:]) if not t.startswith("-")), "")
                labels = name.rstrip(".").split(".")
                if ("." in name and not name.endswith(".") and not name.endswith(".local")
                        and labels[-1] not in PUBLIC_TLDS and not re.fullmatch(r"[\d.]+", name)):
                    problems.append(f"{entry.id}: `{cmd}`: BusyBox nslookup sends the dotted short name "
                                    f"{name!r} without the search list; use the FQDN")
    return problems


def test_every_command_says_what_it_needs(kb):
    missing = [f"{e.id}: `{c.cmd}`" for e in kb.entries for c in _commands(e) if c.needs not in COMMAND_NEEDS]
    assert not missing, "commands without `needs:`\n" + "\n".join(missing)


def test_cluster_commands_are_cluster_clients(kb):
    wrong = []
    for e in kb.entries:
        for c in _commands(e):
            first = _segments(c.cmd)[0][0]
            if (first in CLUSTER_CLIS) != (c.needs in ("cluster", "none")):
                wrong.append(f"{e.id}: `{c.cmd}` is marked needs: {c['needs']}")
    assert not wrong, "\n".join(wrong)


def test_network_tools_run_in_images_that_have_them(kb):
    problems = [p for e in kb.entries for p in _tool_problems(e)]
    assert not problems, "\n".join(problems)


def test_the_tool_check_catches_known_mistakes(kb):
    """The rules above fail on the mistakes the 2026 audit found (a check that cannot fail is a defect)."""
    from assistant.knowledge.loader import Entry

    bad = Entry(data={**kb.by_id["pod-hostname-subdomain"].data, "commands": [
        {"cmd": "kubectl exec busybox2 -- nslookup busybox-1.default-subdomain", "needs": "cluster", "en": "x", "zh": "x"},
        {"cmd": "kubectl exec -n shop deploy/web -- nslookup kubernetes.default", "needs": "cluster", "en": "x", "zh": "x"},
        {"cmd": "kubectl run t --rm -it --image=nginx:1.27 --restart=Never -- wget -qO- http://x", "needs": "cluster",
         "en": "x", "zh": "x"},
    ], "steps": []}, path=kb.by_id["pod-hostname-subdomain"].path)
    found = _tool_problems(bad)
    assert len(found) == 3, found


# --- kubectl syntax -------------------------------------------------------------------------------

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed on this machine; "
                                   "install the kubectl client to check the KB's kubectl syntax")


@lru_cache(maxsize=None)
def _help(args: tuple[str, ...]) -> tuple[int, str, str]:
    proc = subprocess.run([KUBECTL, *args, "--help"], capture_output=True, text=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin", "KUBECONFIG": "/nonexistent"})
    return proc.returncode, proc.stdout, proc.stderr


def _usage_path(help_text: str) -> list[str]:
    m = re.search(r"^Usage:\n\s+kubectl((?: [a-z][a-z-]*)*)", help_text, re.M)
    return m.group(1).split() if m else []


def _kubectl_problem(args: list[str]) -> str | None:
    """Why ``kubectl <args>`` (the part before ``--``) is not valid for this kubectl, or None."""
    rc, out, err = _help(tuple(args))
    if rc != 0 or "Error:" in err:
        return (err.strip().splitlines() or ["kubectl --help failed"])[0]
    path = _usage_path(out)
    if not path:
        return "kubectl printed no usage line"
    positional = _positional(args)
    if "Available Commands:" in out and len(positional) > len(path):
        return f"`kubectl {' '.join(path)}` has no subcommand {positional[len(path)]!r}"
    return None


def _syntax_key(args: list[str]) -> tuple[str, ...]:
    """A kubectl command line with free-text flag values (namespace, selector, output ...) replaced:
    kubectl type-checks numbers and durations but not these, so lines with equal keys are checked once."""
    out, skip = [], False
    for tok in args:
        name = tok.split("=", 1)[0]
        if skip:
            out.append("x" if out[-1] in STRING_FLAGS else tok)
            skip = False
        elif tok.startswith("-"):
            out.append(f"{name}=x" if "=" in tok and name in STRING_FLAGS else tok)
            skip = tok in VALUE_FLAGS
        else:
            out.append(tok)
    return tuple(out)


def _kubectl_segments(kb) -> list[tuple[str, str, list[str]]]:
    out = []
    for e in kb.entries:
        for c in _commands(e):
            for seg in _segments(c.cmd):
                if seg[0] == "kubectl":
                    out.append((e.id, c.cmd, _split_double_dash(seg[1:])[0]))
    return out


@pytest.mark.slow
@needs_kubectl
def test_kubectl_subcommands_and_flags_exist(kb):
    segments = _kubectl_segments(kb)
    unique = sorted({_syntax_key(a) for _, _, a in segments})
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(unique, pool.map(lambda a: _kubectl_problem(list(a)), unique)))
    problems = [f"{eid}: `{cmd}`: {results[_syntax_key(a)]}" for eid, cmd, a in segments if results[_syntax_key(a)]]
    assert not problems, "\n".join(problems)


@needs_kubectl
def test_the_kubectl_check_catches_bad_syntax():
    assert _kubectl_problem(["get", "pods", "--all-namespace"])  # misspelt flag
    assert _kubectl_problem(["rollout", "restartt", "deployment/web"])  # unknown subcommand
    assert _kubectl_problem(["exec", "-it", "web", "--contianer=app"])
    assert _kubectl_problem(["get", "pods", "-A", "-o", "wide"]) is None


@needs_kubectl
def test_offline_commands_run_with_client_dry_run(kb):
    """Commands marked ``needs: none`` must work with no cluster at all."""
    failures = []
    for e in kb.entries:
        for c in _commands(e):
            if c.needs != "none":
                continue
            args = _split_double_dash(_segments(c.cmd)[0][1:])[0]
            if not any(a.startswith("--dry-run") for a in args):
                failures.append(f"{e.id}: `{c.cmd}` is marked needs: none but has no --dry-run=client")
                continue
            proc = subprocess.run([KUBECTL, *args], capture_output=True, text=True, timeout=30,
                                  env={"PATH": "/usr/bin:/bin", "KUBECONFIG": "/nonexistent"})
            if proc.returncode != 0:
                failures.append(f"{e.id}: `{c.cmd}`: {proc.stderr.strip()[:200]}")
    assert not failures, "\n".join(failures)
