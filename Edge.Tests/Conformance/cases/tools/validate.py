#!/usr/bin/env python3
"""Validate the JSON case files against Traefik's kubernetes_test.go (independent of the generator's parser)."""
import collections
import glob
import json
import os
import re
import subprocess
import sys

REPO = '/work/.mirror/traefik+traefik/repo'
TEST_PATH = 'pkg/provider/kubernetes/ingress/kubernetes_test.go'
CONF = '/work/shared/conformance/traefik-ingress'
CASES = sys.argv[1] if len(sys.argv) > 1 else '/work/main/Edge.Tests/Conformance/cases'

ALLOWED = {'source', 'desc', 'fixture', 'options', 'expected', 'expectedStatus', 'unconvertible', 'notes'}
REQUIRED = {'source', 'desc', 'fixture', 'options', 'notes'}
# Values the JSON has that are Go constants, not string literals, in the test source.
CONST_STRINGS = {'wrr', '100ms', 'minimal'}

src = subprocess.check_output(['git', '-C', REPO, 'show', 'HEAD:' + TEST_PATH]).decode()
errors = []


def err(msg):
    errors.append(msg)


def functions():
    out = {}
    for m in re.finditer(r'^func (Test\w+)\(t \*testing\.T\) \{\n', src, re.M):
        end = re.search(r'^\}\n', src[m.end():], re.M)
        out[m.group(1)] = src[m.end(): m.end() + end.start()]
    return out


FUNCS = functions()


def table_entries(body):
    """Split the test table into entry texts using indentation (entries open with '\\t\\t{' at depth 2)."""
    start = body.index('testCases := []struct')
    tbl = body[start:]
    end = tbl.index('\n\t}\n')
    tbl = tbl[:end]
    parts = re.split(r'\n\t\t\{\n', tbl)[1:]
    return parts


def go_strings(text):
    out = []
    for m in re.finditer(r'`([^`]*)`|"((?:\\.|[^"\\])*)"', text):
        if m.group(1) is not None:
            out.append(m.group(1))
        else:
            out.append(json.loads('"' + m.group(2) + '"'))
    return out


def json_strings(v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            out.append(('key', k))
            json_strings(x, out)
    elif isinstance(v, list):
        for x in v:
            json_strings(x, out)
    elif isinstance(v, str):
        out.append(('val', v))
    return out


files = sorted(glob.glob(os.path.join(CASES, '*.json')))
by_source = collections.defaultdict(list)
for f in files:
    name = os.path.basename(f)
    try:
        c = json.load(open(f, encoding='utf-8'))
    except Exception as e:  # noqa: BLE001
        err('%s: invalid JSON: %s' % (name, e))
        continue
    keys = set(c)
    if not keys <= ALLOWED:
        err('%s: unexpected keys %s' % (name, keys - ALLOWED))
    if not REQUIRED <= keys:
        err('%s: missing keys %s' % (name, REQUIRED - keys))
    if 'expected' in c and 'expectedStatus' in c:
        err('%s: both expected and expectedStatus' % name)
    if not ('expected' in c or 'expectedStatus' in c or 'unconvertible' in c):
        err('%s: no expected, expectedStatus or unconvertible' % name)
    if not os.path.isfile(os.path.join(CONF, c.get('fixture', ''))):
        err('%s: fixture %s missing' % (name, c.get('fixture')))
    if c.get('source') not in FUNCS:
        err('%s: unknown source %s' % (name, c.get('source')))
    for k, v in c.get('options', {}).items():
        if not isinstance(v, str):
            err('%s: option %s is not a string' % (name, k))
        if not (k.startswith('providers.kubernetesingress.') or k == 'core.defaultrulesyntax') or k != k.lower():
            err('%s: odd option key %s' % (name, k))
    by_source[c.get('source')].append((name, c))

# Per-function entry counts and per-entry content checks.
report = collections.OrderedDict()
for fn, items in sorted(by_source.items()):
    entries = table_entries(FUNCS[fn])
    fixture_entries = [e for e in entries if fn != 'TestReportNodeInternalIPs' or 'newClientMock(' in e]
    report[fn] = (len(entries), len(fixture_entries), len(items))
    if len(fixture_entries) != len(items):
        err('%s: %d fixture-based table entries but %d case files' % (fn, len(fixture_entries), len(items)))
    # Match entries to files in order of desc occurrence (files may share a desc; match by multiset + content).
    descs_go = collections.Counter(re.search(r'desc:\s+"([^"]*)"', e).group(1) for e in fixture_entries)
    descs_js = collections.Counter(c['desc'] for _, c in items)
    if descs_go != descs_js:
        err('%s: desc multisets differ: go-only %s json-only %s' % (fn, descs_go - descs_js, descs_js - descs_go))
    # Content check for full-expected cases: Go string literals of the entry == JSON strings (minus constants).
    unmatched = list(items)
    for e in fixture_entries:
        desc = re.search(r'desc:\s+"([^"]*)"', e).group(1)
        if 'expected:' not in e or fn == 'TestIngressEndpointPublishedService':
            continue
        exp_text = e[e.index('expected:'):]
        lits = [s for s in go_strings(exp_text) if s != '']
        go_counter = collections.Counter(lits)
        # candidate files with same desc; pick the one whose strings match
        cands = [(n, c) for n, c in unmatched if c['desc'] == desc and 'expected' in c]
        found = None
        for n, c in cands:
            js = json_strings(c['expected'], [])
            js_counter = collections.Counter(
                v for kind, v in js
                if not (kind == 'key' and v in ('http', 'tls', 'routers', 'services', 'middlewares', 'serversTransports',
                                                 'certificates', 'entryPoints', 'rule', 'service', 'observability',
                                                 'metadata', 'ingress', 'namespace', 'ingressName', 'serviceName',
                                                 'servicePort', 'loadBalancer', 'strategy', 'passHostHeader',
                                                 'responseForwarding', 'flushInterval', 'servers', 'url', 'fenced',
                                                 'priority', 'ruleSyntax', 'options', 'certResolver', 'domains', 'main',
                                                 'sans', 'accessLogs', 'tracing', 'metrics', 'traceVerbosity', 'sticky',
                                                 'cookie', 'name', 'secure', 'httpOnly', 'path', 'serversTransport',
                                                 'certFile', 'keyFile', 'stores'))
                and not (kind == 'val' and v in CONST_STRINGS))
            # numbers / bools: compare counts of Priority and Fenced/new(true)
            if js_counter == go_counter:
                found = (n, c)
                break
        if not found:
            err('%s / %s: no case file whose string content matches the Go entry' % (fn, desc))
            continue
        unmatched.remove(found)
        n, c = found
        text = json.dumps(c['expected'])
        # priorities
        go_prio = re.findall(r'Priority:\s+([\w.]+)', exp_text)
        js_prio = re.findall(r'"priority": (-?\d+)', text)
        conv = {'math.MinInt32': '-2147483648'}
        if [conv.get(p, p) for p in go_prio] != js_prio:
            err('%s: priorities %s vs %s' % (n, go_prio, js_prio))
        if len(re.findall(r'Fenced:\s+true', exp_text)) != text.count('"fenced": true'):
            err('%s: fenced count' % n)
        if len(re.findall(r'PassHostHeader:\s+new\(true\)', exp_text)) != text.count('"passHostHeader": true'):
            err('%s: passHostHeader count' % n)
        if len(re.findall(r'Strategy:\s+dynamic\.BalancerStrategyWRR', exp_text)) != text.count('"strategy": "wrr"'):
            err('%s: strategy count' % n)
        if exp_text.count('FlushInterval:') != text.count('"flushInterval": "100ms"'):
            err('%s: flushInterval count' % n)
        if exp_text.count('TLS: &dynamic.RouterTLSConfig{}') != text.count('"tls": {}'):
            err('%s: empty router tls count' % n)
        if exp_text.count('Routers:') != text.count('"routers":'):
            err('%s: routers map count' % n)
        if ('TLS: &dynamic.TLSConfiguration' in exp_text) != ('"certificates"' in text):
            err('%s: tls certificates presence' % n)
        # every server address must appear in the fixture
        fx = open(os.path.join(CONF, c['fixture']), encoding='utf-8').read()
        for url in re.findall(r'"url": "[a-z]+://\[?([^\]"]+?)\]?:\d+"', text):
            if url not in fx:
                err('%s: server host %s not in fixture' % (n, url))

    # Status cases
    if fn == 'TestIngressEndpointPublishedService':
        for e in fixture_entries:
            desc = re.search(r'desc:\s+"([^"]*)"', e).group(1)
            dcsr = 'disableClusterScopeResources: true' in e
            cands = [c for _, c in items if c['desc'] == desc and
                     (c['options'].get('providers.kubernetesingress.disableclusterscoperesources') == 'true') == dcsr]
            if len(cands) != 1:
                err('%s / %s: %d candidate files' % (fn, desc, len(cands)))
                continue
            st = cands[0]['expectedStatus']
            go_ips = re.findall(r'IP:\s+"([^"]+)"', e)
            go_hosts = re.findall(r'Hostname:\s+"([^"]+)"', e)
            go_ports = re.findall(r'\{Port: (\d+), Protocol: "(\w+)"\}', e)
            js_ips = [x['ip'] for x in st if 'ip' in x]
            js_hosts = [x['hostname'] for x in st if 'hostname' in x]
            js_ports = [(str(p['port']), p['protocol']) for x in st for p in x.get('ports', [])]
            if (go_ips, go_hosts, go_ports) != (js_ips, js_hosts, js_ports):
                err('%s / %s: status mismatch' % (fn, desc))

for fn, (n_all, n_fix, n_files) in report.items():
    print('%-80s table=%2d fixture-based=%2d files=%2d' % (fn, n_all, n_fix, n_files))
print('total files:', len(files))
missing_fns = [f for f in FUNCS if f not in report]
print('test functions without case files:', ', '.join(missing_fns))
if errors:
    print('\nERRORS:')
    for e in errors:
        print(' -', e)
    sys.exit(1)
print('OK')
