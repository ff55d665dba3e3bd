using Edge.Providers.Kubernetes.Client;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Ingress;

/// <summary>
/// Per-Ingress translation results kept between translations. Informers replace an object on
/// every change and never mutate one, so "the same Ingress, the same Services, EndpointSlices and
/// Secrets it names (by reference)" means "the same fragment": at 10,000 Ingresses a change
/// re-translates one Ingress instead of all of them. Anything global (IngressClasses, Nodes)
/// changing drops every entry. Used in tenancy mode too: the tenancy policy returns a new
/// configuration with copies of the routers it restricts and never edits a fragment's.
/// </summary>
public sealed class TranslationMemo
{
    private static readonly object EndOfSlices = new();
    // Keyed by the Ingress object itself: a changed Ingress is a new object, so it misses.
    private Dictionary<V1Ingress, (object[] Dependencies, IngressFragment Fragment)> _entries = new(ReferenceEqualityComparer.Instance);
    private Dictionary<V1Ingress, (object[] Dependencies, IngressFragment Fragment)> _next = new(ReferenceEqualityComparer.Instance);
    private object[] _globals = [];

    /// <summary>Ingresses remembered (those of the last translation).</summary>
    public int Count => _entries.Count;
    public int Reused { get; private set; }
    public int Translated { get; private set; }

    /// <summary>Starts a translation: forgets everything when a global input changed.</summary>
    internal void Begin(ClusterSnapshot snapshot, HashSet<string>? classNames)
    {
        var globals = new List<object>();
        foreach (var n in snapshot.Nodes) globals.Add(n);
        globals.Add(EndOfSlices);
        if (classNames is not null) foreach (var c in classNames.Order(StringComparer.Ordinal)) globals.Add(c);
        var next = globals.ToArray();
        if (!Same(next, _globals)) _entries.Clear();
        _globals = next;
        _next = new(_entries.Count, ReferenceEqualityComparer.Instance);
        Reused = Translated = 0;
    }

    internal IngressFragment GetOrTranslate(ClusterSnapshot snapshot, V1Ingress ingress, string ns, Func<ClusterSnapshot, V1Ingress, string, IngressFragment> translate)
    {
        // The common case (nothing this Ingress names changed) compares in place, allocating nothing.
        if (_entries.TryGetValue(ingress, out var hit) && new DependencyWalk(snapshot, ingress, ns, hit.Dependencies).Matches())
        {
            Reused++;
            _next[ingress] = hit;
            return hit.Fragment;
        }
        var deps = new List<object>();
        new DependencyWalk(snapshot, ingress, ns, null, deps).Matches();
        var fragment = translate(snapshot, ingress, ns);
        Translated++;
        _next[ingress] = (deps.ToArray(), fragment);
        return fragment;
    }

    /// <summary>Ends a translation: Ingresses not seen this time are forgotten.</summary>
    internal void End() => (_entries, _next) = (_next, _entries);

    /// <summary>
    /// The objects a fragment was computed from, besides the Ingress, in a fixed order: each Service
    /// named (and its EndpointSlices) and each TLS Secret. Either compared with a stored sequence
    /// or collected into a new one.
    /// </summary>
    private ref struct DependencyWalk(ClusterSnapshot snapshot, V1Ingress ingress, string ns, object[]? stored, List<object>? collect = null)
    {
        private int _i;
        private string? _lastService;

        private bool Visit(object o)
        {
            if (collect is not null) { collect.Add(o); return true; }
            return _i < stored!.Length && ReferenceEquals(stored[_i++], o);
        }

        private bool Service(string? name)
        {
            // Paths of one Ingress usually share a Service: visit it once per run of equal names.
            if (string.IsNullOrEmpty(name) || name == _lastService) return true;
            _lastService = name;
            if (!Visit((object?)snapshot.GetService(ns, name) ?? EndOfSlices)) return false;
            foreach (var slice in snapshot.GetEndpointSlicesForService(ns, name))
                if (!Visit(slice)) return false;
            return Visit(EndOfSlices);
        }

        public bool Matches()
        {
            var spec = ingress.Spec;
            if (!Service(spec?.DefaultBackend?.Service?.Name)) return false;
            foreach (var rule in spec?.Rules ?? [])
                foreach (var path in rule.Http?.Paths ?? [])
                    if (!Service(path.Backend?.Service?.Name)) return false;
            foreach (var tls in spec?.Tls ?? [])
                if (!string.IsNullOrEmpty(tls.SecretName) && !Visit((object?)snapshot.GetSecret(ns, tls.SecretName) ?? EndOfSlices)) return false;
            return collect is not null || _i == stored!.Length;
        }
    }

    private static bool Same(object[] a, object[] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (!ReferenceEquals(a[i], b[i]) && !(a[i] is string s && b[i] is string t && s == t)) return false;
        return true;
    }
}
