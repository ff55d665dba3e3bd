"""scripts/bench-scale: Edge with many Ingresses in the (standalone, fake) API server.

For N Ingresses (3 paths each, one Service and EndpointSlice each): exec to serving the last
Ingress, RSS once synced, the latency from an Ingress change (a new path, patched through the API
server) to that path being served (p50/p99 over 20 changes, throttle 0), and routing cost (wrk c64
req/s on one route) compared with the same figures at 100 Ingresses.
"""
import argparse, http.client, json, os, statistics, subprocess, sys, tempfile, time, shutil
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_runner as b


def manifests(path, n, backend_port):
    with open(path, "w") as f:
        for i in range(n):
            f.write(f"""apiVersion: v1
kind: Service
metadata: {{ name: svc-{i}, namespace: default }}
spec: {{ ports: [ {{ name: http, port: 80 }} ] }}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {{ name: svc-{i}-1, namespace: default, labels: {{ kubernetes.io/service-name: svc-{i} }} }}
addressType: IPv4
ports: [ {{ name: http, port: {backend_port} }} ]
endpoints: [ {{ addresses: [ "127.0.0.1" ], conditions: {{ ready: true }} }} ]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{ name: app-{i}, namespace: default, annotations: {{ kubernetes.io/ingress.class: traefik }} }}
spec:
  rules:
    - host: app-{i}.example.com
      http:
        paths:
          - {{ path: /a, pathType: Prefix, backend: {{ service: {{ name: svc-{i}, port: {{ number: 80 }} }} }} }}
          - {{ path: /b, pathType: Prefix, backend: {{ service: {{ name: svc-{i}, port: {{ number: 80 }} }} }} }}
          - {{ path: /c, pathType: Exact, backend: {{ service: {{ name: svc-{i}, port: {{ number: 80 }} }} }} }}
---
""")


def status(port, host, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        c.request("GET", path, headers={"Host": host}); r = c.getresponse(); r.read(); return r.status
    except OSError:
        return 0
    finally:
        c.close()


def patch(fport, name, host, svc, extra_path):
    body = {"spec": {"rules": [{"host": host, "http": {"paths": [
        {"path": p, "pathType": "Prefix", "backend": {"service": {"name": svc, "port": {"number": 80}}}} for p in ["/a", "/b", extra_path]]}}]}}
    c = http.client.HTTPConnection("127.0.0.1", fport, timeout=5)
    c.request("PATCH", f"/apis/networking.k8s.io/v1/namespaces/default/ingresses/{name}", body=json.dumps(body),
              headers={"Content-Type": "application/merge-patch+json"})
    r = c.getresponse(); r.read(); c.close()
    if r.status != 200: raise RuntimeError(f"patch {name}: {r.status}")


a_changes = 30


def run(n, tmp, backend_port, secs):
    d = f"{tmp}/m{n}"; os.makedirs(d, exist_ok=True)
    manifests(f"{d}/scale.yaml", n, backend_port)
    F = b.free_port()
    log = open(f"{tmp}/fake{n}.log", "w")
    fake = subprocess.Popen(["taskset", "-c", b.REST_CPU, "dotnet", b.BENCH_DLL, "fake-apiserver", "--port", str(F), "--manifests", d],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    procs = [fake]
    try:
        for _ in range(6000):   # the fake loads every manifest before it prints its line
            if "listening" in open(f"{tmp}/fake{n}.log").read(): break
            time.sleep(0.05)
        P, A = b.free_port(), b.free_port()
        last = f"app-{n - 1}.example.com"
        t0 = time.perf_counter()
        edge = subprocess.Popen(["taskset", "-c", b.PROXY_CPU, os.environ.get("EDGE_BIN", os.path.join(b.ROOT, "artifacts", "edge")), f"--entrypoints.web.address=127.0.0.1:{P}",
                                 f"--entrypoints.traefik.address=127.0.0.1:{A}", "--ping", f"--providers.kubernetesingress.endpoint=http://127.0.0.1:{F}",
                                 "--providers.providersThrottleDuration=0s", "--log.level=DEBUG"], stdout=open(f"{tmp}/edge{n}.log", "w"), stderr=subprocess.STDOUT,
                                start_new_session=True)
        procs.append(edge)
        while status(P, last, "/c") != 200:
            if time.perf_counter() - t0 > 120: raise RuntimeError("edge never served the last Ingress")
            time.sleep(0.002)
        sync_ms = (time.perf_counter() - t0) * 1000
        time.sleep(1)
        rss = b.rss_mib(edge.pid)
        lat = []
        for j in range(a_changes):
            k = (j * 7919) % n
            t1 = time.perf_counter()
            patch(F, f"app-{k}", f"app-{k}.example.com", f"svc-{k}", f"/new{j}")
            while status(P, f"app-{k}.example.com", f"/new{j}") != 200:
                if time.perf_counter() - t1 > 30: raise RuntimeError("change never served")
                time.sleep(0.001)
            lat.append((time.perf_counter() - t1) * 1000)
        lat.sort()
        mid = f"app-{n // 2}.example.com"
        out = subprocess.run(["taskset", "-c", b.REST_CPU, "wrk", "-t1", "-c64", f"-d{secs}s", "-H", f"Host: {mid}", f"http://127.0.0.1:{P}/b"],
                             capture_output=True, text=True).stdout
        rps = float(out.split("Requests/sec:")[1].split()[0])
        # Edge's own account of each change (debug log): snapshot, translation, publish (route tables...).
        import re
        parts = [tuple(int(x) for x in m) for m in re.findall(r"snapshotMs\W+(\d+)\W+translateMs\W+(\d+)\W+publishMs\W+(\d+)", open(f"{tmp}/edge{n}.log").read())][-a_changes:]
        split = tuple(statistics.median(p[i] for p in parts) for i in range(3)) if parts else (float("nan"),) * 3
        stages = re.findall(r"Data plane compiled.*?stages=\"?([^\"\n]*)", open(f"{tmp}/edge{n}.log").read())
        return {"n": n, "split": split, "stages": stages[-1] if stages else "(not logged by this build)", "sync_ms": sync_ms, "rss": rss, "p50": statistics.median(lat), "p99": lat[min(len(lat) - 1, int(0.99 * len(lat)))], "rps": rps}
    finally:
        for p in procs:
            try: os.killpg(p.pid, 15)
            except OSError: pass
        for p in procs:
            try: p.wait(5)
            except Exception: pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ingresses", type=int, default=10000)
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--route-cost", default="100,10000,100000", help="router counts for the in-process routing cost table ('' skips it)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="edge-scale-")
    B = b.free_port()
    with open(f"{tmp}/be.conf", "w") as f:
        f.write(f"daemon off; worker_processes 1; error_log {tmp}/e.log; pid {tmp}/be.pid; events {{ worker_connections 4096; }}"
                f" http {{ access_log off; server {{ listen 127.0.0.1:{B}; keepalive_requests 10000000; location / {{ return 200 \"ok\"; }} }} }}")
    be = subprocess.Popen(["taskset", "-c", b.REST_CPU, b.NGINX, "-c", f"{tmp}/be.conf", "-p", tmp], start_new_session=True)
    try:
        small = run(100, tmp, B, a.duration)
        big = run(a.ingresses, tmp, B, a.duration)
    finally:
        os.killpg(be.pid, 15)
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n| Ingresses (3 paths each) | exec to serving all | RSS synced | change served p50 | change served p99 | route req/s (c64) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in (small, big):
        print(f"| {r['n']} | {r['sync_ms']:.0f} ms | {r['rss']:.0f} MiB | {r['p50']:.1f} ms | {r['p99']:.1f} ms | {r['rps']:.0f} |")
    for r in (small, big):
        print(f"\n{r['n']} Ingresses, one change inside Edge (medians): snapshot {r['split'][0]:.0f} ms, translate {r['split'][1]:.0f} ms, publish (route tables, services, certificates) {r['split'][2]:.0f} ms; last data-plane compile: {r['stages']}", end="")
    print()
    print(f"\nrouting cost at {big['n']} vs 100 Ingresses: req/s ratio {big['rps'] / small['rps']:.2f} (1.00 = unchanged)")
    if a.route_cost:
        # In-process (this tree's Edge.Bench, not EDGE_BIN): the route table alone at 100 / 10,000 / 100,000 routers.
        print("\nroute table in process (Edge.Bench route-cost):")
        sys.stdout.flush()
        subprocess.run(["taskset", "-c", b.PROXY_CPU, "dotnet", b.BENCH_DLL, "route-cost", *a.route_cost.split(",")], check=True)
    print("targets (issue 18): serving all <= 1500 ms, RSS <= 120 MiB, change p99 <= 50 ms, routing at 100,000 routers within noise of 100")


if __name__ == "__main__":
    sys.exit(main())
