"""Splits a `perf record -g` profile of edge into the request path's components (issue 18).

  perf script -i perf.data | python3 scripts/lib/profile_split.py

Each sample is charged to the innermost frame that belongs to a component (Kestrel, routing,
middlewares/observability, forwarder, SocketsHttpHandler, sockets/pipelines, TLS): runtime helpers
(allocation, GC write barriers, async state machines, interface dispatch) count for the component
that called them. A sample whose leaf is in the kernel is shown as kernel, split by the component
that made the system call when the user stack goes past libc (it mostly does not: Debian's libc
has no frame pointers), and by system call. Symbols need an unstripped build or its edge.dbg in perf's build-id
cache (`perf buildid-cache -a artifacts/publish/edge.dbg`). With IlcFoldIdenticalMethodBodies a
folded leaf carries the name of its identical twin; the split is by the callers, which are not.
"""
import collections, re, sys

COMPONENTS = [
    ("routing", re.compile(r"^edge_Edge_DataPlane_(Routing|EdgeDataPlane|DataPlaneState|RouteTable)")),
    ("middlewares+observability", re.compile(r"^edge_Edge_(DataPlane_Middlewares|Observability)")),
    ("forwarder", re.compile(r"^edge_Edge_DataPlane_(Forwarding|Services|Balancing)")),
    ("edge (other)", re.compile(r"^edge_Edge_")),
    ("SocketsHttpHandler", re.compile(r"^System_Net_Http_")),
    ("TLS (SslStream)", re.compile(r"^System_Net_Security_|^System_Security_Cryptography")),
    ("Kestrel", re.compile(r"^Microsoft_AspNetCore_|^Microsoft_Extensions_")),
    ("sockets+pipelines", re.compile(r"^System_Net_Sockets_|^System_IO_Pipelines_")),
]


def component(sym):
    for name, rx in COMPONENTS:
        if rx.search(sym):
            return name
    return None


def samples(lines):
    frames = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        if line.startswith((" ", "\t")):
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                sym, _, dso = parts[1].rpartition(" (")
                frames.append((re.sub(r"\+0x[0-9a-f]+$", "", sym), dso.rstrip(")")))
        else:
            frames = []
    if frames:
        yield frames


def main():
    split, kernel_by, leaf_kernel, syscalls = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for frames in samples(sys.stdin):
        total += 1
        in_kernel = "kernel" in frames[0][1]
        owner = next((c for c in (component(s) for s, _ in frames) if c), "runtime/thread pool (no caller)")
        if in_kernel:
            split["kernel"] += 1
            kernel_by[owner] += 1
            leaf_kernel[frames[0][0]] += 1
            sc = next((m.group(1) for m in (re.match(r"__x64_sys_(\w+)", f) for f, _ in frames) if m), None)
            syscalls[sc or "(no system call: interrupt, softirq, page fault)"] += 1
        elif "libcrypto" in frames[0][1] or "libssl" in frames[0][1]:
            split["OpenSSL (libcrypto/libssl)"] += 1
        else:
            split[owner] += 1
    print(f"{total} samples\n\n| component | share |\n|---|---:|")
    for k, v in split.most_common():
        print(f"| {k} | {v * 100 / total:.1f}% |")
    print("\nkernel time by the component that entered it:")
    for k, v in kernel_by.most_common(6):
        print(f"  {k}: {v * 100 / total:.1f}%")
    print("kernel time by system call: " + ", ".join(f"{k} {v * 100 / total:.1f}%" for k, v in syscalls.most_common(8)))
    print("top kernel leaves: " + ", ".join(f"{k} {v * 100 / total:.1f}%" for k, v in leaf_kernel.most_common(6)))


if __name__ == "__main__":
    main()
