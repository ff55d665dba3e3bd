"""scripts/bench: whole-proxy comparison on loopback (see scripts/bench for the rules).

Proxies: nginx, haproxy, caddy, yarp (JIT), yarp-aot (the same YARP peer, Native AOT:
artifacts/yarp-aot/yarp-aot), edge (artifacts/edge against the fake API server).
Metrics per proxy (medians over rounds; ratios to nginx from the same run):
  small c64 req/s, CPU us/request (proxy process user+sys time / requests), p99 at c64, p99 at c1,
  1 MiB c64 req/s, small c1000 req/s, HTTPS c64 req/s, start to first proxied 200, idle RSS.
"""
import argparse, http.client, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH_DLL = os.path.join(ROOT, "Edge.Bench", "bin", "Release", "net10.0", "Edge.Bench.dll")
YARP_AOT = os.path.join(ROOT, "artifacts", "yarp-aot", "yarp-aot")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
CADDY = shutil.which("caddy") or "/usr/bin/caddy"
PROXY_CPU, REST_CPU = "0", ("1" if os.cpu_count() and os.cpu_count() > 1 else "0")


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def tree_pids(pid):
    """pid and its descendants (nginx master + worker)."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(d))
            except OSError:
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop(); out.append(p); todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid):
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def rss_mib(pid):
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"): total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def get(port, path="/", tls=False, timeout=1.0):
    if tls:
        import ssl
        ctx = ssl._create_unverified_context()
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=ctx)
    else:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers={"Host": "bench.local"})
        r = c.getresponse(); body = r.read(); return r.status, body
    finally:
        c.close()


def start_timed(cmd, port, env=None, cwd=None, log=None):
    """Starts a proxy pinned to CPU 0; returns (process, ms from exec to its first proxied 200)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(["taskset", "-c", PROXY_CPU] + cmd, env=env, cwd=cwd, stdout=log or subprocess.DEVNULL,
                         stderr=subprocess.STDOUT, start_new_session=True)
    deadline = t0 + 30
    while time.perf_counter() < deadline:
        try:
            status, body = get(port, timeout=0.5)
            if status == 200 and body == b"ok":
                return p, (time.perf_counter() - t0) * 1000
        except OSError:
            pass
        if p.poll() is not None:
            raise RuntimeError(f"{cmd[0]} exited with {p.returncode}")
        time.sleep(0.001)
    raise RuntimeError(f"{cmd[0]} never answered 200 on {port}")


def wrk(port, conns, secs, path="/", tls=False):
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}{path}"
    threads = 2 if conns >= 256 else 1
    out = subprocess.run(["taskset", "-c", REST_CPU, "wrk", f"-t{threads}", f"-c{conns}", f"-d{secs}s", "--latency",
                          "-H", "Host: bench.local", url], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    reqs = int(re.search(r"(\d+) requests in", out).group(1))
    m = re.search(r"\s99%\s+([0-9.]+)(us|ms|s)", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else float("nan")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    # A proxy that answers errors fast must not look fast: any non-2xx answer fails the run.
    if errors and int(errors.group(1)) > 0:
        raise RuntimeError(f"{url}: {errors.group(1)} non-2xx answers of {reqs}")
    if path == "/big":   # the 1 MiB body really went through (not a short error page)
        moved = re.search(r"Transfer/sec:\s+([0-9.]+)(B|KB|MB|GB)", out)
        per_sec = float(moved.group(1)) * {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}[moved.group(2)]
        if per_sec < rps * (1 << 20) * 0.9: raise RuntimeError(f"{url}: responses are not 1 MiB")
    return rps, p99, reqs, 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--duration", default="10s")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="nginx,haproxy,caddy,yarp,yarp-aot,edge")
    a = ap.parse_args()
    secs = 2 if a.quick else int(a.duration.rstrip("s"))
    rounds = 1 if a.quick else a.rounds
    names = a.only.split(",")
    if "nginx" not in names: names.insert(0, "nginx")

    tmp = tempfile.mkdtemp(prefix="edge-bench-")
    os.chmod(tmp, 0o755)   # nginx workers (www-data) read the 1 MiB file from here
    procs = []
    try:
        # Certificate for the HTTPS runs (SAN includes the address wrk connects to, for SNI-strict peers).
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", f"{tmp}/key.pem", "-out", f"{tmp}/cert.pem", "-days", "2", "-subj", "/CN=bench.local",
                        "-addext", "subjectAltName=DNS:bench.local,IP:127.0.0.1"], check=True, capture_output=True)
        with open(f"{tmp}/both.pem", "w") as f:
            f.write(open(f"{tmp}/cert.pem").read() + open(f"{tmp}/key.pem").read())
        with open(f"{tmp}/big", "wb") as f:
            f.write(os.urandom(1 << 20))
        B = free_port()
        common = f"daemon off; worker_processes 1; error_log {tmp}/error.log; events {{ worker_connections 16384; }} worker_rlimit_nofile 65536;"
        with open(f"{tmp}/backend.conf", "w") as f:
            f.write(f"{common} pid {tmp}/backend.pid; http {{ access_log off; server {{ listen 127.0.0.1:{B} backlog=4096; keepalive_requests 10000000;"
                    f" location = /big {{ alias {tmp}/big; }} location / {{ return 200 \"ok\"; }} }} }}")
        procs.append(subprocess.Popen(["taskset", "-c", REST_CPU, NGINX, "-c", f"{tmp}/backend.conf", "-p", tmp], start_new_session=True))

        ports = {n: (free_port(), free_port()) for n in names}   # (plain, tls)
        started = {}
        fake = None
        for n in names:
            P, S = ports[n]
            if n == "nginx":
                with open(f"{tmp}/nginx.conf", "w") as f:
                    f.write(f"{common} pid {tmp}/nginx.pid; http {{ access_log off; upstream be {{ server 127.0.0.1:{B}; keepalive 256; }}"
                            f" server {{ listen 127.0.0.1:{P} backlog=4096; listen 127.0.0.1:{S} ssl backlog=4096; ssl_certificate {tmp}/cert.pem;"
                            f" ssl_certificate_key {tmp}/key.pem; keepalive_requests 10000000;"
                            f" location / {{ proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_set_header Host $host; }} }} }}")
                cmd = [NGINX, "-c", f"{tmp}/nginx.conf", "-p", tmp]; env = None
            elif n == "haproxy":
                with open(f"{tmp}/haproxy.cfg", "w") as f:
                    f.write(f"global\n  nbthread 1\n  maxconn 8000\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n"
                            f"  option http-keep-alive\nfrontend fe\n  bind 127.0.0.1:{P}\n  bind 127.0.0.1:{S} ssl crt {tmp}/both.pem\n  default_backend be\n"
                            f"backend be\n  http-reuse always\n  server s1 127.0.0.1:{B}\n")
                cmd = [HAPROXY, "-f", f"{tmp}/haproxy.cfg", "-db"]; env = None
            elif n == "caddy":
                with open(f"{tmp}/Caddyfile", "w") as f:
                    f.write(f"{{\n  admin off\n  auto_https off\n}}\nhttp://:{P} {{\n  bind 127.0.0.1\n  reverse_proxy 127.0.0.1:{B}\n}}\n"
                            f"https://:{S} {{\n  bind 127.0.0.1\n  tls {tmp}/cert.pem {tmp}/key.pem\n  reverse_proxy 127.0.0.1:{B}\n}}\n")
                cmd = [CADDY, "run", "--config", f"{tmp}/Caddyfile", "--adapter", "caddyfile"]
                env = dict(os.environ, GOMAXPROCS="1", HOME=tmp, XDG_DATA_HOME=tmp, XDG_CONFIG_HOME=tmp)
            elif n in ("yarp", "yarp-aot"):
                cmd = (["dotnet", BENCH_DLL, "yarp"] if n == "yarp" else [YARP_AOT]) + ["--port", str(P), "--https-port", str(S), "--cert", f"{tmp}/cert.pem",
                       "--key", f"{tmp}/key.pem", "--upstream", f"http://127.0.0.1:{B}"]
                env = dict(os.environ, DOTNET_gcServer="0", DOTNET_TieredPGO="1")
            elif n in ("edge", "edge-before"):
                # edge-before: another build of Edge (EDGE_BEFORE=path), for a before/after pair in one run.
                binary = os.path.join(ROOT, "artifacts", "edge") if n == "edge" else os.environ["EDGE_BEFORE"]
                fake, F = start_fake_api(tmp, B)
                procs.append(fake)
                A = free_port()
                cmd = [binary, f"--entrypoints.web.address=127.0.0.1:{P}",
                       f"--entrypoints.websecure.address=127.0.0.1:{S}", f"--entrypoints.traefik.address=127.0.0.1:{A}", "--ping",
                       f"--providers.kubernetesingress.endpoint=http://127.0.0.1:{F}", "--providers.providersThrottleDuration=0s"]
                env = None
            p, ms = start_timed(cmd, P, env=env, log=open(f"{tmp}/{n}.log", "w"))
            procs.append(p)
            time.sleep(0.5)
            started[n] = (p, ms, rss_mib(p.pid))
            status, _ = get(S, tls=True)
            if status != 200: raise RuntimeError(f"{n} does not answer 200 over TLS")

        # Warm-up (JIT, connection pools), then alternating rounds.
        for n in names:
            wrk(ports[n][0], 64, 1); wrk(ports[n][1], 64, 1, tls=True)
        runs = {n: {"small": [], "p99": [], "cpu": [], "big": [], "c1000": [], "https": [], "c1p99": []} for n in names}
        for r in range(rounds):
            for n in names:
                P, S = ports[n]
                pid = started[n][0].pid
                c0 = cpu_seconds(pid)
                rps, p99, reqs, _ = wrk(P, 64, secs)
                c1 = cpu_seconds(pid)
                runs[n]["small"].append(rps); runs[n]["p99"].append(p99); runs[n]["cpu"].append((c1 - c0) * 1e6 / max(reqs, 1))
                runs[n]["big"].append(wrk(P, 64, secs, path="/big")[0])
                runs[n]["c1000"].append(wrk(P, 1000, secs)[0])
                runs[n]["https"].append(wrk(S, 64, secs, tls=True)[0])
                runs[n]["c1p99"].append(wrk(P, 1, secs)[1])   # one connection: latency, not throughput
        med = {n: {k: statistics.median(v) for k, v in runs[n].items()} for n in names}
        base = med["nginx"]
        print(f"\nwrk, {secs}s runs, {rounds} alternating round(s), medians; proxy pinned to CPU {PROXY_CPU}, backend nginx and wrk on CPU {REST_CPU};"
              f" load average {os.getloadavg()[0]:.2f} at the end\n")
        print("| proxy | small c64 req/s | ÷ nginx | CPU µs/req | p99 c64 ms | ÷ nginx | c1 p99 ms | 1 MiB c64 ÷ nginx | small c1000 ÷ nginx | HTTPS c64 ÷ nginx | start to first 200 | idle RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        label = {"nginx": "nginx 1.22", "haproxy": "HAProxy 2.6", "caddy": "Caddy 2.6", "yarp": "YARP 2.3 (JIT)", "yarp-aot": "YARP 2.3 (Native AOT)", "edge": "**Edge** (AOT)", "edge-before": "Edge before (AOT)"}
        for n in names:
            m = med[n]
            print(f"| {label[n]} | {m['small']:.0f} | {m['small']/base['small']:.2f} | {m['cpu']:.1f} | {m['p99']:.2f} | {m['p99']/base['p99']:.2f} | {m['c1p99']:.2f} |"
                  f" {m['big']/base['big']:.2f} | {m['c1000']/base['c1000']:.2f} | {m['https']/base['https']:.2f} |"
                  f" {started[n][1]:.0f} ms | {started[n][2]:.0f} MiB |")
        print("\nAbsolute medians (req/s): " + "; ".join(f"{n} small {med[n]['small']:.0f}, 1 MiB {med[n]['big']:.0f}, c1000 {med[n]['c1000']:.0f}, HTTPS {med[n]['https']:.0f}" for n in names))
        print(f"\nEdge's start is measured with the fake API server already holding 100 Ingresses (exec to first proxied 200).")
    finally:
        for p in procs + [v[0] for v in locals().get("started", {}).values()]:
            try: os.killpg(p.pid, signal.SIGTERM)
            except OSError: pass
        time.sleep(0.3)
        for p in procs + [v[0] for v in locals().get("started", {}).values()]:
            try: os.killpg(p.pid, signal.SIGKILL)
            except OSError: pass
        shutil.rmtree(tmp, ignore_errors=True)


def start_fake_api(tmp, backend_port):
    """The fake API server holding the bench Ingress (plain + TLS) and 99 others (start-time figure)."""
    os.makedirs(f"{tmp}/manifests", exist_ok=True)
    cert = open(f"{tmp}/cert.pem").read().encode(); key = open(f"{tmp}/key.pem").read().encode()
    import base64
    docs = [f"""apiVersion: v1
kind: Service
metadata: {{ name: bench, namespace: default }}
spec: {{ ports: [ {{ name: http, port: 80 }} ] }}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {{ name: bench-1, namespace: default, labels: {{ kubernetes.io/service-name: bench }} }}
addressType: IPv4
ports: [ {{ name: http, port: {backend_port} }} ]
endpoints: [ {{ addresses: [ "127.0.0.1" ], conditions: {{ ready: true }} }} ]
---
apiVersion: v1
kind: Secret
type: kubernetes.io/tls
metadata: {{ name: bench-tls, namespace: default }}
data: {{ tls.crt: {base64.b64encode(cert).decode()}, tls.key: {base64.b64encode(key).decode()} }}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{ name: bench, namespace: default, annotations: {{ kubernetes.io/ingress.class: traefik }} }}
spec:
  rules: [ {{ host: bench.local, http: {{ paths: [ {{ path: /, pathType: Prefix, backend: {{ service: {{ name: bench, port: {{ number: 80 }} }} }} }} ] }} }} ]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{ name: bench-tls, namespace: default, annotations: {{ kubernetes.io/ingress.class: traefik, traefik.ingress.kubernetes.io/router.tls: "true" }} }}
spec:
  tls: [ {{ hosts: [ bench.local ], secretName: bench-tls }} ]
  rules: [ {{ host: bench.local, http: {{ paths: [ {{ path: /, pathType: Prefix, backend: {{ service: {{ name: bench, port: {{ number: 80 }} }} }} }} ] }} }} ]"""]
    for i in range(98):
        docs.append(f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{ name: app-{i}, namespace: default, annotations: {{ kubernetes.io/ingress.class: traefik }} }}
spec:
  rules: [ {{ host: app-{i}.example.com, http: {{ paths: [ {{ path: /, pathType: Prefix, backend: {{ service: {{ name: bench, port: {{ number: 80 }} }} }} }} ] }} }} ]""")
    with open(f"{tmp}/manifests/bench.yaml", "w") as f:
        f.write("\n---\n".join(docs) + "\n")
    port = free_port()
    p = subprocess.Popen(["taskset", "-c", REST_CPU, "dotnet", BENCH_DLL, "fake-apiserver", "--port", str(port), "--manifests", f"{tmp}/manifests"],
                         stdout=open(f"{tmp}/fake.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1); c.request("GET", "/version")
            if c.getresponse().status == 200:
                # Warm the fake API server (JIT) so that Edge's start time is Edge's, not the fake's.
                for path in ["/api/v1/services", "/api/v1/secrets", "/apis/discovery.k8s.io/v1/endpointslices",
                             "/apis/networking.k8s.io/v1/ingresses", "/apis/networking.k8s.io/v1/ingressclasses"]:
                    for _ in range(3):
                        w = http.client.HTTPConnection("127.0.0.1", port, timeout=5); w.request("GET", path); w.getresponse().read(); w.close()
                return p, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("fake API server did not start")


if __name__ == "__main__":
    sys.exit(main())
