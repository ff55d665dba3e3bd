#!/usr/bin/env python3
"""Turn the fixture-based tables of Traefik's pkg/provider/kubernetes/ingress/kubernetes_test.go into JSON case files."""
import json
import os
import re
import subprocess
import sys
sys.dont_write_bytecode = True
from collections import OrderedDict, defaultdict

sys.path.insert(0, os.path.dirname(__file__))
from golit import Parser, tokenize, Lit, Ident  # noqa: E402
from tojson import ev, finish  # noqa: E402

REPO = '/work/.mirror/traefik+traefik/repo'
TEST_PATH = 'pkg/provider/kubernetes/ingress/kubernetes_test.go'
FIXTURES = '/work/shared/conformance/traefik-ingress/fixtures'
OUT = sys.argv[1] if len(sys.argv) > 1 else '/work/main/Edge.Tests/Conformance/cases'

P = 'providers.kubernetesingress.'

COMMON_NOTES = ('Go calls p.loadConfigurationFromIngresses(ctx, clientMock) directly on a struct-literal Provider '
                '(zero values, SetDefaults not applied, no router transform): objects in fixture order, no namespace '
                'defaulting, names without @kubernetes.')
FULL_NOTE = 'Compared with assert.Equal on the whole *dynamic.Configuration.'


def src():
    return subprocess.check_output(['git', '-C', REPO, 'show', 'HEAD:' + TEST_PATH]).decode()


def func_body(text, name):
    m = re.search(r'^func %s\(t \*testing\.T\) \{\n' % re.escape(name), text, re.M)
    if not m:
        raise KeyError(name)
    end = re.search(r'^\}\n', text[m.end():], re.M)
    return text[m.end(): m.end() + end.start()]


def table(body):
    """Parse the `testCases := []struct{...}{ ... }` table of a test function body."""
    m = re.search(r'testCases := \[\]struct \{', body)
    toks = tokenize(body[m.end() - 1:])
    # skip the anonymous struct type's braces
    depth, i = 0, 0
    while True:
        v = toks[i][1]
        if v == '{':
            depth += 1
        elif v == '}':
            depth -= 1
            if depth == 0:
                break
        i += 1
    p = Parser(toks)
    p.i = i + 1
    lit = p.parse_body('[]case')
    entries = []
    for _, e in lit.elems:
        d = OrderedDict()
        for k, v in e.elems:
            d[k] = v
        entries.append(d)
    return entries


def fixture_for(desc):
    return desc.replace(' ', '-') + '.yml'


def scalar(node):
    v = ev(node)
    return finish(v)


def opt_bool(opts, key, node):
    if node is not None and scalar(node) is True:
        opts[P + key] = 'true'


def opt_str(opts, key, node):
    if node is not None:
        v = scalar(node)
        if v:
            opts[key if '.' in key else P + key] = v


def list_value(node):
    """nil -> None, []string{} -> [], []string{"a"} -> ["a"]"""
    if isinstance(node, Ident) and node.name == 'nil':
        return None
    return finish(ev(node))


TESTS = [
    # (Go function, short name)
    ('TestLoadConfigurationFromIngresses', 'Ingresses'),
    ('TestLoadConfigurationFromIngressesWithExternalNameServices', 'ExternalNameServices'),
    ('TestLoadConfigurationFromIngressesWithNativeLB', 'NativeLB'),
    ('TestLoadConfigurationFromIngressesWithNodePortLB', 'NodePortLB'),
    ('TestLoadConfigurationFromIngressesWithNativeLBByDefault', 'NativeLBByDefault'),
    ('TestLoadConfigurationFromIngressesWithCrossProviderNamespaces', 'CrossProviderNamespaces'),
    ('TestLoadConfigurationFromIngressesWithCrossProviderNamespaces_TLSOptions', 'CrossProviderNamespaces_TLSOptions'),
    ('TestLoadConfigurationFromIngressesWithCrossProviderNamespaces_ServersTransport', 'CrossProviderNamespaces_ServersTransport'),
    ('TestIngressEndpointPublishedService', 'IngressEndpointPublishedService'),
    ('TestReportNodeInternalIPs', 'ReportNodeInternalIPs'),
]

# Comments the Go source attaches to individual entries (the tokenizer drops comments), keyed by (short, file stem).
EXTRA_NOTES = {
    ('Ingresses', 'Ingress-with-ingress-annotation--disableingressclasslookup'):
        'Go comment: same fixture as the case without options; disabling the IngressClass lookup still lets Ingresses '
        'selected by the kubernetes.io/ingress.class annotation through.',
    ('Ingresses', 'Ingress-with-ingress-annotation--disableclusterscoperesources'):
        'Go comment: same fixture as the case without options; disabling cluster-scope resources still lets Ingresses '
        'selected by the kubernetes.io/ingress.class annotation through.',
    ('Ingresses', 'Ingress-with-ingressClass--disableingressclasslookup'):
        'Go comment: same fixture as the case without options; with the IngressClass lookup disabled, Ingresses using '
        'spec.ingressClassName are not discovered.',
    ('Ingresses', 'Ingress-with-ingressClass--disableclusterscoperesources'):
        'Go comment: same fixture as the case without options; with cluster-scope resources disabled (no IngressClass '
        'lookup), Ingresses using spec.ingressClassName are not discovered.',
    ('Ingresses', 'Double-Single-Service-Ingress'):
        'Both Ingresses are testing/"" (same namespace and empty name) with only a defaultBackend: the FIRST one in '
        'fixture order (service1 -> 10.30.0.1, 10.41.0.1) wins; the second is skipped ("default backend already exists").',
    ('Ingresses', 'Ingress-with-endpoint-conditions'):
        'EndpointSlice endpoints: serving=false are skipped; terminating=true become "fenced": true; a nil serving '
        'condition counts as true. Server order follows the EndpointSlice order.',
    ('Ingresses', 'Ingress-with-invalid-pathmatcher-annotation'):
        'The service is created before the router fails (invalid router.pathmatcher annotation): services has the '
        'entry, routers is empty.',
    ('Ingresses', 'TLS-support'):
        'The router has "tls": {} (non-nil, empty RouterTLSConfig) because of the annotation '
        'traefik.ingress.kubernetes.io/router.tls: "true" (spec.tls alone does NOT put tls on a router); keep the '
        'empty object distinct from an absent one. spec.tls secrets only feed tls.certificates (base64-decoded '
        'tls.crt/tls.key, sorted by "<namespace>-<secretName>"). The second Ingress references a missing secret '
        '(error logged, Ingress still processed) and a missing Service (path skipped).',
    ('Ingresses', 'Ingress-with-wildcard-host-syntax-v2'):
        'Provider.DefaultRuleSyntax = "v2" (set from core.defaultRuleSyntax in Traefik): the wildcard host becomes '
        'HostRegexp("{subdomain:[a-zA-Z0-9-]+}.foobar.com"); no ruleSyntax is set on the router.',
    ('Ingresses', 'Ingress-with-annotations'):
        'Defaults filled in by the annotation decoding (label.Decode calls SetDefaults on the structs it creates): '
        '"traceVerbosity": "minimal" (RouterObservabilityConfig, present because router.observability.* annotations '
        'are set) and sticky cookie "path": "/" (Cookie, present because service.sticky.cookie is set). Unknown '
        'traefik.ingress.kubernetes.io/foo and non-Traefik ingress.kubernetes.io/foo annotations are ignored. '
        'service.serversscheme "protocol" is used verbatim as the server URL scheme. router.pathmatcher "Path" does '
        'not apply here because pathType is Exact (which gives Path anyway); router.rulesyntax "v2" is copied to the '
        'router but changes nothing as there is no host.',
    ('CrossProviderNamespaces', 'Ingress-with-annotations--crossprovidernamespaces-unset'):
        'Same fixture and options as Ingresses--Ingress-with-annotations.json, whose full expected configuration applies.',
    ('Ingresses', 'Ingress-with-nil-endpointslice-port-name'):
        'The EndpointSlice port has no name (nil): EndpointSlice ports are matched by NAME to the Service port\'s name '
        '("web" here) and a nil name never matches, so the service has no servers (kept because allowEmptyServices).',
    ('Ingresses', 'Ingress-with-nil-endpointslice-port-value'):
        'The EndpointSlice port "web" has no port number (nil): it counts as 0 and the slice is skipped, so the service '
        'has no servers (kept because allowEmptyServices).',
    ('NativeLBByDefault', 'Ingress-with-native-service-lb'):
        'Same desc and fixture as the NativeLB test case, here with nativeLBByDefault=true.',
}


def expected_config(node):
    return finish(ev(node, '*dynamic.Configuration'))


def expected_status(node):
    if node is None or (isinstance(node, Ident) and node.name == 'nil'):
        return []
    return finish(ev(node, '[]netv1.IngressLoadBalancerIngress'))


def build_cases(text):
    cases = []  # (short, stem, dict)
    counts = OrderedDict()
    for fn, short in TESTS:
        entries = table(func_body(text, fn))
        counts[fn] = len(entries)
        produced = []
        for e in entries:
            desc = scalar(e['desc'])
            opts = OrderedDict()
            variant = []
            notes = [COMMON_NOTES]
            case = OrderedDict()
            case['source'] = fn
            case['desc'] = desc
            fixture = fixture_for(desc)
            expected = None
            status = None
            unconvertible = None

            if fn == 'TestLoadConfigurationFromIngresses':
                opt_str(opts, 'ingressclass', e.get('ingressClass'))
                opt_bool(opts, 'allowemptyservices', e.get('allowEmptyServices'))
                opt_bool(opts, 'disableingressclasslookup', e.get('disableIngressClassLookup'))
                opt_bool(opts, 'disableclusterscoperesources', e.get('disableClusterScopeResources'))
                opt_str(opts, 'core.defaultrulesyntax', e.get('defaultRuleSyntax'))
                opt_bool(opts, 'strictprefixmatching', e.get('strictPrefixMatching'))
                expected = expected_config(e['expected'])
            elif fn == 'TestLoadConfigurationFromIngressesWithExternalNameServices':
                opt_str(opts, 'ingressclass', e.get('ingressClass'))
                opt_bool(opts, 'allowexternalnameservices', e.get('allowExternalNameServices'))
                expected = expected_config(e['expected'])
            elif fn == 'TestLoadConfigurationFromIngressesWithNativeLB':
                opt_str(opts, 'ingressclass', e.get('ingressClass'))
                expected = expected_config(e['expected'])
            elif fn == 'TestLoadConfigurationFromIngressesWithNodePortLB':
                opt_bool(opts, 'disableclusterscoperesources', e.get('clusterScopeDisabled'))
                expected = expected_config(e['expected'])
            elif fn == 'TestLoadConfigurationFromIngressesWithNativeLBByDefault':
                opt_str(opts, 'ingressclass', e.get('ingressClass'))
                opts[P + 'nativelbbydefault'] = 'true'
                expected = expected_config(e['expected'])
            elif fn.startswith('TestLoadConfigurationFromIngressesWithCrossProviderNamespaces'):
                cpn = list_value(e['crossProviderNamespaces'])
                if cpn is None:
                    variant.append('crossprovidernamespaces-unset')
                elif cpn == []:
                    variant.append('crossprovidernamespaces-empty')
                    opts[P + 'crossprovidernamespaces'] = ''
                else:
                    variant.append('crossprovidernamespaces-' + '-'.join(cpn))
                    opts[P + 'crossprovidernamespaces'] = ','.join(cpn)
                if fn.endswith('_TLSOptions'):
                    fixture = 'Ingress-with-tls-options-annotation.yml'
                    want = scalar(e['wantRouter']) if 'wantRouter' in e else ''
                    if want:
                        assertion = ('conf.http.routers contains key "%s", that router\'s "tls" is non-nil and its '
                                     '"tls.options" == "foobar@file"' % want)
                    else:
                        assertion = 'conf.http.routers is empty'
                elif fn.endswith('_ServersTransport'):
                    fixture = 'Ingress-with-servers-transport-annotation.yml'
                    want = scalar(e['wantService']) if 'wantService' in e else ''
                    if want:
                        assertion = ('conf.http.services contains key "%s" and its loadBalancer.serversTransport == '
                                     '"foobar@file"' % want)
                    else:
                        assertion = 'conf.http.services is empty AND conf.http.routers is empty'
                else:
                    fixture = os.path.basename(scalar(e['path']))
                    want = scalar(e['wantRouter']) if 'wantRouter' in e else ''
                    assertion = ('conf.http.routers contains key "%s"' % want) if want else 'conf.http.routers is empty'
                unconvertible = ('The Go test asserts only part of the configuration (%s); it has no full expected '
                                 'dynamic configuration.' % assertion)
                notes.append('Go assertion: ' + assertion + '.')
                if cpn == []:
                    notes.append('crossProviderNamespaces is an explicitly EMPTY list ([]string{}), which differs from '
                                 'unset (nil): empty = no namespace may use cross-provider references. The option value '
                                 '"" stands for that empty-but-set list.')
                elif cpn is None:
                    notes.append('crossProviderNamespaces is nil (option not set): no restriction.')
            elif fn == 'TestIngressEndpointPublishedService':
                opt_bool(opts, 'disableclusterscoperesources', e.get('disableClusterScopeResources'))
                opts[P + 'ingressendpoint.publishedservice'] = 'default/published-service'
                status = expected_status(e.get('expected'))
                notes = ['Status test: Go runs the REAL client (newClientImpl over kubefake.NewClientset with the fixture '
                         'objects, WatchAll then waits for the first event), calls p.loadConfigurationFromIngresses, then '
                         'reads Ingress default/foo and compares status.loadBalancer.ingress with assert.ElementsMatch '
                         '(order-insensitive). "expectedStatus" uses the Kubernetes JSON field names of '
                         'IngressLoadBalancerIngress (ip, hostname, ports[{port, protocol}]).']
                if status == []:
                    notes.append('Expected nil: with disableClusterScopeResources a NodePort published service is an '
                                 'error ("node port service type is not supported when cluster scope resources lookup '
                                 'is disabled") and the status stays empty.')
            elif fn == 'TestReportNodeInternalIPs':
                client = e['client']
                from golit import Call as _Call
                if not (isinstance(client, _Call) and client.fn == 'newClientMock'):
                    continue  # entries built from an in-code clientMock, no fixture: not recorded
                inner = client.args[0]
                fixture = fixture_for(scalar(inner.args[0]))  # generateTestFilename("Node Internal IP")
                opts[P + 'reportnodeinternalips'] = 'true'
                empty = 'expectedEmpty' in e and scalar(e['expectedEmpty']) is True
                assertion = ('conf.http.routers and conf.http.services are both empty' if empty else
                             'conf.http.routers and conf.http.services are both NOT empty')
                unconvertible = ('The Go test asserts only part of the configuration (%s); it has no full expected '
                                 'dynamic configuration and does not check the Ingress status (clientMock.'
                                 'UpdateIngressStatus discards it).' % assertion)
                notes.append('Go assertion: ' + assertion + '. With reportNodeInternalIPs the status of every processed '
                             'Ingress would be the InternalIP addresses of all Nodes ([{ip: 10.0.0.1}, {ip: 10.0.0.2}] '
                             'here, per kubernetes.go), but the test does not assert that.')
            else:
                raise KeyError(fn)

            # variants for descs that repeat within one test
            for k, v in opts.items():
                if fn.startswith('TestLoadConfigurationFromIngressesWithCrossProviderNamespaces'):
                    break
                if k.endswith('nativelbbydefault') or k.endswith('ingressendpoint.publishedservice'):
                    continue
                name = k.split('.')[-1]
                variant.append(name if v == 'true' else '%s-%s' % (name, re.sub(r'[^A-Za-z0-9._-]', '_', v)))

            if expected is not None and not unconvertible:
                notes.insert(1, FULL_NOTE)
            case['fixture'] = 'fixtures/' + fixture
            case['options'] = opts
            if status is not None:
                case['expectedStatus'] = status
            elif expected is not None:
                case['expected'] = expected
            if unconvertible:
                case['unconvertible'] = unconvertible
            produced.append((short, desc, fixture, variant, case, notes))

        # Decide file stems; variant suffix only where (fixture) repeats within a test.
        by_fixture = defaultdict(list)
        for item in produced:
            by_fixture[item[2]].append(item)
        for short, desc, fixture, variant, case, notes in produced:
            stem = fixture[:-4]
            if len(by_fixture[fixture]) > 1 and variant:
                stem += '--' + '--'.join(variant)
            extra = EXTRA_NOTES.get((short, stem))
            if extra:
                notes.append(extra)
            case['notes'] = ' '.join(notes)
            cases.append((short, stem, case))
    return cases, counts


def main():
    text = src()
    cases, counts = build_cases(text)
    os.makedirs(OUT, exist_ok=True)
    names = set()
    for short, stem, case in cases:
        name = '%s--%s.json' % (short, stem)
        if name in names:
            raise SystemExit('duplicate file name ' + name)
        names.add(name)
        if not os.path.exists(os.path.join(FIXTURES, case['fixture'][len('fixtures/'):])):
            raise SystemExit('missing fixture for ' + name)
        with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
            json.dump(case, f, indent=2, ensure_ascii=False)
            f.write('\n')
    write_index(cases, counts, text)
    json.dump({'counts': counts, 'files': len(names)}, sys.stdout, indent=1)
    print()


def write_index(cases, counts, text):
    commit = subprocess.check_output(['git', '-C', REPO, 'rev-parse', 'HEAD']).decode().strip()
    shorts = dict(TESTS)
    lines = ['# Conformance cases from Traefik\'s Ingress-provider tests', '',
             'One JSON file per fixture-based table entry of `pkg/provider/kubernetes/ingress/kubernetes_test.go`, '
             'traefik/traefik commit `%s` (MIT licence). Format: `/work/shared/conformance/traefik-ingress/README.md`. '
             'Written by `tools/gen.py` (parses the Go composite literals and applies the Go structs\' json tags and '
             'omitempty) and checked by `tools/validate.py` (JSON validity, keys, fixture existence, entry counts, and '
             'an independent comparison of each entry\'s Go string literals, priorities, flags and server addresses with '
             'the JSON).' % commit, '',
             'Kinds: **full** = `expected` is the whole dynamic configuration Go compares with `assert.Equal`; '
             '**status** = `expectedStatus` is the Ingress `status.loadBalancer.ingress` Go compares with '
             '`assert.ElementsMatch`; **unconvertible** = Go asserts only part of the result (the assertion is in '
             '`unconvertible` and `notes`).', '',
             '## Counts per Go test', '',
             '| Go test | file prefix | table entries | case files | full | status | unconvertible |',
             '|---|---|---:|---:|---:|---:|---:|']
    tot = [0, 0, 0, 0, 0]
    for fn, short in TESTS:
        mine = [c for s, _, c in cases if c['source'] == fn]
        full = sum(1 for c in mine if 'expected' in c and 'unconvertible' not in c)
        st = sum(1 for c in mine if 'expectedStatus' in c)
        un = sum(1 for c in mine if 'unconvertible' in c)
        row = [counts[fn], len(mine), full, st, un]
        tot = [a + b for a, b in zip(tot, row)]
        lines.append('| `%s` | `%s--` | %d | %d | %d | %d | %d |' % ((fn, short) + tuple(row)))
    lines.append('| **total** | | %d | %d | %d | %d | %d |' % tuple(tot))
    lines += ['', 'Entries not recorded: the 3 entries of `TestReportNodeInternalIPs` that build a `clientMock` in code '
              '(API error, no nodes, nodes without an InternalIP) have no fixture.', '',
              'Test functions not recorded (no fixture, or not a configuration/status comparison):', '',
              '- `TestGetCertificates` (7 entries): builds Ingresses and Secrets in code and calls `getCertificates` '
              'directly (error texts for a missing secret / missing `tls.crt` / `tls.key`; certificate map keyed '
              '`<namespace>-<secretName>`).',
              '- `TestStrictPrefixMatchingRule` (14 entries): checks which request paths the rule built by '
              '`buildStrictPrefixMatchingRule(path)` matches in Traefik\'s muxer (a router-matching table, not a '
              'provider translation).',
              '- `TestProviderInit`: `reportNodeInternalIPs` is mutually exclusive with `ingressEndpoint` and with '
              '`disableClusterScopeResources` (Init errors).', '']
    for fn, short in TESTS:
        mine = [(stem, c) for s, stem, c in cases if c['source'] == fn]
        lines += ['## %s' % fn, '', '| file | desc | options | kind |', '|---|---|---|---|']
        for stem, c in sorted(mine):
            kind = 'unconvertible' if 'unconvertible' in c else ('status' if 'expectedStatus' in c else 'full')
            opts = ', '.join('`%s=%s`' % (k.replace(P, ''), v) for k, v in c['options'].items()) or '-'
            lines.append('| `%s--%s.json` | %s | %s | %s |' % (short, stem, c['desc'].replace('|', '\\|'), opts, kind))
        lines.append('')
    with open(os.path.join(OUT, 'INDEX.md'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))


if __name__ == '__main__':
    main()
