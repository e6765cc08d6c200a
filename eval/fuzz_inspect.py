"""Coverage-guided fuzzing of ``podtalk inspect`` with atheris (``make fuzz``; not part of the test suite).

Every input goes through the whole inspector (parse under limits -> object model -> rules -> DNS/env ->
reachability) and all three renderers. The only exception allowed out is ``ManifestError`` (input
refused as too large, binary or not UTF-8: the CLI turns it into exit code 2); anything else, or a
report that does not serialise, is a crash and atheris saves the input as ``crash-*``.

Inputs are fed as raw bytes half of the time and, the other half, as YAML built from a small
Kubernetes-shaped vocabulary so the fuzzer reaches the rules and not only the YAML parser.

    FUZZ_SECONDS=300 make fuzz        # or: .venv/bin/python eval/fuzz_inspect.py -max_total_time=300
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with atheris.instrument_imports(include=["assistant"]):
    from assistant.errors import ManifestError
    from assistant.inspection import (
        inspect_text, reach_matrix, render_dot, render_html, render_json, render_markdown, render_sarif, render_text,
    )
    from assistant.inspection.explain import valid_dns_name

KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "Service",
         "NetworkPolicy", "Ingress", "Secret", "Namespace", "List", "ServiceList", "Widget", "ConfigMap",
         "ReplicationController", "Prometheus", "Alertmanager", "ThanosRuler", "Cluster", "Rollout"]
KEYS = ["apiVersion", "kind", "metadata", "name", "namespace", "labels", "spec", "selector", "matchLabels",
        "matchExpressions", "key", "operator", "values", "template", "containers", "ports", "containerPort", "port",
        "targetPort", "protocol", "podSelector", "namespaceSelector", "ingress", "egress", "from", "to",
        "policyTypes", "ipBlock", "cidr", "except", "endPort", "serviceName", "replicas", "hostNetwork", "hostPort",
        "clusterIP", "type", "rules", "http", "paths", "backend", "service", "number", "tls", "secretName", "items",
        "hostname", "subdomain", "readinessProbe", "livenessProbe", "httpGet", "tcpSocket", "jobTemplate",
        "externalName", "nodePort", "dnsPolicy", "ingressClassName", "annotations", "app", "<<",
        "env", "value", "valueFrom", "configMapKeyRef", "envFrom", "configMapRef", "args", "command", "volumes",
        "configMap", "initContainers", "restartPolicy", "podMetadata", "data", "instances"]
WORDS = ["In", "NotIn", "Exists", "DoesNotExist", "TCP", "UDP", "SCTP", "http", "Ingress", "Egress", "None",
         "ExternalName", "NodePort", "ClusterIP", "LoadBalancer", "apps/v1", "v1", "networking.k8s.io/v1",
         "batch/v1", "web", "api", "db", "shop", "kube-system", "10.0.0.0/8", "ClusterFirstWithHostNet", "*"]


def _tree(fdp: atheris.FuzzedDataProvider, depth: int = 0):
    choice = fdp.ConsumeIntInRange(0, 9 if depth < 6 else 5)
    if choice == 0:
        return None
    if choice == 1:
        return fdp.ConsumeBool()
    if choice == 2:
        return fdp.ConsumeIntInRange(-70000, 70000)
    if choice == 3:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 12))
    if choice in (4, 5):
        return fdp.PickValueInList(WORDS + KINDS)
    if choice in (6, 7):
        return {(fdp.PickValueInList(KEYS) if fdp.ConsumeBool() else fdp.ConsumeUnicodeNoSurrogates(4)):
                _tree(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 5))}
    return [_tree(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 4))]


def _structured(fdp: atheris.FuzzedDataProvider) -> str:
    import yaml

    docs = []
    for _ in range(fdp.ConsumeIntInRange(1, 6)):
        doc = {"apiVersion": fdp.PickValueInList(["v1", "apps/v1", "networking.k8s.io/v1", "batch/v1",
                                                  "monitoring.coreos.com/v1", "postgresql.cnpg.io/v1"]),
               "kind": fdp.PickValueInList(KINDS)}
        for key in ("metadata", "spec", "items"):
            if fdp.ConsumeBool():
                doc[key] = _tree(fdp)
        docs.append(doc)
    return yaml.safe_dump_all(docs, sort_keys=False)


def TestOneInput(data: bytes) -> None:  # noqa: N802 - atheris' name
    fdp = atheris.FuzzedDataProvider(data)
    structured = fdp.ConsumeBool()
    payload: str | bytes = _structured(fdp) if structured else fdp.ConsumeBytes(fdp.remaining_bytes())
    namespace = "default"
    try:
        report = inspect_text(payload, namespace=namespace)
    except ManifestError:
        return
    json.loads(render_json(report))
    json.loads(render_sarif(report))
    render_text(report, color=True)
    render_markdown(report)
    render_dot(report)
    render_html(report)
    reach_matrix(report)
    for name in report.dns + list(report.cname):
        if not valid_dns_name(name):
            raise AssertionError(f"invalid DNS name produced: {name!r}")


def main() -> None:
    corpus = Path(os.environ.get("FUZZ_CORPUS", Path(__file__).resolve().parent / "manifests"))
    argv = list(sys.argv)
    if corpus.is_dir() and not any(not a.startswith("-") for a in argv[1:]):
        # seed with the evaluation manifests (read-only: new inputs go to a scratch corpus dir)
        scratch = Path(os.environ.get("FUZZ_WORKDIR", "/tmp/podtalk-fuzz-corpus"))
        scratch.mkdir(parents=True, exist_ok=True)
        argv += [str(scratch), str(corpus)]
    if not any(a.startswith("-artifact_prefix=") for a in argv):
        argv.append(f"-artifact_prefix={os.environ.get('FUZZ_ARTIFACTS', '/tmp/podtalk-fuzz-')}")
    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
