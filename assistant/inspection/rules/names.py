"""Object names the API server would reject (``object-name-invalid``).

The grammars come from :mod:`assistant.naming`, the same functions the answers use: a Service name is
an RFC 1035 label (``1web`` is rejected), a Namespace name an RFC 1123 label, and workloads and pods at
least an RFC 1123 subdomain. Such an object is never created, so it makes no DNS name and no variable.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant import naming

from . import Context, Hit, rule

CHECKED_KINDS = frozenset({"Service", "Namespace", "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                           "Job", "CronJob"})

_WHY = {
    "empty": "it is empty", "too-long": "it is too long", "uppercase": "it has upper-case letters",
    "bad-chars": "it has characters other than a-z, 0-9 and '-'", "leading-digit": "it starts with a digit",
    "bad-start": "it does not start with a letter or digit", "bad-end": "it does not end with a letter or digit",
}
_GRAMMAR = {"dns-1035": "an RFC 1035 label", "dns-1123": "an RFC 1123 label",
            "dns-1123-subdomain": "an RFC 1123 subdomain"}


@rule("object-name-invalid")
def object_name_invalid(context: Context) -> Iterator[Hit]:
    for ref in context.bundle.objects:
        if ref.kind not in CHECKED_KINDS or not isinstance(ref.name, str) or not ref.name:
            continue
        grammar = naming.rule_for_kind(ref.kind)
        problems = naming.label_problems(ref.name, rule=grammar)
        if problems:
            why = "; ".join(_WHY.get(p, p) for p in problems)
            yield Hit(ref.id, ref.line, f"{ref.kind} name '{ref.name}' is not {_GRAMMAR[grammar]} ({why}); "
                                        "the API server rejects it")
