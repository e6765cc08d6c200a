"""DNS names, CNAMEs, Service environment variables and Service -> pods explanations."""

from __future__ import annotations

from assistant.inspection.explain import env_name

from .helpers import run

STS = """\
apiVersion: v1
kind: Service
metadata: {name: nginx, namespace: shop}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{port: 80, name: web}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: shop}
spec:
  serviceName: nginx
  replicas: 3
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80, name: web}]}]}
"""


def test_service_and_statefulset_pod_names():
    report = run(STS)
    assert report.dns == [
        "nginx.shop.svc.cluster.local",
        "web-0.nginx.shop.svc.cluster.local",
        "web-1.nginx.shop.svc.cluster.local",
        "web-2.nginx.shop.svc.cluster.local",
    ]
    assert report.env == {}  # headless: no cluster IP, no variables


def test_cluster_domain_option_and_replicas_default_one():
    report = run(STS.replace("  replicas: 3\n", ""), cluster_domain="corp.internal")
    assert report.dns == ["nginx.shop.svc.corp.internal", "web-0.nginx.shop.svc.corp.internal"]


def test_no_pod_names_without_a_headless_selecting_service():
    not_headless = run(STS.replace("  clusterIP: None\n", ""))
    assert not any(name.startswith("web-") for name in not_headless.dns)
    not_selecting = run(STS.replace("selector: {app: nginx}\n  ports", "selector: {app: other}\n  ports"))
    assert not any(name.startswith("web-") for name in not_selecting.dns)


def test_hostname_and_subdomain_pods():
    report = run("""\
        apiVersion: v1
        kind: Service
        metadata: {name: busybox-subdomain}
        spec:
          clusterIP: None
          selector: {name: busybox}
          ports: [{name: foo, port: 1234}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: busybox1, labels: {name: busybox}}
        spec:
          hostname: busybox-1
          subdomain: busybox-subdomain
          containers: [{name: busybox, image: busybox}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: busybox2, labels: {name: busybox}}
        spec:
          hostname: busybox-2
          subdomain: no-such-service
          containers: [{name: busybox, image: busybox}]
        """)
    assert report.dns == ["busybox-1.busybox-subdomain.default.svc.cluster.local",
                          "busybox-subdomain.default.svc.cluster.local"]


def test_externalname_is_a_cname_not_an_a_record():
    report = run("""\
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: prod}
        spec: {type: ExternalName, externalName: db.example.com}
        """)
    assert report.dns == [] and report.cname == {"db.prod.svc.cluster.local": "db.example.com"}
    assert report.env == {}


def test_env_matches_the_kubelet_set_and_order():
    report = run("""\
        apiVersion: v1
        kind: Service
        metadata: {name: redis-primary, namespace: shop}
        spec:
          selector: {app: redis}
          ports:
          - {name: redis, port: 6379, targetPort: 6379}
          - {name: metrics-http, port: 9121, protocol: TCP}
          - {name: gossip, port: 7000, protocol: UDP}
        """)
    assert report.env == {"shop/redis-primary": [
        "REDIS_PRIMARY_SERVICE_HOST",
        "REDIS_PRIMARY_SERVICE_PORT",
        "REDIS_PRIMARY_SERVICE_PORT_REDIS",
        "REDIS_PRIMARY_SERVICE_PORT_METRICS_HTTP",
        "REDIS_PRIMARY_SERVICE_PORT_GOSSIP",
        "REDIS_PRIMARY_PORT",
        "REDIS_PRIMARY_PORT_6379_TCP",
        "REDIS_PRIMARY_PORT_6379_TCP_PROTO",
        "REDIS_PRIMARY_PORT_6379_TCP_PORT",
        "REDIS_PRIMARY_PORT_6379_TCP_ADDR",
        "REDIS_PRIMARY_PORT_9121_TCP",
        "REDIS_PRIMARY_PORT_9121_TCP_PROTO",
        "REDIS_PRIMARY_PORT_9121_TCP_PORT",
        "REDIS_PRIMARY_PORT_9121_TCP_ADDR",
        "REDIS_PRIMARY_PORT_7000_UDP",
        "REDIS_PRIMARY_PORT_7000_UDP_PROTO",
        "REDIS_PRIMARY_PORT_7000_UDP_PORT",
        "REDIS_PRIMARY_PORT_7000_UDP_ADDR",
    ]}


def test_unnamed_single_port_env():
    report = run("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n")
    assert report.env["default/web"] == ["WEB_SERVICE_HOST", "WEB_SERVICE_PORT", "WEB_PORT", "WEB_PORT_80_TCP",
                                         "WEB_PORT_80_TCP_PROTO", "WEB_PORT_80_TCP_PORT", "WEB_PORT_80_TCP_ADDR"]
    assert env_name("my-svc.v2") == "MY_SVC.V2"


def test_service_backends_resolve_target_ports():
    report = run("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080, name: http}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api}
        spec:
          selector: {app: api}
          ports: [{name: http, port: 80, targetPort: http}, {name: admin, port: 9000}]
        """)
    (entry,) = report.services
    assert entry.service == "default/api" and entry.workloads == ["default/api"]
    assert [p["resolved"] for p in entry.ports] == [{"default/api": 8080}, {"default/api": None}]
