"""Ingress rules: backends that name missing Services or ports, class, TLS Secrets."""

from __future__ import annotations

from collections.abc import Iterator

from . import Context, Hit, rule


@rule("ingress-backend-service-missing")
def backend_service_missing(context: Context) -> Iterator[Hit]:
    bundle = context.bundle
    for ing in bundle.ingresses:
        for backend in ing.backends:
            if bundle.service(ing.ref.namespace, backend.service) is None:
                yield Hit(ing.ref.id, ing.ref.line,
                          f"Ingress {ing.ref.namespace}/{ing.ref.name} {backend.where}: backend Service "
                          f"{backend.service} is not in namespace {ing.ref.namespace}")


@rule("ingress-backend-port-mismatch")
def backend_port_mismatch(context: Context) -> Iterator[Hit]:
    bundle = context.bundle
    for ing in bundle.ingresses:
        for backend in ing.backends:
            service = bundle.service(ing.ref.namespace, backend.service)
            if service is None or (service.type == "ExternalName" and not service.ports):
                continue
            if backend.port_number is not None:
                ok = any(p.port == backend.port_number for p in service.ports)
                wanted = str(backend.port_number)
            elif backend.port_name is not None:
                ok = any(p.name == backend.port_name for p in service.ports)
                wanted = repr(backend.port_name)
            else:
                continue
            if not ok:
                ports = ", ".join(f"{p.name + '=' if p.name else ''}{p.port}" for p in service.ports) or "none"
                yield Hit(ing.ref.id, ing.ref.line,
                          f"Ingress {ing.ref.namespace}/{ing.ref.name} {backend.where}: port {wanted} is not a "
                          f"port of Service {service.key} (ports: {ports})")


@rule("ingress-class-missing")
def class_missing(context: Context) -> Iterator[Hit]:
    for ing in context.bundle.ingresses:
        if not ing.class_name and "kubernetes.io/ingress.class" not in ing.annotations:
            yield Hit(ing.ref.id, ing.ref.line,
                      f"Ingress {ing.ref.namespace}/{ing.ref.name} sets no spec.ingressClassName and no "
                      "kubernetes.io/ingress.class annotation")


@rule("ingress-tls-secret-missing")
def tls_secret_missing(context: Context) -> Iterator[Hit]:
    bundle = context.bundle
    if not bundle.secrets:
        return  # the bundle shows no Secrets at all: they are probably managed elsewhere
    for ing in bundle.ingresses:
        for name in ing.tls_secrets:
            if (ing.ref.namespace, name) not in bundle.secrets:
                yield Hit(ing.ref.id, ing.ref.line,
                          f"Ingress {ing.ref.namespace}/{ing.ref.name}: tls secretName {name} names no Secret "
                          f"in namespace {ing.ref.namespace}")
